//! Fuzzes the DICOM reader: any bytes must read without panicking, the
//! byte regions must cover the input exactly once, and every offset must
//! map back to an element that contains it.

#![no_main]

use libfuzzer_sys::fuzz_target;
use pacs_academy::dicom::{
    dump, read, read_dataset, region_at, regions, tree, RegionKind, TransferSyntax,
};

fuzz_target!(|data: &[u8]| {
    let mut parsed = vec![read(data)];
    for ts in [
        TransferSyntax::IMPLICIT_VR_LITTLE_ENDIAN,
        TransferSyntax::EXPLICIT_VR_LITTLE_ENDIAN,
        TransferSyntax::EXPLICIT_VR_BIG_ENDIAN,
    ] {
        parsed.push(read_dataset(data, ts));
    }
    for p in &parsed {
        assert_eq!(p.len, data.len());
        if let Some(e) = &p.error {
            assert!(e.offset <= data.len());
        }
        let rs = regions(p);
        let mut cursor = 0;
        for r in &rs {
            assert_eq!(r.span.offset, cursor, "regions leave a gap or overlap");
            assert!(r.span.len > 0);
            cursor = r.span.end();
            if r.kind == RegionKind::Unparsed {
                assert!(p.error.is_some(), "unparsed bytes without an error");
            }
            if let Some(el) = &r.element {
                assert!(p.element(el).is_some());
            }
        }
        assert_eq!(cursor, data.len());
        let step = (data.len() / 1024).max(1);
        for offset in (0..data.len()).step_by(step) {
            assert!(region_at(&rs, offset).is_some());
            if let Some(r) = p.element_at(offset) {
                let el = p.element(&r).expect("element_at gives a valid reference");
                assert!(el.span.contains(offset));
            }
        }
        let _ = (dump(p), tree(p));
    }
});
