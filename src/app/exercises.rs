//! Graded decoding exercises: the list of kinds, and one exercise page per
//! kind, difficulty and seed (`/exercises/hl7-read-value/foundation/42`), so
//! a link always reproduces the same exercise.
//!
//! The server makes the exercise and grades the answer: the browser gets
//! the question and the material, never the key, and an attempt is recorded
//! with the server's own verdict.

use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use serde::{Deserialize, Serialize};

use super::components::InlineCode;
use super::not_found::NotFound;
use super::session::{error_text, use_session};
use crate::exercise::{AnswerForm, Exercise, Feedback, Part};
#[cfg(feature = "ssr")]
use crate::exercise::{Kind, Material};

/// One kind on the list page, with fresh seeds for both difficulties.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KindCard {
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub standard: String,
    pub foundation_seed: u64,
    pub intermediate_seed: u64,
}

/// Every exercise kind, with a fresh random seed for each difficulty.
#[server(input = GetUrl, endpoint = "exercise/list")]
pub async fn list_exercises() -> Result<Vec<KindCard>, AppError> {
    use rand::Rng;
    let mut rng = rand::rng();
    Ok(Kind::ALL
        .iter()
        .map(|k| KindCard {
            slug: k.slug().into(),
            title: k.title().into(),
            summary: k.summary().into(),
            standard: format!("{:?}", k.standard()).to_uppercase(),
            foundation_seed: rng.random_range(1..1_000_000),
            intermediate_seed: rng.random_range(1..1_000_000),
        })
        .collect())
}

/// An exercise as the page shows it: the public part and, for HL7
/// material, the explorer's markup.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExerciseView {
    pub exercise: Exercise,
    /// The material as an interactive explorer (HTML made by the server).
    pub explorer: Option<String>,
    /// The seed of the "next exercise" link.
    pub next_seed: u64,
    /// When the server made this page (Unix seconds): a form sent before
    /// the page's script ran counts the time taken from here.
    pub rendered_at: i64,
    /// An answer sent back with the address (`?answer=…`, where a form sent
    /// without the page's script lands): the parts as given, and their
    /// grading. The grading is shown; it was recorded when it was sent.
    pub given: Vec<(String, String)>,
    pub checked: Option<Checked>,
    /// The answer in the address chose nothing.
    pub nothing_chosen: bool,
}

/// The explorer id on an exercise page.
pub const EXPLORER_ID: &str = "exercise-material";

#[cfg(feature = "ssr")]
fn parse_key(kind: &str, difficulty: &str) -> Option<(Kind, crate::level::Level)> {
    Some((
        Kind::from_slug(kind)?,
        crate::level::Level::from_slug(difficulty)?,
    ))
}

/// The exercise for `kind`, `difficulty` and `seed`; `None` if the kind or
/// difficulty is unknown. With `answer` (the JSON of a checked answer, from
/// the address a form without script was sent back to) the page also shows
/// that answer and its grading; `recorded` says whether it was recorded.
#[server(input = GetUrl, endpoint = "exercise/get")]
pub async fn get_exercise(
    kind: String,
    difficulty: String,
    seed: u64,
    answer: Option<String>,
    recorded: bool,
) -> Result<Option<ExerciseView>, AppError> {
    let Some((kind, difficulty)) = parse_key(&kind, &difficulty) else {
        return Ok(None);
    };
    let (exercise, key) = crate::exercise::generate(kind, difficulty, seed);
    let explorer = material_html(&exercise);
    // An answer that is too long or not a list of pairs is ignored: the
    // page then shows the exercise afresh.
    let given: Vec<(String, String)> = answer
        .filter(|a| a.len() <= MAX_ANSWER_BYTES)
        .and_then(|a| serde_json::from_str(&a).ok())
        .unwrap_or_default();
    let nothing_chosen = !given.is_empty() && given.iter().all(|(_, v)| v.trim().is_empty());
    let checked = (!given.is_empty() && !nothing_chosen).then(|| Checked {
        feedback: crate::exercise::grade(
            &exercise,
            &key,
            &crate::exercise::Answer {
                parts: given.clone(),
            },
        ),
        recorded,
    });
    let state = crate::server::auth::state()?;
    Ok(Some(ExerciseView {
        exercise,
        explorer,
        next_seed: crate::synth::derive_seed(seed, 1) % 1_000_000,
        rendered_at: state.now(),
        given,
        checked,
        nothing_chosen,
    }))
}

