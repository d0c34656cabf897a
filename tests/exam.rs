//! The timed exam's server side against a real SQLite file, with a clock
//! the tests control: start and resume, saving answers, late answers,
//! expiry with no browser, restarts, forged requests, attempt rules, extra
//! time, the review policies, certificates, that nothing sent to the
//! browser during an attempt gives the answers away, and that concurrent
//! starts racing a submission keep the attempt rules.
#![cfg(feature = "ssr")]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use pacs_academy::accounts::Role;
use pacs_academy::content::Level;
use pacs_academy::exam::{
    AnswerError, BlueprintEntry, Date, ExamDefinition, Origin, Paper, Question, QuestionKind,
    QuestionSet, Review, StartRefusal, SubmittedBy, Withheld,
};
use pacs_academy::server::db::Db;
use pacs_academy::server::exam::{self, AttemptView, ExamError, ResultView};
use pacs_academy::server::repo::{NewExamAttempt, NewUser, RepoError, Repository, User};

/// 2027-01-15 08:00:00 UTC.
const T0: i64 = 1_800_000_000;

fn question(id: &str, topic: &str, kind: QuestionKind, n: usize, key: &[usize]) -> Question {
    Question {
        id: id.into(),
        level: Level::Foundation,
        topic: topic.into(),
        kind,
        stem_md: format!("Which option is right for **{id}**?"),
        options: (0..n).map(|i| format!("Choice {i} for {id}")).collect(),
        key: key.to_vec(),
        explanation_md: format!("Explained-{id}: the reason the key is right."),
        module: format!("/foundation/{topic}#heading"),
        retired: false,
        origin: Origin::default(),
    }
}

/// `alpha`: 5 single-answer questions with the key in different places;
/// `beta`: 2 single and 2 multiple-response questions.
fn bank() -> QuestionSet {
    let mut qs = Vec::new();
    for i in 0..5 {
        qs.push(question(
            &format!("alpha-{i}"),
            "alpha",
            QuestionKind::Single,
            4,
            &[i % 4],
        ));
    }
    qs.push(question("beta-0", "beta", QuestionKind::Single, 3, &[2]));
    qs.push(question("beta-1", "beta", QuestionKind::Single, 4, &[1]));
    qs.push(question(
        "beta-2",
        "beta",
        QuestionKind::Multiple,
        5,
        &[0, 3],
    ));
    qs.push(question(
        "beta-3",
        "beta",
        QuestionKind::Multiple,
        4,
        &[1, 2],
    ));
    QuestionSet::new(qs)
}

/// 6 questions (3 + 3), 10 minutes, 30 s grace, pass mark 50%, 3 attempts,
/// 24 hours between attempts, review immediately.
fn definition() -> ExamDefinition {
    ExamDefinition {
        title: "Test Foundation exam".into(),
        level: Level::Foundation,
        questions: 6,
        minutes: 10,
        pass_mark_percent: 50,
        grace_seconds: 30,
        max_attempts: 3,
        cooldown_hours: 24,
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
    }
}

struct World {
    _dir: tempfile::TempDir,
    url: String,
    db: Db,
    exams: Vec<ExamDefinition>,
    bank: QuestionSet,
    org: i64,
}

impl World {
    async fn new() -> World {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("exam.db").display());
        let db = Db::connect(&url).await.unwrap();
        let org = db
            .create_organisation("Northgate Hospitals NHS Trust", Some("RZZ1"))
            .await
            .unwrap()
            .id;
        World {
            _dir: dir,
            url,
            db,
            exams: vec![definition()],
            bank: bank(),
            org,
        }
    }

    async fn user(&self, email: &str, role: Role, org: Option<i64>) -> User {
        self.db
            .create_user(NewUser {
                email,
                name: &format!("Candidate {email}"),
                organisation_id: org,
                role,
                password_hash: "not-a-real-hash",
            })
            .await
            .unwrap()
    }

    async fn learner(&self, email: &str) -> User {
        self.user(email, Role::Learner, Some(self.org)).await
    }

    async fn start(&self, user: &User, now: i64) -> Result<AttemptView, ExamError> {
        exam::start_or_resume(
            &self.db,
            &self.exams,
            &self.bank,
            user,
            Level::Foundation,
            now,
        )
        .await
    }

    async fn save(
        &self,
        user: &User,
        attempt: i64,
        item: usize,
        choice: Vec<usize>,
        now: i64,
    ) -> Result<exam::Saved, ExamError> {
        exam::save_answer(
            &self.db,
            &self.exams,
            user,
            attempt,
            item,
            choice,
            false,
            now,
        )
        .await
    }

    async fn submit(&self, user: &User, attempt: i64, now: i64) -> Result<ResultView, ExamError> {
        exam::submit(&self.db, &self.exams, &self.bank, user, attempt, now).await
    }

    /// The stored paper (the test's own view of the answers).
    async fn paper(&self, attempt: i64) -> Paper {
        let row = self.db.exam_attempt(attempt).await.unwrap().unwrap();
        serde_json::from_str(&row.paper_json).unwrap()
    }

    /// The displayed positions of the key of item `i`.
    async fn key_shown(&self, attempt: i64, i: usize) -> Vec<usize> {
        let paper = self.paper(attempt).await;
        let item = &paper.items[i];
        let id = item.source.to_string();
        let q = self.bank.get(&id).unwrap();
        let mut shown: Vec<usize> = q
            .key
            .iter()
            .map(|&k| item.to_displayed(k).unwrap())
            .collect();
        shown.sort_unstable();
        shown
    }

    /// A displayed position that is not a key.
    async fn wrong_shown(&self, attempt: i64, i: usize) -> usize {
        let key = self.key_shown(attempt, i).await;
        let n = self.paper(attempt).await.items[i].order.len();
        (0..n).find(|d| !key.contains(d)).unwrap()
    }
}

