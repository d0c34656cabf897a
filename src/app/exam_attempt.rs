//! Sitting an exam: one question per page, with previous and next, a flag
//! for review, an overview of answered and flagged questions, and a
//! countdown kept by the server's clock.
//!
//! Every choice is saved the moment it is made. A save that fails (the
//! connection dropped, the server was busy) is shown and retried on its own
//! until it goes through, and it is kept in this browser's storage until
//! then, so a reload or a crash loses nothing: the page sends it again when
//! it opens. The server refuses answers after the deadline plus a short
//! grace, and submits the attempt itself at that point even when no browser
//! is open.

use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Json};
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use serde::{Deserialize, Serialize};

use super::exam::{letter, result_path};
use super::session::{error_text, go_to, use_session, RequireRole};
use crate::accounts::Role;
use crate::exam::view::{AttemptPage, AttemptView, ItemView, Saved};
use crate::exam::{QuestionKind, Warning};

/// The outcome of a save the server looked at. Refusals are final (the
/// page stops retrying); failures to reach the server, or a busy server,
/// are errors and are retried.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SaveOutcome {
    Saved(Saved),
    Refused {
        message: String,
        /// The attempt is over: show the result.
        closed: bool,
    },
}

/// The candidate's attempt: running, or over.
#[server(input = GetUrl, endpoint = "exam/attempt")]
pub async fn get_attempt(attempt_id: i64) -> Result<AttemptPage, AppError> {
    use crate::server::{auth, exam};
    let user = auth::require_user().await?;
    let state = auth::state()?;
    exam::open_attempt(
        &*state.repo,
        &state.exams.definitions,
        &state.exams.bank,
        &user,
        attempt_id,
        state.now(),
    )
    .await
    .map_err(super::exam::exam_error)
}

/// Saves the answer to one item: the displayed option positions chosen
/// (none to clear it) and whether it is flagged for review.
#[server(input = Json, endpoint = "exam/save")]
pub async fn save_exam_answer(
    csrf: String,
    attempt_id: i64,
    item: usize,
    choice: Vec<usize>,
    flagged: bool,
) -> Result<SaveOutcome, AppError> {
    use crate::exam::AnswerError;
    use crate::server::auth;
    use crate::server::exam::{self, ExamError};
    auth::check_csrf(&csrf)?;
    let user = auth::require_user().await?;
    let state = auth::state()?;
    if choice.len() > 64 {
        return Err(AppError::bad_request("An answer has at most 64 options."));
    }
    let saved = exam::save_answer(
        &*state.repo,
        &state.exams.definitions,
        &user,
        attempt_id,
        item,
        choice,
        flagged,
        state.now(),
    )
    .await;
    match saved {
        Ok(s) => Ok(SaveOutcome::Saved(s)),
        Err(ExamError::Storage(e)) => Err(auth::storage_error(e)),
        // Refusals are answers, not failures (a 200 with the reason), so
        // the page shows them and stops retrying.
        Err(e @ ExamError::Answer(AnswerError::Late { .. }))
        | Err(e @ ExamError::Answer(AnswerError::AlreadySubmitted)) => Ok(SaveOutcome::Refused {
            message: refusal_text(&e),
            closed: true,
        }),
        Err(e) => Ok(SaveOutcome::Refused {
            message: refusal_text(&e),
            closed: false,
        }),
    }
}

#[cfg(feature = "ssr")]
fn refusal_text(e: &crate::server::exam::ExamError) -> String {
    use crate::exam::AnswerError;
    use crate::server::exam::ExamError;
    match e {
        ExamError::Answer(AnswerError::Late { .. }) => {
            "This answer arrived after the time was up, so it was not saved. Your earlier answers were submitted."
                .into()
        }
        ExamError::Answer(AnswerError::AlreadySubmitted) => {
            "This attempt has been submitted, so answers can no longer change.".into()
        }
        other => {
            let t = other.to_string();
            let mut c = t.chars();
            match c.next() {
                Some(f) => f.to_uppercase().chain(c).collect::<String>() + ".",
                None => t,
            }
        }
    }
}

