//! The repository: every query the app makes, behind a trait that says
//! nothing about SQLite. A PostgreSQL implementation can sit beside
//! `db::Db` without the pages changing.

use async_trait::async_trait;

use crate::accounts::{LearnerRow, Organisation, Role, TopicAccuracy, UserRow};
use crate::content::Level;
use crate::exam::analysis::QuestionStatus;
use crate::exam::SubmittedBy;
use crate::reports::{CohortRow, LearnerFigures, QuestionReview, TimeRange};

#[derive(Debug, thiserror::Error)]
pub enum RepoError {
    /// A unique value is already taken (e.g. an email address).
    #[error("{0} is already in use")]
    Conflict(&'static str),
    #[error("not found")]
    NotFound,
    #[error("storage error: {0}")]
    Storage(String),
}

pub type RepoResult<T> = Result<T, RepoError>;

/// A stored user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub organisation_id: Option<i64>,
    pub organisation: Option<String>,
    pub created_at: i64,
}

pub struct NewUser<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub organisation_id: Option<i64>,
    pub role: Role,
    pub password_hash: &'a str,
}

/// An exercise attempt, as the exercise pages record it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct NewAttempt {
    pub kind: String,
    pub level: Level,
    pub topic: String,
    pub seed: u64,
    pub answer: String,
    pub correct: bool,
    pub time_taken_ms: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Attempt {
    pub id: i64,
    #[serde(flatten)]
    pub attempt: NewAttempt,
    pub created_at: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct CompletedModule {
    pub level: Level,
    pub slug: String,
    pub completed_at: i64,
}

/// A new exam attempt, as the exam service stores it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewExamAttempt {
    pub user_id: i64,
    pub level: Level,
    pub seed: u64,
    /// The drawn paper, JSON (`crate::exam::Paper`).
    pub paper_json: String,
    pub started_at: i64,
    pub deadline: i64,
    pub grace_seconds: u32,
    pub extra_seconds: u32,
}

/// The attempt rules of an exam, as [`Repository::start_exam_attempt`]
/// enforces them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StartRules {
    pub max_attempts: u32,
    pub cooldown_hours: u32,
}

/// A stored exam attempt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExamAttemptRow {
    pub id: i64,
    pub user_id: i64,
    pub level: Level,
    pub seed: u64,
    pub paper_json: String,
    pub started_at: i64,
    pub deadline: i64,
    pub grace_seconds: u32,
    pub extra_seconds: u32,
    pub submitted_at: Option<i64>,
    pub submitted_by: Option<SubmittedBy>,
    /// `None` until the closed attempt has been marked.
    pub outcome: Option<ExamOutcome>,
}

/// The marks of a closed attempt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExamOutcome {
    pub marks: u32,
    pub total: u32,
    pub percent: u32,
    pub passed: bool,
    /// The marked paper, JSON (`crate::exam::Score`).
    pub score_json: String,
    pub certificate_code: Option<String>,
}

/// One saved answer: the displayed positions chosen and the flag.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExamAnswerRow {
    pub item: usize,
    pub choice: Vec<usize>,
    pub flagged: bool,
    pub saved_at: i64,
}

/// Extra time for one candidate at one exam.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExamAdjustment {
    pub user_id: i64,
    pub level: Level,
    pub extra_minutes: u32,
    pub granted_by: Option<i64>,
    pub granted_at: i64,
}

/// What a certificate code stands for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertificateRow {
    pub name: String,
    pub level: Level,
    pub submitted_at: i64,
    pub percent: u32,
    pub passed: bool,
}

/// A session unused for this long is refused (sliding: every use renews it).
pub const SESSION_IDLE_SECONDS: i64 = 2 * 3600;
/// Administrators' sessions idle out sooner: they can change every account.
pub const ADMIN_SESSION_IDLE_SECONDS: i64 = 30 * 60;

/// Sign-in and sign-up limits.
///
/// Sign-in failures are counted per (account, address): after
/// `free_failures` within `window`, each further attempt from that address
/// at that account waits `base_delay` doubled per extra failure (at most
/// `max_delay`) after the last one. An attacker elsewhere therefore cannot
/// lock the owner out, and one address cannot lock out everyone behind it.
/// `address_ceiling` failures from one address within `address_window`, at
/// any accounts, stop that address (password spraying).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ThrottleRules {
    pub window: i64,
    pub free_failures: u32,
    pub base_delay: i64,
    pub max_delay: i64,
    pub address_window: i64,
    pub address_ceiling: u32,
    pub sign_up_window: i64,
    pub sign_ups_per_address: u32,
}

