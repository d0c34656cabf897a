//! The grader: what each part of a key accepts, and lenient comparison of
//! what the learner typed, chose or clicked.

use crate::hl7::Path;

use super::{Answer, AnswerForm, Exercise, Feedback, Key, PartFeedback, SINGLE};

/// How typed text is compared with the accepted values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TextMode {
    /// A date: `19740312`, `1974-03-12` and `12/03/1974` (UK order) match.
    Date,
    /// A date and time: `20250314093000`, `2025-03-14T09:30:00` and
    /// `2025-03-14 09:30:00` match.
    DateTime,
    /// An identifier: spaces ignored, case-insensitive, and a whole CX
    /// (`NG1234567^^^NGH^MR`) stands for its first component.
    Identifier,
    /// A code or short string: trimmed, case-insensitive.
    Code,
    /// A phone number: only the digits count.
    Phone,
    /// Free text: case-insensitive, runs of spaces count as one, a final
    /// full stop and surrounding quotes are optional.
    Text,
}

/// A part of the material that counts as the right place.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Target {
    pub(crate) path: Path,
    /// Only the path itself, nothing inside it.
    pub(crate) exact: bool,
}

impl Target {
    /// Accepts `path` itself and anything inside it. `path` is a literal
    /// written by the generators; a bad one is a bug caught by the tests.
    pub(crate) fn within(path: &str) -> Target {
        Target {
            path: Path::parse(path).unwrap_or_else(|e| panic!("exercise: bad target {path}: {e}")),
            exact: false,
        }
    }

    /// Accepts only `path` itself (e.g. a whole segment `MSH`, but not
    /// every field in it).
    pub(crate) fn exact(path: &str) -> Target {
        Target {
            exact: true,
            ..Target::within(path)
        }
    }

    /// Whether the clicked or typed `answer` lies inside this target. A
    /// missing repetition number means the first repetition (so `PID-3` is
    /// `PID-3(1)` when the target names a repetition).
    pub(crate) fn accepts(&self, answer: &Path) -> bool {
        let t = &self.path;
        if self.exact {
            return answer == t;
        }
        if answer.segment_id() != t.segment_id() || answer.occurrence() != t.occurrence() {
            return false;
        }
        let Some(field) = t.field() else {
            return true;
        };
        if answer.field() != Some(field) {
            return false;
        }
        let t_rep = t.repetition().or(t.component().map(|_| 1));
        if let Some(r) = t_rep {
            if answer.repetition().unwrap_or(1) != r {
                return false;
            }
        }
        if let Some(c) = t.component() {
            if answer.component() != Some(c) {
                return false;
            }
            if let Some(s) = t.subcomponent() {
                return answer.subcomponent() == Some(s);
            }
        }
        true
    }
}

/// What one part of a key accepts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Check {
    /// Typed text equal (in `mode`) to one of `accepted`.
    Text {
        accepted: Vec<String>,
        mode: TextMode,
    },
    /// Exactly this set of option indices (one for a single choice), out of
    /// `count` options.
    Choice { correct: Vec<usize>, count: usize },
    /// A path inside one of the targets.
    Location(Vec<Target>),
}

/// The key to one part of an answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct PartKey {
    /// The part's name, as in the exercise's form.
    pub(crate) name: String,
    /// What it accepts.
    pub(crate) check: Check,
    /// The right answer in words.
    pub(crate) shown: String,
}

impl PartKey {
    pub(crate) fn new(name: &str, check: Check, shown: impl Into<String>) -> PartKey {
        PartKey {
            name: name.to_owned(),
            check,
            shown: shown.into(),
        }
    }
}