/// Submits the attempt. Submitting twice is harmless.
#[server(endpoint = "exam/submit")]
pub async fn submit_exam(csrf: String, attempt_id: i64) -> Result<i64, AppError> {
    use crate::server::{auth, exam};
    auth::check_csrf(&csrf)?;
    let user = auth::require_user().await?;
    let state = auth::state()?;
    exam::submit(
        &*state.repo,
        &state.exams.definitions,
        &state.exams.bank,
        &user,
        attempt_id,
        state.now(),
    )
    .await
    .map_err(super::exam::exam_error)?;
    Ok(attempt_id)
}

#[component]
pub fn ExamAttemptPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|s| s.parse::<i64>().ok());
    // Made here, not inside the sign-in check, so the server and the
    // browser create their resources in the same order.
    let data = Resource::new(id, |id| async move {
        match id {
            Some(id) => get_attempt(id).await.map(Some),
            None => Ok(None),
        }
    });
    view! {
        <Title text="Exam"/>
        <div class="wrap">
            <RequireRole role=Role::Learner>
                <Suspense fallback=|| view! { <p role="status">"Opening your exam…"</p> }>
                    {move || Suspend::new(async move {
                        match data.await {
                            Ok(Some(AttemptPage::Running(view))) => view! { <Sitting view/> }.into_any(),
                            Ok(Some(AttemptPage::Over { attempt_id })) => {
                                go_to(&result_path(attempt_id));
                                view! {
                                    <div class="notice" role="status">
                                        <h1>"This attempt is over"</h1>
                                        <p><a href=result_path(attempt_id)>"See your result"</a></p>
                                    </div>
                                }.into_any()
                            }
                            Ok(None) => view! { <super::not_found::NotFound/> }.into_any(),
                            Err(e) => view! {
                                <div class="notice notice-error" role="alert">
                                    <h1>"Cannot open this exam"</h1>
                                    <p>{error_text(&e)}</p>
                                    <p><a href="/exams">"Back to your exams"</a></p>
                                </div>
                            }.into_any(),
                        }
                    })}
                </Suspense>
            </RequireRole>
        </div>
    }
}

/// Where one item's answer stands.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))] // Used by the browser build.
#[derive(Clone, Debug, PartialEq, Eq)]
enum SaveState {
    /// As stored on the server.
    Saved,
    Saving,
    /// Not saved yet; the page tries again.
    Retrying {
        tries: u32,
        wait_seconds: u32,
    },
    /// The server refused it for good.
    Refused(String),
}

/// One item's answer in the page.
#[derive(Clone, Copy)]
struct Answer {
    choice: RwSignal<Vec<usize>>,
    flagged: RwSignal<bool>,
    state: RwSignal<SaveState>,
    /// Bumped on every change, so an older save's reply does not mark a
    /// newer choice as saved.
    version: StoredValue<u64>,
}

/// Everything the page's parts share.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))] // Used by the browser build.
#[derive(Clone, Copy)]
struct Exam {
    attempt_id: i64,
    items: StoredValue<Vec<ItemView>>,
    answers: StoredValue<Vec<Answer>>,
    current: RwSignal<usize>,
    /// The server's deadline (Unix seconds) and the browser clock's offset
    /// from the server's (server = browser + offset).
    deadline: RwSignal<i64>,
    offset: StoredValue<f64>,
    remaining: RwSignal<i64>,
    /// The last time warning, read out politely.
    warning: RwSignal<Option<Warning>>,
    /// Set when the attempt is over (submitted, or time ran out).
    closed: RwSignal<Option<String>>,
    reviewing: RwSignal<bool>,
    submitting: RwSignal<bool>,
    csrf: StoredValue<String>,
}

impl Exam {
    fn answer(&self, i: usize) -> Option<Answer> {
        self.answers.with_value(|a| a.get(i).copied())
    }

    fn count(&self) -> usize {
        self.items.with_value(|i| i.len())
    }
}

/// Seconds since 1970 by the browser's clock.
fn browser_now() -> f64 {
    #[cfg(feature = "hydrate")]
    {
        js_sys::Date::now() / 1000.0
    }
    #[cfg(not(feature = "hydrate"))]
    {
        0.0
    }
}

