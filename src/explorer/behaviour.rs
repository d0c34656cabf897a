//! Browser behaviour of every explorer on the page, through listeners on the
//! document (installed once at hydration), so explorers rendered inside
//! Markdown module bodies behave exactly like those a page renders.
//!
//! HL7 explorer (a WAI-ARIA tree):
//! - hovering or focusing a part shows it in the details panel;
//! - clicking it, or Enter/Space, selects it (`aria-selected`) and fires a
//!   bubbling `explorer-select` event whose `detail` is the part's path;
//! - ↑/↓ move to the previous/next part, → into a part, ← out of it,
//!   Home/End to the first/last part; the focused part alone is in the tab
//!   order (roving tabindex);
//! - the "hide names" switch hides names in the panel and in the labels.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{
    CustomEvent, CustomEventInit, Element, Event, HtmlElement, HtmlInputElement, KeyboardEvent,
};

use crate::html::escape;

/// The event an explorer fires when a part is selected.
pub const SELECT_EVENT: &str = "explorer-select";

/// Installs the listeners (call once).
pub fn install() {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    listen(&document, "focusin", |ev| {
        if let Some(target) = dicom_target(&ev) {
            dicom::rove(&target);
            dicom::show(&target);
            return;
        }
        if let Some(part) = part_of(&ev) {
            rove_to(&part);
            show(&part);
        }
    });
    listen(&document, "mouseover", |ev| {
        if let Some(target) = dicom_target(&ev) {
            dicom::show(&target);
            return;
        }
        if let Some(part) = part_of(&ev) {
            show(&part);
        }
    });
    listen(&document, "click", |ev| {
        if let Some(target) = dicom_target(&ev) {
            dicom::select(&target);
            if let Some(el) = dicom::focusable(&target) {
                let _ = el.focus();
            }
            return;
        }
        if let Some(part) = part_of(&ev) {
            select(&part);
            if let Ok(el) = part.dyn_into::<HtmlElement>() {
                let _ = el.focus();
            }
        }
    });
    listen(&document, "keydown", |ev| {
        if let Some(target) = dicom_target(&ev) {
            if let Some(key) = ev.dyn_ref::<KeyboardEvent>().map(|k| k.key()) {
                if let Some(next) = dicom::navigate(&target, &key) {
                    ev.prevent_default();
                    if let Some(next) = next {
                        dicom::rove(&next);
                        if let Some(el) = next.dyn_ref::<HtmlElement>() {
                            let _ = el.focus();
                        }
                    }
                }
            }
            return;
        }
        let Some(part) = part_of(&ev) else { return };
        let Some(key) = ev.dyn_ref::<KeyboardEvent>().map(|k| k.key()) else {
            return;
        };
        if let Some(next) = navigate(&part, &key) {
            ev.prevent_default();
            if let Some(next) = next {
                focus(&next);
            }
        }
    });
    listen(&document, "change", |ev| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
        else {
            return;
        };
        if !input.class_list().contains("hl7-hide-names") {
            return;
        }
        if let Ok(Some(explorer)) = input.closest(".hl7-explorer") {
            set_names_hidden(&explorer, input.checked());
        }
    });
}

fn listen(target: &web_sys::Document, name: &str, f: impl Fn(Event) + 'static) {
    let handler = Closure::<dyn Fn(Event)>::new(f);
    let _ = target.add_event_listener_with_callback(name, handler.as_ref().unchecked_ref());
    // The listeners live as long as the page.
    handler.forget();
}

/// The innermost explorer part an event happened on.
fn part_of(ev: &Event) -> Option<Element> {
    ev.target()
        .and_then(|t| t.dyn_into::<Element>().ok())
        .and_then(|el| el.closest(".hl7-part").ok().flatten())
}

/// The DICOM explorer byte region or tree row an event happened on.
fn dicom_target(ev: &Event) -> Option<Element> {
    ev.target()
        .and_then(|t| t.dyn_into::<Element>().ok())
        .and_then(|el| {
            el.closest(".dcm-explorer [data-r], .dcm-explorer .dcm-row")
                .ok()
                .flatten()
        })
}

