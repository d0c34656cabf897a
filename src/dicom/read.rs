//! Reads DICOM Part 10 files (PS3.10 section 7) and bare data sets
//! (PS3.5 section 7) into [`Parsed`]: every element with the byte spans of
//! its tag, VR, reserved bytes, length and value, decoded for display.
//!
//! - Part 10: a 128-byte preamble, `DICM`, the file meta group (0002,xxxx)
//!   in explicit VR little endian, then the data set in the transfer syntax
//!   named by Transfer Syntax UID (0002,0010).
//! - Bare data sets, with or without a leading group 0002: the encoding is
//!   inferred from the first element when not named, and
//!   [`Parsed::transfer_syntax_inferred`] says so.
//! - Implicit VR little endian, explicit VR little and big endian, and every
//!   encapsulated syntax (pixel data fragments are listed, never decoded).
//!   A deflated data set is reported as not supported, at its offset.
//! - Sequences and items of defined and undefined length, nested; UN of
//!   undefined length is read as a sequence in implicit VR little endian
//!   (PS3.5 section 6.2.2).
//!
//! Reading never panics. A truncated or malformed input gives everything
//! read before the fault plus a [`ReadError`] saying where and why.
//!
//! ```
//! use pacs_academy::dicom::{read_dataset, Tag, TransferSyntax, Value};
//!
//! // (0010,0010) PN "Doe^Jane" in explicit VR little endian.
//! let bytes = b"\x10\x00\x10\x00PN\x08\x00Doe^Jane";
//! let parsed = read_dataset(bytes, TransferSyntax::EXPLICIT_VR_LITTLE_ENDIAN);
//! assert!(parsed.error.is_none());
//! let name = &parsed.dataset[0];
//! assert_eq!(name.tag, Tag::PATIENT_NAME);
//! assert_eq!(name.value, Value::Text { values: vec!["Doe^Jane".into()], note: None });
//! assert_eq!(name.length_explanation(), "length bytes 08 00 read as 2-byte little endian = 8 (0x0008)");
//! ```

use std::fmt;

use serde::{Deserialize, Serialize};

use super::charset::Charset;
use super::dictionary::{attribute, private_tag, PrivateTag};
use super::element::{
    Delimiter, Element, ElementRef, Fragment, Item, Length, LengthEncoding, Part, Span, VrSource,
};
use super::tag::Tag;
use super::uid::TransferSyntax;
use super::value::{decode_binary, decode_text, Value};
use super::vr::Vr;

/// Sequences nested deeper than this are refused (a guard against inputs
/// built to exhaust the stack).
pub const MAX_DEPTH: usize = 64;

/// Reading stops after this many elements, items and fragments in all, with
/// a [`ReadError`] at the next one: each costs a few hundred bytes of
/// memory however small its encoding, so a 50 MB input of tiny elements
/// stays within a few hundred megabytes. Real files hold far fewer (a large
/// RT Structure Set or SR document has some tens of thousands).
pub const MAX_ELEMENTS: usize = 500_000;

/// Where and why reading stopped.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadError {
    /// Byte offset of the fault in the input.
    pub offset: usize,
    /// What is wrong, in plain words.
    pub message: String,
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "offset 0x{:08X} ({}): {}",
            self.offset, self.offset, self.message
        )
    }
}

impl std::error::Error for ReadError {}

/// The result of reading: what was read, and the error that stopped it, if
/// any.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Parsed {
    /// Length of the input in bytes.
    pub len: usize,
    /// The 128-byte preamble of a Part 10 file.
    pub preamble: Option<Span>,
    /// The 4 bytes `DICM`.
    pub magic: Option<Span>,
    /// The file meta information (group 0002), always explicit VR little
    /// endian.
    pub meta: Vec<Element>,
    /// Where the data set starts.
    pub dataset_offset: usize,
    /// The data set's elements, in file order.
    pub dataset: Vec<Element>,
    /// The transfer syntax the data set was read with.
    pub transfer_syntax: TransferSyntax,
    /// Transfer Syntax UID (0002,0010) as written, if present.
    pub transfer_syntax_uid: Option<String>,
    /// True if the transfer syntax was not named (or not known) and was
    /// inferred from the first bytes of the data set; `notes` says how.
    pub transfer_syntax_inferred: bool,
    /// Remarks for the reader: inferences, oddities tolerated.
    pub notes: Vec<String>,
    /// The fault that stopped reading; everything before it is above.
    pub error: Option<ReadError>,
}

impl Parsed {
    fn new(len: usize) -> Parsed {
        Parsed {
            len,
            preamble: None,
            magic: None,
            meta: Vec::new(),
            dataset_offset: 0,
            dataset: Vec::new(),
            transfer_syntax: TransferSyntax::EXPLICIT_VR_LITTLE_ENDIAN,
            transfer_syntax_uid: None,
            transfer_syntax_inferred: false,
            notes: Vec::new(),
            error: None,
        }
    }