#[tokio::test]
async fn start_save_and_resume_give_the_same_paper_and_answers() {
    let w = World::new().await;
    let jane = w.learner("jane@nhs.test").await;
    let v = w.start(&jane, T0).await.unwrap();
    assert_eq!(v.item_count, 6);
    assert_eq!(v.deadline, T0 + 600);
    assert_eq!(v.remaining_seconds, 600);
    assert_eq!(v.grace_seconds, 30);
    assert!(v.items.iter().all(|i| i.choice.is_empty() && !i.flagged));

    // A single-answer item (the draw puts the items in a random order).
    let single = v
        .items
        .iter()
        .position(|i| i.kind == QuestionKind::Single)
        .unwrap();
    let s = w
        .save(&jane, v.attempt_id, single, vec![1], T0 + 20)
        .await
        .unwrap();
    assert_eq!((s.saved_at, s.remaining), (T0 + 20, 580));
    let multi = v
        .items
        .iter()
        .position(|i| i.kind == QuestionKind::Multiple)
        .unwrap();
    w.save(&jane, v.attempt_id, multi, vec![2, 0, 2], T0 + 30)
        .await
        .unwrap();
    // Flag a third item, answering nothing.
    let flag = (0..6).find(|&i| i != multi && i != single).unwrap();
    exam::save_answer(
        &w.db,
        &w.exams,
        &jane,
        v.attempt_id,
        flag,
        vec![],
        true,
        T0 + 40,
    )
    .await
    .unwrap();
    // Saving the same answer again is harmless.
    w.save(&jane, v.attempt_id, single, vec![1], T0 + 45)
        .await
        .unwrap();

    let again = w.start(&jane, T0 + 60).await.unwrap();
    assert_eq!(again.attempt_id, v.attempt_id);
    assert_eq!(again.remaining_seconds, 540);
    for (a, b) in again.items.iter().zip(&v.items) {
        assert_eq!(a.stem_html, b.stem_html);
        assert_eq!(a.options_html, b.options_html, "same option order");
    }
    assert_eq!(again.items[single].choice, vec![1]);
    assert_eq!(
        again.items[multi].choice,
        vec![0, 2],
        "sorted, duplicates dropped"
    );
    assert!(again.items[flag].flagged && again.items[flag].choice.is_empty());
    assert_eq!(
        again.items.iter().filter(|i| !i.choice.is_empty()).count(),
        2
    );

    // The exams page shows how far she has got and how long is left.
    let overview = exam::overview(&w.db, &w.exams, &w.bank, &jane, T0 + 75)
        .await
        .unwrap();
    let open = overview[0]
        .open_attempt
        .clone()
        .expect("an attempt in progress");
    assert_eq!(open.attempt_id, v.attempt_id);
    assert_eq!((open.deadline, open.remaining_seconds), (T0 + 600, 525));
    assert_eq!((open.answered, open.flagged), (2, 1));
    assert_eq!(overview[0].refusal, None);
}

#[tokio::test]
async fn late_answers_are_refused_with_a_message() {
    let w = World::new().await;
    let jane = w.learner("jane@nhs.test").await;
    let v = w.start(&jane, T0).await.unwrap();
    let closes = v.deadline + 30;
    w.save(&jane, v.attempt_id, 0, vec![0], closes)
        .await
        .expect("accepted at deadline + grace");
    let late = w
        .save(&jane, v.attempt_id, 0, vec![1], closes + 1)
        .await
        .unwrap_err();
    assert!(matches!(late, ExamError::Answer(AnswerError::Late { .. })));
    assert_eq!(late.status(), 409);
    assert!(late.to_string().contains("time is up"), "{late}");
    let stored = exam::stored_answers(&w.db, v.attempt_id).await.unwrap();
    assert_eq!(
        stored.get(&0),
        Some(&(vec![0], false)),
        "the late answer changed nothing"
    );
    // The repository itself refuses a write past deadline + grace.
    assert!(!w
        .db
        .save_exam_answer(v.attempt_id, 1, &[0], false, closes + 1)
        .await
        .unwrap());
}

