//! Seeded synthetic DICOM studies: CT, MR, CR, DX, US and MG images that
//! open in a viewer and pass `dciodvfy`.
//!
//! [`study`] makes a patient, a radiology order and the study from one
//! `u64` seed; [`study_for_order`] makes the study for a patient and order
//! you already have (say, from an HL7 OMI^O23 made by
//! [`generate`](super::generate) with the same seed), so the DICOM Patient
//! ID, Accession Number and Study Instance UID match the HL7 order. The
//! same arguments always give byte-for-byte the same files, on every
//! platform: randomness is the generator's ChaCha8 [`Rng`], and the pixel
//! phantoms use only `+ - * /` and `sqrt` on `f64`, which IEEE 754 rounds
//! identically everywhere (no `sin`, `exp` or other library functions).
//!
//! # What a study holds
//!
//! | modality | SOP class | series × images | pixels |
//! |---|---|---|---|
//! | CT | CT Image Storage | 2 axial series, 5 and 3 slices | 128×128, 16-bit signed, HU = stored − 1024 |
//! | MR | MR Image Storage | 2 axial series (T2 TSE, T1 SE), 4 slices each | 128×128, 12 bits in 16, unsigned |
//! | CR | Computed Radiography Image Storage | 2 series (one per view position) | 160×128, 12 bits in 16 |
//! | DX | Digital X-Ray Image Storage – For Presentation | 1 series, 1–2 views | 160×160, 12 bits in 16 |
//! | US | Ultrasound Image Storage | 1 series, 3 images | 120×160, 8-bit MONOCHROME2 |
//! | MG | Digital Mammography X-Ray Image Storage – For Presentation | 1 series: R CC, L CC, R MLO, L MLO | 160×128, 12 bits in 16 |
//!
//! Each file has the modules its IOD makes mandatory (PS3.3 annex A) with
//! every Type 1 attribute and every Type 2 attribute (empty when unknown),
//! and Type 1C/2C ones whose condition holds; `tests/validators/
//! test_generated_dicom.py` checks them with dciodvfy, dcmdump and pydicom.
//!
//! # Identifiers
//!
//! - Patient ID (0010,0020) is the hospital number, issued by the trust
//!   (Issuer of Patient ID); the NHS number is in Other Patient IDs
//!   Sequence, issuer `NHS`.
//! - Accession Number, Study Instance UID, Requested Procedure ID and
//!   Scheduled Procedure Step ID come from the [`Order`].
//! - Series Instance, SOP Instance and Frame of Reference UIDs are
//!   `2.25.<decimal UUID>`: the `2.25` root (ITU-T X.667 / ISO/IEC 9834-8)
//!   followed by a random version-4 UUID drawn from the seeded generator
//!   ([`uuid_uid`]), so they need no registered organisation root.
//! - The file meta information carries PACS Academy's Implementation Class
//!   UID, [`IMPLEMENTATION_CLASS_UID`](crate::dicom::IMPLEMENTATION_CLASS_UID),
//!   also under `2.25`.
//!
//! Equipment is fictional: manufacturer `PACS Academy Synthetic`, models
//! such as `Synthetic CT 64`.
//!
//! ```
//! use pacs_academy::synth::dicom::{study, Modality};
//! use pacs_academy::synth::DateTime;
//!
//! let base = DateTime::new(2025, 3, 14, 9, 0, 0).expect("valid date");
//! let s = study(Modality::Ct, 7, base);
//! assert_eq!(s.files.len(), 8);
//! assert_eq!(s.files[0].file_name, "CT-1-001.dcm");
//! assert_eq!(&s.files[0].bytes[128..132], b"DICM");
//! assert!(s.order.study_instance_uid.starts_with("2.25."));
//! ```

mod build;
mod pixels;
mod plan;

#[cfg(test)]
mod tests;

use std::fmt;
use std::str::FromStr;

use super::datetime::DateTime;
use super::order::{order_for, Order};
use super::patient::{patient, Patient};
use super::PROCEDURES;
use crate::dicom::{write_file, DataSet, FileMeta, TransferSyntax};
use crate::rng::{derive_seed, Rng};

