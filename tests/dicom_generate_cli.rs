//! `pacs-academy dicom generate`, run as a trainer would run it.
#![cfg(feature = "ssr")]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn generate(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pacs-academy"))
        .args(["dicom", "generate"])
        .args(args)
        .output()
        .expect("runs")
}

fn printed_paths(out: &Output) -> Vec<PathBuf> {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone())
        .expect("UTF-8")
        .lines()
        .map(PathBuf::from)
        .collect()
}

fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("dir")
        .map(|e| e.expect("entry").path())
        .collect();
    v.sort();
    v
}

#[test]
fn writes_a_study_into_a_new_folder_and_prints_the_paths() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("new").join("ct");
    let out_s = out.to_str().unwrap();
    let paths = printed_paths(&generate(&[
        "--modality",
        "CT",
        "--seed",
        "7",
        "--out",
        out_s,
    ]));
    assert_eq!(paths.len(), 8);
    assert_eq!(paths[0], out.join("CT-1-001.dcm"));
    assert_eq!(files_in(&out), {
        let mut p = paths.clone();
        p.sort();
        p
    });
    for p in &paths {
        let bytes = std::fs::read(p).unwrap();
        assert_eq!(&bytes[128..132], b"DICM");
        let parsed = pacs_academy::dicom::read(&bytes);
        assert!(parsed.error.is_none(), "{}", p.display());
        assert_eq!(
            parsed.text(pacs_academy::dicom::Tag(0x0008, 0x0060)),
            Some("CT")
        );
    }
    // Same seed, same bytes.
    let again = tmp.path().join("again");
    printed_paths(&generate(&[
        "--modality",
        "ct",
        "--seed",
        "7",
        "--out",
        again.to_str().unwrap(),
    ]));
    for p in &paths {
        let name = p.file_name().unwrap();
        assert_eq!(
            std::fs::read(p).unwrap(),
            std::fs::read(again.join(name)).unwrap()
        );
    }
}

#[test]
fn count_and_transfer_syntax() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().to_str().unwrap();
    let paths = printed_paths(&generate(&[
        "--modality",
        "US",
        "--seed",
        "3",
        "--out",
        out,
        "--count",
        "2",
        "--transfer-syntax",
        "explicit-be",
    ]));
    assert_eq!(paths.len(), 6, "two studies of three images");
    let folders: std::collections::BTreeSet<_> = paths
        .iter()
        .map(|p| p.parent().unwrap().to_path_buf())
        .collect();
    assert_eq!(folders.len(), 2);
    assert!(folders
        .iter()
        .all(|f| f.file_name().unwrap().to_str().unwrap().starts_with("00")));
    let parsed = pacs_academy::dicom::read(&std::fs::read(&paths[0]).unwrap());
    assert_eq!(
        parsed.transfer_syntax,
        pacs_academy::dicom::TransferSyntax::EXPLICIT_VR_BIG_ENDIAN
    );
}

#[test]
fn bad_arguments_print_usage_and_fail() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().to_str().unwrap();
    for args in [
        vec!["--modality", "NM", "--out", out],
        vec!["--modality", "CT"],
        vec!["--modality", "CT", "--out", out, "--seed", "x"],
        vec!["--modality", "CT", "--out", out, "--count", "0"],
        vec![
            "--modality",
            "CT",
            "--out",
            out,
            "--transfer-syntax",
            "jpeg",
        ],
    ] {
        let o = generate(&args);
        assert!(!o.status.success(), "{args:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        // clap prints the usage line for a missing argument, and points to
        // --help after an invalid value.
        assert!(err.starts_with("error:"), "{args:?}: {err}");
        assert!(
            err.contains("Usage: ") || err.contains("try '--help'"),
            "{args:?}: {err}"
        );
    }
    let o = generate(&["--modality", "NM", "--out", out]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("use CT, MR, CR, DX, US or MG"));
    assert!(files_in(tmp.path()).is_empty(), "nothing written");
}
