//! The exam question bank and definitions: the shipped ones pass
//! `check-content` and draw well; broken copies fail with the right
//! `file:line`; `pacs-academy questions import/export` round-trips the bank
//! through Moodle GIFT and reports bad input by line.
#![cfg(feature = "ssr")]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use pacs_academy::content::check::check_dir;
use pacs_academy::content::questions::{load_checked, module_index, parse_questions};
use pacs_academy::content::Level;
use pacs_academy::exam::{draw_with, ItemSource, Origin, Question};
use pacs_academy::exercise::exam_items::LabQuestions;

fn content() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("content")
}

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_pacs-academy"))
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A copy of the shipped content folder.
fn content_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&content(), dir.path());
    dir
}

/// Replaces the first `from` after the line holding `anchor` with `to`, and
/// returns the 1-based line where `from` was.
fn edit_after(dir: &Path, rel: &str, anchor: &str, from: &str, to: &str) -> usize {
    let path = dir.join(rel);
    let text = std::fs::read_to_string(&path).unwrap();
    let start = text
        .find(anchor)
        .unwrap_or_else(|| panic!("{rel} lacks {anchor:?}"));
    let at = start
        + text[start..]
            .find(from)
            .unwrap_or_else(|| panic!("{rel} lacks {from:?}"));
    let line = text[..at].matches('\n').count() + 1;
    let mut changed = text.clone();
    changed.replace_range(at..at + from.len(), to);
    std::fs::write(&path, changed).unwrap();
    line
}

/// The findings of `check-content` on `dir`, as `relative/path:line: message`.
fn findings(dir: &Path) -> Vec<String> {
    check_dir(dir)
        .findings
        .iter()
        .map(|f| {
            format!(
                "{}:{}: {}",
                f.path.strip_prefix(dir).unwrap_or(&f.path).display(),
                f.line,
                f.message
            )
        })
        .collect()
}

fn assert_finding(found: &[String], expected_prefix: &str, needle: &str) {
    assert!(
        found
            .iter()
            .any(|f| f.starts_with(expected_prefix) && f.contains(needle)),
        "no finding {expected_prefix}...{needle}... in {found:#?}"
    );
}

#[test]
fn the_shipped_bank_and_exams_pass() {
    let found = findings(&content());
    assert!(found.is_empty(), "{found:#?}");
    let (bank, exams) = load_checked(&content()).unwrap_or_else(|p| panic!("{p:#?}"));
    let count = |l: Level| bank.questions.iter().filter(|q| q.level == l).count();
    assert_eq!(
        (count(Level::Foundation), count(Level::Intermediate)),
        (88, 124)
    );
    let by_level: BTreeMap<Level, (u32, u32)> = exams
        .iter()
        .map(|d| (d.level, (d.questions, d.minutes)))
        .collect();
    assert_eq!(by_level.get(&Level::Foundation), Some(&(40, 60)));
    assert_eq!(by_level.get(&Level::Intermediate), Some(&(60, 90)));
}

#[test]
fn shipped_exams_draw_their_blueprint_for_1000_seeds() {
    let (bank, exams) = load_checked(&content()).unwrap_or_else(|p| panic!("{p:#?}"));
    for def in &exams {
        let wanted: BTreeMap<&str, usize> = def
            .blueprint
            .iter()
            .map(|b| (b.topic.as_str(), b.questions as usize))
            .collect();
        let wanted_generated: BTreeMap<&str, usize> = def
            .generated
            .iter()
            .map(|g| (g.kind.as_str(), g.questions as usize))
            .collect();
        assert!(
            !wanted_generated.is_empty(),
            "{} asks for generated questions",
            def.title
        );
        let lab = LabQuestions::new(def.level);
        for seed in 0..1000 {
            let paper = draw_with(def, &bank, seed, &lab).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(paper.items.len(), def.questions as usize);
            let mut got: BTreeMap<&str, usize> = BTreeMap::new();
            let mut got_generated: BTreeMap<&str, usize> = BTreeMap::new();
            let mut ids = std::collections::HashSet::new();
            for item in &paper.items {
                match &item.source {
                    ItemSource::Bank { id } => {
                        let q = bank.get(id).unwrap_or_else(|| panic!("{id}"));
                        assert!(ids.insert(id.clone()), "{id} twice");
                        assert_eq!(q.level, def.level);
                        *got.entry(q.topic.as_str()).or_default() += 1;
                    }
                    ItemSource::Generated { kind, .. } => {
                        *got_generated.entry(kind.as_str()).or_default() += 1;
                    }
                }
            }
            assert_eq!(got, wanted, "seed {seed}");
            assert_eq!(got_generated, wanted_generated, "seed {seed}");
        }
        // Every generated item of a sample of papers resolves to a question.
        for seed in 0..20 {
            let paper = draw_with(def, &bank, seed, &lab).unwrap();
            let questions = paper.resolve(&bank, &lab).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(questions.len(), paper.items.len());
        }
    }
}

