//! Small synthetic data sets for the byte-level exercises: a patient and
//! an order from [`crate::synth`], made into the attributes a PACS
//! administrator reads most often (PS3.3 Patient, General Study, General
//! Series, General Image, Image Pixel and SOP Common modules). They are
//! excerpts of an image header, not complete IODs: no pixel data.

use crate::dicom::{DataSet, Tag, Vr};
use crate::synth::dicom::Modality;
use crate::synth::{self, uuid_uid, Order, Patient, Sex, PROCEDURES};

use super::Ctx;

/// The identity of one synthetic image.
pub(crate) struct Record {
    pub patient: Patient,
    pub order: Order,
    pub modality: Modality,
    pub series_uid: String,
    pub sop_uid: String,
    pub series_number: u32,
    pub instance_number: u32,
    pub rows: u16,
    pub columns: u16,
}

impl Record {
    /// Patient's Name without empty trailing components, upper case as
    /// many RIS send it.
    pub fn patient_name(&self) -> String {
        self.patient
            .dicom_name()
            .trim_end_matches('^')
            .to_uppercase()
    }

    /// Referring Physician's Name (the ordering clinician).
    pub fn referrer_name(&self) -> String {
        self.order
            .ordering_clinician
            .dicom_name()
            .trim_end_matches('^')
            .to_uppercase()
    }
}

/// A new record; `modality` forces the modality (else any of the six).
pub(crate) fn record(ctx: &mut Ctx, modality: Option<Modality>) -> Record {
    let mut rng = synth::Rng::seed_from_u64(ctx.rng.next_u64());
    let patient = synth::patient(&mut rng);
    let modality = modality.unwrap_or_else(|| *rng.pick(&Modality::ALL));
    let procedures: Vec<_> = PROCEDURES
        .iter()
        .filter(|p| p.modality == modality.code())
        .collect();
    let procedure = procedures
        .get(rng.index(procedures.len()))
        .copied()
        .unwrap_or(&PROCEDURES[0]);
    let order = synth::order_for(&mut rng, patient.trust(), procedure, ctx.base);
    let (rows, columns) = match modality {
        Modality::Ct => (512, 512),
        Modality::Mr => *rng.pick(&[(256, 256), (320, 320), (512, 512), (384, 512)]),
        Modality::Cr => *rng.pick(&[(2500, 2048), (2048, 2500), (1760, 2140)]),
        Modality::Dx => *rng.pick(&[(3000, 3000), (2816, 2304), (3072, 2560)]),
        Modality::Us => *rng.pick(&[(600, 800), (768, 1024), (480, 640)]),
        Modality::Mg => *rng.pick(&[(3328, 2560), (4096, 3328)]),
    };
    Record {
        series_uid: uuid_uid(&mut rng),
        sop_uid: uuid_uid(&mut rng),
        series_number: u32::try_from(rng.range(1, 12)).unwrap_or(1),
        instance_number: u32::try_from(rng.range(1, 180)).unwrap_or(1),
        patient,
        order,
        modality,
        rows,
        columns,
    }
}

/// What to put in [`dataset`] beyond the common attributes.
#[derive(Clone, Copy, Default)]
pub(crate) struct Extras {
    /// Other Patient IDs Sequence (0010,1002) with the NHS number, whose
    /// nested Patient ID is a trap for the unwary.
    pub other_ids: bool,
    /// A private creator and two private elements in group 0009.
    pub private: bool,
    /// Retrieve URL (0008,1190), a UR (long-form) element.
    pub retrieve_url: bool,
    /// Reason For Visit (0032,1066), a UT (long-form) element.
    pub reason_for_visit: bool,
    /// Sequence of Ultrasound Regions (0018,6011) with UL coordinates.
    pub us_regions: bool,
}

/// The private creator the private elements are reserved under.
pub(crate) const PRIVATE_CREATOR: &str = "PACS ACADEMY 1.0";

/// The bytes of the private OB element (0009,1002) and UN element
/// (0009,1001): short, so they can be typed.
pub(crate) fn private_bytes(record: &Record) -> (Vec<u8>, Vec<u8>) {
    let n = record.instance_number;
    let un = vec![0x01, (n % 251) as u8, 0x00, 0xA0];
    let ob = vec![
        0x7F,
        0x00,
        (record.series_number % 256) as u8,
        0xFE,
        0x10,
        0x02,
    ];
    (un, ob)
}

