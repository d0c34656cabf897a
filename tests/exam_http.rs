//! The exam over HTTP, through the same router the server runs, with the
//! bundled question bank and exams: every response body a candidate can get
//! during an attempt is collected and searched for the answers, and so is
//! the result until the review policy shows them; forged, late and
//! cross-site saves are refused.
#![cfg(feature = "ssr")]

use std::path::PathBuf;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use http_body_util::BodyExt;
use pacs_academy::accounts::Role;
use pacs_academy::content::questions::load_checked;
use pacs_academy::content::Level;
use pacs_academy::exam::{draw_with, Paper, QuestionSet, Review, SubmittedBy};
use pacs_academy::exercise::exam_items::LabQuestions;
use pacs_academy::server::auth::token_hash;
use pacs_academy::server::db::{now, Db};
use pacs_academy::server::exam::stored_answers;
use pacs_academy::server::repo::{NewExamAttempt, NewUser, Repository};
use pacs_academy::server::{leptos_options, router, AppState, ServeConfig};
use tower::ServiceExt;

const CSRF: &str = "csrf-token-for-exam-tests-0123456789abcdefghij";

struct World {
    _dir: tempfile::TempDir,
    app: axum::Router,
    db: Db,
    bank: QuestionSet,
    users: Vec<i64>,
}

fn content_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/content"))
}

async fn world() -> World {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::connect(&format!("sqlite://{}", dir.path().join("t.db").display()))
        .await
        .unwrap();
    let org = db
        .create_organisation("Northgate Hospitals NHS Trust", Some("RZZ1"))
        .await
        .unwrap()
        .id;
    let mut users = Vec::new();
    for who in ["ann", "ben"] {
        let u = db
            .create_user(NewUser {
                email: &format!("{who}@northgate.test"),
                name: who,
                organisation_id: Some(org),
                role: Role::Learner,
                password_hash: "not-used",
            })
            .await
            .unwrap();
        db.create_session(
            &token_hash(&format!("token-{who}")),
            u.id,
            now(),
            now() + 3600,
        )
        .await
        .unwrap();
        users.push(u.id);
    }
    let config = ServeConfig {
        addr: "127.0.0.1:0".parse().unwrap(),
        database_url: String::new(),
        content_dir: content_dir(),
        site_root: "target/site".into(),
        secure_cookies: false,
        log_format: "pretty".into(),
    };
    let state = AppState::new(
        leptos_options(&config),
        &content_dir(),
        Arc::new(db.clone()),
        false,
    );
    let (bank, _) = load_checked(&content_dir()).expect("the bundled bank and exams check");
    World {
        _dir: dir,
        app: router(state),
        db,
        bank,
        users,
    }
}

fn cookie(who: &str) -> String {
    format!("pa_csrf={CSRF}; pa_session=token-{who}")
}

/// The CSRF token of `who`'s session (bound to it): what `CSRF` stands for
/// in these tests once signed in.
fn csrf_of(who: &str, csrf: &str) -> String {
    if csrf == CSRF {
        pacs_academy::server::auth::csrf_for_session(&format!("token-{who}"))
    } else {
        csrf.to_string()
    }
}

impl World {
    async fn send(&self, req: Request<Body>) -> (StatusCode, String) {
        let res = self.app.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let body = res.into_body().collect().await.unwrap().to_bytes();
        (status, String::from_utf8_lossy(&body).into_owned())
    }

    async fn get(&self, who: &str, path: &str) -> (StatusCode, String) {
        self.send(
            Request::get(path)
                .header(header::COOKIE, cookie(who))
                .body(Body::empty())
                .unwrap(),
        )
        .await
    }

