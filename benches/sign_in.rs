//! How long a sign-in takes, and what a flood of sign-ins does to exam
//! saves (`cargo bench --features ssr --bench sign_in`).
//!
//! Prints median and spread of: verifying one Argon2id hash
//! (m = 19 MiB, t = 2, p = 1), and a whole `POST /api/account/sign_in`
//! through the router with a real SQLite file (throttle reservation,
//! lookup, verification, session insert, cookie).
//!
//! Then the flood: `SIGN_IN_FLOOD_CANDIDATES` candidates (default 100), each
//! saving an answer (`POST /api/exam/save`) every 100-300 ms for
//! `SIGN_IN_FLOOD_SECONDS` (default 10), in three settings: alone; with
//! 150 clients each sending bogus sign-ins back to back (each from its own
//! address at an unknown account, so no throttle stops them: only the
//! hashing gate does); and the same flood with the gate opened wide (as
//! before issue 12: every sign-in hashing at once). Each setting runs 3
//! times; it prints the median and the range of the save p50 and p99, the
//! sign-ins answered, refused (503) and the peak resident memory of this
//! process (server and clients, `VmHWM`, reset before each run).

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Request, StatusCode};
use http_body_util::BodyExt;
use pacs_academy::accounts::Role;
use pacs_academy::server::auth::{
    csrf_for_session, hash_password, token_hash, verify_password, HashGate,
};
use pacs_academy::server::db::{now, Db};
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

    let candidates = env_number("SIGN_IN_FLOOD_CANDIDATES", 100) as usize;
    let seconds = env_number("SIGN_IN_FLOOD_SECONDS", 10);
    println!(
        "\nexam saves during a sign-in flood: {candidates} candidates, {seconds} s per run, 3 runs per setting, {} cores",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    for (name, flood, gate) in [
        ("no flood", false, None),
        ("150 parallel bogus sign-ins, gated", true, None),
        (
            "150 parallel bogus sign-ins, no gate (before)",
            true,
            Some(HashGate::new(10_000, 10_000, Duration::from_secs(600))),
        ),
    ] {
        let gate = gate.map(Arc::new);
        let runs: Vec<RunResult> = (0..3)
            .map(|_| {
                runtime.block_on(flood_run(
                    &content,
                    &format!("{root}/target/site"),
                    candidates,
                    Duration::from_secs(seconds),
                    flood,
                    gate.clone(),
                ))
            })
            .collect();
        report(name, &runs);
    }
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default)
}

struct RunResult {
    p50_ms: f64,
    p99_ms: f64,
    saves: usize,
    save_errors: usize,
    sign_ins: u64,
    refused: u64,
    peak_rss_mib: f64,
}

fn percentile(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1] as f64 / 1000.0
}

/// Peak resident memory of this process since the last reset, in MiB.
fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

/// Resets the peak (Linux: writing 5 to clear_refs).
fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn report(name: &str, runs: &[RunResult]) {
    let median_range = |f: &dyn Fn(&RunResult) -> f64| {
        let mut v: Vec<f64> = runs.iter().map(f).collect();
        v.sort_by(|a, b| a.total_cmp(b));
        (v[v.len() / 2], v[0], v[v.len() - 1])
    };
    let (p50, p50_lo, p50_hi) = median_range(&|r| r.p50_ms);
    let (p99, p99_lo, p99_hi) = median_range(&|r| r.p99_ms);
    let (rss, rss_lo, rss_hi) = median_range(&|r| r.peak_rss_mib);
    let (sign_ins, _, _) = median_range(&|r| r.sign_ins as f64);
    let (refused, _, _) = median_range(&|r| r.refused as f64);
    let saves: usize = runs.iter().map(|r| r.saves).sum();
    let errors: usize = runs.iter().map(|r| r.save_errors).sum();
    println!("{name}");
    println!(
        "  save p50 {p50:>8.2} ms ({p50_lo:.2}-{p50_hi:.2})  p99 {p99:>8.2} ms ({p99_lo:.2}-{p99_hi:.2})  saves {saves}, failed {errors}"
    );
    println!(
        "  sign-ins answered {sign_ins:.0}, refused 503 {refused:.0} (median per run)  peak RSS {rss:.0} MiB ({rss_lo:.0}-{rss_hi:.0})"
    );
}

