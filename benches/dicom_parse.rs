//! Timings for the DICOM reader (`cargo bench --features ssr --bench dicom_parse`).
//!
//! Prints the median and spread (10th–90th percentile) of:
//! - reading a 512×512 16-bit CT image file (Part 10, explicit VR little
//!   endian, ~40 header elements and 512 KiB of pixel data),
//! - reading a data set of 10,000 elements, explicit and implicit VR,
//! - computing the byte regions of that data set.
//!
//! The inputs are assembled byte by byte here, so the numbers measure the
//! reader alone.

use std::hint::black_box;
use std::time::{Duration, Instant};

use pacs_academy::dicom::{attribute, read, regions, Tag, Vr};

fn stats(name: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let pct = |p: f64| samples[((samples.len() - 1) as f64 * p).round() as usize];
    println!(
        "{name:<44} median {:>9.1?}  p10 {:>9.1?}  p90 {:>9.1?}  (n = {})",
        pct(0.5),
        pct(0.1),
        pct(0.9),
        samples.len()
    );
}

fn time<F: FnMut()>(n: usize, mut f: F) -> Vec<Duration> {
    for _ in 0..n / 10 {
        f();
    }
    (0..n)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect()
}

/// Appends an explicit VR little endian element.
fn explicit(out: &mut Vec<u8>, g: u16, e: u16, vr: &[u8; 2], value: &[u8]) {
    out.extend(g.to_le_bytes());
    out.extend(e.to_le_bytes());
    out.extend(vr);
    if matches!(vr, b"OB" | b"OW" | b"SQ" | b"UN" | b"UT") {
        out.extend([0, 0]);
        out.extend((value.len() as u32).to_le_bytes());
    } else {
        out.extend((value.len() as u16).to_le_bytes());
    }
    out.extend(value);
}

/// Appends an implicit VR little endian element.
fn implicit(out: &mut Vec<u8>, g: u16, e: u16, value: &[u8]) {
    out.extend(g.to_le_bytes());
    out.extend(e.to_le_bytes());
    out.extend((value.len() as u32).to_le_bytes());
    out.extend(value);
}

fn part10(ts: &[u8], body: &[u8]) -> Vec<u8> {
    let mut meta = Vec::new();
    explicit(&mut meta, 0x0002, 0x0001, b"OB", &[0, 1]);
    explicit(
        &mut meta,
        0x0002,
        0x0002,
        b"UI",
        b"1.2.840.10008.5.1.4.1.1.2\0",
    );
    explicit(
        &mut meta,
        0x0002,
        0x0003,
        b"UI",
        b"1.2.826.0.1.3680043.10.1.7.1",
    );
    explicit(&mut meta, 0x0002, 0x0010, b"UI", ts);
    let mut out = vec![0u8; 128];
    out.extend(b"DICM");
    explicit(
        &mut out,
        0x0002,
        0x0000,
        b"UL",
        &(meta.len() as u32).to_le_bytes(),
    );
    out.extend(meta);
    out.extend(body);
    out
}

