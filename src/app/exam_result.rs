//! An attempt's result: the score, pass or fail, marks per topic, the
//! certificate when passed, and the review of every question: the
//! candidate's answer and whether it was right, with the key and the
//! explanation when the exam's review policy shows them (the server leaves
//! them out otherwise) and a sentence saying when they will be shown.

use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use serde::{Deserialize, Serialize};

use super::exam::{attempt_path, letter};
use super::session::{error_text, RequireRole};
use crate::accounts::Role;
use crate::exam::view::{ResultView, ReviewItem};
use crate::exam::{format_utc, SectionScore, SubmittedBy, Withheld};

/// A result with the names of its topics (module titles) and links.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResultPage {
    pub result: ResultView,
    /// Section → its name and where to revise it.
    pub topics: Vec<TopicLink>,
}

/// A result section's readable name and the page that teaches it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopicLink {
    /// A module slug (blueprint topic) or an exercise kind slug (a lab
    /// question made at draw time).
    pub section: String,
    pub title: String,
    pub href: String,
}

/// What the result page shows when the attempt is still running.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ResultState {
    Ready(Box<ResultPage>),
    StillRunning,
}

/// The result of the candidate's own attempt.
#[server(input = GetUrl, endpoint = "exam/result")]
pub async fn get_result(attempt_id: i64) -> Result<ResultState, AppError> {
    use crate::server::auth;
    use crate::server::exam::{self, ExamError};
    let user = auth::require_user().await?;
    let state = auth::state()?;
    let result = match exam::result(
        &*state.repo,
        &state.exams.definitions,
        &state.exams.bank,
        &user,
        attempt_id,
        state.now(),
    )
    .await
    {
        Ok(r) => r,
        Err(ExamError::NotSubmitted) => return Ok(ResultState::StillRunning),
        Err(e) => return Err(super::exam::exam_error(e)),
    };
    let level = result.level;
    let mut topics: Vec<TopicLink> = state
        .content
        .course(level)
        .modules
        .into_iter()
        .map(|m| TopicLink {
            href: format!("/{}/{}", level.slug(), m.slug),
            section: m.slug,
            title: m.title,
        })
        .collect();
    // Lab questions are sections named by their exercise kind: link to
    // that kind's practice at the paper's level.
    topics.extend(crate::exercise::Kind::ALL.iter().map(|k| TopicLink {
        section: k.slug().to_string(),
        title: format!("{} (lab question)", k.title()),
        href: format!("/exercises/{}/{}/1", k.slug(), level.slug()),
    }));
    Ok(ResultState::Ready(Box::new(ResultPage { result, topics })))
}

#[component]
pub fn ExamResultPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|s| s.parse::<i64>().ok());
    let data = Resource::new(id, |id| async move {
        match id {
            Some(id) => get_result(id).await.map(Some),
            None => Ok(None),
        }
    });
    view! {
        <Title text="Exam result"/>
        <div class="wrap">
            <nav class="breadcrumbs" aria-label="Breadcrumb">
                <ol>
                    <li><a href="/">"Home"</a></li>
                    <li><a href="/exams">"Exams"</a></li>
                    <li><span aria-current="page">"Result"</span></li>
                </ol>
            </nav>
            <RequireRole role=Role::Learner>
                <Suspense fallback=|| view! { <p role="status">"Loading your result…"</p> }>
                    {move || Suspend::new(async move {
                        match data.await {
                            Ok(Some(ResultState::Ready(page))) => view! { <Result page=*page/> }.into_any(),
                            Ok(Some(ResultState::StillRunning)) => {
                                let id = id().unwrap_or_default();
                                view! {
                                    <div class="notice">
                                        <h1>"This attempt is still in progress"</h1>
                                        <p>"Submit it, or wait until the time is up, to see your result."</p>
                                        <p><a class="button" href=attempt_path(id)>"Back to the exam"</a></p>
                                    </div>
                                }.into_any()
                            }
                            Ok(None) => view! { <super::not_found::NotFound/> }.into_any(),
                            Err(e) => view! {
                                <div class="notice notice-error" role="alert">
                                    <h1>"Cannot show this result"</h1>
                                    <p>{error_text(&e)}</p>
                                </div>
                            }.into_any(),
                        }
                    })}
                </Suspense>
            </RequireRole>
        </div>
    }
}

fn topic_of<'a>(topics: &'a [TopicLink], section: &str) -> Option<&'a TopicLink> {
    topics.iter().find(|t| t.section == section)
}

