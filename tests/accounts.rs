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
use pacs_academy::server::auth::{csrf_for_session, hash_password, token_hash, HashGate, THROTTLE};
use pacs_academy::server::db::{now, Db};
use pacs_academy::server::repo::{NewAttempt, NewUser, RepoError, Repository, Reservation};
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

    // Throttling: see the tests of reserve_sign_in below.
    assert!(matches!(
        db.reserve_sign_in("jane@nhs.test", "10.0.0.1", t, &THROTTLE)
            .await
            .unwrap(),
        Reservation::Reserved(_)
    ));

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
    admin: i64,
    /// The app's password-hashing gate, to count verifications.
    gate: Arc<HashGate>,
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
    let mut state = AppState::new(
        leptos_options(&config),
        content.as_ref(),
        Arc::new(db.clone()),
        false,
    );
    // Unoptimised Argon2 is slow: a long wait keeps these tests about
    // behaviour, not about how fast the machine is.
    let gate = Arc::new(HashGate::new(2, 256, std::time::Duration::from_secs(600)));
    state.hashing = gate.clone();
    World {
        app: router(state),
        db,
        _dir: dir,
        learner_a: ids[0],
        learner_b: ids[1],
        org_a,
        trainer: ids[2],
        admin: ids[3],
        gate,
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Who {
    Anonymous,
    Learner,
    Trainer,
    Admin,
}

fn session_of(who: Who) -> Option<String> {
    let email = match who {
        Who::Anonymous => return None,
        Who::Learner => "learner@a.test",
        Who::Trainer => "trainer@a.test",
        Who::Admin => "admin@x.test",
    };
    Some(format!("token-{email}"))
}

fn cookie_for(who: Who) -> String {
    let mut c = format!("pa_csrf={CSRF}");
    if let Some(token) = session_of(who) {
        c.push_str(&format!("; pa_session={token}"));
    }
    c
}

/// The CSRF token `who`'s pages carry: bound to the session once signed in.
fn csrf_for(who: Who) -> String {
    session_of(who).map_or_else(|| CSRF.to_string(), |t| csrf_for_session(&t))
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
        .body(Body::from(format!("csrf={}&{form}", csrf_for(who))))
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
    // The browser's CSRF cookie token, or another session's token, is not
    // this session's.
    for other in [CSRF.to_string(), csrf_for(Who::Trainer)] {
        let req = Request::post("/api/progress/complete")
            .header(header::COOKIE, cookie_for(Who::Learner))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!("csrf={other}&{form}")))
            .unwrap();
        assert_eq!(send(&w.app, req).await.0, StatusCode::FORBIDDEN);
    }
    // This session's own token is accepted.
    let req = Request::post("/api/progress/complete")
        .header(header::COOKIE, cookie_for(Who::Learner))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!(
            "csrf={}&level=foundation&slug=imaging-landscape&complete=false",
            csrf_for(Who::Learner)
        )))
        .unwrap();
    let (status, body) = send(&w.app, req).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // From another site, even with the right token.
    let req = Request::post("/api/progress/complete")
        .header(header::COOKIE, cookie_for(Who::Learner))
        .header(header::HOST, "localhost")
        .header(header::ORIGIN, "https://evil.example")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!(
            "csrf={}&{form}",
            csrf_for(Who::Learner)
        )))
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
        // A page rendered for its visitor (a kept reading page sets no
        // cookie: tests/page_cache.rs).
        .oneshot(Request::get("/signin").body(Body::empty()).unwrap())
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
    // Signing in sets an HttpOnly, SameSite session cookie (Secure and
    // `__Host-` prefixed behind https).
    let req = Request::post("/api/account/sign_in")
        .header(header::COOKIE, format!("__Host-pa_csrf={CSRF}"))
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
        .find(|c| c.starts_with("__Host-pa_session="))
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
    assert!(
        body.contains("could not create an account with these details"),
        "{body}"
    );
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
            &format!(
                "kind=hl7-read-value&difficulty=foundation&seed={seed}&answer={}&time_taken_ms=1&correct=true",
                form_value(r#"[["answer","definitely wrong"]]"#)
            ),
        ),
    )
    .await;
    if status == StatusCode::OK {
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["feedback"]["correct"], false, "{body}");
    } else {
        assert!(status.is_client_error(), "{status}");
    }
    // Nothing chosen, or only spaces, is not an answer: the learner is
    // asked for one, nothing is graded (no key in the reply) and nothing is
    // recorded.
    let recorded_before = w.db.attempts(w.learner_a).await.unwrap().len();
    for empty in ["[]", r#"[["answer",""]]"#, r#"[["answer","   "]]"#] {
        let (status, body) = send(
            &w.app,
            post(
                "/api/exercise/check",
                Who::Learner,
                &format!(
                    "kind=hl7-read-value&difficulty=foundation&seed={seed}&answer={}&time_taken_ms=1",
                    form_value(empty)
                ),
            ),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{empty}: {body}");
        assert!(body.contains("Choose or type an answer"), "{body}");
        assert!(!body.contains(&right), "the key leaked: {body}");
    }
    assert_eq!(
        w.db.attempts(w.learner_a).await.unwrap().len(),
        recorded_before
    );
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

/// The exercise form as a browser sends it before (or without) the page's
/// script: graded and recorded as the script's call would be, then back to
/// the exercise with the answer in the address, whose page shows the
/// grading. Nothing typed records nothing; a forged form is refused.
#[tokio::test]
async fn an_exercise_form_sent_without_script_is_graded_recorded_and_shown() {
    use pacs_academy::exercise::{generate, grade, Answer, Kind};
    let w = world().await;
    let seed = 32;
    let (ex, key) = generate(Kind::Hl7ReadValue, Level::Foundation, seed);
    let right = grade(&ex, &key, &Answer::single("nothing like it")).parts[0]
        .answer
        .clone();
    let form = |answer: &str| {
        post(
            "/exercises/check",
            Who::Learner,
            &format!(
                "exercise.kind=hl7-read-value&exercise.difficulty=foundation&exercise.seed={seed}&exercise.started=0&answer={}",
                form_value(answer)
            ),
        )
    };
    let page_of = |location: &str| {
        Request::get(location.trim_end_matches("#feedback"))
            .header(header::COOKIE, cookie_for(Who::Learner))
            .body(Body::empty())
            .unwrap()
    };

    let res = w.app.clone().oneshot(form(&right)).await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let location = res.headers()[header::LOCATION].to_str().unwrap().to_owned();
    assert!(
        location.starts_with(&format!(
            "/exercises/hl7-read-value/foundation/{seed}?answer="
        )),
        "{location}"
    );
    assert!(location.ends_with("&recorded=true#feedback"), "{location}");
    let attempts = w.db.attempts(w.learner_a).await.unwrap();
    assert_eq!(attempts.len(), 1);
    assert!(attempts[0].attempt.correct, "graded by the server as right");
    let (status, html) = send(&w.app, page_of(&location)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains(r#"id="feedback-title""#),
        "the page shows the grading"
    );
    assert!(html.contains(">Correct<"), "{html}");

    // Nothing typed: back to the exercise, which asks for an answer; no
    // grading, nothing recorded.
    let res = w.app.clone().oneshot(form("")).await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let location = res.headers()[header::LOCATION].to_str().unwrap().to_owned();
    assert!(location.contains("&recorded=false"), "{location}");
    let (_, html) = send(&w.app, page_of(&location)).await;
    assert!(html.contains("Choose or type an answer"), "{html}");
    assert!(!html.contains(r#"id="feedback-title""#));
    assert_eq!(w.db.attempts(w.learner_a).await.unwrap().len(), 1);

    // Parts keep their own names, even one called `kind` (spot the defect):
    // the answer that comes back is the part's, not the exercise's kind.
    let res = w
        .app
        .clone()
        .oneshot(post(
            "/exercises/check",
            Who::Learner,
            "exercise.kind=hl7-spot-defect&exercise.difficulty=foundation&exercise.seed=3&location=PID-3&kind=1",
        ))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let location = res.headers()[header::LOCATION].to_str().unwrap().to_owned();
    let answer = location
        .split(['?', '&', '#'])
        .find_map(|p| p.strip_prefix("answer="))
        .unwrap();
    let answer: String = url_decode(answer);
    assert_eq!(
        answer, r#"[["location","PID-3"],["kind","1"]]"#,
        "{location}"
    );
    assert_eq!(w.db.attempts(w.learner_a).await.unwrap().len(), 2);

    // A form without this browser's token is refused and records nothing.
    let forged = Request::post("/exercises/check")
        .header(header::COOKIE, cookie_for(Who::Learner))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::HOST, "localhost")
        .header(header::ORIGIN, "http://localhost")
        .body(Body::from(format!(
            "csrf=forged&exercise.kind=hl7-read-value&exercise.difficulty=foundation&exercise.seed={seed}&answer=x"
        )))
        .unwrap();
    let (status, body) = send(&w.app, forged).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(w.db.attempts(w.learner_a).await.unwrap().len(), 2);
}

/// `s` with its form-encoding undone (`+` and `%XX`).
fn url_decode(s: &str) -> String {
    form_urlencoded::parse(format!("v={s}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

// ---- Sign-in throttling, hashing load, sessions (issue 12) -------------

/// A sign-in from `address`, anonymous, over plain http.
fn sign_in_from(address: &str, email: &str, password: &str) -> Request<Body> {
    let mut req = Request::post("/api/account/sign_in")
        .header(header::COOKIE, cookie_for(Who::Anonymous))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!(
            "csrf={CSRF}&email={}&password={}",
            form_value(email),
            form_value(password)
        )))
        .unwrap();
    let ip: std::net::IpAddr = address.parse().unwrap();
    req.extensions_mut()
        .insert(axum::extract::ConnectInfo(std::net::SocketAddr::new(
            ip, 40000,
        )));
    req
}

async fn failures_recorded(db: &Db) -> i64 {
    sqlx::query_as::<_, (i64,)>("SELECT COUNT(*) FROM login_failures")
        .fetch_one(db.pool())
        .await
        .unwrap()
        .0
}

#[tokio::test]
async fn parallel_guesses_are_verified_at_most_the_limit() {
    let w = world().await;
    let tasks: Vec<_> = (0..20)
        .map(|i| {
            let app = w.app.clone();
            tokio::spawn(async move {
                send(
                    &app,
                    sign_in_from("10.0.0.66", "learner@a.test", &format!("guess number {i}")),
                )
                .await
            })
        })
        .collect();
    let (mut wrong, mut throttled) = (0, 0);
    for t in tasks {
        let (status, body) = t.await.unwrap();
        assert_eq!(status, StatusCode::OK, "{body}");
        if body.contains("not right") {
            wrong += 1;
        } else if body.contains("Too many failed sign-ins") {
            throttled += 1;
        } else {
            panic!("unexpected answer: {body}");
        }
    }
    let limit = THROTTLE.free_failures as u64;
    assert_eq!(w.gate.runs(), limit, "passwords verified");
    assert_eq!((wrong, throttled), (limit, 20 - limit));
    assert_eq!(failures_recorded(&w.db).await, limit as i64);
}

#[tokio::test]
async fn a_sign_in_flood_is_bounded_and_refused_with_a_clear_503() {
    let mut w = world().await;
    // One job at a time, two queued: the rest are refused at once.
    let gate = Arc::new(HashGate::new(1, 2, std::time::Duration::from_secs(600)));
    let content = concat!(env!("CARGO_MANIFEST_DIR"), "/content");
    let config = ServeConfig {
        addr: "127.0.0.1:0".parse().unwrap(),
        database_url: String::new(),
        content_dir: content.into(),
        site_root: "target/site".into(),
        secure_cookies: false,
        log_format: "pretty".into(),
    };
    let mut state = AppState::new(
        leptos_options(&config),
        content.as_ref(),
        Arc::new(w.db.clone()),
        false,
    );
    state.hashing = gate.clone();
    w.app = router(state);
    let tasks: Vec<_> = (0..30)
        .map(|i| {
            let app = w.app.clone();
            tokio::spawn(async move {
                let res = app
                    .oneshot(sign_in_from(
                        &format!("10.1.0.{i}"),
                        &format!("nobody{i}@x.test"),
                        "bogus password",
                    ))
                    .await
                    .unwrap();
                let retry = res
                    .headers()
                    .get(header::RETRY_AFTER)
                    .map(|v| v.to_str().unwrap().to_string());
                let status = res.status();
                let body = res.into_body().collect().await.unwrap().to_bytes();
                (status, retry, String::from_utf8_lossy(&body).into_owned())
            })
        })
        .collect();
    let mut refused = 0u64;
    for t in tasks {
        let (status, retry, body) = t.await.unwrap();
        if status == StatusCode::SERVICE_UNAVAILABLE {
            refused += 1;
            // The typed error, whose message the form shows.
            assert_eq!(body, "\"Busy\"", "{body}");
            assert_eq!(retry.as_deref(), Some("5"));
        } else {
            assert_eq!(status, StatusCode::OK, "{body}");
            assert!(body.contains("not right"), "{body}");
        }
    }
    assert!(refused > 0, "a flood of 30 with room for 3 refuses some");
    assert_eq!(gate.runs() + refused, 30);
    assert_eq!(gate.peak(), 1, "never more than one hash at once");
    // A refused attempt was never a guess: only verified ones count.
    assert_eq!(failures_recorded(&w.db).await, gate.runs() as i64);
}

#[tokio::test]
async fn failures_from_one_address_do_not_lock_the_owner_out() {
    let w = world().await;
    for i in 0..7 {
        let (_, body) = send(
            &w.app,
            sign_in_from("10.0.0.66", "learner@a.test", &format!("guess {i}")),
        )
        .await;
        assert!(
            body.contains("not right") || body.contains("Too many failed sign-ins"),
            "{body}"
        );
    }
    // The attacker's address is held off, even with the right password...
    let (_, body) = send(
        &w.app,
        sign_in_from("10.0.0.66", "learner@a.test", PASSWORD),
    )
    .await;
    assert!(body.contains("Too many failed sign-ins"), "{body}");
    // ...but the owner, elsewhere, signs in.
    let (status, body) = send(&w.app, sign_in_from("10.0.0.1", "learner@a.test", PASSWORD)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("\"ok\":true"), "{body}");
    // And the owner's success does not clear the attacker's failures.
    let (_, body) = send(
        &w.app,
        sign_in_from("10.0.0.66", "learner@a.test", PASSWORD),
    )
    .await;
    assert!(body.contains("Too many failed sign-ins"), "{body}");
}

#[tokio::test]
async fn reservations_wait_longer_after_each_failure_and_expire() {
    let dir = tempfile::tempdir().unwrap();
    let db = fresh_db(&dir).await;
    let r = THROTTLE;
    let t = 1_000_000;
    let reserve = |at: i64| {
        let db = db.clone();
        async move {
            db.reserve_sign_in("jane@nhs.test", "10.0.0.66", at, &THROTTLE)
                .await
                .unwrap()
        }
    };
    for i in 0..r.free_failures {
        assert!(matches!(
            reserve(t + i as i64).await,
            Reservation::Reserved(_)
        ));
    }
    let last = t + r.free_failures as i64 - 1;
    assert_eq!(
        reserve(last + 1).await,
        Reservation::Refused {
            retry_at: last + 60
        }
    );
    assert!(matches!(reserve(last + 60).await, Reservation::Reserved(_)));
    assert_eq!(
        reserve(last + 61).await,
        Reservation::Refused {
            retry_at: last + 60 + 120
        }
    );
    assert!(matches!(
        reserve(last + 180).await,
        Reservation::Reserved(_)
    ));
    assert_eq!(
        reserve(last + 181).await,
        Reservation::Refused {
            retry_at: last + 180 + 240
        }
    );
    // Another address, or another account, is not affected.
    assert!(matches!(
        db.reserve_sign_in("jane@nhs.test", "10.0.0.1", last + 181, &r)
            .await
            .unwrap(),
        Reservation::Reserved(_)
    ));
    assert!(matches!(
        db.reserve_sign_in("tom@nhs.test", "10.0.0.66", last + 181, &r)
            .await
            .unwrap(),
        Reservation::Reserved(_)
    ));
    // A success settles only its own (account, address).
    let Reservation::Reserved(id) = db
        .reserve_sign_in("jane@nhs.test", "10.0.0.2", last + 182, &r)
        .await
        .unwrap()
    else {
        panic!("reserved")
    };
    db.sign_in_succeeded(id, "jane@nhs.test", "10.0.0.2")
        .await
        .unwrap();
    assert!(matches!(
        reserve(last + 183).await,
        Reservation::Refused { .. }
    ));
    // The hourly clean-up forgets failures older than the window.
    let later = last + r.window + 200;
    assert!(db.purge_throttle_records(later - r.window).await.unwrap() >= 8);
    assert_eq!(failures_recorded(&db).await, 0);
    assert!(matches!(reserve(later).await, Reservation::Reserved(_)));
}

#[tokio::test]
async fn one_address_spraying_many_accounts_hits_a_ceiling() {
    let dir = tempfile::tempdir().unwrap();
    let db = fresh_db(&dir).await;
    let t = 2_000_000;
    for i in 0..THROTTLE.address_ceiling {
        let got = db
            .reserve_sign_in(&format!("user{i}@nhs.test"), "10.9.9.9", t, &THROTTLE)
            .await
            .unwrap();
        assert!(matches!(got, Reservation::Reserved(_)), "{i}");
    }
    assert_eq!(
        db.reserve_sign_in("fresh@nhs.test", "10.9.9.9", t + 1, &THROTTLE)
            .await
            .unwrap(),
        Reservation::Refused {
            retry_at: t + THROTTLE.address_window
        }
    );
    assert!(matches!(
        db.reserve_sign_in("fresh@nhs.test", "10.9.9.8", t + 1, &THROTTLE)
            .await
            .unwrap(),
        Reservation::Reserved(_)
    ));
}

#[tokio::test]
async fn sign_ups_are_limited_per_address_atomically() {
    let w = world().await;
    let tasks: Vec<_> = (0..50)
        .map(|_| {
            let db = w.db.clone();
            tokio::spawn(async move {
                db.reserve_sign_up("10.2.0.1", now(), &THROTTLE)
                    .await
                    .unwrap()
            })
        })
        .collect();
    let mut granted = 0;
    for t in tasks {
        granted += u32::from(t.await.unwrap());
    }
    assert_eq!(granted, THROTTLE.sign_ups_per_address);
    let sign_up = |address: &str, email: &str| {
        let mut req = Request::post("/api/account/sign_up")
            .header(header::COOKIE, cookie_for(Who::Anonymous))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!(
                "csrf={CSRF}&name=Jane&email={}&organisation={}&password=violet+harbour+pencil",
                form_value(email),
                w.org_a
            )))
            .unwrap();
        let ip: std::net::IpAddr = address.parse().unwrap();
        req.extensions_mut()
            .insert(axum::extract::ConnectInfo(std::net::SocketAddr::new(
                ip, 40000,
            )));
        req
    };
    let (_, body) = send(&w.app, sign_up("10.2.0.1", "jane@x.test")).await;
    assert!(
        body.contains("Too many accounts have been created from here"),
        "{body}"
    );
    assert!(w.db.user_by_email("jane@x.test").await.unwrap().is_none());
    assert_eq!(w.gate.runs(), 0, "refused before hashing");
    let (_, body) = send(&w.app, sign_up("10.2.0.2", "jane@x.test")).await;
    assert!(body.contains("\"ok\":true"), "{body}");
    // A taken address gets a message that names no field and no account.
    let (_, body) = send(&w.app, sign_up("10.2.0.3", "learner@a.test")).await;
    assert!(
        body.contains("could not create an account with these details"),
        "{body}"
    );
    assert!(!body.contains("\"email\""), "{body}");
    assert!(!body.contains("already exists"), "{body}");
}

fn cache_control_of(res: &axum::response::Response) -> String {
    res.headers()
        .get(header::CACHE_CONTROL)
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default()
}

#[tokio::test]
async fn signed_in_pages_and_personal_downloads_are_not_stored() {
    let w = world().await;
    for (path, who) in [
        ("/dashboard", Who::Learner),
        ("/exams/results/1", Who::Learner),
        ("/certificates/ABCD-EFGH", Who::Learner),
        ("/account", Who::Learner),
        ("/account/export.json", Who::Learner),
        ("/api/dashboard", Who::Learner),
        ("/trainer/report.csv", Who::Trainer),
        ("/foundation", Who::Learner),
    ] {
        let res = w.app.clone().oneshot(get(path, who)).await.unwrap();
        assert_eq!(cache_control_of(&res), "private, no-store", "{path}");
    }
    let res = w
        .app
        .clone()
        .oneshot(get("/foundation", Who::Anonymous))
        .await
        .unwrap();
    assert_eq!(cache_control_of(&res), "no-cache");
    // Signing in answers with a session cookie: not stored either.
    let res = w
        .app
        .clone()
        .oneshot(sign_in_from("10.0.0.1", "learner@a.test", PASSWORD))
        .await
        .unwrap();
    assert_eq!(cache_control_of(&res), "private, no-store");
}

async fn session_count(db: &Db, user: i64) -> i64 {
    sqlx::query_as::<_, (i64,)>("SELECT COUNT(*) FROM sessions WHERE user_id = ?")
        .bind(user)
        .fetch_one(db.pool())
        .await
        .unwrap()
        .0
}

fn new_session_token(res: &axum::response::Response, name: &str) -> Option<String> {
    res.headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| c.strip_prefix(&format!("{name}=")))
        .and_then(|c| c.split(';').next())
        .filter(|t| !t.is_empty())
        .map(str::to_string)
}

#[tokio::test]
async fn sign_in_rotates_the_session_and_sign_out_ends_them_all() {
    let w = world().await;
    // A token planted in the browser before sign-in is worthless after it.
    let planted = "planted-token";
    w.db.create_session(&token_hash(planted), w.learner_a, now(), now() + 3600)
        .await
        .unwrap();
    let mut req = sign_in_from("10.0.0.1", "learner@a.test", PASSWORD);
    req.headers_mut().insert(
        header::COOKIE,
        format!("pa_csrf={CSRF}; pa_session={planted}")
            .parse()
            .unwrap(),
    );
    *req.body_mut() = Body::from(format!(
        "csrf={}&email=learner%40a.test&password={}",
        csrf_for_session(planted),
        form_value(PASSWORD)
    ));
    let res = w.app.clone().oneshot(req).await.unwrap();
    let fresh = new_session_token(&res, "pa_session").expect("a new session cookie");
    assert_ne!(fresh, planted);
    assert!(w
        .db
        .session_user(&token_hash(planted), now())
        .await
        .unwrap()
        .is_none());
    assert!(w
        .db
        .session_user(&token_hash(&fresh), now())
        .await
        .unwrap()
        .is_some());
    // The learner has the world's session, another browser's, and this one.
    w.db.create_session(
        &token_hash("other-browser"),
        w.learner_a,
        now(),
        now() + 3600,
    )
    .await
    .unwrap();
    assert_eq!(session_count(&w.db, w.learner_a).await, 3);
    let sign_out = Request::post("/api/account/sign_out")
        .header(
            header::COOKIE,
            format!("pa_csrf={CSRF}; pa_session={fresh}"),
        )
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!("csrf={}", csrf_for_session(&fresh))))
        .unwrap();
    let (status, body) = send(&w.app, sign_out).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        session_count(&w.db, w.learner_a).await,
        0,
        "signed out everywhere"
    );
}

