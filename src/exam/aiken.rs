//! The Aiken format (as Moodle reads it): a question, options written
//! `A. text` or `A) text` from `A` on, and `ANSWER: B`.
//!
//! ```text
//! Which is the well-known port for DICOM?
//! A. 80
//! B) 104
//! C. 2575
//! ANSWER: B
//! ```
//!
//! The question may run over several lines; blank lines between questions
//! are optional. As an extension, `ANSWER: A, C` (two or more letters)
//! makes a multiple-response question. Aiken has no explanations: write
//! them into the bank file after importing.

use super::import::{normalise_source, ImportMeta, ImportedQuestion, Parsed};
use super::question::{letter_index, Problem, QuestionKind};

/// `A. text` or `A) text`: the letter's index and the text.
fn option_line(line: &str) -> Option<(usize, &str)> {
    let mut chars = line.char_indices();
    let (_, letter) = chars.next()?;
    let (_, mark) = chars.next()?;
    let (i, space) = chars.next()?;
    if !letter.is_ascii_uppercase() || !matches!(mark, '.' | ')') || !matches!(space, ' ' | '\t') {
        return None;
    }
    let index = usize::from(letter as u8 - b'A');
    Some((index, line[i..].trim()))
}

#[derive(Default)]
struct Open {
    line: usize,
    stem: Vec<String>,
    options: Vec<String>,
    broken: bool,
}

/// Parses Aiken text; `file` names it in problems.
pub fn parse_aiken(file: &str, source: &str) -> Parsed {
    let source = normalise_source(source);
    let source = source.as_ref();
    let mut parsed = Parsed::default();
    let mut open: Option<Open> = None;
    for (i, raw) in source.lines().enumerate() {
        let line_no = i + 1;
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        let q = open.get_or_insert_with(|| Open {
            line: line_no,
            ..Open::default()
        });
        let fail = |m: String| Problem::new(file, line_no, m);
        if let Some(answer) = line.strip_prefix("ANSWER:") {
            let q = open.take().unwrap_or_default();
            if q.broken {
                continue;
            }
            match finish(q, answer) {
                Ok(iq) => parsed.questions.push(iq),
                Err(m) => parsed.problems.push(fail(m)),
            }
            continue;
        }
        if q.broken {
            continue;
        }
        if let Some((index, text)) = option_line(line) {
            if q.stem.is_empty() {
                q.broken = true;
                parsed.problems.push(fail(
                    "malformed question: an option comes before any question text".into(),
                ));
            } else if index != q.options.len() {
                q.broken = true;
                let expected = char::from(b'A' + q.options.len().min(25) as u8);
                parsed.problems.push(fail(format!(
                    "malformed option: expected option {expected} here (options run A, B, C, ... in order)"
                )));
            } else if text.is_empty() {
                q.broken = true;
                parsed.problems.push(fail("option is empty".into()));
            } else {
                q.options.push(text.to_string());
            }
        } else if q.options.is_empty() {
            q.stem.push(line.to_string());
        } else {
            q.broken = true;
            parsed.problems.push(fail(format!(
                "malformed line `{line}`: after the options only `X. option` or `ANSWER: X` may follow"
            )));
        }
    }
    if let Some(q) = open {
        if !q.broken {
            parsed
                .problems
                .push(Problem::new(file, q.line, "question has no `ANSWER:` line"));
        }
    }
    parsed
}

fn finish(q: Open, answer: &str) -> Result<ImportedQuestion, String> {
    if q.options.is_empty() {
        return Err("`ANSWER:` before any options".into());
    }
    let mut key = Vec::new();
    for part in answer.split([',', ' ']).filter(|p| !p.is_empty()) {
        let index = letter_index(part)
            .filter(|&i| i < q.options.len())
            .ok_or_else(|| {
                format!(
                    "`ANSWER:{answer}`: `{part}` is not one of the options A to {}",
                    char::from(b'A' + (q.options.len() - 1).min(25) as u8)
                )
            })?;
        if !key.contains(&index) {
            key.push(index);
        }
    }
    if key.is_empty() {
        return Err("`ANSWER:` gives no letter".into());
    }
    key.sort_unstable();
    Ok(ImportedQuestion {
        line: q.line,
        title: None,
        kind: if key.len() > 1 {
            QuestionKind::Multiple
        } else {
            QuestionKind::Single
        },
        stem_md: q.stem.join("\n"),
        options: q.options,
        key,
        explanation_md: String::new(),
        meta: ImportMeta::default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_questions_with_both_option_styles() {
        let p = parse_aiken(
            "t.txt",
            "Which is the well-known port for DICOM?\nA. 80\nB) 104\nC. 2575\nANSWER: B\nWhich are DIMSE-C services?\nthe second line\nA. C-ECHO\nB. N-CREATE\nC. C-STORE\nANSWER: A, C\n",
        );
        assert!(p.problems.is_empty(), "{:?}", p.problems);
        assert_eq!(p.questions.len(), 2);
        let q = &p.questions[0];
        assert_eq!(q.stem_md, "Which is the well-known port for DICOM?");
        assert_eq!(q.options, ["80", "104", "2575"]);
        assert_eq!((q.kind, q.key.clone()), (QuestionKind::Single, vec![1]));
        let q = &p.questions[1];
        assert_eq!(q.line, 6);
        assert_eq!(q.stem_md, "Which are DIMSE-C services?\nthe second line");
        assert_eq!(
            (q.kind, q.key.clone()),
            (QuestionKind::Multiple, vec![0, 2])
        );
    }

    #[test]
    fn problems_name_the_line_and_the_next_question_still_reads() {
        let p = parse_aiken(
            "t.txt",
            "Q1?\nA. one\nC. three\nANSWER: A\n\nQ2?\nA. one\nB. two\nANSWER: D\n\nQ3?\nA. x\nB. y\nnot an option\nANSWER: A\n\nQ4?\nA. a\nB. b\nANSWER: B\n\nQ5?\nA. a\n",
        );
        let shown: Vec<String> = p.problems.iter().map(|p| p.to_string()).collect();
        assert_eq!(shown.len(), 4, "{shown:?}");
        assert!(
            shown[0].starts_with("t.txt:3: malformed option: expected option B"),
            "{shown:?}"
        );
        assert!(
            shown[1].starts_with("t.txt:9: `ANSWER: D`: `D` is not one of the options A to B"),
            "{shown:?}"
        );
        assert!(
            shown[2].starts_with("t.txt:14: malformed line `not an option`"),
            "{shown:?}"
        );
        assert_eq!(shown[3], "t.txt:22: question has no `ANSWER:` line");
        assert_eq!(p.questions.len(), 1);
        assert_eq!(p.questions[0].stem_md, "Q4?");
    }

    #[test]
    fn odd_inputs_do_not_panic() {
        for src in [
            "ANSWER: A",
            "A. x\nANSWER: A",
            "Q\nANSWER:",
            "Q\nA. x\nANSWER: a",
            "Q\nA.\tx\nZ) y",
            "Ä. x",
            "Q\nA.  \nANSWER: A",
        ] {
            let p = parse_aiken("t.txt", src);
            assert!(!p.problems.is_empty() || !p.questions.is_empty(), "{src:?}");
        }
    }
}
