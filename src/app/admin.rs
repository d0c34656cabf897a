//! Administration: organisations, roles, and which trainers follow which
//! organisations.

use crate::error::AppError;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use leptos_meta::Title;

use super::session::{form_result, use_session, CsrfField, Field, FormMessage, RequireRole};
use crate::accounts::{FormResult, Organisation, Role, UserRow};

#[server(input = GetUrl, endpoint = "admin/overview")]
pub async fn admin_overview() -> Result<(Vec<Organisation>, Vec<UserRow>), AppError> {
    use crate::server::auth;
    auth::require_role(Role::Admin).await?;
    let repo = auth::state()?.repo;
    let orgs = repo
        .list_organisations(true)
        .await
        .map_err(auth::storage_error)?;
    let users = repo.list_users().await.map_err(auth::storage_error)?;
    Ok((orgs, users))
}

#[server(endpoint = "admin/organisation")]
pub async fn create_organisation(
    csrf: String,
    name: String,
    ods_code: String,
) -> Result<FormResult, AppError> {
    use crate::accounts::FieldError;
    use crate::server::{auth, repo::RepoError};
    auth::check_csrf(&csrf)?;
    auth::require_role(Role::Admin).await?;
    let name = name.trim();
    let ods = ods_code.trim().to_uppercase();
    let mut errors = Vec::new();
    if name.is_empty() || name.chars().count() > 120 {
        errors.push(FieldError {
            field: "name".into(),
            message: "Enter the organisation's name (at most 120 characters).".into(),
        });
    }
    if !ods.is_empty() && (ods.len() > 10 || !ods.bytes().all(|b| b.is_ascii_alphanumeric())) {
        errors.push(FieldError {
            field: "ods_code".into(),
            message: "An ODS code is up to 10 letters and digits, e.g. RXX.".into(),
        });
    }
    if !errors.is_empty() {
        return Ok(FormResult::invalid(errors));
    }
    match auth::state()?
        .repo
        .create_organisation(name, (!ods.is_empty()).then_some(ods.as_str()))
        .await
    {
        Ok(o) => Ok(FormResult::success(format!("Added {}.", o.name))),
        Err(RepoError::Conflict(_)) => Ok(FormResult::invalid(vec![FieldError {
            field: "name".into(),
            message: "An organisation with this name or ODS code already exists.".into(),
        }])),
        Err(e) => Err(auth::storage_error(e)),
    }
}

#[server(endpoint = "admin/organisation_active")]
pub async fn set_organisation_active(csrf: String, id: i64, active: bool) -> Result<(), AppError> {
    use crate::server::auth;
    auth::check_csrf(&csrf)?;
    auth::require_role(Role::Admin).await?;
    auth::state()?
        .repo
        .set_organisation_active(id, active)
        .await
        .map_err(|e| match e {
            crate::server::repo::RepoError::NotFound => {
                AppError::not_found("No such organisation.")
            }
            e => auth::storage_error(e),
        })
}

#[server(endpoint = "admin/role")]
pub async fn set_user_role(csrf: String, user_id: i64, role: String) -> Result<(), AppError> {
    use crate::server::auth;
    auth::check_csrf(&csrf)?;
    let admin = auth::require_role(Role::Admin).await?;
    let role = Role::parse(&role).ok_or_else(|| AppError::bad_request("Unknown role."))?;
    if admin.id == user_id && role != Role::Admin {
        return Err(AppError::bad_request(
            "You cannot remove your own administrator role.",
        ));
    }
    let repo = auth::state()?.repo;
    repo.set_role(user_id, role).await.map_err(|e| match e {
        crate::server::repo::RepoError::NotFound => AppError::not_found("No such user."),
        crate::server::repo::RepoError::Conflict(_) => AppError::conflict(
            "PACS Academy must keep at least one administrator. Make someone else an administrator first.",
        ),
        e => auth::storage_error(e),
    })?;
    // A changed role starts from a fresh sign-in: the user's sessions end.
    repo.delete_sessions_of(user_id, None)
        .await
        .map_err(auth::storage_error)
}