/// Each module's share of the paper is close to the average of its share of
/// the bank and its share of the course's words (the rule the definitions
/// state), and never more than about half of its bank questions.
#[test]
fn shipped_blueprints_are_proportional() {
    let (bank, exams) = load_checked(&content()).unwrap_or_else(|p| panic!("{p:#?}"));
    let index = module_index(&content());
    for def in &exams {
        let modules: Vec<_> = index
            .modules
            .iter()
            .filter(|m| m.level == def.level)
            .collect();
        let words: f64 = modules.iter().map(|m| f64::from(m.words)).sum();
        let in_bank = |slug: &str| {
            bank.questions
                .iter()
                .filter(|q| q.level == def.level && q.topic == slug && !q.retired)
                .count() as f64
        };
        let bank_total: f64 = modules.iter().map(|m| in_bank(&m.slug)).sum();
        for m in &modules {
            let entry = def.blueprint.iter().find(|b| b.topic == m.slug);
            let count = f64::from(entry.map_or(0, |b| b.questions));
            let share = (f64::from(m.words) / words + in_bank(&m.slug) / bank_total) / 2.0;
            let expected = share * f64::from(def.questions);
            assert!(
                (count - expected).abs() <= 1.0,
                "{}: {count} questions, proportional share {expected:.2}",
                m.slug
            );
            assert!(
                count <= (in_bank(&m.slug) / 2.0).ceil(),
                "{}: {count} of {}",
                m.slug,
                in_bank(&m.slug)
            );
        }
    }
}

const BANK_FILE: &str = "questions/foundation/hl7-message-structure.toml";

#[test]
fn a_broken_question_is_reported_at_its_line() {
    let cases: [(&str, &str, &str, &str); 6] = [
        (
            "id = \"hl7-structure-002\"",
            "key = [\"C\"]",
            "key = [\"F\"]",
            "key `F` is not an option",
        ),
        (
            "id = \"hl7-structure-002\"",
            "key = [\"C\"]",
            "key = [\"B\", \"C\"]",
            "exactly one key",
        ),
        (
            "id = \"hl7-structure-003\"",
            "topic = \"hl7-message-structure\"",
            "topic = \"hl7-structure\"",
            "topic `hl7-structure` is not a module",
        ),
        (
            "id = \"hl7-structure-001\"",
            "#the-five-delimiters",
            "#the-six-delimiters",
            "has no heading with anchor `#the-six-delimiters`",
        ),
        (
            "id = \"hl7-structure-002\"",
            "level = \"foundation\"",
            "level = \"intermediate\"",
            "in the `foundation` folder",
        ),
        (
            "id = \"hl7-structure-002\"",
            "\"MSH-6\",",
            "\"MSH-5\",",
            "option D repeats option C",
        ),
    ];
    for (anchor, from, to, needle) in cases {
        let dir = content_copy();
        let line = edit_after(dir.path(), BANK_FILE, anchor, from, to);
        let found = findings(dir.path());
        // Option problems are reported at the `options =` line.
        let line = if needle.contains("option D") {
            let text = std::fs::read_to_string(dir.path().join(BANK_FILE)).unwrap();
            let start = text.find(anchor).unwrap();
            text[..start + text[start..].find("options = [").unwrap()]
                .matches('\n')
                .count()
                + 1
        } else {
            line
        };
        assert_finding(&found, &format!("{BANK_FILE}:{line}: "), needle);
    }
}

