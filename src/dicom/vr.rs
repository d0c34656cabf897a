//! Value representations (PS3.5 section 6.2): the data type of a data
//! element's value.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A value representation, named by its two-letter code.
///
/// ```
/// use pacs_academy::dicom::Vr;
///
/// assert_eq!(Vr::from_bytes(*b"PN"), Some(Vr::PN));
/// assert_eq!(Vr::PN.name(), "Person Name");
/// assert!(Vr::OB.explicit_long_length());
/// assert!(!Vr::US.explicit_long_length());
/// ```
#[allow(clippy::upper_case_acronyms)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Vr {
    AE,
    AS,
    AT,
    CS,
    DA,
    DS,
    DT,
    FL,
    FD,
    IS,
    LO,
    LT,
    OB,
    OD,
    OF,
    OL,
    OV,
    OW,
    PN,
    SH,
    SL,
    SQ,
    SS,
    ST,
    SV,
    TM,
    UC,
    UI,
    UL,
    UN,
    UR,
    US,
    UT,
    UV,
}

impl Vr {
    /// Every VR, in alphabetical order of code.
    pub const ALL: [Vr; 34] = [
        Vr::AE,
        Vr::AS,
        Vr::AT,
        Vr::CS,
        Vr::DA,
        Vr::DS,
        Vr::DT,
        Vr::FD,
        Vr::FL,
        Vr::IS,
        Vr::LO,
        Vr::LT,
        Vr::OB,
        Vr::OD,
        Vr::OF,
        Vr::OL,
        Vr::OV,
        Vr::OW,
        Vr::PN,
        Vr::SH,
        Vr::SL,
        Vr::SQ,
        Vr::SS,
        Vr::ST,
        Vr::SV,
        Vr::TM,
        Vr::UC,
        Vr::UI,
        Vr::UL,
        Vr::UN,
        Vr::UR,
        Vr::US,
        Vr::UT,
        Vr::UV,
    ];