#[cfg_attr(not(feature = "hydrate"), allow(dead_code))] // Used by the browser build.
fn remaining_at(exam: &Exam) -> i64 {
    let server_now = browser_now() + exam.offset.get_value();
    (exam.deadline.get_untracked() as f64 - server_now)
        .ceil()
        .max(0.0) as i64
}

/// `mm:ss`, or `h:mm:ss` from an hour.
fn clock(seconds: i64) -> String {
    let s = seconds.max(0);
    if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, s % 3600 / 60, s % 60)
    } else {
        format!("{:02}:{:02}", s / 60, s % 60)
    }
}

/// The time left in words, for the timer's accessible name.
fn clock_words(seconds: i64) -> String {
    let s = seconds.max(0);
    let (h, m) = (s / 3600, s % 3600 / 60);
    let plural = |n: i64, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
    match (h, m) {
        (0, 0) => plural(s, "second"),
        (0, m) => plural(m, "minute"),
        (h, 0) => plural(h, "hour"),
        (h, m) => format!("{} {}", plural(h, "hour"), plural(m, "minute")),
    }
}

#[component]
fn Sitting(view: AttemptView) -> impl IntoView {
    let session = use_session();
    let query = use_query_map();
    let count = view.items.len();
    let start_at = query
        .read_untracked()
        .get("q")
        .and_then(|q| q.parse::<usize>().ok())
        .filter(|&q| q >= 1 && q <= count)
        .map_or(0, |q| q - 1);
    let answers = view
        .items
        .iter()
        .map(|item| Answer {
            choice: RwSignal::new(item.choice.clone()),
            flagged: RwSignal::new(item.flagged),
            state: RwSignal::new(SaveState::Saved),
            version: StoredValue::new(0),
        })
        .collect::<Vec<_>>();
    let exam = Exam {
        attempt_id: view.attempt_id,
        items: StoredValue::new(view.items.clone()),
        answers: StoredValue::new(answers),
        current: RwSignal::new(start_at),
        deadline: RwSignal::new(view.deadline),
        offset: StoredValue::new(view.now as f64 - browser_now()),
        remaining: RwSignal::new(view.remaining_seconds),
        warning: RwSignal::new(None),
        closed: RwSignal::new(None),
        reviewing: RwSignal::new(false),
        submitting: RwSignal::new(false),
        csrf: StoredValue::new(
            session
                .0
                .get_untracked()
                .and_then(|s| s.ok())
                .map(|s| s.csrf)
                .unwrap_or_default(),
        ),
    };
    provide_context(exam);
    start_clock(exam);
    resend_pending(exam);
    // Keep the question number in the address, so a reload opens it again.
    Effect::new(move |_| {
        let q = exam.current.get() + 1;
        #[cfg(feature = "hydrate")]
        if let Ok(history) = window().history() {
            let path = format!("{}?q={q}", super::exam::attempt_path(exam.attempt_id));
            let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&path));
        }
        let _ = q;
    });
    // The attempt is over: show the result.
    Effect::new(move |_| {
        if exam.closed.get().is_some() {
            go_to(&result_path(exam.attempt_id));
        }
    });
    let title = view.title.clone();
    view! {
        <div class="exam">
            <header class="exam-header">
                <div>
                    <p class="kicker">"Exam in progress"</p>
                    <h1 class="exam-title">{title}</h1>
                </div>
                <Timer/>
            </header>
            <SaveBanner/>
            {move || exam.closed.get().map(|m| view! {
                <div class="notice notice-error" role="alert"><p>{m}</p><p><a href=result_path(exam.attempt_id)>"See your result"</a></p></div>
            })}
            <div class="exam-body">
                <div class="exam-main">
                    {move || if exam.reviewing.get() {
                        view! { <SubmitPanel/> }.into_any()
                    } else {
                        view! { <Question/> }.into_any()
                    }}
                </div>
                <Overview/>
            </div>
        </div>
    }
}