#[component]
fn Result(page: ResultPage) -> impl IntoView {
    let ResultPage { result: r, topics } = page;
    let verdict = if r.passed { "Passed" } else { "Not passed" };
    let by = match r.submitted_by {
        SubmittedBy::Candidate => "You submitted it",
        SubmittedBy::Expiry => "It was submitted automatically when the time ran out",
    };
    let sections = r
        .sections
        .iter()
        .map(|s| {
            let percent = crate::exam::nearest_percent(s.marks, s.total);
            let topic = topic_of(&topics, &s.section);
            let title = topic.map_or_else(|| s.section.replace('-', " "), |t| t.title.clone());
            let href = topic.map(|t| t.href.clone());
            view! {
                <tr>
                    <th scope="row">{match href {
                        Some(h) => view! { <a href=h>{title}</a> }.into_any(),
                        None => view! { <span>{title}</span> }.into_any(),
                    }}</th>
                    <td class="num">{format!("{} of {}", s.marks, s.total)}</td>
                    <td class="num">{format!("{percent}%")}</td>
                </tr>
            }
        })
        .collect_view();
    let review = r.review.clone();
    let withheld = r.withheld;
    view! {
        <header class="page-header">
            <p class="kicker">{r.title.clone()}</p>
            <h1>{format!("Result: {verdict}")}</h1>
        </header>
        <div class="result-summary" class:result-pass=r.passed class:result-fail=!r.passed>
            <p class="result-score">
                <strong>{format!("{}%", r.percent)}</strong>
                {format!(" — {} of {} marks. The pass mark is {}%.", r.marks, r.total, r.pass_mark_percent)}
            </p>
            <p>{format!("{by} on {}.", format_utc(r.submitted_at))}</p>
            {r.certificate_code.clone().map(|code| view! {
                <p>
                    <a class="button" href=format!("/certificates/{code}")>"Your certificate"</a>
                    " "<span class="hint">{format!("Verification code {code}")}</span>
                </p>
            })}
        </div>
        <table class="data-table">
            <caption>"Marks by topic"</caption>
            <thead><tr><th scope="col">"Topic"</th><th scope="col">"Marks"</th><th scope="col">"Score"</th></tr></thead>
            <tbody>{sections}</tbody>
        </table>
        {(!r.passed).then(|| view! { <NextSteps sections=r.sections.clone() pass_mark=r.pass_mark_percent topics=topics.clone()/> })}
        <Review items=review withheld/>
        <p><a href="/exams">"Back to your exams"</a></p>
    }
}

/// After a fail: the topics below the pass mark, weakest first, each with
/// the module that teaches it, and where to go from here.
#[component]
fn NextSteps(sections: Vec<SectionScore>, pass_mark: u32, topics: Vec<TopicLink>) -> impl IntoView {
    let mut weak: Vec<(u32, &SectionScore)> = sections
        .iter()
        .map(|s| (crate::exam::nearest_percent(s.marks, s.total), s))
        .filter(|(p, _)| *p < pass_mark)
        .collect();
    weak.sort_by_key(|(p, s)| (*p, s.section.clone()));
    let items = weak
        .into_iter()
        .map(|(percent, s)| {
            let topic = topic_of(&topics, &s.section);
            let title = topic.map_or_else(|| s.section.replace('-', " "), |t| t.title.clone());
            let marks = format!(" — {percent}% ({} of {})", s.marks, s.total);
            match topic.map(|t| t.href.clone()) {
                Some(href) => view! { <li><a href=href>{title}</a>{marks}</li> }.into_any(),
                None => view! { <li>{title}{marks}</li> }.into_any(),
            }
        })
        .collect::<Vec<_>>();
    let any = !items.is_empty();
    view! {
        <section class="notice next-steps" aria-labelledby="next-steps-title">
            <h2 id="next-steps-title">"What to do next"</h2>
            {any.then(|| view! {
                <p>{format!("You need {pass_mark}% to pass. Revise these topics first, weakest first; each links to the module that teaches it:")}</p>
                <ul>{items}</ul>
            })}
            <p>
                "Then practise with the "<a href="/exercises">"graded exercises"</a>
                " and try again from "<a href="/exams">"your exams page"</a>
                ", which shows how many attempts you have left and when the next one can start."
            </p>
        </section>
    }
}