    /// The element an [`ElementRef`] names, or `None` if the path does not
    /// lead to one.
    pub fn element(&self, r: &ElementRef) -> Option<&Element> {
        let list = match r.part {
            Part::Meta => &self.meta,
            Part::Dataset => &self.dataset,
        };
        let (&first, rest) = r.path.split_first()?;
        let mut el = list.get(first)?;
        for pair in rest.chunks(2) {
            let [item, index] = pair else { return None };
            el = el.items.get(*item)?.elements.get(*index)?;
        }
        Some(el)
    }

    /// The innermost element whose bytes include `offset`, or `None`
    /// (preamble, magic, unparsed bytes, outside the input).
    pub fn element_at(&self, offset: usize) -> Option<ElementRef> {
        fn find(list: &[Element], offset: usize, path: &mut Vec<usize>) -> bool {
            // Elements are in file order: binary search on their start.
            let i = list.partition_point(|e| e.span.offset <= offset);
            let Some(i) = i.checked_sub(1) else {
                return false;
            };
            let Some(el) = list.get(i) else { return false };
            if !el.span.contains(offset) {
                return false;
            }
            path.push(i);
            for (n, item) in el.items.iter().enumerate() {
                if item.value_span.contains(offset) {
                    path.push(n);
                    if find(&item.elements, offset, path) {
                        return true;
                    }
                    path.pop();
                }
            }
            true
        }
        for (part, list) in [(Part::Meta, &self.meta), (Part::Dataset, &self.dataset)] {
            let mut path = Vec::new();
            if find(list, offset, &mut path) {
                return Some(ElementRef { part, path });
            }
        }
        None
    }

    /// The first top-level element (meta group or data set) with this tag.
    pub fn get(&self, tag: Tag) -> Option<&Element> {
        let list = if tag.group() == 0x0002 {
            &self.meta
        } else {
            &self.dataset
        };
        list.iter().find(|e| e.tag == tag)
    }

    /// The first text value of a top-level element, e.g. the SOP Class UID.
    pub fn text(&self, tag: Tag) -> Option<&str> {
        match &self.get(tag)?.value {
            Value::Text { values, .. } => values.first().map(String::as_str),
            _ => None,
        }
    }
}

/// Reads a Part 10 file or a bare data set, telling them apart by the
/// `DICM` magic at offset 128 (or, without a preamble, at offset 0) and by
/// a leading group 0002.
pub fn read(bytes: &[u8]) -> Parsed {
    let mut parsed = Parsed::new(bytes.len());
    let r = Reader::new(bytes);
    let mut pos = 0;
    if bytes.get(128..132) == Some(b"DICM") {
        parsed.preamble = Some(Span {
            offset: 0,
            len: 128,
        });
        parsed.magic = Some(Span {
            offset: 128,
            len: 4,
        });
        pos = 132;
    } else if bytes.get(..4) == Some(b"DICM") {
        parsed.magic = Some(Span { offset: 0, len: 4 });
        parsed
            .notes
            .push("`DICM` at offset 0 with no 128-byte preamble before it (PS3.10 section 7.1 requires one)".into());
        pos = 4;
    }

    if parsed.magic.is_some() || r.u16(pos, false) == Some(0x0002) {
        let explicit = r.vr_at(pos + 4).is_some();
        if !explicit {
            parsed.notes.push(
                "the file meta group is not in explicit VR (PS3.10 section 7.1 requires explicit VR little endian); read as implicit VR".into(),
            );
        }
        let enc = Enc {
            explicit,
            big: false,
        };
        let mut scope = Scope::top(bytes.len());
        scope.meta_only = true;
        if let Err(e) = r.elements(&mut pos, enc, &mut scope, &mut parsed.meta) {
            parsed.dataset_offset = pos;
            parsed.error = Some(e);
            return parsed;
        }
        if let Some(declared) = meta_end(&parsed.meta) {
            if declared > bytes.len() {
                parsed.dataset_offset = pos;
                parsed.error = Some(fail(
                    pos,
                    format!(
                        "the input ends inside the file meta group: its group length (0002,0000) says it runs to offset 0x{declared:08X} ({declared}), but the input is {} bytes",
                        bytes.len()
                    ),
                ));
                return parsed;
            }
            if declared != pos {
                parsed.notes.push(format!(
                    "the file meta group length (0002,0000) says the group ends at offset {declared}, but its elements end at {pos}"
                ));
            }
        }
        if parsed.meta.is_empty() && parsed.magic.is_some() {
            parsed
                .notes
                .push("no file meta group (0002,xxxx) after `DICM`".into());
        }
    } else {
        parsed
            .notes
            .push("no preamble and `DICM`: read as a bare data set (not a PS3.10 file)".into());
    }
    parsed.dataset_offset = pos;

    let uid = parsed
        .meta
        .iter()
        .find(|e| e.tag == Tag::TRANSFER_SYNTAX_UID);
    let uid = uid.and_then(|e| match &e.value {
        Value::Text { values, .. } => values.first().cloned(),
        _ => None,
    });
    let known = uid.as_deref().and_then(TransferSyntax::from_uid);
    let ts = match (&uid, known) {
        (_, Some(ts)) => ts,
        (Some(uid), None) => {
            let (ts, how) = guess(bytes, pos);
            parsed.transfer_syntax_inferred = true;
            parsed.notes.push(format!(
                "transfer syntax UID `{uid}` is not a registered transfer syntax; {how}"
            ));
            ts
        }
        (None, None) => {
            let (ts, how) = guess(bytes, pos);
            parsed.transfer_syntax_inferred = true;
            parsed
                .notes
                .push(format!("no Transfer Syntax UID (0002,0010); {how}"));
            ts
        }
    };
    let ts = match (parsed.transfer_syntax_inferred, mismatch(bytes, pos, ts)) {
        (false, Some((actual, why))) => {
            parsed.transfer_syntax_inferred = true;
            parsed.notes.push(why);
            actual
        }
        _ => ts,
    };
    parsed.transfer_syntax_uid = uid;
    parsed.transfer_syntax = ts;
    if ts.deflated {
        if pos < bytes.len() {
            parsed.error = Some(ReadError {
                offset: pos,
                message: format!(
                    "the data set is deflated ({}, {}); inflating it is not supported here, so only the file meta group is shown",
                    ts.name(),
                    ts.uid
                ),
            });
        }
        return parsed;
    }
    read_rest(&r, pos, ts, &mut parsed);
    parsed
}

