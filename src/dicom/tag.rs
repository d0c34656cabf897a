//! Data element tags (PS3.5 section 7.1): a 16-bit group number and a 16-bit
//! element number, written `(gggg,eeee)` in hexadecimal.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A data element tag: `Tag(group, element)`.
///
/// Tags order by group, then element, which is the order in which elements
/// must appear in a data set (PS3.5 section 7.1).
///
/// ```
/// use pacs_academy::dicom::Tag;
///
/// let tag: Tag = "(0010,0010)".parse()?;
/// assert_eq!(tag, Tag(0x0010, 0x0010));
/// assert_eq!(tag.to_string(), "(0010,0010)");
/// assert_eq!("7FE00010".parse::<Tag>()?, Tag::PIXEL_DATA);
/// # Ok::<(), pacs_academy::dicom::TagParseError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Tag(pub u16, pub u16);

impl Tag {
    /// (0002,0000) File Meta Information Group Length (PS3.10 section 7.1).
    pub const FILE_META_GROUP_LENGTH: Tag = Tag(0x0002, 0x0000);
    /// (0002,0001) File Meta Information Version.
    pub const FILE_META_INFORMATION_VERSION: Tag = Tag(0x0002, 0x0001);
    /// (0002,0002) Media Storage SOP Class UID.
    pub const MEDIA_STORAGE_SOP_CLASS_UID: Tag = Tag(0x0002, 0x0002);
    /// (0002,0003) Media Storage SOP Instance UID.
    pub const MEDIA_STORAGE_SOP_INSTANCE_UID: Tag = Tag(0x0002, 0x0003);
    /// (0002,0010) Transfer Syntax UID: how the data set after the meta
    /// group is encoded.
    pub const TRANSFER_SYNTAX_UID: Tag = Tag(0x0002, 0x0010);
    /// (0002,0012) Implementation Class UID.
    pub const IMPLEMENTATION_CLASS_UID: Tag = Tag(0x0002, 0x0012);
    /// (0002,0013) Implementation Version Name.
    pub const IMPLEMENTATION_VERSION_NAME: Tag = Tag(0x0002, 0x0013);
    /// (0008,0005) Specific Character Set.
    pub const SPECIFIC_CHARACTER_SET: Tag = Tag(0x0008, 0x0005);
    /// (0008,0016) SOP Class UID.
    pub const SOP_CLASS_UID: Tag = Tag(0x0008, 0x0016);
    /// (0008,0018) SOP Instance UID.
    pub const SOP_INSTANCE_UID: Tag = Tag(0x0008, 0x0018);
    /// (0010,0010) Patient's Name.
    pub const PATIENT_NAME: Tag = Tag(0x0010, 0x0010);
    /// (0010,0020) Patient ID.
    pub const PATIENT_ID: Tag = Tag(0x0010, 0x0020);
    /// (7FE0,0008) Float Pixel Data.
    pub const FLOAT_PIXEL_DATA: Tag = Tag(0x7FE0, 0x0008);
    /// (7FE0,0009) Double Float Pixel Data.
    pub const DOUBLE_FLOAT_PIXEL_DATA: Tag = Tag(0x7FE0, 0x0009);
    /// (7FE0,0010) Pixel Data.
    pub const PIXEL_DATA: Tag = Tag(0x7FE0, 0x0010);
    /// (FFFE,E000) Item: starts an item of a sequence, or a fragment of
    /// encapsulated pixel data (PS3.5 sections 7.5 and A.4).
    pub const ITEM: Tag = Tag(0xFFFE, 0xE000);
    /// (FFFE,E00D) Item Delimitation Item: ends an item of undefined length.
    pub const ITEM_DELIMITATION: Tag = Tag(0xFFFE, 0xE00D);
    /// (FFFE,E0DD) Sequence Delimitation Item: ends a sequence (or
    /// encapsulated pixel data) of undefined length.
    pub const SEQUENCE_DELIMITATION: Tag = Tag(0xFFFE, 0xE0DD);

    /// The group number.
    pub const fn group(self) -> u16 {
        self.0
    }

    /// The element number.
    pub const fn element(self) -> u16 {
        self.1
    }

    /// The tag as one 32-bit number, group in the high half (`0x00100010`).
    pub const fn to_u32(self) -> u32 {
        ((self.0 as u32) << 16) | self.1 as u32
    }

