//! Moodle GIFT, the multiple-choice subset: reading it into imported
//! questions and writing the bank out as GIFT that Moodle imports.
//!
//! What is read (following Moodle's `qformat_gift`):
//! - questions separated by blank lines; lines starting with `//` are
//!   comments; `$CATEGORY:` lines are skipped;
//! - an optional `::title::`, an optional `[markdown]` / `[plain]` /
//!   `[moodle]` / `[html]` format marker, the question text, and one answer
//!   block `{ ... }`; text after the block makes a "missing word" question,
//!   with `_____` where the block was;
//! - answers `=right`, `~wrong`, `~%50%weighted`; per-answer feedback after
//!   `#` (dropped, with a warning); general feedback after `####`, which
//!   becomes the explanation;
//! - escapes `\~ \= \# \{ \} \: \\` and `\n` (a new line);
//! - one `=` answer makes a single-answer question; with no `=`, the
//!   answers with a positive `%weight%` are the key (two or more make a
//!   multiple-response question).
//!
//! Other GIFT question types (description, essay, true/false, short answer,
//! matching, numerical) are reported as unsupported, with their line.
//!
//! Bank fields travel in comments before a question, which Moodle ignores
//! (or, for `[id:...]`, keeps as the question's ID number):
//! `// [id:hl7-structure-001]` and
//! `// pacs-academy: level=foundation topic=... module=/foundation/...#...`.

use super::import::{normalise_source, parse_meta_words, ImportMeta, ImportedQuestion, Parsed};
use super::question::{Problem, Question, QuestionKind};

/// One character of GIFT text after escapes: `esc` is true when it was
/// written escaped and so is never markup.
#[derive(Clone, Copy, Debug)]
struct Tok {
    c: char,
    esc: bool,
    line: usize,
}

fn tokenize(lines: &[(usize, &str)]) -> Vec<Tok> {
    let mut out = Vec::new();
    for (n, (line_no, line)) in lines.iter().enumerate() {
        if n > 0 {
            out.push(Tok {
                c: '\n',
                esc: false,
                line: *line_no,
            });
        }
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            let mut push = |c: char, esc: bool| {
                out.push(Tok {
                    c,
                    esc,
                    line: *line_no,
                })
            };
            if c != '\\' {
                push(c, false);
                continue;
            }
            match chars.peek().copied() {
                Some(e @ ('~' | '=' | '#' | '{' | '}' | ':' | '\\')) => {
                    chars.next();
                    push(e, true);
                }
                Some('n') => {
                    chars.next();
                    push('\n', true);
                }
                // Any other backslash is kept as it is (`\&` stays `\&`).
                _ => push('\\', true),
            }
        }
    }
    out
}

fn text(toks: &[Tok]) -> String {
    toks.iter().map(|t| t.c).collect()
}

fn is_markup(t: &Tok, c: char) -> bool {
    !t.esc && t.c == c
}

fn find(toks: &[Tok], c: char) -> Option<usize> {
    toks.iter().position(|t| is_markup(t, c))
}

/// Start of every unescaped occurrence of `pat` (all ASCII markup).
fn find_all(toks: &[Tok], pat: &str) -> Vec<usize> {
    let pat: Vec<char> = pat.chars().collect();
    (0..toks.len().saturating_sub(pat.len() - 1))
        .filter(|&i| {
            pat.iter()
                .enumerate()
                .all(|(k, &c)| is_markup(&toks[i + k], c))
        })
        .collect()
}

fn trim(toks: &[Tok]) -> &[Tok] {
    let ws = |t: &Tok| !t.esc && t.c.is_whitespace();
    let start = toks.iter().position(|t| !ws(t)).unwrap_or(toks.len());
    let end = toks.iter().rposition(|t| !ws(t)).map_or(start, |e| e + 1);
    &toks[start..end.max(start)]
}

/// The format markers GIFT allows before question and answer text.
const FORMATS: [&str; 4] = ["markdown", "html", "plain", "moodle"];

/// Whether text starts with a format marker the reader would strip.
fn starts_with_format(s: &str) -> bool {
    FORMATS.iter().any(|f| {
        s.strip_prefix('[')
            .and_then(|r| r.strip_prefix(f))
            .is_some_and(|r| r.starts_with(']'))
    })
}

