//! The data set of one image: the IOD's modules (PS3.3 annex A) filled
//! from the plan. Module and attribute references are to PS3.3 annex C.

use super::super::datetime::DateTime;
use super::super::patient::{trust_by_facility, Sex};
use super::pixels::{self, Projection};
use super::plan::{Detail, Exposure, Geometry, Instance, Plan, Series, View};
use super::Modality;
use crate::dicom::{DataSet, ElementValue, Tag, Vr};

/// Shorthand for a tag.
const fn t(group: u16, element: u16) -> Tag {
    Tag(group, element)
}

/// A `Code Sequence Macro` item (PS3.3 table 8.8-1).
fn code(value: &str, scheme: &str, meaning: &str) -> DataSet {
    let mut item = DataSet::new();
    item.put_str(t(0x0008, 0x0100), Vr::SH, value)
        .put_str(t(0x0008, 0x0102), Vr::SH, scheme)
        .put_str(t(0x0008, 0x0104), Vr::LO, meaning);
    item
}

/// A PN value without empty trailing components (`Smith^Ann^^` → `Smith^Ann`).
fn person_name(pn: &str) -> &str {
    pn.trim_end_matches('^')
}

/// The data set for `inst` of `series`.
pub(super) fn dataset(plan: &Plan, series: &Series, inst: &Instance) -> DataSet {
    let mut ds = DataSet::new();
    patient(&mut ds, plan);
    general_study(&mut ds, plan);
    general_series(&mut ds, plan, series);
    general_equipment(&mut ds, plan);
    general_image(&mut ds, plan, inst);
    sop_common(&mut ds, plan, inst);
    if let Some(uid) = &plan.frame_of_reference_uid {
        // Frame of Reference module (C.7.4.1).
        ds.put_str(t(0x0020, 0x0052), Vr::UI, uid)
            .put_empty(t(0x0020, 0x1040), Vr::LO);
    }
    if let Some(agent) = plan.contrast_agent {
        // Contrast/Bolus module (C.7.6.4).
        ds.put_str(t(0x0018, 0x0010), Vr::LO, agent)
            .put_str(t(0x0018, 0x1040), Vr::LO, "IV");
    }
    match &series.detail {
        Detail::Ct(ct) => {
            plane(&mut ds, &ct.geometry, inst);
            ds.put_str(t(0x0008, 0x0008), Vr::CS, "ORIGINAL\\PRIMARY\\AXIAL")
                .put_ds(t(0x0018, 0x0060), &[ct.kvp])
                .put_int(t(0x0020, 0x0012), 1)
                .put_ds(t(0x0018, 0x0090), &[500.0])
                .put_ds(t(0x0018, 0x1100), &[ct.geometry.pixel_spacing * 128.0])
                .put_ds(t(0x0018, 0x1120), &[0.0])
                .put_ds(t(0x0018, 0x1130), &[ct.table_height])
                .put_str(t(0x0018, 0x1140), Vr::CS, "CW")
                .put_int(t(0x0018, 0x1150), i64::from(ct.exposure_time_ms))
                .put_int(t(0x0018, 0x1151), i64::from(ct.tube_current_ma))
                .put_str(t(0x0018, 0x1210), Vr::SH, ct.kernel)
                .put_f64s(t(0x0018, 0x9345), vec![ct.ctdi_vol])
                .put_seq(t(0x0018, 0x9346), vec![ctdi_phantom(&plan.order.body_part)])
                .put_str(t(0x0028, 0x1054), Vr::LO, "HU")
                .put_ds(t(0x0028, 0x1052), &[-1024.0])
                .put_ds(t(0x0028, 0x1053), &[1.0]);
            window(&mut ds, ct.window);
            let dz = inst.z - plan.z_centre;
            let g = &ct.geometry;
            let px = pixels::ct(plan.phantom_seed, inst.pixel_seed, dz, g.rows, g.columns);
            image_pixel(&mut ds, g.rows, g.columns, 16, 16, true);
            ds.put(Tag::PIXEL_DATA, Vr::OW, ElementValue::I16(px));
        }
        Detail::Mr(mr) => {
            plane(&mut ds, &mr.geometry, inst);
            ds.put_str(t(0x0008, 0x0008), Vr::CS, "ORIGINAL\\PRIMARY\\OTHER")
                .put_str(t(0x0018, 0x0020), Vr::CS, mr.scanning_sequence)
                .put_str(t(0x0018, 0x0021), Vr::CS, mr.sequence_variant)
                .put_empty(t(0x0018, 0x0022), Vr::CS)
                .put_str(t(0x0018, 0x0023), Vr::CS, "2D")
                .put_str(t(0x0018, 0x0024), Vr::SH, mr.sequence_name)
                .put_ds(t(0x0018, 0x0080), &[mr.repetition_time])
                .put_ds(t(0x0018, 0x0081), &[mr.echo_time])
                .put_ds(t(0x0018, 0x0083), &[mr.averages])
                .put_ds(t(0x0018, 0x0084), &[63.87])
                .put_str(t(0x0018, 0x0085), Vr::SH, "1H")
                .put_ds(t(0x0018, 0x0087), &[1.5])
                .put_ds(t(0x0018, 0x0088), &[mr.geometry.slice_step])
                .put_int(t(0x0018, 0x0091), i64::from(mr.echo_train_length))
                .put_str(t(0x0018, 0x1250), Vr::SH, "BODY")
                .put_ds(t(0x0018, 0x1314), &[mr.flip_angle])
                .put_int(t(0x0020, 0x0012), 1);
            window(&mut ds, mr.window);
            let dz = inst.z - plan.z_centre;
            let g = &mr.geometry;
            let px = pixels::mr(
                plan.phantom_seed,
                inst.pixel_seed,
                dz,
                mr.t2,
                g.rows,
                g.columns,
            );
            image_pixel(&mut ds, g.rows, g.columns, 16, 12, false);
            ds.put(Tag::PIXEL_DATA, Vr::OW, ElementValue::U16(px));
        }
        Detail::Projection(x) => {
            let view = inst.view.unwrap_or(View {
                position: "AP",
                laterality: "U",
                orientation: ["L", "F"],
                code: None,
            });
            projection(&mut ds, plan, x, &view);
            let kind = match plan.modality {
                Modality::Mg => Projection::Breast {
                    chest_wall_right: view.laterality == "R",
                },
                _ => match plan.order.body_part.as_str() {
                    "CHEST" => Projection::Chest,
                    "ABDOMEN" => Projection::Abdomen,
                    _ => Projection::Limb,
                },
            };
            let px = pixels::xray(plan.phantom_seed, inst.pixel_seed, kind, x.rows, x.columns);
            let (lo, hi) = px
                .iter()
                .fold((u16::MAX, 0), |(lo, hi), v| (lo.min(*v), hi.max(*v)));
            let (lo, hi) = (f64::from(lo), f64::from(hi));
            window(&mut ds, ((lo + hi) / 2.0, (hi - lo).max(1.0)));
            image_pixel(&mut ds, x.rows, x.columns, 16, 12, false);
            ds.put(Tag::PIXEL_DATA, Vr::OW, ElementValue::U16(px));
        }
        Detail::Us(us) => {
            // US Image module (C.8.5.6).
            let image_type = format!("ORIGINAL\\PRIMARY\\{}\\0001", us.region);
            ds.put_str(t(0x0008, 0x0008), Vr::CS, &image_type)
                .put_str(t(0x0028, 0x2110), Vr::CS, "00")
                .put_empty(t(0x0020, 0x0020), Vr::CS);
            let px = pixels::us(plan.phantom_seed, inst.pixel_seed, us.rows, us.columns);
            image_pixel(&mut ds, us.rows, us.columns, 8, 8, false);
            ds.put_bytes(Tag::PIXEL_DATA, Vr::OB, px);
        }
    }
    ds
}

