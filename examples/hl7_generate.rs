//! Prints synthetic HL7 v2 messages, one blank line between them, with LF
//! segment separators.
//!
//! ```text
//! cargo run --quiet --example hl7_generate -- --event ADT^A01 --seed 1 --count 3
//! ```
//!
//! Options: `--event` (default `ADT^A01`), `--seed` (default 1), `--count`
//! (default 1), `--base YYYYMMDDHHMMSS` (default 20250314090000).

use pacs_academy::synth::{generate_many, DateTime, Event};

fn main() {
    let mut event = Event::AdtA01;
    let mut seed = 1u64;
    let mut count = 1usize;
    let mut base = DateTime::new(2025, 3, 14, 9, 0, 0).expect("valid default");
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < args.len() {
        let value = args.get(i + 1).map(String::as_str).unwrap_or("");
        match args[i].as_str() {
            "--event" => event = value.parse().unwrap_or_else(|e| fail(&format!("{e}"))),
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
            "--base" => {
                base = parse_base(value).unwrap_or_else(|| fail("--base needs YYYYMMDDHHMMSS"))
            }
            "-h" | "--help" => {
                println!("hl7_generate --event ADT^A01 --seed 1 --count 1 [--base YYYYMMDDHHMMSS]");
                return;
            }
            other => fail(&format!("unknown option {other}")),
        }
        i += 2;
    }
    for (n, g) in generate_many(event, seed, base, count).iter().enumerate() {
        if n > 0 {
            println!();
        }
        print!("{}", g.er7.replace('\r', "\n"));
    }
}

fn parse_base(s: &str) -> Option<DateTime> {
    if s.len() != 14 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n = |a: usize, b: usize| s[a..b].parse::<u8>().ok();
    DateTime::new(
        s[..4].parse().ok()?,
        n(4, 6)?,
        n(6, 8)?,
        n(8, 10)?,
        n(10, 12)?,
        n(12, 14)?,
    )
}

fn fail(message: &str) -> ! {
    eprintln!("hl7_generate: {message}");
    std::process::exit(2)
}
