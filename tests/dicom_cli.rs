//! `pacs-academy dicom dump`, run as a PACS administrator would run it, on
//! files assembled byte by byte here.
#![cfg(feature = "ssr")]

use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_pacs-academy"))
}

/// An explicit VR little endian element with a short (2-byte) length.
fn short(g: u16, e: u16, vr: &[u8; 2], value: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend(g.to_le_bytes());
    out.extend(e.to_le_bytes());
    out.extend(vr);
    out.extend((value.len() as u16).to_le_bytes());
    out.extend(value);
    out
}

/// An explicit VR little endian element with reserved bytes and a 4-byte
/// length field holding `len`.
fn long(g: u16, e: u16, vr: &[u8; 2], len: u32, value: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend(g.to_le_bytes());
    out.extend(e.to_le_bytes());
    out.extend(vr);
    out.extend([0, 0]);
    out.extend(len.to_le_bytes());
    out.extend(value);
    out
}

fn file(body: &[u8]) -> Vec<u8> {
    let mut meta = short(0x0002, 0x0002, b"UI", b"1.2.840.10008.5.1.4.1.1.7\0");
    meta.extend(short(0x0002, 0x0010, b"UI", b"1.2.840.10008.1.2.1\0"));
    let mut out = vec![0u8; 128];
    out.extend(b"DICM");
    out.extend(short(
        0x0002,
        0x0000,
        b"UL",
        &(meta.len() as u32).to_le_bytes(),
    ));
    out.extend(meta);
    out.extend(body);
    out
}

