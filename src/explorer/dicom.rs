//! The DICOM explorer: an annotated hex dump beside a dcmdump-style tree.
//!
//! Every byte of the input belongs to one labelled region (preamble,
//! `DICM`, tag, VR, reserved bytes, length, value, item and delimiter
//! headers; see [`crate::dicom::regions`]). The dump shows regions as
//! buttons coloured by kind; the tree lists every element, item, fragment
//! and delimiter. Both carry `data-row` so that [`super::behaviour`] can
//! select one from the other.
//!
//! Long values (pixel data, big blobs) show their first and last bytes only,
//! and the dump stops after [`MAX_DUMP_BYTES`] visible bytes, so a 100 MB
//! file gives a page of modest size; the tree always lists every element.

use std::collections::HashMap;
use std::fmt::Write as _;

use crate::dicom::{regions, tree, ElementRef, Parsed, Region, RegionKind, RowKind, TreeRow};
use crate::html::{escape, escape_into};

/// How many bytes of one region are shown in full; longer ones are elided.
pub const MAX_REGION_BYTES: usize = 96;
/// How many bytes the dump shows at most.
pub const MAX_DUMP_BYTES: usize = 48 * 1024;
/// How many tree rows are listed at most (a file of 10,000 elements lists
/// them all; beyond this, the tree says how many were left out).
pub const MAX_TREE_ROWS: usize = 20_000;

const LINE: usize = 16;

/// How an explorer is rendered.
#[derive(Clone, Debug, Default)]
pub struct DicomExplorerOptions {
    /// A prefix for element ids, unique on the page.
    pub id: String,
    /// Accessible name of the whole explorer.
    pub label: Option<String>,
}

/// A short learner-facing name for a region kind.
pub fn kind_label(kind: RegionKind) -> &'static str {
    match kind {
        RegionKind::Preamble => "preamble",
        RegionKind::Magic => "DICM prefix",
        RegionKind::Tag => "tag",
        RegionKind::Vr => "VR",
        RegionKind::Reserved => "reserved bytes",
        RegionKind::Length => "length",
        RegionKind::Value => "value",
        RegionKind::GroupLength => "group length value",
        RegionKind::ItemTag => "item tag",
        RegionKind::ItemLength => "item length",
        RegionKind::ItemDelimiter => "item delimiter",
        RegionKind::SequenceDelimiter => "sequence delimiter",
        RegionKind::FragmentTag => "fragment item tag",
        RegionKind::FragmentLength => "fragment length",
        RegionKind::FragmentValue => "fragment bytes",
        RegionKind::Unparsed => "unread bytes",
    }
}

fn kind_class(kind: RegionKind) -> &'static str {
    match kind {
        RegionKind::Preamble => "k-pre",
        RegionKind::Magic => "k-magic",
        RegionKind::Tag | RegionKind::ItemTag | RegionKind::FragmentTag => "k-tag",
        RegionKind::Vr => "k-vr",
        RegionKind::Reserved => "k-res",
        RegionKind::Length | RegionKind::ItemLength | RegionKind::FragmentLength => "k-len",
        RegionKind::Value | RegionKind::GroupLength | RegionKind::FragmentValue => "k-val",
        RegionKind::ItemDelimiter | RegionKind::SequenceDelimiter => "k-delim",
        RegionKind::Unparsed => "k-bad",
    }
}

/// The tree row a region belongs to.
fn row_kind_for(kind: RegionKind) -> Option<RowKind> {
    Some(match kind {
        RegionKind::Tag
        | RegionKind::Vr
        | RegionKind::Reserved
        | RegionKind::Length
        | RegionKind::Value
        | RegionKind::GroupLength => RowKind::Element,
        RegionKind::ItemTag | RegionKind::ItemLength => RowKind::Item,
        RegionKind::ItemDelimiter => RowKind::ItemDelimiter,
        RegionKind::SequenceDelimiter => RowKind::SequenceDelimiter,
        RegionKind::FragmentTag | RegionKind::FragmentLength | RegionKind::FragmentValue => {
            RowKind::Fragment
        }
        RegionKind::Preamble | RegionKind::Magic | RegionKind::Unparsed => return None,
    })
}

type RowKey = (ElementRef, u8, Option<usize>);

