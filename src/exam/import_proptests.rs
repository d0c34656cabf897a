//! Property tests for the GIFT and Aiken readers: any text is read or
//! refused with a located problem, never a panic; what the bank writes as
//! GIFT reads back as the same questions; well-formed Aiken reads exactly.

use proptest::prelude::*;

use super::aiken::parse_aiken;
use super::gift::{parse_gift, to_gift};
use super::import::{into_questions, ImportMeta, Parsed};
use super::question::{Origin, Question, QuestionKind};
use crate::level::Level;

/// Lines a problem may point at: 0 (the whole file) to one past the last.
fn lines_of(source: &str) -> usize {
    // CR, LF and CRLF each end a line, as the readers count them.
    source
        .replace("\r\n", "\n")
        .replace('\r', "\n")
        .lines()
        .count()
        + 1
}

fn assert_located(p: &Parsed, source: &str) {
    let max = lines_of(source);
    for problem in p.problems.iter().chain(&p.warnings) {
        assert!(problem.line <= max, "{problem} (of {max} lines)");
        assert!(!problem.message.trim().is_empty(), "{problem:?}");
    }
    for q in &p.questions {
        assert!(q.line >= 1 && q.line <= max, "question at line {}", q.line);
        assert!(!q.key.is_empty(), "{q:?}");
        assert!(q.key.iter().all(|&k| k < q.options.len()), "{q:?}");
        let mut sorted = q.key.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted, q.key, "keys ascending and unique: {q:?}");
    }
}

/// Text with GIFT's markup characters, Markdown and odd spacing in it.
fn text() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 ~=#{}:%\\\\*_.,?()\\[\\]'/\r-]{0,30}[a-zA-Z0-9?.)]"
}

/// Line-oriented noise that looks like GIFT or Aiken.
fn noisy_source() -> impl Strategy<Value = String> {
    let line = prop_oneof![
        Just(String::new()),
        Just("}".to_string()),
        Just("{".to_string()),
        Just("ANSWER: B".to_string()),
        Just("// [id:x-1]".to_string()),
        Just("// pacs-academy: level=foundation topic=a module=/foundation/a#b".to_string()),
        "[A-F][.)] [a-z ~=#{}%]{0,12}",
        "(::[a-z]{0,4}::)?(\\[markdown\\])?[a-z ?]{0,12}\\{",
        "[=~](%-?[0-9]{1,3}(\\.[0-9]{1,5})?%)?[a-z \\\\#]{0,12}",
        "####[a-z \\\\]{0,12}",
        "ANSWER: ?[A-Z, ]{0,6}",
        "\\PC{0,20}",
        "[a-z{}=~]{0,6}\r[a-z{}=~]{0,6}",
    ];
    prop::collection::vec(line, 0..24).prop_map(|lines| lines.join("\n"))
}