/// Reads all of `bytes` as a data set in the transfer syntax `ts`, with no
/// preamble, magic or meta group detection. A deflated syntax is reported
/// as not supported.
pub fn read_dataset(bytes: &[u8], ts: TransferSyntax) -> Parsed {
    let mut parsed = Parsed::new(bytes.len());
    parsed.transfer_syntax = ts;
    let r = Reader::new(bytes);
    if ts.deflated {
        if !bytes.is_empty() {
            parsed.error = Some(ReadError {
                offset: 0,
                message: format!(
                    "the data set is deflated ({}); inflating it is not supported here",
                    ts.uid
                ),
            });
        }
        return parsed;
    }
    read_rest(&r, 0, ts, &mut parsed);
    parsed
}

fn read_rest(r: &Reader<'_>, mut pos: usize, ts: TransferSyntax, parsed: &mut Parsed) {
    let enc = Enc {
        explicit: ts.explicit_vr,
        big: ts.big_endian,
    };
    let mut scope = Scope::top(r.b.len());
    if let Err(e) = r.elements(&mut pos, enc, &mut scope, &mut parsed.dataset) {
        parsed.error = Some(e);
    }
}

/// Where the file meta group length (0002,0000), if present, says the
/// group ends.
fn meta_end(meta: &[Element]) -> Option<usize> {
    let gl = meta.iter().find(|e| e.tag == Tag::FILE_META_GROUP_LENGTH)?;
    match &gl.value {
        Value::Unsigned { values, .. } => {
            let n = usize::try_from(*values.first()?).ok()?;
            gl.span.end().checked_add(n)
        }
        _ => None,
    }
}

/// Checks the first data set element against the VR mode of the named
/// transfer syntax; if it plainly does not match (no VR where one must be,
/// or a VR and a plausible short length where none may be), returns the
/// syntax to read with instead and why.
fn mismatch(bytes: &[u8], pos: usize, ts: TransferSyntax) -> Option<(TransferSyntax, String)> {
    if ts.deflated || bytes.len() < pos + 8 {
        return None;
    }
    let r = Reader::new(bytes);
    let vr = r.vr_at(pos + 4);
    match (ts.explicit_vr, vr) {
        (true, None) => {
            let actual = TransferSyntax {
                explicit_vr: false,
                big_endian: false,
                ..ts
            };
            Some((
                actual,
                format!(
                    "the transfer syntax {} is explicit VR, but bytes 4-5 of the first data set element are not a VR: the data set is read as implicit VR little endian",
                    ts.uid
                ),
            ))
        }
        (false, Some(vr)) if !vr.explicit_long_length() => {
            // The bytes could still be the low half of an implicit VR length
            // (0x4141 or more): go explicit only if that reading leads to a
            // sensible next element (a larger tag, or the end) and the
            // implicit one does not.
            let here = r.tag(pos, false)?;
            let sensible =
                |next: usize| next == bytes.len() || r.tag(next, false).is_some_and(|t| t > here);
            let explicit_next = pos + 8 + usize::from(r.u16(pos + 6, false)?);
            let implicit_next = (pos + 8).checked_add(r.u32(pos + 4, false)? as usize)?;
            if !sensible(explicit_next) || sensible(implicit_next) {
                return None;
            }
            let actual = TransferSyntax {
                explicit_vr: true,
                ..ts
            };
            Some((
                actual,
                format!(
                    "the transfer syntax {} is implicit VR, but the first data set element carries the VR {vr}: the data set is read as explicit VR little endian",
                    ts.uid
                ),
            ))
        }
        _ => None,
    }
}