    /// The two-letter code, e.g. `"PN"`.
    pub const fn code(self) -> &'static str {
        match self {
            Vr::AE => "AE",
            Vr::AS => "AS",
            Vr::AT => "AT",
            Vr::CS => "CS",
            Vr::DA => "DA",
            Vr::DS => "DS",
            Vr::DT => "DT",
            Vr::FL => "FL",
            Vr::FD => "FD",
            Vr::IS => "IS",
            Vr::LO => "LO",
            Vr::LT => "LT",
            Vr::OB => "OB",
            Vr::OD => "OD",
            Vr::OF => "OF",
            Vr::OL => "OL",
            Vr::OV => "OV",
            Vr::OW => "OW",
            Vr::PN => "PN",
            Vr::SH => "SH",
            Vr::SL => "SL",
            Vr::SQ => "SQ",
            Vr::SS => "SS",
            Vr::ST => "ST",
            Vr::SV => "SV",
            Vr::TM => "TM",
            Vr::UC => "UC",
            Vr::UI => "UI",
            Vr::UL => "UL",
            Vr::UN => "UN",
            Vr::UR => "UR",
            Vr::US => "US",
            Vr::UT => "UT",
            Vr::UV => "UV",
        }
    }

    /// The VR for two bytes as they appear in an explicit VR element, or
    /// `None` if they are not a VR defined by PS3.5.
    pub fn from_bytes(bytes: [u8; 2]) -> Option<Vr> {
        Vr::ALL
            .iter()
            .copied()
            .find(|vr| vr.code().as_bytes() == bytes)
    }

    /// The name PS3.5 gives the VR, e.g. `"Person Name"`.
    pub const fn name(self) -> &'static str {
        match self {
            Vr::AE => "Application Entity",
            Vr::AS => "Age String",
            Vr::AT => "Attribute Tag",
            Vr::CS => "Code String",
            Vr::DA => "Date",
            Vr::DS => "Decimal String",
            Vr::DT => "Date Time",
            Vr::FL => "Floating Point Single",
            Vr::FD => "Floating Point Double",
            Vr::IS => "Integer String",
            Vr::LO => "Long String",
            Vr::LT => "Long Text",
            Vr::OB => "Other Byte",
            Vr::OD => "Other Double",
            Vr::OF => "Other Float",
            Vr::OL => "Other Long",
            Vr::OV => "Other 64-bit Very Long",
            Vr::OW => "Other Word",
            Vr::PN => "Person Name",
            Vr::SH => "Short String",
            Vr::SL => "Signed Long",
            Vr::SQ => "Sequence of Items",
            Vr::SS => "Signed Short",
            Vr::ST => "Short Text",
            Vr::SV => "Signed 64-bit Very Long",
            Vr::TM => "Time",
            Vr::UC => "Unlimited Characters",
            Vr::UI => "Unique Identifier (UID)",
            Vr::UL => "Unsigned Long",
            Vr::UN => "Unknown",
            Vr::UR => "Universal Resource Identifier or Universal Resource Locator (URI/URL)",
            Vr::US => "Unsigned Short",
            Vr::UT => "Unlimited Text",
            Vr::UV => "Unsigned 64-bit Very Long",
        }
    }

    /// True if, in an explicit VR transfer syntax, the VR is followed by two
    /// reserved bytes (0000H) and a 4-byte length; false if it is followed
    /// by a 2-byte length (PS3.5 section 7.1.2, table 7.1-1 and 7.1-2).
    pub const fn explicit_long_length(self) -> bool {
        matches!(
            self,
            Vr::OB
                | Vr::OD
                | Vr::OF
                | Vr::OL
                | Vr::OV
                | Vr::OW
                | Vr::SQ
                | Vr::UC
                | Vr::UN
                | Vr::UR
                | Vr::UT
                | Vr::SV
                | Vr::UV
        )
    }

    /// True for the character string VRs, whose values are text (possibly
    /// several values separated by backslashes).
    pub const fn is_string(self) -> bool {
        matches!(
            self,
            Vr::AE
                | Vr::AS
                | Vr::CS
                | Vr::DA
                | Vr::DS
                | Vr::DT
                | Vr::IS
                | Vr::LO
                | Vr::LT
                | Vr::PN
                | Vr::SH
                | Vr::ST
                | Vr::TM
                | Vr::UC
                | Vr::UI
                | Vr::UR
                | Vr::UT
        )
    }

    /// True for the text VRs that may use the extended character sets named
    /// by Specific Character Set (0008,0005): SH, LO, UC, ST, LT, UT and PN.
    /// The others use the default repertoire only (PS3.5 section 6.1.2.3).
    pub const fn uses_specific_character_set(self) -> bool {
        matches!(
            self,
            Vr::SH | Vr::LO | Vr::UC | Vr::ST | Vr::LT | Vr::UT | Vr::PN
        )
    }

    /// True for the text VRs whose value is a single value in which a
    /// backslash is an ordinary character: LT, ST, UT and UR.
    pub const fn is_single_valued_text(self) -> bool {
        matches!(self, Vr::LT | Vr::ST | Vr::UT | Vr::UR)
    }

    /// The byte that pads a value of odd length to an even length: a space
    /// (20H) for text, 00H for UI and for binary VRs (PS3.5 section 6.2).
    pub const fn padding_byte(self) -> u8 {
        if self.is_string() && !matches!(self, Vr::UI) {
            b' '
        } else {
            0x00
        }
    }

    /// The size in bytes of one binary value (2 for US and OW, 4 for UL, FL,
    /// OF, OL and AT, 8 for FD, OD, SV, UV and OV, 1 for OB and UN), or
    /// `None` for text VRs and SQ.
    pub const fn binary_size(self) -> Option<usize> {
        match self {
            Vr::OB | Vr::UN => Some(1),
            Vr::US | Vr::SS | Vr::OW => Some(2),
            Vr::UL | Vr::SL | Vr::FL | Vr::OF | Vr::OL | Vr::AT => Some(4),
            Vr::FD | Vr::OD | Vr::SV | Vr::UV | Vr::OV => Some(8),
            _ => None,
        }
    }

    /// A short description, for learners, of what a value of this VR may
    /// hold: characters, format and maximum length (after PS3.5 section 6.2,
    /// table 6.2-1).
    pub const fn allows(self) -> &'static str {
        match self {
            Vr::AE => "An application entity title: up to 16 characters of the default repertoire, no backslash or control characters; leading and trailing spaces are not significant.",
            Vr::AS => "An age: exactly 4 characters nnnD, nnnW, nnnM or nnnY (days, weeks, months or years), e.g. 018M.",
            Vr::AT => "A data element tag as two 16-bit unsigned integers, group then element; 4 bytes fixed.",
            Vr::CS => "A code: up to 16 characters, only upper-case letters, digits 0-9, space and underscore; leading and trailing spaces are not significant.",
            Vr::DA => "A date YYYYMMDD, 8 bytes fixed (a range query may use YYYYMMDD-YYYYMMDD, up to 18 bytes).",
            Vr::DS => "A decimal number written as text (fixed or floating point, e.g. 0.5 or 1.2E3): digits, + - E e . and spaces; up to 16 bytes.",
            Vr::DT => "A date and time YYYYMMDDHHMMSS.FFFFFF&ZZXX; the trailing parts are optional and &ZZXX is an offset from UTC; up to 26 bytes (54 in a range query).",
            Vr::FL => "A 32-bit IEEE 754 floating point number; 4 bytes fixed.",
            Vr::FD => "A 64-bit IEEE 754 floating point number; 8 bytes fixed.",
            Vr::IS => "An integer written as text, from -2147483648 to 2147483647, with an optional leading + or -; up to 12 bytes.",
            Vr::LO => "A string of up to 64 characters; may use the extended character sets; no backslash or control characters except ESC; leading and trailing spaces are not significant.",
            Vr::LT => "Text of up to 10240 characters, in paragraphs; may contain CR, LF, FF, TAB and ESC; a backslash is an ordinary character (one value only); trailing spaces are not significant.",
            Vr::OB => "A stream of bytes; byte order does not matter; padded to an even length with 00H; the length is encoded in 4 bytes.",
            Vr::OD => "A stream of 64-bit IEEE 754 floating point numbers in the transfer syntax's byte order; up to 2^32-8 bytes.",
            Vr::OF => "A stream of 32-bit IEEE 754 floating point numbers in the transfer syntax's byte order; up to 2^32-4 bytes.",
            Vr::OL => "A stream of 32-bit words in the transfer syntax's byte order; up to 2^32-4 bytes.",
            Vr::OV => "A stream of 64-bit words in the transfer syntax's byte order; up to 2^32-8 bytes.",
            Vr::OW => "A stream of 16-bit words in the transfer syntax's byte order; up to 2^32-2 bytes.",
            Vr::PN => "A person name: up to five components family^given^middle^prefix^suffix, in up to three groups (alphabetic=ideographic=phonetic); up to 64 characters per group; no control characters except ESC.",
            Vr::SH => "A string of up to 16 characters; may use the extended character sets; no backslash or control characters except ESC; leading and trailing spaces are not significant.",
            Vr::SL => "A signed 32-bit integer in two's complement; 4 bytes fixed.",
            Vr::SQ => "A sequence of zero or more items, each a nested data set; its length may be defined or undefined (ended by a sequence delimiter).",
            Vr::SS => "A signed 16-bit integer in two's complement; 2 bytes fixed.",
            Vr::ST => "Text of up to 1024 characters; may contain CR, LF, FF, TAB and ESC; a backslash is an ordinary character (one value only); trailing spaces are not significant.",
            Vr::SV => "A signed 64-bit integer in two's complement; 8 bytes fixed.",
            Vr::TM => "A time HHMMSS.FFFFFF (24-hour clock; minutes, seconds and fraction may be left off from the right); up to 14 bytes (28 in a range query).",
            Vr::UC => "A string of unlimited length (up to 2^32-2 bytes); may use the extended character sets; backslash separates values; trailing spaces are not significant.",
            Vr::UI => "A UID: digits and full stops only, components separated by '.', no component with a leading zero; up to 64 bytes; padded to an even length with a single 00H.",
            Vr::UL => "An unsigned 32-bit integer; 4 bytes fixed.",
            Vr::UN => "Bytes whose VR is not known to the writer (for example a private element); handled like OB; the length is encoded in 4 bytes.",
            Vr::UR => "A URI or URL (RFC 3986); up to 2^32-2 bytes; one value only (a backslash is not a separator); no leading spaces, trailing spaces are ignored.",
            Vr::US => "An unsigned 16-bit integer; 2 bytes fixed.",
            Vr::UT => "Text of unlimited length (up to 2^32-2 bytes); may contain CR, LF, FF, TAB and ESC; one value only; trailing spaces are not significant.",
            Vr::UV => "An unsigned 64-bit integer; 8 bytes fixed.",
        }
    }
}

