//! Exam questions made from the labs' exercises, for an exam definition's
//! `[[generated]]` entries.
//!
//! [`LabQuestions`] is the [`Generator`] the server passes to
//! [`crate::exam::draw_with`] and [`crate::exam::Paper::resolve`]. For a
//! kind slug (such as `dicom-worklist-matching`) and an item seed it
//! generates the exercise at the exam's level and turns it into a
//! multiple-choice [`Question`], when the exercise is answered by choosing
//! options: its answer form is one [`AnswerForm::Choice`], at the top level
//! or as the only part of [`AnswerForm::Parts`]. Exercises answered by
//! typing a value or clicking a field do not convert.
//!
//! The key is not guessed from the exercise: every possible answer (each
//! option, or each non-empty set of options for a multiple choice) is
//! graded with [`crate::exercise::grade`], and exactly one must grade
//! correct. An exercise with no right answer the exam can record (a
//! multiple choice whose answer is "none of them", since an empty choice is
//! an unanswered item) or more than one does not convert.
//!
//! The level is a field of [`LabQuestions`] rather than an argument of
//! [`Generator::generate`]: the pure exam core stays free of the exercise
//! module, and the server builds the generator from the definition's level
//! when drawing and from the stored paper's level when resolving, so a
//! paper is always generated again at the level it was drawn at.
//!
//! Determinism: the same level, kind and seed give the same question. A
//! kind whose exercise does not convert for some seeds (its form varies)
//! tries a fixed sequence of seeds derived from the item seed, so the
//! result still depends on the item seed alone.

use std::fmt::Write as _;

use super::{generate, grade, Answer, AnswerForm, Exercise, Kind, Material, SINGLE};
use crate::exam::question::MAX_OPTIONS;
use crate::exam::{Generator, Question, QuestionKind};
use crate::level::Level;
use crate::rng::derive_seed;

/// How a generated question's id starts: `gen:<kind>:<item seed>`. Bank
/// ids never hold a colon ([`crate::exam::question::is_valid_id`]).
const ID_PREFIX: &str = "gen:";

/// Whether `id` is a generated question's rather than a bank question's.
pub fn is_generated_id(id: &str) -> bool {
    id.starts_with(ID_PREFIX)
}

/// Exercise seeds tried for one item seed before giving up: the item seed,
/// then seeds derived from it.
const TRIES: u64 = 24;

/// Seeds [`exam_kinds`] tries a kind with.
const PROBE_SEEDS: u64 = 32;

/// Makes exam questions from the labs' exercises at one level.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LabQuestions {
    level: Level,
}

impl LabQuestions {
    /// The generator for an exam of `level`.
    pub fn new(level: Level) -> LabQuestions {
        LabQuestions { level }
    }

    /// The level its questions are made for.
    pub fn level(self) -> Level {
        self.level
    }
}

impl Generator for LabQuestions {
    fn generate(&self, kind: &str, seed: u64) -> Option<Question> {
        let kind = Kind::from_slug(kind)?;
        (0..TRIES).find_map(|i| question(kind, self.level, seed, derive_seed(seed, i)))
    }
}

/// The kind slugs that make exam questions at `level`, in [`Kind::ALL`]
/// order: those whose question converts for every one of a sample of item
/// seeds. `check-content` accepts only these in `[[generated]]` entries.
pub fn exam_kinds(level: Level) -> Vec<&'static str> {
    let lab = LabQuestions::new(level);
    Kind::ALL
        .iter()
        .map(|k| k.slug())
        .filter(|slug| (0..PROBE_SEEDS).all(|s| lab.generate(slug, s).is_some()))
        .collect()
}

