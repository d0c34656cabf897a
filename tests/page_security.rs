//! Trainer-authored values cannot run script in a reader's browser: every
//! front-matter value of a module is escaped wherever it lands (the
//! document title, headings, attributes, lists, pager links), and the
//! Content Security Policy admits no inline script but the response's own
//! nonce-carrying ones (or, on a kept reading page, the ones it vouched
//! for by nonce when it was rendered, by hash).
#![cfg(feature = "ssr")]

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use http_body_util::BodyExt;
use pacs_academy::server::db::Db;
use pacs_academy::server::{leptos_options, router, AppState, ServeConfig};
use tower::ServiceExt;

/// Breaks out of a `<title>`, a text node, and a double- or single-quoted
/// attribute, and would run script in each place.
const HOSTILE: &str =
    "</title><script>alert(1)</script><img src=x onerror=alert(2)>\"><svg onload=alert(3)>'";

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

/// The real router over `state()`.
async fn app() -> (axum::Router, tempfile::TempDir, tempfile::TempDir) {
    let (state, content, db) = state().await;
    (router(state), content, db)
}

/// A copy of `content/` whose first Foundation module has `HOSTILE` in
/// its title, its summary and an objective, and a fresh database.
async fn state() -> (AppState, tempfile::TempDir, tempfile::TempDir) {
    let content = tempfile::tempdir().unwrap();
    copy_dir(
        Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/content")),
        content.path(),
    );
    let module = content.path().join("foundation/01-imaging-landscape.md");
    let source = std::fs::read_to_string(&module).unwrap();
    let toml_value = toml_string(HOSTILE);
    let mut out = String::new();
    for line in source.lines() {
        if line.starts_with("title = ") {
            out.push_str(&format!("title = {toml_value}\n"));
        } else if line.starts_with("summary = ") {
            out.push_str(&format!("summary = {toml_value}\n"));
        } else if line.starts_with("objectives = [") {
            out.push_str(&format!("objectives = [\n  {toml_value},\n"));
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    std::fs::write(&module, out).unwrap();

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
        site_root: "target/site".into(),
        secure_cookies: false,
        log_format: "pretty".into(),
    };
    let state = AppState::new(leptos_options(&config), content.path(), Arc::new(db), false);
    (state, content, db_dir)
}

/// `s` as a TOML basic string.
fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Status, body and CSP of `path`; a response that has not ended within
/// 20 s fails the test there rather than hanging the suite.
async fn get(app: &axum::Router, path: &str) -> (StatusCode, String, String) {
    let request = async {
        let res = app
            .clone()
            .oneshot(Request::get(path).body(Body::empty()).unwrap())
            .await
            .unwrap();
        let status = res.status();
        let csp = res
            .headers()
            .get(header::CONTENT_SECURITY_POLICY)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let body = res.into_body().collect().await.unwrap().to_bytes();
        (status, String::from_utf8_lossy(&body).into_owned(), csp)
    };
    tokio::time::timeout(Duration::from_secs(20), request)
        .await
        .unwrap_or_else(|_| panic!("{path}: the response did not end within 20 s"))
}

/// The markup a browser would act on, if any of it came through raw.
fn assert_inert(path: &str, html: &str) {
    for raw in [
        "<script>alert",
        "<img src=x",
        "<svg onload",
        "onerror=alert(2)>\"",
        "</title><script",
    ] {
        assert!(
            !html.contains(raw),
            "{path}: `{raw}` reached the page unescaped"
        );
    }
}

#[tokio::test]
async fn hostile_front_matter_is_escaped_on_every_page_it_reaches() {
    let (app, _content, _db) = app().await;
    let title_shown = "&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;";

    let (status, html, _) = get(&app, "/foundation/imaging-landscape").await;
    assert_eq!(status, StatusCode::OK);
    assert_inert("module page", &html);
    let head_title = &html[html.find("<title>").unwrap()..html.find("</head>").unwrap()];
    assert!(
        head_title.starts_with(&format!("<title>{title_shown}")),
        "the document title is escaped: {}",
        &head_title[..head_title.len().min(200)]
    );
    // Title (h1, breadcrumbs), summary and objective are each shown as text.
    assert!(html.matches(title_shown).count() >= 4, "{html}");

    let (status, html, _) = get(&app, "/foundation").await;
    assert_eq!(status, StatusCode::OK);
    assert_inert("course page", &html);
    assert!(html.contains(title_shown), "the course lists the module");

    // The second module's pager links back to the first by its title.
    let (status, html, _) = get(&app, "/foundation/hl7-message-structure").await;
    assert_eq!(status, StatusCode::OK);
    assert_inert("next module", &html);
    assert!(html.contains(title_shown), "the pager names the module");
}

#[tokio::test]
async fn pages_admit_only_their_own_nonce_scripts() {
    let (app, _content, _db) = app().await;
    // Pages rendered for each request; the kept reading pages (`/`,
    // courses, modules) admit their scripts by hash instead, which
    // tests/page_cache.rs checks.
    for path in ["/signin", "/hl7", "/exercises", "/no-such-page"] {
        let (_, html, csp) = get(&app, path).await;
        let script_src = csp
            .split(';')
            .map(str::trim)
            .find(|d| d.starts_with("script-src"))
            .unwrap_or_else(|| panic!("{path}: no script-src in `{csp}`"));
        assert!(
            !script_src.contains("'unsafe-inline'"),
            "{path}: {script_src}"
        );
        let nonce = script_src
            .split_whitespace()
            .find_map(|t| t.strip_prefix("'nonce-")?.strip_suffix('\''))
            .unwrap_or_else(|| panic!("{path}: no nonce in `{script_src}`"));
        assert!(nonce.len() >= 16, "{path}: nonce `{nonce}` is too short");
        // Every inline script the page carries is admitted by the policy.
        let scripts = html.matches("<script").count();
        assert!(scripts > 0, "{path}: the page has its bootstrap script");
        assert_eq!(
            html.matches(&format!("<script nonce=\"{nonce}\"")).count()
                + html
                    .matches(&format!("<script type=\"module\" nonce=\"{nonce}\""))
                    .count(),
            scripts,
            "{path}: a script without this response's nonce"
        );
    }
    // Two responses never share a nonce.
    let (_, _, a) = get(&app, "/signin").await;
    let (_, _, b) = get(&app, "/signin").await;
    assert_ne!(a, b);
}

#[tokio::test]
async fn responses_that_are_not_pages_admit_no_inline_script() {
    let (app, _content, _db) = app().await;
    let (_, _, csp) = get(&app, "/healthz").await;
    let script_src = csp
        .split(';')
        .map(str::trim)
        .find(|d| d.starts_with("script-src"))
        .unwrap_or_default();
    assert_eq!(script_src, "script-src 'self' 'wasm-unsafe-eval'", "{csp}");
}

/// Pages rendering on one thread always finish while routers are built on
/// another. Building one used to list the routes each time, which pauses
/// resource loading process-wide, and a page that started a resource in
/// that moment never ended its response.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_finish_while_other_routers_are_built() {
    let (state, _content, _db) = state().await;
    let app = router(state.clone());
    let stop = Arc::new(AtomicBool::new(false));
    let builder = std::thread::spawn({
        let stop = Arc::clone(&stop);
        move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            let _in_runtime = runtime.enter();
            let mut built = 0;
            while !stop.load(Ordering::Relaxed) {
                drop(router(state.clone()));
                built += 1;
            }
            built
        }
    });
    for _ in 0..30 {
        for path in ["/", "/foundation", "/no-such-page"] {
            let (status, html, _) = get(&app, path).await;
            // `get` fails if the response does not end; this one is whole.
            assert!(html.contains("</html>"), "{path} ({status}): {html}");
        }
    }
    stop.store(true, Ordering::Relaxed);
    assert!(builder.join().unwrap() > 0, "routers were built meanwhile");
}
