//! Who is asking: the one way every route and server function learns it.
//!
//! Contract:
//! - [`CurrentUser`] (signed in, or a 401 [`AppError::NotSignedIn`]) and
//!   [`OptionalUser`] are axum extractors. Routes take them as arguments;
//!   server functions reach them through [`super::auth::require_user`],
//!   [`super::auth::require_role`] and [`super::auth::current_user`], which
//!   run the same extractor on the request Leptos hands them.
//! - The session cookie is looked up in the database at most once per
//!   request: [`session_layer`] gives each request an empty, shared cell, and
//!   the first extraction fills it (Leptos clones the request parts for
//!   every server function and page resource; the clones share the cell).
//!   A failed lookup is not cached, so a later extraction tries again.
//! - The cached answer is the session as the request arrived: a server
//!   function that signs in or out does not change it for the rest of that
//!   request.

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::Response;
use tokio::sync::OnceCell;

use super::auth;
use super::repo::User;
use super::AppState;
use crate::accounts::Role;
use crate::error::AppError;

/// The session looked up for this request (empty until someone asks).
#[derive(Clone, Default)]
struct SessionCell(Arc<OnceCell<Option<User>>>);

/// Gives every request an empty [`SessionCell`] before the app sees it.
pub async fn session_layer(mut req: axum::extract::Request, next: Next) -> Response {
    req.extensions_mut().insert(SessionCell::default());
    next.run(req).await
}

/// The signed-in user, from the session cookie, looked up once per request.
async fn lookup(parts: &mut Parts, state: &AppState) -> Result<Option<User>, AppError> {
    let cell = match parts.extensions.get::<SessionCell>() {
        Some(cell) => cell.clone(),
        None => {
            let cell = SessionCell::default();
            parts.extensions.insert(cell.clone());
            cell
        }
    };
    let headers = &parts.headers;
    cell.0
        .get_or_try_init(|| async {
            let Some(token) = auth::session_token_from(headers, state.secure_cookies) else {
                return Ok(None);
            };
            state
                .repo
                .session_user(&auth::token_hash(&token), state.now())
                .await
                .map_err(auth::storage_error)
        })
        .await
        .cloned()
}

/// The user behind the request, who must be signed in.
#[derive(Clone, Debug)]
pub struct CurrentUser(pub User);

impl CurrentUser {
    /// The user, if their role is at least `role`; otherwise 403.
    pub fn at_least(self, role: Role) -> Result<User, AppError> {
        if self.0.role >= role {
            Ok(self.0)
        } else {
            Err(AppError::forbidden())
        }
    }
}

/// The user behind the request, if anyone is signed in.
#[derive(Clone, Debug)]
pub struct OptionalUser(pub Option<User>);

impl FromRequestParts<AppState> for OptionalUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        lookup(parts, state).await.map(OptionalUser)
    }
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        lookup(parts, state)
            .await?
            .map(CurrentUser)
            .ok_or(AppError::NotSignedIn)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::db::{now, Db};
    use crate::server::repo::{NewUser, Repository};
    use axum::http::{header, Request};

    async fn state_with_db(dir: &tempfile::TempDir) -> (AppState, Db) {
        let db = Db::connect(&format!("sqlite://{}", dir.path().join("t.db").display()))
            .await
            .unwrap();
        let content = concat!(env!("CARGO_MANIFEST_DIR"), "/content");
        let options = leptos::prelude::LeptosOptions::builder()
            .output_name("test")
            .build();
        let state = AppState::new(options, content.as_ref(), Arc::new(db.clone()), false);
        (state, db)
    }

    fn request_parts(token: &str) -> Parts {
        let (mut parts, ()) = Request::get("/")
            .header(header::COOKIE, format!("pa_session={token}"))
            .body(())
            .unwrap()
            .into_parts();
        // What `session_layer` does before the app sees the request.
        parts.extensions.insert(SessionCell::default());
        parts
    }

    #[tokio::test]
    async fn the_session_is_looked_up_once_per_request_and_shared_by_its_clones() {
        let dir = tempfile::tempdir().unwrap();
        let (state, db) = state_with_db(&dir).await;
        let first = request_parts("tok");
        // Leptos hands each server function and page resource a clone.
        let mut a = first.clone();
        let mut b = first.clone();
        let nobody = OptionalUser::from_request_parts(&mut a, &state)
            .await
            .unwrap();
        assert!(nobody.0.is_none());
        // The session appears in the database mid-request...
        let user = db
            .create_user(NewUser {
                email: "ann@a.test",
                name: "Ann",
                organisation_id: None,
                role: Role::Trainer,
                password_hash: "x",
            })
            .await
            .unwrap();
        db.create_session(&auth::token_hash("tok"), user.id, now(), now() + 60)
            .await
            .unwrap();
        // ...but this request already asked, so it is not asked again.
        let again = CurrentUser::from_request_parts(&mut b, &state).await;
        assert_eq!(again.unwrap_err(), AppError::NotSignedIn);
        // The next request sees it, and roles are checked on it.
        let mut next = request_parts("tok");
        let who = CurrentUser::from_request_parts(&mut next, &state)
            .await
            .unwrap();
        assert_eq!(who.0.id, user.id);
        assert_eq!(who.clone().at_least(Role::Trainer).unwrap().id, user.id);
        assert_eq!(
            who.at_least(Role::Admin).unwrap_err(),
            AppError::forbidden()
        );
    }
}
