//! Assembling each event's message from a patient, an order and the rng.

use crate::hl7::{Message, MessageBuilder, SegmentBuilder};

use super::data::{Trust, CONCLUSIONS, FINDINGS, SERVICES, WARDS};
use super::datetime::DateTime;
use super::event::{AckCode, Event};
use super::order::{order, Order};
use super::patient::{consultant, hospital_number, patient, Clinician, Patient};
use crate::rng::Rng;

/// Sets `value` at `path` unless it is empty. Paths and segment IDs here are
/// literals checked by the tests, so a failure is a bug in this file.
fn put(seg: &mut SegmentBuilder, path: &str, value: &str) {
    if !value.is_empty() {
        seg.set(path, value)
            .unwrap_or_else(|e| panic!("synth: bad literal path {path}: {e}"));
    }
}

fn segment(id: &str) -> SegmentBuilder {
    SegmentBuilder::new(id).unwrap_or_else(|e| panic!("synth: bad literal segment {id}: {e}"))
}

/// An XCN (or the XCN-like part of a field) at `field`: ID, family, given,
/// prefix.
fn put_xcn(seg: &mut SegmentBuilder, field: &str, who: &Clinician) {
    put(seg, &format!("{field}.1"), &who.code);
    put(seg, &format!("{field}.2"), &who.family_name);
    put(seg, &format!("{field}.3"), &who.given_name);
    put(seg, &format!("{field}.6"), &who.title);
}

/// A CE/CWE triplet at `field`.
fn put_ce(seg: &mut SegmentBuilder, field: &str, code: &str, text: &str, system: &str) {
    put(seg, &format!("{field}.1"), code);
    put(seg, &format!("{field}.2"), text);
    put(seg, &format!("{field}.3"), system);
}

/// What goes into one message besides its segments.
pub(crate) struct Built {
    pub message: Message,
    pub patient: Patient,
    pub order: Option<Order>,
}

/// Sending and receiving applications for an event.
fn applications(event: Event) -> (&'static str, &'static str) {
    match event {
        Event::AdtA01
        | Event::AdtA02
        | Event::AdtA03
        | Event::AdtA04
        | Event::AdtA08
        | Event::AdtA11
        | Event::AdtA40 => ("PAS", "RIS"),
        Event::OrmO01 | Event::OmiO23 | Event::SiuS12 => ("RIS", "PACS"),
        Event::OruR01 => ("RIS", "EPR"),
        Event::Ack(_) => ("RIS", "PAS"),
    }
}

/// A message control ID: `PA` and 16 hex digits (18 characters, within
/// MSH-10's 20).
fn control_id(rng: &mut Rng) -> String {
    format!("PA{:016X}", rng.next_u64())
}

fn msh(event: Event, trust: &Trust, time: DateTime, control: &str) -> MessageBuilder {
    let (from, to) = applications(event);
    let (code, trigger, structure) = event.msh9();
    let mut b = MessageBuilder::default();
    let fields = [
        ("MSH-3", from),
        ("MSH-4", trust.facility),
        ("MSH-5", to),
        ("MSH-6", trust.facility),
        ("MSH-9.1", code),
        ("MSH-9.2", trigger),
        ("MSH-9.3", structure),
        ("MSH-10", control),
        ("MSH-11", "P"),
        ("MSH-12", "2.5.1"),
    ];
    b.set("MSH-7", &time.hl7())
        .unwrap_or_else(|e| panic!("synth: MSH-7: {e}"));
    for (path, value) in fields {
        b.set(path, value)
            .unwrap_or_else(|e| panic!("synth: {path}: {e}"));
    }
    b
}

fn evn(trigger: &str, recorded: DateTime, occurred: DateTime) -> SegmentBuilder {
    let mut s = segment("EVN");
    put(&mut s, "1", trigger);
    put(&mut s, "2", &recorded.hl7());
    put(&mut s, "6", &occurred.hl7());
    s
}

