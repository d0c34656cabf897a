//! Know the VR: name an attribute's value representation and what it
//! allows (Foundation), or judge a value against its VR (Intermediate),
//! by the rules of PS3.5 section 6.2 (table 6.2-1) and section 9.1 (UIDs).

use crate::dicom::{by_keyword, Tag, Vr};
use crate::exercise::{AnswerForm, Material, SINGLE};

use super::data::record;
use super::{choice, choice_key, model_link, part, tag_text, Ctx, Made};

/// Attributes with a single VR in PS3.6, for the Foundation level.
pub(crate) const FOUNDATION: &[&str] = &[
    "PatientName",
    "StudyDate",
    "Rows",
    "StudyInstanceUID",
    "Modality",
    "AccessionNumber",
    "PatientID",
    "PatientBirthDate",
    "StudyTime",
    "PatientAge",
    "SeriesNumber",
    "SliceThickness",
    "StudyDescription",
    "PatientSex",
    "SOPInstanceUID",
    "ReferringPhysicianName",
    "StationName",
    "StationAETitle",
    "OtherPatientIDsSequence",
    "InstanceNumber",
];

/// The VRs distractors are drawn from.
const VR_POOL: &[Vr] = &[
    Vr::AE,
    Vr::AS,
    Vr::CS,
    Vr::DA,
    Vr::DS,
    Vr::DT,
    Vr::IS,
    Vr::LO,
    Vr::LT,
    Vr::PN,
    Vr::SH,
    Vr::SQ,
    Vr::ST,
    Vr::TM,
    Vr::UI,
    Vr::UL,
    Vr::US,
];

pub(super) fn make(ctx: &mut Ctx) -> Made {
    if !ctx.hard() {
        name_the_vr(ctx)
    } else if ctx.chance(500) {
        valid_value(ctx)
    } else {
        whats_wrong(ctx)
    }
}

/// The attribute's name, tag and VR from the dictionary.
fn lookup(keyword: &str) -> (&'static str, Tag, Vr) {
    by_keyword(keyword).map_or(("", Tag(0, 0), Vr::UN), |a| {
        (a.name, a.tag, a.vr().unwrap_or(Vr::UN))
    })
}

fn name_the_vr(ctx: &mut Ctx) -> Made {
    let keyword = ctx.pick(FOUNDATION);
    let (name, tag, vr) = lookup(keyword);
    let others: Vec<Vr> = VR_POOL.iter().copied().filter(|v| *v != vr).collect();
    let distractors = ctx.sample(&others, 3);
    let (vr_options, vr_index) = ctx.options(
        vr.code().to_owned(),
        distractors.iter().map(|v| v.code().to_owned()).collect(),
    );
    let (allow_options, allow_index) = ctx.options(
        vr.allows().to_owned(),
        distractors.iter().map(|v| v.allows().to_owned()).collect(),
    );
    let t = tag_text(tag);
    let explanation = format!(
        "PS3.6 gives {name} {t} the VR {vr}, {vr_name}. {allows} The VR decides how the value is encoded and checked (PS3.5 section 6.2, table 6.2-1); in an implicit VR transfer syntax it is not in the bytes at all, so every reader must know it from the dictionary.",
        vr = vr.code(),
        vr_name = vr.name(),
        allows = vr.allows(),
    );
    Made {
        prompt: format!("What is the VR of {name} {t}, and what may a value of that VR hold?"),
        material: Material::Text(format!("Attribute: {name} {t}\nKeyword: {keyword}")),
        answer: AnswerForm::Parts(vec![
            part("vr", choice("VR", vr_options.clone())),
            part(
                "allows",
                choice("What a value of this VR may hold", allow_options.clone()),
            ),
        ]),
        parts: vec![
            choice_key("vr", vr_index, vr_options.len(), vr.code().to_owned()),
            choice_key(
                "allows",
                allow_index,
                allow_options.len(),
                vr.allows().to_owned(),
            ),
        ],
        expected: format!("{} ({}): {}", vr.code(), vr.name(), vr.allows()),
        explanation,
        highlight: vec![t],
        learn_more: model_link("value-representations", "Value representations"),
    }
}