impl fmt::Display for Vr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A string that is not a VR code.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a value representation (two capital letters such as PN or US)")]
pub struct VrParseError(pub String);

impl FromStr for Vr {
    type Err = VrParseError;

    fn from_str(s: &str) -> Result<Vr, VrParseError> {
        match s.as_bytes() {
            [a, b] => Vr::from_bytes([*a, *b]).ok_or_else(|| VrParseError(s.to_string())),
            _ => Err(VrParseError(s.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_are_sorted() {
        for vr in Vr::ALL {
            let b = vr.code().as_bytes();
            assert_eq!(Vr::from_bytes([b[0], b[1]]), Some(vr));
            assert_eq!(vr.code().parse::<Vr>(), Ok(vr));
        }
        assert!(Vr::ALL.windows(2).all(|w| w[0].code() < w[1].code()));
        assert_eq!(Vr::from_bytes(*b"XX"), None);
        assert_eq!(Vr::from_bytes(*b"pn"), None);
        assert!("PNX".parse::<Vr>().is_err());
    }

    #[test]
    fn long_length_vrs_are_the_thirteen_of_ps3_5_7_1_2() {
        let long: Vec<&str> = Vr::ALL
            .iter()
            .filter(|v| v.explicit_long_length())
            .map(|v| v.code())
            .collect();
        assert_eq!(
            long,
            ["OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV"]
        );
    }

    #[test]
    fn padding() {
        assert_eq!(Vr::UI.padding_byte(), 0);
        assert_eq!(Vr::OB.padding_byte(), 0);
        assert_eq!(Vr::PN.padding_byte(), b' ');
        assert_eq!(Vr::DA.padding_byte(), b' ');
    }
}
