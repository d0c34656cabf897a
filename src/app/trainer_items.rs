//! Item analysis at `/trainer/items?level=&from=&to=`: for each question of
//! an exam, attempts, facility, discrimination (the method named on the
//! page), option counts and warnings, with Flag, Retire and Restore.

use crate::error::AppError;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::session::{form_result, use_session, CsrfField, FormMessage, RequireRole};
use super::trainer::DateRangeForm;
use crate::accounts::{FormResult, Role};
use crate::content::Level;
use crate::exam::analysis::{
    ItemWarning, QuestionStatus, EASY_ABOVE_PERCENT, HARD_BELOW_PERCENT, LOW_DISCRIMINATION,
    MIN_ATTEMPTS_FOR_WARNINGS,
};
use crate::exam::option_letter;
use crate::reports::{utc_date, DateFilter, ItemReport, ItemRow};

/// The item analysis of the `level` exam within the dates.
#[server(input = GetUrl, endpoint = "trainer/items")]
pub async fn get_item_report(
    level: String,
    from: String,
    to: String,
) -> Result<ItemReport, AppError> {
    use crate::server::{auth, reports};
    let user = auth::require_role(Role::Trainer).await?;
    let level =
        Level::from_slug(&level).ok_or_else(|| AppError::bad_request("Unknown exam level."))?;
    let range = DateFilter { from, to }
        .range()
        .map_err(AppError::bad_request)?;
    let state = auth::state()?;
    reports::item_report(
        &*state.repo,
        &state.exams.definitions,
        &state.exams.bank,
        &user,
        level,
        range,
    )
    .await
    .map_err(reports::ReportError::into_server_error)
}

/// Flags (`flagged`), retires (`retired`) or restores (`active`) a question.
/// A retirement that would leave the exam unable to draw a paper is
/// refused with the reason.
#[server(endpoint = "trainer/question_status")]
pub async fn set_question_status(
    csrf: String,
    question_id: String,
    status: String,
    note: String,
) -> Result<FormResult, AppError> {
    use crate::server::{auth, reports};
    auth::check_csrf(&csrf)?;
    let user = auth::require_role(Role::Trainer).await?;
    let status = QuestionStatus::parse(&status)
        .ok_or_else(|| AppError::bad_request("Unknown question status."))?;
    let state = auth::state()?;
    match reports::set_question_status(
        &*state.repo,
        &state.exams.definitions,
        &state.exams.bank,
        &user,
        &question_id,
        status,
        &note,
        state.now(),
    )
    .await
    {
        Ok(()) => Ok(FormResult::success(format!(
            "{question_id}: {}.",
            status.title()
        ))),
        Err(reports::ReportError::Conflict(why) | reports::ReportError::Bad(why)) => {
            Ok(FormResult::failure(why))
        }
        Err(e) => Err(e.into_server_error()),
    }
}

#[component]
pub fn TrainerItemsPage() -> impl IntoView {
    let query = use_query_map();
    let level = Memo::new(move |_| {
        query
            .read()
            .get("level")
            .and_then(|l| Level::from_slug(&l))
            .unwrap_or(Level::Foundation)
    });
    let filter = super::trainer::use_date_filter();
    let change = ServerAction::<SetQuestionStatus>::new();
    let report = Resource::new(
        move || (level.get(), filter.get(), change.version().get()),
        |(level, f, _)| get_item_report(level.slug().to_string(), f.from, f.to),
    );
    view! {
        <Title text="Item analysis"/>
        <div class="wrap wrap-wide">
            <p class="breadcrumbs"><a href="/trainer">"Your cohorts"</a></p>
            <h1>"Item analysis"</h1>
            <RequireRole role=Role::Trainer>
                <DateRangeForm
                    filter=filter.get_untracked()
                    action="/trainer/items".to_string()
                >
                    <div class="form-group">
                        <label for="filter-level">"Exam"</label>
                        <select id="filter-level" name="level">
                            {Level::ALL.into_iter().map(|l| view! {
                                <option value=l.slug() selected=l == level.get_untracked()>{l.title()}</option>
                            }).collect_view()}
                        </select>
                    </div>
                </DateRangeForm>
                <Method/>
                <ItemsBody report change level filter/>
            </RequireRole>
        </div>
    }
}

