//! What the reader produces: data elements with the byte spans of every
//! part of their encoding (PS3.5 section 7.1), items of sequences (section
//! 7.5) and fragments of encapsulated pixel data (annex A.4).

use std::fmt;

use serde::{Deserialize, Serialize};

use super::dictionary::{attribute, private_tag, PrivateTag};
use super::tag::Tag;
use super::value::Value;
use super::vr::Vr;

/// A run of bytes of the input: `len` bytes from `offset`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Span {
    pub offset: usize,
    pub len: usize,
}

impl Span {
    /// A span from `offset` to `end` (exclusive); empty if `end < offset`.
    pub const fn between(offset: usize, end: usize) -> Span {
        Span {
            offset,
            len: end.saturating_sub(offset),
        }
    }

    /// The offset just past the span.
    pub const fn end(&self) -> usize {
        self.offset + self.len
    }

    /// True if `offset` lies inside the span.
    pub const fn contains(&self, offset: usize) -> bool {
        offset >= self.offset && offset < self.end()
    }
}

/// A value length field as decoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Length {
    /// A byte count.
    Defined(u32),
    /// FFFFFFFFH: the value runs until a delimitation item (sequences,
    /// items, encapsulated pixel data; PS3.5 section 7.1.1).
    Undefined,
}

impl Length {
    /// The raw 32-bit field value (FFFFFFFFH for undefined).
    pub const fn raw(self) -> u32 {
        match self {
            Length::Defined(n) => n,
            Length::Undefined => u32::MAX,
        }
    }
}

impl fmt::Display for Length {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Length::Defined(n) => write!(f, "{n}"),
            Length::Undefined => f.write_str("undefined"),
        }
    }
}

/// How a length field was read: its size (2 bytes after a short-form
/// explicit VR, otherwise 4) and its byte order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LengthEncoding {
    /// 2 or 4.
    pub size: u8,
    pub big_endian: bool,
}

impl LengthEncoding {
    /// Explains how the length was decoded, for learners, e.g.
    /// `length bytes 0A 00 00 00 read as 4-byte little endian = 10`.
    pub fn explain(&self, length: Length) -> String {
        let raw = length.raw();
        let mut bytes: Vec<u8> = if self.size == 2 {
            (raw as u16).to_le_bytes().to_vec()
        } else {
            raw.to_le_bytes().to_vec()
        };
        if self.big_endian {
            bytes.reverse();
        }
        let hex: Vec<String> = bytes.iter().map(|b| format!("{b:02X}")).collect();
        let order = if self.big_endian { "big" } else { "little" };
        let value = match length {
            Length::Defined(n) => {
                format!("{n} (0x{n:0width$X})", width = usize::from(self.size) * 2)
            }
            Length::Undefined => "0xFFFFFFFF, undefined length".to_string(),
        };
        format!(
            "length bytes {} read as {}-byte {order} endian = {value}",
            hex.join(" "),
            self.size
        )
    }
}

/// Where an element's VR came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum VrSource {
    /// Written in the element (explicit VR transfer syntaxes).
    Explicit,
    /// Looked up in the data dictionary (implicit VR).
    Dictionary,
    /// The dictionary allows several VRs ("US or SS", "OB or OW"); one was
    /// chosen by the rules of PS3.5 annex A.1 and the data set's Pixel
    /// Representation.
    DictionaryChoice,
    /// Implicit VR, tag not in the dictionary: Unknown (UN).
    Unknown,
    /// Implicit VR, a private creator element: LO (PS3.5 section 7.8.1).
    PrivateCreator,
    /// Implicit VR, undefined length: read as a sequence.
    UndefinedLengthSequence,
}