/// The question for item seed `item_seed`, made from the exercise of
/// `kind` at `level` with `exercise_seed`, or `None` when that exercise
/// does not convert.
fn question(kind: Kind, level: Level, item_seed: u64, exercise_seed: u64) -> Option<Question> {
    let (exercise, key) = generate(kind, level, exercise_seed);
    let (part, options, multiple) = choice_form(&exercise.answer)?;
    if options.len() < 2 || options.len() > MAX_OPTIONS {
        return None;
    }
    let answer = |value: String| Answer::of([(part, value)]);
    let mut right = Vec::new();
    let mut feedback = None;
    if multiple {
        // Every non-empty set of options, as a bit mask over the options.
        for mask in 1u32..(1 << options.len()) {
            let chosen: Vec<usize> = (0..options.len())
                .filter(|i| mask & (1 << i) != 0)
                .collect();
            let value = chosen
                .iter()
                .map(usize::to_string)
                .collect::<Vec<_>>()
                .join(",");
            let f = grade(&exercise, &key, &answer(value));
            if f.correct {
                right.push(chosen);
            }
            feedback.get_or_insert(f);
        }
    } else {
        for i in 0..options.len() {
            let f = grade(&exercise, &key, &answer(i.to_string()));
            if f.correct {
                right.push(vec![i]);
            }
            feedback.get_or_insert(f);
        }
    }
    let feedback = feedback?;
    let [key_options] = <[Vec<usize>; 1]>::try_from(right).ok()?;
    Some(Question {
        id: format!("{ID_PREFIX}{}:{item_seed}", kind.slug()),
        level,
        topic: kind.slug().to_owned(),
        kind: if multiple {
            QuestionKind::Multiple
        } else {
            QuestionKind::Single
        },
        stem_md: stem(&exercise),
        options: options.iter().map(|o| escape_inline(o)).collect(),
        key: key_options,
        explanation_md: paragraphs(&feedback.explanation),
        module: feedback.learn_more.href,
        retired: false,
        origin: Default::default(),
    })
}

/// The part name, options and `multiple` of a form that is one choice.
pub(crate) fn choice_form(form: &AnswerForm) -> Option<(&str, &[String], bool)> {
    match form {
        AnswerForm::Choice {
            options, multiple, ..
        } => Some((SINGLE, options, *multiple)),
        AnswerForm::Parts(parts) => match parts.as_slice() {
            [only] => match &only.form {
                AnswerForm::Choice {
                    options, multiple, ..
                } => Some((only.name.as_str(), options, *multiple)),
                _ => None,
            },
            _ => None,
        },
        _ => None,
    }
}

/// The stem: the prompt (which asks the question; the choice's label only
/// names the input), then the material.
fn stem(exercise: &Exercise) -> String {
    let mut md = paragraphs(&exercise.prompt);
    md.push_str("\n\n");
    material(&mut md, &exercise.material);
    md.trim_end().to_owned()
}

/// Appends `m` as Markdown. Messages, listings, logs and hex dumps are
/// plain `text` blocks: compact, with no explorer that would name the
/// fields for the candidate.
fn material(md: &mut String, m: &Material) {
    match m {
        Material::Hl7 { er7 } => {
            let lines: Vec<&str> = er7.split(['\r', '\n']).filter(|l| !l.is_empty()).collect();
            code_block(md, &lines.join("\n"));
        }
        Material::Text(text) => code_block(md, text),
        Material::DicomBytes {
            bytes,
            highlight,
            caption,
        } => {
            caption_line(md, caption);
            code_block(md, &hex_dump(bytes, *highlight));
            if let Some((start, len)) = highlight {
                let end = start + len.saturating_sub(1);
                let _ = write!(
                    md,
                    "The highlighted bytes, marked `>` and `<` above, are offsets {start:#06x} to {end:#06x} ({len} bytes).\n\n"
                );
            }
        }
        Material::DicomListing { listing, caption } => {
            caption_line(md, caption);
            code_block(md, listing);
        }
        Material::Table {
            caption,
            columns,
            rows,
        } => {
            caption_line(md, caption);
            table(md, columns, rows);
        }
        Material::Several(parts) => {
            for p in parts {
                material(md, p);
            }
        }
    }
}

fn caption_line(md: &mut String, caption: &str) {
    if !caption.trim().is_empty() {
        let _ = write!(md, "**{}**\n\n", escape_inline(caption.trim()));
    }
}

/// A fenced `text` block, its fence longer than any run of backticks in
/// `text`.
pub(crate) fn code_block(md: &mut String, text: &str) {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    let _ = write!(
        md,
        "{fence}text\n{}\n{fence}\n\n",
        text.trim_end_matches('\n')
    );
}

