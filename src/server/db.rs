//! The database: SQLite by default, created and migrated on start.

use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;

use async_trait::async_trait;

use super::repo::{
    Attempt, CertificateRow, CompletedModule, ExamAdjustment, ExamAnswerRow, ExamAttemptRow,
    ExamOutcome, NewAttempt, NewExamAttempt, NewUser, RepoError, RepoResult, Repository,
    Reservation, StartRules, ThrottleRules, User, ADMIN_SESSION_IDLE_SECONDS, SESSION_IDLE_SECONDS,
};
use crate::accounts::{LearnerRow, Organisation, Role, TopicAccuracy, UserRow};
use crate::content::Level;
use crate::exam::analysis::QuestionStatus;
use crate::exam::SubmittedBy;
use crate::reports::{
    cohort_rows, CohortRow, LearnerFigures, LevelFigures, QuestionReview, TimeRange,
};

/// A handle to the application database.
#[derive(Clone, Debug)]
pub struct Db {
    pool: SqlitePool,
}

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("unsupported database URL `{0}`: use sqlite://<file>")]
    UnsupportedUrl(String),
    #[error("database error: {0}")]
    Sqlx(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// Hides a password in a database URL, for logs.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => format!("{}://***{}", &url[..s], &url[at..]),
        _ => url.to_string(),
    }
}

