//! Passwords, sessions, CSRF and the role checks every server function uses.
//!
//! - Passwords: Argon2id (m = 19 MiB, t = 2, p = 1), at least 12 characters,
//!   checked against a list of common passwords (NCSC guidance).
//!   Hashing and verifying run on the blocking pool behind a [`HashGate`]:
//!   at most one job per core at a time, a short queue, and a clear 503
//!   beyond it, so a flood of sign-ins cannot exhaust memory or starve
//!   the rest of the site.
//! - Sign-in attempts are reserved in the database before the password is
//!   verified (see [`Repository::reserve_sign_in`]) and throttled per
//!   (account, address) with growing delays; sign-ups per address.
//! - Sessions: a random 256-bit token in an HttpOnly, SameSite=Lax cookie
//!   (`__Host-` prefixed and Secure over https); the database keeps only its
//!   SHA-256. A new token at every sign-in; signing out or changing the
//!   password ends every session of the account. Sessions end after
//!   [`SESSION_SECONDS`] or when idle (see `repo::SESSION_IDLE_SECONDS`).
//! - CSRF: state-changing requests must come from this site (Origin with
//!   scheme, host and port, or Sec-Fetch-Site) and carry a token in a form
//!   field. A signed-in browser's token is derived from its session token
//!   ([`csrf_for_session`]), so it is bound to that session and changes
//!   with it; before sign-in it is the random token of the CSRF cookie.
//!
//! [`Repository::reserve_sign_in`]: super::repo::Repository::reserve_sign_in

use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock};
use std::time::Duration;

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
use super::repo::{ThrottleRules, User};
use super::AppState;
use crate::accounts::Role;
use crate::error::AppError;

/// Cookie names over plain http (local development and the browser tests).
pub const SESSION_COOKIE: &str = "pa_session";
pub const CSRF_COOKIE: &str = "pa_csrf";
/// Cookie names over https: the `__Host-` prefix makes the browser refuse
/// them unless set by this host, Secure, with Path=/ and no Domain, so a
/// neighbouring subdomain cannot plant a session.
pub const SECURE_SESSION_COOKIE: &str = "__Host-pa_session";
pub const SECURE_CSRF_COOKIE: &str = "__Host-pa_csrf";
/// Absolute lifetime of a session; the idle timeout is in `repo`.
pub const SESSION_SECONDS: i64 = 14 * 24 * 3600;

/// Sign-in and sign-up limits (see [`ThrottleRules`]).
pub const THROTTLE: ThrottleRules = ThrottleRules {
    window: 24 * 3600,
    free_failures: 5,
    base_delay: 60,
    max_delay: 3600,
    address_window: 15 * 60,
    address_ceiling: 100,
    sign_up_window: 3600,
    sign_ups_per_address: 20,
};

/// What a refused hashing job tells the person.
pub const BUSY_MESSAGE: &str =
    "Too many people are signing in right now. Try again in a few seconds.";
/// Seconds a client is asked to wait after [`BUSY_MESSAGE`].
pub const BUSY_RETRY_SECONDS: u32 = 5;

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

/// The gate every password hash and verification passes: Argon2 uses
/// 19 MiB and tens of milliseconds of one core per job, so without a bound
/// a flood of sign-ins runs hundreds at once.
#[derive(Debug)]
pub struct HashGate {
    permits: Arc<tokio::sync::Semaphore>,
    waiting: AtomicUsize,
    max_waiting: usize,
    wait: Duration,
    running: Arc<AtomicUsize>,
    peak: Arc<AtomicUsize>,
    runs: Arc<AtomicU64>,
}

/// A hashing job refused because the gate's queue was full or the wait ran out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}", BUSY_MESSAGE)]
pub struct Busy;

impl HashGate {
    /// At most `permits` jobs at once, `max_waiting` queued, each waiting at
    /// most `wait` for a turn.
    pub fn new(permits: usize, max_waiting: usize, wait: Duration) -> HashGate {
        HashGate {
            permits: Arc::new(tokio::sync::Semaphore::new(permits.max(1))),
            waiting: AtomicUsize::new(0),
            max_waiting,
            wait,
            running: Arc::new(AtomicUsize::new(0)),
            peak: Arc::new(AtomicUsize::new(0)),
            runs: Arc::new(AtomicU64::new(0)),
        }
    }

    /// One job per core, four queued per core, two seconds' wait.
    pub fn for_this_machine() -> HashGate {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        HashGate::new(cores, 4 * cores, Duration::from_secs(2))
    }

