//! Fast pages: a signed-out reading page is answered from the kept,
//! compressed response while the content is unchanged, with a policy that
//! admits exactly its own inline scripts; anything personal is rendered
//! each time; static files go out as their precompressed copies.
#![cfg(feature = "ssr")]

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{header, HeaderMap, Request, StatusCode};
use http_body_util::BodyExt;
use pacs_academy::server::db::Db;
use pacs_academy::server::{leptos_options, router, AppState, ServeConfig};
use sha2::{Digest, Sha256};
use tower::ServiceExt;

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

struct Site {
    app: axum::Router,
    state: AppState,
    content: tempfile::TempDir,
    site: tempfile::TempDir,
    _db: tempfile::TempDir,
}

/// The real router over a copy of the content, a fresh database and a
/// built site holding one bundle file and its compressed copies.
async fn site() -> Site {
    let content = tempfile::tempdir().unwrap();
    copy_dir(
        Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/content")),
        content.path(),
    );
    let site = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(site.path().join("pkg")).unwrap();
    std::fs::write(site.path().join("pkg/app.js"), bundle()).unwrap();
    // The reading pages' script, named as scripts/build-site names it.
    std::fs::write(
        site.path().join("pkg/reader.0123abcd.js"),
        "export function read() {}",
    )
    .unwrap();
    std::fs::write(
        site.path().join("pkg/reader.0123abcd.wasm"),
        b"\0asm\x01\0\0\0",
    )
    .unwrap();
    std::fs::write(
        site.path().join("robots.txt"),
        "User-agent: *\nAllow: /\n".repeat(20),
    )
    .unwrap();
    pacs_academy::server::precompress::precompress_dir(site.path()).unwrap();
    let db_dir = tempfile::tempdir().unwrap();
    let db = Db::connect(&format!(
        "sqlite://{}",
        db_dir.path().join("test.db").display()
    ))
    .await
    .unwrap();
    let config = ServeConfig {
        addr: "127.0.0.1:0".parse().unwrap(),
        database_url: String::new(),
        content_dir: content.path().into(),
        site_root: site.path().display().to_string(),
        secure_cookies: false,
        log_format: "pretty".into(),
    };
    let state = AppState::new(leptos_options(&config), content.path(), Arc::new(db), false);
    Site {
        app: router(state.clone()),
        state,
        content,
        site,
        _db: db_dir,
    }
}

fn bundle() -> String {
    "export function hydrate() { document.body.dataset.ready = 'yes'; }\n".repeat(300)
}

struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Answer {
    fn header(&self, name: header::HeaderName) -> &str {
        self.headers
            .get(name)
            .map(|v| v.to_str().unwrap())
            .unwrap_or("")
    }

    /// The body as the browser reads it, decoded.
    fn text(&self) -> String {
        let bytes = match self.header(header::CONTENT_ENCODING) {
            "br" => {
                let mut out = Vec::new();
                brotli::BrotliDecompress(&mut &self.body[..], &mut out).unwrap();
                out
            }
            "gzip" => {
                use std::io::Read;
                let mut out = Vec::new();
                flate2::read::GzDecoder::new(&self.body[..])
                    .read_to_end(&mut out)
                    .unwrap();
                out
            }
            "" => self.body.clone(),
            other => panic!("unexpected encoding {other}"),
        };
        String::from_utf8(bytes).unwrap()
    }
}

async fn send(app: &axum::Router, req: Request<Body>) -> Answer {
    let uri = req.uri().clone();
    let run = async {
        let res = app.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let body = res.into_body().collect().await.unwrap().to_bytes().to_vec();
        Answer {
            status,
            headers,
            body,
        }
    };
    tokio::time::timeout(Duration::from_secs(20), run)
        .await
        .unwrap_or_else(|_| panic!("{uri}: the response did not end within 20 s"))
}

