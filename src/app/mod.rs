//! The user interface: the document shell, the router and the site chrome.
//! Each page lives in its own file with the server functions it calls.

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, Link, Meta, MetaTags, Title};
use leptos_router::{
    components::{Route, Router, Routes, A},
    path, SsrMode,
};

pub mod account;
pub mod admin;
pub mod authoring;
pub mod certificate;
pub mod components;
pub mod course;
pub mod dashboard;
pub mod dicom_lab;
pub mod exam;
pub mod exam_attempt;
pub mod exam_result;
pub mod exercises;
pub mod explain_dicom;
pub mod explain_hl7;
pub mod hl7_lab;
pub mod home;
pub mod module;
pub mod module_editor;
pub mod not_found;
pub mod progress;
pub mod session;
pub mod signin;
pub mod signup;
pub mod trainer;
pub mod trainer_items;
pub mod trainer_learner;
pub mod trainer_organisation;

use account::AccountPage;
use admin::AdminPage;
use authoring::AuthoringPage;
use certificate::{CertificatePage, VerifyPage};
use course::CoursePage;
use dashboard::DashboardPage;
use dicom_lab::DicomLabPage;
use exam::ExamsPage;
use exam_attempt::ExamAttemptPage;
use exam_result::ExamResultPage;
use exercises::{ExerciseListPage, ExercisePage};
use explain_dicom::ExplainDicomPage;
use explain_hl7::ExplainHl7Page;
use hl7_lab::Hl7LabPage;
use home::HomePage;
use module::ModulePage;
use module_editor::ModuleEditorPage;
use not_found::NotFound;
use session::{provide_session, use_session, CsrfField};
use signin::SignInPage;
use signup::SignUpPage;
use trainer::TrainerPage;
use trainer_items::TrainerItemsPage;
use trainer_learner::TrainerLearnerPage;
use trainer_organisation::TrainerOrganisationPage;

/// The HTML document around the app, rendered on the server.
///
/// A reading page (see [`is_reading_path`]) loads the small reader script
/// instead of the application bundle when the build made one; every other
/// page hydrates the application.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let reader = reader_for_this_page();
    let page_kind = reader.as_ref().map(|_| "reading");
    view! {
        <!DOCTYPE html>
        <html lang="en-GB" data-page=page_kind>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light dark"/>
                <AutoReload options=options.clone()/>
                <HashedStylesheet options=options.clone() id="leptos"/>
                {match reader {
                    Some(bundle) => view! { <ReaderScripts bundle/> }.into_any(),
                    None => view! { <HydrationScripts options/> }.into_any(),
                }}
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The first path segments of the pages that need the application bundle:
/// forms with live validation, the labs, exercises, the exam, and the
/// trainer and admin workspaces. Every other path is a reading page (home,
/// the courses, the modules, and "page not found").
const APP_SECTIONS: &[&str] = &[
    "signin",
    "signup",
    "dashboard",
    "account",
    "trainer",
    "admin",
    "hl7",
    "dicom",
    "exams",
    "certificates",
    "verify",
    "exercises",
    "api",
    "pkg",
];

/// Whether `path` is a reading page: plain HTML with the reader script, not
/// the application. The server decides what a page loads with this rule and
/// the reader follows links with it.
pub fn is_reading_path(path: &str) -> bool {
    let first = path.trim_start_matches('/').split('/').next().unwrap_or("");
    !APP_SECTIONS.contains(&first)
}

/// The reader's two files under `/pkg`, as the build named them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReaderBundle {
    pub js: String,
    pub wasm: String,
}

#[cfg(feature = "ssr")]
fn reader_for_this_page() -> Option<ReaderBundle> {
    let state = use_context::<crate::server::AppState>()?;
    let parts = use_context::<axum::http::request::Parts>()?;
    if !is_reading_path(parts.uri.path()) {
        return None;
    }
    state.reader.as_deref().cloned()
}

#[cfg(not(feature = "ssr"))]
fn reader_for_this_page() -> Option<ReaderBundle> {
    None
}

