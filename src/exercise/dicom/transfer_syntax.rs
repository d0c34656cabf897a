//! Name the transfer syntax: from its UID in a file's meta group
//! (Foundation), or from the first bytes of a bare data set, explicit or
//! implicit VR and little or big endian (Intermediate; PS3.5 section 10 and
//! annex A).

use crate::dicom::{read, read_dataset, write_dataset, write_file_meta, FileMeta, TransferSyntax};
use crate::exercise::{AnswerForm, Material};

use super::data::{dataset, record, Extras};
use super::{choice, choice_key, link, listing, part, syntax_link, tag_text, Ctx, Made};

/// The transfer syntaxes the Foundation question draws from: the ones the
/// course's table lists, and a few more a PACS administrator meets.
pub(crate) const POOL: &[&str] = &[
    "1.2.840.10008.1.2",
    "1.2.840.10008.1.2.1",
    "1.2.840.10008.1.2.1.99",
    "1.2.840.10008.1.2.2",
    "1.2.840.10008.1.2.4.50",
    "1.2.840.10008.1.2.4.51",
    "1.2.840.10008.1.2.4.57",
    "1.2.840.10008.1.2.4.70",
    "1.2.840.10008.1.2.4.80",
    "1.2.840.10008.1.2.4.81",
    "1.2.840.10008.1.2.4.90",
    "1.2.840.10008.1.2.4.91",
    "1.2.840.10008.1.2.5",
    "1.2.840.10008.1.2.4.100",
    "1.2.840.10008.1.2.4.102",
];

pub(super) fn make(ctx: &mut Ctx) -> Made {
    if ctx.hard() {
        from_bytes(ctx)
    } else {
        from_uid(ctx)
    }
}

fn name_of(uid: &str) -> String {
    TransferSyntax::from_uid(uid).map_or_else(|| uid.to_owned(), |t| t.name().to_owned())
}

fn from_uid(ctx: &mut Ctx) -> Made {
    let uid = ctx.pick(POOL);
    let ts = TransferSyntax::from_uid(uid).unwrap_or(TransferSyntax::EXPLICIT_VR_LITTLE_ENDIAN);
    let rec = record(ctx, None);
    let others: Vec<&str> = POOL.iter().copied().filter(|u| *u != uid).collect();
    let distractors: Vec<String> = ctx.sample(&others, 3).iter().map(|u| name_of(u)).collect();
    let (options, correct) = ctx.options(name_of(uid), distractors);
    let meta = FileMeta::new(rec.modality.sop_class_uid(), &rec.sop_uid);
    let bytes = write_file_meta(&meta, ts);
    let parsed = read(&bytes);
    let listing = listing(&parsed.meta, &|_| false);
    let name = ts.name();
    let mut explanation = vec![
        format!("Transfer Syntax UID (0002,0010) in the file meta information names how the data set after the meta group is encoded (PS3.10 section 7.1); `{uid}` is {name} (PS3.6 annex A)."),
        "The file meta group itself is always Explicit VR Little Endian, whatever the data set uses.".to_owned(),
    ];
    explanation.push(if ts.encapsulated {
        "Like every compressed syntax it is explicit VR little endian for all attributes, with the pixel data encapsulated as fragments (PS3.5 annex A.4).".to_owned()
    } else if ts.deflated {
        "Everything after the meta group is deflated, not just the pixel data (PS3.5 annex A.5).".to_owned()
    } else if ts.big_endian {
        "It is retired (PS3.5 annex A.3): read it, but do not configure new systems to send it.".to_owned()
    } else if ts.explicit_vr {
        "Each element carries its VR, and numbers are little endian (PS3.5 annex A.2).".to_owned()
    } else {
        "It is the DICOM default that every implementation must support: no VR in the bytes, little endian (PS3.5 section 10.1 and annex A.1).".to_owned()
    });
    Made {
        prompt: "Here is the file meta information of a DICOM file. Which transfer syntax is its data set encoded in?".to_owned(),
        material: Material::DicomListing {
            listing,
            caption: "File meta information (group 0002)".to_owned(),
        },
        answer: choice("Transfer syntax", options.clone()),
        parts: vec![choice_key(
            super::super::SINGLE,
            correct,
            options.len(),
            format!("{name} ({uid})"),
        )],
        expected: format!("{name} ({uid})"),
        explanation: explanation.join(" "),
        highlight: vec![tag_text(crate::dicom::Tag::TRANSFER_SYNTAX_UID)],
        learn_more: syntax_link(
            "the-transfer-syntaxes-you-will-meet",
            "The transfer syntaxes you will meet",
        ),
    }
}