/// A hashable stand-in for a row kind.
fn rk(kind: RowKind) -> u8 {
    match kind {
        RowKind::Element => 0,
        RowKind::Item => 1,
        RowKind::ItemDelimiter => 2,
        RowKind::Fragment => 3,
        RowKind::SequenceDelimiter => 4,
    }
}

/// A summary line of what was read: syntax, counts and any error.
pub fn summary(parsed: &Parsed) -> String {
    let mut s = format!(
        "{} · {} meta elements · {} data set elements",
        parsed.transfer_syntax.name(),
        parsed.meta.len(),
        parsed.dataset.len()
    );
    if parsed.transfer_syntax_inferred {
        s.push_str(" · transfer syntax inferred from the bytes");
    }
    s
}

/// Renders the explorer for `parsed`, whose input was `bytes`.
pub fn dicom_explorer(parsed: &Parsed, bytes: &[u8], options: &DicomExplorerOptions) -> String {
    let id = if options.id.is_empty() {
        "dcmx"
    } else {
        &options.id
    };
    let rows = tree(parsed);
    let mut keys: HashMap<RowKey, usize> = HashMap::with_capacity(rows.len());
    for (n, r) in rows.iter().enumerate() {
        if let Some(e) = &r.element {
            let index = if r.kind == RowKind::Element || r.kind == RowKind::SequenceDelimiter {
                None
            } else {
                r.index
            };
            keys.entry((e.clone(), rk(r.kind), index)).or_insert(n);
        }
    }
    let regions = regions(parsed);
    let region_row = |r: &Region| -> Option<usize> {
        let kind = row_kind_for(r.kind)?;
        let e = r.element.clone()?;
        let index = if kind == RowKind::Element || kind == RowKind::SequenceDelimiter {
            None
        } else {
            r.index
        };
        keys.get(&(e, rk(kind), index)).copied()
    };
    let mut out = String::with_capacity(64 * 1024);
    let label = options
        .label
        .clone()
        .unwrap_or_else(|| "DICOM data".to_string());
    let _ = write!(
        out,
        "<div class=\"dcm-explorer\" data-explorer=\"dicom\" id=\"{id}\" role=\"group\" aria-label=\"{}\">",
        escape(&label)
    );
    let _ = write!(
        out,
        "<div class=\"explorer-toolbar\"><p class=\"explorer-keys\" id=\"{id}-keys\">Hover or click a byte or a row. \
         In the tree, ↑ ↓ move and Enter selects; in the bytes, ← → move between fields and ↑ ↓ between elements.</p>\
         <p class=\"dcm-legend\" aria-hidden=\"true\"><span class=\"k-tag\">tag</span> <span class=\"k-vr\">VR</span> \
         <span class=\"k-res\">reserved</span> <span class=\"k-len\">length</span> <span class=\"k-val\">value</span> \
         <span class=\"k-delim\">delimiter</span></p></div>"
    );
    out.push_str("<div class=\"dcm-panes\">");
    tree_html(&mut out, id, parsed, &rows);
    hex_html(&mut out, id, bytes, &regions, &region_row);
    out.push_str("</div>");
    let _ = write!(
        out,
        "<div class=\"explorer-details\" id=\"{id}-details\"><p class=\"explorer-empty\">\
         Select a byte or an element to see its tag, name, VR, length and value.</p></div></div>"
    );
    out
}

