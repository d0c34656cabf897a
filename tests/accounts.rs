//! Accounts against a real SQLite file: migrations from empty, the
//! repository layer, and the authorisation matrix over HTTP (every role ×
//! every protected action, anonymous included), plus CSRF and bad input.
#![cfg(feature = "ssr")]

use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use http_body_util::BodyExt;
use pacs_academy::accounts::Role;
use pacs_academy::content::Level;
use pacs_academy::error::{AppError, MAX_REQUEST_BYTES};
use pacs_academy::server::auth::{hash_password, token_hash};
use pacs_academy::server::db::{now, Db};
use pacs_academy::server::repo::{NewAttempt, NewUser, RepoError, Repository};
use pacs_academy::server::{leptos_options, router, AppState, ServeConfig};
use tower::ServiceExt;

const CSRF: &str = "csrf-token-for-tests-0123456789abcdefghijklmnop";
const PASSWORD: &str = "violet harbour pencil";

async fn fresh_db(dir: &tempfile::TempDir) -> Db {
    Db::connect(&format!(
        "sqlite://{}",
        dir.path().join("test.db").display()
    ))
    .await
    .unwrap()
}

#[tokio::test]
async fn migrations_run_from_empty_and_again() {
    let dir = tempfile::tempdir().unwrap();
    let db = fresh_db(&dir).await;
    let tables: Vec<(String,)> =
        sqlx::query_as("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            .fetch_all(db.pool())
            .await
            .unwrap();
    let names: Vec<&str> = tables.iter().map(|t| t.0.as_str()).collect();
    for t in [
        "exercise_attempts",
        "login_failures",
        "module_progress",
        "organisations",
        "sessions",
        "trainer_organisations",
        "users",
    ] {
        assert!(names.contains(&t), "missing {t}: {names:?}");
    }
    db.close().await;
    fresh_db(&dir).await.ping().await.unwrap();
}

#[tokio::test]
async fn repository_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let db = fresh_db(&dir).await;
    let org = db
        .create_organisation("Northgate Hospitals NHS Trust", Some("RZZ"))
        .await
        .unwrap();
    assert!(matches!(
        db.create_organisation("Northgate Hospitals NHS Trust", None)
            .await,
        Err(RepoError::Conflict(_))
    ));
    let hash = hash_password(PASSWORD).unwrap();
    let jane = db
        .create_user(NewUser {
            email: "jane@nhs.test",
            name: "Jane Test",
            organisation_id: Some(org.id),
            role: Role::Learner,
            password_hash: &hash,
        })
        .await
        .unwrap();
    assert_eq!(
        jane.organisation.as_deref(),
        Some("Northgate Hospitals NHS Trust")
    );
    // Email addresses are unique whatever their case.
    let dup = db
        .create_user(NewUser {
            email: "JANE@nhs.test",
            name: "Other",
            organisation_id: Some(org.id),
            role: Role::Learner,
            password_hash: &hash,
        })
        .await;
    assert!(matches!(dup, Err(RepoError::Conflict(_))), "{dup:?}");
    let (found, stored) = db.user_by_email("Jane@NHS.test").await.unwrap().unwrap();
    assert_eq!(found.id, jane.id);
    assert_eq!(stored, hash);

    // Sessions expire.
    let t = now();
    db.create_session("h1", jane.id, t, t + 60).await.unwrap();
    db.create_session("h2", jane.id, t - 100, t - 1)
        .await
        .unwrap();
    assert_eq!(db.session_user("h1", t).await.unwrap().unwrap().id, jane.id);
    assert!(db.session_user("h2", t).await.unwrap().is_none());
    assert_eq!(db.purge_expired_sessions(t).await.unwrap(), 1);
    db.delete_sessions_of(jane.id, Some("h1")).await.unwrap();
    assert!(db.session_user("h1", t).await.unwrap().is_some());

    // Progress and accuracy.
    db.mark_module_complete(jane.id, Level::Foundation, "imaging-landscape", t)
        .await
        .unwrap();
    db.mark_module_complete(jane.id, Level::Foundation, "imaging-landscape", t)
        .await
        .unwrap();
    assert_eq!(db.completed_modules(jane.id).await.unwrap().len(), 1);
    for (topic, correct) in [
        ("hl7-message-structure", true),
        ("hl7-message-structure", false),
        ("dicom-networking", true),
    ] {
        let a = NewAttempt {
            kind: "read-value".into(),
            level: Level::Foundation,
            topic: topic.into(),
            seed: u64::MAX,
            answer: "19800101".into(),
            correct,
            time_taken_ms: 4200,
        };
        db.record_attempt(jane.id, &a, t).await.unwrap();
    }
    let acc = db.topic_accuracy(jane.id).await.unwrap();
    assert_eq!(acc.len(), 2);
    let hl7 = acc
        .iter()
        .find(|a| a.topic == "hl7-message-structure")
        .unwrap();
    assert_eq!((hl7.attempts, hl7.correct, hl7.percent()), (2, 1, 50));
    assert_eq!(
        db.attempts(jane.id).await.unwrap()[0].attempt.seed,
        u64::MAX,
        "seed bits survive"
    );

    // Trainers see learners of the organisations they follow.
    let other = db
        .create_organisation("Southmoor NHS Foundation Trust", None)
        .await
        .unwrap();
    let trainer = db
        .create_user(NewUser {
            email: "trainer@nhs.test",
            name: "Tom Trainer",
            organisation_id: Some(org.id),
            role: Role::Trainer,
            password_hash: &hash,
        })
        .await
        .unwrap();
    db.assign_trainer(trainer.id, org.id).await.unwrap();
    db.assign_trainer(trainer.id, org.id).await.unwrap();
    assert_eq!(
        db.trainer_organisations(trainer.id).await.unwrap(),
        vec![org.id]
    );
    let learners = db.learners_in(&[org.id]).await.unwrap();
    assert_eq!(learners.len(), 1, "trainers are not listed as learners");
    assert_eq!(learners[0].foundation_completed, 1);
    assert_eq!((learners[0].attempts, learners[0].correct), (3, 2));
    assert!(db.learners_in(&[other.id]).await.unwrap().is_empty());
    // Demoting a trainer drops their assignments.
    db.set_role(trainer.id, Role::Learner).await.unwrap();
    assert!(db
        .trainer_organisations(trainer.id)
        .await
        .unwrap()
        .is_empty());

    // Throttling counts by account and by address.
    db.record_login_failure("jane@nhs.test", "10.0.0.1", t)
        .await
        .unwrap();
    db.record_login_failure("x@nhs.test", "10.0.0.1", t)
        .await
        .unwrap();
    assert_eq!(
        db.login_failures_since("JANE@nhs.test", "10.0.0.1", t - 10)
            .await
            .unwrap(),
        (1, 2)
    );
    db.clear_login_failures("jane@nhs.test").await.unwrap();
    assert_eq!(
        db.login_failures_since("jane@nhs.test", "10.0.0.9", t - 10)
            .await
            .unwrap(),
        (0, 0)
    );

    // Deleting a user removes everything recorded with them.
    db.delete_user(jane.id).await.unwrap();
    assert!(db.user(jane.id).await.unwrap().is_none());
    assert!(db.completed_modules(jane.id).await.unwrap().is_empty());
    assert!(db.attempts(jane.id).await.unwrap().is_empty());
    assert!(matches!(
        db.delete_user(jane.id).await,
        Err(RepoError::NotFound)
    ));
}

