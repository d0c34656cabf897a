//! The question bank: questions, where they were written, and the rules a
//! question must follow.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::level::Level;

/// Most options a question may have (`A` to `H`).
pub const MAX_OPTIONS: usize = 8;
/// Fewest options a question may have.
pub const MIN_OPTIONS: usize = 2;

/// One problem, as `file:line: message`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Problem {
    /// The file as the caller named it (empty when there is no file).
    pub file: String,
    /// 1-based line; 0 when the problem is about the whole file.
    pub line: usize,
    pub message: String,
}

impl Problem {
    pub fn new(file: impl Into<String>, line: usize, message: impl Into<String>) -> Self {
        Problem {
            file: file.into(),
            line,
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.message)
    }
}

/// Where something was written: the file, its first line, and the line of
/// each field, so that a problem with a value points at that value.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Origin {
    pub file: String,
    pub line: usize,
    /// Field name (as written in the file) to line.
    pub fields: BTreeMap<String, usize>,
    /// The level the file's folder or name stands for, if any.
    pub expected_level: Option<Level>,
}

impl Origin {
    /// The line of `field`, or the item's first line when it is not known.
    pub fn line_of(&self, field: &str) -> usize {
        self.fields.get(field).copied().unwrap_or(self.line)
    }

    pub fn problem(&self, field: &str, message: impl Into<String>) -> Problem {
        Problem::new(self.file.clone(), self.line_of(field), message)
    }
}

/// Single best answer, or multiple response.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum QuestionKind {
    /// One option is right; the candidate picks one.
    Single,
    /// Two or more options are right; the candidate ticks every one.
    Multiple,
}

impl QuestionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            QuestionKind::Single => "single",
            QuestionKind::Multiple => "multiple",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "single" => Some(QuestionKind::Single),
            "multiple" => Some(QuestionKind::Multiple),
            _ => None,
        }
    }
}

/// One exam question.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Question {
    /// Unique across the bank: lower-case letters, digits and `-`.
    pub id: String,
    pub level: Level,
    /// The slug of the module of `level` the question tests.
    pub topic: String,
    pub kind: QuestionKind,
    /// The question text, Markdown.
    pub stem_md: String,
    /// The options in the order the author wrote them, Markdown.
    pub options: Vec<String>,
    /// Indices into `options` of the right answers, ascending.
    pub key: Vec<usize>,
    /// Shown in the review: why the key is right and the others are not.
    pub explanation_md: String,
    /// Where the course teaches this: `/level/slug#heading`.
    pub module: String,
    /// Retired questions stay in the bank (old papers refer to them) but are
    /// never drawn again.
    #[serde(default)]
    pub retired: bool,
    #[serde(skip)]
    pub origin: Origin,
}

/// The letter of option `index`: 0 is `A`. `None` past `H`.
pub fn option_letter(index: usize) -> Option<char> {
    (index < MAX_OPTIONS).then(|| char::from(b'A' + index as u8))
}

/// The index of option letter `A`..`H` (upper case only).
pub fn letter_index(letter: &str) -> Option<usize> {
    match letter.as_bytes() {
        [b @ b'A'..=b'H'] => Some(usize::from(b - b'A')),
        _ => None,
    }
}

/// True for an id or slug: `a-z`, `0-9` and single inner `-`, at most 80 long.
pub fn is_valid_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 80
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
}

/// Every question of the bank, both levels.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct QuestionSet {
    pub questions: Vec<Question>,
}

impl QuestionSet {
    pub fn new(questions: Vec<Question>) -> Self {
        QuestionSet { questions }
    }

    pub fn get(&self, id: &str) -> Option<&Question> {
        self.questions.iter().find(|q| q.id == id)
    }

    /// Questions of `level` and `topic` that may be drawn (not retired), in
    /// id order so that the draw does not depend on file order.
    pub fn drawable(&self, level: Level, topic: &str) -> Vec<&Question> {
        let mut list: Vec<&Question> = self
            .questions
            .iter()
            .filter(|q| q.level == level && q.topic == topic && !q.retired)
            .collect();
        list.sort_by(|a, b| a.id.cmp(&b.id));
        list
    }