#[tokio::test]
async fn expiry_without_a_browser_marks_the_stored_answers() {
    let w = World::new().await;
    let jane = w.learner("jane@nhs.test").await;
    let v = w.start(&jane, T0).await.unwrap();
    let id = v.attempt_id;
    for i in 0..4 {
        let key = w.key_shown(id, i).await;
        w.save(&jane, id, i, key, T0 + 10 + i as i64).await.unwrap();
    }
    let wrong = w.wrong_shown(id, 4).await;
    w.save(&jane, id, 4, vec![wrong], T0 + 20).await.unwrap();
    // Item 5 unanswered.
    let closes = v.deadline + 30;
    assert_eq!(
        exam::expire_due(&w.db, &w.exams, &w.bank, closes).await,
        0,
        "not yet"
    );
    assert_eq!(
        exam::expire_due(&w.db, &w.exams, &w.bank, closes + 5).await,
        1
    );
    assert_eq!(
        exam::expire_due(&w.db, &w.exams, &w.bank, closes + 10).await,
        0
    );
    let r = exam::result(&w.db, &w.exams, &w.bank, &jane, id, closes + 60)
        .await
        .unwrap();
    assert_eq!(
        (r.marks, r.total, r.percent),
        (4, 6, 67),
        "66.7% to the nearest"
    );
    assert!(r.passed);
    assert_eq!(r.submitted_by, SubmittedBy::Expiry);
    assert_eq!(r.submitted_at, closes);
    let per_topic: u32 = r.sections.iter().map(|s| s.total).sum();
    assert_eq!(per_topic, 6);
    assert_eq!(r.sections.len(), 2);
    // After expiry nothing more is saved.
    let e = w
        .save(&jane, id, 5, vec![0], closes - 100)
        .await
        .unwrap_err();
    assert!(
        matches!(e, ExamError::Answer(AnswerError::AlreadySubmitted)),
        "{e}"
    );
}

#[tokio::test]
async fn a_restart_resumes_the_same_attempt_with_the_right_time() {
    let w = World::new().await;
    let jane = w.learner("jane@nhs.test").await;
    let v = w.start(&jane, T0).await.unwrap();
    w.save(&jane, v.attempt_id, 2, vec![1], T0 + 5)
        .await
        .unwrap();
    w.db.close().await;
    drop(w.db);
    let db = Db::connect(&w.url).await.unwrap();
    let again = exam::start_or_resume(&db, &w.exams, &w.bank, &jane, Level::Foundation, T0 + 250)
        .await
        .unwrap();
    assert_eq!(again.attempt_id, v.attempt_id);
    assert_eq!(again.remaining_seconds, 350);
    assert_eq!(again.deadline, v.deadline);
    assert_eq!(again.items[2].choice, vec![1]);
    assert_eq!(
        again
            .items
            .iter()
            .map(|i| &i.options_html)
            .collect::<Vec<_>>(),
        v.items.iter().map(|i| &i.options_html).collect::<Vec<_>>()
    );
    // Down past the deadline: the start-up run submits it.
    assert_eq!(exam::expire_due(&db, &w.exams, &w.bank, T0 + 2000).await, 1);
    let row = db.exam_attempt(v.attempt_id).await.unwrap().unwrap();
    assert_eq!(row.submitted_at, Some(v.deadline + 30));
    assert!(row.outcome.is_some());
}

