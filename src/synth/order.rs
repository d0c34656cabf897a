//! Radiology orders, shaped so that a DICOM generator can later make studies
//! that match the HL7 order (same accession, Study Instance UID, procedure,
//! modality, AE title and times).
//!
//! Study Instance UIDs use the `2.25` root (ITU-T X.667): `2.25.` followed
//! by the decimal value of a 128-bit random version-4 UUID drawn from the
//! seeded generator. At most 39 digits, so at most 44 characters, under
//! DICOM's 64.

use serde::{Deserialize, Serialize};

use super::data::{Procedure, Trust, INDICATIONS, PROCEDURES};
use super::datetime::DateTime;
use super::patient::{consultant, Clinician};
use crate::rng::Rng;

/// Order priority (HL7 table 0485 subset).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Priority {
    /// `R`
    Routine,
    /// `A`
    Asap,
    /// `S`
    Stat,
}

impl Priority {
    pub fn code(self) -> &'static str {
        match self {
            Priority::Routine => "R",
            Priority::Asap => "A",
            Priority::Stat => "S",
        }
    }

    pub fn text(self) -> &'static str {
        match self {
            Priority::Routine => "Routine",
            Priority::Asap => "ASAP",
            Priority::Stat => "Stat",
        }
    }
}

/// One requested imaging procedure and its scheduling.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Order {
    /// Facility code of the trust (MSH-4, HD namespaces).
    pub trust_facility: String,
    /// Accession number: trust facility code + 8 digits, e.g. `NGH12345678`
    /// (DICOM (0008,0050), at most 16 characters). Also the filler order
    /// number.
    pub accession_number: String,
    /// Placer order number from order communications: `OC` + 10 digits.
    pub placer_order_number: String,
    /// Filler (RIS) order number; equals the accession number, as in most
    /// NHS RIS set-ups.
    pub filler_order_number: String,
    /// Local procedure code, e.g. `CCHAP`.
    pub procedure_code: String,
    pub procedure_description: String,
    /// Local code system, e.g. `99NGH`.
    pub coding_system: String,
    /// DICOM modality, e.g. `CT`.
    pub modality: String,
    /// DICOM Body Part Examined.
    pub body_part: String,
    /// `2.25.<decimal UUID>`.
    pub study_instance_uid: String,
    /// DICOM Requested Procedure ID (0040,1001): `RP` + 8 digits.
    pub requested_procedure_id: String,
    /// DICOM Scheduled Procedure Step ID (0040,0009): `SPS` + 8 digits.
    pub scheduled_procedure_step_id: String,
    /// Scheduled Station AE Title (0040,0001), e.g. `NGH_CT2`.
    pub scheduled_station_ae: String,
    /// Scheduled station name (0040,0010), e.g. `NGHCT2`.
    pub scheduled_station_name: String,
    /// Room, e.g. `CT2`.
    pub room: String,
    pub priority: Priority,
    pub clinical_indication: String,
    pub ordering_clinician: Clinician,
    /// When the order was placed.
    pub ordered_at: DateTime,
    /// Scheduled start of the examination.
    pub scheduled_at: DateTime,
    /// Booked slot length in minutes.
    pub duration_minutes: u32,
    /// Technique text for the report.
    pub technique: String,
}

impl Order {
    /// The catalogue entry for this order's procedure code.
    pub fn procedure(&self) -> Option<&'static Procedure> {
        PROCEDURES.iter().find(|p| p.code == self.procedure_code)
    }
}

/// A `2.25.<decimal>` UID from a random version-4 UUID.
pub fn uuid_uid(rng: &mut Rng) -> String {
    let mut v = rng.next_u128();
    // Version 4 and RFC 4122 variant bits, so the value is a genuine UUID.
    v = (v & !(0xF_u128 << 76)) | (0x4_u128 << 76);
    v = (v & !(0x3_u128 << 62)) | (0x2_u128 << 62);
    format!("2.25.{v}")
}