    pub fn len(&self) -> usize {
        self.questions.len()
    }

    pub fn is_empty(&self) -> bool {
        self.questions.is_empty()
    }
}

/// One module as the checker sees it: its slug, heading anchors and length.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModuleInfo {
    pub level: Level,
    pub slug: String,
    pub anchors: BTreeSet<String>,
    pub words: u32,
}

/// The course modules, for checking topics and module links.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ModuleIndex {
    pub modules: Vec<ModuleInfo>,
}

impl ModuleIndex {
    pub fn find(&self, level: Level, slug: &str) -> Option<&ModuleInfo> {
        self.modules
            .iter()
            .find(|m| m.level == level && m.slug == slug)
    }

    /// The slugs of `level`'s modules, in index order.
    pub fn slugs(&self, level: Level) -> Vec<&str> {
        self.modules
            .iter()
            .filter(|m| m.level == level)
            .map(|m| m.slug.as_str())
            .collect()
    }

    /// Why `link` (`/level/slug#heading`) does not point at a module
    /// heading, or `None` when it does.
    pub fn link_problem(&self, link: &str) -> Option<String> {
        let (path, fragment) = match link.split_once('#') {
            Some((p, f)) => (p, Some(f)),
            None => (link, None),
        };
        let mut parts = path.strip_prefix('/').unwrap_or("").split('/');
        let (Some(level), Some(slug), None) = (
            parts.next().and_then(Level::from_slug),
            parts.next(),
            parts.next(),
        ) else {
            return Some(format!(
                "module link `{link}` must be written /foundation/<slug>#<heading> or /intermediate/<slug>#<heading>"
            ));
        };
        let Some(module) = self.find(level, slug) else {
            return Some(format!(
                "module link `{link}`: there is no module `{slug}` in the {} course",
                level.slug()
            ));
        };
        match fragment {
            None | Some("") => Some(format!(
                "module link `{link}` needs the heading that teaches this: add #<heading>"
            )),
            Some(f) if !module.anchors.contains(f) => Some(format!(
                "module link `{link}`: module `{slug}` has no heading with anchor `#{f}`"
            )),
            Some(_) => None,
        }
    }
}

