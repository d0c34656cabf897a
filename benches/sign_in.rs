//! How long a sign-in takes (`cargo bench --features ssr --bench sign_in`).
//!
//! Prints median and spread of: verifying one Argon2id hash
//! (m = 19 MiB, t = 2, p = 1), and a whole `POST /api/account/sign_in`
//! through the router with a real SQLite file (throttle check, lookup,
//! verification, session insert, cookie).

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{header, Request};
use pacs_academy::accounts::Role;
use pacs_academy::server::auth::{hash_password, verify_password};
use pacs_academy::server::db::Db;
use pacs_academy::server::repo::{NewUser, Repository};
use pacs_academy::server::{leptos_options, router, AppState, ServeConfig};
use tower::ServiceExt;

fn stats(name: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let pct = |p: f64| samples[((samples.len() - 1) as f64 * p).round() as usize];
    println!(
        "{name:<44} median {:>9.2?}  p10 {:>9.2?}  p90 {:>9.2?}  (n = {})",
        pct(0.5),
        pct(0.1),
        pct(0.9),
        samples.len()
    );
}

fn main() {
    let hash = hash_password("violet harbour pencil").unwrap();
    let samples = (0..40)
        .map(|_| {
            let t = Instant::now();
            assert!(verify_password("violet harbour pencil", &hash));
            t.elapsed()
        })
        .collect();
    stats("argon2id verify (19 MiB, t=2, p=1)", samples);

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let root = env!("CARGO_MANIFEST_DIR");
    let content = format!("{root}/content");
    let app = runtime.block_on(async {
        let db = Db::connect(&format!(
            "sqlite://{}",
            dir.path().join("bench.db").display()
        ))
        .await
        .unwrap();
        let org = db.create_organisation("Northgate", None).await.unwrap();
        db.create_user(NewUser {
            email: "jane@nhs.test",
            name: "Jane",
            organisation_id: Some(org.id),
            role: Role::Learner,
            password_hash: &hash,
        })
        .await
        .unwrap();
        let config = ServeConfig {
            addr: "127.0.0.1:0".parse().unwrap(),
            database_url: String::new(),
            content_dir: content.clone().into(),
            site_root: format!("{root}/target/site"),
            secure_cookies: false,
            log_format: "pretty".into(),
        };
        router(AppState::new(
            leptos_options(&config),
            content.as_ref(),
            Arc::new(db),
            false,
        ))
    });
    let csrf = "c".repeat(43);
    let samples = runtime.block_on(async {
        let mut samples = Vec::new();
        for _ in 0..40 {
            let req = Request::post("/api/account/sign_in")
                .header(header::COOKIE, format!("pa_csrf={csrf}"))
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(format!(
                    "csrf={csrf}&email=jane%40nhs.test&password=violet+harbour+pencil"
                )))
                .unwrap();
            let t = Instant::now();
            let res = app.clone().oneshot(req).await.unwrap();
            let elapsed = t.elapsed();
            assert!(res.headers().get(header::SET_COOKIE).is_some());
            samples.push(elapsed);
        }
        samples
    });
    stats("POST /api/account/sign_in (whole request)", samples);
}
