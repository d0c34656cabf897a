//! Module authoring over HTTP against a temporary copy of `content/`: two
//! trainers editing the same module (the conflict is reported and nothing is
//! lost), history and restore, validation, preview, path confinement and the
//! role checks.
#![cfg(feature = "ssr")]

use std::path::Path;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use http_body_util::BodyExt;
use pacs_academy::accounts::Role;
use pacs_academy::server::auth::{hash_password, token_hash};
use pacs_academy::server::db::{now, Db};
use pacs_academy::server::repo::{NewUser, Repository};
use pacs_academy::server::{leptos_options, router, AppState, ServeConfig};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use tower::ServiceExt;

const CSRF: &str = "csrf-token-for-tests-0123456789abcdefghijklmnop";
const MODULE: &str = "foundation/01-imaging-landscape.md";

struct World {
    app: axum::Router,
    content: tempfile::TempDir,
    _db_dir: tempfile::TempDir,
}

impl World {
    fn file(&self) -> String {
        std::fs::read_to_string(self.content.path().join(MODULE)).unwrap()
    }
}

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

async fn world() -> World {
    let db_dir = tempfile::tempdir().unwrap();
    let db = Db::connect(&format!(
        "sqlite://{}",
        db_dir.path().join("test.db").display()
    ))
    .await
    .unwrap();
    let org = db
        .create_organisation("Northgate Hospitals NHS Trust", None)
        .await
        .unwrap()
        .id;
    let hash = hash_password("violet harbour pencil").unwrap();
    for (email, name, role) in [
        ("ann@a.test", "Ann Trainer", Role::Trainer),
        ("ben@a.test", "Ben Trainer", Role::Trainer),
        ("lee@a.test", "Lee Learner", Role::Learner),
    ] {
        let u = db
            .create_user(NewUser {
                email,
                name,
                organisation_id: Some(org),
                role,
                password_hash: &hash,
            })
            .await
            .unwrap();
        db.create_session(
            &token_hash(&format!("token-{email}")),
            u.id,
            now(),
            now() + 3600,
        )
        .await
        .unwrap();
    }
    let content = tempfile::tempdir().unwrap();
    copy_dir(
        Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/content")),
        content.path(),
    );
    let config = ServeConfig {
        addr: "127.0.0.1:0".parse().unwrap(),
        database_url: String::new(),
        content_dir: content.path().into(),
        site_root: "target/site".into(),
        secure_cookies: false,
        log_format: "pretty".into(),
    };
    let state = AppState::new(
        leptos_options(&config),
        content.path(),
        Arc::new(db.clone()),
        false,
    );
    World {
        app: router(state),
        content,
        _db_dir: db_dir,
    }
}

#[derive(Clone, Copy, Debug)]
enum Who {
    Anonymous,
    Ann,
    Ben,
    Learner,
}

fn session_of(who: Who) -> Option<String> {
    let email = match who {
        Who::Anonymous => return None,
        Who::Ann => "ann@a.test",
        Who::Ben => "ben@a.test",
        Who::Learner => "lee@a.test",
    };
    Some(format!("token-{email}"))
}

fn cookie(who: Who) -> String {
    match session_of(who) {
        Some(token) => format!("pa_csrf={CSRF}; pa_session={token}"),
        None => format!("pa_csrf={CSRF}"),
    }
}

/// `who`'s CSRF token: bound to the session once signed in. A body's
/// `"csrf": CSRF` stands for it.
fn csrf_of(who: Who) -> String {
    session_of(who).map_or_else(
        || CSRF.to_string(),
        |t| pacs_academy::server::auth::csrf_for_session(&t),
    )
}

async fn send(w: &World, req: Request<Body>) -> (StatusCode, String) {
    let res = w.app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let body = res.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&body).into_owned())
}

fn get(path: &str, who: Who) -> Request<Body> {
    Request::get(path)
        .header(header::COOKIE, cookie(who))
        .body(Body::empty())
        .unwrap()
}

