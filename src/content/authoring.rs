//! What the in-browser module editor and the server exchange: module files,
//! revisions, validation findings, previews and the outcome of a save.
//! Shared by the server (`crate::server::authoring`) and the browser.

use serde::{Deserialize, Serialize};

use super::{Level, ModuleSummary};

/// One module file in the content directory.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModuleFile {
    pub level: Level,
    /// The slug the file name gives (`01-imaging-landscape.md` →
    /// `imaging-landscape`); the editor's address uses it.
    pub slug: String,
    /// The front matter title, or `None` when the front matter does not read.
    pub title: Option<String>,
    /// Relative to the content directory: `foundation/01-imaging-landscape.md`.
    pub path: String,
}

impl ModuleFile {
    /// The editor's address for this file.
    pub fn editor_path(&self) -> String {
        editor_path(self.level, &self.slug)
    }
}

/// `/trainer/modules/{level}/{slug}`.
pub fn editor_path(level: Level, slug: &str) -> String {
    format!("/trainer/modules/{}/{slug}", level.slug())
}

/// A module opened for editing: its text and the revision it is at.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenedModule {
    pub file: ModuleFile,
    pub text: String,
    /// SHA-256 of the file's bytes, lowercase hex.
    pub revision: String,
}

/// A problem in a draft, at a 1-based line (0 when it is about the file as
/// a whole).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftFinding {
    pub line: usize,
    pub message: String,
}

/// A draft rendered as the module page renders it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Preview {
    /// Title, summary and objectives, when the front matter reads.
    pub meta: Option<ModuleSummary>,
    /// The body, rendered and sanitised by the module page's renderer.
    pub html: String,
    pub words: u32,
}

/// Validation and preview of a draft, from one request.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DraftReport {
    pub findings: Vec<DraftFinding>,
    pub preview: Preview,
}

/// Why a revision was recorded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RevisionKind {
    /// The file as found on disk (first opened, or changed outside the editor).
    Base,
    /// A new module made in the editor.
    Created,
    /// Saved from the editor.
    Saved,
    /// A draft refused because the file had changed since the editor opened
    /// it; kept so that it is not lost.
    Conflict,
    /// An earlier revision written back.
    Restored,
}

impl RevisionKind {
    pub const ALL: [RevisionKind; 5] = [
        RevisionKind::Base,
        RevisionKind::Created,
        RevisionKind::Saved,
        RevisionKind::Conflict,
        RevisionKind::Restored,
    ];

    /// As stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            RevisionKind::Base => "base",
            RevisionKind::Created => "created",
            RevisionKind::Saved => "saved",
            RevisionKind::Conflict => "conflict",
            RevisionKind::Restored => "restored",
        }
    }

    pub fn parse(s: &str) -> Option<RevisionKind> {
        RevisionKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// In words, for the history panel.
    pub fn label(self) -> &'static str {
        match self {
            RevisionKind::Base => "File on disk",
            RevisionKind::Created => "Created",
            RevisionKind::Saved => "Saved",
            RevisionKind::Conflict => "Refused draft (conflict)",
            RevisionKind::Restored => "Restored",
        }
    }
}

/// One entry of a module's history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevisionSummary {
    pub id: i64,
    /// Its place in this module's history: 1 for the first entry. (`id`
    /// counts across every module; this is the number people see.)
    pub number: u32,
    /// SHA-256 of the text, lowercase hex.
    pub revision: String,
    pub kind: RevisionKind,
    /// `None` for the file as found on disk, or a deleted account.
    pub author: Option<String>,
    /// Unix seconds.
    pub saved_at: i64,
}

/// One revision with its full text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevisionText {
    pub summary: RevisionSummary,
    pub text: String,
}

/// What happened to a save.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SaveOutcome {
    /// Written to the file and recorded.
    Saved {
        revision: String,
        revision_id: i64,
        /// Its number in this module's history.
        revision_number: u32,
    },
    /// The file changed since the editor opened it: nothing was written.
    /// The draft is kept in the history (`draft_revision_id`), and the
    /// file's current text comes back so that both can be compared.
    Conflict {
        current_text: String,
        current_revision: String,
        draft_revision_id: i64,
        /// The draft's number in this module's history.
        draft_number: u32,
    },
    /// The draft breaks a `check-content` rule: nothing was written.
    Invalid { findings: Vec<DraftFinding> },
}

/// The rules for a new module's slug, shared by the browser's form hint
/// and the server: lowercase letters, digits and single hyphens.
pub fn slug_problem(slug: &str) -> Option<&'static str> {
    let valid = !slug.is_empty()
        && slug.len() <= 80
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !slug.starts_with('-')
        && !slug.ends_with('-')
        && !slug.contains("--");
    (!valid).then_some(
        "A slug is 1 to 80 lowercase letters, digits and single hyphens, such as worklist-troubleshooting.",
    )
}

