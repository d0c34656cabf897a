//! Place the attribute: at which level of the DICOM information model
//! (patient, study, series, instance) an attribute lives, by the PS3.3
//! module that holds it.

use crate::dicom::{by_keyword, Tag};
use crate::exercise::{Material, SINGLE};

use super::{choice, choice_key, model_link, tag_text, Ctx, Made};

/// The four levels, in the order the options show them (the hierarchy).
pub(crate) const LEVELS: [&str; 4] = ["Patient", "Study", "Series", "Instance"];

/// An attribute, its level (index into [`LEVELS`]) and the module that
/// holds it, with a note for the explanation.
pub(crate) struct Placed {
    pub keyword: &'static str,
    pub level: usize,
    pub module: &'static str,
    pub note: &'static str,
}

const fn placed(
    keyword: &'static str,
    level: usize,
    module: &'static str,
    note: &'static str,
) -> Placed {
    Placed {
        keyword,
        level,
        module,
        note,
    }
}

const PATIENT: &str = "the Patient module (PS3.3 C.7.1.1)";
const GENERAL_STUDY: &str = "the General Study module (PS3.3 C.7.2.1)";
const PATIENT_STUDY: &str = "the Patient Study module (PS3.3 C.7.2.2)";
const GENERAL_SERIES: &str = "the General Series module (PS3.3 C.7.3.1)";
const FRAME_OF_REFERENCE: &str = "the Frame of Reference module (PS3.3 C.7.4.1)";
const GENERAL_IMAGE: &str = "the General Image module (PS3.3 C.7.6.1)";
const IMAGE_PLANE: &str = "the Image Plane module (PS3.3 C.7.6.2)";
const IMAGE_PIXEL: &str = "the Image Pixel module (PS3.3 C.7.6.3)";
const SOP_COMMON: &str = "the SOP Common module (PS3.3 C.12.1)";

/// Common attributes, for the Foundation level.
pub(crate) const FOUNDATION: &[Placed] = &[
    placed("PatientName", 0, PATIENT, "It describes the person, so it is the same in every study of that patient."),
    placed("PatientID", 0, PATIENT, "It identifies the person at the trust, whatever the examination."),
    placed("PatientBirthDate", 0, PATIENT, "It describes the person, not the examination."),
    placed("PatientSex", 0, PATIENT, "It describes the person, not the examination."),
    placed("AccessionNumber", 1, GENERAL_STUDY, "The RIS issues one per examination, and one examination is one study."),
    placed("StudyDate", 1, GENERAL_STUDY, "It is when the examination started, shared by all its series."),
    placed("StudyInstanceUID", 1, GENERAL_STUDY, "It is the study's unique key, the same in every image of the study."),
    placed("StudyDescription", 1, GENERAL_STUDY, "It describes the whole examination."),
    placed("Modality", 2, GENERAL_SERIES, "A series holds images of one modality, while a study may mix modalities across its series (a PET/CT, for example)."),
    placed("SeriesDescription", 2, GENERAL_SERIES, "Each series, such as an axial or a coronal reconstruction, has its own description."),
    placed("SeriesNumber", 2, GENERAL_SERIES, "It numbers the series within the study."),
    placed("InstanceNumber", 3, GENERAL_IMAGE, "It numbers the images within the series."),
    placed("SOPInstanceUID", 3, SOP_COMMON, "It is the unique key of one instance."),
    placed("Rows", 3, IMAGE_PIXEL, "Each image says how many rows of pixels it has, and images of one series may differ."),
];