fn ct_file() -> Vec<u8> {
    let mut b = Vec::new();
    let us = |v: u16| v.to_le_bytes();
    explicit(&mut b, 0x0008, 0x0005, b"CS", b"ISO_IR 100");
    explicit(&mut b, 0x0008, 0x0008, b"CS", b"ORIGINAL\\PRIMARY\\AXIAL");
    explicit(
        &mut b,
        0x0008,
        0x0016,
        b"UI",
        b"1.2.840.10008.5.1.4.1.1.2\0",
    );
    explicit(
        &mut b,
        0x0008,
        0x0018,
        b"UI",
        b"1.2.826.0.1.3680043.10.1.7.1",
    );
    explicit(&mut b, 0x0008, 0x0020, b"DA", b"20250314");
    explicit(&mut b, 0x0008, 0x0030, b"TM", b"090000");
    explicit(&mut b, 0x0008, 0x0050, b"SH", b"ACC0001 ");
    explicit(&mut b, 0x0008, 0x0060, b"CS", b"CT");
    explicit(&mut b, 0x0008, 0x0070, b"LO", b"Synthetic");
    explicit(&mut b, 0x0008, 0x0080, b"LO", b"Fictional Trust");
    explicit(&mut b, 0x0008, 0x1030, b"LO", b"CT HEAD ");
    explicit(&mut b, 0x0010, 0x0010, b"PN", b"Smith^Alice ");
    explicit(&mut b, 0x0010, 0x0020, b"LO", b"9990000018");
    explicit(&mut b, 0x0010, 0x0030, b"DA", b"19700101");
    explicit(&mut b, 0x0010, 0x0040, b"CS", b"F ");
    explicit(&mut b, 0x0018, 0x0050, b"DS", b"1.25");
    explicit(&mut b, 0x0018, 0x0060, b"DS", b"120 ");
    explicit(
        &mut b,
        0x0020,
        0x000D,
        b"UI",
        b"1.2.826.0.1.3680043.10.1.7.2",
    );
    explicit(
        &mut b,
        0x0020,
        0x000E,
        b"UI",
        b"1.2.826.0.1.3680043.10.1.7.3",
    );
    explicit(&mut b, 0x0020, 0x0011, b"IS", b"1 ");
    explicit(&mut b, 0x0020, 0x0013, b"IS", b"1 ");
    explicit(&mut b, 0x0020, 0x0032, b"DS", b"-125\\-125\\0 ");
    explicit(&mut b, 0x0020, 0x0037, b"DS", b"1\\0\\0\\0\\1\\0 ");
    explicit(&mut b, 0x0028, 0x0002, b"US", &us(1));
    explicit(&mut b, 0x0028, 0x0004, b"CS", b"MONOCHROME2 ");
    explicit(&mut b, 0x0028, 0x0010, b"US", &us(512));
    explicit(&mut b, 0x0028, 0x0011, b"US", &us(512));
    explicit(&mut b, 0x0028, 0x0030, b"DS", b"0.488\\0.488 ");
    explicit(&mut b, 0x0028, 0x0100, b"US", &us(16));
    explicit(&mut b, 0x0028, 0x0101, b"US", &us(12));
    explicit(&mut b, 0x0028, 0x0102, b"US", &us(11));
    explicit(&mut b, 0x0028, 0x0103, b"US", &us(1));
    explicit(&mut b, 0x0028, 0x1050, b"DS", b"40");
    explicit(&mut b, 0x0028, 0x1051, b"DS", b"400 ");
    explicit(&mut b, 0x0028, 0x1052, b"DS", b"-1024 ");
    explicit(&mut b, 0x0028, 0x1053, b"DS", b"1 ");
    let pixels: Vec<u8> = (0..512 * 512u32)
        .flat_map(|i| ((i % 4096) as u16).to_le_bytes())
        .collect();
    explicit(&mut b, 0x7FE0, 0x0010, b"OW", &pixels);
    part10(b"1.2.840.10008.1.2.1\0", &b)
}

/// 10,000 elements in even groups from 0040 (some standard, most not in the
/// dictionary, so implicit VR reading pays for every look-up), leaving out
/// tags the dictionary makes sequences.
fn ten_thousand(explicit_vr: bool) -> Vec<u8> {
    let mut b = Vec::new();
    let mut n = 0;
    'outer: for g in (0x0040u16..).step_by(2) {
        for e in 0x1000u16..0x1080 {
            // A sequence by the dictionary would be read as one in implicit VR.
            if attribute(Tag(g, e)).and_then(|a| a.vr()) == Some(Vr::SQ) {
                continue;
            }
            let (vr, value): (&[u8; 2], Vec<u8>) = match n % 4 {
                0 => (b"LO", b"Synthetic value ".to_vec()),
                1 => (b"US", 7u16.to_le_bytes().to_vec()),
                2 => (b"DS", b"12.5\\-3.25 ".to_vec()),
                _ => (b"UN", vec![0xAB; 24]),
            };
            if explicit_vr {
                explicit(&mut b, g, e, vr, &value);
            } else {
                implicit(&mut b, g, e, &value);
            }
            n += 1;
            if n == 10_000 {
                break 'outer;
            }
        }
    }
    let ts: &[u8] = if explicit_vr {
        b"1.2.840.10008.1.2.1\0"
    } else {
        b"1.2.840.10008.1.2\0"
    };
    part10(ts, &b)
}

fn main() {
    let ct = ct_file();
    let parsed = read(&ct);
    assert!(parsed.error.is_none(), "{:?}", parsed.error);
    assert_eq!(parsed.dataset.len(), 37);
    stats(
        &format!("read CT 512x512x16 ({} KiB)", ct.len() / 1024),
        time(300, || {
            black_box(read(black_box(&ct)));
        }),
    );

    for explicit_vr in [true, false] {
        let set = ten_thousand(explicit_vr);
        let parsed = read(&set);
        assert!(parsed.error.is_none(), "{:?}", parsed.error);
        assert_eq!(parsed.dataset.len(), 10_000);
        let vr = if explicit_vr { "explicit" } else { "implicit" };
        stats(
            &format!("read 10,000 elements, {vr} VR ({} KiB)", set.len() / 1024),
            time(100, || {
                black_box(read(black_box(&set)));
            }),
        );
        if explicit_vr {
            stats(
                "regions of 10,000 elements",
                time(100, || {
                    black_box(regions(black_box(&parsed)));
                }),
            );
        }
    }
}
