//! Loads modules from the content directory, renders them once, and keeps
//! them cached. Every read checks the files' modification times, so an
//! author's saved change shows on the next page load without a restart.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, RwLock};
use std::time::SystemTime;

use super::front_matter::{self, FrontMatter, Problem};
use super::render::{self, Cancelled, Rendered};
use super::{reading_minutes, Course, Level, ModuleLink, ModulePage, ModuleSummary};

/// A module file, parsed and rendered.
#[derive(Debug)]
pub struct LoadedModule {
    pub path: PathBuf,
    pub front_matter: FrontMatter,
    pub rendered: Rendered,
}

impl LoadedModule {
    pub fn summary(&self) -> ModuleSummary {
        let fm = &self.front_matter;
        ModuleSummary {
            level: fm.level,
            slug: fm.slug.clone(),
            order: fm.order,
            title: fm.title.clone(),
            summary: fm.summary.clone(),
            minutes: fm.minutes,
            reading_minutes: reading_minutes(self.rendered.words),
            objectives: fm.objectives.clone(),
        }
    }

    pub fn link(&self) -> ModuleLink {
        ModuleLink {
            level: self.front_matter.level,
            slug: self.front_matter.slug.clone(),
            title: self.front_matter.title.clone(),
        }
    }
}

/// A file that could not be loaded, with its problems.
#[derive(Clone, Debug)]
pub struct FileProblems {
    pub path: PathBuf,
    pub problems: Vec<Problem>,
}

/// Parses and renders one module file's text. A file over
/// [`render::MAX_SOURCE_BYTES`] is refused with one problem saying so.
pub fn load_source(path: &Path, source: &str) -> Result<LoadedModule, Vec<Problem>> {
    match load_source_cancellable(path, source, &AtomicBool::new(false)) {
        Ok(loaded) => loaded,
        // Nothing else holds the flag, so it is never set.
        Err(Cancelled) => Err(Vec::new()),
    }
}

/// [`load_source`], giving up soon after `cancel` is set.
pub fn load_source_cancellable(
    path: &Path,
    source: &str,
    cancel: &AtomicBool,
) -> Result<Result<LoadedModule, Vec<Problem>>, Cancelled> {
    if let Some(p) = render::size_problem(source.len()) {
        return Ok(Err(vec![p]));
    }
    let split = match front_matter::split(source) {
        Ok(split) => split,
        Err(p) => return Ok(Err(vec![p])),
    };
    let fm = match front_matter::parse(&split) {
        Ok(fm) => fm,
        Err(problems) => return Ok(Err(problems)),
    };
    let rendered = render::render_cancellable(split.body, split.body_line, cancel)?;
    Ok(Ok(LoadedModule {
        path: path.to_path_buf(),
        front_matter: fm,
        rendered,
    }))
}

/// The Markdown files of a content directory, level by level, in name order.
pub fn module_files(dir: &Path) -> std::io::Result<Vec<(Level, PathBuf)>> {
    let mut files = Vec::new();
    for level in Level::ALL {
        let sub = dir.join(level.slug());
        let entries = match std::fs::read_dir(&sub) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e),
        };
        let mut paths: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "md"))
            .collect();
        paths.sort();
        files.extend(paths.into_iter().map(|p| (level, p)));
    }
    Ok(files)
}

type Stamp = (SystemTime, u64);

#[derive(Default)]
struct Snapshot {
    stamps: Vec<(PathBuf, Stamp)>,
    modules: HashMap<PathBuf, (Stamp, Arc<LoadedModule>)>,
    /// Modules of each level in course order.
    courses: HashMap<Level, Vec<Arc<LoadedModule>>>,
    failures: Vec<FileProblems>,
    /// Which load this is: every load gets a new number (see
    /// [`ContentStore::revision`]).
    revision: u64,
}

/// Numbers the loads of every store in the process.
static LOADS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// The cached, self-refreshing set of modules.
pub struct ContentStore {
    dir: PathBuf,
    snapshot: RwLock<Arc<Snapshot>>,
}

