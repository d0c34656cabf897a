//! The bytes of a message to text, honouring MSH-18 (Character Set, HL7
//! table 0211).
//!
//! Contract: [`decode_message`] never fails. It reads MSH-18 from the raw
//! bytes (the first repetition and component of the 18th field of the first
//! `MSH` line), decodes the whole input in that set, and adds a warning,
//! naming the byte offset, wherever the bytes do not fit the declaration:
//! - `ASCII`; `8859/1` to `8859/9` and `8859/15`; `UNICODE UTF-8`, and the
//!   spellings seen in the wild (`UTF-8`, `UTF8`, `UNICODE`); and
//!   `WINDOWS-1252`/`CP1252`, which is what most senders that declare
//!   `8859/1` actually write.
//! - No MSH-18: UTF-8 if the bytes are valid UTF-8, otherwise Windows-1252.
//! - Declared `8859/1` with bytes 80 to 9F (C1 controls in ISO 8859-1, but
//!   `€`, `–`, `’`… in Windows-1252): read as Windows-1252, with a warning.
//! - Declared UTF-8 or ASCII with bytes that are not: read as Windows-1252
//!   (or UTF-8, for ASCII), with a warning.
//! - Any other MSH-18 value: read as UTF-8 or Windows-1252 as above, with a
//!   warning that the declared set is not decoded here.
//!
//! Pure: the command line and the browser page both call it.

use encoding_rs::Encoding;

/// The text of a message and how it was read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decoded {
    /// The decoded text.
    pub text: String,
    /// MSH-18 as written (empty when absent).
    pub declared: String,
    /// The character set actually used, e.g. `ISO 8859-1`.
    pub used: &'static str,
    /// Where the bytes do not fit the declaration, each with its byte offset.
    pub warnings: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Set {
    Ascii,
    Latin1,
    /// An ISO 8859 part that `encoding_rs` decodes as such.
    Iso8859(&'static Encoding, &'static str),
    /// ISO 8859-9: Windows-1254 equals it from A0 to FF.
    Latin5,
    Utf8,
    Windows1252,
}

impl Set {
    fn from_msh18(value: &str) -> Option<Set> {
        let v = value.trim().to_ascii_uppercase();
        Some(match v.as_str() {
            "ASCII" | "US-ASCII" => Set::Ascii,
            "8859/1" | "ISO-8859-1" | "ISO8859-1" | "ISO_8859-1" | "LATIN1" | "LATIN-1" => {
                Set::Latin1
            }
            "8859/2" | "ISO-8859-2" => Set::Iso8859(encoding_rs::ISO_8859_2, "ISO 8859-2"),
            "8859/3" | "ISO-8859-3" => Set::Iso8859(encoding_rs::ISO_8859_3, "ISO 8859-3"),
            "8859/4" | "ISO-8859-4" => Set::Iso8859(encoding_rs::ISO_8859_4, "ISO 8859-4"),
            "8859/5" | "ISO-8859-5" => Set::Iso8859(encoding_rs::ISO_8859_5, "ISO 8859-5"),
            "8859/6" | "ISO-8859-6" => Set::Iso8859(encoding_rs::ISO_8859_6, "ISO 8859-6"),
            "8859/7" | "ISO-8859-7" => Set::Iso8859(encoding_rs::ISO_8859_7, "ISO 8859-7"),
            "8859/8" | "ISO-8859-8" => Set::Iso8859(encoding_rs::ISO_8859_8, "ISO 8859-8"),
            "8859/9" | "ISO-8859-9" => Set::Latin5,
            "8859/15" | "ISO-8859-15" | "LATIN9" | "LATIN-9" => {
                Set::Iso8859(encoding_rs::ISO_8859_15, "ISO 8859-15")
            }
            "UNICODE UTF-8" | "UNICODE UTF8" | "UTF-8" | "UTF8" | "UNICODE" => Set::Utf8,
            "WINDOWS-1252" | "CP1252" | "WIN1252" | "WINDOWS1252" => Set::Windows1252,
            _ => return None,
        })
    }

    fn name(self) -> &'static str {
        match self {
            Set::Ascii => "ASCII",
            Set::Latin1 => "ISO 8859-1",
            Set::Iso8859(_, name) => name,
            Set::Latin5 => "ISO 8859-9",
            Set::Utf8 => "UTF-8",
            Set::Windows1252 => "Windows-1252",
        }
    }
}

