//! Load benchmark for the timed exam, over HTTP against the release server
//! (not a test).
//!
//! It starts `target/release/pacs-academy serve` (or `$PACS_BIN`) on a fresh
//! SQLite file with the bundled content, signed-in sessions for
//! `EXAM_LOAD_CANDIDATES` candidates (default 500), and then each candidate,
//! as a browser would: starts the Foundation exam at a random moment within
//! the first 10 s (`POST /api/exam/start`), loads the paper (`GET
//! /api/exam/attempt`), and saves an answer to a random question every 2–5 s
//! (uniformly random; `POST /api/exam/save`), for `EXAM_LOAD_SECONDS`
//! (default 60). At the end every attempt's stored answers are read back
//! from the database and compared with what its candidate last saved
//! successfully: the number of answers lost must be 0.
//!
//! Build the server first (`cargo leptos build --release`), then run
//! `cargo bench --features ssr --bench exam_load`.

use std::collections::BTreeMap;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::{header, Request, StatusCode};
use hyper_util::client::legacy::{connect::HttpConnector, Client};
use hyper_util::rt::TokioExecutor;
use pacs_academy::accounts::Role;
use pacs_academy::exam::QuestionKind;
use pacs_academy::server::auth::token_hash;
use pacs_academy::server::db::{now, Db};
use pacs_academy::server::exam;
use pacs_academy::server::repo::{NewUser, Repository};

const CSRF: &str = "load-benchmark-csrf-token-0123456789abcdefgh";

type Http = Client<HttpConnector, Full<Bytes>>;

fn env_number(name: &str, default: u64) -> u64 {
    match std::env::var(name) {
        Ok(v) => v.trim().parse().unwrap_or_else(|_| {
            eprintln!("{name}={v:?} is not a whole number; using {default}");
            default
        }),
        Err(_) => default,
    }
}

/// What one candidate did.
#[derive(Default)]
struct Outcome {
    latencies_us: Vec<u64>,
    errors: Vec<String>,
    /// Item to (choice, flag) as last saved successfully.
    last: BTreeMap<usize, (Vec<usize>, bool)>,
    attempt: Option<i64>,
    start_us: Option<u64>,
}

/// A random answer to an item of `kind` with `n` options.
fn random_choice(kind: QuestionKind, n: usize) -> Vec<usize> {
    match kind {
        QuestionKind::Single => vec![rand::random_range(0..n)],
        QuestionKind::Multiple => {
            let mut c: Vec<usize> = (0..n).filter(|_| rand::random_bool(0.5)).collect();
            if c.is_empty() {
                c.push(rand::random_range(0..n));
            }
            c
        }
    }
}

/// The server at `base`, as one signed-in candidate's browser.
struct Browser {
    http: Http,
    base: String,
    cookie: String,
    /// The session's CSRF token (bound to it).
    csrf: String,
}

impl Browser {
    async fn send(&self, req: Request<Full<Bytes>>) -> Result<String, String> {
        let res = self.http.request(req).await.map_err(|e| e.to_string())?;
        let status = res.status();
        let body = res
            .into_body()
            .collect()
            .await
            .map_err(|e| e.to_string())?
            .to_bytes();
        let body = String::from_utf8_lossy(&body).into_owned();
        if status == StatusCode::OK {
            Ok(body)
        } else {
            Err(format!("{status}: {body}"))
        }
    }

    fn request(&self, method: &str, path: &str, kind: &str, body: String) -> Request<Full<Bytes>> {
        let mut b = Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.base))
            .header(header::COOKIE, &self.cookie)
            .header(header::ORIGIN, &self.base);
        if !kind.is_empty() {
            b = b.header(header::CONTENT_TYPE, kind);
        }
        b.body(Full::new(Bytes::from(body)))
            .expect("a valid request")
    }
}

/// The items of an attempt as the page gets them: (kind, number of options).
fn items_of(attempt_json: &str) -> Result<Vec<(QuestionKind, usize)>, String> {
    let v: serde_json::Value = serde_json::from_str(attempt_json).map_err(|e| e.to_string())?;
    let items = v["Running"]["items"]
        .as_array()
        .ok_or_else(|| format!("not a running attempt: {attempt_json:.200}"))?;
    items
        .iter()
        .map(|i| {
            let kind = match i["kind"].as_str() {
                Some("Multiple") | Some("multiple") => QuestionKind::Multiple,
                _ => QuestionKind::Single,
            };
            let n = i["options_html"].as_array().map_or(0, |o| o.len());
            if n == 0 {
                Err("an item without options".to_string())
            } else {
                Ok((kind, n))
            }
        })
        .collect()
}