/// Infers the encoding of a data set from its first element: explicit VR if
/// bytes 4-5 are a VR code; big endian if the group reads smaller that way.
fn guess(bytes: &[u8], pos: usize) -> (TransferSyntax, String) {
    let r = Reader::new(bytes);
    let (Some(le), Some(be)) = (r.u16(pos, false), r.u16(pos, true)) else {
        return (
            TransferSyntax::IMPLICIT_VR_LITTLE_ENDIAN,
            "too few bytes to tell the encoding: assumed implicit VR little endian".into(),
        );
    };
    let big = be < le;
    match r.vr_at(pos + 4) {
        Some(vr) if big => (
            TransferSyntax::EXPLICIT_VR_BIG_ENDIAN,
            format!("explicit VR big endian inferred: bytes 4-5 of the first element are the VR {vr}, and its group reads {be:04X} in big endian ({le:04X} in little endian)"),
        ),
        Some(vr) => (
            TransferSyntax::EXPLICIT_VR_LITTLE_ENDIAN,
            format!("explicit VR little endian inferred: bytes 4-5 of the first element are the VR {vr}, and its group reads {le:04X} in little endian"),
        ),
        None => (
            TransferSyntax::IMPLICIT_VR_LITTLE_ENDIAN,
            if big {
                format!("implicit VR little endian assumed: bytes 4-5 of the first element are not a VR (implicit VR big endian does not exist, although the group reads {be:04X} in big endian)")
            } else {
                format!("implicit VR little endian inferred: bytes 4-5 of the first element are not a VR, and its group reads {le:04X} in little endian")
            },
        ),
    }
}

/// How the elements being read are encoded.
#[derive(Clone, Copy, Debug)]
struct Enc {
    explicit: bool,
    big: bool,
}

/// The state of one data set (the top level or an item).
#[derive(Clone, Debug)]
struct Scope {
    /// Elements must end by here (end of input, of a defined-length item or
    /// sequence).
    limit: usize,
    /// An item of undefined length: ends at an Item Delimitation Item.
    until_delimiter: bool,
    /// Stop at the first element outside group 0002.
    meta_only: bool,
    depth: usize,
    charset: Charset,
    pixel_representation: Option<u16>,
}

impl Scope {
    fn top(len: usize) -> Scope {
        Scope {
            limit: len,
            until_delimiter: false,
            meta_only: false,
            depth: 0,
            charset: Charset::Default,
            pixel_representation: None,
        }
    }

    fn child(&self, limit: usize, until_delimiter: bool) -> Scope {
        Scope {
            limit,
            until_delimiter,
            meta_only: false,
            depth: self.depth + 1,
            charset: self.charset.clone(),
            pixel_representation: self.pixel_representation,
        }
    }

    /// Describes where the scope ends, for error messages.
    fn end_text(&self, total: usize) -> String {
        if self.limit >= total {
            format!("the end of the input ({total} bytes)")
        } else {
            format!(
                "the end of the enclosing item or sequence at offset 0x{:08X} ({})",
                self.limit, self.limit
            )
        }
    }
}

/// How a list of elements ended.
enum Stop {
    /// The scope's limit was reached (or the meta group ended).
    End,
    /// An Item Delimitation Item was read.
    Delimiter(Delimiter),
}

struct Reader<'a> {
    b: &'a [u8],
    /// Elements, items and fragments read so far, against [`MAX_ELEMENTS`].
    count: std::cell::Cell<usize>,
}

fn fail(offset: usize, message: impl Into<String>) -> ReadError {
    ReadError {
        offset,
        message: message.into(),
    }
}