/// Ticks once a second: the remaining time, the warnings at 10, 5 and 1
/// minute, and submission when the time is up.
fn start_clock(exam: Exam) {
    #[cfg(feature = "hydrate")]
    {
        let handle = set_interval_with_handle(
            move || {
                let before = exam.remaining.get_untracked();
                let now = remaining_at(&exam);
                if now != before {
                    exam.remaining.set(now);
                }
                if let Some(w) = crate::exam::warning_due(before, now) {
                    exam.warning.set(Some(w));
                }
                if now == 0 && before > 0 {
                    time_up(exam);
                }
            },
            std::time::Duration::from_millis(250),
        );
        if let Ok(handle) = handle {
            on_cleanup(move || handle.clear());
        }
        // Opened with no time left (the grace period): submit now.
        if exam.remaining.get_untracked() <= 0 {
            time_up(exam);
        }
    }
    let _ = exam;
}

/// The time is up: send what is still unsaved (within the grace period the
/// server allows), then submit.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))] // Used by the browser build.
fn time_up(exam: Exam) {
    exam.warning.set(None);
    submit_now(exam);
}

fn submit_now(exam: Exam) {
    if exam.submitting.get_untracked() {
        return;
    }
    exam.submitting.set(true);
    #[cfg(feature = "hydrate")]
    leptos::task::spawn_local(async move {
        // Give unsaved answers a moment (their retries run on their own).
        for _ in 0..20 {
            let busy = exam.answers.with_value(|a| {
                a.iter().any(|x| {
                    matches!(
                        x.state.get_untracked(),
                        SaveState::Saving | SaveState::Retrying { .. }
                    )
                })
            });
            if !busy {
                break;
            }
            sleep_ms(250).await;
        }
        let mut tries = 0u32;
        loop {
            match submit_exam(exam.csrf.get_value(), exam.attempt_id).await {
                Ok(_) => {
                    go_to(&result_path(exam.attempt_id));
                    return;
                }
                Err(e) => {
                    tries += 1;
                    if e != AppError::Unreachable && tries > 3 {
                        exam.submitting.set(false);
                        exam.closed.set(Some(error_text(&e)));
                        return;
                    }
                    sleep_ms(1000 * u64::from(tries.min(5))).await;
                }
            }
        }
    });
}

#[cfg(feature = "hydrate")]
async fn sleep_ms(ms: u64) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let _ = window().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms as i32);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

// ---- Unsaved answers kept in the browser ---------------------------------

#[cfg(feature = "hydrate")]
fn pending_key(attempt_id: i64) -> String {
    format!("pacs-exam-{attempt_id}-unsaved")
}

/// Item → (choice, flag) not yet confirmed by the server.
#[cfg(feature = "hydrate")]
fn read_pending(attempt_id: i64) -> std::collections::BTreeMap<usize, (Vec<usize>, bool)> {
    window()
        .local_storage()
        .ok()
        .flatten()
        .and_then(|s| s.get_item(&pending_key(attempt_id)).ok().flatten())
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default()
}

#[cfg(feature = "hydrate")]
fn write_pending(attempt_id: i64, map: &std::collections::BTreeMap<usize, (Vec<usize>, bool)>) {
    if let Some(storage) = window().local_storage().ok().flatten() {
        let key = pending_key(attempt_id);
        if map.is_empty() {
            let _ = storage.remove_item(&key);
        } else if let Ok(text) = serde_json::to_string(map) {
            let _ = storage.set_item(&key, &text);
        }
    }
}

