//! How long making and reading HL7 v2 messages takes
//! (`cargo bench --features ssr --bench hl7_generate_parse`).
//!
//! Prints median and spread of, for a typical ADT^A01 (about 500 bytes, 5 segments) and
//! for an ORU^R01 report with 50 OBX segments:
//! - generate: the seeded synthetic message, encoded as ER7;
//! - parse: `hl7::parse` of that text (every span and part kept);
//! - both together, as an exercise page does on the server.

use std::hint::black_box;
use std::time::{Duration, Instant};

use pacs_academy::hl7::{parse, MessageBuilder, SegmentSeparator};
use pacs_academy::synth::{generate, DateTime, Event};

fn stats(name: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let pct = |p: f64| samples[((samples.len() - 1) as f64 * p).round() as usize];
    println!(
        "{name:<40} median {:>9.2?}  p10 {:>9.2?}  p90 {:>9.2?}  (n = {})",
        pct(0.5),
        pct(0.1),
        pct(0.9),
        samples.len()
    );
}

fn time(n: usize, mut f: impl FnMut(u64)) -> Vec<Duration> {
    // Warm up caches and the allocator first.
    for i in 0..n / 10 {
        f(i as u64);
    }
    (0..n)
        .map(|i| {
            let t = Instant::now();
            f(i as u64 + 1_000);
            t.elapsed()
        })
        .collect()
}

/// The seeded ORU^R01 with its OBX segments extended to 50 report lines.
fn oru_50(seed: u64, base: DateTime) -> String {
    let g = generate(Event::OruR01, seed, base);
    let mut b = MessageBuilder::from_message(&g.message);
    let have = g.message.segments("OBX").count();
    for n in have + 1..=50 {
        let obx = b.segment("OBX").expect("OBX is a valid segment ID");
        for (path, value) in [
            ("1", n.to_string()),
            ("2", "TX".to_string()),
            ("3.1", "GDT".to_string()),
            ("3.3", "LN".to_string()),
            ("5", format!("Line {n}: no focal abnormality in this region; appearances are within normal limits.")),
            ("11", "F".to_string()),
        ] {
            obx.set(path, &value).expect("valid path");
        }
    }
    b.build().to_er7(SegmentSeparator::Cr)
}

fn main() {
    let base = DateTime::new(2025, 3, 14, 9, 0, 0).expect("valid date");
    let adt = generate(Event::AdtA01, 7, base).er7;
    let oru = oru_50(7, base);
    assert_eq!(parse(&oru).expect("parses").segments("OBX").count(), 50);
    println!(
        "ADT^A01: {} bytes, {} segments; ORU^R01: {} bytes, {} segments",
        adt.len(),
        adt.matches('\r').count(),
        oru.len(),
        oru.matches('\r').count()
    );

    let n = 3_000;
    stats(
        "ADT^A01 generate",
        time(n, |s| {
            black_box(generate(Event::AdtA01, s, base).er7);
        }),
    );
    stats(
        "ADT^A01 parse",
        time(n, |_| {
            black_box(parse(black_box(&adt)).expect("parses"));
        }),
    );
    stats(
        "ADT^A01 generate + parse",
        time(n, |s| {
            let er7 = generate(Event::AdtA01, s, base).er7;
            black_box(parse(&er7).expect("parses"));
        }),
    );
    let n = 1_000;
    stats(
        "ORU^R01 (50 OBX) generate",
        time(n, |s| {
            black_box(oru_50(s, base));
        }),
    );
    stats(
        "ORU^R01 (50 OBX) parse",
        time(n, |_| {
            black_box(parse(black_box(&oru)).expect("parses"));
        }),
    );
    stats(
        "ORU^R01 (50 OBX) generate + parse",
        time(n, |s| {
            let er7 = oru_50(s, base);
            black_box(parse(&er7).expect("parses"));
        }),
    );
}