// ---- HTTP: the authorisation matrix ----------------------------------

struct World {
    app: axum::Router,
    db: Db,
    _dir: tempfile::TempDir,
    learner_a: i64,
    learner_b: i64,
    org_a: i64,
    trainer: i64,
}

async fn world() -> World {
    let dir = tempfile::tempdir().unwrap();
    let db = fresh_db(&dir).await;
    let org_a = db
        .create_organisation("Northgate Hospitals NHS Trust", None)
        .await
        .unwrap()
        .id;
    let org_b = db
        .create_organisation("Southmoor NHS Foundation Trust", None)
        .await
        .unwrap()
        .id;
    let hash = hash_password(PASSWORD).unwrap();
    let mut ids = Vec::new();
    for (email, role, org) in [
        ("learner@a.test", Role::Learner, Some(org_a)),
        ("learner@b.test", Role::Learner, Some(org_b)),
        ("trainer@a.test", Role::Trainer, Some(org_a)),
        ("admin@x.test", Role::Admin, None),
    ] {
        let u = db
            .create_user(NewUser {
                email,
                name: email,
                organisation_id: org,
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
        ids.push(u.id);
    }
    db.assign_trainer(ids[2], org_a).await.unwrap();
    let content = concat!(env!("CARGO_MANIFEST_DIR"), "/content");
    let config = ServeConfig {
        addr: "127.0.0.1:0".parse().unwrap(),
        database_url: String::new(),
        content_dir: content.into(),
        site_root: "target/site".into(),
        secure_cookies: false,
        log_format: "pretty".into(),
    };
    let state = AppState::new(
        leptos_options(&config),
        content.as_ref(),
        Arc::new(db.clone()),
        false,
    );
    World {
        app: router(state),
        db,
        _dir: dir,
        learner_a: ids[0],
        learner_b: ids[1],
        org_a,
        trainer: ids[2],
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Who {
    Anonymous,
    Learner,
    Trainer,
    Admin,
}

fn cookie_for(who: Who) -> String {
    let session = match who {
        Who::Anonymous => None,
        Who::Learner => Some("learner@a.test"),
        Who::Trainer => Some("trainer@a.test"),
        Who::Admin => Some("admin@x.test"),
    };
    let mut c = format!("pa_csrf={CSRF}");
    if let Some(email) = session {
        c.push_str(&format!("; pa_session=token-{email}"));
    }
    c
}

async fn send(app: &axum::Router, req: Request<Body>) -> (StatusCode, String) {
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let body = res.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&body).into_owned())
}

fn get(path: &str, who: Who) -> Request<Body> {
    Request::get(path)
        .header(header::COOKIE, cookie_for(who))
        .body(Body::empty())
        .unwrap()
}

fn post(path: &str, who: Who, form: &str) -> Request<Body> {
    Request::post(path)
        .header(header::COOKIE, cookie_for(who))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::HOST, "localhost")
        .header(header::ORIGIN, "http://localhost")
        .body(Body::from(format!("csrf={CSRF}&{form}")))
        .unwrap()
}

#[tokio::test]
async fn authorisation_matrix() {
    let w = world().await;
    use StatusCode as S;
    use Who::*;
    let ok = S::OK;
    // (action, request builder, expected status for anonymous, learner, trainer, admin)
    type Build = Box<dyn Fn(Who) -> Request<Body>>;
    let la = w.learner_a;
    let lb = w.learner_b;
    let org = w.org_a;
    let trainer = w.trainer;
    let matrix: Vec<(&str, Build, [S; 4])> = vec![
        (
            "view dashboard",
            Box::new(|who| get("/api/dashboard", who)),
            [S::UNAUTHORIZED, ok, ok, ok],
        ),
        (
            "complete a module",
            Box::new(|who| {
                post(
                    "/api/progress/complete",
                    who,
                    "level=foundation&slug=imaging-landscape&complete=true",
                )
            }),
            [S::UNAUTHORIZED, ok, ok, ok],
        ),
        (
            "check (and record) an exercise answer",
            Box::new(|who| {
                post("/api/exercise/check", who, "kind=hl7-read-value&difficulty=foundation&seed=7&answer=%5B%5B%22answer%22%2C%22x%22%5D%5D&time_taken_ms=900")
            }),
            [ok, ok, ok, ok],
        ),
        (
            "change password",
            Box::new(|who| {
                post(
                    "/api/account/password",
                    who,
                    "current=wrong&new_password=another+long+phrase",
                )
            }),
            [S::UNAUTHORIZED, ok, ok, ok],
        ),
        (
            "export own data",
            Box::new(|who| get("/account/export.json", who)),
            [S::UNAUTHORIZED, ok, ok, ok],
        ),
        (
            "delete own account",
            Box::new(|who| post("/api/account/delete", who, "password=wrong")),
            [S::UNAUTHORIZED, ok, ok, ok],
        ),
        (
            "see cohort",
            Box::new(|who| get("/api/trainer/cohort", who)),
            [S::UNAUTHORIZED, S::FORBIDDEN, ok, ok],
        ),
        (
            "see a learner of a followed organisation",
            Box::new(move |who| get(&format!("/api/trainer/learner?id={la}"), who)),
            [S::UNAUTHORIZED, S::FORBIDDEN, ok, ok],
        ),
        (
            "see a learner of another organisation",
            Box::new(move |who| get(&format!("/api/trainer/learner?id={lb}"), who)),
            [S::UNAUTHORIZED, S::FORBIDDEN, S::FORBIDDEN, ok],
        ),
        (
            "administration overview",
            Box::new(|who| get("/api/admin/overview", who)),
            [S::UNAUTHORIZED, S::FORBIDDEN, S::FORBIDDEN, ok],
        ),
        (
            "create an organisation",
            Box::new(|who| {
                post(
                    "/api/admin/organisation",
                    who,
                    &format!("name=Trust+{who:?}&ods_code="),
                )
            }),
            [S::UNAUTHORIZED, S::FORBIDDEN, S::FORBIDDEN, ok],
        ),
        (
            "close an organisation",
            Box::new(move |who| {
                post(
                    "/api/admin/organisation_active",
                    who,
                    &format!("id={org}&active=true"),
                )
            }),
            [S::UNAUTHORIZED, S::FORBIDDEN, S::FORBIDDEN, ok],
        ),
        (
            "change a role",
            Box::new(move |who| {
                post(
                    "/api/admin/role",
                    who,
                    &format!("user_id={lb}&role=learner"),
                )
            }),
            [S::UNAUTHORIZED, S::FORBIDDEN, S::FORBIDDEN, ok],
        ),
        (
            "assign a trainer",
            Box::new(move |who| {
                post(
                    "/api/admin/assign",
                    who,
                    &format!("trainer_id={trainer}&organisation_id={org}&follow=true"),
                )
            }),
            [S::UNAUTHORIZED, S::FORBIDDEN, S::FORBIDDEN, ok],
        ),
    ];
    let mut failures = Vec::new();
    for (action, build, expected) in &matrix {
        for (who, want) in [Anonymous, Learner, Trainer, Admin]
            .into_iter()
            .zip(expected)
        {
            let (status, body) = send(&w.app, build(who)).await;
            if status != *want {
                failures.push(format!(
                    "{action} as {who:?}: got {status}, want {want}: {body}"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // The learner's completion was stored; the anonymous attempt was not.
    let done = w.db.completed_modules(w.learner_a).await.unwrap();
    assert_eq!(done.len(), 1);
    assert_eq!(w.db.attempts(w.learner_a).await.unwrap().len(), 1);
}

#[tokio::test]
async fn trainer_sees_own_organisation_only() {
    let w = world().await;
    let (status, body) = send(&w.app, get("/api/trainer/cohort", Who::Trainer)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("learner@a.test"), "{body}");
    assert!(!body.contains("learner@b.test"), "{body}");
    assert!(!body.contains("Southmoor"), "{body}");
}

#[tokio::test]
async fn csrf_is_enforced() {
    let w = world().await;
    let form = "level=foundation&slug=imaging-landscape&complete=true";
    // No token in the form.
    let req = Request::post("/api/progress/complete")
        .header(header::COOKIE, cookie_for(Who::Learner))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!("csrf=&{form}")))
        .unwrap();
    assert_eq!(send(&w.app, req).await.0, StatusCode::FORBIDDEN);
    // A token that does not match the cookie.
    let req = Request::post("/api/progress/complete")
        .header(header::COOKIE, cookie_for(Who::Learner))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!(
            "csrf={}&{form}",
            "x".repeat(CSRF.len())
        )))
        .unwrap();
    assert_eq!(send(&w.app, req).await.0, StatusCode::FORBIDDEN);
    // From another site, even with the right token.
    let req = Request::post("/api/progress/complete")
        .header(header::COOKIE, cookie_for(Who::Learner))
        .header(header::HOST, "localhost")
        .header(header::ORIGIN, "https://evil.example")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!("csrf={CSRF}&{form}")))
        .unwrap();
    let (status, body) = send(&w.app, req).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(body.contains("another site"));
    assert!(
        w.db.completed_modules(w.learner_a)
            .await
            .unwrap()
            .is_empty(),
        "nothing changed"
    );
}