#[component]
fn Review(items: Vec<ReviewItem>, withheld: Option<Withheld>) -> impl IntoView {
    let right = items.iter().filter(|i| i.right).count();
    let n = items.len();
    let summary = match withheld {
        None => format!("{right} of {n} questions right. Each question shows your answer, the right answer and why."),
        Some(_) => format!("{right} of {n} questions right. Each question shows your answer and whether it was right."),
    };
    // `?show=wrong`: only the questions not answered right. Links, so the
    // filter works before the page's script runs.
    let query = leptos_router::hooks::use_query_map();
    let only_wrong = move || query.read().get("show").as_deref() == Some("wrong");
    let not_right = n - right;
    view! {
        <section class="exam-review" aria-labelledby="review-heading">
            <h2 id="review-heading">"Review your answers"</h2>
            <p>{summary}</p>
            {withheld.map(|w| view! { <p class="notice review-withheld">{w.next_step()}</p> })}
            <nav class="review-filter" aria-label="Which questions to show">
                <ul>
                    <li><a href="?#review-heading" aria-current=move || (!only_wrong()).then_some("true")>{format!("All questions ({n})")}</a></li>
                    <li><a href="?show=wrong#review-heading" aria-current=move || only_wrong().then_some("true")>{format!("Only wrong or not answered ({not_right})")}</a></li>
                </ul>
            </nav>
            {move || {
                let shown: Vec<ReviewItem> = items
                    .iter()
                    .filter(|i| !only_wrong() || !i.right)
                    .cloned()
                    .collect();
                view! {
                    <nav class="review-jump" aria-label="Go to a question">
                        <ol>
                            {shown.iter().map(|i| {
                                let label = format!("{}", i.number + 1);
                                let state = match (i.answered, i.right) {
                                    (false, _) => "not answered",
                                    (true, true) => "right",
                                    (true, false) => "wrong",
                                };
                                view! {
                                    <li><a href=format!("#review-{}", i.number + 1) class:jump-right=i.right>
                                        {label}<span class="visually-hidden">{format!(", {state}")}</span>
                                    </a></li>
                                }
                            }).collect_view()}
                        </ol>
                    </nav>
                    <ol class="review-list">
                        {shown.into_iter().map(|item| view! { <ReviewEntry item/> }).collect_view()}
                    </ol>
                }
            }}
        </section>
    }
}

#[component]
fn ReviewEntry(item: ReviewItem) -> impl IntoView {
    let heading = format!("review-{}", item.number + 1);
    let verdict = match (item.answered, item.right) {
        (false, _) => "Not answered",
        (true, true) => "Right",
        (true, false) => "Wrong",
    };
    let link = (!item.module.is_empty()).then(|| item.module.clone());
    let key = item.key.clone();
    let in_key = move |o: usize| key.as_ref().is_some_and(|k| k.options.contains(&o));
    view! {
        <li class="review-item" class:review-right=item.right>
            <h3 id=heading>{format!("Question {}: {verdict}", item.number + 1)}</h3>
            <div class="exam-stem prose" inner_html=item.stem_html.clone()></div>
            <p class="hint">{item.rule.clone()}</p>
            <ul class="review-options">
                {item.options.into_iter().enumerate().map(|(o, opt)| {
                    let correct = in_key(o);
                    let mut tags = Vec::new();
                    if opt.chosen { tags.push("your answer"); }
                    if correct { tags.push("correct"); }
                    view! {
                        <li class="review-option" class:chosen=opt.chosen class:correct=correct>
                            <span class="option-letter" aria-hidden="true">{letter(o)}</span>
                            <span class="visually-hidden">{format!("Option {}: ", letter(o))}</span>
                            <span class="option-text" inner_html=opt.html></span>
                            {(!tags.is_empty()).then(|| view! { <strong class="review-tag">{format!(" ({})", tags.join(", "))}</strong> })}
                        </li>
                    }
                }).collect_view()}
            </ul>
            {match item.key {
                Some(k) => view! {
                    <div class="review-explanation prose">
                        <h4>"Why"</h4>
                        <div inner_html=k.explanation_html></div>
                        {link.map(|m| view! { <p><a href=module_href(&m)>"Read the module that teaches this"</a></p> })}
                    </div>
                }.into_any(),
                None => link.map(|m| view! {
                    <p class="review-explanation"><a href=module_href(&m)>"Read the module that teaches this"</a></p>
                }).into_any(),
            }}
        </li>
    }
}

/// A question's module reference (`foundation/slug` or `slug#heading`) as a
/// link.
fn module_href(module: &str) -> String {
    if module.starts_with('/') {
        module.to_string()
    } else {
        format!("/{module}")
    }
}