fn tree_of(part: &Element) -> Option<Element> {
    part.closest("[role=tree]").ok().flatten()
}

fn explorer_of(part: &Element) -> Option<Element> {
    part.closest(".hl7-explorer").ok().flatten()
}

fn parts(tree: &Element) -> Vec<Element> {
    let mut out = Vec::new();
    if let Ok(list) = tree.query_selector_all(".hl7-part") {
        for i in 0..list.length() {
            if let Some(el) = list.item(i).and_then(|n| n.dyn_into::<Element>().ok()) {
                out.push(el);
            }
        }
    }
    out
}

/// Where a key moves focus from `part`: `None` if the key is not ours,
/// `Some(None)` if it is ours but there is nowhere to go.
fn navigate(part: &Element, key: &str) -> Option<Option<Element>> {
    let tree = tree_of(part)?;
    let all = || parts(&tree);
    let index = |all: &[Element]| all.iter().position(|p| p == part);
    Some(match key {
        "ArrowDown" => {
            let all = all();
            index(&all).and_then(|i| all.get(i + 1).cloned())
        }
        "ArrowUp" => {
            let all = all();
            index(&all)
                .and_then(|i| i.checked_sub(1))
                .and_then(|i| all.get(i).cloned())
        }
        "ArrowRight" => part.query_selector(".hl7-part").ok().flatten(),
        "ArrowLeft" => part
            .parent_element()
            .and_then(|p| p.closest(".hl7-part").ok().flatten()),
        "Home" => all().first().cloned(),
        "End" => all().last().cloned(),
        "Enter" | " " => {
            select(part);
            None
        }
        _ => return None,
    })
}

fn focus(part: &Element) {
    rove_to(part);
    if let Some(el) = part.dyn_ref::<HtmlElement>() {
        let _ = el.focus();
    }
}

/// Makes `part` the one tree item in the tab order.
fn rove_to(part: &Element) {
    if let Some(tree) = tree_of(part) {
        for p in parts(&tree) {
            let _ = p.set_attribute("tabindex", if &p == part { "0" } else { "-1" });
        }
    }
}

fn select(part: &Element) {
    let Some(tree) = tree_of(part) else { return };
    for p in parts(&tree) {
        let _ = p.set_attribute("aria-selected", if &p == part { "true" } else { "false" });
    }
    show(part);
    let path = part.get_attribute("data-path").unwrap_or_default();
    let init = CustomEventInit::new();
    init.set_bubbles(true);
    init.set_detail(&JsValue::from_str(&path));
    if let Ok(ev) = CustomEvent::new_with_event_init_dict(SELECT_EVENT, &init) {
        let _ = part.dispatch_event(&ev);
    }
}

fn names_hidden(part: &Element) -> bool {
    explorer_of(part).is_some_and(|e| e.class_list().contains("names-hidden"))
}

/// Fills the explorer's details panel from the part's data attributes.
fn show(part: &Element) {
    let Some(explorer) = explorer_of(part) else {
        return;
    };
    let Ok(Some(panel)) = explorer.query_selector(".explorer-details") else {
        return;
    };
    let data = |name: &str| part.get_attribute(&format!("data-{name}"));
    let hidden = names_hidden(part);
    let mut html = String::from("<dl class=\"explorer-facts\">");
    let mut fact = |term: &str, value: &str, code: bool| {
        html.push_str("<div><dt>");
        html.push_str(term);
        html.push_str("</dt><dd>");
        if code {
            html.push_str("<code>");
        }
        html.push_str(&escape(value));
        if code {
            html.push_str("</code>");
        }
        html.push_str("</dd></div>");
    };
    if let Some(path) = data("path") {
        fact("Path", &path, true);
    }
    if !hidden {
        fact(
            "Name",
            &data("name").unwrap_or_else(|| "(not in the dictionary)".into()),
            false,
        );
        if let Some(t) = data("type") {
            fact("Data type", &t, true);
        }
        if let Some(u) = data("usage") {
            fact("Usage", &u, false);
        }
    }
    let value = data("value").unwrap_or_default();
    fact(
        "Value",
        if value.is_empty() { "(empty)" } else { &value },
        !value.is_empty(),
    );
    if let Some(raw) = data("raw") {
        fact("As sent", &raw, true);
    }
    if let Some(m) = data("meaning") {
        fact("Meaning", &m, false);
    }
    html.push_str("</dl>");
    panel.set_inner_html(&html);
}

