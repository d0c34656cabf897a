//! Who is signed in, shared by every page, plus the form helpers that carry
//! the CSRF token and show field errors.

use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use crate::accounts::{FormResult, Role, SessionInfo};

/// The signed-in user (if any) and this browser's CSRF token.
#[server(input = GetUrl, endpoint = "session")]
pub async fn get_session_info() -> Result<SessionInfo, AppError> {
    use crate::accounts::UserView;
    use crate::server::auth;
    let user = auth::current_user().await?.map(|u| UserView {
        id: u.id,
        name: u.name,
        email: u.email,
        role: u.role,
        organisation: u.organisation,
    });
    // A page that may be kept and shown to other visitors carries no
    // token; the browser asks for its own once the page is running.
    let csrf = if auth::on_shared_page() {
        String::new()
    } else {
        auth::csrf_token()
    };
    Ok(SessionInfo { user, csrf })
}

/// Signs this browser out.
#[server(endpoint = "account/sign_out")]
pub async fn sign_out(csrf: String) -> Result<(), AppError> {
    use crate::server::auth;
    auth::check_csrf(&csrf)?;
    auth::end_session().await
}

/// The session, loaded once per page load and shared through context.
#[derive(Clone, Copy)]
pub struct Session(pub Resource<Result<SessionInfo, AppError>>);

pub fn provide_session() {
    let session = Resource::new(|| (), |_| get_session_info());
    // A kept reading page is shared by every signed-out visitor, so its
    // session carries no CSRF token (see server::page_cache): once the
    // page runs, fetch this browser's own, so that forms reached from it
    // (sign in, after a client-side navigation) can be sent.
    Effect::new(move |fetched: Option<bool>| {
        if fetched == Some(true) {
            return true;
        }
        match session.get() {
            Some(Ok(info)) if info.csrf.is_empty() => {
                session.refetch();
                true
            }
            Some(_) => true,
            None => false,
        }
    });
    provide_context(Session(session));
}

pub fn use_session() -> Session {
    expect_context::<Session>()
}

/// What to tell the person about `e`.
pub fn error_text(e: &AppError) -> String {
    e.to_string()
}

/// The outcome of a form action as a `FormResult`, errors included.
pub fn form_result(
    value: impl Get<Value = Option<Result<FormResult, AppError>>> + Send + Sync + 'static,
) -> Signal<Option<FormResult>> {
    Signal::derive(move || value.get().map(|r| r.unwrap_or_else(|e| form_failure(&e))))
}

/// A failed form call as a `FormResult`: an error about one field is shown
/// in the summary and beside that field (when the form shows it).
fn form_failure(e: &AppError) -> FormResult {
    match e {
        AppError::BadRequest {
            field: Some(field),
            message,
        } => FormResult {
            ok: false,
            message: Some(message.clone()),
            errors: vec![crate::accounts::FieldError {
                field: field.clone(),
                message: message.clone(),
            }],
        },
        other => FormResult::failure(error_text(other)),
    }
}

/// Once a form succeeds, loads `path` (a full load, see [`go_to`]).
pub fn go_to_on_success(result: Signal<Option<FormResult>>, path: impl Into<String>) {
    let path: String = path.into();
    Effect::new(move |_| {
        if result.get().is_some_and(|r| r.ok) {
            go_to(&path);
        }
    });
}

/// The sign-in address that comes back to `here` (a path on this site,
/// with its query) once signed in.
pub fn sign_in_href(here: &str) -> String {
    let next: String = form_urlencoded::byte_serialize(here.as_bytes()).collect();
    format!("/signin?next={next}")
}

/// The sign-in address that comes back to the page being shown.
pub fn sign_in_here() -> String {
    let location = leptos_router::hooks::use_location();
    let here = format!(
        "{}{}",
        location.pathname.get_untracked(),
        location
            .search
            .get_untracked()
            .trim_start_matches('?')
            .split('&')
            .filter(|p| !p.is_empty())
            .fold(String::new(), |mut q, p| {
                q.push(if q.is_empty() { '?' } else { '&' });
                q.push_str(p);
                q
            })
    );
    sign_in_href(&here)
}

/// Where to go after signing in, from `?next=`: only a path on this site.
/// Another site (`//evil.example`, `https:…`), a backslash (which some
/// browsers read as a slash) or control characters give `None`, and the
/// caller goes to the dashboard instead.
pub fn safe_next(next: Option<&str>) -> Option<String> {
    let next = next?;
    let ok = next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && !next.chars().any(char::is_control)
        && next.len() <= 1024
        && !next.starts_with("/signin");
    ok.then(|| next.to_string())
}

#[cfg(test)]
mod tests {
    use super::{safe_next, sign_in_href};

    #[test]
    fn only_paths_on_this_site_are_returned_to() {
        assert_eq!(safe_next(Some("/trainer")), Some("/trainer".into()));
        assert_eq!(
            safe_next(Some("/exercises/hl7-merge/foundation/3?answer=x")),
            Some("/exercises/hl7-merge/foundation/3?answer=x".into())
        );
        for bad in [
            "//evil.example/",
            "https://evil.example/",
            "/\\evil.example",
            "javascript:alert(1)",
            "evil.example",
            "/ok\nSet-Cookie: x",
            "/signin",
            "",
        ] {
            assert_eq!(safe_next(Some(bad)), None, "{bad:?}");
        }
        assert_eq!(safe_next(None), None);
    }