#[tokio::test]
async fn forged_answers_are_refused() {
    let w = World::new().await;
    let jane = w.learner("jane@nhs.test").await;
    let mallory = w.learner("mallory@nhs.test").await;
    let v = w.start(&jane, T0).await.unwrap();
    let e = w
        .save(&mallory, v.attempt_id, 0, vec![0], T0 + 1)
        .await
        .unwrap_err();
    assert!(matches!(e, ExamError::NoSuchAttempt(_)), "{e}");
    assert_eq!(e.status(), 404);
    let e = w
        .save(&jane, v.attempt_id + 1000, 0, vec![0], T0 + 1)
        .await
        .unwrap_err();
    assert!(matches!(e, ExamError::NoSuchAttempt(_)), "{e}");
    let e = w
        .save(&jane, v.attempt_id, 6, vec![0], T0 + 1)
        .await
        .unwrap_err();
    assert!(
        matches!(e, ExamError::Answer(AnswerError::NoSuchItem { item: 6 })),
        "{e}"
    );
    assert_eq!(e.status(), 404);
    let n = v.items[0].options_html.len();
    let e = w
        .save(&jane, v.attempt_id, 0, vec![n], T0 + 1)
        .await
        .unwrap_err();
    assert!(
        matches!(e, ExamError::Answer(AnswerError::BadOption { .. })),
        "{e}"
    );
    assert_eq!(e.status(), 400);
    let single = v
        .items
        .iter()
        .position(|i| i.kind == QuestionKind::Single)
        .unwrap();
    let e = w
        .save(&jane, v.attempt_id, single, vec![0, 1], T0 + 1)
        .await
        .unwrap_err();
    assert!(
        matches!(e, ExamError::Answer(AnswerError::OneAnswerOnly { .. })),
        "{e}"
    );
    assert!(exam::stored_answers(&w.db, v.attempt_id)
        .await
        .unwrap()
        .is_empty());
    // Nor can another candidate submit it or read its result.
    assert!(matches!(
        w.submit(&mallory, v.attempt_id, T0 + 2).await,
        Err(ExamError::NoSuchAttempt(_))
    ));
    assert!(matches!(
        exam::result(&w.db, &w.exams, &w.bank, &mallory, v.attempt_id, T0 + 2).await,
        Err(ExamError::NoSuchAttempt(_))
    ));
}

#[tokio::test]
async fn one_open_attempt_per_candidate_per_exam() {
    let w = World::new().await;
    let jane = w.learner("jane@nhs.test").await;
    let ravi = w.learner("ravi@nhs.test").await;
    let (a, b) = tokio::join!(w.start(&jane, T0), w.start(&jane, T0));
    assert_eq!(a.unwrap().attempt_id, b.unwrap().attempt_id);
    let other = w.start(&ravi, T0).await.unwrap();
    let jane_attempts =
        w.db.exam_attempts_of(jane.id, Level::Foundation)
            .await
            .unwrap();
    assert_eq!(jane_attempts.len(), 1);
    assert_ne!(other.attempt_id, jane_attempts[0].id);
    // The database itself refuses a second open attempt.
    let dup =
        w.db.create_exam_attempt(&NewExamAttempt {
            user_id: jane.id,
            level: Level::Foundation,
            seed: 1,
            paper_json: jane_attempts[0].paper_json.clone(),
            started_at: T0,
            deadline: T0 + 600,
            grace_seconds: 30,
            extra_seconds: 0,
        })
        .await;
    assert!(matches!(dup, Err(RepoError::Conflict(_))), "{dup:?}");
}

#[tokio::test]
async fn attempt_limit_and_cool_down() {
    let w = World::new().await;
    let jane = w.learner("jane@nhs.test").await;
    let h = 3600;
    let mut t = T0;
    for n in 0..3 {
        let v = w.start(&jane, t).await.unwrap();
        w.submit(&jane, v.attempt_id, t + 100).await.unwrap();
        if n < 2 {
            let e = w.start(&jane, t + 100 + 24 * h - 1).await.unwrap_err();
            assert!(
                matches!(e, ExamError::Refused(StartRefusal::CoolingDown { until, .. }) if until == t + 100 + 24 * h),
                "{e}"
            );
            assert!(e.to_string().contains("24 hours"), "{e}");
        }
        t += 100 + 24 * h;
    }
    let e = w.start(&jane, t + 365 * 24 * h).await.unwrap_err();
    assert!(
        matches!(
            e,
            ExamError::Refused(StartRefusal::NoAttemptsLeft { max_attempts: 3 })
        ),
        "{e}"
    );
    assert_eq!(
        w.db.exam_attempts_of(jane.id, Level::Foundation)
            .await
            .unwrap()
            .len(),
        3
    );
}

#[tokio::test]
async fn an_expired_open_attempt_is_submitted_before_a_new_start() {
    let w = World::new().await;
    let jane = w.learner("jane@nhs.test").await;
    let v = w.start(&jane, T0).await.unwrap();
    // Long after, with no expiry task run: the old one is closed at
    // deadline + grace and the cool-down counts from then.
    let closes = v.deadline + 30;
    let e = w.start(&jane, closes + 60).await.unwrap_err();
    assert!(
        matches!(e, ExamError::Refused(StartRefusal::CoolingDown { until, .. }) if until == closes + 24 * 3600),
        "{e}"
    );
    let row = w.db.exam_attempt(v.attempt_id).await.unwrap().unwrap();
    assert_eq!(row.submitted_by, Some(SubmittedBy::Expiry));
    let next = w.start(&jane, closes + 24 * 3600).await.unwrap();
    assert_ne!(next.attempt_id, v.attempt_id);
}

