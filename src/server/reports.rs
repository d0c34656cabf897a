//! Trainer reports on the server: who may see which organisation and
//! learner, the cohort figures, the item analysis, question review
//! statuses, and the CSV downloads of each table.
//!
//! Authorisation lives here so that the pages' server functions and the
//! CSV routes give the same answers: administrators see every organisation;
//! trainers only the ones they follow, and asking for any other
//! organisation or learner gets the same 403 whether it exists or not.

use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use super::current_user::CurrentUser;
use super::repo::{RepoError, Repository, User};
use super::{auth, AppState};
use crate::accounts::{Organisation, Role};
use crate::content::store::ContentStore;
use crate::content::Level;
use crate::error::AppError;
use crate::exam::analysis::{
    analyse, retirement_blocked, MarkedAttempt, QuestionInfo, QuestionStatus,
    DISCRIMINATION_METHOD, POINT_BISERIAL_METHOD,
};
use crate::exam::{option_letter, ExamDefinition, QuestionSet, Score};
use crate::reports::{
    utc_date_time, AttemptSummary, CohortRow, DateFilter, ExtraTime, ItemReport, ItemRow,
    LearnerDetail, LearnerFigures, LevelFigures, ModuleProgress, TimeRange,
};

/// The answer to a trainer asking about an organisation they do not follow.
pub const NOT_YOUR_ORGANISATION: &str = "You do not follow this organisation.";
/// The answer to a trainer asking about a learner of such an organisation.
pub const NOT_YOUR_LEARNER: &str = "You do not follow this learner's organisation.";
/// The longest note a trainer may keep with a question's status.
pub const MAX_NOTE_CHARS: usize = 500;

