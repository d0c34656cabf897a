//! `/trainer/modules`: the module files trainers can edit in the browser,
//! and a form to start a new module.

use crate::error::AppError;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use leptos_meta::Title;

use super::session::{error_text, use_session, CsrfField, RequireRole};
use crate::accounts::Role;
use crate::content::authoring::ModuleFile;
use crate::content::Level;

/// Every module file of the content directory (trainers and admins).
#[server(input = GetUrl, endpoint = "authoring/modules")]
pub async fn list_module_files() -> Result<Vec<ModuleFile>, AppError> {
    use crate::server::{auth, authoring};
    auth::require_role(Role::Trainer).await?;
    let state = auth::state()?;
    authoring::list_modules(state.content.dir()).map_err(authoring::server_error)
}

/// Creates a module from a template; answers the editor's address.
#[server(endpoint = "authoring/create")]
pub async fn create_module(
    csrf: String,
    level: String,
    slug: String,
    title: String,
) -> Result<String, AppError> {
    use crate::server::{auth, authoring};
    auth::check_csrf(&csrf)?;
    let user = auth::require_role(Role::Trainer).await?;
    let level = Level::from_slug(&level).ok_or_else(|| {
        authoring::server_error(authoring::AuthoringError::BadRequest(
            "Choose the Foundation or the Intermediate course.".into(),
        ))
    })?;
    let state = auth::state()?;
    let slug = slug.trim();
    let opened = authoring::create(
        state.content.dir(),
        state.repo.as_ref(),
        level,
        slug,
        &title,
        user.id,
    )
    .await
    .map_err(authoring::server_error)?;
    Ok(opened.file.editor_path())
}

#[component]
pub fn AuthoringPage() -> impl IntoView {
    // Created outside the role check's async block (see DashboardPage).
    let files = Resource::new(|| (), |_| list_module_files());
    let create = ServerAction::<CreateModule>::new();
    Effect::new(move |_| {
        if let Some(Ok(path)) = create.value().get() {
            super::session::go_to(&path);
        }
    });
    view! {
        <Title text="Edit modules"/>
        <div class="wrap authoring">
            <h1>"Edit modules"</h1>
            <RequireRole role=Role::Trainer>
                <p class="lede">
                    "Change a module here and it is saved as its Markdown file in the content folder, "
                    "checked with the same rules as " <code>"check-content"</code>
                    ". Every saved version is kept in the module's history."
                </p>
                <ModuleTables files/>
                <NewModuleForm create/>
            </RequireRole>
        </div>
    }
}

#[component]
fn ModuleTables(files: Resource<Result<Vec<ModuleFile>, AppError>>) -> impl IntoView {
    view! {
        <Suspense fallback=|| view! { <p role="status">"Loading modules…"</p> }>
            {move || Suspend::new(async move {
                match files.await {
                    Ok(files) => Level::ALL.into_iter().map(|level| {
                        let rows: Vec<ModuleFile> = files.iter().filter(|f| f.level == level).cloned().collect();
                        let title_id = format!("modules-{}", level.slug());
                        view! {
                            <section aria-labelledby=title_id.clone()>
                                <h2 id=title_id.clone()>{format!("{} course", level.title())}</h2>
                                {if rows.is_empty() {
                                    view! { <p>"No modules in this course yet."</p> }.into_any()
                                } else {
                                    view! {
                                        <div class="table-wrap" role="region" tabindex="0" aria-label=format!("{} module files", level.title())>
                                            <table class="authoring-table">
                                                <thead><tr>
                                                    <th scope="col">"Module"</th>
                                                    <th scope="col">"File"</th>
                                                    <th scope="col">"Actions"</th>
                                                </tr></thead>
                                                <tbody>
                                                    {rows.into_iter().map(|f| {
                                                        let title = f.title.clone().unwrap_or_else(|| format!("{} (front matter needs fixing)", f.slug));
                                                        let learner_path = format!("/{}/{}", f.level.slug(), f.slug);
                                                        view! {
                                                            <tr>
                                                                <td>{title.clone()}</td>
                                                                <td><code>{f.path.clone()}</code></td>
                                                                <td class="authoring-actions">
                                                                    <a href=f.editor_path()>"Edit"<span class="visually-hidden">" "{title.clone()}</span></a>
                                                                    <a href=learner_path>"View"<span class="visually-hidden">" "{title}" as learners see it"</span></a>
                                                                </td>
                                                            </tr>
                                                        }
                                                    }).collect_view()}
                                                </tbody>
                                            </table>
                                        </div>
                                    }.into_any()
                                }}
                            </section>
                        }
                    }).collect_view().into_any(),
                    Err(e) => view! { <p role="alert" class="notice notice-error">{error_text(&e)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn NewModuleForm(create: ServerAction<CreateModule>) -> impl IntoView {
    let session = use_session();
    let error = move || match create.value().get() {
        Some(Err(e)) => Some(error_text(&e)),
        _ => None,
    };
    view! {
        <section aria-labelledby="new-module-title" class="new-module">
            <h2 id="new-module-title">"Start a new module"</h2>
            <p>
                "The new module is saved straight away from a template, last in its course, and learners can see it. "
                "Write it in the editor that opens next."
            </p>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let csrf = session.0.await.map(|s| s.csrf).unwrap_or_default();
                    view! {
                        <ActionForm action=create attr:class="stack-form">
                            <CsrfField csrf/>
                            {move || error().map(|e| view! {
                                <div class="notice notice-error" role="alert"><p>{e}</p></div>
                            })}
                            <div class="form-group">
                                <label for="new-module-level">"Course"</label>
                                <select id="new-module-level" name="level">
                                    {Level::ALL.into_iter().map(|l| view! { <option value=l.slug()>{l.title()}</option> }).collect_view()}
                                </select>
                            </div>
                            <div class="form-group">
                                <label for="new-module-title-input">"Title"</label>
                                <input id="new-module-title-input" name="title" type="text" required maxlength="150"/>
                            </div>
                            <div class="form-group">
                                <label for="new-module-slug">"Slug"</label>
                                <p class="hint" id="new-module-slug-hint">
                                    "The module's address: lowercase letters, digits and single hyphens, such as "
                                    <code>"worklist-troubleshooting"</code>". It cannot be changed later."
                                </p>
                                <input id="new-module-slug" name="slug" type="text" required maxlength="80"
                                    pattern="[a-z0-9]+(-[a-z0-9]+)*" autocomplete="off" spellcheck="false"
                                    aria-describedby="new-module-slug-hint"/>
                            </div>
                            <button type="submit" class="button" disabled=move || create.pending().get()>"Create module"</button>
                        </ActionForm>
                    }
                })}
            </Suspense>
        </section>
    }
}
