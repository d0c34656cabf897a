//! The HL7 v2 message explorer.
//!
//! [`hl7_explorer`] renders a parsed [`Message`] as a WAI-ARIA tree: one row
//! (level 1) per segment; inside it the fields (level 2), and inside those the
//! repetitions, components and subcomponents, each only where there is more
//! than one. Every part carries, in `data-*` attributes, what the details
//! panel shows: its terse path (`PID-5.1`), its dictionary name, its data
//! type, its decoded value, the meaning of its table code, and for fields the
//! usage (required or optional, repeats, length, table).
//!
//! The delimiters between parts are the message's own text (so custom
//! delimiters show as written) and are hidden from screen readers, which
//! read each part's label instead.

use std::fmt::Write as _;

use crate::hl7::{
    describe, table_name, table_value, trigger_event, unescape_lossy, Component, Description,
    Field, Message, Optionality, Path, Repeat, Repetition, Segment, Version,
};
use crate::html::{escape, escape_into};

/// How an explorer is rendered.
#[derive(Clone, Debug, Default)]
pub struct Hl7ExplorerOptions {
    /// A prefix for element ids, unique on the page (e.g. `ex1`).
    pub id: String,
    /// Accessible name of the whole message, e.g. "Example ADT^A01 message".
    pub label: Option<String>,
    /// Start with names hidden (practice mode).
    pub hide_names: bool,
    /// Show the "hide names" switch.
    pub name_switch: bool,
}

/// What the explorer knows about one part of a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hl7Row {
    /// The terse path, e.g. `PID-5.1` or `OBX[2]-5`.
    pub path: String,
    /// The dictionary name of the deepest part, e.g. `Family Name`.
    pub name: Option<&'static str>,
    /// The names from field down, e.g. `Patient Name / Family Name`.
    pub full_name: Option<String>,
    /// The data type, e.g. `XPN` or `ST`.
    pub data_type: Option<&'static str>,
    /// The raw (still escaped) text.
    pub raw: String,
    /// The decoded text (escape sequences decoded).
    pub value: String,
    /// The meaning of the value in the part's HL7 table, when known.
    pub meaning: Option<String>,
    /// For fields: required or optional, repeats, length, table.
    pub usage: Option<String>,
}

/// The dictionary version for a message: MSH-12, or v2.5.1 by default.
pub fn message_version(message: &Message) -> Version {
    message
        .version()
        .as_deref()
        .and_then(Version::from_msh12)
        .unwrap_or(Version::V2_5_1)
}

/// Data types whose first component is a code from the field's table.
fn coded_type(data_type: &str) -> bool {
    matches!(data_type, "CE" | "CWE" | "CNE" | "CF" | "ID" | "IS" | "HD")
}

/// The table that gives the meaning of a part's value: the deepest part's
/// own table, or for the first component of a coded type, the field's.
fn meaning_table(d: &Description, path: &Path) -> Option<u16> {
    if d.subcomponent.is_some() {
        return d.table;
    }
    match (d.component, d.field) {
        (Some(c), Some(f)) => c.table.or_else(|| {
            (path.component() == Some(1) && coded_type(f.data_type)).then_some(f.table?)
        }),
        _ => d.table,
    }
}

fn usage(d: &Description) -> Option<String> {
    if d.component.is_some() {
        return None;
    }
    let f = d.field?;
    let mut parts = vec![match f.optionality {
        Optionality::Required => "Required".to_string(),
        Optionality::Optional => "Optional".to_string(),
    }];
    parts.push(match f.repeatable {
        Repeat::No => "does not repeat".to_string(),
        Repeat::Unbounded => "repeats".to_string(),
        Repeat::Max(n) => format!("repeats up to {n} times"),
    });
    if let Some(len) = f.length {
        parts.push(format!("length {len}"));
    }
    if let Some(t) = f.table {
        let number = format!("{t:04}");
        match table_name(&number) {
            Some(name) => parts.push(format!("table {number} ({name})")),
            None => parts.push(format!("table {number}")),
        }
    }
    Some(parts.join(" · "))
}

