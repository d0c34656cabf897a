//! dcmdump-style listings, as course authors write them in ```` ```dicom ````
//! blocks, read into a [`DataSet`] so that the bytes can be written and
//! explained.
//!
//! One element per line: `(gggg,eeee) VR [value]  # Keyword`. The comment
//! is optional and ignored (the dictionary names the element). Values:
//! - strings in brackets, multiple values split by `\`: `[ORIGINAL\PRIMARY]`;
//!   `[]` or no value is an empty value;
//! - numbers for US, SS, UL, SL, UV, SV, FL, FD (brackets optional): `512`,
//!   `1\2\3`;
//! - hex bytes for OB, UN (`00\01`) and 16-bit words for OW (`0000\0001`);
//! - tags for AT: `(0010,0010)`.
//!
//! `SQ` starts a sequence: the lines indented under it are its items. A line
//! `(FFFE,E000)` (anything after it is ignored) starts a new item
//! explicitly; without one, all indented lines form a single item. A first
//! line `# transfer syntax: implicit-le` (or `explicit-le`, `explicit-be`)
//! chooses the encoding of the bytes; Explicit VR Little Endian is the
//! default.

use super::object::{DataSet, ElementValue};
use super::tag::Tag;
use super::uid::TransferSyntax;
use super::vr::Vr;

/// A line of a listing that could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListingError {
    /// 1-based line number within the listing.
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for ListingError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// A listing read into a data set and the transfer syntax to write it in.
#[derive(Clone, Debug, PartialEq)]
pub struct Listing {
    pub dataset: DataSet,
    pub transfer_syntax: TransferSyntax,
}

struct Line<'a> {
    number: usize,
    indent: usize,
    tag: Tag,
    vr: Option<Vr>,
    rest: &'a str,
}

/// Reads a listing; every problem names its line.
pub fn parse_listing(text: &str) -> Result<Listing, ListingError> {
    let mut ts = TransferSyntax::EXPLICIT_VR_LITTLE_ENDIAN;
    let mut lines = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let number = i + 1;
        let trimmed = raw.trim_start();
        if trimmed.is_empty() {
            continue;
        }
        if let Some(comment) = trimmed.strip_prefix('#') {
            if let Some(choice) = comment.trim().strip_prefix("transfer syntax:") {
                ts = match choice.trim() {
                    "explicit-le" => TransferSyntax::EXPLICIT_VR_LITTLE_ENDIAN,
                    "implicit-le" => TransferSyntax::IMPLICIT_VR_LITTLE_ENDIAN,
                    "explicit-be" => TransferSyntax::EXPLICIT_VR_BIG_ENDIAN,
                    other => {
                        return Err(ListingError {
                            line: number,
                            message: format!(
                                "unknown transfer syntax `{other}`: use explicit-le, implicit-le or explicit-be"
                            ),
                        })
                    }
                };
            }
            continue;
        }
        lines.push(read_line(raw, number)?);
    }
    let mut pos = 0;
    let dataset = read_level(&lines, &mut pos, 0)?;
    Ok(Listing {
        dataset,
        transfer_syntax: ts,
    })
}

fn read_line(raw: &str, number: usize) -> Result<Line<'_>, ListingError> {
    let err = |message: String| ListingError {
        line: number,
        message,
    };
    let indent = raw.len() - raw.trim_start().len();
    let text = raw.trim_start();
    let close = text
        .find(')')
        .filter(|_| text.starts_with('('))
        .ok_or_else(|| err("expected a tag such as (0010,0010) at the start of the line".into()))?;
    let tag: Tag = text[..=close].parse().map_err(|_| {
        err(format!(
            "`{}` is not a tag such as (0010,0010)",
            &text[..=close]
        ))
    })?;
    let after = text[close + 1..].trim_start();
    // Drop a trailing comment (outside brackets).
    let after = match (after.find('['), after.find('#')) {
        (Some(b), Some(h)) if h < b => &after[..h],
        (None, Some(h)) => &after[..h],
        _ => match after.rfind(']') {
            Some(end) => &after[..=end],
            None => after,
        },
    }
    .trim();
    if tag.group() == 0xFFFE {
        return Ok(Line {
            number,
            indent,
            tag,
            vr: None,
            rest: "",
        });
    }
    let (vr_text, rest) = after.split_once(' ').unwrap_or((after, ""));
    let vr: Vr = vr_text
        .parse()
        .map_err(|_| err(format!("`{vr_text}` is not a VR such as PN, CS or SQ")))?;
    Ok(Line {
        number,
        indent,
        tag,
        vr: Some(vr),
        rest: rest.trim(),
    })
}

