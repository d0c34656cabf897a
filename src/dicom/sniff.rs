//! Telling a file that is not DICOM at all from a damaged DICOM file, so
//! that "Explain my file" can say "this is not a DICOM file" instead of
//! reporting a nonsense tag at offset 0.

/// Why `bytes` is not DICOM, or `None` when it may be. A file is taken as
/// DICOM when it has `DICM` at offset 128 (PS3.10 section 7.1) or at
/// offset 0, or when it starts like a bare data set: a little-endian tag
/// in an even (standard) group from the file meta group (0002) up to the
/// image pixel module's (0028), the first groups a data set holds.
pub fn not_dicom(bytes: &[u8]) -> Option<String> {
    if bytes.len() >= 132 && &bytes[128..132] == b"DICM" || bytes.starts_with(b"DICM") {
        return None;
    }
    if let [g0, g1, ..] = bytes {
        let group = u16::from_le_bytes([*g0, *g1]);
        if bytes.len() >= 8 && group % 2 == 0 && (0x0002..=0x0028).contains(&group) {
            return None;
        }
    }
    let looks = looks_like(bytes)
        .map(|kind| format!(" It looks like {kind}."))
        .unwrap_or_default();
    Some(format!(
        "This is not a DICOM file: it has no DICM marker at byte 128 (PS3.10 section 7.1) \
         and does not start with a DICOM data element either.{looks}"
    ))
}

/// What a non-DICOM file probably is, from its first bytes.
fn looks_like(bytes: &[u8]) -> Option<&'static str> {
    const SIGNATURES: &[(&[u8], &str)] = &[
        (b"\x89PNG\r\n\x1a\n", "a PNG image"),
        (b"\xff\xd8\xff", "a JPEG image"),
        (b"GIF8", "a GIF image"),
        (b"%PDF-", "a PDF document"),
        (b"PK\x03\x04", "a ZIP archive (or an Office document)"),
        (b"\x1f\x8b", "a gzip archive"),
        (b"II*\x00", "a TIFF image"),
        (b"MM\x00*", "a TIFF image"),
        (
            b"MSH|",
            "an HL7 v2 message: try Explain my message in the HL7 lab",
        ),
        (
            b"\x0bMSH|",
            "an HL7 v2 message in MLLP framing: try Explain my message in the HL7 lab",
        ),
        (b"\xd0\xcf\x11\xe0", "an old Microsoft Office document"),
    ];
    if let Some((_, kind)) = SIGNATURES.iter().find(|(sig, _)| bytes.starts_with(sig)) {
        return Some(kind);
    }
    let head = &bytes[..bytes.len().min(512)];
    let texty = head
        .iter()
        .all(|&b| b == b'\t' || b == b'\n' || b == b'\r' || (0x20..0x7f).contains(&b) || b >= 0x80);
    (texty && !head.is_empty()).then_some("a text file")
}

#[cfg(test)]
mod tests {
    use super::*;

    struct File {
        bytes: Vec<u8>,
    }

    #[test]
    fn dicom_and_bare_data_sets_pass() {
        // A preamble, DICM, then (0002,0000) UL 4: the start of a Part 10 file.
        let mut bytes = vec![0u8; 128];
        bytes.extend_from_slice(b"DICM\x02\x00\x00\x00UL\x04\x00\x1a\x00\x00\x00");
        bytes.extend_from_slice(&[0xAB; 200]);
        let file = File { bytes };
        assert_eq!(not_dicom(&file.bytes), None, "a Part 10 file");
        assert_eq!(
            not_dicom(&file.bytes[132..]),
            None,
            "its meta group onwards (group 0002)"
        );
        // (0008,0005) Specific Character Set, explicit VR: a bare data set.
        assert_eq!(not_dicom(b"\x08\x00\x05\x00CS\x0a\x00ISO_IR 100"), None);
        assert_eq!(
            not_dicom(b"DICM\x02\x00\x00\x00"),
            None,
            "DICM without a preamble"
        );
        // Damaged after the marker is still DICOM: the reader says where.
        let mut cut = file.bytes.clone();
        cut.truncate(140);
        assert_eq!(not_dicom(&cut), None);
    }

    #[test]
    fn other_files_are_named() {
        let png = not_dicom(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").expect("not DICOM");
        assert!(png.starts_with("This is not a DICOM file"), "{png}");
        assert!(
            png.contains("PS3.10") && png.ends_with("It looks like a PNG image."),
            "{png}"
        );
        let pdf = not_dicom(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n").expect("not DICOM");
        assert!(pdf.contains("a PDF document"), "{pdf}");
        let hl7 =
            not_dicom(b"MSH|^~\\&|RIS|NORTHGATE|PACS|NORTHGATE|20260101||ORM^O01|1|P|2.5.1\r")
                .expect("not DICOM");
        assert!(hl7.contains("HL7 v2 message"), "{hl7}");
        let text = not_dicom(b"Patient list, 1 December\nSmith, Jane\n").expect("not DICOM");
        assert!(text.contains("a text file"), "{text}");
        // Unknown binary: no guess, still a clear refusal.
        let odd =
            not_dicom(&[0x01, 0x00, 0x00, 0x00, 0xff, 0xfe, 0x00, 0x10, 0x00]).expect("not DICOM");
        assert!(!odd.contains("looks like"), "{odd}");
        // An odd group is private, never first in a data set.
        assert!(not_dicom(b"\x09\x00\x10\x00LO\x04\x00ABCD").is_some());
    }
}