/// Keeps a choice the candidate made before the page hydrated. Hydration
/// sets every option from the server's answers, which would silently undo
/// it; so, before hydrating, the shown question's options and flag are
/// compared with what the server rendered (`defaultChecked`), and a change
/// goes into the unsaved-answers store, which [`resend_pending`] puts back
/// and saves once the page is live.
#[cfg(feature = "hydrate")]
pub fn keep_choices_made_before_hydration() {
    use wasm_bindgen::JsCast;
    use web_sys::HtmlInputElement;
    let Some(attempt_id) = window().location().pathname().ok().and_then(|p| {
        p.strip_prefix("/exams/attempts/")
            .and_then(|id| id.trim_end_matches('/').parse::<i64>().ok())
    }) else {
        return;
    };
    let document = document();
    let Ok(inputs) = document.query_selector_all(".exam-option-list input") else {
        return;
    };
    let mut item = None;
    let mut choice = Vec::new();
    let mut changed = false;
    for k in 0..inputs.length() {
        let Some(input) = inputs
            .item(k)
            .and_then(|n| n.dyn_into::<HtmlInputElement>().ok())
        else {
            continue;
        };
        // Options are named `q<n>`, counting questions from 1.
        let Some(n) = input
            .name()
            .strip_prefix('q')
            .and_then(|n| n.parse::<usize>().ok())
            .filter(|&n| n >= 1)
        else {
            continue;
        };
        item = Some(n - 1);
        changed |= input.checked() != input.default_checked();
        if input.checked() {
            if let Ok(o) = input.value().parse::<usize>() {
                choice.push(o);
            }
        }
    }
    let flag = document
        .get_element_by_id("exam-flag")
        .and_then(|e| e.dyn_into::<HtmlInputElement>().ok());
    let flagged = flag.as_ref().is_some_and(|f| f.checked());
    changed |= flag.is_some_and(|f| f.checked() != f.default_checked());
    let (Some(item), true) = (item, changed) else {
        return;
    };
    choice.sort_unstable();
    let mut pending = read_pending(attempt_id);
    pending.insert(item, (choice, flagged));
    write_pending(attempt_id, &pending);
}

/// Answers this browser chose but the server never confirmed (the page was
/// closed or crashed while a save was failing): put them back and save them.
fn resend_pending(exam: Exam) {
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        for (item, (choice, flagged)) in read_pending(exam.attempt_id) {
            if let Some(a) = exam.answer(item) {
                if a.choice.get_untracked() != choice || a.flagged.get_untracked() != flagged {
                    a.choice.set(choice);
                    a.flagged.set(flagged);
                }
                save(exam, item);
            }
        }
    });
    let _ = exam;
}

/// Saves item `i`'s current answer, retrying until the server takes it or
/// refuses it.
fn save(exam: Exam, i: usize) {
    let Some(a) = exam.answer(i) else { return };
    a.version.update_value(|v| *v += 1);
    let version = a.version.get_value();
    a.state.set(SaveState::Saving);
    #[cfg(feature = "hydrate")]
    {
        let mut pending = read_pending(exam.attempt_id);
        pending.insert(i, (a.choice.get_untracked(), a.flagged.get_untracked()));
        write_pending(exam.attempt_id, &pending);
        leptos::task::spawn_local(async move {
            let mut tries = 0u32;
            loop {
                let reply = save_exam_answer(
                    exam.csrf.get_value(),
                    exam.attempt_id,
                    i,
                    a.choice.get_untracked(),
                    a.flagged.get_untracked(),
                )
                .await;
                if a.version.get_value() != version {
                    // A newer choice is being saved; it carries this one's
                    // place.
                    return;
                }
                match reply {
                    Ok(SaveOutcome::Saved(s)) => {
                        a.state.set(SaveState::Saved);
                        let mut pending = read_pending(exam.attempt_id);
                        pending.remove(&i);
                        write_pending(exam.attempt_id, &pending);
                        // Resynchronise the clock (and take any extra time).
                        exam.deadline.set(s.deadline);
                        exam.offset
                            .set_value((s.deadline - s.remaining) as f64 - browser_now());
                        return;
                    }
                    Ok(SaveOutcome::Refused { message, closed }) => {
                        a.state.set(SaveState::Refused(message.clone()));
                        let mut pending = read_pending(exam.attempt_id);
                        pending.remove(&i);
                        write_pending(exam.attempt_id, &pending);
                        if closed {
                            exam.closed.set(Some(message));
                        }
                        return;
                    }
                    Err(_) => {
                        tries += 1;
                        let wait = [1u32, 2, 4, 8, 10][(tries as usize - 1).min(4)];
                        for left in (1..=wait).rev() {
                            a.state.set(SaveState::Retrying {
                                tries,
                                wait_seconds: left,
                            });
                            sleep_ms(1000).await;
                            if a.version.get_value() != version {
                                return;
                            }
                        }
                        a.state.set(SaveState::Saving);
                    }
                }
            }
        });
    }
    let _ = version;
}

// ---- The parts of the page ------------------------------------------------