/// CTDI Phantom Type Code Sequence item (CID 4052): the 16 cm head
/// phantom for heads, the 32 cm body phantom otherwise.
fn ctdi_phantom(body_part: &str) -> DataSet {
    if body_part == "HEAD" {
        code("113690", "DCM", "IEC Head Dosimetry Phantom")
    } else {
        code("113691", "DCM", "IEC Body Dosimetry Phantom")
    }
}

/// Patient module (C.7.1.1) and Patient Study module (C.7.2.2).
fn patient(ds: &mut DataSet, plan: &Plan) {
    let p = &plan.patient;
    let mut nhs = DataSet::new();
    nhs.put_str(t(0x0010, 0x0020), Vr::LO, &p.nhs_number)
        .put_str(t(0x0010, 0x0021), Vr::LO, "NHS")
        .put_str(t(0x0010, 0x0022), Vr::CS, "TEXT");
    ds.put_str(t(0x0010, 0x0010), Vr::PN, person_name(&p.dicom_name()))
        .put_str(t(0x0010, 0x0020), Vr::LO, &p.hospital_number)
        .put_str(t(0x0010, 0x0021), Vr::LO, &p.trust_facility)
        .put_str(t(0x0010, 0x0030), Vr::DA, &p.date_of_birth.dicom_date())
        // DICOM has M, F and O; HL7's U (unknown) is an empty Type 2 value.
        .put_str(
            t(0x0010, 0x0040),
            Vr::CS,
            match p.sex {
                Sex::M => "M",
                Sex::F => "F",
                Sex::U => "",
            },
        )
        .put_seq(t(0x0010, 0x1002), vec![nhs]);
    if let Some(age) = patient_age(p.date_of_birth, plan.study_time) {
        ds.put_str(t(0x0010, 0x1010), Vr::AS, &age);
    }
    ds.put_ds(t(0x0010, 0x1030), &[plan.weight_kg]);
}

