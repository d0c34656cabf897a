//! `/trainer/modules/:level/:slug`: the module editor. Markdown source on
//! the left, the module as learners will see it on the right (rendered by
//! the server with the module page's renderer, so ```` ```hl7 ```` and
//! ```` ```dicom ```` blocks are live explorers), the `check-content`
//! problems by line, saving with conflict detection, and the history.

use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Json};
use leptos::task::spawn_local;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::session::{error_text, use_session, RequireRole};
use crate::accounts::Role;
use crate::content::authoring::{
    diff_lines, DiffLine, DraftFinding, DraftReport, OpenedModule, Preview, RevisionSummary,
    RevisionText, SaveOutcome,
};

/// Opens the module `slug` of `level` for editing, with its checks and
/// preview.
#[server(input = GetUrl, endpoint = "authoring/open")]
pub async fn open_module(
    level: String,
    slug: String,
) -> Result<(OpenedModule, DraftReport), AppError> {
    use crate::content::Level;
    use crate::server::{auth, authoring};
    auth::require_role(Role::Trainer).await?;
    let state = auth::state()?;
    let dir = state.content.dir();
    let level = Level::from_slug(&level).ok_or_else(|| {
        authoring::server_error(authoring::AuthoringError::NotFound(format!(
            "{level}/{slug}"
        )))
    })?;
    let path = authoring::find_module(dir, level, &slug).map_err(authoring::server_error)?;
    let opened = authoring::open(dir, state.repo.as_ref(), &path)
        .await
        .map_err(authoring::server_error)?;
    let report =
        authoring::draft_report_in_background(dir.to_path_buf(), path, opened.text.clone())
            .await
            .map_err(authoring::server_error)?;
    Ok((opened, report))
}

/// Checks and renders a draft of the module file `path` (nothing is saved).
#[server(input = Json, endpoint = "authoring/check")]
pub async fn check_draft(path: String, text: String) -> Result<DraftReport, AppError> {
    use crate::server::{auth, authoring};
    auth::require_role(Role::Trainer).await?;
    let path = authoring::ModulePath::parse(&path).map_err(authoring::server_error)?;
    let state = auth::state()?;
    let dir = state.content.dir().to_path_buf();
    authoring::draft_report_in_background(dir, path, text)
        .await
        .map_err(authoring::server_error)
}

/// Saves `text` to `path` if the file is still at `base_revision`.
#[server(input = Json, endpoint = "authoring/save")]
pub async fn save_module(
    csrf: String,
    path: String,
    base_revision: String,
    text: String,
) -> Result<SaveOutcome, AppError> {
    use crate::content::authoring::RevisionKind;
    use crate::server::{auth, authoring};
    auth::check_csrf(&csrf)?;
    let user = auth::require_role(Role::Trainer).await?;
    let path = authoring::ModulePath::parse(&path).map_err(authoring::server_error)?;
    let state = auth::state()?;
    authoring::save(
        state.content.dir(),
        state.repo.as_ref(),
        &path,
        &base_revision,
        &text,
        user.id,
        RevisionKind::Saved,
    )
    .await
    .map_err(authoring::server_error)
}

/// The history of the module file `path`, newest first.
#[server(input = GetUrl, endpoint = "authoring/history")]
pub async fn module_history(path: String) -> Result<Vec<RevisionSummary>, AppError> {
    use crate::server::{auth, authoring};
    auth::require_role(Role::Trainer).await?;
    let path = authoring::ModulePath::parse(&path).map_err(authoring::server_error)?;
    authoring::history(auth::state()?.repo.as_ref(), &path)
        .await
        .map_err(authoring::server_error)
}

/// One revision of `path` with its text.
#[server(input = GetUrl, endpoint = "authoring/revision")]
pub async fn module_revision_text(path: String, id: i64) -> Result<RevisionText, AppError> {
    use crate::server::{auth, authoring};
    auth::require_role(Role::Trainer).await?;
    let path = authoring::ModulePath::parse(&path).map_err(authoring::server_error)?;
    authoring::revision(auth::state()?.repo.as_ref(), &path, id)
        .await
        .map_err(authoring::server_error)
}

