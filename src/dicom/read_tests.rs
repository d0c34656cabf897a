//! Unit tests of the reader on hand-built byte arrays.

use super::testutil::{assert_cover, ex, im, item_header, le, part10};
use super::*;

const EXPLICIT_LE: &str = "1.2.840.10008.1.2.1";
const IMPLICIT_LE: &str = "1.2.840.10008.1.2";
const EXPLICIT_BE: &str = "1.2.840.10008.1.2.2";
const JPEG: &str = "1.2.840.10008.1.2.4.50";

fn text(el: &Element) -> Vec<String> {
    match &el.value {
        Value::Text { values, .. } => values.clone(),
        other => panic!("{} is not text: {other:?}", el.tag),
    }
}

fn unsigned(el: &Element) -> Vec<u64> {
    match &el.value {
        Value::Unsigned { values, .. } => values.clone(),
        other => panic!("{} is not unsigned: {other:?}", el.tag),
    }
}

#[test]
fn part10_explicit_little_endian_spans() {
    let mut body = le(0x0008, 0x0060, "CS", b"CT");
    body.extend(le(0x0010, 0x0010, "PN", b"Doe^Jane"));
    body.extend(le(0x0028, 0x0010, "US", &512u16.to_le_bytes()));
    body.extend(le(0x0009, 0x0010, "LO", b"ACME"));
    body.extend(le(0x7FE0, 0x0010, "OW", &[1, 2, 3, 4]));
    let bytes = part10(EXPLICIT_LE, &body);
    let p = read(&bytes);
    assert_eq!(p.error, None);
    assert_eq!(
        p.preamble,
        Some(Span {
            offset: 0,
            len: 128
        })
    );
    assert_eq!(
        p.magic,
        Some(Span {
            offset: 128,
            len: 4
        })
    );
    assert_eq!(p.transfer_syntax, TransferSyntax::EXPLICIT_VR_LITTLE_ENDIAN);
    assert!(!p.transfer_syntax_inferred);
    assert_eq!(p.meta.len(), 5);
    assert_eq!(p.meta[0].tag, Tag::FILE_META_GROUP_LENGTH);
    assert_eq!(p.text(Tag::TRANSFER_SYNTAX_UID), Some(EXPLICIT_LE));
    assert_eq!(p.dataset.len(), 5);

    let start = p.dataset_offset;
    assert_eq!(start, bytes.len() - body.len());
    let cs = &p.dataset[0];
    assert_eq!(
        cs.tag_span,
        Span {
            offset: start,
            len: 4
        }
    );
    assert_eq!(
        cs.vr_span,
        Some(Span {
            offset: start + 4,
            len: 2
        })
    );
    assert_eq!(cs.reserved_span, None);
    assert_eq!(
        cs.length_span,
        Span {
            offset: start + 6,
            len: 2
        }
    );
    assert_eq!(
        cs.value_span,
        Span {
            offset: start + 8,
            len: 2
        }
    );
    assert_eq!(cs.length, Length::Defined(2));
    assert_eq!(
        cs.length_encoding,
        LengthEncoding {
            size: 2,
            big_endian: false
        }
    );
    assert_eq!(text(cs), ["CT"]);
    assert_eq!(cs.keyword(), "Modality");
    assert_eq!(unsigned(&p.dataset[2]), [512]);
    assert_eq!(p.dataset[3].keyword(), "PrivateCreator");

    let px = &p.dataset[4];
    let px_start = px.span.offset;
    assert_eq!(
        px.reserved_span,
        Some(Span {
            offset: px_start + 6,
            len: 2
        })
    );
    assert_eq!(
        px.length_span,
        Span {
            offset: px_start + 8,
            len: 4
        }
    );
    assert_eq!(
        px.value,
        Value::Bytes {
            len: 4,
            head: vec![1, 2, 3, 4]
        }
    );
    assert_eq!(
        px.length_explanation(),
        "length bytes 04 00 00 00 read as 4-byte little endian = 4 (0x00000004)"
    );
    assert_cover(&p);
    let r = p.element_at(px_start + 13).unwrap();
    assert_eq!(
        r,
        ElementRef {
            part: Part::Dataset,
            path: vec![4]
        }
    );
    assert_eq!(p.element_at(130), None, "magic belongs to no element");
    assert_eq!(p.element_at(140).map(|r| r.part), Some(Part::Meta));
}

