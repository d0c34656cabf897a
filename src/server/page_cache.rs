//! Finished reading pages, kept: a signed-out request for the home page, a
//! course or a module is answered from the rendered, compressed response
//! of an earlier one while the content has not changed.
//!
//! - **What is kept**: `GET` of `/`, `/foundation`, `/intermediate` and
//!   `/{level}/{slug}` with no query, from a browser with no session
//!   cookie, when the page answered 200 as HTML, set no cookie and did not
//!   contain the browser's CSRF token (so nothing personal is kept).
//! - **Key**: the path; each entry remembers the content revision it was
//!   rendered from ([`ContentStore::revision`]), and is rendered again when
//!   a module file changed on disk or a trainer saved one. Each entry holds
//!   the page as it is, brotli and gzip, so a hit negotiates and sends
//!   bytes; nothing is compressed per request.
//! - **Scripts**: a rendered page's inline scripts carry that response's
//!   CSP nonce. A nonce that many responses share is no secret, so a kept
//!   page drops it and its policy allows exactly its own inline scripts by
//!   their SHA-256 hashes (CSP Level 3 hash sources) instead.
//! - **Bounds**: bodies over [`MAX_BODY`] are not kept, nor more than
//!   [`MAX_ENTRIES`] pages (paths are limited to the course routes, so the
//!   modules themselves bound it).
//!
//! [`ContentStore::revision`]: crate::content::store::ContentStore::revision

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderMap, HeaderValue, Method, Request, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::precompress::{self, Encoding};
use super::AppState;

/// Pages larger than this are always rendered (the largest module is
/// about 200 KB).
pub const MAX_BODY: usize = 4 << 20;
/// Pages kept at most.
pub const MAX_ENTRIES: usize = 512;
/// Brotli quality for kept pages: each is compressed once per revision,
/// while its first visitor waits, so a fast setting close to the best.
const PAGE_BROTLI_QUALITY: u32 = 9;

/// Marks a request whose page may be kept and shown to other visitors:
/// what it renders must not be personal, so the session it reports
/// carries no CSRF token (the browser fetches its own after hydration).
#[derive(Clone, Copy, Debug)]
pub struct SharedPage;

/// One kept page.
struct Entry {
    revision: u64,
    status: StatusCode,
    headers: HeaderMap,
    etag: HeaderValue,
    identity: Bytes,
    gzip: Bytes,
    brotli: Bytes,
}

/// The kept pages, shared by every request.
#[derive(Default)]
pub struct PageCache {
    entries: RwLock<HashMap<String, Arc<Entry>>>,
}

impl PageCache {
    fn get(&self, path: &str) -> Option<Arc<Entry>> {
        self.entries
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(path)
            .cloned()
    }

    fn put(&self, path: &str, entry: Arc<Entry>) {
        let mut entries = self.entries.write().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= MAX_ENTRIES && !entries.contains_key(path) {
            // Only course pages are kept, so this means the content grew
            // past the bound: start again rather than track ages.
            entries.clear();
        }
        entries.insert(path.to_string(), entry);
    }

    /// How many pages are kept (for tests and the health check).
    pub fn len(&self) -> usize {
        self.entries.read().unwrap_or_else(|e| e.into_inner()).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Whether `path` is a reading page that may be kept.
fn is_reading_page(path: &str) -> bool {
    let slug_ok = |s: &str| {
        !s.is_empty()
            && s.len() <= 100
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    };
    let mut parts = path.strip_prefix('/').unwrap_or("-").split('/');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(""), None, None) => true,
        (Some("foundation" | "intermediate"), None, None) => true,
        (Some("foundation" | "intermediate"), Some(slug), None) => slug_ok(slug),
        _ => false,
    }
}

