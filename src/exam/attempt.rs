//! One attempt as pure data: the candidate's answers and flags, the
//! deadline, and how it ended; plus the rules for starting an attempt.
//! Every function takes the current Unix time from the caller.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::definition::ExamDefinition;
use super::draw::Paper;
use super::question::QuestionKind;
use super::timing;

/// What the attempt machine needs to know about one paper item.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemShape {
    pub options: usize,
    pub kind: QuestionKind,
}

/// Who ended the attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SubmittedBy {
    /// The candidate pressed submit.
    Candidate,
    /// Time ran out (deadline plus grace).
    Expiry,
}

/// The state of one attempt. Serialisable, so it can be stored as it is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttemptState {
    pub started_at: i64,
    /// `started_at + minutes * 60 + extra_seconds`.
    pub deadline: i64,
    pub grace_seconds: u32,
    /// Extra time granted so far (already included in `deadline`).
    pub extra_seconds: u32,
    pub items: Vec<ItemShape>,
    /// Item index to the displayed positions chosen, ascending.
    pub answers: BTreeMap<usize, Vec<usize>>,
    /// Items the candidate flagged to come back to.
    pub flagged: BTreeSet<usize>,
    pub submitted_at: Option<i64>,
    pub submitted_by: Option<SubmittedBy>,
}

/// Why an answer (or flag) was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AnswerError {
    #[error("time is up: answers were accepted until {grace_seconds} seconds after the deadline")]
    Late { deadline: i64, grace_seconds: u32 },
    #[error("there is no question {} on this paper", ordinal(*item))]
    NoSuchItem { item: usize },
    #[error("question {} has no option {}", ordinal(*item), ordinal(*option))]
    BadOption { item: usize, option: usize },
    #[error("question {} takes one answer only", ordinal(*item))]
    OneAnswerOnly { item: usize },
    #[error("the attempt has already been submitted")]
    AlreadySubmitted,
}

/// The number people read for a position counted from 0. Positions come
/// from the request as they were sent, so `usize::MAX` must not wrap to 0.
fn ordinal(position: usize) -> u128 {
    position as u128 + 1
}

impl AttemptState {
    /// A new attempt at `started_at` on `paper`.
    pub fn start(def: &ExamDefinition, paper: &Paper, started_at: i64) -> Self {
        AttemptState {
            started_at,
            deadline: timing::deadline(started_at, def.minutes, 0),
            grace_seconds: def.grace_seconds,
            extra_seconds: 0,
            items: paper
                .items
                .iter()
                .map(|i| ItemShape {
                    options: i.options(),
                    kind: i.kind,
                })
                .collect(),
            answers: BTreeMap::new(),
            flagged: BTreeSet::new(),
            submitted_at: None,
            submitted_by: None,
        }
    }

    pub fn is_submitted(&self) -> bool {
        self.submitted_at.is_some()
    }

    /// Seconds left before the deadline (0 after it).
    pub fn remaining(&self, now: i64) -> i64 {
        timing::remaining(self.deadline, now)
    }

    pub fn is_expired(&self, now: i64) -> bool {
        timing::is_expired(self.deadline, now)
    }

    /// True while the attempt is open and `now <= deadline + grace`.
    pub fn accepts_answer(&self, now: i64) -> bool {
        !self.is_submitted() && timing::accepts_answer(self.deadline, self.grace_seconds, now)
    }

    /// The last second an answer is accepted.
    pub fn closes_at(&self) -> i64 {
        timing::closes_at(self.deadline, self.grace_seconds)
    }

    fn check_open(&self, now: i64) -> Result<(), AnswerError> {
        if self.is_submitted() {
            return Err(AnswerError::AlreadySubmitted);
        }
        if !timing::accepts_answer(self.deadline, self.grace_seconds, now) {
            return Err(AnswerError::Late {
                deadline: self.deadline,
                grace_seconds: self.grace_seconds,
            });
        }
        Ok(())
    }

    /// Records the displayed options chosen for `item`, replacing any
    /// earlier answer; an empty choice clears it. Duplicates are ignored.
    pub fn apply_answer(
        &mut self,
        now: i64,
        item: usize,
        choice: Vec<usize>,
    ) -> Result<(), AnswerError> {
        self.check_open(now)?;
        let shape = *self
            .items
            .get(item)
            .ok_or(AnswerError::NoSuchItem { item })?;
        let mut choice = choice;
        choice.sort_unstable();
        choice.dedup();
        if let Some(&option) = choice.iter().find(|&&o| o >= shape.options) {
            return Err(AnswerError::BadOption { item, option });
        }
        if shape.kind == QuestionKind::Single && choice.len() > 1 {
            return Err(AnswerError::OneAnswerOnly { item });
        }
        if choice.is_empty() {
            self.answers.remove(&item);
        } else {
            self.answers.insert(item, choice);
        }
        Ok(())
    }

