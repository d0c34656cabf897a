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