#[test]
fn implicit_vr_takes_vrs_from_the_dictionary() {
    let mut body = im(0x0008, 0x0005, b"ISO_IR 100", None);
    body.extend(im(0x0010, 0x0010, b"M\xfcller^J\xe9r\xf4me", None));
    body.extend(im(0x0028, 0x0103, &1u16.to_le_bytes(), None));
    body.extend(im(0x0028, 0x0106, &(-5i16).to_le_bytes(), None));
    body.extend(im(0x0029, 0x0010, b"ACME 1.0", None));
    body.extend(im(0x0029, 0x1001, &[9, 8, 7], None));
    body.extend(im(0x0051, 0x0002, &[1, 2], None));
    let p = read(&part10(IMPLICIT_LE, &body));
    assert_eq!(p.error, None);
    let d = &p.dataset;
    assert_eq!(d.len(), 7);
    assert!(d.iter().all(|e| !e.vr_explicit && e.vr_span.is_none()));
    assert_eq!((d[1].vr, d[1].vr_source), (Vr::PN, VrSource::Dictionary));
    assert_eq!(text(&d[1]), ["Müller^Jérôme"], "ISO_IR 100 decodes Latin-1");
    assert_eq!(
        (d[3].vr, d[3].vr_source),
        (Vr::SS, VrSource::DictionaryChoice)
    );
    assert_eq!(
        d[3].value,
        Value::Signed {
            values: vec![-5],
            total: 1
        }
    );
    assert_eq!(
        (d[4].vr, d[4].vr_source),
        (Vr::LO, VrSource::PrivateCreator)
    );
    assert_eq!((d[5].vr, d[5].vr_source), (Vr::UN, VrSource::Unknown));
    assert_eq!(d[5].name(), "Private tag (creator (0029,0010))");
    assert_eq!(d[6].vr, Vr::UN);
    assert_eq!(
        d[1].length_encoding,
        LengthEncoding {
            size: 4,
            big_endian: false
        }
    );
    assert_cover(&p);
}

#[test]
fn explicit_big_endian() {
    let mut body = ex(0x0008, 0x0060, "CS", b"MR", true, None);
    body.extend(ex(0x0028, 0x0010, "US", &256u16.to_be_bytes(), true, None));
    body.extend(ex(0x0028, 0x1052, "DS", b"-1024 ", true, None));
    body.extend(ex(
        0x0018,
        0x9087,
        "FD",
        &1000.5f64.to_be_bytes(),
        true,
        None,
    ));
    body.extend(ex(
        0x0020,
        0x9165,
        "AT",
        &[0x00, 0x20, 0x00, 0x32],
        true,
        None,
    ));
    body.extend(ex(0x7FE0, 0x0010, "OW", &[0, 1, 0, 2], true, None));
    let p = read(&part10(EXPLICIT_BE, &body));
    assert_eq!(p.error, None);
    let d = &p.dataset;
    assert_eq!(d[0].tag, Tag(0x0008, 0x0060), "tag read big endian");
    assert_eq!(unsigned(&d[1]), [256]);
    assert!(d[1].big_endian);
    assert_eq!(text(&d[2]), ["-1024"]);
    assert_eq!(
        d[3].value,
        Value::Float {
            values: vec![1000.5],
            total: 1
        }
    );
    assert_eq!(
        d[4].value,
        Value::Tags {
            values: vec![Tag(0x0020, 0x0032)],
            total: 1
        }
    );
    assert_eq!(
        d[5].length_explanation(),
        "length bytes 00 00 00 04 read as 4-byte big endian = 4 (0x00000004)"
    );
    assert_cover(&p);
}

