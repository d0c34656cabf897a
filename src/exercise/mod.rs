//! Graded decoding exercises, generated from a kind, a difficulty and a
//! seed. Pure: no web, no database, no clock.
//!
//! [`generate`] makes an [`Exercise`] (what the learner sees: a prompt, the
//! material and the shape of the answer) and a [`Key`] (what the grader
//! needs). The same `(kind, difficulty, seed)` always gives the same pair,
//! on every platform, because every random choice comes from
//! [`crate::rng::Rng`]. [`grade`] compares an [`Answer`] with the key,
//! leniently where a person would (case, spaces, `1974-03-12` for
//! `19740312`, `PID-5-1` for `PID-5.1`), and never panics on malformed
//! answers.
//!
//! The HL7 v2 kinds live in [`hl7`](mod@hl7); each is built on
//! [`crate::synth`] messages and checked against [`crate::hl7`]. The DICOM
//! kinds live in [`dicom`](mod@dicom); their bytes are written by
//! [`crate::dicom`]'s encoder from synthetic patients and orders.
//!
//! The key never leaves the server: the exercise holds no answer and no
//! hint of one (the tests check that the correct option's position is
//! spread evenly and that prompts do not contain the value asked for).

mod answer;
pub mod dicom;
pub mod exam_items;
pub mod hl7;

#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};

/// How hard an exercise is: the level of the course it belongs to.
pub use crate::level::Level;
pub use answer::normalise_path;
pub(crate) use answer::{Check, PartKey, Target, TextMode};

/// Which standard an exercise kind teaches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Standard {
    /// HL7 v2.
    Hl7,
    /// DICOM.
    Dicom,
}

/// The kinds of exercise.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Kind {
    /// Read one value out of a message.
    Hl7ReadValue,
    /// Click the part of a message that holds something.
    Hl7LocateField,
    /// Name the trigger event and what it means.
    Hl7TriggerEvent,
    /// Find the one fault injected into a message.
    Hl7SpotDefect,
    /// Read an ADT^A40 merge: which identifier survives, which is retired.
    Hl7Merge,
    /// Build the acknowledgement for an incoming message.
    Hl7BuildAck,
    /// Decode one data element from its bytes: tag, VR, length, value.
    DicomDecodeElement,
    /// Name a transfer syntax, or tell the encoding from a data set's bytes.
    DicomTransferSyntax,
    /// Find an attribute's value in a listing or in raw bytes.
    DicomFindAttribute,
    /// Place an attribute at its level of the DICOM information model.
    DicomInformationModel,
    /// Find the wrong setting behind a failed association.
    DicomNetworkConfig,
    /// Pick the worklist entries a Modality Worklist query matches.
    DicomWorklistMatching,
    /// Name an attribute's VR, or judge a value against its VR.
    DicomVr,
}