/// Why a report request was refused.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// Not the caller's to see (403).
    #[error("{0}")]
    Forbidden(&'static str),
    /// Absent, for someone allowed to know (404).
    #[error("{0}")]
    NotFound(String),
    /// A malformed request (400).
    #[error("{0}")]
    Bad(String),
    /// Refused because of the state it would leave (409).
    #[error("{0}")]
    Conflict(String),
    #[error(transparent)]
    Storage(#[from] RepoError),
}

impl ReportError {
    pub fn status(&self) -> StatusCode {
        match self {
            ReportError::Forbidden(_) => StatusCode::FORBIDDEN,
            ReportError::NotFound(_) => StatusCode::NOT_FOUND,
            ReportError::Bad(_) => StatusCode::BAD_REQUEST,
            ReportError::Conflict(_) => StatusCode::CONFLICT,
            ReportError::Storage(_) => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    /// As the app's error, with the same status.
    pub fn into_server_error(self) -> AppError {
        AppError::from(self)
    }
}

impl From<ReportError> for AppError {
    fn from(e: ReportError) -> AppError {
        match e {
            ReportError::Forbidden(m) => AppError::Forbidden(m.into()),
            ReportError::NotFound(m) => AppError::NotFound(m),
            ReportError::Bad(m) => AppError::bad_request(m),
            ReportError::Conflict(m) => AppError::Conflict(m),
            ReportError::Storage(e) => auth::storage_error(e),
        }
    }
}

fn require_trainer(user: &User) -> Result<(), ReportError> {
    if user.role >= Role::Trainer {
        Ok(())
    } else {
        Err(ReportError::Forbidden(
            "This is for trainers and administrators.",
        ))
    }
}

/// The organisations `user` may see: all for an administrator, the ones
/// followed for a trainer.
pub async fn visible_organisations(
    repo: &dyn Repository,
    user: &User,
) -> Result<Vec<i64>, ReportError> {
    require_trainer(user)?;
    Ok(if user.role == Role::Admin {
        repo.list_organisations(true)
            .await?
            .into_iter()
            .map(|o| o.id)
            .collect()
    } else {
        repo.trainer_organisations(user.id).await?
    })
}

/// The cohort report: one row per organisation `user` may see.
pub async fn cohort(
    repo: &dyn Repository,
    user: &User,
    range: TimeRange,
) -> Result<Vec<CohortRow>, ReportError> {
    let ids = visible_organisations(repo, user).await?;
    Ok(repo.cohort_report(&ids, range).await?)
}

/// One organisation and its learners' figures.
pub async fn organisation_learners(
    repo: &dyn Repository,
    user: &User,
    organisation_id: i64,
    range: TimeRange,
) -> Result<(Organisation, Vec<LearnerFigures>), ReportError> {
    let ids = visible_organisations(repo, user).await?;
    if !ids.contains(&organisation_id) {
        // The same answer whether it exists or not (an admin sees them all,
        // so for an admin it does not exist).
        return Err(if user.role == Role::Admin {
            ReportError::NotFound("There is no such organisation.".into())
        } else {
            ReportError::Forbidden(NOT_YOUR_ORGANISATION)
        });
    }
    let org = repo
        .organisation(organisation_id)
        .await?
        .ok_or_else(|| ReportError::NotFound("There is no such organisation.".into()))?;
    let learners = repo.learner_figures(&[organisation_id], range).await?;
    Ok((org, learners))
}

/// A learner's figures, if `user` may see them.
async fn allowed_learner(
    repo: &dyn Repository,
    user: &User,
    learner_id: i64,
    range: TimeRange,
) -> Result<LearnerFigures, ReportError> {
    let ids = visible_organisations(repo, user).await?;
    match repo.learner_figures_of(learner_id, range).await? {
        Some(f) if ids.contains(&f.organisation_id) => Ok(f),
        None if user.role == Role::Admin => {
            Err(ReportError::NotFound("There is no such learner.".into()))
        }
        _ => Err(ReportError::Forbidden(NOT_YOUR_LEARNER)),
    }
}

/// Everything the learner page shows: figures over all time, progress in
/// every module of both courses, exam attempts and extra time.
pub async fn learner_detail(
    repo: &dyn Repository,
    content: &ContentStore,
    exams: &[ExamDefinition],
    user: &User,
    learner_id: i64,
) -> Result<LearnerDetail, ReportError> {
    let figures = allowed_learner(repo, user, learner_id, TimeRange::ALL).await?;
    let done = repo.completed_modules(learner_id).await?;
    let modules = Level::ALL
        .into_iter()
        .flat_map(|level| content.course(level).modules)
        .map(|m| ModuleProgress {
            completed_at: done
                .iter()
                .find(|c| c.level == m.level && c.slug == m.slug)
                .map(|c| c.completed_at),
            level: m.level,
            slug: m.slug,
            title: m.title,
        })
        .collect();
    let mut attempts = Vec::new();
    for level in Level::ALL {
        for row in repo.exam_attempts_of(learner_id, level).await? {
            attempts.push(AttemptSummary {
                id: row.id,
                level: row.level,
                started_at: row.started_at,
                deadline: row.deadline,
                extra_seconds: row.extra_seconds,
                submitted_at: row.submitted_at,
                percent: row.outcome.as_ref().map(|o| o.percent),
                passed: row.outcome.as_ref().map(|o| o.passed),
            });
        }
    }
    attempts.sort_by_key(|a| (a.started_at, a.id));
    let mut extra_time = Vec::new();
    for def in exams {
        let grant = repo.exam_adjustment(learner_id, def.level).await?;
        extra_time.push(ExtraTime {
            level: def.level,
            extra_minutes: grant.as_ref().map_or(0, |g| g.extra_minutes),
            granted_at: grant.map(|g| g.granted_at),
        });
    }
    Ok(LearnerDetail {
        figures,
        modules,
        attempts,
        extra_time,
    })
}

/// Plain text of a Markdown stem, cut at a word near `max` characters.
fn excerpt(md: &str, max: usize) -> String {
    let plain: String = md
        .chars()
        .filter(|c| !matches!(c, '*' | '_' | '`' | '#' | '>'))
        .collect();
    let words: Vec<&str> = plain.split_whitespace().collect();
    let mut out = String::new();
    for w in words {
        if out.chars().count() + w.chars().count() + 1 > max {
            out.push('…');
            return out;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

/// The item analysis of the `level` exam over marked attempts submitted
/// within `range`, by any candidate. For trainers and administrators.
pub async fn item_report(
    repo: &dyn Repository,
    exams: &[ExamDefinition],
    bank: &QuestionSet,
    user: &User,
    level: Level,
    range: TimeRange,
) -> Result<ItemReport, ReportError> {
    require_trainer(user)?;
    let def = exams
        .iter()
        .find(|d| d.level == level)
        .ok_or_else(|| ReportError::NotFound(format!("There is no {} exam.", level.title())))?;
    // Generated lab questions are new on every paper: there is no question
    // to judge, so their items are left out (their marks still count in
    // each candidate's total, which ranks them). They are told apart by id,
    // not section: a generated kind may share its slug with a module topic.
    let mut attempts = Vec::new();
    for json in repo.marked_exam_scores(level, range).await? {
        match serde_json::from_str::<Score>(&json) {
            Ok(mut s) => {
                s.items
                    .retain(|i| !crate::exercise::exam_items::is_generated_id(&i.question_id));
                attempts.push(MarkedAttempt::from_score(&s));
            }
            // One unreadable row must not hide the rest; it is logged.
            Err(e) => tracing::warn!("item analysis: unreadable stored score: {e}"),
        }
    }
    let mut questions: Vec<_> = bank.questions.iter().filter(|q| q.level == level).collect();
    questions.sort_by(|a, b| a.id.cmp(&b.id));
    let info: Vec<QuestionInfo> = questions
        .iter()
        .map(|q| QuestionInfo {
            id: q.id.clone(),
            options: q.options.len(),
        })
        .collect();
    let reviews = repo.question_reviews().await?;
    let rows = analyse(&info, &attempts)
        .into_iter()
        .map(|stats| {
            let q = bank.get(&stats.question_id);
            ItemRow {
                topic: q.map(|q| q.topic.clone()).unwrap_or_default(),
                stem: q.map(|q| excerpt(&q.stem_md, 120)).unwrap_or_default(),
                in_bank: q.is_some(),
                review: reviews
                    .iter()
                    .find(|r| r.question_id == stats.question_id)
                    .cloned(),
                stats,
            }
        })
        .collect();
    Ok(ItemReport {
        level,
        exam_title: def.title.clone(),
        attempts: attempts.len() as u32,
        discrimination_method: DISCRIMINATION_METHOD.into(),
        correlation_method: POINT_BISERIAL_METHOD.into(),
        rows,
    })
}

/// Flags, retires or restores a bank question. Retiring is refused (409)
/// when an exam's blueprint could then no longer be drawn, so starting an
/// exam never fails because of a retirement; restoring a question makes it
/// drawable again. Past papers are not touched either way.
// The arguments are what the server function receives.
#[allow(clippy::too_many_arguments)]
pub async fn set_question_status(
    repo: &dyn Repository,
    exams: &[ExamDefinition],
    bank: &QuestionSet,
    user: &User,
    question_id: &str,
    status: QuestionStatus,
    note: &str,
    now: i64,
) -> Result<(), ReportError> {
    require_trainer(user)?;
    if bank.get(question_id).is_none() {
        return Err(ReportError::NotFound(format!(
            "There is no question `{question_id}` in the bank."
        )));
    }
    let note = note.trim();
    if note.chars().count() > MAX_NOTE_CHARS {
        return Err(ReportError::Bad(format!(
            "The note has {} characters; keep it to {MAX_NOTE_CHARS}.",
            note.chars().count()
        )));
    }
    if status == QuestionStatus::Retired {
        let retired = repo.retired_questions().await?;
        if !retired.iter().any(|r| r == question_id) {
            if let Some(why) = retirement_blocked(exams, bank, &retired, question_id) {
                return Err(ReportError::Conflict(why));
            }
        }
    }
    repo.set_question_status(
        question_id,
        status,
        (!note.is_empty()).then_some(note),
        user.id,
        now,
    )
    .await?;
    Ok(())
}

// ---- CSV ----------------------------------------------------------------

/// One CSV field (RFC 4180): quoted when it holds a comma, a quote, CR or
/// LF, with quotes doubled. A field a spreadsheet would run as a formula
/// (starting `=`, `+`, `-`, `@`, tab or CR) gets a leading apostrophe,
/// unless it is a plain decimal number such as `-0.25`.
pub fn csv_field(value: &str) -> String {
    let is_number = {
        let digits = value.strip_prefix('-').unwrap_or(value);
        !digits.is_empty()
            && digits.bytes().all(|b| b.is_ascii_digit() || b == b'.')
            && digits.bytes().filter(|&b| b == b'.').count() <= 1
            && !digits.starts_with('.')
            && !digits.ends_with('.')
    };
    let risky = value.starts_with(['=', '+', '-', '@', '\t', '\r']) && !is_number;
    let value = if risky {
        format!("'{value}")
    } else {
        value.to_string()
    };
    if value.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

/// A CSV document: a header line, then the rows, each line ending CRLF.
pub fn csv(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut out = String::new();
    let line = |out: &mut String, cells: &mut dyn Iterator<Item = String>| {
        let fields: Vec<String> = cells.map(|c| csv_field(&c)).collect();
        out.push_str(&fields.join(","));
        out.push_str("\r\n");
    };
    line(&mut out, &mut header.iter().map(|h| h.to_string()));
    for r in rows {
        line(&mut out, &mut r.iter().cloned());
    }
    out
}

/// The cohort report's columns after the organisation's own.
const LEVEL_COLUMNS: [&str; 5] = [
    "modules completed",
    "candidates",
    "exam attempts",
    "passes",
    "mean score %",
];

fn level_header(with_candidates: bool) -> Vec<String> {
    Level::ALL
        .into_iter()
        .flat_map(|l| {
            LEVEL_COLUMNS
                .iter()
                .filter(move |c| with_candidates || **c != "candidates")
                .map(move |c| format!("{} {c}", l.title()))
        })
        .collect()
}

fn level_cells(f: &LevelFigures, with_candidates: bool) -> Vec<String> {
    let mut v = vec![f.modules_completed.to_string()];
    if with_candidates {
        v.push(f.candidates.to_string());
    }
    v.push(f.attempts.to_string());
    v.push(f.passes.to_string());
    v.push(
        f.mean_percent()
            .map(|m| format!("{m:.1}"))
            .unwrap_or_default(),
    );
    v
}

/// The cohort report as CSV.
pub fn cohort_csv(rows: &[CohortRow]) -> String {
    let mut header = vec![
        "Organisation".to_string(),
        "ODS code".into(),
        "Learners".into(),
    ];
    header.extend(level_header(true));
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let body: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            let mut v = vec![
                r.organisation.name.clone(),
                r.organisation.ods_code.clone().unwrap_or_default(),
                r.learners.to_string(),
            ];
            for l in Level::ALL {
                v.extend(level_cells(r.level(l), true));
            }
            v
        })
        .collect();
    csv(&header, &body)
}

/// An organisation's learners as CSV.
pub fn learners_csv(learners: &[LearnerFigures]) -> String {
    let mut header = vec!["Learner".to_string(), "Email".into(), "Organisation".into()];
    header.extend(level_header(false));
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let body: Vec<Vec<String>> = learners
        .iter()
        .map(|l| {
            let mut v = vec![l.name.clone(), l.email.clone(), l.organisation.clone()];
            for level in Level::ALL {
                v.extend(level_cells(l.level(level), false));
            }
            v
        })
        .collect();
    csv(&header, &body)
}

/// A learner's progress in every module as CSV, in course order.
pub fn learner_modules_csv(d: &LearnerDetail) -> String {
    let body: Vec<Vec<String>> = d
        .modules
        .iter()
        .map(|m| {
            vec![
                m.level.title().to_string(),
                m.title.clone(),
                m.slug.clone(),
                m.completed_at.map(utc_date_time).unwrap_or_default(),
            ]
        })
        .collect();
    csv(&["Course", "Module", "Slug", "Completed (UTC)"], &body)
}

/// A learner's exam attempts as CSV, oldest first. The cells of an attempt
/// not yet submitted or marked are empty.
pub fn learner_attempts_csv(d: &LearnerDetail) -> String {
    let body: Vec<Vec<String>> = d
        .attempts
        .iter()
        .map(|a| {
            vec![
                a.level.title().to_string(),
                utc_date_time(a.started_at),
                utc_date_time(a.deadline),
                a.submitted_at.map(utc_date_time).unwrap_or_default(),
                a.percent.map(|p| p.to_string()).unwrap_or_default(),
                match a.passed {
                    Some(true) => "Passed",
                    Some(false) => "Not passed",
                    None if a.submitted_at.is_none() => "In progress",
                    None => "Not marked yet",
                }
                .to_string(),
                (a.extra_seconds / 60).to_string(),
            ]
        })
        .collect();
    csv(
        &[
            "Exam",
            "Started (UTC)",
            "Deadline (UTC)",
            "Submitted (UTC)",
            "Score %",
            "Result",
            "Extra minutes",
        ],
        &body,
    )
}

/// The item analysis as CSV. Option counts are one field, `A: 2 (20%)`
/// per option, the key marked `*`.
pub fn items_csv(report: &ItemReport) -> String {
    let header = [
        "Question",
        "Topic",
        "Status",
        "Attempts",
        "Facility %",
        "Discrimination (upper-minus-lower 27%)",
        "Group size",
        "Point-biserial (corrected)",
        "Options chosen (* key)",
        "Unanswered",
        "Warnings",
    ];
    let num =
        |v: Option<f64>, places: usize| v.map(|x| format!("{x:.places$}")).unwrap_or_default();
    let body: Vec<Vec<String>> = report
        .rows
        .iter()
        .map(|r| {
            let s = &r.stats;
            vec![
                s.question_id.clone(),
                r.topic.clone(),
                r.status().title().to_string(),
                s.attempts.to_string(),
                num(s.facility, 1),
                num(s.discrimination, 2),
                s.group_size.to_string(),
                num(s.point_biserial, 2),
                s.options
                    .iter()
                    .map(|o| {
                        format!(
                            "{}{}: {} ({:.0}%)",
                            option_letter(o.index).unwrap_or('?'),
                            if o.is_key { "*" } else { "" },
                            o.count,
                            o.percent
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("; "),
                s.unanswered.to_string(),
                s.warnings
                    .iter()
                    .map(|w| w.label())
                    .collect::<Vec<_>>()
                    .join("; "),
            ]
        })
        .collect();
    csv(&header, &body)
}

// ---- Routes ---------------------------------------------------------------

/// The CSV downloads, merged into the app's router.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/trainer/report.csv", get(cohort_download))
        .route(
            "/trainer/organisations/{id}/learners.csv",
            get(learners_download),
        )
        .route("/trainer/items.csv", get(items_download))
        .route(
            "/trainer/learners/{id}/modules.csv",
            get(learner_modules_download),
        )
        .route(
            "/trainer/learners/{id}/attempts.csv",
            get(learner_attempts_download),
        )
}

fn refuse(e: impl Into<AppError>) -> Response {
    e.into().into_response()
}

/// A CSV download. The body starts with a UTF-8 byte-order mark: without it
/// Excel opens the file in the Windows code page and garbles names such as
/// "Siobhán Ó Briain".
fn attachment(filename: &str, body: String) -> Response {
    let body = format!("\u{feff}{body}");
    (
        [
            (
                header::CONTENT_TYPE,
                "text/csv; charset=utf-8; header=present".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
            // Personal data: never kept by the browser or a shared cache.
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        body,
    )
        .into_response()
}

/// `all-time`, `from-2026-01-01`, `2026-01-01-to-2026-03-31`: the filter
/// as part of a file name (dates only, so no escaping is needed).
fn file_part(filter: &DateFilter) -> String {
    let clean = |s: &str| -> String {
        s.trim()
            .chars()
            .filter(|c| c.is_ascii_digit() || *c == '-')
            .collect()
    };
    match (clean(&filter.from), clean(&filter.to)) {
        (f, t) if f.is_empty() && t.is_empty() => "all-time".into(),
        (f, t) if t.is_empty() => format!("from-{f}"),
        (f, t) if f.is_empty() => format!("to-{t}"),
        (f, t) => format!("{f}-to-{t}"),
    }
}

/// `?from=&to=` as the report pages send it; missing fields are empty.
#[derive(Debug, Default, serde::Deserialize)]
pub struct RangeQuery {
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    #[serde(default)]
    pub level: String,
}

impl RangeQuery {
    fn filter(&self) -> DateFilter {
        DateFilter {
            from: self.from.clone(),
            to: self.to.clone(),
        }
    }
}

async fn cohort_download(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Query(q): Query<RangeQuery>,
) -> Response {
    let filter = q.filter();
    let range = match filter.range() {
        Ok(r) => r,
        Err(m) => return refuse(AppError::bad_request(m)),
    };
    match cohort(&*state.repo, &user, range).await {
        Ok(rows) => attachment(
            &format!("pacs-academy-cohort-{}.csv", file_part(&filter)),
            cohort_csv(&rows),
        ),
        Err(e) => refuse(e),
    }
}

async fn learners_download(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<RangeQuery>,
) -> Response {
    let filter = q.filter();
    let range = match filter.range() {
        Ok(r) => r,
        Err(m) => return refuse(AppError::bad_request(m)),
    };
    match organisation_learners(&*state.repo, &user, id, range).await {
        Ok((org, learners)) => attachment(
            &format!(
                "pacs-academy-learners-{}-{}.csv",
                org.ods_code
                    .as_deref()
                    .filter(|c| c.bytes().all(|b| b.is_ascii_alphanumeric()))
                    .map_or_else(|| org.id.to_string(), str::to_ascii_lowercase),
                file_part(&filter)
            ),
            learners_csv(&learners),
        ),
        Err(e) => refuse(e),
    }
}

async fn learner_download(
    state: &AppState,
    user: User,
    id: i64,
    table: &str,
    to_csv: fn(&LearnerDetail) -> String,
) -> Response {
    match learner_detail(
        &*state.repo,
        &state.content,
        &state.exams.definitions,
        &user,
        id,
    )
    .await
    {
        Ok(d) => attachment(
            &format!("pacs-academy-learner-{id}-{table}.csv"),
            to_csv(&d),
        ),
        Err(e) => refuse(e),
    }
}

async fn learner_modules_download(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
) -> Response {
    learner_download(&state, user, id, "modules", learner_modules_csv).await
}

async fn learner_attempts_download(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
) -> Response {
    learner_download(&state, user, id, "attempts", learner_attempts_csv).await
}

async fn items_download(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Query(q): Query<RangeQuery>,
) -> Response {
    let Some(level) = Level::from_slug(q.level.trim()) else {
        return refuse(AppError::invalid(
            "level",
            "Say which exam: level=foundation or level=intermediate.",
        ));
    };
    let filter = q.filter();
    let range = match filter.range() {
        Ok(r) => r,
        Err(m) => return refuse(AppError::bad_request(m)),
    };
    let exams = &state.exams;
    match item_report(
        &*state.repo,
        &exams.definitions,
        &exams.bank,
        &user,
        level,
        range,
    )
    .await
    {
        Ok(report) => attachment(
            &format!(
                "pacs-academy-items-{}-{}.csv",
                level.slug(),
                file_part(&filter)
            ),
            items_csv(&report),
        ),
        Err(e) => refuse(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_per_rfc_4180() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("two\nlines"), "\"two\nlines\"");
        assert_eq!(csv_field(""), "");
    }

    #[test]
    fn formulas_are_neutralised_but_numbers_are_not() {
        assert_eq!(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_field("+1"), "'+1");
        assert_eq!(csv_field("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_field("-1+2"), "'-1+2");
        assert_eq!(csv_field("\tx"), "'\tx");
        assert_eq!(csv_field("-0.25"), "-0.25");
        assert_eq!(csv_field("-"), "'-");
        assert_eq!(csv_field("-.5"), "'-.5");
        assert_eq!(csv_field("12.5"), "12.5");
    }

    #[test]
    fn documents_end_lines_with_crlf() {
        let doc = csv(&["a", "b"], &[vec!["1".into(), "x,y".into()]]);
        assert_eq!(doc, "a,b\r\n1,\"x,y\"\r\n");
    }

    #[test]
    fn excerpts_cut_at_words() {
        assert_eq!(
            excerpt("Which **segment** holds `PID-3`?", 120),
            "Which segment holds PID-3?"
        );
        let long = "word ".repeat(50);
        let e = excerpt(&long, 20);
        assert!(e.ends_with('…') && e.chars().count() <= 21, "{e}");
    }

    #[test]
    fn file_names_carry_the_dates() {
        let f = |from: &str, to: &str| DateFilter {
            from: from.into(),
            to: to.into(),
        };
        assert_eq!(file_part(&f("", "")), "all-time");
        assert_eq!(file_part(&f("2026-01-01", "")), "from-2026-01-01");
        assert_eq!(file_part(&f("", "2026-01-31")), "to-2026-01-31");
        assert_eq!(
            file_part(&f("2026-01-01", "2026-01-31\"; x")),
            "2026-01-01-to-2026-01-31"
        );
    }
}
