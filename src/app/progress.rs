//! Learner progress: completing modules and recording exercise attempts.
//! The module page calls these; exercise attempts are recorded by the
//! exercise pages' own server function, which grades them
//! (`app::exercises::check_exercise`).

use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

#[cfg(feature = "ssr")]
use crate::content::Level;

/// Whether the signed-in user completed a module; `None` when signed out.
#[server(input = GetUrl, endpoint = "progress/module")]
pub async fn get_module_progress(level: String, slug: String) -> Result<Option<bool>, AppError> {
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
) -> Result<bool, AppError> {
    use crate::server::auth;
    auth::check_csrf(&csrf)?;
    let user = auth::require_user().await?;
    let state = auth::state()?;
    let level = Level::from_slug(&level)
        .filter(|l| state.content.module(*l, &slug).is_some())
        .ok_or_else(|| AppError::not_found("There is no such module."))?;
    if complete {
        state
            .repo
            .mark_module_complete(user.id, level, &slug, state.now())
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
