//! The checks behind spot-the-defect: each of the six faults the exercise
//! injects is detected here, independently of how it was injected, so the
//! tests can show that an unmodified message passes every check and an
//! injected one fails exactly one.
//!
//! - required fields come from the v2.5.1 dictionary's optionality
//!   ([`crate::hl7::field`]); MSH-10 is reported as its own fault;
//! - dates and times (data types TS, DT and DTM) must be real calendar
//!   values, `YYYY[MM[DD[HH[MM[SS[.S[S[S[S]]]]]]]]][+/-ZZZZ]` (HL7 v2.5.1
//!   chapter 2A);
//! - NHS numbers (PID-3 repetitions of type `NH` or authority `NHS`) must
//!   pass the modulus 11 check;
//! - segments must come in the order of the message structure named in
//!   MSH-9.3 (chapters 2, 3, 4 and 7), for the structures the exercises use;
//! - the message must parse: a bad MSH-2 or a segment written with another
//!   field separator is a delimiter fault.

use serde::{Deserialize, Serialize};

use crate::hl7::{fields, parse, Message, Optionality, ParseError, ParseErrorKind, Version};
use crate::synth::is_valid_nhs_number;

/// The faults spot-the-defect injects.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum FaultKind {
    /// A field the standard marks required is empty.
    MissingRequiredField,
    /// MSH-2 is wrong, or a segment uses a different field separator.
    BadDelimiter,
    /// A date or time that does not exist, such as 31 February.
    InvalidDate,
    /// An NHS number whose modulus 11 check digit is wrong.
    WrongNhsCheckDigit,
    /// A segment where the message structure does not allow it.
    SegmentOutOfOrder,
    /// MSH-10, the message control ID, is empty.
    MissingControlId,
}

impl FaultKind {
    /// Every fault kind.
    pub const ALL: [FaultKind; 6] = [
        FaultKind::MissingRequiredField,
        FaultKind::BadDelimiter,
        FaultKind::InvalidDate,
        FaultKind::WrongNhsCheckDigit,
        FaultKind::SegmentOutOfOrder,
        FaultKind::MissingControlId,
    ];

    /// The option text shown to the learner.
    pub fn label(self) -> &'static str {
        match self {
            FaultKind::MissingRequiredField => "A required field is empty",
            FaultKind::BadDelimiter => "A delimiter is wrong (MSH-2 or a field separator)",
            FaultKind::InvalidDate => "A date or time that cannot exist",
            FaultKind::WrongNhsCheckDigit => "An NHS number with a wrong check digit",
            FaultKind::SegmentOutOfOrder => "A segment out of order",
            FaultKind::MissingControlId => "The message control ID (MSH-10) is missing",
        }
    }
}

/// One fault found by [`check`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fault {
    pub kind: FaultKind,
    /// Where: a field (`PID-7`), repetition (`PID-3(2)`) or segment (`PV1`).
    pub path: String,
    /// What is wrong, in words.
    pub detail: String,
}

/// Every fault in `er7`. A parse failure caused by delimiters is a
/// [`FaultKind::BadDelimiter`] fault; any other parse failure is returned
/// as the error.
pub fn check(er7: &str) -> Result<Vec<Fault>, ParseError> {
    let message = match parse(er7) {
        Ok(m) => m,
        Err(e) => return delimiter_fault(er7, &e).map(|f| vec![f]).ok_or(e),
    };
    let mut faults = Vec::new();
    control_id(&message, &mut faults);
    required_fields(&message, &mut faults);
    dates(&message, &mut faults);
    nhs_numbers(&message, &mut faults);
    order(&message, &mut faults);
    Ok(faults)
}

/// A bad MSH-2 or a segment with another field separator, from the parse
/// error it causes.
fn delimiter_fault(er7: &str, e: &ParseError) -> Option<Fault> {
    let encoding = matches!(
        e.kind,
        ParseErrorKind::MissingEncodingCharacters
            | ParseErrorKind::TooManyEncodingCharacters
            | ParseErrorKind::DuplicateEncodingCharacter
            | ParseErrorKind::InvalidEncodingCharacter
            | ParseErrorKind::MissingFieldSeparator
    );
    let lines: Vec<&str> = er7.split(['\r', '\n']).collect();
    if encoding && e.line == 1 {
        return Some(Fault {
            kind: FaultKind::BadDelimiter,
            path: "MSH-2".to_owned(),
            detail: e.message.clone(),
        });
    }
    if e.kind != ParseErrorKind::InvalidSegmentId {
        return None;
    }
    let index = e.line.checked_sub(1)?;
    let line = lines.get(index)?;
    let id: String = line.chars().take(3).collect();
    let occurrence = lines
        .get(..index)?
        .iter()
        .filter(|l| l.starts_with(id.as_str()))
        .count()
        + 1;
    // Only a real segment ID followed by another punctuation character is a
    // separator fault; anything else is a different problem.
    let next = line.chars().nth(3)?;
    if !(id
        .chars()
        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        && next.is_ascii_punctuation())
    {
        return None;
    }
    Some(Fault {
        kind: FaultKind::BadDelimiter,
        path: if occurrence == 1 {
            id.clone()
        } else {
            format!("{id}[{occurrence}]")
        },
        detail: format!(
            "the {id} segment separates its fields with `{next}`, not the `|` MSH-1 declares"
        ),
    })
}