/// A sequence of undefined length holding an item of undefined length that
/// holds a defined-length sequence with one defined-length item.
fn nested_sequences() -> Vec<u8> {
    let inner_item_body = le(0x0008, 0x1150, "UI", b"1.2.3\0");
    let mut inner_item = item_header(0xE000, inner_item_body.len() as u32, false);
    inner_item.extend(&inner_item_body);
    let inner_seq = ex(0x0008, 0x1140, "SQ", &inner_item, false, None);
    let mut outer_item = item_header(0xE000, u32::MAX, false);
    outer_item.extend(le(0x0008, 0x0100, "SH", b"T-1234"));
    outer_item.extend(&inner_seq);
    outer_item.extend(item_header(0xE00D, 0, false));
    let mut body = ex(0x0040, 0x0260, "SQ", &outer_item, false, Some(u32::MAX));
    body.extend(item_header(0xE0DD, 0, false));
    body.extend(le(0x0040, 0x0261, "CS", b"AB"));
    body
}

#[test]
fn nested_sequences_defined_and_undefined() {
    let body = nested_sequences();
    let p = read(&part10(EXPLICIT_LE, &body));
    assert_eq!(p.error, None);
    assert_eq!(p.dataset.len(), 2);
    let seq = &p.dataset[0];
    assert_eq!((seq.vr, seq.length), (Vr::SQ, Length::Undefined));
    assert_eq!(seq.items.len(), 1);
    let delim = seq.sequence_delimiter.expect("sequence delimiter");
    assert_eq!(delim.span().end(), seq.span.end());
    assert_eq!(seq.value_span.end(), delim.tag_span.offset);
    let item = &seq.items[0];
    assert_eq!(item.length, Length::Undefined);
    assert!(item.delimiter.is_some());
    assert_eq!(item.elements.len(), 2);
    let inner = &item.elements[1];
    assert_eq!((inner.vr, inner.items.len()), (Vr::SQ, 1));
    assert!(matches!(inner.length, Length::Defined(_)));
    assert_eq!(inner.items[0].length, Length::Defined(14));
    let uid = &inner.items[0].elements[0];
    assert_eq!(text(uid), ["1.2.3"]);

    let r = p.element_at(uid.value_span.offset + 1).expect("inside");
    assert_eq!(r.path, vec![0, 0, 1, 0, 0]);
    assert_eq!(r.depth(), 2);
    assert_eq!(p.element(&r).map(|e| e.tag), Some(Tag(0x0008, 0x1150)));
    assert_eq!(
        p.element_at(item.tag_span.offset).map(|r| r.path),
        Some(vec![0])
    );
    assert_cover(&p);

    let listing = dump(&p);
    assert!(listing.contains("(FFFE,E00D)"), "{listing}");
    assert!(
        listing.contains("      (0008,1150) UI"),
        "indented twice: {listing}"
    );
    let rows = tree(&p);
    assert_eq!(rows.iter().filter(|r| r.kind == RowKind::Item).count(), 2);
    assert_eq!(
        rows.last().map(|r| r.keyword.as_str()),
        Some("PerformedProtocolType")
    );
}

#[test]
fn implicit_sequences_are_found_by_dictionary_and_undefined_length() {
    // (0008,1140) SQ by dictionary, defined length; a private element of
    // undefined length is read as a sequence too.
    let it = im(0x0008, 0x1150, b"1.2\0", None);
    let mut item = item_header(0xE000, it.len() as u32, false);
    item.extend(&it);
    let mut body = im(0x0008, 0x1140, &item, None);
    let mut priv_item = item_header(0xE000, u32::MAX, false);
    priv_item.extend(im(0x0009, 0x0010, b"ACME", None));
    priv_item.extend(item_header(0xE00D, 0, false));
    body.extend(im(0x0009, 0x0010, b"ACME", None));
    body.extend(im(0x0009, 0x1001, &priv_item, Some(u32::MAX)));
    body.extend(item_header(0xE0DD, 0, false));
    let p = read(&part10(IMPLICIT_LE, &body));
    assert_eq!(p.error, None);
    assert_eq!((p.dataset[0].vr, p.dataset[0].items.len()), (Vr::SQ, 1));
    let private = &p.dataset[2];
    assert_eq!(
        (private.vr, private.vr_source),
        (Vr::SQ, VrSource::UndefinedLengthSequence)
    );
    assert_eq!(private.items[0].elements.len(), 1);
    assert_cover(&p);
}