impl ThrottleRules {
    /// How long after the last of `failures` failures the next attempt must
    /// wait (0 while under `free_failures`).
    pub fn delay_after(&self, failures: u32) -> i64 {
        if failures < self.free_failures {
            return 0;
        }
        let doublings = (failures - self.free_failures).min(20);
        (self.base_delay << doublings).min(self.max_delay)
    }
}

/// The answer to a sign-in reservation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reservation {
    /// Go ahead; settle this id afterwards.
    Reserved(i64),
    /// Refused until this time (Unix seconds).
    Refused { retry_at: i64 },
}

#[async_trait]
pub trait Repository: Send + Sync {
    async fn ping(&self) -> RepoResult<()>;

    // Organisations
    async fn create_organisation(
        &self,
        name: &str,
        ods_code: Option<&str>,
    ) -> RepoResult<Organisation>;
    async fn list_organisations(&self, include_inactive: bool) -> RepoResult<Vec<Organisation>>;
    async fn organisation(&self, id: i64) -> RepoResult<Option<Organisation>>;
    async fn set_organisation_active(&self, id: i64, active: bool) -> RepoResult<()>;

    // Users
    async fn create_user(&self, user: NewUser<'_>) -> RepoResult<User>;
    async fn user(&self, id: i64) -> RepoResult<Option<User>>;
    /// The user and their password hash, for signing in.
    async fn user_by_email(&self, email: &str) -> RepoResult<Option<(User, String)>>;
    async fn password_hash(&self, user_id: i64) -> RepoResult<Option<String>>;
    async fn set_password_hash(&self, user_id: i64, hash: &str) -> RepoResult<()>;
    /// `Conflict` if it would demote the last administrator (checked in the
    /// same statement as the change, so two admins demoting each other
    /// cannot both succeed).
    async fn set_role(&self, user_id: i64, role: Role) -> RepoResult<()>;
    /// `Conflict` if the user is the last administrator (same statement).
    async fn delete_user(&self, user_id: i64) -> RepoResult<()>;
    async fn list_users(&self) -> RepoResult<Vec<UserRow>>;
    async fn count_admins(&self) -> RepoResult<u32>;

    // Trainers and their organisations
    async fn trainer_organisations(&self, trainer_id: i64) -> RepoResult<Vec<i64>>;
    async fn assign_trainer(&self, trainer_id: i64, organisation_id: i64) -> RepoResult<()>;
    async fn unassign_trainer(&self, trainer_id: i64, organisation_id: i64) -> RepoResult<()>;
    async fn learners_in(&self, organisation_ids: &[i64]) -> RepoResult<Vec<LearnerRow>>;

    // Sessions
    async fn create_session(
        &self,
        token_hash: &str,
        user_id: i64,
        now: i64,
        expires_at: i64,
    ) -> RepoResult<()>;
    /// The user of a session that has neither expired nor been idle for
    /// longer than [`SESSION_IDLE_SECONDS`] ([`ADMIN_SESSION_IDLE_SECONDS`]
    /// for administrators); using it renews the idle timer.
    async fn session_user(&self, token_hash: &str, now: i64) -> RepoResult<Option<User>>;
    async fn delete_session(&self, token_hash: &str) -> RepoResult<()>;
    /// Signs a user out everywhere, except the session given.
    async fn delete_sessions_of(&self, user_id: i64, except: Option<&str>) -> RepoResult<()>;
    /// Deletes expired and idle sessions.
    async fn purge_expired_sessions(&self, now: i64) -> RepoResult<u64>;

    // Sign-in and sign-up throttling. Each reservation is one conditional
    // INSERT, so parallel requests cannot all pass a check made before any
    // of them is recorded.
    /// Reserves a sign-in attempt for (`email`, `address`) at `now` if
    /// `rules` allow one, recording it as a failure until
    /// [`Repository::sign_in_succeeded`] or [`Repository::release_sign_in`]
    /// settles it.
    async fn reserve_sign_in(
        &self,
        email: &str,
        address: &str,
        now: i64,
        rules: &ThrottleRules,
    ) -> RepoResult<Reservation>;
    /// The attempt was right: removes it and the earlier failures of the
    /// same (email, address), so failures from other addresses stay.
    async fn sign_in_succeeded(
        &self,
        reservation: i64,
        email: &str,
        address: &str,
    ) -> RepoResult<()>;
    /// The attempt was not made (the server was too busy to verify it).
    async fn release_sign_in(&self, reservation: i64) -> RepoResult<()>;
    /// Reserves a sign-up from `address` at `now` if fewer than
    /// `rules.sign_ups_per_address` were made in the last
    /// `rules.sign_up_window` seconds.
    async fn reserve_sign_up(
        &self,
        address: &str,
        now: i64,
        rules: &ThrottleRules,
    ) -> RepoResult<bool>;
    /// Deletes sign-in failures and sign-up records older than `before`.
    async fn purge_throttle_records(&self, before: i64) -> RepoResult<u64>;

    // Progress
    async fn mark_module_complete(
        &self,
        user_id: i64,
        level: Level,
        slug: &str,
        at: i64,
    ) -> RepoResult<()>;
    async fn unmark_module_complete(
        &self,
        user_id: i64,
        level: Level,
        slug: &str,
    ) -> RepoResult<()>;
    async fn completed_modules(&self, user_id: i64) -> RepoResult<Vec<CompletedModule>>;
    async fn record_attempt(&self, user_id: i64, attempt: &NewAttempt, at: i64) -> RepoResult<i64>;
    async fn attempts(&self, user_id: i64) -> RepoResult<Vec<Attempt>>;
    async fn topic_accuracy(&self, user_id: i64) -> RepoResult<Vec<TopicAccuracy>>;

    // Exams
    /// Stores a new attempt whatever came before it (for imports and tests;
    /// candidates start with [`Repository::start_exam_attempt`]); `Conflict`
    /// if the user already has an open attempt at that level.
    async fn create_exam_attempt(&self, attempt: &NewExamAttempt) -> RepoResult<i64>;
    /// Stores a new attempt if, at the moment it is stored, the user has no
    /// open attempt at that level, has started fewer than
    /// `rules.max_attempts`, and submitted the last one at least
    /// `rules.cooldown_hours` before `attempt.started_at`: checked and
    /// written atomically, so concurrent starts and submissions cannot slip
    /// between the check and the write. `None` if a rule refused it
    /// (read the attempts again to say which); `Conflict` as above.
    async fn start_exam_attempt(
        &self,
        attempt: &NewExamAttempt,
        rules: StartRules,
    ) -> RepoResult<Option<i64>>;
    async fn exam_attempt(&self, id: i64) -> RepoResult<Option<ExamAttemptRow>>;
    /// The user's attempts at `level`, oldest first.
    async fn exam_attempts_of(&self, user_id: i64, level: Level)
        -> RepoResult<Vec<ExamAttemptRow>>;
    /// The saved answers of an attempt, by item.
    async fn exam_answers(&self, attempt_id: i64) -> RepoResult<Vec<ExamAnswerRow>>;
    /// Upserts one answer in a single statement that writes only while the
    /// attempt is open and `now <= deadline + grace`. False if it did not.
    async fn save_exam_answer(
        &self,
        attempt_id: i64,
        item: usize,
        choice: &[usize],
        flagged: bool,
        now: i64,
    ) -> RepoResult<bool>;
    /// Closes an open attempt; false if it was already closed. No answer
    /// can be saved after this.
    async fn close_exam_attempt(
        &self,
        attempt_id: i64,
        submitted_at: i64,
        by: SubmittedBy,
    ) -> RepoResult<bool>;
    /// Records the marks of a closed, unmarked attempt; false if it was
    /// already marked. `Conflict` if the certificate code is taken.
    async fn record_exam_outcome(&self, attempt_id: i64, outcome: &ExamOutcome)
        -> RepoResult<bool>;
    /// Attempts needing the expiry task: open past `deadline + grace` at
    /// `now`, or closed but not yet marked.
    async fn exam_attempts_due(&self, now: i64) -> RepoResult<Vec<i64>>;
    /// Raises the extra time of the user's open attempt at `level` to
    /// `extra_seconds` (moving its deadline by the difference) if it is
    /// lower and the attempt still accepts answers at `now`. The attempt
    /// id if it changed.
    async fn raise_open_exam_extra(
        &self,
        user_id: i64,
        level: Level,
        extra_seconds: u32,
        now: i64,
    ) -> RepoResult<Option<i64>>;
    /// Sets (replaces) the user's adjustment at `level`.
    async fn set_exam_adjustment(&self, adjustment: &ExamAdjustment) -> RepoResult<()>;
    async fn exam_adjustment(
        &self,
        user_id: i64,
        level: Level,
    ) -> RepoResult<Option<ExamAdjustment>>;
    /// The attempt a canonical certificate code was issued for.
    async fn certificate(&self, code: &str) -> RepoResult<Option<CertificateRow>>;

    // Trainer reports and item analysis (issue #7)
    /// The learners of `organisation_ids` whose account was created before
    /// `range.to`, with their figures within `range` (modules completed by
    /// `completed_at`, marked exam attempts by `submitted_at`), ordered by
    /// organisation name, then name.
    async fn learner_figures(
        &self,
        organisation_ids: &[i64],
        range: TimeRange,
    ) -> RepoResult<Vec<LearnerFigures>>;
    /// One learner's figures within `range`; `None` if there is no such
    /// learner (or the account is not a learner's).
    async fn learner_figures_of(
        &self,
        user_id: i64,
        range: TimeRange,
    ) -> RepoResult<Option<LearnerFigures>>;
    /// One row per organisation of `organisation_ids` (unknown ids are
    /// left out), in name order, summing [`Repository::learner_figures`].
    async fn cohort_report(
        &self,
        organisation_ids: &[i64],
        range: TimeRange,
    ) -> RepoResult<Vec<CohortRow>>;
    /// The score JSON (`crate::exam::Score`) of every marked attempt at
    /// `level` submitted within `range`, oldest first.
    async fn marked_exam_scores(&self, level: Level, range: TimeRange) -> RepoResult<Vec<String>>;
    /// Every question with a stored review status.
    async fn question_reviews(&self) -> RepoResult<Vec<QuestionReview>>;
    /// Sets (replaces) a question's status.
    async fn set_question_status(
        &self,
        question_id: &str,
        status: QuestionStatus,
        note: Option<&str>,
        set_by: i64,
        at: i64,
    ) -> RepoResult<()>;
    /// The ids of retired questions, ascending.
    async fn retired_questions(&self) -> RepoResult<Vec<String>>;

    // Module revisions (in-browser authoring; see server::authoring)
    /// Records a revision and returns its id. A `Base` revision of a text
    /// already recorded as the base of that path is not recorded twice: the
    /// existing row's id comes back.
    async fn add_module_revision(&self, revision: &NewModuleRevision<'_>) -> RepoResult<i64>;
    /// The revisions of the module file `path`, newest first, without text.
    async fn module_revisions(&self, path: &str) -> RepoResult<Vec<ModuleRevisionRow>>;
    /// One revision and its full text.
    async fn module_revision(&self, id: i64) -> RepoResult<Option<(ModuleRevisionRow, String)>>;
    /// Whether a revision of `path` with this hash is recorded (of any kind).
    async fn has_module_revision(&self, path: &str, revision: &str) -> RepoResult<bool>;
}

// ---- Module revisions (in-browser authoring) ---------------------------

/// A module revision to record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewModuleRevision<'a> {
    /// Relative to the content directory: `foundation/01-imaging-landscape.md`.
    pub path: &'a str,
    /// SHA-256 of `text`, lowercase hex.
    pub revision: &'a str,
    pub text: &'a str,
    pub author_id: Option<i64>,
    pub saved_at: i64,
    pub kind: crate::content::authoring::RevisionKind,
}

/// A stored module revision, without its text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModuleRevisionRow {
    pub id: i64,
    pub path: String,
    pub revision: String,
    pub author_id: Option<i64>,
    /// The author's name, while the account exists.
    pub author_name: Option<String>,
    pub saved_at: i64,
    pub kind: crate::content::authoring::RevisionKind,
}