fn path(id: &str, occurrence: usize, field: usize) -> String {
    if occurrence == 1 {
        format!("{id}-{field}")
    } else {
        format!("{id}[{occurrence}]-{field}")
    }
}

/// Each segment with its occurrence number.
fn numbered(message: &Message) -> Vec<(usize, &crate::hl7::Segment)> {
    let mut seen: Vec<(&str, usize)> = Vec::new();
    message
        .all_segments()
        .iter()
        .map(|s| {
            let n = match seen.iter_mut().find(|(id, _)| *id == s.id()) {
                Some((_, n)) => {
                    *n += 1;
                    *n
                }
                None => {
                    seen.push((s.id(), 1));
                    1
                }
            };
            (n, s)
        })
        .collect()
}

fn control_id(message: &Message, faults: &mut Vec<Fault>) {
    if message.control_id().is_none() {
        faults.push(Fault {
            kind: FaultKind::MissingControlId,
            path: "MSH-10".to_owned(),
            detail: "MSH-10 (message control ID) is empty".to_owned(),
        });
    }
}

fn required_fields(message: &Message, faults: &mut Vec<Fault>) {
    for (occurrence, seg) in numbered(message) {
        for def in fields(Version::V2_5_1, seg.id()) {
            let skip = seg.is_header() && matches!(def.number, 1 | 2 | 10);
            if skip || def.optionality != Optionality::Required {
                continue;
            }
            let empty = seg.field(def.number).is_none_or(|f| f.raw().is_empty());
            if empty {
                faults.push(Fault {
                    kind: FaultKind::MissingRequiredField,
                    path: path(seg.id(), occurrence, def.number),
                    detail: format!(
                        "{}-{} ({}) is required but empty",
                        seg.id(),
                        def.number,
                        def.name
                    ),
                });
            }
        }
    }
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        _ => 0,
    }
}

/// Whether `text` is a valid HL7 date/time: `YYYY[MM[DD[HH[MM[SS[.S…]]]]]]`
/// with an optional `+ZZZZ`/`-ZZZZ` offset, naming a real calendar moment.
pub fn valid_datetime(text: &str) -> bool {
    let (main, zone) = match text.find(['+', '-']) {
        Some(i) => (&text[..i], Some(&text[i + 1..])),
        None => (text, None),
    };
    if let Some(z) = zone {
        let ok = z.len() == 4
            && z.bytes().all(|b| b.is_ascii_digit())
            && z[..2].parse::<u32>().is_ok_and(|h| h <= 14)
            && z[2..].parse::<u32>().is_ok_and(|m| m < 60);
        if !ok {
            return false;
        }
    }
    let (digits, fraction) = match main.split_once('.') {
        Some((d, f)) => (d, Some(f)),
        None => (main, None),
    };
    if let Some(f) = fraction {
        if digits.len() != 14
            || f.is_empty()
            || f.len() > 4
            || !f.bytes().all(|b| b.is_ascii_digit())
        {
            return false;
        }
    }
    if !matches!(digits.len(), 4 | 6 | 8 | 10 | 12 | 14)
        || !digits.bytes().all(|b| b.is_ascii_digit())
    {
        return false;
    }
    let num = |a: usize, b: usize| digits.get(a..b).and_then(|s| s.parse::<u32>().ok());
    let year = num(0, 4).unwrap_or(0);
    let month = num(4, 6);
    let day = num(6, 8);
    if month.is_some_and(|m| !(1..=12).contains(&m)) {
        return false;
    }
    if let (Some(m), Some(d)) = (month, day) {
        if d == 0 || d > days_in_month(year, m) {
            return false;
        }
    }
    num(8, 10).is_none_or(|h| h < 24)
        && num(10, 12).is_none_or(|m| m < 60)
        && num(12, 14).is_none_or(|s| s < 60)
}

fn dates(message: &Message, faults: &mut Vec<Fault>) {
    for (occurrence, seg) in numbered(message) {
        for def in fields(Version::V2_5_1, seg.id()) {
            if !matches!(def.data_type, "TS" | "DT" | "DTM") {
                continue;
            }
            let Some(field) = seg.field(def.number) else {
                continue;
            };
            for rep in field.repetitions() {
                let value = rep.component(1).map(|c| c.raw()).unwrap_or("");
                if !value.is_empty() && !valid_datetime(value) {
                    faults.push(Fault {
                        kind: FaultKind::InvalidDate,
                        path: path(seg.id(), occurrence, def.number),
                        detail: format!(
                            "{}-{} ({}) holds `{value}`, which is not a real date and time",
                            seg.id(),
                            def.number,
                            def.name
                        ),
                    });
                }
            }
        }
    }
}

