//! Seeded synthetic HL7 v2 messages for exercises and tests.
//!
//! [`generate`] makes one complete ER7 message for an [`Event`] from a
//! `u64` seed and a base [`DateTime`] the caller passes in: the same seed
//! and base always give byte-for-byte the same message, on every platform,
//! including wasm32 in the browser. Nothing here reads a clock, touches I/O
//! or asks the operating system for randomness.
//!
//! Randomness is [`rand_chacha::ChaCha8Rng`] seeded with
//! `SeedableRng::seed_from_u64(seed)`, read only through
//! `RngCore::next_u64`; the sampling helpers in [`Rng`] (`below` by
//! rejection, `pick`, `chance` per mille, ...) are our own, not `rand`'s
//! distributions, so output cannot change with a `rand` upgrade or with the
//! platform's `usize`. Changing the order of draws changes every message;
//! the snapshot tests pin two of them.
//!
//! All people, places and identifiers are synthetic and drawn from ranges
//! that cannot be real (see [`patient`](mod@patient)): NHS numbers `999…`,
//! `ZZ99` pseudo-postcodes, Ofcom drama phone numbers and fictional trusts.
//!
//! ```
//! use pacs_academy::synth::{generate, DateTime, Event};
//!
//! let base = DateTime::new(2025, 3, 14, 9, 0, 0).expect("valid date");
//! let g = generate(Event::OmiO23, 7, base);
//! assert!(g.er7.starts_with("MSH|^~\\&|RIS|"));
//! let order = g.order.expect("OMI carries an order");
//! assert!(g.er7.contains(&order.study_instance_uid));
//! ```

mod data;
mod datetime;
pub mod dicom;
mod event;
mod messages;
mod nhs;
mod order;
pub mod patient;

#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};

use crate::hl7::{Message, SegmentSeparator};

pub use crate::rng::{derive_seed, Rng};
pub use data::{Procedure, Trust, PROCEDURES, TRUSTS};
pub use datetime::DateTime;
pub use event::{AckCode, Event, UnknownEvent};
pub use nhs::{format_nhs_number, is_valid_nhs_number, nhs_check_digit};
pub use order::{order, order_for, uuid_uid, Order, Priority};
pub use patient::{
    consultant, patient, patient_at, trust_by_facility, Address, Clinician, Patient, Sex,
};

/// One generated message and what it was made from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Generated {
    /// The message, as if parsed from [`er7`](Self::er7).
    pub message: Message,
    /// The message in ER7 with CR segment separators (and a final CR).
    pub er7: String,
    /// The patient in the message (for an ACK, the patient of the message
    /// being acknowledged; the ACK itself has no PID).
    pub patient: Patient,
    /// The radiology order, for ORM, OMI, ORU and SIU.
    pub order: Option<Order>,
}

/// The message for `event` from `seed`. MSH-7 is `base` plus up to eight
/// hours; other times (admission, order, schedule) are offset from MSH-7.
pub fn generate(event: Event, seed: u64, base: DateTime) -> Generated {
    let mut rng = Rng::seed_from_u64(seed);
    let built = messages::build(event, &mut rng, base);
    Generated {
        er7: built.message.to_er7(SegmentSeparator::Cr),
        message: built.message,
        patient: built.patient,
        order: built.order,
    }
}

/// `count` messages for `event`; message `i` uses seed
/// [`derive_seed`]`(seed, i)` (message 0 uses `seed` itself, the others
/// SplitMix64 of both), so any one message can be made again alone with
/// [`generate`].
pub fn generate_many(event: Event, seed: u64, base: DateTime, count: usize) -> Vec<Generated> {
    (0..count as u64)
        .map(|i| generate(event, derive_seed(seed, i), base))
        .collect()
}
