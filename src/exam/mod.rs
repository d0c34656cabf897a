//! The timed multiple-choice exam: question bank model, blueprints, the
//! draw, timing and scoring. Pure: no web, no database, no clock of its own.
//!
//! - [`question`]: [`Question`], [`QuestionSet`] and the bank rules
//!   ([`validate_bank`]).
//! - [`definition`]: [`ExamDefinition`] (length, timing, pass mark, attempt
//!   rules, review, blueprint) and [`validate_exam`].
//! - [`draw`](mod@draw): a [`Paper`] from a definition, the bank and a seed.
//! - [`timing`]: deadlines, grace and warnings over Unix seconds.
//! - [`attempt`]: [`AttemptState`], answers, submission, [`can_start`].
//! - [`score`](mod@score): marks, percentage, pass/fail, per-topic breakdown.
//! - [`certificate`]: verification codes such as `PA-7K3M-9QX2-H4TD`.
//! - [`gift`], [`aiken`], [`import`]: Moodle GIFT and Aiken import, GIFT export.
//! - [`analysis`]: item analysis (facility, discrimination, option counts) and
//!   question statuses (flagged, retired).
//!
//! The bank and definitions are loaded from `content/` by
//! `content::questions` (server only); see `docs/QUESTIONS.md`.

pub mod aiken;
pub mod analysis;
pub mod attempt;
pub mod certificate;
pub mod definition;
pub mod draw;
pub mod gift;
pub mod import;
pub mod question;
pub mod score;
pub mod timing;
pub mod view;

#[cfg(test)]
mod import_proptests;
#[cfg(test)]
mod testutil;

pub use attempt::{can_start, AnswerError, AttemptState, ItemShape, StartRefusal, SubmittedBy};
pub use certificate::{
    certificate_code, normalise_certificate_code, parse_certificate_code, CodeError,
};
pub use definition::{
    format_utc, validate_exam, BlueprintEntry, Date, ExamDefinition, GeneratedEntry, Review,
    Standing, Withheld, DEFAULT_GRACE_SECONDS,
};
pub use draw::{
    draw, draw_with, DrawError, Generator, ItemSource, NoGenerators, Paper, PaperItem, ResolveError,
};
pub use question::{
    letter_index, option_letter, validate_bank, ModuleIndex, ModuleInfo, Origin, Problem, Question,
    QuestionKind, QuestionSet,
};
pub use score::{
    nearest_percent, passes, percent, score, ItemResult, Score, ScoreError, SectionScore,
    MULTIPLE_RESPONSE_RULE, SINGLE_ANSWER_RULE,
};
pub use timing::{warning_due, Warning};