/// The data set for `record`.
pub(crate) fn dataset(record: &Record, extras: Extras) -> DataSet {
    let o = &record.order;
    let p = &record.patient;
    let mut ds = DataSet::new();
    ds.put_str(Tag(0x0008, 0x0005), Vr::CS, "ISO_IR 100")
        .put_str(Tag(0x0008, 0x0016), Vr::UI, record.modality.sop_class_uid())
        .put_str(Tag::SOP_INSTANCE_UID, Vr::UI, &record.sop_uid)
        .put_str(Tag(0x0008, 0x0020), Vr::DA, &o.scheduled_at.dicom_date())
        .put_str(Tag(0x0008, 0x0030), Vr::TM, &o.scheduled_at.dicom_time())
        .put_str(Tag(0x0008, 0x0050), Vr::SH, &o.accession_number)
        .put_str(Tag(0x0008, 0x0060), Vr::CS, record.modality.code())
        .put_str(Tag(0x0008, 0x0090), Vr::PN, &record.referrer_name())
        .put_str(Tag(0x0008, 0x1030), Vr::LO, &o.procedure_description)
        .put_str(Tag::PATIENT_NAME, Vr::PN, &record.patient_name())
        .put_str(Tag::PATIENT_ID, Vr::LO, &p.hospital_number)
        .put_str(Tag(0x0010, 0x0030), Vr::DA, &p.date_of_birth.dicom_date())
        .put_str(Tag(0x0010, 0x0040), Vr::CS, sex_code(p.sex))
        .put_str(Tag(0x0018, 0x0015), Vr::CS, &o.body_part)
        .put_str(Tag(0x0020, 0x000D), Vr::UI, &o.study_instance_uid)
        .put_str(Tag(0x0020, 0x000E), Vr::UI, &record.series_uid)
        .put_int(Tag(0x0020, 0x0011), i64::from(record.series_number))
        .put_int(Tag(0x0020, 0x0013), i64::from(record.instance_number))
        .put_u16(Tag(0x0028, 0x0010), record.rows)
        .put_u16(Tag(0x0028, 0x0011), record.columns)
        .put_u16(
            Tag(0x0028, 0x0100),
            if record.modality == Modality::Us {
                8
            } else {
                16
            },
        );
    if extras.other_ids {
        let mut nhs = DataSet::new();
        nhs.put_str(Tag::PATIENT_ID, Vr::LO, &p.nhs_number)
            .put_str(Tag(0x0010, 0x0021), Vr::LO, "NHS")
            .put_str(Tag(0x0010, 0x0022), Vr::CS, "TEXT");
        ds.put_str(Tag(0x0010, 0x0021), Vr::LO, &p.trust_facility)
            .put_seq(Tag(0x0010, 0x1002), vec![nhs]);
    }
    if extras.private {
        let (un, ob) = private_bytes(record);
        ds.put_str(Tag(0x0009, 0x0010), Vr::LO, PRIVATE_CREATOR)
            .put_bytes(Tag(0x0009, 0x1001), Vr::UN, un)
            .put_bytes(Tag(0x0009, 0x1002), Vr::OB, ob);
    }
    if extras.retrieve_url {
        let url = format!(
            "https://pacs.{}.example.nhs.uk/dicomweb/studies/{}",
            o.trust_facility.to_lowercase(),
            o.study_instance_uid
        );
        ds.put_str(Tag(0x0008, 0x1190), Vr::UR, &url);
    }
    if extras.reason_for_visit {
        ds.put_str(Tag(0x0032, 0x1066), Vr::UT, &o.clinical_indication);
    }
    if extras.us_regions {
        let mut region = DataSet::new();
        region
            .put_u16(Tag(0x0018, 0x6012), 1)
            .put_u16(Tag(0x0018, 0x6014), 1)
            .put_u32(Tag(0x0018, 0x6016), 0)
            .put_u32(Tag(0x0018, 0x6018), 64)
            .put_u32(Tag(0x0018, 0x601A), 48)
            .put_u32(Tag(0x0018, 0x601C), u32::from(record.columns) - 65)
            .put_u32(Tag(0x0018, 0x601E), u32::from(record.rows) - 33);
        ds.put_seq(Tag(0x0018, 0x6011), vec![region]);
    }
    ds
}

/// Patient's Sex (0010,0040): DICOM has M, F and O; HL7's U (unknown) is
/// an empty Type 2 value (PS3.3 C.7.1.1).
pub(crate) fn sex_code(sex: Sex) -> &'static str {
    match sex {
        Sex::M => "M",
        Sex::F => "F",
        Sex::U => "",
    }
}
