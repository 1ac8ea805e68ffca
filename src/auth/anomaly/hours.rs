//! Permitted login hours: a weekly schedule in Taiwan time.

use serde::{Deserialize, Serialize};
use time::{OffsetDateTime, Time, UtcOffset, Weekday};

/// Taiwan time (Asia/Taipei), UTC+8. Taiwan has observed no daylight-saving time since 1979, so
/// a fixed offset is exact for every date a login can carry.
pub const TAIPEI: UtcOffset = time::macros::offset!(+8);

const MINUTES_PER_DAY: u16 = 24 * 60;

/// The hours of each weekday in which logins are permitted, in local time at a fixed offset
/// ([`TAIPEI`] unless [`WeeklySchedule::with_offset`] says otherwise). A login at another time
/// raises `AUTH-ANOMALY-OUTSIDE-HOURS` (TWSE-7.1.c.b daily monitoring of unusual logins).
///
/// Ranges are whole minutes, start included and end excluded; an end of `00:00` means the end
/// of the day (24:00). A range across midnight is written as two ranges on two days.
///
/// ```
/// use time::{Weekday, macros::{datetime, time}};
/// use twsec::auth::WeeklySchedule;
///
/// // Office hours on weekdays, and Saturday mornings.
/// let hours = WeeklySchedule::none()
///     .weekdays(time!(08:00), time!(18:00))?
///     .allow(&[Weekday::Saturday], time!(09:00), time!(12:00))?;
/// assert!(hours.is_permitted(datetime!(2026-03-02 09:30 +8))); // a Monday
/// assert!(!hours.is_permitted(datetime!(2026-03-02 18:00 +8)));
/// assert!(!hours.is_permitted(datetime!(2026-03-01 10:00 +8))); // a Sunday
/// // 01:30 UTC on Monday is 09:30 in Taipei.
/// assert!(hours.is_permitted(datetime!(2026-03-02 01:30 UTC)));
/// # Ok::<(), twsec::auth::ScheduleError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeeklySchedule {
    /// Per weekday from Monday, permitted `[start, end)` minutes after local midnight.
    days: [Vec<(u16, u16)>; 7],
    offset: UtcOffset,
}

/// A schedule range that cannot be built.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ScheduleError {
    /// The range ends at or before its start.
    #[error("a permitted range must end after it starts (use 00:00 for midnight at the end)")]
    EmptyRange,
    /// A bound has seconds or a fraction of a second.
    #[error("permitted hours are whole minutes")]
    NotWholeMinute,
    /// A day already holds [`MAX_RANGES_PER_DAY`] ranges.
    #[error("too many permitted ranges on one day")]
    TooManyRanges,
}

/// The most ranges one day may hold.
pub const MAX_RANGES_PER_DAY: usize = 48;

fn minutes(t: Time) -> Result<u16, ScheduleError> {
    if t.second() != 0 || t.nanosecond() != 0 {
        return Err(ScheduleError::NotWholeMinute);
    }
    Ok(u16::from(t.hour()) * 60 + u16::from(t.minute()))
}

impl WeeklySchedule {
    /// No hour permitted on any day (add ranges with [`WeeklySchedule::allow`]).
    pub fn none() -> Self {
        Self {
            days: Default::default(),
            offset: TAIPEI,
        }
    }

    /// Every hour of every day.
    pub fn always() -> Self {
        Self {
            days: std::array::from_fn(|_| vec![(0, MINUTES_PER_DAY)]),
            offset: TAIPEI,
        }
    }

    /// Also permits `[from, until)` on each of `days` (an `until` of `00:00` is midnight at the
    /// end of the day).
    pub fn allow(
        mut self,
        days: &[Weekday],
        from: Time,
        until: Time,
    ) -> Result<Self, ScheduleError> {
        let start = minutes(from)?;
        let end = match minutes(until)? {
            0 => MINUTES_PER_DAY,
            m => m,
        };
        if end <= start {
            return Err(ScheduleError::EmptyRange);
        }
        for day in days {
            let ranges = &mut self.days[usize::from(day.number_days_from_monday())];
            if ranges.len() >= MAX_RANGES_PER_DAY {
                return Err(ScheduleError::TooManyRanges);
            }
            ranges.push((start, end));
        }
        Ok(self)
    }

    /// Also permits `[from, until)` from Monday to Friday.
    pub fn weekdays(self, from: Time, until: Time) -> Result<Self, ScheduleError> {
        use Weekday::*;
        self.allow(&[Monday, Tuesday, Wednesday, Thursday, Friday], from, until)
    }

    /// The same ranges read at another fixed offset (a branch abroad); the default is
    /// [`TAIPEI`].
    pub fn with_offset(mut self, offset: UtcOffset) -> Self {
        self.offset = offset;
        self
    }

    /// The offset the ranges are read at.
    pub fn offset(&self) -> UtcOffset {
        self.offset
    }

    /// Whether a login at `at` falls in a permitted range.
    pub fn is_permitted(&self, at: OffsetDateTime) -> bool {
        // Out of the representable range after the offset: not a permitted time.
        let Some(local) = at.checked_to_offset(self.offset) else {
            return false;
        };
        let minute = u16::from(local.hour()) * 60 + u16::from(local.minute());
        self.days[usize::from(local.weekday().number_days_from_monday())]
            .iter()
            .any(|&(start, end)| start <= minute && minute < end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{datetime, time};

    #[test]
    fn bounds_and_midnight() {
        let s = WeeklySchedule::none()
            .allow(&[Weekday::Friday], time!(22:00), time!(00:00))
            .unwrap()
            .allow(&[Weekday::Saturday], time!(00:00), time!(02:00))
            .unwrap();
        assert!(s.is_permitted(datetime!(2026-03-06 23:59:59 +8)));
        assert!(s.is_permitted(datetime!(2026-03-07 00:00 +8)));
        assert!(!s.is_permitted(datetime!(2026-03-07 02:00 +8)));
        assert!(!s.is_permitted(datetime!(2026-03-06 21:59 +8)));
        let base = WeeklySchedule::none();
        assert_eq!(
            base.clone()
                .allow(&[Weekday::Monday], time!(10:00), time!(10:00)),
            Err(ScheduleError::EmptyRange)
        );
        assert_eq!(
            base.clone()
                .allow(&[Weekday::Monday], time!(10:00:30), time!(11:00)),
            Err(ScheduleError::NotWholeMinute)
        );
        let mut full = base;
        for h in 0..MAX_RANGES_PER_DAY {
            let h = u8::try_from(h % 23).unwrap();
            full = full
                .allow(
                    &[Weekday::Monday],
                    Time::from_hms(h, 0, 0).unwrap(),
                    time!(23:00),
                )
                .unwrap();
        }
        assert_eq!(
            full.allow(&[Weekday::Monday], time!(01:00), time!(02:00)),
            Err(ScheduleError::TooManyRanges)
        );
        assert!(WeeklySchedule::always().is_permitted(datetime!(2026-01-01 03:33 UTC)));
        let end = time::PrimitiveDateTime::MAX.assume_utc();
        assert!(!WeeklySchedule::always().is_permitted(end));
        assert!(!WeeklySchedule::none().is_permitted(datetime!(2026-01-01 03:33 UTC)));
    }
}