fn question_strategy() -> impl Strategy<Value = Question> {
    (
        "[a-z][a-z0-9]{0,8}(-[a-z0-9]{1,4}){0,2}",
        prop::bool::ANY,
        text(),
        prop::collection::vec(text(), 2..7),
        prop::option::of(text()),
        prop::bool::ANY,
        any::<prop::sample::Index>(),
        any::<prop::sample::Index>(),
    )
        .prop_map(
            |(id, multiple, stem, options, explanation, retired, a, b)| {
                let n = options.len();
                // As the bank allows: one key, or two or more but not all.
                let multiple = multiple && n >= 3;
                let first = a.index(n);
                let mut key = vec![first];
                if multiple {
                    let second = b.index(n);
                    key.push(if second == first {
                        (first + 1) % n
                    } else {
                        second
                    });
                    key.sort_unstable();
                }
                Question {
                    id,
                    level: Level::Foundation,
                    topic: "hl7-message-structure".into(),
                    kind: if multiple {
                        QuestionKind::Multiple
                    } else {
                        QuestionKind::Single
                    },
                    stem_md: stem,
                    options,
                    key,
                    explanation_md: explanation.unwrap_or_default(),
                    module: "/foundation/hl7-message-structure#fields".into(),
                    retired,
                    origin: Origin::default(),
                }
            },
        )
        .prop_filter("options must differ once trimmed", |q| {
            let mut seen: Vec<&str> = q.options.iter().map(|o| o.trim()).collect();
            seen.sort_unstable();
            seen.dedup();
            seen.len() == q.options.len() && seen.iter().all(|o| !o.is_empty())
        })
        .prop_filter("a stem to ask", |q| !q.stem_md.trim().is_empty())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn gift_reader_never_panics_and_locates_problems(source in noisy_source()) {
        let parsed = parse_gift("f.gift", &source);
        assert_located(&parsed, &source);
        let _ = into_questions("f.gift", &parsed, &ImportMeta::default());
    }

    #[test]
    fn aiken_reader_never_panics_and_locates_problems(source in noisy_source()) {
        let parsed = parse_aiken("f.txt", &source);
        assert_located(&parsed, &source);
        let _ = into_questions("f.txt", &parsed, &ImportMeta::default());
    }

    #[test]
    fn readers_survive_any_text(source in "\\PC{0,200}") {
        assert_located(&parse_gift("f.gift", &source), &source);
        assert_located(&parse_aiken("f.txt", &source), &source);
    }

    #[test]
    fn exported_gift_reads_back_as_the_same_questions(
        questions in prop::collection::vec(question_strategy(), 1..5)
    ) {
        let mut questions = questions;
        for (i, q) in questions.iter_mut().enumerate() {
            q.id = format!("{}-{i}", q.id);
        }
        let gift = to_gift(&questions);
        let parsed = parse_gift("bank.gift", &gift);
        prop_assert!(parsed.problems.is_empty(), "{:?}\n{gift}", parsed.problems);
        let (back, problems) = into_questions("bank.gift", &parsed, &ImportMeta::default());
        prop_assert!(problems.is_empty(), "{problems:?}\n{gift}");
        prop_assert_eq!(back.len(), questions.len());
        // The same text, up to the style of line break (GIFT writes each
        // as `\n`).
        let lf = |t: &str| t.replace("\r\n", "\n").replace('\r', "\n");
        for (q, b) in questions.iter().zip(&back) {
            prop_assert_eq!(&b.id, &q.id);
            prop_assert_eq!(b.kind, q.kind, "{}", gift);
            prop_assert_eq!(b.stem_md.trim(), lf(q.stem_md.trim()), "{}", gift);
            let options: Vec<String> = q.options.iter().map(|o| lf(o.trim())).collect();
            let back_options: Vec<&str> = b.options.iter().map(|o| o.trim()).collect();
            prop_assert_eq!(back_options, options, "{}", gift);
            prop_assert_eq!(&b.key, &q.key, "{}", gift);
            prop_assert_eq!(b.explanation_md.trim(), lf(q.explanation_md.trim()), "{}", gift);
            prop_assert_eq!(&b.module, &q.module);
            prop_assert_eq!(b.retired, q.retired);
        }
    }

    #[test]
    fn well_formed_aiken_reads_exactly(
        stem in "[A-Za-z0-9][A-Za-z0-9 ?,'()-]{0,40}[?.]",
        options in prop::collection::vec("[A-Za-z0-9][A-Za-z0-9 ,.'()-]{0,20}[A-Za-z0-9]", 2..7),
        answer in any::<prop::sample::Index>(),
        paren in prop::bool::ANY,
    ) {
        // A stem such as `A) ...` is an option line in Aiken: not a stem.
        let b = stem.as_bytes();
        prop_assume!(!(b.len() > 2 && b[0].is_ascii_uppercase() && matches!(b[1], b'.' | b')') && b[2] == b' '));
        let key = answer.index(options.len());
        let mut source = format!("{stem}\n");
        for (i, o) in options.iter().enumerate() {
            let letter = char::from(b'A' + i as u8);
            source.push_str(&format!("{letter}{} {o}\n", if paren { ')' } else { '.' }));
        }
        source.push_str(&format!("ANSWER: {}\n", char::from(b'A' + key as u8)));
        let parsed = parse_aiken("q.txt", &source);
        prop_assert!(parsed.problems.is_empty(), "{:?}\n{source}", parsed.problems);
        prop_assert_eq!(parsed.questions.len(), 1);
        let q = &parsed.questions[0];
        prop_assert_eq!(q.kind, QuestionKind::Single);
        prop_assert_eq!(q.stem_md.trim(), stem.trim());
        prop_assert_eq!(&q.options, &options);
        prop_assert_eq!(&q.key, &vec![key]);
        prop_assert_eq!(q.line, 1);
    }
}