fn stamp(path: &Path) -> Option<Stamp> {
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.modified().ok()?, meta.len()))
}

impl ContentStore {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        let store = ContentStore {
            dir: dir.into(),
            snapshot: RwLock::new(Arc::new(Snapshot::default())),
        };
        store.refresh();
        store
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn current_stamps(&self) -> Vec<(PathBuf, Stamp)> {
        module_files(&self.dir)
            .unwrap_or_default()
            .into_iter()
            .filter_map(|(_, p)| stamp(&p).map(|s| (p, s)))
            .collect()
    }

    /// Re-reads changed, added and removed files. Returns the snapshot to use.
    fn refresh(&self) -> Arc<Snapshot> {
        let stamps = self.current_stamps();
        {
            let snap = self.snapshot.read().unwrap_or_else(|e| e.into_inner());
            if snap.stamps == stamps {
                return snap.clone();
            }
        }
        let mut guard = self.snapshot.write().unwrap_or_else(|e| e.into_inner());
        if guard.stamps == stamps {
            return guard.clone();
        }
        let mut modules = HashMap::new();
        let mut failures = Vec::new();
        for (path, st) in &stamps {
            if let Some((old, m)) = guard.modules.get(path) {
                if old == st {
                    modules.insert(path.clone(), (*st, m.clone()));
                    continue;
                }
            }
            let source = match std::fs::read_to_string(path) {
                Ok(s) => s,
                Err(e) => {
                    failures.push(FileProblems {
                        path: path.clone(),
                        problems: vec![Problem::new(1, format!("cannot read file: {e}"))],
                    });
                    continue;
                }
            };
            match load_source(path, &source) {
                Ok(m) => {
                    modules.insert(path.clone(), (*st, Arc::new(m)));
                }
                Err(problems) => {
                    for p in &problems {
                        tracing::warn!(file = %path.display(), line = p.line, "{}", p.message);
                    }
                    failures.push(FileProblems {
                        path: path.clone(),
                        problems,
                    });
                }
            }
        }
        let mut courses: HashMap<Level, Vec<Arc<LoadedModule>>> = HashMap::new();
        for (_, m) in modules.values() {
            courses
                .entry(m.front_matter.level)
                .or_default()
                .push(m.clone());
        }
        for list in courses.values_mut() {
            list.sort_by(|a, b| {
                (a.front_matter.order, &a.front_matter.slug)
                    .cmp(&(b.front_matter.order, &b.front_matter.slug))
            });
        }
        let snap = Arc::new(Snapshot {
            stamps,
            modules,
            courses,
            failures,
            revision: LOADS.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        });
        tracing::info!(
            modules = snap.modules.len(),
            failures = snap.failures.len(),
            "content loaded"
        );
        *guard = snap.clone();
        snap
    }

    /// The content as it is on disk now, as a number that changes whenever
    /// a module file is added, changed or removed (by a trainer's save or
    /// by hand): what a page rendered from the content is keyed on.
    pub fn revision(&self) -> u64 {
        self.refresh().revision
    }

    /// Files that failed to load at the last refresh.
    pub fn failures(&self) -> Vec<FileProblems> {
        self.refresh().failures.clone()
    }

    pub fn course(&self, level: Level) -> Course {
        let snap = self.refresh();
        Course {
            level,
            modules: snap
                .courses
                .get(&level)
                .map(|l| l.iter().map(|m| m.summary()).collect())
                .unwrap_or_default(),
        }
    }