fn nhs_numbers(message: &Message, faults: &mut Vec<Fault>) {
    for (occurrence, seg) in numbered(message) {
        if seg.id() != "PID" {
            continue;
        }
        let Some(field) = seg.field(3) else {
            continue;
        };
        for (r, rep) in (1..).zip(field.repetitions()) {
            let comp = |n| rep.component(n).map(|c| c.raw()).unwrap_or("");
            let is_nhs = comp(5).eq_ignore_ascii_case("NH") || comp(4).eq_ignore_ascii_case("NHS");
            let number = comp(1);
            if is_nhs && !is_valid_nhs_number(number) {
                let seg_path = if occurrence == 1 {
                    "PID".to_owned()
                } else {
                    format!("PID[{occurrence}]")
                };
                faults.push(Fault {
                    kind: FaultKind::WrongNhsCheckDigit,
                    path: format!("{seg_path}-3({r})"),
                    detail: format!("NHS number `{number}` fails the modulus 11 check"),
                });
            }
        }
    }
}

/// The segment order of each structure the exercises use, from the
/// v2.5.1 abstract message definitions (optional segments included, groups
/// flattened; a structure with repeating order groups may restart at ORC).
fn segment_order(structure: &str) -> Option<&'static [&'static str]> {
    const ADT: &[&str] = &[
        "MSH", "SFT", "EVN", "PID", "PD1", "ROL", "NK1", "PV1", "PV2", "DB1", "OBX", "AL1", "DG1",
        "DRG", "PR1", "GT1", "IN1", "IN2", "IN3", "ACC", "UB1", "UB2", "PDA",
    ];
    Some(match structure {
        "ADT_A01" | "ADT_A02" | "ADT_A03" | "ADT_A09" => ADT,
        "ADT_A39" => &["MSH", "SFT", "EVN", "PID", "PD1", "MRG", "PV1"],
        "ORM_O01" => &[
            "MSH", "PID", "PD1", "PV1", "PV2", "IN1", "IN2", "IN3", "GT1", "AL1", "ORC", "OBR",
            "CTD", "DG1", "OBX", "CTI", "BLG",
        ],
        "OMI_O23" => &[
            "MSH", "SFT", "PID", "PD1", "PV1", "PV2", "IN1", "IN2", "IN3", "GT1", "AL1", "ORC",
            "TQ1", "TQ2", "OBR", "CTD", "DG1", "OBX", "IPC",
        ],
        "ORU_R01" => &[
            "MSH", "SFT", "PID", "PD1", "NK1", "PV1", "PV2", "ORC", "OBR", "TQ1", "TQ2", "CTD",
            "OBX", "FT1", "CTI", "SPM",
        ],
        "ACK" => &["MSH", "SFT", "MSA", "ERR"],
        _ => return None,
    })
}

fn order(message: &Message, faults: &mut Vec<Fault>) {
    let Some(structure) = message.message_type().and_then(|t| t.structure) else {
        return;
    };
    let Some(table) = segment_order(&structure) else {
        return;
    };
    let rank = |id: &str| table.iter().position(|s| *s == id);
    let orc = rank("ORC");
    let mut highest: Option<(usize, String)> = None;
    let mut seen_obr = false;
    for (occurrence, seg) in numbered(message) {
        let Some(r) = rank(seg.id()) else {
            continue;
        };
        if seg.id() == "OBR" {
            seen_obr = true;
        }
        // A new order group starts with ORC after an earlier OBR.
        if Some(r) == orc && seen_obr && seg.id() == "ORC" {
            highest = Some((r, seg.id().to_owned()));
            seen_obr = false;
            continue;
        }
        match &highest {
            Some((h, after)) if r < *h => {
                let at = if occurrence == 1 {
                    seg.id().to_owned()
                } else {
                    format!("{}[{occurrence}]", seg.id())
                };
                faults.push(Fault {
                    kind: FaultKind::SegmentOutOfOrder,
                    path: at,
                    detail: format!(
                        "{} comes after {after}, but {structure} puts it before",
                        seg.id()
                    ),
                });
                // One misplaced segment puts everything after it out of
                // step too: report the first only, as a parser would.
                return;
            }
            Some((h, _)) if r == *h => {}
            _ => highest = Some((r, seg.id().to_owned())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_must_exist() {
        for ok in [
            "2024",
            "202402",
            "20240229",
            "2024022923",
            "202402292359",
            "20240229235959",
            "20240229235959.1234",
            "20250314093000+0100",
            "20250314093000-0500",
            "20000229",
        ] {
            assert!(valid_datetime(ok), "{ok}");
        }
        for bad in [
            "",
            "20250231",
            "20230229",
            "19000229",
            "20251301",
            "20250001",
            "20250100",
            "20250431",
            "2025031424",
            "202503142360",
            "20250314235960",
            "2025031",
            "2025-03-14",
            "20250314093000+01",
            "20250314093000+2500",
            "20250314.5",
            "2025031409300x",
        ] {
            assert!(!valid_datetime(bad), "{bad}");
        }
    }
}