    /// Runs `job` on the blocking pool when a permit is free.
    pub async fn run<T: Send + 'static>(
        &self,
        job: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, Busy> {
        /// Leaves the queue however the wait ends, the request being
        /// dropped included.
        struct InQueue<'a>(&'a AtomicUsize);
        impl Drop for InQueue<'_> {
            fn drop(&mut self) {
                self.0.fetch_sub(1, Ordering::AcqRel);
            }
        }
        let queued = InQueue(&self.waiting);
        if self.waiting.fetch_add(1, Ordering::AcqRel) >= self.max_waiting {
            return Err(Busy);
        }
        let permit = tokio::time::timeout(self.wait, self.permits.clone().acquire_owned()).await;
        drop(queued);
        let permit = match permit {
            Ok(Ok(p)) => p,
            _ => return Err(Busy),
        };
        let (running, peak, runs) = (self.running.clone(), self.peak.clone(), self.runs.clone());
        // The permit moves into the job: if the request is dropped while the
        // job runs, the slot stays taken until the job really ends.
        tokio::task::spawn_blocking(move || {
            let now = running.fetch_add(1, Ordering::AcqRel) + 1;
            peak.fetch_max(now, Ordering::AcqRel);
            let out = job();
            running.fetch_sub(1, Ordering::AcqRel);
            runs.fetch_add(1, Ordering::AcqRel);
            drop(permit);
            out
        })
        .await
        .map_err(|_| Busy)
    }

    /// Jobs that ran to the end.
    pub fn runs(&self) -> u64 {
        self.runs.load(Ordering::Acquire)
    }

    /// The most jobs that ran at once.
    pub fn peak(&self) -> usize {
        self.peak.load(Ordering::Acquire)
    }
}

fn busy_error() -> AppError {
    if let (Some(res), Ok(v)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        HeaderValue::from_str(&BUSY_RETRY_SECONDS.to_string()),
    ) {
        res.insert_header(header::RETRY_AFTER, v);
    }
    tracing::warn!("{BUSY_MESSAGE}");
    AppError::Busy
}

/// Hashes a new password through the gate; 503 with Retry-After when busy.
pub async fn hash_password_blocking(password: String) -> Result<String, AppError> {
    let gate = state()?.hashing;
    match gate.run(move || hash_password(&password)).await {
        Ok(Ok(hash)) => Ok(hash),
        Ok(Err(e)) => Err(AppError::internal(format!("cannot hash password: {e}"))),
        Err(Busy) => Err(busy_error()),
    }
}

/// Verifies a password through the gate; 503 with Retry-After when busy.
pub async fn verify_password_blocking(password: String, hash: String) -> Result<bool, AppError> {
    let gate = state()?.hashing;
    gate.run(move || verify_password(&password, &hash))
        .await
        .map_err(|Busy| busy_error())
}

/// Verified when an email is unknown, so the answer takes as long either way.
pub static DUMMY_HASH: LazyLock<String> =
    LazyLock::new(|| hash_password("not a real password, only for timing").unwrap_or_default());

/// The CSRF token of the session whose token is `session_token`: a
/// domain-separated SHA-256 of the secret token, so it cannot be made
/// without the session cookie, is worthless with another session, and
/// (unlike the stored `token_hash`) is not in the database.
pub fn csrf_for_session(session_token: &str) -> String {
    let mut h = Sha256::new();
    h.update(b"pacs-academy csrf v1\0");
    h.update(session_token.as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(h.finalize())
}

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

/// The session cookie's name for a request over https (`secure`) or not.
pub fn session_cookie_name(secure: bool) -> &'static str {
    if secure {
        SECURE_SESSION_COOKIE
    } else {
        SESSION_COOKIE
    }
}

fn csrf_cookie_name(secure: bool) -> &'static str {
    if secure {
        SECURE_CSRF_COOKIE
    } else {
        CSRF_COOKIE
    }
}

