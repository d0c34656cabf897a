//! Find the attribute: read a value out of a dcmdump-style listing
//! (Foundation) or out of a data set's raw bytes (Intermediate), knowing
//! only the attribute's name: the learner must know its tag.

use crate::dicom::{attribute, read_dataset, write_dataset, Tag, TransferSyntax};
use crate::exercise::{Kind, Material, TextMode, SINGLE};

use super::data::{dataset, record, Extras, Record};
use super::{listing, model_link, syntax_link, tag_text, text_form, text_key, Ctx, Made};

/// One question: how the prompt names the attribute, its tag, how the
/// answer is compared and a format hint.
struct Question {
    what: &'static str,
    tag: Tag,
    mode: TextMode,
    hint: Option<&'static str>,
}

const QUESTIONS: &[Question] = &[
    Question {
        what: "the Patient ID (the trust's hospital number)",
        tag: Tag(0x0010, 0x0020),
        mode: TextMode::Identifier,
        hint: None,
    },
    Question {
        what: "the accession number",
        tag: Tag(0x0008, 0x0050),
        mode: TextMode::Identifier,
        hint: None,
    },
    Question {
        what: "the Study Instance UID",
        tag: Tag(0x0020, 0x000D),
        mode: TextMode::Identifier,
        hint: Some("digits and dots"),
    },
    Question {
        what: "the Series Instance UID",
        tag: Tag(0x0020, 0x000E),
        mode: TextMode::Identifier,
        hint: Some("digits and dots"),
    },
    Question {
        what: "the SOP Instance UID of this image",
        tag: Tag(0x0008, 0x0018),
        mode: TextMode::Identifier,
        hint: Some("digits and dots"),
    },
    Question {
        what: "the modality",
        tag: Tag(0x0008, 0x0060),
        mode: TextMode::Code,
        hint: Some("a code such as XA"),
    },
    Question {
        what: "the patient's date of birth",
        tag: Tag(0x0010, 0x0030),
        mode: TextMode::Date,
        hint: Some("YYYYMMDD"),
    },
    Question {
        what: "the study date",
        tag: Tag(0x0008, 0x0020),
        mode: TextMode::Date,
        hint: Some("YYYYMMDD"),
    },
    Question {
        what: "the patient's name, as the header writes it",
        tag: Tag(0x0010, 0x0010),
        mode: TextMode::Text,
        hint: Some("FAMILY^GIVEN..."),
    },
    Question {
        what: "the referring physician's name, as the header writes it",
        tag: Tag(0x0008, 0x0090),
        mode: TextMode::Text,
        hint: Some("FAMILY^GIVEN..."),
    },
    Question {
        what: "the body part examined",
        tag: Tag(0x0018, 0x0015),
        mode: TextMode::Code,
        hint: Some("a code such as KNEE"),
    },
];

/// Whether `tag` is one the questions ask about (its keyword is left off
/// the listing).
fn asked(tag: Tag) -> bool {
    QUESTIONS.iter().any(|q| q.tag == tag)
}

/// What the find-attribute exercise for `(difficulty, seed)` asks: the
/// transfer syntax of the bytes (Intermediate), the tag and the value. For
/// test harnesses such as `examples/exercise_dicom.rs`.
pub fn find_target(
    difficulty: crate::exercise::Level,
    seed: u64,
) -> (TransferSyntax, Tag, String, Material) {
    let mut ctx = Ctx::new(Kind::DicomFindAttribute, difficulty, seed);
    let (ts, tag, value, made) = build(&mut ctx);
    (ts, tag, value, made.material)
}

pub(super) fn make(ctx: &mut Ctx) -> Made {
    build(ctx).3
}