#[tokio::test]
async fn a_password_change_ends_other_sessions_and_renews_this_one() {
    let w = world().await;
    w.db.create_session(
        &token_hash("other-browser"),
        w.learner_a,
        now(),
        now() + 3600,
    )
    .await
    .unwrap();
    let res = w
        .app
        .clone()
        .oneshot(post(
            "/api/account/password",
            Who::Learner,
            &format!(
                "current={}&new_password=another+long+phrase",
                form_value(PASSWORD)
            ),
        ))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let fresh = new_session_token(&res, "pa_session").expect("a new session cookie");
    assert!(w
        .db
        .session_user(&token_hash("other-browser"), now())
        .await
        .unwrap()
        .is_none());
    assert!(w
        .db
        .session_user(&token_hash("token-learner@a.test"), now())
        .await
        .unwrap()
        .is_none());
    assert_eq!(
        w.db.session_user(&token_hash(&fresh), now())
            .await
            .unwrap()
            .map(|u| u.id),
        Some(w.learner_a)
    );
    assert_eq!(session_count(&w.db, w.learner_a).await, 1);
}

#[tokio::test]
async fn a_role_change_ends_the_users_sessions() {
    let w = world().await;
    let (status, body) = send(
        &w.app,
        post(
            "/api/admin/role",
            Who::Admin,
            &format!("user_id={}&role=trainer", w.learner_a),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(session_count(&w.db, w.learner_a).await, 0);
    assert_eq!(
        send(&w.app, get("/api/dashboard", Who::Learner)).await.0,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn idle_sessions_end_and_use_renews_them() {
    let dir = tempfile::tempdir().unwrap();
    let db = fresh_db(&dir).await;
    let hash = hash_password(PASSWORD).unwrap();
    let mut ids = Vec::new();
    for (email, role) in [("l@x.test", Role::Learner), ("a@x.test", Role::Admin)] {
        let u = db
            .create_user(NewUser {
                email,
                name: email,
                organisation_id: None,
                role,
                password_hash: &hash,
            })
            .await
            .unwrap();
        ids.push(u.id);
    }
    let t = now();
    db.create_session("learner", ids[0], t, t + 86_400)
        .await
        .unwrap();
    db.create_session("admin", ids[1], t, t + 86_400)
        .await
        .unwrap();
    // 40 minutes on: the learner is still in (and renewed), the admin is out.
    assert!(db
        .session_user("learner", t + 40 * 60)
        .await
        .unwrap()
        .is_some());
    assert!(db
        .session_user("admin", t + 40 * 60)
        .await
        .unwrap()
        .is_none());
    // Used at +40 min, so still valid at +150 min (110 min idle)...
    assert!(db
        .session_user("learner", t + 150 * 60)
        .await
        .unwrap()
        .is_some());
    // ...and gone after more than 2 hours without use.
    assert!(db
        .session_user("learner", t + 150 * 60 + 2 * 3600 + 1)
        .await
        .unwrap()
        .is_none());
    assert_eq!(
        db.purge_expired_sessions(t + 150 * 60 + 2 * 3600 + 1)
            .await
            .unwrap(),
        2
    );
}

#[tokio::test]
async fn two_admins_demoting_each_other_leave_one() {
    let w = world().await;
    let hash = hash_password(PASSWORD).unwrap();
    let second =
        w.db.create_user(NewUser {
            email: "admin2@x.test",
            name: "Second Admin",
            organisation_id: None,
            role: Role::Admin,
            password_hash: &hash,
        })
        .await
        .unwrap();
    w.db.create_session(&token_hash("token-admin2"), second.id, now(), now() + 3600)
        .await
        .unwrap();
    let demote = |session: String, target: i64| {
        Request::post("/api/admin/role")
            .header(
                header::COOKIE,
                format!("pa_csrf={CSRF}; pa_session={session}"),
            )
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!(
                "csrf={}&user_id={target}&role=learner",
                csrf_for_session(&session)
            )))
            .unwrap()
    };
    let a = demote(session_of(Who::Admin).unwrap(), second.id);
    let b = demote("token-admin2".to_string(), w.admin);
    let (ra, rb) = tokio::join!(send(&w.app, a), send(&w.app, b));
    let ok = [&ra, &rb].iter().filter(|r| r.0 == StatusCode::OK).count();
    assert_eq!(ok, 1, "{ra:?} {rb:?}");
    assert_eq!(w.db.count_admins().await.unwrap(), 1);
    // In the repository too, whoever asks first wins and the other is refused.
    let dir = tempfile::tempdir().unwrap();
    let db = fresh_db(&dir).await;
    let mut admins = Vec::new();
    for email in ["x@x.test", "y@x.test"] {
        admins.push(
            db.create_user(NewUser {
                email,
                name: email,
                organisation_id: None,
                role: Role::Admin,
                password_hash: &hash,
            })
            .await
            .unwrap()
            .id,
        );
    }
    let (x, y) = tokio::join!(
        db.set_role(admins[0], Role::Learner),
        db.delete_user(admins[1])
    );
    assert!(x.is_ok() != y.is_ok(), "{x:?} {y:?}");
    assert!(matches!(x.err().or(y.err()), Some(RepoError::Conflict(_))));
    assert_eq!(db.count_admins().await.unwrap(), 1);
}

#[tokio::test]
async fn https_uses_host_cookies_hsts_and_checks_the_origin_scheme() {
    let w = world().await;
    let mut req = sign_in_from("10.0.0.1", "learner@a.test", PASSWORD);
    req.headers_mut()
        .insert("x-forwarded-proto", "https".parse().unwrap());
    req.headers_mut().insert(
        header::COOKIE,
        format!("__Host-pa_csrf={CSRF}").parse().unwrap(),
    );
    let res = w.app.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.headers()
            .get(header::STRICT_TRANSPORT_SECURITY)
            .unwrap(),
        "max-age=31536000; includeSubDomains"
    );
    let token = new_session_token(&res, "__Host-pa_session").expect("__Host- session cookie");
    let session = |cookie: String| {
        Request::get("/api/session")
            .header(header::COOKIE, cookie)
            .header("x-forwarded-proto", "https")
            .body(Body::empty())
            .unwrap()
    };
    let (_, body) = send(&w.app, session(format!("__Host-pa_session={token}"))).await;
    assert!(body.contains("learner@a.test"), "{body}");
    // Over https the plain name is not a session (it could be planted).
    let (_, body) = send(&w.app, session(format!("pa_session={token}"))).await;
    assert!(!body.contains("learner@a.test"), "{body}");
    // A download reads the same cookie.
    let res = w
        .app
        .clone()
        .oneshot(
            Request::get("/account/export.json")
                .header(header::COOKIE, format!("__Host-pa_session={token}"))
                .header("x-forwarded-proto", "https")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    // Plain http: no HSTS.
    let res = w
        .app
        .clone()
        .oneshot(get("/foundation", Who::Anonymous))
        .await
        .unwrap();
    assert!(res
        .headers()
        .get(header::STRICT_TRANSPORT_SECURITY)
        .is_none());
    // An http page of the same host posting to the https site is refused.
    let req = Request::post("/api/progress/complete")
        .header(
            header::COOKIE,
            format!("__Host-pa_csrf={CSRF}; __Host-pa_session={token}"),
        )
        .header(header::HOST, "localhost")
        .header(header::ORIGIN, "http://localhost")
        .header("x-forwarded-proto", "https")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!(
            "csrf={}&level=foundation&slug=imaging-landscape&complete=true",
            csrf_for_session(&token)
        )))
        .unwrap();
    let (status, body) = send(&w.app, req).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(body.contains("another site"), "{body}");
}
