//! Loads the exam question bank (`questions/<level>/*.toml`) and the exam
//! definitions (`exams/<level>.toml`) of a content folder into the pure
//! model of [`crate::exam`], with `file:line` for every problem, and checks
//! both for `pacs-academy check-content`. Also writes questions back as
//! bank TOML (for `pacs-academy questions import`).
//!
//! The format is described for trainers in `docs/QUESTIONS.md`.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use super::check::Finding;
use super::store::{load_source, module_files};
use super::Level;
use crate::exam::{
    letter_index, option_letter, validate_bank, validate_exam, BlueprintEntry, Date,
    ExamDefinition, GeneratedEntry, ModuleIndex, ModuleInfo, Origin, Problem, Question,
    QuestionKind, QuestionSet, Review, DEFAULT_GRACE_SECONDS,
};

/// 1-based line of byte offset `at` in `source`.
fn line_at(source: &str, at: usize) -> usize {
    source.as_bytes()[..at.min(source.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

fn toml_problem(file: &str, source: &str, e: &toml::de::Error) -> Problem {
    let line = e.span().map_or(1, |s| line_at(source, s.start));
    Problem::new(file, line, e.message().trim().to_string())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBank {
    #[serde(default)]
    question: Vec<RawQuestion>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuestion {
    id: Spanned<String>,
    level: Spanned<String>,
    topic: Spanned<String>,
    #[serde(rename = "type")]
    kind: Spanned<String>,
    stem: Spanned<String>,
    options: Spanned<Vec<String>>,
    key: Spanned<Vec<String>>,
    explanation: Spanned<String>,
    module: Spanned<String>,
    #[serde(default)]
    retired: Option<Spanned<bool>>,
}

/// Parses one bank file. `folder_level` is the level of the folder it is
/// in, checked later by [`validate_bank`]. Questions whose fields cannot be
/// read are left out, with a problem each.
pub fn parse_questions(
    file: &str,
    source: &str,
    folder_level: Option<Level>,
) -> (Vec<Question>, Vec<Problem>) {
    let raw: RawBank = match toml::from_str(source) {
        Ok(r) => r,
        Err(e) => return (Vec::new(), vec![toml_problem(file, source, &e)]),
    };
    if raw.question.is_empty() {
        return (
            Vec::new(),
            vec![Problem::new(
                file,
                1,
                "no questions: write each one under a [[question]] line",
            )],
        );
    }
    let mut questions = Vec::new();
    let mut problems = Vec::new();
    for r in raw.question {
        let line = |s: std::ops::Range<usize>| line_at(source, s.start);
        let mut fields = std::collections::BTreeMap::new();
        for (name, span) in [
            ("id", r.id.span()),
            ("level", r.level.span()),
            ("topic", r.topic.span()),
            ("type", r.kind.span()),
            ("stem", r.stem.span()),
            ("options", r.options.span()),
            ("key", r.key.span()),
            ("explanation", r.explanation.span()),
            ("module", r.module.span()),
        ] {
            fields.insert(name.to_string(), line(span));
        }
        if let Some(ret) = &r.retired {
            fields.insert("retired".to_string(), line(ret.span()));
        }
        let origin = Origin {
            file: file.to_string(),
            line: line(r.id.span()),
            fields,
            expected_level: folder_level,
        };
        let before = problems.len();
        let level = Level::from_slug(r.level.get_ref());
        if level.is_none() {
            problems.push(origin.problem(
                "level",
                format!(
                    "level `{}` must be `foundation` or `intermediate`",
                    r.level.get_ref()
                ),
            ));
        }
        let kind = QuestionKind::parse(r.kind.get_ref());
        if kind.is_none() {
            problems.push(origin.problem(
                "type",
                format!(
                    "type `{}` must be `single` (one right answer) or `multiple` (two or more)",
                    r.kind.get_ref()
                ),
            ));
        }
        let mut key = Vec::new();
        for letter in r.key.get_ref() {
            match letter_index(letter.trim()) {
                Some(i) => key.push(i),
                None => problems.push(origin.problem(
                    "key",
                    format!("key `{letter}` must be an option letter, A to H in capitals"),
                )),
            }
        }
        if problems.len() > before {
            continue;
        }
        let (Some(level), Some(kind)) = (level, kind) else {
            continue;
        };
        key.sort_unstable();
        questions.push(Question {
            id: r.id.into_inner().trim().to_string(),
            level,
            topic: r.topic.into_inner().trim().to_string(),
            kind,
            stem_md: r.stem.into_inner().trim().to_string(),
            options: r
                .options
                .into_inner()
                .into_iter()
                .map(|o| o.trim().to_string())
                .collect(),
            key,
            explanation_md: r.explanation.into_inner().trim().to_string(),
            module: r.module.into_inner().trim().to_string(),
            retired: r.retired.is_some_and(|r| r.into_inner()),
            origin,
        });
    }
    (questions, problems)
}

fn toml_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    Ok(paths)
}

fn display(path: &Path) -> String {
    path.display().to_string()
}

/// Loads every bank file under `questions_dir/<level>/`. Returns what could
/// be read and the problems of what could not (not yet validated: see
/// [`validate_bank`]). A missing folder is an empty bank.
pub fn load_bank(questions_dir: &Path) -> (QuestionSet, Vec<Problem>) {
    let mut questions = Vec::new();
    let mut problems = Vec::new();
    if let Ok(stray) = toml_files(questions_dir) {
        for path in stray {
            problems.push(Problem::new(
                display(&path),
                1,
                "question files belong in questions/foundation/ or questions/intermediate/",
            ));
        }
    }
    for level in Level::ALL {
        let sub = questions_dir.join(level.slug());
        let files = match toml_files(&sub) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => {
                problems.push(Problem::new(
                    display(&sub),
                    0,
                    format!("cannot list files: {e}"),
                ));
                continue;
            }
        };
        for path in files {
            let file = display(&path);
            match std::fs::read_to_string(&path) {
                Ok(source) => {
                    let (qs, ps) = parse_questions(&file, &source, Some(level));
                    questions.extend(qs);
                    problems.extend(ps);
                }
                Err(e) => problems.push(Problem::new(file, 1, format!("cannot read file: {e}"))),
            }
        }
    }
    (QuestionSet::new(questions), problems)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExam {
    title: Spanned<String>,
    level: Spanned<String>,
    questions: Spanned<u32>,
    minutes: Spanned<u32>,
    pass_mark_percent: Spanned<u32>,
    #[serde(default)]
    grace_seconds: Option<Spanned<u32>>,
    max_attempts: Spanned<u32>,
    cooldown_hours: Spanned<u32>,
    #[serde(default)]
    review: Option<Spanned<String>>,
    #[serde(default)]
    review_after: Option<Spanned<toml::Value>>,
    #[serde(default)]
    blueprint: Vec<RawBlueprint>,
    #[serde(default)]
    generated: Vec<RawGenerated>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBlueprint {
    topic: Spanned<String>,
    questions: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGenerated {
    kind: Spanned<String>,
    questions: u32,
}

/// Parses one exam definition. `expected_level` is the level its file name
/// stands for, checked later by [`validate_exam`].
pub fn parse_exam(
    file: &str,
    source: &str,
    expected_level: Option<Level>,
) -> Result<ExamDefinition, Vec<Problem>> {
    let raw: RawExam = toml::from_str(source).map_err(|e| vec![toml_problem(file, source, &e)])?;
    let line = |s: std::ops::Range<usize>| line_at(source, s.start);
    let mut fields = std::collections::BTreeMap::new();
    for (name, span) in [
        ("title", raw.title.span()),
        ("level", raw.level.span()),
        ("questions", raw.questions.span()),
        ("minutes", raw.minutes.span()),
        ("pass_mark_percent", raw.pass_mark_percent.span()),
        ("max_attempts", raw.max_attempts.span()),
        ("cooldown_hours", raw.cooldown_hours.span()),
    ] {
        fields.insert(name.to_string(), line(span));
    }
    if let Some(r) = &raw.review {
        fields.insert("review".into(), line(r.span()));
    }
    if let Some(g) = &raw.grace_seconds {
        fields.insert("grace_seconds".into(), line(g.span()));
    }
    let origin = Origin {
        file: file.to_string(),
        line: 1,
        fields,
        expected_level,
    };
    let mut problems = Vec::new();
    let level = Level::from_slug(raw.level.get_ref());
    if level.is_none() {
        problems.push(origin.problem(
            "level",
            format!(
                "level `{}` must be `foundation` or `intermediate`",
                raw.level.get_ref()
            ),
        ));
    }
    let after_line = raw.review_after.as_ref().map(|v| line(v.span()));
    let after = match &raw.review_after {
        None => None,
        Some(v) => {
            let date = match v.get_ref() {
                toml::Value::String(s) => Date::parse(s),
                toml::Value::Datetime(d) if d.time.is_none() && d.offset.is_none() => d
                    .date
                    .and_then(|d| Date::new(i32::from(d.year), d.month, d.day)),
                _ => None,
            };
            if date.is_none() {
                problems.push(Problem::new(
                    file,
                    after_line.unwrap_or(1),
                    "review_after must be a date written YYYY-MM-DD, such as 2026-03-31",
                ));
            }
            date
        }
    };
    let name = raw
        .review
        .as_ref()
        .map_or("keys-after-pass-or-last", |r| r.get_ref().as_str());
    let review = match (name, after) {
        ("after", Some(d)) => Some(Review::After(d)),
        ("after", None) => {
            if raw.review_after.is_none() {
                problems.push(origin.problem(
                    "review",
                    "review = \"after\" needs review_after = YYYY-MM-DD, the date reviews open",
                ));
            }
            None
        }
        (other, _) if Review::NAMES.contains(&other) && raw.review_after.is_some() => {
            problems.push(Problem::new(
                file,
                after_line.unwrap_or(1),
                "review_after only applies with review = \"after\"",
            ));
            None
        }
        ("keys-after-pass-or-last", _) => Some(Review::KeysAfterPassOrLast),
        ("immediate", _) => Some(Review::Immediate),
        ("never", _) => Some(Review::Never),
        (other, _) => {
            problems.push(origin.problem(
                "review",
                format!(
                    "review `{other}` must be \"keys-after-pass-or-last\" (keys once the candidate passes or \
                     has used every attempt, the default), \"immediate\" (when the attempt is submitted), \
                     \"after\" (from review_after) or \"never\""
                ),
            ));
            None
        }
    };
    let (Some(level), Some(review)) = (level, review) else {
        return Err(problems);
    };
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(ExamDefinition {
        title: raw.title.into_inner().trim().to_string(),
        level,
        questions: raw.questions.into_inner(),
        minutes: raw.minutes.into_inner(),
        pass_mark_percent: raw.pass_mark_percent.into_inner(),
        grace_seconds: raw
            .grace_seconds
            .map_or(DEFAULT_GRACE_SECONDS, Spanned::into_inner),
        max_attempts: raw.max_attempts.into_inner(),
        cooldown_hours: raw.cooldown_hours.into_inner(),
        review,
        blueprint: raw
            .blueprint
            .into_iter()
            .map(|b| BlueprintEntry {
                line: line(b.topic.span()),
                topic: b.topic.into_inner().trim().to_string(),
                questions: b.questions,
            })
            .collect(),
        generated: raw
            .generated
            .into_iter()
            .map(|g| GeneratedEntry {
                line: line(g.kind.span()),
                kind: g.kind.into_inner().trim().to_string(),
                questions: g.questions,
            })
            .collect(),
        origin,
    })
}

/// Loads `exams_dir/<level>.toml` for each level present. Other files are
/// problems. A missing folder means no exams.
pub fn load_exams(exams_dir: &Path) -> (Vec<ExamDefinition>, Vec<Problem>) {
    let mut exams = Vec::new();
    let mut problems = Vec::new();
    let files = match toml_files(exams_dir) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return (exams, problems),
        Err(e) => {
            problems.push(Problem::new(
                display(exams_dir),
                0,
                format!("cannot list files: {e}"),
            ));
            return (exams, problems);
        }
    };
    for path in files {
        let file = display(&path);
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        let Some(level) = Level::from_slug(stem) else {
            problems.push(Problem::new(
                file,
                1,
                "exam files are named for their course: foundation.toml or intermediate.toml",
            ));
            continue;
        };
        match std::fs::read_to_string(&path) {
            Ok(source) => match parse_exam(&file, &source, Some(level)) {
                Ok(def) => exams.push(def),
                Err(ps) => problems.extend(ps),
            },
            Err(e) => problems.push(Problem::new(file, 1, format!("cannot read file: {e}"))),
        }
    }
    (exams, problems)
}

/// The slugs, heading anchors and lengths of the modules in `content_dir`
/// (modules that fail to load are left out; `check-content` reports them).
pub fn module_index(content_dir: &Path) -> ModuleIndex {
    let mut modules = Vec::new();
    for (_, path) in module_files(content_dir).unwrap_or_default() {
        let Ok(source) = std::fs::read_to_string(&path) else {
            continue;
        };
        if let Ok(m) = load_source(&path, &source) {
            modules.push(ModuleInfo {
                level: m.front_matter.level,
                slug: m.front_matter.slug.clone(),
                anchors: m.rendered.heading_ids.iter().cloned().collect(),
                words: m.rendered.words,
            });
        }
    }
    ModuleIndex { modules }
}

/// The bank and the exam definitions of `content_dir`, loaded and fully
/// checked (against the modules too), or every problem found.
pub fn load_checked(
    content_dir: &Path,
) -> Result<(QuestionSet, Vec<ExamDefinition>), Vec<Problem>> {
    let (bank, exams, problems) = load_and_check(content_dir);
    if problems.is_empty() {
        Ok((bank, exams))
    } else {
        Err(problems)
    }
}

/// A `[[generated]]` entry must name a lab exercise kind that makes exam
/// questions at the definition's level ([`crate::exercise::exam_items`]).
/// Checked here rather than in [`validate_exam`] so that the pure exam core
/// does not depend on the exercise module. Malformed kinds are already
/// reported by [`validate_exam`].
fn generated_kind_problems(def: &ExamDefinition) -> Vec<Problem> {
    use crate::exercise::{exam_items::exam_kinds, Kind};
    if def.generated.is_empty() {
        return Vec::new();
    }
    let allowed = exam_kinds(def.level);
    def.generated
        .iter()
        .filter(|g| crate::exam::question::is_valid_id(&g.kind))
        .filter(|g| !allowed.contains(&g.kind.as_str()))
        .map(|g| {
            let why = if Kind::from_slug(&g.kind).is_some() {
                format!(
                    "is answered by typing or clicking at the {} level, so it cannot make multiple-choice questions",
                    def.level.slug()
                )
            } else {
                "is not a lab exercise kind".to_string()
            };
            Problem::new(
                def.origin.file.clone(),
                g.line,
                format!(
                    "generated kind `{}` {why}; use one of: {}",
                    g.kind,
                    allowed.join(", ")
                ),
            )
        })
        .collect()
}

fn load_and_check(content_dir: &Path) -> (QuestionSet, Vec<ExamDefinition>, Vec<Problem>) {
    let questions_dir = content_dir.join("questions");
    let exams_dir = content_dir.join("exams");
    let (bank, mut problems) = load_bank(&questions_dir);
    let (exams, exam_problems) = load_exams(&exams_dir);
    problems.extend(exam_problems);
    if bank.is_empty() && exams.is_empty() {
        return (bank, exams, problems);
    }
    let index = module_index(content_dir);
    problems.extend(validate_bank(&bank, Some(&index)));
    for def in &exams {
        problems.extend(validate_exam(def, &bank, Some(&index)));
        problems.extend(generated_kind_problems(def));
    }
    problems.sort();
    (bank, exams, problems)
}

/// `check-content`'s part for the bank and the exams: every problem as a
/// [`Finding`]. A content folder without `questions/` and `exams/` has none.
pub fn findings(content_dir: &Path) -> Vec<Finding> {
    load_and_check(content_dir)
        .2
        .into_iter()
        .map(|p| Finding {
            path: PathBuf::from(p.file),
            line: p.line,
            message: p.message,
        })
        .collect()
}

/// A TOML basic string: `"..."` with escapes.
fn basic(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Multi-line text as a `'''` literal block when it can be one (easier for
/// trainers to edit), otherwise a basic string.
fn block(s: &str) -> String {
    let literal_ok = !s.contains("'''")
        && !s.ends_with('\'')
        && !s.chars().any(|c| c.is_control() && c != '\n' && c != '\t');
    if literal_ok && (s.contains('\n') || s.contains('\\')) {
        format!("'''\n{s}\n'''")
    } else {
        basic(s)
    }
}

/// Writes questions as bank TOML, in the format `parse_questions` reads.
pub fn to_toml(questions: &[Question]) -> String {
    let mut out = String::new();
    for q in questions {
        out.push_str("[[question]]\n");
        out.push_str(&format!("id = {}\n", basic(&q.id)));
        out.push_str(&format!("level = {}\n", basic(q.level.slug())));
        out.push_str(&format!("topic = {}\n", basic(&q.topic)));
        out.push_str(&format!("type = {}\n", basic(q.kind.as_str())));
        out.push_str(&format!("stem = {}\n", block(&q.stem_md)));
        out.push_str("options = [\n");
        for o in &q.options {
            out.push_str(&format!("  {},\n", basic(o)));
        }
        out.push_str("]\n");
        let letters: Vec<String> = q
            .key
            .iter()
            .map(|&k| basic(&option_letter(k).map(String::from).unwrap_or_default()))
            .collect();
        out.push_str(&format!("key = [{}]\n", letters.join(", ")));
        out.push_str(&format!("explanation = {}\n", block(&q.explanation_md)));
        out.push_str(&format!("module = {}\n", basic(&q.module)));
        if q.retired {
            out.push_str("retired = true\n");
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"# Questions

[[question]]
id = "q-001"
level = "foundation"
topic = "intro"
type = "single"
stem = '''
Which?
'''
options = ["One", "Two", "Three"]
key = ["B"]
explanation = "Because."
module = "/foundation/intro#heading"
"#;

    #[test]
    fn parses_a_question_with_field_lines() {
        let (qs, ps) = parse_questions("q.toml", GOOD, Some(Level::Foundation));
        assert!(ps.is_empty(), "{ps:?}");
        let q = &qs[0];
        assert_eq!(q.stem_md, "Which?");
        assert_eq!(q.key, [1]);
        assert_eq!(q.origin.line, 4);
        assert_eq!(q.origin.line_of("stem"), 8);
        assert_eq!(q.origin.line_of("key"), 12);
        assert!(!q.retired);
    }

    #[test]
    fn bad_fields_point_at_their_line() {
        let cases = [
            (
                "key = [\"B\"]",
                "key = [\"b\"]",
                12,
                "key `b` must be an option letter",
            ),
            ("type = \"single\"", "type = \"one\"", 7, "type `one`"),
            (
                "level = \"foundation\"",
                "level = \"advanced\"",
                5,
                "level `advanced`",
            ),
            (
                "explanation = \"Because.\"\n",
                "",
                3,
                "missing field `explanation`",
            ),
            ("module = ", "modul = ", 14, "unknown field `modul`"),
            ("options = [\"One\"", "options = [1", 11, "invalid type"),
        ];
        for (from, to, line, needle) in cases {
            let src = GOOD.replacen(from, to, 1);
            let (_, ps) = parse_questions("q.toml", &src, None);
            assert_eq!(ps.len(), 1, "{to}: {ps:?}");
            assert_eq!(ps[0].line, line, "{to}: {}", ps[0]);
            assert!(ps[0].message.contains(needle), "{to}: {}", ps[0]);
        }
    }

    #[test]
    fn toml_round_trips_awkward_text() {
        let (mut qs, _) = parse_questions("q.toml", GOOD, None);
        let q = &mut qs[0];
        q.stem_md =
            "Read this:\n\n```hl7\nMSH|^~\\&|A|B\n```\n\nWhat is \"it\"? It's ''' tricky".into();
        q.explanation_md = "Line one\nline 'two'\nC:\\temp".into();
        q.options[0] = "A \"quoted\" \\ option".into();
        q.retired = true;
        let text = to_toml(&qs);
        let (back, ps) = parse_questions("q.toml", &text, None);
        assert!(ps.is_empty(), "{ps:?}\n{text}");
        let strip = |q: &Question| Question {
            origin: Origin::default(),
            ..q.clone()
        };
        assert_eq!(strip(&back[0]), strip(&qs[0]), "{text}");
        assert!(
            text.contains("explanation = '''\nLine one"),
            "literal blocks when possible:\n{text}"
        );
    }

    #[test]
    fn exam_definitions_parse_and_report_lines() {
        let src = "title = \"T\"\nlevel = \"foundation\"\nquestions = 2\nminutes = 60\npass_mark_percent = 70\nmax_attempts = 3\ncooldown_hours = 24\nreview = \"after\"\nreview_after = 2026-03-31\n\n[[blueprint]]\ntopic = \"intro\"\nquestions = 2\n";
        let def =
            parse_exam("f.toml", src, Some(Level::Foundation)).unwrap_or_else(|p| panic!("{p:?}"));
        assert_eq!(def.grace_seconds, DEFAULT_GRACE_SECONDS);
        assert_eq!(
            def.review,
            Review::After(Date {
                year: 2026,
                month: 3,
                day: 31
            })
        );
        assert_eq!(def.blueprint[0].line, 12);
        assert_eq!(def.origin.line_of("minutes"), 4);
        let quoted = src.replace("2026-03-31", "\"2026-03-31\"");
        assert!(parse_exam("f.toml", &quoted, None).is_ok());
        let fails = |from: &str, to: &str, line: usize, needle: &str| {
            let p = parse_exam("f.toml", &src.replace(from, to), None)
                .err()
                .unwrap_or_default();
            assert!(
                p.iter()
                    .any(|p| p.line == line && p.message.contains(needle)),
                "{to}: {p:?}"
            );
        };
        fails("review_after = 2026-03-31\n", "", 8, "needs review_after");
        fails("2026-03-31", "2026-02-30", 9, "date");
        fails("2026-03-31", "2026-03-31T10:00:00Z", 9, "YYYY-MM-DD");
        fails(
            "review = \"after\"",
            "review = \"immediate\"",
            9,
            "only applies",
        );
        fails(
            "review = \"after\"",
            "review = \"later\"",
            8,
            "review `later`",
        );
        fails(
            "review = \"after\"",
            "review = \"never\"",
            9,
            "only applies",
        );
        fails("minutes = 60", "minutes = -5", 4, "");
        // Without `review`, keys wait for a pass or the last attempt.
        let plain = src.replace("review = \"after\"\nreview_after = 2026-03-31\n", "");
        let def = parse_exam("f.toml", &plain, None).unwrap_or_else(|p| panic!("{p:?}"));
        assert_eq!(def.review, Review::KeysAfterPassOrLast);
        for (name, review) in [
            ("keys-after-pass-or-last", Review::KeysAfterPassOrLast),
            ("immediate", Review::Immediate),
            ("never", Review::Never),
        ] {
            let text = src.replace(
                "review = \"after\"\nreview_after = 2026-03-31\n",
                &format!("review = \"{name}\"\n"),
            );
            let def = parse_exam("f.toml", &text, None).unwrap_or_else(|p| panic!("{name}: {p:?}"));
            assert_eq!(def.review, review);
        }
        fails("max_attempts = 3\n", "", 1, "missing field `max_attempts`");
    }
}