/// The image modalities the generator makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Modality {
    /// Computed tomography: CT Image Storage.
    Ct,
    /// Magnetic resonance: MR Image Storage.
    Mr,
    /// Computed radiography (storage phosphor plates).
    Cr,
    /// Digital radiography, For Presentation.
    Dx,
    /// Ultrasound (single frame).
    Us,
    /// Digital mammography, For Presentation.
    Mg,
}

impl Modality {
    /// Every modality.
    pub const ALL: [Modality; 6] = [
        Modality::Ct,
        Modality::Mr,
        Modality::Cr,
        Modality::Dx,
        Modality::Us,
        Modality::Mg,
    ];

    /// The modality from its DICOM code (`CT`, `MR`, `CR`, `DX`, `US`,
    /// `MG`; any case).
    pub fn parse(code: &str) -> Option<Modality> {
        Modality::ALL
            .into_iter()
            .find(|m| m.code().eq_ignore_ascii_case(code.trim()))
    }

    /// The value of Modality (0008,0060).
    pub const fn code(self) -> &'static str {
        match self {
            Modality::Ct => "CT",
            Modality::Mr => "MR",
            Modality::Cr => "CR",
            Modality::Dx => "DX",
            Modality::Us => "US",
            Modality::Mg => "MG",
        }
    }

    /// The storage SOP Class UID of the images (PS3.4 annex B).
    pub const fn sop_class_uid(self) -> &'static str {
        match self {
            Modality::Ct => "1.2.840.10008.5.1.4.1.1.2",
            Modality::Mr => "1.2.840.10008.5.1.4.1.1.4",
            Modality::Cr => "1.2.840.10008.5.1.4.1.1.1",
            Modality::Dx => "1.2.840.10008.5.1.4.1.1.1.1",
            Modality::Us => "1.2.840.10008.5.1.4.1.1.6.1",
            Modality::Mg => "1.2.840.10008.5.1.4.1.1.1.2",
        }
    }

    /// The SOP class name, as in PS3.6 annex A.
    pub const fn sop_class_name(self) -> &'static str {
        match self {
            Modality::Ct => "CT Image Storage",
            Modality::Mr => "MR Image Storage",
            Modality::Cr => "Computed Radiography Image Storage",
            Modality::Dx => "Digital X-Ray Image Storage - For Presentation",
            Modality::Us => "Ultrasound Image Storage",
            Modality::Mg => "Digital Mammography X-Ray Image Storage - For Presentation",
        }
    }
}

impl fmt::Display for Modality {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A modality code the generator does not make.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown modality `{0}`; use CT, MR, CR, DX, US or MG")]
pub struct UnknownModality(pub String);

impl FromStr for Modality {
    type Err = UnknownModality;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Modality::parse(s).ok_or_else(|| UnknownModality(s.to_owned()))
    }
}

/// The transfer syntax named `explicit-le`, `implicit-le` or `explicit-be`
/// (the names the command line uses), or `None`.
pub fn transfer_syntax_by_name(name: &str) -> Option<TransferSyntax> {
    match name {
        "explicit-le" => Some(TransferSyntax::EXPLICIT_VR_LITTLE_ENDIAN),
        "implicit-le" => Some(TransferSyntax::IMPLICIT_VR_LITTLE_ENDIAN),
        "explicit-be" => Some(TransferSyntax::EXPLICIT_VR_BIG_ENDIAN),
        _ => None,
    }
}

/// How the files are encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Options {
    /// Explicit VR Little Endian by default; Implicit VR Little Endian and
    /// (retired, but worth seeing) Explicit VR Big Endian for exercises.
    pub transfer_syntax: TransferSyntax,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            transfer_syntax: TransferSyntax::EXPLICIT_VR_LITTLE_ENDIAN,
        }
    }
}

/// One generated DICOM file (PS3.10).
#[derive(Clone, Debug, PartialEq)]
pub struct GeneratedFile {
    /// `<modality>-<series number>-<instance number, 3 digits>.dcm`, e.g.
    /// `CT-1-001.dcm`.
    pub file_name: String,
    pub sop_class_uid: String,
    pub sop_instance_uid: String,
    pub series_instance_uid: String,
    /// The data set as written (without the file meta group).
    pub dataset: DataSet,
    /// The whole file: preamble, `DICM`, file meta, data set.
    pub bytes: Vec<u8>,
}