#[server(endpoint = "admin/assign")]
pub async fn assign_trainer(
    csrf: String,
    trainer_id: i64,
    organisation_id: i64,
    follow: bool,
) -> Result<(), AppError> {
    use crate::server::auth;
    auth::check_csrf(&csrf)?;
    auth::require_role(Role::Admin).await?;
    let repo = auth::state()?.repo;
    let trainer = repo.user(trainer_id).await.map_err(auth::storage_error)?;
    if trainer.map(|t| t.role) != Some(Role::Trainer) {
        return Err(AppError::bad_request("Only trainers follow organisations."));
    }
    if repo
        .organisation(organisation_id)
        .await
        .map_err(auth::storage_error)?
        .is_none()
    {
        return Err(AppError::not_found("No such organisation."));
    }
    if follow {
        repo.assign_trainer(trainer_id, organisation_id).await
    } else {
        repo.unassign_trainer(trainer_id, organisation_id).await
    }
    .map_err(auth::storage_error)
}

type Overview = (Vec<Organisation>, Vec<UserRow>);

#[derive(Clone, Copy)]
struct AdminActions {
    create: ServerAction<CreateOrganisation>,
    toggle: ServerAction<SetOrganisationActive>,
    role: ServerAction<SetUserRole>,
    assign: ServerAction<AssignTrainer>,
    data: Resource<Result<Overview, AppError>>,
}

#[component]
pub fn AdminPage() -> impl IntoView {
    // Actions and resources are created outside the role check's async
    // block, so the server and the browser create them in the same order.
    let create = ServerAction::<CreateOrganisation>::new();
    let toggle = ServerAction::<SetOrganisationActive>::new();
    let role = ServerAction::<SetUserRole>::new();
    let assign = ServerAction::<AssignTrainer>::new();
    let data = Resource::new(
        move || {
            (
                create.version().get(),
                toggle.version().get(),
                role.version().get(),
                assign.version().get(),
            )
        },
        |_| admin_overview(),
    );
    let actions = AdminActions {
        create,
        toggle,
        role,
        assign,
        data,
    };
    view! {
        <Title text="Administration"/>
        <div class="wrap">
            <h1>"Administration"</h1>
            <RequireRole role=Role::Admin>
                <AdminBody actions/>
            </RequireRole>
        </div>
    }
}

