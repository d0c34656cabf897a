//! Byte regions: an ordered, gap-free, non-overlapping cover of every byte
//! of the input, each labelled with what it encodes (preamble, tag, VR,
//! length, value, item header ...) and the element it belongs to, so a UI
//! can colour a hex view and map a click back to an element.

use serde::{Deserialize, Serialize};

use super::element::{Element, ElementRef, Part, Span};
use super::read::Parsed;

/// What a run of bytes encodes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RegionKind {
    /// The 128-byte preamble of a Part 10 file (PS3.10 section 7.1).
    Preamble,
    /// The 4 bytes `DICM`.
    Magic,
    /// The tag of an element (group, element).
    Tag,
    /// The two VR characters (explicit VR).
    Vr,
    /// The 2 reserved bytes after OB, OW, SQ, UN, UT ... (explicit VR).
    Reserved,
    /// A length field.
    Length,
    /// A value.
    Value,
    /// The value of a group length element (gggg,0000).
    GroupLength,
    /// An Item tag (FFFE,E000) of a sequence item.
    ItemTag,
    /// The 4-byte length of a sequence item.
    ItemLength,
    /// An Item Delimitation Item (FFFE,E00D), tag and length.
    ItemDelimiter,
    /// A Sequence Delimitation Item (FFFE,E0DD), tag and length.
    SequenceDelimiter,
    /// The Item tag of a pixel data fragment.
    FragmentTag,
    /// The length of a pixel data fragment.
    FragmentLength,
    /// The bytes of a pixel data fragment (the first is the Basic Offset
    /// Table).
    FragmentValue,
    /// Bytes not read, from the point where reading stopped.
    Unparsed,
}

/// One run of bytes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Region {
    pub span: Span,
    pub kind: RegionKind,
    /// The element the bytes belong to (for item and fragment regions, the
    /// sequence or pixel data element).
    pub element: Option<ElementRef>,
    /// For item and fragment regions, the item or fragment index.
    pub index: Option<usize>,
}

struct Builder {
    out: Vec<Region>,
    cursor: usize,
    len: usize,
}

impl Builder {
    fn push(
        &mut self,
        span: Span,
        kind: RegionKind,
        element: Option<&ElementRef>,
        index: Option<usize>,
    ) {
        let start = span.offset.max(self.cursor);
        let end = span.end().min(self.len);
        if end <= start {
            return;
        }
        if start > self.cursor {
            self.out.push(Region {
                span: Span::between(self.cursor, start),
                kind: RegionKind::Unparsed,
                element: None,
                index: None,
            });
        }
        self.out.push(Region {
            span: Span::between(start, end),
            kind,
            element: element.cloned(),
            index,
        });
        self.cursor = end;
    }

    fn element(&mut self, el: &Element, r: &ElementRef) {
        let e = Some(r);
        self.push(el.tag_span, RegionKind::Tag, e, None);
        if let Some(s) = el.vr_span {
            self.push(s, RegionKind::Vr, e, None);
        }
        if let Some(s) = el.reserved_span {
            self.push(s, RegionKind::Reserved, e, None);
        }
        self.push(el.length_span, RegionKind::Length, e, None);
        if !el.items.is_empty() {
            for (i, item) in el.items.iter().enumerate() {
                self.push(item.tag_span, RegionKind::ItemTag, e, Some(i));
                self.push(item.length_span, RegionKind::ItemLength, e, Some(i));
                for (j, child) in item.elements.iter().enumerate() {
                    let mut path = r.path.clone();
                    path.extend([i, j]);
                    let child_ref = ElementRef { part: r.part, path };
                    self.element(child, &child_ref);
                }
                if let Some(d) = item.delimiter {
                    self.push(d.span(), RegionKind::ItemDelimiter, e, Some(i));
                }
            }
        } else if !el.fragments.is_empty() {
            for (i, f) in el.fragments.iter().enumerate() {
                self.push(f.tag_span, RegionKind::FragmentTag, e, Some(i));
                self.push(f.length_span, RegionKind::FragmentLength, e, Some(i));
                self.push(f.value_span, RegionKind::FragmentValue, e, Some(i));
            }
        } else {
            let kind = if el.tag.is_group_length() {
                RegionKind::GroupLength
            } else {
                RegionKind::Value
            };
            self.push(el.value_span, kind, e, None);
        }
        if let Some(d) = el.sequence_delimiter {
            self.push(d.span(), RegionKind::SequenceDelimiter, e, None);
        }
    }
}

/// Every byte of the input, in order, exactly once: see [`Region`].
pub fn regions(parsed: &Parsed) -> Vec<Region> {
    let mut b = Builder {
        out: Vec::new(),
        cursor: 0,
        len: parsed.len,
    };
    if let Some(s) = parsed.preamble {
        b.push(s, RegionKind::Preamble, None, None);
    }
    if let Some(s) = parsed.magic {
        b.push(s, RegionKind::Magic, None, None);
    }
    for (part, list) in [(Part::Meta, &parsed.meta), (Part::Dataset, &parsed.dataset)] {
        for (i, el) in list.iter().enumerate() {
            b.element(
                el,
                &ElementRef {
                    part,
                    path: vec![i],
                },
            );
        }
    }
    if b.cursor < parsed.len {
        let rest = Span::between(b.cursor, parsed.len);
        b.push(rest, RegionKind::Unparsed, None, None);
    }
    b.out
}

/// The region holding byte `offset`, by binary search in `regions`.
pub fn region_at(regions: &[Region], offset: usize) -> Option<&Region> {
    let i = regions.partition_point(|r| r.span.end() <= offset);
    regions.get(i).filter(|r| r.span.contains(offset))
}