fn tree_html(out: &mut String, id: &str, parsed: &Parsed, rows: &[TreeRow]) {
    let _ = write!(
        out,
        "<div class=\"dcm-tree\" role=\"tree\" aria-label=\"Elements\" aria-describedby=\"{id}-keys\">"
    );
    for (n, r) in rows.iter().enumerate().take(MAX_TREE_ROWS) {
        let tabindex = if n == 0 { "0" } else { "-1" };
        let _ = write!(
            out,
            "<div class=\"dcm-row\" role=\"treeitem\" aria-level=\"{}\" aria-selected=\"false\" tabindex=\"{tabindex}\" \
             id=\"{id}-row-{n}\" data-row=\"{n}\" data-offset=\"{}\" data-tag=\"{}\"",
            r.depth + 1,
            r.offset,
            r.tag
        );
        let mut attr = |name: &str, value: &str| {
            if !value.is_empty() {
                let _ = write!(out, " data-{name}=\"");
                escape_into(out, value);
                out.push('"');
            }
        };
        if let Some(vr) = r.vr {
            attr("vr", vr.code());
            attr("vrname", vr.name());
            attr("allows", vr.allows());
        }
        attr("keyword", &r.keyword);
        attr("name", &r.name);
        attr("value", &r.display);
        attr("length", &r.length.to_string());
        if r.kind == RowKind::Element {
            if let Some(el) = r.element.as_ref().and_then(|e| parsed.element(e)) {
                attr("lenx", &el.length_explanation());
                attr(
                    "order",
                    if el.big_endian {
                        "big endian"
                    } else {
                        "little endian"
                    },
                );
                attr("vrsource", vr_source(el.vr_source));
            }
        }
        let label = row_label(r);
        let _ = write!(
            out,
            " aria-label=\"{}\" style=\"--depth:{}\">",
            escape(&label),
            r.depth
        );
        let _ = write!(out, "<span class=\"dcm-tag\">{}</span> ", r.tag);
        if let Some(vr) = r.vr {
            let _ = write!(out, "<span class=\"dcm-vr\">{}</span> ", vr.code());
        }
        if !r.display.is_empty() {
            out.push_str("<span class=\"dcm-val\">");
            escape_into(out, &r.display);
            out.push_str("</span> ");
        }
        out.push_str("<span class=\"dcm-note\"># ");
        escape_into(
            out,
            if r.keyword.is_empty() {
                &r.name
            } else {
                &r.keyword
            },
        );
        out.push_str("</span></div>");
    }
    if rows.len() > MAX_TREE_ROWS {
        let _ = write!(
            out,
            "<p class=\"dcm-more\">{} more rows are not listed.</p>",
            rows.len() - MAX_TREE_ROWS
        );
    }
    out.push_str("</div>");
}

fn vr_source(source: crate::dicom::VrSource) -> &'static str {
    use crate::dicom::VrSource;
    match source {
        VrSource::Explicit => "written in the element (explicit VR)",
        VrSource::Dictionary => "not written (implicit VR): taken from the data dictionary",
        VrSource::DictionaryChoice => {
            "not written (implicit VR): the dictionary allows two VRs, chosen by the rules of PS3.5 annex A.1"
        }
        VrSource::Unknown => "not written (implicit VR) and the tag is not in the dictionary: UN",
        VrSource::PrivateCreator => "not written (implicit VR): a private creator is always LO (PS3.5 7.8.1)",
        VrSource::UndefinedLengthSequence => "not written (implicit VR): undefined length, so read as a sequence",
    }
}

fn row_label(r: &TreeRow) -> String {
    // The row's visible text first (WCAG 2.5.3), then the name in full.
    let mut s = r.tag.to_string();
    if let Some(vr) = r.vr {
        s.push(' ');
        s.push_str(vr.code());
    }
    if !r.display.is_empty() {
        s.push(' ');
        s.push_str(&r.display);
    }
    s.push_str(" # ");
    s.push_str(if r.keyword.is_empty() {
        &r.name
    } else {
        &r.keyword
    });
    if !r.keyword.is_empty() {
        s.push_str(", ");
        s.push_str(&r.name);
    }
    s
}

/// The byte ranges the dump shows: whole regions, or the head and tail of
/// long ones. Each is (start, end, elided bytes before it).
fn visible_ranges(regions: &[Region], len: usize) -> Vec<(usize, usize, usize)> {
    let mut out: Vec<(usize, usize, usize)> = Vec::new();
    let mut shown = 0usize;
    let push = |from: usize, to: usize, gap: usize, out: &mut Vec<(usize, usize, usize)>| match out
        .last_mut()
    {
        Some(last) if last.1 == from && gap == 0 => last.1 = to,
        _ => out.push((from, to, gap)),
    };
    for r in regions {
        if shown >= MAX_DUMP_BYTES {
            break;
        }
        let (start, end) = (r.span.offset, r.span.end().min(len));
        if end - start > MAX_REGION_BYTES {
            let head_end = start + MAX_REGION_BYTES - LINE;
            let tail_start = end - LINE;
            push(start, head_end, 0, &mut out);
            push(tail_start, end, tail_start - head_end, &mut out);
            shown += MAX_REGION_BYTES;
        } else {
            push(start, end, 0, &mut out);
            shown += end - start;
        }
    }
    out
}

