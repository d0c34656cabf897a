//! A tiny calendar date and time: no clock, no time zone (local UK time as
//! the caller gives it), proleptic Gregorian calendar.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::calendar::{civil_from_days, days_from_civil};

/// A date and time to the second. The generator never reads a clock: the
/// caller passes the base time and messages are offset from it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct DateTime {
    pub year: i32,
    pub month: u8,
    pub day: u8,
    pub hour: u8,
    pub minute: u8,
    pub second: u8,
}

impl DateTime {
    /// A checked date and time; `None` if any part is out of range.
    pub fn new(year: i32, month: u8, day: u8, hour: u8, minute: u8, second: u8) -> Option<Self> {
        let dt = DateTime {
            year,
            month,
            day,
            hour,
            minute,
            second,
        };
        let valid = (1..=12).contains(&month)
            && day >= 1
            && (1..=9999).contains(&year)
            && hour < 24
            && minute < 60
            && second < 60
            && civil_from_days(days_from_civil(year, month, day)) == (year, month, day);
        valid.then_some(dt)
    }

    /// Midnight at the start of a date.
    pub fn date(year: i32, month: u8, day: u8) -> Option<Self> {
        Self::new(year, month, day, 0, 0, 0)
    }

    /// Seconds since 1970-01-01T00:00:00 (out-of-range parts roll over).
    pub fn to_unix(&self) -> i64 {
        days_from_civil(self.year, self.month, self.day) * 86_400
            + i64::from(self.hour) * 3600
            + i64::from(self.minute) * 60
            + i64::from(self.second)
    }

    /// The date and time `secs` seconds since 1970-01-01T00:00:00.
    pub fn from_unix(secs: i64) -> Self {
        let days = secs.div_euclid(86_400);
        let rem = secs.rem_euclid(86_400);
        let (year, month, day) = civil_from_days(days);
        DateTime {
            year,
            month,
            day,
            hour: (rem / 3600) as u8,
            minute: (rem % 3600 / 60) as u8,
            second: (rem % 60) as u8,
        }
    }

    /// This time moved by `secs` seconds (negative moves back).
    pub fn plus_seconds(&self, secs: i64) -> Self {
        Self::from_unix(self.to_unix().saturating_add(secs))
    }

    /// HL7 DTM to the second: `YYYYMMDDHHMMSS`.
    pub fn hl7(&self) -> String {
        format!(
            "{}{:02}{:02}{:02}",
            self.hl7_date(),
            self.hour,
            self.minute,
            self.second
        )
    }

    /// HL7 date: `YYYYMMDD`.
    pub fn hl7_date(&self) -> String {
        format!("{:04}{:02}{:02}", self.year, self.month, self.day)
    }

    /// HL7 DTM to the minute: `YYYYMMDDHHMM`.
    pub fn hl7_minutes(&self) -> String {
        format!("{}{:02}{:02}", self.hl7_date(), self.hour, self.minute)
    }

    /// DICOM DA: `YYYYMMDD` (same as [`hl7_date`](Self::hl7_date)).
    pub fn dicom_date(&self) -> String {
        self.hl7_date()
    }

    /// DICOM TM: `HHMMSS`.
    pub fn dicom_time(&self) -> String {
        format!("{:02}{:02}{:02}", self.hour, self.minute, self.second)
    }
}

impl fmt::Display for DateTime {
    /// ISO 8601 without zone: `2025-03-14T09:30:00`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_moves() {
        let t = DateTime::new(2024, 2, 28, 23, 59, 30).expect("valid");
        assert_eq!(t.hl7(), "20240228235930");
        assert_eq!(t.plus_seconds(31).hl7(), "20240229000001");
        assert_eq!(t.plus_seconds(86_400 + 31).hl7(), "20240301000001");
        assert_eq!(t.plus_seconds(-86_400 * 366).hl7_date(), "20230227");
        assert_eq!(t.to_string(), "2024-02-28T23:59:30");
        assert_eq!(DateTime::from_unix(0).hl7(), "19700101000000");
        assert_eq!(DateTime::date(2023, 2, 29), None);
        assert_eq!(DateTime::new(2023, 1, 1, 24, 0, 0), None);
        assert_eq!(DateTime::from_unix(t.to_unix()), t);
    }
}