/// Loads the reader: preloads both files, then one module script (admitted
/// by the response's nonce, or by its hash on a kept page) starts it.
#[component]
fn ReaderScripts(bundle: ReaderBundle) -> impl IntoView {
    let nonce = leptos::nonce::use_nonce();
    let start = format!(
        "import init, {{ read }} from '{}';\ninit({{ module_or_path: '{}' }}).then(() => read());",
        bundle.js, bundle.wasm
    );
    view! {
        <link rel="modulepreload" href=bundle.js.clone() nonce=nonce.clone()/>
        <link rel="preload" href=bundle.wasm.clone() r#as="fetch" r#type="application/wasm" crossorigin=""/>
        <script type="module" nonce=nonce inner_html=start></script>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_session();
    view! {
        <Title formatter=document_title/>
        <Meta name="description" content="Learn the language your imaging systems speak: HL7 v2 and DICOM courses for PACS administrators."/>
        <Link rel="icon" href="/favicon.svg" type_="image/svg+xml"/>
        <Router>
            <a class="skip-link" href="#main">"Skip to main content"</a>
            <SiteHeader/>
            <main id="main" tabindex="-1">
                <Routes fallback=|| view! { <NotFound/> }>
                    <Route path=path!("/") view=HomePage ssr=SsrMode::Async/>
                    <Route path=path!("/signin") view=SignInPage/>
                    <Route path=path!("/signup") view=SignUpPage/>
                    <Route path=path!("/dashboard") view=DashboardPage/>
                    <Route path=path!("/account") view=AccountPage/>
                    <Route path=path!("/trainer") view=TrainerPage/>
                    <Route path=path!("/trainer/items") view=TrainerItemsPage/>
                    <Route path=path!("/trainer/modules") view=AuthoringPage/>
                    <Route path=path!("/trainer/modules/:level/:slug") view=ModuleEditorPage/>
                    <Route path=path!("/trainer/organisations/:id") view=TrainerOrganisationPage/>
                    <Route path=path!("/trainer/learners/:id") view=TrainerLearnerPage/>
                    <Route path=path!("/admin") view=AdminPage/>
                    <Route path=path!("/hl7") view=Hl7LabPage/>
                    <Route path=path!("/hl7/explain") view=ExplainHl7Page/>
                    <Route path=path!("/dicom") view=DicomLabPage/>
                    <Route path=path!("/dicom/explain") view=ExplainDicomPage/>
                    <Route path=path!("/exams") view=ExamsPage ssr=SsrMode::Async/>
                    <Route path=path!("/exams/attempts/:id") view=ExamAttemptPage ssr=SsrMode::Async/>
                    <Route path=path!("/exams/results/:id") view=ExamResultPage ssr=SsrMode::Async/>
                    <Route path=path!("/certificates/:code") view=CertificatePage/>
                    <Route path=path!("/verify") view=VerifyPage/>
                    <Route path=path!("/exercises") view=ExerciseListPage/>
                    <Route path=path!("/exercises/:kind/:difficulty/:seed") view=ExercisePage ssr=SsrMode::Async/>
                    <Route path=path!("/:level") view=CoursePage ssr=SsrMode::Async/>
                    <Route path=path!("/:level/:slug") view=ModulePage ssr=SsrMode::Async/>
                </Routes>
            </main>
            <SiteFooter/>
        </Router>
    }
}

/// The document title for a page's `<Title>`. leptos_meta writes the
/// server-rendered `<title>` element without escaping it, while the browser
/// sets `document.title` as plain text; so the server build escapes here
/// (a module's front-matter title is trainer-authored) and the browser
/// build must not, or it would show `&amp;`.
fn document_title(title: String) -> String {
    let full = if title.is_empty() {
        "PACS Academy".to_string()
    } else {
        format!("{title} · PACS Academy")
    };
    if cfg!(feature = "ssr") {
        crate::html::escape(&full)
    } else {
        full
    }
}

#[component]
fn SiteHeader() -> impl IntoView {
    view! {
        <header class="site-header">
            <div class="wrap site-header-inner">
                <a class="brand" href="/">
                    <svg class="brand-mark" aria-hidden="true" viewBox="0 0 32 32" width="28" height="28">
                        <rect x="2" y="2" width="28" height="28" rx="6" fill="currentColor"/>
                        <path d="M9 22V10h6a4 4 0 0 1 0 8h-6M19 22l4-12 4 12" fill="none" stroke="var(--brand-ink)" stroke-width="2.2" stroke-linecap="round" stroke-linejoin="round"/>
                    </svg>
                    <span>"PACS Academy"</span>
                </a>
                // Shown by the page's script (src/menu.rs); without one the
                // navigation below is simply always open.
                <button type="button" class="menu-button" aria-controls="site-menus" aria-expanded="false" hidden>
                    <svg aria-hidden="true" viewBox="0 0 16 16" width="16" height="16"><path d="M2 4h12M2 8h12M2 12h12" stroke="currentColor" stroke-width="2" stroke-linecap="round"/></svg>
                    "Menu"
                </button>
                <div class="site-menus" id="site-menus">
                <nav class="site-nav" aria-label="Main">
                    <ul>
                        <li><A href="/foundation">"Foundation"</A></li>
                        <li><A href="/intermediate">"Intermediate"</A></li>
                        <li><A href="/hl7">"HL7 lab"</A></li>
                        <li><A href="/dicom">"DICOM lab"</A></li>
                        <li><A href="/exercises">"Exercises"</A></li>
                        <li><A href="/exams">"Exams"</A></li>
                    </ul>
                </nav>
                <UserMenu/>
                </div>
            </div>
        </header>
    }
}

/// Sign in / sign up, or the signed-in user's pages and a sign-out button.
#[component]
fn UserMenu() -> impl IntoView {
    use crate::accounts::Role;
    let session = use_session();
    let sign_out = ServerAction::<session::SignOut>::new();
    Effect::new(move |_| {
        if matches!(sign_out.value().get(), Some(Ok(()))) {
            session::go_to("/");
        }
    });
    view! {
        <nav class="user-nav" aria-label="Account">
            // Transition, not Suspense: when the session is fetched again
            // (see session::provide_session) the links stay in place.
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match session.0.await {
                        Ok(info) => match info.user {
                            Some(user) => view! {
                                <ul>
                                    <li><A href="/dashboard">"Dashboard"</A></li>
                                    {(user.role >= Role::Trainer).then(|| view! { <li><A href="/trainer">"Cohorts"</A></li> })}
                                    {(user.role >= Role::Trainer).then(|| view! { <li><A href="/trainer/modules">"Edit modules"</A></li> })}
                                    {(user.role >= Role::Admin).then(|| view! { <li><A href="/admin">"Admin"</A></li> })}
                                    <li><A href="/account"><span class="visually-hidden">"Account of "</span>{user.name.clone()}</A></li>
                                    <li>
                                        <leptos::form::ActionForm action=sign_out attr:class="inline-form">
                                            <CsrfField csrf=info.csrf/>
                                            <button type="submit" class="nav-button">"Sign out"</button>
                                        </leptos::form::ActionForm>
                                    </li>
                                </ul>
                            }.into_any(),
                            None => view! {
                                <ul>
                                    <li><A href="/signin">"Sign in"</A></li>
                                    <li><A href="/signup">"Create account"</A></li>
                                </ul>
                            }.into_any(),
                        },
                        Err(_) => ().into_any(),
                    }
                })}
            </Transition>
        </nav>
    }
}

