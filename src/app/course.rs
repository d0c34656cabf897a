//! A course page: its modules in order, with time and objectives.

use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::components::{format_minutes, Breadcrumbs, LoadError};
use super::not_found::NotFound;
use crate::content::Course;

/// The course at `level`, or `None` if there is no such course.
#[server(input = GetUrl)]
pub async fn get_course(level: String) -> Result<Option<Course>, AppError> {
    use crate::content::Level;
    let state = expect_context::<crate::server::AppState>();
    Ok(Level::from_slug(&level).map(|l| state.content.course(l)))
}

#[component]
pub fn CoursePage() -> impl IntoView {
    let params = use_params_map();
    let course = Resource::new(
        move || params.read().get("level").unwrap_or_default(),
        get_course,
    );
    view! {
        <Suspense fallback=|| view! { <p class="wrap" role="status">"Loading course…"</p> }>
            {move || Suspend::new(async move {
                match course.await {
                    Ok(Some(course)) => view! { <CourseView course/> }.into_any(),
                    Ok(None) => view! { <NotFound/> }.into_any(),
                    Err(e) => view! { <div class="wrap"><LoadError message=e.to_string()/></div> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn CourseView(course: Course) -> impl IntoView {
    let level = course.level;
    let total = format_minutes(course.total_minutes());
    let count = course.modules.len();
    view! {
        <Title text=format!("{} course", level.title())/>
        <div class="wrap">
            <Breadcrumbs level/>
            <header class="page-header">
                <h1>{level.title()}" course"</h1>
                <p class="meta">{level.duration()}" classroom course · "{count}" modules · about "{total}" of study"</p>
                <p class="lede">{level.description()}</p>
            </header>
            <ol class="module-list">
                {course.modules.into_iter().map(|m| {
                    let heading_id = format!("m-{}", m.slug);
                    view! {
                        <li class="module-item">
                            <article aria-labelledby=heading_id.clone()>
                                <h2 id=heading_id.clone()>
                                    <span class="module-number">"Module "{m.order}</span>
                                    <a href=m.path()>{m.title.clone()}</a>
                                </h2>
                                <p class="meta">{format_minutes(m.minutes)}" study · "{m.reading_minutes}" min read"</p>
                                <p>{m.summary.clone()}</p>
                                <details class="objectives">
                                    <summary>"Learning objectives"</summary>
                                    <ul>{m.objectives.into_iter().map(|o| view! { <li>{o}</li> }).collect_view()}</ul>
                                </details>
                            </article>
                        </li>
                    }
                }).collect_view()}
            </ol>
        </div>
    }
}
