//! Trainer reports against a real SQLite file and the real app router:
//! who may see which organisation, learner and CSV (trainers only their
//! own organisations, the same 403 whether the thing exists or not; admins
//! everything), the CSV contents for seeded exam attempts, the date filter,
//! extra time through the page's server function, and question retirement
//! (a retired question is never drawn again; past papers still mark).
#![cfg(feature = "ssr")]

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use http_body_util::BodyExt;
use pacs_academy::accounts::Role;
use pacs_academy::content::Level;
use pacs_academy::exam::analysis::QuestionStatus;
use pacs_academy::exam::{
    BlueprintEntry, ExamDefinition, ItemSource, Origin, Paper, Question, QuestionKind, QuestionSet,
    Review,
};
use pacs_academy::exercise::exam_items::LabQuestions;
use pacs_academy::reports::utc_date;
use pacs_academy::server::auth::token_hash;
use pacs_academy::server::db::{now, Db};
use pacs_academy::server::exam;
use pacs_academy::server::repo::{NewUser, Repository, User};
use pacs_academy::server::reports::{self, ReportError};
use pacs_academy::server::{leptos_options, router, AppState, ExamContent, ServeConfig};
use tower::ServiceExt;

const CSRF: &str = "csrf-token-for-tests-0123456789abcdefghijklmnop";
const CONTENT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/content");

struct World {
    app: axum::Router,
    db: Db,
    _dir: tempfile::TempDir,
    exams: ExamContent,
    org_a: i64,
    org_b: i64,
    /// Northgate learners: `a1` passes, `a2` fails, `a3` has an open attempt.
    a1: User,
    a2: User,
    a3: User,
    /// Southmoor's learner.
    b1: User,
    trainer: User,
}

