//! The candidate's exams: what each exam is, the attempts so far, and the
//! button that starts (or resumes) an attempt.

use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use leptos_meta::Title;

use super::session::{error_text, use_session, RequireRole};
use crate::accounts::Role;
use crate::content::Level;
use crate::exam::format_utc;
use crate::exam::view::{AttemptSummary, ExamSummary};

/// The server's refusal of an exam request as the app's error, of the kind
/// its status says.
#[cfg(feature = "ssr")]
pub fn exam_error(e: crate::server::exam::ExamError) -> AppError {
    use crate::server::auth;
    if let crate::server::exam::ExamError::Storage(inner) = e {
        return auth::storage_error(inner);
    }
    let status = e.status();
    if status >= 500 {
        return AppError::internal(e);
    }
    let mut text = e.to_string();
    if let Some(first) = text.get(..1) {
        text = first.to_uppercase() + &text[1..];
    }
    if !text.ends_with('.') {
        text.push('.');
    }
    match status {
        403 => AppError::Forbidden(text),
        404 => AppError::NotFound(text),
        409 => AppError::Conflict(text),
        _ => AppError::bad_request(text),
    }
}

/// The exams the signed-in candidate can sit, with their attempts.
#[server(input = GetUrl, endpoint = "exam/overview")]
pub async fn exam_overview() -> Result<Vec<ExamSummary>, AppError> {
    use crate::server::{auth, exam};
    let user = auth::require_user().await?;
    let state = auth::state()?;
    exam::overview(
        &*state.repo,
        &state.exams.definitions,
        &state.exams.bank,
        &user,
        state.now(),
    )
    .await
    .map_err(exam_error)
}

/// Starts an attempt at `level` (or resumes the open one) and returns its id.
#[server(endpoint = "exam/start")]
pub async fn start_exam(csrf: String, level: Level) -> Result<i64, AppError> {
    use crate::server::{auth, exam};
    auth::check_csrf(&csrf)?;
    let user = auth::require_user().await?;
    let state = auth::state()?;
    let view = exam::start_or_resume(
        &*state.repo,
        &state.exams.definitions,
        &state.exams.bank,
        &user,
        level,
        state.now(),
    )
    .await
    .map_err(exam_error)?;
    Ok(view.attempt_id)
}

/// The letter shown before option `o` (A, B, …), or its number past Z.
pub fn letter(o: usize) -> String {
    crate::exam::option_letter(o).map_or_else(|| (o + 1).to_string(), String::from)
}

/// The address of an attempt's page.
pub fn attempt_path(attempt_id: i64) -> String {
    format!("/exams/attempts/{attempt_id}")
}

/// The address of an attempt's result.
pub fn result_path(attempt_id: i64) -> String {
    format!("/exams/results/{attempt_id}")
}

#[component]
pub fn ExamsPage() -> impl IntoView {
    // Made here, not inside the sign-in check, so the server and the
    // browser create their resources in the same order.
    let exams = Resource::new(|| (), |_| exam_overview());
    view! {
        <Title text="Exams"/>
        <div class="wrap">
            <nav class="breadcrumbs" aria-label="Breadcrumb">
                <ol>
                    <li><a href="/">"Home"</a></li>
                    <li><span aria-current="page">"Exams"</span></li>
                </ol>
            </nav>
            <header class="page-header">
                <h1>"Exams"</h1>
                <p class="lede">
                    "Each course ends with a timed multiple-choice exam. Your answers are saved the moment you "
                    "choose them, and the clock is kept by the server: if your connection drops or your browser "
                    "closes, sign in again and carry on where you were."
                </p>
            </header>
            <RequireRole role=Role::Learner>
                <ExamList exams/>
            </RequireRole>
        </div>
    }
}

