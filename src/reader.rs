//! The reading pages' own small script (feature `reader`, built as a
//! separate WASM file by `scripts/build-reader`).
//!
//! Home, the course pages, the modules and "page not found" are mostly
//! text. They work as plain HTML (links, and forms that post to the server),
//! so they do not load the application bundle with its labs, exam and
//! editor. This module gives them the two things plain HTML lacks:
//!
//! - the explorers in module bodies: [`crate::explorer::behaviour`], the same
//!   code the application uses;
//! - navigation between reading pages without a page load: a click on a link
//!   to another reading page fetches that page (served finished from the
//!   page cache), swaps the `<body>`, updates the title and the address, and
//!   moves focus to the main content; Back and Forward do the same and
//!   restore the scroll position. Anything this cannot do (a link to a lab,
//!   a page that turns out not to be a reading page, a failed fetch, a new
//!   deployment with other assets) becomes an ordinary page load.
//!
//! Which paths are reading pages is [`crate::app::is_reading_path`], the
//! rule the server uses to decide what a page loads.

use std::cell::RefCell;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    AbortController, Document, DomParser, Element, Event, HtmlElement, MouseEvent, RequestInit,
    Response, SupportedType, Url,
};

/// Starts the reading page's behaviour (call once).
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn read() {
    crate::explorer::behaviour::install();
    crate::menu::install();
    install_navigation();
    mark_ready();
}

/// Lets browser tests wait for a live page instead of guessing.
fn mark_ready() {
    if let Some(window) = web_sys::window() {
        let _ = js_sys::Reflect::set(&window, &JsValue::from_str("__pacsReady"), &JsValue::TRUE);
    }
}

thread_local! {
    /// The navigation in flight, cancelled by the next click.
    static IN_FLIGHT: RefCell<Option<AbortController>> = const { RefCell::new(None) };
}

fn install_navigation() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let Some(document) = window.document() else {
        return;
    };
    // The browser's own restoration would jump before the new body is in.
    if let Ok(history) = window.history() {
        let _ = history.set_scroll_restoration(web_sys::ScrollRestoration::Manual);
    }
    // Bubbling phase, so a handler on the page that cancels the click wins.
    let on_click = Closure::<dyn Fn(MouseEvent)>::new(on_click);
    let _ = document.add_event_listener_with_callback("click", on_click.as_ref().unchecked_ref());
    on_click.forget();
    let on_pop = Closure::<dyn Fn(Event)>::new(|_: Event| {
        let Some(href) = web_sys::window().and_then(|w| w.location().href().ok()) else {
            return;
        };
        wasm_bindgen_futures::spawn_local(go(href, Step::Back));
    });
    let _ = window.add_event_listener_with_callback("popstate", on_pop.as_ref().unchecked_ref());
    on_pop.forget();
}

/// How a navigation arrived.
#[derive(Clone, Copy, PartialEq)]
enum Step {
    /// A followed link: a new history entry, scrolled to the top or the
    /// fragment.
    Link,
    /// Back or Forward: the entry exists; restore its scroll position.
    Back,
}

fn on_click(ev: MouseEvent) {
    let Some(link) = crate::links::plainly_followed(&ev, "a[href]") else {
        return;
    };
    if link.has_attribute("download")
        || link
            .get_attribute("target")
            .is_some_and(|t| !t.is_empty() && t != "_self")
        || link
            .get_attribute("rel")
            .is_some_and(|r| r.split_whitespace().any(|r| r == "external"))
    {
        return;
    }
    let Some(window) = web_sys::window() else {
        return;
    };
    let location = window.location();
    let (Ok(here), Some(href)) = (location.href(), link.get_attribute("href")) else {
        return;
    };
    let Ok(url) = Url::new_with_base(&href, &here) else {
        return;
    };
    let Ok(current) = Url::new(&here) else {
        return;
    };
    if url.origin() != current.origin() || !crate::app::is_reading_path(&url.pathname()) {
        return;
    }
    // A link to a place on this same page is the browser's to follow.
    if url.pathname() == current.pathname()
        && url.search() == current.search()
        && !url.hash().is_empty()
    {
        return;
    }
    ev.prevent_default();
    remember_scroll();
    wasm_bindgen_futures::spawn_local(go(url.href(), Step::Link));
}

/// Keeps the scroll position in the current history entry, for Back.
fn remember_scroll() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let y = window.scroll_y().unwrap_or(0.0);
    let state = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&state, &"scrollY".into(), &JsValue::from_f64(y));
    if let Ok(history) = window.history() {
        let _ = history.replace_state(&state, "");
    }
}

/// Shows `href`: swapped in when it is a reading page of this same build,
/// otherwise loaded as an ordinary page.
async fn go(href: String, step: Step) {
    match swap_to(&href, step).await {
        Ok(()) => {}
        // Cancelled by a newer navigation: that one takes over.
        Err(Fallback::Superseded) => {}
        Err(Fallback::Load) => {
            if let Some(window) = web_sys::window() {
                let _ = match step {
                    Step::Link => window.location().assign(&href),
                    // The address is already the entry's: load it as it is.
                    Step::Back => window.location().reload(),
                };
            }
        }
    }
}

enum Fallback {
    /// Load the page the ordinary way.
    Load,
    /// A newer navigation started; do nothing.
    Superseded,
}

impl From<JsValue> for Fallback {
    fn from(_: JsValue) -> Self {
        Fallback::Load
    }
}