    pub fn module(&self, level: Level, slug: &str) -> Option<ModulePage> {
        let snap = self.refresh();
        let list = snap.courses.get(&level)?;
        let index = list.iter().position(|m| m.front_matter.slug == slug)?;
        let m = &list[index];
        let by_slug = |s: &str| {
            snap.modules
                .values()
                .find(|(_, m)| m.front_matter.slug == s)
                .map(|(_, m)| m.link())
        };
        Some(ModulePage {
            meta: m.summary(),
            prerequisites: m
                .front_matter
                .prerequisites
                .iter()
                .filter_map(|p| by_slug(p))
                .collect(),
            html: m.rendered.html.clone(),
            toc: m.rendered.toc.clone(),
            words: m.rendered.words,
            position: index + 1,
            count: list.len(),
            prev: index.checked_sub(1).map(|i| list[i].link()),
            next: list.get(index + 1).map(|m| m.link()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn module(slug: &str, order: u32, body: &str) -> String {
        format!(
            "+++\ntitle = \"Module {slug}\"\nslug = \"{slug}\"\nlevel = \"foundation\"\norder = {order}\nminutes = 20\nsummary = \"About {slug}.\"\nobjectives = [\"Learn {slug}\"]\n+++\n\n{body}\n"
        )
    }

    #[test]
    fn orders_modules_and_links_neighbours() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("foundation");
        std::fs::create_dir_all(&f).unwrap();
        std::fs::write(f.join("b.md"), module("second", 2, "## Two")).unwrap();
        std::fs::write(f.join("a.md"), module("first", 1, "## One")).unwrap();
        std::fs::write(f.join("c.md"), module("third", 3, "## Three")).unwrap();
        let store = ContentStore::new(dir.path());
        let course = store.course(Level::Foundation);
        let slugs: Vec<&str> = course.modules.iter().map(|m| m.slug.as_str()).collect();
        assert_eq!(slugs, ["first", "second", "third"]);
        let page = store.module(Level::Foundation, "second").unwrap();
        assert_eq!(page.prev.unwrap().slug, "first");
        assert_eq!(page.next.unwrap().slug, "third");
        assert_eq!(page.position, 2);
        assert!(store.module(Level::Intermediate, "second").is_none());
        assert!(store.module(Level::Foundation, "nope").is_none());
    }

    #[test]
    fn a_changed_file_is_rendered_again_without_restart() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("foundation");
        std::fs::create_dir_all(&f).unwrap();
        let path = f.join("a.md");
        std::fs::write(&path, module("first", 1, "Old words.")).unwrap();
        let store = ContentStore::new(dir.path());
        assert!(store
            .module(Level::Foundation, "first")
            .unwrap()
            .html
            .contains("Old words."));
        // Different length guarantees a new stamp even on coarse clocks.
        std::fs::write(&path, module("first", 1, "Brand new words here.")).unwrap();
        let page = store.module(Level::Foundation, "first").unwrap();
        assert!(page.html.contains("Brand new words here."), "{}", page.html);
    }

    #[test]
    fn the_revision_changes_exactly_when_a_file_does() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("foundation");
        std::fs::create_dir_all(&f).unwrap();
        std::fs::write(f.join("a.md"), module("first", 1, "Words.")).unwrap();
        let store = ContentStore::new(dir.path());
        let first = store.revision();
        assert_eq!(store.revision(), first, "nothing changed");
        std::fs::write(f.join("a.md"), module("first", 1, "Other words.")).unwrap();
        let edited = store.revision();
        assert_ne!(edited, first, "a file changed");
        std::fs::write(f.join("b.md"), module("second", 2, "More.")).unwrap();
        let added = store.revision();
        assert_ne!(added, edited, "a file was added");
        std::fs::remove_file(f.join("b.md")).unwrap();
        assert_ne!(store.revision(), added, "a file was removed");
        // Another store over the same files never shares a revision.
        assert_ne!(ContentStore::new(dir.path()).revision(), store.revision());
    }

    #[test]
    fn a_broken_file_is_reported_and_the_rest_still_served() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("foundation");
        std::fs::create_dir_all(&f).unwrap();
        std::fs::write(f.join("a.md"), module("first", 1, "Fine.")).unwrap();
        std::fs::write(f.join("b.md"), "no front matter").unwrap();
        let store = ContentStore::new(dir.path());
        assert_eq!(store.course(Level::Foundation).modules.len(), 1);
        let failures = store.failures();
        assert_eq!(failures.len(), 1);
        assert!(failures[0].path.ends_with("b.md"));
    }
}
