//! What the browser is sent about exams: plain data, made on the server by
//! `server::exam` and shown by the pages in `app::exam*`.
//!
//! During an attempt ([`AttemptView`], [`Saved`]) this holds the displayed
//! stems and options only: no key, no explanation, no question id and no
//! option order, so the answers cannot be read from it. After submission a
//! [`ResultView`] shows which questions were right and the candidate's own
//! answers; keys and explanations ([`ReviewKey`]) appear in it only when the
//! exam's review policy allows (see `ExamDefinition::withheld`), and are
//! left out of the data, not just hidden, when it does not.

use serde::{Deserialize, Serialize};

use super::{QuestionKind, SectionScore, SubmittedBy, Withheld};
use crate::level::Level;

/// One question as the candidate sees it during the attempt.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemView {
    /// Position on the paper, from 0 (shown as `number + 1`).
    pub number: usize,
    pub kind: QuestionKind,
    /// How the item is marked, to show with it.
    pub rule: String,
    /// The stem, rendered from Markdown and sanitised.
    pub stem_html: String,
    /// The options in the order shown to this candidate, rendered and sanitised.
    pub options_html: Vec<String>,
    /// The displayed positions the candidate chose, ascending.
    pub choice: Vec<usize>,
    pub flagged: bool,
}

/// An attempt in progress, safe to send to the browser.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttemptView {
    pub attempt_id: i64,
    pub level: Level,
    pub title: String,
    pub item_count: usize,
    pub started_at: i64,
    pub deadline: i64,
    /// The server's clock when this view was made, to correct the browser's.
    pub now: i64,
    pub remaining_seconds: i64,
    pub grace_seconds: u32,
    /// Extra time included in `deadline`.
    pub extra_seconds: u32,
    pub items: Vec<ItemView>,
}

/// A saved answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Saved {
    pub saved_at: i64,
    /// Seconds left before the deadline.
    pub remaining: i64,
    /// The deadline now (it moves if extra time is granted).
    pub deadline: i64,
}

/// One option in the review, as the candidate saw it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewOption {
    pub html: String,
    pub chosen: bool,
}

/// The answer to one question: sent only when the review policy shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewKey {
    /// The displayed positions of the right options, ascending.
    pub options: Vec<usize>,
    pub explanation_html: String,
}

/// One question in the review, options in the order the candidate saw them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewItem {
    pub number: usize,
    pub kind: QuestionKind,
    pub rule: String,
    pub stem_html: String,
    pub options: Vec<ReviewOption>,
    pub answered: bool,
    /// The item scored its mark.
    pub right: bool,
    /// Where the course teaches this, `/level/slug#heading`.
    pub module: String,
    /// Absent (not even a null) while the keys are withheld.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<ReviewKey>,
}

/// A submitted attempt's result.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResultView {
    pub attempt_id: i64,
    pub level: Level,
    pub title: String,
    pub started_at: i64,
    pub submitted_at: i64,
    pub submitted_by: SubmittedBy,
    pub marks: u32,
    pub total: u32,
    pub percent: u32,
    pub pass_mark_percent: u32,
    pub passed: bool,
    pub sections: Vec<SectionScore>,
    pub certificate_code: Option<String>,
    /// Every question with the candidate's answer and whether it was right;
    /// with its key and explanation unless `withheld`.
    pub review: Vec<ReviewItem>,
    /// Why the keys and explanations are left out, if they are.
    pub withheld: Option<Withheld>,
}

/// What a certificate code stands for, shown to anyone who has the code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateView {
    pub code: String,
    pub name: String,
    pub level: Level,
    pub exam_title: String,
    /// The day the exam was submitted, `YYYY-MM-DD` (UTC).
    pub date: String,
    pub percent: u32,
    pub passed: bool,
}

/// The extra time now in force for a candidate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Granted {
    pub extra_minutes: u32,
    /// The open attempt whose deadline moved, and its new deadline.
    pub open_attempt: Option<(i64, i64)>,
}

/// One past or open attempt, for the candidate's exam page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttemptSummary {
    pub attempt_id: i64,
    pub started_at: i64,
    /// `None` while the attempt is open.
    pub submitted_at: Option<i64>,
    pub submitted_by: Option<SubmittedBy>,
    /// Filled in once the attempt is marked.
    pub percent: Option<u32>,
    pub passed: Option<bool>,
    pub certificate_code: Option<String>,
}

/// An attempt in progress, as the exams page shows it: how long is left
/// and how far the candidate has got.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenAttempt {
    pub attempt_id: i64,
    /// The deadline (Unix seconds), extra time included.
    pub deadline: i64,
    pub remaining_seconds: i64,
    pub answered: u32,
    pub flagged: u32,
}

/// What the candidate's exam page shows about one exam.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExamSummary {
    pub level: Level,
    pub title: String,
    pub questions: u32,
    pub minutes: u32,
    pub pass_mark_percent: u32,
    pub max_attempts: u32,
    pub cooldown_hours: u32,
    pub grace_seconds: u32,
    /// Extra time granted to this candidate, in minutes.
    pub extra_minutes: u32,
    /// Newest first.
    pub attempts: Vec<AttemptSummary>,
    /// The attempt in progress that still accepts answers.
    pub open_attempt: Option<OpenAttempt>,
    /// Why a new attempt cannot start now (`None`: it can).
    pub refusal: Option<String>,
    /// With [`ExamSummary::refusal`] for a cool-down: when it ends.
    pub available_from: Option<i64>,
}

/// An attempt of the candidate's, as its page needs it: still running, or
/// over (submitted now if its time has just run out).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AttemptPage {
    Running(AttemptView),
    /// Submitted: show the result.
    Over {
        attempt_id: i64,
    },
}