#[tokio::test]
async fn extra_time_extends_the_deadline() {
    let w = World::new().await;
    let other_org =
        w.db.create_organisation("Southmoor NHS Trust", None)
            .await
            .unwrap()
            .id;
    let jane = w.learner("jane@nhs.test").await;
    let ola = w.user("ola@nhs.test", Role::Learner, Some(other_org)).await;
    let trainer = w.user("trainer@nhs.test", Role::Trainer, Some(w.org)).await;
    let admin = w.user("admin@nhs.test", Role::Admin, None).await;
    w.db.assign_trainer(trainer.id, w.org).await.unwrap();

    let v = w.start(&jane, T0).await.unwrap();
    let g = exam::grant_extra_time(&w.db, &trainer, jane.id, Level::Foundation, 15, T0 + 60)
        .await
        .unwrap();
    assert_eq!(g.extra_minutes, 15);
    assert_eq!(g.open_attempt, Some((v.attempt_id, T0 + 600 + 900)));
    // Granting the same again does not add it twice.
    exam::grant_extra_time(&w.db, &trainer, jane.id, Level::Foundation, 15, T0 + 61)
        .await
        .unwrap();
    let again = w.start(&jane, T0 + 700).await.unwrap();
    assert_eq!(
        again.attempt_id, v.attempt_id,
        "still open after the old deadline"
    );
    assert_eq!((again.deadline, again.extra_seconds), (T0 + 1500, 900));
    assert_eq!(again.remaining_seconds, 800);
    w.save(&jane, v.attempt_id, 0, vec![0], T0 + 1500 + 30)
        .await
        .unwrap();
    assert!(w
        .save(&jane, v.attempt_id, 0, vec![1], T0 + 1500 + 31)
        .await
        .is_err());
    let r = w.submit(&jane, v.attempt_id, T0 + 1500 + 40).await.unwrap();
    assert_eq!(r.submitted_at, T0 + 1530);

    // The next attempt starts with the adjustment.
    let next = w.start(&jane, T0 + 1530 + 24 * 3600).await.unwrap();
    assert_eq!(next.deadline, T0 + 1530 + 24 * 3600 + 600 + 900);

    // Only for learners of organisations the trainer follows; admins for anyone.
    let e = exam::grant_extra_time(&w.db, &trainer, ola.id, Level::Foundation, 10, T0)
        .await
        .unwrap_err();
    assert!(
        matches!(e, ExamError::Forbidden(_)) && e.status() == 403,
        "{e}"
    );
    let missing = exam::grant_extra_time(&w.db, &trainer, 99_999, Level::Foundation, 10, T0)
        .await
        .unwrap_err();
    assert_eq!(
        missing.to_string(),
        e.to_string(),
        "no hint whether the learner exists"
    );
    let e = exam::grant_extra_time(&w.db, &jane, jane.id, Level::Foundation, 10, T0)
        .await
        .unwrap_err();
    assert!(matches!(e, ExamError::Forbidden(_)), "{e}");
    exam::grant_extra_time(&w.db, &admin, ola.id, Level::Foundation, 10, T0)
        .await
        .unwrap();
    let e = exam::grant_extra_time(&w.db, &admin, ola.id, Level::Foundation, 601, T0)
        .await
        .unwrap_err();
    assert_eq!(e.status(), 400);
    let ola_view = w.start(&ola, T0).await.unwrap();
    assert_eq!(ola_view.deadline, T0 + 600 + 600);
}

/// Every field name in a JSON value, recursively.
fn keys(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, v) in m {
                out.push(k.clone());
                keys(v, out);
            }
        }
        serde_json::Value::Array(a) => a.iter().for_each(|v| keys(v, out)),
        _ => {}
    }
}

#[tokio::test]
async fn nothing_sent_during_an_attempt_gives_the_answers_away() {
    let w = World::new().await;
    let jane = w.learner("jane@nhs.test").await;
    let mut sent: Vec<String> = Vec::new();
    let v = w.start(&jane, T0).await.unwrap();
    sent.push(serde_json::to_string(&v).unwrap());
    for i in 0..v.item_count {
        let key = w.key_shown(v.attempt_id, i).await;
        let s = exam::save_answer(
            &w.db,
            &w.exams,
            &jane,
            v.attempt_id,
            i,
            key,
            i % 2 == 0,
            T0 + 10,
        )
        .await
        .unwrap();
        sent.push(serde_json::to_string(&s).unwrap());
        sent.push(serde_json::to_string(&w.start(&jane, T0 + 11).await.unwrap()).unwrap());
    }
    let paper = w.paper(v.attempt_id).await;
    for json in &sent {
        let value: serde_json::Value = serde_json::from_str(json).unwrap();
        let mut names = Vec::new();
        keys(&value, &mut names);
        for name in &names {
            let lower = name.to_lowercase();
            for banned in [
                "key",
                "correct",
                "explanation",
                "order",
                "seed",
                "question_id",
                "source",
            ] {
                assert!(!lower.contains(banned), "field `{name}` sent: {json}");
            }
        }
        for item in &paper.items {
            let id = item.source.to_string();
            let q = w.bank.get(&id).unwrap();
            assert!(
                !json.contains("Explained-"),
                "an explanation was sent: {json}"
            );
            assert!(!json.contains(&q.explanation_md));
            assert!(
                !json.contains(&format!("\"{id}\"")),
                "question id {id} sent"
            );
            assert!(
                !json.contains(&q.module),
                "the module link hints at the answer"
            );
        }
    }
    // The options are shown in the drawn order, not the bank's, and in the
    // view their order is all there is: displayed index i is option order[i].
    for (view, item) in v.items.iter().zip(&paper.items) {
        let q = w.bank.get(&item.source.to_string()).unwrap();
        for (d, html) in view.options_html.iter().enumerate() {
            assert!(html.contains(&q.options[item.order[d]]), "{html}");
        }
    }
}

