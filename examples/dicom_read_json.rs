//! Prints what `pacs_academy::dicom::read` makes of DICOM files, as one JSON
//! object per file and line, for comparison with pydicom
//! (tests/validators/test_dicom_reader.py).
//!
//! ```sh
//! cargo run --example dicom_read_json -- FILE...
//! ```
//!
//! Each line: `{"file", "transfer_syntax", "inferred", "error": {"offset",
//! "message"} | null, "meta": [...], "dataset": [...]}` where an element is
//! `{"tag": "00100010", "vr": "PN", "value": ...}`; the value is a list of
//! strings or numbers, `{"bytes": n}` for OB/UN/pixel data, `{"items":
//! [[element...]...]}` for sequences and `{"fragments": [length...]}` for
//! encapsulated pixel data.

use pacs_academy::dicom::{read, Element, Value};
use serde_json::{json, Value as Json};

fn value(el: &Element) -> Json {
    match &el.value {
        Value::Empty => json!([]),
        Value::Text { values, .. } => json!(values),
        Value::Unsigned { values, total } => numbers(values, *total),
        Value::Signed { values, total } => numbers(values, *total),
        Value::Float { values, total } => numbers(values, *total),
        Value::Tags { values, .. } => json!(values
            .iter()
            .map(|t| format!("{:04X}{:04X}", t.0, t.1))
            .collect::<Vec<_>>()),
        Value::Bytes { len, .. } => json!({ "bytes": len }),
        Value::Invalid { reason, .. } => json!({ "invalid": reason }),
        Value::Fragments { .. } => {
            json!({ "fragments": el.fragments.iter().map(|f| f.length).collect::<Vec<_>>() })
        }
        Value::Sequence { .. } => {
            let items: Vec<Json> = el.items.iter().map(|i| elements(&i.elements)).collect();
            json!({ "items": items })
        }
    }
}

fn numbers<T: serde::Serialize>(values: &[T], total: usize) -> Json {
    json!({ "numbers": values, "total": total })
}

fn elements(list: &[Element]) -> Json {
    Json::Array(
        list.iter()
            .map(|el| {
                json!({
                    "tag": format!("{:04X}{:04X}", el.tag.0, el.tag.1),
                    "vr": el.vr.code(),
                    "offset": el.span.offset,
                    "value": value(el),
                })
            })
            .collect(),
    )
}

fn main() {
    let mut failed = false;
    for path in std::env::args().skip(1) {
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("{path}: {e}");
                failed = true;
                continue;
            }
        };
        let parsed = read(&bytes);
        let line = json!({
            "file": path,
            "transfer_syntax": parsed.transfer_syntax.uid,
            "inferred": parsed.transfer_syntax_inferred,
            "notes": parsed.notes,
            "error": parsed.error.as_ref().map(|e| json!({
                "offset": e.offset,
                "message": e.message,
                "display": e.to_string(),
            })),
            "meta": elements(&parsed.meta),
            "dataset": elements(&parsed.dataset),
        });
        println!("{line}");
    }
    if failed {
        std::process::exit(1);
    }
}