fn build(ctx: &mut Ctx) -> (TransferSyntax, Tag, String, Made) {
    let q = &QUESTIONS[ctx.rng.index(QUESTIONS.len())];
    let rec = record(ctx, None);
    let hard = ctx.hard();
    let ts = if hard && ctx.chance(500) {
        TransferSyntax::IMPLICIT_VR_LITTLE_ENDIAN
    } else {
        TransferSyntax::EXPLICIT_VR_LITTLE_ENDIAN
    };
    let extras = Extras {
        other_ids: hard,
        ..Extras::default()
    };
    let ds = dataset(&rec, extras);
    let value = ds.get_strs(q.tag).map(|v| v.join("\\")).unwrap_or_default();
    let bytes = write_dataset(&ds, ts);
    let name = attribute(q.tag).map_or("", |a| a.name);
    let keyword = attribute(q.tag).map_or("", |a| a.keyword);
    let t = tag_text(q.tag);
    let material = if hard {
        Material::DicomBytes {
            bytes,
            highlight: None,
            caption: format!("A bare data set, {}", ts.name()),
        }
    } else {
        let parsed = read_dataset(&bytes, ts);
        Material::DicomListing {
            listing: listing(&parsed.dataset, &asked),
            caption: "An image header (keywords of the attributes asked about left off)".to_owned(),
        }
    };
    let mut explanation = vec![format!(
        "{name} is {t} (keyword {keyword}; PS3.6), so the answer is the value of the element with that tag: `{value}`."
    )];
    if hard {
        explanation.push(format!(
            "In the bytes, look for the tag written {order}: `{tag_bytes}`{vr_part}, then the length, then the value.",
            order = "group then element, each low byte first",
            tag_bytes = le_tag(q.tag),
            vr_part = if ts.explicit_vr {
                " followed by the two VR letters"
            } else {
                " (in Implicit VR Little Endian no VR follows, only a 4-byte length)"
            },
        ));
        explanation.push("Elements are in ascending tag order (PS3.5 section 7.1), which tells you roughly where to look.".to_owned());
    } else {
        explanation.push(
            "Each line of a listing is one element: the tag (group,element), the VR and the value in brackets."
                .to_owned(),
        );
    }
    if q.tag == Tag::PATIENT_ID && hard {
        explanation.push("Careful: Other Patient IDs Sequence (0010,1002) holds a second (0010,0020) inside its item, the NHS number; the Patient ID is the top-level element, issued by the trust named in Issuer of Patient ID (0010,0021).".to_owned());
    } else {
        explanation.push(hint_for(q.tag, &rec));
    }
    let accepted = accepted(q, &value);
    let made = Made {
        prompt: format!(
            "What is {} in this {}?",
            q.what,
            if hard {
                "data set (raw bytes)"
            } else {
                "header listing"
            }
        ),
        material,
        answer: text_form("Your answer", q.hint),
        parts: vec![text_key(SINGLE, accepted, q.mode, format!("{value} {t}"))],
        expected: format!("{value} ({name}, {t})"),
        explanation: explanation.join(" "),
        highlight: vec![t.clone()],
        learn_more: if hard {
            syntax_link(
                "how-a-data-element-becomes-bytes",
                "How a data element becomes bytes",
            )
        } else {
            model_link("common-attributes", "Common attributes")
        },
    };
    (ts, q.tag, value, made)
}

/// The tag's bytes in little endian, e.g. `10 00 20 00`.
fn le_tag(tag: Tag) -> String {
    let [g0, g1] = tag.group().to_le_bytes();
    let [e0, e1] = tag.element().to_le_bytes();
    format!("{g0:02X} {g1:02X} {e0:02X} {e1:02X}")
}

/// The accepted answers: the value, and for a person name also the name
/// without its empty and prefix components.
fn accepted(q: &Question, value: &str) -> Vec<String> {
    let mut out = vec![value.to_owned()];
    if q.mode == TextMode::Text {
        let comps: Vec<&str> = value.split('^').collect();
        if comps.len() >= 2 {
            out.push(format!("{}^{}", comps[0], comps[1]));
            out.push(format!("{} {}", comps[1], comps[0]));
        }
    }
    out
}

/// One sentence about the attribute asked for.
fn hint_for(tag: Tag, rec: &Record) -> String {
    match (tag.group(), tag.element()) {
        (0x0010, 0x0020) => "Patient ID is the trust's own identifier (here the hospital number), not the NHS number; PS3.3 C.7.1.1, Patient module.".to_owned(),
        (0x0008, 0x0050) => "The accession number comes from the RIS order and ties the images to the examination; it is SH, at most 16 characters (PS3.3 C.7.2.1, General Study module).".to_owned(),
        (0x0020, 0x000D) => "Every image of the study carries the same Study Instance UID (PS3.3 C.7.2.1); do not confuse it with the Series (0020,000E) or SOP Instance (0008,0018) UIDs.".to_owned(),
        (0x0020, 0x000E) => "The Series Instance UID is shared by the images of one series only (PS3.3 C.7.3.1); the Study Instance UID is (0020,000D).".to_owned(),
        (0x0008, 0x0018) => "The SOP Instance UID identifies this one image (PS3.3 C.12.1, SOP Common module); the Media Storage SOP Instance UID in a file's meta group repeats it.".to_owned(),
        (0x0008, 0x0060) => format!("Modality is a CS code from the defined terms of PS3.3 C.7.3.1.1.1, here {}.", rec.modality.code()),
        (0x0010, 0x0030) | (0x0008, 0x0020) => "Dates are DA, YYYYMMDD with no separators (PS3.5 section 6.2); Patient's Birth Date is (0010,0030), Study Date (0008,0020).".to_owned(),
        (0x0010, 0x0010) | (0x0008, 0x0090) => "Names are PN: family^given^middle^prefix^suffix (PS3.5 section 6.2.1); Patient's Name is (0010,0010), Referring Physician's Name (0008,0090).".to_owned(),
        _ => "Body Part Examined is a CS code of the General Series module (PS3.3 C.7.3.1).".to_owned(),
    }
}