/// What can be wrong with a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Defect {
    Separators,
    NotADate,
    NotATime,
    LowerCase,
    Hyphen,
    TooLong,
    LeadingZero,
    NotDigits,
    TooManyComponents,
    NotInteger,
    CommaDecimal,
    NoUnit,
}

pub(crate) const DEFECTS: &[Defect] = &[
    Defect::Separators,
    Defect::NotADate,
    Defect::NotATime,
    Defect::LowerCase,
    Defect::Hyphen,
    Defect::TooLong,
    Defect::LeadingZero,
    Defect::NotDigits,
    Defect::TooManyComponents,
    Defect::NotInteger,
    Defect::CommaDecimal,
    Defect::NoUnit,
];

/// The "nothing is wrong" option.
const VALID: &str = "Nothing: the value is valid for this VR";

impl Defect {
    pub(crate) fn label(self) -> &'static str {
        match self {
            Defect::Separators => {
                "It contains separators (such as - : /) that this VR does not allow"
            }
            Defect::NotADate => "It is not a real calendar date",
            Defect::NotATime => "It is not a real time of day",
            Defect::LowerCase => "It contains lower-case letters, which this VR does not allow",
            Defect::Hyphen => "It contains a hyphen, which this VR does not allow",
            Defect::TooLong => "It is longer than this VR's maximum length",
            Defect::LeadingZero => "A UID component starts with a leading zero",
            Defect::NotDigits => "It contains characters other than digits and full stops",
            Defect::TooManyComponents => "It has more than five name components",
            Defect::NotInteger => "It is not a whole number",
            Defect::CommaDecimal => "It uses a comma as the decimal mark",
            Defect::NoUnit => "It is not of the form nnnD, nnnW, nnnM or nnnY (4 characters)",
        }
    }

    /// Whether `value` of `vr` has this defect (PS3.5 section 6.2 and 9.1).
    pub(crate) fn applies(self, vr: Vr, value: &str) -> bool {
        match self {
            Defect::Separators => matches!(vr, Vr::DA | Vr::TM) && value.contains(['-', ':', '/']),
            Defect::NotADate => vr == Vr::DA && value.len() == 8 && !real_date(value),
            Defect::NotATime => {
                let n =
                    |r: std::ops::Range<usize>| value.get(r).and_then(|x| x.parse::<u32>().ok());
                vr == Vr::TM && (n(0..2).is_some_and(|h| h > 23) || n(2..4).is_some_and(|m| m > 59))
            }
            Defect::LowerCase => vr == Vr::CS && value.chars().any(|c| c.is_ascii_lowercase()),
            Defect::Hyphen => vr == Vr::CS && value.contains('-'),
            Defect::TooLong => max_len(vr).is_some_and(|m| value.len() > m),
            Defect::LeadingZero => {
                vr == Vr::UI && value.split('.').any(|c| c.len() > 1 && c.starts_with('0'))
            }
            Defect::NotDigits => {
                vr == Vr::UI && value.chars().any(|c| !c.is_ascii_digit() && c != '.')
            }
            Defect::TooManyComponents => {
                vr == Vr::PN && value.split('=').any(|g| g.matches('^').count() > 4)
            }
            Defect::NotInteger => vr == Vr::IS && value.trim().parse::<i32>().is_err(),
            Defect::CommaDecimal => vr == Vr::DS && value.contains(','),
            Defect::NoUnit => {
                vr == Vr::AS && !(value.len() == 4 && value.ends_with(['D', 'W', 'M', 'Y']))
            }
        }
    }
}

/// The maximum length of a value in bytes (characters for the default
/// repertoire) from PS3.5 table 6.2-1, for the VRs these exercises use.
pub(crate) fn max_len(vr: Vr) -> Option<usize> {
    match vr {
        Vr::AE | Vr::CS | Vr::SH | Vr::DS => Some(16),
        Vr::AS => Some(4),
        Vr::DA => Some(8),
        Vr::TM => Some(14),
        Vr::IS => Some(12),
        Vr::LO | Vr::UI => Some(64),
        _ => None,
    }
}