#[test]
fn un_of_undefined_length_holds_implicit_items() {
    let mut item = item_header(0xE000, u32::MAX, false);
    item.extend(im(0x0008, 0x0100, b"CODE01", None));
    item.extend(item_header(0xE00D, 0, false));
    let mut body = ex(0x0011, 0x0010, "LO", b"ACME", false, None);
    body.extend(ex(0x0011, 0x1001, "UN", &item, false, Some(u32::MAX)));
    body.extend(item_header(0xE0DD, 0, false));
    let p = read(&part10(EXPLICIT_LE, &body));
    assert_eq!(p.error, None);
    let un = &p.dataset[1];
    assert_eq!((un.vr, un.items.len()), (Vr::UN, 1));
    let inner = &un.items[0].elements[0];
    assert!(
        !inner.vr_explicit,
        "items of UN are implicit VR (PS3.5 6.2.2)"
    );
    assert_eq!(text(inner), ["CODE01"]);
    assert_cover(&p);
}

fn encapsulated() -> Vec<u8> {
    let mut px = item_header(0xE000, 4, false);
    px.extend(0u32.to_le_bytes());
    px.extend(item_header(0xE000, 6, false));
    px.extend([0xFF, 0xD8, 0xFF, 0xE0, 0xFF, 0xD9]);
    let mut body = le(0x0028, 0x0010, "US", &8u16.to_le_bytes());
    body.extend(ex(0x7FE0, 0x0010, "OB", &px, false, Some(u32::MAX)));
    body.extend(item_header(0xE0DD, 0, false));
    body
}

#[test]
fn encapsulated_pixel_data_lists_fragments() {
    let p = read(&part10(JPEG, &encapsulated()));
    assert_eq!(p.error, None);
    assert!(p.transfer_syntax.encapsulated);
    let px = &p.dataset[1];
    assert_eq!(px.value, Value::Fragments { count: 2 });
    assert_eq!(px.fragments.len(), 2);
    assert_eq!(px.fragments[0].length, 4, "basic offset table");
    assert_eq!(px.fragments[1].length, 6);
    assert!(px.sequence_delimiter.is_some());
    let rs = regions(&p);
    let kinds: Vec<RegionKind> = rs.iter().rev().take(4).map(|r| r.kind).collect();
    assert_eq!(
        kinds,
        [
            RegionKind::SequenceDelimiter,
            RegionKind::FragmentValue,
            RegionKind::FragmentLength,
            RegionKind::FragmentTag
        ]
    );
    assert_cover(&p);
    assert!(dump(&p).contains("Basic Offset Table"));
}

#[test]
fn deflated_is_reported_at_the_data_set_with_the_meta_group() {
    let bytes = part10("1.2.840.10008.1.2.1.99", &[0x63, 0x60, 0x00, 0x01]);
    let p = read(&bytes);
    let e = p.error.clone().expect("error");
    assert_eq!(e.offset, bytes.len() - 4);
    assert!(e.message.contains("deflated"), "{e}");
    assert_eq!(p.meta.len(), 5);
    assert!(p.dataset.is_empty());
    assert_cover(&p);
    let rs = regions(&p);
    assert_eq!(
        rs.last().map(|r| (r.kind, r.span.len)),
        Some((RegionKind::Unparsed, 4))
    );
}

#[test]
fn truncation_reports_offset_and_keeps_what_was_read() {
    let mut body = le(0x0008, 0x0060, "CS", b"CT");
    body.extend(le(0x0010, 0x0010, "PN", b"Doe^Jane"));
    let start = body.len();
    body.extend(ex(0x7FE0, 0x0010, "OW", &[0; 8], false, Some(4294)));
    let bytes = part10(EXPLICIT_LE, &body);
    let p = read(&bytes);
    let e = p.error.clone().expect("error");
    let offset = bytes.len() - body.len() + start + 8;
    assert_eq!(e.offset, offset, "the length field");
    assert_eq!(
        e.to_string(),
        format!(
            "offset 0x{offset:08X} ({offset}): element (7FE0,0010) OW: value length 4294 runs past the end of the input ({} bytes)",
            bytes.len()
        )
    );
    assert_eq!(p.dataset.len(), 2, "elements before the fault are kept");
    assert_cover(&p);
}

