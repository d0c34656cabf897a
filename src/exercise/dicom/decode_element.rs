//! Decode a data element: read the tag, VR, value length and value of the
//! highlighted element straight from a data set's bytes (PS3.5 section 7.1).

use crate::dicom::{
    attribute, read_dataset, write_dataset, DataSet, ElementValue, Span, Tag, TransferSyntax, Vr,
};
use crate::exercise::{AnswerForm, Kind, Level, Material, TextMode};
use crate::synth::dicom::Modality;

use super::data::{dataset, record, Extras};
use super::{
    hex_variants, model_link, number_variants, part, syntax_link, tag_text, tag_variants,
    text_form, text_key, Ctx, Made,
};

/// The element an exercise asks about, as the key knows it. For test
/// harnesses that check the bytes with an independent reader (see
/// `examples/exercise_dicom.rs`); the web pages never call this.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeTarget {
    /// The transfer syntax the bytes are in.
    pub transfer_syntax: TransferSyntax,
    /// The element's tag.
    pub tag: Tag,
    /// Its VR (from the bytes, or for implicit VR from the dictionary).
    pub vr: Vr,
    /// Its value length in bytes, padding included.
    pub length: u32,
    /// Its value as the learner types it: text without padding, a
    /// decimal number, or hex bytes separated by spaces.
    pub value: String,
    /// The highlighted byte range `(start, len)`: the whole element.
    pub highlight: (usize, usize),
    /// The material's bytes.
    pub bytes: Vec<u8>,
}

/// The target of the decode-element exercise for `(difficulty, seed)`.
pub fn decode_target(difficulty: Level, seed: u64) -> DecodeTarget {
    let mut ctx = Ctx::new(Kind::DicomDecodeElement, difficulty, seed);
    build(&mut ctx).0
}

/// How the learner must read the value.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Reading {
    Text,
    Date,
    Number,
    Bytes,
}

/// String elements with a short-form VR that the Foundation level asks.
const STRINGS: &[Tag] = &[
    Tag(0x0008, 0x0016),
    Tag(0x0008, 0x0020),
    Tag(0x0008, 0x0030),
    Tag(0x0008, 0x0050),
    Tag(0x0008, 0x0060),
    Tag(0x0008, 0x0090),
    Tag(0x0008, 0x1030),
    Tag(0x0010, 0x0010),
    Tag(0x0010, 0x0020),
    Tag(0x0010, 0x0030),
    Tag(0x0018, 0x0015),
    Tag(0x0020, 0x000D),
    Tag(0x0020, 0x000E),
    Tag(0x0020, 0x0011),
    Tag(0x0020, 0x0013),
];

/// US elements of the Image Pixel module.
const SHORTS: &[Tag] = &[
    Tag(0x0028, 0x0010),
    Tag(0x0028, 0x0011),
    Tag(0x0028, 0x0100),
];

/// UL elements inside the Sequence of Ultrasound Regions item.
const LONGS: &[Tag] = &[
    Tag(0x0018, 0x6018),
    Tag(0x0018, 0x601A),
    Tag(0x0018, 0x601C),
    Tag(0x0018, 0x601E),
];

/// Long-form elements: UT, UR, UN and OB.
const LONG_FORM: &[Tag] = &[
    Tag(0x0032, 0x1066),
    Tag(0x0008, 0x1190),
    Tag(0x0009, 0x1001),
    Tag(0x0009, 0x1002),
];

pub(super) fn make(ctx: &mut Ctx) -> Made {
    build(ctx).1
}

