//! Sign in, with throttling of repeated failures per (account, address)
//! reserved before the password is verified.

use crate::error::AppError;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;

use super::session::{
    form_result, go_to_on_success, safe_next, use_session, CsrfField, Field, FormMessage,
};
use crate::accounts::FormResult;

#[server(endpoint = "account/sign_in")]
pub async fn sign_in(
    csrf: String,
    email: String,
    password: String,
) -> Result<FormResult, AppError> {
    use crate::accounts::FieldError;
    use crate::server::auth;
    use crate::server::repo::Reservation;
    auth::check_csrf(&csrf)?;
    let email = email.trim().to_lowercase();
    let mut errors = Vec::new();
    if email.is_empty() || email.len() > 254 {
        errors.push(FieldError {
            field: "email".into(),
            message: "Enter the email address you signed up with.".into(),
        });
    }
    if password.is_empty() || password.len() > 1024 {
        errors.push(FieldError {
            field: "password".into(),
            message: "Enter your password.".into(),
        });
    }
    if !errors.is_empty() {
        return Ok(FormResult::invalid(errors));
    }
    let state = auth::state()?;
    let repo = &state.repo;
    let address = auth::client_address();
    let now = state.now();
    // The attempt is recorded before the password is checked, in the same
    // statement that counts earlier ones: parallel guesses cannot all pass
    // a check that none of them has been counted by yet.
    let reservation = match repo
        .reserve_sign_in(&email, &address, now, &auth::THROTTLE)
        .await
        .map_err(auth::storage_error)?
    {
        Reservation::Reserved(id) => id,
        Reservation::Refused { retry_at } => {
            tracing::warn!(%address, "sign-in throttled");
            let minutes = ((retry_at - now).max(1) + 59) / 60;
            let wait = if minutes == 1 {
                "a minute".to_string()
            } else {
                format!("{minutes} minutes")
            };
            return Ok(FormResult::failure(format!(
                "Too many failed sign-ins. For your security, wait {wait} before trying again."
            )));
        }
    };
    let found = repo
        .user_by_email(&email)
        .await
        .map_err(auth::storage_error)?;
    let (user, hash) = match found {
        Some((u, h)) => (Some(u), h),
        None => (None, auth::DUMMY_HASH.clone()),
    };
    let verified = match auth::verify_password_blocking(password, hash).await {
        Ok(v) => v,
        Err(busy) => {
            // Not a guess: the password was never checked.
            repo.release_sign_in(reservation)
                .await
                .map_err(auth::storage_error)?;
            return Err(busy);
        }
    };
    match user {
        Some(user) if verified => {
            repo.sign_in_succeeded(reservation, &email, &address)
                .await
                .map_err(auth::storage_error)?;
            auth::start_session(user.id).await?;
            tracing::info!(user = user.id, "signed in");
            Ok(FormResult::success("Signed in."))
        }
        // The reservation stays as the failure.
        _ => Ok(FormResult::failure(
            "The email address or password is not right. Check them and try again.",
        )),
    }
}

#[component]
pub fn SignInPage() -> impl IntoView {
    let action = ServerAction::<SignIn>::new();
    let result = form_result(action.value());
    // Back to the page that asked for a sign-in (`?next=`), or the dashboard.
    let query = leptos_router::hooks::use_query_map();
    let next = query.with_untracked(|q| safe_next(q.get("next").as_deref()));
    let (then, then_name) = match next {
        Some(path) => (path, "the page you were on"),
        None => ("/dashboard".to_string(), "your dashboard"),
    };
    go_to_on_success(result, then.clone());
    let session = use_session();
    view! {
        <Title text="Sign in"/>
        <div class="wrap narrow">
            <h1>"Sign in"</h1>
            <Suspense fallback=|| view! { <p role="status">"Loading…"</p> }>
                {move || { let then = then.clone(); Suspend::new(async move {
                    let info = session.0.await;
                    match info {
                        Ok(info) if info.user.is_some() => view! {
                            <p>"You are signed in. Go to "<a href=then.clone()>{then_name}</a>"."</p>
                        }.into_any(),
                        Ok(info) => view! {
                            <FormMessage result/>
                            <ActionForm action attr:class="form" attr:novalidate=true>
                                <CsrfField csrf=info.csrf/>
                                <Field label="Email address" name="email" kind="email" autocomplete="username" result required=true/>
                                <Field label="Password" name="password" kind="password" autocomplete="current-password" result required=true/>
                                <button type="submit" class="button" disabled=move || action.pending().get()>"Sign in"</button>
                            </ActionForm>
                            <p>"New to PACS Academy? "<a href="/signup">"Create an account"</a>"."</p>
                            <p class="fine">"You can read the courses without an account; signing in keeps a record of your progress."</p>
                        }.into_any(),
                        Err(e) => view! { <p role="alert">{e.to_string()}</p> }.into_any(),
                    }
                })}}
            </Suspense>
        </div>
    }
}
