//! Server-side timings for the course reader (`cargo bench --features ssr`).
//!
//! Prints the median and spread (10th–90th percentile) of:
//! - rendering one module's Markdown from scratch (a cache miss),
//! - reading a cached module from the store (a cache hit, including the
//!   file-change check),
//! - a whole `GET /foundation/<slug>` through the axum router with server
//!   rendering, as a browser's first request gets it (no network).

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::Request;
use http_body_util::BodyExt;
use pacs_academy::content::store::ContentStore;
use pacs_academy::content::{front_matter, render, Level};
use tower::ServiceExt;

const SLUG: &str = "hl7-message-structure";

fn stats(name: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let pct = |p: f64| samples[((samples.len() - 1) as f64 * p).round() as usize];
    println!(
        "{name:<44} median {:>9.1?}  p10 {:>9.1?}  p90 {:>9.1?}  (n = {})",
        pct(0.5),
        pct(0.1),
        pct(0.9),
        samples.len()
    );
}

fn time<F: FnMut()>(n: usize, mut f: F) -> Vec<Duration> {
    for _ in 0..n / 10 {
        f();
    }
    (0..n)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect()
}

fn main() {
    let root = env!("CARGO_MANIFEST_DIR");
    let content = format!("{root}/content");
    let path = format!("{content}/foundation/02-{SLUG}.md");
    let source = std::fs::read_to_string(&path).expect("module file");

    stats(
        "render module Markdown (cache miss)",
        time(300, || {
            let split = front_matter::split(&source).unwrap();
            let fm = front_matter::parse(&split).unwrap();
            let r = render::render(split.body, split.body_line);
            std::hint::black_box((fm, r));
        }),
    );

    let store = ContentStore::new(&content);
    stats(
        "store.module() (cache hit + change check)",
        time(3000, || {
            std::hint::black_box(store.module(Level::Foundation, SLUG).unwrap());
        }),
    );

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let app = runtime.block_on(async {
        let db = pacs_academy::server::db::Db::connect(&format!(
            "sqlite://{}",
            dir.path().join("bench.db").display()
        ))
        .await
        .unwrap();
        let config = pacs_academy::server::ServeConfig {
            addr: "127.0.0.1:0".parse().unwrap(),
            database_url: String::new(),
            content_dir: content.clone().into(),
            site_root: format!("{root}/target/site"),
            log_format: "pretty".into(),
            secure_cookies: false,
        };
        let state = pacs_academy::server::AppState::new(
            pacs_academy::server::leptos_options(&config),
            content.as_ref(),
            std::sync::Arc::new(db),
            false,
        );
        pacs_academy::server::router(state)
    });
    let uri = format!("/foundation/{SLUG}");
    let samples = runtime.block_on(async {
        let mut samples = Vec::new();
        for i in 0..550 {
            let req = Request::get(&uri).body(Body::empty()).unwrap();
            let t = Instant::now();
            let res = app.clone().oneshot(req).await.unwrap();
            assert!(res.status().is_success());
            let body = res.into_body().collect().await.unwrap().to_bytes();
            let elapsed = t.elapsed();
            assert!(body.len() > 10_000);
            if i >= 50 {
                samples.push(elapsed);
            }
        }
        samples
    });
    stats("GET /foundation/<module> (full SSR response)", samples);
}