fn build(ctx: &mut Ctx) -> (DecodeTarget, Made) {
    let (ts, tag, modality, extras) = if ctx.hard() {
        match ctx.rng.below(4) {
            0 => (
                TransferSyntax::IMPLICIT_VR_LITTLE_ENDIAN,
                ctx.pick(STRINGS),
                None,
                Extras::default(),
            ),
            1 | 2 => {
                let ts = if ctx.rng.below(2) == 0 {
                    TransferSyntax::IMPLICIT_VR_LITTLE_ENDIAN
                } else {
                    TransferSyntax::EXPLICIT_VR_BIG_ENDIAN
                };
                if ctx.chance(500) {
                    let extras = Extras {
                        us_regions: true,
                        ..Extras::default()
                    };
                    (ts, ctx.pick(LONGS), Some(Modality::Us), extras)
                } else {
                    (ts, ctx.pick(SHORTS), None, Extras::default())
                }
            }
            _ => {
                let ts = if ctx.chance(500) {
                    TransferSyntax::EXPLICIT_VR_LITTLE_ENDIAN
                } else {
                    TransferSyntax::EXPLICIT_VR_BIG_ENDIAN
                };
                let extras = Extras {
                    private: true,
                    retrieve_url: true,
                    reason_for_visit: true,
                    ..Extras::default()
                };
                (ts, ctx.pick(LONG_FORM), None, extras)
            }
        }
    } else {
        (
            TransferSyntax::EXPLICIT_VR_LITTLE_ENDIAN,
            ctx.pick(STRINGS),
            None,
            Extras::default(),
        )
    };
    let rec = record(ctx, modality);
    let ds = dataset(&rec, extras);
    let bytes = write_dataset(&ds, ts);
    let (vr, length, value, reading) = expected(&ds, tag);
    let parsed = read_dataset(&bytes, ts);
    let el = super::find(&parsed.dataset, tag);
    let span = el.map_or(Span { offset: 0, len: 0 }, |e| e.span);
    let hex = |s: Option<Span>| -> String {
        s.and_then(|s| bytes.get(s.offset..s.end()))
            .map(|b| {
                b.iter()
                    .map(|x| format!("{x:02X}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .unwrap_or_default()
    };
    let tag_bytes = hex(el.map(|e| e.tag_span));
    let vr_bytes = hex(el.and_then(|e| e.vr_span));
    let len_bytes = hex(el.map(|e| e.length_span));
    let value_bytes = hex(el.map(|e| e.value_span));
    let name = attribute(tag).map_or("a private element", |a| a.name);
    let ts_name = ts.name();

    let mut explanation = vec![format!(
        "The first four bytes, `{tag_bytes}`, are the tag: the group then the element, each a 16-bit number stored {order}, so {t}, {name} (PS3.5 section 7.1).",
        order = if ts.big_endian { "most significant byte first (big endian)" } else { "least significant byte first (little endian)" },
        t = tag_text(tag),
    )];
    if ts.explicit_vr {
        if vr.explicit_long_length() {
            explanation.push(format!(
                "Next come the VR letters `{vr_bytes}` = {vr}; {vr} is one of the VRs (OB, OD, OF, OL, OV, OW, SQ, SV, UC, UN, UR, UT, UV) followed by two reserved bytes `00 00` and a 4-byte length, here `{len_bytes}` = {length} (PS3.5 section 7.1.2)."
            ));
        } else {
            explanation.push(format!(
                "Next come the VR letters `{vr_bytes}` = {vr}, and because {vr} is a short-form VR a 2-byte length follows: `{len_bytes}` = {length} (PS3.5 section 7.1.2)."
            ));
        }
    } else {
        explanation.push(format!(
            "In {ts_name} no VR is written: the tag is followed at once by a 4-byte length, `{len_bytes}` = {length}, and the reader takes the VR from the data dictionary, where {t} is {vr} (PS3.5 section 7.1.3, PS3.6).",
            t = tag_text(tag),
        ));
    }
    explanation.push(match reading {
        Reading::Text | Reading::Date => format!(
            "The {length} value bytes are text: `{value}`{pad} (PS3.5 section 6.2).",
            pad = if value.len() < length as usize {
                if vr == Vr::UI {
                    ", padded to an even length with one 00H byte, as UIDs are"
                } else {
                    ", padded to an even length with one space"
                }
            } else {
                ", already of even length so there is no padding"
            }
        ),
        Reading::Number => format!(
            "The value bytes `{value_bytes}` are one {vr} number, read {order}: {value}{wrong}.",
            order = if ts.big_endian { "most significant byte first" } else { "least significant byte first" },
            wrong = swapped_note(&value_bytes, ts.big_endian),
        ),
        Reading::Bytes => format!(
            "{vr} values are a plain stream of bytes, copied as they are in either byte order: `{value}`."
        ),
    });
    if ts == TransferSyntax::EXPLICIT_VR_BIG_ENDIAN {
        explanation.push("Explicit VR Big Endian is retired (PS3.5 annex A.3) but still turns up in old archives; only text is the same in both byte orders.".to_owned());
    }

    let (value_hint, value_mode, value_accepted) = match reading {
        Reading::Text => (
            "the text, without padding",
            TextMode::Text,
            vec![value.clone()],
        ),
        Reading::Date => (
            "the text, without padding",
            TextMode::Date,
            vec![value.clone()],
        ),
        Reading::Number => (
            "a decimal number",
            TextMode::Identifier,
            number_variants(value.parse().unwrap_or(0)),
        ),
        Reading::Bytes => (
            "hex bytes, e.g. 01 A0",
            TextMode::Identifier,
            hex_variants(&parse_hex(&value)),
        ),
    };
    let prompt = if ts.explicit_vr {
        format!("These bytes are a bare data set in {ts_name}. Decode the highlighted data element: give its tag, its VR, its value length in bytes and its value.")
    } else {
        format!("These bytes are a bare data set in {ts_name}. Decode the highlighted data element: give its tag, its VR (the bytes do not hold it: give the VR the data dictionary defines), its value length in bytes and its value.")
    };
    let answer = AnswerForm::Parts(vec![
        part("tag", text_form("Tag", Some("(gggg,eeee)"))),
        part("vr", text_form("VR", Some("two letters, e.g. CS"))),
        part(
            "length",
            text_form("Value length in bytes", Some("decimal")),
        ),
        part("value", text_form("Value", Some(value_hint))),
    ]);
    let parts = vec![
        text_key(
            "tag",
            tag_variants(tag),
            TextMode::Identifier,
            tag_text(tag),
        ),
        text_key(
            "vr",
            vec![vr.code().to_owned()],
            TextMode::Code,
            vr.code().to_owned(),
        ),
        text_key(
            "length",
            number_variants(u64::from(length)),
            TextMode::Identifier,
            format!("{length} (0x{length:X})"),
        ),
        text_key("value", value_accepted, value_mode, value.clone()),
    ];
    let learn_more = if !ctx.hard() {
        model_link(
            "worked-example-one-element-as-bytes",
            "Worked example: one element as bytes",
        )
    } else if !ts.explicit_vr {
        syntax_link("implicit-vr-little-endian", "Implicit VR Little Endian")
    } else if ts.big_endian {
        syntax_link(
            "worked-example-where-byte-order-shows",
            "Worked example: where byte order shows",
        )
    } else {
        syntax_link("explicit-vr-little-endian", "Explicit VR Little Endian")
    };
    let target = DecodeTarget {
        transfer_syntax: ts,
        tag,
        vr,
        length,
        value: value.clone(),
        highlight: (span.offset, span.len),
        bytes: bytes.clone(),
    };
    let made = Made {
        prompt,
        material: Material::DicomBytes {
            bytes,
            highlight: Some((span.offset, span.len)),
            caption: format!("A bare data set, {ts_name}"),
        },
        answer,
        parts,
        expected: format!(
            "{} {vr}, length {length}, value {value} ({name})",
            tag_text(tag)
        ),
        explanation: explanation.join(" "),
        highlight: vec![tag_text(tag)],
        learn_more,
    };
    (target, made)
}

/// The VR, value length, typed value and kind of reading of `tag` as
/// written in `ds` (top level or inside a sequence item), computed from
/// the data set, not from the bytes.
fn expected(ds: &DataSet, tag: Tag) -> (Vr, u32, String, Reading) {
    let el = ds.get(tag).cloned().or_else(|| {
        ds.iter()
            .filter_map(|e| match &e.value {
                ElementValue::Sequence(items) => items.iter().find_map(|i| i.get(tag).cloned()),
                _ => None,
            })
            .next()
    });
    let Some(el) = el else {
        return (Vr::UN, 0, String::new(), Reading::Text);
    };
    let even = |n: usize| u32::try_from(n + n % 2).unwrap_or(u32::MAX);
    match &el.value {
        ElementValue::Str(values) => {
            let text = values.join("\\");
            let reading = if el.vr == Vr::DA {
                Reading::Date
            } else {
                Reading::Text
            };
            (el.vr, even(text.len()), text, reading)
        }
        ElementValue::U16(v) => (
            el.vr,
            even(v.len() * 2),
            v.first().map(u16::to_string).unwrap_or_default(),
            Reading::Number,
        ),
        ElementValue::U32(v) => (
            el.vr,
            even(v.len() * 4),
            v.first().map(u32::to_string).unwrap_or_default(),
            Reading::Number,
        ),
        ElementValue::Bytes(b) => (
            el.vr,
            even(b.len()),
            b.iter()
                .map(|x| format!("{x:02X}"))
                .collect::<Vec<_>>()
                .join(" "),
            Reading::Bytes,
        ),
        _ => (el.vr, 0, String::new(), Reading::Text),
    }
}

/// "01 A0" → [0x01, 0xA0].
fn parse_hex(text: &str) -> Vec<u8> {
    text.split_whitespace()
        .filter_map(|h| u8::from_str_radix(h, 16).ok())
        .collect()
}

/// What a reader with the wrong byte order would have made of the value
/// bytes, e.g. " (a reader using the other byte order would get 2 ...)".
fn swapped_note(value_bytes: &str, big_endian: bool) -> String {
    let bytes = parse_hex(value_bytes);
    let little = bytes
        .iter()
        .rev()
        .fold(0u64, |a, b| (a << 8) | u64::from(*b));
    let big = bytes.iter().fold(0u64, |a, b| (a << 8) | u64::from(*b));
    let (right, wrong) = if big_endian {
        (big, little)
    } else {
        (little, big)
    };
    if right == wrong {
        String::new()
    } else {
        format!(" (a reader using the other byte order would get {wrong}, which is why the transfer syntax matters)")
    }
}
