//! The timed exam on the server: starting and resuming attempts, saving
//! answers as the candidate goes, submission (by the candidate or by the
//! expiry task), results with the review, certificates, and extra time.
//!
//! Plain async functions over a [`Repository`], each taking the current Unix
//! time `now` from the caller so tests can drive the clock. The rules live in
//! the pure [`crate::exam`] module; this one stores and checks.
//!
//! What reaches the browser during an attempt ([`AttemptView`], [`Saved`])
//! holds the displayed stems and options only: no key, no explanation, no
//! question id and no option order, so the answers cannot be read from it.
//! A result ([`ResultView`]) holds keys and explanations only when the
//! exam's review policy allows ([`ExamDefinition::withheld`]): never while
//! the candidate has an attempt open, and with the shipped policy only once
//! they have passed or used every attempt.
//!
//! Starting is one guarded insert ([`Repository::start_exam_attempt`]) that
//! enforces one open attempt, the attempt limit and the cool-down together,
//! so no number of concurrent starts racing a submission gets past them.
//!
//! Submission is two steps, each a single conditional statement: close the
//! attempt (after which no answer can be saved), then mark the frozen
//! answers. An attempt closed but not yet marked (the server stopped in
//! between) is marked by the next run of [`expire_due`] or by [`result`].

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use super::repo::{
    ExamAdjustment, ExamAttemptRow, ExamOutcome, NewExamAttempt, RepoError, Repository, StartRules,
    User,
};
use crate::accounts::Role;
use crate::content::render::render;
use crate::content::Level;
use crate::exam::{
    can_start, certificate_code, draw_with, normalise_certificate_code, score, timing, AnswerError,
    AttemptState, Date, ExamDefinition, Paper, QuestionKind, QuestionSet, Score, Standing,
    StartRefusal, MULTIPLE_RESPONSE_RULE, SINGLE_ANSWER_RULE,
};
use crate::exercise::exam_items::LabQuestions;

pub use crate::exam::view::{
    AttemptPage, AttemptSummary, AttemptView, CertificateView, ExamSummary, Granted, ItemView,
    OpenAttempt, ResultView, ReviewItem, ReviewKey, ReviewOption, Saved,
};

/// The most extra time a trainer may grant, in minutes.
pub const MAX_EXTRA_MINUTES: u32 = 600;

/// How often the expiry task looks for attempts whose time ran out.
pub const EXPIRY_INTERVAL: Duration = Duration::from_secs(5);