/// How the figures are worked out, in words.
#[component]
fn Method() -> impl IntoView {
    view! {
        <details class="method">
            <summary>"How these figures are worked out"</summary>
            <ul>
                <li><strong>"Facility"</strong>": the percentage of the available marks scored (with one mark per question, the percentage who got it right)."</li>
                <li>
                    <strong>"Discrimination"</strong>": "{crate::exam::analysis::DISCRIMINATION_METHOD}". "
                    "Candidates are ranked by their score on the other questions of their paper. Each group is 27% of the attempts, rounded (at least 1); "
                    "candidates tied at a group's edge share the places left. The index is the upper group's mean score on the question minus the lower group's, from −1 to 1."
                </li>
                <li><strong>"Point-biserial"</strong>": "{crate::exam::analysis::POINT_BISERIAL_METHOD}"."</li>
                <li>
                    "Warnings: facility below "{format!("{HARD_BELOW_PERCENT:.0}")}"% or above "{format!("{EASY_ABOVE_PERCENT:.0}")}
                    "%, or discrimination below "{LOW_DISCRIMINATION.to_string()}". With fewer than "{MIN_ATTEMPTS_FOR_WARNINGS}
                    " attempts a question is not judged."
                </li>
                <li>"Generated lab questions (a new one on every paper) are not listed: there is no single question to judge. Their marks still count in each candidate's score."</li>
                <li>"Retiring a question stops it being drawn for new attempts; past results and reviews do not change. Restore puts it back."</li>
            </ul>
        </details>
    }
}

fn fixed(v: Option<f64>, places: usize) -> String {
    v.map_or_else(|| "–".to_string(), |x| format!("{x:.places$}"))
}

