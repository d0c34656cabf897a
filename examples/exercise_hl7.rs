//! Prints the HL7 material of generated exercises, for the hl7apy tests in
//! `tests/validators/test_exercise_hl7.py`.
//!
//! ```text
//! cargo run --quiet --example exercise_hl7 -- --count 100
//! ```
//!
//! Each exercise is a header line, then its segments one per line (LF),
//! then a blank line:
//!
//! ```text
//! === <kind slug> <difficulty slug> <seed> <fault> <fault location>
//! ```
//!
//! `<fault>` is `-` except for spot-the-defect, where it names the injected
//! fault (`MissingRequiredField`, ...) and `<fault location>` its path.
//! Seeds run from 0 to `--count` - 1.

use pacs_academy::exercise::hl7::injected_fault;
use pacs_academy::exercise::{generate, Kind, Level, Material};

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
            "-h" | "--help" => {
                println!("exercise_hl7 [--count N]");
                return;
            }
            other => fail(&format!("unknown option {other}")),
        }
    }
    for &kind in Kind::ALL {
        for difficulty in Level::ALL {
            for seed in 0..count {
                let (exercise, _) = generate(kind, difficulty, seed);
                let Material::Hl7 { er7 } = &exercise.material else {
                    continue;
                };
                let (fault, place) = if kind == Kind::Hl7SpotDefect {
                    let (f, p) = injected_fault(difficulty, seed);
                    (format!("{f:?}"), p)
                } else {
                    ("-".to_owned(), "-".to_owned())
                };
                println!(
                    "=== {} {} {seed} {fault} {place}",
                    kind.slug(),
                    difficulty.slug()
                );
                for segment in er7.split('\r').filter(|s| !s.is_empty()) {
                    println!("{segment}");
                }
                println!();
            }
        }
    }
}

fn fail(message: &str) -> ! {
    eprintln!("exercise_hl7: {message}");
    std::process::exit(2)
}