#[component]
fn AdminBody(actions: AdminActions) -> impl IntoView {
    let AdminActions {
        create,
        toggle,
        role,
        assign,
        data,
    } = actions;
    let session = use_session();
    let create_result = form_result(create.value());
    // The notice is about the action sent last: an older refusal goes as
    // soon as anything else is sent.
    #[derive(Clone, Copy, PartialEq)]
    enum Last {
        Nothing,
        Toggle,
        Role,
        Assign,
        Create,
    }
    let last = RwSignal::new(Last::Nothing);
    Effect::new(move |_| {
        for (pending, which) in [
            (toggle.pending().get(), Last::Toggle),
            (role.pending().get(), Last::Role),
            (assign.pending().get(), Last::Assign),
            (create.pending().get(), Last::Create),
        ] {
            if pending {
                last.set(which);
            }
        }
    });
    let action_error = move || {
        let error = match last.get() {
            Last::Toggle => toggle.value().get().and_then(|r| r.err()),
            Last::Role => role.value().get().and_then(|r| r.err()),
            Last::Assign => assign.value().get().and_then(|r| r.err()),
            Last::Nothing | Last::Create => None,
        };
        error.map(|e| super::session::error_text(&e))
    };
    let role_saved = move || last.get() == Last::Role && matches!(role.value().get(), Some(Ok(_)));
    view! {
        <Suspense fallback=|| view! { <p role="status">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let csrf = session.0.await.map(|s| s.csrf).unwrap_or_default();
                let (orgs, users) = match data.await {
                    Ok(d) => d,
                    Err(e) => return view! { <p role="alert">{super::session::error_text(&e)}</p> }.into_any(),
                };
                let orgs_for_users = orgs.clone();
                let csrf_orgs = csrf.clone();
                let csrf_create = csrf.clone();
                let csrf_users = csrf.clone();
                view! {
                    {move || action_error().map(|e| view! { <div class="notice notice-error" role="alert"><p>{e}</p></div> })}
                    {move || role_saved().then(|| view! {
                        <div class="notice notice-success" role="status"><p>"Role saved. Their sessions have ended: they sign in again with the new role."</p></div>
                    })}
                    <section aria-labelledby="orgs-title">
                        <h2 id="orgs-title">"Organisations"</h2>
                        <div class="table-wrap" role="region" tabindex="0" aria-label="Table of organisations">
                            <table>
                                <thead><tr><th scope="col">"Name"</th><th scope="col">"ODS code"</th><th scope="col">"Status"</th><th scope="col">"Action"</th></tr></thead>
                                <tbody>
                                    {orgs.into_iter().map(|o| {
                                        let csrf = csrf_orgs.clone();
                                        view! {
                                            <tr>
                                                <td>{o.name.clone()}</td>
                                                <td>{o.ods_code.clone().unwrap_or_default()}</td>
                                                <td>{if o.active { "Active" } else { "Closed to sign-ups" }}</td>
                                                <td>
                                                    <ActionForm action=toggle>
                                                        <CsrfField csrf/>
                                                        <input type="hidden" name="id" value=o.id.to_string()/>
                                                        <input type="hidden" name="active" value=(!o.active).to_string()/>
                                                        <button type="submit" class="button-link">
                                                            {if o.active { "Close" } else { "Reopen" }}
                                                            <span class="visually-hidden">" "{o.name.clone()}</span>
                                                        </button>
                                                    </ActionForm>
                                                </td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                        <h3>"Add an organisation"</h3>
                        <FormMessage result=create_result/>
                        <ActionForm action=create attr:class="form" attr:novalidate=true>
                            <CsrfField csrf=csrf_create/>
                            <Field label="Name" name="name" result=create_result required=true/>
                            <Field label="ODS code (optional)" name="ods_code" result=create_result/>
                            <button type="submit" class="button">"Add organisation"</button>
                        </ActionForm>
                    </section>
                    <section aria-labelledby="users-title">
                        <h2 id="users-title">"People"</h2>
                        <div class="table-wrap" role="region" tabindex="0" aria-label="Table of people">
                            <table>
                                <thead><tr><th scope="col">"Name"</th><th scope="col">"Organisation"</th><th scope="col">"Role"</th><th scope="col">"Follows (trainers)"</th></tr></thead>
                                <tbody>
                                    {users.into_iter().map(|u| {
                                        let csrf_role = csrf_users.clone();
                                        let csrf_follow = csrf_users.clone();
                                        let name = u.name.clone();
                                        let role_label = format!("Role of {}", u.name);
                                        let save_label = format!(" role of {}", u.name);
                                        let orgs = orgs_for_users.clone();
                                        let select_id = format!("role-{}", u.id);
                                        let is_trainer = u.role == Role::Trainer;
                                        let current = u.role.as_str();
                                        view! {
                                            <tr>
                                                <td>{u.name}<br/><span class="fine">{u.email.clone()}</span></td>
                                                <td>{u.organisation.clone().unwrap_or_default()}</td>
                                                <td>
                                                    <ActionForm action=role attr:class="inline-form">
                                                        <CsrfField csrf=csrf_role/>
                                                        <input type="hidden" name="user_id" value=u.id.to_string()/>
                                                        <label for=select_id.clone() class="visually-hidden">{role_label}</label>
                                                        // Back to the saved role whenever a change is answered, so
                                                        // that a refused choice does not stay on show.
                                                        <select id=select_id name="role" prop:value=move || { role.value().track(); current }>
                                                            {Role::ALL.into_iter().map(|r| view! { <option value=r.as_str() selected=r == u.role>{r.title()}</option> }).collect_view()}
                                                        </select>
                                                        <button type="submit" class="button-link">"Save"<span class="visually-hidden">{save_label}</span></button>
                                                    </ActionForm>
                                                </td>
                                                <td>
                                                    {is_trainer.then(|| {
                                                        let follows = u.follows.clone();
                                                        view! {
                                                            <ul class="plain-list">
                                                                {orgs.into_iter().map(|o| {
                                                                    let following = follows.contains(&o.id);
                                                                    let csrf = csrf_follow.clone();
                                                                    let hidden = format!(" {} for {}", o.name, name);
                                                                    view! {
                                                                        <li>
                                                                            <ActionForm action=assign attr:class="inline-form">
                                                                                <CsrfField csrf/>
                                                                                <input type="hidden" name="trainer_id" value=u.id.to_string()/>
                                                                                <input type="hidden" name="organisation_id" value=o.id.to_string()/>
                                                                                <input type="hidden" name="follow" value=(!following).to_string()/>
                                                                                {if following { "✓ " } else { "" }}{o.name.clone()}" "
                                                                                <button type="submit" class="button-link">
                                                                                    {if following { "Stop following" } else { "Follow" }}
                                                                                    <span class="visually-hidden">{hidden}</span>
                                                                                </button>
                                                                            </ActionForm>
                                                                        </li>
                                                                    }
                                                                }).collect_view()}
                                                            </ul>
                                                        }
                                                    })}
                                                </td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    </section>
                }.into_any()
            })}
        </Suspense>
    }
}