    async fn post_form(&self, who: &str, path: &str, form: &str) -> (StatusCode, String) {
        self.send(
            Request::post(path)
                .header(header::COOKIE, cookie(who))
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::HOST, "localhost")
                .header(header::ORIGIN, "http://localhost")
                .body(Body::from(format!("csrf={}&{form}", csrf_of(who, CSRF))))
                .unwrap(),
        )
        .await
    }

    async fn save(
        &self,
        who: &str,
        csrf: &str,
        attempt: i64,
        item: usize,
        choice: &[usize],
    ) -> (StatusCode, String) {
        let body = serde_json::json!({
            "csrf": csrf_of(who, csrf), "attempt_id": attempt, "item": item, "choice": choice, "flagged": item.is_multiple_of(7),
        });
        self.send(
            Request::post("/api/exam/save")
                .header(header::COOKIE, cookie(who))
                .header(header::CONTENT_TYPE, "application/json")
                .header(header::HOST, "localhost")
                .header(header::ORIGIN, "http://localhost")
                .body(Body::from(body.to_string()))
                .unwrap(),
        )
        .await
    }

    async fn start(&self, who: &str, level: &str) -> i64 {
        let (status, body) = self
            .post_form(who, "/api/exam/start", &format!("level={level}"))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body.trim()
            .parse()
            .unwrap_or_else(|_| panic!("an attempt id, not {body}"))
    }

    async fn paper(&self, attempt: i64) -> Paper {
        let row = self.db.exam_attempt(attempt).await.unwrap().unwrap();
        serde_json::from_str(&row.paper_json).unwrap()
    }
}

/// The longest run of an explanation's words with no Markdown or HTML
/// special characters, which appears unchanged in rendered HTML.
fn marker(md: &str) -> String {
    md.split(|c: char| "`*_\\[]()<>&\"'\n".contains(c))
        .map(|r| r.split_whitespace().collect::<Vec<_>>().join(" "))
        .max_by_key(|r| r.len())
        .unwrap_or_default()
}

