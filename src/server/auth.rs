//! Passwords, sessions, CSRF and the role checks every server function uses.
//!
//! - Passwords: Argon2id (m = 19 MiB, t = 2, p = 1), at least 12 characters,
//!   checked against a list of common passwords (NCSC guidance).
//! - Sessions: a random 256-bit token in an HttpOnly, SameSite=Lax cookie
//!   (Secure over https); the database keeps only its SHA-256.
//! - CSRF: state-changing requests must come from this site (Origin and
//!   Sec-Fetch-Site) and carry the per-browser token from the `pa_csrf`
//!   cookie in a form field.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::LazyLock;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::{header, HeaderMap, HeaderValue, Method, Request, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use leptos::prelude::*;
use rand::RngCore;
use sha2::{Digest, Sha256};

use super::current_user::{CurrentUser, OptionalUser};
use super::db::now;
use super::repo::User;
use super::AppState;
use crate::accounts::Role;
use crate::error::AppError;

pub const SESSION_COOKIE: &str = "pa_session";
pub const CSRF_COOKIE: &str = "pa_csrf";
pub const SESSION_SECONDS: i64 = 14 * 24 * 3600;
/// Sign-in throttling window and limits.
pub const THROTTLE_SECONDS: i64 = 15 * 60;
pub const MAX_FAILURES_PER_ACCOUNT: u32 = 5;
pub const MAX_FAILURES_PER_ADDRESS: u32 = 20;

/// The CSRF token of this browser, put on the request by [`csrf_layer`].
#[derive(Clone, Debug)]
pub struct CsrfToken(pub String);

static COMMON_PASSWORDS: LazyLock<HashSet<String>> = LazyLock::new(|| {
    include_str!("../../data/common-passwords.txt")
        .lines()
        .map(|l| l.trim().to_lowercase())
        .filter(|l| !l.is_empty())
        .collect()
});

/// Why a password is not acceptable, in words for the person choosing it.
pub fn password_problem(password: &str, email: &str) -> Option<String> {
    let chars = password.chars().count();
    if chars < 12 {
        return Some(format!(
            "Use at least 12 characters (this has {chars}). Three random words make a strong, memorable password."
        ));
    }
    if chars > 256 {
        return Some("Use at most 256 characters.".into());
    }
    let lower = password.to_lowercase();
    if COMMON_PASSWORDS.contains(&lower) {
        return Some("This password is too common and easy to guess. Choose another, such as three random words.".into());
    }
    let local = email.split('@').next().unwrap_or("").to_lowercase();
    if local.len() >= 4 && lower.contains(&local) {
        return Some("Do not use your email address in your password.".into());
    }
    if password
        .chars()
        .all(|c| c == password.chars().next().unwrap_or(' '))
    {
        return Some("Do not repeat one character.".into());
    }
    None
}

fn argon2() -> Argon2<'static> {
    // Argon2id, version 0x13, m = 19456 KiB, t = 2, p = 1 (OWASP's baseline).
    Argon2::default()
}

pub fn hash_password(password: &str) -> Result<String, String> {
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    let salt = SaltString::encode_b64(&bytes).map_err(|e| e.to_string())?;
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            argon2()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Hashing is CPU-heavy: keep it off the async workers.
pub async fn hash_password_blocking(password: String) -> Result<String, String> {
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| e.to_string())?
}

pub async fn verify_password_blocking(password: String, hash: String) -> bool {
    tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .unwrap_or(false)
}

/// Verified when an email is unknown, so the answer takes as long either way.
pub static DUMMY_HASH: LazyLock<String> =
    LazyLock::new(|| hash_password("not a real password, only for timing").unwrap_or_default());

/// 32 random bytes, base64url.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

pub fn token_hash(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// The value of cookie `name` in the request headers.
pub fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

fn cookie(name: &str, value: &str, max_age: i64, secure: bool) -> String {
    format!(
        "{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{}",
        if secure { "; Secure" } else { "" }
    )
}

/// True when the request reached us over https (directly or via a proxy).
pub fn request_is_secure(headers: &HeaderMap, configured: bool) -> bool {
    configured
        || headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("https"))
}

fn same_origin(headers: &HeaderMap) -> Result<(), &'static str> {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok()) {
        let origin_host = origin
            .strip_prefix("https://")
            .or_else(|| origin.strip_prefix("http://"))
            .unwrap_or("");
        return match host {
            Some(h) if h == origin_host => Ok(()),
            _ => Err("the request came from another site"),
        };
    }
    match headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        None | Some("same-origin") | Some("none") => Ok(()),
        Some(_) => Err("the request came from another site"),
    }
}

