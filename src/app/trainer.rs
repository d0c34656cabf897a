//! The trainer's cohort report at `/trainer`: one row per organisation
//! followed (all for administrators) with learners, modules completed, exam
//! attempts, passes and mean score per level, filtered by a date range;
//! then each organisation's learners. Rows drill down to
//! `/trainer/organisations/:id`, learners to `/trainer/learners/:id`.

use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::session::RequireRole;
use crate::accounts::{LearnerRow, Organisation, Role};
use crate::content::Level;
use crate::reports::{CohortRow, DateFilter, LevelFigures};

/// Organisations with their learners.
pub type Cohort = Vec<(Organisation, Vec<LearnerRow>)>;

/// A trainer's organisations with their learners (all organisations for an admin).
#[server(input = GetUrl, endpoint = "trainer/cohort")]
pub async fn get_cohort() -> Result<Cohort, AppError> {
    use crate::server::auth;
    let user = auth::require_role(Role::Trainer).await?;
    let state = auth::state()?;
    let all = state
        .repo
        .list_organisations(true)
        .await
        .map_err(auth::storage_error)?;
    let ids: Vec<i64> = if user.role == Role::Admin {
        all.iter().map(|o| o.id).collect()
    } else {
        state
            .repo
            .trainer_organisations(user.id)
            .await
            .map_err(auth::storage_error)?
    };
    let learners = state
        .repo
        .learners_in(&ids)
        .await
        .map_err(auth::storage_error)?;
    Ok(all
        .into_iter()
        .filter(|o| ids.contains(&o.id))
        .map(|o| {
            let rows = learners
                .iter()
                .filter(|l| l.organisation == o.name)
                .cloned()
                .collect();
            (o, rows)
        })
        .collect())
}

/// One learner's record, if the trainer follows the learner's organisation.
#[server(input = GetUrl, endpoint = "trainer/learner")]
pub async fn get_learner(id: i64) -> Result<LearnerRow, AppError> {
    use crate::server::auth;
    let user = auth::require_role(Role::Trainer).await?;
    let state = auth::state()?;
    let learner = state.repo.user(id).await.map_err(auth::storage_error)?;
    let org = learner.as_ref().and_then(|l| l.organisation_id);
    let allowed = match (user.role, org) {
        (Role::Admin, Some(_)) => true,
        (_, Some(org)) => state
            .repo
            .trainer_organisations(user.id)
            .await
            .map_err(auth::storage_error)?
            .contains(&org),
        _ => false,
    };
    if !allowed {
        // The same answer whether the learner exists or not.
        return Err(AppError::Forbidden(
            "You do not follow this learner's organisation.".into(),
        ));
    }
    state
        .repo
        .learners_in(&[org.unwrap_or_default()])
        .await
        .map_err(auth::storage_error)?
        .into_iter()
        .find(|l| l.id == id)
        .ok_or_else(|| AppError::Forbidden("You do not follow this learner's organisation.".into()))
}

/// The cohort report: one row per organisation the caller may see, with
/// figures within the dates (`YYYY-MM-DD`, inclusive, either may be empty).
#[server(input = GetUrl, endpoint = "trainer/report")]
pub async fn get_cohort_report(from: String, to: String) -> Result<Vec<CohortRow>, AppError> {
    use crate::server::{auth, reports};
    let user = auth::require_role(Role::Trainer).await?;
    let range = DateFilter { from, to }
        .range()
        .map_err(AppError::bad_request)?;
    reports::cohort(&*auth::state()?.repo, &user, range)
        .await
        .map_err(reports::ReportError::into_server_error)
}

/// The date filter of the page's address (`?from=&to=`).
pub(crate) fn use_date_filter() -> Memo<DateFilter> {
    let query = use_query_map();
    Memo::new(move |_| {
        let q = query.read();
        DateFilter {
            from: q.get("from").unwrap_or_default(),
            to: q.get("to").unwrap_or_default(),
        }
    })
}

/// The GET form that sets the date range; the address it leads to can be
/// shared. `children` are more fields shown before the dates (such as the
/// exam level).
#[component]
pub(crate) fn DateRangeForm(
    filter: DateFilter,
    action: String,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    let clear = action.clone();
    view! {
        <form method="get" action=action class="filter-form" aria-label="Filter by date">
            {children.map(|c| c())}
            <div class="form-group">
                <label for="filter-from">"From"</label>
                <input type="date" id="filter-from" name="from" value=filter.from.clone()/>
            </div>
            <div class="form-group">
                <label for="filter-to">"To (inclusive)"</label>
                <input type="date" id="filter-to" name="to" value=filter.to.clone()/>
            </div>
            <div class="filter-actions">
                <button type="submit" class="button">"Show"</button>
                <a href=clear>"Clear dates"</a>
            </div>
        </form>
        <p class="hint">"Dates are UTC. Modules count when they were completed, exam attempts when they were submitted."</p>
    }
}

/// The header cells of one level's figures, under a level heading.
pub(crate) fn level_headers(with_candidates: bool) -> impl IntoView {
    Level::ALL
        .into_iter()
        .map(|l| {
            let t = l.title();
            view! {
                <th scope="col" class="num">{t}" modules completed"</th>
                {with_candidates.then(|| view! { <th scope="col" class="num">{t}" candidates"</th> })}
                <th scope="col" class="num">{t}" exam attempts"</th>
                <th scope="col" class="num">{t}" passes"</th>
                <th scope="col" class="num">{t}" mean score"</th>
            }
        })
        .collect_view()
}

