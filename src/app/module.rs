//! A module page: the rendered lesson with its table of contents and
//! previous/next links.

use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::components::{format_minutes, Breadcrumbs, LoadError, PagerLink};
use super::not_found::NotFound;
use crate::content::ModulePage as Page;

/// The module `slug` of course `level`, or `None` if there is no such module.
#[server(input = GetUrl)]
pub async fn get_module(level: String, slug: String) -> Result<Option<Page>, AppError> {
    use crate::content::Level;
    let state = expect_context::<crate::server::AppState>();
    Ok(Level::from_slug(&level).and_then(|l| state.content.module(l, &slug)))
}

#[component]
pub fn ModulePage() -> impl IntoView {
    let params = use_params_map();
    let page = Resource::new(
        move || {
            let p = params.read();
            (
                p.get("level").unwrap_or_default(),
                p.get("slug").unwrap_or_default(),
            )
        },
        |(level, slug)| get_module(level, slug),
    );
    // The progress control's action and resource live here, outside the
    // async block that renders the module, so the server and the browser
    // create them in the same order.
    let complete = ServerAction::<super::progress::SetModuleComplete>::new();
    let status = Resource::new(
        move || {
            let p = params.read();
            (
                p.get("level").unwrap_or_default(),
                p.get("slug").unwrap_or_default(),
                complete.version().get(),
            )
        },
        |(level, slug, _)| super::progress::get_module_progress(level, slug),
    );
    let progress = Progress { complete, status };
    view! {
        <Suspense fallback=|| view! { <p class="wrap" role="status">"Loading module…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(Some(page)) => view! { <ModuleView page progress/> }.into_any(),
                    Ok(None) => view! { <NotFound/> }.into_any(),
                    Err(e) => view! { <div class="wrap"><LoadError message=e.to_string()/></div> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The "mark as complete" action and the signed-in user's status.
#[derive(Clone, Copy)]
struct Progress {
    complete: ServerAction<super::progress::SetModuleComplete>,
    status: Resource<Result<Option<bool>, AppError>>,
}

#[component]
fn ModuleView(page: Page, progress: Progress) -> impl IntoView {
    let meta = page.meta;
    let level = meta.level;
    let toc = page.toc;
    view! {
        <Title text=meta.title.clone()/>
        <div class="wrap">
            <Breadcrumbs level current=meta.title.clone()/>
        </div>
        <div class="wrap module-layout">
            <article class="module" aria-labelledby="module-title">
                <header class="page-header">
                    <p class="kicker">{level.title()}" · Module "{page.position}" of "{page.count}</p>
                    <h1 id="module-title">{meta.title.clone()}</h1>
                    <p class="meta">
                        {format_minutes(meta.minutes)}" study time · "{meta.reading_minutes}" min read · "{page.words}" words"
                    </p>
                    <p class="lede">{meta.summary.clone()}</p>
                </header>
                <section class="objectives-box" aria-labelledby="objectives-title">
                    <h2 id="objectives-title">"By the end of this module you can"</h2>
                    <ul>{meta.objectives.into_iter().map(|o| view! { <li>{o}</li> }).collect_view()}</ul>
                    {(!page.prerequisites.is_empty()).then(|| view! {
                        <p class="prereqs">
                            "Study first: "
                            {page.prerequisites.into_iter().enumerate().map(|(i, p)| {
                                let href = p.path();
                                view! {
                                    {(i > 0).then_some(", ")}
                                    <a href=href>{p.title}</a>
                                }
                            }).collect_view()}
                        </p>
                    })}
                </section>
                <div class="prose" inner_html=page.html></div>
                <ProgressControl level=level.slug() slug=meta.slug.clone() progress/>
            </article>
            <aside class="toc">
                <nav aria-labelledby="toc-title">
                    <h2 id="toc-title">"On this page"</h2>
                    <ol>
                        {toc.into_iter().map(|t| view! {
                            <li class=format!("toc-depth-{}", t.depth)>
                                <a href=format!("#{}", t.id)>{t.title}</a>
                            </li>
                        }).collect_view()}
                    </ol>
                </nav>
            </aside>
        </div>
        <div class="wrap">
            <nav class="pager" aria-label="Module navigation">
                {page.prev.map(|p| view! { <PagerLink link=p label="Previous module" rel="prev"/> })}
                {page.next.map(|n| view! { <PagerLink link=n label="Next module" rel="next"/> })}
            </nav>
        </div>
    }
}

/// "Mark as complete" for a signed-in learner; a note for visitors that
/// nothing is recorded.
#[component]
fn ProgressControl(level: &'static str, slug: String, progress: Progress) -> impl IntoView {
    use super::session::{use_session, CsrfField};
    use leptos::form::ActionForm;
    let session = use_session();
    let Progress {
        complete: action,
        status,
    } = progress;
    view! {
        <section class="progress-box" aria-labelledby="progress-title">
            <h2 id="progress-title">"Your progress"</h2>
            <Suspense fallback=|| view! { <p role="status">"Loading…"</p> }>
                {move || {
                    let slug = slug.clone();
                    Suspend::new(async move {
                        let csrf = session.0.await.map(|s| s.csrf).unwrap_or_default();
                        match status.await {
                            Ok(Some(done)) => view! {
                                <p role="status">{if done { "You have completed this module." } else { "You have not marked this module complete yet." }}</p>
                                <ActionForm action>
                                    <CsrfField csrf/>
                                    <input type="hidden" name="level" value=level/>
                                    <input type="hidden" name="slug" value=slug/>
                                    <input type="hidden" name="complete" value=(!done).to_string()/>
                                    <button type="submit" class=if done { "button button-secondary" } else { "button" }>
                                        {if done { "Mark as not complete" } else { "Mark as complete" }}
                                    </button>
                                </ActionForm>
                            }.into_any(),
                            Ok(None) => view! {
                                <p>"You are not signed in, so nothing is recorded. "
                                <a href=super::session::sign_in_here()>"Sign in"</a>" or "<a href="/signup">"create an account"</a>" to keep track of the modules you complete."</p>
                            }.into_any(),
                            Err(e) => view! { <p role="alert">{super::session::error_text(&e)}</p> }.into_any(),
                        }
                    })
                }}
            </Suspense>
        </section>
    }
}