async fn get(app: &axum::Router, path: &str, accept: &str) -> Answer {
    let mut req = Request::get(path);
    if !accept.is_empty() {
        req = req.header(header::ACCEPT_ENCODING, accept);
    }
    send(app, req.body(Body::empty()).unwrap()).await
}

fn script_src(csp: &str) -> &str {
    csp.split(';')
        .map(str::trim)
        .find(|d| d.starts_with("script-src"))
        .unwrap_or_else(|| panic!("no script-src in `{csp}`"))
}

/// The SHA-256 sources a policy would need for the page's inline scripts.
fn inline_script_hashes(html: &str) -> Vec<String> {
    use base64::Engine;
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(open) = rest.find("<script") {
        let after = &rest[open..];
        let tag_end = after.find('>').unwrap();
        let tag = &after[..tag_end];
        let close = after.find("</script>").unwrap();
        if !tag.contains(" src=") {
            let text = &after[tag_end + 1..close];
            out.push(format!(
                "'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(Sha256::digest(text.as_bytes()))
            ));
        }
        rest = &after[close..];
    }
    out
}

#[tokio::test]
async fn reading_pages_load_the_small_reader_and_every_other_page_the_application() {
    let s = site().await;
    let start = "import init, { read } from '/pkg/reader.0123abcd.js';\ninit({ module_or_path: '/pkg/reader.0123abcd.wasm' }).then(() => read());";
    for path in [
        "/",
        "/foundation",
        "/intermediate",
        "/foundation/imaging-landscape",
        "/foundation/no-such-module",
        "/a/b/c",
    ] {
        let page = get(&s.app, path, "br").await;
        let html = page.text();
        assert!(
            html.contains(r#"<html lang="en-GB" data-page="reading">"#),
            "{path}: {html}"
        );
        assert!(html.contains(start), "{path}: no reader start script");
        assert!(
            html.contains(r#"<link rel="modulepreload" href="/pkg/reader.0123abcd.js""#),
            "{path}"
        );
        assert!(!html.contains("hydrate"), "{path}: loads the application");
        // Rendered whole (not streamed out of order), so the reader can swap
        // it in and a browser without scripts shows all of it.
        if path != "/a/b/c" {
            assert!(!html.contains("<template"), "{path}: streamed out of order");
        }
    }
    for path in [
        "/signin",
        "/hl7",
        "/dicom/explain",
        "/exercises",
        "/exams",
        "/verify",
    ] {
        let html = get(&s.app, path, "").await.text();
        assert!(!html.contains("data-page="), "{path}");
        assert!(!html.contains("reader.0123abcd"), "{path}");
        assert!(
            html.contains("hydrate"),
            "{path}: does not load the application"
        );
    }
}

#[tokio::test]
async fn without_a_reader_build_reading_pages_load_the_application() {
    let s = site().await;
    std::fs::remove_file(s.site.path().join("pkg/reader.0123abcd.js")).unwrap();
    let state = AppState::new(
        s.state.leptos_options.clone(),
        s.content.path(),
        s.state.repo.clone(),
        false,
    );
    assert_eq!(state.reader, None);
    let app = router(state);
    let html = get(&app, "/foundation/imaging-landscape", "").await.text();
    assert!(!html.contains("data-page="));
    assert!(html.contains("hydrate"));
}

#[tokio::test]
async fn a_reading_page_is_kept_and_sent_in_the_encoding_asked_for() {
    let s = site().await;
    let path = "/foundation/imaging-landscape";
    let first = get(&s.app, path, "gzip, deflate, br").await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(first.header(header::CONTENT_ENCODING), "br");
    assert!(first
        .header(header::VARY)
        .to_ascii_lowercase()
        .contains("accept-encoding"));
    let html = first.text();
    assert!(html.contains("</html>") && html.contains("<h1"), "{html}");
    assert_eq!(s.state.pages.len(), 1, "the page was kept");

    // The same page, every way a browser may ask for it.
    let gz = get(&s.app, path, "gzip").await;
    assert_eq!(gz.header(header::CONTENT_ENCODING), "gzip");
    assert_eq!(gz.text(), html);
    let plain = get(&s.app, path, "").await;
    assert_eq!(plain.header(header::CONTENT_ENCODING), "");
    assert_eq!(plain.text(), html);
    let br = get(&s.app, path, "br").await;
    assert_eq!(
        br.body, first.body,
        "the kept bytes are sent, not compressed again"
    );
    assert!(first.body.len() * 4 < html.len(), "brotli shrinks the page");
    assert_eq!(s.state.pages.len(), 1);
    // Pages stay revalidated (no-cache), and an unchanged one is a 304.
    assert_eq!(first.header(header::CACHE_CONTROL), "no-cache");
    let etag = first.header(header::ETAG).to_string();
    assert!(etag.starts_with('"'), "{etag}");
    let again = send(
        &s.app,
        Request::get(path)
            .header(header::IF_NONE_MATCH, &etag)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert!(again.body.is_empty());
}

#[tokio::test]
async fn a_kept_page_admits_exactly_its_own_inline_scripts_by_hash() {
    let s = site().await;
    for path in ["/", "/foundation", "/intermediate/dicomweb"] {
        for round in 0..2 {
            let page = get(&s.app, path, "br").await;
            let html = page.text();
            let src = script_src(page.header(header::CONTENT_SECURITY_POLICY)).to_string();
            assert!(
                !src.contains("'unsafe-inline'") && !src.contains("'nonce-"),
                "{path}: {src}"
            );
            assert!(
                !html.contains(" nonce="),
                "{path}: a shared page carries no nonce"
            );
            let hashes = inline_script_hashes(&html);
            assert!(
                !hashes.is_empty(),
                "{path}: the page has its bootstrap script"
            );
            let allowed: Vec<&str> = src
                .split_whitespace()
                .filter(|t| t.starts_with("'sha256-"))
                .collect();
            let mut wanted: Vec<&str> = hashes.iter().map(String::as_str).collect();
            wanted.sort();
            wanted.dedup();
            let mut allowed_sorted = allowed.clone();
            allowed_sorted.sort();
            allowed_sorted.dedup();
            assert_eq!(allowed_sorted, wanted, "{path} (request {round})");
        }
    }
}

#[tokio::test]
async fn personal_and_unusual_requests_are_rendered_each_time() {
    let s = site().await;
    // With a session cookie (even a stale one), a query, or not a page.
    let cookie = Request::get("/foundation")
        .header(
            header::COOKIE,
            "pa_session=abcdefabcdefabcdefabcdefabcdefabcdef",
        )
        .body(Body::empty())
        .unwrap();
    let with_cookie = send(&s.app, cookie).await;
    assert_eq!(with_cookie.status, StatusCode::OK);
    assert!(script_src(with_cookie.header(header::CONTENT_SECURITY_POLICY)).contains("'nonce-"));
    let query = get(&s.app, "/foundation?x=1", "").await;
    assert!(script_src(query.header(header::CONTENT_SECURITY_POLICY)).contains("'nonce-"));
    for path in [
        "/signin",
        "/exercises",
        "/no-such-page",
        "/foundation/no-such-module",
    ] {
        let a = get(&s.app, path, "").await;
        let b = get(&s.app, path, "").await;
        let (na, nb) = (
            a.header(header::CONTENT_SECURITY_POLICY).to_string(),
            b.header(header::CONTENT_SECURITY_POLICY).to_string(),
        );
        assert!(script_src(&na).contains("'nonce-"), "{path}: {na}");
        assert_ne!(na, nb, "{path}: each response has its own nonce");
    }
    assert_eq!(s.state.pages.len(), 0, "{:?}", "nothing above was kept");
}

#[tokio::test]
async fn a_kept_page_sets_no_cookie_and_holds_no_token_the_browser_gets_its_own_when_it_runs() {
    let s = site().await;
    let mut tokens = Vec::new();
    for _ in 0..2 {
        let page = get(&s.app, "/foundation", "").await;
        assert_eq!(page.status, StatusCode::OK);
        // The same bytes for everyone: no cookie, so any cache may keep it.
        assert_eq!(
            page.header(header::SET_COOKIE),
            "",
            "a kept page sets no cookie"
        );
        // Once the page runs, it asks for the session, and this browser
        // gets its own token, as a cookie and in the answer.
        let session = get(&s.app, "/api/session", "").await;
        assert_eq!(session.status, StatusCode::OK);
        let set_cookie = session.header(header::SET_COOKIE).to_string();
        let cookie = set_cookie.split(';').next().unwrap_or_default().to_string();
        let token = cookie
            .split_once('=')
            .map(|(_, v)| v.to_string())
            .unwrap_or_else(|| panic!("no CSRF cookie: `{set_cookie}`"));
        assert!(session.text().contains(&token), "{}", session.text());
        assert!(
            !page.text().contains(&token),
            "the kept page holds this visitor's token"
        );
        // With its cookie, the browser keeps its token.
        let again = send(
            &s.app,
            Request::get("/api/session")
                .header(header::COOKIE, &cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(again.header(header::SET_COOKIE), "");
        assert!(again.text().contains(&token));
        tokens.push(token);
    }
    assert_ne!(tokens[0], tokens[1], "each browser gets its own token");
    assert_eq!(s.state.pages.len(), 1);
    // A page rendered for its visitor still hands out the cookie at once.
    let sign_in = get(&s.app, "/signin", "").await;
    assert!(sign_in.header(header::SET_COOKIE).contains("pa_csrf="));
}

#[tokio::test]
async fn a_changed_module_file_is_shown_on_the_next_request() {
    let s = site().await;
    let path = "/foundation/imaging-landscape";
    let before = get(&s.app, path, "br").await;
    assert!(!before.text().contains("Freshly edited paragraph"));
    let file = s.content.path().join("foundation/01-imaging-landscape.md");
    let source = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, format!("{source}\n\nFreshly edited paragraph.\n")).unwrap();
    let after = get(&s.app, path, "br").await;
    assert!(
        after.text().contains("Freshly edited paragraph"),
        "the edit shows at once"
    );
    assert_ne!(after.header(header::ETAG), before.header(header::ETAG));
    // The course page lists modules from the same content: it is redone too.
    let course = get(&s.app, "/foundation", "").await;
    assert_eq!(course.status, StatusCode::OK);
    // A removed module is gone, not kept.
    std::fs::remove_file(&file).unwrap();
    let gone = get(&s.app, path, "br").await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn static_files_are_sent_as_their_precompressed_copies() {
    let s = site().await;
    let original = bundle();
    for (accept, encoding, copy) in [
        ("gzip, deflate, br", "br", Some("pkg/app.js.br")),
        ("gzip", "gzip", Some("pkg/app.js.gz")),
        ("", "", None),
    ] {
        let res = get(&s.app, "/pkg/app.js", accept).await;
        assert_eq!(res.status, StatusCode::OK, "{accept}");
        assert_eq!(res.header(header::CONTENT_ENCODING), encoding, "{accept}");
        assert!(
            res.header(header::VARY)
                .to_ascii_lowercase()
                .contains("accept-encoding"),
            "{accept}"
        );
        assert!(
            res.header(header::CONTENT_TYPE).contains("javascript"),
            "{accept}"
        );
        if let Some(copy) = copy {
            // Byte for byte the file the build wrote: nothing compressed now.
            assert_eq!(res.body, std::fs::read(s.site.path().join(copy)).unwrap());
        }
        assert_eq!(res.text(), original);
    }
    let robots = get(&s.app, "/robots.txt", "br").await;
    assert_eq!(robots.header(header::CONTENT_ENCODING), "br");
    assert!(robots.text().starts_with("User-agent: *"));
    // No session or CSRF work for a static file.
    assert_eq!(robots.header(header::SET_COOKIE), "");
}