#[component]
fn ItemsBody(
    report: Resource<Result<ItemReport, AppError>>,
    change: ServerAction<SetQuestionStatus>,
    level: Memo<Level>,
    filter: Memo<DateFilter>,
) -> impl IntoView {
    let session = use_session();
    let result = form_result(change.value());
    view! {
        <FormMessage result/>
        <Suspense fallback=|| view! { <p role="status">"Loading the item analysis…"</p> }>
            {move || Suspend::new(async move {
                let csrf = session.0.await.map(|s| s.csrf).unwrap_or_default();
                let r = match report.await {
                    Ok(r) => r,
                    Err(e) => return view! {
                        <div class="notice notice-error" role="alert"><p>{super::session::error_text(&e)}</p></div>
                    }.into_any(),
                };
                let f = filter.get_untracked();
                let q = f.query();
                let csv = format!(
                    "/trainer/items.csv?level={}{}",
                    level.get_untracked().slug(),
                    q.strip_prefix('?').map(|s| format!("&{s}")).unwrap_or_default()
                );
                let flagged = r.rows.iter().filter(|x| x.status() == QuestionStatus::Flagged).count();
                let retired = r.rows.iter().filter(|x| x.status() == QuestionStatus::Retired).count();
                let warned = r.rows.iter().filter(|x| !x.stats.warnings.is_empty()).count();
                let thin = r.rows.iter().filter(|x| x.stats.warnings.iter().any(|w| matches!(w, ItemWarning::TooFewAttempts { .. }))).count();
                let thin = match thin {
                    0 => String::new(),
                    n if n == warned => " (all on too few attempts to judge)".to_string(),
                    n => format!(" ({n} of them on too few attempts to judge)"),
                };
                view! {
                    <h2 class="report-subject">{r.exam_title.clone()}</h2>
                    <p>
                        {format!("{} marked attempts, {}. Discrimination method: ", r.attempts, f.describe())}
                        <strong class="method-name">{r.discrimination_method.clone()}</strong>"."
                    </p>
                    <p>{format!("{} questions: {warned} with a warning{thin}, {flagged} flagged, {retired} retired.", r.rows.len())}</p>
                    <p class="button-row">
                        <a class="button button-secondary" href=csv download="" rel="external">
                            "Download CSV"<span class="visually-hidden">" of the item analysis"</span>
                        </a>
                    </p>
                    <div class="table-wrap" role="region" tabindex="0" aria-labelledby="items-caption">
                        <table class="report-table items-table">
                            <caption id="items-caption">"Questions of the "{r.exam_title.clone()}", "{f.describe()}</caption>
                            <thead><tr>
                                <th scope="col">"Question"</th>
                                <th scope="col">"Topic"</th>
                                <th scope="col" class="num">"Attempts"</th>
                                <th scope="col" class="num">"Facility"</th>
                                <th scope="col" class="num"><abbr title="Upper-minus-lower 27% discrimination index">"Discrimination"</abbr></th>
                                <th scope="col" class="num"><abbr title="Corrected point-biserial correlation">"Point-biserial"</abbr></th>
                                <th scope="col">"Options chosen"</th>
                                <th scope="col">"Warnings"</th>
                                <th scope="col">"Status"</th>
                                <th scope="col">"Action"</th>
                            </tr></thead>
                            <tbody>
                                {r.rows.into_iter().map(|row| item_row(row, csrf.clone(), change)).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            })}
        </Suspense>
    }
}

fn item_row(row: ItemRow, csrf: String, change: ServerAction<SetQuestionStatus>) -> impl IntoView {
    let status = row.status();
    let s = row.stats.clone();
    let id = s.question_id.clone();
    let actions: Vec<(QuestionStatus, &'static str, &'static str)> = match status {
        QuestionStatus::Active => vec![
            (QuestionStatus::Flagged, "Flag", "button-link"),
            (QuestionStatus::Retired, "Retire", "button-link danger-link"),
        ],
        QuestionStatus::Flagged => vec![
            (QuestionStatus::Active, "Restore", "button-link"),
            (QuestionStatus::Retired, "Retire", "button-link danger-link"),
        ],
        QuestionStatus::Retired => vec![(QuestionStatus::Active, "Restore", "button-link")],
    };
    let review = row.review.clone();
    view! {
        <tr class:item-retired=status == QuestionStatus::Retired>
            <th scope="row">
                <span class="mono">{id.clone()}</span>
                {(!row.stem.is_empty()).then(|| view! { <br/><span class="fine">{row.stem.clone()}</span> })}
                {(!row.in_bank).then(|| view! { <br/><span class="fine">"No longer in the bank"</span> })}
            </th>
            <td>{row.topic.clone()}</td>
            <td class="num">{s.attempts}</td>
            <td class="num">{s.facility.map_or_else(|| "–".to_string(), |f| format!("{f:.0}%"))}</td>
            <td class="num">{fixed(s.discrimination, 2)}</td>
            <td class="num">{fixed(s.point_biserial, 2)}</td>
            <td>
                <ul class="plain-list option-counts">
                    {s.options.iter().map(|o| {
                        let letter = option_letter(o.index).unwrap_or('?');
                        view! {
                            <li class:option-key=o.is_key>
                                {format!("{letter}: {} ({:.0}%)", o.count, o.percent)}
                                {o.is_key.then(|| view! { " "<span class="tag">"key"</span> })}
                            </li>
                        }
                    }).collect_view()}
                    {(s.unanswered > 0).then(|| view! { <li>{format!("Unanswered: {}", s.unanswered)}</li> })}
                </ul>
            </td>
            <td>
                {if s.warnings.is_empty() {
                    view! { <span class="fine">"None"</span> }.into_any()
                } else {
                    view! {
                        <ul class="plain-list warnings">
                            {s.warnings.iter().map(|w| view! {
                                <li class="item-warning"><span aria-hidden="true">"⚠ "</span><span class="visually-hidden">"Warning: "</span>{w.message()}</li>
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </td>
            <td>
                {status.title()}
                {review.map(|r| view! {
                    <br/>
                    <span class="fine">
                        {format!("{}{}", r.set_by_name.map(|n| format!("by {n}, ")).unwrap_or_default(), utc_date(r.set_at))}
                        {r.note.map(|n| format!(": {n}"))}
                    </span>
                })}
            </td>
            <td>
                {row.in_bank.then(|| actions.into_iter().map(|(to, label, class)| {
                    let csrf = csrf.clone();
                    let id = id.clone();
                    view! {
                        <ActionForm action=change attr:class="inline-form">
                            <CsrfField csrf/>
                            <input type="hidden" name="question_id" value=id.clone()/>
                            <input type="hidden" name="status" value=to.as_str()/>
                            <input type="hidden" name="note" value=""/>
                            <button type="submit" class=class>{label}<span class="visually-hidden">" "{id.clone()}</span></button>
                        </ActionForm>
                    }
                }).collect_view())}
            </td>
        </tr>
    }
}