/// The material as HTML, made on the server: an explorer for HL7 (a line
/// explorer when the message is broken on purpose), a plain hex dump for
/// bytes, text for listings and logs, and tables.
#[cfg(feature = "ssr")]
fn material_html(exercise: &Exercise) -> Option<String> {
    let mut out = String::new();
    let mut count = 0;
    render_material(&exercise.material, &mut out, &mut count);
    Some(out)
}

#[cfg(feature = "ssr")]
fn render_material(material: &Material, out: &mut String, count: &mut usize) {
    use crate::explorer::dicom::plain_hex;
    use crate::explorer::hl7::hl7_lines_explorer;
    use crate::explorer::{hl7_explorer, Hl7ExplorerOptions};
    use crate::html::escape as esc;
    *count += 1;
    match material {
        Material::Hl7 { er7 } => {
            let options = Hl7ExplorerOptions {
                id: EXPLORER_ID.into(),
                label: Some("Exercise message".into()),
                hide_names: false,
                name_switch: true,
            };
            out.push_str(&match crate::hl7::parse(er7) {
                Ok(message) => hl7_explorer(&message, &options),
                Err(_) => hl7_lines_explorer(er7, &options),
            });
        }
        Material::Text(t) => {
            out.push_str(&format!(
                "<pre class=\"material-text\" tabindex=\"0\" aria-label=\"Exercise text {count}\">{}</pre>",
                esc(t)
            ));
        }
        Material::DicomBytes {
            bytes,
            highlight,
            caption,
        } => out.push_str(&plain_hex(bytes, *highlight, caption)),
        Material::DicomListing { listing, caption } => out.push_str(&format!(
            "<figure class=\"code code-dicom\"><figcaption>{}</figcaption><pre tabindex=\"0\"><code class=\"language-dicom\">{}</code></pre></figure>",
            esc(caption),
            crate::content::render::highlight_dicom(listing)
        )),
        Material::Table {
            caption,
            columns,
            rows,
        } => {
            let id = format!("material-table-{count}");
            out.push_str(&format!(
                "<div class=\"table-wrap\" role=\"region\" aria-labelledby=\"{id}\" tabindex=\"0\"><table><caption id=\"{id}\">{}</caption><thead><tr>",
                esc(caption)
            ));
            for c in columns {
                out.push_str(&format!("<th scope=\"col\">{}</th>", esc(c)));
            }
            out.push_str("</tr></thead><tbody>");
            for row in rows {
                out.push_str("<tr>");
                for (i, cell) in row.iter().enumerate() {
                    if i == 0 {
                        out.push_str(&format!("<th scope=\"row\">{}</th>", esc(cell)));
                    } else {
                        out.push_str(&format!("<td>{}</td>", esc(cell)));
                    }
                }
                out.push_str("</tr>");
            }
            out.push_str("</tbody></table></div>");
        }
        Material::Several(parts) => {
            for part in parts {
                render_material(part, out, count);
            }
        }
    }
}

/// What the learner gets back after answering.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Checked {
    pub feedback: Feedback,
    /// Whether the attempt was recorded (signed-in learners only).
    pub recorded: bool,
}

/// Grades an answer on the server and records the attempt for a signed-in
/// learner. `answer` is JSON: `[["part name", "value"], ...]`.
/// What "Check my answer" says when nothing has been chosen or typed.
pub const NOTHING_CHOSEN: &str =
    "Choose or type an answer before checking it. Nothing has been recorded.";

/// The longest answer the server grades, in bytes of JSON.
pub const MAX_ANSWER_BYTES: usize = 4096;

#[server(endpoint = "exercise/check")]
pub async fn check_exercise(
    csrf: String,
    kind: String,
    difficulty: String,
    seed: u64,
    answer: String,
    time_taken_ms: u64,
) -> Result<Checked, AppError> {
    use crate::server::auth;
    auth::check_csrf(&csrf)?;
    let user = auth::current_user().await?;
    let state = auth::state()?;
    check::grade_and_record(
        &state,
        user.as_ref(),
        &kind,
        &difficulty,
        seed,
        answer,
        time_taken_ms,
    )
    .await
}

