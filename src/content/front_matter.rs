//! TOML front matter between `+++` lines, parsed into a typed struct with
//! line numbers for every problem.

use serde::Deserialize;

use super::Level;

/// A problem found in one file, at a 1-based line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub line: usize,
    pub message: String,
}

impl Problem {
    pub fn new(line: usize, message: impl Into<String>) -> Self {
        Problem {
            line,
            message: message.into(),
        }
    }
}

/// The front matter every module carries.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    pub title: String,
    pub slug: String,
    pub level: Level,
    pub order: u32,
    pub minutes: u32,
    pub summary: String,
    pub objectives: Vec<String>,
    #[serde(default)]
    pub prerequisites: Vec<String>,
}

/// A module file split into its parts.
#[derive(Clone, Debug, PartialEq)]
pub struct Split<'a> {
    pub front_matter: &'a str,
    /// Line of the first front-matter line (the one after the opening `+++`).
    pub front_matter_line: usize,
    pub body: &'a str,
    /// Line of the first body line.
    pub body_line: usize,
}

const FENCE: &str = "+++";

/// Splits `+++` front matter from the Markdown body.
pub fn split(source: &str) -> Result<Split<'_>, Problem> {
    let source = source.strip_prefix('\u{feff}').unwrap_or(source);
    let mut lines = source.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    if first.trim_end() != FENCE {
        return Err(Problem::new(
            1,
            "missing front matter: the file must start with a line holding only `+++`",
        ));
    }
    let fm_start = first.len();
    let mut offset = fm_start;
    let mut line_no = 1;
    for line in lines {
        line_no += 1;
        if line.trim_end() == FENCE {
            let body_start = offset + line.len();
            return Ok(Split {
                front_matter: &source[fm_start..offset],
                front_matter_line: 2,
                body: &source[body_start..],
                body_line: line_no + 1,
            });
        }
        offset += line.len();
    }
    Err(Problem::new(
        1,
        "front matter is not closed: add a line holding only `+++` after it",
    ))
}

fn line_of(text: &str, byte: usize) -> usize {
    text[..byte.min(text.len())].matches('\n').count()
}

/// Parses and checks the front matter of a module file.
pub fn parse(split: &Split<'_>) -> Result<FrontMatter, Vec<Problem>> {
    let fm: FrontMatter = toml::from_str(split.front_matter).map_err(|e| {
        let line = e
            .span()
            .map(|s| split.front_matter_line + line_of(split.front_matter, s.start))
            .unwrap_or(split.front_matter_line);
        vec![Problem::new(
            line,
            format!("front matter: {}", e.message().trim()),
        )]
    })?;
    let problems = validate(&fm, split);
    if problems.is_empty() {
        Ok(fm)
    } else {
        Err(problems)
    }
}

/// Finds the line where `key = ` is written, for messages about a value.
pub fn key_line(split: &Split<'_>, key: &str) -> usize {
    split
        .front_matter
        .lines()
        .position(|l| {
            let l = l.trim_start();
            l.strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        })
        .map(|i| split.front_matter_line + i)
        .unwrap_or(split.front_matter_line)
}

pub fn is_valid_slug(slug: &str) -> bool {
    !slug.is_empty()
        && slug.len() <= 80
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !slug.starts_with('-')
        && !slug.ends_with('-')
        && !slug.contains("--")
}