/// The VR and byte-order options, in this fixed order.
const VR_OPTIONS: [&str; 2] = ["Explicit VR", "Implicit VR"];
const ENDIAN_OPTIONS: [&str; 2] = ["Little endian", "Big endian"];

fn from_bytes(ctx: &mut Ctx) -> Made {
    let ts = match ctx.rng.below(3) {
        0 => TransferSyntax::IMPLICIT_VR_LITTLE_ENDIAN,
        1 => TransferSyntax::EXPLICIT_VR_LITTLE_ENDIAN,
        _ => TransferSyntax::EXPLICIT_VR_BIG_ENDIAN,
    };
    let rec = record(ctx, None);
    let mut ds = dataset(&rec, Extras::default());
    // Start at a different element from one exercise to the next.
    let drop = ctx.rng.below(4);
    let leading = [
        crate::dicom::Tag(0x0008, 0x0005),
        crate::dicom::Tag(0x0008, 0x0016),
        crate::dicom::Tag::SOP_INSTANCE_UID,
    ];
    for tag in leading.iter().take(drop as usize) {
        ds.remove(*tag);
    }
    let all = write_dataset(&ds, ts);
    // The first four complete elements.
    let parsed = read_dataset(&all, ts);
    let end = parsed
        .dataset
        .get(3)
        .map_or(all.len(), |e| e.span.end())
        .min(all.len());
    let bytes = all[..end].to_vec();
    let first = parsed.dataset.first();
    let hex = |from: usize, n: usize| -> String {
        bytes
            .get(from..(from + n).min(bytes.len()))
            .unwrap_or(&[])
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let tag = first.map_or(crate::dicom::Tag(0, 0), |e| e.tag);
    let group = hex(0, 2);
    let after = hex(4, 2);
    let vr_code = first.map_or("", |e| e.vr.code());
    let mut explanation = Vec::new();
    if ts.explicit_vr {
        explanation.push(format!(
            "Bytes 4 and 5, right after the first tag, are `{after}`, the ASCII letters {vr_code}: a VR, so the VR is explicit (PS3.5 section 7.1.2)."
        ));
    } else {
        explanation.push(format!(
            "Bytes 4 to 7, right after the first tag, are `{}`: not two letters but a 4-byte length, so no VR is written and the VR is implicit (PS3.5 section 7.1.3).",
            hex(4, 4)
        ));
    }
    explanation.push(format!(
        "The first tag is {t}, and its group 0x{g:04X} is stored as `{group}`: {which} (PS3.5 section 7.3).",
        t = tag_text(tag),
        g = tag.group(),
        which = if ts.big_endian {
            "the most significant byte first, so big endian"
        } else {
            "the least significant byte first, so little endian"
        }
    ));
    explanation.push(format!(
        "That makes it {} ({}); there is no implicit VR big endian transfer syntax.",
        ts.name(),
        ts.uid
    ));
    let vr_index = usize::from(!ts.explicit_vr);
    let endian_index = usize::from(ts.big_endian);
    let vr_options: Vec<String> = VR_OPTIONS.iter().map(|s| (*s).to_owned()).collect();
    let endian_options: Vec<String> = ENDIAN_OPTIONS.iter().map(|s| (*s).to_owned()).collect();
    Made {
        prompt: "These are the first bytes of a bare data set (no preamble, no meta group, so no Transfer Syntax UID to read). Is it encoded with explicit or implicit VR, and in which byte order?".to_owned(),
        material: Material::DicomBytes {
            bytes,
            highlight: None,
            caption: "The first four elements of a bare data set".to_owned(),
        },
        answer: AnswerForm::Parts(vec![
            part("vr", choice("VR", vr_options)),
            part("endian", choice("Byte order", endian_options)),
        ]),
        parts: vec![
            choice_key("vr", vr_index, 2, VR_OPTIONS[vr_index].to_owned()),
            choice_key("endian", endian_index, 2, ENDIAN_OPTIONS[endian_index].to_owned()),
        ],
        expected: format!(
            "{}, {} ({})",
            VR_OPTIONS[vr_index],
            ENDIAN_OPTIONS[endian_index].to_lowercase(),
            ts.name()
        ),
        explanation: explanation.join(" "),
        highlight: vec![tag_text(tag)],
        learn_more: if ctx.chance(500) {
            syntax_link(
                "worked-example-where-byte-order-shows",
                "Worked example: where byte order shows",
            )
        } else {
            link(
                "intermediate",
                "part10-file-format",
                "bare-data-sets-non-part-10-files",
                "Bare data sets: \"non-Part-10\" files",
            )
        },
    }
}
