//! Decoded values for display: text split into values with padding
//! trimmed, numbers in the right byte order, and short summaries of long
//! binary values (which are never copied whole).

use std::fmt;

use serde::{Deserialize, Serialize};

use super::charset::Charset;
use super::tag::Tag;
use super::vr::Vr;

/// At most this many numbers of a multi-valued binary value are decoded;
/// `total` says how many there are.
pub const MAX_NUMBERS: usize = 1024;
/// At most this many bytes of a binary value are kept, as a preview.
pub const PREVIEW_BYTES: usize = 16;
/// At most this many bytes of a text value are decoded.
pub const MAX_TEXT_BYTES: usize = 64 * 1024;

/// An element's value, decoded for display.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Value {
    /// Zero length.
    Empty,
    /// Text: one entry per value (split at backslashes except for LT, ST,
    /// UT and UR), padding trimmed. `note` says when something could not
    /// be decoded exactly (unsupported character set, invalid UTF-8, a
    /// value cut short for display).
    Text {
        values: Vec<String>,
        note: Option<String>,
    },
    /// US, UL, UV, OW, OL, OV values (the first [`MAX_NUMBERS`]).
    Unsigned { values: Vec<u64>, total: usize },
    /// SS, SL, SV values.
    Signed { values: Vec<i64>, total: usize },
    /// FL, FD, OF, OD values.
    Float { values: Vec<f64>, total: usize },
    /// AT values.
    Tags { values: Vec<Tag>, total: usize },
    /// OB and UN values, and pixel data: the length and the first
    /// [`PREVIEW_BYTES`] bytes.
    Bytes { len: usize, head: Vec<u8> },
    /// A sequence: see the element's items.
    Sequence { items: usize },
    /// Encapsulated pixel data: see the element's fragments.
    Fragments { count: usize },
    /// The bytes do not fit the VR (e.g. a US value of 3 bytes).
    Invalid { reason: String, head: Vec<u8> },
}

impl Value {
    /// A short one-line rendering, as in a dump: `[Doe^Jane]`,
    /// `512`, `1\2\3`, `(7FE0,0010)`, `(524288 bytes) 00 01 ...`.
    pub fn display(&self) -> String {
        fn join<T: fmt::Display>(values: &[T], total: usize) -> String {
            let mut s: Vec<String> = values.iter().map(|v| v.to_string()).collect();
            if total > values.len() {
                s.push(format!("... ({total} values)"));
            }
            s.join("\\")
        }
        match self {
            Value::Empty => "(no value)".to_string(),
            Value::Text { values, note } => {
                let mut s = format!("[{}]", values.join("\\"));
                if let Some(n) = note {
                    s.push_str(&format!(" ({n})"));
                }
                s
            }
            Value::Unsigned { values, total } => join(values, *total),
            Value::Signed { values, total } => join(values, *total),
            Value::Float { values, total } => join(values, *total),
            Value::Tags { values, total } => join(values, *total),
            Value::Bytes { len, head } => {
                let hex: Vec<String> = head.iter().map(|b| format!("{b:02X}")).collect();
                let more = if *len > head.len() { " ..." } else { "" };
                format!("({len} bytes) {}{more}", hex.join(" "))
            }
            Value::Sequence { items } => format!("(sequence, {items} item(s))"),
            Value::Fragments { count } => format!("(encapsulated, {count} fragment(s))"),
            Value::Invalid { reason, .. } => format!("(invalid: {reason})"),
        }
    }
}

