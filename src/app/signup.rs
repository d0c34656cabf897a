//! Create a learner account (throttled per address; see the README's
//! Accounts section for what the answer to a taken address reveals).

use crate::error::AppError;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use leptos_meta::Title;

use super::session::{form_result, go_to_on_success, use_session, CsrfField, Field, FormMessage};
use crate::accounts::{FormResult, Organisation};

/// Organisations a learner can choose when signing up.
#[server(input = GetUrl, endpoint = "organisations")]
pub async fn list_organisations() -> Result<Vec<Organisation>, AppError> {
    use crate::server::auth;
    auth::state()?
        .repo
        .list_organisations(false)
        .await
        .map_err(auth::storage_error)
}

#[server(endpoint = "account/sign_up")]
pub async fn sign_up(
    csrf: String,
    name: String,
    email: String,
    organisation: String,
    password: String,
) -> Result<FormResult, AppError> {
    use crate::accounts::{FieldError, Role};
    use crate::server::{auth, repo::NewUser, repo::RepoError};
    auth::check_csrf(&csrf)?;
    let state = auth::state()?;
    let repo = &state.repo;
    let name = name.trim().to_string();
    let email = email.trim().to_lowercase();
    let mut errors = Vec::new();
    let mut fail = |field: &str, message: &str| {
        errors.push(FieldError {
            field: field.into(),
            message: message.into(),
        })
    };
    if name.is_empty() {
        fail("name", "Enter your name.");
    } else if name.chars().count() > 100 {
        fail("name", "Use at most 100 characters.");
    } else if name.chars().any(|c| c.is_control()) {
        fail("name", "Use letters, spaces and punctuation only.");
    }
    if let Some(problem) = auth::email_problem(&email) {
        fail("email", problem);
    }
    let organisation_id = match organisation.trim().parse::<i64>() {
        Ok(id) => match repo.organisation(id).await.map_err(auth::storage_error)? {
            Some(o) if o.active => Some(o.id),
            _ => None,
        },
        Err(_) => None,
    };
    if organisation_id.is_none() {
        fail("organisation", "Choose your organisation from the list.");
    }
    if let Some(problem) = auth::password_problem(&password, &email) {
        fail("password", &problem);
    }
    if !errors.is_empty() {
        return Ok(FormResult::invalid(errors));
    }
    // Counted before hashing, in one statement with the check, so parallel
    // sign-ups from one address cannot all pass it.
    if !repo
        .reserve_sign_up(&auth::client_address(), state.now(), &auth::THROTTLE)
        .await
        .map_err(auth::storage_error)?
    {
        tracing::warn!("sign-up throttled");
        return Ok(FormResult::failure(
            "Too many accounts have been created from here in the last hour. Try again later, or ask your trainer for help.",
        ));
    }
    // Hashed before the email is looked up, so a taken address costs as
    // long as a new one.
    let hash = auth::hash_password_blocking(password).await?;
    let user = match repo
        .create_user(NewUser {
            email: &email,
            name: &name,
            organisation_id,
            role: Role::Learner,
            password_hash: &hash,
        })
        .await
    {
        Ok(u) => u,
        // Not tied to the email field, and no different in time; the
        // README's Accounts section says what this does and does not hide.
        Err(RepoError::Conflict(_)) => {
            return Ok(FormResult::failure(
                "We could not create an account with these details. If you already have an account, sign in instead; if you have forgotten its password, ask your trainer or an administrator to reset it.",
            ))
        }
        Err(e) => return Err(auth::storage_error(e)),
    };
    auth::start_session(user.id).await?;
    tracing::info!(user = user.id, "account created");
    Ok(FormResult::success("Your account is ready."))
}

#[component]
pub fn SignUpPage() -> impl IntoView {
    let action = ServerAction::<SignUp>::new();
    let result = form_result(action.value());
    go_to_on_success(result, "/dashboard");
    let session = use_session();
    let organisations = Resource::new(|| (), |_| list_organisations());
    let org_error = move || result.get().and_then(|r| r.error_for("organisation"));
    view! {
        <Title text="Create an account"/>
        <div class="wrap narrow">
            <h1>"Create an account"</h1>
            <p>"An account keeps track of the modules you complete and how you do in the exercises. Your trainer sees the progress of learners from the organisations they follow."</p>
            <Suspense fallback=|| view! { <p role="status">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    let info = session.0.await;
                    let orgs = organisations.await.unwrap_or_default();
                    match info {
                        Ok(info) if info.user.is_some() => view! {
                            <p>"You are already signed in. Go to "<a href="/dashboard">"your dashboard"</a>"."</p>
                        }.into_any(),
                        Ok(info) => view! {
                            <FormMessage result/>
                            <ActionForm action attr:class="form" attr:novalidate=true>
                                <CsrfField csrf=info.csrf/>
                                <Field label="Full name" name="name" autocomplete="name" result required=true/>
                                <Field label="Email address" name="email" kind="email" autocomplete="email"
                                    hint="Use your work email address." result required=true/>
                                <div class="form-group" class:form-group-error=move || org_error().is_some()>
                                    <label for="field-organisation">"Organisation"</label>
                                    {move || org_error().map(|e| view! { <p class="field-error" id="field-organisation-error"><span class="visually-hidden">"Error: "</span>{e}</p> })}
                                    <select id="field-organisation" name="organisation" required=true
                                        aria-invalid=move || if org_error().is_some() { "true" } else { "false" }
                                        aria-describedby=move || org_error().map(|_| "field-organisation-error")>
                                        <option value="">"Choose your organisation"</option>
                                        {orgs.into_iter().map(|o| view! { <option value=o.id.to_string()>{o.name}</option> }).collect_view()}
                                    </select>
                                </div>
                                <Field label="Password" name="password" kind="password" autocomplete="new-password"
                                    hint="At least 12 characters. Three random words work well, for example 'violet harbour pencil'. Common passwords are refused." result required=true/>
                                <button type="submit" class="button" disabled=move || action.pending().get()>"Create account"</button>
                            </ActionForm>
                            <p>"Already have an account? "<a href="/signin">"Sign in"</a>"."</p>
                        }.into_any(),
                        Err(e) => view! { <p role="alert">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </div>
    }
}
