//! A learner's dashboard: modules completed per course, accuracy per topic,
//! and the weakest topics to practise.

use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use leptos_meta::Title;

use super::components::count_of;
use super::session::RequireRole;
use crate::accounts::{Dashboard, LevelProgress, Role, TopicAccuracy};

#[server(input = GetUrl, endpoint = "dashboard")]
pub async fn get_dashboard() -> Result<Dashboard, AppError> {
    use crate::accounts::LevelProgress;
    use crate::content::Level;
    use crate::server::auth;
    let user = auth::require_user().await?;
    let state = auth::state()?;
    let done = state
        .repo
        .completed_modules(user.id)
        .await
        .map_err(auth::storage_error)?;
    let levels = Level::ALL
        .into_iter()
        .map(|level| {
            let course = state.content.course(level);
            let is_done = |slug: &str| done.iter().any(|d| d.level == level && d.slug == slug);
            LevelProgress {
                level,
                total: course.modules.len() as u32,
                completed: course
                    .modules
                    .iter()
                    .filter(|m| is_done(&m.slug))
                    .map(|m| (m.slug.clone(), m.title.clone()))
                    .collect(),
                next: course
                    .modules
                    .iter()
                    .find(|m| !is_done(&m.slug))
                    .map(|m| (m.slug.clone(), m.title.clone())),
            }
        })
        .collect();
    let topics = state
        .repo
        .topic_accuracy(user.id)
        .await
        .map_err(auth::storage_error)?;
    let mut weakest: Vec<TopicAccuracy> = topics.clone();
    weakest.sort_by(|a, b| {
        (a.correct as u64 * b.attempts as u64)
            .cmp(&(b.correct as u64 * a.attempts as u64))
            .then(b.attempts.cmp(&a.attempts))
    });
    weakest.truncate(3);
    Ok(Dashboard {
        levels,
        topics,
        weakest,
    })
}

#[component]
pub fn DashboardPage() -> impl IntoView {
    // Resources are created here, not inside the role check's async block,
    // so the server and the browser create them in the same order.
    let data = Resource::new(|| (), |_| get_dashboard());
    view! {
        <Title text="Your dashboard"/>
        <div class="wrap">
            <h1>"Your dashboard"</h1>
            <RequireRole role=Role::Learner>
                <DashboardBody data/>
            </RequireRole>
        </div>
    }
}

#[component]
fn DashboardBody(data: Resource<Result<Dashboard, AppError>>) -> impl IntoView {
    view! {
        <Suspense fallback=|| view! { <p role="status">"Loading your progress…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(d) => view! {
                        <div class="grid-2">
                            {d.levels.into_iter().map(|l| view! { <LevelCard progress=l/> }).collect_view()}
                        </div>
                        <section aria-labelledby="topics-title">
                            <h2 id="topics-title">"Exercise accuracy by topic"</h2>
                            <TopicTable topics=d.topics/>
                        </section>
                        <section aria-labelledby="weak-title">
                            <h2 id="weak-title">"Practise next"</h2>
                            {if d.weakest.is_empty() {
                                view! { <p>"When you have tried some exercises, the three topics you find hardest appear here."</p> }.into_any()
                            } else {
                                view! {
                                    <ol class="weakest">
                                        {d.weakest.into_iter().map(|t| {
                                            let href = practise_link(&t);
                                            view! {
                                                <li><strong>{topic_name(&t.topic)}</strong>" — "{t.percent()}"% correct over "{count_of(t.attempts, "attempt", "attempts")}". "
                                                <a href=href>"Practise "{topic_name(&t.topic)}</a></li>
                                            }
                                        }).collect_view()}
                                    </ol>
                                }.into_any()
                            }}
                        </section>
                    }.into_any(),
                    Err(e) => view! { <p role="alert">{super::session::error_text(&e)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The readable name of a progress topic.
fn topic_name(topic: &str) -> String {
    crate::exercise::topic_title(topic).map_or_else(|| topic.replace('-', " "), str::to_string)
}

/// A fresh exercise of the first kind that practises the topic, at the
/// topic's level (the seed moves on with every attempt); a module link for
/// topics no exercise kind covers.
fn practise_link(t: &TopicAccuracy) -> String {
    use crate::exercise::Kind;
    match Kind::ALL.iter().find(|k| k.topic() == t.topic) {
        Some(kind) => format!(
            "/exercises/{}/{}/{}",
            kind.slug(),
            t.level.slug(),
            u64::from(t.attempts) * 7919 % 1_000_000 + 1
        ),
        None => format!("/{}/{}", t.level.slug(), t.topic),
    }
}

#[component]
fn LevelCard(progress: LevelProgress) -> impl IntoView {
    let level = progress.level;
    let done = progress.completed.len() as u32;
    let total = progress.total;
    view! {
        <article class="card course-card" aria-labelledby=format!("progress-{}", level.slug())>
            <h2 id=format!("progress-{}", level.slug())>{level.title()}" course"</h2>
            <p class="progress-figure"><strong>{done}" of "{total}</strong>" modules completed"</p>
            <progress max=total value=done aria-label=format!("{} modules completed", level.title())></progress>
            {progress.next.map(|(slug, title)| view! {
                <p>"Next: "<a href=format!("/{}/{}", level.slug(), slug)>{title}</a></p>
            })}
            {(!progress.completed.is_empty()).then(|| view! {
                <details>
                    <summary>"Completed modules"</summary>
                    <ul class="completed-list">
                        {progress.completed.into_iter().map(|(slug, title)| view! {
                            <li><a href=format!("/{}/{}", level.slug(), slug)>{title}</a></li>
                        }).collect_view()}
                    </ul>
                </details>
            })}
        </article>
    }
}

#[component]
fn TopicTable(topics: Vec<TopicAccuracy>) -> impl IntoView {
    if topics.is_empty() {
        return view! { <p>"No exercise attempts yet."</p> }.into_any();
    }
    view! {
        <div class="table-wrap" role="region" tabindex="0" aria-label="Accuracy by topic">
            <table>
                <thead><tr><th scope="col">"Course"</th><th scope="col">"Topic"</th><th scope="col">"Attempts"</th><th scope="col">"Correct"</th></tr></thead>
                <tbody>
                    {topics.into_iter().map(|t| view! {
                        <tr><td>{t.level.title()}</td><td>{topic_name(&t.topic)}</td><td>{t.attempts}</td><td>{t.percent()}"%"</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }.into_any()
}
