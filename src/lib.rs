//! PACS Academy: learn HL7 v2 and DICOM.
//!
//! - [`content`]: course modules, from Markdown files to typed pages.
//! - [`level`]: Foundation or Intermediate, for courses, exams and exercises.
//! - [`app`]: the Leptos user interface, one file per page.
//! - [`html`]: the one HTML-escaping function every renderer uses.
//! - `reader` (feature `reader`): the reading pages' small script.
//! - `server` (feature `ssr`): configuration, database and the HTTP stack.

#![recursion_limit = "256"]

pub mod accounts;
pub mod app;
pub mod calendar;
pub mod content;
pub mod dicom;
pub mod error;
pub mod exam;
pub mod exercise;
pub mod explorer;
pub mod hl7;
pub mod html;
pub mod level;
#[cfg(any(feature = "hydrate", feature = "reader"))]
pub mod links;
#[cfg(any(feature = "hydrate", feature = "reader"))]
pub mod menu;
#[cfg(feature = "reader")]
pub mod reader;
pub mod reports;
pub mod rng;
#[cfg(feature = "ssr")]
pub mod server;
pub mod synth;
pub mod terminal;

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    app::exam_attempt::keep_choices_made_before_hydration();
    app::exercises::keep_answers_made_before_hydration();
    leptos::mount::hydrate_body(app::App);
    in_page_links::install();
    leave_guard::install();
    explorer::behaviour::install();
    menu::install();
    // Lets browser tests wait for a live page instead of guessing:
    // `__pacsReady` on every page (the reader sets it too), `__pacsHydrated`
    // where the application runs.
    if let Some(window) = web_sys::window() {
        for flag in ["__pacsHydrated", "__pacsReady"] {
            let _ = js_sys::Reflect::set(
                &window,
                &wasm_bindgen::JsValue::from_str(flag),
                &wasm_bindgen::JsValue::TRUE,
            );
        }
    }
}

/// Links to a place on the same page (the skip link, the table of contents,
/// footnotes) behave as in a plain HTML page: the address gets the `#id`,
/// the target scrolls into view, and keyboard focus moves there so the next
/// Tab continues from it. The router would otherwise only scroll.
#[cfg(feature = "hydrate")]
mod in_page_links {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    use web_sys::{AddEventListenerOptions, HtmlElement, MouseEvent};

    pub fn install() {
        let Some(document) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        let handler = Closure::<dyn Fn(MouseEvent)>::new(on_click);
        let options = AddEventListenerOptions::new();
        options.set_capture(true);
        let _ = document.add_event_listener_with_callback_and_add_event_listener_options(
            "click",
            handler.as_ref().unchecked_ref(),
            &options,
        );
        // The listener lives as long as the page.
        handler.forget();
    }

    fn on_click(ev: MouseEvent) {
        let Some(link) = crate::links::plainly_followed(&ev, "a[href^='#']") else {
            return;
        };
        let id = link.get_attribute("href").unwrap_or_default();
        let id = id.trim_start_matches('#');
        let Some(window) = web_sys::window() else {
            return;
        };
        let Some(target) = window.document().and_then(|d| d.get_element_by_id(id)) else {
            return;
        };
        ev.prevent_default();
        let _ = window.location().set_hash(id);
        target.scroll_into_view();
        if let Ok(el) = target.dyn_into::<HtmlElement>() {
            // Inputs and buttons take focus as they are (a tabindex of -1
            // would take them out of the Tab order); headings and sections
            // need tabindex -1 first.
            let _ = el.focus();
            let focused = window.document().and_then(|d| d.active_element());
            if focused.as_ref() != Some(el.as_ref()) && !el.has_attribute("tabindex") {
                let _ = el.set_attribute("tabindex", "-1");
                let _ = el.focus();
            }
        }
    }
}

/// Warns before a page with unsaved work is left. A page (the module
/// editor) registers a check with [`leave_guard::set`]; the check keeps its
/// draft and says whether there is unsaved work. Then a link to another
/// page asks first, and closing or reloading the tab gets the browser's own
/// "leave site?" prompt. The router's own link handling comes after this
/// capturing listener, so a refused link goes nowhere.
#[cfg(feature = "hydrate")]
pub mod leave_guard {
    use std::cell::RefCell;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    use web_sys::{AddEventListenerOptions, Element, Event, MouseEvent};

    type Check = Box<dyn Fn() -> bool>;

    thread_local! {
        static CHECK: RefCell<Option<Check>> = const { RefCell::new(None) };
    }

    /// What a link asks when there is unsaved work.
    pub const QUESTION: &str = "You have unsaved changes. They are kept as a draft in this browser and offered to you when you come back. Leave this page?";

    /// Registers the page's check: keep the draft, then say whether there is
    /// unsaved work.
    pub fn set(check: impl Fn() -> bool + 'static) {
        CHECK.with(|c| *c.borrow_mut() = Some(Box::new(check)));
    }

    /// Removes the check (the page is gone).
    pub fn clear() {
        CHECK.with(|c| *c.borrow_mut() = None);
    }

    fn unsaved() -> bool {
        CHECK.with(|c| c.borrow().as_ref().is_some_and(|f| f()))
    }

    pub fn install() {
        let Some(window) = web_sys::window() else {
            return;
        };
        let Some(document) = window.document() else {
            return;
        };
        let on_click = Closure::<dyn Fn(MouseEvent)>::new(on_click);
        let options = AddEventListenerOptions::new();
        options.set_capture(true);
        let _ = document.add_event_listener_with_callback_and_add_event_listener_options(
            "click",
            on_click.as_ref().unchecked_ref(),
            &options,
        );
        on_click.forget();
        let on_unload = Closure::<dyn Fn(Event)>::new(|ev: Event| {
            if unsaved() {
                ev.prevent_default();
                // Older Chromium asks only when returnValue is set.
                let _ = js_sys::Reflect::set(&ev, &"returnValue".into(), &"".into());
            }
        });
        let _ = window
            .add_event_listener_with_callback("beforeunload", on_unload.as_ref().unchecked_ref());
        on_unload.forget();
    }

    fn on_click(ev: MouseEvent) {
        if ev.default_prevented() || ev.button() != 0 {
            return;
        }
        let Some(link) = ev
            .target()
            .and_then(|t| t.dyn_into::<Element>().ok())
            .and_then(|el| el.closest("a[href]").ok().flatten())
        else {
            return;
        };
        let href = link.get_attribute("href").unwrap_or_default();
        // Same-page anchors, new tabs and downloads leave nothing behind.
        if href.starts_with('#')
            || link.has_attribute("download")
            || link.get_attribute("target").is_some_and(|t| t == "_blank")
            || ev.ctrl_key()
            || ev.meta_key()
            || ev.shift_key()
        {
            return;
        }
        if !unsaved() {
            return;
        }
        let stay = web_sys::window()
            .and_then(|w| w.confirm_with_message(QUESTION).ok())
            .is_some_and(|leave| !leave);
        if stay {
            ev.prevent_default();
            ev.stop_immediate_propagation();
        }
    }
}