/// The field names of a result as sent, and whether any key or explanation
/// of the bank is among them.
fn sends_keys(r: &ResultView) -> bool {
    let json = serde_json::to_string(r).unwrap();
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    let mut names = Vec::new();
    keys(&value, &mut names);
    let named = names
        .iter()
        .any(|n| n == "key" || n.contains("correct") || n.contains("explanation"));
    assert_eq!(
        named,
        json.contains("Explained-"),
        "keys and explanations go together: {json}"
    );
    named
}

#[tokio::test]
async fn the_review_opens_on_its_date() {
    let mut w = World::new().await;
    let date = Date::new(2027, 2, 1).unwrap();
    w.exams[0].review = Review::After(date);
    let jane = w.learner("jane@nhs.test").await;
    let v = w.start(&jane, T0).await.unwrap();
    let key0 = w.key_shown(v.attempt_id, 0).await;
    w.save(&jane, v.attempt_id, 0, key0.clone(), T0 + 5)
        .await
        .unwrap();
    // Still running: no result yet.
    let e = exam::result(&w.db, &w.exams, &w.bank, &jane, v.attempt_id, T0 + 6)
        .await
        .unwrap_err();
    assert!(matches!(e, ExamError::NotSubmitted), "{e}");
    let r = w.submit(&jane, v.attempt_id, T0 + 10).await.unwrap();
    assert_eq!(r.withheld, Some(Withheld::Until(date.unix_start())));
    assert!(!sends_keys(&r));
    let before = exam::result(
        &w.db,
        &w.exams,
        &w.bank,
        &jane,
        v.attempt_id,
        date.unix_start() - 1,
    )
    .await
    .unwrap();
    assert!(!sends_keys(&before));
    // Which questions were right, and the candidate's own answers, show
    // before the date.
    assert_eq!(before.review.len(), 6);
    assert!(before.review[0].right && before.review[0].answered);
    assert!(before.review[1..].iter().all(|i| !i.right && !i.answered));
    assert!(before.review[0]
        .options
        .iter()
        .enumerate()
        .all(|(d, o)| o.chosen == key0.contains(&d)));
    let after = exam::result(
        &w.db,
        &w.exams,
        &w.bank,
        &jane,
        v.attempt_id,
        date.unix_start(),
    )
    .await
    .unwrap();
    assert_eq!(after.withheld, None);
    assert!(sends_keys(&after));
    let review = after.review;
    assert_eq!(review.len(), 6);
    let paper = w.paper(v.attempt_id).await;
    for (i, (r, item)) in review.iter().zip(&paper.items).enumerate() {
        let q = w.bank.get(&item.source.to_string()).unwrap();
        let key = r.key.as_ref().unwrap();
        assert!(key
            .explanation_html
            .contains(&format!("Explained-{}", q.id)));
        assert_eq!(key.options, w.key_shown(v.attempt_id, i).await);
        assert_eq!(r.right, i == 0, "only item 0 was answered (correctly)");
        assert_eq!(r.answered, i == 0);
    }
    assert_eq!((after.marks, after.passed), (1, false));
}

/// Sits one attempt at `now`: answers item 0 with its key and, when `pass`,
/// every other item too; submits 100 s later.
async fn sit(w: &World, who: &User, now: i64, pass: bool) -> ResultView {
    let v = w.start(who, now).await.unwrap();
    let n = if pass { v.item_count } else { 1 };
    for i in 0..n {
        let key = w.key_shown(v.attempt_id, i).await;
        w.save(who, v.attempt_id, i, key, now + 5).await.unwrap();
    }
    let r = w.submit(who, v.attempt_id, now + 100).await.unwrap();
    assert_eq!(r.passed, pass);
    r
}

async fn result_at(w: &World, who: &User, attempt: i64, now: i64) -> ResultView {
    exam::result(&w.db, &w.exams, &w.bank, who, attempt, now)
        .await
        .unwrap()
}

