//! Exam timing over Unix-second timestamps the caller passes in; nothing
//! here reads a clock.
//!
//! - the deadline is `started_at + minutes * 60 + extra_seconds`;
//! - at the deadline the time is up ([`is_expired`]) and the remaining
//!   time is 0;
//! - answers are still accepted up to and including `deadline + grace`
//!   ([`accepts_answer`]), for answers already on their way when time ran
//!   out; one second later they are refused.

use serde::{Deserialize, Serialize};

/// The deadline of an attempt. `extra_seconds` is time a trainer granted
/// (an accessibility adjustment).
pub fn deadline(started_at: i64, minutes: u32, extra_seconds: u32) -> i64 {
    started_at
        .saturating_add(i64::from(minutes) * 60)
        .saturating_add(i64::from(extra_seconds))
}

/// The last second at which an answer is accepted: `deadline + grace`.
pub fn closes_at(deadline: i64, grace_seconds: u32) -> i64 {
    deadline.saturating_add(i64::from(grace_seconds))
}

/// True until and including `deadline + grace_seconds`.
pub fn accepts_answer(deadline: i64, grace_seconds: u32, now: i64) -> bool {
    now <= closes_at(deadline, grace_seconds)
}

/// Seconds left before the deadline, never negative.
pub fn remaining(deadline: i64, now: i64) -> i64 {
    deadline.saturating_sub(now).max(0)
}

/// True from the deadline on.
pub fn is_expired(deadline: i64, now: i64) -> bool {
    now >= deadline
}

/// A time warning shown to the candidate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Warning {
    TenMinutes,
    FiveMinutes,
    OneMinute,
}

impl Warning {
    /// From the first warning to the last.
    pub const ALL: [Warning; 3] = [
        Warning::TenMinutes,
        Warning::FiveMinutes,
        Warning::OneMinute,
    ];

    /// The remaining time at which the warning is due.
    pub fn seconds(self) -> i64 {
        match self {
            Warning::TenMinutes => 600,
            Warning::FiveMinutes => 300,
            Warning::OneMinute => 60,
        }
    }

    /// The text to show (and announce to screen readers).
    pub fn message(self) -> &'static str {
        match self {
            Warning::TenMinutes => "10 minutes left.",
            Warning::FiveMinutes => "5 minutes left.",
            Warning::OneMinute => {
                "1 minute left: your answers are saved as you go and submitted when time is up."
            }
        }
    }
}

/// The warning to show when the remaining time went from `prev_remaining` to
/// `remaining` (between two ticks of the candidate's timer): one whose
/// threshold was crossed, `prev_remaining > threshold >= remaining`. If
/// several were crossed at once (a sleeping laptop), the most urgent.
pub fn warning_due(prev_remaining: i64, remaining: i64) -> Option<Warning> {
    Warning::ALL
        .into_iter()
        .rev()
        .find(|w| prev_remaining > w.seconds() && remaining <= w.seconds())
}

#[cfg(test)]
mod tests {
    use super::*;

    const START: i64 = 1_767_225_600; // 2026-01-01T00:00:00Z

    #[test]
    fn deadline_and_grace_boundaries() {
        let d = deadline(START, 60, 0);
        assert_eq!(d, START + 3600);
        assert_eq!(remaining(d, START), 3600);
        assert_eq!(remaining(d, d - 1), 1);
        assert!(!is_expired(d, d - 1));
        // Exactly at the deadline: time is up, answers still accepted.
        assert_eq!(remaining(d, d), 0);
        assert!(is_expired(d, d));
        assert!(accepts_answer(d, 30, d));
        // Up to and including deadline + grace.
        assert!(accepts_answer(d, 30, d + 30));
        assert!(!accepts_answer(d, 30, d + 31));
        assert_eq!(remaining(d, d + 500), 0);
        // No grace: the deadline is the last accepted second.
        assert!(accepts_answer(d, 0, d));
        assert!(!accepts_answer(d, 0, d + 1));
    }

    #[test]
    fn extra_time_moves_the_deadline() {
        let plain = deadline(START, 90, 0);
        let extended = deadline(START, 90, 25 * 60);
        assert_eq!(extended - plain, 1500);
        assert!(!accepts_answer(plain, 30, plain + 31));
        assert!(accepts_answer(extended, 30, plain + 31));
        assert!(!is_expired(extended, plain));
    }

    #[test]
    fn extreme_timestamps_do_not_overflow() {
        assert_eq!(deadline(i64::MAX, 60, 60), i64::MAX);
        assert!(accepts_answer(i64::MAX, 30, i64::MAX));
        assert_eq!(remaining(i64::MIN, i64::MAX), 0);
    }

    #[test]
    fn warnings_fire_once_as_each_threshold_is_crossed() {
        assert_eq!(warning_due(601, 600), Some(Warning::TenMinutes));
        assert_eq!(warning_due(600, 599), None, "already shown at 600");
        assert_eq!(warning_due(305, 300), Some(Warning::FiveMinutes));
        assert_eq!(warning_due(61, 59), Some(Warning::OneMinute));
        assert_eq!(warning_due(59, 58), None);
        assert_eq!(warning_due(900, 700), None);
        // Asleep from 11 to 4 minutes left: the most urgent crossed.
        assert_eq!(warning_due(660, 240), Some(Warning::FiveMinutes));
        assert_eq!(warning_due(660, 0), Some(Warning::OneMinute));
        // Time added by a trainer moves the clock backwards: no warning.
        assert_eq!(warning_due(200, 2000), None);
        // Every threshold fires exactly once over a second-by-second count.
        let fired: Vec<Warning> = (0..3600)
            .rev()
            .filter_map(|r| warning_due(r + 1, r))
            .collect();
        assert_eq!(fired, Warning::ALL.to_vec());
    }
}