async fn candidate(browser: Browser, end: Instant) -> Outcome {
    let mut out = Outcome::default();
    tokio::time::sleep(Duration::from_millis(rand::random_range(0..10_000))).await;
    let t = Instant::now();
    let started = browser
        .send(browser.request(
            "POST",
            "/api/exam/start",
            "application/x-www-form-urlencoded",
            format!("csrf={}&level=foundation", browser.csrf),
        ))
        .await
        .and_then(|b| {
            b.trim()
                .parse::<i64>()
                .map_err(|_| format!("not an id: {b}"))
        });
    let attempt = match started {
        Ok(id) => id,
        Err(e) => {
            out.errors.push(format!("start: {e}"));
            return out;
        }
    };
    let paper = browser
        .send(browser.request(
            "GET",
            &format!("/api/exam/attempt?attempt_id={attempt}"),
            "",
            String::new(),
        ))
        .await
        .and_then(|b| items_of(&b));
    out.start_us = Some(t.elapsed().as_micros() as u64);
    out.attempt = Some(attempt);
    let items = match paper {
        Ok(items) => items,
        Err(e) => {
            out.errors.push(format!("load the paper: {e}"));
            return out;
        }
    };
    loop {
        let wait = Duration::from_millis(rand::random_range(2_000..=5_000));
        if Instant::now() + wait >= end {
            break;
        }
        tokio::time::sleep(wait).await;
        let item = rand::random_range(0..items.len());
        let (kind, n) = items[item];
        let choice = random_choice(kind, n);
        let flagged = rand::random_bool(0.1);
        let body = serde_json::json!({
            "csrf": browser.csrf, "attempt_id": attempt, "item": item, "choice": choice, "flagged": flagged,
        });
        let t = Instant::now();
        let saved = browser
            .send(browser.request(
                "POST",
                "/api/exam/save",
                "application/json",
                body.to_string(),
            ))
            .await;
        out.latencies_us.push(t.elapsed().as_micros() as u64);
        match saved {
            Ok(b) if b.starts_with("{\"Saved\"") => {
                let mut sorted = choice;
                sorted.sort_unstable();
                sorted.dedup();
                out.last.insert(item, (sorted, flagged));
            }
            Ok(b) => out.errors.push(format!("save refused: {b}")),
            Err(e) => out.errors.push(format!("save: {e}")),
        }
    }
    out
}

/// The server process, stopped when dropped.
struct Server(std::process::Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn fail(message: impl std::fmt::Display) -> ! {
    eprintln!("exam_load: {message}");
    std::process::exit(1);
}

fn percentile(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1] as f64 / 1000.0
}