#[tokio::test]
async fn keys_are_shown_only_after_a_pass_or_the_last_attempt() {
    let mut w = World::new().await;
    w.exams[0].review = Review::KeysAfterPassOrLast; // 3 attempts, 24 hours apart
    let day = 24 * 3600 + 100;
    // Jane fails, then passes.
    let jane = w.learner("jane@nhs.test").await;
    let first = sit(&w, &jane, T0, false).await;
    assert_eq!(
        first.withheld,
        Some(Withheld::UntilPassOrLastAttempt { attempts_left: 2 })
    );
    assert!(!sends_keys(&first));
    assert!(first.review[0].right && !first.review[1].right);
    assert!(first
        .withheld
        .unwrap()
        .next_step()
        .contains("when you pass or after your last attempt"));
    // While the next attempt is open, the first one's keys stay hidden.
    let second = w.start(&jane, T0 + day).await.unwrap();
    let during = result_at(&w, &jane, first.attempt_id, T0 + day + 1).await;
    assert_eq!(during.withheld, Some(Withheld::AttemptInProgress));
    assert!(!sends_keys(&during));
    for i in 0..second.item_count {
        let key = w.key_shown(second.attempt_id, i).await;
        w.save(&jane, second.attempt_id, i, key, T0 + day + 5)
            .await
            .unwrap();
    }
    let passed = w
        .submit(&jane, second.attempt_id, T0 + day + 100)
        .await
        .unwrap();
    assert!(passed.passed);
    assert_eq!(passed.withheld, None);
    assert!(sends_keys(&passed));
    // After the pass, the failed attempt's keys show too.
    assert!(sends_keys(
        &result_at(&w, &jane, first.attempt_id, T0 + day + 200).await
    ));

    // Ravi fails three times: the last attempt shows the keys, and then
    // the earlier ones do.
    let ravi = w.learner("ravi@nhs.test").await;
    let r1 = sit(&w, &ravi, T0, false).await;
    let r2 = sit(&w, &ravi, T0 + day, false).await;
    assert_eq!(
        r2.withheld,
        Some(Withheld::UntilPassOrLastAttempt { attempts_left: 1 })
    );
    let r3 = sit(&w, &ravi, T0 + 2 * day, false).await;
    assert_eq!(r3.withheld, None);
    assert!(sends_keys(&r3));
    assert!(sends_keys(
        &result_at(&w, &ravi, r1.attempt_id, T0 + 2 * day + 200).await
    ));

    // `never` keeps them back even after a pass.
    w.exams[0].review = Review::Never;
    let never = result_at(&w, &jane, passed.attempt_id, T0 + 9 * day).await;
    assert_eq!(never.withheld, Some(Withheld::Never));
    assert!(!sends_keys(&never));
    assert!(never.review.iter().all(|i| i.right));
}

#[tokio::test]
async fn an_immediate_review_waits_while_another_attempt_is_open() {
    // The leak the security review found: an attempt's review read while
    // the next paper, with some of the same questions, was open.
    let mut w = World::new().await;
    w.exams[0].cooldown_hours = 0;
    assert_eq!(w.exams[0].review, Review::Immediate);
    let jane = w.learner("jane@nhs.test").await;
    let first = sit(&w, &jane, T0, false).await;
    assert_eq!(first.withheld, None);
    let next = w.start(&jane, T0 + 200).await.unwrap();
    let during = result_at(&w, &jane, first.attempt_id, T0 + 201).await;
    assert_eq!(during.withheld, Some(Withheld::AttemptInProgress));
    assert!(!sends_keys(&during));
    w.submit(&jane, next.attempt_id, T0 + 300).await.unwrap();
    assert!(sends_keys(
        &result_at(&w, &jane, first.attempt_id, T0 + 301).await
    ));
}