/// Decodes a text value of `vr`. Values are split at backslashes (except for
/// LT, ST, UT and UR), then trailing spaces and NULs are trimmed, and
/// leading spaces too where PS3.5 section 6.2 says they are not significant
/// (AE, CS, DS, IS, LO, SH).
pub fn decode_text(raw: &[u8], vr: Vr, charset: &Charset) -> Value {
    if raw.is_empty() {
        return Value::Empty;
    }
    let mut note = None;
    let raw = if raw.len() > MAX_TEXT_BYTES {
        note = Some(format!(
            "first {MAX_TEXT_BYTES} of {} bytes shown",
            raw.len()
        ));
        &raw[..MAX_TEXT_BYTES]
    } else {
        raw
    };
    let charset = if vr.uses_specific_character_set() {
        charset
    } else {
        &Charset::Default
    };
    // Decode first, then split: in GBK, GB18030 and the JIS sets a 5C byte
    // can be half of a character rather than a backslash. Undecoded sets
    // show bytes as `\xNN`, so they are split first.
    let pieces: Vec<&[u8]> = match charset {
        Charset::Other(_) if !vr.is_single_valued_text() => raw.split(|&b| b == b'\\').collect(),
        _ => vec![raw],
    };
    let mut decoded = Vec::with_capacity(pieces.len());
    for piece in pieces {
        let (text, problem) = charset.decode(piece, vr == Vr::PN);
        if note.is_none() {
            note = problem;
        }
        decoded.push(text);
    }
    let parts: Vec<&str> = if vr.is_single_valued_text() || matches!(charset, Charset::Other(_)) {
        decoded.iter().map(String::as_str).collect()
    } else {
        decoded.iter().flat_map(|t| t.split('\\')).collect()
    };
    let trim_leading = matches!(vr, Vr::AE | Vr::CS | Vr::DS | Vr::IS | Vr::LO | Vr::SH);
    let mut values = Vec::with_capacity(parts.len());
    for part in parts {
        let text = part.trim_end_matches([' ', '\0']);
        let text = if trim_leading {
            text.trim_start_matches(' ')
        } else {
            text
        };
        values.push(text.to_string());
    }
    if values.len() == 1 && values[0].is_empty() {
        // Only padding: no value.
        values.clear();
    }
    Value::Text { values, note }
}

/// Decodes a binary value of `vr` in the given byte order. Only the first
/// [`MAX_NUMBERS`] numbers are decoded; OB, UN and pixel data get a
/// [`Value::Bytes`] preview.
pub fn decode_binary(raw: &[u8], vr: Vr, big_endian: bool, preview_only: bool) -> Value {
    if raw.is_empty() {
        return Value::Empty;
    }
    let size = match vr.binary_size() {
        Some(size) if size > 1 && !preview_only => size,
        _ => return bytes_preview(raw),
    };
    if !raw.len().is_multiple_of(size) {
        return Value::Invalid {
            reason: format!(
                "length {} is not a multiple of {size}, the size of one {vr} value",
                raw.len()
            ),
            head: raw.iter().take(PREVIEW_BYTES).copied().collect(),
        };
    }
    let total = raw.len() / size;
    let chunks = raw.chunks_exact(size).take(MAX_NUMBERS);
    let word = |c: &[u8]| -> u64 {
        let mut n = 0u64;
        if big_endian {
            for &b in c {
                n = (n << 8) | u64::from(b);
            }
        } else {
            for &b in c.iter().rev() {
                n = (n << 8) | u64::from(b);
            }
        }
        n
    };
    match vr {
        Vr::US | Vr::UL | Vr::UV | Vr::OW | Vr::OL | Vr::OV => Value::Unsigned {
            values: chunks.map(word).collect(),
            total,
        },
        Vr::SS => Value::Signed {
            values: chunks.map(|c| i64::from(word(c) as u16 as i16)).collect(),
            total,
        },
        Vr::SL => Value::Signed {
            values: chunks.map(|c| i64::from(word(c) as u32 as i32)).collect(),
            total,
        },
        Vr::SV => Value::Signed {
            values: chunks.map(|c| word(c) as i64).collect(),
            total,
        },
        Vr::FL | Vr::OF => Value::Float {
            values: chunks
                .map(|c| f64::from(f32::from_bits(word(c) as u32)))
                .collect(),
            total,
        },
        Vr::FD | Vr::OD => Value::Float {
            values: chunks.map(|c| f64::from_bits(word(c))).collect(),
            total,
        },
        Vr::AT => {
            // Two 16-bit numbers, group then element, each in the byte order.
            let values = chunks
                .map(|c| {
                    let g = word(&c[..2]) as u16;
                    let e = word(&c[2..]) as u16;
                    Tag(g, e)
                })
                .collect();
            Value::Tags { values, total }
        }
        _ => bytes_preview(raw),
    }
}