/// Describes the part at `path` whose raw text is `raw`.
fn row(message: &Message, version: Version, path: &Path, raw: &str) -> Hl7Row {
    let value = unescape_lossy(raw, message.delimiters());
    let d = describe(version, path);
    let name = d.as_ref().map(|d| d.name());
    let full_name = d.as_ref().and_then(|d| {
        let mut parts: Vec<&str> = d.field.iter().map(|f| f.name).collect();
        parts.extend(d.component.iter().map(|c| c.name));
        parts.extend(d.subcomponent.iter().map(|c| c.name));
        (!parts.is_empty()).then(|| parts.join(" / "))
    });
    let mut meaning = d
        .as_ref()
        .and_then(|d| meaning_table(d, path))
        .and_then(|t| table_value(&format!("{t:04}"), &value))
        .map(str::to_string);
    // MSH-9.2 and EVN-1: the trigger event's own name reads better than
    // table 0003's "ADT/ACK - ..." text.
    if is_trigger_event(path) {
        if let Some(name) = trigger_event(&value) {
            meaning = Some(name.to_string());
        }
    }
    Hl7Row {
        path: path.to_string(),
        name,
        full_name,
        data_type: d.as_ref().and_then(|d| d.data_type()),
        raw: raw.to_string(),
        value,
        meaning,
        usage: d.as_ref().and_then(usage),
    }
}

fn is_trigger_event(path: &Path) -> bool {
    matches!(
        (path.segment_id(), path.field(), path.component()),
        ("MSH", Some(9), Some(2)) | ("EVN", Some(1), _)
    )
}

/// Every non-empty leaf of the message, described: the rows of a
/// field-by-field explanation (also printed by `pacs-academy hl7 explain`).
pub fn explain_hl7(message: &Message) -> Vec<Hl7Row> {
    let version = message_version(message);
    message
        .leaves()
        .into_iter()
        .map(|leaf| row(message, version, &leaf.path, &leaf.raw))
        .collect()
}

/// One line describing the message: `ADT^A01 — Admit/visit notification`.
pub fn message_summary(message: &Message) -> Option<String> {
    let t = message.message_type()?;
    let event = t.trigger.as_deref().and_then(trigger_event);
    Some(match event {
        Some(e) => format!("{t} — {e}"),
        None => t.to_string(),
    })
}

/// Renders `message` as an explorer: toolbar, tree and details panel.
pub fn hl7_explorer(message: &Message, options: &Hl7ExplorerOptions) -> String {
    let version = message_version(message);
    let id = if options.id.is_empty() {
        "hl7x"
    } else {
        &options.id
    };
    let label = options
        .label
        .clone()
        .or_else(|| message_summary(message).map(|s| format!("HL7 message {s}")))
        .unwrap_or_else(|| "HL7 message".to_string());
    let mut r = Renderer {
        message,
        version,
        out: String::with_capacity(message.all_segments().len() * 1200),
        first: true,
    };
    let classes = if options.hide_names {
        "hl7-explorer names-hidden"
    } else {
        "hl7-explorer"
    };
    let _ = write!(
        r.out,
        "<div class=\"{classes}\" data-explorer=\"hl7\" id=\"{id}\">"
    );
    r.out.push_str("<div class=\"explorer-toolbar\">");
    if options.name_switch {
        let _ = write!(
            r.out,
            "<label class=\"switch\"><input type=\"checkbox\" class=\"hl7-hide-names\"{}> Hide names</label>",
            if options.hide_names { " checked" } else { "" }
        );
    }
    let _ = write!(
        r.out,
        "<p class=\"explorer-keys\" id=\"{id}-keys\">Hover, click or use the arrow keys: \
         ↑ ↓ move, → goes inside a field, ← goes back out, Enter selects.</p></div>"
    );
    let _ = write!(
        r.out,
        "<div class=\"hl7-message\" role=\"tree\" aria-label=\"{}\" aria-describedby=\"{id}-keys\">",
        escape(&label)
    );
    let mut occurrences: Vec<(&str, usize)> = Vec::new();
    for seg in message.all_segments() {
        let n = match occurrences.iter_mut().find(|(s, _)| *s == seg.id()) {
            Some((_, n)) => {
                *n += 1;
                *n
            }
            None => {
                occurrences.push((seg.id(), 1));
                1
            }
        };
        r.segment(seg, n);
    }
    r.out.push_str("</div>");
    let _ = write!(
        r.out,
        "<div class=\"explorer-details\" id=\"{id}-details\"><p class=\"explorer-empty\">\
         Select a part of the message to see its path, name, data type and value.</p></div></div>"
    );
    r.out
}

struct Renderer<'m> {
    message: &'m Message,
    version: Version,
    out: String,
    /// Whether the next tree item is the first (it gets tabindex 0).
    first: bool,
}

