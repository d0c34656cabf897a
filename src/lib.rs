//! PACS Academy: learn HL7 v2 and DICOM.
//!
//! - [`content`]: course modules, from Markdown files to typed pages.
//! - [`app`]: the Leptos user interface, one file per page.
//! - `server` (feature `ssr`): configuration, database and the HTTP stack.

#![recursion_limit = "256"]

pub mod app;
pub mod content;
#[cfg(feature = "ssr")]
pub mod server;

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
    // Lets browser tests wait for a live page instead of guessing.
    if let Some(window) = web_sys::window() {
        let _ = js_sys::Reflect::set(
            &window,
            &wasm_bindgen::JsValue::from_str("__pacsHydrated"),
            &wasm_bindgen::JsValue::TRUE,
        );
    }
}