#[test]
fn truncation_at_every_offset_never_panics() {
    let mut body = nested_sequences();
    body.extend(encapsulated());
    for ts in [EXPLICIT_LE, JPEG] {
        let bytes = part10(ts, &body);
        let whole = read(&bytes);
        assert_eq!(whole.error, None);
        // Cutting between two top-level data set elements leaves a valid,
        // shorter data set; any other cut after the magic is an error.
        let mut boundaries: Vec<usize> = whole.dataset.iter().map(|e| e.span.offset).collect();
        boundaries.push(bytes.len());
        for cut in 0..bytes.len() {
            let p = read(&bytes[..cut]);
            assert_cover(&p);
            if cut > 132 && !boundaries.contains(&cut) {
                let e = p
                    .error
                    .as_ref()
                    .unwrap_or_else(|| panic!("no error at cut {cut}"));
                assert!(e.offset <= cut, "cut {cut}: {e}");
                assert!(!e.message.is_empty());
            }
        }
    }
    // Implicit VR too.
    let mut body = im(0x0008, 0x0060, b"CT", None);
    body.extend(im(0x0010, 0x0010, b"Doe^Jane", None));
    let bytes = part10(IMPLICIT_LE, &body);
    let second = bytes.len() - body.len() + 10;
    for cut in 133..bytes.len() {
        let p = read(&bytes[..cut]);
        assert_cover(&p);
        let boundary = cut == bytes.len() - body.len() || cut == second;
        assert_eq!(p.error.is_some(), !boundary, "cut {cut}");
    }
}

#[test]
fn bare_data_sets_are_detected_and_say_so() {
    let mut e = le(0x0008, 0x0060, "CS", b"CT");
    e.extend(le(0x0010, 0x0020, "LO", b"ID01"));
    let p = read(&e);
    assert_eq!(
        (p.transfer_syntax, p.transfer_syntax_inferred),
        (TransferSyntax::EXPLICIT_VR_LITTLE_ENDIAN, true)
    );
    assert!(
        p.notes
            .iter()
            .any(|n| n.contains("explicit VR little endian inferred")),
        "{:?}",
        p.notes
    );
    assert_eq!(p.dataset.len(), 2);
    assert_eq!(p.preamble, None);

    let mut b = ex(0x0008, 0x0060, "CS", b"CT", true, None);
    b.extend(ex(0x0028, 0x0010, "US", &[0x02, 0x00], true, None));
    let p = read(&b);
    assert_eq!(p.transfer_syntax, TransferSyntax::EXPLICIT_VR_BIG_ENDIAN);
    assert_eq!(unsigned(&p.dataset[1]), [512]);

    let i = im(0x0008, 0x0060, b"CT", None);
    let p = read(&i);
    assert_eq!(p.transfer_syntax, TransferSyntax::IMPLICIT_VR_LITTLE_ENDIAN);
    assert_eq!(text(&p.dataset[0]), ["CT"]);

    // A bare data set that starts with a meta group.
    let file = part10(IMPLICIT_LE, &i);
    let p = read(&file[132..]);
    assert_eq!(p.meta.len(), 5);
    assert!(!p.transfer_syntax_inferred);
    assert_eq!(p.dataset.len(), 1);

    // read_dataset with a given syntax does no detection.
    let p = read_dataset(&i, TransferSyntax::IMPLICIT_VR_LITTLE_ENDIAN);
    assert!(!p.transfer_syntax_inferred);
    assert_eq!(p.dataset.len(), 1);
    assert_cover(&p);
}

#[test]
fn transfer_syntax_that_contradicts_the_data_is_noted() {
    let mut body = im(0x0008, 0x0008, b"DERIVED ", None);
    body.extend(im(0x0008, 0x0060, b"OT", None));
    let p = read(&part10(JPEG, &body));
    assert_eq!(p.error, None);
    assert!(p.transfer_syntax_inferred);
    assert!(!p.transfer_syntax.explicit_vr);
    assert!(p.notes.iter().any(|n| n.contains("implicit VR")));
    assert_eq!(text(&p.dataset[1]), ["OT"]);
}

