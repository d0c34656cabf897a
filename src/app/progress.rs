//! Learner progress: completing modules and recording exercise attempts.
//! The module page and (later) the exercise pages call these.

// Server functions take one argument per form field, and the generated
// client function has the same list: an attempt has eight.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

#[cfg(feature = "ssr")]
use crate::content::Level;
#[cfg(feature = "ssr")]
use crate::server::repo::NewAttempt;

/// Whether the signed-in user completed a module; `None` when signed out.
#[server(input = GetUrl, endpoint = "progress/module")]
pub async fn get_module_progress(
    level: String,
    slug: String,
) -> Result<Option<bool>, ServerFnError> {
    use crate::server::auth;
    let Some(user) = auth::current_user().await? else {
        return Ok(None);
    };
    let level = Level::from_slug(&level);
    let done = auth::state()?
        .repo
        .completed_modules(user.id)
        .await
        .map_err(auth::storage_error)?
        .iter()
        .any(|m| Some(m.level) == level && m.slug == slug);
    Ok(Some(done))
}

/// Marks a module complete (or not) for the signed-in user.
#[server(endpoint = "progress/complete")]
pub async fn set_module_complete(
    csrf: String,
    level: String,
    slug: String,
    complete: bool,
) -> Result<bool, ServerFnError> {
    use crate::server::{auth, db::now};
    use axum::http::StatusCode;
    auth::check_csrf(&csrf)?;
    let user = auth::require_user().await?;
    let state = auth::state()?;
    let level = Level::from_slug(&level)
        .filter(|l| state.content.module(*l, &slug).is_some())
        .ok_or_else(|| auth::deny(StatusCode::NOT_FOUND, "There is no such module."))?;
    if complete {
        state
            .repo
            .mark_module_complete(user.id, level, &slug, now())
            .await
    } else {
        state
            .repo
            .unmark_module_complete(user.id, level, &slug)
            .await
    }
    .map_err(auth::storage_error)?;
    Ok(complete)
}

/// Records one exercise attempt for the signed-in user. Returns its id.
#[server(endpoint = "progress/attempt")]
pub async fn record_exercise_attempt(
    csrf: String,
    kind: String,
    level: String,
    topic: String,
    seed: u64,
    answer: String,
    correct: bool,
    time_taken_ms: u64,
) -> Result<i64, ServerFnError> {
    use crate::server::{auth, db::now};
    use axum::http::StatusCode;
    auth::check_csrf(&csrf)?;
    let user = auth::require_user().await?;
    let level = Level::from_slug(&level)
        .ok_or_else(|| auth::deny(StatusCode::BAD_REQUEST, "Unknown level."))?;
    let bad = |what: &str| auth::deny(StatusCode::BAD_REQUEST, what);
    if kind.is_empty()
        || kind.len() > 64
        || !kind
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(bad(
            "The exercise kind must be 1 to 64 letters, digits, '-' or '_'.",
        ));
    }
    if topic.is_empty() || topic.len() > 80 {
        return Err(bad("The topic must be 1 to 80 characters."));
    }
    if answer.len() > 4096 {
        return Err(bad("The answer is longer than 4096 bytes."));
    }
    if time_taken_ms > 24 * 3600 * 1000 {
        return Err(bad("The time taken is longer than a day."));
    }
    let attempt = NewAttempt {
        kind,
        level,
        topic,
        seed,
        answer,
        correct,
        time_taken_ms,
    };
    auth::state()?
        .repo
        .record_attempt(user.id, &attempt, now())
        .await
        .map_err(auth::storage_error)
}
