//! Injected time.
//!
//! Nothing in twsec reads the system clock directly: every decision takes a [`Clock`], so that a
//! test can jump 181 days ahead without sleeping and a decision can be replayed exactly.
//!
//! ```
//! use twsec::clock::{Clock, ManualClock};
//! use time::{Duration, macros::datetime};
//!
//! let clock = ManualClock::new(datetime!(2026-01-01 09:00 UTC));
//! clock.advance(Duration::days(181));
//! assert_eq!(clock.now(), datetime!(2026-07-01 09:00 UTC));
//! ```

use std::fmt;
use std::sync::Mutex;

use time::{Duration, OffsetDateTime};

/// A source of the current time, always in UTC.
pub trait Clock: Send + Sync + fmt::Debug {
    /// The current instant, with offset UTC.
    fn now(&self) -> OffsetDateTime;
}

/// The operating system's clock.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

/// A clock that only moves when told to; thread-safe, for tests and replays.
#[derive(Debug)]
pub struct ManualClock {
    now: Mutex<OffsetDateTime>,
}

impl ManualClock {
    /// A clock stopped at `start` (converted to UTC).
    pub fn new(start: OffsetDateTime) -> Self {
        Self {
            now: Mutex::new(start.to_offset(time::UtcOffset::UTC)),
        }
    }

    /// Sets the time to `instant` (converted to UTC). Moving backwards is allowed, as real clocks
    /// are corrected too.
    pub fn set(&self, instant: OffsetDateTime) {
        *self.lock() = instant.to_offset(time::UtcOffset::UTC);
    }

    /// Moves the clock by `by` (which may be negative) and returns the new time.
    pub fn advance(&self, by: Duration) -> OffsetDateTime {
        let mut now = self.lock();
        *now += by;
        *now
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, OffsetDateTime> {
        // A poisoned lock only means another thread panicked while holding a plain value; the
        // value itself is always valid, so keep using it.
        self.now
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Clock for ManualClock {
    fn now(&self) -> OffsetDateTime {
        *self.lock()
    }
}

impl<C: Clock + ?Sized> Clock for &C {
    fn now(&self) -> OffsetDateTime {
        (**self).now()
    }
}

impl<C: Clock + ?Sized> Clock for std::sync::Arc<C> {
    fn now(&self) -> OffsetDateTime {
        (**self).now()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use time::macros::datetime;

    #[test]
    fn manual_clock_sets_and_advances() {
        let clock = ManualClock::new(datetime!(2026-01-01 08:00 +8));
        assert_eq!(clock.now(), datetime!(2026-01-01 00:00 UTC));
        assert_eq!(clock.now().offset(), time::UtcOffset::UTC);
        clock.advance(Duration::days(365));
        assert_eq!(clock.now(), datetime!(2027-01-01 00:00 UTC));
        clock.advance(Duration::hours(-1));
        assert_eq!(clock.now(), datetime!(2026-12-31 23:00 UTC));
        clock.set(datetime!(2030-05-05 05:05 UTC));
        assert_eq!(clock.now(), datetime!(2030-05-05 05:05 UTC));
    }

    #[test]
    fn manual_clock_is_shared_between_threads() {
        let clock = Arc::new(ManualClock::new(datetime!(2026-01-01 00:00 UTC)));
        let handles: Vec<_> = (0..8)
            .map(|_| {
                let c = Arc::clone(&clock);
                std::thread::spawn(move || {
                    for _ in 0..100 {
                        c.advance(Duration::seconds(1));
                    }
                })
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
        assert_eq!(clock.now(), datetime!(2026-01-01 00:13:20 UTC));
    }

    #[test]
    fn system_clock_is_utc() {
        assert_eq!(SystemClock.now().offset(), time::UtcOffset::UTC);
    }
}