impl Kind {
    /// Every kind, in the order the exercise list shows them.
    pub const ALL: &'static [Kind] = &[
        Kind::Hl7ReadValue,
        Kind::Hl7LocateField,
        Kind::Hl7TriggerEvent,
        Kind::Hl7SpotDefect,
        Kind::Hl7Merge,
        Kind::Hl7BuildAck,
        Kind::DicomDecodeElement,
        Kind::DicomTransferSyntax,
        Kind::DicomFindAttribute,
        Kind::DicomInformationModel,
        Kind::DicomNetworkConfig,
        Kind::DicomWorklistMatching,
        Kind::DicomVr,
    ];

    /// The URL segment, e.g. `hl7-read-value`.
    pub fn slug(self) -> &'static str {
        match self {
            Kind::Hl7ReadValue => "hl7-read-value",
            Kind::Hl7LocateField => "hl7-locate-field",
            Kind::Hl7TriggerEvent => "hl7-trigger-event",
            Kind::Hl7SpotDefect => "hl7-spot-defect",
            Kind::Hl7Merge => "hl7-merge",
            Kind::Hl7BuildAck => "hl7-build-ack",
            Kind::DicomDecodeElement => "dicom-decode-element",
            Kind::DicomTransferSyntax => "dicom-transfer-syntax",
            Kind::DicomFindAttribute => "dicom-find-attribute",
            Kind::DicomInformationModel => "dicom-information-model",
            Kind::DicomNetworkConfig => "dicom-network-config",
            Kind::DicomWorklistMatching => "dicom-worklist-matching",
            Kind::DicomVr => "dicom-vr",
        }
    }

    /// The kind for a [`slug`](Self::slug).
    pub fn from_slug(slug: &str) -> Option<Kind> {
        Kind::ALL.iter().copied().find(|k| k.slug() == slug)
    }

    /// A short title, e.g. "Read a value".
    pub fn title(self) -> &'static str {
        match self {
            Kind::Hl7ReadValue => "Read a value",
            Kind::Hl7LocateField => "Find the field",
            Kind::Hl7TriggerEvent => "Name the trigger event",
            Kind::Hl7SpotDefect => "Spot the defect",
            Kind::Hl7Merge => "Read a merge",
            Kind::Hl7BuildAck => "Build the acknowledgement",
            Kind::DicomDecodeElement => "Decode a data element",
            Kind::DicomTransferSyntax => "Name the transfer syntax",
            Kind::DicomFindAttribute => "Find the attribute",
            Kind::DicomInformationModel => "Place the attribute",
            Kind::DicomNetworkConfig => "Fix the connection",
            Kind::DicomWorklistMatching => "Match the worklist",
            Kind::DicomVr => "Know the VR",
        }
    }

    /// One line for the list page.
    pub fn summary(self) -> &'static str {
        match self {
            Kind::Hl7ReadValue => {
                "Read a value out of an HL7 v2 message: a date of birth, an NHS number, an accession number."
            }
            Kind::Hl7LocateField => {
                "Click the field, repetition or component of a message that holds a given value."
            }
            Kind::Hl7TriggerEvent => {
                "Say which trigger event a message carries, what it means and which structure it uses."
            }
            Kind::Hl7SpotDefect => {
                "Find the one fault in a message: a missing field, a bad delimiter, an impossible date..."
            }
            Kind::Hl7Merge => {
                "Read an ADT^A40 merge: which identifier survives and which is retired."
            }
            Kind::Hl7BuildAck => {
                "Decide the acknowledgement code and the control ID an ACK must echo."
            }
            Kind::DicomDecodeElement => {
                "Read one data element straight from the bytes: its tag, VR, length and value."
            }
            Kind::DicomTransferSyntax => {
                "Name a transfer syntax from its UID, or tell explicit from implicit VR and the byte order from the bytes."
            }
            Kind::DicomFindAttribute => {
                "Find Patient ID, Accession Number, a UID... in a dcmdump listing or in raw bytes, by its tag."
            }
            Kind::DicomInformationModel => {
                "Say whether an attribute belongs to the patient, the study, the series or the instance."
            }
            Kind::DicomNetworkConfig => {
                "Read an association log and two AE configurations and find the setting that breaks the link."
            }
            Kind::DicomWorklistMatching => {
                "Apply the C-FIND matching rules: pick every worklist entry a modality's query returns."
            }
            Kind::DicomVr => {
                "Name an attribute's value representation and say which values it allows."
            }
        }
    }

    /// Which standard the kind teaches.
    pub fn standard(self) -> Standard {
        match self {
            Kind::Hl7ReadValue
            | Kind::Hl7LocateField
            | Kind::Hl7TriggerEvent
            | Kind::Hl7SpotDefect
            | Kind::Hl7Merge
            | Kind::Hl7BuildAck => Standard::Hl7,
            Kind::DicomDecodeElement
            | Kind::DicomTransferSyntax
            | Kind::DicomFindAttribute
            | Kind::DicomInformationModel
            | Kind::DicomNetworkConfig
            | Kind::DicomWorklistMatching
            | Kind::DicomVr => Standard::Dicom,
        }
    }

    /// The topic progress statistics group the kind under.
    pub fn topic(self) -> &'static str {
        match self {
            Kind::Hl7ReadValue | Kind::Hl7LocateField => "hl7-message-structure",
            Kind::Hl7TriggerEvent => "hl7-trigger-events",
            Kind::Hl7SpotDefect => "hl7-message-validation",
            Kind::Hl7Merge => "hl7-patient-identity",
            Kind::Hl7BuildAck => "hl7-acknowledgements",
            Kind::DicomDecodeElement | Kind::DicomFindAttribute => "dicom-data-elements",
            Kind::DicomTransferSyntax => "dicom-transfer-syntaxes",
            Kind::DicomInformationModel => "dicom-information-model",
            Kind::DicomNetworkConfig => "dicom-networking",
            Kind::DicomWorklistMatching => "dicom-modality-worklist",
            Kind::DicomVr => "dicom-value-representations",
        }
    }

    /// The readable name of [`Kind::topic`], e.g. "HL7 trigger events".
    pub fn topic_title(self) -> &'static str {
        topic_title(self.topic()).unwrap_or(self.topic())
    }
}

