//! Fuzzes the Moodle GIFT and Aiken readers: any text must be read or
//! refused with problems that point at a line of the input, every question
//! read must have a key among its options, and whatever becomes a bank
//! question must survive a GIFT export and re-import unchanged.

#![no_main]

use libfuzzer_sys::fuzz_target;
use pacs_academy::exam::aiken::parse_aiken;
use pacs_academy::exam::gift::{parse_gift, to_gift};
use pacs_academy::exam::import::{into_questions, ImportMeta, Parsed};

fn check(parsed: &Parsed, input: &str) {
    // Lines as the readers count them: CR, LF and CRLF each end one.
    let lines = input.replace("\r\n", "\n").replace('\r', "\n").lines().count() + 1;
    for p in parsed.problems.iter().chain(&parsed.warnings) {
        assert!(p.line <= lines, "{p} is past the end ({lines} lines)");
    }
    for q in &parsed.questions {
        assert!(!q.key.is_empty() && q.key.iter().all(|&k| k < q.options.len()));
    }
}

fuzz_target!(|data: &[u8]| {
    let input = String::from_utf8_lossy(data);
    // Questions with no module link would all be refused; give one.
    let meta = ImportMeta {
        module: Some("/foundation/hl7-message-structure#fields".into()),
        ..ImportMeta::default()
    };
    for parsed in [parse_gift("f.gift", &input), parse_aiken("f.txt", &input)] {
        check(&parsed, &input);
        let (questions, _) = into_questions("f", &parsed, &meta);
        if questions.is_empty() {
            continue;
        }
        let gift = to_gift(&questions);
        let again = parse_gift("again.gift", &gift);
        assert!(again.problems.is_empty(), "{:?}\n{gift}", again.problems);
        let (back, problems) = into_questions("again.gift", &again, &ImportMeta::default());
        assert!(problems.is_empty(), "{problems:?}\n{gift}");
        assert_eq!(back.len(), questions.len());
        for (q, b) in questions.iter().zip(&back) {
            assert_eq!((b.kind, &b.key), (q.kind, &q.key), "{gift}");
            assert_eq!(b.stem_md.trim(), q.stem_md.trim(), "{gift}");
            assert_eq!(b.options, q.options, "{gift}");
            assert_eq!(b.explanation_md.trim(), q.explanation_md.trim(), "{gift}");
        }
    }
});