/// Writes revision `id` back to `path` (a save, conflict-checked against
/// `base_revision`, recorded as `restored`).
#[server(endpoint = "authoring/restore")]
pub async fn restore_revision(
    csrf: String,
    path: String,
    id: i64,
    base_revision: String,
) -> Result<SaveOutcome, AppError> {
    use crate::server::{auth, authoring};
    auth::check_csrf(&csrf)?;
    let user = auth::require_role(Role::Trainer).await?;
    let path = authoring::ModulePath::parse(&path).map_err(authoring::server_error)?;
    let state = auth::state()?;
    authoring::restore(
        state.content.dir(),
        state.repo.as_ref(),
        &path,
        id,
        &base_revision,
        user.id,
    )
    .await
    .map_err(authoring::server_error)
}

#[component]
pub fn ModuleEditorPage() -> impl IntoView {
    let params = use_params_map();
    let session = use_session();
    // Created outside the role check's async block (see DashboardPage).
    let opened = Resource::new(
        move || {
            let p = params.read();
            (
                p.get("level").unwrap_or_default(),
                p.get("slug").unwrap_or_default(),
            )
        },
        |(level, slug)| open_module(level, slug),
    );
    view! {
        <Title text="Edit module"/>
        <div class="wrap editor-page">
            <RequireRole role=Role::Trainer>
                <Suspense fallback=|| view! { <p role="status">"Opening the module…"</p> }>
                    {move || Suspend::new(async move {
                        let csrf = session.0.await.map(|s| s.csrf).unwrap_or_default();
                        match opened.await {
                            Ok((module, report)) => view! { <Editor module report csrf/> }.into_any(),
                            Err(e) => view! {
                                <h1>"Edit module"</h1>
                                <div class="notice notice-error" role="alert"><p>{error_text(&e)}</p></div>
                                <p><a href="/trainer/modules">"All modules"</a></p>
                            }.into_any(),
                        }
                    })}
                </Suspense>
            </RequireRole>
        </div>
    }
}

/// What the last save (or restore) did.
#[derive(Clone, Debug, PartialEq)]
enum Status {
    Idle,
    Saving,
    /// `number`: the revision's place in this module's history.
    Saved {
        revision: String,
        number: u32,
        restored: bool,
    },
    Conflict {
        theirs: String,
        their_revision: String,
        draft_number: u32,
        mine: String,
    },
    /// Their version was loaded after a conflict; the draft is history
    /// entry `draft_number`.
    LoadedTheirs {
        draft_number: u32,
    },
    Invalid(usize),
    Failed(String),
}

/// The editor's state, shared by its parts.
#[derive(Clone, Copy)]
struct EditorState {
    path: StoredValue<String>,
    csrf: StoredValue<String>,
    text: RwSignal<String>,
    /// The revision the editor's text is based on.
    base: RwSignal<String>,
    /// The text at `base`, to tell whether there are unsaved changes.
    saved_text: RwSignal<String>,
    report: RwSignal<DraftReport>,
    check_failed: RwSignal<Option<String>>,
    status: RwSignal<Status>,
    history_version: RwSignal<u32>,
    textarea: NodeRef<leptos::html::Textarea>,
    check_seq: StoredValue<u64>,
    timer: StoredValue<Option<TimeoutHandle>>,
    /// A draft of this module left in this browser by an earlier visit,
    /// offered until it is restored or discarded. While it is on offer,
    /// nothing overwrites it.
    offered: RwSignal<Option<LocalDraft>>,
}

/// Unsaved editor text kept in this browser's local storage, per module
/// file, so that leaving the page (a link, a closed tab, a crash) does not
/// lose it. Removed once the text is saved or the draft discarded.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LocalDraft {
    /// The revision the draft was based on.
    pub base: String,
    pub text: String,
    /// When it was last kept (milliseconds since 1970, UTC).
    pub kept_at_ms: f64,
}

