//! The HL7 v2 exercise kinds, one file each, on top of [`crate::synth`]
//! messages.
//!
//! Every kind draws from its own ChaCha8 stream, seeded from the exercise
//! seed, the kind and the difficulty, and passes a base time derived from
//! the same stream to the message generator: no clock is read.

mod build_ack;
pub mod checks;
mod locate_field;
mod merge;
mod read_value;
pub(crate) mod spot_defect;
mod trigger_event;

pub use checks::{check, Fault, FaultKind};

/// The fault the spot-the-defect exercise for `(difficulty, seed)` injects,
/// and where (the first accepted location). For test harnesses that check
/// the messages with an independent validator, such as
/// `examples/exercise_hl7.rs`.
pub fn injected_fault(difficulty: Level, seed: u64) -> (FaultKind, String) {
    let mut ctx = Ctx::new(Kind::Hl7SpotDefect, difficulty, seed);
    let injected = spot_defect::inject(&mut ctx);
    let place = injected.places.first().cloned().unwrap_or_default();
    (injected.kind, place)
}

/// The v2.5.1 message structure (table 0354) of a trigger event the
/// exercises use, e.g. `A08` gives `ADT_A01`.
#[cfg(test)]
pub(crate) fn trigger_event_info(code: &str) -> Option<&'static str> {
    trigger_event::info(code).map(|i| i.structure)
}

use crate::hl7::{Message, MessageBuilder, SegmentSeparator};
use crate::synth::{self, derive_seed, DateTime, Event, Generated, Rng};

use super::{
    AnswerForm, Check, Exercise, Key, Kind, Level, Material, ModuleLink, PartKey, TextMode, SINGLE,
};

/// The exercise and key for an HL7 kind.
pub(crate) fn generate(kind: Kind, difficulty: Level, seed: u64) -> (Exercise, Key) {
    let mut ctx = Ctx::new(kind, difficulty, seed);
    let made = match kind {
        Kind::Hl7ReadValue => read_value::make(&mut ctx),
        Kind::Hl7LocateField => locate_field::make(&mut ctx),
        Kind::Hl7TriggerEvent => trigger_event::make(&mut ctx),
        Kind::Hl7SpotDefect => spot_defect::make(&mut ctx),
        Kind::Hl7Merge => merge::make(&mut ctx),
        Kind::Hl7BuildAck => build_ack::make(&mut ctx),
        // `super::generate` sends only HL7 kinds here (by `Kind::standard`);
        // the DICOM kinds are made by `super::dicom`.
        _ => read_value::make(&mut ctx),
    };
    made.finish(kind, difficulty, seed)
}

/// What a kind's generator returns; [`Made::finish`] splits it into the
/// exercise and its key.
pub(crate) struct Made {
    pub prompt: String,
    pub er7: String,
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
            material: Material::Hl7 { er7: self.er7 },
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

/// The random stream and settings of one exercise.
pub(crate) struct Ctx {
    pub rng: Rng,
    pub difficulty: Level,
    pub base: DateTime,
}

impl Ctx {
    /// The stream for `(kind, difficulty, seed)`, as [`generate`] uses it.
    pub(crate) fn new(kind: Kind, difficulty: Level, seed: u64) -> Ctx {
        let kind_index = Kind::ALL.iter().position(|k| *k == kind).unwrap_or(0) as u64;
        let level = u64::from(difficulty == Level::Intermediate);
        // Index 0 would give `seed` itself; start at 1 so every kind and
        // difficulty has its own stream.
        let mut rng = Rng::seed_from_u64(derive_seed(seed, 1 + kind_index * 2 + level));
        // A working day between January 2024 and the end of 2025, 07:00.
        let start = DateTime::new(2024, 1, 1, 7, 0, 0).unwrap_or(DateTime {
            year: 2024,
            month: 1,
            day: 1,
            hour: 7,
            minute: 0,
            second: 0,
        });
        let days = i64::try_from(rng.below(730)).unwrap_or(0);
        let base = start.plus_seconds(days * 86_400);
        Ctx {
            rng,
            difficulty,
            base,
        }
    }

    /// Whether this is an Intermediate exercise.
    pub fn hard(&self) -> bool {
        self.difficulty == Level::Intermediate
    }

    /// A synthetic message for `event`.
    pub fn message(&mut self, event: Event) -> Generated {
        let seed = self.rng.next_u64();
        synth::generate(event, seed, self.base)
    }

    /// One of `items`, uniformly.
    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        *self.rng.pick(items)
    }

    /// True with probability `per_mille` / 1000.
    pub fn chance(&mut self, per_mille: u32) -> bool {
        self.rng.chance(per_mille)
    }

