//! Prints the bytes of generated DICOM exercises with the answer the key
//! expects, for the pydicom tests in `tests/validators/test_exercise_dicom.py`.
//! This is a test harness: the web pages never show these answers.
//!
//! ```text
//! cargo run --quiet --example exercise_dicom -- --count 100
//! cargo run --quiet --example exercise_dicom -- --show dicom-vr intermediate 7
//! ```
//!
//! Records, one per line, fields separated by single spaces:
//!
//! ```text
//! decode <difficulty> <seed> <ts uid> <gggg,eeee> <vr> <length> <start> <len> <value hex> <bytes hex>
//! find <difficulty> <seed> <ts uid> <gggg,eeee> <value hex> <bytes hex>
//! syntax intermediate <seed> <ts uid> <bytes hex>
//! ```
//!
//! `<value hex>` is the expected value as typed (UTF-8 text, decimal
//! number or hex bytes separated by spaces), hex-encoded so it holds no
//! spaces. Only find-attribute exercises whose material is bytes
//! (Intermediate) are printed. `--show` prints one exercise as a learner
//! sees it, then the expected answer and explanation.

use pacs_academy::exercise::dicom::{decode_target, find_target};
use pacs_academy::exercise::{generate, grade, Answer, Kind, Level, Material};

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut count = 50u64;
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--count" => {
                count = args
                    .get(i + 1)
                    .and_then(|v| v.parse().ok())
                    .unwrap_or_else(|| fail("--count needs a number"));
                i += 2;
            }
            "--show" => {
                let kind = args
                    .get(i + 1)
                    .and_then(|s| Kind::from_slug(s))
                    .unwrap_or_else(|| fail("--show needs a kind slug"));
                let difficulty = args
                    .get(i + 2)
                    .and_then(|s| Level::from_slug(s))
                    .unwrap_or_else(|| fail("--show needs a difficulty"));
                let seed = args
                    .get(i + 3)
                    .and_then(|s| s.parse().ok())
                    .unwrap_or_else(|| fail("--show needs a seed"));
                show(kind, difficulty, seed);
                return;
            }
            "-h" | "--help" => {
                println!("exercise_dicom [--count N] | --show KIND DIFFICULTY SEED");
                return;
            }
            other => fail(&format!("unknown option {other}")),
        }
    }
    for difficulty in Level::ALL {
        for seed in 0..count {
            let t = decode_target(difficulty, seed);
            println!(
                "decode {} {seed} {} {:04x},{:04x} {} {} {} {} {} {}",
                difficulty.slug(),
                t.transfer_syntax.uid,
                t.tag.group(),
                t.tag.element(),
                t.vr.code(),
                t.length,
                t.highlight.0,
                t.highlight.1,
                hex(t.value.as_bytes()),
                hex(&t.bytes)
            );
            let (ts, tag, value, material) = find_target(difficulty, seed);
            if let Material::DicomBytes { bytes, .. } = material {
                println!(
                    "find {} {seed} {} {:04x},{:04x} {} {}",
                    difficulty.slug(),
                    ts.uid,
                    tag.group(),
                    tag.element(),
                    hex(value.as_bytes()),
                    hex(&bytes)
                );
            }
        }
    }
    for seed in 0..count {
        let (exercise, key) = generate(Kind::DicomTransferSyntax, Level::Intermediate, seed);
        let Material::DicomBytes { bytes, .. } = &exercise.material else {
            continue;
        };
        // The expected encoding, from the feedback's words.
        let expected = grade(&exercise, &key, &Answer::default()).expected;
        let uid = if expected.starts_with("Implicit") {
            "1.2.840.10008.1.2"
        } else if expected.contains("big endian") {
            "1.2.840.10008.1.2.2"
        } else {
            "1.2.840.10008.1.2.1"
        };
        println!("syntax intermediate {seed} {uid} {}", hex(bytes));
    }
}

fn show(kind: Kind, difficulty: Level, seed: u64) {
    let (exercise, key) = generate(kind, difficulty, seed);
    println!("# {} ({:?}, seed {seed})", exercise.title, difficulty);
    println!("{}\n", exercise.prompt);
    print_material(&exercise.material);
    println!("\nAnswer form: {:?}\n", exercise.answer);
    let fb = grade(&exercise, &key, &Answer::default());
    println!("Expected: {}", fb.expected);
    println!("Explanation: {}", fb.explanation);
    println!(
        "Learn more: {} ({})",
        fb.learn_more.href, fb.learn_more.title
    );
}

fn print_material(material: &Material) {
    match material {
        Material::Hl7 { er7 } => println!("{}", er7.replace('\r', "\n")),
        Material::Text(t) => println!("{t}\n"),
        Material::DicomBytes {
            bytes,
            highlight,
            caption,
        } => {
            println!("[{caption}] highlight {highlight:?}");
            for (n, chunk) in bytes.chunks(16).enumerate() {
                let h: Vec<String> = chunk.iter().map(|b| format!("{b:02X}")).collect();
                let a: String = chunk
                    .iter()
                    .map(|&b| {
                        if (0x20..0x7f).contains(&b) {
                            b as char
                        } else {
                            '.'
                        }
                    })
                    .collect();
                println!("{:08X}  {:<47}  {a}", n * 16, h.join(" "));
            }
        }
        Material::DicomListing { listing, caption } => println!("[{caption}]\n{listing}"),
        Material::Table {
            caption,
            columns,
            rows,
        } => {
            println!("[{caption}]\n{}", columns.join(" | "));
            for r in rows {
                println!("{}", r.join(" | "));
            }
            println!();
        }
        Material::Several(parts) => parts.iter().for_each(print_material),
    }
}

fn fail(message: &str) -> ! {
    eprintln!("exercise_dicom: {message}");
    std::process::exit(2)
}