/// MSH-18 as written in the raw bytes, if the input has an `MSH` line with
/// an ASCII field separator.
pub fn msh18(bytes: &[u8]) -> Option<String> {
    let line = bytes
        .split(|&b| b == b'\r' || b == b'\n')
        .map(|l| {
            // MLLP start byte and a UTF-8 byte-order mark.
            let l = l.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(l);
            l.strip_prefix(b"\x0B").unwrap_or(l)
        })
        .find(|l| l.starts_with(b"MSH"))?;
    let sep = *line.get(3)?;
    if !sep.is_ascii() {
        return None;
    }
    let enc: Vec<u8> = line
        .get(4..)?
        .iter()
        .take_while(|&&b| b != sep)
        .copied()
        .collect();
    // MSH-1 is the separator itself, so MSH-18 is the 17th piece after it.
    let field = line.get(4..)?.split(|&b| b == sep).nth(16)?;
    let repetition = enc.get(1).copied().unwrap_or(b'~');
    let component = enc.first().copied().unwrap_or(b'^');
    let first = field
        .split(|&b| b == repetition)
        .next()?
        .split(|&b| b == component)
        .next()?;
    Some(String::from_utf8_lossy(first).trim().to_string())
}

/// Decodes `bytes` in the character set MSH-18 declares (see the module
/// contract).
pub fn decode_message(bytes: &[u8]) -> Decoded {
    let declared = msh18(bytes).unwrap_or_default();
    let mut warnings = Vec::new();
    let utf8_error = std::str::from_utf8(bytes).err();
    let first_non_ascii = bytes.iter().position(|b| !b.is_ascii());
    let fallback = |warnings: &mut Vec<String>, why: String| -> (String, Set) {
        match utf8_error {
            None => {
                warnings.push(format!("{why}; read as UTF-8"));
                (decode(bytes, Set::Utf8), Set::Utf8)
            }
            Some(_) => {
                warnings.push(format!("{why}; read as Windows-1252"));
                (decode(bytes, Set::Windows1252), Set::Windows1252)
            }
        }
    };
    let (text, used) = if declared.is_empty() {
        match utf8_error {
            None => (decode(bytes, Set::Utf8), Set::Utf8),
            Some(e) => {
                let at = e.valid_up_to();
                warnings.push(format!(
                    "byte 0x{:02X} at offset {at} is not valid UTF-8 and MSH-18 names no character set; read as Windows-1252",
                    bytes[at]
                ));
                (decode(bytes, Set::Windows1252), Set::Windows1252)
            }
        }
    } else {
        match Set::from_msh18(&declared) {
            None => fallback(
                &mut warnings,
                format!("MSH-18 `{declared}` is a character set not decoded here"),
            ),
            Some(Set::Ascii) => match first_non_ascii {
                None => (decode(bytes, Set::Ascii), Set::Ascii),
                Some(at) => fallback(
                    &mut warnings,
                    format!(
                        "byte 0x{:02X} at offset {at} is outside ASCII, which MSH-18 `{declared}` declares",
                        bytes[at]
                    ),
                ),
            },
            Some(Set::Utf8) => match utf8_error {
                None => (decode(bytes, Set::Utf8), Set::Utf8),
                Some(e) => {
                    let at = e.valid_up_to();
                    warnings.push(format!(
                        "byte 0x{:02X} at offset {at} is not valid UTF-8, which MSH-18 `{declared}` declares; read as Windows-1252",
                        bytes[at]
                    ));
                    (decode(bytes, Set::Windows1252), Set::Windows1252)
                }
            },
            Some(set) => {
                let c1 = bytes.iter().position(|b| (0x80..0xA0).contains(b));
                let mut used = set;
                if let Some(at) = c1 {
                    if set == Set::Latin1 {
                        used = Set::Windows1252;
                        warnings.push(format!(
                            "byte 0x{:02X} at offset {at} is a control character in ISO 8859-1, which MSH-18 `{declared}` declares; read as Windows-1252, which senders usually mean",
                            bytes[at]
                        ));
                    } else if set != Set::Windows1252 {
                        warnings.push(format!(
                            "byte 0x{:02X} at offset {at} is a control character in {}, which MSH-18 `{declared}` declares",
                            bytes[at],
                            set.name()
                        ));
                    }
                }
                if let (None, Some(at)) = (utf8_error, first_non_ascii) {
                    warnings.push(format!(
                        "the bytes from offset {at} are valid UTF-8 although MSH-18 `{declared}` declares {}; read as declared (if names look like `MÃ¼ller`, the declaration is wrong)",
                        set.name()
                    ));
                }
                (decode(bytes, used), used)
            }
        }
    };
    Decoded {
        text,
        declared,
        used: used.name(),
        warnings,
    }
}