#[component]
fn Timer() -> impl IntoView {
    let exam = expect_context::<Exam>();
    let low = move || exam.remaining.get() <= 300;
    view! {
        <div class="exam-timer-box">
            <p class="exam-timer" class:exam-timer-low=low role="timer"
                aria-label=move || format!("Time left: {}", clock_words(exam.remaining.get()))>
                <span class="exam-timer-label" aria-hidden="true">"Time left "</span>
                <span class="exam-timer-value" aria-hidden="true">{move || clock(exam.remaining.get())}</span>
            </p>
            // Read out politely at 10, 5 and 1 minute, and at the end.
            <p class="exam-warning" role="status" aria-live="polite" aria-atomic="true">
                {move || {
                    if exam.submitting.get() && exam.remaining.get() == 0 {
                        "Time is up. Submitting your answers…".to_string()
                    } else {
                        exam.warning.get().map(|w| w.message().to_string()).unwrap_or_default()
                    }
                }}
            </p>
        </div>
    }
}

/// A summary of saves that are not through yet, with their retries.
#[component]
fn SaveBanner() -> impl IntoView {
    let exam = expect_context::<Exam>();
    let failing = move || {
        exam.answers.with_value(|a| {
            a.iter()
                .enumerate()
                .filter_map(|(i, x)| match x.state.get() {
                    SaveState::Retrying { wait_seconds, .. } => Some((i, wait_seconds)),
                    _ => None,
                })
                .collect::<Vec<_>>()
        })
    };
    view! {
        <div class="exam-save-banner" role="status" aria-live="polite">
            {move || {
                let f = failing();
                (!f.is_empty()).then(|| {
                    let numbers = f.iter().map(|(i, _)| (i + 1).to_string()).collect::<Vec<_>>().join(", ");
                    let wait = f.iter().map(|(_, w)| *w).min().unwrap_or(1);
                    view! {
                        <p class="notice notice-warning">
                            <strong>"Not saved yet: "</strong>
                            {format!("question {numbers}. Trying again in {wait} s. ")}
                            "Your choice is kept in this browser until it is saved; you can go on answering."
                        </p>
                    }
                })
            }}
        </div>
    }
}

fn set_current(exam: Exam, i: usize) {
    exam.reviewing.set(false);
    exam.current.set(i);
    focus_later("exam-question-heading");
}

/// Moves keyboard focus to the element `id` once it is on the page.
fn focus_later(id: &'static str) {
    #[cfg(feature = "hydrate")]
    request_animation_frame(move || {
        if let Some(el) = document().get_element_by_id(id) {
            use wasm_bindgen::JsCast;
            if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
                let _ = el.focus();
            }
        }
    });
    let _ = id;
}