fn pid(p: &Patient) -> SegmentBuilder {
    let t = p.trust();
    let mut s = segment("PID");
    put(&mut s, "1", "1");
    put(&mut s, "3(1).1", &p.hospital_number);
    put(&mut s, "3(1).4", t.facility);
    put(&mut s, "3(1).5", "MR");
    put(&mut s, "3(2).1", &p.nhs_number);
    put(&mut s, "3(2).4", "NHS");
    put(&mut s, "3(2).5", "NH");
    put(&mut s, "5.1", &p.family_name);
    put(&mut s, "5.2", &p.given_name);
    put(&mut s, "5.5", &p.title);
    put(&mut s, "5.7", "L");
    put(&mut s, "7", &p.date_of_birth.hl7_date());
    put(&mut s, "8", p.sex.code());
    put(&mut s, "11.1", &p.address.street);
    put(&mut s, "11.3", &p.address.town);
    put(&mut s, "11.5", &p.address.postcode);
    put(&mut s, "11.6", &p.address.country);
    put(&mut s, "11.7", "H");
    put(&mut s, "13(1).1", &p.home_phone);
    put(&mut s, "13(1).2", "PRN");
    put(&mut s, "13(1).3", "PH");
    put(&mut s, "13(2).1", &p.mobile_phone);
    put(&mut s, "13(2).2", "ORN");
    put(&mut s, "13(2).3", "CP");
    s
}

fn pd1(p: &Patient) -> SegmentBuilder {
    let mut s = segment("PD1");
    put(&mut s, "3.1", &p.practice_name);
    put(&mut s, "3.10", &p.practice_code);
    put_xcn(&mut s, "4", &p.gp);
    s
}

/// The visit, as PV1 describes it.
struct Visit {
    class: &'static str,
    location: String,
    prior_location: Option<String>,
    attending: Clinician,
    service: &'static str,
    number: String,
    admitted: DateTime,
    discharged: Option<DateTime>,
}

fn pv1(v: &Visit, trust: &Trust) -> SegmentBuilder {
    let mut s = segment("PV1");
    put(&mut s, "1", "1");
    put(&mut s, "2", v.class);
    if v.class != "N" {
        put(&mut s, "3.1", &v.location);
        put(&mut s, "3.4", trust.facility);
        if let Some(prior) = &v.prior_location {
            put(&mut s, "6.1", prior);
            put(&mut s, "6.4", trust.facility);
        }
        put_xcn(&mut s, "7", &v.attending);
        put(&mut s, "10", v.service);
        put(&mut s, "19.1", &v.number);
        put(&mut s, "19.4", trust.facility);
        put(&mut s, "19.5", "VN");
        put(&mut s, "44", &v.admitted.hl7());
        if let Some(d) = v.discharged {
            put(&mut s, "45", &d.hl7());
        }
    }
    s
}

/// An inpatient location: ward, bay and bed.
fn ward_location(rng: &mut Rng) -> String {
    (*rng.pick(WARDS)).to_owned()
}

fn visit(rng: &mut Rng, class: &'static str, admitted: DateTime) -> Visit {
    let location = match class {
        "I" => ward_location(rng),
        "E" => "ED".to_owned(),
        _ => (*rng.pick(&["OPD", "RADOP", "FRACT"])).to_owned(),
    };
    let (service, _) = *rng.pick(SERVICES);
    Visit {
        class,
        location,
        prior_location: None,
        attending: consultant(rng),
        service,
        number: format!("V{}", rng.digits(9)),
        admitted,
        discharged: None,
    }
}

/// Seconds in `lo..=hi` as a negative offset (into the past).
fn before(rng: &mut Rng, time: DateTime, lo: u64, hi: u64) -> DateTime {
    time.plus_seconds(-i64::try_from(rng.range(lo, hi)).unwrap_or(0))
}

const HOUR: u64 = 3600;
const DAY: u64 = 86_400;