impl Renderer<'_> {
    /// Opens a tree item for the part at `path` with raw text `raw`.
    fn open(&mut self, tag: &str, level: usize, path: &Path, raw: &str, expanded: bool) {
        let row = row(self.message, self.version, path, raw);
        let tabindex = if std::mem::take(&mut self.first) {
            "0"
        } else {
            "-1"
        };
        let empty = if raw.is_empty() { " empty" } else { "" };
        let _ = write!(
            self.out,
            "<{tag} class=\"hl7-part level-{level}{empty}\" role=\"treeitem\" aria-level=\"{level}\" \
             tabindex=\"{tabindex}\" aria-selected=\"false\" data-path=\"{}\"",
            escape(&row.path)
        );
        if expanded {
            self.out.push_str(" aria-expanded=\"true\"");
        }
        let attr = |out: &mut String, name: &str, value: Option<&str>| {
            if let Some(v) = value {
                let _ = write!(out, " data-{name}=\"");
                escape_into(out, v);
                out.push('"');
            }
        };
        attr(&mut self.out, "name", row.full_name.as_deref().or(row.name));
        attr(&mut self.out, "type", row.data_type);
        attr(&mut self.out, "value", Some(&row.value));
        if row.raw != row.value {
            attr(&mut self.out, "raw", Some(&row.raw));
        }
        attr(&mut self.out, "meaning", row.meaning.as_deref());
        attr(&mut self.out, "usage", row.usage.as_deref());
        let _ = write!(self.out, " aria-label=\"{}\">", escape(&label(&row, true)));
    }

    fn text(&mut self, text: &str) {
        escape_into(&mut self.out, text);
    }

    fn separator(&mut self, text: &str) {
        if !text.is_empty() {
            self.out
                .push_str("<span class=\"hl7-sep\" aria-hidden=\"true\">");
            self.text(text);
            self.out.push_str("</span>");
        }
    }

    fn segment(&mut self, seg: &Segment, occurrence: usize) {
        let path = Path::from_parts(seg.id(), occurrence, None, None, None, None);
        self.open("div", 1, &path, seg.raw(), true);
        self.out
            .push_str("<span class=\"hl7-seg\" aria-hidden=\"true\">");
        self.text(seg.id());
        self.out.push_str("</span><span role=\"group\">");
        let base = seg.span().start;
        let mut cursor = base + seg.id().len();
        for (i, field) in seg.fields().iter().enumerate() {
            let span = field.span();
            // The text between two fields is the field separator (MSH-1 is
            // itself the separator, so nothing stands before it).
            if span.start > cursor {
                self.separator(slice(seg.raw(), cursor - base, span.start - base));
            }
            self.field(seg, occurrence, i + 1, field);
            cursor = span.end;
        }
        self.out.push_str("</span></div>");
    }

    fn field(&mut self, seg: &Segment, occurrence: usize, n: usize, field: &Field) {
        let path = Path::from_parts(seg.id(), occurrence, Some(n), None, None, None);
        let reps = field.repetitions();
        let header_delimiters = seg.is_header() && n <= 2;
        let nested = !header_delimiters && (reps.len() > 1 || reps[0].components().len() > 1);
        self.open("span", 2, &path, field.raw(), nested);
        if !nested {
            self.text(field.raw());
            self.out.push_str("</span>");
            return;
        }
        self.out.push_str("<span role=\"group\">");
        let base = field.span().start;
        if reps.len() > 1 {
            let mut cursor = base;
            for (r, rep) in reps.iter().enumerate() {
                self.separator(slice(field.raw(), cursor - base, rep.span().start - base));
                let path = Path::from_parts(seg.id(), occurrence, Some(n), Some(r + 1), None, None);
                self.repetition(&path, rep, 3);
                cursor = rep.span().end;
            }
        } else {
            self.components(&path, &reps[0], 3);
        }
        self.out.push_str("</span></span>");
    }

    fn repetition(&mut self, path: &Path, rep: &Repetition, level: usize) {
        let nested = rep.components().len() > 1;
        self.open("span", level, path, rep.raw(), nested);
        if nested {
            self.out.push_str("<span role=\"group\">");
            self.components(path, rep, level + 1);
            self.out.push_str("</span>");
        } else {
            self.text(rep.raw());
        }
        self.out.push_str("</span>");
    }

    /// The components of `rep` (whose path is `parent`), at `level`.
    fn components(&mut self, parent: &Path, rep: &Repetition, level: usize) {
        let base = rep.span().start;
        let mut cursor = base;
        for (c, comp) in rep.components().iter().enumerate() {
            self.separator(slice(rep.raw(), cursor - base, comp.span().start - base));
            let path = Path::from_parts(
                parent.segment_id(),
                parent.occurrence(),
                parent.field(),
                parent.repetition(),
                Some(c + 1),
                None,
            );
            self.component(&path, comp, level);
            cursor = comp.span().end;
        }
    }

    fn component(&mut self, path: &Path, comp: &Component, level: usize) {
        let subs = comp.subcomponents();
        let nested = subs.len() > 1;
        self.open("span", level, path, comp.raw(), nested);
        if !nested {
            self.text(comp.raw());
            self.out.push_str("</span>");
            return;
        }
        self.out.push_str("<span role=\"group\">");
        let base = comp.span().start;
        let mut cursor = base;
        for (s, sub) in subs.iter().enumerate() {
            self.separator(slice(comp.raw(), cursor - base, sub.span().start - base));
            let sub_path = Path::from_parts(
                path.segment_id(),
                path.occurrence(),
                path.field(),
                path.repetition(),
                path.component(),
                Some(s + 1),
            );
            self.open("span", level + 1, &sub_path, sub.raw(), false);
            self.text(sub.raw());
            self.out.push_str("</span>");
            cursor = sub.span().end;
        }
        self.out.push_str("</span></span>");
    }
}