#[component]
fn Question() -> impl IntoView {
    let exam = expect_context::<Exam>();
    move || {
        let i = exam.current.get();
        let count = exam.count();
        let Some(item) = exam.items.with_value(|items| items.get(i).cloned()) else {
            return ().into_any();
        };
        let Some(answer) = exam.answer(i) else {
            return ().into_any();
        };
        let name = format!("q{}", i + 1);
        let multiple = item.kind == QuestionKind::Multiple;
        let options = item
            .options_html
            .iter()
            .enumerate()
            .map(|(o, html)| {
                let id = format!("{name}-o{o}");
                let on_change = move |ev: leptos::ev::Event| {
                    let checked = event_target_checked(&ev);
                    answer.choice.update(|c| {
                        if multiple {
                            c.retain(|&x| x != o);
                            if checked {
                                c.push(o);
                                c.sort_unstable();
                            }
                        } else {
                            *c = vec![o];
                        }
                    });
                    save(exam, i);
                };
                view! {
                    <li class="exam-option">
                        <input
                            type=if multiple { "checkbox" } else { "radio" }
                            id=id.clone()
                            name=name.clone()
                            value=o.to_string()
                            // The attribute shows the saved answer before the
                            // page hydrates, and tells a choice made then
                            // from the saved one; the property keeps it live.
                            checked=move || answer.choice.get().contains(&o)
                            prop:checked=move || answer.choice.get().contains(&o)
                            on:change=on_change
                        />
                        <label for=id>
                            <span class="option-letter" aria-hidden="true">{letter(o)}</span>
                            <span class="visually-hidden">{format!("Option {}: ", letter(o))}</span>
                            <span class="option-text" inner_html=inline(html)></span>
                        </label>
                    </li>
                }
            })
            .collect_view();
        let toggle_flag = move |ev: leptos::ev::Event| {
            answer.flagged.set(event_target_checked(&ev));
            save(exam, i);
        };
        let clear = move |_| {
            answer.choice.set(Vec::new());
            save(exam, i);
        };
        view! {
            <article class="exam-question" aria-labelledby="exam-question-heading">
                <h2 id="exam-question-heading" tabindex="-1">{format!("Question {} of {count}", i + 1)}</h2>
                <div class="exam-stem prose" id="exam-stem" inner_html=item.stem_html.clone()></div>
                <fieldset class="exam-options" aria-describedby="exam-rule">
                    <legend>{if multiple { "Choose all that apply" } else { "Choose one answer" }}</legend>
                    <p class="hint" id="exam-rule">{item.rule.clone()}</p>
                    <ul class="exam-option-list">{options}</ul>
                </fieldset>
                <div class="exam-item-tools">
                    <div class="checkbox">
                        <input type="checkbox" id="exam-flag" checked=move || answer.flagged.get() prop:checked=move || answer.flagged.get() on:change=toggle_flag/>
                        <label for="exam-flag">"Flag this question to come back to it"</label>
                    </div>
                    <button type="button" class="button button-secondary button-small" on:click=clear
                        disabled=move || answer.choice.get().is_empty()>"Clear my answer"</button>
                    <p class="exam-save-state" role="status">{move || save_text(&answer.state.get(), !answer.choice.get().is_empty())}</p>
                </div>
                <nav class="exam-pager" aria-label="Questions">
                    <button type="button" class="button button-secondary" disabled=i == 0
                        on:click=move |_| set_current(exam, i.saturating_sub(1))>"Previous"<span class="visually-hidden">" question"</span></button>
                    {if i + 1 < count {
                        view! { <button type="button" class="button" on:click=move |_| set_current(exam, i + 1)>"Next"<span class="visually-hidden">" question"</span></button> }.into_any()
                    } else {
                        view! { <button type="button" class="button" on:click=move |_| open_review(exam)>"Review and submit"</button> }.into_any()
                    }}
                </nav>
            </article>
        }
        .into_any()
    }
}

/// The save state beside a question. "Saved." would mislead on a question
/// the candidate has not answered, so that says so instead.
fn save_text(state: &SaveState, answered: bool) -> String {
    match state {
        SaveState::Saved if answered => "Saved.".into(),
        SaveState::Saved => "Not answered yet.".into(),
        SaveState::Saving => "Saving…".into(),
        SaveState::Retrying {
            tries,
            wait_seconds,
        } => format!(
            "Not saved yet ({tries} {} failed). Trying again in {wait_seconds} s.",
            if *tries == 1 { "try" } else { "tries" }
        ),
        SaveState::Refused(m) => format!("Not saved: {m}"),
    }
}

/// Option HTML without the paragraph the Markdown renderer wraps it in, so
/// it can sit in a label.
fn inline(html: &str) -> String {
    let t = html.trim();
    match t.strip_prefix("<p>").and_then(|r| r.strip_suffix("</p>")) {
        Some(inner) if !inner.contains("<p>") => inner.to_string(),
        _ => t.to_string(),
    }
}

fn open_review(exam: Exam) {
    exam.reviewing.set(true);
    focus_later("exam-submit-heading");
}