/// Patient's Age (AS): `nnnY`, or `nnnM` under two years, or `nnnD`
/// under a month; `None` if the study is before the birth.
pub(super) fn patient_age(birth: DateTime, at: DateTime) -> Option<String> {
    let years = super::plan::age_years(birth, at)?;
    if years >= 2 {
        return Some(format!("{years:03}Y"));
    }
    let mut months = (at.year - birth.year) * 12 + i32::from(at.month) - i32::from(birth.month);
    if at.day < birth.day {
        months -= 1;
    }
    if months >= 1 {
        return Some(format!("{months:03}M"));
    }
    let days = (at.to_unix() - birth.to_unix()).div_euclid(86_400);
    Some(format!("{days:03}D"))
}

/// General Study module (C.7.2.1).
fn general_study(ds: &mut DataSet, plan: &Plan) {
    let o = &plan.order;
    let procedure = code(
        &o.procedure_code,
        &o.coding_system,
        &o.procedure_description,
    );
    ds.put_str(t(0x0020, 0x000D), Vr::UI, &o.study_instance_uid)
        .put_str(t(0x0008, 0x0020), Vr::DA, &plan.study_time.dicom_date())
        .put_str(t(0x0008, 0x0030), Vr::TM, &plan.study_time.dicom_time())
        .put_str(
            t(0x0008, 0x0090),
            Vr::PN,
            person_name(&o.ordering_clinician.dicom_name()),
        )
        .put_str(t(0x0020, 0x0010), Vr::SH, &plan.study_id)
        .put_str(t(0x0008, 0x0050), Vr::SH, &o.accession_number)
        .put_str(t(0x0008, 0x1030), Vr::LO, &o.procedure_description)
        .put_seq(t(0x0008, 0x1032), vec![procedure]);
}

/// General Series module (C.7.3.1), with the modality's series module.
fn general_series(ds: &mut DataSet, plan: &Plan, series: &Series) {
    let o = &plan.order;
    let mut request = DataSet::new();
    request
        .put_str(t(0x0008, 0x0050), Vr::SH, &o.accession_number)
        .put_str(t(0x0020, 0x000D), Vr::UI, &o.study_instance_uid)
        .put_str(t(0x0032, 0x1060), Vr::LO, &o.procedure_description)
        .put_str(t(0x0040, 0x0007), Vr::LO, &o.procedure_description)
        .put_str(t(0x0040, 0x0009), Vr::SH, &o.scheduled_procedure_step_id)
        .put_str(t(0x0040, 0x1001), Vr::SH, &o.requested_procedure_id)
        .put_str(t(0x0040, 0x1002), Vr::LO, &o.clinical_indication);
    ds.put_str(t(0x0008, 0x0060), Vr::CS, plan.modality.code())
        .put_str(t(0x0020, 0x000E), Vr::UI, &series.uid)
        .put_int(t(0x0020, 0x0011), i64::from(series.number))
        .put_str(t(0x0008, 0x0021), Vr::DA, &series.time.dicom_date())
        .put_str(t(0x0008, 0x0031), Vr::TM, &series.time.dicom_time())
        .put_str(t(0x0008, 0x103E), Vr::LO, &series.description)
        .put_str(t(0x0008, 0x1070), Vr::PN, &plan.operator)
        .put_str(t(0x0018, 0x1030), Vr::LO, &o.procedure_description)
        .put_str(t(0x0018, 0x0015), Vr::CS, &o.body_part)
        .put_str(t(0x0040, 0x0244), Vr::DA, &plan.study_time.dicom_date())
        .put_str(t(0x0040, 0x0245), Vr::TM, &plan.study_time.dicom_time())
        .put_str(t(0x0040, 0x0253), Vr::SH, &plan.pps_id)
        .put_str(t(0x0040, 0x0254), Vr::LO, &o.procedure_description)
        .put_seq(t(0x0040, 0x0275), vec![request]);
    // Laterality (2C): for a paired part when Image Laterality is absent.
    let has_image_laterality = matches!(plan.modality, Modality::Dx | Modality::Mg);
    if let (Some(side), false) = (plan.laterality, has_image_laterality) {
        ds.put_str(t(0x0020, 0x0060), Vr::CS, side);
    }
    match plan.modality {
        // Patient Position (2C): required for CT and MR images.
        Modality::Ct | Modality::Mr => {
            ds.put_str(t(0x0018, 0x5100), Vr::CS, "HFS");
        }
        // CR Series module (C.8.1.1): View Position is Type 2 here.
        Modality::Cr => {
            let position = series
                .instances
                .first()
                .and_then(|i| i.view)
                .map_or("", |v| v.position);
            ds.put_str(t(0x0018, 0x5101), Vr::CS, position);
        }
        // DX Series module (C.8.11.1); the Mammography Series module
        // (C.8.11.6) adds nothing Type 1 or 2 beyond Modality.
        Modality::Dx | Modality::Mg => {
            ds.put_str(t(0x0008, 0x0068), Vr::CS, "FOR PRESENTATION");
        }
        Modality::Us => {}
    }
}

