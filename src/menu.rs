//! The site menu on narrow screens (browser only; features `hydrate` and
//! `reader`).
//!
//! The server renders the full navigation with a hidden "Menu" button, so
//! a page without scripts shows every link. Once a page's script runs,
//! [`prepare`] shows the button and marks the header `menu-ready`; on a
//! narrow screen the stylesheet then folds the navigation behind the
//! button (a disclosure: `aria-expanded`, `aria-controls`). Escape closes
//! it and returns focus to the button; following a link closes it.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{Element, Event, HtmlElement, KeyboardEvent};

/// Shows the button of the header now in the page (call again after the
/// header is replaced).
pub fn prepare() {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if let Ok(Some(button)) = document.query_selector(".menu-button") {
        let _ = button.remove_attribute("hidden");
        let _ = button.set_attribute("aria-expanded", "false");
    }
    if let Ok(Some(header)) = document.query_selector(".site-header") {
        let _ = header.class_list().add_1("menu-ready");
    }
}

/// Installs the listeners (call once) and prepares the header.
pub fn install() {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let on_click = Closure::<dyn Fn(Event)>::new(|ev: Event| {
        let Some(target) = ev.target().and_then(|t| t.dyn_into::<Element>().ok()) else {
            return;
        };
        if let Ok(Some(button)) = target.closest(".menu-button") {
            let open = button.get_attribute("aria-expanded").as_deref() == Some("true");
            let _ = button.set_attribute("aria-expanded", if open { "false" } else { "true" });
        } else if let Ok(Some(_)) = target.closest(".site-menus a") {
            close(false);
        }
    });
    let _ = document.add_event_listener_with_callback("click", on_click.as_ref().unchecked_ref());
    on_click.forget();
    let on_key = Closure::<dyn Fn(KeyboardEvent)>::new(|ev: KeyboardEvent| {
        if ev.key() == "Escape" {
            close(true);
        }
    });
    let _ = document.add_event_listener_with_callback("keydown", on_key.as_ref().unchecked_ref());
    on_key.forget();
    prepare();
}

/// Folds the menu if it is open; `refocus` puts focus back on the button.
fn close(refocus: bool) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Ok(Some(button)) = document.query_selector(".menu-button[aria-expanded=\"true\"]") else {
        return;
    };
    let _ = button.set_attribute("aria-expanded", "false");
    if refocus {
        if let Ok(button) = button.dyn_into::<HtmlElement>() {
            let _ = button.focus();
        }
    }
}