#[tokio::test]
async fn pages_set_a_csrf_cookie_and_session_cookies_are_safe() {
    let w = world().await;
    let res = w
        .app
        .clone()
        .oneshot(Request::get("/foundation").body(Body::empty()).unwrap())
        .await
        .unwrap();
    let cookie = res
        .headers()
        .get(header::SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(cookie.starts_with("pa_csrf="), "{cookie}");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    // Signing in sets an HttpOnly, SameSite session cookie (Secure behind https).
    let req = Request::post("/api/account/sign_in")
        .header(header::COOKIE, cookie_for(Who::Anonymous))
        .header("x-forwarded-proto", "https")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!(
            "csrf={CSRF}&email=learner%40a.test&password=violet+harbour+pencil"
        )))
        .unwrap();
    let res = w.app.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let cookies: Vec<String> = res
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect();
    let session = cookies
        .iter()
        .find(|c| c.starts_with("pa_session="))
        .expect("session cookie");
    for attr in ["HttpOnly", "SameSite=Lax", "Secure", "Path=/"] {
        assert!(session.contains(attr), "{session} lacks {attr}");
    }
}

#[tokio::test]
async fn sign_up_reports_each_bad_field_and_duplicates() {
    let w = world().await;
    let signup = |form: String| {
        Request::post("/api/account/sign_up")
            .header(header::COOKIE, cookie_for(Who::Anonymous))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!("csrf={CSRF}&{form}")))
            .unwrap()
    };
    let (status, body) = send(
        &w.app,
        signup("name=&email=not-an-email&organisation=999&password=short".into()),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    for field in ["\"name\"", "\"email\"", "\"organisation\"", "\"password\""] {
        assert!(body.contains(field), "{field} missing in {body}");
    }
    let (_, body) = send(
        &w.app,
        signup(format!(
            "name=Jane&email=jane%40x.test&organisation={}&password=1qaz2wsx3edc",
            w.org_a
        )),
    )
    .await;
    assert!(body.contains("too common"), "{body}");
    let (_, body) = send(
        &w.app,
        signup(format!(
            "name=Jane&email=LEARNER%40a.test&organisation={}&password=violet+harbour+pencil",
            w.org_a
        )),
    )
    .await;
    assert!(body.contains("already exists"), "{body}");
    let (_, body) = send(
        &w.app,
        signup(format!(
            "name=Jane&email=jane%40x.test&organisation={}&password=violet+harbour+pencil",
            w.org_a
        )),
    )
    .await;
    assert!(body.contains("\"ok\":true"), "{body}");
    assert!(w.db.user_by_email("jane@x.test").await.unwrap().is_some());
}