#[component]
fn ExamList(exams: Resource<Result<Vec<ExamSummary>, AppError>>) -> impl IntoView {
    view! {
        <Suspense fallback=|| view! { <p role="status">"Loading your exams…"</p> }>
            {move || Suspend::new(async move {
                match exams.await {
                    Ok(list) if list.is_empty() => view! {
                        <p>"No exams are set up yet."</p>
                    }.into_any(),
                    Ok(list) => view! {
                        <div class="exam-list">
                            {list.into_iter().map(|e| view! { <ExamCard exam=e/> }).collect_view()}
                        </div>
                    }.into_any(),
                    Err(e) => view! { <p class="notice notice-error" role="alert">{error_text(&e)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn minutes_text(minutes: u32) -> String {
    match minutes {
        1 => "1 minute".into(),
        m if m % 60 == 0 && m >= 120 => format!("{} hours", m / 60),
        m => format!("{m} minutes"),
    }
}

#[component]
fn ExamCard(exam: ExamSummary) -> impl IntoView {
    let session = use_session();
    let start = ServerAction::<StartExam>::new();
    Effect::new(move |_| {
        if let Some(Ok(id)) = start.value().get() {
            super::session::go_to(&attempt_path(id));
        }
    });
    let heading = format!("exam-{}", exam.level.slug());
    let used = exam.attempts.len() as u32;
    let level = exam.level;
    let open = exam.open_attempt;
    let can_start = open.is_some() || exam.refusal.is_none();
    let button = if open.is_some() {
        "Resume your attempt"
    } else {
        "Start the exam"
    };
    let on_start = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let csrf = session
            .0
            .get_untracked()
            .and_then(|s| s.ok())
            .map(|s| s.csrf)
            .unwrap_or_default();
        start.dispatch(StartExam { csrf, level });
    };
    let pending = start.pending();
    view! {
        <section class="card exam-card" aria-labelledby=heading.clone()>
            <h2 id=heading.clone()>{exam.title.clone()}</h2>
            <dl class="facts">
                <div><dt>"Questions"</dt><dd>{exam.questions}</dd></div>
                <div>
                    <dt>"Time"</dt>
                    <dd>
                        {minutes_text(exam.minutes)}
                        {(exam.extra_minutes > 0).then(|| format!(" plus {} extra (an adjustment for you)", minutes_text(exam.extra_minutes)))}
                    </dd>
                </div>
                <div><dt>"Pass mark"</dt><dd>{format!("{}%", exam.pass_mark_percent)}</dd></div>
                <div><dt>"Attempts"</dt><dd>{format!("{used} of {} used", exam.max_attempts)}</dd></div>
            </dl>
            <p class="hint">
                "One question per page. You can move back and forth, flag questions to come back to, and see "
                "which ones you have answered. When the time is up your answers are submitted for you."
                {(exam.cooldown_hours > 0).then(|| format!(" After an attempt you can try again {} later.", super::components::count_of(exam.cooldown_hours, "hour", "hours")))}
            </p>
            {exam.refusal.clone().filter(|_| open.is_none()).map(|r| view! {
                <p class="notice">{super::components::sentence(&r)}{exam.available_from.map(|t| format!(" You can start again from {}.", format_utc(t)))}</p>
            })}
            {can_start.then(|| view! {
                <form class="inline-form" on:submit=on_start>
                    <button type="submit" class="button" aria-describedby=heading.clone() disabled=move || pending.get()>
                        {button}
                    </button>
                </form>
            })}
            {move || start.value().get().and_then(|r| r.err()).map(|e| view! {
                <p class="notice notice-error" role="alert">{error_text(&e)}</p>
            })}
            {(!exam.attempts.is_empty()).then(|| view! { <AttemptTable level attempts=exam.attempts.clone()/> })}
        </section>
    }
}

#[component]
fn AttemptTable(level: Level, attempts: Vec<AttemptSummary>) -> impl IntoView {
    let n = attempts.len();
    view! {
        <table class="data-table">
            <caption>{format!("Your {} attempts", level.title())}</caption>
            <thead>
                <tr>
                    <th scope="col">"Attempt"</th>
                    <th scope="col">"Started"</th>
                    <th scope="col">"Result"</th>
                    <th scope="col">"Details"</th>
                </tr>
            </thead>
            <tbody>
                {attempts.into_iter().enumerate().map(|(i, a)| {
                    let number = n - i;
                    let result = match (a.submitted_at, a.percent, a.passed) {
                        (None, _, _) => "In progress".to_string(),
                        (Some(_), Some(p), Some(true)) => format!("Passed, {p}%"),
                        (Some(_), Some(p), Some(false)) => format!("Not passed, {p}%"),
                        _ => "Being marked".to_string(),
                    };
                    let link = if a.submitted_at.is_none() {
                        view! { <a href=attempt_path(a.attempt_id)>"Resume"<span class="visually-hidden">{format!(" attempt {number}")}</span></a> }.into_any()
                    } else {
                        view! { <a href=result_path(a.attempt_id)>"Result"<span class="visually-hidden">{format!(" of attempt {number}")}</span></a> }.into_any()
                    };
                    view! {
                        <tr>
                            <th scope="row">{number}</th>
                            <td>{format_utc(a.started_at)}</td>
                            <td>{result}</td>
                            <td>{link}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}