#[cfg(feature = "hydrate")]
mod drafts {
    use super::LocalDraft;
    use leptos::prelude::window;

    fn key(path: &str) -> String {
        format!("pacs-editor-draft:{path}")
    }

    fn storage() -> Option<web_sys::Storage> {
        window().local_storage().ok().flatten()
    }

    pub fn read(path: &str) -> Option<LocalDraft> {
        let text = storage()?.get_item(&key(path)).ok()??;
        serde_json::from_str(&text).ok()
    }

    pub fn write(path: &str, draft: &LocalDraft) {
        if let (Some(s), Ok(text)) = (storage(), serde_json::to_string(draft)) {
            // A full storage quota only means no draft: the editor still works.
            let _ = s.set_item(&key(path), &text);
        }
    }

    pub fn remove(path: &str) {
        if let Some(s) = storage() {
            let _ = s.remove_item(&key(path));
        }
    }
}

impl EditorState {
    fn dirty(&self) -> bool {
        self.text.with(|t| self.saved_text.with(|s| t != s))
    }

    /// Keeps the text as this browser's draft while it has unsaved changes,
    /// and removes the draft once it has none. Leaves a draft on offer
    /// alone until the trainer restores or discards it.
    fn keep_draft(self) {
        #[cfg(feature = "hydrate")]
        {
            if self.offered.with_untracked(Option::is_some) {
                return;
            }
            let path = self.path.get_value();
            if self.dirty_untracked() {
                drafts::write(
                    &path,
                    &LocalDraft {
                        base: self.base.get_untracked(),
                        text: self.text.get_untracked(),
                        kept_at_ms: js_sys::Date::now(),
                    },
                );
            } else {
                drafts::remove(&path);
            }
        }
    }

    #[cfg(feature = "hydrate")]
    fn dirty_untracked(&self) -> bool {
        self.text
            .with_untracked(|t| self.saved_text.with_untracked(|s| t != s))
    }

    /// Puts the offered draft in the editor, on the revision it was based
    /// on: if the module has been saved since, saving shows the conflict.
    fn restore_draft(self) {
        if let Some(d) = self.offered.get_untracked() {
            self.offered.set(None);
            self.base.set(d.base);
            self.replace_text(d.text);
            self.keep_draft();
        }
    }

    fn discard_draft(self) {
        self.offered.set(None);
        #[cfg(feature = "hydrate")]
        drafts::remove(&self.path.get_value());
    }

    /// Checks and renders the text ~300 ms after the last change.
    fn schedule_check(self) {
        if let Some(h) = self.timer.get_value() {
            h.clear();
        }
        let handle = set_timeout_with_handle(
            move || {
                self.keep_draft();
                self.check_now();
            },
            std::time::Duration::from_millis(300),
        )
        .ok();
        self.timer.set_value(handle);
    }

    fn check_now(self) {
        let draft = self.text.get_untracked();
        let n = self.check_seq.get_value() + 1;
        self.check_seq.set_value(n);
        spawn_local(async move {
            let result = check_draft(self.path.get_value(), draft).await;
            // A later check supersedes this one.
            if self.check_seq.get_value() != n {
                return;
            }
            match result {
                Ok(r) => {
                    self.report.set(r);
                    self.check_failed.set(None);
                }
                Err(e) => self.check_failed.set(Some(error_text(&e))),
            }
        });
    }

    /// Replaces the editor's text (their version, a restored revision).
    fn replace_text(self, text: String) {
        #[cfg(feature = "hydrate")]
        if let Some(el) = self.textarea.get_untracked() {
            el.set_value(&text);
        }
        self.text.set(text);
        self.schedule_check();
    }

