//! `pacs-academy check-content`: every rule a module must follow, reported
//! as `file:line: message`.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use super::front_matter::{self, Problem};
use super::render::{Cancelled, AUTHOR_HTML_TAGS, CODE_KINDS};
use super::store::{load_source_cancellable, module_files, LoadedModule};
use super::Level;

/// One problem in one file.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Finding {
    pub path: PathBuf,
    pub line: usize,
    pub message: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.path.display(), self.line, self.message)
    }
}

/// The result of checking a content directory.
#[derive(Debug, Default)]
pub struct Report {
    pub modules: usize,
    pub findings: Vec<Finding>,
}

/// Site paths that are not modules but may be linked from a module.
const APP_PATHS: &[&str] = &["/", "/foundation", "/intermediate"];

struct Checked {
    level: Level,
    module: LoadedModule,
    source: String,
}

/// A module file larger than this is reported, not read: the biggest
/// shipped module is under 100 KiB, and the editor refuses drafts over
/// 512 KiB.
pub const MAX_MODULE_FILE_BYTES: u64 = 1 << 20;

/// Reads a module file of the content folder `dir`, refusing what a content
/// folder should never hold: a symbolic link that leads outside `dir`, a
/// device, pipe or folder, and a file over [`MAX_MODULE_FILE_BYTES`]. The
/// error is the sentence for the finding.
pub fn read_module_file(dir: &Path, path: &Path) -> Result<String, String> {
    use std::io::Read;
    let link = std::fs::symlink_metadata(path).map_err(|e| format!("cannot read file: {e}"))?;
    if link.file_type().is_symlink() {
        let target = std::fs::canonicalize(path).map_err(|e| {
            format!("cannot read file: a symbolic link that does not resolve ({e})")
        })?;
        let root = std::fs::canonicalize(dir).map_err(|e| format!("cannot read file: {e}"))?;
        if !target.starts_with(&root) {
            return Err(format!(
                "not read: a symbolic link to {}, outside the content folder",
                target.display()
            ));
        }
    }
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot read file: {e}"))?;
    if !meta.is_file() {
        return Err("not read: not a regular file (a device, pipe or folder)".into());
    }
    if meta.len() > MAX_MODULE_FILE_BYTES {
        return Err(format!(
            "not read: {} bytes, more than the {MAX_MODULE_FILE_BYTES} bytes (1 MiB) a module may have",
            meta.len()
        ));
    }
    let file = std::fs::File::open(path).map_err(|e| format!("cannot read file: {e}"))?;
    let mut bytes = Vec::new();
    // The file may have grown since its size was read.
    file.take(MAX_MODULE_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read file: {e}"))?;
    if bytes.len() as u64 > MAX_MODULE_FILE_BYTES {
        return Err(format!(
            "not read: more than the {MAX_MODULE_FILE_BYTES} bytes (1 MiB) a module may have"
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "cannot read file: not UTF-8 (byte {} is invalid)",
            e.utf8_error().valid_up_to()
        )
    })
}

/// Checks every module under `dir/foundation` and `dir/intermediate`.
pub fn check_dir(dir: &Path) -> Report {
    let mut report = Report::default();
    let mut push = |path: &Path, p: Problem| {
        report.findings.push(Finding {
            path: path.to_path_buf(),
            line: p.line,
            message: p.message,
        })
    };
    if !dir.is_dir() {
        push(
            dir,
            Problem::new(0, "content directory not found (expected a folder)"),
        );
        return report;
    }
    let files = match module_files(dir) {
        Ok(f) => f,
        Err(e) => {
            push(dir, Problem::new(0, format!("cannot list modules: {e}")));
            return report;
        }
    };
    if files.is_empty() {
        push(
            dir,
            Problem::new(
                0,
                "no modules found: put Markdown files in foundation/ and intermediate/",
            ),
        );
    }
    let mut sources = Vec::new();
    for (level, path) in files {
        match read_module_file(dir, &path) {
            Ok(source) => sources.push((level, path, source)),
            Err(e) => push(&path, Problem::new(1, e)),
        }
    }
    // Nothing else holds the flag, so the check always runs to the end.
    report.modules =
        check_modules(dir, sources, &mut report.findings, &AtomicBool::new(false)).unwrap_or(0);
    // The exam question bank and definitions: see content::questions.
    report.findings.extend(super::questions::findings(dir));
    report.findings.sort();
    report
}

/// Checks one module's text as if it were saved at `path` (a file in the
/// `level` folder of `dir`), against the other modules of `dir` as they are
/// on disk: the same rules as [`check_dir`], cross-file rules included. Only
/// the findings about this module are returned, sorted by line.
///
/// The draft is checked after every other module, so a slug or order it
/// shares with another file is reported on the draft.
pub fn check_module_source(dir: &Path, level: Level, path: &Path, source: &str) -> Vec<Finding> {
    check_module_source_cancellable(dir, level, path, source, &AtomicBool::new(false))
        .unwrap_or_default()
}

/// [`check_module_source`], giving up soon after `cancel` is set.
pub fn check_module_source_cancellable(
    dir: &Path,
    level: Level,
    path: &Path,
    source: &str,
    cancel: &AtomicBool,
) -> Result<Vec<Finding>, Cancelled> {
    let mut sources: Vec<(Level, PathBuf, String)> = module_files(dir)
        .unwrap_or_default()
        .into_iter()
        .filter(|(_, p)| p != path)
        .filter_map(|(l, p)| read_module_file(dir, &p).ok().map(|s| (l, p, s)))
        .collect();
    sources.push((level, path.to_path_buf(), source.to_string()));
    let mut findings = Vec::new();
    check_modules(dir, sources, &mut findings, cancel)?;
    findings.retain(|f| f.path == path);
    findings.sort();
    Ok(findings)
}

/// Every module rule over `sources` (level folder, path, text), in order:
/// each file on its own, then the cross-file rules. Returns how many
/// modules loaded.
fn check_modules(
    dir: &Path,
    sources: Vec<(Level, PathBuf, String)>,
    findings: &mut Vec<Finding>,
    cancel: &AtomicBool,
) -> Result<usize, Cancelled> {
    let mut push = |path: &Path, p: Problem| {
        findings.push(Finding {
            path: path.to_path_buf(),
            line: p.line,
            message: p.message,
        })
    };
    let mut loaded: Vec<Checked> = Vec::new();
    for (level, path, source) in sources {
        match load_source_cancellable(&path, &source, cancel)? {
            Ok(module) => {
                for p in &module.rendered.problems {
                    push(&path, p.clone());
                }
                loaded.push(Checked {
                    level,
                    module,
                    source,
                });
            }
            Err(problems) => problems.into_iter().for_each(|p| push(&path, p)),
        }
    }

    // Cross-file rules: slugs, order, prerequisites, links.
    let mut slugs: HashMap<&str, &Checked> = HashMap::new();
    let mut orders: HashMap<(Level, u32), &Checked> = HashMap::new();
    for c in &loaded {
        let fm = &c.module.front_matter;
        let split = front_matter::split(&c.source).expect("loaded files have front matter");
        let path = &c.module.path;
        if fm.level != c.level {
            push(
                path,
                Problem::new(
                    front_matter::key_line(&split, "level"),
                    format!(
                        "level is `{}` but the file is in the `{}` folder",
                        fm.level.slug(),
                        c.level.slug()
                    ),
                ),
            );
        }
        if let Some(first) = slugs.get(fm.slug.as_str()) {
            push(
                path,
                Problem::new(
                    front_matter::key_line(&split, "slug"),
                    format!(
                        "duplicate slug `{}`: already used by {}",
                        fm.slug,
                        first.module.path.display()
                    ),
                ),
            );
        } else {
            slugs.insert(fm.slug.as_str(), c);
        }
        if let Some(first) = orders.get(&(fm.level, fm.order)) {
            push(
                path,
                Problem::new(
                    front_matter::key_line(&split, "order"),
                    format!(
                        "duplicate order {} in the {} course: already used by {}",
                        fm.order,
                        fm.level.slug(),
                        first.module.path.display()
                    ),
                ),
            );
        } else {
            orders.insert((fm.level, fm.order), c);
        }
    }
    // The first module to use a slug owns it (later ones are reported above).
    let mut anchors: Anchors = HashMap::new();
    for c in &loaded {
        anchors
            .entry(c.module.front_matter.slug.as_str())
            .or_insert_with(|| {
                (
                    c.module.front_matter.level,
                    c.module
                        .rendered
                        .heading_ids
                        .iter()
                        .map(String::as_str)
                        .collect(),
                )
            });
    }
    let images_dir = dir.join("images");
    for c in &loaded {
        let fm = &c.module.front_matter;
        let path = &c.module.path;
        let split = front_matter::split(&c.source).expect("loaded files have front matter");
        for prereq in &fm.prerequisites {
            let line = front_matter::key_line(&split, "prerequisites");
            match slugs.get(prereq.as_str()) {
                None => push(
                    path,
                    Problem::new(
                        line,
                        format!("prerequisite `{prereq}` is not a module slug"),
                    ),
                ),
                Some(p) => {
                    let pf = &p.module.front_matter;
                    if (pf.level, pf.order) >= (fm.level, fm.order) && pf.slug != fm.slug {
                        push(
                            path,
                            Problem::new(
                                line,
                                format!(
                                    "prerequisite `{prereq}` comes after this module in the courses"
                                ),
                            ),
                        );
                    }
                }
            }
        }
        let r = &c.module.rendered;
        for block in &r.code_blocks {
            match block.value.as_deref() {
                None => push(
                    path,
                    Problem::new(
                        block.line,
                        format!(
                            "code block has no kind: start it with ```text or one of {}",
                            kind_list()
                        ),
                    ),
                ),
                Some(k) if !CODE_KINDS.iter().any(|(name, _)| *name == k) => push(
                    path,
                    Problem::new(
                        block.line,
                        format!("unknown code block kind `{k}`: use one of {}", kind_list()),
                    ),
                ),
                Some(_) => {}
            }
        }
        for tag in &r.html_tags {
            if !AUTHOR_HTML_TAGS.contains(&tag.value.as_str()) {
                push(
                    path,
                    Problem::new(
                        tag.line,
                        format!(
                            "HTML tag <{}> is not allowed and would be removed; allowed: {}",
                            tag.value,
                            AUTHOR_HTML_TAGS.join(", ")
                        ),
                    ),
                );
            }
        }
        for link in &r.links {
            if let Some(message) = check_link(&link.value, fm.slug.as_str(), &anchors, dir) {
                push(path, Problem::new(link.line, message));
            }
        }
        for image in &r.images {
            if image.alt.trim().is_empty() {
                push(
                    path,
                    Problem::new(
                        image.line,
                        format!(
                            "image `{}` has no alt text: describe it for screen-reader users",
                            image.src
                        ),
                    ),
                );
            }
            match image.src.strip_prefix("/images/") {
                Some(name)
                    if !name.is_empty() && !name.contains("..") && images_dir.join(name).is_file() => {}
                Some(_) => push(
                    path,
                    Problem::new(
                        image.line,
                        format!(
                            "missing image `{}`: no such file in {}",
                            image.src,
                            images_dir.display()
                        ),
                    ),
                ),
                None => push(
                    path,
                    Problem::new(
                        image.line,
                        format!(
                            "image `{}` must be a file in the content images folder, written as /images/<name>",
                            image.src
                        ),
                    ),
                ),
            }
        }
    }
    Ok(loaded.len())
}

fn kind_list() -> String {
    CODE_KINDS
        .iter()
        .map(|(k, _)| *k)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Each module's level and heading anchors, by slug.
type Anchors<'a> = HashMap<&'a str, (Level, HashSet<&'a str>)>;

fn check_link(target: &str, own_slug: &str, anchors: &Anchors<'_>, dir: &Path) -> Option<String> {
    if target.starts_with("https://") || target.starts_with("mailto:") {
        return None;
    }
    if target.starts_with("http://") {
        return Some(format!("link `{target}` must use https://"));
    }
    let (path, fragment) = match target.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (target, None),
    };
    let page_slug = if path.is_empty() {
        Some(own_slug)
    } else if let Some(rest) = path.strip_prefix('/') {
        if APP_PATHS.contains(&path) {
            return fragment.map(|f| {
                format!("link `{target}`: anchors are only checked on module pages, remove `#{f}`")
            });
        }
        if let Some(name) = rest.strip_prefix("images/") {
            return (!dir.join("images").join(name).is_file())
                .then(|| format!("broken link `{target}`: no such image"));
        }
        let mut parts = rest.split('/');
        match (parts.next().and_then(Level::from_slug), parts.next(), parts.next()) {
            (Some(level), Some(slug), None) => match anchors.get(slug) {
                None => {
                    return Some(format!(
                        "broken link `{target}`: there is no module `{slug}`"
                    ))
                }
                Some((actual, _)) if *actual != level => {
                    return Some(format!(
                        "broken link `{target}`: module `{slug}` is in the {} course, link to /{}/{slug}",
                        actual.slug(),
                        actual.slug()
                    ))
                }
                Some(_) => Some(slug),
            },
            _ => {
                return Some(format!(
                    "broken link `{target}`: not a page of this site (modules are /foundation/<slug> or /intermediate/<slug>)"
                ))
            }
        }
    } else {
        return Some(format!(
            "link `{target}`: write links between modules as site paths such as /foundation/<slug>#<heading>"
        ));
    };
    let slug = page_slug?;
    let fragment = fragment?;
    let (_, ids) = anchors.get(slug)?;
    (!ids.contains(fragment)).then(|| {
        format!("broken link `{target}`: module `{slug}` has no heading with anchor `#{fragment}`")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn module(slug: &str, level: &str, order: u32, body: &str) -> String {
        format!(
            "+++\ntitle = \"Module {slug}\"\nslug = \"{slug}\"\nlevel = \"{level}\"\norder = {order}\nminutes = 30\nsummary = \"About {slug}.\"\nobjectives = [\"Explain {slug}\"]\n+++\n\n{body}\n"
        )
    }

    /// Two Foundation modules on disk.
    fn content() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("foundation");
        std::fs::create_dir_all(&f).unwrap();
        std::fs::write(
            f.join("01-intro.md"),
            module("intro", "foundation", 1, "## Message structure\n\nText."),
        )
        .unwrap();
        std::fs::write(
            f.join("02-next.md"),
            module("next", "foundation", 2, "Text."),
        )
        .unwrap();
        dir
    }

    fn lines_and_messages(findings: &[Finding]) -> Vec<(usize, String)> {
        findings
            .iter()
            .map(|f| (f.line, f.message.clone()))
            .collect()
    }

    #[test]
    fn a_single_source_passes_when_check_dir_would() {
        let dir = content();
        let path = dir.path().join("foundation/02-next.md");
        let draft = module(
            "next",
            "foundation",
            2,
            "See [structure](/foundation/intro#message-structure).",
        );
        assert_eq!(
            check_module_source(dir.path(), Level::Foundation, &path, &draft),
            []
        );
        // Saving it gives a clean check_dir too.
        std::fs::write(&path, &draft).unwrap();
        assert_eq!(check_dir(dir.path()).findings, []);
    }

    #[test]
    fn a_single_source_gets_the_same_findings_as_check_dir() {
        let dir = content();
        let path = dir.path().join("foundation/02-next.md");
        // Wrong folder, an order another file has, a missing anchor, an
        // unknown code block kind and an image without alt text.
        let draft = module(
            "next",
            "intermediate",
            1,
            "[x](/foundation/intro#nowhere)\n\n```hl8\nMSH\n```\n\n![](/images/a.png)",
        );
        let single = check_module_source(dir.path(), Level::Foundation, &path, &draft);
        assert!(single.iter().all(|f| f.path == path), "{single:?}");
        // The level line (4), a link (11), the code block (13), the image (17) twice.
        let lines: Vec<usize> = single.iter().map(|f| f.line).collect();
        assert_eq!(lines, [4, 11, 13, 17, 17], "{single:?}");
        std::fs::write(&path, &draft).unwrap();
        let whole: Vec<Finding> = check_dir(dir.path())
            .findings
            .into_iter()
            .filter(|f| f.path == path)
            .collect();
        assert_eq!(lines_and_messages(&single), lines_and_messages(&whole));
    }

    #[test]
    fn a_draft_that_takes_another_modules_slug_or_order_is_told_so() {
        let dir = content();
        // 01-intro.md sorts first, so check_dir would report 01-intro.md's
        // twin on the later file; the draft is always the later one.
        let path = dir.path().join("foundation/00-new.md");
        let draft = module("intro", "foundation", 2, "Text.");
        let findings = check_module_source(dir.path(), Level::Foundation, &path, &draft);
        let messages: Vec<&str> = findings.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(findings.len(), 2, "{findings:?}");
        assert!(
            messages[0].starts_with("duplicate slug `intro`"),
            "{messages:?}"
        );
        assert!(messages[1].starts_with("duplicate order 2"), "{messages:?}");
        assert_eq!((findings[0].line, findings[1].line), (3, 5));
    }

    #[test]
    fn broken_front_matter_is_reported_at_its_line() {
        let dir = content();
        let path = dir.path().join("foundation/02-next.md");
        let draft = module("next", "foundation", 2, "Text.").replace("minutes = 30", "minutes = ");
        let findings = check_module_source(dir.path(), Level::Foundation, &path, &draft);
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert_eq!(findings[0].line, 6);
        assert!(
            findings[0].message.starts_with("front matter:"),
            "{findings:?}"
        );
    }
}