/// Less obvious attributes, for the Intermediate level.
pub(crate) const INTERMEDIATE: &[Placed] = &[
    placed("IssuerOfPatientID", 0, PATIENT, "It names the authority that issued the Patient ID, so it goes with the patient's identity."),
    placed("OtherPatientIDsSequence", 0, PATIENT, "Other identifiers of the same person, such as the NHS number, belong with the person."),
    placed("PatientBirthTime", 0, PATIENT, "It describes the person."),
    placed("EthnicGroup", 0, PATIENT, "It describes the person, whatever the examination."),
    placed("ReferringPhysicianName", 1, GENERAL_STUDY, "The referrer asked for this examination, so it is a study attribute, not a patient one."),
    placed("PatientAge", 1, PATIENT_STUDY, "Despite its name it is a study attribute: the patient's age at the time of this study, which changes from one study to the next."),
    placed("PatientWeight", 1, PATIENT_STUDY, "It is the weight at the time of this study (used for contrast and SUV), so it belongs to the study, not to the patient."),
    placed("PatientSize", 1, PATIENT_STUDY, "It is the patient's height at the time of this study."),
    placed("AdmittingDiagnosesDescription", 1, PATIENT_STUDY, "It is the reason for this admission, which goes with this study."),
    placed("StudyID", 1, GENERAL_STUDY, "It is a short identifier of the study set by the modality."),
    placed("BodyPartExamined", 2, GENERAL_SERIES, "Each series records the body part it covers; one study may image several."),
    placed("Laterality", 2, GENERAL_SERIES, "Laterality (0020,0060) is the side of a paired body part imaged in the series; Image Laterality (0020,0062), used by mammography and DX, is its image-level counterpart."),
    placed("FrameOfReferenceUID", 2, FRAME_OF_REFERENCE, "Strictly the Frame of Reference is its own information entity between study and series (PS3.3 A.1.2), but each series has exactly one Frame of Reference UID and several series may share it (PS3.3 C.7.4.1.1.1), so among these four levels it is graded as Series."),
    placed("PatientPosition", 2, GENERAL_SERIES, "The patient lies the same way, such as HFS (head first supine), for all images of a series."),
    placed("ProtocolName", 2, GENERAL_SERIES, "Each series is acquired with one protocol."),
    placed("PerformedProcedureStepStartDate", 2, GENERAL_SERIES, "The series records the performed procedure step that made it, which MPPS also reports."),
    placed("ImagePositionPatient", 3, IMAGE_PLANE, "Each slice has its own position in space: the x, y, z of its first pixel."),
    placed("ImageOrientationPatient", 3, IMAGE_PLANE, "It is given per image, as direction cosines of its rows and columns."),
    placed("SliceThickness", 3, IMAGE_PLANE, "It is given per image, even though it is usually the same throughout a series."),
    placed("PixelSpacing", 3, IMAGE_PLANE, "It is given per image: the physical size of one pixel, row then column spacing."),
    placed("AcquisitionNumber", 3, GENERAL_IMAGE, "It numbers the acquisition the image came from, per image."),
    placed("ContentDate", 3, GENERAL_IMAGE, "It is when this image's content was created, which can differ between images of one series."),
];

pub(super) fn make(ctx: &mut Ctx) -> Made {
    let pool = if ctx.hard() { INTERMEDIATE } else { FOUNDATION };
    // Pick the level first, so each option is right equally often.
    let level = ctx.rng.index(LEVELS.len());
    let candidates: Vec<&Placed> = pool.iter().filter(|p| p.level == level).collect();
    let p = candidates
        .get(ctx.rng.index(candidates.len()))
        .copied()
        .unwrap_or(&pool[0]);
    let attr = by_keyword(p.keyword);
    let name = attr.map_or(p.keyword, |a| a.name);
    let tag = attr.map_or(Tag(0, 0), |a| a.tag);
    let options: Vec<String> = LEVELS.iter().map(|l| (*l).to_owned()).collect();
    let level_name = LEVELS[p.level];
    let explanation = format!(
        "{name} {t} is in {module}, which the composite IODs place in the {entity} information entity (PS3.3 annex A). {note} The four levels are also the query levels of PS3.4 C.6 (PATIENT, STUDY, SERIES, IMAGE), which is where the hierarchy shows in practice.",
        t = tag_text(tag),
        module = p.module,
        entity = if p.module == FRAME_OF_REFERENCE {
            "Frame of Reference"
        } else {
            ["Patient", "Study", "Series", "Image"][p.level]
        },
        note = p.note,
    );
    Made {
        prompt: format!(
            "At which level of the DICOM information model does {name} {} belong?",
            tag_text(tag)
        ),
        material: Material::Text(format!(
            "Patient → Study → Series → Instance\n\nAttribute: {name} {}\nKeyword: {}",
            tag_text(tag),
            p.keyword
        )),
        answer: choice("Level", options),
        parts: vec![choice_key(
            SINGLE,
            p.level,
            LEVELS.len(),
            level_name.to_owned(),
        )],
        expected: format!("{level_name} ({})", p.module),
        explanation,
        highlight: vec![tag_text(tag)],
        learn_more: if ctx.hard() {
            model_link(
                "iods-modules-and-sop-classes",
                "IODs, modules and SOP classes",
            )
        } else {
            model_link("the-real-world-model", "The real-world model")
        },
    }
}
