//! Writes synthetic DICOM studies for a range of seeds, for the validators
//! (tests/validators/test_generated_dicom.py).
//!
//! ```text
//! cargo run --quiet --example dicom_generate -- --modality CT --seed 1 --count 100 --out DIR \
//!     [--transfer-syntax explicit-le|implicit-le|explicit-be]
//! ```
//!
//! Study `i` (0-based) uses seed `seed + i` and goes into `DIR/<seed>/`.
//! For each file one JSON line is printed with what the file should hold,
//! taken from the generator's patient and order, not from the file:
//! `{"path", "seed", "modality", "sop_class_uid", "sop_instance_uid",
//! "series_instance_uid", "patient_id", "accession_number",
//! "study_instance_uid", "transfer_syntax"}`.

use std::path::PathBuf;

use pacs_academy::synth::dicom::{study_with, transfer_syntax_by_name, Modality, Options};
use pacs_academy::synth::DateTime;
use serde_json::json;

fn main() {
    let mut modality = Modality::Ct;
    let mut seed = 1u64;
    let mut count = 1u64;
    let mut out: Option<PathBuf> = None;
    let mut options = Options::default();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < args.len() {
        let value = args.get(i + 1).map(String::as_str).unwrap_or("");
        match args[i].as_str() {
            "--modality" => modality = value.parse().unwrap_or_else(|e| fail(&format!("{e}"))),
            "--seed" => {
                seed = value
                    .parse()
                    .unwrap_or_else(|_| fail("--seed needs a number"))
            }
            "--count" => {
                count = value
                    .parse()
                    .unwrap_or_else(|_| fail("--count needs a number"))
            }
            "--out" => out = Some(PathBuf::from(value)),
            "--transfer-syntax" => {
                options.transfer_syntax = transfer_syntax_by_name(value).unwrap_or_else(|| {
                    fail("--transfer-syntax is explicit-le, implicit-le or explicit-be")
                })
            }
            other => fail(&format!("unknown option {other}")),
        }
        i += 2;
    }
    let out = out.unwrap_or_else(|| fail("--out DIR is required"));
    let base = DateTime::new(2025, 3, 14, 9, 0, 0).expect("valid default");
    for s in seed..seed.saturating_add(count) {
        let study = study_with(modality, s, base, &options);
        let dir = out.join(s.to_string());
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| fail(&format!("{}: {e}", dir.display())));
        for f in &study.files {
            let path = dir.join(&f.file_name);
            std::fs::write(&path, &f.bytes)
                .unwrap_or_else(|e| fail(&format!("{}: {e}", path.display())));
            let line = json!({
                "path": path,
                "seed": s,
                "modality": modality.code(),
                "sop_class_uid": f.sop_class_uid,
                "sop_instance_uid": f.sop_instance_uid,
                "series_instance_uid": f.series_instance_uid,
                "patient_id": study.patient.hospital_number,
                "accession_number": study.order.accession_number,
                "study_instance_uid": study.order.study_instance_uid,
                "transfer_syntax": options.transfer_syntax.uid,
            });
            println!("{line}");
        }
    }
}

fn fail(message: &str) -> ! {
    eprintln!("dicom_generate: {message}");
    std::process::exit(2)
}
