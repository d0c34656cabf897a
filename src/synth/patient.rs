//! Synthetic UK patients.
//!
//! Identifiers and contact details come from ranges set aside for tests and
//! fiction, so no generated patient can collide with a real one:
//!
//! - NHS number: `999` + 6 random digits + the modulus-11 check digit (the
//!   999 range is never issued; prefixes whose check would be 10 are drawn
//!   again).
//! - Hospital number: the trust's letters + 7 digits, e.g. `NG1234567`.
//! - Postcode: `ZZ99` + a digit and two letters, e.g. `ZZ99 3AB`, the NHS
//!   pseudo-postcode style that no real address has.
//! - Phones: Ofcom drama numbers, `01632 960000`–`960999` and
//!   `07700 900000`–`900999`.
//! - GP: `G` + 7 digits. GP practice: `ZZ9` + 3 digits (ODS practice codes
//!   are a letter and five digits; `ZZ9` mirrors the pseudo-postcodes and is
//!   not an ODS prefix). Consultants: `C` + 7 digits.
//! - Names, streets and towns come from the built-in lists in `data`; towns
//!   and streets are invented.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::data::{
    Trust, FAMILY_NAMES, FEMALE_GIVEN_NAMES, FEMALE_TITLES, MALE_GIVEN_NAMES, MALE_TITLES,
    OTHER_TITLES, STREETS, TOWNS, TRUSTS,
};
use super::datetime::DateTime;
use super::nhs::nhs_check_digit;
use crate::calendar::{civil_from_days, days_from_civil};
use crate::rng::Rng;

/// Administrative sex (HL7 table 0001 subset).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Sex {
    M,
    F,
    U,
}

impl Sex {
    /// The HL7 administrative sex code (table 0001). DICOM Patient's Sex
    /// (0010,0040) allows only M, F and O, so the DICOM generator writes `U`
    /// (unknown) as an empty value.
    pub fn code(self) -> &'static str {
        match self {
            Sex::M => "M",
            Sex::F => "F",
            Sex::U => "U",
        }
    }
}

impl fmt::Display for Sex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A postal address.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    pub street: String,
    pub town: String,
    pub postcode: String,
    /// ISO 3166 alpha-3, always `GBR`.
    pub country: String,
}

/// A doctor: GP (`G` code) or consultant (`C` code).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clinician {
    pub code: String,
    pub family_name: String,
    pub given_name: String,
    pub title: String,
}

impl Clinician {
    /// DICOM PN form: `Family^Given^^Title`.
    pub fn dicom_name(&self) -> String {
        format!("{}^{}^^{}", self.family_name, self.given_name, self.title)
    }
}

/// A synthetic patient registered at one trust.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Patient {
    /// The trust's facility code (see [`Patient::trust`]).
    pub trust_facility: String,
    /// 10 digits, no spaces, from the 999 test range.
    pub nhs_number: String,
    /// Trust prefix + 7 digits.
    pub hospital_number: String,
    pub family_name: String,
    pub given_name: String,
    /// May be empty (children).
    pub title: String,
    pub sex: Sex,
    /// Midnight on the date of birth.
    pub date_of_birth: DateTime,
    pub address: Address,
    pub home_phone: String,
    pub mobile_phone: String,
    pub gp: Clinician,
    pub practice_code: String,
    pub practice_name: String,
}

impl Patient {
    /// The patient's trust.
    pub fn trust(&self) -> &'static Trust {
        trust_by_facility(&self.trust_facility).unwrap_or(&TRUSTS[0])
    }

    /// DICOM PN form: `Family^Given^^Title`.
    pub fn dicom_name(&self) -> String {
        format!("{}^{}^^{}", self.family_name, self.given_name, self.title)
    }
}

/// The built-in trust with this facility code.
pub fn trust_by_facility(facility: &str) -> Option<&'static Trust> {
    TRUSTS.iter().find(|t| t.facility == facility)
}

/// A random NHS number in the 999 test range with a valid check digit.
pub fn nhs_number(rng: &mut Rng) -> String {
    loop {
        let first9 = format!("999{}", rng.digits(6));
        if let Some(check) = nhs_check_digit(&first9) {
            return format!("{first9}{check}");
        }
    }
}