impl Db {
    /// Opens (creating if needed) and migrates the database.
    pub async fn connect(url: &str) -> Result<Db, DbError> {
        if !url.starts_with("sqlite:") {
            return Err(DbError::UnsupportedUrl(redact(url)));
        }
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await?;
        sqlx::migrate!("./migrations").run(&pool).await?;
        Ok(Db { pool })
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

fn storage(e: sqlx::Error) -> RepoError {
    if let sqlx::Error::Database(db) = &e {
        if db.is_unique_violation() {
            return RepoError::Conflict("that value");
        }
    }
    RepoError::Storage(e.to_string())
}

fn level_of(s: &str) -> Level {
    Level::from_slug(s).unwrap_or(Level::Foundation)
}

fn role_of(s: &str) -> Role {
    Role::parse(s).unwrap_or(Role::Learner)
}

type UserRowTuple = (
    i64,
    String,
    String,
    String,
    Option<i64>,
    Option<String>,
    i64,
);

const USER_COLUMNS: &str = "u.id, u.email, u.name, u.role, u.organisation_id, o.name, u.created_at";

fn user_from(t: UserRowTuple) -> User {
    User {
        id: t.0,
        email: t.1,
        name: t.2,
        role: role_of(&t.3),
        organisation_id: t.4,
        organisation: t.5,
        created_at: t.6,
    }
}

#[async_trait]
impl Repository for Db {
    async fn ping(&self) -> RepoResult<()> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map_err(storage)?;
        Ok(())
    }

    async fn create_organisation(
        &self,
        name: &str,
        ods_code: Option<&str>,
    ) -> RepoResult<Organisation> {
        let id = sqlx::query("INSERT INTO organisations (name, ods_code) VALUES (?, ?)")
            .bind(name)
            .bind(ods_code)
            .execute(&self.pool)
            .await
            .map_err(|e| match storage(e) {
                RepoError::Conflict(_) => {
                    RepoError::Conflict("an organisation with that name or ODS code")
                }
                other => other,
            })?
            .last_insert_rowid();
        self.organisation(id).await?.ok_or(RepoError::NotFound)
    }

    async fn list_organisations(&self, include_inactive: bool) -> RepoResult<Vec<Organisation>> {
        let rows: Vec<(i64, String, Option<String>, bool)> = sqlx::query_as(
            "SELECT id, name, ods_code, active FROM organisations WHERE active = 1 OR ? ORDER BY name",
        )
        .bind(include_inactive)
        .fetch_all(&self.pool)
        .await
        .map_err(storage)?;
        Ok(rows
            .into_iter()
            .map(|(id, name, ods_code, active)| Organisation {
                id,
                name,
                ods_code,
                active,
            })
            .collect())
    }

    async fn organisation(&self, id: i64) -> RepoResult<Option<Organisation>> {
        let row: Option<(i64, String, Option<String>, bool)> =
            sqlx::query_as("SELECT id, name, ods_code, active FROM organisations WHERE id = ?")
                .bind(id)
                .fetch_optional(&self.pool)
                .await
                .map_err(storage)?;
        Ok(row.map(|(id, name, ods_code, active)| Organisation {
            id,
            name,
            ods_code,
            active,
        }))
    }

    async fn set_organisation_active(&self, id: i64, active: bool) -> RepoResult<()> {
        let done = sqlx::query("UPDATE organisations SET active = ? WHERE id = ?")
            .bind(active)
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(storage)?;
        if done.rows_affected() == 0 {
            return Err(RepoError::NotFound);
        }
        Ok(())
    }

    async fn create_user(&self, user: NewUser<'_>) -> RepoResult<User> {
        let id = sqlx::query(
            "INSERT INTO users (email, name, organisation_id, role, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(user.email)
        .bind(user.name)
        .bind(user.organisation_id)
        .bind(user.role.as_str())
        .bind(user.password_hash)
        .bind(now())
        .execute(&self.pool)
        .await
        .map_err(|e| match storage(e) {
            RepoError::Conflict(_) => RepoError::Conflict("an account with that email address"),
            other => other,
        })?
        .last_insert_rowid();
        self.user(id).await?.ok_or(RepoError::NotFound)
    }

    async fn user(&self, id: i64) -> RepoResult<Option<User>> {
        let row: Option<UserRowTuple> = sqlx::query_as(&format!(
            "SELECT {USER_COLUMNS} FROM users u LEFT JOIN organisations o ON o.id = u.organisation_id WHERE u.id = ?"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await
        .map_err(storage)?;
        Ok(row.map(user_from))
    }

    async fn user_by_email(&self, email: &str) -> RepoResult<Option<(User, String)>> {
        let row: Option<(i64, String)> =
            sqlx::query_as("SELECT id, password_hash FROM users WHERE email = ?")
                .bind(email)
                .fetch_optional(&self.pool)
                .await
                .map_err(storage)?;
        let Some((id, hash)) = row else {
            return Ok(None);
        };
        Ok(self.user(id).await?.map(|u| (u, hash)))
    }

    async fn password_hash(&self, user_id: i64) -> RepoResult<Option<String>> {
        let row: Option<(String,)> = sqlx::query_as("SELECT password_hash FROM users WHERE id = ?")
            .bind(user_id)
            .fetch_optional(&self.pool)
            .await
            .map_err(storage)?;
        Ok(row.map(|r| r.0))
    }

    async fn set_password_hash(&self, user_id: i64, hash: &str) -> RepoResult<()> {
        sqlx::query("UPDATE users SET password_hash = ? WHERE id = ?")
            .bind(hash)
            .bind(user_id)
            .execute(&self.pool)
            .await
            .map_err(storage)?;
        Ok(())
    }

    async fn set_role(&self, user_id: i64, role: Role) -> RepoResult<()> {
        let mut tx = self.pool.begin().await.map_err(storage)?;
        // One statement: the count of administrators is read under the same
        // write lock as the change, so the last one cannot be demoted by two
        // parallel requests that each saw another administrator.
        let done = sqlx::query(
            "UPDATE users SET role = ?1 WHERE id = ?2
               AND (?1 = 'admin' OR role <> 'admin'
                    OR (SELECT COUNT(*) FROM users WHERE role = 'admin') > 1)",
        )
        .bind(role.as_str())
        .bind(user_id)
        .execute(&mut *tx)
        .await
        .map_err(storage)?;
        if done.rows_affected() == 0 {
            let exists: Option<(i64,)> = sqlx::query_as("SELECT id FROM users WHERE id = ?")
                .bind(user_id)
                .fetch_optional(&mut *tx)
                .await
                .map_err(storage)?;
            return Err(match exists {
                Some(_) => RepoError::Conflict("the last administrator"),
                None => RepoError::NotFound,
            });
        }
        if role != Role::Trainer {
            sqlx::query("DELETE FROM trainer_organisations WHERE trainer_id = ?")
                .bind(user_id)
                .execute(&mut *tx)
                .await
                .map_err(storage)?;
        }
        tx.commit().await.map_err(storage)
    }

    async fn delete_user(&self, user_id: i64) -> RepoResult<()> {
        let done = sqlx::query(
            "DELETE FROM users WHERE id = ?1
               AND (role <> 'admin' OR (SELECT COUNT(*) FROM users WHERE role = 'admin') > 1)",
        )
        .bind(user_id)
        .execute(&self.pool)
        .await
        .map_err(storage)?;
        if done.rows_affected() == 0 {
            return Err(match self.user(user_id).await? {
                Some(_) => RepoError::Conflict("the last administrator"),
                None => RepoError::NotFound,
            });
        }
        Ok(())
    }

    async fn list_users(&self) -> RepoResult<Vec<UserRow>> {
        let rows: Vec<UserRowTuple> = sqlx::query_as(&format!(
            "SELECT {USER_COLUMNS} FROM users u LEFT JOIN organisations o ON o.id = u.organisation_id ORDER BY u.name, u.id"
        ))
        .fetch_all(&self.pool)
        .await
        .map_err(storage)?;
        let links: Vec<(i64, i64)> =
            sqlx::query_as("SELECT trainer_id, organisation_id FROM trainer_organisations")
                .fetch_all(&self.pool)
                .await
                .map_err(storage)?;
        Ok(rows
            .into_iter()
            .map(user_from)
            .map(|u| UserRow {
                follows: links
                    .iter()
                    .filter(|(t, _)| *t == u.id)
                    .map(|(_, o)| *o)
                    .collect(),
                id: u.id,
                name: u.name,
                email: u.email,
                role: u.role,
                organisation: u.organisation,
            })
            .collect())
    }

    async fn count_admins(&self) -> RepoResult<u32> {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM users WHERE role = 'admin'")
            .fetch_one(&self.pool)
            .await
            .map_err(storage)?;
        Ok(n as u32)
    }

    async fn trainer_organisations(&self, trainer_id: i64) -> RepoResult<Vec<i64>> {
        let rows: Vec<(i64,)> = sqlx::query_as(
            "SELECT organisation_id FROM trainer_organisations WHERE trainer_id = ? ORDER BY organisation_id",
        )
        .bind(trainer_id)
        .fetch_all(&self.pool)
        .await
        .map_err(storage)?;
        Ok(rows.into_iter().map(|r| r.0).collect())
    }

    async fn assign_trainer(&self, trainer_id: i64, organisation_id: i64) -> RepoResult<()> {
        sqlx::query(
            "INSERT INTO trainer_organisations (trainer_id, organisation_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
        )
        .bind(trainer_id)
        .bind(organisation_id)
        .execute(&self.pool)
        .await
        .map_err(storage)?;
        Ok(())
    }

    async fn unassign_trainer(&self, trainer_id: i64, organisation_id: i64) -> RepoResult<()> {
        sqlx::query(
            "DELETE FROM trainer_organisations WHERE trainer_id = ? AND organisation_id = ?",
        )
        .bind(trainer_id)
        .bind(organisation_id)
        .execute(&self.pool)
        .await
        .map_err(storage)?;
        Ok(())
    }

    async fn learners_in(&self, organisation_ids: &[i64]) -> RepoResult<Vec<LearnerRow>> {
        if organisation_ids.is_empty() {
            return Ok(Vec::new());
        }
        let marks = vec!["?"; organisation_ids.len()].join(", ");
        let sql = format!(
            "SELECT u.id, u.name, u.email, o.name,
                (SELECT COUNT(*) FROM module_progress p WHERE p.user_id = u.id AND p.level = 'foundation'),
                (SELECT COUNT(*) FROM module_progress p WHERE p.user_id = u.id AND p.level = 'intermediate'),
                (SELECT COUNT(*) FROM exercise_attempts a WHERE a.user_id = u.id),
                (SELECT COALESCE(SUM(a.correct), 0) FROM exercise_attempts a WHERE a.user_id = u.id)
             FROM users u JOIN organisations o ON o.id = u.organisation_id
             WHERE u.role = 'learner' AND u.organisation_id IN ({marks})
             ORDER BY o.name, u.name, u.id"
        );
        let mut q = sqlx::query_as::<_, (i64, String, String, String, i64, i64, i64, i64)>(&sql);
        for id in organisation_ids {
            q = q.bind(id);
        }
        let rows = q.fetch_all(&self.pool).await.map_err(storage)?;
        Ok(rows
            .into_iter()
            .map(|r| LearnerRow {
                id: r.0,
                name: r.1,
                email: r.2,
                organisation: r.3,
                foundation_completed: r.4 as u32,
                intermediate_completed: r.5 as u32,
                attempts: r.6 as u32,
                correct: r.7 as u32,
            })
            .collect())
    }

    async fn create_session(
        &self,
        token_hash: &str,
        user_id: i64,
        now: i64,
        expires_at: i64,
    ) -> RepoResult<()> {
        sqlx::query("INSERT INTO sessions (token_hash, user_id, created_at, expires_at, last_seen_at) VALUES (?, ?, ?, ?, ?)")
            .bind(token_hash)
            .bind(user_id)
            .bind(now)
            .bind(expires_at)
            .bind(now)
            .execute(&self.pool)
            .await
            .map_err(storage)?;
        Ok(())
    }

    async fn session_user(&self, token_hash: &str, now: i64) -> RepoResult<Option<User>> {
        let row: Option<(
            i64,
            String,
            String,
            String,
            Option<i64>,
            Option<String>,
            i64,
            i64,
        )> = sqlx::query_as(&format!(
            "SELECT {USER_COLUMNS}, s.last_seen_at FROM sessions s JOIN users u ON u.id = s.user_id
                 LEFT JOIN organisations o ON o.id = u.organisation_id
                 WHERE s.token_hash = ? AND s.expires_at > ?
                   AND s.last_seen_at > ? - CASE u.role WHEN 'admin' THEN ? ELSE ? END"
        ))
        .bind(token_hash)
        .bind(now)
        .bind(now)
        .bind(ADMIN_SESSION_IDLE_SECONDS)
        .bind(SESSION_IDLE_SECONDS)
        .fetch_optional(&self.pool)
        .await
        .map_err(storage)?;
        let Some(r) = row else { return Ok(None) };
        // Renewed at most once a minute: a write per request would compete
        // with exam saves for SQLite's one writer.
        if now - r.7 >= 60 {
            sqlx::query(
                "UPDATE sessions SET last_seen_at = ? WHERE token_hash = ? AND last_seen_at < ?",
            )
            .bind(now)
            .bind(token_hash)
            .bind(now)
            .execute(&self.pool)
            .await
            .map_err(storage)?;
        }
        Ok(Some(user_from((r.0, r.1, r.2, r.3, r.4, r.5, r.6))))
    }

    async fn delete_session(&self, token_hash: &str) -> RepoResult<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = ?")
            .bind(token_hash)
            .execute(&self.pool)
            .await
            .map_err(storage)?;
        Ok(())
    }

    async fn delete_sessions_of(&self, user_id: i64, except: Option<&str>) -> RepoResult<()> {
        sqlx::query("DELETE FROM sessions WHERE user_id = ? AND token_hash IS NOT ?")
            .bind(user_id)
            .bind(except)
            .execute(&self.pool)
            .await
            .map_err(storage)?;
        Ok(())
    }

    async fn purge_expired_sessions(&self, now: i64) -> RepoResult<u64> {
        let done = sqlx::query("DELETE FROM sessions WHERE expires_at <= ? OR last_seen_at <= ?")
            .bind(now)
            .bind(now - SESSION_IDLE_SECONDS.max(ADMIN_SESSION_IDLE_SECONDS))
            .execute(&self.pool)
            .await
            .map_err(storage)?;
        Ok(done.rows_affected())
    }

    async fn reserve_sign_in(
        &self,
        email: &str,
        address: &str,
        now: i64,
        rules: &ThrottleRules,
    ) -> RepoResult<Reservation> {
        // Counting and inserting in one statement: SQLite takes the write
        // lock before the sub-queries read, so of N parallel attempts at most
        // the allowed number are inserted. The delay is
        // `ThrottleRules::delay_after` written in SQL.
        let done = sqlx::query(
            "INSERT INTO login_failures (email, address, at)
             SELECT ?1, ?2, ?3
             WHERE (SELECT COUNT(*) FROM login_failures WHERE address = ?2 AND at > ?3 - ?4) < ?5
               AND (SELECT CASE WHEN COUNT(*) < ?6 THEN 1
                                ELSE MAX(at) + MIN(?7 << MIN(COUNT(*) - ?6, 20), ?8) <= ?3 END
                    FROM login_failures WHERE email = ?1 AND address = ?2 AND at > ?3 - ?9)",
        )
        .bind(email)
        .bind(address)
        .bind(now)
        .bind(rules.address_window)
        .bind(rules.address_ceiling)
        .bind(rules.free_failures)
        .bind(rules.base_delay)
        .bind(rules.max_delay)
        .bind(rules.window)
        .execute(&self.pool)
        .await
        .map_err(storage)?;
        if done.rows_affected() == 1 {
            return Ok(Reservation::Reserved(done.last_insert_rowid()));
        }
        // Refused: work out until when, for the message.
        let (count, last, by_address, oldest_by_address): (i64, Option<i64>, i64, Option<i64>) =
            sqlx::query_as(
                "SELECT
                    (SELECT COUNT(*) FROM login_failures WHERE email = ?1 AND address = ?2 AND at > ?3 - ?4),
                    (SELECT MAX(at) FROM login_failures WHERE email = ?1 AND address = ?2 AND at > ?3 - ?4),
                    (SELECT COUNT(*) FROM login_failures WHERE address = ?2 AND at > ?3 - ?5),
                    (SELECT MIN(at) FROM login_failures WHERE address = ?2 AND at > ?3 - ?5)",
            )
            .bind(email)
            .bind(address)
            .bind(now)
            .bind(rules.window)
            .bind(rules.address_window)
            .fetch_one(&self.pool)
            .await
            .map_err(storage)?;
        let mut retry_at = now + 1;
        if count >= i64::from(rules.free_failures) {
            let delay = rules.delay_after(u32::try_from(count).unwrap_or(u32::MAX));
            retry_at = retry_at.max(last.unwrap_or(now) + delay);
        }
        if by_address >= i64::from(rules.address_ceiling) {
            retry_at = retry_at.max(oldest_by_address.unwrap_or(now) + rules.address_window);
        }
        Ok(Reservation::Refused { retry_at })
    }

    async fn sign_in_succeeded(
        &self,
        reservation: i64,
        email: &str,
        address: &str,
    ) -> RepoResult<()> {
        sqlx::query("DELETE FROM login_failures WHERE id = ? OR (email = ? AND address = ?)")
            .bind(reservation)
            .bind(email)
            .bind(address)
            .execute(&self.pool)
            .await
            .map_err(storage)?;
        Ok(())
    }

    async fn release_sign_in(&self, reservation: i64) -> RepoResult<()> {
        sqlx::query("DELETE FROM login_failures WHERE id = ?")
            .bind(reservation)
            .execute(&self.pool)
            .await
            .map_err(storage)?;
        Ok(())
    }

    async fn reserve_sign_up(
        &self,
        address: &str,
        now: i64,
        rules: &ThrottleRules,
    ) -> RepoResult<bool> {
        let done = sqlx::query(
            "INSERT INTO sign_up_attempts (address, at)
             SELECT ?1, ?2
             WHERE (SELECT COUNT(*) FROM sign_up_attempts WHERE address = ?1 AND at > ?2 - ?3) < ?4",
        )
        .bind(address)
        .bind(now)
        .bind(rules.sign_up_window)
        .bind(rules.sign_ups_per_address)
        .execute(&self.pool)
        .await
        .map_err(storage)?;
        Ok(done.rows_affected() == 1)
    }

    async fn purge_throttle_records(&self, before: i64) -> RepoResult<u64> {
        let failures = sqlx::query("DELETE FROM login_failures WHERE at < ?")
            .bind(before)
            .execute(&self.pool)
            .await
            .map_err(storage)?;
        let sign_ups = sqlx::query("DELETE FROM sign_up_attempts WHERE at < ?")
            .bind(before)
            .execute(&self.pool)
            .await
            .map_err(storage)?;
        Ok(failures.rows_affected() + sign_ups.rows_affected())
    }

    async fn mark_module_complete(
        &self,
        user_id: i64,
        level: Level,
        slug: &str,
        at: i64,
    ) -> RepoResult<()> {
        sqlx::query(
            "INSERT INTO module_progress (user_id, level, slug, completed_at) VALUES (?, ?, ?, ?)
             ON CONFLICT (user_id, level, slug) DO NOTHING",
        )
        .bind(user_id)
        .bind(level.slug())
        .bind(slug)
        .bind(at)
        .execute(&self.pool)
        .await
        .map_err(storage)?;
        Ok(())
    }

    async fn unmark_module_complete(
        &self,
        user_id: i64,
        level: Level,
        slug: &str,
    ) -> RepoResult<()> {
        sqlx::query("DELETE FROM module_progress WHERE user_id = ? AND level = ? AND slug = ?")
            .bind(user_id)
            .bind(level.slug())
            .bind(slug)
            .execute(&self.pool)
            .await
            .map_err(storage)?;
        Ok(())
    }

    async fn completed_modules(&self, user_id: i64) -> RepoResult<Vec<CompletedModule>> {
        let rows: Vec<(String, String, i64)> = sqlx::query_as(
            "SELECT level, slug, completed_at FROM module_progress WHERE user_id = ? ORDER BY completed_at, slug",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await
        .map_err(storage)?;
        Ok(rows
            .into_iter()
            .map(|(level, slug, completed_at)| CompletedModule {
                level: level_of(&level),
                slug,
                completed_at,
            })
            .collect())
    }

    async fn record_attempt(&self, user_id: i64, a: &NewAttempt, at: i64) -> RepoResult<i64> {
        let id = sqlx::query(
            "INSERT INTO exercise_attempts (user_id, kind, level, topic, seed, answer, correct, time_taken_ms, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(user_id)
        .bind(&a.kind)
        .bind(a.level.slug())
        .bind(&a.topic)
        // SQLite integers are signed 64-bit; the seed's bits are kept.
        .bind(a.seed as i64)
        .bind(&a.answer)
        .bind(a.correct)
        .bind(a.time_taken_ms.min(i64::MAX as u64) as i64)
        .bind(at)
        .execute(&self.pool)
        .await
        .map_err(storage)?
        .last_insert_rowid();
        Ok(id)
    }

    async fn attempts(&self, user_id: i64) -> RepoResult<Vec<Attempt>> {
        type Row = (i64, String, String, String, i64, String, bool, i64, i64);
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT id, kind, level, topic, seed, answer, correct, time_taken_ms, created_at
             FROM exercise_attempts WHERE user_id = ? ORDER BY created_at, id",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await
        .map_err(storage)?;
        Ok(rows
            .into_iter()
            .map(|r| Attempt {
                id: r.0,
                attempt: NewAttempt {
                    kind: r.1,
                    level: level_of(&r.2),
                    topic: r.3,
                    seed: r.4 as u64,
                    answer: r.5,
                    correct: r.6,
                    time_taken_ms: r.7 as u64,
                },
                created_at: r.8,
            })
            .collect())
    }

    async fn topic_accuracy(&self, user_id: i64) -> RepoResult<Vec<TopicAccuracy>> {
        let rows: Vec<(String, String, i64, i64)> = sqlx::query_as(
            "SELECT level, topic, COUNT(*), SUM(correct) FROM exercise_attempts
             WHERE user_id = ? GROUP BY level, topic ORDER BY level, topic",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await
        .map_err(storage)?;
        Ok(rows
            .into_iter()
            .map(|(level, topic, attempts, correct)| TopicAccuracy {
                level: level_of(&level),
                topic,
                attempts: attempts as u32,
                correct: correct as u32,
            })
            .collect())
    }
    async fn create_exam_attempt(&self, a: &NewExamAttempt) -> RepoResult<i64> {
        let id = sqlx::query(
            "INSERT INTO exam_attempts (user_id, level, seed, paper, started_at, deadline, grace_seconds, extra_seconds)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(a.user_id)
        .bind(a.level.slug())
        .bind(a.seed as i64)
        .bind(&a.paper_json)
        .bind(a.started_at)
        .bind(a.deadline)
        .bind(i64::from(a.grace_seconds))
        .bind(i64::from(a.extra_seconds))
        .execute(&self.pool)
        .await
        .map_err(|e| match storage(e) {
            RepoError::Conflict(_) => RepoError::Conflict("an open attempt at this exam"),
            other => other,
        })?
        .last_insert_rowid();
        Ok(id)
    }

    async fn start_exam_attempt(
        &self,
        a: &NewExamAttempt,
        rules: StartRules,
    ) -> RepoResult<Option<i64>> {
        // One statement, so SQLite takes the write lock before it reads:
        // the three rules are checked against the attempts as they are at
        // the moment of the insert, after any submission or start that got
        // there first. (PostgreSQL at READ COMMITTED would also need the
        // user's row locked first; the one-open index holds either way.)
        let row: Option<(i64,)> = sqlx::query_as(
            "INSERT INTO exam_attempts (user_id, level, seed, paper, started_at, deadline, grace_seconds, extra_seconds)
             SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8
             WHERE NOT EXISTS (SELECT 1 FROM exam_attempts
                               WHERE user_id = ?1 AND level = ?2 AND submitted_at IS NULL)
               AND (SELECT COUNT(*) FROM exam_attempts WHERE user_id = ?1 AND level = ?2) < ?9
               AND COALESCE((SELECT MAX(submitted_at) FROM exam_attempts
                             WHERE user_id = ?1 AND level = ?2), ?10) <= ?10
             RETURNING id",
        )
        .bind(a.user_id)
        .bind(a.level.slug())
        .bind(a.seed as i64)
        .bind(&a.paper_json)
        .bind(a.started_at)
        .bind(a.deadline)
        .bind(i64::from(a.grace_seconds))
        .bind(i64::from(a.extra_seconds))
        .bind(i64::from(rules.max_attempts))
        .bind(
            a.started_at
                .saturating_sub(i64::from(rules.cooldown_hours).saturating_mul(3600)),
        )
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| match storage(e) {
            RepoError::Conflict(_) => RepoError::Conflict("an open attempt at this exam"),
            other => other,
        })?;
        Ok(row.map(|r| r.0))
    }

    async fn exam_attempt(&self, id: i64) -> RepoResult<Option<ExamAttemptRow>> {
        let row = sqlx::query(&format!(
            "SELECT {EXAM_ATTEMPT_COLUMNS} FROM exam_attempts WHERE id = ?"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await
        .map_err(storage)?;
        row.as_ref()
            .map(exam_attempt_from)
            .transpose()
            .map_err(storage)
    }

    async fn exam_attempts_of(
        &self,
        user_id: i64,
        level: Level,
    ) -> RepoResult<Vec<ExamAttemptRow>> {
        let rows = sqlx::query(&format!(
            "SELECT {EXAM_ATTEMPT_COLUMNS} FROM exam_attempts WHERE user_id = ? AND level = ?
             ORDER BY started_at, id"
        ))
        .bind(user_id)
        .bind(level.slug())
        .fetch_all(&self.pool)
        .await
        .map_err(storage)?;
        rows.iter()
            .map(exam_attempt_from)
            .collect::<Result<_, _>>()
            .map_err(storage)
    }

    async fn exam_answers(&self, attempt_id: i64) -> RepoResult<Vec<ExamAnswerRow>> {
        let rows: Vec<(i64, String, bool, i64)> = sqlx::query_as(
            "SELECT item, choice, flagged, saved_at FROM exam_answers WHERE attempt_id = ? ORDER BY item",
        )
        .bind(attempt_id)
        .fetch_all(&self.pool)
        .await
        .map_err(storage)?;
        rows.into_iter()
            .map(|(item, choice, flagged, saved_at)| {
                Ok(ExamAnswerRow {
                    item: usize::try_from(item)
                        .map_err(|_| RepoError::Storage(format!("bad exam item {item}")))?,
                    choice: parse_choice(&choice)?,
                    flagged,
                    saved_at,
                })
            })
            .collect()
    }

    async fn save_exam_answer(
        &self,
        attempt_id: i64,
        item: usize,
        choice: &[usize],
        flagged: bool,
        now: i64,
    ) -> RepoResult<bool> {
        // One statement: the open-and-in-time check and the write are
        // atomic, so a save racing the expiry task cannot land after it.
        let done = sqlx::query(
            "INSERT INTO exam_answers (attempt_id, item, choice, flagged, saved_at)
             SELECT id, ?, ?, ?, ? FROM exam_attempts
             WHERE id = ? AND submitted_at IS NULL AND ? <= deadline + grace_seconds
             ON CONFLICT (attempt_id, item) DO UPDATE SET
                choice = excluded.choice, flagged = excluded.flagged, saved_at = excluded.saved_at",
        )
        .bind(item as i64)
        .bind(format_choice(choice))
        .bind(flagged)
        .bind(now)
        .bind(attempt_id)
        .bind(now)
        .execute(&self.pool)
        .await
        .map_err(storage)?;
        Ok(done.rows_affected() > 0)
    }

    async fn close_exam_attempt(
        &self,
        attempt_id: i64,
        submitted_at: i64,
        by: SubmittedBy,
    ) -> RepoResult<bool> {
        let done = sqlx::query(
            "UPDATE exam_attempts SET submitted_at = ?, submitted_by = ?
             WHERE id = ? AND submitted_at IS NULL",
        )
        .bind(submitted_at)
        .bind(submitted_by_str(by))
        .bind(attempt_id)
        .execute(&self.pool)
        .await
        .map_err(storage)?;
        Ok(done.rows_affected() > 0)
    }

    async fn record_exam_outcome(&self, attempt_id: i64, o: &ExamOutcome) -> RepoResult<bool> {
        let done = sqlx::query(
            "UPDATE exam_attempts SET marks = ?, total = ?, percent = ?, passed = ?, score = ?, certificate_code = ?
             WHERE id = ? AND submitted_at IS NOT NULL AND score IS NULL",
        )
        .bind(i64::from(o.marks))
        .bind(i64::from(o.total))
        .bind(i64::from(o.percent))
        .bind(o.passed)
        .bind(&o.score_json)
        .bind(o.certificate_code.as_deref())
        .bind(attempt_id)
        .execute(&self.pool)
        .await
        .map_err(|e| match storage(e) {
            RepoError::Conflict(_) => RepoError::Conflict("that certificate code"),
            other => other,
        })?;
        Ok(done.rows_affected() > 0)
    }

    async fn exam_attempts_due(&self, now: i64) -> RepoResult<Vec<i64>> {
        let rows: Vec<(i64,)> = sqlx::query_as(
            "SELECT id FROM exam_attempts
             WHERE (submitted_at IS NULL AND deadline + grace_seconds < ?)
                OR (submitted_at IS NOT NULL AND score IS NULL)
             ORDER BY id",
        )
        .bind(now)
        .fetch_all(&self.pool)
        .await
        .map_err(storage)?;
        Ok(rows.into_iter().map(|r| r.0).collect())
    }

    async fn raise_open_exam_extra(
        &self,
        user_id: i64,
        level: Level,
        extra_seconds: u32,
        now: i64,
    ) -> RepoResult<Option<i64>> {
        let extra = i64::from(extra_seconds);
        let row: Option<(i64,)> = sqlx::query_as(
            "UPDATE exam_attempts SET deadline = deadline + (? - extra_seconds), extra_seconds = ?
             WHERE user_id = ? AND level = ? AND submitted_at IS NULL
               AND extra_seconds < ? AND ? <= deadline + grace_seconds
             RETURNING id",
        )
        .bind(extra)
        .bind(extra)
        .bind(user_id)
        .bind(level.slug())
        .bind(extra)
        .bind(now)
        .fetch_optional(&self.pool)
        .await
        .map_err(storage)?;
        Ok(row.map(|r| r.0))
    }

    async fn set_exam_adjustment(&self, a: &ExamAdjustment) -> RepoResult<()> {
        sqlx::query(
            "INSERT INTO exam_adjustments (user_id, level, extra_minutes, granted_by, granted_at)
             VALUES (?, ?, ?, ?, ?)
             ON CONFLICT (user_id, level) DO UPDATE SET
                extra_minutes = excluded.extra_minutes, granted_by = excluded.granted_by,
                granted_at = excluded.granted_at",
        )
        .bind(a.user_id)
        .bind(a.level.slug())
        .bind(i64::from(a.extra_minutes))
        .bind(a.granted_by)
        .bind(a.granted_at)
        .execute(&self.pool)
        .await
        .map_err(storage)?;
        Ok(())
    }

    async fn exam_adjustment(
        &self,
        user_id: i64,
        level: Level,
    ) -> RepoResult<Option<ExamAdjustment>> {
        let row: Option<(i64, Option<i64>, i64)> = sqlx::query_as(
            "SELECT extra_minutes, granted_by, granted_at FROM exam_adjustments
             WHERE user_id = ? AND level = ?",
        )
        .bind(user_id)
        .bind(level.slug())
        .fetch_optional(&self.pool)
        .await
        .map_err(storage)?;
        Ok(row.map(|(minutes, granted_by, granted_at)| ExamAdjustment {
            user_id,
            level,
            extra_minutes: to_u32(minutes),
            granted_by,
            granted_at,
        }))
    }

    async fn certificate(&self, code: &str) -> RepoResult<Option<CertificateRow>> {
        let row: Option<(String, String, i64, i64, bool)> = sqlx::query_as(
            "SELECT u.name, a.level, a.submitted_at, a.percent, a.passed
             FROM exam_attempts a JOIN users u ON u.id = a.user_id
             WHERE a.certificate_code = ? AND a.submitted_at IS NOT NULL AND a.percent IS NOT NULL",
        )
        .bind(code)
        .fetch_optional(&self.pool)
        .await
        .map_err(storage)?;
        Ok(row.map(
            |(name, level, submitted_at, percent, passed)| CertificateRow {
                name,
                level: level_of(&level),
                submitted_at,
                percent: to_u32(percent),
                passed,
            },
        ))
    }

    // ---- Trainer reports and item analysis (issue #7) ----

    async fn learner_figures(
        &self,
        organisation_ids: &[i64],
        range: TimeRange,
    ) -> RepoResult<Vec<LearnerFigures>> {
        if organisation_ids.is_empty() {
            return Ok(Vec::new());
        }
        let marks = (0..organisation_ids.len())
            .map(|i| format!("?{}", i + 3))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = learner_figures_sql(&format!("u.organisation_id IN ({marks})"));
        let mut q = sqlx::query(&sql).bind(range.from).bind(range.to);
        for id in organisation_ids {
            q = q.bind(id);
        }
        let rows = q.fetch_all(&self.pool).await.map_err(storage)?;
        rows.iter()
            .map(learner_figures_from)
            .collect::<Result<_, _>>()
            .map_err(storage)
    }

    async fn learner_figures_of(
        &self,
        user_id: i64,
        range: TimeRange,
    ) -> RepoResult<Option<LearnerFigures>> {
        let row = sqlx::query(&learner_figures_sql("u.id = ?3"))
            .bind(range.from)
            .bind(range.to)
            .bind(user_id)
            .fetch_optional(&self.pool)
            .await
            .map_err(storage)?;
        row.as_ref()
            .map(learner_figures_from)
            .transpose()
            .map_err(storage)
    }

    async fn cohort_report(
        &self,
        organisation_ids: &[i64],
        range: TimeRange,
    ) -> RepoResult<Vec<CohortRow>> {
        let organisations: Vec<Organisation> = self
            .list_organisations(true)
            .await?
            .into_iter()
            .filter(|o| organisation_ids.contains(&o.id))
            .collect();
        let ids: Vec<i64> = organisations.iter().map(|o| o.id).collect();
        let learners = self.learner_figures(&ids, range).await?;
        Ok(cohort_rows(&organisations, &learners, range))
    }

    async fn marked_exam_scores(&self, level: Level, range: TimeRange) -> RepoResult<Vec<String>> {
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT score FROM exam_attempts
             WHERE level = ? AND score IS NOT NULL AND submitted_at >= ? AND submitted_at < ?
             ORDER BY submitted_at, id",
        )
        .bind(level.slug())
        .bind(range.from)
        .bind(range.to)
        .fetch_all(&self.pool)
        .await
        .map_err(storage)?;
        Ok(rows.into_iter().map(|r| r.0).collect())
    }

    async fn question_reviews(&self) -> RepoResult<Vec<QuestionReview>> {
        type Row = (
            String,
            String,
            Option<String>,
            Option<i64>,
            Option<String>,
            i64,
        );
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT r.question_id, r.status, r.note, r.set_by, u.name, r.set_at
             FROM question_reviews r LEFT JOIN users u ON u.id = r.set_by
             ORDER BY r.question_id",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(storage)?;
        rows.into_iter()
            .map(|(question_id, status, note, set_by, set_by_name, set_at)| {
                Ok(QuestionReview {
                    status: QuestionStatus::parse(&status).ok_or_else(|| {
                        RepoError::Storage(format!(
                            "bad stored status `{status}` of question {question_id}"
                        ))
                    })?,
                    question_id,
                    note,
                    set_by,
                    set_by_name,
                    set_at,
                })
            })
            .collect()
    }

    async fn set_question_status(
        &self,
        question_id: &str,
        status: QuestionStatus,
        note: Option<&str>,
        set_by: i64,
        at: i64,
    ) -> RepoResult<()> {
        sqlx::query(
            "INSERT INTO question_reviews (question_id, status, note, set_by, set_at)
             VALUES (?, ?, ?, ?, ?)
             ON CONFLICT (question_id) DO UPDATE SET
                status = excluded.status, note = excluded.note,
                set_by = excluded.set_by, set_at = excluded.set_at",
        )
        .bind(question_id)
        .bind(status.as_str())
        .bind(note)
        .bind(set_by)
        .bind(at)
        .execute(&self.pool)
        .await
        .map_err(storage)?;
        Ok(())
    }

    async fn retired_questions(&self) -> RepoResult<Vec<String>> {
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT question_id FROM question_reviews WHERE status = 'retired' ORDER BY question_id",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(storage)?;
        Ok(rows.into_iter().map(|r| r.0).collect())
    }

    // ---- Module revisions (in-browser authoring) ----

    async fn add_module_revision(&self, r: &super::repo::NewModuleRevision<'_>) -> RepoResult<i64> {
        use sqlx::Row;
        let inserted = sqlx::query(
            "INSERT INTO module_revisions (path, revision, body, author_id, saved_at, kind) \
             VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id",
        )
        .bind(r.path)
        .bind(r.revision)
        .bind(r.text)
        .bind(r.author_id)
        .bind(r.saved_at)
        .bind(r.kind.as_str())
        .fetch_optional(&self.pool)
        .await
        .map_err(storage)?;
        if let Some(row) = inserted {
            return row.try_get("id").map_err(storage);
        }
        // Only a second base of the same text conflicts (see the migration).
        let existing: Option<(i64,)> = sqlx::query_as(
            "SELECT id FROM module_revisions WHERE path = ? AND revision = ? AND kind = ?",
        )
        .bind(r.path)
        .bind(r.revision)
        .bind(r.kind.as_str())
        .fetch_optional(&self.pool)
        .await
        .map_err(storage)?;
        existing.map(|e| e.0).ok_or(RepoError::NotFound)
    }

    async fn module_revisions(
        &self,
        path: &str,
    ) -> RepoResult<Vec<super::repo::ModuleRevisionRow>> {
        let rows = sqlx::query(&format!(
            "SELECT {MODULE_REVISION_COLUMNS} FROM module_revisions r \
             LEFT JOIN users u ON u.id = r.author_id \
             WHERE r.path = ? ORDER BY r.saved_at DESC, r.id DESC"
        ))
        .bind(path)
        .fetch_all(&self.pool)
        .await
        .map_err(storage)?;
        rows.iter()
            .map(|r| module_revision_from(r).map_err(storage))
            .collect()
    }

    async fn module_revision(
        &self,
        id: i64,
    ) -> RepoResult<Option<(super::repo::ModuleRevisionRow, String)>> {
        use sqlx::Row;
        let row = sqlx::query(&format!(
            "SELECT {MODULE_REVISION_COLUMNS}, r.body FROM module_revisions r \
             LEFT JOIN users u ON u.id = r.author_id WHERE r.id = ?"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await
        .map_err(storage)?;
        row.map(|r| Ok((module_revision_from(&r)?, r.try_get("body")?)))
            .transpose()
            .map_err(storage)
    }

    async fn has_module_revision(&self, path: &str, revision: &str) -> RepoResult<bool> {
        let found: Option<(i64,)> = sqlx::query_as(
            "SELECT id FROM module_revisions WHERE path = ? AND revision = ? LIMIT 1",
        )
        .bind(path)
        .bind(revision)
        .fetch_optional(&self.pool)
        .await
        .map_err(storage)?;
        Ok(found.is_some())
    }
}

// ---- Module revisions (in-browser authoring) ----

const MODULE_REVISION_COLUMNS: &str =
    "r.id, r.path, r.revision, r.author_id, u.name AS author_name, r.saved_at, r.kind";

fn module_revision_from(
    r: &sqlx::sqlite::SqliteRow,
) -> Result<super::repo::ModuleRevisionRow, sqlx::Error> {
    use crate::content::authoring::RevisionKind;
    use sqlx::Row;
    let kind: String = r.try_get("kind")?;
    Ok(super::repo::ModuleRevisionRow {
        id: r.try_get("id")?,
        path: r.try_get("path")?,
        revision: r.try_get("revision")?,
        author_id: r.try_get("author_id")?,
        author_name: r.try_get("author_name")?,
        saved_at: r.try_get("saved_at")?,
        kind: RevisionKind::parse(&kind).ok_or_else(|| sqlx::Error::ColumnDecode {
            index: "kind".into(),
            source: format!("unknown module revision kind `{kind}`").into(),
        })?,
    })
}

// ---- Trainer reports (issue #7) ----

/// The per-learner figures query: `?1` and `?2` are the range `[from,
/// to)`, `filter` picks the learners (its parameters start at `?3`).
/// Modules count by `completed_at`, exam attempts (marked ones only) by
/// `submitted_at`; the mean is of the attempts' percentages as shown.
fn learner_figures_sql(filter: &str) -> String {
    let level = |l: &str| {
        let exams = format!(
            "FROM exam_attempts a WHERE a.user_id = u.id AND a.level = '{l}' \
             AND a.percent IS NOT NULL AND a.submitted_at >= ?1 AND a.submitted_at < ?2"
        );
        format!(
            "(SELECT COUNT(*) FROM module_progress p WHERE p.user_id = u.id AND p.level = '{l}' \
               AND p.completed_at >= ?1 AND p.completed_at < ?2) AS {l}_modules,
             (SELECT COUNT(*) {exams}) AS {l}_attempts,
             (SELECT COALESCE(SUM(a.passed), 0) {exams}) AS {l}_passes,
             (SELECT COALESCE(SUM(a.percent), 0) {exams}) AS {l}_percent_sum"
        )
    };
    format!(
        "SELECT u.id, u.name, u.email, u.organisation_id, o.name AS organisation, u.created_at,
            {}, {}
         FROM users u JOIN organisations o ON o.id = u.organisation_id
         WHERE u.role = 'learner' AND u.created_at < ?2 AND {filter}
         ORDER BY o.name, u.name, u.id",
        level("foundation"),
        level("intermediate")
    )
}

fn learner_figures_from(r: &sqlx::sqlite::SqliteRow) -> Result<LearnerFigures, sqlx::Error> {
    use sqlx::Row;
    let level = |l: &str| -> Result<LevelFigures, sqlx::Error> {
        let attempts = to_u32(r.try_get(format!("{l}_attempts").as_str())?);
        Ok(LevelFigures {
            modules_completed: to_u32(r.try_get(format!("{l}_modules").as_str())?),
            candidates: u32::from(attempts > 0),
            attempts,
            passes: to_u32(r.try_get(format!("{l}_passes").as_str())?),
            percent_sum: u64::try_from(r.try_get::<i64, _>(format!("{l}_percent_sum").as_str())?)
                .unwrap_or(0),
        })
    };
    Ok(LearnerFigures {
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        email: r.try_get("email")?,
        organisation_id: r.try_get("organisation_id")?,
        organisation: r.try_get("organisation")?,
        created_at: r.try_get("created_at")?,
        foundation: level("foundation")?,
        intermediate: level("intermediate")?,
    })
}

const EXAM_ATTEMPT_COLUMNS: &str = "id, user_id, level, seed, paper, started_at, deadline, \
     grace_seconds, extra_seconds, submitted_at, submitted_by, marks, total, percent, passed, \
     score, certificate_code";

fn to_u32(v: i64) -> u32 {
    u32::try_from(v.max(0)).unwrap_or(u32::MAX)
}

fn submitted_by_str(by: SubmittedBy) -> &'static str {
    match by {
        SubmittedBy::Candidate => "candidate",
        SubmittedBy::Expiry => "expiry",
    }
}

fn exam_attempt_from(r: &sqlx::sqlite::SqliteRow) -> Result<ExamAttemptRow, sqlx::Error> {
    use sqlx::Row;
    let level: String = r.try_get("level")?;
    let submitted_by: Option<String> = r.try_get("submitted_by")?;
    let outcome = match (
        r.try_get::<Option<i64>, _>("marks")?,
        r.try_get::<Option<i64>, _>("total")?,
        r.try_get::<Option<i64>, _>("percent")?,
        r.try_get::<Option<bool>, _>("passed")?,
        r.try_get::<Option<String>, _>("score")?,
    ) {
        (Some(marks), Some(total), Some(percent), Some(passed), Some(score_json)) => {
            Some(ExamOutcome {
                marks: to_u32(marks),
                total: to_u32(total),
                percent: to_u32(percent),
                passed,
                score_json,
                certificate_code: r.try_get("certificate_code")?,
            })
        }
        _ => None,
    };
    Ok(ExamAttemptRow {
        id: r.try_get("id")?,
        user_id: r.try_get("user_id")?,
        level: level_of(&level),
        seed: r.try_get::<i64, _>("seed")? as u64,
        paper_json: r.try_get("paper")?,
        started_at: r.try_get("started_at")?,
        deadline: r.try_get("deadline")?,
        grace_seconds: to_u32(r.try_get("grace_seconds")?),
        extra_seconds: to_u32(r.try_get("extra_seconds")?),
        submitted_at: r.try_get("submitted_at")?,
        submitted_by: submitted_by.as_deref().map(|s| {
            if s == "expiry" {
                SubmittedBy::Expiry
            } else {
                SubmittedBy::Candidate
            }
        }),
        outcome,
    })
}

/// Displayed positions as stored: ascending, comma-separated, "" for none.
fn format_choice(choice: &[usize]) -> String {
    choice
        .iter()
        .map(usize::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

fn parse_choice(s: &str) -> RepoResult<Vec<usize>> {
    if s.is_empty() {
        return Ok(Vec::new());
    }
    s.split(',')
        .map(|p| {
            p.parse()
                .map_err(|_| RepoError::Storage(format!("bad stored exam choice `{s}`")))
        })
        .collect()
}

/// Seconds since the Unix epoch.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_passwords() {
        assert_eq!(
            redact("postgres://user:secret@db:5432/x"),
            "postgres://***@db:5432/x"
        );
        assert_eq!(redact("sqlite://a.db"), "sqlite://a.db");
    }

    #[tokio::test]
    async fn creates_and_migrates_a_new_file() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("new.db").display());
        let db = Db::connect(&url).await.unwrap();
        Repository::ping(&db).await.unwrap();
        let tables: Vec<(String,)> =
            sqlx::query_as("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
                .fetch_all(db.pool())
                .await
                .unwrap();
        let names: Vec<&str> = tables.iter().map(|t| t.0.as_str()).collect();
        assert!(names.contains(&"organisations"), "{names:?}");
        assert!(names.contains(&"_sqlx_migrations"));
        let mode: (String,) = sqlx::query_as("PRAGMA journal_mode")
            .fetch_one(db.pool())
            .await
            .unwrap();
        assert_eq!(mode.0, "wal");
        let fk: (i64,) = sqlx::query_as("PRAGMA foreign_keys")
            .fetch_one(db.pool())
            .await
            .unwrap();
        assert_eq!(fk.0, 1);
        // A second start on the same file is a no-op.
        db.close().await;
        Db::connect(&url).await.unwrap();
    }

    #[tokio::test]
    async fn rejects_other_urls_clearly() {
        let e = Db::connect("mysql://x").await.unwrap_err();
        assert!(e.to_string().contains("unsupported database URL"));
    }
}