/// A GitHub-style Markdown table.
fn table(md: &mut String, columns: &[String], rows: &[Vec<String>]) {
    let width = columns
        .len()
        .max(rows.iter().map(Vec::len).max().unwrap_or(0));
    if width == 0 {
        return;
    }
    let cell = |row: &[String], i: usize| {
        row.get(i)
            .map(|c| escape_inline(&c.replace(['\r', '\n'], " ")))
            .filter(|c| !c.is_empty())
            .unwrap_or_else(|| " ".to_owned())
    };
    let line = |md: &mut String, row: &[String]| {
        md.push('|');
        for i in 0..width {
            let _ = write!(md, " {} |", cell(row, i));
        }
        md.push('\n');
    };
    line(md, columns);
    md.push('|');
    for _ in 0..width {
        md.push_str(" --- |");
    }
    md.push('\n');
    for row in rows {
        line(md, row);
    }
    md.push('\n');
}

/// 16 bytes a line: offset, hex, ASCII. The highlighted bytes are
/// bracketed `>08 00<` so the range shows without colour.
fn hex_dump(bytes: &[u8], highlight: Option<(usize, usize)>) -> String {
    let marked = |i: usize| highlight.is_some_and(|(s, l)| i >= s && i - s < l);
    let mut out = String::new();
    for (n, chunk) in bytes.chunks(16).enumerate() {
        let base = n * 16;
        let _ = write!(out, "{base:04x} ");
        // The character before byte `j` of the line (and after the last).
        let sep = |j: usize| {
            let i = base + j;
            let here = j < chunk.len() && marked(i);
            let before = j > 0 && marked(i - 1);
            match (before, here) {
                (false, true) => '>',
                (true, false) => '<',
                _ => ' ',
            }
        };
        for (j, b) in chunk.iter().enumerate() {
            out.push(sep(j));
            let _ = write!(out, "{b:02x}");
        }
        out.push(sep(chunk.len()));
        for _ in chunk.len()..16 {
            out.push_str("   ");
        }
        out.push(' ');
        out.extend(chunk.iter().map(|&b| {
            if b.is_ascii_graphic() || b == b' ' {
                char::from(b)
            } else {
                '.'
            }
        }));
        out.push('\n');
    }
    out
}