    fn saved(self, outcome: Result<SaveOutcome, AppError>, draft: String, restored: bool) {
        self.history_version.update(|v| *v += 1);
        match outcome {
            Ok(SaveOutcome::Saved {
                revision,
                revision_number,
                ..
            }) => {
                self.base.set(revision.clone());
                self.saved_text.set(draft.clone());
                if restored {
                    self.replace_text(draft);
                }
                self.status.set(Status::Saved {
                    revision,
                    number: revision_number,
                    restored,
                });
                // Saved: no draft, unless the text changed during the save.
                self.keep_draft();
            }
            Ok(SaveOutcome::Conflict {
                current_text,
                current_revision,
                draft_number,
                ..
            }) => self.status.set(Status::Conflict {
                theirs: current_text,
                their_revision: current_revision,
                draft_number,
                mine: draft,
            }),
            Ok(SaveOutcome::Invalid { findings }) => {
                let n = findings.len();
                self.report.update(|r| r.findings = findings);
                self.status.set(Status::Invalid(n));
            }
            Err(e) => self.status.set(Status::Failed(error_text(&e))),
        }
    }

    fn save(self) {
        let draft = self.text.get_untracked();
        let base = self.base.get_untracked();
        self.status.set(Status::Saving);
        spawn_local(async move {
            let outcome = save_module(
                self.csrf.get_value(),
                self.path.get_value(),
                base,
                draft.clone(),
            )
            .await;
            self.saved(outcome, draft, false);
        });
    }

    fn restore(self, id: i64) {
        if self.dirty() {
            self.status.set(Status::Failed(
                "You have unsaved changes. Save them first (or undo them): restoring would replace them.".into(),
            ));
            return;
        }
        let base = self.base.get_untracked();
        self.status.set(Status::Saving);
        spawn_local(async move {
            let path = self.path.get_value();
            let text = match module_revision_text(path.clone(), id).await {
                Ok(r) => r.text,
                Err(e) => {
                    self.status.set(Status::Failed(error_text(&e)));
                    return;
                }
            };
            let outcome = restore_revision(self.csrf.get_value(), path, id, base).await;
            self.saved(outcome, text, true);
        });
    }