/// The session token a request carries, under the name its scheme uses:
/// over https only the `__Host-` cookie counts. `configured` is
/// `AppState::secure_cookies`.
pub fn session_token_from(headers: &HeaderMap, configured: bool) -> Option<String> {
    cookie_value(
        headers,
        session_cookie_name(request_is_secure(headers, configured)),
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

/// `host[:port]` without the scheme's default port, lower-cased.
fn normalise_authority(authority: &str, secure: bool) -> String {
    let a = authority.to_ascii_lowercase();
    let default = if secure { ":443" } else { ":80" };
    a.strip_suffix(default).map(str::to_string).unwrap_or(a)
}

/// Whether a state-changing request comes from this site: its Origin must
/// have our scheme, host and port (an `http://` page of the same host is
/// another origin when we are served over https).
fn same_origin(headers: &HeaderMap, secure: bool) -> Result<(), &'static str> {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok()) {
        let scheme = if secure { "https://" } else { "http://" };
        let matches = match (origin.get(..scheme.len()), host) {
            (Some(prefix), Some(host)) if prefix.eq_ignore_ascii_case(scheme) => {
                normalise_authority(&origin[scheme.len()..], secure)
                    == normalise_authority(host, secure)
            }
            _ => false,
        };
        return if matches {
            Ok(())
        } else {
            Err("the request came from another site")
        };
    }
    match headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        None | Some("same-origin") | Some("none") => Ok(()),
        Some(_) => Err("the request came from another site"),
    }
}

