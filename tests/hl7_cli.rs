//! `pacs-academy hl7 generate` and `pacs-academy hl7 explain`, run as a
//! trainer would run them.
#![cfg(feature = "ssr")]

use std::io::Write;
use std::process::{Command, Stdio};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_pacs-academy"))
}

fn generate(args: &[&str]) -> String {
    let out = bin().args(["hl7", "generate"]).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn explain(input: &str) -> (i32, String, String) {
    let mut child = bin()
        .args(["hl7", "explain", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn generate_is_reproducible_and_separates_messages_with_a_blank_line() {
    let a = generate(&["--event", "ADT^A40", "--seed", "7", "--count", "3"]);
    let b = generate(&["--event", "ADT^A40", "--seed", "7", "--count", "3"]);
    assert_eq!(a, b, "the same seed gives the same messages");
    let messages: Vec<&str> = a.split("\n\n").filter(|m| !m.trim().is_empty()).collect();
    assert_eq!(messages.len(), 3);
    for m in &messages {
        let parsed = pacs_academy::hl7::parse(m).unwrap();
        assert_eq!(
            parsed.message_type().unwrap().to_string(),
            "ADT^A40^ADT_A39"
        );
        assert!(m.lines().any(|l| l.starts_with("MRG|")));
    }
    assert_ne!(
        a,
        generate(&["--event", "ADT^A40", "--seed", "8", "--count", "3"])
    );
}

#[test]
fn explain_names_each_field_and_table_meanings() {
    let message = generate(&["--event", "ADT^A01", "--seed", "7"]);
    let (code, out, err) = explain(&message);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("# ADT^A01^ADT_A01 — Admit"), "{out}");
    let line = |path: &str| {
        out.lines()
            .find(|l| l.split_whitespace().next() == Some(path))
            .unwrap_or_else(|| panic!("no line for {path} in\n{out}"))
            .to_string()
    };
    assert!(line("PID-5.1").contains("Patient Name / Family Name"));
    assert!(line("MSH-10").contains("Message Control ID"));
    let sex = line("PID-8");
    assert!(
        sex.contains("(Male)") || sex.contains("(Female)") || sex.contains("(Unknown)"),
        "{sex}"
    );
    assert!(line("PV1-2").contains("Patient Class"));
}

#[test]
fn explain_reports_where_a_malformed_message_goes_wrong() {
    let (code, out, err) = explain("PID|1||123\r");
    assert_eq!(code, 1);
    assert!(out.is_empty());
    assert!(err.contains("line 1, column 1"), "{err}");
    assert!(err.contains("MSH"), "{err}");
    let (code, _, err) = explain("");
    assert_eq!(code, 1);
    assert!(!err.is_empty());
}

#[test]
fn bad_arguments_give_usage_help() {
    for args in [
        vec!["hl7", "generate", "--event", "ADT^Z99"],
        vec!["hl7", "generate", "--event", "ADT^A01", "--count", "0"],
        vec![
            "hl7",
            "generate",
            "--event",
            "ADT^A01",
            "--base",
            "2025-03-14",
        ],
        vec!["hl7", "frobnicate"],
    ] {
        let out = bin().args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("Usage") || err.contains("--help"),
            "{args:?}: {err}"
        );
    }
}

fn explain_bytes(input: &[u8]) -> (i32, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("in.hl7");
    std::fs::write(&path, input).unwrap();
    let out = bin().args(["hl7", "explain"]).arg(&path).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn adt(msh18: &str, pid5: &[u8]) -> Vec<u8> {
    let mut m = format!(
        "MSH|^~\\&|RIS|HOSP|PACS|HOSP|20240101||ADT^A01|7|P|2.5||||||{msh18}\rPID|1||123||"
    )
    .into_bytes();
    m.extend_from_slice(pid5);
    m.push(b'\r');
    m
}

fn line_of<'a>(out: &'a str, path: &str) -> &'a str {
    out.lines()
        .find(|l| l.starts_with(&format!("{path} ")))
        .unwrap_or_else(|| panic!("no {path} line in {out}"))
}

#[test]
fn explain_reads_latin1_as_msh18_declares() {
    let (code, out, err) = explain_bytes(&adt("8859/1", b"M\xfcller^J\xe9r\xf4me"));
    assert_eq!(code, 0, "{err}");
    assert!(line_of(&out, "PID-5.1").ends_with(" Müller"), "{out}");
    assert!(line_of(&out, "PID-5.2").ends_with(" Jérôme"), "{out}");
    assert!(
        out.contains("# Character set: ISO 8859-1 (MSH-18 `8859/1`)"),
        "{out}"
    );
    assert!(!out.contains('\u{FFFD}'));
}

#[test]
fn explain_warns_where_bytes_do_not_fit_msh18() {
    let offset = adt("UNICODE UTF-8", b"").len() - 1 + 1;
    let (code, out, _) = explain_bytes(&adt("UNICODE UTF-8", b"M\xfcller"));
    assert_eq!(code, 0);
    assert!(line_of(&out, "PID-5").ends_with(" Müller"), "{out}");
    assert!(
        out.contains(&format!(
            "# Warning: byte 0xFC at offset {offset} is not valid UTF-8, which MSH-18 `UNICODE UTF-8` declares; read as Windows-1252"
        )),
        "{out}"
    );
    // No MSH-18 and bytes that are not UTF-8: the common real-world case.
    let (_, out, _) = explain_bytes(&adt("", b"O\x92Brien"));
    assert!(line_of(&out, "PID-5").ends_with(" O\u{2019}Brien"), "{out}");
    assert!(
        out.contains("# Character set: Windows-1252 (no MSH-18)"),
        "{out}"
    );
}

#[test]
fn explain_escapes_control_characters_one_line_per_value() {
    // The hostile value from the review: an OSC sequence that sets the
    // terminal title, then line breaks written as escape sequences.
    let input = "MSH|^~\\&|A|B|C|D|20240101||ADT^A01|1|P|2.5\rPID|1||1||\\X1B\\]0;pwned\\X07\\Doe^Jane\rNTE|1||one\\.br\\two\\X0D\\three\\X0A\\four \u{202e}cod.exe\r";
    let (code, out, err) = explain(input);
    assert_eq!(code, 0, "{err}");
    assert!(!out.contains('\u{1b}') && !out.contains('\u{7}') && !out.contains('\r'));
    assert!(!out.contains('\u{202e}'));
    let name = line_of(&out, "PID-5.1");
    assert!(name.ends_with(" \\x1b]0;pwned\\x07Doe"), "{out}");
    let note = line_of(&out, "NTE-3");
    assert!(
        note.ends_with(" one\\x0atwo\\x0dthree\\x0afour \\u{202e}cod.exe"),
        "{out}"
    );
    // Every output line is a header or one value.
    for l in out.lines() {
        assert!(
            l.starts_with('#')
                || l.starts_with("MSH-")
                || l.starts_with("PID-")
                || l.starts_with("NTE-"),
            "stray line {l:?}"
        );
    }
}

#[test]
fn explain_refuses_a_message_of_fifty_megabytes_of_separators() {
    for filler in *b"|^" {
        let mut input = b"MSH|^~\\&|".to_vec();
        input.resize(50 * 1024 * 1024, filler);
        let (code, out, err) = explain_bytes(&input);
        assert_eq!(code, 1, "{out}");
        assert!(out.is_empty());
        assert!(
            err.contains(": line 1, column ")
                && err.contains("more than 500000 segments, fields, repetitions, components and subcomponents in the message (segment 1, `MSH`); stopping here"),
            "{err}"
        );
    }
    let mut input = b"MSH|^~\\&|".to_vec();
    input.resize(64 * 1024 * 1024 + 1, b'A');
    let (code, _, err) = explain_bytes(&input);
    assert_eq!(code, 1);
    assert!(
        err.contains("more than 67108864 bytes (64 MiB); not read"),
        "{err}"
    );
}