#[test]
fn a_duplicate_id_and_bad_toml_are_reported() {
    let dir = content_copy();
    let line = edit_after(
        dir.path(),
        BANK_FILE,
        "[[question]]",
        "hl7-structure-002",
        "hl7-structure-001",
    );
    assert_finding(
        &findings(dir.path()),
        &format!("{BANK_FILE}:{line}: "),
        "duplicate id `hl7-structure-001`: already used at",
    );

    let dir = content_copy();
    let line = edit_after(
        dir.path(),
        BANK_FILE,
        "id = \"hl7-structure-004\"",
        "type = ",
        "kind = ",
    );
    assert_finding(
        &findings(dir.path()),
        &format!("{BANK_FILE}:{line}: "),
        "unknown field `kind`",
    );
}

#[test]
fn a_broken_exam_definition_is_reported_at_its_line() {
    let rel = "exams/foundation.toml";
    let dir = content_copy();
    let line = edit_after(
        dir.path(),
        rel,
        "topic = \"orders-and-results\"",
        "questions = 7",
        "questions = 9",
    );
    let found = findings(dir.path());
    let questions_line = {
        let text = std::fs::read_to_string(dir.path().join(rel)).unwrap();
        text[..text.find("questions = 40").unwrap()]
            .matches('\n')
            .count()
            + 1
    };
    assert_finding(
        &found,
        &format!("{rel}:{questions_line}: "),
        "add up to 42 questions, but `questions = 40`",
    );
    assert!(line > questions_line);

    let dir = content_copy();
    let line = edit_after(
        dir.path(),
        rel,
        "[[blueprint]]",
        "topic = \"imaging-landscape\"\nquestions = 6",
        "topic = \"imaging-landscape\"\nquestions = 14",
    );
    let found = findings(dir.path());
    assert_finding(
        &found,
        &format!("{rel}:{line}: "),
        "asks for 14 `imaging-landscape` questions but the bank has only 13",
    );

    let dir = content_copy();
    let line = edit_after(
        dir.path(),
        rel,
        "[[blueprint]]",
        "topic = \"dicom-networking\"",
        "topic = \"dicom-network\"",
    );
    let found = findings(dir.path());
    assert_finding(
        &found,
        &format!("{rel}:{line}: "),
        "blueprint topic `dicom-network` is not a module",
    );
    assert_finding(
        &found,
        &format!("{rel}:1: "),
        "module `dicom-networking` has questions in the bank but no blueprint entry",
    );

    let dir = content_copy();
    let line = edit_after(
        dir.path(),
        rel,
        "review",
        "review = \"keys-after-pass-or-last\"",
        "review = \"after\"",
    );
    assert_finding(
        &findings(dir.path()),
        &format!("{rel}:{line}: "),
        "needs review_after",
    );

    let dir = content_copy();
    let line = edit_after(
        dir.path(),
        rel,
        "review",
        "review = \"keys-after-pass-or-last\"",
        "review = \"after-each-attempt\"",
    );
    assert_finding(
        &findings(dir.path()),
        &format!("{rel}:{line}: "),
        "review `after-each-attempt` must be \"keys-after-pass-or-last\"",
    );
}