#[tokio::test]
async fn nothing_sent_during_an_attempt_gives_the_answers_away() {
    let w = world().await;
    let mut bodies = Vec::new();
    let mut keep = |what: &str, (status, body): (StatusCode, String)| {
        assert_eq!(status, StatusCode::OK, "{what}: {body}");
        bodies.push((what.to_string(), body));
    };
    keep("exams page", w.get("ann", "/exams").await);
    keep("overview", w.get("ann", "/api/exam/overview").await);
    let id = w.start("ann", "foundation").await;
    keep(
        "attempt page",
        w.get("ann", &format!("/exams/attempts/{id}")).await,
    );
    keep(
        "attempt data",
        w.get("ann", &format!("/api/exam/attempt?attempt_id={id}"))
            .await,
    );
    let paper = w.paper(id).await;
    assert_eq!(paper.items.len(), 40);
    for item in 0..paper.items.len() {
        keep("save", w.save("ann", CSRF, id, item, &[item % 3]).await);
    }
    // Resume after answering: the page again, and the overview.
    keep(
        "attempt page again",
        w.get("ann", &format!("/exams/attempts/{id}?q=40")).await,
    );
    keep("overview again", w.get("ann", "/api/exam/overview").await);
    keep(
        "result before submitting",
        w.get("ann", &format!("/api/exam/result?attempt_id={id}"))
            .await,
    );
    assert!(bodies.last().unwrap().1.contains("StillRunning"));

    let questions = paper
        .resolve(&w.bank, &LabQuestions::new(paper.level))
        .unwrap();
    let mut checked = 0;
    for q in &questions {
        let m = marker(&q.explanation_md);
        assert!(
            m.len() >= 20,
            "{}: marker {m:?} too short to search for",
            q.id
        );
        for (what, body) in &bodies {
            assert!(
                !body.contains(&m),
                "{what} holds the explanation of {}",
                q.id
            );
            assert!(
                !body.contains(&q.id),
                "{what} holds the question id {}",
                q.id
            );
            checked += 1;
        }
    }
    for (what, body) in &bodies {
        for field in [
            "\"key\"",
            "\"correct\"",
            "\"explanation",
            "\"order\"",
            "question_id",
        ] {
            assert!(!body.contains(field), "{what} holds {field}");
        }
    }
    assert_eq!(checked, questions.len() * bodies.len());

    // After submitting the first of three attempts (not passed), the result
    // says which were right but still holds no key or explanation.
    let (status, _) = w
        .post_form("ann", "/api/exam/submit", &format!("attempt_id={id}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, result) = w
        .get("ann", &format!("/api/exam/result?attempt_id={id}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_withheld(&result, &questions);
}

/// The result body says which questions were right but holds no key,
/// correctness flag of an option, or explanation of `questions`.
fn assert_withheld(body: &str, questions: &[pacs_academy::exam::Question]) {
    assert!(body.contains("\"right\""), "{body}");
    assert!(body.contains("\"chosen\""), "{body}");
    assert!(body.contains("UntilPassOrLastAttempt"), "{body}");
    for field in ["\"key\"", "\"correct\"", "\"explanation_html\""] {
        assert!(!body.contains(field), "the result holds {field}: {body}");
    }
    for q in questions {
        assert!(
            !body.contains(&marker(&q.explanation_md)),
            "the result holds the explanation of {}",
            q.id
        );
    }
}

/// A submitted attempt of `user` from `days_ago`, whose hour ran out
/// unanswered (marked when next read).
async fn past_attempt(w: &World, user: i64, days_ago: i64, seed: u64) -> i64 {
    let started = now() - days_ago * 86_400;
    let def = &load_checked(&content_dir()).unwrap().1[0];
    let paper = draw_with(def, &w.bank, seed, &LabQuestions::new(Level::Foundation)).unwrap();
    let id =
        w.db.create_exam_attempt(&NewExamAttempt {
            user_id: user,
            level: Level::Foundation,
            seed,
            paper_json: serde_json::to_string(&paper).unwrap(),
            started_at: started,
            deadline: started + 3600,
            grace_seconds: 30,
            extra_seconds: 0,
        })
        .await
        .unwrap();
    assert!(w
        .db
        .close_exam_attempt(id, started + 3630, SubmittedBy::Expiry)
        .await
        .unwrap());
    id
}

#[tokio::test]
async fn the_result_leaves_out_the_keys_until_the_last_attempt() {
    let w = world().await;
    let ann = w.users[0];
    let def = &load_checked(&content_dir()).unwrap().1[0];
    assert_eq!(def.level, Level::Foundation);
    assert_eq!(def.review, Review::KeysAfterPassOrLast);
    assert_eq!(def.max_attempts, 3);
    let resolve = |paper: Paper| {
        paper
            .resolve(&w.bank, &LabQuestions::new(paper.level))
            .unwrap()
    };
    let first = past_attempt(&w, ann, 10, 1).await;
    let first_questions = resolve(w.paper(first).await);
    let (status, body) = w
        .get("ann", &format!("/api/exam/result?attempt_id={first}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_withheld(&body, &first_questions);
    assert!(body.contains("\"attempts_left\":2"), "{body}");
    // The page says when the answers will be shown.
    let (_, page) = w.get("ann", &format!("/exams/results/{first}")).await;
    assert!(
        page.contains("The answers will be shown when you pass or after your last attempt"),
        "{page}"
    );
    let second = past_attempt(&w, ann, 5, 2).await;
    let (_, body) = w
        .get("ann", &format!("/api/exam/result?attempt_id={second}"))
        .await;
    assert_withheld(&body, &resolve(w.paper(second).await));
    assert!(body.contains("\"attempts_left\":1"), "{body}");

    // The last attempt, sat over HTTP: now the keys and explanations come.
    let last = w.start("ann", "foundation").await;
    let questions = resolve(w.paper(last).await);
    let (status, _) = w
        .post_form("ann", "/api/exam/submit", &format!("attempt_id={last}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    for (id, questions) in [(last, &questions), (first, &first_questions)] {
        let (status, body) = w
            .get("ann", &format!("/api/exam/result?attempt_id={id}"))
            .await;
        assert_eq!(status, StatusCode::OK);
        assert!(body.contains("\"key\""), "{body}");
        assert!(body.contains("\"explanation_html\""), "{body}");
        assert!(body.contains("\"withheld\":null"), "{body}");
        for q in questions {
            assert!(body.contains(&marker(&q.explanation_md)), "{}", q.id);
        }
    }
}

#[tokio::test]
async fn a_forged_answer_for_another_attempt_is_refused() {
    let w = world().await;
    let bens = w.start("ben", "foundation").await;
    let (status, body) = w.save("ann", CSRF, bens, 0, &[1]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Refused"), "{body}");
    assert!(
        body.contains(&format!("You have no exam attempt {bens}")),
        "{body}"
    );
    assert!(stored_answers(&w.db, bens).await.unwrap().is_empty());
    // Nor can Ann read Ben's attempt or result.
    let (status, body) = w
        .get("ann", &format!("/api/exam/attempt?attempt_id={bens}"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    let (status, _) = w
        .get("ann", &format!("/api/exam/result?attempt_id={bens}"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // An item or option not on the paper is refused and says which.
    let (_, body) = w.save("ben", CSRF, bens, 40, &[0]).await;
    assert!(
        body.contains("There is no question 41 on this paper"),
        "{body}"
    );
    // The largest index a request can name is not wrapped round to 0.
    let (_, body) = w.save("ben", CSRF, bens, usize::MAX, &[0]).await;
    assert!(
        body.contains(&format!(
            "There is no question {} on this paper",
            usize::MAX as u128 + 1
        )),
        "{body}"
    );
    let (_, body) = w.save("ben", CSRF, bens, 0, &[usize::MAX]).await;
    assert!(
        body.contains(&format!("has no option {}", usize::MAX as u128 + 1)),
        "{body}"
    );
    let (_, body) = w.save("ben", CSRF, bens, 0, &[9]).await;
    assert!(body.contains("Refused"), "{body}");
    assert!(stored_answers(&w.db, bens).await.unwrap().is_empty());
    // Ben's own answer goes through.
    let (_, body) = w.save("ben", CSRF, bens, 0, &[1]).await;
    assert!(body.contains("Saved"), "{body}");
    assert_eq!(
        stored_answers(&w.db, bens).await.unwrap().get(&0),
        Some(&(vec![1], true))
    );
}

#[tokio::test]
async fn saves_without_the_csrf_token_or_sign_in_are_refused() {
    let w = world().await;
    let id = w.start("ann", "foundation").await;
    let (status, _) = w
        .save(
            "ann",
            "forged-token-forged-token-forged-token-xx",
            id,
            0,
            &[1],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = w.save("nobody", CSRF, id, 0, &[1]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // Starting needs the token too.
    let (status, _) = w
        .send(
            Request::post("/api/exam/start")
                .header(header::COOKIE, cookie("ben"))
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::HOST, "localhost")
                .header(header::ORIGIN, "http://localhost")
                .body(Body::from("csrf=wrong&level=foundation"))
                .unwrap(),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(stored_answers(&w.db, id).await.unwrap().is_empty());
}

#[tokio::test]
async fn a_late_answer_is_refused_with_a_clear_message_and_the_attempt_is_submitted() {
    let w = world().await;
    let ann = w.users[0];
    // An attempt whose hour ran out two minutes ago (grace 30 s), with one
    // answer saved in time.
    let t = now();
    let id =
        w.db.create_exam_attempt(&NewExamAttempt {
            user_id: ann,
            level: Level::Foundation,
            seed: 7,
            paper_json: serde_json::to_string(
                &draw_with(
                    &load_checked(&content_dir()).unwrap().1[0],
                    &w.bank,
                    7,
                    &LabQuestions::new(Level::Foundation),
                )
                .unwrap(),
            )
            .unwrap(),
            started_at: t - 3720,
            deadline: t - 120,
            grace_seconds: 30,
            extra_seconds: 0,
        })
        .await
        .unwrap();
    assert!(w
        .db
        .save_exam_answer(id, 0, &[2], false, t - 3000)
        .await
        .unwrap());
    let (status, body) = w.save("ann", CSRF, id, 1, &[0]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("after the time was up"), "{body}");
    assert!(body.contains("\"closed\":true"), "{body}");
    // The page now shows it as over, and the result counts the answer in time only.
    let (_, body) = w
        .get("ann", &format!("/api/exam/attempt?attempt_id={id}"))
        .await;
    assert!(body.contains("Over"), "{body}");
    let stored = stored_answers(&w.db, id).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored.get(&0), Some(&(vec![2], false)));
    let row = w.db.exam_attempt(id).await.unwrap().unwrap();
    assert_eq!(row.submitted_at, Some(t - 90));
    assert!(row.outcome.is_some());
}

#[tokio::test]
async fn my_data_download_lists_exam_attempts_and_certificates_but_no_keys() {
    let w = world().await;
    let ann = w.users[0];
    // One attempt whose time ran out unanswered, then one passed over HTTP.
    let failed = past_attempt(&w, ann, 3, 5).await;
    let failed_questions = {
        let paper = w.paper(failed).await;
        paper
            .resolve(&w.bank, &LabQuestions::new(paper.level))
            .unwrap()
    };
    // Reading the result marks the expired attempt.
    let (status, _) = w
        .get("ann", &format!("/api/exam/result?attempt_id={failed}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    let id = w.start("ann", "foundation").await;
    let paper = w.paper(id).await;
    let questions = paper
        .resolve(&w.bank, &LabQuestions::new(paper.level))
        .unwrap();
    for (i, (item, q)) in paper.items.iter().zip(&questions).enumerate() {
        let shown: Vec<usize> = q
            .key
            .iter()
            .map(|&k| item.to_displayed(k).unwrap())
            .collect();
        let (status, body) = w.save("ann", CSRF, id, i, &shown).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let (status, _) = w
        .post_form("ann", "/api/exam/submit", &format!("attempt_id={id}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    let code =
        w.db.exam_attempt(id)
            .await
            .unwrap()
            .unwrap()
            .outcome
            .and_then(|o| o.certificate_code)
            .expect("a pass has a certificate");

    let (status, body) = w.get("ann", "/account/export.json").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let data: serde_json::Value = serde_json::from_str(&body).unwrap();
    let exams = data["exam_attempts"].as_array().expect("exam_attempts");
    assert_eq!(exams.len(), 2, "{body}");
    let (first, passed) = (&exams[0], &exams[1]);
    assert_eq!(first["level"], "foundation");
    assert_eq!(first["submitted_by"], "time ran out");
    assert_eq!(first["passed"], false);
    assert_eq!(first["marks"], 0);
    assert!(first["certificate"].is_null());
    assert_eq!(passed["submitted_by"], "candidate");
    assert_eq!(passed["passed"], true);
    assert_eq!(passed["marks"], passed["total"]);
    assert_eq!(passed["percent"], 100);
    assert_eq!(passed["certificate"]["code"], code.as_str());
    assert_eq!(
        passed["certificate"]["verify_at"],
        format!("http://localhost/verify?code={code}").as_str(),
        "the address to check it, in full"
    );
    // The download holds marks, not the papers: no key, no explanation.
    for field in [
        "\"key\"",
        "\"explanation",
        "\"order\"",
        "paper_json",
        "score_json",
    ] {
        assert!(!body.contains(field), "the download holds {field}");
    }
    for q in questions.iter().chain(&failed_questions) {
        assert!(!body.contains(&marker(&q.explanation_md)), "{}", q.id);
    }
    // The printed certificate carries the same address as a QR code, and an
    // independent decoder (rqrr) reads it back from the SVG as served.
    let (status, page) = w.get("ann", &format!("/certificates/{code}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        read_qr(&page).as_deref(),
        Some(format!("http://localhost/verify?code={code}").as_str())
    );
    // Ben's download has none of Ann's attempts.
    let (_, ben) = w.get("ben", "/account/export.json").await;
    let ben: serde_json::Value = serde_json::from_str(&ben).unwrap();
    assert_eq!(ben["exam_attempts"].as_array().unwrap().len(), 0);
}

/// Decodes the QR code in the page's `<svg class="qr">`: its dark modules
/// are drawn as `M{x} {y}h4v4…` squares, painted onto a greyscale image.
fn read_qr(page: &str) -> Option<String> {
    let svg = &page[page.find("class=\"qr\"")?..];
    let size: usize = {
        let w = &svg[svg.find("width=\"")? + 7..];
        w[..w.find('"')?].parse().ok()?
    };
    let d = &svg[svg.find(" d=\"")? + 4..];
    let d = &d[..d.find('"')?];
    let mut image = vec![255u8; size * size];
    for square in d.split('M').filter(|s| !s.is_empty()) {
        let corner = square.split('h').next()?;
        let (x, y) = corner.split_once(' ')?;
        let (x, y): (usize, usize) = (x.parse().ok()?, y.parse().ok()?);
        for dy in 0..4 {
            for dx in 0..4 {
                image[(y + dy) * size + x + dx] = 0;
            }
        }
    }
    let mut prepared =
        rqrr::PreparedImage::prepare_from_greyscale(size, size, |x, y| image[y * size + x]);
    let grids = prepared.detect_grids();
    let (_, text) = grids.first()?.decode().ok()?;
    Some(text)
}