/// Grading an answer and recording it, for the page's script (the server
/// function above) and for a form sent before the script ran.
#[cfg(feature = "ssr")]
pub mod check {
    use super::{parse_key, Checked, MAX_ANSWER_BYTES, NOTHING_CHOSEN};
    use crate::error::AppError;
    use crate::exercise::Answer;
    use crate::server::auth::{self, CsrfToken};
    use crate::server::current_user::OptionalUser;
    use crate::server::repo::NewAttempt;
    use crate::server::repo::User;
    use crate::server::AppState;
    use axum::extract::State;
    use axum::http::{header, StatusCode};
    use axum::response::{IntoResponse, Response};
    use axum::{Extension, Form};

    /// Grades `answer` (JSON: `[["part name", "value"], ...]`) and records
    /// the attempt when `user` is signed in. Nothing chosen is not a wrong
    /// answer: it is refused, neither graded (which would show the key) nor
    /// recorded.
    pub async fn grade_and_record(
        state: &AppState,
        user: Option<&User>,
        kind: &str,
        difficulty: &str,
        seed: u64,
        answer: String,
        time_taken_ms: u64,
    ) -> Result<Checked, AppError> {
        let bad = |what: &str| AppError::bad_request(what);
        let (kind, difficulty) =
            parse_key(kind, difficulty).ok_or_else(|| bad("There is no such exercise."))?;
        if answer.len() > MAX_ANSWER_BYTES {
            return Err(bad(&format!(
                "The answer is longer than {MAX_ANSWER_BYTES} bytes."
            )));
        }
        let parts: Vec<(String, String)> = serde_json::from_str(&answer).map_err(|e| {
            bad(&format!(
                "The answer is not a list of [part, value] pairs: {e}"
            ))
        })?;
        if parts.iter().all(|(_, value)| value.trim().is_empty()) {
            return Err(AppError::invalid("answer", NOTHING_CHOSEN));
        }
        let time_taken_ms = time_taken_ms.min(24 * 3600 * 1000);
        let (exercise, key) = crate::exercise::generate(kind, difficulty, seed);
        let feedback = crate::exercise::grade(&exercise, &key, &Answer { parts });
        let mut recorded = false;
        if let Some(user) = user {
            let attempt = NewAttempt {
                kind: kind.slug().into(),
                level: difficulty,
                topic: kind.topic().into(),
                seed,
                answer,
                correct: feedback.correct,
                time_taken_ms,
            };
            state
                .repo
                .record_attempt(user.id, &attempt, state.now())
                .await
                .map_err(auth::storage_error)?;
            recorded = true;
        }
        Ok(Checked { feedback, recorded })
    }

    /// `POST /exercises/check`: the exercise form as a browser sends it
    /// before the page's script has run (or without script). The fields
    /// are `csrf`, `exercise.kind`, `exercise.difficulty`, `exercise.seed`,
    /// `exercise.started` (when the server made the page, in Unix seconds;
    /// the dot keeps them apart from answer parts, one of which is called
    /// `kind`) and one field per answer part, repeated for each ticked box.
    /// The answer is graded and recorded as the script would, and the
    /// browser is sent back to the exercise with the answer in the address,
    /// where the page shows its grading.
    pub async fn form(
        State(state): State<AppState>,
        OptionalUser(user): OptionalUser,
        Extension(CsrfToken(expected)): Extension<CsrfToken>,
        Form(fields): Form<Vec<(String, String)>>,
    ) -> Response {
        let field = |name: &str| {
            fields
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.as_str())
                .unwrap_or_default()
        };
        if !auth::csrf_matches(&expected, field("csrf")) {
            return (StatusCode::FORBIDDEN, auth::EXPIRED_FORM).into_response();
        }
        let (kind, difficulty) = (field("exercise.kind"), field("exercise.difficulty"));
        let Some(seed) = field("exercise.seed").parse::<u64>().ok() else {
            return (StatusCode::BAD_REQUEST, "The form has no exercise number.").into_response();
        };
        let Some((k, d)) = parse_key(kind, difficulty) else {
            return (StatusCode::NOT_FOUND, "There is no such exercise.").into_response();
        };
        // Only this exercise's parts, in its order; ticked boxes of one
        // part are joined as the script joins them ("0,2").
        let (exercise, _) = crate::exercise::generate(k, d, seed);
        let parts: Vec<(String, String)> = super::parts_of(&exercise.answer)
            .into_iter()
            .map(|(name, _)| {
                let values: Vec<&str> = fields
                    .iter()
                    .filter(|(n, _)| *n == name)
                    .map(|(_, v)| v.as_str())
                    .collect();
                (name, values.join(","))
            })
            .collect();
        let answer = serde_json::to_string(&parts).unwrap_or_default();
        let now = state.now();
        let started = field("exercise.started").parse::<i64>().unwrap_or(now);
        let page = format!("/exercises/{}/{}/{seed}", k.slug(), d.slug());
        let recorded = match grade_and_record(
            &state,
            user.as_ref(),
            kind,
            difficulty,
            seed,
            answer.clone(),
            (now.saturating_sub(started).max(0) as u64).saturating_mul(1000),
        )
        .await
        {
            Ok(checked) => checked.recorded,
            // Nothing chosen: the page asks for an answer.
            Err(AppError::BadRequest { field: Some(_), .. }) => false,
            Err(e) => return e.into_response(),
        };
        let query: String = form_urlencoded::Serializer::new(String::new())
            .append_pair("answer", &answer)
            .append_pair("recorded", if recorded { "true" } else { "false" })
            .finish();
        (
            StatusCode::SEE_OTHER,
            [(header::LOCATION, format!("{page}?{query}#feedback"))],
        )
            .into_response()
    }
}

