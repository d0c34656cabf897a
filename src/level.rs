//! The level of a course, an exam or an exercise: Foundation or Intermediate.
//!
//! One concept with one name, shared by `content` (courses), `exam` (exam
//! definitions and questions) and `exercise` (how hard a lab exercise is), so
//! none of them depends on another for it. Pure: no I/O, compiles for wasm32.
//! The slug (`foundation`, `intermediate`) appears in URLs, folder names and
//! serialised data, so it must not change.

use serde::{Deserialize, Serialize};

/// The two courses a trust sends its PACS administrators on, and the level
/// of the exams and lab exercises that go with them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// New PACS administrators: common fields and events, default
    /// delimiters, obvious defects.
    Foundation,
    /// Administrators who run the service: rarer fields, repetitions and
    /// components, custom delimiters, escape sequences, subtler defects and
    /// less common events.
    Intermediate,
}

impl Level {
    /// Both levels, Foundation first.
    pub const ALL: [Level; 2] = [Level::Foundation, Level::Intermediate];

    /// The URL segment and folder name: `foundation`, `intermediate`.
    pub fn slug(self) -> &'static str {
        match self {
            Level::Foundation => "foundation",
            Level::Intermediate => "intermediate",
        }
    }

    pub fn from_slug(s: &str) -> Option<Level> {
        Level::ALL.into_iter().find(|l| l.slug() == s)
    }

    pub fn title(self) -> &'static str {
        match self {
            Level::Foundation => "Foundation",
            Level::Intermediate => "Intermediate",
        }
    }

    /// How long the classroom course runs.
    pub fn duration(self) -> &'static str {
        match self {
            Level::Foundation => "1 day",
            Level::Intermediate => "2 days",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            Level::Foundation => {
                "For new PACS administrators and clerical staff. How the imaging systems fit together, \
                 how to read an HL7 v2 message, how patient identity flows from the PAS to the PACS, and \
                 the DICOM basics you need to connect and test a modality."
            }
            Level::Intermediate => {
                "For administrators who run the service day to day. Transfer syntaxes and Part 10 files, \
                 conformance statements and message profiles, MLLP and acknowledgements, IHE Scheduled \
                 Workflow, query/retrieve, reconciliation, DICOMweb and de-identification."
            }
        }
    }

    pub fn path(self) -> String {
        format!("/{}", self.slug())
    }
}

impl std::fmt::Display for Level {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.title())
    }
}