#[test]
fn check_content_exits_non_zero_on_a_bad_question() {
    let dir = content_copy();
    let line = edit_after(
        dir.path(),
        BANK_FILE,
        "id = \"hl7-structure-002\"",
        "key = [\"C\"]",
        "key = [\"Z\"]",
    );
    let out = bin().arg("check-content").arg(dir.path()).output().unwrap();
    assert!(!out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    let expected = format!(
        "{}:{line}: key `Z` must be an option letter",
        dir.path().join(BANK_FILE).display()
    );
    assert!(stdout.contains(&expected), "{stdout}");
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().unwrap()
}

fn without_origin(q: &Question) -> Question {
    Question {
        origin: Origin::default(),
        ..q.clone()
    }
}

#[test]
fn export_then_import_round_trips_the_bank() {
    let dir = tempfile::tempdir().unwrap();
    let gift = dir.path().join("bank.gift");
    let toml = dir.path().join("bank.toml");
    let questions = content().join("questions");
    let out = run(&[
        "questions",
        "export",
        "--format",
        "gift",
        "--out",
        gift.to_str().unwrap(),
        questions.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = run(&[
        "questions",
        "import",
        gift.to_str().unwrap(),
        "--out",
        toml.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&toml).unwrap();
    let (back, problems) = parse_questions("bank.toml", &text, None);
    assert!(problems.is_empty(), "{problems:#?}");
    let (bank, _) = load_checked(&content()).unwrap_or_else(|p| panic!("{p:#?}"));
    assert_eq!(back.len(), bank.len());
    for (a, b) in bank.questions.iter().zip(&back) {
        assert_eq!(without_origin(a), without_origin(b));
    }
    // One level only.
    let out = run(&[
        "questions",
        "export",
        "--level",
        "intermediate",
        content().to_str().unwrap(),
    ]);
    let gift = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        gift.matches("// pacs-academy: level=intermediate").count(),
        124
    );
    assert!(!gift.contains("level=foundation"));
}

#[test]
fn exported_gift_escapes_markup_and_weights_multiple_response() {
    let out = run(&["questions", "export", content().to_str().unwrap()]);
    assert!(out.status.success());
    let gift = String::from_utf8(out.stdout).unwrap();
    // The HL7 encoding characters in a stem come out escaped.
    assert!(gift.contains("MSH|^\\~\\\\&|"), "MSH-2 not escaped");
    // dicomweb-005 is multiple response with keys A and C of five options.
    let q = gift
        .split("::dicomweb-005::")
        .nth(1)
        .and_then(|rest| rest.split("\n}\n").next())
        .unwrap_or("");
    let weights: Vec<&str> = q
        .lines()
        .filter_map(|l| l.strip_prefix("~%"))
        .filter_map(|l| l.split('%').next())
        .collect();
    assert_eq!(
        weights,
        ["50", "-33.33333", "50", "-33.33333", "-33.33333"],
        "{q}"
    );
    assert!(!q.lines().any(|l| l.starts_with('=')));
}

#[test]
fn import_reports_bad_questions_by_line_and_skip_bad_keeps_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("mixed.gift");
    std::fs::write(
        &file,
        "// Two good, two unsupported, one malformed.\n::Port:: Which is the well-known port for DICOM? {\n=104\n~80\n~2575\n####104 is the well-known port; 11112 is the registered port.\n}\n\n::TF:: DICOM uses TCP. {T}\n\n::SA:: Name the HL7 framing protocol. {=MLLP}\n\n::Broken:: Which segment? {=MSH ~PID\n\n::Two:: Which are DIMSE-C? {~%50%C-ECHO ~%-100%N-SET ~%50%C-FIND}\n",
    )
    .unwrap();
    let name = file.display().to_string();
    let args = [
        "questions",
        "import",
        file.to_str().unwrap(),
        "--module",
        "/foundation/dicom-networking#ports",
    ];
    let out = run(&args);
    assert!(!out.status.success());
    assert!(out.stdout.is_empty(), "nothing written without --skip-bad");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("{name}:9: unsupported question type: true/false")),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!(
            "{name}:11: unsupported question type: short answer"
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!(
            "{name}:13: malformed question: `{{` is never closed"
        )),
        "{stderr}"
    );

    let out = run(&[&args[..], &["--skip-bad"]].concat());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let (qs, problems) = parse_questions("out.toml", &text, None);
    assert!(problems.is_empty(), "{problems:?}\n{text}");
    assert_eq!(qs.len(), 2);
    assert_eq!(qs[0].options, ["104", "80", "2575"]);
    assert_eq!(qs[0].key, [0]);
    assert_eq!(
        qs[0].explanation_md,
        "104 is the well-known port; 11112 is the registered port."
    );
    assert_eq!(
        (qs[0].level, qs[0].topic.as_str()),
        (Level::Foundation, "dicom-networking")
    );
    assert_eq!(qs[1].key, [0, 2]);
    assert_eq!(qs[1].kind, pacs_academy::exam::QuestionKind::Multiple);
}