fn set_names_hidden(explorer: &Element, hidden: bool) {
    let _ = explorer
        .class_list()
        .toggle_with_force("names-hidden", hidden);
    if let Ok(list) = explorer.query_selector_all(".hl7-part") {
        for i in 0..list.length() {
            let Some(p) = list.item(i).and_then(|n| n.dyn_into::<Element>().ok()) else {
                continue;
            };
            let path = p.get_attribute("data-path").unwrap_or_default();
            let value = p
                .get_attribute("data-raw")
                .or_else(|| p.get_attribute("data-value"))
                .unwrap_or_default();
            let mut label = path;
            if !hidden {
                if let Some(name) = p.get_attribute("data-name") {
                    label.push(' ');
                    label.push_str(&name);
                }
            }
            label.push_str(": ");
            label.push_str(if value.is_empty() { "empty" } else { &value });
            let _ = p.set_attribute("aria-label", &label);
        }
    }
    let panel_shows_part = explorer
        .query_selector(".explorer-details dl")
        .ok()
        .flatten()
        .is_some();
    if panel_shows_part {
        let current = explorer
            .query_selector(".hl7-part[tabindex='0']")
            .ok()
            .flatten();
        if let Some(p) = current {
            show(&p);
        }
    }
}

/// Marks the parts whose paths are in `paths` as the answer (class
/// `is-answer`) in the explorer with id `explorer_id`, clearing old marks.
pub fn highlight(explorer_id: &str, paths: &[String]) {
    let Some(explorer) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(explorer_id))
    else {
        return;
    };
    if let Ok(list) = explorer.query_selector_all(".hl7-part") {
        for i in 0..list.length() {
            if let Some(p) = list.item(i).and_then(|n| n.dyn_into::<Element>().ok()) {
                let path = p.get_attribute("data-path").unwrap_or_default();
                let on = paths.iter().any(|x| x.eq_ignore_ascii_case(&path));
                let _ = p.class_list().toggle_with_force("is-answer", on);
            }
        }
    }
}

/// The DICOM explorer: byte regions (`[data-r]`, buttons and their
/// continuation spans) and tree rows (`.dcm-row`), linked by `data-row`.
mod dicom {
    use wasm_bindgen::JsCast;
    use web_sys::{Element, HtmlElement};

    use crate::html::escape;

    fn explorer(el: &Element) -> Option<Element> {
        el.closest(".dcm-explorer").ok().flatten()
    }

    fn all(root: &Element, selector: &str) -> Vec<Element> {
        let mut out = Vec::new();
        if let Ok(list) = root.query_selector_all(selector) {
            for i in 0..list.length() {
                if let Some(el) = list.item(i).and_then(|n| n.dyn_into::<Element>().ok()) {
                    out.push(el);
                }
            }
        }
        out
    }

    fn is_row(el: &Element) -> bool {
        el.class_list().contains("dcm-row")
    }

    /// The button of a region (continuation spans point at it).
    pub fn focusable(el: &Element) -> Option<HtmlElement> {
        if is_row(el) || el.tag_name().eq_ignore_ascii_case("button") {
            return el.clone().dyn_into::<HtmlElement>().ok();
        }
        let r = el.get_attribute("data-r")?;
        explorer(el)?
            .query_selector(&format!("button[data-r='{r}']"))
            .ok()
            .flatten()
            .and_then(|b| b.dyn_into::<HtmlElement>().ok())
    }

    fn row_for(el: &Element) -> Option<Element> {
        if is_row(el) {
            return Some(el.clone());
        }
        let n = el.get_attribute("data-row")?;
        explorer(el)?
            .query_selector(&format!(".dcm-row[data-row='{n}']"))
            .ok()
            .flatten()
    }