/// Why an exam request was refused. [`ExamError::status`] gives the HTTP
/// status a server function should answer with.
#[derive(Debug, thiserror::Error)]
pub enum ExamError {
    #[error("there is no {} exam", .0.title())]
    NoExam(Level),
    /// The attempt does not exist or is someone else's (the same answer
    /// either way).
    #[error("you have no exam attempt {0}")]
    NoSuchAttempt(i64),
    #[error(transparent)]
    Refused(#[from] StartRefusal),
    #[error(transparent)]
    Answer(#[from] AnswerError),
    #[error("this attempt is still in progress: submit it to see your result")]
    NotSubmitted,
    #[error("{0}")]
    Forbidden(&'static str),
    #[error("extra time must be between 0 and {MAX_EXTRA_MINUTES} minutes, not {0}")]
    BadMinutes(u32),
    /// The stored paper cannot be drawn, shown or marked with today's bank.
    #[error("the exam paper cannot be used: {0}")]
    Paper(String),
    #[error(transparent)]
    Storage(#[from] RepoError),
}

impl ExamError {
    /// The HTTP status for this refusal.
    pub fn status(&self) -> u16 {
        match self {
            ExamError::NoExam(_) | ExamError::NoSuchAttempt(_) => 404,
            ExamError::Answer(AnswerError::NoSuchItem { .. }) => 404,
            ExamError::Answer(AnswerError::BadOption { .. })
            | ExamError::Answer(AnswerError::OneAnswerOnly { .. })
            | ExamError::BadMinutes(_) => 400,
            ExamError::Answer(AnswerError::Late { .. })
            | ExamError::Answer(AnswerError::AlreadySubmitted)
            | ExamError::Refused(_)
            | ExamError::NotSubmitted => 409,
            ExamError::Forbidden(_) => 403,
            ExamError::Paper(_) => 500,
            ExamError::Storage(_) => 503,
        }
    }
}

fn definition(exams: &[ExamDefinition], level: Level) -> Result<&ExamDefinition, ExamError> {
    exams
        .iter()
        .find(|d| d.level == level)
        .ok_or(ExamError::NoExam(level))
}

fn paper_of(row: &ExamAttemptRow) -> Result<Paper, ExamError> {
    serde_json::from_str(&row.paper_json)
        .map_err(|e| ExamError::Paper(format!("stored paper of attempt {}: {e}", row.id)))
}

/// The attempt as the pure state machine sees it, with its saved answers.
fn state_of(
    def: &ExamDefinition,
    row: &ExamAttemptRow,
    paper: &Paper,
    answers: &[super::repo::ExamAnswerRow],
) -> AttemptState {
    let mut state = AttemptState::start(def, paper, row.started_at);
    state.deadline = row.deadline;
    state.grace_seconds = row.grace_seconds;
    state.extra_seconds = row.extra_seconds;
    state.submitted_at = row.submitted_at;
    state.submitted_by = row.submitted_by;
    for a in answers {
        if !a.choice.is_empty() {
            state.answers.insert(a.item, a.choice.clone());
        }
        if a.flagged {
            state.flagged.insert(a.item);
        }
    }
    state
}

/// Loads an attempt of `user`: someone else's is as absent as a missing one.
async fn own_attempt(
    repo: &dyn Repository,
    user: &User,
    attempt_id: i64,
) -> Result<ExamAttemptRow, ExamError> {
    match repo.exam_attempt(attempt_id).await? {
        Some(row) if row.user_id == user.id => Ok(row),
        _ => Err(ExamError::NoSuchAttempt(attempt_id)),
    }
}

fn html(md: &str) -> String {
    render(md, 1).html
}

fn rule(kind: QuestionKind) -> String {
    match kind {
        QuestionKind::Single => SINGLE_ANSWER_RULE,
        QuestionKind::Multiple => MULTIPLE_RESPONSE_RULE,
    }
    .to_string()
}

/// Closes (if still open) and marks an attempt. `now` decides who ended it
/// ([`AttemptState::submit`]): before the deadline the candidate, from it
/// the expiry (after the grace period, at `deadline + grace`). Returns the
/// row as stored afterwards.
async fn finalise(
    repo: &dyn Repository,
    def: &ExamDefinition,
    bank: &QuestionSet,
    row: ExamAttemptRow,
    now: i64,
) -> Result<ExamAttemptRow, ExamError> {
    let id = row.id;
    let paper = paper_of(&row)?;
    if row.submitted_at.is_none() {
        let mut state = state_of(def, &row, &paper, &[]);
        let by = state.submit(now)?;
        let at = state.submitted_at.unwrap_or(now);
        // False means another request closed it first: fine, mark it below.
        repo.close_exam_attempt(id, at, by).await?;
    }
    let row = repo
        .exam_attempt(id)
        .await?
        .ok_or(ExamError::NoSuchAttempt(id))?;
    if row.outcome.is_some() {
        return Ok(row);
    }
    // Closed: the answers can no longer change.
    let answers = repo.exam_answers(id).await?;
    let state = state_of(def, &row, &paper, &answers);
    let questions = paper
        .resolve(bank, &LabQuestions::new(paper.level))
        .map_err(|e| ExamError::Paper(e.to_string()))?;
    let marked = score(def, &paper, &questions, &state.answers)
        .map_err(|e| ExamError::Paper(e.to_string()))?;
    let score_json = serde_json::to_string(&marked)
        .map_err(|e| ExamError::Paper(format!("cannot store the score: {e}")))?;
    let mut tries = 0;
    loop {
        let outcome = ExamOutcome {
            marks: marked.marks,
            total: marked.total,
            percent: marked.percent,
            passed: marked.passed,
            score_json: score_json.clone(),
            certificate_code: marked
                .passed
                .then(|| certificate_code(rand::random::<u128>())),
        };
        match repo.record_exam_outcome(id, &outcome).await {
            Ok(_) => break,
            // A certificate code already issued (1 in 2^60): draw another.
            Err(RepoError::Conflict(_)) if tries < 5 => tries += 1,
            Err(e) => return Err(e.into()),
        }
    }
    repo.exam_attempt(id)
        .await?
        .ok_or(ExamError::NoSuchAttempt(id))
}

/// Builds the browser's view of an open attempt.
fn attempt_view(
    def: &ExamDefinition,
    bank: &QuestionSet,
    row: &ExamAttemptRow,
    answers: &[super::repo::ExamAnswerRow],
    now: i64,
) -> Result<AttemptView, ExamError> {
    let paper = paper_of(row)?;
    let questions = paper
        .resolve(bank, &LabQuestions::new(paper.level))
        .map_err(|e| ExamError::Paper(e.to_string()))?;
    let state = state_of(def, row, &paper, answers);
    let items = paper
        .items
        .iter()
        .zip(&questions)
        .enumerate()
        .map(|(number, (item, q))| ItemView {
            number,
            kind: item.kind,
            rule: rule(item.kind),
            stem_html: html(&q.stem_md),
            options_html: item
                .order
                .iter()
                .map(|&o| q.options.get(o).map(|s| html(s)).unwrap_or_default())
                .collect(),
            choice: state.answers.get(&number).cloned().unwrap_or_default(),
            flagged: state.flagged.contains(&number),
        })
        .collect::<Vec<_>>();
    Ok(AttemptView {
        attempt_id: row.id,
        level: row.level,
        title: def.title.clone(),
        item_count: items.len(),
        started_at: row.started_at,
        deadline: row.deadline,
        now,
        remaining_seconds: timing::remaining(row.deadline, now),
        grace_seconds: row.grace_seconds,
        extra_seconds: row.extra_seconds,
        items,
    })
}

/// Resumes `user`'s open attempt at `level`, or starts a new one.
///
/// An open attempt whose time (deadline plus grace) has run out is
/// submitted first, and then the usual rules apply ([`can_start`]: attempt
/// limit and cool-down). A new attempt gets a paper drawn from a random
/// seed and any extra time granted to the candidate for this exam.
///
/// The rules are checked twice: here, to say why a start is refused, and
/// by the insert itself ([`Repository::start_exam_attempt`]), which is what
/// holds when starts race each other or a submission. A start that loses
/// such a race reads the attempts again: it then resumes the attempt that
/// won, or is refused by the cool-down of the one just submitted.
pub async fn start_or_resume(
    repo: &dyn Repository,
    exams: &[ExamDefinition],
    bank: &QuestionSet,
    user: &User,
    level: Level,
    now: i64,
) -> Result<AttemptView, ExamError> {
    let def = definition(exams, level)?;
    let rules = StartRules {
        max_attempts: def.max_attempts,
        cooldown_hours: def.cooldown_hours,
    };
    // A few tries: each lost race changes what the next read sees.
    for _ in 0..3 {
        let mut previous = Vec::new();
        for row in repo.exam_attempts_of(user.id, level).await? {
            let row = if row.submitted_at.is_none() {
                if timing::accepts_answer(row.deadline, row.grace_seconds, now) {
                    let answers = repo.exam_answers(row.id).await?;
                    return attempt_view(def, bank, &row, &answers, now);
                }
                finalise(repo, def, bank, row, now).await?
            } else {
                row
            };
            previous.push((row.started_at, row.submitted_at));
        }
        can_start(def, &previous, now)?;
        let seed = rand::random::<u64>();
        // Questions retired by trainers are never drawn again; stored papers
        // are still resolved against the full bank.
        let retired = repo.retired_questions().await?;
        let drawable = crate::exam::analysis::without_retired(bank, &retired);
        // Generated items are made at the exam's level, and made again at the
        // stored paper's level whenever it is shown or marked.
        let paper = draw_with(def, &drawable, seed, &LabQuestions::new(def.level))
            .map_err(|e| ExamError::Paper(e.to_string()))?;
        let extra_minutes = repo
            .exam_adjustment(user.id, level)
            .await?
            .map_or(0, |a| a.extra_minutes);
        let extra_seconds = extra_minutes.saturating_mul(60);
        let new = NewExamAttempt {
            user_id: user.id,
            level,
            seed,
            paper_json: serde_json::to_string(&paper)
                .map_err(|e| ExamError::Paper(format!("cannot store the paper: {e}")))?,
            started_at: now,
            deadline: timing::deadline(now, def.minutes, extra_seconds),
            grace_seconds: def.grace_seconds,
            extra_seconds,
        };
        match repo.start_exam_attempt(&new, rules).await {
            Ok(Some(id)) => {
                let row = repo
                    .exam_attempt(id)
                    .await?
                    .ok_or(ExamError::NoSuchAttempt(id))?;
                return attempt_view(def, bank, &row, &[], now);
            }
            // Another start or a submission got there first: look again.
            Ok(None) | Err(RepoError::Conflict(_)) => {}
            Err(e) => return Err(e.into()),
        }
    }
    // Lost every time to other starts of the same candidate, one of which
    // holds the attempt now.
    Err(ExamError::Refused(StartRefusal::AttemptOpen {
        started_at: now,
    }))
}

/// Saves the candidate's answer to one item (the displayed positions
/// chosen, `[]` to clear) and its flag. Saving the same answer again
/// changes nothing but `saved_at`. Refused for an attempt that is not the
/// user's, an item or option not on this paper, and after `deadline +
/// grace`.
// The arguments are what a server function receives; a struct would only
// rename them.
#[allow(clippy::too_many_arguments)]
pub async fn save_answer(
    repo: &dyn Repository,
    exams: &[ExamDefinition],
    user: &User,
    attempt_id: i64,
    item: usize,
    choice: Vec<usize>,
    flagged: bool,
    now: i64,
) -> Result<Saved, ExamError> {
    let row = own_attempt(repo, user, attempt_id).await?;
    let def = definition(exams, row.level)?;
    let paper = paper_of(&row)?;
    let mut state = state_of(def, &row, &paper, &[]);
    state.apply_answer(now, item, choice)?;
    state.set_flag(now, item, flagged)?;
    let choice = state.answers.get(&item).cloned().unwrap_or_default();
    if repo
        .save_exam_answer(attempt_id, item, &choice, flagged, now)
        .await?
    {
        return Ok(Saved {
            saved_at: now,
            remaining: timing::remaining(row.deadline, now),
            deadline: row.deadline,
        });
    }
    // The attempt closed between the check and the write.
    let row = own_attempt(repo, user, attempt_id).await?;
    Err(if row.submitted_at.is_some() {
        AnswerError::AlreadySubmitted
    } else {
        AnswerError::Late {
            deadline: row.deadline,
            grace_seconds: row.grace_seconds,
        }
    }
    .into())
}

/// Submits the candidate's attempt and returns the result. Submitting an
/// attempt that is already submitted just returns its result (a second
/// press of the button is harmless). After `deadline + grace` it counts as
/// submitted by expiry.
pub async fn submit(
    repo: &dyn Repository,
    exams: &[ExamDefinition],
    bank: &QuestionSet,
    user: &User,
    attempt_id: i64,
    now: i64,
) -> Result<ResultView, ExamError> {
    let row = own_attempt(repo, user, attempt_id).await?;
    let def = definition(exams, row.level)?;
    let row = finalise(repo, def, bank, row, now).await?;
    result_view(repo, def, bank, &row, now).await
}

/// Submits every open attempt whose `deadline + grace` has passed at
/// `now`, marking the answers stored, and marks any attempt left closed but
/// unmarked. Returns how many it submitted or marked; failures are logged
/// and retried on the next run.
pub async fn expire_due(
    repo: &dyn Repository,
    exams: &[ExamDefinition],
    bank: &QuestionSet,
    now: i64,
) -> usize {
    let ids = match repo.exam_attempts_due(now).await {
        Ok(ids) => ids,
        Err(e) => {
            tracing::warn!("exam expiry: cannot list attempts: {e}");
            return 0;
        }
    };
    let mut done = 0;
    for id in ids {
        let outcome = async {
            let row = repo
                .exam_attempt(id)
                .await?
                .ok_or(ExamError::NoSuchAttempt(id))?;
            let def = definition(exams, row.level)?;
            finalise(repo, def, bank, row, now).await
        }
        .await;
        match outcome {
            Ok(_) => done += 1,
            Err(e) => tracing::warn!(attempt = id, "exam expiry failed: {e}"),
        }
    }
    done
}

/// Runs [`expire_due`] now (for attempts whose time ran out while the
/// server was down) and then every `every`, until the runtime stops.
pub fn spawn_expiry_task(
    repo: Arc<dyn Repository>,
    exams: Arc<super::ExamContent>,
    every: Duration,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            let n = expire_due(&*repo, &exams.definitions, &exams.bank, super::db::now()).await;
            if n > 0 {
                tracing::info!(attempts = n, "exam attempts submitted at expiry");
            }
            tokio::time::sleep(every).await;
        }
    })
}

/// What `user_id` has done at the exam at `level`, for the review policy.
async fn standing(
    repo: &dyn Repository,
    user_id: i64,
    level: Level,
) -> Result<Standing, ExamError> {
    let rows = repo.exam_attempts_of(user_id, level).await?;
    Ok(Standing {
        attempts: u32::try_from(rows.len()).unwrap_or(u32::MAX),
        // Open even if its time has run out: until it is marked it still
        // counts as the candidate's paper.
        attempt_open: rows.iter().any(|r| r.submitted_at.is_none()),
        passed: rows
            .iter()
            .any(|r| r.outcome.as_ref().is_some_and(|o| o.passed)),
    })
}

/// The result of a marked attempt, with keys and explanations only when
/// the exam's review policy allows them at `now`.
async fn result_view(
    repo: &dyn Repository,
    def: &ExamDefinition,
    bank: &QuestionSet,
    row: &ExamAttemptRow,
    now: i64,
) -> Result<ResultView, ExamError> {
    let (Some(submitted_at), Some(submitted_by), Some(outcome)) =
        (row.submitted_at, row.submitted_by, row.outcome.as_ref())
    else {
        return Err(ExamError::NotSubmitted);
    };
    let marked: Score = serde_json::from_str(&outcome.score_json)
        .map_err(|e| ExamError::Paper(format!("stored score of attempt {}: {e}", row.id)))?;
    let withheld = def.withheld(standing(repo, row.user_id, row.level).await?, now);
    Ok(ResultView {
        attempt_id: row.id,
        level: row.level,
        title: def.title.clone(),
        started_at: row.started_at,
        submitted_at,
        submitted_by,
        marks: outcome.marks,
        total: outcome.total,
        percent: outcome.percent,
        pass_mark_percent: marked.pass_mark_percent,
        passed: outcome.passed,
        review: review_items(bank, row, &marked, withheld.is_none())?,
        sections: marked.sections,
        certificate_code: outcome.certificate_code.clone(),
        withheld,
    })
}

/// Every item with the candidate's answer and mark; the key and
/// explanation only `with_keys`.
fn review_items(
    bank: &QuestionSet,
    row: &ExamAttemptRow,
    marked: &Score,
    with_keys: bool,
) -> Result<Vec<ReviewItem>, ExamError> {
    let paper = paper_of(row)?;
    let questions = paper
        .resolve(bank, &LabQuestions::new(paper.level))
        .map_err(|e| ExamError::Paper(e.to_string()))?;
    Ok(paper
        .items
        .iter()
        .zip(&questions)
        .zip(&marked.items)
        .enumerate()
        .map(|(number, ((item, q), r))| ReviewItem {
            number,
            kind: item.kind,
            rule: rule(item.kind),
            stem_html: html(&q.stem_md),
            options: item
                .order
                .iter()
                .map(|&o| ReviewOption {
                    html: q.options.get(o).map(|s| html(s)).unwrap_or_default(),
                    chosen: r.chosen.contains(&o),
                })
                .collect(),
            answered: r.answered(),
            right: r.correct(),
            module: q.module.clone(),
            key: with_keys.then(|| ReviewKey {
                options: (0..item.order.len())
                    .filter(|&d| r.key.contains(&item.order[d]))
                    .collect(),
                explanation_html: html(&q.explanation_md),
            }),
        })
        .collect())
}

/// The result of a submitted attempt of `user`. An open attempt whose time
/// has run out is submitted first; one still running is refused. Keys and
/// explanations are included only when the exam's review policy allows
/// ([`ExamDefinition::withheld`]).
pub async fn result(
    repo: &dyn Repository,
    exams: &[ExamDefinition],
    bank: &QuestionSet,
    user: &User,
    attempt_id: i64,
    now: i64,
) -> Result<ResultView, ExamError> {
    let row = own_attempt(repo, user, attempt_id).await?;
    let def = definition(exams, row.level)?;
    let accepting =
        row.submitted_at.is_none() && timing::accepts_answer(row.deadline, row.grace_seconds, now);
    if accepting {
        return Err(ExamError::NotSubmitted);
    }
    let row = if row.outcome.is_none() {
        finalise(repo, def, bank, row, now).await?
    } else {
        row
    };
    result_view(repo, def, bank, &row, now).await
}

/// Looks up a certificate code as typed (lower case, missing dashes, `O`
/// for zero and the like are accepted). Public: no sign-in needed. `None`
/// for a malformed or unknown code.
pub async fn verify_certificate(
    repo: &dyn Repository,
    exams: &[ExamDefinition],
    typed: &str,
) -> Result<Option<CertificateView>, ExamError> {
    let Ok(code) = normalise_certificate_code(typed) else {
        return Ok(None);
    };
    let Some(c) = repo.certificate(&code).await? else {
        return Ok(None);
    };
    let exam_title = exams
        .iter()
        .find(|d| d.level == c.level)
        .map(|d| d.title.clone())
        .unwrap_or_else(|| format!("PACS Academy {} exam", c.level.title()));
    Ok(Some(CertificateView {
        code,
        name: c.name,
        level: c.level,
        exam_title,
        date: Date::of_unix(c.submitted_at).long(),
        percent: c.percent,
        passed: c.passed,
    }))
}

/// Grants `learner_id` `minutes` of extra time at the `level` exam (an
/// accessibility adjustment), replacing any earlier grant; 0 removes it.
/// New attempts get it; an open attempt that still accepts answers is
/// brought up to it (its deadline moves by the difference; time is never
/// taken away from an attempt in progress). Trainers may grant it to
/// learners of the organisations they follow, administrators to anyone.
pub async fn grant_extra_time(
    repo: &dyn Repository,
    trainer: &User,
    learner_id: i64,
    level: Level,
    minutes: u32,
    now: i64,
) -> Result<Granted, ExamError> {
    const NOT_YOURS: &str = "You do not follow this learner's organisation.";
    if minutes > MAX_EXTRA_MINUTES {
        return Err(ExamError::BadMinutes(minutes));
    }
    let learner = repo.user(learner_id).await?;
    let allowed = match (trainer.role, &learner) {
        (Role::Admin, Some(_)) => true,
        (Role::Trainer, Some(l)) if l.role == Role::Learner => match l.organisation_id {
            Some(org) => repo.trainer_organisations(trainer.id).await?.contains(&org),
            None => false,
        },
        (Role::Learner, _) => {
            return Err(ExamError::Forbidden(
                "Only trainers and administrators can grant extra time.",
            ))
        }
        _ => false,
    };
    if !allowed {
        // The same answer whether the learner exists or not.
        return Err(ExamError::Forbidden(NOT_YOURS));
    }
    repo.set_exam_adjustment(&ExamAdjustment {
        user_id: learner_id,
        level,
        extra_minutes: minutes,
        granted_by: Some(trainer.id),
        granted_at: now,
    })
    .await?;
    let moved = repo
        .raise_open_exam_extra(learner_id, level, minutes.saturating_mul(60), now)
        .await?;
    let open_attempt = match moved {
        Some(id) => repo.exam_attempt(id).await?.map(|r| (id, r.deadline)),
        None => None,
    };
    Ok(Granted {
        extra_minutes: minutes,
        open_attempt,
    })
}

/// The answers a candidate's attempt holds, by item: (displayed choice,
/// flag). For trainers' reports and for checking that nothing was lost.
pub async fn stored_answers(
    repo: &dyn Repository,
    attempt_id: i64,
) -> Result<BTreeMap<usize, (Vec<usize>, bool)>, ExamError> {
    Ok(repo
        .exam_answers(attempt_id)
        .await?
        .into_iter()
        .map(|a| (a.item, (a.choice, a.flagged)))
        .collect())
}

/// The exams `user` can sit, with their attempts. Attempts whose time has
/// run out are submitted first, so the page never shows a stale one open.
pub async fn overview(
    repo: &dyn Repository,
    exams: &[ExamDefinition],
    bank: &QuestionSet,
    user: &User,
    now: i64,
) -> Result<Vec<ExamSummary>, ExamError> {
    let mut out = Vec::new();
    for def in exams {
        let mut rows = Vec::new();
        for row in repo.exam_attempts_of(user.id, def.level).await? {
            let open = row.submitted_at.is_none();
            let row = if (open && !timing::accepts_answer(row.deadline, row.grace_seconds, now))
                || (!open && row.outcome.is_none())
            {
                finalise(repo, def, bank, row, now).await?
            } else {
                row
            };
            rows.push(row);
        }
        rows.sort_by_key(|r| std::cmp::Reverse((r.started_at, r.id)));
        let previous: Vec<_> = rows
            .iter()
            .map(|r| (r.started_at, r.submitted_at))
            .collect();
        let (refusal, available_from) = match can_start(def, &previous, now) {
            Ok(()) => (None, None),
            Err(StartRefusal::AttemptOpen { .. }) => (None, None),
            Err(e @ StartRefusal::CoolingDown { until, .. }) => (Some(e.to_string()), Some(until)),
            Err(e) => (Some(e.to_string()), None),
        };
        let open_attempt = match rows.iter().find(|r| r.submitted_at.is_none()) {
            Some(r) => {
                let answers = repo.exam_answers(r.id).await?;
                Some(OpenAttempt {
                    attempt_id: r.id,
                    deadline: r.deadline,
                    remaining_seconds: timing::remaining(r.deadline, now),
                    answered: answers.iter().filter(|a| !a.choice.is_empty()).count() as u32,
                    flagged: answers.iter().filter(|a| a.flagged).count() as u32,
                })
            }
            None => None,
        };
        let extra_minutes = repo
            .exam_adjustment(user.id, def.level)
            .await?
            .map_or(0, |a| a.extra_minutes);
        out.push(ExamSummary {
            level: def.level,
            title: def.title.clone(),
            questions: def.questions,
            minutes: def.minutes,
            pass_mark_percent: def.pass_mark_percent,
            max_attempts: def.max_attempts,
            cooldown_hours: def.cooldown_hours,
            grace_seconds: def.grace_seconds,
            extra_minutes,
            open_attempt,
            attempts: rows
                .iter()
                .map(|r| AttemptSummary {
                    attempt_id: r.id,
                    started_at: r.started_at,
                    submitted_at: r.submitted_at,
                    submitted_by: r.submitted_by,
                    percent: r.outcome.as_ref().map(|o| o.percent),
                    passed: r.outcome.as_ref().map(|o| o.passed),
                    certificate_code: r.outcome.as_ref().and_then(|o| o.certificate_code.clone()),
                })
                .collect(),
            refusal,
            available_from,
        });
    }
    Ok(out)
}

/// Opens `user`'s attempt `attempt_id` without starting anything: the
/// running attempt with its saved answers and the time left, or `Over`.
pub async fn open_attempt(
    repo: &dyn Repository,
    exams: &[ExamDefinition],
    bank: &QuestionSet,
    user: &User,
    attempt_id: i64,
    now: i64,
) -> Result<AttemptPage, ExamError> {
    let row = own_attempt(repo, user, attempt_id).await?;
    let def = definition(exams, row.level)?;
    if row.submitted_at.is_none() && timing::accepts_answer(row.deadline, row.grace_seconds, now) {
        let answers = repo.exam_answers(row.id).await?;
        return attempt_view(def, bank, &row, &answers, now).map(AttemptPage::Running);
    }
    if row.outcome.is_none() {
        finalise(repo, def, bank, row, now).await?;
    }
    Ok(AttemptPage::Over { attempt_id })
}
