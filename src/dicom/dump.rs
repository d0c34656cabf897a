//! A dcmdump-style listing of a [`Parsed`] input, and the same rows as a
//! view model a UI can render as a tree.

use std::fmt::Write;

use serde::{Deserialize, Serialize};

use super::element::{Element, ElementRef, Length, Part};
use super::read::Parsed;
use super::tag::Tag;
use super::vr::Vr;
use crate::terminal::visible;

/// What a [`TreeRow`] shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RowKind {
    /// A data element.
    Element,
    /// An item of a sequence.
    Item,
    /// An Item Delimitation Item.
    ItemDelimiter,
    /// A fragment of encapsulated pixel data.
    Fragment,
    /// A Sequence Delimitation Item.
    SequenceDelimiter,
}

/// One row of the tree view.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TreeRow {
    /// Nesting depth: 0 for top-level elements, 1 for their items, 2 for
    /// the elements of those items, and so on.
    pub depth: usize,
    pub kind: RowKind,
    /// Byte offset of the row's first byte.
    pub offset: usize,
    pub tag: Tag,
    /// The VR (elements only).
    pub vr: Option<Vr>,
    pub length: Length,
    /// Dictionary keyword (elements only; empty if unknown).
    pub keyword: String,
    /// Dictionary name, or a description of the row.
    pub name: String,
    /// The value as shown in the dump.
    pub display: String,
    /// The element (for item, fragment and delimiter rows, the enclosing
    /// sequence or pixel data element).
    pub element: Option<ElementRef>,
    /// Item or fragment index (0-based) for item and fragment rows.
    pub index: Option<usize>,
}

/// The tree rows of the meta group and the data set, in file order.
pub fn tree(parsed: &Parsed) -> Vec<TreeRow> {
    let mut rows = Vec::new();
    for (part, list) in [(Part::Meta, &parsed.meta), (Part::Dataset, &parsed.dataset)] {
        for (i, el) in list.iter().enumerate() {
            element_rows(
                el,
                ElementRef {
                    part,
                    path: vec![i],
                },
                &mut rows,
            );
        }
    }
    rows
}

fn element_rows(el: &Element, r: ElementRef, rows: &mut Vec<TreeRow>) {
    let depth = r.depth() * 2;
    rows.push(TreeRow {
        depth,
        kind: RowKind::Element,
        offset: el.span.offset,
        tag: el.tag,
        vr: Some(el.vr),
        length: el.length,
        keyword: el.keyword().to_string(),
        name: el.name(),
        display: el.value.display(),
        element: Some(r.clone()),
        index: None,
    });
    for (i, item) in el.items.iter().enumerate() {
        rows.push(TreeRow {
            depth: depth + 1,
            kind: RowKind::Item,
            offset: item.span.offset,
            tag: Tag::ITEM,
            vr: None,
            length: item.length,
            keyword: String::new(),
            name: format!("Item #{}", i + 1),
            display: format!("({} element(s))", item.elements.len()),
            element: Some(r.clone()),
            index: Some(i),
        });
        for (j, child) in item.elements.iter().enumerate() {
            let mut path = r.path.clone();
            path.extend([i, j]);
            element_rows(child, ElementRef { part: r.part, path }, rows);
        }
        if let Some(d) = item.delimiter {
            rows.push(TreeRow {
                depth: depth + 1,
                kind: RowKind::ItemDelimiter,
                offset: d.tag_span.offset,
                tag: Tag::ITEM_DELIMITATION,
                vr: None,
                length: Length::Defined(d.length),
                keyword: String::new(),
                name: "Item Delimitation Item".into(),
                display: String::new(),
                element: Some(r.clone()),
                index: Some(i),
            });
        }
    }
    for (i, f) in el.fragments.iter().enumerate() {
        let name = if i == 0 {
            "Basic Offset Table".to_string()
        } else {
            format!("Fragment #{i}")
        };
        rows.push(TreeRow {
            depth: depth + 1,
            kind: RowKind::Fragment,
            offset: f.tag_span.offset,
            tag: Tag::ITEM,
            vr: None,
            length: Length::Defined(f.length),
            keyword: String::new(),
            name,
            display: format!("({} bytes, not decoded)", f.length),
            element: Some(r.clone()),
            index: Some(i),
        });
    }
    if let Some(d) = el.sequence_delimiter {
        rows.push(TreeRow {
            depth: depth + 1,
            kind: RowKind::SequenceDelimiter,
            offset: d.tag_span.offset,
            tag: Tag::SEQUENCE_DELIMITATION,
            vr: None,
            length: Length::Defined(d.length),
            keyword: String::new(),
            name: "Sequence Delimitation Item".into(),
            display: String::new(),
            element: Some(r),
            index: None,
        });
    }
}

/// A dcmdump-style text listing: a header with the transfer syntax, then
/// one line per element, item, fragment and delimiter, nested items
/// indented: offset, tag, VR, length, keyword (or name), value. A read
/// error ends the listing with its offset and reason. Each row is one line:
/// control characters and the like in values are written as visible
/// escapes (see [`crate::terminal::visible`]).
pub fn dump(parsed: &Parsed) -> String {
    let mut out = String::new();
    let kind = if parsed.magic.is_some() {
        "DICOM file (PS3.10)"
    } else {
        "bare data set"
    };
    let _ = writeln!(out, "# {kind}, {} bytes", parsed.len);
    let inferred = if parsed.transfer_syntax_inferred {
        " (inferred)"
    } else {
        ""
    };
    let ts = parsed.transfer_syntax;
    let _ = writeln!(out, "# Transfer syntax: {ts}{inferred}");
    let _ = writeln!(
        out,
        "# Data set read as {} VR {} endian{}",
        if ts.explicit_vr {
            "explicit"
        } else {
            "implicit"
        },
        if ts.big_endian { "big" } else { "little" },
        if ts.encapsulated {
            ", pixel data encapsulated"
        } else {
            ""
        }
    );
    for note in &parsed.notes {
        let _ = writeln!(out, "# Note: {}", visible(note));
    }
    let mut section = None;
    for row in tree(parsed) {
        let part = row.element.as_ref().map(|r| r.part);
        if part != section {
            section = part;
            let title = match part {
                Some(Part::Meta) => {
                    "# File meta information (group 0002, explicit VR little endian)"
                }
                _ => "# Data set",
            };
            let _ = writeln!(out, "{title}");
        }
        let indent = "  ".repeat(row.depth);
        let vr = row.vr.map_or("--", |v| v.code());
        let label = if row.keyword.is_empty() {
            row.name.as_str()
        } else {
            row.keyword.as_str()
        };
        let length = match row.length {
            Length::Defined(n) => n.to_string(),
            Length::Undefined => "undef".to_string(),
        };
        let line = format!(
            "{:08X}  {indent}{} {vr} {length:>8}  {label:<36} {}",
            row.offset, row.tag, row.display
        );
        let _ = writeln!(out, "{}", visible(line.trim_end()));
    }
    if let Some(e) = &parsed.error {
        let _ = writeln!(out, "# Error: {}", visible(&e.to_string()));
    }
    out
}