impl<'a> Reader<'a> {
    fn new(b: &'a [u8]) -> Reader<'a> {
        Reader {
            b,
            count: std::cell::Cell::new(0),
        }
    }

    /// Counts one more element, item or fragment starting at `pos`, and
    /// stops reading past [`MAX_ELEMENTS`].
    fn tick(&self, pos: usize) -> Result<(), ReadError> {
        let n = self.count.get() + 1;
        self.count.set(n);
        if n > MAX_ELEMENTS {
            return Err(fail(
                pos,
                format!(
                    "more than {MAX_ELEMENTS} elements, items and fragments; reading stops here to keep memory bounded"
                ),
            ));
        }
        Ok(())
    }

    fn u16(&self, pos: usize, big: bool) -> Option<u16> {
        let s = self.b.get(pos..pos.checked_add(2)?)?;
        let a = [s[0], s[1]];
        Some(if big {
            u16::from_be_bytes(a)
        } else {
            u16::from_le_bytes(a)
        })
    }

    fn u32(&self, pos: usize, big: bool) -> Option<u32> {
        let s = self.b.get(pos..pos.checked_add(4)?)?;
        let a = [s[0], s[1], s[2], s[3]];
        Some(if big {
            u32::from_be_bytes(a)
        } else {
            u32::from_le_bytes(a)
        })
    }

    fn tag(&self, pos: usize, big: bool) -> Option<Tag> {
        Some(Tag(self.u16(pos, big)?, self.u16(pos + 2, big)?))
    }

    fn vr_at(&self, pos: usize) -> Option<Vr> {
        let s = self.b.get(pos..pos.checked_add(2)?)?;
        Vr::from_bytes([s[0], s[1]])
    }

    /// Reads elements into `out` until the scope ends. On a fault, `out`
    /// keeps what was read (including a partly read sequence) and the error
    /// is returned.
    fn elements(
        &self,
        pos: &mut usize,
        enc: Enc,
        scope: &mut Scope,
        out: &mut Vec<Element>,
    ) -> Result<Stop, ReadError> {
        loop {
            let left = scope.limit.saturating_sub(*pos);
            if left == 0 {
                if scope.until_delimiter {
                    return Err(fail(
                        *pos,
                        format!(
                            "an item of undefined length runs to {} without an Item Delimitation Item (FFFE,E00D)",
                            scope.end_text(self.b.len())
                        ),
                    ));
                }
                return Ok(Stop::End);
            }
            if left < 4 {
                return Err(fail(
                    *pos,
                    format!(
                        "{left} byte(s) left before {}: too few for a tag (4 bytes)",
                        scope.end_text(self.b.len())
                    ),
                ));
            }
            let tag = self
                .tag(*pos, enc.big)
                .ok_or_else(|| fail(*pos, "tag past the end of the input"))?;
            if scope.meta_only && tag.group() != 0x0002 {
                return Ok(Stop::End);
            }
            if tag.is_delimiter_group() {
                if tag == Tag::ITEM_DELIMITATION && scope.until_delimiter {
                    let d = self.delimiter(*pos, enc.big, scope.limit)?;
                    *pos = d.length_span.end();
                    return Ok(Stop::Delimiter(d));
                }
                let what = match tag {
                    Tag::ITEM => "an Item tag (FFFE,E000)",
                    Tag::ITEM_DELIMITATION => "an Item Delimitation Item (FFFE,E00D)",
                    Tag::SEQUENCE_DELIMITATION => "a Sequence Delimitation Item (FFFE,E0DD)",
                    _ => "a tag of group FFFE",
                };
                let context = if scope.depth == 0 {
                    "at the top level of the data set"
                } else {
                    "among the elements of an item"
                };
                return Err(fail(
                    *pos,
                    format!("found {what} {context}, where a data element was expected"),
                ));
            }
            self.tick(*pos)?;
            match self.element(pos, tag, enc, scope) {
                Ok(el) => {
                    self.note_context(&el, scope);
                    out.push(el);
                }
                Err((partial, e)) => {
                    if let Some(el) = partial {
                        out.push(*el);
                    }
                    return Err(e);
                }
            }
        }
    }

    /// Updates the scope from Specific Character Set and Pixel
    /// Representation, which later elements depend on.
    fn note_context(&self, el: &Element, scope: &mut Scope) {
        if el.tag == Tag::SPECIFIC_CHARACTER_SET {
            if let Value::Text { values, .. } = &el.value {
                scope.charset = Charset::from_values(values);
            } else if el.value == Value::Empty {
                scope.charset = Charset::Default;
            }
        } else if el.tag == Tag(0x0028, 0x0103) {
            if let Value::Unsigned { values, .. } = &el.value {
                scope.pixel_representation = values.first().map(|&v| v as u16);
            }
        }
    }

    fn delimiter(&self, pos: usize, big: bool, limit: usize) -> Result<Delimiter, ReadError> {
        if limit.saturating_sub(pos) < 8 {
            return Err(fail(
                pos,
                "a delimitation item needs 8 bytes (tag and length) but the input ends first",
            ));
        }
        let length = self
            .u32(pos + 4, big)
            .ok_or_else(|| fail(pos + 4, "delimiter length past the end"))?;
        Ok(Delimiter {
            tag_span: Span {
                offset: pos,
                len: 4,
            },
            length_span: Span {
                offset: pos + 4,
                len: 4,
            },
            length,
        })
    }

    /// Reads one element starting at `*pos` (its tag already peeked). On
    /// a fault inside a sequence or pixel data, the partly read element
    /// comes back with the error.
    #[allow(clippy::type_complexity)]
    fn element(
        &self,
        pos: &mut usize,
        tag: Tag,
        enc: Enc,
        scope: &Scope,
    ) -> Result<Element, (Option<Box<Element>>, ReadError)> {
        let start = *pos;
        let left = scope.limit.saturating_sub(start);
        let total = self.b.len();
        let short = |need: usize| {
            (
                None,
                fail(
                    start,
                    format!(
                        "element {tag} needs {need} bytes for its header but only {left} are left before {}",
                        scope.end_text(total)
                    ),
                ),
            )
        };
        if left < 8 {
            return Err(short(8));
        }
        let tag_span = Span {
            offset: start,
            len: 4,
        };
        let (vr, vr_source, vr_span, reserved_span, length_span, raw_len) = if enc.explicit {
            let Some(vr) = self.vr_at(start + 4) else {
                let a = self.b.get(start + 4).copied().unwrap_or(0);
                let b = self.b.get(start + 5).copied().unwrap_or(0);
                return Err((
                    None,
                    fail(
                        start + 4,
                        format!(
                            "element {tag}: bytes {a:02X} {b:02X} ({}) where the VR belongs are not a VR defined by PS3.5 (explicit VR {} endian)",
                            printable(&[a, b]),
                            if enc.big { "big" } else { "little" }
                        ),
                    ),
                ));
            };
            let vr_span = Some(Span {
                offset: start + 4,
                len: 2,
            });
            if vr.explicit_long_length() {
                if left < 12 {
                    return Err(short(12));
                }
                let raw = self.u32(start + 8, enc.big).unwrap_or(0);
                (
                    vr,
                    VrSource::Explicit,
                    vr_span,
                    Some(Span {
                        offset: start + 6,
                        len: 2,
                    }),
                    Span {
                        offset: start + 8,
                        len: 4,
                    },
                    raw,
                )
            } else {
                let raw = u32::from(self.u16(start + 6, enc.big).unwrap_or(0));
                (
                    vr,
                    VrSource::Explicit,
                    vr_span,
                    None,
                    Span {
                        offset: start + 6,
                        len: 2,
                    },
                    raw,
                )
            }
        } else {
            let raw = self.u32(start + 4, enc.big).unwrap_or(0);
            let (vr, source) = implicit_vr(tag, raw == u32::MAX, raw, scope);
            (
                vr,
                source,
                None,
                None,
                Span {
                    offset: start + 4,
                    len: 4,
                },
                raw,
            )
        };
        let length_encoding = LengthEncoding {
            size: length_span.len as u8,
            big_endian: enc.big,
        };
        let length = if length_span.len == 4 && raw_len == u32::MAX {
            Length::Undefined
        } else {
            Length::Defined(raw_len)
        };
        let value_start = length_span.end();
        let mut el = Element {
            tag,
            vr,
            vr_explicit: enc.explicit,
            vr_source,
            span: Span::between(start, value_start),
            tag_span,
            vr_span,
            reserved_span,
            length_span,
            length,
            length_encoding,
            value_span: Span {
                offset: value_start,
                len: 0,
            },
            value: Value::Empty,
            items: Vec::new(),
            fragments: Vec::new(),
            sequence_delimiter: None,
            big_endian: enc.big,
        };

        match length {
            Length::Defined(n) => {
                let end = value_start
                    .checked_add(n as usize)
                    .filter(|&end| end <= scope.limit);
                let Some(end) = end else {
                    return Err((
                        None,
                        fail(
                            length_span.offset,
                            format!(
                                "element {tag} {vr}: value length {n} runs past {}",
                                scope.end_text(total)
                            ),
                        ),
                    ));
                };
                *pos = value_start;
                if vr == Vr::SQ {
                    let mut child = scope.child(end, false);
                    let result = self.items(pos, enc, &mut child, Some(end), &mut el.items);
                    el.value = Value::Sequence {
                        items: el.items.len(),
                    };
                    el.value_span = Span::between(value_start, *pos);
                    el.span = Span::between(start, *pos);
                    if let Err(e) = result {
                        return Err((Some(Box::new(el)), e));
                    }
                } else {
                    let raw = self.b.get(value_start..end).unwrap_or(&[]);
                    el.value = if vr.is_string() {
                        decode_text(raw, vr, &scope.charset)
                    } else {
                        let bulk = matches!(
                            tag,
                            Tag::PIXEL_DATA | Tag::FLOAT_PIXEL_DATA | Tag::DOUBLE_FLOAT_PIXEL_DATA
                        );
                        decode_binary(raw, vr, enc.big, bulk)
                    };
                    el.value_span = Span::between(value_start, end);
                    el.span = Span::between(start, end);
                    *pos = end;
                }
                Ok(el)
            }
            Length::Undefined => {
                *pos = value_start;
                let (result, seq) = if vr == Vr::SQ || vr == Vr::UN {
                    // PS3.5 6.2.2: UN of undefined length holds a sequence in
                    // implicit VR little endian.
                    let item_enc = if vr == Vr::UN {
                        Enc {
                            explicit: false,
                            big: false,
                        }
                    } else {
                        enc
                    };
                    let mut child = scope.child(scope.limit, false);
                    let r = self.items(pos, item_enc, &mut child, None, &mut el.items);
                    (r, true)
                } else if matches!(vr, Vr::OB | Vr::OW) || tag == Tag::PIXEL_DATA {
                    (
                        self.fragments(pos, enc.big, scope, &mut el.fragments),
                        false,
                    )
                } else {
                    return Err((
                        None,
                        fail(
                            length_span.offset,
                            format!("element {tag} {vr}: undefined length (FFFFFFFFH) is allowed only for SQ, UN and encapsulated pixel data (PS3.5 section 7.1)"),
                        ),
                    ));
                };
                el.value = if seq {
                    Value::Sequence {
                        items: el.items.len(),
                    }
                } else {
                    Value::Fragments {
                        count: el.fragments.len(),
                    }
                };
                match result {
                    Ok(d) => {
                        let value_end = d.map_or(*pos, |d| d.tag_span.offset);
                        el.value_span = Span::between(value_start, value_end);
                        el.sequence_delimiter = d;
                        el.span = Span::between(start, *pos);
                        Ok(el)
                    }
                    Err(e) => {
                        el.value_span = Span::between(value_start, *pos);
                        el.span = Span::between(start, *pos);
                        Err((Some(Box::new(el)), e))
                    }
                }
            }
        }
    }

    /// Reads the items of a sequence: up to `defined_end`, or (undefined
    /// length) up to and including a Sequence Delimitation Item, which is
    /// returned.
    fn items(
        &self,
        pos: &mut usize,
        enc: Enc,
        scope: &mut Scope,
        defined_end: Option<usize>,
        out: &mut Vec<Item>,
    ) -> Result<Option<Delimiter>, ReadError> {
        if scope.depth > MAX_DEPTH {
            return Err(fail(
                *pos,
                format!(
                    "sequences are nested more than {MAX_DEPTH} levels deep; reading stops here"
                ),
            ));
        }
        let total = self.b.len();
        loop {
            let left = scope.limit.saturating_sub(*pos);
            if left == 0 {
                if defined_end.is_some() {
                    return Ok(None);
                }
                return Err(fail(
                    *pos,
                    format!(
                        "a sequence of undefined length runs to {} without a Sequence Delimitation Item (FFFE,E0DD)",
                        scope.end_text(total)
                    ),
                ));
            }
            if left < 8 {
                return Err(fail(
                    *pos,
                    format!("{left} byte(s) left in the sequence: too few for an item tag and length (8 bytes)"),
                ));
            }
            let start = *pos;
            let tag = self.tag(start, enc.big).unwrap_or(Tag(0, 0));
            let raw = self.u32(start + 4, enc.big).unwrap_or(0);
            let tag_span = Span {
                offset: start,
                len: 4,
            };
            let length_span = Span {
                offset: start + 4,
                len: 4,
            };
            if tag == Tag::SEQUENCE_DELIMITATION && defined_end.is_none() {
                *pos = start + 8;
                return Ok(Some(Delimiter {
                    tag_span,
                    length_span,
                    length: raw,
                }));
            }
            if tag != Tag::ITEM {
                let expected = if defined_end.is_some() {
                    "an Item tag (FFFE,E000)"
                } else {
                    "an Item tag (FFFE,E000) or a Sequence Delimitation Item (FFFE,E0DD)"
                };
                return Err(fail(
                    start,
                    format!("expected {expected} in a sequence, found {tag}"),
                ));
            }
            self.tick(start)?;
            let value_start = start + 8;
            let mut item = Item {
                span: Span::between(start, value_start),
                tag_span,
                length_span,
                length: Length::Undefined,
                value_span: Span {
                    offset: value_start,
                    len: 0,
                },
                elements: Vec::new(),
                delimiter: None,
            };
            *pos = value_start;
            let result = if raw == u32::MAX {
                let mut child = scope.child(scope.limit, true);
                child.depth = scope.depth;
                self.elements(pos, enc, &mut child, &mut item.elements)
            } else {
                item.length = Length::Defined(raw);
                let end = value_start.checked_add(raw as usize);
                let overrun = end.is_none_or(|e| e > scope.limit);
                let mut child = scope.child(end.unwrap_or(usize::MAX).min(scope.limit), false);
                child.depth = scope.depth;
                let result = self.elements(pos, enc, &mut child, &mut item.elements);
                if overrun {
                    // Show what the item holds up to the limit, but report
                    // the length that overran it: that is the fault.
                    item.value_span = Span::between(value_start, *pos);
                    item.span = Span::between(start, *pos);
                    out.push(item);
                    return Err(fail(
                        length_span.offset,
                        format!("item length {raw} runs past {}", scope.end_text(total)),
                    ));
                }
                result
            };
            match result {
                Ok(stop) => {
                    let value_end = match &stop {
                        Stop::Delimiter(d) => d.tag_span.offset,
                        Stop::End => *pos,
                    };
                    item.value_span = Span::between(value_start, value_end);
                    if let Stop::Delimiter(d) = stop {
                        item.delimiter = Some(d);
                    }
                    item.span = Span::between(start, *pos);
                    out.push(item);
                }
                Err(e) => {
                    item.value_span = Span::between(value_start, *pos);
                    item.span = Span::between(start, *pos);
                    out.push(item);
                    return Err(e);
                }
            }
        }
    }

    /// Reads the fragments of encapsulated pixel data up to and including
    /// its Sequence Delimitation Item (PS3.5 annex A.4).
    fn fragments(
        &self,
        pos: &mut usize,
        big: bool,
        scope: &Scope,
        out: &mut Vec<Fragment>,
    ) -> Result<Option<Delimiter>, ReadError> {
        let total = self.b.len();
        loop {
            let start = *pos;
            let left = scope.limit.saturating_sub(start);
            if left < 8 {
                return Err(fail(
                    start,
                    format!(
                        "encapsulated pixel data runs to {} without a Sequence Delimitation Item (FFFE,E0DD) ({left} byte(s) left)",
                        scope.end_text(total)
                    ),
                ));
            }
            let tag = self.tag(start, big).unwrap_or(Tag(0, 0));
            let raw = self.u32(start + 4, big).unwrap_or(0);
            let tag_span = Span {
                offset: start,
                len: 4,
            };
            let length_span = Span {
                offset: start + 4,
                len: 4,
            };
            if tag == Tag::SEQUENCE_DELIMITATION {
                *pos = start + 8;
                return Ok(Some(Delimiter {
                    tag_span,
                    length_span,
                    length: raw,
                }));
            }
            if tag != Tag::ITEM {
                return Err(fail(
                    start,
                    format!("expected a fragment Item tag (FFFE,E000) or a Sequence Delimitation Item (FFFE,E0DD) in encapsulated pixel data, found {tag}"),
                ));
            }
            if raw == u32::MAX {
                return Err(fail(
                    start + 4,
                    "a pixel data fragment has undefined length; fragments must have a defined length (PS3.5 annex A.4)",
                ));
            }
            let value_start = start + 8;
            let Some(end) = value_start
                .checked_add(raw as usize)
                .filter(|&e| e <= scope.limit)
            else {
                return Err(fail(
                    start + 4,
                    format!("fragment length {raw} runs past {}", scope.end_text(total)),
                ));
            };
            self.tick(start)?;
            out.push(Fragment {
                tag_span,
                length_span,
                length: raw,
                value_span: Span::between(value_start, end),
            });
            *pos = end;
        }
    }
}

/// The VR an implicit VR reader gives an element (PS3.5 annex A.1): from
/// the dictionary, choosing among alternatives by the rules of PS3.5 (OW
/// for "OB or OW"), the Pixel Representation ("US or SS") or the value
/// length (LUT Data "US or OW"); LO for private creators; SQ for an unknown
/// element of undefined length; otherwise UN.
fn implicit_vr(tag: Tag, undefined: bool, raw_len: u32, scope: &Scope) -> (Vr, VrSource) {
    match private_tag(tag) {
        Some(PrivateTag::Creator { .. }) => return (Vr::LO, VrSource::PrivateCreator),
        Some(PrivateTag::GroupLength) => return (Vr::UL, VrSource::Dictionary),
        Some(_) if undefined => return (Vr::SQ, VrSource::UndefinedLengthSequence),
        Some(_) => return (Vr::UN, VrSource::Unknown),
        None => {}
    }
    let Some(a) = attribute(tag) else {
        if undefined {
            return (Vr::SQ, VrSource::UndefinedLengthSequence);
        }
        return (Vr::UN, VrSource::Unknown);
    };
    let vr = match a.vrs {
        [] => return (Vr::UN, VrSource::Unknown),
        [one] => *one,
        many => {
            let chosen = if many.contains(&Vr::SS) && !many.contains(&Vr::OW) {
                if scope.pixel_representation == Some(1) {
                    Vr::SS
                } else {
                    Vr::US
                }
            } else if many.contains(&Vr::US) && many.contains(&Vr::OW) {
                if raw_len == 2 {
                    Vr::US
                } else {
                    Vr::OW
                }
            } else if many.contains(&Vr::OW) {
                Vr::OW
            } else {
                many[0]
            };
            return (
                if undefined && tag == Tag::PIXEL_DATA {
                    Vr::OB
                } else {
                    chosen
                },
                VrSource::DictionaryChoice,
            );
        }
    };
    if undefined && vr != Vr::SQ && tag != Tag::PIXEL_DATA {
        return (Vr::SQ, VrSource::UndefinedLengthSequence);
    }
    (vr, VrSource::Dictionary)
}

/// Bytes as printable ASCII, others as `.`.
fn printable(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| {
            if b.is_ascii_graphic() {
                char::from(b)
            } else {
                '.'
            }
        })
        .collect()
}