fn adt(rng: &mut Rng, event: Event, p: &Patient, time: DateTime, control: &str) -> Message {
    let trust = p.trust();
    let (_, trigger, _) = event.msh9();
    let mut b = msh(event, trust, time, control);
    let class = match event {
        Event::AdtA04 => *rng.pick(&["O", "E"]),
        Event::AdtA08 => *rng.pick(&["I", "O", "E"]),
        Event::AdtA40 => "N",
        _ => "I",
    };
    let admitted = match event {
        Event::AdtA01 | Event::AdtA04 => before(rng, time, 0, HOUR / 2),
        Event::AdtA11 => before(rng, time, HOUR, 12 * HOUR),
        _ => before(rng, time, HOUR, 10 * DAY),
    };
    let mut v = visit(rng, class, admitted);
    let occurred = match event {
        Event::AdtA01 | Event::AdtA04 => admitted,
        _ => before(rng, time, 0, HOUR / 2),
    };
    if event == Event::AdtA02 {
        let mut to = ward_location(rng);
        while to == v.location {
            to = ward_location(rng);
        }
        v.prior_location = Some(std::mem::replace(&mut v.location, to));
    }
    if event == Event::AdtA03 {
        v.discharged = Some(occurred);
    }
    b.push(evn(trigger, time, occurred));
    b.push(pid(p));
    b.push(pd1(p));
    if event == Event::AdtA40 {
        let mut mrg = segment("MRG");
        let old = hospital_number(rng, trust);
        put(&mut mrg, "1.1", &old);
        put(&mut mrg, "1.4", trust.facility);
        put(&mut mrg, "1.5", "MR");
        b.push(mrg);
    }
    b.push(pv1(&v, trust));
    b.build()
}

fn orc(o: &Order, control: &str, status: &str) -> SegmentBuilder {
    let mut s = segment("ORC");
    put(&mut s, "1", control);
    put(&mut s, "2.1", &o.placer_order_number);
    put(&mut s, "2.2", "OCS");
    put(&mut s, "3.1", &o.filler_order_number);
    put(&mut s, "3.2", "RIS");
    put(&mut s, "5", status);
    put(&mut s, "9", &o.ordered_at.hl7());
    put_xcn(&mut s, "12", &o.ordering_clinician);
    s
}

fn obr(o: &Order) -> SegmentBuilder {
    let mut s = segment("OBR");
    put(&mut s, "1", "1");
    put(&mut s, "2.1", &o.placer_order_number);
    put(&mut s, "2.2", "OCS");
    put(&mut s, "3.1", &o.filler_order_number);
    put(&mut s, "3.2", "RIS");
    put_ce(
        &mut s,
        "4",
        &o.procedure_code,
        &o.procedure_description,
        &o.coding_system,
    );
    put(&mut s, "13", &o.clinical_indication);
    put_xcn(&mut s, "16", &o.ordering_clinician);
    put(&mut s, "18", &o.accession_number);
    put(&mut s, "19", &o.requested_procedure_id);
    put(&mut s, "20", &o.scheduled_procedure_step_id);
    put(&mut s, "24", "RAD");
    s
}

fn order_visit(rng: &mut Rng, time: DateTime) -> Visit {
    let class = *rng.pick(&["O", "O", "I", "E"]);
    let admitted = before(rng, time, HOUR, 5 * DAY);
    visit(rng, class, admitted)
}

fn orm(rng: &mut Rng, p: &Patient, o: &Order, time: DateTime, control: &str) -> Message {
    let trust = p.trust();
    let mut b = msh(Event::OrmO01, trust, time, control);
    b.push(pid(p));
    let v = order_visit(rng, o.ordered_at);
    b.push(pv1(&v, trust));
    b.push(orc(o, "NW", "SC"));
    let mut r = obr(o);
    put(&mut r, "27.4", &o.scheduled_at.hl7());
    put(&mut r, "27.6", o.priority.code());
    put(&mut r, "36", &o.scheduled_at.hl7());
    put_ce(
        &mut r,
        "44",
        &o.procedure_code,
        &o.procedure_description,
        &o.coding_system,
    );
    b.push(r);
    b.build()
}