    #[test]
    fn the_sign_in_link_carries_the_page_encoded() {
        assert_eq!(
            sign_in_href("/trainer/learners/4?tab=a&b=c"),
            "/signin?next=%2Ftrainer%2Flearners%2F4%3Ftab%3Da%26b%3Dc"
        );
    }
}

/// Loads the page in the browser (a full load, so every part of the page
/// sees the new session).
pub fn go_to(_path: &str) {
    #[cfg(feature = "hydrate")]
    {
        let _ = window().location().set_href(_path);
    }
}

#[component]
pub fn CsrfField(csrf: String) -> impl IntoView {
    view! { <input type="hidden" name="csrf" value=csrf/> }
}

/// A labelled input with an optional hint and an error shown next to it.
#[component]
pub fn Field(
    #[prop(into)] label: String,
    name: &'static str,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] autocomplete: &'static str,
    #[prop(optional, into)] hint: Option<String>,
    #[prop(into)] result: Signal<Option<FormResult>>,
    #[prop(optional)] required: bool,
) -> impl IntoView {
    let id = format!("field-{name}");
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let error = move || result.get().and_then(|r| r.error_for(name));
    let described = {
        let hint_id = hint_id.clone();
        let error_id = error_id.clone();
        let has_hint = hint.is_some();
        move || {
            let mut ids = Vec::new();
            if has_hint {
                ids.push(hint_id.clone());
            }
            if error().is_some() {
                ids.push(error_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    view! {
        <div class="form-group" class:form-group-error=move || error().is_some()>
            <label for=id.clone()>{label}</label>
            {hint.map(|h| view! { <p class="hint" id=hint_id.clone()>{h}</p> })}
            {move || error().map(|e| view! { <p class="field-error" id=error_id.clone()><span class="visually-hidden">"Error: "</span>{e}</p> })}
            <input
                id=id.clone()
                name=name
                type=kind
                autocomplete=autocomplete
                required=required
                aria-invalid=move || if error().is_some() { "true" } else { "false" }
                aria-describedby=described
            />
        </div>
    }
}

/// The message for the whole form: a status on success; on failure an
/// error summary (the GOV.UK pattern): "There is a problem", then each
/// field's error as a link to that field (`#field-{name}`, the id every
/// form here gives its inputs), and focus moved to the summary so that a
/// screen reader announces it and the keyboard starts from it.
#[component]
pub fn FormMessage(#[prop(into)] result: Signal<Option<FormResult>>) -> impl IntoView {
    let summary = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        if result.get().is_some_and(|r| !r.ok) {
            if let Some(el) = summary.get() {
                let _ = el.focus();
            }
        }
    });
    move || {
        result.get().and_then(|r| {
            if r.ok {
                return r.message.map(|m| {
                    view! { <div class="notice notice-success" role="status"><p>{m}</p></div> }
                        .into_any()
                });
            }
            // With field errors the list says it all ("Please correct the
            // highlighted fields" would only repeat the heading).
            let general = r.message.filter(|_| r.errors.is_empty());
            Some(
                view! {
                    <div class="error-summary" role="alert" tabindex="-1" node_ref=summary aria-labelledby="error-summary-title">
                        <h2 id="error-summary-title" class="error-summary-title">"There is a problem"</h2>
                        {general.map(|m| view! { <p>{m}</p> })}
                        {(!r.errors.is_empty()).then(|| view! {
                            <ul class="error-summary-list">
                                // In-page links focus their target (see `in_page_links`).
                                {r.errors.iter().map(|e| view! {
                                    <li><a href=format!("#field-{}", e.field)>{e.message.clone()}</a></li>
                                }).collect_view()}
                            </ul>
                        })}
                    </div>
                }
                .into_any(),
            )
        })
    }
}

/// Shows `children` to users with at least `role`; others get a sign-in or
/// permission message. The server checks again in every server function.
#[component]
pub fn RequireRole(role: Role, children: ChildrenFn) -> impl IntoView {
    let session = use_session();
    let children = StoredValue::new(children);
    view! {
        <Suspense fallback=|| view! { <p role="status">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match session.0.await {
                    Ok(SessionInfo { user: Some(u), .. }) if u.role >= role => {
                        children.read_value()().into_any()
                    }
                    Ok(SessionInfo { user: Some(_), .. }) => view! {
                        <div class="notice notice-error" role="alert">
                            <h2>"You do not have access to this page"</h2>
                            <p>"This page is for " {role.title().to_lowercase()} "s. Ask an administrator if you need access."</p>
                        </div>
                    }.into_any(),
                    _ => view! {
                        <div class="notice">
                            <h2>"Please sign in"</h2>
                            <p><a href=sign_in_here()>"Sign in"</a>" or "<a href="/signup">"create an account"</a>" to see this page."</p>
                        </div>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}