/// Strips a leading `[markdown]`-style format marker; returns its name.
fn strip_format(toks: &[Tok]) -> (Option<String>, &[Tok]) {
    if toks.first().is_some_and(|t| is_markup(t, '[')) {
        if let Some(end) = find(toks, ']') {
            let name = text(&toks[1..end]);
            if FORMATS.contains(&name.as_str()) {
                return (Some(name), &toks[end + 1..]);
            }
        }
    }
    (None, toks)
}

struct Chunk<'a> {
    lines: Vec<(usize, &'a str)>,
    meta: ImportMeta,
    meta_line: usize,
}

/// Parses GIFT text; `file` names it in problems.
pub fn parse_gift(file: &str, source: &str) -> Parsed {
    let source = normalise_source(source);
    let source = source.as_ref();
    let mut parsed = Parsed::default();
    let mut chunk = Chunk {
        lines: Vec::new(),
        meta: ImportMeta::default(),
        meta_line: 0,
    };
    let flush = |chunk: &mut Chunk<'_>, parsed: &mut Parsed| {
        if chunk.lines.is_empty() {
            return;
        }
        let meta = std::mem::take(&mut chunk.meta);
        let lines = std::mem::take(&mut chunk.lines);
        chunk.meta_line = 0;
        match parse_question(file, &lines, meta, &mut parsed.warnings) {
            Ok(q) => parsed.questions.push(q),
            Err(p) => parsed.problems.push(p),
        }
    };
    for (i, line) in source.lines().enumerate() {
        let line_no = i + 1;
        let trimmed = line.trim();
        if let Some(comment) = trimmed.strip_prefix("//") {
            read_comment(file, line_no, comment, &mut chunk, &mut parsed.problems);
        } else if trimmed.is_empty() || trimmed.starts_with("$CATEGORY:") {
            flush(&mut chunk, &mut parsed);
        } else {
            chunk.lines.push((line_no, line));
        }
    }
    flush(&mut chunk, &mut parsed);
    if chunk.meta_line > 0 {
        parsed.warnings.push(Problem::new(
            file,
            chunk.meta_line,
            "this pacs-academy comment is not followed by a question",
        ));
    }
    parsed
}

fn read_comment(
    file: &str,
    line_no: usize,
    comment: &str,
    chunk: &mut Chunk<'_>,
    problems: &mut Vec<Problem>,
) {
    let comment = comment.trim();
    if let Some(words) = comment.strip_prefix("pacs-academy:") {
        chunk.meta_line = line_no;
        if let Err(m) = parse_meta_words(words, &mut chunk.meta) {
            problems.push(Problem::new(file, line_no, m));
        }
    }
    // Moodle's own ID number syntax, `[id:...]`.
    if let Some(start) = comment.find("[id:") {
        let rest = &comment[start + 4..];
        if let Some(end) = rest.find(']') {
            chunk.meta.id = Some(rest[..end].trim().to_string());
            chunk.meta_line = line_no;
        }
    }
}

fn unsupported(file: &str, line: usize, kind: &str) -> Problem {
    Problem::new(
        file,
        line,
        format!("unsupported question type: {kind} (only multiple choice can be imported)"),
    )
}