    /// Shuffles in place (Fisher–Yates).
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.rng.index(i + 1);
            items.swap(i, j);
        }
    }

    /// The options `correct` and `distractors` in random order, and the
    /// index of the correct one.
    pub fn options(&mut self, correct: String, distractors: Vec<String>) -> (Vec<String>, usize) {
        let mut all: Vec<(bool, String)> = vec![(true, correct)];
        all.extend(distractors.into_iter().map(|d| (false, d)));
        self.shuffle(&mut all);
        let index = all.iter().position(|(c, _)| *c).unwrap_or(0);
        (all.into_iter().map(|(_, o)| o).collect(), index)
    }

    /// `n` distinct items from `pool`, in random order.
    pub fn sample<T: Clone>(&mut self, pool: &[T], n: usize) -> Vec<T> {
        let mut all = pool.to_vec();
        self.shuffle(&mut all);
        all.truncate(n);
        all
    }
}

/// A message changed through the builder, with ER7 text and a fresh parse.
pub(crate) fn edit(message: &Message, f: impl FnOnce(&mut MessageBuilder)) -> Message {
    let mut b = MessageBuilder::from_message(message);
    f(&mut b);
    b.build()
}

/// Sets `value` at a literal `path`; a failure is a bug caught by the tests.
pub(crate) fn set(b: &mut MessageBuilder, path: &str, value: &str) {
    b.set(path, value)
        .unwrap_or_else(|e| panic!("exercise: bad literal path {path}: {e}"));
}

/// Sets raw ER7 `raw` at a literal `path`.
pub(crate) fn set_raw(b: &mut MessageBuilder, path: &str, raw: &str) {
    b.set_raw(path, raw)
        .unwrap_or_else(|e| panic!("exercise: bad literal path {path}: {e}"));
}

/// The message as CR-separated ER7.
pub(crate) fn er7(message: &Message) -> String {
    message.to_er7(SegmentSeparator::Cr)
}

/// The decoded value at a literal path (empty if absent).
pub(crate) fn value(message: &Message, path: &str) -> String {
    crate::hl7::Path::parse(path)
        .ok()
        .and_then(|p| message.value(&p))
        .unwrap_or_default()
}

/// Swaps the first two repetitions of a field (e.g. PID-3's hospital
/// number and NHS number), so that the learner must read the type codes.
pub(crate) fn swap_repetitions(message: &Message, segment: &str, field: usize) -> Message {
    let d = *message.delimiters();
    let reps: Vec<String> = message
        .segment(segment, 1)
        .and_then(|s| s.field(field))
        .map(|f| f.repetitions().iter().map(|r| r.raw().to_owned()).collect())
        .unwrap_or_default();
    if reps.len() < 2 {
        return message.clone();
    }
    let mut swapped = reps;
    swapped.swap(0, 1);
    let raw = swapped.join(&d.repetition().to_string());
    edit(message, |b| set_raw(b, &format!("{segment}-{field}"), &raw))
}

/// A single-box text exercise.
#[allow(clippy::too_many_arguments)]
pub(crate) fn text_made(
    prompt: String,
    er7: String,
    hint: Option<&str>,
    accepted: Vec<String>,
    mode: TextMode,
    expected: String,
    explanation: String,
    highlight: Vec<String>,
    learn_more: ModuleLink,
) -> Made {
    Made {
        prompt,
        er7,
        answer: AnswerForm::Text {
            label: "Your answer".to_owned(),
            hint: hint.map(str::to_owned),
        },
        parts: vec![PartKey::new(
            SINGLE,
            Check::Text { accepted, mode },
            expected.clone(),
        )],
        expected,
        explanation,
        highlight,
        learn_more,
    }
}

/// The 1-based repetition of PID-3 whose identifier type (CX-5) is `code`.
pub(crate) fn pid3_repetition(message: &Message, code: &str) -> usize {
    message
        .segment("PID", 1)
        .and_then(|s| s.field(3))
        .and_then(|f| {
            f.repetitions().iter().position(|r| {
                r.component(5)
                    .is_some_and(|c| c.raw().eq_ignore_ascii_case(code))
            })
        })
        .map_or(1, |i| i + 1)
}

// Links to real headings of the course modules; tests/exercise_links.rs
// checks every one against the content.

pub(crate) fn link(level: &str, slug: &str, anchor: &str, title: &str) -> ModuleLink {
    ModuleLink::new(level, slug, anchor, title)
}

pub(crate) fn structure_link(anchor: &str, title: &str) -> ModuleLink {
    link("foundation", "hl7-message-structure", anchor, title)
}

pub(crate) fn identity_link(anchor: &str, title: &str) -> ModuleLink {
    link("foundation", "adt-and-patient-identity", anchor, title)
}

pub(crate) fn orders_link(anchor: &str, title: &str) -> ModuleLink {
    link("foundation", "orders-and-results", anchor, title)
}

/// "MSH fields a PACS administrator must know".
pub(crate) fn msh_link() -> ModuleLink {
    structure_link(
        "msh-fields-a-pacs-administrator-must-know",
        "MSH fields a PACS administrator must know",
    )
}