/// Reads a path the way people write them: `pid-5.1`, `PID-5-1`,
/// `PID.5.1`, `PID-3[2].1` (square brackets for the repetition) and
/// `PID 5` all give `PID-5.1`-style paths.
pub fn normalise_path(text: &str) -> Result<Path, String> {
    let compact: String = text
        .trim()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase();
    if compact.is_empty() {
        return Err("Click or type a position in the message, such as PID-5.1.".to_owned());
    }
    let bad = |e: String| format!("That is not a position in the message: {e}.");
    let split = compact
        .char_indices()
        .nth(3)
        .map_or(compact.len(), |(i, _)| i);
    let (segment, mut rest) = compact.split_at(split);
    let mut out = segment.to_owned();
    if rest.starts_with('[') {
        let close = rest.find(']').map_or(rest.len(), |i| i + 1);
        out.push_str(&rest[..close]);
        rest = &rest[close..];
    }
    if let Some(first) = rest.chars().next() {
        match first {
            '-' | '.' | ':' => rest = &rest[1..],
            c if c.is_ascii_digit() => {}
            _ => return Err(bad(format!("unexpected `{first}` after the segment ID"))),
        }
        out.push('-');
        out.extend(rest.chars().map(|c| match c {
            '-' => '.',
            '[' => '(',
            ']' => ')',
            c => c,
        }));
    }
    Path::parse(&out).map_err(|e| bad(e.to_string()))
}

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The digits of a date written `19740312`, `1974-03-12` or `12/03/1974`.
fn date_digits(text: &str) -> String {
    let t = text.trim();
    let parts: Vec<&str> = t.split('/').collect();
    if let [d, m, y] = parts.as_slice() {
        let ok = |s: &str, n: usize| {
            s.len() <= n && !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
        };
        if ok(d, 2) && ok(m, 2) && y.len() == 4 && ok(y, 4) {
            return format!("{y}{:0>2}{:0>2}", m, d);
        }
    }
    t.chars()
        .filter(|c| !matches!(c, '-' | '.' | ' '))
        .collect()
}

fn datetime_digits(text: &str) -> String {
    text.trim()
        .chars()
        .filter(|c| !matches!(c, '-' | ':' | 'T' | 't' | ' ' | '/'))
        .collect()
}

fn identifier(text: &str) -> String {
    let first = text.split('^').next().unwrap_or("");
    first
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_lowercase()
}

fn free_text(text: &str) -> String {
    let t = collapse(text.trim().trim_matches(['"', '\'', '“', '”']));
    t.trim_end_matches('.').trim_end().to_lowercase()
}

/// `text` in the canonical form of `mode`.
fn canonical(text: &str, mode: TextMode) -> String {
    match mode {
        TextMode::Date => date_digits(text),
        TextMode::DateTime => datetime_digits(text),
        TextMode::Identifier => identifier(text),
        TextMode::Code => text.trim().to_lowercase(),
        TextMode::Phone => text.chars().filter(char::is_ascii_digit).collect(),
        TextMode::Text => free_text(text),
    }
}

/// The option indices in a choice answer, or why it cannot be read.
fn read_choice(value: &str, options: &[String], multiple: bool) -> Result<Vec<usize>, String> {
    const CHOOSE: &str = "Choose one of the options.";
    let mut picked = Vec::new();
    for piece in value.split(',') {
        let piece = piece.trim();
        if piece.is_empty() {
            continue;
        }
        let index = match piece.parse::<usize>() {
            Ok(i) => i,
            Err(_) => options
                .iter()
                .position(|o| o.trim().eq_ignore_ascii_case(piece))
                .ok_or_else(|| CHOOSE.to_owned())?,
        };
        if index >= options.len().max(1) || (options.is_empty() && index > 0) {
            return Err(CHOOSE.to_owned());
        }
        if !picked.contains(&index) {
            picked.push(index);
        }
    }
    if picked.is_empty() {
        return Err(CHOOSE.to_owned());
    }
    if !multiple && picked.len() > 1 {
        return Err("Choose only one option.".to_owned());
    }
    picked.sort_unstable();
    Ok(picked)
}

/// The form of each part of the exercise, by name.
fn forms(exercise: &Exercise) -> Vec<(&str, &AnswerForm)> {
    match &exercise.answer {
        AnswerForm::Parts(parts) => parts.iter().map(|p| (p.name.as_str(), &p.form)).collect(),
        other => vec![(SINGLE, other)],
    }
}