fn validate(fm: &FrontMatter, split: &Split<'_>) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut fail = |key: &str, message: String| {
        problems.push(Problem::new(key_line(split, key), message));
    };
    if fm.title.trim().is_empty() {
        fail("title", "front matter: `title` must not be empty".into());
    }
    if !is_valid_slug(&fm.slug) {
        fail(
            "slug",
            format!(
                "front matter: slug `{}` must be lowercase letters, digits and single hyphens",
                fm.slug
            ),
        );
    }
    if fm.order == 0 {
        fail("order", "front matter: `order` starts at 1".into());
    }
    if fm.minutes == 0 || fm.minutes > 600 {
        fail(
            "minutes",
            format!(
                "front matter: `minutes` is {}, expected 1 to 600",
                fm.minutes
            ),
        );
    }
    if fm.summary.trim().is_empty() {
        fail(
            "summary",
            "front matter: `summary` must not be empty".into(),
        );
    }
    if fm.objectives.is_empty() || fm.objectives.iter().any(|o| o.trim().is_empty()) {
        fail(
            "objectives",
            "front matter: `objectives` needs at least one non-empty learning objective".into(),
        );
    }
    for p in &fm.prerequisites {
        if p == &fm.slug {
            fail(
                "prerequisites",
                format!("front matter: module `{p}` lists itself as a prerequisite"),
            );
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "+++\ntitle = \"T\"\nslug = \"a-b\"\nlevel = \"foundation\"\norder = 1\nminutes = 30\nsummary = \"S\"\nobjectives = [\"Do X\"]\n+++\n\nBody text.\n";

    #[test]
    fn splits_and_parses_good_front_matter() {
        let s = split(GOOD).unwrap();
        assert_eq!(s.body_line, 10);
        assert!(s.body.contains("Body text."));
        let fm = parse(&s).unwrap();
        assert_eq!(fm.slug, "a-b");
        assert_eq!(fm.level, Level::Foundation);
        assert!(fm.prerequisites.is_empty());
    }

    #[test]
    fn byte_order_mark_is_ignored() {
        let with_bom = format!("\u{feff}{GOOD}");
        assert!(split(&with_bom).is_ok());
    }

    #[test]
    fn missing_front_matter_is_line_one() {
        let e = split("# Title\n").unwrap_err();
        assert_eq!(e.line, 1);
        assert!(e.message.contains("missing front matter"));
    }

    #[test]
    fn unclosed_front_matter_is_reported() {
        let e = split("+++\ntitle = \"x\"\n").unwrap_err();
        assert!(e.message.contains("not closed"));
    }

    #[test]
    fn toml_syntax_error_points_at_its_line() {
        let src = GOOD.replace("order = 1", "order = = 1");
        let e = parse(&split(&src).unwrap()).unwrap_err();
        assert_eq!(e[0].line, 5, "{e:?}");
    }

    #[test]
    fn wrong_type_points_at_its_line() {
        let src = GOOD.replace("minutes = 30", "minutes = \"thirty\"");
        let e = parse(&split(&src).unwrap()).unwrap_err();
        assert_eq!(e[0].line, 6, "{e:?}");
    }

    #[test]
    fn missing_field_is_named() {
        let src = GOOD.replace("summary = \"S\"\n", "");
        let e = parse(&split(&src).unwrap()).unwrap_err();
        assert!(e[0].message.contains("summary"), "{e:?}");
    }

    #[test]
    fn unknown_field_is_rejected() {
        let src = GOOD.replace("order = 1", "order = 1\nauthor = \"me\"");
        let e = parse(&split(&src).unwrap()).unwrap_err();
        assert!(e[0].message.contains("author"), "{e:?}");
        assert_eq!(e[0].line, 6);
    }

    #[test]
    fn unknown_level_is_rejected() {
        let src = GOOD.replace("\"foundation\"", "\"advanced\"");
        let e = parse(&split(&src).unwrap()).unwrap_err();
        assert_eq!(e[0].line, 4, "{e:?}");
    }

    #[test]
    fn bad_values_point_at_their_keys() {
        let src = GOOD
            .replace("slug = \"a-b\"", "slug = \"A B\"")
            .replace("minutes = 30", "minutes = 0")
            .replace("[\"Do X\"]", "[]");
        let e = parse(&split(&src).unwrap()).unwrap_err();
        let lines: Vec<usize> = e.iter().map(|p| p.line).collect();
        assert_eq!(lines, vec![3, 6, 8], "{e:?}");
    }

    #[test]
    fn slug_rules() {
        assert!(is_valid_slug("dicom-networking"));
        assert!(is_valid_slug("part10"));
        assert!(!is_valid_slug("Dicom"));
        assert!(!is_valid_slug("-x"));
        assert!(!is_valid_slug("a--b"));
        assert!(!is_valid_slug(""));
        assert!(!is_valid_slug("a_b"));
    }
}