/// One line of a line-by-line comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DiffLine<'a> {
    Same(&'a str),
    /// Only in the first text.
    Removed(&'a str),
    /// Only in the second text.
    Added(&'a str),
}

/// The most lines compared with a full longest-common-subsequence table
/// (each side); longer texts are compared after their common start and end.
const DIFF_LIMIT: usize = 3000;

/// A line diff from `a` to `b` (longest common subsequence of lines).
/// `None` when the parts that differ are too long to compare.
pub fn diff_lines<'a>(a: &'a str, b: &'a str) -> Option<Vec<DiffLine<'a>>> {
    let a: Vec<&str> = a.lines().collect();
    let b: Vec<&str> = b.lines().collect();
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let suffix = a[prefix..]
        .iter()
        .rev()
        .zip(b[prefix..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (ma, mb) = (&a[prefix..a.len() - suffix], &b[prefix..b.len() - suffix]);
    if ma.len() > DIFF_LIMIT || mb.len() > DIFF_LIMIT || ma.len() * mb.len() > 4_000_000 {
        return None;
    }
    // lcs[i][j]: common lines of ma[i..] and mb[j..].
    let width = mb.len() + 1;
    let mut lcs = vec![0u32; (ma.len() + 1) * width];
    for i in (0..ma.len()).rev() {
        for j in (0..mb.len()).rev() {
            lcs[i * width + j] = if ma[i] == mb[j] {
                lcs[(i + 1) * width + j + 1] + 1
            } else {
                lcs[(i + 1) * width + j].max(lcs[i * width + j + 1])
            };
        }
    }
    let mut out: Vec<DiffLine> = a[..prefix].iter().map(|l| DiffLine::Same(l)).collect();
    let (mut i, mut j) = (0, 0);
    while i < ma.len() || j < mb.len() {
        if i < ma.len() && j < mb.len() && ma[i] == mb[j] {
            out.push(DiffLine::Same(ma[i]));
            i += 1;
            j += 1;
        } else if i < ma.len()
            && (j == mb.len() || lcs[(i + 1) * width + j] >= lcs[i * width + j + 1])
        {
            out.push(DiffLine::Removed(ma[i]));
            i += 1;
        } else {
            out.push(DiffLine::Added(mb[j]));
            j += 1;
        }
    }
    out.extend(a[a.len() - suffix..].iter().map(|l| DiffLine::Same(l)));
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diffs_mark_changed_lines_only() {
        use DiffLine::*;
        let d = diff_lines("a\nb\nc\nd\n", "a\nB\nc\nd\ne\n").unwrap();
        assert_eq!(
            d,
            [
                Same("a"),
                Removed("b"),
                Added("B"),
                Same("c"),
                Same("d"),
                Added("e")
            ]
        );
        assert_eq!(diff_lines("x\n", "x\n").unwrap(), [Same("x")]);
        assert_eq!(diff_lines("", "y").unwrap(), [Added("y")]);
        assert_eq!(diff_lines("y", "").unwrap(), [Removed("y")]);
        // Every line of both texts appears once, in order.
        let (a, b) = ("1\n2\n3\n4\n5", "0\n2\n4\n5\n6");
        let d = diff_lines(a, b).unwrap();
        let left: Vec<&str> = d
            .iter()
            .filter_map(|l| match l {
                Same(s) | Removed(s) => Some(*s),
                _ => None,
            })
            .collect();
        let right: Vec<&str> = d
            .iter()
            .filter_map(|l| match l {
                Same(s) | Added(s) => Some(*s),
                _ => None,
            })
            .collect();
        assert_eq!(left, a.lines().collect::<Vec<_>>());
        assert_eq!(right, b.lines().collect::<Vec<_>>());
        assert_eq!(d.iter().filter(|l| matches!(l, Same(_))).count(), 3);
    }

    #[test]
    fn kinds_round_trip() {
        for k in RevisionKind::ALL {
            assert_eq!(RevisionKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(RevisionKind::parse("Saved"), None);
    }

    #[test]
    fn slug_rules_match_the_front_matter_rules() {
        assert!(slug_problem("worklist-troubleshooting").is_none());
        assert!(slug_problem("part10").is_none());
        for bad in [
            "", "Dicom", "-x", "x-", "a--b", "a_b", "../x", "a/b", "a.md",
        ] {
            assert!(slug_problem(bad).is_some(), "{bad}");
        }
    }
}