/// A message that does not parse (an exercise's deliberately broken one),
/// shown one segment per line: each line is a selectable part whose path is
/// its segment (`PID`, `OBX[2]`), so a learner can still point at it.
pub fn hl7_lines_explorer(text: &str, options: &Hl7ExplorerOptions) -> String {
    let id = if options.id.is_empty() {
        "hl7x"
    } else {
        &options.id
    };
    let mut out = String::new();
    let _ = write!(
        out,
        "<div class=\"hl7-explorer\" data-explorer=\"hl7\" id=\"{id}\"><div class=\"explorer-toolbar\">\
         <p class=\"explorer-keys\" id=\"{id}-keys\">This message does not parse, so only its segments can be \
         selected: ↑ ↓ move, Enter selects.</p></div>\
         <div class=\"hl7-message\" role=\"tree\" aria-label=\"{}\" aria-describedby=\"{id}-keys\">",
        escape(options.label.as_deref().unwrap_or("HL7 message"))
    );
    let mut seen: Vec<(String, usize)> = Vec::new();
    let mut first = true;
    for line in text.split(['\r', '\n']).filter(|l| !l.is_empty()) {
        let seg: String = line.chars().take(3).collect();
        let n = match seen.iter_mut().find(|(s, _)| *s == seg) {
            Some((_, n)) => {
                *n += 1;
                *n
            }
            None => {
                seen.push((seg.clone(), 1));
                1
            }
        };
        let path = if n > 1 {
            format!("{seg}[{n}]")
        } else {
            seg.clone()
        };
        let tabindex = if std::mem::take(&mut first) {
            "0"
        } else {
            "-1"
        };
        let _ = write!(
            out,
            "<div class=\"hl7-part level-1\" role=\"treeitem\" aria-level=\"1\" tabindex=\"{tabindex}\" \
             aria-selected=\"false\" data-path=\"{}\" data-value=\"{}\" aria-label=\"{}\">{}</div>",
            escape(&path),
            escape(line),
            escape(&format!("{path}: {line}")),
            escape(line)
        );
    }
    let _ = write!(
        out,
        "</div><div class=\"explorer-details\" id=\"{id}-details\"><p class=\"explorer-empty\">\
         Select a segment.</p></div></div>"
    );
    out
}

/// `text[from..to]`, or "" if the bounds are not on character boundaries.
fn slice(text: &str, from: usize, to: usize) -> &str {
    text.get(from..to).unwrap_or("")
}