/// General Equipment module (C.7.5.1).
fn general_equipment(ds: &mut DataSet, plan: &Plan) {
    let e = &plan.equipment;
    ds.put_str(t(0x0008, 0x0070), Vr::LO, e.manufacturer)
        .put_str(t(0x0008, 0x0080), Vr::LO, e.institution)
        .put_str(t(0x0008, 0x1010), Vr::SH, &e.station_name)
        .put_str(t(0x0008, 0x1090), Vr::LO, e.model)
        .put_str(t(0x0018, 0x1000), Vr::LO, &e.serial)
        .put_str(t(0x0018, 0x1020), Vr::LO, e.software);
}

/// General Image module (C.7.6.1); Image Type comes with the modality's
/// image module, Patient Orientation with the projection modules.
fn general_image(ds: &mut DataSet, plan: &Plan, inst: &Instance) {
    ds.put_int(t(0x0020, 0x0013), i64::from(inst.number))
        .put_str(t(0x0008, 0x0023), Vr::DA, &inst.time.dicom_date())
        .put_str(t(0x0008, 0x0033), Vr::TM, &inst.time.dicom_time())
        .put_str(t(0x0008, 0x0022), Vr::DA, &inst.time.dicom_date())
        .put_str(t(0x0008, 0x0032), Vr::TM, &inst.time.dicom_time())
        .put_str(t(0x0028, 0x0301), Vr::CS, "NO");
    if plan.modality != Modality::Us {
        ds.put_str(t(0x0028, 0x2110), Vr::CS, "00");
    }
}

/// SOP Common module (C.12.1). The Coding Scheme Identification Sequence
/// declares the trust's local procedure code scheme (`99` + facility, a
/// private designator as PS3.16 section 8 allows).
fn sop_common(ds: &mut DataSet, plan: &Plan, inst: &Instance) {
    let created = inst.time.plus_seconds(2);
    let trust = trust_by_facility(&plan.order.trust_facility);
    let mut scheme = DataSet::new();
    scheme
        .put_str(t(0x0008, 0x0102), Vr::SH, &plan.order.coding_system)
        .put_str(
            t(0x0008, 0x0115),
            Vr::ST,
            &format!("{} radiology procedure codes", plan.order.trust_facility),
        )
        .put_str(
            t(0x0008, 0x0116),
            Vr::ST,
            trust.map_or(plan.equipment.institution, |t| t.name),
        );
    ds.put_seq(t(0x0008, 0x0110), vec![scheme])
        .put_str(t(0x0008, 0x0016), Vr::UI, plan.modality.sop_class_uid())
        .put_str(t(0x0008, 0x0018), Vr::UI, &inst.uid)
        .put_str(t(0x0008, 0x0012), Vr::DA, &created.dicom_date())
        .put_str(t(0x0008, 0x0013), Vr::TM, &created.dicom_time());
}

/// Image Plane module (C.7.6.2) for an axial slice.
fn plane(ds: &mut DataSet, g: &Geometry, inst: &Instance) {
    let half = f64::from(g.columns) * g.pixel_spacing / 2.0;
    let first = -half + g.pixel_spacing / 2.0;
    ds.put_ds(t(0x0028, 0x0030), &[g.pixel_spacing, g.pixel_spacing])
        .put_ds(t(0x0020, 0x0037), &[1.0, 0.0, 0.0, 0.0, 1.0, 0.0])
        .put_ds(t(0x0020, 0x0032), &[first, first, inst.z])
        .put_ds(t(0x0018, 0x0050), &[g.slice_thickness])
        .put_ds(t(0x0020, 0x1041), &[inst.z]);
}