/// Fires `starts` concurrent starts by `who` at `now` while the candidate
/// submits every attempt that opens, as soon as it is seen, until all the
/// starts have answered. Returns the starts' answers and the most attempts
/// seen open at once.
async fn race_starts_and_submissions(
    w: &Arc<World>,
    who: &User,
    starts: usize,
    now: i64,
) -> (Vec<Result<i64, ExamError>>, usize) {
    let done = Arc::new(AtomicUsize::new(0));
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..starts {
        let (w, who, done) = (w.clone(), who.clone(), done.clone());
        set.spawn(async move {
            let r = w.start(&who, now).await.map(|v| v.attempt_id);
            done.fetch_add(1, Ordering::SeqCst);
            r
        });
    }
    let mut most_open = 0;
    loop {
        let finished = done.load(Ordering::SeqCst) == starts;
        let rows =
            w.db.exam_attempts_of(who.id, Level::Foundation)
                .await
                .unwrap();
        let open: Vec<i64> = rows
            .iter()
            .filter(|r| r.submitted_at.is_none())
            .map(|r| r.id)
            .collect();
        most_open = most_open.max(open.len());
        for id in open {
            w.submit(who, id, now).await.unwrap();
        }
        if finished {
            break;
        }
        tokio::task::yield_now().await;
    }
    let mut answers = Vec::new();
    while let Some(r) = set.join_next().await {
        answers.push(r.unwrap());
    }
    (answers, most_open)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_starts_racing_a_submission_respect_the_cool_down() {
    let mut w = World::new().await;
    // Only the cool-down (24 hours) can refuse a second attempt here.
    w.exams[0].max_attempts = 1000;
    let w = Arc::new(w);
    // Several rounds: each is one chance for a start to slip in.
    for round in 0..20 {
        let jane = w.learner(&format!("jane{round}@nhs.test")).await;
        let (answers, most_open) = race_starts_and_submissions(&w, &jane, 150, T0).await;
        let rows =
            w.db.exam_attempts_of(jane.id, Level::Foundation)
                .await
                .unwrap();
        let started: Vec<i64> = rows.iter().map(|r| r.id).collect();
        assert_eq!(
            started.len(),
            1,
            "round {round}: attempts {started:?} opened inside the cool-down"
        );
        assert_eq!(most_open, 1);
        for a in answers {
            match a {
                Ok(id) => assert_eq!(id, started[0], "round {round}"),
                Err(e) => assert!(
                    matches!(e, ExamError::Refused(StartRefusal::CoolingDown { .. })),
                    "round {round}: {e}"
                ),
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_starts_never_exceed_the_attempt_limit() {
    let mut w = World::new().await;
    // Only the limit (one attempt) can refuse: no cool-down.
    w.exams[0].cooldown_hours = 0;
    w.exams[0].max_attempts = 1;
    let w = Arc::new(w);
    for round in 0..20 {
        let jane = w.learner(&format!("jane{round}@nhs.test")).await;
        let (answers, most_open) = race_starts_and_submissions(&w, &jane, 150, T0).await;
        let rows =
            w.db.exam_attempts_of(jane.id, Level::Foundation)
                .await
                .unwrap();
        let started: Vec<i64> = rows.iter().map(|r| r.id).collect();
        assert_eq!(
            started.len(),
            1,
            "round {round}: attempts {started:?} started, the limit is 1"
        );
        assert_eq!(most_open, 1, "round {round}");
        for a in answers {
            match a {
                Ok(id) => assert_eq!(id, started[0], "round {round}"),
                Err(e) => assert!(
                    matches!(
                        e,
                        ExamError::Refused(StartRefusal::NoAttemptsLeft { max_attempts: 1 })
                    ),
                    "round {round}: {e}"
                ),
            }
        }
    }
}

#[tokio::test]
async fn certificates_verify_and_bad_codes_do_not() {
    let w = World::new().await;
    let jane = w.learner("jane@nhs.test").await;
    let ravi = w.learner("ravi@nhs.test").await;
    let v = w.start(&jane, T0).await.unwrap();
    for i in 0..5 {
        let key = w.key_shown(v.attempt_id, i).await;
        w.save(&jane, v.attempt_id, i, key, T0 + 10).await.unwrap();
    }
    let r = w.submit(&jane, v.attempt_id, T0 + 300).await.unwrap();
    assert_eq!((r.marks, r.percent, r.passed), (5, 83, true));
    assert_eq!(r.submitted_by, SubmittedBy::Candidate);
    let code = r.certificate_code.clone().unwrap();
    // Submitting again returns the same result and code.
    let twice = w.submit(&jane, v.attempt_id, T0 + 301).await.unwrap();
    assert_eq!(twice.certificate_code.as_deref(), Some(code.as_str()));

    let typed = code.to_lowercase().replace('-', " ");
    let c = exam::verify_certificate(&w.db, &w.exams, &typed)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(c.code, code);
    assert_eq!(c.name, "Candidate jane@nhs.test");
    assert_eq!(c.exam_title, "Test Foundation exam");
    assert_eq!(c.date, "15 January 2027");
    assert_eq!((c.percent, c.passed), (83, true));

    assert_eq!(
        exam::verify_certificate(&w.db, &w.exams, "nonsense")
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        exam::verify_certificate(&w.db, &w.exams, "").await.unwrap(),
        None
    );
    let unknown = if code == "PA-0000-0000-0000" {
        "PA-0000-0000-0001"
    } else {
        "PA-0000-0000-0000"
    };
    assert_eq!(
        exam::verify_certificate(&w.db, &w.exams, unknown)
            .await
            .unwrap(),
        None
    );

    // A fail gets no certificate.
    let f = w.start(&ravi, T0).await.unwrap();
    let r = w.submit(&ravi, f.attempt_id, T0 + 5).await.unwrap();
    assert!(!r.passed && r.certificate_code.is_none());
}
