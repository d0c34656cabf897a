//! Load benchmark for the timed exam's server side (not a test).
//!
//! `EXAM_LOAD_CANDIDATES` candidates (default 500) start the Foundation exam
//! within the first 10 s, then each saves an answer to a random question every
//! 2–5 s (uniformly random) through the service layer
//! (`server::exam::save_answer`) on a SQLite file in WAL mode, for
//! `EXAM_LOAD_SECONDS` (default 60). At the end every attempt's stored
//! answers are read back and compared with what its candidate last saved
//! successfully: the number of answers lost must be 0.
//!
//! Run: `cargo bench --features ssr --bench exam_load`.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use pacs_academy::accounts::Role;
use pacs_academy::content::questions::{load_bank, load_checked, load_exams};
use pacs_academy::content::Level;
use pacs_academy::exam::{ExamDefinition, QuestionKind, QuestionSet};
use pacs_academy::server::db::{now, Db};
use pacs_academy::server::exam;
use pacs_academy::server::repo::{NewUser, Repository, User};

fn env_number(name: &str, default: u64) -> u64 {
    match std::env::var(name) {
        Ok(v) => v.trim().parse().unwrap_or_else(|_| {
            eprintln!("{name}={v:?} is not a whole number; using {default}");
            default
        }),
        Err(_) => default,
    }
}

fn content() -> (QuestionSet, Vec<ExamDefinition>) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
    match load_checked(&dir) {
        Ok(loaded) => loaded,
        Err(problems) => {
            eprintln!(
                "content has {} problem(s); using the bank and exams as loaded",
                problems.len()
            );
            (
                load_bank(&dir.join("questions")).0,
                load_exams(&dir.join("exams")).0,
            )
        }
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

async fn candidate(
    db: Db,
    exams: Arc<Vec<ExamDefinition>>,
    bank: Arc<QuestionSet>,
    user: User,
    end: Instant,
) -> Outcome {
    let mut out = Outcome::default();
    tokio::time::sleep(Duration::from_millis(rand::random_range(0..10_000))).await;
    let t = Instant::now();
    let view =
        match exam::start_or_resume(&db, &exams, &bank, &user, Level::Foundation, now()).await {
            Ok(v) => v,
            Err(e) => {
                out.errors.push(format!("start: {e}"));
                return out;
            }
        };
    out.start_us = Some(t.elapsed().as_micros() as u64);
    out.attempt = Some(view.attempt_id);
    loop {
        let wait = Duration::from_millis(rand::random_range(2_000..=5_000));
        if Instant::now() + wait >= end {
            break;
        }
        tokio::time::sleep(wait).await;
        let item = rand::random_range(0..view.items.len());
        let shown = &view.items[item];
        let choice = random_choice(shown.kind, shown.options_html.len());
        let flagged = rand::random_bool(0.1);
        let t = Instant::now();
        let saved = exam::save_answer(
            &db,
            &exams,
            &user,
            view.attempt_id,
            item,
            choice.clone(),
            flagged,
            now(),
        )
        .await;
        out.latencies_us.push(t.elapsed().as_micros() as u64);
        match saved {
            Ok(_) => {
                let mut sorted = choice;
                sorted.sort_unstable();
                sorted.dedup();
                out.last.insert(item, (sorted, flagged));
            }
            Err(e) => out.errors.push(format!("save: {e}")),
        }
    }
    out
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
    let (bank, exams) = content();
    let Some(def) = exams.iter().find(|d| d.level == Level::Foundation) else {
        eprintln!("content/exams/foundation.toml is missing: nothing to load");
        std::process::exit(1);
    };
    println!(
        "exam_load: {candidates} candidates, {seconds} s, `{}` ({} questions, {} minutes), SQLite WAL",
        def.title, def.questions, def.minutes
    );
    let dir = match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => {
            eprintln!("cannot make a temporary folder: {e}");
            std::process::exit(1);
        }
    };
    let url = format!("sqlite://{}", dir.path().join("exam_load.db").display());
    let db = match Db::connect(&url).await {
        Ok(db) => db,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    let setup = async {
        let org = db
            .create_organisation("Northgate Hospitals NHS Trust", Some("RZZ1"))
            .await?;
        let mut users = Vec::with_capacity(candidates);
        for i in 0..candidates {
            users.push(
                db.create_user(NewUser {
                    email: &format!("candidate{i}@nhs.test"),
                    name: &format!("Candidate {i}"),
                    organisation_id: Some(org.id),
                    role: Role::Learner,
                    password_hash: "not-a-real-hash",
                })
                .await?,
            );
        }
        Ok::<_, pacs_academy::server::repo::RepoError>(users)
    };
    let users = match setup.await {
        Ok(u) => u,
        Err(e) => {
            eprintln!("setting up candidates failed: {e}");
            std::process::exit(1);
        }
    };

    let exams = Arc::new(exams);
    let bank = Arc::new(bank);
    let began = Instant::now();
    let end = began + Duration::from_secs(seconds);
    let tasks: Vec<_> = users
        .into_iter()
        .map(|u| tokio::spawn(candidate(db.clone(), exams.clone(), bank.clone(), u, end)))
        .collect();
    let mut outcomes = Vec::with_capacity(tasks.len());
    for t in tasks {
        match t.await {
            Ok(o) => outcomes.push(o),
            Err(e) => {
                let o = Outcome {
                    errors: vec![format!("candidate task failed: {e}")],
                    ..Outcome::default()
                };
                outcomes.push(o);
            }
        }
    }
    let elapsed = began.elapsed().as_secs_f64();

    // Read every attempt back and compare with what was last saved.
    let mut lost = 0usize;
    let mut checked = 0usize;
    for o in &outcomes {
        let Some(id) = o.attempt else { continue };
        match exam::stored_answers(&db, id).await {
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