async fn swap_to(href: &str, step: Step) -> Result<(), Fallback> {
    let window = web_sys::window().ok_or(Fallback::Load)?;
    let document = window.document().ok_or(Fallback::Load)?;
    let controller = AbortController::new()?;
    let signal = controller.signal();
    if let Some(previous) = IN_FLIGHT.with(|f| f.borrow_mut().replace(controller)) {
        previous.abort();
    }
    set_busy(&document, true);
    let init = RequestInit::new();
    init.set_signal(Some(&signal));
    let headers = web_sys::Headers::new()?;
    headers.set("Accept", "text/html")?;
    init.set_headers(&headers);
    let fetched = JsFuture::from(window.fetch_with_str_and_init(href, &init)).await;
    let text = match fetched {
        Ok(response) => {
            let response: Response = response.dyn_into()?;
            let is_html = response
                .headers()
                .get("content-type")
                .ok()
                .flatten()
                .is_some_and(|t| t.starts_with("text/html"));
            // A redirect went somewhere this page did not ask for.
            if response.redirected() || !is_html {
                return Err(Fallback::Load);
            }
            JsFuture::from(response.text()?).await
        }
        Err(e) => Err(e),
    };
    if signal.aborted() {
        return Err(Fallback::Superseded);
    }
    IN_FLIGHT.with(|f| f.borrow_mut().take());
    set_busy(&document, false);
    let text = text?.as_string().ok_or(Fallback::Load)?;
    let parsed = DomParser::new()?.parse_from_string(&text, SupportedType::TextHtml)?;
    // A page streamed out of order finishes itself with inline scripts that
    // a swapped-in body never runs: load such a page the ordinary way.
    if !same_build(&document, &parsed) || parsed.query_selector("body template")?.is_some() {
        return Err(Fallback::Load);
    }
    let body = parsed.body().ok_or(Fallback::Load)?;
    let old = document.body().ok_or(Fallback::Load)?;
    // Scripts in the fetched page (Leptos's resource data) never run: the
    // parser marked them, and moving them does not start them.
    old.replace_with_with_node_1(&body)?;
    crate::menu::prepare();
    document.set_title(&parsed.title());
    copy_meta(&document, &parsed, "description");
    if step == Step::Link {
        let history = window.history()?;
        history.push_state_with_url(&JsValue::NULL, "", Some(href))?;
    }
    place_view(&window, &document, href, step);
    Ok(())
}

/// The fetched page is a reading page that loads the same stylesheet and
/// reader as this one (a deployment in between changes their names).
fn same_build(now: &Document, fetched: &Document) -> bool {
    let is_reading = |d: &Document| {
        d.document_element()
            .and_then(|e| e.get_attribute("data-page"))
            .is_some_and(|p| p == "reading")
    };
    let assets = |d: &Document| {
        let mut hrefs = Vec::new();
        if let Ok(list) = d.query_selector_all("link[rel=stylesheet], link[rel=modulepreload]") {
            for i in 0..list.length() {
                if let Some(el) = list.item(i).and_then(|n| n.dyn_into::<Element>().ok()) {
                    hrefs.push(el.get_attribute("href").unwrap_or_default());
                }
            }
        }
        hrefs
    };
    is_reading(now) && is_reading(fetched) && assets(now) == assets(fetched)
}

fn copy_meta(now: &Document, fetched: &Document, name: &str) {
    let selector = format!("meta[name=\"{name}\"]");
    let content = fetched
        .query_selector(&selector)
        .ok()
        .flatten()
        .and_then(|m| m.get_attribute("content"));
    if let (Some(content), Ok(Some(meta))) = (content, now.query_selector(&selector)) {
        let _ = meta.set_attribute("content", &content);
    }
}

/// While a page is on its way the document says so (`aria-busy`, and a
/// progress cursor in the stylesheet).
fn set_busy(document: &Document, busy: bool) {
    if let Some(root) = document.document_element() {
        let _ = if busy {
            root.set_attribute("aria-busy", "true")
        } else {
            root.remove_attribute("aria-busy")
        };
    }
}

/// After a swap: scroll where a page load would have (the fragment, the top,
/// or for Back the remembered position) and move focus to the main content,
/// so keyboard and screen reader users start on the new page.
fn place_view(window: &web_sys::Window, document: &Document, href: &str, step: Step) {
    let remembered = window
        .history()
        .ok()
        .and_then(|h| h.state().ok())
        .and_then(|s| js_sys::Reflect::get(&s, &"scrollY".into()).ok())
        .and_then(|y| y.as_f64());
    let fragment = Url::new(href)
        .ok()
        .map(|u| u.hash())
        .filter(|h| h.len() > 1)
        .and_then(|h| js_sys::decode_uri_component(&h[1..]).ok())
        .and_then(|h| h.as_string())
        .and_then(|id| document.get_element_by_id(&id));
    if let Some(main) = document
        .get_element_by_id("main")
        .and_then(|m| m.dyn_into::<HtmlElement>().ok())
    {
        let options = web_sys::FocusOptions::new();
        options.set_prevent_scroll(true);
        let _ = main.focus_with_options(&options);
    }
    // At once, as a page load would: the stylesheet's smooth scrolling is
    // for moving within a page.
    let jump_to = |y: f64| {
        let options = web_sys::ScrollToOptions::new();
        options.set_top(y);
        options.set_left(0.0);
        options.set_behavior(web_sys::ScrollBehavior::Instant);
        window.scroll_to_with_scroll_to_options(&options);
    };
    match (step, remembered, fragment) {
        (Step::Back, Some(y), _) => jump_to(y),
        (_, _, Some(target)) => {
            let options = web_sys::ScrollIntoViewOptions::new();
            options.set_behavior(web_sys::ScrollBehavior::Instant);
            target.scroll_into_view_with_scroll_into_view_options(&options);
        }
        _ => jump_to(0.0),
    }
}