    /// Keeps one row (in the tree) or one button (in the bytes) in the tab order.
    pub fn rove(el: &Element) {
        let Some(x) = explorer(el) else { return };
        let selector = if is_row(el) {
            ".dcm-row"
        } else {
            "button.dcm-r"
        };
        let Some(target) = focusable(el) else { return };
        for other in all(&x, selector) {
            let _ = other.set_attribute("tabindex", if other == *target { "0" } else { "-1" });
        }
    }

    /// Scrolls `el` into view inside its own scrolling pane only, so the
    /// page does not move under the pointer.
    fn reveal(el: &Element) {
        let Some(pane) = el.closest(".dcm-hex, .dcm-tree").ok().flatten() else {
            return;
        };
        let top = el.get_bounding_client_rect().top() - pane.get_bounding_client_rect().top()
            + f64::from(pane.scroll_top());
        let height = f64::from(pane.client_height());
        let scroll = f64::from(pane.scroll_top());
        if top < scroll || top > scroll + height - 24.0 {
            pane.set_scroll_top((top - height / 3.0).max(0.0) as i32);
        }
    }

    /// Selects the element of a region or a row in both panes.
    pub fn select(el: &Element) {
        let Some(x) = explorer(el) else { return };
        let row = row_for(el);
        let n = row.as_ref().and_then(|r| r.get_attribute("data-row"));
        for r in all(&x, ".dcm-row") {
            let on = n.is_some() && r.get_attribute("data-row") == n;
            let _ = r.set_attribute("aria-selected", if on { "true" } else { "false" });
        }
        for b in all(&x, "[data-r]") {
            let on = n.is_some() && b.get_attribute("data-row") == n;
            let _ = b.class_list().toggle_with_force("is-selected", on);
            if b.tag_name().eq_ignore_ascii_case("button") {
                let _ = b.set_attribute("aria-pressed", if on { "true" } else { "false" });
            }
        }
        if is_row(el) {
            if let Some(n) = &n {
                if let Ok(Some(b)) = x.query_selector(&format!("button[data-row='{n}']")) {
                    reveal(&b);
                }
            }
        } else if let Some(r) = &row {
            reveal(r);
        }
        show(el);
    }

    fn region_text(kind: &str, order: &str) -> String {
        match kind {
            "preamble" => "The 128-byte preamble of a Part 10 file: free for applications to use, usually all zeros (PS3.10 section 7.1).".into(),
            "DICM prefix" => "The four letters DICM that mark a DICOM Part 10 file.".into(),
            "tag" => format!("The tag: group number then element number, each a 16-bit number ({order})."),
            "VR" => "The value representation, written as two ASCII letters (explicit VR transfer syntaxes).".into(),
            "reserved bytes" => "Two reserved bytes (00 00) that follow OB, OW, SQ, UN, UT and the other long-form VRs; a 4-byte length comes next (PS3.5 section 7.1.2).".into(),
            "length" => format!("The value length in bytes ({order})."),
            "value" => "The value itself.".into(),
            "group length value" => "The value of a group length element: how many bytes the rest of the group takes.".into(),
            "item tag" => "An Item tag (FFFE,E000): a sequence item starts here.".into(),
            "item length" => "The item's length: a byte count, or FFFFFFFF for undefined length (ended by an Item Delimitation Item).".into(),
            "item delimiter" => "An Item Delimitation Item (FFFE,E00D): the end of an item of undefined length.".into(),
            "sequence delimiter" => "A Sequence Delimitation Item (FFFE,E0DD): the end of a sequence or encapsulated pixel data of undefined length.".into(),
            "fragment item tag" => "The Item tag of a fragment of encapsulated pixel data (PS3.5 annex A.4).".into(),
            "fragment length" => "The byte count of a pixel data fragment.".into(),
            "fragment bytes" => "Compressed pixel data (the first fragment is the Basic Offset Table); not decoded here.".into(),
            "unread bytes" => "Bytes after the point where reading stopped.".into(),
            _ => String::new(),
        }
    }

