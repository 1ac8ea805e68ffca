//! The MFA rules: two of three categories (TWSE-7.1.d) and a different factor for sensitive
//! operations (TWSE-7.1.e.a).

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::factor::{CustomFactor, Factor, FactorId, FactorKind};
use crate::control::{ClauseId, clause};
use crate::password::Lang;

/// The factors one authentication verified, in the order they were verified; each factor ID
/// once. Keep it with the session (it is serde-able): a sensitive operation later is judged
/// against it.
///
/// * [`check_multi_factor`](Self::check_multi_factor): is this MFA, i.e. at least two distinct
///   categories (TWSE-7.1.d)? Required for internet order login (TWSE-7.1.c.c), account login
///   over the internet (TWSE-7.2.b.e) and system access at Annex 10 level High (A10-IA-1H).
/// * [`authorize_sensitive`](Self::authorize_sensitive): may a factor confirm a sensitive
///   operation, such as applying for or renewing a certificate (TWSE-7.1.e.a)?
///
/// ```
/// use twsec::auth::mfa::{AuthFactors, FactorKind, MfaDecision, MfaRefusal, StandardFactor};
///
/// let password_only = AuthFactors::new().with(&StandardFactor::Password);
/// assert_eq!(
///     password_only.check_multi_factor(),
///     MfaDecision::Refused { reason: MfaRefusal::SingleCategory { kind: FactorKind::Knowledge } }
/// );
///
/// let login = password_only.with(&StandardFactor::Totp);
/// assert!(login.check_multi_factor().is_allowed());
///
/// // Certificate renewal: the TOTP used at login does not count again; an SMS code does.
/// let again = login.authorize_sensitive(&StandardFactor::Totp);
/// assert_eq!(again.refusal().map(MfaRefusal::code), Some("MFA-SAME-FACTOR-AS-LOGIN"));
/// assert!(login.authorize_sensitive(&StandardFactor::SmsOtp).is_allowed());
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AuthFactors {
    factors: Vec<CustomFactor>,
}

impl AuthFactors {
    /// No factor yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a factor the application has just verified. A factor already recorded (same
    /// ID) is not added again.
    pub fn record(&mut self, factor: &dyn Factor) {
        let id = factor.id();
        if !self.contains(&id) {
            self.factors.push(CustomFactor::new(id, factor.kind()));
        }
    }

    /// [`record`](Self::record), by value.
    #[must_use]
    pub fn with(mut self, factor: &dyn Factor) -> Self {
        self.record(factor);
        self
    }

    /// Whether the factor `id` was used.
    pub fn contains(&self, id: &FactorId) -> bool {
        self.factors.iter().any(|f| f.id() == *id)
    }

    /// The factors, in the order they were recorded.
    pub fn iter(&self) -> impl Iterator<Item = &CustomFactor> + '_ {
        self.factors.iter()
    }

    /// The number of distinct factors.
    pub fn len(&self) -> usize {
        self.factors.len()
    }

    /// `true` when no factor was recorded.
    pub fn is_empty(&self) -> bool {
        self.factors.is_empty()
    }

    /// The distinct categories of the factors.
    pub fn categories(&self) -> BTreeSet<FactorKind> {
        self.factors.iter().map(Factor::kind).collect()
    }

    /// `true` when the factors span at least two categories.
    pub fn is_multi_factor(&self) -> bool {
        self.categories().len() >= 2
    }

    /// Two of three (TWSE-7.1.d): allowed when the factors span at least two distinct
    /// categories. Two factors of one category (a password and a pattern; a TOTP and an SMS
    /// code) are not MFA.
    pub fn check_multi_factor(&self) -> MfaDecision {
        judge(&self.categories())
    }

    /// A sensitive operation (TWSE-7.1.e.a: certificate application or renewal) confirmed with
    /// `offered` after a login that used these factors. Refused when there was no login factor,
    /// when `offered` was already used at login, or when login and `offered` together do not
    /// span two categories; allowed otherwise.
    pub fn authorize_sensitive(&self, offered: &dyn Factor) -> MfaDecision {
        if self.is_empty() {
            return MfaDecision::Refused {
                reason: MfaRefusal::NoFactor,
            };
        }
        let id = offered.id();
        if self.contains(&id) {
            return MfaDecision::Refused {
                reason: MfaRefusal::SameFactorAsLogin { factor: id },
            };
        }
        let mut categories = self.categories();
        categories.insert(offered.kind());
        judge(&categories)
    }
}

