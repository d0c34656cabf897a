//! Certificate verification codes such as `PA-7K3M-9QX2-H4TD`.
//!
//! Twelve Crockford base-32 characters (60 random bits) after a `PA`
//! prefix, in groups of four. Crockford's alphabet leaves out `I`, `L`, `O`
//! and `U`, so a code read aloud or copied by hand is hard to get wrong, and
//! the parser accepts the usual slips: lower case, missing or extra dashes
//! and spaces, `O` for zero and `I` or `L` for one. The code carries no
//! secret and no meaning; the caller draws the random bits (from the
//! operating system's generator) and stores the code with the certificate.

/// Crockford's base-32 digits, in value order.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const PREFIX: &str = "PA";
/// Characters after the prefix.
pub const CODE_CHARS: usize = 12;

/// Why a typed code is not a certificate code.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    #[error("enter the code printed on the certificate, such as PA-7K3M-9QX2-H4TD")]
    Empty,
    #[error("`{0}` cannot appear in a certificate code")]
    BadCharacter(char),
    #[error("a certificate code has 12 characters after PA, this one has {0}")]
    WrongLength(usize),
}

/// The code for 60 of `random`'s bits (the low ones), formatted
/// `PA-XXXX-XXXX-XXXX`.
pub fn certificate_code(random: u128) -> String {
    let mut value = (random & ((1u128 << 60) - 1)) as u64;
    let mut digits = [0u8; CODE_CHARS];
    for d in digits.iter_mut().rev() {
        *d = ALPHABET[(value & 31) as usize];
        value >>= 5;
    }
    let mut out = String::from(PREFIX);
    for group in digits.chunks(4) {
        out.push('-');
        out.extend(group.iter().map(|&b| char::from(b)));
    }
    out
}

fn digit_value(c: char) -> Option<u64> {
    let c = match c.to_ascii_uppercase() {
        'O' => '0',
        'I' | 'L' => '1',
        c => c,
    };
    ALPHABET
        .iter()
        .position(|&b| char::from(b) == c)
        .map(|p| p as u64)
}

/// The canonical form of a typed code (`PA-7K3M-9QX2-H4TD`), accepting
/// lower case, `O`/`0`, `I`/`L`/`1`, any dashes and spaces, and the `PA`
/// prefix left off.
pub fn normalise_certificate_code(typed: &str) -> Result<String, CodeError> {
    parse_certificate_code(typed).map(|v| certificate_code(u128::from(v)))
}

/// The 60-bit value of a typed code (see [`normalise_certificate_code`]).
pub fn parse_certificate_code(typed: &str) -> Result<u64, CodeError> {
    let chars: Vec<char> = typed
        .chars()
        .filter(|c| !matches!(c, '-' | ' ' | '\t' | '\u{2010}'..='\u{2015}'))
        .collect();
    if chars.is_empty() {
        return Err(CodeError::Empty);
    }
    // A bare twelve-character code may itself start with `PA`.
    let has_prefix = chars.len() != CODE_CHARS
        && chars.len() >= 2
        && chars[0].eq_ignore_ascii_case(&'P')
        && chars[1].eq_ignore_ascii_case(&'A');
    let body = if has_prefix { &chars[2..] } else { &chars[..] };
    let mut value = 0u64;
    for &c in body {
        let d = digit_value(c).ok_or(CodeError::BadCharacter(c))?;
        value = (value << 5) | d;
    }
    if body.len() != CODE_CHARS {
        return Err(CodeError::WrongLength(body.len()));
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    #[test]
    fn codes_have_the_documented_shape() {
        assert_eq!(certificate_code(0), "PA-0000-0000-0000");
        // 60 one-bits are twelve `Z`s; higher bits are ignored.
        assert_eq!(certificate_code(u128::MAX), "PA-ZZZZ-ZZZZ-ZZZZ");
        // 1, then 32 = "10" in base 32.
        assert_eq!(certificate_code(1), "PA-0000-0000-0001");
        assert_eq!(certificate_code(32), "PA-0000-0000-0010");
        let mut rng = Rng::seed_from_u64(3);
        for _ in 0..1000 {
            let code = certificate_code(rng.next_u128());
            assert_eq!(code.len(), 17);
            assert!(code.starts_with("PA-"));
            assert!(!code[3..].contains(['I', 'L', 'O', 'U']), "{code}");
        }
    }

    #[test]
    fn codes_round_trip() {
        let mut rng = Rng::seed_from_u64(4);
        for _ in 0..1000 {
            let r = rng.next_u128();
            let code = certificate_code(r);
            assert_eq!(
                parse_certificate_code(&code),
                Ok((r as u64) & ((1 << 60) - 1))
            );
            assert_eq!(
                normalise_certificate_code(&code).as_deref(),
                Ok(code.as_str())
            );
            assert_eq!(
                normalise_certificate_code(&code.to_lowercase()).as_deref(),
                Ok(code.as_str())
            );
        }
    }

    #[test]
    fn typed_slips_are_forgiven() {
        let want = Ok("PA-7K3M-9QX2-H4T0".to_string());
        assert_eq!(normalise_certificate_code("PA-7K3M-9QX2-H4T0"), want);
        assert_eq!(normalise_certificate_code("pa 7k3m 9qx2 h4to"), want);
        assert_eq!(normalise_certificate_code("7K3M9QX2H4TO"), want);
        assert_eq!(normalise_certificate_code(" PA7K3M-9QX2H4T0 "), want);
        assert_eq!(
            normalise_certificate_code("PA-1111-0000-0000"),
            normalise_certificate_code("pa-iLl1-oO0o-0000")
        );
    }

    #[test]
    fn bad_codes_say_why() {
        assert_eq!(parse_certificate_code(""), Err(CodeError::Empty));
        assert_eq!(parse_certificate_code(" - "), Err(CodeError::Empty));
        assert_eq!(
            parse_certificate_code("PA-7K3M-9QX2-H4TU"),
            Err(CodeError::BadCharacter('U'))
        );
        assert_eq!(
            parse_certificate_code("PA-7K3M-9QX2"),
            Err(CodeError::WrongLength(8))
        );
        assert_eq!(
            parse_certificate_code("PA-7K3M-9QX2-H4TD-X"),
            Err(CodeError::WrongLength(13))
        );
        assert_eq!(
            parse_certificate_code("PA-7K3M-9QX2-H4T!"),
            Err(CodeError::BadCharacter('!'))
        );
        assert_eq!(
            parse_certificate_code("PA-7K3M-9QX2-H4TÄ"),
            Err(CodeError::BadCharacter('Ä'))
        );
    }
}