    /// Fills the details panel.
    pub fn show(el: &Element) {
        let Some(x) = explorer(el) else { return };
        let Ok(Some(panel)) = x.query_selector(".explorer-details") else {
            return;
        };
        let row = row_for(el);
        let data = |name: &str| {
            row.as_ref()
                .and_then(|r| r.get_attribute(&format!("data-{name}")))
        };
        let mut html = String::new();
        if !is_row(el) {
            let kind = el.get_attribute("data-kind").unwrap_or_default();
            let start: usize = el
                .get_attribute("data-start")
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
            let len: usize = el
                .get_attribute("data-len")
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
            let end = start + len.max(1) - 1;
            let order = data("order").unwrap_or_else(|| "little endian".into());
            html.push_str(&format!(
                "<p class=\"dcm-region-note\"><strong>Bytes {start}–{end} (0x{start:X}–0x{end:X}): {}.</strong> {}</p>",
                escape(&kind),
                escape(&region_text(&kind, &order))
            ));
        }
        if row.is_some() {
            html.push_str("<dl class=\"explorer-facts\">");
            let mut fact = |term: &str, value: Option<String>, code: bool| {
                if let Some(v) = value.filter(|v| !v.is_empty()) {
                    html.push_str("<div><dt>");
                    html.push_str(term);
                    html.push_str("</dt><dd>");
                    if code {
                        html.push_str("<code>");
                    }
                    html.push_str(&escape(&v));
                    if code {
                        html.push_str("</code>");
                    }
                    html.push_str("</dd></div>");
                }
            };
            fact("Tag", data("tag"), true);
            fact("Keyword", data("keyword"), true);
            fact("Name", data("name"), false);
            fact(
                "VR",
                data("vr").map(|vr| match data("vrname") {
                    Some(name) => format!("{vr} ({name})"),
                    None => vr,
                }),
                false,
            );
            fact("VR allows", data("allows"), false);
            fact("VR source", data("vrsource"), false);
            fact("Length", data("lenx").or_else(|| data("length")), false);
            fact("Value", data("value"), true);
            html.push_str("</dl>");
        }
        panel.set_inner_html(&html);
    }

    /// Where a key moves focus from `el`; see the HL7 version.
    pub fn navigate(el: &Element, key: &str) -> Option<Option<Element>> {
        let x = explorer(el)?;
        if is_row(el) {
            let rows = all(&x, ".dcm-row");
            let i = rows.iter().position(|r| r == el)?;
            return Some(match key {
                "ArrowDown" => rows.get(i + 1).cloned(),
                "ArrowUp" => i.checked_sub(1).and_then(|i| rows.get(i).cloned()),
                "Home" => rows.first().cloned(),
                "End" => rows.last().cloned(),
                "Enter" | " " => {
                    select(el);
                    None
                }
                _ => return None,
            });
        }
        let buttons = all(&x, "button.dcm-r");
        let me = focusable(el)?;
        let i = buttons.iter().position(|b| *b == *me)?;
        let row = buttons[i].get_attribute("data-row");
        Some(match key {
            "ArrowRight" => buttons.get(i + 1).cloned(),
            "ArrowLeft" => i.checked_sub(1).and_then(|i| buttons.get(i).cloned()),
            "ArrowDown" => buttons[i..]
                .iter()
                .find(|b| b.get_attribute("data-row") != row)
                .cloned(),
            "ArrowUp" => {
                // The first button of the previous element.
                let before = buttons[..i]
                    .iter()
                    .rposition(|b| b.get_attribute("data-row") != row)?;
                let prev_row = buttons[before].get_attribute("data-row");
                let start = buttons[..=before]
                    .iter()
                    .rposition(|b| b.get_attribute("data-row") != prev_row)
                    .map(|p| p + 1)
                    .unwrap_or(0);
                buttons.get(start).cloned()
            }
            "Home" => buttons.first().cloned(),
            "End" => buttons.last().cloned(),
            _ => return None,
        })
    }
}