fn parse_question(
    file: &str,
    lines: &[(usize, &str)],
    meta: ImportMeta,
    warnings: &mut Vec<Problem>,
) -> Result<ImportedQuestion, Problem> {
    let first_line = lines.first().map_or(1, |l| l.0);
    let all = tokenize(lines);
    let mut toks = trim(&all);
    let at = |toks: &[Tok]| toks.first().map_or(first_line, |t| t.line);
    let fail = |line: usize, m: &str| Problem::new(file, line, m);

    let mut title = None;
    if toks.len() >= 2 && is_markup(&toks[0], ':') && is_markup(&toks[1], ':') {
        let rest = &toks[2..];
        let Some(end) = find_all(rest, "::").first().copied() else {
            return Err(fail(
                at(toks),
                "malformed title: `::` opens it but no `::` closes it (write a literal colon as \\:)",
            ));
        };
        title = Some(text(&rest[..end]).trim().to_string());
        toks = trim(&rest[end + 2..]);
    }

    let open = find(toks, '{');
    let close = find(toks, '}');
    let (open, close) = match (open, close) {
        (None, None) => {
            return Err(unsupported(
                file,
                at(toks),
                "description (no answer block { })",
            ))
        }
        (Some(o), Some(c)) if o < c => (o, c),
        (Some(o), None) => return Err(fail(
            toks[o].line,
            "malformed question: `{` is never closed by `}` (write a literal brace as \\{ or \\})",
        )),
        (_, Some(c)) => {
            return Err(fail(
                toks[c].line,
                "malformed question: `}` without an opening `{` (write a literal brace as \\})",
            ))
        }
    };
    let block_toks = &toks[open + 1..close];
    if let Some(p) = find(block_toks, '{') {
        return Err(fail(
            block_toks[p].line,
            "malformed question: a second `{` inside the answer block",
        ));
    }
    let after = trim(&toks[close + 1..]);
    if let Some(p) = find(after, '{').or_else(|| find(after, '}')) {
        return Err(fail(
            after[p].line,
            "malformed question: only one answer block { } per question",
        ));
    }
    let before = trim(&toks[..open]);
    let (format, before) = strip_format(before);
    if format.as_deref() == Some("html") {
        warnings.push(fail(
            at(toks),
            "[html] text is kept as written: check it reads well as Markdown",
        ));
    }
    let mut stem = text(before).trim().to_string();
    if !after.is_empty() {
        stem = format!("{stem} _____ {}", text(after).trim());
    }

    // General feedback: after the last `####`.
    let mut block = trim(block_toks);
    let mut explanation = String::new();
    if let Some(&g) = find_all(block, "####").last() {
        explanation = text(&block[g + 4..]).trim().to_string();
        block = trim(&block[..g]);
    }
    let block_line = block.first().map_or(toks[open].line, |t| t.line);

    // The question type, in Moodle's order.
    if block.is_empty() {
        return Err(unsupported(file, block_line, "essay (empty answer block)"));
    }
    if is_markup(&block[0], '#') {
        return Err(unsupported(file, block_line, "numerical ({#...})"));
    }
    if find(block, '~').is_none() {
        if find(block, '=').is_some() && !find_all(block, "->").is_empty() {
            return Err(unsupported(file, block_line, "matching (=... -> ...)"));
        }
        let head = text(&block[..find(block, '#').unwrap_or(block.len())]);
        let kind = if matches!(head.trim(), "T" | "TRUE" | "F" | "FALSE") {
            "true/false"
        } else {
            "short answer (no ~ wrong answers)"
        };
        return Err(unsupported(file, block_line, kind));
    }

    // Multiple choice: answers start at each unescaped `=` or `~`.
    let starts: Vec<usize> = block
        .iter()
        .enumerate()
        .filter(|(_, t)| is_markup(t, '=') || is_markup(t, '~'))
        .map(|(i, _)| i)
        .collect();
    if starts.first() != Some(&0) {
        return Err(fail(
            block_line,
            "malformed answers: text before the first `=` or `~` (write a literal = or ~ as \\= or \\~)",
        ));
    }
    struct Answer {
        right: bool,
        weight: Option<f64>,
        text: String,
        line: usize,
    }
    let mut answers = Vec::new();
    let mut dropped_feedback = false;
    for (n, &s) in starts.iter().enumerate() {
        let end = starts.get(n + 1).copied().unwrap_or(block.len());
        let marker = block[s];
        let mut body = trim(&block[s + 1..end]);
        let mut weight = None;
        if body.first().is_some_and(|t| is_markup(t, '%')) {
            let Some(w_end) = find(&body[1..], '%') else {
                return Err(fail(
                    marker.line,
                    "malformed weight: `%` is not closed (write it as ~%50%answer)",
                ));
            };
            let w = text(&body[1..1 + w_end]);
            let value: f64 = w
                .trim()
                .parse()
                .ok()
                .filter(|v: &f64| v.is_finite() && (-100.0..=100.0).contains(v))
                .ok_or_else(|| {
                    fail(
                        marker.line,
                        &format!("malformed weight `%{w}%`: use a percentage from -100 to 100"),
                    )
                })?;
            weight = Some(value);
            body = trim(&body[w_end + 2..]);
        }
        if let Some(h) = find(body, '#') {
            dropped_feedback = true;
            body = trim(&body[..h]);
        }
        let (_, body) = strip_format(body);
        let answer = text(body).trim().to_string();
        if answer.is_empty() {
            return Err(fail(marker.line, &format!("answer {} is empty", n + 1)));
        }
        answers.push(Answer {
            right: marker.c == '=',
            weight,
            text: answer,
            line: marker.line,
        });
    }
    if dropped_feedback {
        warnings.push(fail(
            block_line,
            "per-answer feedback (after #) is not imported: put what candidates should learn in the general feedback (####)",
        ));
    }
    let eq: Vec<usize> = (0..answers.len()).filter(|&i| answers[i].right).collect();
    let (kind, key) = if !eq.is_empty() {
        if eq.len() > 1 {
            return Err(fail(
                answers[eq[1]].line,
                "more than one `=` answer: mark several right answers with positive weights (~%50%) instead",
            ));
        }
        for a in answers
            .iter()
            .filter(|a| !a.right && a.weight.is_some_and(|w| w > 0.0))
        {
            warnings.push(fail(
                a.line,
                &format!(
                    "partial credit for `{}` dropped: single-answer questions score only the = answer",
                    a.text
                ),
            ));
        }
        (QuestionKind::Single, eq)
    } else {
        let key: Vec<usize> = (0..answers.len())
            .filter(|&i| answers[i].weight.is_some_and(|w| w > 0.0))
            .collect();
        match key.len() {
            0 => {
                return Err(fail(
                    block_line,
                    "no right answer: mark it with = or give the right answers positive weights (~%50%)",
                ))
            }
            1 => (QuestionKind::Single, key),
            _ => (QuestionKind::Multiple, key),
        }
    };
    Ok(ImportedQuestion {
        line: first_line,
        title: title.filter(|t| !t.is_empty()),
        kind,
        stem_md: stem,
        options: answers.into_iter().map(|a| a.text).collect(),
        key,
        explanation_md: explanation,
        meta,
    })
}