async fn user(db: &Db, email: &str, name: &str, role: Role, org: Option<i64>) -> User {
    let u = db
        .create_user(NewUser {
            email,
            name,
            organisation_id: org,
            role,
            password_hash: "not-a-real-hash",
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
    u
}

/// The displayed positions of the key of each item of an attempt's paper
/// (generated lab items made again from their seeds).
async fn keys_shown(db: &Db, bank: &QuestionSet, attempt: i64) -> Vec<Vec<usize>> {
    let paper = stored_paper(db, attempt).await;
    let questions = paper
        .resolve(bank, &LabQuestions::new(paper.level))
        .unwrap();
    paper
        .items
        .iter()
        .zip(&questions)
        .map(|(item, q)| {
            let mut shown: Vec<usize> = q
                .key
                .iter()
                .map(|&k| item.to_displayed(k).unwrap())
                .collect();
            shown.sort_unstable();
            shown
        })
        .collect()
}

async fn stored_paper(db: &Db, attempt: i64) -> Paper {
    let row = db.exam_attempt(attempt).await.unwrap().unwrap();
    serde_json::from_str(&row.paper_json).unwrap()
}

async fn world() -> World {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::connect(&format!(
        "sqlite://{}",
        dir.path().join("reports.db").display()
    ))
    .await
    .unwrap();
    let org_a = db
        .create_organisation("Northgate Hospitals NHS Trust", Some("RZZ1"))
        .await
        .unwrap()
        .id;
    let org_b = db
        .create_organisation("Southmoor NHS Foundation Trust", Some("RZZ2"))
        .await
        .unwrap()
        .id;
    let a1 = user(&db, "ann@a.test", "Ann Able", Role::Learner, Some(org_a)).await;
    let a2 = user(&db, "bob@a.test", "Bob Baker", Role::Learner, Some(org_a)).await;
    let a3 = user(&db, "cat@a.test", "Cat Cole", Role::Learner, Some(org_a)).await;
    let b1 = user(&db, "sam@b.test", "Sam South", Role::Learner, Some(org_b)).await;
    let trainer = user(&db, "trainer@a.test", "Tess", Role::Trainer, Some(org_a)).await;
    user(&db, "admin@x.test", "Ada", Role::Admin, None).await;
    db.assign_trainer(trainer.id, org_a).await.unwrap();

    let exams = ExamContent::load(CONTENT.as_ref());
    let t = now();
    // Ann: two modules and every answer right; Bob: nothing answered.
    for slug in ["imaging-landscape", "hl7-message-structure"] {
        db.mark_module_complete(a1.id, Level::Foundation, slug, t)
            .await
            .unwrap();
    }
    let start = |u: User| {
        let db = db.clone();
        let exams = &exams;
        async move {
            exam::start_or_resume(
                &db,
                &exams.definitions,
                &exams.bank,
                &u,
                Level::Foundation,
                t,
            )
            .await
            .unwrap()
        }
    };
    let ann = start(a1.clone()).await;
    for (i, key) in keys_shown(&db, &exams.bank, ann.attempt_id)
        .await
        .into_iter()
        .enumerate()
    {
        exam::save_answer(
            &db,
            &exams.definitions,
            &a1,
            ann.attempt_id,
            i,
            key,
            false,
            t,
        )
        .await
        .unwrap();
    }
    let r = exam::submit(&db, &exams.definitions, &exams.bank, &a1, ann.attempt_id, t)
        .await
        .unwrap();
    assert_eq!((r.percent, r.passed), (100, true));
    let bob = start(a2.clone()).await;
    let r = exam::submit(&db, &exams.definitions, &exams.bank, &a2, bob.attempt_id, t)
        .await
        .unwrap();
    assert_eq!((r.percent, r.passed), (0, false));
    // Cat is still sitting hers; Sam (Southmoor) passed with everything right.
    start(a3.clone()).await;
    let sam = start(b1.clone()).await;
    for (i, key) in keys_shown(&db, &exams.bank, sam.attempt_id)
        .await
        .into_iter()
        .enumerate()
    {
        exam::save_answer(
            &db,
            &exams.definitions,
            &b1,
            sam.attempt_id,
            i,
            key,
            false,
            t,
        )
        .await
        .unwrap();
    }
    exam::submit(&db, &exams.definitions, &exams.bank, &b1, sam.attempt_id, t)
        .await
        .unwrap();

    let config = ServeConfig {
        addr: "127.0.0.1:0".parse().unwrap(),
        database_url: String::new(),
        content_dir: CONTENT.into(),
        site_root: "target/site".into(),
        secure_cookies: false,
        log_format: "pretty".into(),
    };
    let state = AppState::new(
        leptos_options(&config),
        CONTENT.as_ref(),
        Arc::new(db.clone()),
        false,
    );
    World {
        app: router(state),
        db,
        _dir: dir,
        exams,
        org_a,
        org_b,
        a1,
        a2,
        a3,
        b1,
        trainer,
    }
}

fn cookie(email: Option<&str>) -> String {
    let mut c = format!("pa_csrf={CSRF}");
    if let Some(e) = email {
        c.push_str(&format!("; pa_session=token-{e}"));
    }
    c
}

const TRAINER: Option<&str> = Some("trainer@a.test");
const ADMIN: Option<&str> = Some("admin@x.test");
const LEARNER: Option<&str> = Some("ann@a.test");

struct Answer {
    status: StatusCode,
    content_type: String,
    disposition: String,
    body: String,
}

async fn get(app: &axum::Router, path: &str, who: Option<&str>) -> Answer {
    let req = Request::get(path)
        .header(header::COOKIE, cookie(who))
        .body(Body::empty())
        .unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let h = |name| {
        res.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    let (content_type, disposition) = (h(header::CONTENT_TYPE), h(header::CONTENT_DISPOSITION));
    let body = res.into_body().collect().await.unwrap().to_bytes();
    let mut body = String::from_utf8_lossy(&body).into_owned();
    if status == StatusCode::OK && content_type.starts_with("text/csv") {
        // Every CSV starts with a UTF-8 byte-order mark, so that Excel reads
        // "Siobhán Ó Briain" as UTF-8 rather than the Windows code page.
        body = body
            .strip_prefix('\u{feff}')
            .unwrap_or_else(|| panic!("{path}: a CSV without a byte-order mark"))
            .to_string();
    }
    Answer {
        status,
        content_type,
        disposition,
        body,
    }
}

async fn post(app: &axum::Router, path: &str, who: Option<&str>, form: &str) -> Answer {
    let req = Request::post(path)
        .header(header::COOKIE, cookie(who))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::HOST, "localhost")
        .header(header::ORIGIN, "http://localhost")
        .body(Body::from(form.to_string()))
        .unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let body = res.into_body().collect().await.unwrap().to_bytes();
    Answer {
        status,
        content_type: String::new(),
        disposition: String::new(),
        body: String::from_utf8_lossy(&body).into_owned(),
    }
}

/// Today, yesterday and tomorrow as `YYYY-MM-DD` (UTC).
fn days() -> (String, String, String) {
    let t = now();
    (
        utc_date(t).to_string(),
        utc_date(t - 86_400).to_string(),
        utc_date(t + 86_400).to_string(),
    )
}

#[tokio::test]
async fn trainers_see_only_their_organisations_and_admins_see_all() {
    let w = world().await;
    let app = &w.app;
    let (b, a) = (w.org_b, w.org_a);
    let missing = 987_654;

    // The cohort report.
    let r = get(app, "/api/trainer/report?from=&to=", TRAINER).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(
        r.body.contains("Northgate") && !r.body.contains("Southmoor"),
        "{}",
        r.body
    );
    let r = get(app, "/api/trainer/report?from=&to=", ADMIN).await;
    assert!(
        r.body.contains("Northgate") && r.body.contains("Southmoor"),
        "{}",
        r.body
    );
    assert_eq!(
        get(app, "/api/trainer/report?from=&to=", LEARNER)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        get(app, "/api/trainer/report?from=&to=", None).await.status,
        StatusCode::UNAUTHORIZED
    );

    // Another organisation's learners: 403, the same whether it exists or not.
    let other = get(
        app,
        &format!("/api/trainer/organisation?id={b}&from=&to="),
        TRAINER,
    )
    .await;
    let none = get(
        app,
        &format!("/api/trainer/organisation?id={missing}&from=&to="),
        TRAINER,
    )
    .await;
    assert_eq!(other.status, StatusCode::FORBIDDEN);
    assert_eq!(
        (none.status, &none.body),
        (StatusCode::FORBIDDEN, &other.body)
    );
    assert!(!other.body.contains("Sam"), "{}", other.body);
    let own = get(
        app,
        &format!("/api/trainer/organisation?id={a}&from=&to="),
        TRAINER,
    )
    .await;
    assert_eq!(own.status, StatusCode::OK);
    assert!(
        own.body.contains("Ann Able") && own.body.contains("Cat Cole"),
        "{}",
        own.body
    );
    let admin = get(
        app,
        &format!("/api/trainer/organisation?id={b}&from=&to="),
        ADMIN,
    )
    .await;
    assert_eq!(admin.status, StatusCode::OK);
    assert!(admin.body.contains("Sam South"), "{}", admin.body);
    assert_eq!(
        get(
            app,
            &format!("/api/trainer/organisation?id={missing}&from=&to="),
            ADMIN
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );

    // Another organisation's learner page.
    let other = get(
        app,
        &format!("/api/trainer/learner_detail?id={}", w.b1.id),
        TRAINER,
    )
    .await;
    let none = get(
        app,
        &format!("/api/trainer/learner_detail?id={missing}"),
        TRAINER,
    )
    .await;
    let staff = get(
        app,
        &format!("/api/trainer/learner_detail?id={}", w.trainer.id),
        TRAINER,
    )
    .await;
    assert_eq!(other.status, StatusCode::FORBIDDEN);
    assert_eq!(
        (none.status, &none.body),
        (StatusCode::FORBIDDEN, &other.body)
    );
    assert_eq!(
        (staff.status, &staff.body),
        (StatusCode::FORBIDDEN, &other.body)
    );
    let own = get(
        app,
        &format!("/api/trainer/learner_detail?id={}", w.a1.id),
        TRAINER,
    )
    .await;
    assert_eq!(own.status, StatusCode::OK, "{}", own.body);
    assert!(own.body.contains("ann@a.test"));
    let admin = get(
        app,
        &format!("/api/trainer/learner_detail?id={}", w.b1.id),
        ADMIN,
    )
    .await;
    assert_eq!(admin.status, StatusCode::OK);
    assert_eq!(
        get(
            app,
            &format!("/api/trainer/learner_detail?id={}", w.a1.id),
            LEARNER
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );

    // The CSV downloads follow the same rules.
    let other = get(
        app,
        &format!("/trainer/organisations/{b}/learners.csv"),
        TRAINER,
    )
    .await;
    let none = get(
        app,
        &format!("/trainer/organisations/{missing}/learners.csv"),
        TRAINER,
    )
    .await;
    assert_eq!(other.status, StatusCode::FORBIDDEN);
    assert_eq!(
        (none.status, &none.body),
        (StatusCode::FORBIDDEN, &other.body)
    );
    assert!(!other.body.contains("sam@b.test"));
    let admin = get(
        app,
        &format!("/trainer/organisations/{b}/learners.csv"),
        ADMIN,
    )
    .await;
    assert_eq!(admin.status, StatusCode::OK);
    assert!(admin.body.contains("sam@b.test"), "{}", admin.body);
    let report = get(app, "/trainer/report.csv", TRAINER).await;
    assert_eq!(report.status, StatusCode::OK);
    assert!(!report.body.contains("Southmoor"), "{}", report.body);
    assert!(get(app, "/trainer/report.csv", ADMIN)
        .await
        .body
        .contains("Southmoor"));
    for path in [
        "/trainer/report.csv".to_string(),
        format!("/trainer/organisations/{a}/learners.csv"),
        "/trainer/items.csv?level=foundation".to_string(),
    ] {
        assert_eq!(
            get(app, &path, LEARNER).await.status,
            StatusCode::FORBIDDEN,
            "{path}"
        );
        assert_eq!(
            get(app, &path, None).await.status,
            StatusCode::UNAUTHORIZED,
            "{path}"
        );
        assert_eq!(
            get(app, &path, TRAINER).await.status,
            StatusCode::OK,
            "{path}"
        );
    }
}

#[tokio::test]
async fn csv_contents_match_the_seeded_attempts() {
    let w = world().await;
    let app = &w.app;
    let (today, yesterday, tomorrow) = days();

    let r = get(
        app,
        &format!("/trainer/report.csv?from={yesterday}&to={today}"),
        TRAINER,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.content_type.starts_with("text/csv"), "{}", r.content_type);
    assert_eq!(
        r.disposition,
        format!("attachment; filename=\"pacs-academy-cohort-{yesterday}-to-{today}.csv\"")
    );
    let lines: Vec<&str> = r.body.split("\r\n").collect();
    assert_eq!(
        lines[0],
        "Organisation,ODS code,Learners,\
         Foundation modules completed,Foundation candidates,Foundation exam attempts,Foundation passes,Foundation mean score %,\
         Intermediate modules completed,Intermediate candidates,Intermediate exam attempts,Intermediate passes,Intermediate mean score %"
    );
    // 3 learners; Ann's 2 modules; Ann and Bob marked (Cat's is open):
    // 1 pass, mean (100 + 0) / 2 = 50.0; nothing at Intermediate.
    assert_eq!(
        lines[1],
        "Northgate Hospitals NHS Trust,RZZ1,3,2,2,2,1,50.0,0,0,0,0,"
    );
    assert_eq!(lines[2], "", "one row and a final CRLF: {:?}", r.body);
    assert_eq!(lines.len(), 3);

    // A period before anything happened: no learners, no figures.
    let r = get(
        app,
        "/trainer/report.csv?from=2001-01-01&to=2001-12-31",
        TRAINER,
    )
    .await;
    assert_eq!(
        r.body.split("\r\n").nth(1),
        Some("Northgate Hospitals NHS Trust,RZZ1,0,0,0,0,0,,0,0,0,0,")
    );
    // From tomorrow: the learners existed before its end, but did nothing in it.
    let r = get(
        app,
        &format!("/trainer/report.csv?from={tomorrow}"),
        TRAINER,
    )
    .await;
    assert_eq!(
        r.body.split("\r\n").nth(1),
        Some("Northgate Hospitals NHS Trust,RZZ1,3,0,0,0,0,,0,0,0,0,")
    );
    // Bad dates are refused, saying which.
    let r = get(app, "/trainer/report.csv?from=2026-02-30", TRAINER).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("from date"), "{}", r.body);
    let r = get(
        app,
        &format!("/trainer/report.csv?from={tomorrow}&to={yesterday}"),
        TRAINER,
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);

    // The learners of Northgate, by name, with a hostile name neutralised.
    user(
        &w.db,
        "eve@a.test",
        "=HYPERLINK(\"http://evil.example\",\"x\")",
        Role::Learner,
        Some(w.org_a),
    )
    .await;
    let r = get(
        app,
        &format!("/trainer/organisations/{}/learners.csv", w.org_a),
        TRAINER,
    )
    .await;
    assert_eq!(
        r.disposition,
        "attachment; filename=\"pacs-academy-learners-rzz1-all-time.csv\""
    );
    let lines: Vec<&str> = r.body.split("\r\n").collect();
    assert_eq!(
        lines[0],
        "Learner,Email,Organisation,\
         Foundation modules completed,Foundation exam attempts,Foundation passes,Foundation mean score %,\
         Intermediate modules completed,Intermediate exam attempts,Intermediate passes,Intermediate mean score %"
    );
    assert_eq!(
        &lines[1..6],
        [
            "\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\",eve@a.test,Northgate Hospitals NHS Trust,0,0,0,,0,0,0,",
            "Ann Able,ann@a.test,Northgate Hospitals NHS Trust,2,1,1,100.0,0,0,0,",
            "Bob Baker,bob@a.test,Northgate Hospitals NHS Trust,0,1,0,0.0,0,0,0,",
            "Cat Cole,cat@a.test,Northgate Hospitals NHS Trust,0,0,0,,0,0,0,",
            "",
        ]
    );
}

#[tokio::test]
async fn item_analysis_counts_each_question_from_the_stored_papers() {
    let w = world().await;
    // What the CSV should say, worked out from the stored papers: Ann and
    // Sam answered everything right, Bob nothing.
    let mut expected: BTreeMap<String, (u32, u32)> = BTreeMap::new();
    for (u, right) in [(&w.a1, true), (&w.a2, false), (&w.b1, true)] {
        let rows =
            w.db.exam_attempts_of(u.id, Level::Foundation)
                .await
                .unwrap();
        let paper = stored_paper(&w.db, rows[0].id).await;
        // Generated lab items are not analysed.
        for item in paper
            .items
            .iter()
            .filter(|i| matches!(i.source, ItemSource::Bank { .. }))
        {
            let e = expected.entry(item.source.to_string()).or_default();
            e.0 += 1;
            e.1 += u32::from(right);
        }
    }
    let r = get(&w.app, "/trainer/items.csv?level=foundation", TRAINER).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        r.disposition,
        "attachment; filename=\"pacs-academy-items-foundation-all-time.csv\""
    );
    let mut lines = r.body.split("\r\n");
    let header = lines.next().unwrap();
    assert!(
        header.starts_with(
            "Question,Topic,Status,Attempts,Facility %,Discrimination (upper-minus-lower 27%)"
        ),
        "{header}"
    );
    let mut seen = 0;
    let foundation = w
        .exams
        .bank
        .questions
        .iter()
        .filter(|q| q.level == Level::Foundation)
        .count();
    for line in lines.filter(|l| !l.is_empty()) {
        // Id, topic and status hold no commas; the option cell is quoted.
        let cells: Vec<&str> = line.splitn(6, ',').collect();
        let (id, attempts, facility) = (cells[0], cells[3], cells[4]);
        let (n, right) = expected.get(id).copied().unwrap_or((0, 0));
        assert_eq!(attempts, n.to_string(), "{line}");
        let want = if n == 0 {
            String::new()
        } else {
            format!("{:.1}", f64::from(right) * 100.0 / f64::from(n))
        };
        assert_eq!(facility, want, "{line}");
        if n > 0 {
            assert!(line.contains("too few attempts"), "{line}");
        }
        seen += 1;
    }
    assert_eq!(seen, foundation, "one row per Foundation question");
    // The page's server function names the method.
    let r = get(
        &w.app,
        "/api/trainer/items?level=foundation&from=&to=",
        TRAINER,
    )
    .await;
    assert!(r.body.contains("Upper-minus-lower 27%"), "{}", r.body);
    let r = get(&w.app, "/trainer/items.csv?level=advanced", TRAINER).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn extra_time_through_the_page_checks_csrf_and_organisation() {
    let w = world().await;
    let app = &w.app;
    let open =
        w.db.exam_attempts_of(w.a3.id, Level::Foundation)
            .await
            .unwrap();
    let before = open[0].deadline;
    // The form as `who` sends it, with their session-bound CSRF token.
    let form_of = |who: Option<&str>, id: i64, minutes: &str| {
        let session = format!("token-{}", who.unwrap_or_default());
        let csrf = pacs_academy::server::auth::csrf_for_session(&session);
        format!("csrf={csrf}&learner_id={id}&level=foundation&minutes={minutes}")
    };
    let form = |id: i64, minutes: &str| form_of(TRAINER, id, minutes);
    let r = post(
        app,
        "/api/trainer/extra_time",
        TRAINER,
        &form(w.a3.id, "25"),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(
        r.body.contains("25 minutes") && r.body.contains("deadline moved"),
        "{}",
        r.body
    );
    let after =
        w.db.exam_attempt(open[0].id)
            .await
            .unwrap()
            .unwrap()
            .deadline;
    assert_eq!(after, before + 25 * 60);
    // Bad minutes are a field error, nothing stored.
    let r = post(
        app,
        "/api/trainer/extra_time",
        TRAINER,
        &form(w.a3.id, "601"),
    )
    .await;
    assert!(
        r.body.contains("minutes-foundation") && r.body.contains("0 to 600"),
        "{}",
        r.body
    );
    let adj =
        w.db.exam_adjustment(w.a3.id, Level::Foundation)
            .await
            .unwrap()
            .unwrap();
    assert_eq!(adj.extra_minutes, 25);
    // Another organisation's learner, or no CSRF token: refused.
    let r = post(
        app,
        "/api/trainer/extra_time",
        TRAINER,
        &form(w.b1.id, "10"),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = post(
        app,
        "/api/trainer/extra_time",
        TRAINER,
        &format!("csrf=&learner_id={}&level=foundation&minutes=10", w.a3.id),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(w
        .db
        .exam_adjustment(w.b1.id, Level::Foundation)
        .await
        .unwrap()
        .is_none());
    let r = post(
        app,
        "/api/trainer/extra_time",
        ADMIN,
        &form_of(ADMIN, w.b1.id, "10"),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(
        r.body.contains("next attempt"),
        "no open attempt: {}",
        r.body
    );
    // The learner page shows the grant.
    let r = get(
        app,
        &format!("/api/trainer/learner_detail?id={}", w.a3.id),
        TRAINER,
    )
    .await;
    assert!(r.body.contains("\"extra_minutes\":25"), "{}", r.body);
}

// ---- Retirement ------------------------------------------------------

fn question(id: &str, topic: &str) -> Question {
    Question {
        id: id.into(),
        level: Level::Foundation,
        topic: topic.into(),
        kind: QuestionKind::Single,
        stem_md: format!("Stem of {id}?"),
        options: (0..4).map(|i| format!("Choice {i} of {id}")).collect(),
        key: vec![1],
        explanation_md: "Because.".into(),
        module: format!("/foundation/{topic}#x"),
        retired: false,
        origin: Origin::default(),
    }
}

/// `alpha`: 5 questions, 3 drawn; `beta`: 4 questions, 3 drawn.
fn small_exam() -> (Vec<ExamDefinition>, QuestionSet) {
    let mut qs: Vec<Question> = (0..5)
        .map(|i| question(&format!("alpha-{i}"), "alpha"))
        .collect();
    qs.extend((0..4).map(|i| question(&format!("beta-{i}"), "beta")));
    let def = ExamDefinition {
        title: "Small exam".into(),
        level: Level::Foundation,
        questions: 6,
        minutes: 10,
        pass_mark_percent: 50,
        grace_seconds: 30,
        max_attempts: 3,
        cooldown_hours: 0,
        review: Review::Immediate,
        blueprint: vec![
            BlueprintEntry {
                topic: "alpha".into(),
                questions: 3,
                line: 0,
            },
            BlueprintEntry {
                topic: "beta".into(),
                questions: 3,
                line: 0,
            },
        ],
        generated: Vec::new(),
        origin: Origin::default(),
    };
    (vec![def], QuestionSet::new(qs))
}

#[tokio::test]
async fn retired_questions_are_never_drawn_and_past_papers_still_mark() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::connect(&format!("sqlite://{}", dir.path().join("r.db").display()))
        .await
        .unwrap();
    let org = db.create_organisation("Northgate", None).await.unwrap().id;
    let trainer = user(&db, "t@a.test", "T", Role::Trainer, Some(org)).await;
    let (exams, bank) = small_exam();
    let t = 1_800_000_000;

    // An attempt drawn before the retirement holds the question.
    let mut early = None;
    for i in 0..20 {
        let u = user(
            &db,
            &format!("early{i}@a.test"),
            "E",
            Role::Learner,
            Some(org),
        )
        .await;
        let v = exam::start_or_resume(&db, &exams, &bank, &u, Level::Foundation, t)
            .await
            .unwrap();
        let paper = stored_paper(&db, v.attempt_id).await;
        if paper
            .items
            .iter()
            .any(|i| i.source.to_string() == "alpha-0")
        {
            early = Some((u, v.attempt_id));
            break;
        }
    }
    let (early_user, early_attempt) = early.expect("alpha-0 drawn in 20 papers");

    // Retire one of each topic: allowed (5 - 1 >= 3, 4 - 1 >= 3).
    for id in ["alpha-0", "beta-0"] {
        reports::set_question_status(
            &db,
            &exams,
            &bank,
            &trainer,
            id,
            QuestionStatus::Retired,
            "ambiguous stem",
            t,
        )
        .await
        .unwrap();
    }
    // A second beta would leave 2 for a blueprint of 3: refused, and saying why.
    let e = reports::set_question_status(
        &db,
        &exams,
        &bank,
        &trainer,
        "beta-1",
        QuestionStatus::Retired,
        "",
        t,
    )
    .await
    .unwrap_err();
    assert!(
        matches!(&e, ReportError::Conflict(m) if m.contains("beta") && m.contains("only 2")),
        "{e}"
    );
    assert_eq!(db.retired_questions().await.unwrap(), ["alpha-0", "beta-0"]);
    // Flagging is not retiring; unknown questions and learners are refused.
    reports::set_question_status(
        &db,
        &exams,
        &bank,
        &trainer,
        "beta-1",
        QuestionStatus::Flagged,
        "",
        t,
    )
    .await
    .unwrap();
    assert!(matches!(
        reports::set_question_status(
            &db,
            &exams,
            &bank,
            &trainer,
            "gamma-9",
            QuestionStatus::Retired,
            "",
            t
        )
        .await,
        Err(ReportError::NotFound(_))
    ));
    assert!(matches!(
        reports::set_question_status(
            &db,
            &exams,
            &bank,
            &early_user,
            "beta-2",
            QuestionStatus::Flagged,
            "",
            t
        )
        .await,
        Err(ReportError::Forbidden(_))
    ));
    let reviews = db.question_reviews().await.unwrap();
    assert_eq!(reviews.len(), 3);
    assert_eq!(reviews[0].note.as_deref(), Some("ambiguous stem"));
    assert_eq!(reviews[0].set_by_name.as_deref(), Some("T"));

    // 60 new papers: never alpha-0 or beta-0; beta-1 (flagged) still drawn.
    let mut drawn: BTreeMap<String, u32> = BTreeMap::new();
    for i in 0..60 {
        let u = user(
            &db,
            &format!("late{i}@a.test"),
            "L",
            Role::Learner,
            Some(org),
        )
        .await;
        let v = exam::start_or_resume(&db, &exams, &bank, &u, Level::Foundation, t + 10)
            .await
            .unwrap();
        for item in stored_paper(&db, v.attempt_id).await.items {
            *drawn.entry(item.source.to_string()).or_default() += 1;
        }
    }
    assert_eq!(drawn.get("alpha-0"), None, "{drawn:?}");
    assert_eq!(drawn.get("beta-0"), None, "{drawn:?}");
    // With beta-0 gone, every paper holds all three other betas.
    for id in ["beta-1", "beta-2", "beta-3"] {
        assert_eq!(drawn.get(id), Some(&60), "{id}: {drawn:?}");
    }

    // The early paper still shows, marks and reviews with alpha-0 in it.
    let paper = stored_paper(&db, early_attempt).await;
    let at = paper
        .items
        .iter()
        .position(|i| i.source.to_string() == "alpha-0")
        .unwrap();
    let key_shown = paper.items[at].to_displayed(1).unwrap();
    exam::save_answer(
        &db,
        &exams,
        &early_user,
        early_attempt,
        at,
        vec![key_shown],
        false,
        t + 20,
    )
    .await
    .unwrap();
    let result = exam::submit(&db, &exams, &bank, &early_user, early_attempt, t + 30)
        .await
        .unwrap();
    assert_eq!(result.marks, 1);
    let review = result.review;
    assert!(review[at].right && review[at].stem_html.contains("alpha-0"));

    // Restored, it is drawn again.
    reports::set_question_status(
        &db,
        &exams,
        &bank,
        &trainer,
        "alpha-0",
        QuestionStatus::Active,
        "",
        t,
    )
    .await
    .unwrap();
    assert_eq!(db.retired_questions().await.unwrap(), ["beta-0"]);
    let mut again = 0;
    for i in 0..30 {
        let u = user(
            &db,
            &format!("again{i}@a.test"),
            "A",
            Role::Learner,
            Some(org),
        )
        .await;
        let v = exam::start_or_resume(&db, &exams, &bank, &u, Level::Foundation, t + 40)
            .await
            .unwrap();
        again += stored_paper(&db, v.attempt_id)
            .await
            .items
            .iter()
            .filter(|i| i.source.to_string() == "alpha-0")
            .count();
    }
    // Drawn in 3 of 5 slots per paper: missing from 30 papers is (2/5)^30.
    assert!(again > 0);
}

#[tokio::test]
async fn learner_csvs_hold_the_page_tables_and_follow_the_same_rules() {
    let w = world().await;
    let split = |body: &str| -> Vec<Vec<String>> { parse_csv(body) };

    // Ann's modules: every module of both courses, two of them completed.
    let r = get(
        &w.app,
        &format!("/trainer/learners/{}/modules.csv", w.a1.id),
        TRAINER,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.content_type.starts_with("text/csv"), "{}", r.content_type);
    assert_eq!(
        r.disposition,
        format!(
            "attachment; filename=\"pacs-academy-learner-{}-modules.csv\"",
            w.a1.id
        )
    );
    let rows = split(&r.body);
    assert_eq!(rows[0], ["Course", "Module", "Slug", "Completed (UTC)"]);
    let modules = pacs_academy::content::questions::module_index(CONTENT.as_ref())
        .modules
        .len();
    assert_eq!(rows.len() - 1, modules, "one row per module");
    let completed: Vec<&str> = rows[1..]
        .iter()
        .filter(|r| !r[3].is_empty())
        .map(|r| r[2].as_str())
        .collect();
    assert_eq!(completed, ["imaging-landscape", "hl7-message-structure"]);
    let today = utc_date(now()).to_string();
    assert!(
        rows[1..]
            .iter()
            .filter(|r| !r[3].is_empty())
            .all(|r| r[3].starts_with(&today) && r[3].ends_with(" UTC")),
        "{rows:?}"
    );

    // Attempts: Ann's marked pass, Cat's open attempt.
    let ann = &w
        .db
        .exam_attempts_of(w.a1.id, Level::Foundation)
        .await
        .unwrap()[0];
    let percent = ann.outcome.as_ref().unwrap().percent;
    let r = get(
        &w.app,
        &format!("/trainer/learners/{}/attempts.csv", w.a1.id),
        TRAINER,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let rows = split(&r.body);
    assert_eq!(
        rows[0],
        [
            "Exam",
            "Started (UTC)",
            "Deadline (UTC)",
            "Submitted (UTC)",
            "Score %",
            "Result",
            "Extra minutes"
        ]
    );
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[1][0], "Foundation");
    assert!(!rows[1][3].is_empty(), "submitted: {rows:?}");
    assert_eq!(rows[1][4], percent.to_string());
    assert_eq!(rows[1][5], "Passed");
    let r = get(
        &w.app,
        &format!("/trainer/learners/{}/attempts.csv", w.a3.id),
        TRAINER,
    )
    .await;
    let rows = split(&r.body);
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!((rows[1][3].as_str(), rows[1][4].as_str()), ("", ""));
    assert_eq!(rows[1][5], "In progress");

    // Another organisation's learner: refused to the trainer, given to an
    // admin; refused to a learner and to a visitor.
    for table in ["modules", "attempts"] {
        let path = format!("/trainer/learners/{}/{table}.csv", w.b1.id);
        let r = get(&w.app, &path, TRAINER).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}: {}", r.body);
        assert!(!r.body.contains("Sam"), "{}", r.body);
        assert_eq!(get(&w.app, &path, ADMIN).await.status, StatusCode::OK);
        assert_eq!(
            get(&w.app, &path, LEARNER).await.status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            get(&w.app, &path, None).await.status,
            StatusCode::UNAUTHORIZED
        );
    }
}

/// A small RFC 4180 reader (quoted fields, doubled quotes, CRLF rows).
fn parse_csv(body: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let (mut row, mut field) = (Vec::new(), String::new());
    let mut quoted = false;
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows
}
