//! The trainer's cohort: learners of the organisations they follow.

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use leptos_meta::Title;

use super::session::RequireRole;
use crate::accounts::{LearnerRow, Organisation, Role};

/// Organisations with their learners.
pub type Cohort = Vec<(Organisation, Vec<LearnerRow>)>;

/// A trainer's organisations with their learners (all organisations for an admin).
#[server(input = GetUrl, endpoint = "trainer/cohort")]
pub async fn get_cohort() -> Result<Cohort, ServerFnError> {
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
pub async fn get_learner(id: i64) -> Result<LearnerRow, ServerFnError> {
    use crate::server::auth;
    use axum::http::StatusCode;
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
        return Err(auth::deny(
            StatusCode::FORBIDDEN,
            "You do not follow this learner's organisation.",
        ));
    }
    state
        .repo
        .learners_in(&[org.unwrap_or_default()])
        .await
        .map_err(auth::storage_error)?
        .into_iter()
        .find(|l| l.id == id)
        .ok_or_else(|| {
            auth::deny(
                StatusCode::FORBIDDEN,
                "You do not follow this learner's organisation.",
            )
        })
}

#[component]
pub fn TrainerPage() -> impl IntoView {
    // Created outside the role check's async block (see DashboardPage).
    let cohort = Resource::new(|| (), |_| get_cohort());
    view! {
        <Title text="Your cohorts"/>
        <div class="wrap">
            <h1>"Your cohorts"</h1>
            <RequireRole role=Role::Trainer>
                <CohortBody cohort/>
            </RequireRole>
        </div>
    }
}

#[component]
fn CohortBody(cohort: Resource<Result<Cohort, ServerFnError>>) -> impl IntoView {
    view! {
        <Suspense fallback=|| view! { <p role="status">"Loading cohorts…"</p> }>
            {move || Suspend::new(async move {
                match cohort.await {
                    Ok(orgs) if orgs.is_empty() => view! {
                        <p>"You do not follow any organisations yet. Ask an administrator to assign you to your trusts."</p>
                    }.into_any(),
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
                                                            <td>{l.name}</td><td>{l.email}</td>
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
                            </section>
                        }
                    }).collect_view().into_any(),
                    Err(e) => view! { <p role="alert">{super::session::error_text(&e)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}