#[tokio::test]
async fn repeated_failed_sign_ins_are_throttled() {
    let w = world().await;
    let attempt = |password: &str| {
        Request::post("/api/account/sign_in")
            .header(header::COOKIE, cookie_for(Who::Anonymous))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!(
                "csrf={CSRF}&email=learner%40a.test&password={password}"
            )))
            .unwrap()
    };
    for _ in 0..5 {
        let (_, body) = send(&w.app, attempt("wrong")).await;
        assert!(body.contains("not right"), "{body}");
    }
    // Now even the right password is refused for a while.
    let (status, body) = send(&w.app, attempt("violet+harbour+pencil")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Too many failed sign-ins"), "{body}");
}

#[tokio::test]
async fn bad_requests_get_clear_errors_not_500s() {
    let w = world().await;
    // A missing field.
    let (status, body) = send(
        &w.app,
        post("/api/progress/complete", Who::Learner, "level=foundation"),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body.contains("slug"), "the error names the field: {body}");
    // A module that does not exist.
    let (status, body) = send(
        &w.app,
        post(
            "/api/progress/complete",
            Who::Learner,
            "level=foundation&slug=nope&complete=true",
        ),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    // An oversized body.
    let big = format!("name={}", "x".repeat(2 * 1024 * 1024));
    let (status, _) = send(&w.app, post("/api/admin/organisation", Who::Admin, &big)).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    // A malformed number.
    let (status, _) = send(&w.app, get("/api/trainer/learner?id=abc", Who::Trainer)).await;
    assert!(status.is_client_error(), "{status}");
    // An over-long answer.
    let long = "a".repeat(5000);
    let (status, body) = send(
        &w.app,
        post(
            "/api/exercise/check",
            Who::Learner,
            &format!(
                "kind=hl7-read-value&difficulty=foundation&seed=1&answer={long}&time_taken_ms=1"
            ),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
}

/// The typed error a server function answered with.
fn app_error(body: &str) -> AppError {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("not an AppError ({e}): {body}"))
}

#[tokio::test]
async fn server_function_errors_are_typed_and_carry_their_status() {
    let w = world().await;
    // A missing argument: 400, naming the field, so a page can mark it.
    let (status, body) = send(
        &w.app,
        post("/api/progress/complete", Who::Learner, "level=foundation"),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let e = app_error(&body);
    assert_eq!(e.field(), Some("slug"), "{e:?}");
    assert!(e.to_string().contains("slug"), "{e}");
    // Not signed in: 401.
    let (status, body) = send(&w.app, get("/api/dashboard", Who::Anonymous)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert_eq!(app_error(&body), AppError::NotSignedIn);
    // The wrong role: 403.
    let (status, body) = send(&w.app, get("/api/admin/overview", Who::Learner)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(matches!(app_error(&body), AppError::Forbidden(_)), "{body}");
    // A forged form: 403 with the reason.
    let forged = Request::post("/api/progress/complete")
        .header(header::COOKIE, cookie_for(Who::Learner))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::HOST, "localhost")
        .header(header::ORIGIN, "http://localhost")
        .body(Body::from(
            "csrf=not-the-token&level=foundation&slug=imaging-landscape&complete=true",
        ))
        .unwrap();
    let (status, body) = send(&w.app, forged).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(
        app_error(&body).to_string().contains("Reload the page"),
        "{body}"
    );
    // An unknown module: 404.
    let (status, body) = send(
        &w.app,
        post(
            "/api/progress/complete",
            Who::Learner,
            "level=foundation&slug=nope&complete=true",
        ),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert!(matches!(app_error(&body), AppError::NotFound(_)), "{body}");
    // Over 1 MiB: 413, whether the size is declared up front or only
    // found while reading, and the page can read why.
    let big = format!("name={}", "x".repeat(MAX_REQUEST_BYTES + 1));
    let (status, body) = send(&w.app, post("/api/admin/organisation", Who::Admin, &big)).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert_eq!(app_error(&body), AppError::TooLarge);
    let mut declared = post("/api/admin/organisation", Who::Admin, &big);
    declared
        .headers_mut()
        .insert(header::CONTENT_LENGTH, big.len().into());
    let (status, body) = send(&w.app, declared).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert_eq!(app_error(&body), AppError::TooLarge);
    // A body just under the limit still reaches the server function.
    let fits = format!("name={}", "x".repeat(MAX_REQUEST_BYTES - 200));
    let (status, body) = send(&w.app, post("/api/admin/organisation", Who::Admin, &fits)).await;
    assert_ne!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    // Routes outside the server functions answer the same errors in plain
    // text: a download for nobody is 401, for a learner 403.
    let (status, body) = send(&w.app, get("/account/export.json", Who::Anonymous)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body, AppError::NotSignedIn.to_string());
    let (status, _) = send(&w.app, get("/trainer/report.csv", Who::Learner)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

/// Percent-encodes a form value.
fn form_value(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[tokio::test]
async fn exercise_answers_are_graded_and_recorded_by_the_server() {
    use pacs_academy::exercise::{generate, grade, Answer, Kind};
    let w = world().await;
    let seed = 31;
    // The right answer, as the feedback reveals it after a wrong attempt.
    let (ex, key) = generate(Kind::Hl7ReadValue, Level::Foundation, seed);
    let right = grade(&ex, &key, &Answer::single("nothing like it")).parts[0]
        .answer
        .clone();
    assert!(!right.is_empty());
    let check = |answer: &str| {
        let json = serde_json::to_string(&vec![("answer", answer)]).unwrap();
        post(
            "/api/exercise/check",
            Who::Learner,
            &format!(
                "kind=hl7-read-value&difficulty=foundation&seed={seed}&answer={}&time_taken_ms=1200",
                form_value(&json)
            ),
        )
    };
    let (status, body) = send(&w.app, check(&right)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["feedback"]["correct"], true, "{body}");
    assert_eq!(v["recorded"], true);
    let (_, body) = send(&w.app, check("definitely wrong")).await;
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["feedback"]["correct"], false);
    // The verdicts stored are the server's own.
    let attempts = w.db.attempts(w.learner_a).await.unwrap();
    let verdicts: Vec<bool> = attempts.iter().map(|a| a.attempt.correct).collect();
    assert_eq!(verdicts.len(), 2);
    assert!(verdicts.contains(&true) && verdicts.contains(&false));
    assert!(attempts
        .iter()
        .all(|a| a.attempt.kind == "hl7-read-value" && a.attempt.seed == seed));
    // A client cannot claim a verdict: an extra `correct` field is refused
    // or ignored, never believed.
    let (status, body) = send(
        &w.app,
        post(
            "/api/exercise/check",
            Who::Learner,
            &format!("kind=hl7-read-value&difficulty=foundation&seed={seed}&answer=%5B%5D&time_taken_ms=1&correct=true"),
        ),
    )
    .await;
    if status == StatusCode::OK {
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["feedback"]["correct"], false, "{body}");
    } else {
        assert!(status.is_client_error(), "{status}");
    }
    // Bad input says why.
    let (status, body) = send(
        &w.app,
        post(
            "/api/exercise/check",
            Who::Learner,
            "kind=hl7-read-value&difficulty=foundation&seed=1&answer=not-json&time_taken_ms=1",
        ),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body.contains("list of [part, value] pairs"), "{body}");
    let (status, _) = send(
        &w.app,
        post(
            "/api/exercise/check",
            Who::Learner,
            "kind=no-such&difficulty=foundation&seed=1&answer=%5B%5D&time_taken_ms=1",
        ),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}