fn hex_html(
    out: &mut String,
    id: &str,
    bytes: &[u8],
    regions: &[Region],
    region_row: &dyn Fn(&Region) -> Option<usize>,
) {
    let _ = write!(
        out,
        "<div class=\"dcm-hex\" role=\"group\" aria-label=\"Bytes\" id=\"{id}-hex\">"
    );
    let ranges = visible_ranges(regions, bytes.len());
    let mut ri = 0usize; // index into regions
    let mut first_button = true;
    for &(start, end, gap) in &ranges {
        if gap > 0 {
            let _ = write!(
                out,
                "<p class=\"dcm-gap\">… {gap} bytes not shown (0x{:08X}–0x{:08X}) …</p>",
                start - gap,
                start - 1
            );
        }
        let mut pos = start;
        while pos < end {
            let line_end = ((pos / LINE) + 1) * LINE;
            let line_end = line_end.min(end);
            let _ = write!(
                out,
                "<div class=\"dcm-line\"><span class=\"dcm-off\" aria-hidden=\"true\">{pos:08X}</span><span class=\"dcm-bytes\">"
            );
            // Pad a line that starts mid-way so columns stay aligned.
            for _ in 0..(pos % LINE) {
                out.push_str("<span class=\"pad\" aria-hidden=\"true\">   </span>");
            }
            let mut p = pos;
            while p < line_end {
                while ri < regions.len() && regions[ri].span.end() <= p {
                    ri += 1;
                }
                let Some(region) = regions.get(ri) else { break };
                let piece_end = region.span.end().min(line_end);
                let is_start = p == region.span.offset;
                let row = region_row(region);
                let class = kind_class(region.kind);
                let hex: Vec<String> = bytes[p..piece_end]
                    .iter()
                    .map(|b| format!("{b:02X}"))
                    .collect();
                let row_attr = row
                    .map(|r| format!(" data-row=\"{r}\""))
                    .unwrap_or_default();
                let common = format!(
                    "class=\"dcm-r {class}\" data-r=\"{ri}\" data-kind=\"{}\" data-start=\"{}\" data-len=\"{}\"{row_attr}",
                    kind_label(region.kind),
                    region.span.offset,
                    region.span.len
                );
                if is_start {
                    let tabindex = if std::mem::take(&mut first_button) {
                        "0"
                    } else {
                        "-1"
                    };
                    let _ = write!(
                        out,
                        "<button type=\"button\" {common} tabindex=\"{tabindex}\" aria-label=\"{}\">{}</button> ",
                        // The visible bytes first (WCAG 2.5.3), then what they are.
                        escape(&format!(
                            "{}: {}, bytes {}–{}",
                            hex.join(" "),
                            kind_label(region.kind),
                            region.span.offset,
                            region.span.end().saturating_sub(1)
                        )),
                        hex.join(" ")
                    );
                } else {
                    let _ = write!(
                        out,
                        "<span {common} aria-hidden=\"true\">{}</span> ",
                        hex.join(" ")
                    );
                }
                p = piece_end;
            }
            out.push_str("</span><span class=\"dcm-asc\" aria-hidden=\"true\">");
            for _ in 0..(pos % LINE) {
                out.push(' ');
            }
            for &b in &bytes[pos..line_end] {
                let c = if (0x20..0x7f).contains(&b) {
                    b as char
                } else {
                    '.'
                };
                escape_into(out, c.encode_utf8(&mut [0; 4]));
            }
            out.push_str("</span></div>");
            pos = line_end;
        }
    }
    if ranges.last().is_some_and(|r| r.1 < bytes.len()) {
        let last = ranges.last().map(|r| r.1).unwrap_or(0);
        let _ = write!(
            out,
            "<p class=\"dcm-gap\">The byte view stops here; {} more bytes are listed in the tree only.</p>",
            bytes.len() - last
        );
    }
    out.push_str("</div>");
}