#[component]
fn SiteFooter() -> impl IntoView {
    view! {
        <footer class="site-footer">
            <div class="wrap">
                <p>
                    "Every patient in PACS Academy is synthetic. NHS numbers come from the 999 test range, "
                    "which is never issued to real people."
                </p>
                <p><a href="/verify">"Verify a certificate"</a></p>
                <p class="fine">
                    "HL7 is a registered trademark of Health Level Seven International. DICOM is the registered "
                    "trademark of NEMA for its standards publications relating to digital communications of medical information."
                </p>
            </div>
        </footer>
    }
}

#[cfg(test)]
mod tests {
    use super::is_reading_path;

    #[test]
    fn reading_pages_are_home_the_courses_the_modules_and_not_found() {
        for path in [
            "/",
            "",
            "/foundation",
            "/intermediate/",
            "/foundation/imaging-landscape",
            "/advanced",
            "/a/b/c",
            "/signing-off",
        ] {
            assert!(is_reading_path(path), "{path}");
        }
    }

    #[test]
    fn every_page_with_forms_or_labs_loads_the_application() {
        for path in [
            "/signin",
            "/signup",
            "/dashboard",
            "/account",
            "/trainer",
            "/trainer/modules/foundation/imaging-landscape",
            "/admin",
            "/hl7",
            "/hl7/explain",
            "/dicom/explain",
            "/exams",
            "/exams/attempts/3",
            "/certificates/PA-AAAA",
            "/verify",
            "/exercises/hl7-read-value/foundation/5",
            "/api/get_module",
            "/pkg/app.js",
        ] {
            assert!(!is_reading_path(path), "{path}");
        }
    }
}