/// Plain text as Markdown paragraphs: blank lines separate paragraphs,
/// single line breaks are kept, and punctuation is escaped so nothing in
/// the text is read as Markdown.
pub(crate) fn paragraphs(text: &str) -> String {
    text.trim()
        .split("\n\n")
        .map(|p| {
            p.lines()
                .map(|l| escape_inline(l.trim_end()))
                .collect::<Vec<_>>()
                .join("\\\n")
        })
        .filter(|p| !p.trim().is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// Backslash-escapes every ASCII punctuation character (CommonMark allows
/// it for all of them), so the text shows exactly as written.
fn escape_inline(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_ascii_punctuation() {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The exercise seed a question was made from: the first of the tried seeds
/// that converts. For tests here and in `content`, which render questions.
#[cfg(test)]
pub(crate) fn exercise_seed(kind: Kind, level: Level, seed: u64) -> u64 {
    (0..TRIES)
        .map(|i| derive_seed(seed, i))
        .find(|&s| question(kind, level, seed, s).is_some())
        .unwrap_or_else(|| panic!("{kind:?} {seed}: no exercise seed converts"))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    /// Grades option set `chosen` of the exercise behind `q` (made from
    /// exercise seed `exercise_seed`).
    fn grades(kind: Kind, level: Level, exercise_seed: u64, chosen: &[usize]) -> bool {
        let (ex, key) = generate(kind, level, exercise_seed);
        let Some((part, ..)) = choice_form(&ex.answer) else {
            panic!("{kind:?} is not a choice")
        };
        let value = chosen
            .iter()
            .map(usize::to_string)
            .collect::<Vec<_>>()
            .join(",");
        grade(&ex, &key, &Answer::of([(part, value)])).correct
    }

    #[test]
    fn every_convertible_kind_makes_a_question_whose_key_alone_grades_correct() {
        for level in Level::ALL {
            let kinds = exam_kinds(level);
            assert!(!kinds.is_empty(), "{level:?}: no kind converts");
            let lab = LabQuestions::new(level);
            for slug in kinds {
                let kind = Kind::from_slug(slug).unwrap_or_else(|| panic!("{slug}"));
                for seed in 0..50 {
                    let q = lab
                        .generate(slug, seed)
                        .unwrap_or_else(|| panic!("{level:?} {slug} {seed}: no question"));
                    let es = exercise_seed(kind, level, seed);
                    assert_eq!(q.id, format!("gen:{slug}:{seed}"));
                    assert_eq!(q.level, level);
                    assert_eq!(q.topic, slug);
                    assert!((2..=MAX_OPTIONS).contains(&q.options.len()));
                    assert!(!q.key.is_empty());
                    assert!(q.key.windows(2).all(|w| w[0] < w[1]), "key ascending");
                    assert!(q.key.iter().all(|&k| k < q.options.len()));
                    if q.kind == QuestionKind::Single {
                        assert_eq!(q.key.len(), 1);
                    }
                    assert!(q.module.starts_with('/') && q.module.contains('#'));
                    assert!(!q.explanation_md.trim().is_empty());
                    assert!(!q.stem_md.trim().is_empty());
                    // The key grades correct; every other answer wrong.
                    assert!(grades(kind, level, es, &q.key), "{slug} {seed}: key wrong");
                    let n = q.options.len();
                    match q.kind {
                        QuestionKind::Single => {
                            for i in (0..n).filter(|i| !q.key.contains(i)) {
                                assert!(!grades(kind, level, es, &[i]), "{slug} {seed}: {i}");
                            }
                        }
                        QuestionKind::Multiple => {
                            let key: BTreeSet<usize> = q.key.iter().copied().collect();
                            for mask in 1u32..(1 << n) {
                                let set: Vec<usize> =
                                    (0..n).filter(|i| mask & (1 << i) != 0).collect();
                                if set.iter().copied().collect::<BTreeSet<_>>() != key {
                                    assert!(
                                        !grades(kind, level, es, &set),
                                        "{slug} {seed}: {set:?}"
                                    );
                                }
                            }
                        }
                    }
                    // Deterministic: made again, the same question.
                    assert_eq!(lab.generate(slug, seed), Some(q));
                }
            }
        }
    }

    #[test]
    fn kinds_that_do_not_convert_make_nothing() {
        for level in Level::ALL {
            let kinds = exam_kinds(level);
            let lab = LabQuestions::new(level);
            for &kind in Kind::ALL {
                if kinds.contains(&kind.slug()) {
                    continue;
                }
                // Not convertible: answered by typing or clicking.
                let (ex, _) = generate(kind, level, 0);
                assert!(choice_form(&ex.answer).is_none(), "{kind:?} at {level:?}");
                for seed in 0..5 {
                    assert_eq!(lab.generate(kind.slug(), seed), None, "{kind:?}");
                }
            }
            assert_eq!(lab.generate("no-such-kind", 1), None);
            assert_eq!(lab.generate("", 1), None);
        }
        // HL7 text and DICOM both convert somewhere.
        let all = exam_kinds(Level::Intermediate);
        assert!(all.iter().any(|k| k.starts_with("dicom-")));
    }

    #[test]
    fn seeds_give_different_questions() {
        for level in Level::ALL {
            for slug in exam_kinds(level) {
                let stems: BTreeSet<String> = (0..20)
                    .filter_map(|s| LabQuestions::new(level).generate(slug, s))
                    .map(|q| q.stem_md)
                    .collect();
                assert!(
                    stems.len() >= 10,
                    "{slug}: only {} distinct stems",
                    stems.len()
                );
            }
        }
    }

    #[test]
    fn hex_dumps_mark_the_highlight() {
        let bytes: Vec<u8> = (0u8..20).collect();
        let dump = hex_dump(&bytes, Some((2, 3)));
        let lines: Vec<&str> = dump.lines().collect();
        assert_eq!(lines.len(), 2);
        assert!(
            lines[0].starts_with("0000  00 01>02 03 04<05 06"),
            "{}",
            lines[0]
        );
        assert!(lines[1].starts_with("0010  10 11 12 13  "), "{}", lines[1]);
        // Short last lines are padded so the ASCII column lines up.
        assert_eq!(lines[0].find("...."), lines[1].find("...."));
        // A range across a line break is closed and reopened.
        let dump = hex_dump(&bytes, Some((15, 3)));
        assert!(dump.contains(">0f<"), "{dump}");
        assert!(dump.contains(">10 11<"), "{dump}");
    }
}