fn post_json(path: &str, who: Who, mut body: Value) -> Request<Body> {
    if body["csrf"] == CSRF {
        body["csrf"] = Value::String(csrf_of(who));
    }
    Request::post(path)
        .header(header::COOKIE, cookie(who))
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::HOST, "localhost")
        .header(header::ORIGIN, "http://localhost")
        .body(Body::from(body.to_string()))
        .unwrap()
}

fn post_form(path: &str, who: Who, form: &str) -> Request<Body> {
    Request::post(path)
        .header(header::COOKIE, cookie(who))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::HOST, "localhost")
        .header(header::ORIGIN, "http://localhost")
        .body(Body::from(format!("csrf={}&{form}", csrf_of(who))))
        .unwrap()
}

async fn ok_json(w: &World, req: Request<Body>) -> Value {
    let (status, body) = send(w, req).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    serde_json::from_str(&body).unwrap_or_else(|e| panic!("{e}: {body}"))
}

/// Opens the module as `who`: (text, revision).
async fn open(w: &World, who: Who) -> (String, String) {
    let v = ok_json(
        w,
        get(
            "/api/authoring/open?level=foundation&slug=imaging-landscape",
            who,
        ),
    )
    .await;
    let opened = &v[0];
    (
        opened["text"].as_str().unwrap().to_string(),
        opened["revision"].as_str().unwrap().to_string(),
    )
}

async fn save(w: &World, who: Who, base: &str, text: &str) -> Value {
    ok_json(
        w,
        post_json(
            "/api/authoring/save",
            who,
            json!({ "csrf": CSRF, "path": MODULE, "base_revision": base, "text": text }),
        ),
    )
    .await
}

async fn history(w: &World) -> Vec<Value> {
    ok_json(
        w,
        get(&format!("/api/authoring/history?path={MODULE}"), Who::Ann),
    )
    .await
    .as_array()
    .unwrap()
    .clone()
}

async fn revision_text(w: &World, id: i64) -> String {
    let v = ok_json(
        w,
        get(
            &format!("/api/authoring/revision?path={MODULE}&id={id}"),
            Who::Ann,
        ),
    )
    .await;
    v["text"].as_str().unwrap().to_string()
}

fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// `original` with a paragraph added at the end.
fn with_paragraph(original: &str, words: &str) -> String {
    format!("{}\n\n{words}\n", original.trim_end())
}