#[tokio::main]
async fn main() {
    let candidates = env_number("EXAM_LOAD_CANDIDATES", 500) as usize;
    let seconds = env_number("EXAM_LOAD_SECONDS", 60);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let bin = std::env::var_os("PACS_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target/release/pacs-academy"));
    if !bin.is_file() {
        fail(format!(
            "{} is missing: build the release server first (cargo leptos build --release) or set PACS_BIN",
            bin.display()
        ));
    }
    let dir = tempfile::tempdir().unwrap_or_else(|e| fail(format!("no temporary folder: {e}")));
    let db_path = dir.path().join("exam_load.db");
    let url = format!("sqlite://{}", db_path.display());
    let db = Db::connect(&url).await.unwrap_or_else(|e| fail(e));
    let setup = async {
        let org = db
            .create_organisation("Northgate Hospitals NHS Trust", Some("RZZ1"))
            .await?;
        for i in 0..candidates {
            let user = db
                .create_user(NewUser {
                    email: &format!("candidate{i}@nhs.test"),
                    name: &format!("Candidate {i}"),
                    organisation_id: Some(org.id),
                    role: Role::Learner,
                    password_hash: "not-a-real-hash",
                })
                .await?;
            // Signed in already: the benchmark measures the exam, not argon2.
            db.create_session(
                &token_hash(&format!("load-{i}")),
                user.id,
                now(),
                now() + 86_400,
            )
            .await?;
        }
        Ok::<_, pacs_academy::server::repo::RepoError>(())
    };
    setup
        .await
        .unwrap_or_else(|e| fail(format!("setting up candidates failed: {e}")));

    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| fail(format!("no free port: {e}")));
    let base = format!("http://127.0.0.1:{port}");
    let log = std::fs::File::create(dir.path().join("server.log"))
        .unwrap_or_else(|e| fail(format!("cannot write the server log: {e}")));
    let _server = Server(
        std::process::Command::new(&bin)
            .args(["serve", "--addr", &format!("127.0.0.1:{port}")])
            .env("DATABASE_URL", &url)
            .env("PACS_CONTENT_DIR", root.join("content"))
            .env("LEPTOS_SITE_ROOT", root.join("target/site"))
            .env("RUST_LOG", "warn")
            .stdout(log.try_clone().unwrap_or_else(|e| fail(e)))
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| fail(format!("cannot start {}: {e}", bin.display()))),
    );
    let mut connector = HttpConnector::new();
    connector.set_nodelay(true);
    let http: Http = Client::builder(TokioExecutor::new())
        .pool_idle_timeout(Duration::from_secs(30))
        .build(connector);
    let healthy = async {
        for _ in 0..100 {
            let req = Request::get(format!("{base}/healthz"))
                .body(Full::new(Bytes::new()))
                .expect("a valid request");
            if let Ok(res) = http.request(req).await {
                if res.status() == StatusCode::OK {
                    return true;
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        false
    };
    if !healthy.await {
        fail("the server did not become healthy in 10 s");
    }
    println!(
        "exam_load: {candidates} candidates, {seconds} s, HTTP/1.1 to {} (release) on SQLite WAL, bundled Foundation exam",
        bin.display()
    );

    let began = Instant::now();
    let end = began + Duration::from_secs(seconds);
    let tasks: Vec<_> = (0..candidates)
        .map(|i| {
            let browser = Browser {
                http: http.clone(),
                base: base.clone(),
                cookie: format!("pa_csrf={CSRF}; pa_session=load-{i}"),
                csrf: pacs_academy::server::auth::csrf_for_session(&format!("load-{i}")),
            };
            tokio::spawn(candidate(browser, end))
        })
        .collect();
    let mut outcomes = Vec::with_capacity(tasks.len());
    for t in tasks {
        match t.await {
            Ok(o) => outcomes.push(o),
            Err(e) => outcomes.push(Outcome {
                errors: vec![format!("candidate task failed: {e}")],
                ..Outcome::default()
            }),
        }
    }
    let elapsed = began.elapsed().as_secs_f64();
    let db = Arc::new(db);
    // Read every attempt back and compare with what was last saved.
    let mut lost = 0usize;
    let mut checked = 0usize;
    for o in &outcomes {
        let Some(id) = o.attempt else { continue };
        match exam::stored_answers(&*db, id).await {
            Ok(stored) => {
                for (item, expected) in &o.last {
                    checked += 1;
                    if stored.get(item) != Some(expected) {
                        lost += 1;
                    }
                }
                // Nothing stored that was never saved.
                lost += stored.keys().filter(|k| !o.last.contains_key(k)).count();
            }
            Err(e) => {
                eprintln!("reading attempt {id} back failed: {e}");
                lost += o.last.len();
            }
        }
    }
    let mut latencies: Vec<u64> = outcomes
        .iter()
        .flat_map(|o| o.latencies_us.iter().copied())
        .collect();
    latencies.sort_unstable();
    let mut starts: Vec<u64> = outcomes.iter().filter_map(|o| o.start_us).collect();
    starts.sort_unstable();
    let errors: Vec<&String> = outcomes.iter().flat_map(|o| &o.errors).collect();
    let started = outcomes.iter().filter(|o| o.attempt.is_some()).count();

    println!("attempts started:   {started} of {candidates}");
    println!(
        "start latency:      p50 {:.2} ms, p99 {:.2} ms",
        percentile(&starts, 50.0),
        percentile(&starts, 99.0)
    );
    println!(
        "saves:              {} in {elapsed:.1} s = {:.1} saves/s",
        latencies.len(),
        latencies.len() as f64 / elapsed
    );
    println!(
        "save latency:       p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        percentile(&latencies, 50.0),
        percentile(&latencies, 99.0),
        percentile(&latencies, 100.0)
    );
    println!("errors:             {}", errors.len());
    for e in errors.iter().take(5) {
        println!("  {e}");
    }
    println!("answers checked:    {checked}");
    println!("answers lost:       {lost}");
    db.close().await;
    if lost > 0 || !errors.is_empty() {
        std::process::exit(1);
    }
}