/// One level's figures as cells.
pub(crate) fn level_cells(f: LevelFigures, with_candidates: bool) -> impl IntoView {
    view! {
        <td class="num">{f.modules_completed}</td>
        {with_candidates.then(|| view! { <td class="num">{f.candidates}</td> })}
        <td class="num">{f.attempts}</td>
        <td class="num">{f.passes}</td>
        <td class="num">{f.mean_text()}</td>
    }
}

#[component]
pub fn TrainerPage() -> impl IntoView {
    // Created outside the role check's async block (see DashboardPage).
    let filter = use_date_filter();
    let report = Resource::new(move || filter.get(), |f| get_cohort_report(f.from, f.to));
    let cohort = Resource::new(|| (), |_| get_cohort());
    view! {
        <Title text="Your cohorts"/>
        <div class="wrap">
            <h1>"Your cohorts"</h1>
            <RequireRole role=Role::Trainer>
                <p>
                    "Results by organisation. Open an organisation for its learners, or see the "
                    <a href="/trainer/items">"item analysis"</a>" of the exam questions."
                </p>
                <DateRangeForm filter=filter.get_untracked() action="/trainer".to_string()/>
                <ReportTable report filter/>
                <CohortBody cohort/>
            </RequireRole>
        </div>
    }
}

#[component]
fn ReportTable(
    report: Resource<Result<Vec<CohortRow>, AppError>>,
    filter: Memo<DateFilter>,
) -> impl IntoView {
    view! {
        <Suspense fallback=|| view! { <p role="status">"Loading the report…"</p> }>
            {move || Suspend::new(async move {
                let f = filter.get_untracked();
                match report.await {
                    Ok(rows) if rows.is_empty() => view! {
                        <p>"You do not follow any organisations yet. Ask an administrator to assign you to your trusts."</p>
                    }.into_any(),
                    Ok(rows) => {
                        let query = f.query();
                        view! {
                            <section aria-labelledby="report-title" class="report">
                                <h2 id="report-title">"Results by organisation"</h2>
                                <p class="button-row">
                                    <a class="button button-secondary" href=format!("/trainer/report.csv{query}") download="" rel="external">
                                        "Download CSV"<span class="visually-hidden">" of results by organisation"</span>
                                    </a>
                                </p>
                                <div class="table-wrap" role="region" tabindex="0" aria-labelledby="report-caption">
                                    <table class="report-table">
                                        <caption id="report-caption">"Results by organisation, "{f.describe()}</caption>
                                        <thead><tr>
                                            <th scope="col">"Organisation"</th>
                                            <th scope="col" class="num">"Learners"</th>
                                            {level_headers(true)}
                                        </tr></thead>
                                        <tbody>
                                            {rows.into_iter().map(|r| {
                                                let href = format!("/trainer/organisations/{}{query}", r.organisation.id);
                                                view! {
                                                    <tr>
                                                        <th scope="row"><a href=href>{r.organisation.name.clone()}</a></th>
                                                        <td class="num">{r.learners}</td>
                                                        {level_cells(r.foundation, true)}
                                                        {level_cells(r.intermediate, true)}
                                                    </tr>
                                                }
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                </div>
                                <p class="hint">"Candidates are learners with at least one marked exam attempt in the period; the mean is over attempts. A dash means no attempts."</p>
                            </section>
                        }.into_any()
                    }
                    Err(e) => view! { <p role="alert" class="notice notice-error">{super::session::error_text(&e)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn CohortBody(cohort: Resource<Result<Cohort, AppError>>) -> impl IntoView {
    view! {
        <Suspense fallback=|| view! { <p role="status">"Loading cohorts…"</p> }>
            {move || Suspend::new(async move {
                match cohort.await {
                    Ok(orgs) if orgs.is_empty() => ().into_any(),
                    Ok(orgs) => orgs.into_iter().map(|(org, learners)| {
                        let title_id = format!("org-{}", org.id);
                        view! {
                            <section aria-labelledby=title_id.clone() class="cohort">
                                <h2 id=title_id.clone()>{org.name.clone()}</h2>
                                {if learners.is_empty() {
                                    view! { <p>"No learners from this organisation yet."</p> }.into_any()
                                } else {
                                    view! {
                                        <div class="table-wrap" role="region" tabindex="0" aria-label=format!("Learners of {}", org.name)>
                                            <table>
                                                <thead><tr>
                                                    <th scope="col">"Learner"</th><th scope="col">"Email"</th>
                                                    <th scope="col">"Foundation modules"</th><th scope="col">"Intermediate modules"</th>
                                                    <th scope="col">"Exercise accuracy"</th>
                                                </tr></thead>
                                                <tbody>
                                                    {learners.into_iter().map(|l| view! {
                                                        <tr>
                                                            <td><a href=format!("/trainer/learners/{}", l.id)>{l.name}</a></td><td>{l.email}</td>
                                                            <td>{l.foundation_completed}</td><td>{l.intermediate_completed}</td>
                                                            <td>{match (l.correct * 100).checked_div(l.attempts) {
                                                                Some(percent) => format!("{percent}% of {}", l.attempts),
                                                                None => "No attempts".to_string(),
                                                            }}</td>
                                                        </tr>
                                                    }).collect_view()}
                                                </tbody>
                                            </table>
                                        </div>
                                    }.into_any()
                                }}
                                <p><a href=format!("/trainer/organisations/{}", org.id)>"Results of "{org.name.clone()}</a></p>
                            </section>
                        }
                    }).collect_view().into_any(),
                    Err(e) => view! { <p role="alert">{super::session::error_text(&e)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}