#[tokio::test]
async fn two_trainers_save_the_same_module_and_nothing_is_lost() {
    let w = world().await;
    // Another module opened first takes the first history id: the numbers
    // people see count per module all the same.
    ok_json(
        &w,
        get(
            "/api/authoring/open?level=foundation&slug=hl7-message-structure",
            Who::Ann,
        ),
    )
    .await;
    let original = w.file();
    let (ann_text, ann_base) = open(&w, Who::Ann).await;
    let (ben_text, ben_base) = open(&w, Who::Ben).await;
    assert_eq!(ann_text, original);
    assert_eq!(ann_base, ben_base, "both start from the same revision");
    assert_eq!(
        ann_base,
        sha256_hex(&original),
        "the revision is SHA-256 of the file"
    );
    assert_eq!(ben_text, original);
    // Opening records the file as found on disk, once.
    let h = history(&w).await;
    assert_eq!(h.len(), 1, "{h:?}");
    assert_eq!(h[0]["kind"], "base");

    let ann_draft = with_paragraph(&original, "Ann's paragraph about the RIS.");
    let ben_draft = with_paragraph(&original, "Ben's paragraph about the VNA.");

    // Ann saves first.
    let v = save(&w, Who::Ann, &ann_base, &ann_draft).await;
    let ann_revision = v["Saved"]["revision"].as_str().unwrap().to_string();
    assert_eq!(
        v["Saved"]["revision_number"], 2,
        "the second entry of this module: {v}"
    );
    assert_eq!(ann_revision, sha256_hex(&ann_draft));
    assert_eq!(w.file(), ann_draft);

    // Ben saves from the same base: refused, reported, kept.
    let v = save(&w, Who::Ben, &ben_base, &ben_draft).await;
    let conflict = &v["Conflict"];
    assert!(conflict.is_object(), "expected a conflict, got {v}");
    assert_eq!(conflict["current_text"], ann_draft.as_str());
    assert_eq!(conflict["current_revision"], ann_revision.as_str());
    assert_eq!(w.file(), ann_draft, "the file still holds Ann's text");
    let draft_id = conflict["draft_revision_id"].as_i64().unwrap();
    assert_eq!(
        revision_text(&w, draft_id).await,
        ben_draft,
        "Ben's draft is stored"
    );
    let h = history(&w).await;
    let kinds: Vec<&str> = h.iter().map(|r| r["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["conflict", "saved", "base"], "{h:?}");
    assert_eq!(h[0]["author"], "Ben Trainer");
    assert_eq!(h[1]["author"], "Ann Trainer");
    assert!(h[2]["author"].is_null());

    let numbers: Vec<i64> = h.iter().map(|r| r["number"].as_i64().unwrap()).collect();
    assert_eq!(
        numbers,
        [3, 2, 1],
        "numbered per module, newest first: {h:?}"
    );
    assert_ne!(h[0]["id"].as_i64(), Some(3), "ids run across modules");
    assert_eq!(conflict["draft_number"], 3);

    // Ben presses Save again on the same draft: the same conflict, and the
    // draft is not recorded twice.
    let again = save(&w, Who::Ben, &ben_base, &ben_draft).await;
    assert_eq!(
        again["Conflict"]["draft_revision_id"].as_i64(),
        Some(draft_id),
        "{again}"
    );
    assert_eq!(history(&w).await.len(), 3, "no duplicate draft");

    // Ben deliberately saves over Ann's version.
    let v = save(&w, Who::Ben, &ann_revision, &ben_draft).await;
    assert_eq!(
        v["Saved"]["revision"],
        sha256_hex(&ben_draft).as_str(),
        "{v}"
    );
    assert_eq!(w.file(), ben_draft);
    // Every version is still in the history.
    let h = history(&w).await;
    let mut texts = Vec::new();
    for r in &h {
        texts.push(revision_text(&w, r["id"].as_i64().unwrap()).await);
    }
    for t in [&original, &ann_draft, &ben_draft] {
        assert!(texts.contains(t), "a version is missing from the history");
    }
    // The learner's page shows the saved text.
    let (status, page) = send(&w, get("/foundation/imaging-landscape", Who::Learner)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("Ben&#39;s paragraph about the VNA.")
            || page.contains("Ben's paragraph about the VNA.")
    );
}

#[tokio::test]
async fn restoring_is_a_checked_save_recorded_as_restored() {
    let w = world().await;
    let original = w.file();
    let (_, base) = open(&w, Who::Ann).await;
    let base_id = history(&w).await[0]["id"].as_i64().unwrap();
    let edited = with_paragraph(&original, "A change to undo.");
    let v = save(&w, Who::Ann, &base, &edited).await;
    let edited_rev = v["Saved"]["revision"].as_str().unwrap().to_string();

    // From a stale base: refused as a conflict, the file is untouched.
    let form = format!("path={MODULE}&id={base_id}&base_revision={base}");
    let (status, body) = send(&w, post_form("/api/authoring/restore", Who::Ben, &form)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains("Conflict"), "{body}");
    assert_eq!(w.file(), edited);

    let form = format!("path={MODULE}&id={base_id}&base_revision={edited_rev}");
    let (status, body) = send(&w, post_form("/api/authoring/restore", Who::Ben, &form)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains("Saved"), "{body}");
    assert_eq!(w.file(), original);
    assert_eq!(history(&w).await[0]["kind"], "restored");
}

#[tokio::test]
async fn a_draft_that_breaks_the_rules_is_not_saved() {
    let w = world().await;
    let (text, base) = open(&w, Who::Ann).await;
    // The folder says foundation; check-content's level rule.
    let broken = text.replacen("level = \"foundation\"", "level = \"intermediate\"", 1);
    let v = save(&w, Who::Ann, &base, &broken).await;
    let findings = v["Invalid"]["findings"].as_array().unwrap();
    assert_eq!(findings[0]["line"], 4, "{v}");
    assert!(findings[0]["message"]
        .as_str()
        .unwrap()
        .contains("`foundation` folder"));
    // In the intermediate course its order 1 is taken too; other files are
    // named as in the repository, not by where the server keeps them.
    assert_eq!(findings.len(), 2, "{v}");
    assert_eq!(
        findings[1]["message"],
        "duplicate order 1 in the intermediate course: already used by content/intermediate/01-transfer-syntaxes.md"
    );
    assert_eq!(w.file(), text);
    // A changed slug would move the page.
    let renamed = text.replacen("slug = \"imaging-landscape\"", "slug = \"landscape\"", 1);
    let v = save(&w, Who::Ann, &base, &renamed).await;
    assert!(v["Invalid"]["findings"][0]["message"]
        .as_str()
        .unwrap()
        .contains("does not match the file name"));
    assert_eq!(w.file(), text);
}

#[tokio::test]
async fn the_preview_is_the_learner_rendering_with_findings_by_line() {
    let w = world().await;
    let (text, _) = open(&w, Who::Ann).await;
    let draft = format!(
        "{}\n\nA marker paragraph.\n\n```hl7\nMSH|^~\\&|RIS|NGH|PACS|NGH|20261202120000||ORM^O01|1|P|2.5.1\n```\n\n[broken](/foundation/no-such-module)\n",
        text.trim_end()
    );
    let v = ok_json(
        &w,
        post_json(
            "/api/authoring/check",
            Who::Ann,
            json!({ "path": MODULE, "text": draft }),
        ),
    )
    .await;
    let html = v["preview"]["html"].as_str().unwrap();
    assert!(html.contains("A marker paragraph."));
    assert!(
        html.contains("data-explorer=\"hl7\""),
        "hl7 block is an explorer"
    );
    assert_eq!(v["preview"]["meta"]["slug"], "imaging-landscape");
    let findings = v["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{findings:?}");
    let expected_line = draft.lines().count();
    assert_eq!(
        findings[0]["line"].as_u64().unwrap() as usize,
        expected_line
    );
    assert!(findings[0]["message"]
        .as_str()
        .unwrap()
        .contains("no-such-module"));
}

#[tokio::test]
async fn paths_outside_the_module_folders_are_refused() {
    let w = world().await;
    let (_, base) = open(&w, Who::Ann).await;
    let secret = w.content.path().join("exams/foundation.toml");
    let before = std::fs::read_to_string(&secret).unwrap();
    for path in [
        "../outside.md",
        "foundation/../exams/foundation.toml",
        "exams/foundation.toml",
        "/etc/passwd",
        "foundation/sub/01-x.md",
    ] {
        let (status, body) = send(
            &w,
            post_json(
                "/api/authoring/save",
                Who::Ann,
                json!({ "csrf": CSRF, "path": path, "base_revision": base, "text": "x" }),
            ),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}: {body}");
        let (status, _) = send(
            &w,
            get(
                &format!("/api/authoring/history?path={}", path.replace('/', "%2F")),
                Who::Ann,
            ),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}");
    }
    assert_eq!(std::fs::read_to_string(&secret).unwrap(), before);
    assert!(!w
        .content
        .path()
        .parent()
        .unwrap()
        .join("outside.md")
        .exists());
    let (status, _) = send(
        &w,
        get(
            "/api/authoring/open?level=foundation&slug=..%2F..%2Fetc",
            Who::Ann,
        ),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn only_trainers_and_admins_may_author() {
    let w = world().await;
    let (_, base) = open(&w, Who::Ann).await;
    let original = w.file();
    type Build = Box<dyn Fn(Who) -> Request<Body>>;
    let requests: Vec<(&str, Build)> = vec![
        ("list", Box::new(|who| get("/api/authoring/modules", who))),
        (
            "open",
            Box::new(|who| {
                get(
                    "/api/authoring/open?level=foundation&slug=imaging-landscape",
                    who,
                )
            }),
        ),
        (
            "check",
            Box::new(|who| {
                post_json(
                    "/api/authoring/check",
                    who,
                    json!({ "path": MODULE, "text": "x" }),
                )
            }),
        ),
        (
            "save",
            Box::new(move |who| {
                post_json(
                    "/api/authoring/save",
                    who,
                    json!({ "csrf": CSRF, "path": MODULE, "base_revision": base, "text": "x" }),
                )
            }),
        ),
        (
            "history",
            Box::new(|who| get(&format!("/api/authoring/history?path={MODULE}"), who)),
        ),
        (
            "revision",
            Box::new(|who| get(&format!("/api/authoring/revision?path={MODULE}&id=1"), who)),
        ),
        (
            "restore",
            Box::new(|who| {
                post_form(
                    "/api/authoring/restore",
                    who,
                    &format!("path={MODULE}&id=1&base_revision={}", "0".repeat(64)),
                )
            }),
        ),
        (
            "create",
            Box::new(|who| {
                post_form(
                    "/api/authoring/create",
                    who,
                    "level=foundation&slug=learner-module&title=Mine",
                )
            }),
        ),
    ];
    let mut failures = Vec::new();
    for (name, build) in &requests {
        for (who, want) in [
            (Who::Anonymous, StatusCode::UNAUTHORIZED),
            (Who::Learner, StatusCode::FORBIDDEN),
        ] {
            let (status, body) = send(&w, build(who)).await;
            if status != want {
                failures.push(format!(
                    "{name} as {who:?}: got {status}, want {want}: {body}"
                ));
            }
        }
        let (status, body) = send(&w, build(Who::Ben)).await;
        if status != StatusCode::OK {
            failures.push(format!("{name} as a trainer: got {status}: {body}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // The trainer's save of "x" was refused as invalid: the file is intact.
    assert_eq!(w.file(), original);
    // Saving needs the CSRF token.
    let (status, _) = send(
        &w,
        post_json(
            "/api/authoring/save",
            Who::Ann,
            json!({ "csrf": "x".repeat(CSRF.len()), "path": MODULE, "base_revision": "0".repeat(64), "text": "x" }),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_new_module_is_created_once_and_opens_in_the_editor() {
    let w = world().await;
    let form =
        "level=intermediate&slug=worklist-troubleshooting&title=Troubleshooting+the+worklist";
    let (status, body) = send(&w, post_form("/api/authoring/create", Who::Ann, form)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(
        body.contains("/trainer/modules/intermediate/worklist-troubleshooting"),
        "{body}"
    );
    let file = w
        .content
        .path()
        .join("intermediate/11-worklist-troubleshooting.md");
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("order = 11"), "{text}");
    // The template passes check-content as a whole folder.
    let report = pacs_academy::content::check::check_dir(w.content.path());
    let mine: Vec<_> = report.findings.iter().filter(|f| f.path == file).collect();
    assert!(mine.is_empty(), "{mine:?}");
    let (status, _) = send(&w, post_form("/api/authoring/create", Who::Ben, form)).await;
    assert_eq!(status, StatusCode::CONFLICT);
    for bad in ["Bad_Slug", "..%2Fx", ""] {
        let form = format!("level=foundation&slug={bad}&title=T");
        let (status, body) = send(&w, post_form("/api/authoring/create", Who::Ann, &form)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {body}");
    }
    let v = ok_json(
        &w,
        get(
            "/api/authoring/open?level=intermediate&slug=worklist-troubleshooting",
            Who::Ben,
        ),
    )
    .await;
    assert_eq!(v[0]["text"], text.as_str());
    assert_eq!(v[1]["findings"].as_array().unwrap().len(), 0);
}
