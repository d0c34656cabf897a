//! One learner as a trainer sees them, at `/trainer/learners/:id`: their
//! progress in every module, their exam attempts, and the extra-time
//! screen (an accessibility adjustment granted per exam).

use crate::error::AppError;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::session::{form_result, use_session, CsrfField, FormMessage, RequireRole};
use crate::accounts::{FormResult, Role};
use crate::content::Level;
use crate::reports::{utc_date, utc_date_time, LearnerDetail};

/// The most extra time the form offers, in minutes (the server checks it too).
pub const MAX_EXTRA_MINUTES: u32 = 600;

/// The learner's progress, attempts and extra time, if the caller follows
/// their organisation (403 otherwise, whether they exist or not).
#[server(input = GetUrl, endpoint = "trainer/learner_detail")]
pub async fn get_learner_detail(id: i64) -> Result<LearnerDetail, AppError> {
    use crate::server::{auth, reports};
    let user = auth::require_role(Role::Trainer).await?;
    let state = auth::state()?;
    reports::learner_detail(
        &*state.repo,
        &state.content,
        &state.exams.definitions,
        &user,
        id,
    )
    .await
    .map_err(reports::ReportError::into_server_error)
}

/// Grants `minutes` (0 to 600, 0 removes it) of extra time at the `level`
/// exam. An open attempt still running gets it at once.
#[server(endpoint = "trainer/extra_time")]
pub async fn grant_extra_time(
    csrf: String,
    learner_id: i64,
    level: String,
    minutes: String,
) -> Result<FormResult, AppError> {
    use crate::accounts::FieldError;
    use crate::server::{auth, exam};
    auth::check_csrf(&csrf)?;
    let user = auth::require_role(Role::Trainer).await?;
    let level =
        Level::from_slug(&level).ok_or_else(|| AppError::bad_request("Unknown exam level."))?;
    let field = format!("minutes-{}", level.slug());
    let minutes = match minutes.trim().parse::<u32>() {
        Ok(m) if m <= MAX_EXTRA_MINUTES => m,
        _ => {
            return Ok(FormResult::invalid(vec![FieldError {
                field,
                message: format!("Enter a whole number of minutes from 0 to {MAX_EXTRA_MINUTES}."),
            }]))
        }
    };
    let state = auth::state()?;
    match exam::grant_extra_time(&*state.repo, &user, learner_id, level, minutes, state.now()).await
    {
        Ok(g) => {
            let what = if g.extra_minutes == 0 {
                format!("No extra time at the {} exam.", level.title())
            } else {
                format!(
                    "Extra time at the {} exam is now {} minutes.",
                    level.title(),
                    g.extra_minutes
                )
            };
            let open = match g.open_attempt {
                Some((_, deadline)) => format!(
                    " The open attempt's deadline moved to {}.",
                    utc_date_time(deadline)
                ),
                None => " It applies from the next attempt (no attempt in progress was changed)."
                    .to_string(),
            };
            Ok(FormResult::success(format!("{what}{open}")))
        }
        Err(e) => Err(super::exam::exam_error(e)),
    }
}

#[component]
pub fn TrainerLearnerPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| {
        params
            .read()
            .get("id")
            .and_then(|s| s.parse::<i64>().ok())
            .unwrap_or(0)
    });
    // One action per exam level, so each form shows its own answer.
    let grants = [
        ServerAction::<GrantExtraTime>::new(),
        ServerAction::<GrantExtraTime>::new(),
    ];
    let data = Resource::new(
        move || {
            (
                id.get(),
                grants[0].version().get(),
                grants[1].version().get(),
            )
        },
        |(id, _, _)| get_learner_detail(id),
    );
    view! {
        <Title text="Learner"/>
        <div class="wrap">
            <p class="breadcrumbs"><a href="/trainer">"Your cohorts"</a></p>
            <h1>"Learner progress"</h1>
            <RequireRole role=Role::Trainer>
                <LearnerBody data grants/>
            </RequireRole>
        </div>
    }
}

fn date(t: i64) -> String {
    utc_date(t).to_string()
}