async fn body_text(res: axum::response::Response) -> String {
    let bytes = res
        .into_body()
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// One run: a fresh database, `candidates` signed-in candidates with an
/// open Foundation attempt saving answers, and optionally the flood.
async fn flood_run(
    content: &str,
    site_root: &str,
    candidates: usize,
    length: Duration,
    flood: bool,
    gate: Option<Arc<HashGate>>,
) -> RunResult {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::connect(&format!(
        "sqlite://{}",
        dir.path().join("flood.db").display()
    ))
    .await
    .unwrap();
    let org = db.create_organisation("Northgate", None).await.unwrap();
    for i in 0..candidates {
        let user = db
            .create_user(NewUser {
                email: &format!("candidate{i}@nhs.test"),
                name: &format!("Candidate {i}"),
                organisation_id: Some(org.id),
                role: Role::Learner,
                password_hash: "not-a-real-hash",
            })
            .await
            .unwrap();
        db.create_session(
            &token_hash(&format!("flood-{i}")),
            user.id,
            now(),
            now() + 86_400,
        )
        .await
        .unwrap();
    }
    let config = ServeConfig {
        addr: "127.0.0.1:0".parse().unwrap(),
        database_url: String::new(),
        content_dir: content.into(),
        site_root: site_root.into(),
        secure_cookies: false,
        log_format: "pretty".into(),
    };
    let mut state = AppState::new(
        leptos_options(&config),
        content.as_ref(),
        Arc::new(db),
        false,
    );
    if let Some(gate) = gate {
        state.hashing = gate;
    }
    let app = router(state);
    let csrf = "c".repeat(43);
    // Every candidate starts the exam and learns how many items it has.
    let mut papers = Vec::new();
    for i in 0..candidates {
        let cookie = format!("pa_csrf={csrf}; pa_session=flood-{i}");
        let session_csrf = csrf_for_session(&format!("flood-{i}"));
        let res = app
            .clone()
            .oneshot(
                Request::post("/api/exam/start")
                    .header(header::COOKIE, &cookie)
                    .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .body(Body::from(format!("csrf={session_csrf}&level=foundation")))
                    .unwrap(),
            )
            .await
            .unwrap();
        let id: i64 = body_text(res).await.trim().parse().expect("an attempt id");
        let res = app
            .clone()
            .oneshot(
                Request::get(format!("/api/exam/attempt?attempt_id={id}"))
                    .header(header::COOKIE, &cookie)
                    .body(Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap();
        let v: serde_json::Value = serde_json::from_str(&body_text(res).await).unwrap();
        let items = v["Running"]["items"].as_array().map_or(0, |a| a.len());
        assert!(items > 0, "a running attempt with items");
        papers.push((cookie, session_csrf, id, items));
    }

    reset_peak_rss();
    let stop = Arc::new(AtomicBool::new(false));
    let answered = Arc::new(AtomicU64::new(0));
    let refused = Arc::new(AtomicU64::new(0));
    let mut flooders = Vec::new();
    if flood {
        for f in 0..150u32 {
            let (app, stop, answered, refused) =
                (app.clone(), stop.clone(), answered.clone(), refused.clone());
            let csrf = csrf.clone();
            flooders.push(tokio::spawn(async move {
                let mut n = 0u32;
                while !stop.load(Ordering::Relaxed) {
                    n += 1;
                    let mut req = Request::post("/api/account/sign_in")
                        .header(header::COOKIE, format!("pa_csrf={csrf}"))
                        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                        .body(Body::from(format!(
                            "csrf={csrf}&email=nobody{f}-{n}%40x.test&password=bogus+password+{n}"
                        )))
                        .unwrap();
                    let ip =
                        IpAddr::V4(Ipv4Addr::new(10, (f >> 8) as u8, f as u8, (n % 250) as u8));
                    req.extensions_mut()
                        .insert(ConnectInfo(SocketAddr::new(ip, 40000)));
                    let res = app.clone().oneshot(req).await.unwrap();
                    if res.status() == StatusCode::SERVICE_UNAVAILABLE {
                        refused.fetch_add(1, Ordering::Relaxed);
                    } else {
                        answered.fetch_add(1, Ordering::Relaxed);
                    }
                    let _ = body_text(res).await;
                }
            }));
        }
        // Let the flood build up before measuring.
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let end = Instant::now() + length;
    let savers: Vec<_> = papers
        .into_iter()
        .map(|(cookie, csrf, id, items)| {
            let app = app.clone();
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                let mut errors = 0usize;
                let mut k = 0usize;
                loop {
                    let wait = Duration::from_millis(100 + (k as u64 * 37 + id as u64 * 11) % 200);
                    if Instant::now() + wait >= end {
                        break;
                    }
                    tokio::time::sleep(wait).await;
                    k += 1;
                    let body = serde_json::json!({
                        "csrf": csrf, "attempt_id": id, "item": k % items, "choice": [0], "flagged": false,
                    });
                    let req = Request::post("/api/exam/save")
                        .header(header::COOKIE, &cookie)
                        .header(header::CONTENT_TYPE, "application/json")
                        .body(Body::from(body.to_string()))
                        .unwrap();
                    let t = Instant::now();
                    let res = app.clone().oneshot(req).await.unwrap();
                    let ok = res.status() == StatusCode::OK;
                    let text = body_text(res).await;
                    latencies.push(t.elapsed().as_micros() as u64);
                    if !ok || !text.starts_with("{\"Saved\"") {
                        errors += 1;
                    }
                }
                (latencies, errors)
            })
        })
        .collect();
    let mut latencies = Vec::new();
    let mut save_errors = 0;
    for s in savers {
        let (l, e) = s.await.unwrap();
        latencies.extend(l);
        save_errors += e;
    }
    stop.store(true, Ordering::Relaxed);
    for f in flooders {
        let _ = f.await;
    }
    let peak_rss_mib = peak_rss_mib();
    latencies.sort_unstable();
    RunResult {
        p50_ms: percentile(&latencies, 50.0),
        p99_ms: percentile(&latencies, 99.0),
        saves: latencies.len(),
        save_errors,
        sign_ins: answered.load(Ordering::Relaxed),
        refused: refused.load(Ordering::Relaxed),
        peak_rss_mib,
    }
}