/// Reads the lines at `indent` (and deeper, as sequence items).
fn read_level(lines: &[Line<'_>], pos: &mut usize, indent: usize) -> Result<DataSet, ListingError> {
    let mut ds = DataSet::new();
    let mut last: Option<Tag> = None;
    while let Some(line) = lines.get(*pos) {
        if line.indent < indent {
            break;
        }
        if line.indent > indent {
            return Err(ListingError {
                line: line.number,
                message: "indented, but not under a sequence (SQ)".into(),
            });
        }
        let Some(vr) = line.vr else {
            // An item line at this level belongs to the caller.
            break;
        };
        if last.is_some_and(|t| t >= line.tag) {
            return Err(ListingError {
                line: line.number,
                message: format!(
                    "{} is out of order: tags must rise within a data set (PS3.5 7.1)",
                    line.tag
                ),
            });
        }
        last = Some(line.tag);
        *pos += 1;
        if vr == Vr::SQ {
            let items = read_items(lines, pos, indent)?;
            ds.put_seq(line.tag, items);
            continue;
        }
        let value = value(vr, line.rest).map_err(|message| ListingError {
            line: line.number,
            message,
        })?;
        ds.put(line.tag, vr, value);
    }
    Ok(ds)
}

fn read_items(
    lines: &[Line<'_>],
    pos: &mut usize,
    indent: usize,
) -> Result<Vec<DataSet>, ListingError> {
    let mut items = Vec::new();
    let Some(first) = lines.get(*pos).filter(|l| l.indent > indent) else {
        return Ok(items);
    };
    let inner = first.indent;
    loop {
        match lines.get(*pos) {
            Some(l) if l.indent == inner && l.vr.is_none() => {
                // An explicit item marker; its elements are indented further
                // or at the same depth.
                *pos += 1;
                let depth = lines.get(*pos).map(|n| n.indent).unwrap_or(inner);
                if depth < inner {
                    items.push(DataSet::new());
                    break;
                }
                items.push(read_level(lines, pos, depth)?);
            }
            Some(l) if l.indent == inner => items.push(read_level(lines, pos, inner)?),
            _ => break,
        }
        if lines.get(*pos).is_none_or(|l| l.indent < inner) {
            break;
        }
    }
    Ok(items)
}

fn inner(text: &str) -> &str {
    let t = text.trim();
    t.strip_prefix('[')
        .and_then(|t| t.strip_suffix(']'))
        .unwrap_or(t)
}

fn numbers<T: std::str::FromStr>(text: &str, what: &str) -> Result<Vec<T>, String> {
    let t = inner(text);
    if t.is_empty() {
        return Ok(Vec::new());
    }
    t.split('\\')
        .map(|v| v.trim().parse().map_err(|_| format!("`{v}` is not {what}")))
        .collect()
}

fn value(vr: Vr, text: &str) -> Result<ElementValue, String> {
    Ok(match vr {
        Vr::US => ElementValue::U16(numbers(text, "an unsigned 16-bit number")?),
        Vr::SS => ElementValue::I16(numbers(text, "a signed 16-bit number")?),
        Vr::UL => ElementValue::U32(numbers(text, "an unsigned 32-bit number")?),
        Vr::SL => ElementValue::I32(numbers(text, "a signed 32-bit number")?),
        Vr::UV => ElementValue::U64(numbers(text, "an unsigned 64-bit number")?),
        Vr::SV => ElementValue::I64(numbers(text, "a signed 64-bit number")?),
        Vr::FL | Vr::OF => ElementValue::F32(numbers(text, "a number")?),
        Vr::FD | Vr::OD => ElementValue::F64(numbers(text, "a number")?),
        Vr::OW => {
            let t = inner(text);
            let words: Result<Vec<u16>, String> = if t.is_empty() {
                Ok(Vec::new())
            } else {
                t.split('\\')
                    .map(|w| {
                        u16::from_str_radix(w.trim(), 16)
                            .map_err(|_| format!("`{w}` is not a hex word such as 0001"))
                    })
                    .collect()
            };
            ElementValue::U16(words?)
        }
        Vr::OB | Vr::UN | Vr::OL | Vr::OV => {
            let t = inner(text);
            let bytes: Result<Vec<u8>, String> = if t.is_empty() {
                Ok(Vec::new())
            } else {
                t.split('\\')
                    .map(|b| {
                        u8::from_str_radix(b.trim(), 16)
                            .map_err(|_| format!("`{b}` is not a hex byte such as 0A"))
                    })
                    .collect()
            };
            ElementValue::Bytes(bytes?)
        }
        Vr::AT => {
            let t = inner(text);
            let tags: Result<Vec<Tag>, String> = if t.is_empty() {
                Ok(Vec::new())
            } else {
                t.split('\\')
                    .map(|v| {
                        v.trim()
                            .parse()
                            .map_err(|_| format!("`{v}` is not a tag such as (0010,0010)"))
                    })
                    .collect()
            };
            ElementValue::Tags(tags?)
        }
        Vr::SQ => ElementValue::Sequence(Vec::new()),
        _ => {
            let t = inner(text);
            if t.is_empty() {
                ElementValue::Str(Vec::new())
            } else if vr.is_single_valued_text() {
                ElementValue::Str(vec![t.to_string()])
            } else {
                ElementValue::Str(t.split('\\').map(str::to_string).collect())
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dicom::{read, write_dataset};

    #[test]
    fn a_worklist_listing_with_a_sequence_round_trips_through_bytes() {
        let text = "(0008,0050) SH [NGH25004217]  # AccessionNumber\n\
                    (0010,0010) PN [HUGHES^MEGAN]  # PatientName\n\
                    (0028,0010) US 512\n\
                    (0040,0100) SQ  # ScheduledProcedureStepSequence\n\
                    \x20 (0008,0060) CS [CT]  # Modality\n\
                    \x20 (0040,0001) AE [NGHCT2]\n\
                    (0040,1001) SH [RP1]\n";
        let listing = parse_listing(text).expect("reads");
        let bytes = write_dataset(&listing.dataset, listing.transfer_syntax);
        let parsed = read(&bytes);
        assert!(parsed.error.is_none(), "{:?}", parsed.error);
        assert_eq!(parsed.text(Tag(0x0010, 0x0010)), Some("HUGHES^MEGAN"));
        let seq = parsed.get(Tag(0x0040, 0x0100)).expect("sequence");
        assert_eq!(seq.items.len(), 1);
        assert_eq!(seq.items[0].elements.len(), 2);
        assert!(
            parsed.get(Tag(0x0040, 0x1001)).is_some(),
            "back at the top level"
        );
    }

    #[test]
    fn explicit_items_and_transfer_syntax_directive() {
        let text = "# transfer syntax: implicit-le\n(0008,1115) SQ\n  (FFFE,E000) na\n    (0020,000E) UI [1.2.3]\n  (FFFE,E000) na\n    (0020,000E) UI [1.2.4]\n";
        let listing = parse_listing(text).expect("reads");
        assert_eq!(
            listing.transfer_syntax,
            TransferSyntax::IMPLICIT_VR_LITTLE_ENDIAN
        );
        assert_eq!(
            listing
                .dataset
                .get_seq(Tag(0x0008, 0x1115))
                .map(|s| s.len()),
            Some(2)
        );
    }

    #[test]
    fn problems_name_their_line() {
        let e = parse_listing("(0010,0010) PN [A]\n(0010,0020) XX [B]").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.message.contains("XX"));
        let e = parse_listing("(0010,0020) LO [B]\n(0010,0010) PN [A]").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.message.contains("out of order"));
        let e = parse_listing("(0028,0010) US [big]").unwrap_err();
        assert_eq!((e.line, e.message.contains("big")), (1, true));
        let e = parse_listing("0010,0010 PN").unwrap_err();
        assert_eq!(e.line, 1);
    }

    #[test]
    fn every_dicom_block_in_the_course_reads() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
        let mut blocks = 0;
        for level in ["foundation", "intermediate"] {
            for entry in std::fs::read_dir(root.join(level)).expect("content") {
                let path = entry.expect("entry").path();
                let text = std::fs::read_to_string(&path).expect("read");
                for block in text.split("```dicom\n").skip(1) {
                    let body = block.split("```").next().unwrap_or("");
                    blocks += 1;
                    if let Err(e) = parse_listing(body) {
                        panic!("{}: {e}", path.display());
                    }
                }
            }
        }
        assert!(blocks >= 10, "{blocks} blocks");
    }
}