/// Whether an 8-digit YYYYMMDD string is a real calendar date.
pub(crate) fn real_date(value: &str) -> bool {
    if value.len() != 8 || !value.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let n = |r: std::ops::Range<usize>| value[r].parse::<u32>().unwrap_or(0);
    let (y, m, d) = (n(0..4), n(4..6), n(6..8));
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d)
}

/// Why the defect breaks the VR's rule, for the explanation.
fn rule(defect: Defect, vr: Vr) -> &'static str {
    match defect {
        Defect::Separators if vr == Vr::TM => "TM is HHMMSS.FFFFFF with no separators; the HH:MM:SS form with colons comes from ACR-NEMA and is not valid in DICOM data sets (PS3.5 table 6.2-1).",
        Defect::Separators => "DA is exactly 8 characters YYYYMMDD with no separators (PS3.5 table 6.2-1); a form with hyphens or dots is not valid in DICOM data sets.",
        Defect::NotADate => "A DA value must be a real date: MM from 01 to 12 and DD valid for that month (PS3.5 table 6.2-1).",
        Defect::NotATime => "In TM the hours run from 00 to 23 and the minutes from 00 to 59 (PS3.5 table 6.2-1).",
        Defect::LowerCase => "CS allows only upper-case letters, the digits 0 to 9, space and underscore (PS3.5 table 6.2-1), so codes such as modalities are always upper case.",
        Defect::Hyphen => "CS allows only upper-case letters, the digits 0 to 9, space and underscore (PS3.5 table 6.2-1): no hyphen, which is why the defined term for head and neck is HEADNECK.",
        Defect::TooLong => "Each VR has a maximum length (PS3.5 table 6.2-1): 16 characters for AE, CS, SH and DS, 64 for LO and UI, 8 bytes for DA; a longer value is invalid and a strict receiver may refuse or truncate it.",
        Defect::LeadingZero => "PS3.5 section 9.1: each UID component is a number, and its first digit may not be 0 unless the component is the single digit 0.",
        Defect::NotDigits => "A UID holds only the digits 0 to 9 and full stops (PS3.5 section 9.1); a UUID must be written as one decimal number after 2.25, not in hexadecimal (PS3.5 annex B.2).",
        Defect::TooManyComponents => "A PN value has at most five components, family^given^middle^prefix^suffix, in each of its up to three component groups (PS3.5 section 6.2.1).",
        Defect::NotInteger => "IS is an integer written as text, optionally signed, from -2147483648 to 2147483647 (PS3.5 table 6.2-1): no decimal point.",
        Defect::CommaDecimal => "DS uses a full stop as the decimal mark, whatever the local convention; its characters are the digits, + - E e . and space (PS3.5 table 6.2-1).",
        Defect::NoUnit => "AS is exactly 4 characters, nnnD, nnnW, nnnM or nnnY, with leading zeros: 45 years is 045Y (PS3.5 table 6.2-1).",
    }
}

/// A faulty value of an attribute, for "what is wrong".
struct Case {
    keyword: &'static str,
    value: String,
    defect: Defect,
}