/// Each [`Kind::topic`] with its readable name.
const TOPIC_TITLES: &[(&str, &str)] = &[
    ("hl7-message-structure", "HL7 message structure"),
    ("hl7-trigger-events", "HL7 trigger events"),
    ("hl7-message-validation", "HL7 message validation"),
    ("hl7-patient-identity", "HL7 patient identity and merges"),
    ("hl7-acknowledgements", "HL7 acknowledgements"),
    ("dicom-data-elements", "DICOM data elements"),
    ("dicom-transfer-syntaxes", "DICOM transfer syntaxes"),
    ("dicom-information-model", "DICOM information model"),
    ("dicom-networking", "DICOM networking"),
    ("dicom-modality-worklist", "DICOM modality worklist"),
    ("dicom-value-representations", "DICOM value representations"),
];

/// The readable name of a progress topic (a [`Kind::topic`] slug); `None`
/// for a slug no kind uses.
pub fn topic_title(topic: &str) -> Option<&'static str> {
    TOPIC_TITLES
        .iter()
        .find(|(slug, _)| *slug == topic)
        .map(|(_, title)| *title)
}

/// What the learner sees. Serialisable and sent to the browser: it holds no
/// key and no hint of the answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exercise {
    /// The kind of exercise.
    pub kind: Kind,
    /// Its difficulty.
    pub difficulty: Level,
    /// The seed it was made from.
    pub seed: u64,
    /// The kind's title, e.g. "Read a value".
    pub title: String,
    /// The question in plain text, with any scenario it needs.
    pub prompt: String,
    /// What the question is about.
    pub material: Material,
    /// The shape of the answer.
    pub answer: AnswerForm,
}

/// What an exercise shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Material {
    /// An HL7 v2 message in ER7, segments separated by CR (`\r`), as the
    /// explorer renders it. A spot-the-defect message may not parse (a bad
    /// delimiter): the explorer must then still show it line by line.
    Hl7 {
        /// The message text.
        er7: String,
    },
    /// Plain text.
    Text(String),
    /// Raw bytes shown as a plain hex dump (offset, hex, ASCII) with no
    /// annotations; `highlight` is a byte range (start, length) to mark.
    DicomBytes {
        bytes: Vec<u8>,
        highlight: Option<(usize, usize)>,
        caption: String,
    },
    /// A dcmdump-style listing (`(gggg,eeee) VR [value]  # Keyword`, items
    /// indented two spaces), shown as text.
    DicomListing { listing: String, caption: String },
    /// A table, e.g. worklist entries or AE configuration.
    Table {
        caption: String,
        columns: Vec<String>,
        rows: Vec<Vec<String>>,
    },
    /// Several materials, one after another.
    Several(Vec<Material>),
}

/// The shape of the answer the learner gives.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AnswerForm {
    /// One free-text box. `label` for the input; `hint` e.g. "YYYYMMDD".
    Text {
        /// The input's label.
        label: String,
        /// A format hint, if any.
        hint: Option<String>,
    },
    /// Pick one (or several when `multiple`) of the options, given by
    /// 0-based index.
    Choice {
        /// The question's label.
        label: String,
        /// The options, plain text.
        options: Vec<String>,
        /// Whether several may be chosen.
        multiple: bool,
    },
    /// Click or select a part of the HL7 material; the answer is its terse
    /// path (`OBR-18`, `PID-3(2).1`, or a segment such as `PV1` or `OBX[2]`).
    Hl7Location {
        /// The question's label.
        label: String,
    },
    /// Several named parts answered together.
    Parts(Vec<Part>),
}

/// One named part of a [`AnswerForm::Parts`] answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Part {
    /// Stable ID, e.g. `location`, `kind`, `msa1`.
    pub name: String,
    /// The form of this part (never `Parts` itself).
    pub form: AnswerForm,
}