    /// Flags or unflags `item` (same timing rules as answers).
    pub fn set_flag(&mut self, now: i64, item: usize, flagged: bool) -> Result<(), AnswerError> {
        self.check_open(now)?;
        if item >= self.items.len() {
            return Err(AnswerError::NoSuchItem { item });
        }
        if flagged {
            self.flagged.insert(item);
        } else {
            self.flagged.remove(&item);
        }
        Ok(())
    }

    /// Submits the attempt. Before the deadline the candidate ended it. From
    /// the deadline on the time ran out: the candidate's page submits it
    /// then on its own, and it counts as ended by expiry, at `now` within
    /// the grace period and at `deadline + grace` after it, whoever asks.
    pub fn submit(&mut self, now: i64) -> Result<SubmittedBy, AnswerError> {
        if self.is_submitted() {
            return Err(AnswerError::AlreadySubmitted);
        }
        let (at, by) = if now < self.deadline {
            (now, SubmittedBy::Candidate)
        } else if timing::accepts_answer(self.deadline, self.grace_seconds, now) {
            (now, SubmittedBy::Expiry)
        } else {
            (self.closes_at(), SubmittedBy::Expiry)
        };
        self.submitted_at = Some(at);
        self.submitted_by = Some(by);
        Ok(by)
    }

    /// Ends an open attempt whose time (deadline plus grace) has run out,
    /// recording `deadline + grace` as the moment. Returns true if it did.
    pub fn auto_submit_if_expired(&mut self, now: i64) -> bool {
        if self.is_submitted() || timing::accepts_answer(self.deadline, self.grace_seconds, now) {
            return false;
        }
        self.submitted_at = Some(self.closes_at());
        self.submitted_by = Some(SubmittedBy::Expiry);
        true
    }

    /// A trainer grants `seconds` more (an accessibility adjustment). Allowed
    /// while the attempt is not submitted, also in the grace period.
    pub fn grant_extra_time(&mut self, seconds: u32) -> Result<(), AnswerError> {
        if self.is_submitted() {
            return Err(AnswerError::AlreadySubmitted);
        }
        self.extra_seconds = self.extra_seconds.saturating_add(seconds);
        self.deadline = self.deadline.saturating_add(i64::from(seconds));
        Ok(())
    }

    /// Items not yet answered, for the "you have not answered" check.
    pub fn unanswered(&self) -> Vec<usize> {
        (0..self.items.len())
            .filter(|i| !self.answers.contains_key(i))
            .collect()
    }
}

/// Why a new attempt may not start.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum StartRefusal {
    #[error("you already have an attempt in progress: finish it first")]
    AttemptOpen { started_at: i64 },
    #[error("you have used all {max_attempts} attempts at this exam")]
    NoAttemptsLeft { max_attempts: u32 },
    #[error(
        "you can start your next attempt {cooldown_hours} hours after your last one was submitted"
    )]
    CoolingDown { until: i64, cooldown_hours: u32 },
}