/// Image Pixel module (C.7.6.3) for one sample per pixel, MONOCHROME2.
fn image_pixel(
    ds: &mut DataSet,
    rows: u16,
    columns: u16,
    allocated: u16,
    stored: u16,
    signed: bool,
) {
    ds.put_u16(t(0x0028, 0x0002), 1)
        .put_str(t(0x0028, 0x0004), Vr::CS, "MONOCHROME2")
        .put_u16(t(0x0028, 0x0010), rows)
        .put_u16(t(0x0028, 0x0011), columns)
        .put_u16(t(0x0028, 0x0100), allocated)
        .put_u16(t(0x0028, 0x0101), stored)
        .put_u16(t(0x0028, 0x0102), stored - 1)
        .put_u16(t(0x0028, 0x0103), u16::from(signed));
}

/// VOI LUT module (C.11.2): one window.
fn window(ds: &mut DataSet, (centre, width): (f64, f64)) {
    ds.put_ds(t(0x0028, 0x1050), &[centre])
        .put_ds(t(0x0028, 0x1051), &[width]);
}

/// CR Image (C.8.1.2), or DX Anatomy Imaged, DX Image, DX Detector and
/// Acquisition Context (C.8.11.2–4, C.7.6.14), plus Mammography Image
/// (C.8.11.7) for MG.
fn projection(ds: &mut DataSet, plan: &Plan, x: &Exposure, view: &View) {
    ds.put_str(t(0x0008, 0x0008), Vr::CS, "ORIGINAL\\PRIMARY")
        .put_strs(t(0x0020, 0x0020), Vr::CS, &view.orientation)
        .put_ds(t(0x0018, 0x0060), &[x.kvp])
        .put_ds(t(0x0018, 0x1110), &[x.source_to_detector])
        .put_int(t(0x0018, 0x1150), i64::from(x.exposure_time_ms))
        .put_int(t(0x0018, 0x1151), i64::from(x.tube_current_ma))
        .put_int(t(0x0018, 0x1152), i64::from(x.exposure_mas))
        .put_ds(t(0x0018, 0x1164), &[x.pixel_spacing, x.pixel_spacing]);
    if plan.modality == Modality::Cr {
        return;
    }
    let region = match (plan.modality, plan.order.body_part.as_str()) {
        (Modality::Mg, _) => Some(code("76752008", "SCT", "Breast")),
        (_, "CHEST") => Some(code("816094009", "SCT", "Chest")),
        (_, "ABDOMEN") => Some(code("818981001", "SCT", "Abdomen")),
        _ => None,
    };
    ds.put_str(t(0x0020, 0x0062), Vr::CS, view.laterality)
        .put_seq(t(0x0008, 0x2218), region.into_iter().collect())
        .put_str(t(0x0028, 0x1040), Vr::CS, "LOG")
        .put(t(0x0028, 0x1041), Vr::SS, ElementValue::I16(vec![1]))
        .put_ds(t(0x0028, 0x1052), &[0.0])
        .put_ds(t(0x0028, 0x1053), &[1.0])
        .put_str(t(0x0028, 0x1054), Vr::LO, "US")
        .put_str(t(0x2050, 0x0020), Vr::CS, "IDENTITY")
        .put_str(t(0x0018, 0x7004), Vr::CS, "SCINTILLATOR")
        .put_seq(t(0x0040, 0x0555), Vec::new());
    // View Code Sequence (CID 4010 for DX, 4014 for MG), with its Type 2
    // View Modifier Code Sequence left empty.
    if let Some((value, meaning)) = view.code {
        let mut view_code = code(value, "SCT", meaning);
        view_code.put_seq(t(0x0054, 0x0222), Vec::new());
        ds.put_seq(t(0x0054, 0x0220), vec![view_code]);
    }
    if plan.modality == Modality::Mg {
        // Mammography Image module (C.8.11.7).
        ds.put_str(t(0x0018, 0x1508), Vr::CS, "MAMMOGRAPHIC")
            .put_str(t(0x0040, 0x0318), Vr::CS, "BREAST")
            .put_str(t(0x0028, 0x1300), Vr::CS, "NO");
    } else {
        // DX Positioning module (C.8.11.5): the view, on an upright or
        // table-mounted column.
        ds.put_str(t(0x0018, 0x5101), Vr::CS, view.position)
            .put_str(t(0x0018, 0x1508), Vr::CS, "COLUMN");
    }
}