/// The rules one question must follow on its own, as (field, message).
/// `require_explanation` is off for imports (Aiken has no explanations).
pub fn shape_problems(q: &Question, require_explanation: bool) -> Vec<(&'static str, String)> {
    let mut out: Vec<(&'static str, String)> = Vec::new();
    if !is_valid_id(&q.id) {
        out.push((
            "id",
            format!(
                "id `{}` must be lower-case letters, digits and single hyphens, such as `dicomweb-012`",
                q.id
            ),
        ));
    }
    if q.stem_md.trim().is_empty() {
        out.push(("stem", "the stem (question text) is empty".into()));
    }
    let n = q.options.len();
    if !(MIN_OPTIONS..=MAX_OPTIONS).contains(&n) {
        out.push((
            "options",
            format!("{n} option(s): a question needs {MIN_OPTIONS} to {MAX_OPTIONS} (A to H)"),
        ));
    }
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (i, o) in q.options.iter().enumerate() {
        let letter = option_letter(i).unwrap_or('?');
        if o.trim().is_empty() {
            out.push(("options", format!("option {letter} is empty")));
            continue;
        }
        // Case matters: `DICOM` and `dicom` may be the point of a question.
        let norm = o.split_whitespace().collect::<Vec<_>>().join(" ");
        if let Some(first) = seen.get(&norm) {
            let first = option_letter(*first).unwrap_or('?');
            out.push(("options", format!("option {letter} repeats option {first}")));
        } else {
            seen.insert(norm, i);
        }
    }
    let mut keys = BTreeSet::new();
    for &k in &q.key {
        if k >= n {
            let last = option_letter(n.saturating_sub(1)).unwrap_or('?');
            out.push((
                "key",
                format!(
                    "key `{}` is not an option: the options run from A to {last}",
                    option_letter(k)
                        .map(String::from)
                        .unwrap_or_else(|| k.to_string())
                ),
            ));
        }
        if !keys.insert(k) {
            out.push((
                "key",
                format!("key `{}` is given twice", option_letter(k).unwrap_or('?')),
            ));
        }
    }
    match q.kind {
        QuestionKind::Single if keys.len() != 1 => out.push((
            "key",
            format!(
                "a single-answer question has exactly one key, this one has {}",
                keys.len()
            ),
        )),
        QuestionKind::Multiple if keys.len() < 2 => out.push((
            "key",
            format!(
                "a multiple-response question has at least two keys, this one has {}: make it `type = \"single\"`",
                keys.len()
            ),
        )),
        QuestionKind::Multiple if n > 0 && keys.len() >= n => out.push((
            "key",
            "every option is a key: leave at least one wrong option, or ticking everything scores".into(),
        )),
        _ => {}
    }
    if require_explanation && q.explanation_md.trim().is_empty() {
        out.push((
            "explanation",
            "the explanation is empty: candidates read it in the review".into(),
        ));
    }
    if !is_valid_id(&q.topic) {
        out.push((
            "topic",
            format!("topic `{}` must be a module slug", q.topic),
        ));
    }
    out
}

/// Checks the whole bank: each question's shape, unique ids, the level
/// against the folder, and (when `modules` is given) that the topic is a
/// module of the question's level and the module link points at a heading.
pub fn validate_bank(bank: &QuestionSet, modules: Option<&ModuleIndex>) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut ids: HashMap<&str, &Question> = HashMap::new();
    for q in &bank.questions {
        let o = &q.origin;
        for (field, message) in shape_problems(q, true) {
            problems.push(o.problem(field, message));
        }
        if let Some(first) = ids.get(q.id.as_str()) {
            problems.push(o.problem(
                "id",
                format!(
                    "duplicate id `{}`: already used at {}:{}",
                    q.id, first.origin.file, first.origin.line
                ),
            ));
        } else {
            ids.insert(q.id.as_str(), q);
        }
        if let Some(expected) = o.expected_level {
            if expected != q.level {
                problems.push(o.problem(
                    "level",
                    format!(
                        "level is `{}` but the file is in the `{}` folder",
                        q.level.slug(),
                        expected.slug()
                    ),
                ));
            }
        }
        if let Some(index) = modules {
            if is_valid_id(&q.topic) && index.find(q.level, &q.topic).is_none() {
                problems.push(o.problem(
                    "topic",
                    format!(
                        "topic `{}` is not a module of the {} course; use one of: {}",
                        q.topic,
                        q.level.slug(),
                        index.slugs(q.level).join(", ")
                    ),
                ));
            }
            if let Some(message) = index.link_problem(&q.module) {
                problems.push(o.problem("module", message));
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exam::testutil::question;

    fn index() -> ModuleIndex {
        ModuleIndex {
            modules: vec![ModuleInfo {
                level: Level::Foundation,
                slug: "intro".into(),
                anchors: ["heading".to_string()].into_iter().collect(),
                words: 100,
            }],
        }
    }

    fn messages(q: Question) -> Vec<String> {
        validate_bank(&QuestionSet::new(vec![q]), Some(&index()))
            .into_iter()
            .map(|p| p.message)
            .collect()
    }

    #[test]
    fn a_good_question_passes() {
        assert_eq!(
            messages(question("q-1", "intro", QuestionKind::Single, 4, &[1])),
            Vec::<String>::new()
        );
        assert!(messages(question("q-1", "intro", QuestionKind::Multiple, 4, &[0, 2])).is_empty());
        // Options that differ only in case are different answers.
        let mut q = question("q-1", "intro", QuestionKind::Single, 2, &[0]);
        q.options = vec!["`DICOM\\IM1`".into(), "`dicom\\im1`".into()];
        assert!(messages(q).is_empty());
    }

    #[test]
    fn letters_map_both_ways() {
        assert_eq!(option_letter(0), Some('A'));
        assert_eq!(option_letter(7), Some('H'));
        assert_eq!(option_letter(8), None);
        assert_eq!(letter_index("A"), Some(0));
        assert_eq!(letter_index("H"), Some(7));
        assert_eq!(letter_index("I"), None);
        assert_eq!(letter_index("a"), None);
        assert_eq!(letter_index("AB"), None);
    }

    #[test]
    fn each_rule_fails_on_its_own() {
        let base = || question("q-1", "intro", QuestionKind::Single, 4, &[1]);
        let has = |q: Question, needle: &str| {
            let m = messages(q);
            assert!(
                m.iter().any(|m| m.contains(needle)),
                "{needle:?} not in {m:?}"
            );
        };
        has(
            question("q-1", "intro", QuestionKind::Single, 1, &[0]),
            "1 option(s)",
        );
        has(
            question("q-1", "intro", QuestionKind::Single, 9, &[0]),
            "9 option(s)",
        );
        has(
            question("q-1", "intro", QuestionKind::Single, 4, &[4]),
            "key `E` is not an option",
        );
        has(
            question("q-1", "intro", QuestionKind::Single, 4, &[0, 1]),
            "exactly one key",
        );
        has(
            question("q-1", "intro", QuestionKind::Multiple, 4, &[1]),
            "at least two keys",
        );
        has(
            question("q-1", "intro", QuestionKind::Multiple, 3, &[0, 1, 2]),
            "every option is a key",
        );
        has(
            question("q-1", "intro", QuestionKind::Multiple, 4, &[1, 1]),
            "given twice",
        );
        let mut q = base();
        q.stem_md = "  \n".into();
        has(q, "stem");
        let mut q = base();
        q.options[2] = " ".into();
        has(q, "option C is empty");
        let mut q = base();
        q.options[3] = format!("  {} ", q.options[0].replace(' ', "  "));
        has(q, "option D repeats option A");
        let mut q = base();
        q.id = "Bad Id".into();
        has(q, "id `Bad Id`");
        let mut q = base();
        q.topic = "outro".into();
        has(q, "topic `outro` is not a module");
        let mut q = base();
        q.module = "/foundation/intro#nowhere".into();
        has(q, "no heading with anchor `#nowhere`");
        let mut q = base();
        q.module = "/foundation/intro".into();
        has(q, "needs the heading");
        let mut q = base();
        q.module = "/intermediate/intro#heading".into();
        has(q, "no module `intro` in the intermediate course");
        let mut q = base();
        q.module = "intro#heading".into();
        has(q, "must be written");
        let mut q = base();
        q.explanation_md = String::new();
        has(q, "explanation is empty");
        let mut q = base();
        q.origin.expected_level = Some(Level::Intermediate);
        has(q, "in the `intermediate` folder");
    }

    #[test]
    fn duplicate_ids_point_at_the_first_use() {
        let a = question("q-1", "intro", QuestionKind::Single, 4, &[1]);
        let mut b = a.clone();
        b.origin.line = 30;
        b.origin.file = "other.toml".into();
        let p = validate_bank(&QuestionSet::new(vec![a, b]), None);
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(
            p[0].to_string(),
            "other.toml:30: duplicate id `q-1`: already used at bank.toml:1"
        );
    }

    #[test]
    fn field_lines_are_used_when_known() {
        let mut q = question("q-1", "intro", QuestionKind::Single, 4, &[7]);
        q.origin.fields.insert("key".into(), 12);
        let p = validate_bank(&QuestionSet::new(vec![q]), None);
        assert_eq!(p[0].line, 12);
    }
}
