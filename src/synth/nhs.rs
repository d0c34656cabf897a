//! NHS numbers: ten digits, the last a modulus-11 check digit.

/// The check digit for the first nine digits of an NHS number: weights 10
/// down to 2, `11 - sum % 11`, where 11 becomes 0. `None` if `first9` is not
/// nine ASCII digits, or if the check would be 10 (no valid number starts
/// with those nine digits).
pub fn nhs_check_digit(first9: &str) -> Option<u8> {
    let bytes = first9.as_bytes();
    if bytes.len() != 9 || !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let sum: u32 = bytes
        .iter()
        .zip((2..=10u32).rev())
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    match 11 - sum % 11 {
        11 => Some(0),
        10 => None,
        c => u8::try_from(c).ok(),
    }
}

/// Whether `number` is ten ASCII digits (no spaces) with a correct check
/// digit.
pub fn is_valid_nhs_number(number: &str) -> bool {
    let bytes = number.as_bytes();
    bytes.len() == 10
        && bytes[9].is_ascii_digit()
        && number
            .get(..9)
            .and_then(nhs_check_digit)
            .is_some_and(|c| c == bytes[9] - b'0')
}

/// Formats an NHS number for people: `999 000 0018`.
pub fn format_nhs_number(number: &str) -> String {
    match (number.get(..3), number.get(3..6), number.get(6..)) {
        (Some(a), Some(b), Some(c)) if number.len() == 10 => format!("{a} {b} {c}"),
        _ => number.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_numbers() {
        assert_eq!(nhs_check_digit("943476591"), Some(9));
        assert!(is_valid_nhs_number("9434765919"));
        assert_eq!(nhs_check_digit("999000001"), Some(8));
        assert!(is_valid_nhs_number("9990000018"));
        assert!(!is_valid_nhs_number("9434765918"));
        assert!(!is_valid_nhs_number("943476591"));
        assert!(!is_valid_nhs_number("943 476 5919"));
        assert!(!is_valid_nhs_number("94347659190"));
        assert!(!is_valid_nhs_number("943476591x"));
        assert_eq!(nhs_check_digit("12345678"), None);
        assert_eq!(nhs_check_digit("12345678a"), None);
        assert_eq!(format_nhs_number("9990000018"), "999 000 0018");
    }

    #[test]
    fn check_of_ten_means_no_valid_number() {
        // 999000002: sum = 9*10+9*9+9*8+2*2 = 247, 247 % 11 = 5, check 6.
        assert_eq!(nhs_check_digit("999000002"), Some(6));
        // Find a prefix whose check would be 10 and make sure it is refused.
        let ten = (0..1000)
            .map(|n| format!("999000{n:03}"))
            .find(|p| {
                let sum: u32 = p
                    .bytes()
                    .zip((2..=10u32).rev())
                    .map(|(b, w)| u32::from(b - b'0') * w)
                    .sum();
                sum % 11 == 1
            })
            .expect("some prefix has check 10");
        assert_eq!(nhs_check_digit(&ten), None);
        for d in 0..10 {
            assert!(!is_valid_nhs_number(&format!("{ten}{d}")));
        }
    }
}