/// Refuses cross-site state-changing requests, and gives every browser a
/// CSRF token cookie.
pub async fn csrf_layer(secure: bool, mut req: Request<axum::body::Body>, next: Next) -> Response {
    let changes_state = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if changes_state {
        if let Err(why) = same_origin(req.headers()) {
            tracing::warn!(path = %req.uri().path(), "refused: {why}");
            return (StatusCode::FORBIDDEN, format!("Refused: {why}.")).into_response();
        }
    }
    let existing =
        cookie_value(req.headers(), CSRF_COOKIE).filter(|t| t.len() >= 32 && t.len() <= 64);
    let secure = request_is_secure(req.headers(), secure);
    let (token, fresh) = match existing {
        Some(t) => (t, false),
        None => (random_token(), true),
    };
    req.extensions_mut().insert(CsrfToken(token.clone()));
    let mut res = next.run(req).await;
    if fresh {
        if let Ok(v) = HeaderValue::from_str(&cookie(CSRF_COOKIE, &token, 365 * 24 * 3600, secure))
        {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    res
}

// ---- Helpers for server functions -------------------------------------

pub fn state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| AppError::internal("server state is missing"))
}

fn parts() -> Option<axum::http::request::Parts> {
    use_context::<axum::http::request::Parts>()
}

/// A storage failure: logged here, "busy" (503) to the person.
pub fn storage_error(e: super::repo::RepoError) -> AppError {
    tracing::error!("{e}");
    AppError::Busy
}

/// This browser's CSRF token (from its cookie).
pub fn csrf_token() -> String {
    parts()
        .and_then(|p| p.extensions.get::<CsrfToken>().cloned())
        .map(|t| t.0)
        .unwrap_or_default()
}

/// Checks the token a form sent back against this browser's cookie.
pub fn check_csrf(submitted: &str) -> Result<(), AppError> {
    use subtle::ConstantTimeEq;
    let expected = csrf_token();
    if !expected.is_empty()
        && submitted.len() == expected.len()
        && bool::from(submitted.as_bytes().ct_eq(expected.as_bytes()))
    {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "This form has expired or did not come from PACS Academy. Reload the page and try again."
                .into(),
        ))
    }
}

pub fn client_address() -> String {
    parts()
        .and_then(|p| {
            p.extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0.ip().to_string())
        })
        .unwrap_or_else(|| "unknown".into())
}

fn session_token() -> Option<String> {
    parts().and_then(|p| cookie_value(&p.headers, SESSION_COOKIE))
}

fn secure() -> bool {
    let configured = use_context::<AppState>().is_some_and(|s| s.secure_cookies);
    parts().is_some_and(|p| request_is_secure(&p.headers, configured))
}

/// The signed-in user, if the session cookie is valid (the
/// [`OptionalUser`] extractor, run on this server function's request).
pub async fn current_user() -> Result<Option<User>, AppError> {
    let Some(mut parts) = parts() else {
        return Ok(None);
    };
    let state = state()?;
    OptionalUser::from_request_parts(&mut parts, &state)
        .await
        .map(|u| u.0)
}

/// The signed-in user, or 401 (the [`CurrentUser`] extractor).
pub async fn require_user() -> Result<User, AppError> {
    let mut parts = parts().ok_or(AppError::NotSignedIn)?;
    let state = state()?;
    CurrentUser::from_request_parts(&mut parts, &state)
        .await
        .map(|u| u.0)
}

/// A user with at least `role`, or 401/403.
pub async fn require_role(role: Role) -> Result<User, AppError> {
    CurrentUser(require_user().await?).at_least(role)
}

/// Whether `password` is the user's current password (for changing it or
/// deleting the account).
pub async fn is_current_password(user_id: i64, password: String) -> Result<bool, AppError> {
    if password.is_empty() || password.len() > 1024 {
        return Ok(false);
    }
    let hash = state()?
        .repo
        .password_hash(user_id)
        .await
        .map_err(storage_error)?
        .unwrap_or_default();
    Ok(verify_password_blocking(password, hash).await)
}

/// Starts a session for `user_id` and sets its cookie.
pub async fn start_session(user_id: i64) -> Result<(), AppError> {
    let state = state()?;
    let token = random_token();
    let now = now();
    state
        .repo
        .create_session(&token_hash(&token), user_id, now, now + SESSION_SECONDS)
        .await
        .map_err(storage_error)?;
    set_cookie(&cookie(SESSION_COOKIE, &token, SESSION_SECONDS, secure()));
    Ok(())
}