/// The middleware: answers from the cache, or renders and keeps.
pub async fn layer(state: AppState, req: Request<Body>, next: Next) -> Response {
    let path = req.uri().path();
    let cacheable = req.method() == Method::GET
        && req.uri().query().is_none()
        && is_reading_page(path)
        && super::auth::session_token_from(req.headers(), state.secure_cookies).is_none();
    if !cacheable {
        return next.run(req).await;
    }
    let path = path.to_string();
    let revision = state.content.revision();
    let encoding = Encoding::negotiate(
        req.headers()
            .get(header::ACCEPT_ENCODING)
            .and_then(|v| v.to_str().ok()),
    );
    let if_none_match = req.headers().get(header::IF_NONE_MATCH).cloned();
    if let Some(entry) = state.pages.get(&path).filter(|e| e.revision == revision) {
        return answer(&entry, encoding, if_none_match.as_ref());
    }
    let csrf = req
        .extensions()
        .get::<super::auth::CsrfToken>()
        .map(|t| t.0.clone());
    let mut req = req;
    req.extensions_mut().insert(SharedPage);
    let res = next.run(req).await;
    let keepable = res.status() == StatusCode::OK
        && !res.headers().contains_key(header::SET_COOKIE)
        && !res.headers().contains_key(header::CONTENT_ENCODING)
        && res
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| t.starts_with("text/html"));
    if !keepable {
        return res;
    }
    let (parts, body) = res.into_parts();
    let bytes = match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(bytes) => bytes,
        Err(e) => {
            // Too large, or the page failed while streaming: nothing to
            // keep, and the response is already lost.
            tracing::warn!(%path, "page not kept: {e}");
            return (
                StatusCode::INTERNAL_SERVER_ERROR,
                "The page could not be finished. Please reload.",
            )
                .into_response();
        }
    };
    let personal = csrf
        .as_deref()
        .is_some_and(|t| !t.is_empty() && contains(&bytes, t.as_bytes()));
    if personal {
        let mut res = Response::from_parts(parts, Body::from(bytes));
        res.headers_mut().remove(header::CONTENT_LENGTH);
        return res;
    }
    let entry = tokio::task::spawn_blocking(move || {
        make_entry(revision, parts.status, parts.headers, bytes)
    })
    .await;
    match entry {
        Ok(entry) => {
            let entry = Arc::new(entry);
            state.pages.put(&path, entry.clone());
            answer(&entry, encoding, if_none_match.as_ref())
        }
        Err(e) => {
            tracing::error!(%path, "page compression failed: {e}");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "The page could not be finished. Please reload.",
            )
                .into_response()
        }
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

/// Builds a kept page from a rendered one: nonce dropped, policy by
/// hashes, three encodings, an ETag.
fn make_entry(revision: u64, status: StatusCode, mut headers: HeaderMap, body: Bytes) -> Entry {
    use sha2::{Digest, Sha256};
    let mut html = String::from_utf8_lossy(&body).into_owned();
    let nonce = headers
        .get(header::CONTENT_SECURITY_POLICY)
        .and_then(|v| v.to_str().ok())
        .and_then(nonce_of)
        .map(str::to_string);
    // Only the scripts the renderer vouched for, by this response's
    // nonce: markup that slipped through escaping stays blocked.
    let scripts: Vec<String> = nonce
        .as_deref()
        .map(|n| {
            inline_scripts(&html, n)
                .into_iter()
                .map(String::from)
                .collect()
        })
        .unwrap_or_default();
    if let Some(nonce) = &nonce {
        html = html.replace(&format!(" nonce=\"{nonce}\""), "");
    }
    let hashes: Vec<String> = scripts
        .iter()
        .map(|s| {
            use base64::Engine;
            let digest = Sha256::digest(s.as_bytes());
            format!(
                "'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(digest)
            )
        })
        .collect();
    let policy = super::content_security_policy_with(&hashes.join(" "));
    if let Ok(v) = HeaderValue::from_str(&policy) {
        headers.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    for name in [
        header::CONTENT_LENGTH,
        header::CONTENT_ENCODING,
        header::TRANSFER_ENCODING,
        header::ETAG,
        header::VARY,
        header::DATE,
    ] {
        headers.remove(name);
    }
    let identity = Bytes::from(html.into_bytes());
    let digest = Sha256::digest(&identity);
    let etag = format!(
        "\"r{revision}-{}\"",
        digest[..8]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    );
    Entry {
        revision,
        status,
        headers,
        etag: HeaderValue::from_str(&etag).unwrap_or(HeaderValue::from_static("\"0\"")),
        gzip: Bytes::from(precompress::gzip(&identity)),
        brotli: Bytes::from(precompress::brotli(&identity, PAGE_BROTLI_QUALITY)),
        identity,
    }
}

/// The nonce a policy admits (`'nonce-…'`), if any.
fn nonce_of(policy: &str) -> Option<&str> {
    let start = policy.find("'nonce-")? + "'nonce-".len();
    let len = policy[start..].find('\'')?;
    Some(&policy[start..start + len])
}

/// The text of each inline `<script>` (one without `src`) that carries
/// `nonce`, as CSP hashes it: the exact characters between the start and
/// end tags.
fn inline_scripts<'a>(html: &'a str, nonce: &str) -> Vec<&'a str> {
    let vouched = format!("nonce=\"{nonce}\"");
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(open) = rest.find("<script") {
        let after = &rest[open + "<script".len()..];
        // `<scripts>` or the like is not a script element.
        if !after.starts_with(['>', ' ', '\t', '\n', '\r', '/']) {
            rest = after;
            continue;
        }
        let Some(tag_end) = after.find('>') else {
            break;
        };
        let attributes = &after[..tag_end];
        let body = &after[tag_end + 1..];
        let Some(close) = body.find("</script") else {
            break;
        };
        if !has_src(attributes)
            && attributes
                .split(|c: char| c.is_ascii_whitespace())
                .any(|a| a == vouched)
        {
            out.push(&body[..close]);
        }
        rest = &body[close..];
    }
    out
}