/// The learner's answer: one `(name, value)` per part. For forms other than
/// [`AnswerForm::Parts`] there is one entry named `answer`. A choice is the
/// 0-based option index, or comma-separated indices when `multiple`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    /// The values given, by part name.
    pub parts: Vec<(String, String)>,
}

impl Answer {
    /// An answer to a single-part form.
    pub fn single(value: impl Into<String>) -> Answer {
        Answer {
            parts: vec![(SINGLE.to_owned(), value.into())],
        }
    }

    /// An answer from `(name, value)` pairs.
    pub fn of<N: Into<String>, V: Into<String>>(parts: impl IntoIterator<Item = (N, V)>) -> Answer {
        Answer {
            parts: parts
                .into_iter()
                .map(|(n, v)| (n.into(), v.into()))
                .collect(),
        }
    }

    /// The first value given for `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.parts
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The part name of a single-part answer.
pub const SINGLE: &str = "answer";

/// Where to read more: a heading of a course module.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ModuleLink {
    /// `/level/module-slug#heading-anchor`.
    pub href: String,
    /// The heading's text.
    pub title: String,
}

impl ModuleLink {
    /// A link to `anchor` in module `slug` of `level` (`foundation` or
    /// `intermediate`).
    pub fn new(level: &str, slug: &str, anchor: &str, title: &str) -> ModuleLink {
        ModuleLink {
            href: format!("/{level}/{slug}#{anchor}"),
            title: title.to_owned(),
        }
    }

    /// The level slug, module slug and anchor of the link, if it has the
    /// `/level/slug#anchor` shape.
    pub fn parts(&self) -> Option<(&str, &str, &str)> {
        let rest = self.href.strip_prefix('/')?;
        let (path, anchor) = rest.split_once('#')?;
        let (level, slug) = path.split_once('/')?;
        Some((level, slug, anchor))
    }
}

/// What the grader needs. Server-side only: the browser never gets one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Key {
    pub(crate) kind: Kind,
    pub(crate) difficulty: Level,
    pub(crate) seed: u64,
    pub(crate) parts: Vec<PartKey>,
    pub(crate) expected: String,
    pub(crate) explanation: String,
    pub(crate) highlight: Vec<String>,
    pub(crate) learn_more: ModuleLink,
}

/// How one part of an answer was graded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartFeedback {
    /// The part's name (`answer` for single-part forms).
    pub name: String,
    /// Whether this part is right.
    pub correct: bool,
    /// What the learner gave, as text (the option's text for a choice).
    pub given: String,
    /// The right answer for this part, in words.
    pub expected: String,
    /// The right answer as the learner would give it: the value for a typed
    /// answer, the option's text for a choice (several joined by "; "), a
    /// path for a location. Shown after answering.
    pub answer: String,
    /// What was wrong with the answer itself, if it could not be read
    /// ("Choose one of the options").
    pub problem: Option<String>,
}

/// The result of grading an answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Feedback {
    /// Whether every part is right.
    pub correct: bool,
    /// One entry per part of the key, then one per unknown part given.
    pub parts: Vec<PartFeedback>,
    /// The right answer in words, e.g. "19740312 (PID-7)".
    pub expected: String,
    /// Why, in 2–6 sentences, citing HL7 v2.5.1 where it helps.
    pub explanation: String,
    /// Paths in the material to highlight when showing the answer.
    pub highlight: Vec<String>,
    /// A real module heading to read more.
    pub learn_more: ModuleLink,
}

/// The exercise and its key for `(kind, difficulty, seed)`.
pub fn generate(kind: Kind, difficulty: Level, seed: u64) -> (Exercise, Key) {
    match kind.standard() {
        Standard::Hl7 => hl7::generate(kind, difficulty, seed),
        Standard::Dicom => dicom::generate(kind, difficulty, seed),
    }
}

/// Grades `answer` to `exercise` against its `key`. Never panics: unknown
/// part names, bad option indices and empty text all grade as incorrect
/// with a [`PartFeedback::problem`] saying why.
pub fn grade(exercise: &Exercise, key: &Key, answer: &Answer) -> Feedback {
    answer::grade(exercise, key, answer)
}
