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
    auth::after_plain_post_go_to(&attempt_path(view.attempt_id));
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

/// "41 minutes", "1 minute", or "less than a minute".
fn time_left_text(seconds: i64) -> String {
    match seconds {
        s if s < 60 => "less than a minute".into(),
        s => minutes_text(u32::try_from(s / 60).unwrap_or(u32::MAX)),
    }
}

/// The address that asks the candidate to confirm a start.
fn confirm_path(level: Level) -> String {
    format!("/exams?start={0}#start-{0}", level.slug())
}

#[component]
fn ExamCard(exam: ExamSummary) -> impl IntoView {
    let heading = format!("exam-{}", exam.level.slug());
    let used = exam.attempts.len() as u32;
    let level = exam.level;
    let can_start = exam.open_attempt.is_none() && exam.refusal.is_none();
    let query = leptos_router::hooks::use_query_map();
    let confirming =
        move || can_start && query.read().get("start").as_deref() == Some(level.slug());
    let confirm_exam = exam.clone();
    let start_described_by = heading.clone();
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
            {exam.refusal.clone().filter(|_| exam.open_attempt.is_none()).map(|r| view! {
                <p class="notice">{super::components::sentence(&r)}{exam.available_from.map(|t| format!(" You can start again from {}.", format_utc(t)))}</p>
            })}
            {exam.open_attempt.clone().map(|open| view! {
                <div class="notice exam-in-progress">
                    <p>
                        <strong>"You have an attempt in progress. "</strong>
                        {format!(
                            "{} of {} questions answered{}; {} left (until {}).",
                            open.answered,
                            exam.questions,
                            if open.flagged > 0 { format!(", {} flagged", open.flagged) } else { String::new() },
                            time_left_text(open.remaining_seconds),
                            format_utc(open.deadline),
                        )}
                    </p>
                    <p><a class="button" href=attempt_path(open.attempt_id) aria-describedby=heading.clone()>"Resume your attempt"</a></p>
                </div>
            })}
            {move || (can_start && !confirming()).then(|| view! {
                <p><a class="button" href=confirm_path(level) aria-describedby=start_described_by.clone()>"Start the exam"</a></p>
            })}
            {move || confirming().then(|| view! { <ConfirmStart exam=confirm_exam.clone() used/> })}
            {(!exam.attempts.is_empty()).then(|| view! { <AttemptTable level attempts=exam.attempts.clone()/> })}
        </section>
    }
}

/// Asks before the clock starts: the time, which attempt this is, and what
/// happens at zero. The form posts to the server, so it works before the
/// page's script has run; with the script, the page moves on itself.
#[component]
fn ConfirmStart(exam: ExamSummary, used: u32) -> impl IntoView {
    use super::session::CsrfField;
    use leptos::form::ActionForm;
    let session = use_session();
    let start = ServerAction::<StartExam>::new();
    Effect::new(move |_| {
        if let Some(Ok(id)) = start.value().get() {
            super::session::go_to(&attempt_path(id));
        }
    });
    let slug = exam.level.slug();
    let id = format!("start-{slug}");
    let heading = format!("start-{slug}-title");
    // Arriving here in the browser (not by a page load), focus the question.
    let focus_id = heading.clone();
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(el) = document().get_element_by_id(&focus_id) {
            use wasm_bindgen::JsCast;
            if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
                let _ = el.focus();
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = &focus_id;
    });
    let csrf = move || {
        session
            .0
            .get()
            .and_then(|s| s.ok())
            .map(|s| s.csrf)
            .unwrap_or_default()
    };
    let attempt = used + 1;
    let last = attempt >= exam.max_attempts;
    let total = exam.minutes + exam.extra_minutes;
    let pending = start.pending();
    let labelled_by = heading.clone();
    view! {
        <section class="notice start-confirm" id=id aria-labelledby=labelled_by>
            <h3 id=heading tabindex="-1">{format!("Start the {} now?", exam.title)}</h3>
            <ul>
                <li>{format!(
                    "You will have {} for {} questions. The clock starts when you press Start now and keeps running if you close the page or lose your connection.",
                    minutes_text(total),
                    exam.questions
                )}</li>
                <li>{format!("This will be attempt {attempt} of {}.", exam.max_attempts)}{last.then_some(" It is your last attempt.")}</li>
                <li>"When the time reaches zero, the answers you have chosen are submitted for you and marked."</li>
                {(exam.cooldown_hours > 0 && !last).then(|| view! {
                    <li>{format!("If you do not pass, you can try again {} after you finish.", super::components::count_of(exam.cooldown_hours, "hour", "hours"))}</li>
                })}
            </ul>
            <ActionForm action=start attr:class="button-row">
                {move || view! { <CsrfField csrf=csrf()/> }}
                <input type="hidden" name="level" value=slug/>
                <button type="submit" class="button" disabled=move || pending.get()>"Start now"</button>
                <a href="/exams">"Cancel"</a>
            </ActionForm>
            {move || start.value().get().and_then(|r| r.err()).map(|e| view! {
                <p class="notice notice-error" role="alert">{error_text(&e)}</p>
            })}
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
