//! The DICOM exercise kinds, one file each, on top of [`crate::dicom`]'s
//! encoder and reader and [`crate::synth`]'s patients and orders.
//!
//! Every kind draws from its own ChaCha8 stream (the same
//! [`Ctx`](super::hl7::Ctx) the HL7 kinds use, seeded from the exercise
//! seed, the kind and the difficulty). Bytes shown to the learner are
//! written by [`write_dataset`](crate::dicom::write_dataset) and read back
//! with [`read_dataset`](crate::dicom::read_dataset) to find the element
//! spans, so what the key says is what the bytes hold.
//!
//! [`Made::highlight`] holds tags such as `(0010,0020)` or table row labels
//! such as `Entry 3`: the parts of the material the answer is about.

mod data;
mod decode_element;
mod find_attribute;
mod information_model;
mod network_config;
mod transfer_syntax;
mod vr;
pub(crate) mod worklist;

#[cfg(test)]
mod tests;

use crate::dicom::{Element, Tag, Value, Vr};

use super::hl7::Ctx;
use super::{
    AnswerForm, Check, Exercise, Key, Kind, Level, Material, ModuleLink, Part, PartKey, TextMode,
};

pub use decode_element::{decode_target, DecodeTarget};
pub use find_attribute::find_target;

/// The exercise and key for a DICOM kind.
pub(crate) fn generate(kind: Kind, difficulty: Level, seed: u64) -> (Exercise, Key) {
    let mut ctx = Ctx::new(kind, difficulty, seed);
    let made = match kind {
        Kind::DicomDecodeElement => decode_element::make(&mut ctx),
        Kind::DicomTransferSyntax => transfer_syntax::make(&mut ctx),
        Kind::DicomFindAttribute => find_attribute::make(&mut ctx),
        Kind::DicomInformationModel => information_model::make(&mut ctx),
        Kind::DicomNetworkConfig => network_config::make(&mut ctx),
        Kind::DicomWorklistMatching => worklist::make(&mut ctx),
        // `super::generate` sends only DICOM kinds here (by
        // `Kind::standard`); the HL7 kinds are made by `super::hl7`.
        _ => vr::make(&mut ctx),
    };
    made.finish(kind, difficulty, seed)
}

/// What a kind's generator returns; [`Made::finish`] splits it into the
/// exercise and its key.
pub(crate) struct Made {
    pub prompt: String,
    pub material: Material,
    pub answer: AnswerForm,
    pub parts: Vec<PartKey>,
    pub expected: String,
    pub explanation: String,
    pub highlight: Vec<String>,
    pub learn_more: ModuleLink,
}

impl Made {
    fn finish(self, kind: Kind, difficulty: Level, seed: u64) -> (Exercise, Key) {
        let exercise = Exercise {
            kind,
            difficulty,
            seed,
            title: kind.title().to_owned(),
            prompt: self.prompt,
            material: self.material,
            answer: self.answer,
        };
        let key = Key {
            kind,
            difficulty,
            seed,
            parts: self.parts,
            expected: self.expected,
            explanation: self.explanation,
            highlight: self.highlight,
            learn_more: self.learn_more,
        };
        (exercise, key)
    }
}

/// A single-choice form.
pub(crate) fn choice(label: &str, options: Vec<String>) -> AnswerForm {
    AnswerForm::Choice {
        label: label.to_owned(),
        options,
        multiple: false,
    }
}

/// A free-text form.
pub(crate) fn text_form(label: &str, hint: Option<&str>) -> AnswerForm {
    AnswerForm::Text {
        label: label.to_owned(),
        hint: hint.map(str::to_owned),
    }
}

/// One named part of a [`AnswerForm::Parts`] form.
pub(crate) fn part(name: &str, form: AnswerForm) -> Part {
    Part {
        name: name.to_owned(),
        form,
    }
}

/// The key to a single-choice part.
pub(crate) fn choice_key(name: &str, correct: usize, count: usize, shown: String) -> PartKey {
    PartKey::new(
        name,
        Check::Choice {
            correct: vec![correct],
            count,
        },
        shown,
    )
}

/// The key to a text part.
pub(crate) fn text_key(
    name: &str,
    accepted: Vec<String>,
    mode: TextMode,
    shown: String,
) -> PartKey {
    PartKey::new(name, Check::Text { accepted, mode }, shown)
}