    /// The tag for a 32-bit number, group in the high half.
    pub const fn from_u32(n: u32) -> Tag {
        Tag((n >> 16) as u16, n as u16)
    }

    /// True for a private tag: an odd group number other than 0001, 0003,
    /// 0005 and 0007, which PS3.5 section 7.8.1 forbids for private use.
    pub const fn is_private(self) -> bool {
        self.0 % 2 == 1 && self.0 > 0x0007 && self.0 != 0xFFFF
    }

    /// True for a private creator element (gggg,0010)–(gggg,00FF) of a
    /// private group, which reserves a block of 256 elements.
    pub const fn is_private_creator(self) -> bool {
        self.is_private() && self.1 >= 0x0010 && self.1 <= 0x00FF
    }

    /// True for a group length element (gggg,0000).
    pub const fn is_group_length(self) -> bool {
        self.1 == 0x0000
    }

    /// True for the item and delimitation tags of group FFFE, which have no
    /// VR in any transfer syntax (PS3.5 section 7.5).
    pub const fn is_delimiter_group(self) -> bool {
        self.0 == 0xFFFE
    }
}

impl fmt::Display for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "({:04X},{:04X})", self.0, self.1)
    }
}

/// A string that is not a tag; see [`Tag`]'s `FromStr`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a tag: write it as (gggg,eeee), gggg,eeee or ggggeeee in hexadecimal")]
pub struct TagParseError(pub String);

impl FromStr for Tag {
    type Err = TagParseError;

    /// Accepts `(0010,0010)`, `0010,0010` and `00100010` (hexadecimal, any
    /// case, surrounding spaces ignored).
    fn from_str(s: &str) -> Result<Tag, TagParseError> {
        let bad = || TagParseError(s.to_string());
        let t = s.trim();
        let t = match (t.strip_prefix('('), t.ends_with(')')) {
            (Some(rest), true) => &rest[..rest.len() - 1],
            (None, false) => t,
            _ => return Err(bad()),
        };
        let (g, e) = match t.split_once(',') {
            Some((g, e)) => (g.trim(), e.trim()),
            None if t.len() == 8 && t.is_ascii() => (&t[..4], &t[4..]),
            None => return Err(bad()),
        };
        let hex4 = |x: &str| {
            if x.len() == 4 && x.bytes().all(|b| b.is_ascii_hexdigit()) {
                u16::from_str_radix(x, 16).ok()
            } else {
                None
            }
        };
        match (hex4(g), hex4(e)) {
            (Some(g), Some(e)) => Ok(Tag(g, e)),
            _ => Err(bad()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_is_upper_case_hex_in_brackets() {
        assert_eq!(Tag(0x7fe0, 0x0010).to_string(), "(7FE0,0010)");
        assert_eq!(Tag(0x0008, 0x103e).to_string(), "(0008,103E)");
    }

    #[test]
    fn parses_three_forms_and_rejects_others() {
        for s in ["(0010,0010)", "0010,0010", "00100010", " (0010, 0010) "] {
            assert_eq!(s.parse::<Tag>(), Ok(Tag(0x10, 0x10)), "{s}");
        }
        assert_eq!("(7fe0,0010)".parse::<Tag>(), Ok(Tag::PIXEL_DATA));
        for s in [
            "",
            "(0010,0010",
            "0010",
            "001,00010",
            "(0010,001G)",
            "0010x0010",
            "é0100010",
        ] {
            assert!(s.parse::<Tag>().is_err(), "{s}");
        }
    }

    #[test]
    fn private_and_group_length() {
        assert!(Tag(0x0009, 0x0010).is_private());
        assert!(Tag(0x0009, 0x0010).is_private_creator());
        assert!(!Tag(0x0009, 0x1000).is_private_creator());
        assert!(!Tag(0x0007, 0x0010).is_private());
        assert!(!Tag(0x0010, 0x0010).is_private());
        assert!(Tag(0x0008, 0x0000).is_group_length());
        assert!(!Tag(0x0008, 0x0001).is_group_length());
        assert_eq!(Tag::from_u32(0x7FE0_0010), Tag::PIXEL_DATA);
        assert_eq!(Tag::PIXEL_DATA.to_u32(), 0x7FE0_0010);
    }
}