fn modality_name(modality: &str) -> &'static str {
    match modality {
        "CT" => "Computed Tomography",
        "MR" => "Magnetic Resonance",
        "CR" => "Computed Radiography",
        "DX" => "Digital Radiography",
        "US" => "Ultrasound",
        "MG" => "Mammography",
        "NM" => "Nuclear Medicine",
        _ => "Other",
    }
}

fn omi(rng: &mut Rng, p: &Patient, o: &Order, time: DateTime, control: &str) -> Message {
    let trust = p.trust();
    let mut b = msh(Event::OmiO23, trust, time, control);
    b.push(pid(p));
    let v = order_visit(rng, o.ordered_at);
    b.push(pv1(&v, trust));
    b.push(orc(o, "NW", "SC"));
    let mut tq1 = segment("TQ1");
    put(&mut tq1, "1", "1");
    put(&mut tq1, "7", &o.scheduled_at.hl7());
    let end = o
        .scheduled_at
        .plus_seconds(i64::from(o.duration_minutes) * 60);
    put(&mut tq1, "8", &end.hl7());
    put_ce(
        &mut tq1,
        "9",
        o.priority.code(),
        o.priority.text(),
        "HL70485",
    );
    b.push(tq1);
    let mut r = obr(o);
    put(&mut r, "36", &o.scheduled_at.hl7());
    put_ce(
        &mut r,
        "44",
        &o.procedure_code,
        &o.procedure_description,
        &o.coding_system,
    );
    b.push(r);
    let mut ipc = segment("IPC");
    put(&mut ipc, "1.1", &o.accession_number);
    put(&mut ipc, "1.2", trust.facility);
    put(&mut ipc, "2.1", &o.requested_procedure_id);
    put(&mut ipc, "3.1", &o.study_instance_uid);
    put(&mut ipc, "4.1", &o.scheduled_procedure_step_id);
    put_ce(
        &mut ipc,
        "5",
        &o.modality,
        modality_name(&o.modality),
        "DCM",
    );
    put(&mut ipc, "7.1", &o.scheduled_station_name);
    put(&mut ipc, "8.1", &o.room);
    put(&mut ipc, "9", &o.scheduled_station_ae);
    b.push(ipc);
    b.build()
}

/// The lines of a plausible, generic radiology report.
fn report_lines(rng: &mut Rng, o: &Order, radiologist: &Clinician, final_: bool) -> Vec<String> {
    let mut lines = vec![
        o.procedure_description.clone(),
        format!("Clinical details: {}", o.clinical_indication),
        format!("Technique: {}", o.technique),
        format!("Findings: {}", rng.pick(FINDINGS)),
    ];
    if rng.chance(500) {
        let more = rng.pick(FINDINGS);
        if !lines.iter().any(|l| l.ends_with(more)) {
            lines.push((*more).to_owned());
        }
    }
    lines.push(format!("Conclusion: {}", rng.pick(CONCLUSIONS)));
    let name = format!(
        "{} {} {}",
        radiologist.title, radiologist.given_name, radiologist.family_name
    );
    lines.push(if final_ {
        format!("Reported by {name}, Consultant Radiologist.")
    } else {
        format!("Provisional report by {name}, Consultant Radiologist, subject to verification.")
    });
    lines.push("Synthetic training data: not a real patient.".to_owned());
    lines
}