#[test]
fn malformed_inputs_give_clear_errors() {
    // A VR that is not one.
    let mut body = le(0x0008, 0x0060, "CS", b"CT");
    body.extend(ex(0x0010, 0x0010, "ZZ", b"ab", false, None));
    let p = read(&part10(EXPLICIT_LE, &body));
    let e = p.error.clone().unwrap();
    assert!(
        e.message.contains("5A 5A (ZZ)") && e.message.contains("not a VR"),
        "{e}"
    );
    assert_eq!(p.dataset.len(), 1);
    assert_cover(&p);

    // Undefined length on a VR that cannot have it.
    let body = ex(0x0010, 0x0010, "UT", b"", false, Some(u32::MAX));
    let e = read(&part10(EXPLICIT_LE, &body)).error.unwrap();
    assert!(e.message.contains("undefined length"), "{e}");

    // A stray delimiter at the top level.
    let body = item_header(0xE0DD, 0, false);
    let e = read(&part10(EXPLICIT_LE, &body)).error.unwrap();
    assert!(e.message.contains("Sequence Delimitation Item"), "{e}");

    // A sequence item that is not an item.
    let bad = le(0x0008, 0x0100, "SH", b"XX");
    let body = ex(0x0008, 0x1140, "SQ", &bad, false, None);
    let p = read(&part10(EXPLICIT_LE, &body));
    assert!(p.error.unwrap().message.contains("expected an Item tag"));

    // An item of undefined length that never ends.
    let mut it = item_header(0xE000, u32::MAX, false);
    it.extend(le(0x0008, 0x0100, "SH", b"XX"));
    let body = ex(0x0008, 0x1140, "SQ", &it, false, Some(u32::MAX));
    let p = read(&part10(EXPLICIT_LE, &body));
    assert!(p
        .error
        .clone()
        .unwrap()
        .message
        .contains("Item Delimitation Item"));
    assert_eq!(p.dataset[0].items[0].elements.len(), 1, "partial item kept");
    assert_cover(&p);
}

#[test]
fn deep_nesting_is_refused_without_overflowing_the_stack() {
    let mut body = Vec::new();
    for _ in 0..(MAX_DEPTH + 10) {
        body.extend(ex(0x0008, 0x1140, "SQ", &[], false, Some(u32::MAX)));
        body.extend(item_header(0xE000, u32::MAX, false));
    }
    let p = read(&part10(EXPLICIT_LE, &body));
    let e = p.error.clone().unwrap();
    assert!(e.message.contains("nested more than"), "{e}");
    assert_cover(&p);
}

#[test]
fn utf8_and_unsupported_character_sets() {
    let mut body = le(0x0008, 0x0005, "CS", b"ISO_IR 192");
    body.extend(le(0x0010, 0x0010, "PN", "Wang^XiaoDong=王^小東".as_bytes()));
    let p = read(&part10(EXPLICIT_LE, &body));
    assert_eq!(text(&p.dataset[1]), ["Wang^XiaoDong=王^小東"]);

    let mut body = le(0x0008, 0x0005, "CS", b"ISO_IR 144");
    body.extend(le(0x0010, 0x0010, "PN", b"\xbb\xe0\xd1"));
    let p = read(&part10(EXPLICIT_LE, &body));
    assert_eq!(text(&p.dataset[1]), ["Лрб"]);

    let mut body = le(0x0008, 0x0005, "CS", b"ISO_IR 999");
    body.extend(le(0x0010, 0x0010, "PN", b"\xbb\xe0\xd1"));
    let p = read(&part10(EXPLICIT_LE, &body));
    let Value::Text { note, .. } = &p.dataset[1].value else {
        panic!()
    };
    assert!(note
        .as_deref()
        .unwrap_or("")
        .contains("not decoded: ISO_IR 999"));
}

#[test]
fn parsed_round_trips_through_json() {
    let p = read(&part10(EXPLICIT_LE, &nested_sequences()));
    let json = serde_json::to_string(&p).unwrap();
    let back: Parsed = serde_json::from_str(&json).unwrap();
    assert_eq!(back, p);
}