fn judge(categories: &BTreeSet<FactorKind>) -> MfaDecision {
    let mut kinds = categories.iter();
    let reason = match (kinds.next(), kinds.next()) {
        (None, _) => MfaRefusal::NoFactor,
        (Some(&kind), None) => MfaRefusal::SingleCategory { kind },
        (Some(_), Some(_)) => return MfaDecision::Allowed,
    };
    MfaDecision::Refused { reason }
}

/// Whether an authentication or operation meets the MFA rules. A refusal is a value with its
/// reason, not an error.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "decision")]
#[non_exhaustive]
pub enum MfaDecision {
    /// The rules are met.
    Allowed,
    /// The rules are not met.
    Refused {
        /// Why.
        reason: MfaRefusal,
    },
}

impl MfaDecision {
    /// `true` for [`MfaDecision::Allowed`].
    pub fn is_allowed(&self) -> bool {
        matches!(self, MfaDecision::Allowed)
    }

    /// The refusal, if refused.
    pub fn refusal(&self) -> Option<&MfaRefusal> {
        match self {
            MfaDecision::Allowed => None,
            MfaDecision::Refused { reason } => Some(reason),
        }
    }
}

/// Why the MFA rules are not met.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "refusal")]
#[non_exhaustive]
pub enum MfaRefusal {
    /// No factor was verified.
    NoFactor,
    /// Every factor is of one category (TWSE-7.1.d needs two of three).
    SingleCategory {
        /// The one category.
        kind: FactorKind,
    },
    /// The factor offered for a sensitive operation was already used at login (TWSE-7.1.e.a).
    SameFactorAsLogin {
        /// The factor.
        factor: FactorId,
    },
}

impl MfaRefusal {
    /// A stable public code.
    pub fn code(&self) -> &'static str {
        match self {
            MfaRefusal::NoFactor => "MFA-NO-FACTOR",
            MfaRefusal::SingleCategory { .. } => "MFA-SINGLE-CATEGORY",
            MfaRefusal::SameFactorAsLogin { .. } => "MFA-SAME-FACTOR-AS-LOGIN",
        }
    }

    /// The clause the rule comes from.
    pub fn clause(&self) -> ClauseId {
        match self {
            MfaRefusal::NoFactor | MfaRefusal::SingleCategory { .. } => clause::TWSE_7_1_D,
            MfaRefusal::SameFactorAsLogin { .. } => clause::TWSE_7_1_E_A,
        }
    }

    /// The message for the user, in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        let zh = lang == Lang::ZhTw;
        match self {
            MfaRefusal::NoFactor if zh => "尚未完成身分驗證。".to_owned(),
            MfaRefusal::NoFactor => "No authentication factor was verified.".to_owned(),
            MfaRefusal::SingleCategory { .. } if zh => {
                "需使用兩種不同類別的驗證因子（所知、所持、所具之生物特徵）。".to_owned()
            }
            MfaRefusal::SingleCategory { .. } => {
                "Two factors of different kinds are required (something you know, have, or are)."
                    .to_owned()
            }
            MfaRefusal::SameFactorAsLogin { .. } if zh => {
                "此操作需使用與登入時不同的驗證因子。".to_owned()
            }
            MfaRefusal::SameFactorAsLogin { .. } => {
                "This operation needs a factor other than the one used to log in.".to_owned()
            }
        }
    }
}