fn oru(rng: &mut Rng, p: &Patient, o: &Order, time: DateTime, control: &str) -> Message {
    let trust = p.trust();
    let mut b = msh(Event::OruR01, trust, time, control);
    b.push(pid(p));
    let v = order_visit(rng, o.ordered_at);
    b.push(pv1(&v, trust));
    b.push(orc(o, "RE", "CM"));
    let final_ = rng.chance(800);
    let status = if final_ { "F" } else { "P" };
    let kind = if rng.chance(500) { "TX" } else { "FT" };
    let radiologist = consultant(rng);
    let examined = o
        .scheduled_at
        .plus_seconds(i64::try_from(rng.range(0, 1800)).unwrap_or(0));
    let mut r = obr(o);
    put(&mut r, "7", &examined.hl7());
    put(&mut r, "22", &time.hl7());
    put(&mut r, "25", status);
    put(&mut r, "32.1.1", &radiologist.code);
    put(&mut r, "32.1.2", &radiologist.family_name);
    put(&mut r, "32.1.3", &radiologist.given_name);
    b.push(r);
    for (i, line) in report_lines(rng, o, &radiologist, final_)
        .iter()
        .enumerate()
    {
        let mut x = segment("OBX");
        put(&mut x, "1", &(i + 1).to_string());
        put(&mut x, "2", kind);
        put_ce(
            &mut x,
            "3",
            &o.procedure_code,
            &o.procedure_description,
            &o.coding_system,
        );
        put(&mut x, "5", line);
        put(&mut x, "11", status);
        put(&mut x, "14", &examined.hl7());
        put_xcn(&mut x, "16", &radiologist);
        b.push(x);
    }
    b.build()
}

fn siu(rng: &mut Rng, p: &Patient, o: &Order, time: DateTime, control: &str) -> Message {
    let trust = p.trust();
    let mut b = msh(Event::SiuS12, trust, time, control);
    let minutes = o.duration_minutes.to_string();
    let start = o.scheduled_at.hl7();
    let end = o
        .scheduled_at
        .plus_seconds(i64::from(o.duration_minutes) * 60)
        .hl7();
    let clerk = Clinician {
        code: format!("B{}", rng.digits(6)),
        family_name: "Bookings".to_owned(),
        given_name: "Radiology".to_owned(),
        title: String::new(),
    };
    let mut sch = segment("SCH");
    put(&mut sch, "1.1", &format!("PA{}", rng.digits(8)));
    put(&mut sch, "1.2", "OCS");
    put(&mut sch, "2.1", &format!("FA{}", rng.digits(8)));
    put(&mut sch, "2.2", "RIS");
    put_ce(&mut sch, "6", "BOOK", "New booking", &o.coding_system);
    put_ce(&mut sch, "7", "ROUTINE", "Routine appointment", "HL70276");
    put_ce(
        &mut sch,
        "8",
        "NORMAL",
        "Routine schedule request",
        "HL70277",
    );
    put(&mut sch, "9", &minutes);
    put(&mut sch, "10.1", "min");
    put(&mut sch, "11.3", &format!("M{minutes}"));
    put(&mut sch, "11.4", &start);
    put(&mut sch, "11.5", &end);
    put_xcn(&mut sch, "16", &clerk);
    put_xcn(&mut sch, "20", &clerk);
    put_ce(&mut sch, "25", "Booked", "Booked", "HL70278");
    put(&mut sch, "26.1", &o.placer_order_number);
    put(&mut sch, "26.2", "OCS");
    put(&mut sch, "27.1", &o.filler_order_number);
    put(&mut sch, "27.2", "RIS");
    b.push(sch);
    b.push(pid(p));
    let v = order_visit(rng, o.ordered_at);
    b.push(pv1(&v, trust));
    let mut rgs = segment("RGS");
    put(&mut rgs, "1", "1");
    put(&mut rgs, "2", "A");
    b.push(rgs);
    let mut ais = segment("AIS");
    put(&mut ais, "1", "1");
    put(&mut ais, "2", "A");
    put_ce(
        &mut ais,
        "3",
        &o.procedure_code,
        &o.procedure_description,
        &o.coding_system,
    );
    put(&mut ais, "4", &start);
    put(&mut ais, "7", &minutes);
    put(&mut ais, "8.1", "min");
    b.push(ais);
    let mut ail = segment("AIL");
    put(&mut ail, "1", "1");
    put(&mut ail, "2", "A");
    put(&mut ail, "3.1", &o.room);
    put(&mut ail, "3.4", trust.facility);
    put_ce(
        &mut ail,
        "4",
        &o.modality,
        modality_name(&o.modality),
        "DCM",
    );
    put(&mut ail, "6", &start);
    put(&mut ail, "9", &minutes);
    put(&mut ail, "10.1", "min");
    b.push(ail);
    let radiologist = consultant(rng);
    let mut aip = segment("AIP");
    put(&mut aip, "1", "1");
    put(&mut aip, "2", "A");
    put_xcn(&mut aip, "3", &radiologist);
    put_ce(&mut aip, "4", "RAD", "Radiologist", &o.coding_system);
    put(&mut aip, "6", &start);
    put(&mut aip, "9", &minutes);
    put(&mut aip, "10.1", "min");
    b.push(aip);
    b.build()
}