/// A hospital number for `trust`: its prefix and 7 digits.
pub fn hospital_number(rng: &mut Rng, trust: &Trust) -> String {
    format!("{}{}", trust.hospital_number_prefix, rng.digits(7))
}

/// A consultant with a `C` + 7 digit code.
pub fn consultant(rng: &mut Rng) -> Clinician {
    clinician(rng, 'C')
}

fn clinician(rng: &mut Rng, letter: char) -> Clinician {
    let code = format!("{letter}{}", rng.digits(7));
    let family_name = (*rng.pick(FAMILY_NAMES)).to_owned();
    let given = if rng.chance(500) {
        FEMALE_GIVEN_NAMES
    } else {
        MALE_GIVEN_NAMES
    };
    Clinician {
        code,
        family_name,
        given_name: (*rng.pick(given)).to_owned(),
        title: "Dr".to_owned(),
    }
}

fn letter(rng: &mut Rng) -> char {
    // Inward codes never use C, I, K, M, O or V.
    const LETTERS: &[u8] = b"ABDEFGHJLNPQRSTUWXYZ";
    char::from(*rng.pick(LETTERS))
}

/// A `ZZ99` pseudo-postcode, e.g. `ZZ99 3AB`.
pub fn pseudo_postcode(rng: &mut Rng) -> String {
    format!("ZZ99 {}{}{}", rng.below(10), letter(rng), letter(rng))
}

/// A patient at a random built-in trust.
pub fn patient(rng: &mut Rng) -> Patient {
    let trust = rng.pick(TRUSTS);
    patient_at(rng, trust)
}

/// A patient registered at `trust`.
pub fn patient_at(rng: &mut Rng, trust: &Trust) -> Patient {
    let nhs_number = nhs_number(rng);
    let hospital_number = hospital_number(rng, trust);
    let sex = match rng.below(1000) {
        0..=494 => Sex::F,
        495..=989 => Sex::M,
        _ => Sex::U,
    };
    let (given_list, titles) = match sex {
        Sex::F => (FEMALE_GIVEN_NAMES, FEMALE_TITLES),
        Sex::M => (MALE_GIVEN_NAMES, MALE_TITLES),
        Sex::U => {
            let list = if rng.chance(500) {
                FEMALE_GIVEN_NAMES
            } else {
                MALE_GIVEN_NAMES
            };
            (list, OTHER_TITLES)
        }
    };
    let family_name = (*rng.pick(FAMILY_NAMES)).to_owned();
    let given_name = (*rng.pick(given_list)).to_owned();
    let first = days_from_civil(1930, 1, 1);
    let last = days_from_civil(2020, 12, 31);
    let span = u64::try_from(last - first).unwrap_or(0);
    let (year, month, day) =
        civil_from_days(first + i64::try_from(rng.below(span + 1)).unwrap_or(0));
    let date_of_birth = DateTime {
        year,
        month,
        day,
        hour: 0,
        minute: 0,
        second: 0,
    };
    // Children have no title; "Miss" is kept for the young, "Dr" for adults.
    let title = if year >= 2008 {
        String::new()
    } else {
        let mut t = *rng.pick(titles);
        if (t == "Dr" && year >= 1999) || (t == "Miss" && year < 1960) {
            t = titles[0];
        }
        t.to_owned()
    };
    let street = format!("{} {}", rng.range(1, 180), rng.pick(STREETS));
    let town = (*rng.pick(TOWNS)).to_owned();
    let postcode = pseudo_postcode(rng);
    let home_phone = format!("01632 960{}", rng.digits(3));
    let mobile_phone = format!("07700 900{}", rng.digits(3));
    let gp = clinician(rng, 'G');
    let practice_code = format!("ZZ9{}", rng.digits(3));
    let practice_name = format!("{} {}", rng.pick(TOWNS), rng.pick(PRACTICE_KINDS));
    Patient {
        trust_facility: trust.facility.to_owned(),
        nhs_number,
        hospital_number,
        family_name,
        given_name,
        title,
        sex,
        date_of_birth,
        address: Address {
            street,
            town,
            postcode,
            country: "GBR".to_owned(),
        },
        home_phone,
        mobile_phone,
        gp,
        practice_code,
        practice_name,
    }
}

const PRACTICE_KINDS: &[&str] = &[
    "Medical Practice",
    "Surgery",
    "Health Centre",
    "Family Practice",
];