/// Ends this browser's session and clears its cookie.
pub async fn end_session() -> Result<(), AppError> {
    if let Some(token) = session_token() {
        state()?
            .repo
            .delete_session(&token_hash(&token))
            .await
            .map_err(storage_error)?;
    }
    set_cookie(&cookie(SESSION_COOKIE, "", 0, secure()));
    Ok(())
}

/// The hash of this browser's session token, to keep it when signing out elsewhere.
pub fn current_session_hash() -> Option<String> {
    session_token().map(|t| token_hash(&t))
}

fn set_cookie(value: &str) {
    if let (Some(res), Ok(v)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        HeaderValue::from_str(value),
    ) {
        res.append_header(header::SET_COOKIE, v);
    }
}

/// A simple, permissive email check: one `@`, something before it, a dot after.
pub fn email_problem(email: &str) -> Option<&'static str> {
    if email.is_empty() {
        return Some("Enter your email address.");
    }
    if email.len() > 254 {
        return Some("Email addresses have at most 254 characters.");
    }
    let valid = match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        }
        None => false,
    };
    (!valid).then_some("Enter an email address in the right format, like name@nhs.net.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_rules_follow_ncsc() {
        assert!(password_problem("short", "a@b.c")
            .unwrap()
            .contains("at least 12"));
        assert!(password_problem("1qaz2wsx3edc", "a@b.c")
            .unwrap()
            .contains("too common"));
        assert!(password_problem("1QAZ2WSX3EDC", "a@b.c")
            .unwrap()
            .contains("too common"));
        assert!(password_problem("janesmith-is-great", "janesmith@nhs.net").is_some());
        assert!(password_problem("aaaaaaaaaaaaaaa", "a@b.c").is_some());
        // No composition rules: lower-case words are fine.
        assert_eq!(
            password_problem("violet harbour pencil", "jane@nhs.net"),
            None
        );
        assert!(password_problem(&"x".repeat(300), "a@b.c").is_some());
    }

    #[test]
    fn the_common_password_list_is_loaded() {
        assert!(COMMON_PASSWORDS.len() > 9000);
    }

    #[test]
    fn hashes_are_argon2id_and_verify() {
        let h = hash_password("violet harbour pencil").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify_password("violet harbour pencil", &h));
        assert!(!verify_password("violet harbour pencils", &h));
        assert!(!verify_password("x", "not a hash"));
        assert_ne!(h, hash_password("violet harbour pencil").unwrap(), "salted");
    }

    #[test]
    fn tokens_are_random_and_hashed() {
        let a = random_token();
        assert_eq!(a.len(), 43);
        assert_ne!(a, random_token());
        assert_eq!(token_hash("abc").len(), 64);
        assert_eq!(
            token_hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn cookies_are_read_from_any_header() {
        let mut h = HeaderMap::new();
        h.append(header::COOKIE, "a=1; pa_session=tok".parse().unwrap());
        h.append(header::COOKIE, "pa_csrf=xyz".parse().unwrap());
        assert_eq!(cookie_value(&h, SESSION_COOKIE).as_deref(), Some("tok"));
        assert_eq!(cookie_value(&h, CSRF_COOKIE).as_deref(), Some("xyz"));
        assert_eq!(cookie_value(&h, "nope"), None);
    }

    #[test]
    fn cookie_attributes() {
        let c = cookie(SESSION_COOKIE, "t", 60, true);
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Lax") && c.contains("Secure"));
        assert!(!cookie(SESSION_COOKIE, "t", 60, false).contains("Secure"));
    }

    #[test]
    fn origin_checks() {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, "127.0.0.1:3000".parse().unwrap());
        assert!(same_origin(&h).is_ok());
        h.insert(header::ORIGIN, "http://127.0.0.1:3000".parse().unwrap());
        assert!(same_origin(&h).is_ok());
        h.insert(header::ORIGIN, "https://evil.example".parse().unwrap());
        assert!(same_origin(&h).is_err());
        h.remove(header::ORIGIN);
        h.insert("sec-fetch-site", "cross-site".parse().unwrap());
        assert!(same_origin(&h).is_err());
    }

    #[test]
    fn email_checks() {
        assert_eq!(email_problem("jane.smith@nhs.net"), None);
        assert!(email_problem("").is_some());
        assert!(email_problem("jane").is_some());
        assert!(email_problem("jane@nhs").is_some());
        assert!(email_problem("ja ne@nhs.net").is_some());
        assert!(email_problem("a@b@c.net").is_some());
    }
}