/// (code, text, segment, field) for errors in an AE or AR acknowledgment.
const AE_ERRORS: &[(&str, &str, &str, &str)] = &[
    ("101", "Required field missing", "PID", "3"),
    ("102", "Data type error", "PID", "7"),
    ("103", "Table value not found", "PV1", "2"),
    ("204", "Unknown key identifier", "PID", "3"),
];
const AR_ERRORS: &[(&str, &str, &str, &str)] = &[
    ("200", "Unsupported message type", "MSH", "9"),
    ("201", "Unsupported event code", "MSH", "9"),
    ("202", "Unsupported processing id", "MSH", "11"),
    ("203", "Unsupported version id", "MSH", "12"),
    ("207", "Application internal error", "", ""),
];

fn ack(rng: &mut Rng, code: AckCode, p: &Patient, time: DateTime, control: &str) -> Message {
    let trust = p.trust();
    let mut b = msh(Event::Ack(code), trust, time, control);
    let original = control_id(rng);
    let mut msa = segment("MSA");
    put(&mut msa, "1", code.code());
    put(&mut msa, "2", &original);
    b.push(msa);
    let errors = match code {
        AckCode::AA => None,
        AckCode::AE => Some(AE_ERRORS),
        AckCode::AR => Some(AR_ERRORS),
    };
    if let Some(errors) = errors {
        let (num, text, seg, field) = *rng.pick(errors);
        let mut err = segment("ERR");
        put(&mut err, "2.1", seg);
        if !seg.is_empty() {
            put(&mut err, "2.2", "1");
        }
        put(&mut err, "2.3", field);
        put_ce(&mut err, "3", num, text, "HL70357");
        put(&mut err, "4", "E");
        b.push(err);
    }
    b.build()
}

/// One message for `event` from a freshly seeded rng.
pub(crate) fn build(event: Event, rng: &mut Rng, base: DateTime) -> Built {
    let patient = patient(rng);
    let time = base.plus_seconds(i64::try_from(rng.below(8 * HOUR)).unwrap_or(0));
    let control = control_id(rng);
    let trust = patient.trust();
    let order = if event.has_order() {
        let ordered_at = match event {
            Event::OrmO01 => before(rng, time, 0, 600),
            Event::OruR01 => before(rng, time, 15 * DAY, 16 * DAY),
            _ => before(rng, time, 60, HOUR),
        };
        Some(order(rng, trust, ordered_at))
    } else {
        None
    };
    let message = match (event, &order) {
        (Event::OrmO01, Some(o)) => orm(rng, &patient, o, time, &control),
        (Event::OmiO23, Some(o)) => omi(rng, &patient, o, time, &control),
        (Event::OruR01, Some(o)) => oru(rng, &patient, o, time, &control),
        (Event::SiuS12, Some(o)) => siu(rng, &patient, o, time, &control),
        (Event::Ack(code), _) => ack(rng, code, &patient, time, &control),
        _ => adt(rng, event, &patient, time, &control),
    };
    Built {
        message,
        patient,
        order,
    }
}
