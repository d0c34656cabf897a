//! Link clicks that a page's script may take over (browser only; features
//! `hydrate` and `reader`).

use wasm_bindgen::JsCast;
use web_sys::{Element, MouseEvent};

/// The link matching `selector` that a plain left click (no modifier key,
/// not already handled) is following, if any. Clicks with a modifier open
/// tabs and windows, which stay the browser's.
pub fn plainly_followed(ev: &MouseEvent, selector: &str) -> Option<Element> {
    if ev.default_prevented()
        || ev.button() != 0
        || ev.meta_key()
        || ev.ctrl_key()
        || ev.shift_key()
        || ev.alt_key()
    {
        return None;
    }
    ev.target()
        .and_then(|t| t.dyn_into::<Element>().ok())
        .and_then(|el| el.closest(selector).ok().flatten())
}
