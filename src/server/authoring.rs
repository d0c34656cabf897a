//! Module authoring in the browser: list, open, check, preview, save and
//! restore the Markdown files of the content directory, with a revision
//! history in the database.
//!
//! - Paths are confined to `content/<level>/<name>.md` ([`ModulePath`]).
//! - A revision is the SHA-256 of the file's bytes (lowercase hex). A save
//!   names the revision its editor started from; if the file has moved on
//!   since, nothing is written, the draft is recorded as a `conflict`
//!   revision and the file's current text comes back, so no edit is lost.
//! - A save is checked with the same rules as `check-content`
//!   ([`check::check_module_source`]), plus one authoring rule: the slug
//!   stays the one the file name gives, so a page never moves under its
//!   learners. A draft with problems is not written.
//! - Files are written atomically: a temporary file in the same folder,
//!   flushed to disk, then renamed over the module.
//! - Whatever text is on disk before it is overwritten is in the history
//!   (recorded as `base` when it was not, e.g. after a `git pull`).
//!
//! Saves in one process are serialised by a lock; the content directory is
//! assumed to belong to one server process.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use sha2::{Digest, Sha256};

use super::repo::{NewModuleRevision, RepoError, Repository};
use crate::content::authoring::{
    DraftFinding, DraftReport, ModuleFile, OpenedModule, Preview, RevisionKind, RevisionSummary,
    RevisionText, SaveOutcome,
};
use crate::content::store::module_files;
use crate::content::{check, front_matter, reading_minutes, render, Level, ModuleSummary};
use crate::error::AppError;

/// The largest module text accepted, in bytes: the renderer's limit.
pub const MAX_MODULE_BYTES: usize = render::MAX_SOURCE_BYTES;

/// Drafts checked and rendered at once, one per core of the machines this
/// runs on; later requests wait their turn instead of piling up work.
static RENDER_SLOTS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

/// Held while a file is compared with its base revision and written.
static WRITE_LOCK: Mutex<()> = Mutex::new(());

/// Why an authoring request failed.
#[derive(Debug, thiserror::Error)]
pub enum AuthoringError {
    /// A path outside `content/<level>/*.md`, or a malformed request.
    #[error("{0}")]
    BadRequest(String),
    #[error("there is no module {0}")]
    NotFound(String),
    #[error("{0}")]
    Exists(String),
    #[error("cannot read or write {path}: {message}")]
    Io { path: String, message: String },
    #[error(transparent)]
    Storage(#[from] RepoError),
}

impl AuthoringError {
    /// The HTTP status this error is answered with.
    pub fn status(&self) -> axum::http::StatusCode {
        use axum::http::StatusCode;
        match self {
            AuthoringError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AuthoringError::NotFound(_) => StatusCode::NOT_FOUND,
            AuthoringError::Exists(_) => StatusCode::CONFLICT,
            AuthoringError::Io { .. } => StatusCode::INTERNAL_SERVER_ERROR,
            AuthoringError::Storage(_) => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    fn io(path: &ModulePath, e: impl std::fmt::Display) -> Self {
        AuthoringError::Io {
            path: path.relative(),
            message: e.to_string(),
        }
    }
}

pub type AuthoringResult<T> = Result<T, AuthoringError>;

/// A module file's place in the content directory: `<level>/<name>.md`,
/// where the name is `<slug>.md` or `<number>-<slug>.md`. Nothing else can
/// be named, so no request can reach outside the module folders.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModulePath {
    level: Level,
    file_name: String,
}

const PATH_EXAMPLE: &str = "foundation/01-imaging-landscape.md";

impl ModulePath {
    /// Reads a path relative to the content directory, such as
    /// `foundation/01-imaging-landscape.md`.
    pub fn parse(relative: &str) -> AuthoringResult<ModulePath> {
        let bad = |why: String| AuthoringError::BadRequest(why);
        if relative.is_empty() {
            return Err(bad(format!(
                "No module path given: use a path such as {PATH_EXAMPLE}."
            )));
        }
        if relative.len() > 300 || relative.chars().any(|c| c.is_control()) {
            return Err(bad(
                "The module path is too long or holds control characters.".into(),
            ));
        }
        if relative.starts_with('/') || relative.starts_with('\\') || relative.contains(':') {
            return Err(bad(format!(
                "`{relative}` is an absolute path: give a path inside the content folder, such as {PATH_EXAMPLE}."
            )));
        }
        if relative.contains('\\') {
            return Err(bad(format!(
                "`{relative}` uses `\\`: separate folders with `/`, as in {PATH_EXAMPLE}."
            )));
        }
        let parts: Vec<&str> = relative.split('/').collect();
        if parts
            .iter()
            .any(|p| *p == ".." || *p == "." || p.is_empty())
        {
            return Err(bad(format!(
                "`{relative}` is not allowed: `..`, `.` and empty parts would leave the module folders."
            )));
        }
        let [folder, file_name] = parts[..] else {
            return Err(bad(format!(
                "`{relative}` is not a module file: modules are foundation/<name>.md or intermediate/<name>.md."
            )));
        };
        let level = Level::from_slug(folder).ok_or_else(|| {
            bad(format!(
                "`{folder}/` is not a module folder: modules live in foundation/ or intermediate/."
            ))
        })?;
        ModulePath::new(level, file_name)
    }