    /// Moves the caret to `line` (1-based) of the source and selects it.
    fn go_to_line(self, line: usize) {
        #[cfg(feature = "hydrate")]
        if let Some(el) = self.textarea.get_untracked() {
            let value = el.value();
            let (start, end) = line_range_utf16(&value, line);
            let _ = el.focus();
            let _ = el.set_selection_range(start, end);
            let total = value.lines().count().max(1) as f64;
            let top = f64::from(el.scroll_height()) * (line.saturating_sub(1) as f64) / total
                - f64::from(el.client_height()) / 3.0;
            el.set_scroll_top(top.max(0.0) as i32);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = line;
    }
}

/// The start and end of 1-based `line` in `text`, in UTF-16 code units (as
/// `setSelectionRange` counts). A line past the end gives the end.
#[cfg(any(feature = "hydrate", test))]
fn line_range_utf16(text: &str, line: usize) -> (u32, u32) {
    let mut offset = 0u32;
    for (i, l) in text.split('\n').enumerate() {
        let len = l.encode_utf16().count() as u32;
        if i + 1 >= line {
            return (offset, offset + len);
        }
        offset += len + 1;
    }
    let end = text.encode_utf16().count() as u32;
    (end, end)
}

#[component]
fn Editor(module: OpenedModule, report: DraftReport, csrf: String) -> impl IntoView {
    let state = EditorState {
        path: StoredValue::new(module.file.path.clone()),
        csrf: StoredValue::new(csrf),
        text: RwSignal::new(module.text.clone()),
        base: RwSignal::new(module.revision.clone()),
        saved_text: RwSignal::new(module.text.clone()),
        report: RwSignal::new(report),
        check_failed: RwSignal::new(None),
        status: RwSignal::new(Status::Idle),
        history_version: RwSignal::new(0),
        textarea: NodeRef::new(),
        check_seq: StoredValue::new(0),
        timer: StoredValue::new(None),
        offered: RwSignal::new(None),
    };
    // In the browser: offer a draft an earlier visit left (unless it is
    // what the server has anyway), and guard against leaving with unsaved
    // work.
    #[cfg(feature = "hydrate")]
    {
        // After hydration (an effect), so that the page first matches what
        // the server rendered.
        let path = module.file.path.clone();
        let server_text = module.text.clone();
        Effect::new(move |_| match drafts::read(&path) {
            Some(d) if d.text != server_text => state.offered.set(Some(d)),
            Some(_) => drafts::remove(&path),
            None => {}
        });
        crate::leave_guard::set(move || {
            state.keep_draft();
            state.dirty_untracked()
        });
        on_cleanup(crate::leave_guard::clear);
    }
    let current_revision = module.revision.clone();
    let title = module
        .file
        .title
        .clone()
        .unwrap_or_else(|| module.file.slug.clone());
    let learner_path = format!("/{}/{}", module.file.level.slug(), module.file.slug);
    view! {
        <Title text=format!("Edit: {title}")/>
        <nav class="breadcrumbs" aria-label="Breadcrumb">
            <ol>
                <li><a href="/trainer/modules">"Edit modules"</a></li>
                <li><span aria-current="page">{title.clone()}</span></li>
            </ol>
        </nav>
        <h1>"Edit: "{title}</h1>
        <p class="editor-file">
            <code>{format!("content/{}", module.file.path)}</code>
            " · "<a href=learner_path>"View as learners see it"</a>
        </p>
        <StatusMessage state/>
        <DraftOffer state current_revision/>
        <div class="editor-layout">
            <div class="editor-pane">
                <label for="editor-source" class="editor-label">"Markdown source"</label>
                <p class="hint" id="editor-source-hint">
                    "TOML front matter between " <code>"+++"</code> " lines, then the Markdown body. "
                    "The preview and the checks update as you type."
                </p>
                <textarea
                    id="editor-source"
                    class="editor-source"
                    node_ref=state.textarea
                    spellcheck="false"
                    autocapitalize="off"
                    autocomplete="off"
                    aria-describedby="editor-source-hint editor-problems-summary"
                    on:input=move |ev| {
                        state.text.set(event_target_value(&ev));
                        state.schedule_check();
                    }
                >{module.text}</textarea>
                <div class="editor-actions">
                    <button type="button" class="button"
                        disabled=move || state.status.get() == Status::Saving
                        on:click=move |_| state.save()>
                        "Save"
                    </button>
                    <span class="editor-dirty">{move || if state.dirty() { "Unsaved changes" } else { "No unsaved changes" }}</span>
                </div>
                <Problems state/>
            </div>
            <PreviewPane state/>
        </div>
        <ConflictPanel state/>
        <HistoryPanel state/>
    }
}

/// "You have an unsaved draft of this module": restore it or discard it.
#[component]
fn DraftOffer(state: EditorState, current_revision: String) -> impl IntoView {
    move || {
        state.offered.get().map(|d| {
            let when = crate::exam::format_utc((d.kept_at_ms / 1000.0) as i64);
            let stale = d.base != current_revision;
            view! {
                <div class="notice notice-warning draft-offer" role="region" aria-labelledby="draft-offer-title">
                    <h2 id="draft-offer-title">"You have an unsaved draft of this module"</h2>
                    <p>{format!("It was kept in this browser on {when}, when you left the editor without saving.")}</p>
                    {stale.then(|| view! {
                        <p>"The module has been saved since the draft was started. If you restore it, saving shows you both versions to compare."</p>
                    })}
                    <p class="button-row">
                        <button type="button" class="button" on:click=move |_| state.restore_draft()>"Restore the draft"</button>
                        " "
                        <button type="button" class="button button-secondary" on:click=move |_| state.discard_draft()>"Discard the draft"</button>
                    </p>
                </div>
            }
        })
    }
}

#[component]
fn StatusMessage(state: EditorState) -> impl IntoView {
    let short = |r: &str| r.chars().take(8).collect::<String>();
    view! {
        <div class="editor-status" role="status">
            {move || match state.status.get() {
                Status::Idle => None,
                Status::Saving => Some(view! { <p>"Saving…"</p> }.into_any()),
                Status::Saved { revision, number, restored } => Some(view! {
                    <p class="notice notice-success">
                        {if restored { "Restored and saved" } else { "Saved" }}
                        {format!(": revision {} (history #{number}). Learners see it on their next page load.", short(&revision))}
                    </p>
                }.into_any()),
                Status::LoadedTheirs { draft_number } => Some(view! {
                    <p class="notice">{format!(
                        "The newer version is now in the editor. Your draft is kept in the history as #{draft_number}."
                    )}</p>
                }.into_any()),
                Status::Conflict { .. } | Status::Invalid(_) | Status::Failed(_) => None,
            }}
        </div>
        <div class="editor-alert" role="alert">
            {move || match state.status.get() {
                Status::Conflict { draft_number, .. } => Some(view! {
                    <p class="notice notice-error">{format!(
                        "Not saved: another trainer saved this module after you opened it. Your draft is kept in the history as #{draft_number}; compare the versions below."
                    )}</p>
                }.into_any()),
                Status::Invalid(n) => Some(view! {
                    <p class="notice notice-error">{format!(
                        "Not saved: fix the {n} {} listed under Problems first.",
                        if n == 1 { "problem" } else { "problems" }
                    )}</p>
                }.into_any()),
                Status::Failed(m) => Some(view! { <p class="notice notice-error">{m}</p> }.into_any()),
                _ => None,
            }}
        </div>
    }
}

#[component]
fn Problems(state: EditorState) -> impl IntoView {
    let findings = move || state.report.with(|r| r.findings.clone());
    view! {
        <section class="editor-problems" aria-labelledby="editor-problems-title">
            <h2 id="editor-problems-title">"Problems"</h2>
            <p id="editor-problems-summary" aria-live="polite">
                {move || match state.report.with(|r| r.findings.len()) {
                    0 => "No problems found: this module passes check-content.".to_string(),
                    1 => "1 problem: check-content would fail.".to_string(),
                    n => format!("{n} problems: check-content would fail."),
                }}
            </p>
            {move || state.check_failed.get().map(|e| view! {
                <p class="field-error">{format!("The checks could not run: {e}")}</p>
            })}
            <ul class="problem-list">
                {move || findings().into_iter().map(|DraftFinding { line, message }| {
                    if line == 0 {
                        view! { <li>{message}</li> }.into_any()
                    } else {
                        view! {
                            <li>
                                <button type="button" class="button-link" on:click=move |_| state.go_to_line(line)>
                                    {format!("Line {line}")}
                                </button>
                                ": "{message}
                            </li>
                        }.into_any()
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn PreviewPane(state: EditorState) -> impl IntoView {
    view! {
        <section class="editor-preview" aria-labelledby="editor-preview-title" aria-live="off">
            <h2 id="editor-preview-title">"Preview"</h2>
            <p class="hint">"As learners will see the module (progress and navigation left out)."</p>
            {move || {
                let Preview { meta, html, words } = state.report.with(|r| r.preview.clone());
                view! {
                    <article class="module preview-module">
                        {match meta {
                            Some(meta) => view! {
                                <header class="page-header">
                                    <p class="kicker">{meta.level.title()}" · Module "{meta.order}</p>
                                    <p class="preview-module-title">{meta.title.clone()}</p>
                                    <p class="meta">
                                        {super::components::format_minutes(meta.minutes)}" study time · "{meta.reading_minutes}" min read · "{words}" words"
                                    </p>
                                    <p class="lede">{meta.summary.clone()}</p>
                                </header>
                                <section class="objectives-box" aria-labelledby="preview-objectives-title">
                                    <h3 id="preview-objectives-title">"By the end of this module you can"</h3>
                                    <ul>{meta.objectives.into_iter().map(|o| view! { <li>{o}</li> }).collect_view()}</ul>
                                </section>
                            }.into_any(),
                            None => view! {
                                <p class="notice">"The front matter has problems, so the title and objectives are not shown."</p>
                            }.into_any(),
                        }}
                        <div class="prose" inner_html=html></div>
                    </article>
                }
            }}
        </section>
    }
}

#[component]
fn ConflictPanel(state: EditorState) -> impl IntoView {
    move || {
        let Status::Conflict {
            theirs,
            their_revision,
            draft_number,
            mine,
        } = state.status.get()
        else {
            return None;
        };
        let diff = diff_lines(&theirs, &mine).map(|lines| {
            lines
                .into_iter()
                .map(|l| match l {
                    DiffLine::Same(t) => view! { <li class="diff-same"><span class="diff-mark" aria-hidden="true">" "</span><span class="visually-hidden">"Both: "</span>{t.to_string()}</li> },
                    DiffLine::Removed(t) => view! { <li class="diff-theirs"><span class="diff-mark" aria-hidden="true">"−"</span><span class="visually-hidden">"Only theirs: "</span>{t.to_string()}</li> },
                    DiffLine::Added(t) => view! { <li class="diff-mine"><span class="diff-mark" aria-hidden="true">"+"</span><span class="visually-hidden">"Only yours: "</span>{t.to_string()}</li> },
                })
                .collect_view()
        });
        let (load_theirs, their_rev) = (theirs.clone(), their_revision.clone());
        Some(view! {
            <section class="conflict-panel" aria-labelledby="conflict-title">
                <h2 id="conflict-title">"Your changes and the newer version"</h2>
                <p>
                    "The file changed after you opened it, so your save was refused and nothing was overwritten. "
                    {format!("Your draft is safe in the history as #{draft_number}. ")}
                    "Lines marked − are only in the newer version; lines marked + are only in yours."
                </p>
                <div class="conflict-actions">
                    <button type="button" class="button button-secondary" on:click=move |_| {
                        state.base.set(their_rev.clone());
                        state.saved_text.set(load_theirs.clone());
                        state.replace_text(load_theirs.clone());
                        state.status.set(Status::LoadedTheirs { draft_number });
                    }>"Load the newer version (keep mine in history)"</button>
                    <button type="button" class="button" on:click=move |_| {
                        state.base.set(their_revision.clone());
                        state.save();
                    }>"Save mine over it"</button>
                </div>
                {match diff {
                    Some(items) => view! {
                        <h3>"Differences"</h3>
                        <ol class="diff" tabindex="0" aria-label="Differences between the newer version and yours">{items}</ol>
                    }.into_any(),
                    None => view! { <p>"The versions differ too much to list line by line; compare them side by side."</p> }.into_any(),
                }}
                <details class="conflict-side-by-side">
                    <summary>"Both versions side by side"</summary>
                    <div class="conflict-columns">
                        <div>
                            <h3 id="conflict-theirs">"Newer version (in the file)"</h3>
                            <pre tabindex="0" role="region" aria-label="Text of the newer version">{theirs}</pre>
                        </div>
                        <div>
                            <h3 id="conflict-mine">"Your draft"</h3>
                            <pre tabindex="0" role="region" aria-label="Text of your draft">{mine}</pre>
                        </div>
                    </div>
                </details>
            </section>
        })
    }
}

#[component]
fn HistoryPanel(state: EditorState) -> impl IntoView {
    // Fetched in the browser only, after hydration (effects do not run on
    // the server), and again after each save: the server and the hydrating
    // browser both render "Loading history…" first.
    let history = RwSignal::new(None::<Result<Vec<RevisionSummary>, String>>);
    Effect::new(move |_| {
        state.history_version.track();
        let path = state.path.get_value();
        spawn_local(async move {
            history.set(Some(module_history(path).await.map_err(|e| error_text(&e))));
        });
    });
    let viewing = RwSignal::new(None::<RevisionText>);
    let view_error = RwSignal::new(None::<String>);
    let open_revision = move |id: i64| {
        spawn_local(async move {
            match module_revision_text(state.path.get_value(), id).await {
                Ok(r) => {
                    viewing.set(Some(r));
                    view_error.set(None);
                    focus_later("revision-view-title");
                }
                Err(e) => view_error.set(Some(error_text(&e))),
            }
        });
    };
    view! {
        <section class="editor-history" aria-labelledby="editor-history-title">
            <h2 id="editor-history-title">"History"</h2>
            {move || {
                    match history.get() {
                        None => view! { <p role="status">"Loading history…"</p> }.into_any(),
                        Some(Ok(rows)) if rows.is_empty() => view! { <p>"No revisions recorded yet."</p> }.into_any(),
                        Some(Ok(rows)) => view! {
                            <div class="table-wrap" role="region" tabindex="0" aria-label="Revisions of this module">
                                <table class="history-table">
                                    <thead><tr>
                                        <th scope="col">"#"</th>
                                        <th scope="col">"When"</th>
                                        <th scope="col">"What"</th>
                                        <th scope="col">"Who"</th>
                                        <th scope="col">"Revision"</th>
                                        <th scope="col">"Actions"</th>
                                    </tr></thead>
                                    <tbody>
                                        {rows.into_iter().map(|r| {
                                            let (id, number) = (r.id, r.number);
                                            let revision = r.revision.clone();
                                            let current = move || state.base.with(|b| *b == revision);
                                            view! {
                                                <tr>
                                                    <td>{number}</td>
                                                    <td>{crate::exam::definition::format_utc(r.saved_at)}</td>
                                                    <td>{r.kind.label()}{move || current().then_some(" (in the file)")}</td>
                                                    <td>{r.author.clone().unwrap_or_else(|| "—".into())}</td>
                                                    <td><code>{r.revision.chars().take(8).collect::<String>()}</code></td>
                                                    <td class="history-actions">
                                                        <button type="button" class="button button-secondary button-small" on:click=move |_| open_revision(id)>
                                                            "View"<span class="visually-hidden">{format!(" revision {number}")}</span>
                                                        </button>
                                                        <button type="button" class="button button-secondary button-small" on:click=move |_| state.restore(id)>
                                                            "Restore"<span class="visually-hidden">{format!(" revision {number}")}</span>
                                                        </button>
                                                    </td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        }.into_any(),
                        Some(Err(e)) => view! { <p class="notice notice-error" role="alert">{e}</p> }.into_any(),
                    }
            }}
            {move || view_error.get().map(|e| view! { <p class="notice notice-error" role="alert">{e}</p> })}
            {move || viewing.get().map(|r| {
                let (id, number) = (r.summary.id, r.summary.number);
                view! {
                    <section class="revision-view" aria-labelledby="revision-view-title">
                        <h3 id="revision-view-title" tabindex="-1">{format!(
                            "Revision #{number}: {}, {}{}",
                            r.summary.kind.label(),
                            crate::exam::definition::format_utc(r.summary.saved_at),
                            r.summary.author.as_ref().map(|a| format!(", by {a}")).unwrap_or_default()
                        )}</h3>
                        <pre tabindex="0" role="region" aria-label=format!("Text of revision {number}")>{r.text}</pre>
                        <div class="conflict-actions">
                            <button type="button" class="button" on:click=move |_| { viewing.set(None); state.restore(id); }>
                                "Restore this revision"
                            </button>
                            <button type="button" class="button button-secondary" on:click=move |_| viewing.set(None)>
                                "Close"
                            </button>
                        </div>
                    </section>
                }
            })}
        </section>
    }
}

/// Moves keyboard focus to the element `id` once it is on the page.
fn focus_later(_id: &'static str) {
    #[cfg(feature = "hydrate")]
    set_timeout(
        move || {
            use wasm_bindgen::JsCast;
            if let Some(el) = document()
                .get_element_by_id(_id)
                .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
            {
                let _ = el.focus();
            }
        },
        std::time::Duration::from_millis(0),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_ranges_count_utf16_units() {
        let text = "ab\nçé\n😀x\n";
        assert_eq!(line_range_utf16(text, 1), (0, 2));
        assert_eq!(line_range_utf16(text, 2), (3, 5));
        // The emoji is two UTF-16 units.
        assert_eq!(line_range_utf16(text, 3), (6, 9));
        assert_eq!(line_range_utf16(text, 4), (10, 10));
        assert_eq!(line_range_utf16(text, 99), (10, 10));
        assert_eq!(line_range_utf16("", 1), (0, 0));
    }
}
