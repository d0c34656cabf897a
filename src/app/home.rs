//! The home page: what the courses are and who they are for.

use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use leptos_meta::Title;

use super::components::{format_minutes, LoadError};
use crate::content::Course;

/// Both courses, for the overview cards.
#[server(input = GetUrl)]
pub async fn get_overview() -> Result<Vec<Course>, AppError> {
    use crate::content::Level;
    let state = expect_context::<crate::server::AppState>();
    Ok(Level::ALL
        .into_iter()
        .map(|l| state.content.course(l))
        .collect())
}

#[component]
pub fn HomePage() -> impl IntoView {
    let overview = Resource::new(|| (), |_| get_overview());
    view! {
        <Title text=""/>
        <section class="hero">
            <div class="wrap">
                <h1>"Understand the language your imaging systems speak"</h1>
                <p class="lede">
                    "PACS Academy teaches hospital PACS administrators what is underneath the surface: the HL7 v2 "
                    "messages that create patients and orders, and the DICOM objects and conversations that move "
                    "images between modalities, archives and viewers."
                </p>
                <p><a class="button" href="/foundation">"Start the Foundation course"</a></p>
            </div>
        </section>
        <div class="wrap">
            <section aria-labelledby="who">
                <h2 id="who">"Who it is for"</h2>
                <div class="grid-3">
                    <div class="card">
                        <h3>"PACS administrators"</h3>
                        <p>"You send and receive images, merge studies into the right hospital number and prepare MDT meetings. Learn why things go wrong and how to put them right."</p>
                    </div>
                    <div class="card">
                        <h3>"Modality go-lives"</h3>
                        <p>"You give engineers the AE titles, ports and worklist settings, then test the workflow end to end. Learn what each setting means and how to prove it works."</p>
                    </div>
                    <div class="card">
                        <h3>"Trainers"</h3>
                        <p>"You run the Foundation and Intermediate days for your trust. The modules are plain Markdown files you can edit, check and extend."</p>
                    </div>
                </div>
            </section>
            <section aria-labelledby="offer">
                <h2 id="offer">"More than reading"</h2>
                <div class="grid-3">
                    <div class="card">
                        <h3><a href="/hl7">"HL7 lab"</a></h3>
                        <p>"Take apart ADT, ORM and ORU messages from a synthetic hospital: every field named, every table value explained. Paste one of your own on "<a href="/hl7/explain">"Explain my message"</a>"; it is read in your browser and never sent."</p>
                    </div>
                    <div class="card">
                        <h3><a href="/dicom">"DICOM lab"</a></h3>
                        <p>"Walk through a CT or MR file byte by byte, from the preamble to the pixel data. "<a href="/dicom/explain">"Explain my file"</a>" opens one of yours the same way, without uploading it."</p>
                    </div>
                    <div class="card">
                        <h3><a href="/exercises">"Graded exercises"</a></h3>
                        <p>"Thirteen kinds of exercise, from reading a field to matching a worklist query, each at both levels, with an explanation and a link to the part of the course that covers it."</p>
                    </div>
                    <div class="card">
                        <h3><a href="/exams">"Timed exams"</a></h3>
                        <p>"Each course ends with a timed multiple-choice exam. Answers are saved as you choose them, and you see which topics to revise."</p>
                    </div>
                    <div class="card">
                        <h3><a href="/verify">"Certificates"</a></h3>
                        <p>"A pass earns a certificate with a code anyone can check on this site, such as a manager or a future employer."</p>
                    </div>
                    <div class="card">
                        <h3><a href="/dashboard">"Your progress"</a></h3>
                        <p>"With an account, your dashboard keeps the modules you have finished, your accuracy by topic and the topics to practise next."</p>
                    </div>
                </div>
            </section>
            <section aria-labelledby="courses">
                <h2 id="courses">"The courses"</h2>
                <Suspense fallback=|| view! { <p role="status">"Loading courses…"</p> }>
                    {move || Suspend::new(async move {
                        match overview.await {
                            Ok(courses) => view! {
                                <div class="grid-2">
                                    {courses.into_iter().map(|c| view! { <CourseCard course=c/> }).collect_view()}
                                </div>
                            }.into_any(),
                            Err(e) => view! { <LoadError message=e.to_string()/> }.into_any(),
                        }
                    })}
                </Suspense>
            </section>
        </div>
    }
}

#[component]
fn CourseCard(course: Course) -> impl IntoView {
    let level = course.level;
    let count = course.modules.len();
    let total = format_minutes(course.total_minutes());
    view! {
        <article class="card course-card">
            <h3><a href=level.path()>{level.title()}" course"</a></h3>
            <p class="meta">{level.duration()}" classroom course · "{count}" modules · about "{total}" of study"</p>
            <p>{level.description()}</p>
            <ol class="compact-list">
                {course.modules.into_iter().map(|m| { let href = m.path(); view! { <li><a href=href>{m.title}</a></li> } }).collect_view()}
            </ol>
        </article>
    }
}