/// A [`Value::Bytes`] summary of raw bytes.
pub fn bytes_preview(raw: &[u8]) -> Value {
    Value::Bytes {
        len: raw.len(),
        head: raw.iter().take(PREVIEW_BYTES).copied().collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(v: &Value) -> Vec<String> {
        match v {
            Value::Text { values, .. } => values.clone(),
            other => panic!("not text: {other:?}"),
        }
    }

    #[test]
    fn text_is_split_and_trimmed_by_vr() {
        let v = decode_text(b"ORIGINAL\\PRIMARY\\AXIAL ", Vr::CS, &Charset::Default);
        assert_eq!(text(&v), ["ORIGINAL", "PRIMARY", "AXIAL"]);
        let v = decode_text(b"1.2.840.10008.1.2\0", Vr::UI, &Charset::Default);
        assert_eq!(text(&v), ["1.2.840.10008.1.2"]);
        let v = decode_text(b"  a\\b  ", Vr::LT, &Charset::Default);
        assert_eq!(
            text(&v),
            ["  a\\b"],
            "LT keeps backslashes and leading spaces"
        );
        let v = decode_text(b" 12", Vr::IS, &Charset::Default);
        assert_eq!(text(&v), ["12"]);
        assert_eq!(decode_text(b"", Vr::PN, &Charset::Default), Value::Empty);
    }

    #[test]
    fn character_sets() {
        let cs =
            |v: &[&str]| Charset::from_values(&v.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        let latin = decode_text(b"M\xfcller^J\xe9r\xf4me", Vr::PN, &cs(&["ISO_IR 100"]));
        assert_eq!(text(&latin), ["Müller^Jérôme"]);
        let utf8 = decode_text("Müller".as_bytes(), Vr::PN, &Charset::Utf8);
        assert_eq!(text(&utf8), ["Müller"]);
        let Value::Text { note, .. } = decode_text(b"\xff", Vr::LO, &Charset::Utf8) else {
            panic!()
        };
        assert!(note.unwrap().contains("invalid UTF-8"));
        let Value::Text { values, note } = decode_text(b"A\xe9", Vr::LO, &cs(&["ISO_IR 999"]))
        else {
            panic!()
        };
        assert_eq!(values, ["A\\xE9"]);
        assert_eq!(
            note.as_deref(),
            Some("not decoded: ISO_IR 999; bytes other than ASCII shown as \\xNN")
        );
        // A 5C byte inside a two-byte character is not a value delimiter.
        let jis = decode_text(b"\x1b$B0\\\x1b(B\\b", Vr::LO, &cs(&["", "ISO 2022 IR 87"]));
        assert_eq!(text(&jis), ["\u{79FB}", "b"]);
        let gbk = decode_text(b"\x81\\\\b", Vr::LO, &cs(&["GBK"]));
        assert_eq!(text(&gbk), ["\u{4E57}", "b"]);
        // Values that Specific Character Set does not govern stay ASCII.
        let Value::Text { values, .. } =
            decode_text(b"\x1b$B0", Vr::CS, &cs(&["", "ISO 2022 IR 87"]))
        else {
            panic!()
        };
        assert_eq!(values, ["\u{1b}$B0"]);
    }

    #[test]
    fn numbers_in_both_byte_orders() {
        assert_eq!(
            decode_binary(&[0x00, 0x02, 0x01, 0x00], Vr::US, false, false),
            Value::Unsigned {
                values: vec![512, 1],
                total: 2
            }
        );
        assert_eq!(
            decode_binary(&[0x00, 0x02], Vr::US, true, false),
            Value::Unsigned {
                values: vec![2],
                total: 1
            }
        );
        assert_eq!(
            decode_binary(&[0xFE, 0xFF], Vr::SS, false, false),
            Value::Signed {
                values: vec![-2],
                total: 1
            }
        );
        assert_eq!(
            decode_binary(&1.5f32.to_be_bytes(), Vr::FL, true, false),
            Value::Float {
                values: vec![1.5],
                total: 1
            }
        );
        assert_eq!(
            decode_binary(&[0xE0, 0x7F, 0x10, 0x00], Vr::AT, false, false),
            Value::Tags {
                values: vec![Tag::PIXEL_DATA],
                total: 1
            }
        );
        assert!(matches!(
            decode_binary(&[1, 2, 3], Vr::US, false, false),
            Value::Invalid { .. }
        ));
        let many = vec![0u8; 2 * (MAX_NUMBERS + 5)];
        let Value::Unsigned { values, total } = decode_binary(&many, Vr::OW, false, false) else {
            panic!()
        };
        assert_eq!((values.len(), total), (MAX_NUMBERS, MAX_NUMBERS + 5));
        let Value::Bytes { len, head } = decode_binary(&many, Vr::OW, false, true) else {
            panic!()
        };
        assert_eq!((len, head.len()), (many.len(), PREVIEW_BYTES));
    }
}