fn dump(bytes: &[u8], extra: &[&str]) -> (i32, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("in.dcm");
    std::fs::write(&path, bytes).unwrap();
    let out = bin()
        .args(["dicom", "dump"])
        .arg(&path)
        .args(extra)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn sample_body() -> Vec<u8> {
    let mut item_body = short(0x0008, 0x1150, b"UI", b"1.2.840.10008.5.1.4.1.1.2\0");
    item_body.extend(short(0x0008, 0x1155, b"UI", b"1.2.3.4"));
    let mut item = vec![0xFE, 0xFF, 0x00, 0xE0];
    item.extend((item_body.len() as u32).to_le_bytes());
    item.extend(item_body);
    let mut body = short(0x0008, 0x0060, b"CS", b"OT");
    body.extend(long(0x0008, 0x1140, b"SQ", item.len() as u32, &item));
    body.extend(short(0x0010, 0x0010, b"PN", b"Smith^Alice "));
    body.extend(short(0x0028, 0x0010, b"US", &64u16.to_le_bytes()));
    body
}

#[test]
fn dump_lists_every_element_with_offsets_and_nesting() {
    let bytes = file(&sample_body());
    let (code, out, err) = dump(&bytes, &[]);
    assert_eq!(code, 0, "{err}");
    assert!(err.is_empty(), "{err}");
    assert!(
        out.contains("Explicit VR Little Endian (1.2.840.10008.1.2.1)"),
        "{out}"
    );
    let line = |needle: &str| {
        out.lines()
            .find(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("no line with {needle} in\n{out}"))
            .to_string()
    };
    assert!(line("TransferSyntaxUID").contains("[1.2.840.10008.1.2.1]"));
    let modality = line("(0008,0060)");
    // Offset of the first data set element: 132 + 12 + meta elements.
    let first = 132 + 12 + (8 + 26) + (8 + 20);
    assert!(modality.starts_with(&format!("{first:08X}")), "{modality}");
    assert!(modality.contains("CS") && modality.contains("Modality") && modality.contains("[OT]"));
    assert!(
        line("(0010,0010)").contains("[Smith^Alice]"),
        "padding trimmed"
    );
    assert!(line("(0028,0010)").contains(" 64"));
    let nested = line("(0008,1155)");
    assert!(nested.contains("    (0008,1155) UI"), "indented: {nested}");
    assert!(line("Item #1").contains("(FFFE,E000)"));
}

#[test]
fn json_output_carries_spans() {
    let bytes = file(&sample_body());
    let (code, out, err) = dump(&bytes, &["--json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["len"], bytes.len());
    let first = &v["dataset"][0];
    assert_eq!(first["tag"], serde_json::json!([8, 0x60]));
    assert_eq!(first["vr"], "CS");
    assert_eq!(first["length_span"]["len"], 2);
}

#[test]
fn unreadable_input_prints_what_was_read_and_fails_with_the_offset() {
    let mut body = sample_body();
    let at = 132 + 12 + (8 + 26) + (8 + 20) + body.len();
    body.extend(long(0x7FE0, 0x0010, b"OW", 100_000, &[0; 16]));
    let bytes = file(&body);
    let (code, out, err) = dump(&bytes, &[]);
    assert_eq!(code, 1);
    assert!(
        out.contains("(0028,0010)"),
        "elements before the fault: {out}"
    );
    assert!(
        !out.lines()
            .any(|l| !l.starts_with('#') && l.contains("(7FE0,0010)")),
        "the faulty element is not listed: {out}"
    );
    assert!(
        out.trim_end()
            .lines()
            .last()
            .unwrap_or("")
            .starts_with("# Error: offset 0x"),
        "the listing ends with the error: {out}"
    );
    let length_field = at + 8;
    assert!(
        err.contains(&format!("offset 0x{length_field:08X} ({length_field})")),
        "{err}"
    );
    assert!(
        err.contains("value length 100000 runs past the end of the input"),
        "{err}"
    );
}

#[test]
fn missing_file_is_a_clear_error() {
    let out = bin()
        .args(["dicom", "dump", "/nonexistent/x.dcm"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cannot read /nonexistent/x.dcm"), "{err}");
}

fn line_with<'a>(out: &'a str, needle: &str) -> &'a str {
    out.lines()
        .find(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("no line with {needle} in\n{out}"))
}

#[test]
fn iso_2022_japanese_names_are_decoded_group_by_group() {
    // PS3.5 H.3.1: every byte of the name is below 0x80, so it used to be
    // shown raw, escape bytes and all.
    let name: &[u8] =
        b"Yamada^Tarou=\x1b$B;3ED\x1b(B^\x1b$BB@O:\x1b(B=\x1b$B$d$^$@\x1b(B^\x1b$B$?$m$&\x1b(B";
    let mut body = short(0x0008, 0x0005, b"CS", b"\\ISO 2022 IR 87");
    let mut padded = name.to_vec();
    if padded.len() % 2 == 1 {
        padded.push(b' ');
    }
    body.extend(short(0x0010, 0x0010, b"PN", &padded));
    let (code, out, err) = dump(&file(&body), &[]);
    assert_eq!(code, 0, "{err}");
    let line = line_with(&out, "(0010,0010)");
    assert!(
        line.ends_with("[Yamada^Tarou=山田^太郎=やまだ^たろう]"),
        "{line}"
    );
    assert!(!out.contains('\u{1b}'));
}

#[test]
fn unknown_character_sets_are_noted_not_shown_raw() {
    let mut body = short(0x0008, 0x0005, b"CS", b"ISO_IR 999");
    body.extend(short(0x0010, 0x0010, b"PN", b"M\xfcller"));
    let (code, out, err) = dump(&file(&body), &[]);
    assert_eq!(code, 0, "{err}");
    let line = line_with(&out, "(0010,0010)");
    assert!(
        line.ends_with(
            "[M\\xFCller] (not decoded: ISO_IR 999; bytes other than ASCII shown as \\xNN)"
        ),
        "{line}"
    );
}

#[test]
fn control_characters_in_values_are_escaped_in_text_and_json() {
    // An OSC sequence that sets the terminal title, a line break, a C1 CSI
    // and a right-to-left override, in UTF-8.
    let hostile = "A\u{1b}]0;pwned\u{7}B\r\nC\u{9b}2J \u{202e}gpj.exe";
    let mut value = hostile.as_bytes().to_vec();
    if value.len() % 2 == 1 {
        value.push(b' ');
    }
    let mut body = short(0x0008, 0x0005, b"CS", b"ISO_IR 192");
    body.extend(short(0x0010, 0x0010, b"PN", &value));
    body.extend(short(0x0010, 0x4000, b"LT", &value));
    let (code, out, err) = dump(&file(&body), &[]);
    assert_eq!(code, 0, "{err}");
    for c in ['\u{1b}', '\u{7}', '\r', '\u{9b}', '\u{202e}'] {
        assert!(!out.contains(c), "{c:?} reached the terminal: {out}");
    }
    let expected = "A\\x1b]0;pwned\\x07B\\x0d\\x0aC\\x9b2J \\u{202e}gpj.exe";
    assert!(
        line_with(&out, "(0010,0010)").ends_with(&format!("[{expected}]")),
        "{out}"
    );
    assert!(
        line_with(&out, "(0010,4000)").ends_with(&format!("[{expected}]")),
        "{out}"
    );
    let (code, json, _) = dump(&file(&body), &["--json"]);
    assert_eq!(code, 0);
    for c in ['\u{1b}', '\u{7}', '\r', '\u{9b}', '\u{202e}'] {
        assert!(!json.contains(c), "{c:?} in the JSON");
    }
    // Still the same value once parsed.
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let name = &v["dataset"][1]["value"]["Text"]["values"][0];
    assert_eq!(name.as_str(), Some(hostile));
}

#[test]
fn fifty_megabytes_of_tiny_elements_stop_at_the_element_cap() {
    // Eight bytes an element: (0009,0010) LO of length 0, over and over.
    let element = short(0x0009, 0x0010, b"LO", b"");
    let mut body = Vec::with_capacity(50 * 1024 * 1024);
    while body.len() < 50 * 1024 * 1024 {
        body.extend_from_slice(&element);
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.dcm");
    std::fs::write(&path, file(&body)).unwrap();
    let first = 132 + 12 + (8 + 26) + (8 + 20);
    // The three meta elements count too.
    let stop = first + (pacs_academy::dicom::MAX_ELEMENTS - 3) * 8;
    for extra in [&["--json"][..], &[]] {
        let out = bin()
            .args(["dicom", "dump"])
            .arg(&path)
            .args(extra)
            .stdout(std::process::Stdio::null())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(&format!("offset 0x{stop:08X} ({stop}): more than 500000 elements, items and fragments; reading stops here")),
            "{err}"
        );
    }
}