/// One data element as read, with the spans of its parts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Element {
    pub tag: Tag,
    /// The VR: as written (explicit VR) or as decided (implicit VR, see
    /// `vr_source`).
    pub vr: Vr,
    pub vr_explicit: bool,
    pub vr_source: VrSource,
    /// The whole element: tag to the end of its value, including any
    /// sequence delimitation item.
    pub span: Span,
    /// The 4 tag bytes (group, element).
    pub tag_span: Span,
    /// The 2 VR bytes (explicit VR only).
    pub vr_span: Option<Span>,
    /// The 2 reserved bytes after a long-form explicit VR (OB, SQ, UN ...).
    pub reserved_span: Option<Span>,
    /// The length field (2 or 4 bytes).
    pub length_span: Span,
    pub length: Length,
    pub length_encoding: LengthEncoding,
    /// The value bytes: for a sequence or encapsulated pixel data of
    /// undefined length, everything up to (not including) the sequence
    /// delimitation item.
    pub value_span: Span,
    /// The decoded value, for display.
    pub value: Value,
    /// The items of a sequence (SQ, or UN of undefined length).
    pub items: Vec<Item>,
    /// The fragments of encapsulated pixel data; the first is the Basic
    /// Offset Table (PS3.5 annex A.4).
    pub fragments: Vec<Fragment>,
    /// The Sequence Delimitation Item (FFFE,E0DD) that ends a value of
    /// undefined length, if one was read.
    pub sequence_delimiter: Option<Delimiter>,
    /// The byte order of this element's numbers and length.
    pub big_endian: bool,
}

impl Element {
    /// The dictionary keyword, `PrivateCreator` for private creators, or
    /// `""` if unknown.
    pub fn keyword(&self) -> &'static str {
        match attribute(self.tag) {
            Some(a) => a.keyword,
            None => match private_tag(self.tag) {
                Some(PrivateTag::Creator { .. }) => "PrivateCreator",
                _ => "",
            },
        }
    }

    /// The dictionary name, a description of a private tag, or "Unknown
    /// tag".
    pub fn name(&self) -> String {
        match attribute(self.tag) {
            Some(a) if !a.name.is_empty() => a.name.to_string(),
            Some(_) => "(unnamed retired attribute)".to_string(),
            None => match private_tag(self.tag) {
                Some(p) => p.describe(),
                None => "Unknown tag".to_string(),
            },
        }
    }

    /// A one-line explanation of the length field (see
    /// [`LengthEncoding::explain`]).
    pub fn length_explanation(&self) -> String {
        self.length_encoding.explain(self.length)
    }
}

/// An item of a sequence (PS3.5 section 7.5): an Item tag (FFFE,E000), a
/// 4-byte length, a nested data set and, for undefined length, an Item
/// Delimitation Item (FFFE,E00D).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Item {
    /// The whole item, from its tag to the end of its delimiter if any.
    pub span: Span,
    pub tag_span: Span,
    pub length_span: Span,
    pub length: Length,
    /// The nested data set's bytes.
    pub value_span: Span,
    pub elements: Vec<Element>,
    /// The Item Delimitation Item, for an item of undefined length.
    pub delimiter: Option<Delimiter>,
}

/// A delimitation item: a tag (FFFE,E00D) or (FFFE,E0DD) and a 4-byte
/// length that should be 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delimiter {
    pub tag_span: Span,
    pub length_span: Span,
    pub length: u32,
}

impl Delimiter {
    /// The 8 bytes of the delimiter.
    pub const fn span(&self) -> Span {
        Span::between(self.tag_span.offset, self.length_span.end())
    }
}

/// One fragment of encapsulated pixel data: an Item tag, a 4-byte length
/// and the compressed bytes (never decoded or copied).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fragment {
    pub tag_span: Span,
    pub length_span: Span,
    pub length: u32,
    pub value_span: Span,
}

/// Which list of a [`super::Parsed`] an [`ElementRef`] starts in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Part {
    /// The file meta information (group 0002).
    Meta,
    /// The data set.
    Dataset,
}

/// The address of an element: a list, then alternating element and item
/// indices. `Dataset [5, 0, 2]` is element 2 of item 0 of data set element
/// 5. Resolve it with [`super::Parsed::element`].
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ElementRef {
    pub part: Part,
    /// Odd length: element, item, element, ...
    pub path: Vec<usize>,
}

impl ElementRef {
    /// The nesting depth: 0 for a top-level element.
    pub fn depth(&self) -> usize {
        self.path.len() / 2
    }
}

impl fmt::Display for ElementRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let part = match self.part {
            Part::Meta => "meta",
            Part::Dataset => "dataset",
        };
        let parts: Vec<String> = self.path.iter().map(|i| i.to_string()).collect();
        write!(f, "{part}[{}]", parts.join("."))
    }
}