fn grade_part(key: &PartKey, form: Option<&AnswerForm>, value: Option<&str>) -> PartFeedback {
    let mut fb = PartFeedback {
        name: key.name.clone(),
        correct: false,
        given: value.unwrap_or("").trim().to_owned(),
        expected: key.shown.clone(),
        answer: String::new(),
        problem: None,
    };
    fb.answer = match &key.check {
        Check::Text { accepted, .. } => accepted.first().cloned().unwrap_or_default(),
        Check::Choice { correct, .. } => match form {
            Some(AnswerForm::Choice { options, .. }) => correct
                .iter()
                .filter_map(|&i| options.get(i).cloned())
                .collect::<Vec<_>>()
                .join("; "),
            _ => String::new(),
        },
        Check::Location(targets) => targets
            .first()
            .map(|t| t.path.to_string())
            .unwrap_or_default(),
    };
    let value = value.unwrap_or("");
    match &key.check {
        Check::Text { accepted, mode } => {
            if value.trim().is_empty() {
                fb.problem = Some("Type an answer.".to_owned());
                return fb;
            }
            let given = canonical(value, *mode);
            fb.correct = !given.is_empty() && accepted.iter().any(|a| canonical(a, *mode) == given);
        }
        Check::Choice { correct, count } => {
            let (options, multiple): (Vec<String>, bool) = match form {
                Some(AnswerForm::Choice {
                    options, multiple, ..
                }) => (options.clone(), *multiple),
                _ => (
                    (0..*count).map(|i| i.to_string()).collect(),
                    correct.len() > 1,
                ),
            };
            match read_choice(value, &options, multiple) {
                Ok(picked) => {
                    fb.given = picked
                        .iter()
                        .filter_map(|&i| options.get(i).cloned())
                        .collect::<Vec<_>>()
                        .join("; ");
                    fb.correct = picked == *correct;
                }
                Err(problem) => fb.problem = Some(problem),
            }
        }
        Check::Location(targets) => match normalise_path(value) {
            Ok(path) => {
                fb.given = path.to_string();
                fb.correct = targets.iter().any(|t| t.accepts(&path));
            }
            Err(problem) => fb.problem = Some(problem),
        },
    }
    fb
}