/// A radiology order at `trust`, placed at `ordered_at` and scheduled later.
pub fn order(rng: &mut Rng, trust: &Trust, ordered_at: DateTime) -> Order {
    let procedure = rng.pick(PROCEDURES);
    order_for(rng, trust, procedure, ordered_at)
}

/// Like [`order`] for a given procedure.
pub fn order_for(
    rng: &mut Rng,
    trust: &Trust,
    procedure: &Procedure,
    ordered_at: DateTime,
) -> Order {
    let accession_number = format!("{}{}", trust.facility, rng.digits(8));
    let placer_order_number = format!("OC{}", rng.digits(10));
    let requested_procedure_id = format!("RP{}", rng.digits(8));
    let scheduled_procedure_step_id = format!("SPS{}", rng.digits(8));
    let study_instance_uid = uuid_uid(rng);
    let room = format!("{}{}", procedure.modality, rng.range(1, 3));
    let priority = match rng.below(10) {
        0 => Priority::Stat,
        1 | 2 => Priority::Asap,
        _ => Priority::Routine,
    };
    // Stat: 30 minutes to 2 hours after the order. Otherwise a slot from
    // 08:00 to 18:55 on one of the next 14 days. Always on a 5-minute mark.
    let scheduled_at = if priority == Priority::Stat {
        let later = i64::try_from(rng.range(6, 24)).unwrap_or(6) * 300;
        let start = ordered_at.plus_seconds(later);
        start.plus_seconds(-(start.to_unix().rem_euclid(300)))
    } else {
        let days = i64::try_from(rng.range(1, 14)).unwrap_or(1);
        let day = ordered_at.plus_seconds(days * 86_400);
        let slot = i64::try_from(rng.below(11 * 12)).unwrap_or(0);
        let midnight = day.to_unix() - day.to_unix().rem_euclid(86_400);
        DateTime::from_unix(midnight + 8 * 3600 + slot * 300)
    };
    Order {
        trust_facility: trust.facility.to_owned(),
        filler_order_number: accession_number.clone(),
        accession_number,
        placer_order_number,
        procedure_code: procedure.code.to_owned(),
        procedure_description: procedure.description.to_owned(),
        coding_system: trust.coding_system.to_owned(),
        modality: procedure.modality.to_owned(),
        body_part: procedure.body_part.to_owned(),
        study_instance_uid,
        requested_procedure_id,
        scheduled_procedure_step_id,
        scheduled_station_ae: format!("{}_{room}", trust.facility),
        scheduled_station_name: format!("{}{room}", trust.facility),
        room,
        priority,
        clinical_indication: (*rng.pick(INDICATIONS)).to_owned(),
        ordering_clinician: consultant(rng),
        ordered_at,
        scheduled_at,
        duration_minutes: procedure.minutes,
        technique: procedure.technique.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synth::data::TRUSTS;

    #[test]
    fn uids_are_valid_2_25() {
        let mut rng = Rng::seed_from_u64(3);
        for _ in 0..500 {
            let uid = uuid_uid(&mut rng);
            assert!(uid.len() <= 64, "{uid}");
            let tail = uid.strip_prefix("2.25.").expect("root");
            assert!(!tail.starts_with('0') && tail.bytes().all(|b| b.is_ascii_digit()));
            let v: u128 = tail.parse().expect("u128");
            assert_eq!((v >> 76) & 0xF, 4);
            assert_eq!((v >> 62) & 0x3, 2);
        }
    }

    #[test]
    fn orders_fit_dicom() {
        let mut rng = Rng::seed_from_u64(4);
        let at = DateTime::new(2025, 1, 6, 9, 0, 0).expect("valid");
        for _ in 0..200 {
            let o = order(&mut rng, &TRUSTS[0], at);
            assert!(o.accession_number.len() <= 16);
            assert!(o.scheduled_station_ae.len() <= 16);
            assert!(o.requested_procedure_id.len() <= 16);
            assert!(o.scheduled_procedure_step_id.len() <= 16);
            assert!(o.scheduled_at > o.ordered_at);
            assert_eq!(o.scheduled_at.minute % 5, 0);
            assert!(o.procedure().is_some());
        }
    }
}