/// Adds HSTS to responses served over https (never over plain http, where
/// it would be ignored or, behind a misconfigured proxy, wrong).
pub async fn hsts_layer(configured: bool, req: Request<axum::body::Body>, next: Next) -> Response {
    let secure = request_is_secure(req.headers(), configured);
    let mut res = next.run(req).await;
    if secure {
        res.headers_mut().insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    res
}

/// Refuses cross-site state-changing requests, gives every browser a CSRF
/// token cookie (except on a kept, shared page), and puts the token this request must carry on it: the
/// session's ([`csrf_for_session`]) when it has a session cookie, else the
/// cookie's.
pub async fn csrf_layer(secure: bool, mut req: Request<axum::body::Body>, next: Next) -> Response {
    let secure = request_is_secure(req.headers(), secure);
    let changes_state = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if changes_state {
        if let Err(why) = same_origin(req.headers(), secure) {
            tracing::warn!(path = %req.uri().path(), "refused: {why}");
            return (StatusCode::FORBIDDEN, format!("Refused: {why}.")).into_response();
        }
    }
    let name = csrf_cookie_name(secure);
    let existing = cookie_value(req.headers(), name).filter(|t| t.len() >= 32 && t.len() <= 64);
    let (browser_token, fresh) = match existing {
        Some(t) => (t, false),
        None => (random_token(), true),
    };
    let token = match cookie_value(req.headers(), session_cookie_name(secure)) {
        Some(session) => csrf_for_session(&session),
        None => browser_token.clone(),
    };
    req.extensions_mut().insert(CsrfToken(token));
    let mut res = next.run(req).await;
    // A kept page is the same for every visitor and carries no cookie
    // (see `page_cache`): the browser gets its token from the session API.
    let shared = res
        .extensions()
        .get::<super::page_cache::SharedPage>()
        .is_some();
    if fresh && !shared {
        if let Ok(v) = HeaderValue::from_str(&cookie(name, &browser_token, 365 * 24 * 3600, secure))
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

/// The CSRF token this browser's forms must carry (see [`csrf_layer`]).
pub fn csrf_token() -> String {
    parts()
        .and_then(|p| p.extensions.get::<CsrfToken>().cloned())
        .map(|t| t.0)
        .unwrap_or_default()
}

/// Whether this request renders a page that may be kept and shown to
/// other signed-out visitors (see [`super::page_cache`]).
pub fn on_shared_page() -> bool {
    parts().is_some_and(|p| {
        p.extensions
            .get::<super::page_cache::SharedPage>()
            .is_some()
    })
}

/// What a form with a missing or stale CSRF token is told.
pub const EXPIRED_FORM: &str =
    "This form has expired or did not come from PACS Academy. Reload the page and try again.";

/// Whether `submitted` is this browser's CSRF token, compared in constant
/// time. An empty expected token (no request) matches nothing.
pub fn csrf_matches(expected: &str, submitted: &str) -> bool {
    use subtle::ConstantTimeEq;
    !expected.is_empty()
        && submitted.len() == expected.len()
        && bool::from(submitted.as_bytes().ct_eq(expected.as_bytes()))
}

/// Checks the token a form sent back against this browser's session (or,
/// before sign-in, its CSRF cookie).
pub fn check_csrf(submitted: &str) -> Result<(), AppError> {
    if csrf_matches(&csrf_token(), submitted) {
        Ok(())
    } else {
        Err(AppError::Forbidden(EXPIRED_FORM.into()))
    }
}

/// After a server function succeeds: when the request was a plain HTML form
/// post (the page's script had not run, or there is none), send the browser
/// to `path` with a 303. A request from the page's script is left alone; the
/// page moves on itself.
pub fn after_plain_post_go_to(path: &str) {
    let plain = parts().is_some_and(|p| {
        p.headers
            .get(axum::http::header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/html"))
    });
    if plain {
        leptos_axum::redirect(path);
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

/// The address people reach this site at, such as
/// `https://academy.example.nhs.uk`, for addresses printed on paper: the
/// `PACS_PUBLIC_URL` setting when there is one, otherwise the scheme and
/// `Host` of this request.
pub fn public_origin() -> String {
    static CONFIGURED: LazyLock<Option<String>> = LazyLock::new(|| {
        std::env::var("PACS_PUBLIC_URL")
            .ok()
            .map(|u| u.trim().trim_end_matches('/').to_string())
            .filter(|u| u.starts_with("https://") || u.starts_with("http://"))
    });
    if let Some(url) = CONFIGURED.as_ref() {
        return url.clone();
    }
    let configured = use_context::<AppState>().is_some_and(|s| s.secure_cookies);
    match parts() {
        Some(p) => public_origin_of(&p.headers, configured),
        None => public_origin_of(&HeaderMap::new(), configured),
    }
}

/// [`public_origin`] for a request outside the app's render context (an
/// axum route): `PACS_PUBLIC_URL`, else the scheme and `Host` of `headers`.
pub fn public_origin_of(headers: &HeaderMap, configured_secure: bool) -> String {
    if let Ok(url) = std::env::var("PACS_PUBLIC_URL") {
        let url = url.trim().trim_end_matches('/');
        if url.starts_with("https://") || url.starts_with("http://") {
            return url.to_string();
        }
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| is_host(h))
        .unwrap_or("localhost");
    let scheme = if request_is_secure(headers, configured_secure) {
        "https"
    } else {
        "http"
    };
    format!("{scheme}://{host}")
}

/// A `Host` header value that is a plain host name or address with an
/// optional port (nothing that could smuggle markup or a path).
fn is_host(h: &str) -> bool {
    !h.is_empty()
        && h.len() <= 255
        && h.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'))
}

fn secure() -> bool {
    let configured = use_context::<AppState>().is_some_and(|s| s.secure_cookies);
    parts().is_some_and(|p| request_is_secure(&p.headers, configured))
}

fn session_token() -> Option<String> {
    let configured = use_context::<AppState>().is_some_and(|s| s.secure_cookies);
    parts().and_then(|p| session_token_from(&p.headers, configured))
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
    verify_password_blocking(password, hash).await
}

/// Starts a session for `user_id` with a new token and sets its cookie. The
/// session this browser had before (if any) ends, so a token planted before
/// sign-in is worthless after it.
pub async fn start_session(user_id: i64) -> Result<(), AppError> {
    let state = state()?;
    if let Some(old) = session_token() {
        state
            .repo
            .delete_session(&token_hash(&old))
            .await
            .map_err(storage_error)?;
    }
    let token = random_token();
    let now = now();
    state
        .repo
        .create_session(&token_hash(&token), user_id, now, now + SESSION_SECONDS)
        .await
        .map_err(storage_error)?;
    let secure = secure();
    set_cookie(&cookie(
        session_cookie_name(secure),
        &token,
        SESSION_SECONDS,
        secure,
    ));
    Ok(())
}

/// Ends every session of `user_id` and starts a new one in this browser
/// (after a password change: whoever held an old token is out).
pub async fn rotate_session(user_id: i64) -> Result<(), AppError> {
    state()?
        .repo
        .delete_sessions_of(user_id, None)
        .await
        .map_err(storage_error)?;
    start_session(user_id).await
}

/// Signs this browser's user out everywhere (every session of the account
/// ends) and clears the cookie.
pub async fn end_session() -> Result<(), AppError> {
    if let Some(token) = session_token() {
        let state = state()?;
        let hash = token_hash(&token);
        if let Some(user) = state
            .repo
            .session_user(&hash, now())
            .await
            .map_err(storage_error)?
        {
            state
                .repo
                .delete_sessions_of(user.id, None)
                .await
                .map_err(storage_error)?;
        }
        state
            .repo
            .delete_session(&hash)
            .await
            .map_err(storage_error)?;
    }
    let secure = secure();
    set_cookie(&cookie(session_cookie_name(secure), "", 0, secure));
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
    fn csrf_tokens_are_bound_to_the_session() {
        let a = csrf_for_session("session-a");
        assert_eq!(a.len(), 43);
        assert_eq!(a, csrf_for_session("session-a"));
        assert_ne!(a, csrf_for_session("session-b"));
        assert_ne!(a, token_hash("session-a"), "not the stored hash");
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
        assert!(same_origin(&h, false).is_ok());
        h.insert(header::ORIGIN, "http://127.0.0.1:3000".parse().unwrap());
        assert!(same_origin(&h, false).is_ok());
        h.insert(header::ORIGIN, "http://127.0.0.1:3001".parse().unwrap());
        assert!(same_origin(&h, false).is_err(), "another port");
        h.insert(header::ORIGIN, "https://evil.example".parse().unwrap());
        assert!(same_origin(&h, false).is_err());
        h.remove(header::ORIGIN);
        h.insert("sec-fetch-site", "cross-site".parse().unwrap());
        assert!(same_origin(&h, false).is_err());
    }

    #[test]
    fn origin_checks_compare_the_scheme() {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, "academy.nhs.test".parse().unwrap());
        h.insert(header::ORIGIN, "http://academy.nhs.test".parse().unwrap());
        assert!(same_origin(&h, true).is_err(), "http page, https site");
        assert!(same_origin(&h, false).is_ok());
        h.insert(header::ORIGIN, "https://academy.nhs.test".parse().unwrap());
        assert!(same_origin(&h, true).is_ok());
        assert!(same_origin(&h, false).is_err(), "https page, http site");
        h.insert(
            header::ORIGIN,
            "HTTPS://Academy.NHS.test:443".parse().unwrap(),
        );
        assert!(same_origin(&h, true).is_ok(), "default port and case");
        h.insert(
            header::ORIGIN,
            "https://academy.nhs.test.evil.example".parse().unwrap(),
        );
        assert!(same_origin(&h, true).is_err());
        h.insert(header::ORIGIN, "null".parse().unwrap());
        assert!(same_origin(&h, true).is_err());
    }

    #[test]
    fn cookie_names_follow_the_scheme() {
        assert_eq!(session_cookie_name(true), "__Host-pa_session");
        assert_eq!(session_cookie_name(false), "pa_session");
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            "pa_session=plain; __Host-pa_session=host".parse().unwrap(),
        );
        assert_eq!(session_token_from(&h, false).as_deref(), Some("plain"));
        assert_eq!(session_token_from(&h, true).as_deref(), Some("host"));
        h.insert(header::COOKIE, "pa_session=planted".parse().unwrap());
        assert_eq!(
            session_token_from(&h, true),
            None,
            "no plain cookie over https"
        );
    }

    #[tokio::test]
    async fn the_hash_gate_bounds_concurrency_and_refuses_beyond_its_queue() {
        let gate = Arc::new(HashGate::new(2, 3, Duration::from_secs(30)));
        let (release, hold) = std::sync::mpsc::channel::<()>();
        let hold = Arc::new(std::sync::Mutex::new(hold));
        let mut jobs = Vec::new();
        for _ in 0..5 {
            let gate = gate.clone();
            let hold = hold.clone();
            jobs.push(tokio::spawn(async move {
                gate.run(move || {
                    let _ = hold.lock().map(|h| h.recv());
                })
                .await
            }));
        }
        // Two run, three wait: the queue is full, so a sixth is refused at once.
        while gate.waiting.load(Ordering::Acquire) < 3 {
            tokio::task::yield_now().await;
        }
        assert_eq!(gate.run(|| ()).await, Err(Busy));
        for _ in 0..5 {
            release.send(()).unwrap();
        }
        for j in jobs {
            assert_eq!(j.await.unwrap(), Ok(()));
        }
        assert_eq!(gate.runs(), 5);
        assert!(gate.peak() <= 2, "peak {}", gate.peak());
        // A short wait runs out while the permits are held.
        let gate = Arc::new(HashGate::new(1, 10, Duration::from_millis(50)));
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let g = gate.clone();
        let first = tokio::spawn(async move { g.run(move || rx.recv().ok()).await });
        while gate.running.load(Ordering::Acquire) == 0 {
            tokio::task::yield_now().await;
        }
        assert_eq!(gate.run(|| ()).await, Err(Busy));
        tx.send(()).unwrap();
        assert!(first.await.unwrap().is_ok());
    }

    #[test]
    fn delays_grow_after_the_free_failures() {
        let r = THROTTLE;
        assert_eq!(r.delay_after(4), 0);
        assert_eq!(r.delay_after(5), 60);
        assert_eq!(r.delay_after(6), 120);
        assert_eq!(r.delay_after(7), 240);
        assert_eq!(r.delay_after(100), 3600);
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