/// Whether a candidate with `previous` attempts (`(started_at,
/// submitted_at)`, any order) may start a new one at `now`: no attempt
/// open, fewer than `max_attempts` started, and `cooldown_hours` passed
/// since the last submission. Run [`AttemptState::auto_submit_if_expired`]
/// on an open attempt first, so that one whose time ran out is not counted
/// as open.
pub fn can_start(
    def: &ExamDefinition,
    previous: &[(i64, Option<i64>)],
    now: i64,
) -> Result<(), StartRefusal> {
    if let Some(&(started_at, _)) = previous.iter().find(|(_, s)| s.is_none()) {
        return Err(StartRefusal::AttemptOpen { started_at });
    }
    if previous.len() >= def.max_attempts as usize {
        return Err(StartRefusal::NoAttemptsLeft {
            max_attempts: def.max_attempts,
        });
    }
    if let Some(last) = previous.iter().filter_map(|(_, s)| *s).max() {
        let until = last.saturating_add(i64::from(def.cooldown_hours) * 3600);
        if now < until {
            return Err(StartRefusal::CoolingDown {
                until,
                cooldown_hours: def.cooldown_hours,
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exam::draw::draw;
    use crate::exam::testutil::{bank, definition};

    const T0: i64 = 1_767_258_000;

    fn attempt() -> AttemptState {
        let def = definition();
        let paper = draw(&def, &bank(), 1).unwrap_or_else(|e| panic!("{e}"));
        AttemptState::start(&def, &paper, T0)
    }

    fn single_and_multiple(a: &AttemptState) -> (usize, usize) {
        let s = a.items.iter().position(|i| i.kind == QuestionKind::Single);
        let m = a
            .items
            .iter()
            .position(|i| i.kind == QuestionKind::Multiple);
        (s.unwrap_or(0), m.unwrap_or(usize::MAX))
    }

    #[test]
    fn answers_are_recorded_replaced_and_cleared() {
        let mut a = attempt();
        assert_eq!(a.deadline, T0 + 600);
        let (s, _) = single_and_multiple(&a);
        assert_eq!(a.apply_answer(T0 + 5, s, vec![1]), Ok(()));
        assert_eq!(a.answers.get(&s), Some(&vec![1]));
        assert_eq!(a.apply_answer(T0 + 6, s, vec![2, 2]), Ok(()));
        assert_eq!(a.answers.get(&s), Some(&vec![2]));
        assert_eq!(a.apply_answer(T0 + 7, s, vec![]), Ok(()));
        assert_eq!(a.answers.get(&s), None);
        assert_eq!(a.unanswered().len(), 7);
    }

    #[test]
    fn bad_answers_are_refused() {
        let mut a = attempt();
        let (s, m) = single_and_multiple(&a);
        let n = a.items[s].options;
        assert_eq!(
            a.apply_answer(T0, 99, vec![0]),
            Err(AnswerError::NoSuchItem { item: 99 })
        );
        assert_eq!(
            a.apply_answer(T0, s, vec![n]),
            Err(AnswerError::BadOption { item: s, option: n })
        );
        assert_eq!(
            a.apply_answer(T0, s, vec![0, 1]),
            Err(AnswerError::OneAnswerOnly { item: s })
        );
        if m != usize::MAX {
            assert_eq!(a.apply_answer(T0, m, vec![0, 1]), Ok(()));
        }
        assert_eq!(
            a.set_flag(T0, 99, true),
            Err(AnswerError::NoSuchItem { item: 99 })
        );
    }

    #[test]
    fn answers_are_accepted_until_deadline_plus_grace() {
        let mut a = attempt();
        let d = a.deadline;
        assert!(a.apply_answer(d, 0, vec![0]).is_ok(), "at the deadline");
        assert!(
            a.apply_answer(d + 30, 0, vec![1]).is_ok(),
            "at deadline + grace"
        );
        assert_eq!(
            a.apply_answer(d + 31, 0, vec![0]),
            Err(AnswerError::Late {
                deadline: d,
                grace_seconds: 30
            })
        );
        assert_eq!(
            a.answers.get(&0),
            Some(&vec![1]),
            "the late answer changed nothing"
        );
        assert!(a.set_flag(d + 31, 0, true).is_err());
    }

    #[test]
    fn the_largest_positions_are_named_as_sent() {
        let mut a = attempt();
        let past_max = (usize::MAX as u128 + 1).to_string();
        let message = |r: Result<(), AnswerError>| r.err().map(|e| e.to_string());
        assert_eq!(
            message(a.apply_answer(T0, usize::MAX, vec![0])),
            Some(format!("there is no question {past_max} on this paper"))
        );
        assert_eq!(
            message(a.apply_answer(T0, 0, vec![usize::MAX])),
            Some(format!("question 1 has no option {past_max}"))
        );
        assert_eq!(
            message(a.set_flag(T0, usize::MAX, true)),
            Some(format!("there is no question {past_max} on this paper"))
        );
    }

    #[test]
    fn flags_toggle() {
        let mut a = attempt();
        assert!(a.set_flag(T0, 3, true).is_ok());
        assert!(a.flagged.contains(&3));
        assert!(a.set_flag(T0, 3, false).is_ok());
        assert!(a.flagged.is_empty());
    }

    #[test]
    fn submitting_closes_the_attempt() {
        let mut a = attempt();
        assert_eq!(a.submit(T0 + 100), Ok(SubmittedBy::Candidate));
        assert_eq!(a.submitted_at, Some(T0 + 100));
        assert_eq!(a.submit(T0 + 101), Err(AnswerError::AlreadySubmitted));
        assert_eq!(
            a.apply_answer(T0 + 101, 0, vec![0]),
            Err(AnswerError::AlreadySubmitted)
        );
        assert!(!a.auto_submit_if_expired(T0 + 10_000));
        assert_eq!(a.grant_extra_time(60), Err(AnswerError::AlreadySubmitted));
        assert!(!a.accepts_answer(T0 + 102));
    }

    #[test]
    fn expiry_submits_at_deadline_plus_grace() {
        let mut a = attempt();
        let d = a.deadline;
        assert!(!a.auto_submit_if_expired(d + 30));
        assert!(a.auto_submit_if_expired(d + 31));
        assert_eq!(a.submitted_at, Some(d + 30));
        assert_eq!(a.submitted_by, Some(SubmittedBy::Expiry));
        // A late press of "submit" also counts as expiry.
        let mut b = attempt();
        assert_eq!(b.submit(d + 500), Ok(SubmittedBy::Expiry));
        assert_eq!(b.submitted_at, Some(d + 30));
        // Within the grace period the time has still run out, but the
        // moment is when the page submitted it.
        let mut c = attempt();
        assert_eq!(c.submit(d + 30), Ok(SubmittedBy::Expiry));
        assert_eq!(c.submitted_at, Some(d + 30));
        // Before the deadline it is the candidate's own submission.
        let mut e = attempt();
        assert_eq!(e.submit(d - 1), Ok(SubmittedBy::Candidate));
        assert_eq!(e.submitted_at, Some(d - 1));
    }

    #[test]
    fn extra_time_extends_the_deadline() {
        let mut a = attempt();
        let d = a.deadline;
        assert!(a.grant_extra_time(300).is_ok());
        assert!(a.grant_extra_time(60).is_ok());
        assert_eq!((a.deadline, a.extra_seconds), (d + 360, 360));
        assert!(!a.is_expired(d));
        assert_eq!(a.remaining(d), 360);
        assert!(a.apply_answer(d + 360 + 30, 0, vec![0]).is_ok());
        assert!(a.apply_answer(d + 360 + 31, 0, vec![0]).is_err());
        // Granted in the grace period, it reopens the attempt.
        let mut b = attempt();
        assert!(b
            .grant_extra_time(120)
            .is_ok_and(|_| b.accepts_answer(d + 100)));
    }

    #[test]
    fn the_state_round_trips_through_json() {
        let mut a = attempt();
        assert!(a.apply_answer(T0, 2, vec![0]).is_ok());
        assert!(a.set_flag(T0, 4, true).is_ok());
        let json = serde_json::to_string(&a).unwrap_or_default();
        let back: AttemptState =
            serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}: {json}"));
        assert_eq!(back, a);
    }

    #[test]
    fn start_rules() {
        let def = definition(); // 3 attempts, 24 hours cool-down
        let h = 3600;
        assert_eq!(can_start(&def, &[], T0), Ok(()));
        assert_eq!(
            can_start(&def, &[(T0, None)], T0 + 10),
            Err(StartRefusal::AttemptOpen { started_at: T0 })
        );
        let one = [(T0, Some(T0 + 1800))];
        let until = T0 + 1800 + 24 * h;
        assert_eq!(
            can_start(&def, &one, until - 1),
            Err(StartRefusal::CoolingDown {
                until,
                cooldown_hours: 24
            })
        );
        assert_eq!(can_start(&def, &one, until), Ok(()));
        // The cool-down runs from the latest submission, in any order.
        let two = [(T0 + 30 * h, Some(T0 + 31 * h)), (T0, Some(T0 + h))];
        assert!(matches!(
            can_start(&def, &two, T0 + 40 * h),
            Err(StartRefusal::CoolingDown { .. })
        ));
        assert_eq!(can_start(&def, &two, T0 + 55 * h), Ok(()));
        let three = [
            (T0, Some(T0 + h)),
            (T0 + 30 * h, Some(T0 + 31 * h)),
            (T0 + 60 * h, Some(T0 + 61 * h)),
        ];
        assert_eq!(
            can_start(&def, &three, T0 + 1000 * h),
            Err(StartRefusal::NoAttemptsLeft { max_attempts: 3 })
        );
        let msg = StartRefusal::NoAttemptsLeft { max_attempts: 3 }.to_string();
        assert!(msg.contains("all 3 attempts"), "{msg}");
    }
}