/// The accessible label of a part: path, name (unless hidden), value.
pub fn label(row: &Hl7Row, with_name: bool) -> String {
    let mut s = row.path.clone();
    if with_name {
        if let Some(name) = row.full_name.as_deref().or(row.name) {
            s.push(' ');
            s.push_str(name);
        }
    }
    s.push_str(": ");
    // The text as it stands in the message (WCAG 2.5.3: the label holds
    // the visible text); the panel shows the decoded value.
    if row.raw.is_empty() {
        s.push_str("empty");
    } else {
        s.push_str(&row.raw);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hl7::parse;

    const ADT: &str = "MSH|^~\\&|PAS|NGH|RIS|NGH|20250314091500||ADT^A01^ADT_A01|MSG0001|P|2.5.1\r\
        EVN|A01|20250314091500\r\
        PID|1||RZZ1234567^^^NGH^MR~9990001234^^^NHS^NH||SMITH^JANE^ANN||19740312|F\r\
        PV1|1|I|W12^B3^1";

    fn explorer(text: &str) -> String {
        let m = parse(text).expect("parses");
        hl7_explorer(
            &m,
            &Hl7ExplorerOptions {
                id: "t".into(),
                name_switch: true,
                ..Default::default()
            },
        )
    }

    #[test]
    fn fields_carry_path_name_type_and_value() {
        let html = explorer(ADT);
        assert!(
            html.contains("data-path=\"PID-5\" aria-expanded=\"true\" data-name=\"Patient Name\" data-type=\"XPN\""),
            "{html}"
        );
        assert!(
            html.contains("data-path=\"PID-5.1\""),
            "components are parts"
        );
        assert!(html.contains("aria-label=\"PID-7 Date/Time of Birth: 19740312\""));
    }

    #[test]
    fn repetitions_get_their_own_paths() {
        let html = explorer(ADT);
        assert!(html.contains("data-path=\"PID-3(2)\""));
        assert!(html.contains("data-path=\"PID-3(2).4\""));
    }

    #[test]
    fn table_codes_are_explained() {
        let html = explorer(ADT);
        assert!(
            html.contains("data-path=\"PID-8\" data-name=\"Administrative Sex\" data-type=\"IS\" data-value=\"F\" data-meaning=\"Female\""),
            "{html}"
        );
        assert!(html.contains("data-path=\"PV1-2\""));
        assert!(html.contains("data-meaning=\"Inpatient\""));
        assert!(
            html.contains("data-meaning=\"Admit/visit notification\""),
            "{html}"
        );
    }

    #[test]
    fn only_the_first_part_is_in_the_tab_order() {
        let html = explorer(ADT);
        assert_eq!(html.matches("tabindex=\"0\"").count(), 1);
        assert!(html.matches("tabindex=\"-1\"").count() > 20);
    }

    #[test]
    fn the_text_reads_as_the_message() {
        // Stripping the tags gives back the message text, segment by segment.
        let html = explorer(ADT);
        let tree =
            &html[html.find("role=\"tree\"").unwrap()..html.find("explorer-details").unwrap()];
        let mut text = String::new();
        let mut in_tag = false;
        for c in tree.chars() {
            match c {
                '<' => in_tag = true,
                '>' => in_tag = false,
                c if !in_tag => text.push(c),
                _ => {}
            }
        }
        let text = text.replace("&amp;", "&");
        for seg in ADT.split('\r') {
            assert!(text.contains(seg), "missing {seg:?} in {text:?}");
        }
    }

    #[test]
    fn custom_delimiters_and_markup_are_escaped() {
        let html = explorer("MSH#$*@%#APP#<b>\rPID#1##X$Y");
        assert!(html.contains("&lt;b&gt;"));
        assert!(!html.contains("<b>"));
        assert!(html.contains("<span class=\"hl7-sep\" aria-hidden=\"true\">#</span>"));
        assert!(html.contains("data-path=\"PID-3.2\""));
    }

    #[test]
    fn explain_lists_leaves_with_names_and_meanings() {
        let m = parse(ADT).unwrap();
        let rows = explain_hl7(&m);
        let sex = rows.iter().find(|r| r.path == "PID-8").expect("PID-8");
        assert_eq!(sex.meaning.as_deref(), Some("Female"));
        let family = rows.iter().find(|r| r.path == "PID-5.1").expect("PID-5.1");
        assert_eq!(
            family.full_name.as_deref(),
            Some("Patient Name / Family Name")
        );
        assert_eq!(family.value, "SMITH");
    }

    #[test]
    fn escapes_are_decoded_in_values() {
        let m = parse("MSH|^~\\&|A|B\rOBX|1|TX|||Left \\T\\ right\\S\\side").unwrap();
        let rows = explain_hl7(&m);
        let obx5 = rows.iter().find(|r| r.path == "OBX-5").expect("OBX-5");
        assert_eq!(obx5.value, "Left & right^side");
        assert_eq!(obx5.raw, "Left \\T\\ right\\S\\side");
    }
}