#[component]
pub fn ExerciseListPage() -> impl IntoView {
    let cards = Resource::new(|| (), |_| list_exercises());
    view! {
        <Title text="Exercises"/>
        <div class="wrap">
            <nav class="breadcrumbs" aria-label="Breadcrumb">
                <ol>
                    <li><a href="/">"Home"</a></li>
                    <li><span aria-current="page">"Exercises"</span></li>
                </ol>
            </nav>
            <header class="page-header">
                <h1>"Decoding exercises"</h1>
                <p class="lede">
                    "Practise reading the messages and files your systems exchange. Every exercise is made "
                    "from synthetic data; its address reproduces it, so you can share one with a colleague or a trainer."
                </p>
            </header>
            <Suspense fallback=|| view! { <p role="status">"Loading exercises…"</p> }>
                {move || Suspend::new(async move {
                    match cards.await {
                        Ok(cards) => view! {
                            <ul class="card-grid exercise-cards">
                                {cards.into_iter().map(|c| view! { <KindCardView card=c/> }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(e) => view! { <p role="alert">{error_text(&e)}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </div>
    }
}

#[component]
fn KindCardView(card: KindCard) -> impl IntoView {
    let heading = format!("kind-{}", card.slug);
    view! {
        <li class="card">
            <p class="kicker">{card.standard.clone()}</p>
            <h2 id=heading.clone()>{card.title.clone()}</h2>
            <p>{card.summary.clone()}</p>
            <p class="card-actions">
                <a class="button" href=format!("/exercises/{}/foundation/{}", card.slug, card.foundation_seed)
                    aria-describedby=heading.clone()>"Foundation"</a>
                <a class="button button-secondary" href=format!("/exercises/{}/intermediate/{}", card.slug, card.intermediate_seed)
                    aria-describedby=heading>"Intermediate"</a>
            </p>
        </li>
    }
}

/// The answer so far: one value per part name.
type Answers = RwSignal<Vec<(String, String)>>;

fn set_answer(answers: Answers, name: &str, value: String) {
    answers.update(|a| match a.iter_mut().find(|(n, _)| n == name) {
        Some(slot) => slot.1 = value,
        None => a.push((name.to_string(), value)),
    });
}

/// The answer of part `name` when the page was made: the server writes it
/// into the inputs' attributes, so a page shown before (or without) its
/// script shows a checked answer too.
fn initial_answer(answers: Answers, name: &str) -> String {
    answers.with_untracked(|a| {
        a.iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    })
}

fn answer_of(answers: Answers, name: &str) -> String {
    answers
        .read()
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

/// The parts of an answer form, flattened: (part name, form).
fn parts_of(form: &AnswerForm) -> Vec<(String, AnswerForm)> {
    match form {
        AnswerForm::Parts(parts) => parts
            .iter()
            .map(|Part { name, form }| (name.clone(), form.clone()))
            .collect(),
        other => vec![("answer".to_string(), other.clone())],
    }
}

#[component]
pub fn ExercisePage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let key = move || {
        let p = params.read();
        (
            p.get("kind").unwrap_or_default(),
            p.get("difficulty").unwrap_or_default(),
            p.get("seed").and_then(|s| s.parse::<u64>().ok()),
        )
    };
    let data = Resource::new(
        move || {
            let q = query.read();
            (
                key(),
                q.get("answer"),
                q.get("recorded").as_deref() == Some("true"),
            )
        },
        |((kind, difficulty, seed), answer, recorded)| async move {
            match seed {
                Some(seed) => get_exercise(kind, difficulty, seed, answer, recorded).await,
                None => Ok(None),
            }
        },
    );
    let check = ServerAction::<CheckExercise>::new();
    let answers: Answers = RwSignal::new(Vec::new());
    let started = StoredValue::new(0f64);
    // A new exercise (the seed in the address changed): start afresh. The
    // first run is the page arriving, which keeps what it came with.
    Effect::new(move |previous: Option<(String, String, Option<u64>)>| {
        let current = key();
        started.set_value(now_ms());
        if previous.is_some_and(|p| p != current) {
            answers.set(Vec::new());
            check.clear();
        }
        current
    });
    let session = use_session();
    view! {
        <Suspense fallback=|| view! { <p class="wrap" role="status">"Loading the exercise…"</p> }>
            {move || Suspend::new(async move {
                let csrf = session.0.await.map(|s| s.csrf).unwrap_or_default();
                match data.await {
                    Ok(Some(view)) => view! { <ExerciseView view check answers started csrf/> }.into_any(),
                    Ok(None) => view! { <NotFound/> }.into_any(),
                    Err(e) => view! { <div class="wrap"><p role="alert">{error_text(&e)}</p></div> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// Milliseconds since some fixed point in the browser (0 on the server).
fn now_ms() -> f64 {
    #[cfg(feature = "hydrate")]
    {
        js_sys::Date::now()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        0.0
    }
}

#[component]
fn ExerciseView(
    view: ExerciseView,
    check: ServerAction<CheckExercise>,
    answers: Answers,
    started: StoredValue<f64>,
    csrf: String,
) -> impl IntoView {
    let ExerciseView {
        exercise,
        explorer,
        next_seed,
        rendered_at,
        given,
        checked,
        nothing_chosen: nothing_given,
    } = view;
    let kind = exercise.kind;
    let difficulty = exercise.difficulty;
    let seed = exercise.seed;
    let parts = parts_of(&exercise.answer);
    let location_part = parts
        .iter()
        .find(|(_, f)| matches!(f, AnswerForm::Hl7Location { .. }))
        .map(|(n, _)| n.clone());
    install_selection_listener(answers, location_part);
    // The page shows, in order of preference: what was chosen before the
    // page's script ran (kept through hydration), or the answer the address
    // carries back from a form sent without script.
    let kept = kept_before_hydration();
    if !kept.is_empty() {
        answers.set(kept);
    } else if !given.is_empty() && answers.get_untracked().is_empty() {
        answers.set(given);
    }
    let labels = part_labels(&parts);
    // A grading that came with the page, until the learner tries again.
    let arrived = RwSignal::new(checked);
    let feedback = Memo::new(move |_| check.value().get().or_else(|| arrived.get().map(Ok)));
    // Set when "Check my answer" is pressed with nothing chosen.
    let nothing_chosen = RwSignal::new(nothing_given);
    // Show where the answer is once it has been checked.
    Effect::new(move |_| {
        let paths = match feedback.get() {
            Some(Ok(c)) => c.feedback.highlight,
            _ => Vec::new(),
        };
        #[cfg(feature = "hydrate")]
        crate::explorer::behaviour::highlight(EXPLORER_ID, &paths);
        let _ = paths;
    });
    let form_csrf = csrf.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let csrf = csrf.clone();
        arrived.set(None);
        let chosen = answers.get_untracked();
        if chosen.iter().all(|(_, value)| value.trim().is_empty()) {
            nothing_chosen.set(true);
            return;
        }
        nothing_chosen.set(false);
        let answer = serde_json::to_string(&chosen).unwrap_or_default();
        let elapsed = (now_ms() - started.get_value()).max(0.0) as u64;
        check.dispatch(CheckExercise {
            csrf,
            kind: kind.slug().into(),
            difficulty: difficulty.slug().into(),
            seed,
            answer,
            time_taken_ms: elapsed,
        });
    };
    let level_title = difficulty.title();
    let next_href = format!(
        "/exercises/{}/{}/{}",
        kind.slug(),
        difficulty.slug(),
        next_seed
    );
    let permalink = format!("/exercises/{}/{}/{}", kind.slug(), difficulty.slug(), seed);
    view! {
        <Title text=format!("{} · {level_title} exercise", exercise.title)/>
        <div class="wrap">
            <nav class="breadcrumbs" aria-label="Breadcrumb">
                <ol>
                    <li><a href="/">"Home"</a></li>
                    <li><a href="/exercises">"Exercises"</a></li>
                    <li><span aria-current="page">{exercise.title.clone()}</span></li>
                </ol>
            </nav>
            <header class="page-header">
                <p class="kicker">{format!("{level_title} · exercise {seed}")}</p>
                <h1>{exercise.title.clone()}</h1>
                <p class="lede exercise-prompt">{exercise.prompt.clone()}</p>
            </header>
            <div class="exercise-material">
                {explorer.map(|html| view! { <div inner_html=html></div> })}
            </div>
            // Sent by the page's script as a server call; before the script
            // runs (or without it) the browser posts the form itself.
            <form class="form exercise-form" method="post" action="/exercises/check" on:submit=submit novalidate=true>
                <input type="hidden" name="csrf" value=form_csrf/>
                <input type="hidden" name="exercise.kind" value=kind.slug()/>
                <input type="hidden" name="exercise.difficulty" value=difficulty.slug()/>
                <input type="hidden" name="exercise.seed" value=seed.to_string()/>
                <input type="hidden" name="exercise.started" value=rendered_at.to_string()/>
                {parts.into_iter().map(|(name, form)| view! { <AnswerPart name form answers/> }).collect_view()}
                <div class="button-row">
                    <button type="submit" class="button" disabled=move || check.pending().get()>"Check my answer"</button>
                    {move || feedback.get().is_some().then(|| view! {
                        <button type="button" class="button button-secondary"
                            on:click=move |_| { check.clear(); arrived.set(None); nothing_chosen.set(false); answers.set(Vec::new()); started.set_value(now_ms()); }>"Try again"</button>
                    })}
                    <a class="button button-secondary" href=next_href>"Next exercise"</a>
                </div>
            </form>
            <div class="feedback-region" id="feedback" aria-live="polite">
                {move || nothing_chosen.get().then(|| view! {
                    <p class="notice notice-error" role="alert">{NOTHING_CHOSEN}</p>
                })}
                {move || match feedback.get() {
                    None => ().into_any(),
                    Some(Err(e)) => view! { <p class="notice notice-error" role="alert">{error_text(&e)}</p> }.into_any(),
                    Some(Ok(c)) => view! { <FeedbackView checked=c labels=labels.clone()/> }.into_any(),
                }}
            </div>
            <p class="fine">"Link to this exercise: "<a href=permalink.clone()>{permalink.clone()}</a></p>
        </div>
    }
}

#[cfg(feature = "hydrate")]
thread_local! {
    static KEPT: std::cell::RefCell<Vec<(String, String)>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Keeps an answer typed or chosen on an exercise page before it hydrated.
/// Hydration sets every input from the page's state, which would silently
/// undo it; so, before hydrating, the form's inputs are compared with what
/// the server rendered (`defaultValue`, `defaultChecked`), and if any
/// changed, the whole answer is kept for [`kept_before_hydration`].
#[cfg(feature = "hydrate")]
pub fn keep_answers_made_before_hydration() {
    use wasm_bindgen::JsCast;
    use web_sys::HtmlInputElement;
    let Ok(inputs) = document().query_selector_all(".exercise-form input:not([type=hidden])")
    else {
        return;
    };
    let mut parts: Vec<(String, Vec<String>)> = Vec::new();
    let mut changed = false;
    for k in 0..inputs.length() {
        let Some(input) = inputs
            .item(k)
            .and_then(|n| n.dyn_into::<HtmlInputElement>().ok())
        else {
            continue;
        };
        let name = input.name();
        if name.is_empty() {
            continue;
        }
        let at = match parts.iter().position(|(n, _)| *n == name) {
            Some(i) => i,
            None => {
                parts.push((name.clone(), Vec::new()));
                parts.len() - 1
            }
        };
        let kind = input.type_();
        if kind == "radio" || kind == "checkbox" {
            changed |= input.checked() != input.default_checked();
            if input.checked() {
                parts[at].1.push(input.value());
            }
        } else {
            changed |= input.value() != input.default_value();
            if !input.value().is_empty() {
                parts[at].1.push(input.value());
            }
        }
    }
    if changed {
        let answer = parts
            .into_iter()
            .map(|(name, values)| (name, values.join(",")))
            .collect();
        KEPT.with_borrow_mut(|kept| *kept = answer);
    }
}

/// The answer kept by [`keep_answers_made_before_hydration`], once; empty
/// on the server, on later pages and when nothing was chosen early.
fn kept_before_hydration() -> Vec<(String, String)> {
    #[cfg(feature = "hydrate")]
    {
        KEPT.with_borrow_mut(std::mem::take)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        Vec::new()
    }
}

/// Clicking (or pressing Enter on) a part of the explorer fills the
/// location answer.
fn install_selection_listener(answers: Answers, part: Option<String>) {
    #[cfg(feature = "hydrate")]
    if let Some(part) = part {
        use wasm_bindgen::JsCast;
        let handle =
            window_event_listener_untyped(crate::explorer::behaviour::SELECT_EVENT, move |ev| {
                if let Some(path) = ev
                    .dyn_ref::<web_sys::CustomEvent>()
                    .and_then(|c| c.detail().as_string())
                {
                    set_answer(answers, &part, path);
                }
            });
        on_cleanup(move || handle.remove());
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (answers, part);
}

#[component]
fn AnswerPart(name: String, form: AnswerForm, answers: Answers) -> impl IntoView {
    let id = format!("answer-{name}");
    match form {
        AnswerForm::Text { label, hint } => {
            let hint_id = format!("{id}-hint");
            let n = name.clone();
            view! {
                <div class="form-group">
                    <label for=id.clone()>{label}</label>
                    {hint.map(|h| view! { <p class="hint" id=hint_id.clone()>{h}</p> })}
                    <input type="text" id=id.clone() name=name.clone() autocomplete="off" spellcheck="false"
                        aria-describedby=hint_id value=initial_answer(answers, &name)
                        prop:value=move || answer_of(answers, &n)
                        on:input=move |ev| set_answer(answers, &name, event_target_value(&ev))/>
                </div>
            }
            .into_any()
        }
        AnswerForm::Hl7Location { label } => {
            let hint_id = format!("{id}-hint");
            let n = name.clone();
            view! {
                <div class="form-group">
                    <label for=id.clone()>{label}</label>
                    <p class="hint" id=hint_id.clone()>
                        "Click the part in the message above (or move to it with the arrow keys and press Enter), "
                        "or type its path, such as PID-5 or OBR-18."
                    </p>
                    <input type="text" id=id.clone() name=name.clone() autocomplete="off" spellcheck="false"
                        class="path-input" aria-describedby=hint_id value=initial_answer(answers, &name)
                        prop:value=move || answer_of(answers, &n)
                        on:input=move |ev| set_answer(answers, &name, event_target_value(&ev))/>
                </div>
            }
            .into_any()
        }
        AnswerForm::Choice {
            label,
            options,
            multiple,
        } => {
            view! {
                <fieldset class="form-group choice">
                    <legend>{label}</legend>
                    {options.into_iter().enumerate().map(|(i, option)| {
                        let option_id = format!("{id}-{i}");
                        let n = name.clone();
                        let n2 = name.clone();
                        let checked_at_first = initial_answer(answers, &n)
                            .split(',')
                            .any(|v| v == i.to_string());
                        let checked = move || {
                            answer_of(answers, &n).split(',').any(|v| v == i.to_string())
                        };
                        let on_change = move |ev| {
                            let on = event_target_checked(&ev);
                            let value = if multiple {
                                let mut chosen: Vec<usize> = answer_of(answers, &n2)
                                    .split(',')
                                    .filter_map(|v| v.parse().ok())
                                    .filter(|v| *v != i)
                                    .collect();
                                if on {
                                    chosen.push(i);
                                }
                                chosen.sort_unstable();
                                chosen.iter().map(|v| v.to_string()).collect::<Vec<_>>().join(",")
                            } else {
                                i.to_string()
                            };
                            set_answer(answers, &n2, value);
                        };
                        view! {
                            <div class="choice-option">
                                <input type=if multiple { "checkbox" } else { "radio" } id=option_id.clone()
                                    name=name.clone() value=i.to_string() checked=checked_at_first
                                    prop:checked=checked on:change=on_change/>
                                <label for=option_id>{option}</label>
                            </div>
                        }
                    }).collect_view()}
                </fieldset>
            }
            .into_any()
        }
        AnswerForm::Parts(parts) => view! {
            <div class="answer-parts">
                {parts.into_iter().map(|p| view! { <AnswerPart name=p.name form=p.form answers/> }).collect_view()}
            </div>
        }
        .into_any(),
    }
}

/// The label of each part, by name, for the feedback.
fn part_labels(parts: &[(String, AnswerForm)]) -> Vec<(String, String)> {
    parts
        .iter()
        .map(|(name, form)| {
            let label = match form {
                AnswerForm::Text { label, .. }
                | AnswerForm::Choice { label, .. }
                | AnswerForm::Hl7Location { label } => label.clone(),
                AnswerForm::Parts(_) => name.clone(),
            };
            (name.clone(), label)
        })
        .collect()
}

/// One sentence on one part of the answer. With `with_answer` false (a
/// single part, whose answer the feedback states once, below) a wrong
/// part's message does not repeat the answer.
fn part_message(p: &crate::exercise::PartFeedback, with_answer: bool) -> String {
    if let Some(problem) = &p.problem {
        return problem.clone();
    }
    if p.correct || (!with_answer && !p.given.is_empty()) {
        format!("You answered {}.", p.given)
    } else if p.given.is_empty() {
        format!("The answer is {}.", p.expected)
    } else {
        format!("You answered {}; the answer is {}.", p.given, p.expected)
    }
}

#[component]
fn FeedbackView(checked: Checked, labels: Vec<(String, String)>) -> impl IntoView {
    let f = checked.feedback;
    let (class, heading) = if f.correct {
        ("feedback feedback-right", "Correct")
    } else {
        ("feedback feedback-wrong", "Not quite")
    };
    let several = f.parts.len() > 1;
    view! {
        <section class=class aria-labelledby="feedback-title">
            <h2 id="feedback-title" tabindex="-1">{heading}</h2>
            {several.then(|| view! {
                <ul class="part-feedback">
                    {f.parts.iter().map(|p| {
                        let mark = if p.correct { "Right" } else { "Wrong" };
                        let label = labels
                            .iter()
                            .find(|(n, _)| *n == p.name)
                            .map(|(_, l)| l.trim_end_matches(['?', ':']).to_string())
                            .unwrap_or_else(|| p.name.clone());
                        view! {
                            <li class=if p.correct { "part-right" } else { "part-wrong" }
                                data-part=p.name.clone() data-answer=p.answer.clone()>
                                <strong>{format!("{label}: {mark}.")}</strong>
                                " "<InlineCode text=part_message(p, true)/>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            })}
            {(!several).then(|| f.parts.first().map(|p| view! {
                <p class="part-feedback-single" data-part=p.name.clone() data-answer=p.answer.clone()><InlineCode text=part_message(p, false)/></p>
            }))}
            {(!several).then(|| view! { <p><strong>"The answer: "</strong><InlineCode text=f.expected.clone()/></p> })}
            <p class="explanation"><InlineCode text=f.explanation.clone()/></p>
            <p>"Learn more: "<a href=f.learn_more.href.clone()>{f.learn_more.title.clone()}</a></p>
            {(!checked.recorded).then(|| view! {
                <p class="fine">"Your answer was not recorded: "<a href=super::session::sign_in_here()>"sign in"</a>" to keep track of your progress."</p>
            })}
        </section>
    }
}