    /// The file `file_name` of the `level` folder.
    pub fn new(level: Level, file_name: &str) -> AuthoringResult<ModulePath> {
        let valid = file_name
            .strip_suffix(".md")
            .is_some_and(|stem| slug_of_stem(stem).is_some());
        if !valid {
            return Err(AuthoringError::BadRequest(format!(
                "`{file_name}` is not a module file name: use <slug>.md or <number>-<slug>.md, \
                 with a slug of lowercase letters, digits and single hyphens."
            )));
        }
        Ok(ModulePath {
            level,
            file_name: file_name.to_string(),
        })
    }

    pub fn level(&self) -> Level {
        self.level
    }

    pub fn file_name(&self) -> &str {
        &self.file_name
    }

    /// The slug the file name gives: `01-imaging-landscape.md` →
    /// `imaging-landscape`.
    pub fn slug(&self) -> &str {
        self.file_name
            .strip_suffix(".md")
            .and_then(slug_of_stem)
            .unwrap_or_default()
    }

    /// Relative to the content directory, with `/`.
    pub fn relative(&self) -> String {
        format!("{}/{}", self.level.slug(), self.file_name)
    }

    /// The file inside the content directory `dir`.
    pub fn in_dir(&self, dir: &Path) -> PathBuf {
        dir.join(self.level.slug()).join(&self.file_name)
    }
}

/// `01-imaging-landscape` → `imaging-landscape`; `dicomweb` → `dicomweb`.
fn slug_of_stem(stem: &str) -> Option<&str> {
    let numbered = stem
        .split_once('-')
        .filter(|(n, _)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        .map(|(_, rest)| rest);
    [numbered, Some(stem)]
        .into_iter()
        .flatten()
        .find(|s| front_matter::is_valid_slug(s))
}

/// The revision id of a text: SHA-256 of its UTF-8 bytes, lowercase hex.
pub fn revision_of(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn is_revision(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// The module files of `dir`, level by level, in name order. Files whose
/// names are not module file names are left out (and logged).
pub fn list_modules(dir: &Path) -> AuthoringResult<Vec<ModuleFile>> {
    let files = module_files(dir).map_err(|e| AuthoringError::Io {
        path: dir.display().to_string(),
        message: e.to_string(),
    })?;
    let mut out = Vec::new();
    for (level, path) in files {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let Ok(module) = ModulePath::new(level, name) else {
            tracing::warn!(file = %path.display(), "not a module file name; not editable in the browser");
            continue;
        };
        let title = std::fs::read_to_string(&path).ok().and_then(|text| {
            let split = front_matter::split(&text).ok()?;
            front_matter::parse(&split).ok().map(|fm| fm.title)
        });
        out.push(module_file(&module, title));
    }
    Ok(out)
}

fn module_file(path: &ModulePath, title: Option<String>) -> ModuleFile {
    ModuleFile {
        level: path.level,
        slug: path.slug().to_string(),
        title,
        path: path.relative(),
    }
}

/// The file of module `slug` in the `level` folder (by file name).
pub fn find_module(dir: &Path, level: Level, slug: &str) -> AuthoringResult<ModulePath> {
    let not_found = || AuthoringError::NotFound(format!("{}/{slug}", level.slug()));
    if !front_matter::is_valid_slug(slug) {
        return Err(not_found());
    }
    list_modules(dir)?
        .into_iter()
        .find(|m| m.level == level && m.slug == slug)
        .map(|m| ModulePath::new(level, m.path.rsplit('/').next().unwrap_or("")))
        .transpose()?
        .ok_or_else(not_found)
}

fn read_text(dir: &Path, path: &ModulePath) -> AuthoringResult<String> {
    let file = path.in_dir(dir);
    let bytes = match std::fs::read(&file) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(AuthoringError::NotFound(path.relative()))
        }
        Err(e) => return Err(AuthoringError::io(path, e)),
    };
    String::from_utf8(bytes).map_err(|e| {
        AuthoringError::io(
            path,
            format!(
                "the file is not UTF-8 text (byte {})",
                e.utf8_error().valid_up_to()
            ),
        )
    })
}

/// Records `text` as the `base` revision of `path` unless that text is in
/// the history already.
async fn ensure_recorded(repo: &dyn Repository, path: &str, text: &str) -> AuthoringResult<()> {
    let revision = revision_of(text);
    if !repo.has_module_revision(path, &revision).await? {
        repo.add_module_revision(&NewModuleRevision {
            path,
            revision: &revision,
            text,
            author_id: None,
            saved_at: super::db::now(),
            kind: RevisionKind::Base,
        })
        .await?;
    }
    Ok(())
}

/// Opens a module for editing. The file's text is recorded in the history
/// if it is not there yet, so the history starts from what git had.
pub async fn open(
    dir: &Path,
    repo: &dyn Repository,
    path: &ModulePath,
) -> AuthoringResult<OpenedModule> {
    let text = read_text(dir, path)?;
    ensure_recorded(repo, &path.relative(), &text).await?;
    let title = front_matter::split(&text)
        .ok()
        .and_then(|s| front_matter::parse(&s).ok())
        .map(|fm| fm.title);
    Ok(OpenedModule {
        file: module_file(path, title),
        revision: revision_of(&text),
        text,
    })
}

/// Every problem `check-content` would report in this module if `text`
/// were saved at `path`, plus the authoring rule that the slug matches the
/// file name.
pub fn validate(dir: &Path, path: &ModulePath, text: &str) -> Vec<DraftFinding> {
    validate_cancellable(dir, path, text, &AtomicBool::new(false)).unwrap_or_default()
}

/// [`validate`], giving up soon after `cancel` is set.
fn validate_cancellable(
    dir: &Path,
    path: &ModulePath,
    text: &str,
    cancel: &AtomicBool,
) -> Result<Vec<DraftFinding>, render::Cancelled> {
    if let Some(p) = render::size_problem(text.len()) {
        return Ok(vec![DraftFinding {
            line: p.line,
            message: p.message,
        }]);
    }
    let mut findings: Vec<DraftFinding> =
        check::check_module_source_cancellable(dir, path.level, &path.in_dir(dir), text, cancel)?
            .into_iter()
            .map(|f| DraftFinding {
                line: f.line,
                // Other files by their place in the repository, not on the server.
                message: f.message.replace(&dir.display().to_string(), "content"),
            })
            .collect();
    if let Ok(split) = front_matter::split(text) {
        if let Ok(fm) = front_matter::parse(&split) {
            if fm.slug != path.slug() {
                findings.push(DraftFinding {
                    line: front_matter::key_line(&split, "slug"),
                    message: format!(
                        "slug `{}` does not match the file name {}: keep `slug = \"{}\"` so the \
                         module's address and the links to it stay the same",
                        fm.slug,
                        path.file_name,
                        path.slug()
                    ),
                });
            }
        }
    }
    findings.sort_by(|a, b| (a.line, &a.message).cmp(&(b.line, &b.message)));
    Ok(findings)
}

/// A draft rendered by the module page's renderer (the same Markdown
/// options, sanitiser and explorer markup, and the same limits). The body
/// is rendered even when the front matter has problems.
pub fn preview(text: &str) -> Preview {
    match preview_cancellable(text, &AtomicBool::new(false)) {
        Ok(preview) => preview,
        // Nothing else holds the flag, so it is never set.
        Err(render::Cancelled) => Preview {
            meta: None,
            html: String::new(),
            words: 0,
        },
    }
}

/// [`preview`], giving up soon after `cancel` is set.
fn preview_cancellable(text: &str, cancel: &AtomicBool) -> Result<Preview, render::Cancelled> {
    let (body, first_line, meta) = match front_matter::split(text) {
        Ok(split) => {
            let meta = front_matter::parse(&split).ok();
            (split.body, split.body_line, meta)
        }
        Err(_) => (text, 1, None),
    };
    let rendered = render::render_cancellable(body, first_line, cancel)?;
    Ok(Preview {
        meta: meta.map(|fm| ModuleSummary {
            level: fm.level,
            slug: fm.slug,
            order: fm.order,
            title: fm.title,
            summary: fm.summary,
            minutes: fm.minutes,
            reading_minutes: reading_minutes(rendered.words),
            objectives: fm.objectives,
        }),
        html: rendered.html,
        words: rendered.words,
    })
}

/// Findings and preview of a draft, for the editor.
pub fn draft_report(dir: &Path, path: &ModulePath, text: &str) -> DraftReport {
    DraftReport {
        findings: validate(dir, path, text),
        preview: preview(text),
    }
}

/// Sets its flag when dropped: the future that holds it was dropped, which
/// is what axum does when the client goes away.
struct CancelOnDrop(Arc<AtomicBool>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// [`draft_report`] on a blocking thread, at most [`RENDER_SLOTS`] at a
/// time. If this future is dropped (the client went away) the render stops
/// at its next look at the cancellation flag, and its slot is given back.
pub async fn draft_report_in_background(
    dir: PathBuf,
    path: ModulePath,
    text: String,
) -> AuthoringResult<DraftReport> {
    let slot = RENDER_SLOTS
        .acquire()
        .await
        .map_err(|e| AuthoringError::BadRequest(e.to_string()))?;
    let cancel = Arc::new(AtomicBool::new(false));
    let _cancel_on_drop = CancelOnDrop(cancel.clone());
    let report = tokio::task::spawn_blocking(move || {
        let _slot = slot;
        let findings = validate_cancellable(&dir, &path, &text, &cancel)?;
        let preview = preview_cancellable(&text, &cancel)?;
        Ok(DraftReport { findings, preview })
    })
    .await
    .map_err(|e| AuthoringError::Io {
        path: String::new(),
        message: e.to_string(),
    })?;
    report.map_err(|render::Cancelled| AuthoringError::BadRequest("the check was cancelled".into()))
}

/// What the locked compare-and-write step found.
enum Written {
    Saved { previous: String },
    Conflict { current: String },
    Invalid(Vec<DraftFinding>),
}

/// Compares the file with `base` and, if it matches and `text` passes the
/// checks, writes `text` atomically. Runs under [`WRITE_LOCK`].
fn compare_and_write(
    dir: &Path,
    path: &ModulePath,
    base: &str,
    text: &str,
) -> AuthoringResult<Written> {
    let _guard = WRITE_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let current = read_text(dir, path)?;
    if revision_of(&current) != base {
        return Ok(Written::Conflict { current });
    }
    let findings = validate(dir, path, text);
    if !findings.is_empty() {
        return Ok(Written::Invalid(findings));
    }
    write_atomically(&path.in_dir(dir), text).map_err(|e| AuthoringError::io(path, e))?;
    Ok(Written::Saved { previous: current })
}

/// Writes `text` to a temporary file beside `file`, flushes it to disk and
/// renames it over `file`, so readers see the old or the new text, never
/// part of one.
fn write_atomically(file: &Path, text: &str) -> std::io::Result<()> {
    let folder = file.parent().unwrap_or(Path::new("."));
    let name = file
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("module");
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    // Not `.md`, so the content store never picks it up.
    let temp = folder.join(format!(".{name}.{}.{nanos}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        std::fs::rename(&temp, file)?;
        // Make the rename itself durable where the platform allows it.
        if let Ok(d) = std::fs::File::open(folder) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

/// Saves `text` to the module if the file is still at `base_revision`.
///
/// - Saved: the file holds `text`, recorded as a `kind` revision (`Saved`
///   or `Restored`) by `author_id`; the text it replaced is in the history.
/// - Conflict: nothing written; `text` is recorded as a `conflict` revision
///   by `author_id`, and the file's current text comes back.
/// - Invalid: nothing written or recorded; the findings come back.
pub async fn save(
    dir: &Path,
    repo: &dyn Repository,
    path: &ModulePath,
    base_revision: &str,
    text: &str,
    author_id: i64,
    kind: RevisionKind,
) -> AuthoringResult<SaveOutcome> {
    if !is_revision(base_revision) {
        return Err(AuthoringError::BadRequest(
            "The base revision is missing or malformed: reload the editor and try again.".into(),
        ));
    }
    if text.len() > MAX_MODULE_BYTES {
        return Err(AuthoringError::BadRequest(format!(
            "The module is larger than {} KiB.",
            MAX_MODULE_BYTES / 1024
        )));
    }
    let written = {
        let (dir, path, base, text) = (
            dir.to_path_buf(),
            path.clone(),
            base_revision.to_string(),
            text.to_string(),
        );
        tokio::task::spawn_blocking(move || compare_and_write(&dir, &path, &base, &text))
            .await
            .map_err(|e| AuthoringError::Io {
                path: String::new(),
                message: e.to_string(),
            })??
    };
    let relative = path.relative();
    let revision = revision_of(text);
    let record = |kind: RevisionKind| NewModuleRevision {
        path: &relative,
        revision: &revision,
        text,
        author_id: Some(author_id),
        saved_at: super::db::now(),
        kind,
    };
    match written {
        Written::Invalid(findings) => Ok(SaveOutcome::Invalid { findings }),
        Written::Conflict { current } => {
            ensure_recorded(repo, &relative, &current).await?;
            // Save pressed again on the same conflicting draft, with nothing
            // saved in between: the draft is in the history already.
            let newest = repo.module_revisions(&relative).await?.into_iter().next();
            let draft_revision_id = match newest {
                Some(r)
                    if r.kind == RevisionKind::Conflict
                        && r.revision == revision
                        && r.author_id == Some(author_id) =>
                {
                    r.id
                }
                _ => {
                    repo.add_module_revision(&record(RevisionKind::Conflict))
                        .await?
                }
            };
            Ok(SaveOutcome::Conflict {
                current_revision: revision_of(&current),
                current_text: current,
                draft_number: number_of(repo, &relative, draft_revision_id).await?,
                draft_revision_id,
            })
        }
        Written::Saved { previous } => {
            ensure_recorded(repo, &relative, &previous).await?;
            let revision_id = repo.add_module_revision(&record(kind)).await?;
            tracing::info!(file = %relative, author = author_id, kind = kind.as_str(), "module saved");
            Ok(SaveOutcome::Saved {
                revision,
                revision_number: number_of(repo, &relative, revision_id).await?,
                revision_id,
            })
        }
    }
}

/// The history of a module, newest first.
pub async fn history(
    repo: &dyn Repository,
    path: &ModulePath,
) -> AuthoringResult<Vec<RevisionSummary>> {
    let rows = repo.module_revisions(&path.relative()).await?;
    let n = rows.len();
    Ok(rows
        .into_iter()
        .enumerate()
        .map(|(i, r)| summary_of(r, (n - i) as u32))
        .collect())
}

/// The place of revision `id` in the history of `path` (1 for the first).
async fn number_of(repo: &dyn Repository, path: &str, id: i64) -> AuthoringResult<u32> {
    let rows = repo.module_revisions(path).await?;
    let n = rows.len();
    Ok(rows
        .iter()
        .position(|r| r.id == id)
        .map_or(0, |i| (n - i) as u32))
}

fn summary_of(r: super::repo::ModuleRevisionRow, number: u32) -> RevisionSummary {
    RevisionSummary {
        id: r.id,
        number,
        revision: r.revision,
        kind: r.kind,
        author: r.author_name,
        saved_at: r.saved_at,
    }
}

/// One revision of `path` with its text.
pub async fn revision(
    repo: &dyn Repository,
    path: &ModulePath,
    id: i64,
) -> AuthoringResult<RevisionText> {
    match repo.module_revision(id).await? {
        Some((row, text)) if row.path == path.relative() => {
            let number = number_of(repo, &row.path, row.id).await?;
            Ok(RevisionText {
                summary: summary_of(row, number),
                text,
            })
        }
        _ => Err(AuthoringError::NotFound(format!(
            "revision {id} of {}",
            path.relative()
        ))),
    }
}

/// Writes revision `id` back to the module: a save (with the same conflict
/// check against `base_revision`) recorded as `restored`.
pub async fn restore(
    dir: &Path,
    repo: &dyn Repository,
    path: &ModulePath,
    id: i64,
    base_revision: &str,
    author_id: i64,
) -> AuthoringResult<SaveOutcome> {
    let old = revision(repo, path, id).await?;
    save(
        dir,
        repo,
        path,
        base_revision,
        &old.text,
        author_id,
        RevisionKind::Restored,
    )
    .await
}

/// The text a new module starts from: valid front matter and a short body.
fn template(level: Level, slug: &str, title: &str, order: u32) -> String {
    let title = toml::Value::String(title.to_string()).to_string();
    format!(
        "+++\ntitle = {title}\nslug = \"{slug}\"\nlevel = \"{level}\"\norder = {order}\nminutes = 30\n\
         summary = \"One sentence on what this module teaches and who it is for.\"\n\
         objectives = [\n  \"Describe what a learner can do by the end of the module\",\n]\n+++\n\n\
         Start with a situation the learner meets at work, then teach what they need to handle it.\n\n\
         ## First section\n\nWrite here.\n",
        level = level.slug()
    )
}

/// Creates the module `slug` in the `level` folder as
/// `<next number>-<slug>.md`, from a template that passes the checks and
/// comes last in its course. The slug must be new in both courses.
pub async fn create(
    dir: &Path,
    repo: &dyn Repository,
    level: Level,
    slug: &str,
    title: &str,
    author_id: i64,
) -> AuthoringResult<OpenedModule> {
    if let Some(why) = crate::content::authoring::slug_problem(slug) {
        return Err(AuthoringError::BadRequest(why.into()));
    }
    let title = title.trim();
    if title.is_empty() || title.chars().count() > 150 {
        return Err(AuthoringError::BadRequest(
            "Give the module a title of 1 to 150 characters.".into(),
        ));
    }
    let path = {
        let (dir, slug, title) = (dir.to_path_buf(), slug.to_string(), title.to_string());
        tokio::task::spawn_blocking(move || create_file(&dir, level, &slug, &title))
            .await
            .map_err(|e| AuthoringError::Io {
                path: String::new(),
                message: e.to_string(),
            })??
    };
    let text = read_text(dir, &path)?;
    let revision = revision_of(&text);
    repo.add_module_revision(&NewModuleRevision {
        path: &path.relative(),
        revision: &revision,
        text: &text,
        author_id: Some(author_id),
        saved_at: super::db::now(),
        kind: RevisionKind::Created,
    })
    .await?;
    tracing::info!(file = %path.relative(), author = author_id, "module created");
    Ok(OpenedModule {
        file: module_file(&path, Some(title.to_string())),
        text,
        revision,
    })
}

fn create_file(dir: &Path, level: Level, slug: &str, title: &str) -> AuthoringResult<ModulePath> {
    let _guard = WRITE_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let existing = module_files(dir).map_err(|e| AuthoringError::Io {
        path: dir.display().to_string(),
        message: e.to_string(),
    })?;
    let mut next_number = 1;
    let mut next_order = 1;
    for (l, file) in &existing {
        let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let text = std::fs::read_to_string(file).unwrap_or_default();
        let fm = front_matter::split(&text)
            .ok()
            .and_then(|s| front_matter::parse(&s).ok());
        let taken = ModulePath::new(*l, name).is_ok_and(|p| p.slug() == slug)
            || fm.as_ref().is_some_and(|fm| fm.slug == slug);
        if taken {
            return Err(AuthoringError::Exists(format!(
                "A module with the slug `{slug}` already exists ({}/{name}).",
                l.slug()
            )));
        }
        if *l == level {
            if let Some(n) = name
                .split_once('-')
                .and_then(|(n, _)| n.parse::<u32>().ok())
            {
                next_number = next_number.max(n + 1);
            }
            if let Some(fm) = fm {
                next_order = next_order.max(fm.order + 1);
            }
        }
    }
    let path = ModulePath::new(level, &format!("{next_number:02}-{slug}.md"))?;
    let file = path.in_dir(dir);
    if file.exists() {
        return Err(AuthoringError::Exists(format!(
            "{} already exists.",
            path.relative()
        )));
    }
    let text = template(level, slug, title, next_order);
    let findings = validate(dir, &path, &text);
    if let Some(f) = findings.first() {
        return Err(AuthoringError::BadRequest(format!(
            "The new module would not pass the checks (line {}: {}).",
            f.line, f.message
        )));
    }
    std::fs::create_dir_all(file.parent().unwrap_or(dir))
        .map_err(|e| AuthoringError::io(&path, e))?;
    write_atomically(&file, &text).map_err(|e| AuthoringError::io(&path, e))?;
    Ok(path)
}

/// `e` as the app's error. Storage and file faults are logged; the
/// browser gets only "busy" or "went wrong".
pub fn server_error(e: AuthoringError) -> AppError {
    match e {
        AuthoringError::Storage(e) => super::auth::storage_error(e),
        e @ AuthoringError::Io { .. } => AppError::internal(e),
        AuthoringError::BadRequest(m) => AppError::bad_request(m),
        e @ AuthoringError::NotFound(_) => AppError::NotFound(e.to_string()),
        AuthoringError::Exists(m) => AppError::Conflict(m),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bad_request(relative: &str) -> String {
        match ModulePath::parse(relative) {
            Err(AuthoringError::BadRequest(m)) => m,
            other => panic!("{relative}: expected a bad request, got {other:?}"),
        }
    }

    #[test]
    fn module_paths_are_confined_to_the_level_folders() {
        let p = ModulePath::parse("foundation/01-imaging-landscape.md").unwrap();
        assert_eq!(p.level(), Level::Foundation);
        assert_eq!(p.slug(), "imaging-landscape");
        assert_eq!(p.relative(), "foundation/01-imaging-landscape.md");
        assert_eq!(
            p.in_dir(Path::new("/srv/content")),
            Path::new("/srv/content/foundation/01-imaging-landscape.md")
        );
        assert_eq!(
            ModulePath::parse("intermediate/dicomweb.md")
                .unwrap()
                .slug(),
            "dicomweb"
        );
        assert!(bad_request("../foundation/01-x.md").contains("`..`"));
        assert!(bad_request("foundation/../../etc/passwd").contains("`..`"));
        assert!(bad_request("foundation/./01-x.md").contains("not allowed"));
        assert!(bad_request("/etc/passwd").contains("absolute"));
        assert!(bad_request("C:/content/foundation/x.md").contains("absolute"));
        assert!(bad_request("foundation\\01-x.md").contains("`\\`"));
        assert!(bad_request("questions/foundation/q.md").contains("not a module file"));
        assert!(bad_request("exams/foundation.md").contains("not a module folder"));
        assert!(bad_request("foundation").contains("not a module file"));
        assert!(bad_request("foundation/01-x.toml").contains("file name"));
        assert!(bad_request("foundation/.hidden.md").contains("file name"));
        assert!(bad_request("foundation/01-X.md").contains("file name"));
        assert!(bad_request("foundation/a\0b.md").contains("control"));
        assert!(bad_request("").contains("No module path"));
        assert!(bad_request("foundation//01-x.md").contains("not allowed"));
    }

    #[test]
    fn numbered_and_plain_file_names_give_slugs() {
        assert_eq!(slug_of_stem("07-query-retrieve"), Some("query-retrieve"));
        assert_eq!(
            slug_of_stem("part10-file-format"),
            Some("part10-file-format")
        );
        assert_eq!(slug_of_stem("10-things"), Some("things"));
        assert_eq!(slug_of_stem("01-"), None);
        assert_eq!(slug_of_stem("Bad"), None);
    }

    #[test]
    fn revisions_are_sha256_hex() {
        // SHA-256("abc"), FIPS 180-2 appendix B.1.
        assert_eq!(
            revision_of("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert!(is_revision(&revision_of("")));
        assert!(!is_revision("ABC"));
        assert!(!is_revision(&"g".repeat(64)));
    }

    #[test]
    fn the_slug_rule_of_the_browser_matches_the_front_matter_rule() {
        for s in [
            "a", "a-b", "part10", "", "A", "-a", "a-", "a--b", "a_b", "a/b", "é",
        ] {
            assert_eq!(
                crate::content::authoring::slug_problem(s).is_none(),
                front_matter::is_valid_slug(s),
                "{s:?}"
            );
        }
    }

    fn module(slug: &str, order: u32, body: &str) -> String {
        format!(
            "+++\ntitle = \"Module {slug}\"\nslug = \"{slug}\"\nlevel = \"foundation\"\norder = {order}\nminutes = 20\nsummary = \"About {slug}.\"\nobjectives = [\"Learn {slug}\"]\n+++\n\n{body}\n"
        )
    }

    fn content() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("foundation");
        std::fs::create_dir_all(&f).unwrap();
        std::fs::write(
            f.join("01-first.md"),
            module("first", 1, "## Start\n\nText."),
        )
        .unwrap();
        std::fs::write(f.join("02-second.md"), module("second", 2, "Text.")).unwrap();
        dir
    }

    #[test]
    fn validation_adds_the_slug_rule_and_points_at_lines() {
        let dir = content();
        let path = ModulePath::parse("foundation/02-second.md").unwrap();
        assert_eq!(
            validate(dir.path(), &path, &module("second", 2, "Fine.")),
            []
        );
        let renamed = validate(dir.path(), &path, &module("other", 2, "Fine."));
        assert_eq!(renamed.len(), 1, "{renamed:?}");
        assert_eq!(renamed[0].line, 3);
        assert!(renamed[0].message.contains("file name"), "{renamed:?}");
        // A check-content rule across files: the link must reach a real anchor.
        let broken = validate(
            dir.path(),
            &path,
            &module("second", 2, "See [it](/foundation/first#nowhere)."),
        );
        assert_eq!(broken.len(), 1, "{broken:?}");
        assert_eq!(broken[0].line, 11);
        assert!(broken[0].message.contains("#nowhere"), "{broken:?}");
    }

    #[test]
    fn preview_renders_the_body_even_with_broken_front_matter() {
        let p = preview("+++\ntitle = \n+++\n\nHello **there**.\n");
        assert!(p.meta.is_none());
        assert!(p.html.contains("<strong>there</strong>"), "{}", p.html);
        let p = preview(&module("first", 1, "```hl7\nMSH|^~\\&|A|B\n```"));
        assert_eq!(p.meta.unwrap().title, "Module first");
        assert!(p.html.contains("data-explorer=\"hl7\""), "{}", p.html);
    }

    #[test]
    fn atomic_writes_leave_no_temporary_files() {
        let dir = content();
        let file = dir.path().join("foundation/01-first.md");
        write_atomically(&file, "new text").unwrap();
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "new text");
        let names: Vec<String> = std::fs::read_dir(dir.path().join("foundation"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names.len(), 2, "{names:?}");
    }

    #[test]
    fn new_modules_are_numbered_ordered_and_unique() {
        let dir = content();
        let path =
            create_file(dir.path(), Level::Foundation, "third", "The \"third\" one").unwrap();
        assert_eq!(path.relative(), "foundation/03-third.md");
        let text = std::fs::read_to_string(path.in_dir(dir.path())).unwrap();
        assert!(text.contains("order = 3"), "{text}");
        assert!(
            text.contains(r#"title = 'The "third" one'"#)
                || text.contains(r#"title = "The \"third\" one""#),
            "{text}"
        );
        assert_eq!(validate(dir.path(), &path, &text), []);
        assert!(matches!(
            create_file(dir.path(), Level::Foundation, "third", "Again"),
            Err(AuthoringError::Exists(_))
        ));
        // Slugs are unique across both courses.
        assert!(matches!(
            create_file(dir.path(), Level::Intermediate, "first", "Clash"),
            Err(AuthoringError::Exists(_))
        ));
    }
}
