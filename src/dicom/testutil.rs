//! Byte builders for the reader's tests: elements assembled by hand, byte by
//! byte, independently of any writer.

use super::read::Parsed;
use super::regions::{regions, RegionKind};

/// An explicit VR element; `long` VRs get the reserved bytes and a 4-byte
/// length. `len` overrides the length field (e.g. `Some(u32::MAX)`).
pub fn ex(g: u16, e: u16, vr: &str, value: &[u8], big: bool, len: Option<u32>) -> Vec<u8> {
    let mut out = Vec::new();
    let w16 = |out: &mut Vec<u8>, v: u16| {
        out.extend_from_slice(&if big {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        })
    };
    w16(&mut out, g);
    w16(&mut out, e);
    out.extend_from_slice(vr.as_bytes());
    let long = matches!(
        vr,
        "OB" | "OD" | "OF" | "OL" | "OV" | "OW" | "SQ" | "UC" | "UN" | "UR" | "UT" | "SV" | "UV"
    );
    let n = len.unwrap_or(value.len() as u32);
    if long {
        out.extend_from_slice(&[0, 0]);
        out.extend_from_slice(&if big {
            n.to_be_bytes()
        } else {
            n.to_le_bytes()
        });
    } else {
        w16(&mut out, n as u16);
    }
    out.extend_from_slice(value);
    out
}

/// Explicit VR little endian element.
pub fn le(g: u16, e: u16, vr: &str, value: &[u8]) -> Vec<u8> {
    ex(g, e, vr, value, false, None)
}

/// An implicit VR little endian element (`len` overrides the length).
pub fn im(g: u16, e: u16, value: &[u8], len: Option<u32>) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(&g.to_le_bytes());
    out.extend_from_slice(&e.to_le_bytes());
    out.extend_from_slice(&len.unwrap_or(value.len() as u32).to_le_bytes());
    out.extend_from_slice(value);
    out
}

/// An item or delimiter header: (FFFE,eeee) and a 4-byte length.
pub fn item_header(e: u16, len: u32, big: bool) -> Vec<u8> {
    let mut out = Vec::new();
    if big {
        out.extend_from_slice(&0xFFFEu16.to_be_bytes());
        out.extend_from_slice(&e.to_be_bytes());
        out.extend_from_slice(&len.to_be_bytes());
    } else {
        out.extend_from_slice(&0xFFFEu16.to_le_bytes());
        out.extend_from_slice(&e.to_le_bytes());
        out.extend_from_slice(&len.to_le_bytes());
    }
    out
}

/// A Part 10 file: zero preamble, `DICM`, a meta group (with group length)
/// naming `ts`, then `body`.
pub fn part10(ts: &str, body: &[u8]) -> Vec<u8> {
    let mut uid = ts.as_bytes().to_vec();
    if uid.len() % 2 == 1 {
        uid.push(0);
    }
    let mut meta = Vec::new();
    meta.extend(le(0x0002, 0x0001, "OB", &[0, 1]));
    meta.extend(le(0x0002, 0x0002, "UI", b"1.2.840.10008.5.1.4.1.1.7\0"));
    meta.extend(le(0x0002, 0x0003, "UI", b"1.2.3.4"));
    meta.extend(le(0x0002, 0x0010, "UI", &uid));
    let mut out = vec![0u8; 128];
    out.extend_from_slice(b"DICM");
    out.extend(le(0x0002, 0x0000, "UL", &(meta.len() as u32).to_le_bytes()));
    out.extend(meta);
    out.extend_from_slice(body);
    out
}

/// Asserts that the regions of `parsed` cover `0..len` exactly once, in
/// order, and that unparsed bytes appear only from the error offset on
/// (or not at all without an error).
pub fn assert_cover(parsed: &Parsed) {
    let rs = regions(parsed);
    let mut cursor = 0;
    for r in &rs {
        assert_eq!(r.span.offset, cursor, "gap or overlap at {cursor}: {r:?}");
        assert!(r.span.len > 0, "empty region {r:?}");
        cursor = r.span.end();
        if r.kind == RegionKind::Unparsed {
            let e = parsed
                .error
                .as_ref()
                .unwrap_or_else(|| panic!("unparsed bytes {r:?} without an error"));
            assert!(
                r.span.end() > e.offset || r.span.end() == parsed.len,
                "unparsed {r:?} before the error at {}",
                e.offset
            );
        }
        if let Some(el) = &r.element {
            assert!(parsed.element(el).is_some(), "dangling {el:?}");
        }
    }
    assert_eq!(
        cursor, parsed.len,
        "regions end at {cursor}, input is {}",
        parsed.len
    );
}
