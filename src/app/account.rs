//! A user's own account: change password, export data, delete the account.

use crate::error::AppError;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;

use super::session::{
    form_result, go_to_on_success, use_session, CsrfField, Field, FormMessage, RequireRole,
};
use crate::accounts::{FormResult, Role};

#[server(endpoint = "account/password")]
pub async fn change_password(
    csrf: String,
    current: String,
    new_password: String,
) -> Result<FormResult, AppError> {
    use crate::accounts::FieldError;
    use crate::server::auth;
    auth::check_csrf(&csrf)?;
    let user = auth::require_user().await?;
    let state = auth::state()?;
    if !auth::is_current_password(user.id, current).await? {
        return Ok(FormResult::invalid(vec![FieldError {
            field: "current".into(),
            message: "Your current password is not right.".into(),
        }]));
    }
    if let Some(problem) = auth::password_problem(&new_password, &user.email) {
        return Ok(FormResult::invalid(vec![FieldError {
            field: "new_password".into(),
            message: problem,
        }]));
    }
    let hash = auth::hash_password_blocking(new_password).await?;
    state
        .repo
        .set_password_hash(user.id, &hash)
        .await
        .map_err(auth::storage_error)?;
    // Every session made with the old password ends; this browser gets a new token.
    auth::rotate_session(user.id).await?;
    Ok(FormResult::success(
        "Your password has been changed. Other devices have been signed out.",
    ))
}

#[server(endpoint = "account/delete")]
pub async fn delete_account(
    csrf: String,
    password: String,
    confirm: Option<String>,
) -> Result<FormResult, AppError> {
    use crate::accounts::FieldError;
    use crate::server::auth;
    auth::check_csrf(&csrf)?;
    let user = auth::require_user().await?;
    let state = auth::state()?;
    let mut errors = Vec::new();
    if confirm.as_deref() != Some("yes") {
        errors.push(FieldError {
            field: "confirm".into(),
            message: "Tick the box to confirm.".into(),
        });
    }
    if !auth::is_current_password(user.id, password).await? {
        errors.push(FieldError {
            field: "password".into(),
            message: "Your password is not right.".into(),
        });
    }
    if !errors.is_empty() {
        return Ok(FormResult::invalid(errors));
    }
    if user.role == Role::Admin
        && state
            .repo
            .count_admins()
            .await
            .map_err(auth::storage_error)?
            <= 1
    {
        return Ok(FormResult::failure(
            "You are the only administrator. Make someone else an administrator first.",
        ));
    }
    // The check above gives the message; this one (in the same statement as
    // the delete) holds when two administrators delete themselves at once.
    match state.repo.delete_user(user.id).await {
        Ok(()) => {}
        Err(crate::server::repo::RepoError::Conflict(_)) => {
            return Ok(FormResult::failure(
                "You are the only administrator. Make someone else an administrator first.",
            ))
        }
        Err(e) => return Err(auth::storage_error(e)),
    }
    auth::end_session().await?;
    tracing::info!(user = user.id, "account deleted");
    Ok(FormResult::success(
        "Your account and everything recorded with it have been deleted.",
    ))
}

#[component]
pub fn AccountPage() -> impl IntoView {
    // Created outside the role check's async block (see DashboardPage).
    let password = ServerAction::<ChangePassword>::new();
    let delete = ServerAction::<DeleteAccount>::new();
    view! {
        <Title text="Your account"/>
        <div class="wrap narrow">
            <h1>"Your account"</h1>
            <RequireRole role=Role::Learner>
                <AccountBody password delete/>
            </RequireRole>
        </div>
    }
}

#[component]
fn AccountBody(
    password: ServerAction<ChangePassword>,
    delete: ServerAction<DeleteAccount>,
) -> impl IntoView {
    let session = use_session();
    let password_result = form_result(password.value());
    let delete_result = form_result(delete.value());
    go_to_on_success(delete_result, "/");
    let confirm_error = move || delete_result.get().and_then(|r| r.error_for("confirm"));
    view! {
        <Suspense fallback=|| view! { <p role="status">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let Ok(info) = session.0.await else { return view! { <p role="alert">"Could not load your account."</p> }.into_any() };
                let Some(user) = info.user.clone() else { return ().into_any() };
                let csrf_password = info.csrf.clone();
                let csrf_delete = info.csrf.clone();
                view! {
                    <dl class="summary-list">
                        <dt>"Name"</dt><dd>{user.name}</dd>
                        <dt>"Email"</dt><dd>{user.email}</dd>
                        <dt>"Organisation"</dt><dd>{user.organisation.unwrap_or_else(|| "None".into())}</dd>
                        <dt>"Role"</dt><dd>{user.role.title()}</dd>
                    </dl>
                    <section aria-labelledby="pw-title">
                        <h2 id="pw-title">"Change your password"</h2>
                        <FormMessage result=password_result/>
                        <ActionForm action=password attr:class="form" attr:novalidate=true>
                            <CsrfField csrf=csrf_password/>
                            <Field label="Current password" name="current" kind="password" autocomplete="current-password" result=password_result required=true/>
                            <Field label="New password" name="new_password" kind="password" autocomplete="new-password"
                                hint="At least 12 characters; common passwords are refused." result=password_result required=true/>
                            <button type="submit" class="button">"Change password"</button>
                        </ActionForm>
                    </section>
                    <section aria-labelledby="export-title">
                        <h2 id="export-title">"Your data"</h2>
                        <p>"Download everything PACS Academy holds about you (your account, completed modules and exercise attempts) as a JSON file."</p>
                        <p><a class="button button-secondary" href="/account/export.json" download="pacs-academy-my-data.json" rel="external">"Download my data"</a></p>
                    </section>
                    <section aria-labelledby="delete-title">
                        <h2 id="delete-title">"Delete your account"</h2>
                        <p>"This deletes your account, your progress and your exercise attempts. It cannot be undone."</p>
                        <FormMessage result=delete_result/>
                        <ActionForm action=delete attr:class="form" attr:novalidate=true>
                            <CsrfField csrf=csrf_delete/>
                            <Field label="Your password" name="password" kind="password" autocomplete="current-password" result=delete_result required=true/>
                            <div class="form-group checkbox" class:form-group-error=move || confirm_error().is_some()>
                                {move || confirm_error().map(|e| view! { <p class="field-error" id="field-confirm-error">{e}</p> })}
                                <input type="checkbox" id="field-confirm" name="confirm" value="yes"
                                    aria-describedby=move || confirm_error().map(|_| "field-confirm-error")/>
                                <label for="field-confirm">"I understand that my account and progress will be deleted"</label>
                            </div>
                            <button type="submit" class="button button-danger">"Delete my account"</button>
                        </ActionForm>
                    </section>
                }.into_any()
            })}
        </Suspense>
    }
}