/// The ways people write a tag, all equal in [`TextMode::Identifier`]
/// (which ignores spaces and case): `(0010,0020)`, `0010,0020`,
/// `00100020`. The first is the canonical form.
pub(crate) fn tag_variants(tag: Tag) -> Vec<String> {
    let (g, e) = (tag.group(), tag.element());
    vec![
        format!("({g:04X},{e:04X})"),
        format!("{g:04X},{e:04X}"),
        format!("{g:04X}{e:04X}"),
        format!("({g:04X}{e:04X})"),
        format!("{g:04X} {e:04X}"),
    ]
}

/// A number in decimal (first) and in hexadecimal with `0x` and 1 to 8
/// digits, all equal in [`TextMode::Identifier`].
pub(crate) fn number_variants(n: u64) -> Vec<String> {
    let mut out = vec![n.to_string()];
    let digits = format!("{n:X}").len();
    for width in digits.max(1)..=8 {
        out.push(format!("0x{n:0width$X}"));
    }
    out
}

/// Bytes as hex: `01 A0` (first), `01A0`, `01\A0`, `0x01A0`.
pub(crate) fn hex_variants(bytes: &[u8]) -> Vec<String> {
    let hex: Vec<String> = bytes.iter().map(|b| format!("{b:02X}")).collect();
    vec![
        hex.join(" "),
        hex.join("\\"),
        hex.join(","),
        format!("0x{}", hex.join("")),
    ]
}

/// `(gggg,eeee)` in upper-case hex, as the key and the feedback write tags.
pub(crate) fn tag_text(tag: Tag) -> String {
    tag.to_string()
}

/// The first element with `tag`, at the top level or inside any item.
pub(crate) fn find(elements: &[Element], tag: Tag) -> Option<&Element> {
    for el in elements {
        if el.tag == tag {
            return Some(el);
        }
        for item in &el.items {
            if let Some(found) = find(&item.elements, tag) {
                return Some(found);
            }
        }
    }
    None
}

/// A dcmdump-style listing of `elements` (one line each,
/// `(gggg,eeee) VR [value]  # Keyword`, items indented two spaces), with
/// the keyword comment left off for the tags `hide` names.
pub(crate) fn listing(elements: &[Element], hide: &dyn Fn(Tag) -> bool) -> String {
    let mut out = String::new();
    write_listing(elements, 0, hide, &mut out);
    out
}

fn write_listing(elements: &[Element], depth: usize, hide: &dyn Fn(Tag) -> bool, out: &mut String) {
    let indent = "  ".repeat(depth);
    for el in elements {
        let tag = format!("({:04x},{:04x})", el.tag.group(), el.tag.element());
        let value = listing_value(el);
        let mut line = format!("{indent}{tag} {}", el.vr.code());
        if !value.is_empty() {
            line.push(' ');
            line.push_str(&value);
        }
        let keyword = el.keyword();
        if !keyword.is_empty() && !hide(el.tag) {
            line.push_str("  # ");
            line.push_str(keyword);
        }
        out.push_str(&line);
        out.push('\n');
        for item in &el.items {
            write_listing(&item.elements, depth + 1, hide, out);
        }
    }
}

/// The value of an element as a listing writes it: `[text]`, `512`,
/// `00\01` for bytes, nothing for a sequence.
fn listing_value(el: &Element) -> String {
    fn join<T: ToString>(values: &[T]) -> String {
        values
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\\")
    }
    match &el.value {
        Value::Empty if el.vr == Vr::SQ => String::new(),
        Value::Empty => "[]".to_owned(),
        Value::Text { values, .. } => format!("[{}]", values.join("\\")),
        Value::Unsigned { values, .. } => join(values),
        Value::Signed { values, .. } => join(values),
        Value::Float { values, .. } => join(values),
        Value::Tags { values, .. } => join(values),
        Value::Bytes { head, .. } => head
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<Vec<_>>()
            .join("\\"),
        Value::Sequence { .. } | Value::Fragments { .. } => String::new(),
        Value::Invalid { .. } => "[]".to_owned(),
    }
}

// Links to real headings of the course modules; tests/exercise_links.rs
// checks every one against the content.

pub(crate) fn link(level: &str, slug: &str, anchor: &str, title: &str) -> ModuleLink {
    ModuleLink::new(level, slug, anchor, title)
}

pub(crate) fn model_link(anchor: &str, title: &str) -> ModuleLink {
    link("foundation", "dicom-information-model", anchor, title)
}

pub(crate) fn networking_link(anchor: &str, title: &str) -> ModuleLink {
    link("foundation", "dicom-networking", anchor, title)
}

pub(crate) fn syntax_link(anchor: &str, title: &str) -> ModuleLink {
    link("intermediate", "transfer-syntaxes", anchor, title)
}