#[component]
fn LearnerBody(
    data: Resource<Result<LearnerDetail, AppError>>,
    grants: [ServerAction<GrantExtraTime>; 2],
) -> impl IntoView {
    let session = use_session();
    view! {
        <Suspense fallback=|| view! { <p role="status">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let csrf = session.0.await.map(|s| s.csrf).unwrap_or_default();
                let d = match data.await {
                    Ok(d) => d,
                    Err(e) => return view! {
                        <div class="notice notice-error" role="alert"><p>{super::session::error_text(&e)}</p></div>
                    }.into_any(),
                };
                let f = d.figures.clone();
                let learner_id = f.id;
                view! {
                    <h2 class="report-subject">{f.name.clone()}</h2>
                    <dl class="summary-list">
                        <dt>"Email"</dt><dd>{f.email.clone()}</dd>
                        <dt>"Organisation"</dt>
                        <dd><a href=format!("/trainer/organisations/{}", f.organisation_id)>{f.organisation.clone()}</a></dd>
                        <dt>"Account created"</dt><dd>{date(f.created_at)}</dd>
                    </dl>

                    <section aria-labelledby="modules-title">
                        <h2 id="modules-title">"Modules"</h2>
                        <p class="button-row">
                            <a class="button button-secondary" href=format!("/trainer/learners/{learner_id}/modules.csv") download="" rel="external">
                                "Download CSV"<span class="visually-hidden">" of module progress"</span>
                            </a>
                        </p>
                        <div class="table-wrap" role="region" tabindex="0" aria-labelledby="modules-caption">
                            <table class="report-table">
                                <caption id="modules-caption">"Progress in each module"</caption>
                                <thead><tr><th scope="col">"Course"</th><th scope="col">"Module"</th><th scope="col">"Completed"</th></tr></thead>
                                <tbody>
                                    {d.modules.into_iter().map(|m| view! {
                                        <tr>
                                            <td>{m.level.title()}</td>
                                            <th scope="row">{m.title}</th>
                                            <td>{m.completed_at.map_or_else(|| "Not yet".to_string(), |t| format!("Yes, {}", date(t)))}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    </section>

                    <section aria-labelledby="attempts-title">
                        <h2 id="attempts-title">"Exam attempts"</h2>
                        {(!d.attempts.is_empty()).then(|| view! {
                            <p class="button-row">
                                <a class="button button-secondary" href=format!("/trainer/learners/{learner_id}/attempts.csv") download="" rel="external">
                                    "Download CSV"<span class="visually-hidden">" of exam attempts"</span>
                                </a>
                            </p>
                        })}
                        {if d.attempts.is_empty() {
                            view! { <p>"No exam attempts yet."</p> }.into_any()
                        } else {
                            view! {
                                <div class="table-wrap" role="region" tabindex="0" aria-labelledby="attempts-caption">
                                    <table class="report-table">
                                        <caption id="attempts-caption">"Exam attempts, oldest first"</caption>
                                        <thead><tr>
                                            <th scope="col">"Exam"</th><th scope="col">"Started"</th><th scope="col">"Submitted"</th>
                                            <th scope="col" class="num">"Score"</th><th scope="col">"Result"</th><th scope="col" class="num">"Extra time"</th>
                                        </tr></thead>
                                        <tbody>
                                            {d.attempts.into_iter().map(|a| view! {
                                                <tr>
                                                    <th scope="row">{a.level.title()}</th>
                                                    <td>{utc_date_time(a.started_at)}</td>
                                                    <td>{a.submitted_at.map_or_else(|| format!("In progress (deadline {})", utc_date_time(a.deadline)), utc_date_time)}</td>
                                                    <td class="num">{a.percent.map_or_else(|| "–".to_string(), |p| format!("{p}%"))}</td>
                                                    <td>{match a.passed { Some(true) => "Passed", Some(false) => "Not passed", None => "Not marked yet" }}</td>
                                                    <td class="num">{format!("{} min", a.extra_seconds / 60)}</td>
                                                </tr>
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                </div>
                            }.into_any()
                        }}
                    </section>

                    <section aria-labelledby="extra-title">
                        <h2 id="extra-title">"Extra time"</h2>
                        <p>
                            "An accessibility adjustment: extra minutes added to every attempt at an exam. "
                            "An attempt in progress gets more time at once; time is never taken away from one. 0 removes it."
                        </p>
                        {d.extra_time.into_iter().map(|x| {
                            let index = Level::ALL.iter().position(|l| *l == x.level).unwrap_or(0).min(1);
                            let action = grants[index];
                            let result = form_result(action.value());
                            let field = format!("minutes-{}", x.level.slug());
                            let input_id = format!("field-{field}");
                            let hint_id = format!("{input_id}-hint");
                            let error_id = format!("{input_id}-error");
                            let field_for_error = field.clone();
                            let error = Signal::derive(move || result.get().and_then(|r| r.error_for(&field_for_error)));
                            let described = {
                                let hint_id = hint_id.clone();
                                let error_id = error_id.clone();
                                move || if error.get().is_some() { format!("{hint_id} {error_id}") } else { hint_id.clone() }
                            };
                            let current = match (x.extra_minutes, x.granted_at) {
                                (0, _) => "No extra time at present.".to_string(),
                                (m, Some(t)) => format!("At present: {m} minutes, granted {}.", utc_date_time(t)),
                                (m, None) => format!("At present: {m} minutes."),
                            };
                            let csrf = csrf.clone();
                                                        view! {
                                <div class="extra-time">
                                    <h3>{x.level.title()}" exam"</h3>
                                    <p>{current}</p>
                                    <FormMessage result/>
                                    <ActionForm action attr:class="form" attr:novalidate=true>
                                        <CsrfField csrf/>
                                        <input type="hidden" name="learner_id" value=learner_id.to_string()/>
                                        <input type="hidden" name="level" value=x.level.slug()/>
                                        <div class="form-group" class:form-group-error=move || error.get().is_some()>
                                            <label for=input_id.clone()>"Extra minutes for the "{x.level.title()}" exam"</label>
                                            <p class="hint" id=hint_id.clone()>{format!("A whole number from 0 to {MAX_EXTRA_MINUTES}.")}</p>
                                            {move || error.get().map(|e| view! { <p class="field-error" id=error_id.clone()><span class="visually-hidden">"Error: "</span>{e}</p> })}
                                            <input
                                                id=input_id.clone()
                                                name="minutes"
                                                type="number"
                                                inputmode="numeric"
                                                min="0"
                                                max=MAX_EXTRA_MINUTES.to_string()
                                                step="1"
                                                value=x.extra_minutes.to_string()
                                                aria-invalid=move || if error.get().is_some() { "true" } else { "false" }
                                                aria-describedby=described
                                            />
                                        </div>
                                        <button type="submit" class="button">"Save extra time"<span class="visually-hidden">" for the "{x.level.title()}" exam"</span></button>
                                    </ActionForm>
                                </div>
                            }
                        }).collect_view()}
                    </section>
                }.into_any()
            })}
        </Suspense>
    }
}
