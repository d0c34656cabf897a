//! Civil (proleptic Gregorian) dates as days since 1970-01-01, both ways.
//!
//! The one date algorithm of the crate: the generator's timestamps
//! (`synth::DateTime`), exam dates (`exam::Date`) and report dates
//! (`reports::utc_date`) all count days with it. Pure integer arithmetic:
//! no clock, no time zone, no I/O; compiles for wasm32.

/// Days from 1970-01-01 to the given civil date (H. Hinnant's algorithm).
pub fn days_from_civil(year: i32, month: u8, day: u8) -> i64 {
    let m = i64::from(month);
    let y = i64::from(year) - i64::from(m <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date `days` after 1970-01-01.
pub fn civil_from_days(days: i64) -> (i32, u8, u8) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_leap_days_and_eras() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
        // 2000 is a leap year (divisible by 400), 1900 is not.
        assert_eq!(
            days_from_civil(2000, 3, 1) - days_from_civil(2000, 2, 28),
            2
        );
        assert_eq!(
            days_from_civil(1900, 3, 1) - days_from_civil(1900, 2, 28),
            1
        );
        // 2026-12-02 is 20,789 days after the epoch (date -d @1796169600).
        assert_eq!(days_from_civil(2026, 12, 2), 20_789);
    }

    #[test]
    fn round_trips_every_day_over_four_centuries() {
        let start = days_from_civil(1800, 1, 1);
        let mut expected = (1800, 1, 1);
        for days in start..start + 146_097 {
            let date = civil_from_days(days);
            assert_eq!(date, expected, "day {days}");
            assert_eq!(days_from_civil(date.0, date.1, date.2), days);
            expected = next_day(expected);
        }
    }

    /// The day after `(y, m, d)`, counted the slow way as an oracle.
    fn next_day((y, m, d): (i32, u8, u8)) -> (i32, u8, u8) {
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        let len = match m {
            2 if leap => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        };
        match (d < len, m < 12) {
            (true, _) => (y, m, d + 1),
            (false, true) => (y, m + 1, 1),
            (false, false) => (y + 1, 1, 1),
        }
    }
}