fn cases(ctx: &mut Ctx) -> Vec<Case> {
    let rec = record(ctx, None);
    let date = rec.order.scheduled_at.dicom_date();
    let dob = rec.patient.date_of_birth.dicom_date();
    let uid = rec.order.study_instance_uid.clone();
    let hex_uuid = format!(
        "2.25.{:032x}",
        (u128::from(ctx.rng.next_u64()) << 64) | u128::from(ctx.rng.next_u64())
    );
    let c = |keyword, value: String, defect| Case {
        keyword,
        value,
        defect,
    };
    vec![
        c(
            "StudyDate",
            format!("{}-{}-{}", &date[..4], &date[4..6], &date[6..]),
            Defect::Separators,
        ),
        c(
            "PatientBirthDate",
            format!("{}{}{}", &dob[..4], 13 + ctx.rng.below(7), &dob[6..]),
            Defect::NotADate,
        ),
        c(
            "PatientBirthDate",
            format!("{}0230", &dob[..4]),
            Defect::NotADate,
        ),
        c(
            "Modality",
            rec.modality.code().to_lowercase(),
            Defect::LowerCase,
        ),
        c("BodyPartExamined", "HEAD-NECK".to_owned(), Defect::Hyphen),
        c(
            "StudyTime",
            {
                let t = rec.order.scheduled_at.dicom_time();
                format!("{}:{}:{}", &t[..2], &t[2..4], &t[4..6])
            },
            Defect::Separators,
        ),
        c(
            "StudyInstanceUID",
            format!("2.25.0{}", &uid[5..uid.len().min(62)]),
            Defect::LeadingZero,
        ),
        c("SeriesInstanceUID", hex_uuid, Defect::NotDigits),
        c(
            "AccessionNumber",
            format!(
                "{}-{}-{}",
                rec.order.trust_facility,
                &date[..4],
                rec.order
                    .accession_number
                    .get(rec.order.trust_facility.len()..)
                    .unwrap_or("12345678")
            ),
            Defect::TooLong,
        ),
        c(
            "StationAETitle",
            format!(
                "{}_CT_SCANNER_{}",
                rec.patient.trust().site.to_uppercase().replace(' ', "_"),
                ctx.rng.range(1, 4)
            ),
            Defect::TooLong,
        ),
        c(
            "PatientName",
            format!(
                "{}^{}^ALAN^MR^JR^PHD",
                rec.patient.family_name.to_uppercase(),
                rec.patient.given_name.to_uppercase()
            ),
            Defect::TooManyComponents,
        ),
        c(
            "SeriesNumber",
            format!("{}.5", ctx.rng.range(1, 9)),
            Defect::NotInteger,
        ),
        c(
            "SliceThickness",
            format!("{},25", ctx.rng.range(0, 5)),
            Defect::CommaDecimal,
        ),
        c(
            "PatientAge",
            format!("{}", ctx.rng.range(18, 90)),
            Defect::NoUnit,
        ),
    ]
}

fn whats_wrong(ctx: &mut Ctx) -> Made {
    let all = cases(ctx);
    let case = &all[ctx.rng.index(all.len())];
    let (name, tag, vr) = lookup(case.keyword);
    let value = &case.value;
    // Distractors: defects that do not apply to this value, and sometimes
    // "nothing is wrong".
    let wrong: Vec<Defect> = DEFECTS
        .iter()
        .copied()
        .filter(|d| !d.applies(vr, value))
        .collect();
    let n = if ctx.chance(500) { 2 } else { 3 };
    let mut distractors: Vec<String> = ctx
        .sample(&wrong, n)
        .iter()
        .map(|d| d.label().to_owned())
        .collect();
    if n == 2 {
        distractors.push(VALID.to_owned());
    }
    let (options, correct) = ctx.options(case.defect.label().to_owned(), distractors);
    let t = tag_text(tag);
    let explanation = format!(
        "{name} {t} is {vr}, and `{value}` breaks its rule: {label}. {rule} Receivers differ in what they do with an invalid value (reject, truncate or pass it on), so fix it at the source.",
        vr = vr.code(),
        label = lower_first(case.defect.label()),
        rule = rule(case.defect, vr),
    );
    Made {
        prompt: format!(
            "A system sends {name} {t}, VR {vr}, with the value `{value}`. What is wrong with it?",
            vr = vr.code()
        ),
        material: Material::Text(format!(
            "Attribute: {name} {t}\nVR: {}\nValue: {value}",
            vr.code()
        )),
        answer: choice("What is wrong", options.clone()),
        parts: vec![choice_key(
            SINGLE,
            correct,
            options.len(),
            case.defect.label().to_owned(),
        )],
        expected: case.defect.label().to_owned(),
        explanation,
        highlight: vec![t],
        learn_more: vr_link(vr),
    }
}

fn vr_link(vr: Vr) -> crate::exercise::ModuleLink {
    match vr {
        Vr::UI => model_link("unique-identifiers-uids", "Unique identifiers (UIDs)"),
        Vr::PN => model_link(
            "person-names-dicom-pn-and-hl7-xpn",
            "Person names: DICOM PN and HL7 XPN",
        ),
        _ => model_link("value-representations", "Value representations"),
    }
}