/// A plain hex dump (offset, hex, ASCII) with no annotations, for
/// exercises where the annotations would give the answer away. The bytes in
/// `highlight` (start, length) are marked.
pub fn plain_hex(bytes: &[u8], highlight: Option<(usize, usize)>, caption: &str) -> String {
    let mut out = String::with_capacity(bytes.len() * 8 + 256);
    let _ = write!(
        out,
        "<figure class=\"plain-hex\"><figcaption>{}</figcaption><pre tabindex=\"0\">",
        escape(caption)
    );
    let marked = |i: usize| highlight.is_some_and(|(s, l)| i >= s && i < s + l);
    for (line, chunk) in bytes.chunks(LINE).enumerate() {
        let base = line * LINE;
        let _ = write!(out, "<span class=\"dcm-off\">{base:08X}</span>");
        let mut open = false;
        for (i, b) in chunk.iter().enumerate() {
            let on = marked(base + i);
            if on && !open {
                out.push_str("<mark>");
                open = true;
            } else if !on && open {
                out.push_str("</mark>");
                open = false;
            }
            let _ = write!(out, "{b:02X}");
            if i + 1 < chunk.len() {
                out.push(' ');
            }
        }
        if open {
            out.push_str("</mark>");
        }
        for _ in chunk.len()..LINE {
            out.push_str("   ");
        }
        out.push_str("  ");
        for &b in chunk {
            let c = if (0x20..0x7f).contains(&b) {
                b as char
            } else {
                '.'
            };
            escape_into(&mut out, c.encode_utf8(&mut [0; 4]));
        }
        out.push('\n');
    }
    out.push_str("</pre>");
    if let Some((s, l)) = highlight {
        let _ = write!(
            out,
            "<p class=\"fine\">Highlighted: bytes {s}–{} (0x{s:X}–0x{:X}).</p>",
            s + l.max(1) - 1,
            s + l.max(1) - 1
        );
    }
    out.push_str("</figure>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dicom::{read, write_dataset, DataSet, Tag, TransferSyntax, Vr};

    fn sample() -> Vec<u8> {
        let mut ds = DataSet::new();
        ds.put_str(Tag(0x0010, 0x0010), Vr::PN, "TEST^JANE");
        ds.put_str(Tag(0x0010, 0x0020), Vr::LO, "RZZ1234567");
        ds.put_u16(Tag(0x0028, 0x0010), 512);
        write_dataset(&ds, TransferSyntax::EXPLICIT_VR_LITTLE_ENDIAN)
    }

    #[test]
    fn every_region_has_a_button_and_rows_link_to_them() {
        let bytes = sample();
        let parsed = read(&bytes);
        assert!(parsed.error.is_none(), "{:?}", parsed.error);
        let html = dicom_explorer(
            &parsed,
            &bytes,
            &DicomExplorerOptions {
                id: "t".into(),
                label: None,
            },
        );
        let regions = regions(&parsed);
        assert_eq!(
            html.matches("<button type=\"button\" class=\"dcm-r")
                .count(),
            regions.len()
        );
        assert!(html.contains("data-keyword=\"PatientName\""));
        assert!(
            html.contains("aria-label=\"(0010,0010) PN Patient&#39;s Name: [TEST^JANE]\"")
                || html.contains("data-name=\"Patient&#39;s Name\"")
        );
        // The tag bytes of the first element: 10 00 10 00, linked to row 0.
        assert!(
            html.contains(
                "data-kind=\"tag\" data-start=\"0\" data-len=\"4\" data-row=\"0\" tabindex=\"0\""
            ),
            "{html}"
        );
        assert!(html.contains(">10 00 10 00</button>"));
        assert!(html.contains(">50 4E</button>"), "the VR PN");
        assert_eq!(
            html.matches("tabindex=\"0\"").count(),
            2,
            "one in the tree, one in the bytes"
        );
    }

    #[test]
    fn plain_hex_marks_the_highlight_only() {
        let html = plain_hex(&[0x10, 0x00, 0x10, 0x00, b'P', b'N'], Some((4, 2)), "x");
        assert!(html.contains("10 00 10 00 <mark>50 4E</mark>"), "{html}");
        assert!(html.contains("......PN") || html.contains("PN"));
        assert!(html.contains("bytes 4–5"));
    }

    #[test]
    fn long_values_are_elided() {
        let mut ds = DataSet::new();
        ds.put_bytes(Tag(0x7FE0, 0x0010), Vr::OW, vec![7u8; 100_000]);
        let bytes = write_dataset(&ds, TransferSyntax::EXPLICIT_VR_LITTLE_ENDIAN);
        let parsed = read(&bytes);
        let html = dicom_explorer(&parsed, &bytes, &DicomExplorerOptions::default());
        assert!(html.contains("bytes not shown"));
        assert!(html.len() < 40_000, "{} bytes of markup", html.len());
    }
}
