//! PACS Academy: learn HL7 v2 and DICOM.
//!
//! - [`content`]: course modules, from Markdown files to typed pages.
//! - [`level`]: Foundation or Intermediate, for courses, exams and exercises.
//! - [`app`]: the Leptos user interface, one file per page.
//! - [`html`]: the one HTML-escaping function every renderer uses.
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
    leptos::mount::hydrate_body(app::App);
    in_page_links::install();
    explorer::behaviour::install();
    // Lets browser tests wait for a live page instead of guessing.
    if let Some(window) = web_sys::window() {
        let _ = js_sys::Reflect::set(
            &window,
            &wasm_bindgen::JsValue::from_str("__pacsHydrated"),
            &wasm_bindgen::JsValue::TRUE,
        );
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
    use web_sys::{AddEventListenerOptions, Element, HtmlElement, MouseEvent};

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
        if ev.default_prevented()
            || ev.button() != 0
            || ev.meta_key()
            || ev.ctrl_key()
            || ev.shift_key()
            || ev.alt_key()
        {
            return;
        }
        let Some(link) = ev
            .target()
            .and_then(|t| t.dyn_into::<Element>().ok())
            .and_then(|el| el.closest("a[href^='#']").ok().flatten())
        else {
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
            if !el.has_attribute("tabindex") {
                let _ = el.set_attribute("tabindex", "-1");
            }
            let _ = el.focus();
        }
    }
}
