//! The repository: every query the app makes, behind a trait that says
//! nothing about SQLite. A PostgreSQL implementation can sit beside
//! `db::Db` without the pages changing.

use async_trait::async_trait;

use crate::accounts::{LearnerRow, Organisation, Role, TopicAccuracy, UserRow};
use crate::content::Level;

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
    async fn set_role(&self, user_id: i64, role: Role) -> RepoResult<()>;
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
    async fn session_user(&self, token_hash: &str, now: i64) -> RepoResult<Option<User>>;
    async fn delete_session(&self, token_hash: &str) -> RepoResult<()>;
    /// Signs a user out everywhere, except the session given.
    async fn delete_sessions_of(&self, user_id: i64, except: Option<&str>) -> RepoResult<()>;
    async fn purge_expired_sessions(&self, now: i64) -> RepoResult<u64>;

    // Sign-in throttling
    async fn record_login_failure(&self, email: &str, address: &str, at: i64) -> RepoResult<()>;
    /// Failures since `since`: (for this email, from this address).
    async fn login_failures_since(
        &self,
        email: &str,
        address: &str,
        since: i64,
    ) -> RepoResult<(u32, u32)>;
    async fn clear_login_failures(&self, email: &str) -> RepoResult<()>;

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
}