fn has_src(attributes: &str) -> bool {
    attributes
        .split(|c: char| c.is_ascii_whitespace())
        .any(|a| a == "src" || a.starts_with("src="))
}

/// Sends a kept page in `encoding`, or 304 when the browser has it.
fn answer(entry: &Entry, encoding: Encoding, if_none_match: Option<&HeaderValue>) -> Response {
    let matches = if_none_match
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim() == "*"
                || v.split(',')
                    .any(|t| t.trim().trim_start_matches("W/") == entry.etag.to_str().unwrap_or(""))
        });
    let (status, body) = if matches {
        (StatusCode::NOT_MODIFIED, Bytes::new())
    } else {
        let body = match encoding {
            Encoding::Brotli => entry.brotli.clone(),
            Encoding::Gzip => entry.gzip.clone(),
            Encoding::Identity => entry.identity.clone(),
        };
        (entry.status, body)
    };
    let mut res = Response::new(Body::from(body));
    *res.status_mut() = status;
    let headers = res.headers_mut();
    headers.extend(entry.headers.iter().map(|(k, v)| (k.clone(), v.clone())));
    if status != StatusCode::NOT_MODIFIED {
        if let Some(coding) = encoding.header() {
            headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(coding));
        }
    } else {
        headers.remove(header::CONTENT_TYPE);
    }
    headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    headers.insert(header::ETAG, entry.etag.clone());
    // A shared page sets no cookie (so any cache may keep it); the page
    // asks for the browser's CSRF token, and so gets its cookie, once it
    // runs.
    res.extensions_mut().insert(SharedPage);
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_course_pages_are_kept() {
        for (path, kept) in [
            ("/", true),
            ("/foundation", true),
            ("/intermediate", true),
            ("/foundation/imaging-landscape", true),
            ("/intermediate/dicomweb", true),
            ("/foundation/", false),
            ("/foundation/a/b", false),
            ("/foundation/Upper", false),
            ("/foundation/..", false),
            ("/exercises", false),
            ("/exams", false),
            ("/dashboard", false),
            ("/signin", false),
            ("/pkg/app.js", false),
            ("", false),
        ] {
            assert_eq!(is_reading_page(path), kept, "{path}");
        }
    }

    #[test]
    fn inline_scripts_are_found_as_csp_hashes_them() {
        let html = r#"<head><script src="/pkg/a.js" nonce="N1"></script><script type="module" nonce="N1">import('/pkg/a.js')</script></head>
<body><p>a &lt;script&gt; in text</p><scripts>no</scripts><script nonce="N1">
window.x = "</p>";</script><script>alert('slipped through')</script><script nonce="N2">guessed</script></body>"#;
        assert_eq!(
            inline_scripts(html, "N1"),
            vec!["import('/pkg/a.js')", "\nwindow.x = \"</p>\";"]
        );
    }

    #[test]
    fn the_nonce_is_read_from_the_policy() {
        assert_eq!(
            nonce_of("default-src 'self'; script-src 'self' 'nonce-AbC+/=' 'wasm-unsafe-eval'"),
            Some("AbC+/=")
        );
        assert_eq!(nonce_of("script-src 'self'"), None);
    }
}