/// See [`super::grade`].
pub(crate) fn grade(exercise: &Exercise, key: &Key, answer: &Answer) -> Feedback {
    let same = exercise.kind == key.kind
        && exercise.difficulty == key.difficulty
        && exercise.seed == key.seed;
    let forms = forms(exercise);
    let mut parts: Vec<PartFeedback> = key
        .parts
        .iter()
        .map(|pk| {
            let form = forms.iter().find(|(n, _)| *n == pk.name).map(|(_, f)| *f);
            let mut fb = grade_part(pk, form, answer.get(&pk.name));
            if !same {
                fb.correct = false;
                fb.problem = Some("This answer key belongs to a different exercise.".to_owned());
            }
            fb
        })
        .collect();
    for (name, value) in &answer.parts {
        let known = key.parts.iter().any(|p| &p.name == name);
        let repeated = parts.iter().any(|p| &p.name == name);
        if !known && !repeated {
            parts.push(PartFeedback {
                name: name.clone(),
                correct: false,
                given: value.trim().to_owned(),
                expected: String::new(),
                answer: String::new(),
                problem: Some(format!("This exercise has no part called \"{name}\".")),
            });
        }
    }
    Feedback {
        correct: same && parts.iter().all(|p| p.correct),
        parts,
        expected: key.expected.clone(),
        explanation: key.explanation.clone(),
        highlight: key.highlight.clone(),
        learn_more: key.learn_more.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Path {
        normalise_path(s).expect(s)
    }

    #[test]
    fn paths_are_read_leniently() {
        for (typed, canonical) in [
            ("PID-5.1", "PID-5.1"),
            ("pid-5.1", "PID-5.1"),
            ("PID-5-1", "PID-5.1"),
            ("PID.5.1", "PID-5.1"),
            (" PID - 5 . 1 ", "PID-5.1"),
            ("PID-3[2].1", "PID-3(2).1"),
            ("PID-3(2)-1", "PID-3(2).1"),
            ("PID5", "PID-5"),
            ("obx[2]-5", "OBX[2]-5"),
            ("PV1", "PV1"),
            ("MSH-9-2", "MSH-9.2"),
        ] {
            assert_eq!(p(typed).to_string(), canonical, "{typed}");
        }
        for bad in ["", "   ", "5.1", "PID-", "PID-x", "PI", "PID-0", "💥"] {
            assert!(normalise_path(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn targets_accept_their_insides_only() {
        let field = Target::within("OBR-18");
        assert!(field.accepts(&p("OBR-18")));
        assert!(field.accepts(&p("OBR-18.1")));
        assert!(field.accepts(&p("OBR[1]-18(1).1.1")));
        assert!(!field.accepts(&p("OBR-19")));
        assert!(!field.accepts(&p("OBR")));
        assert!(!field.accepts(&p("OBR[2]-18")));
        let rep = Target::within("PID-3(2)");
        assert!(rep.accepts(&p("PID-3(2).1")));
        assert!(rep.accepts(&p("PID-3(2)")));
        assert!(!rep.accepts(&p("PID-3")));
        assert!(!rep.accepts(&p("PID-3.1")));
        let first = Target::within("PID-3(1)");
        assert!(first.accepts(&p("PID-3")));
        assert!(first.accepts(&p("PID-3.1")));
        let comp = Target::within("PID-5.1");
        assert!(comp.accepts(&p("PID-5.1")));
        assert!(comp.accepts(&p("PID-5(1).1")));
        assert!(!comp.accepts(&p("PID-5")));
        assert!(!comp.accepts(&p("PID-5.2")));
        let seg = Target::within("PV1");
        assert!(seg.accepts(&p("PV1")));
        assert!(seg.accepts(&p("PV1-3.1")));
        assert!(!seg.accepts(&p("PID")));
        let whole = Target::exact("MSH");
        assert!(whole.accepts(&p("msh")));
        assert!(!whole.accepts(&p("MSH-9")));
        let sub = Target::within("OBR-32.1.2");
        assert!(sub.accepts(&p("OBR-32.1.2")));
        assert!(!sub.accepts(&p("OBR-32.1")));
    }

    #[test]
    fn text_is_compared_leniently_by_mode() {
        let same = |a: &str, b: &str, m| canonical(a, m) == canonical(b, m);
        assert!(same("19740312", "1974-03-12", TextMode::Date));
        assert!(same("19740312", "12/03/1974", TextMode::Date));
        assert!(same("19740312", " 1974.03.12 ", TextMode::Date));
        assert!(!same("19740312", "03/12/1974", TextMode::Date));
        assert!(same(
            "20250314093000",
            "2025-03-14T09:30:00",
            TextMode::DateTime
        ));
        assert!(same(
            "20250314093000",
            "2025-03-14 09:30:00",
            TextMode::DateTime
        ));
        assert!(!same("20250314093000", "20250314", TextMode::DateTime));
        assert!(same("9990000018", "999 000 0018", TextMode::Identifier));
        assert!(same(
            "NG1234567",
            "ng1234567^^^NGH^MR",
            TextMode::Identifier
        ));
        assert!(same("AA", " aa ", TextMode::Code));
        assert!(same("07700 900123", "07700900123", TextMode::Phone));
        assert!(same(
            "Conclusion: Normal study.",
            "  conclusion:   normal study ",
            TextMode::Text
        ));
        assert!(!same("Smith", "Smyth", TextMode::Code));
    }

    #[test]
    fn choices_are_read_by_index_or_text() {
        let options: Vec<String> = ["AA", "AE", "AR"].iter().map(|s| s.to_string()).collect();
        assert_eq!(read_choice("1", &options, false), Ok(vec![1]));
        assert_eq!(read_choice(" 2 ", &options, false), Ok(vec![2]));
        assert_eq!(read_choice("ae", &options, false), Ok(vec![1]));
        assert_eq!(read_choice("2,0", &options, true), Ok(vec![0, 2]));
        assert!(read_choice("3", &options, false).is_err());
        assert!(read_choice("-1", &options, false).is_err());
        assert!(read_choice("", &options, false).is_err());
        assert!(read_choice("x", &options, false).is_err());
        assert!(read_choice("0,1", &options, false).is_err());
        assert!(read_choice("99999999999999999999999", &options, false).is_err());
    }
}