/// A generated study and what it was made from.
#[derive(Clone, Debug, PartialEq)]
pub struct GeneratedStudy {
    pub modality: Modality,
    pub patient: Patient,
    /// The order the study fulfils; its Study Instance UID and accession
    /// number are the study's.
    pub order: Order,
    /// The files in series, then instance, order.
    pub files: Vec<GeneratedFile>,
}

/// The base time [`instance`] uses: 2025-03-14 09:00:00, as the command
/// line's default.
pub const DEFAULT_BASE: DateTime = DateTime {
    year: 2025,
    month: 3,
    day: 14,
    hour: 9,
    minute: 0,
    second: 0,
};

/// The stream the study plan draws from, apart from the patient's and the
/// order's.
const PLAN_STREAM: u64 = 0xD1C0_4D00;

/// A study of `modality` for a new patient and order from `seed`, in
/// Explicit VR Little Endian. The order is placed within eight hours after
/// `base` and the study done at its scheduled time.
pub fn study(modality: Modality, seed: u64, base: DateTime) -> GeneratedStudy {
    study_with(modality, seed, base, &Options::default())
}

/// [`study`] with a choice of transfer syntax.
pub fn study_with(
    modality: Modality,
    seed: u64,
    base: DateTime,
    options: &Options,
) -> GeneratedStudy {
    let (patient, order) = patient_and_order(modality, seed, base);
    study_for_order(modality, &patient, &order, seed, options)
}

/// The study of `modality` that fulfils `order` for `patient`: Patient ID,
/// name, birth date and sex from the patient; Accession Number, Study
/// Instance UID, procedure, station and scheduled time from the order.
/// `seed` chooses everything else (series and SOP Instance UIDs, equipment,
/// acquisition parameters, pixels).
pub fn study_for_order(
    modality: Modality,
    patient: &Patient,
    order: &Order,
    seed: u64,
    options: &Options,
) -> GeneratedStudy {
    let plan = plan::plan(modality, patient, order, derive_seed(seed, PLAN_STREAM));
    let files = plan
        .instances()
        .map(|(series, inst)| render(&plan, series, inst, options))
        .collect();
    GeneratedStudy {
        modality,
        patient: patient.clone(),
        order: order.clone(),
        files,
    }
}

/// File `index` (0-based, in the order of [`GeneratedStudy::files`]) of
/// `study(modality, seed, DEFAULT_BASE)`, without making the others'
/// pixels; `None` past the last file.
pub fn instance(modality: Modality, seed: u64, index: usize) -> Option<GeneratedFile> {
    let (patient, order) = patient_and_order(modality, seed, DEFAULT_BASE);
    let plan = plan::plan(modality, &patient, &order, derive_seed(seed, PLAN_STREAM));
    let (series, inst) = plan.instances().nth(index)?;
    Some(render(&plan, series, inst, &Options::default()))
}

/// The patient and an order for one of the catalogue's `modality`
/// procedures, from `seed`.
fn patient_and_order(modality: Modality, seed: u64, base: DateTime) -> (Patient, Order) {
    let mut rng = Rng::seed_from_u64(seed);
    let patient = patient(&mut rng);
    let ordered_at = base.plus_seconds(i64::try_from(rng.below(8 * 3600)).unwrap_or(0));
    let procedures: Vec<_> = PROCEDURES
        .iter()
        .filter(|p| p.modality == modality.code())
        .collect();
    // Every modality has procedures in the catalogue (a unit test checks).
    let procedure = procedures[rng.index(procedures.len())];
    let order = order_for(&mut rng, patient.trust(), procedure, ordered_at);
    (patient, order)
}

fn render(
    plan: &plan::Plan,
    series: &plan::Series,
    inst: &plan::Instance,
    options: &Options,
) -> GeneratedFile {
    let dataset = build::dataset(plan, series, inst);
    let sop_class_uid = plan.modality.sop_class_uid().to_owned();
    let mut meta = FileMeta::new(&sop_class_uid, &inst.uid);
    meta.source_application_entity_title = Some(plan.order.scheduled_station_ae.clone());
    let bytes = write_file(&dataset, &meta, options.transfer_syntax);
    GeneratedFile {
        file_name: format!(
            "{}-{}-{:03}.dcm",
            plan.modality.code(),
            series.number,
            inst.number
        ),
        sop_class_uid,
        sop_instance_uid: inst.uid.clone(),
        series_instance_uid: series.uid.clone(),
        dataset,
        bytes,
    }
}