/// One valid and three invalid values of an attribute, for "which is
/// valid". Each invalid value names its defect.
fn valid_value(ctx: &mut Ctx) -> Made {
    let rec = record(ctx, None);
    let date = rec.order.scheduled_at.dicom_date();
    let time = rec.order.scheduled_at.dicom_time();
    let uid = rec.order.study_instance_uid.clone();
    let (keyword, valid, invalid): (&str, String, Vec<(String, Defect)>) = match ctx.rng.below(5) {
        0 => (
            "StudyDate",
            date.clone(),
            vec![
                (
                    format!("{}-{}-{}", &date[..4], &date[4..6], &date[6..]),
                    Defect::Separators,
                ),
                (
                    format!("{}/{}/{}", &date[6..], &date[4..6], &date[..4]),
                    Defect::Separators,
                ),
                (format!("{}13{}", &date[..4], &date[6..]), Defect::NotADate),
                (format!("{}0931", &date[..4]), Defect::NotADate),
            ],
        ),
        1 => (
            "StudyTime",
            time.clone(),
            vec![
                (
                    format!("{}:{}:{}", &time[..2], &time[2..4], &time[4..6]),
                    Defect::Separators,
                ),
                (
                    format!("{}:{}", &time[..2], &time[2..4]),
                    Defect::Separators,
                ),
                (
                    format!("2{}{}", 4 + ctx.rng.below(6), &time[2..]),
                    Defect::NotATime,
                ),
            ],
        ),
        2 => (
            "StudyInstanceUID",
            uid.clone(),
            vec![
                (
                    format!("2.25.0{}", &uid[5..uid.len().min(62)]),
                    Defect::LeadingZero,
                ),
                (
                    format!(
                        "2.25.{:032x}",
                        (u128::from(ctx.rng.next_u64()) << 64) | u128::from(ctx.rng.next_u64())
                    ),
                    Defect::NotDigits,
                ),
                (format!("{uid}.{}", "1234567890".repeat(3)), Defect::TooLong),
            ],
        ),
        3 => (
            "Modality",
            rec.modality.code().to_owned(),
            vec![
                (rec.modality.code().to_lowercase(), Defect::LowerCase),
                ("X-RAY".to_owned(), Defect::Hyphen),
                ("COMPUTED TOMOGRAPHY".to_owned(), Defect::TooLong),
            ],
        ),
        _ => {
            let years = 18 + ctx.rng.below(70);
            (
                "PatientAge",
                format!("{years:03}Y"),
                vec![
                    (format!("{years}Y"), Defect::NoUnit),
                    (format!("{years}"), Defect::NoUnit),
                    (format!("{years:03}YR"), Defect::TooLong),
                ],
            )
        }
    };
    let (name, tag, vr) = lookup(keyword);
    let chosen = ctx.sample(&invalid, 3);
    let (options, correct) = ctx.options(
        valid.clone(),
        chosen.iter().map(|(v, _)| v.clone()).collect(),
    );
    let t = tag_text(tag);
    let why: Vec<String> = chosen
        .iter()
        .map(|(v, d)| format!("`{v}`: {}", lower_first(d.label())))
        .collect();
    let explanation = format!(
        "{name} {t} is {vr}: {allows} So `{valid}` is valid, and the others are not ({why}). These rules are those of PS3.5 section 6.2, table 6.2-1{uid_rule}.",
        vr = vr.code(),
        allows = vr.allows(),
        why = why.join("; "),
        uid_rule = if vr == Vr::UI { ", and section 9.1 for UIDs" } else { "" },
    );
    Made {
        prompt: format!(
            "Which of these is a valid value for {name} {t}, VR {}?",
            vr.code()
        ),
        material: Material::Text(format!("Attribute: {name} {t}\nVR: {}", vr.code())),
        answer: choice("The valid value", options.clone()),
        parts: vec![choice_key(SINGLE, correct, options.len(), valid.clone())],
        expected: valid.clone(),
        explanation,
        highlight: vec![t],
        learn_more: vr_link(vr),
    }
}

/// A value for the Intermediate "which is valid" question is valid by
/// these rules: no defect applies (used by the tests).
#[cfg(test)]
pub(crate) fn is_valid(vr: Vr, value: &str) -> bool {
    DEFECTS.iter().all(|d| !d.applies(vr, value))
}

/// `text` with its first letter in lower case, to continue a sentence.
fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}
