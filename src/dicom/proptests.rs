//! Property tests: the reader never panics, and the byte regions always
//! cover the input exactly once, for arbitrary bytes, for arbitrary bytes
//! after a valid file header, and for valid files with bytes changed.

use proptest::prelude::*;

use super::testutil::{assert_cover, ex, im, item_header, le, part10};
use super::*;

/// A small valid file with a nested sequence, a private element and
/// encapsulated pixel data, in the given transfer syntax (explicit LE or an
/// encapsulated one) or implicit VR.
fn sample(implicit: bool) -> Vec<u8> {
    if implicit {
        let mut item = item_header(0xE000, u32::MAX, false);
        item.extend(im(0x0008, 0x1150, b"1.2.3\0", None));
        item.extend(item_header(0xE00D, 0, false));
        let mut body = im(0x0008, 0x0005, b"ISO_IR 100", None);
        body.extend(im(0x0008, 0x1140, &item, Some(u32::MAX)));
        body.extend(item_header(0xE0DD, 0, false));
        body.extend(im(0x0028, 0x0103, &[1, 0], None));
        body.extend(im(0x0028, 0x0106, &[0xFF, 0xFF], None));
        body.extend(im(0x7FE0, 0x0010, &[1, 2, 3, 4], None));
        return part10("1.2.840.10008.1.2", &body);
    }
    let it = le(0x0008, 0x0100, "SH", b"T-1234");
    let mut item = item_header(0xE000, it.len() as u32, false);
    item.extend(&it);
    let mut body = le(0x0008, 0x0060, "CS", b"CT");
    body.extend(ex(0x0008, 0x1140, "SQ", &item, false, None));
    body.extend(le(0x0011, 0x0010, "LO", b"ACME"));
    body.extend(ex(0x0011, 0x1001, "UN", &[5, 6], false, None));
    let mut px = item_header(0xE000, 0, false);
    px.extend(item_header(0xE000, 2, false));
    px.extend([0xFF, 0xD9]);
    body.extend(ex(0x7FE0, 0x0010, "OB", &px, false, Some(u32::MAX)));
    body.extend(item_header(0xE0DD, 0, false));
    part10("1.2.840.10008.1.2.4.50", &body)
}

fn check(bytes: &[u8]) {
    let p = read(bytes);
    assert_eq!(p.len, bytes.len());
    assert_cover(&p);
    if let Some(e) = &p.error {
        assert!(e.offset <= bytes.len(), "{e}");
    }
    // Every offset maps to an element that exists (or none).
    for offset in (0..bytes.len()).step_by(7) {
        if let Some(r) = p.element_at(offset) {
            let el = p.element(&r).expect("element_at gives a valid reference");
            assert!(el.span.contains(offset));
        }
    }
    let _ = dump(&p);
    let _ = tree(&p);
    for ts in [
        TransferSyntax::IMPLICIT_VR_LITTLE_ENDIAN,
        TransferSyntax::EXPLICIT_VR_LITTLE_ENDIAN,
        TransferSyntax::EXPLICIT_VR_BIG_ENDIAN,
    ] {
        assert_cover(&read_dataset(bytes, ts));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        check(&bytes);
    }

    #[test]
    fn arbitrary_bytes_after_a_header(
        implicit in any::<bool>(),
        tail in proptest::collection::vec(any::<u8>(), 0..400),
    ) {
        let mut bytes = sample(implicit);
        let header = bytes.len() - (bytes.len() - 132).min(120);
        bytes.truncate(header);
        bytes.extend(tail);
        check(&bytes);
    }

    #[test]
    fn valid_files_with_changed_bytes(
        implicit in any::<bool>(),
        changes in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..6),
        cut in any::<usize>(),
    ) {
        let mut bytes = sample(implicit);
        prop_assert!(read(&bytes).error.is_none());
        for (at, b) in changes {
            let n = bytes.len();
            bytes[132 + at % (n - 132)] = b;
        }
        let n = bytes.len();
        bytes.truncate(132 + cut % (n - 131));
        check(&bytes);
    }
}