#[test]
fn import_reads_aiken_and_needs_a_module_link() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("quiz.txt");
    std::fs::write(
        &file,
        "Which HL7 segment carries patient identifiers?\nA. MSH\nB) PID\nC. OBR\nANSWER: B\n",
    )
    .unwrap();
    let out = run(&["questions", "import", file.to_str().unwrap()]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("{}:1: no module link", file.display())),
        "{stderr}"
    );

    let out = run(&[
        "questions",
        "import",
        file.to_str().unwrap(),
        "--level",
        "foundation",
        "--topic",
        "adt-and-patient-identity",
        "--module",
        "/foundation/adt-and-patient-identity#pid",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (qs, problems) = parse_questions("out.toml", &String::from_utf8(out.stdout).unwrap(), None);
    assert!(problems.is_empty());
    assert_eq!(qs[0].id, "adt-and-patient-identity-import-001");
    assert_eq!(qs[0].options, ["MSH", "PID", "OBR"]);
    assert_eq!(qs[0].key, [1]);

    let bad = dir.path().join("bad.aiken");
    std::fs::write(&bad, "Q?\nA. one\nB. two\nANSWER: E\n").unwrap();
    let out = run(&[
        "questions",
        "import",
        bad.to_str().unwrap(),
        "--module",
        "/foundation/x#y",
    ]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("{}:4: `ANSWER: E`", bad.display())),
        "{stderr}"
    );
}

/// The examples in docs/QUESTIONS.md are valid: the question passes the
/// bank rules, the GIFT and Aiken examples import, and the module links in
/// the commands exist.
#[test]
fn the_trainer_guide_examples_work() {
    let guide =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/QUESTIONS.md"))
            .unwrap();
    let block_after = |heading: &str, fence: &str| -> String {
        let from = guide.find(heading).unwrap_or_else(|| panic!("{heading}"));
        let start = from + guide[from..].find(fence).unwrap() + fence.len();
        let close = format!(
            "\n{}\n",
            fence.trim_end_matches(|c: char| c.is_ascii_alphabetic() || c == '\n')
        );
        let end = start + guide[start..].find(&close).unwrap();
        guide[start..=end].to_string()
    };
    let index = module_index(&content());
    let toml = block_after("## A question", "````toml\n");
    let (qs, problems) = parse_questions("guide", &toml, None);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(qs.len(), 1);
    let problems =
        pacs_academy::exam::validate_bank(&pacs_academy::exam::QuestionSet::new(qs), Some(&index));
    assert!(problems.is_empty(), "{problems:?}");

    let gift = block_after("**GIFT**", "```text\n");
    let parsed = pacs_academy::exam::gift::parse_gift("guide.gift", &gift);
    assert!(
        parsed.problems.is_empty() && parsed.warnings.is_empty(),
        "{parsed:?}"
    );
    assert_eq!(parsed.questions.len(), 2);
    assert_eq!(parsed.questions[1].key, [0, 1]);
    let aiken = block_after("**Aiken:**", "```text\n");
    let parsed = pacs_academy::exam::aiken::parse_aiken("guide.txt", &aiken);
    assert!(parsed.problems.is_empty(), "{parsed:?}");
    assert_eq!(parsed.questions[0].key, [1]);

    let links: Vec<&str> = guide
        .split("--module ")
        .skip(1)
        .filter_map(|rest| rest.split_whitespace().next())
        .collect();
    assert_eq!(links.len(), 2);
    for link in links {
        assert_eq!(index.link_problem(link), None, "{link}");
    }
}