/// The grid of questions: answered, flagged, current.
#[component]
fn Overview() -> impl IntoView {
    let exam = expect_context::<Exam>();
    let count = exam.count();
    let answered = move || {
        exam.answers
            .with_value(|a| a.iter().filter(|x| !x.choice.get().is_empty()).count())
    };
    view! {
        <nav class="exam-overview" aria-labelledby="exam-overview-heading">
            <h2 id="exam-overview-heading">"Questions"</h2>
            <p class="hint">{move || format!("{} of {count} answered", answered())}</p>
            <ol class="exam-grid">
                {(0..count).map(|i| {
                    let a = exam.answer(i);
                    let is_answered = move || a.is_some_and(|a| !a.choice.get().is_empty());
                    let is_flagged = move || a.is_some_and(|a| a.flagged.get());
                    let label = move || {
                        let mut parts = vec![format!("Question {}", i + 1)];
                        parts.push(if is_answered() { "answered".into() } else { "not answered".into() });
                        if is_flagged() {
                            parts.push("flagged".into());
                        }
                        parts.join(", ")
                    };
                    view! {
                        <li>
                            <button type="button" class="exam-grid-cell"
                                class:answered=is_answered class:flagged=is_flagged
                                aria-current=move || (exam.current.get() == i && !exam.reviewing.get()).then_some("step")
                                aria-label=label
                                on:click=move |_| set_current(exam, i)>
                                <span aria-hidden="true">{i + 1}</span>
                                <span class="exam-grid-mark" aria-hidden="true">{move || match (is_answered(), is_flagged()) { (true, true) => "✓⚑", (false, true) => "⚑", (true, false) => "✓", (false, false) => "" }}</span>
                            </button>
                        </li>
                    }
                }).collect_view()}
            </ol>
            <p class="exam-grid-key hint"><span aria-hidden="true">"✓"</span>" answered · "<span aria-hidden="true">"⚑"</span>" flagged"</p>
            <button type="button" class="button button-secondary" on:click=move |_| open_review(exam)>"Review and submit"</button>
        </nav>
    }
}

/// The last step: what is unanswered or flagged, and the submit button.
#[component]
fn SubmitPanel() -> impl IntoView {
    let exam = expect_context::<Exam>();
    let count = exam.count();
    let list = move |pick: fn(&Answer) -> bool| {
        exam.answers.with_value(|a| {
            a.iter()
                .enumerate()
                .filter(|(_, x)| pick(x))
                .map(|(i, _)| i)
                .collect::<Vec<_>>()
        })
    };
    let unanswered = move || list(|a| a.choice.get().is_empty());
    let flagged = move || list(|a| a.flagged.get());
    let links = move |items: Vec<usize>| {
        items
            .into_iter()
            .map(|i| {
                view! {
                    <li><button type="button" class="button-link" on:click=move |_| set_current(exam, i)>{format!("Question {}", i + 1)}</button></li>
                }
            })
            .collect_view()
    };
    view! {
        <section class="exam-submit" aria-labelledby="exam-submit-heading">
            <h2 id="exam-submit-heading" tabindex="-1">"Review and submit"</h2>
            <p>{move || format!("You have answered {} of {count} questions.", count - unanswered().len())}</p>
            {move || {
                let u = unanswered();
                (!u.is_empty()).then(|| view! {
                    <h3>"Not answered"</h3>
                    <ul class="inline-list">{links(u)}</ul>
                })
            }}
            {move || {
                let f = flagged();
                (!f.is_empty()).then(|| view! {
                    <h3>"Flagged for review"</h3>
                    <ul class="inline-list">{links(f)}</ul>
                })
            }}
            <p>"Once you submit, you cannot change your answers. Your result appears straight away."</p>
            <div class="button-row">
                <button type="button" class="button" disabled=move || exam.submitting.get()
                    on:click=move |_| submit_now(exam)>
                    {move || if exam.submitting.get() { "Submitting…" } else { "Submit my answers" }}
                </button>
                <button type="button" class="button button-secondary" on:click=move |_| set_current(exam, exam.current.get_untracked())>
                    "Back to the questions"
                </button>
            </div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clocks_read_right() {
        assert_eq!(clock(0), "00:00");
        assert_eq!(clock(59), "00:59");
        assert_eq!(clock(3599), "59:59");
        assert_eq!(clock(3600), "1:00:00");
        assert_eq!(clock(-5), "00:00");
        assert_eq!(clock_words(61), "1 minute");
        assert_eq!(clock_words(45), "45 seconds");
        assert_eq!(clock_words(5400), "1 hour 30 minutes");
        assert_eq!(clock_words(7200), "2 hours");
    }

    #[test]
    fn options_lose_only_a_single_wrapping_paragraph() {
        assert_eq!(inline("<p>PID-3</p>\n"), "PID-3");
        assert_eq!(inline("<p>a</p><p>b</p>"), "<p>a</p><p>b</p>");
        assert_eq!(inline("<code>x</code>"), "<code>x</code>");
    }
}