fn decode(bytes: &[u8], set: Set) -> String {
    match set {
        Set::Ascii | Set::Latin1 => bytes.iter().map(|&b| char::from(b)).collect(),
        Set::Utf8 => String::from_utf8_lossy(bytes).into_owned(),
        Set::Windows1252 => encoding_rs::WINDOWS_1252
            .decode_without_bom_handling(bytes)
            .0
            .into_owned(),
        Set::Iso8859(encoding, _) => encoding.decode_without_bom_handling(bytes).0.into_owned(),
        Set::Latin5 => {
            let mut out = String::with_capacity(bytes.len());
            for &b in bytes {
                if b < 0xA0 {
                    out.push(char::from(b));
                } else {
                    let byte = [b];
                    let (text, _) = encoding_rs::WINDOWS_1254.decode_without_bom_handling(&byte);
                    out.push_str(&text);
                }
            }
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(msh18: &str, pid5: &[u8]) -> Vec<u8> {
        let mut m = format!("MSH|^~\\&|S|F|R|F|20240101||ADT^A01|1|P|2.5||||||{msh18}\rPID|1||1||")
            .into_bytes();
        m.extend_from_slice(pid5);
        m.push(b'\r');
        m
    }

    fn pid5(d: &Decoded) -> String {
        let m = super::super::parse(&d.text).expect("parses");
        m.value(&"PID-5".parse().expect("path")).unwrap_or_default()
    }

    #[test]
    fn msh18_is_the_eighteenth_field() {
        assert_eq!(msh18(&msg("8859/1", b"x")).as_deref(), Some("8859/1"));
        assert_eq!(
            msh18(&msg("UNICODE UTF-8~8859/1", b"x")).as_deref(),
            Some("UNICODE UTF-8")
        );
        assert_eq!(msh18(b"\x0bMSH|^~\\&|A\r"), None);
        assert_eq!(msh18(b"PID|1"), None);
    }

    #[test]
    fn declared_latin1_is_read_as_latin1() {
        let d = decode_message(&msg("8859/1", b"M\xfcller^J\xe9r\xf4me"));
        assert_eq!(pid5(&d), "Müller^Jérôme");
        assert_eq!((d.used, d.warnings.len()), ("ISO 8859-1", 0));
    }

    #[test]
    fn latin1_with_c1_bytes_is_windows_1252() {
        let d = decode_message(&msg("8859/1", b"O\x92Brien \x80"));
        assert_eq!(pid5(&d), "O\u{2019}Brien €");
        assert_eq!(d.used, "Windows-1252");
        let at = msg("8859/1", b"").len() - 1 + 1;
        assert!(
            d.warnings[0].contains(&format!("byte 0x92 at offset {at}")),
            "{:?}",
            d.warnings
        );
    }

    #[test]
    fn latin9_and_utf8_and_no_declaration() {
        let d = decode_message(&msg("8859/15", b"\xa4 \xbd"));
        assert_eq!(pid5(&d), "€ œ");
        let d = decode_message(&msg("UNICODE UTF-8", "Müller".as_bytes()));
        assert_eq!((pid5(&d).as_str(), d.warnings.len()), ("Müller", 0));
        let d = decode_message(&msg("UTF-8", b"M\xfcller"));
        assert_eq!(pid5(&d), "Müller");
        assert!(d.warnings[0].contains("not valid UTF-8, which MSH-18 `UTF-8` declares"));
        let d = decode_message(&msg("", b"M\xfcller"));
        assert_eq!((pid5(&d).as_str(), d.used), ("Müller", "Windows-1252"));
        assert!(d.warnings[0].contains("MSH-18 names no character set"));
        let d = decode_message(&msg("", "Müller".as_bytes()));
        assert_eq!(
            (pid5(&d).as_str(), d.used, d.warnings.len()),
            ("Müller", "UTF-8", 0)
        );
    }

    #[test]
    fn mismatches_are_reported() {
        let d = decode_message(&msg("ASCII", b"M\xfcller"));
        assert_eq!(pid5(&d), "Müller");
        assert!(d.warnings[0].contains("outside ASCII"));
        let d = decode_message(&msg("8859/1", "Müller".as_bytes()));
        assert_eq!(pid5(&d), "MÃ¼ller");
        assert!(d.warnings[0].contains("valid UTF-8 although"));
        let d = decode_message(&msg("ISO IR87", b"x"));
        assert!(d.warnings[0].contains("not decoded here; read as UTF-8"));
    }
}
