//! One organisation's learners with their figures, at
//! `/trainer/organisations/:id?from=&to=`; each learner links to their
//! page. Trainers see only organisations they follow.

use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::session::RequireRole;
use super::trainer::{level_cells, level_headers, use_date_filter, DateRangeForm};
use crate::accounts::{Organisation, Role};
use crate::reports::LearnerFigures;

/// An organisation and its learners' figures within the dates.
#[server(input = GetUrl, endpoint = "trainer/organisation")]
pub async fn get_organisation_report(
    id: i64,
    from: String,
    to: String,
) -> Result<(Organisation, Vec<LearnerFigures>), AppError> {
    use crate::server::{auth, reports};
    let user = auth::require_role(Role::Trainer).await?;
    let range = crate::reports::DateFilter { from, to }
        .range()
        .map_err(AppError::bad_request)?;
    reports::organisation_learners(&*auth::state()?.repo, &user, id, range)
        .await
        .map_err(reports::ReportError::into_server_error)
}

#[component]
pub fn TrainerOrganisationPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| {
        params
            .read()
            .get("id")
            .and_then(|s| s.parse::<i64>().ok())
            .unwrap_or(0)
    });
    let filter = use_date_filter();
    let data = Resource::new(
        move || (id.get(), filter.get()),
        |(id, f)| get_organisation_report(id, f.from, f.to),
    );
    view! {
        <Title text="Organisation results"/>
        <div class="wrap">
            <p class="breadcrumbs"><a href=move || format!("/trainer{}", filter.get().query())>"Your cohorts"</a></p>
            <h1>"Organisation results"</h1>
            <RequireRole role=Role::Trainer>
                <Suspense fallback=|| view! { <p role="status">"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        let f = filter.get_untracked();
                        match data.await {
                            Ok((org, learners)) => {
                                let query = f.query();
                                let csv = format!("/trainer/organisations/{}/learners.csv{query}", org.id);
                                view! {
                                    <h2 class="report-subject">{org.name.clone()}</h2>
                                    {org.ods_code.clone().map(|c| view! { <p class="fine">"ODS code "{c}</p> })}
                                    <DateRangeForm filter=f.clone() action=format!("/trainer/organisations/{}", org.id)/>
                                    <p class="button-row">
                                        <a class="button button-secondary" href=csv download="" rel="external">
                                            "Download CSV"<span class="visually-hidden">" of the learners of "{org.name.clone()}</span>
                                        </a>
                                    </p>
                                    {if learners.is_empty() {
                                        view! { <p>"No learners from this organisation had an account in this period."</p> }.into_any()
                                    } else {
                                        view! {
                                            <div class="table-wrap" role="region" tabindex="0" aria-labelledby="learners-caption">
                                                <table class="report-table">
                                                    <caption id="learners-caption">"Learners of "{org.name.clone()}", "{f.describe()}</caption>
                                                    <thead><tr>
                                                        <th scope="col">"Learner"</th>
                                                        <th scope="col">"Email"</th>
                                                        {level_headers(false)}
                                                    </tr></thead>
                                                    <tbody>
                                                        {learners.into_iter().map(|l| view! {
                                                            <tr>
                                                                <th scope="row"><a href=format!("/trainer/learners/{}", l.id)>{l.name.clone()}</a></th>
                                                                <td>{l.email.clone()}</td>
                                                                {level_cells(l.foundation, false)}
                                                                {level_cells(l.intermediate, false)}
                                                            </tr>
                                                        }).collect_view()}
                                                    </tbody>
                                                </table>
                                            </div>
                                        }.into_any()
                                    }}
                                }.into_any()
                            }
                            Err(e) => view! {
                                <div class="notice notice-error" role="alert"><p>{super::session::error_text(&e)}</p></div>
                            }.into_any(),
                        }
                    })}
                </Suspense>
            </RequireRole>
        </div>
    }
}