/// Escapes text for GIFT: `\ ~ = # { } :` get a backslash, line breaks (`\n`, `\r\n`
/// or a lone `\r`) become `\n`.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' | '~' | '=' | '#' | '{' | '}' | ':' => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push_str("\\n"),
            // `\r\n` is one line break; a lone `\r` is one too.
            '\r' if chars.peek() == Some(&'\n') => {}
            '\r' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

/// A weight as Moodle writes it: whole numbers plain, others to 5 places
/// (`33.33333`), which match Moodle's fixed grade list.
fn weight(percent: f64) -> String {
    if (percent - percent.round()).abs() < 1e-9 {
        format!("{}", percent.round() as i64)
    } else {
        format!("{percent:.5}")
    }
}

/// Writes questions as GIFT. Single-answer: `=key ~other`. Multiple
/// response: each key `~%w%` with the weights summing to 100, each wrong
/// option `~%-w%` (summing to -100), so that in Moodle ticking everything
/// scores nothing. (Moodle gives part marks for some keys; our exam is
/// all-or-nothing.) Each question carries its bank fields in comments.
pub fn to_gift(questions: &[Question]) -> String {
    let mut out = String::from(
        "// PACS Academy question bank, GIFT format (Moodle).\n// Re-import with: pacs-academy questions import FILE\n\n",
    );
    for q in questions {
        out.push_str(&format!("// [id:{}]\n", q.id));
        out.push_str(&format!(
            "// pacs-academy: level={} topic={} module={}{}\n",
            q.level.slug(),
            q.topic,
            q.module,
            if q.retired { " retired=true" } else { "" }
        ));
        out.push_str(&format!(
            "::{}::[markdown]{} {{\n",
            escape(&q.id),
            escape(q.stem_md.trim())
        ));
        let keys = q.key.len().max(1) as f64;
        let wrong = q.options.len().saturating_sub(q.key.len()).max(1) as f64;
        for (i, o) in q.options.iter().enumerate() {
            let is_key = q.key.contains(&i);
            // An option that starts with `%` would read as a weight: give it
            // an explicit one (GIFT has no escape for `%`).
            let literal_percent = o.trim().starts_with('%');
            let prefix = match (q.kind, is_key) {
                (QuestionKind::Single, true) if literal_percent => "=%100%".to_string(),
                (QuestionKind::Single, false) if literal_percent => "~%0%".to_string(),
                (QuestionKind::Single, true) => "=".to_string(),
                (QuestionKind::Single, false) => "~".to_string(),
                (QuestionKind::Multiple, true) => format!("~%{}%", weight(100.0 / keys)),
                (QuestionKind::Multiple, false) => format!("~%{}%", weight(-100.0 / wrong)),
            };
            // An option that starts with a format marker (`[html]…`) would
            // lose it on the way back in: the reader strips one marker.
            let guard = if starts_with_format(o.trim()) {
                "[markdown]"
            } else {
                ""
            };
            out.push_str(&format!("{prefix}{guard}{}\n", escape(o.trim())));
        }
        if !q.explanation_md.trim().is_empty() {
            out.push_str(&format!("####{}\n", escape(q.explanation_md.trim())));
        }
        out.push_str("}\n\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exam::testutil::question;

    fn one(src: &str) -> ImportedQuestion {
        let p = parse_gift("t.gift", src);
        assert!(p.problems.is_empty(), "{:?}", p.problems);
        assert_eq!(p.questions.len(), 1, "{:?}", p.questions);
        p.questions[0].clone()
    }

    fn problem(src: &str) -> String {
        let p = parse_gift("t.gift", src);
        assert_eq!(p.problems.len(), 1, "{p:?}");
        p.problems[0].to_string()
    }

    #[test]
    fn single_answer_with_title_format_and_feedback() {
        let q = one(
            "// a comment\n::Q1:: [markdown]Which is the *well-known* DICOM port?{\n  =104 # right\n  ~80\n  ~2575\n  #### 104 is the well-known port; 11112 is the registered port.\n}\n",
        );
        assert_eq!(q.title.as_deref(), Some("Q1"));
        assert_eq!(q.kind, QuestionKind::Single);
        assert_eq!(q.stem_md, "Which is the *well-known* DICOM port?");
        assert_eq!(q.options, ["104", "80", "2575"]);
        assert_eq!(q.key, [0]);
        assert_eq!(
            q.explanation_md,
            "104 is the well-known port; 11112 is the registered port."
        );
        assert_eq!(q.line, 2);
    }

    #[test]
    fn escapes_and_new_lines_are_undone() {
        let q = one(
            "What does \\~ mean in MSH-2 `^\\~\\\\&`? Think\\: PID-3\\nsecond line {=repetition separator ~an escape \\{x\\} ~a \\= sign\\= ~a \\# mark}",
        );
        assert_eq!(
            q.stem_md,
            "What does ~ mean in MSH-2 `^~\\&`? Think: PID-3\nsecond line"
        );
        assert_eq!(
            q.options,
            [
                "repetition separator",
                "an escape {x}",
                "a = sign=",
                "a # mark"
            ]
        );
        // An unknown escape keeps its backslash.
        let q = one("Escape `\\E\\` and `\\.br\\` {=yes ~no}");
        assert_eq!(q.stem_md, "Escape `\\E\\` and `\\.br\\`");
    }

    #[test]
    fn positive_weights_make_a_multiple_response_key() {
        let q = one("Pick two {~%50%A ~%-50%B ~%50%C ~%-50%D}");
        assert_eq!(q.kind, QuestionKind::Multiple);
        assert_eq!(q.key, [0, 2]);
        let q = one("Pick three {~%33.33333%A ~%33.33333%B ~%0%C ~%33.33333%D}");
        assert_eq!(q.key, [0, 1, 3]);
        // One positive weight and no `=` is a single answer.
        let q = one("Pick {~%100%A ~%-100%B}");
        assert_eq!((q.kind, q.key.clone()), (QuestionKind::Single, vec![0]));
    }

    #[test]
    fn partial_credit_in_a_single_answer_question_is_a_warning() {
        let p = parse_gift("t.gift", "Q {=right ~%50%partial ~wrong}");
        assert!(p.problems.is_empty());
        assert_eq!(p.questions[0].key, [0]);
        assert!(
            p.warnings[0].message.contains("partial credit"),
            "{:?}",
            p.warnings
        );
    }

    #[test]
    fn missing_word_questions_get_a_blank() {
        let q = one("The DICOM default port is {=104 ~80 ~443} for most archives.");
        assert_eq!(
            q.stem_md,
            "The DICOM default port is _____ for most archives."
        );
    }

    #[test]
    fn multi_line_questions_and_several_per_file() {
        let src = "$CATEGORY: $course$/PACS\n\n::A::First\nquestion {\n=yes\n~no\n}\n\n\n// between\n::B::Second {=1 ~2 ~3}\n";
        let p = parse_gift("t.gift", src);
        assert!(p.problems.is_empty(), "{:?}", p.problems);
        assert_eq!(p.questions.len(), 2);
        assert_eq!(p.questions[0].stem_md, "First\nquestion");
        assert_eq!(p.questions[0].line, 3);
        assert_eq!(p.questions[1].line, 11);
    }

    #[test]
    fn carriage_returns_are_line_breaks() {
        // Old Mac line ends, Windows ones, and a lone CR inside an answer
        // (found by fuzzing: GIFT export could not keep it).
        let p = parse_gift("t.gift", "Q1\r{=a ~b\rc}\r\rQ2\r\n{=d ~e}\r\n");
        assert!(p.problems.is_empty(), "{:?}", p.problems);
        let got: Vec<(usize, &str, Vec<&str>)> = p
            .questions
            .iter()
            .map(|q| {
                (
                    q.line,
                    q.stem_md.as_str(),
                    q.options.iter().map(String::as_str).collect(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [(1, "Q1", vec!["a", "b\nc"]), (5, "Q2", vec!["d", "e"])]
        );
        assert!(p.questions.iter().all(|q| !q.stem_md.contains('\r')));
    }

    #[test]
    fn unsupported_types_are_reported_with_their_line() {
        assert_eq!(problem("\n\nThe sky is blue.{T}"), "t.gift:3: unsupported question type: true/false (only multiple choice can be imported)");
        assert!(problem("Is it? {FALSE#no it is not}").contains("true/false"));
        assert!(problem("Name a modality. {=CT =MR}").contains("short answer"));
        assert!(
            problem("Match {=CT -> computed tomography =MR -> magnetic resonance}")
                .contains("matching")
        );
        assert!(problem("Port? {#104:0}").contains("numerical"));
        assert!(problem("Describe. {}").contains("essay"));
        assert!(problem("Just some text.").contains("description"));
    }

    #[test]
    fn malformed_questions_say_where() {
        assert_eq!(problem("Q1\n{=a ~b"), "t.gift:2: malformed question: `{` is never closed by `}` (write a literal brace as \\{ or \\})");
        assert!(problem("Q } {=a ~b}").contains("`}` without an opening"));
        assert!(problem("::Title Q {=a ~b}").contains("malformed title"));
        assert!(problem("Q {text =a ~b}").contains("text before the first"));
        assert!(problem("Q {=a =b ~c}").contains("more than one `=`"));
        assert!(problem("Q {~a ~b}").contains("no right answer"));
        assert!(problem("Q {=a\n~%fifty%b}").starts_with("t.gift:2: malformed weight"));
        assert!(problem("Q {=a ~%50b}").contains("not closed"));
        assert!(problem("Q {=a ~ # only feedback}").contains("answer 2 is empty"));
        assert!(problem("Q {=a ~b} and {=c ~d}").contains("only one answer block"));
    }

    #[test]
    fn meta_comments_carry_bank_fields() {
        let p = parse_gift(
            "t.gift",
            "// [id:dicomweb-099]\n// pacs-academy: level=intermediate topic=dicomweb module=/intermediate/dicomweb#qido-rs\nQ {=a ~b}\n\nNext {=c ~d}\n",
        );
        assert_eq!(p.questions[0].meta.id.as_deref(), Some("dicomweb-099"));
        assert_eq!(p.questions[0].meta.topic.as_deref(), Some("dicomweb"));
        assert_eq!(
            p.questions[1].meta,
            ImportMeta::default(),
            "meta applies to one question only"
        );
        let p = parse_gift("t.gift", "// pacs-academy: level=advanced\nQ {=a ~b}\n");
        assert_eq!(p.problems.len(), 1);
        assert_eq!(p.problems[0].line, 1);
    }

    #[test]
    fn escaping_round_trips_awkward_text() {
        let awkward = "MSH|^~\\&|RIS|| {x} a=b #1 :: C:\\temp \\n\nline two\n\n```text\nPID|1\n```";
        let mut q = question("awkward-1", "intro", QuestionKind::Multiple, 4, &[1, 3]);
        q.stem_md = awkward.into();
        q.options[2] = "~%50%not a weight".into();
        q.explanation_md = "Because } and { and ####.".into();
        let gift = to_gift(std::slice::from_ref(&q));
        let p = parse_gift("t.gift", &gift);
        assert!(p.problems.is_empty(), "{:?}\n{gift}", p.problems);
        let back = &p.questions[0];
        assert_eq!(back.stem_md, awkward);
        assert_eq!(back.options, q.options);
        assert_eq!(back.key, q.key);
        assert_eq!(back.kind, q.kind);
        assert_eq!(back.explanation_md, q.explanation_md);
        assert_eq!(back.meta.id.as_deref(), Some("awkward-1"));
        assert_eq!(
            back.meta.module.as_deref(),
            Some("/foundation/intro#heading")
        );
    }

    #[test]
    fn text_that_starts_like_a_format_marker_round_trips() {
        // Found by fuzzing: `=[html]S?` came back as `S?`.
        for kind in [QuestionKind::Single, QuestionKind::Multiple] {
            let mut q = question("marker-1", "intro", kind, 4, &[0, 1][..kind_keys(kind)]);
            q.stem_md = "[html]<b> is a tag".into();
            q.options[0] = "[html]S?".into();
            q.options[1] = "[markdown]".into();
            q.options[2] = "%5%[plain]x".into();
            q.options[3] = "[htmlish] stays".into();
            q.explanation_md = "[moodle] is a GIFT format marker.".into();
            let gift = to_gift(std::slice::from_ref(&q));
            let p = parse_gift("t.gift", &gift);
            assert!(p.problems.is_empty(), "{:?}\n{gift}", p.problems);
            let back = &p.questions[0];
            assert_eq!(back.stem_md, q.stem_md, "{gift}");
            assert_eq!(back.options, q.options, "{gift}");
            assert_eq!((back.kind, &back.key), (q.kind, &q.key), "{gift}");
            assert_eq!(back.explanation_md, q.explanation_md, "{gift}");
        }
        assert!(
            starts_with_format("[plain]")
                && !starts_with_format("[plain")
                && !starts_with_format(" [html]x")
        );
    }

    fn kind_keys(kind: QuestionKind) -> usize {
        match kind {
            QuestionKind::Single => 1,
            QuestionKind::Multiple => 2,
        }
    }

    #[test]
    fn multiple_response_weights_sum_to_100_and_minus_100() {
        for (n, keys) in [
            (4, vec![0, 1]),
            (5, vec![0, 2, 4]),
            (6, vec![1, 2, 3, 5]),
            (8, vec![0, 1, 2, 3, 4, 5, 6]),
        ] {
            let q = question("w", "intro", QuestionKind::Multiple, n, &keys);
            let gift = to_gift(&[q]);
            let weights: Vec<f64> = gift
                .lines()
                .filter_map(|l| l.strip_prefix("~%"))
                .filter_map(|l| l.split('%').next())
                .filter_map(|w| w.parse().ok())
                .collect();
            assert_eq!(weights.len(), n);
            let pos: f64 = weights.iter().filter(|w| **w > 0.0).sum();
            let neg: f64 = weights.iter().filter(|w| **w < 0.0).sum();
            assert!((pos - 100.0).abs() < 0.001, "{gift}");
            assert!((neg + 100.0).abs() < 0.001, "{gift}");
            assert_eq!(weights.iter().filter(|w| **w > 0.0).count(), keys.len());
        }
        assert_eq!(weight(100.0 / 3.0), "33.33333");
        assert_eq!(weight(-100.0 / 6.0), "-16.66667");
        assert_eq!(weight(50.0), "50");
    }

    #[test]
    fn no_input_panics() {
        for src in [
            "",
            "{",
            "}",
            "::",
            "::a",
            "::a::",
            "{~}",
            "{=}",
            "{~%",
            "{~%%}",
            "\\",
            "a\\",
            "{=a ~b ####}",
            "[markdown",
            "[html]{=a ~b}",
            "{~%-%a ~b}",
        ] {
            let _ = parse_gift("t.gift", src);
        }
    }
}
