//! The message types the generator makes.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Acknowledgment code (HL7 table 0008, original mode).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AckCode {
    /// Application accept.
    AA,
    /// Application error.
    AE,
    /// Application reject.
    AR,
}

impl AckCode {
    pub fn code(self) -> &'static str {
        match self {
            AckCode::AA => "AA",
            AckCode::AE => "AE",
            AckCode::AR => "AR",
        }
    }
}

/// A message type and trigger event the generator can make.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Event {
    AdtA01,
    AdtA02,
    AdtA03,
    AdtA04,
    AdtA08,
    AdtA11,
    AdtA40,
    OrmO01,
    OmiO23,
    OruR01,
    SiuS12,
    /// An acknowledgment of an ADT^A01.
    Ack(AckCode),
}

impl Event {
    /// Every event, including the three ACK codes.
    pub const ALL: [Event; 14] = [
        Event::AdtA01,
        Event::AdtA02,
        Event::AdtA03,
        Event::AdtA04,
        Event::AdtA08,
        Event::AdtA11,
        Event::AdtA40,
        Event::OrmO01,
        Event::OmiO23,
        Event::OruR01,
        Event::SiuS12,
        Event::Ack(AckCode::AA),
        Event::Ack(AckCode::AE),
        Event::Ack(AckCode::AR),
    ];

    /// MSH-9 as (message code, trigger event, message structure).
    pub fn msh9(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Event::AdtA01 => ("ADT", "A01", "ADT_A01"),
            Event::AdtA02 => ("ADT", "A02", "ADT_A02"),
            Event::AdtA03 => ("ADT", "A03", "ADT_A03"),
            Event::AdtA04 => ("ADT", "A04", "ADT_A01"),
            Event::AdtA08 => ("ADT", "A08", "ADT_A01"),
            Event::AdtA11 => ("ADT", "A11", "ADT_A09"),
            Event::AdtA40 => ("ADT", "A40", "ADT_A39"),
            Event::OrmO01 => ("ORM", "O01", "ORM_O01"),
            Event::OmiO23 => ("OMI", "O23", "OMI_O23"),
            Event::OruR01 => ("ORU", "R01", "ORU_R01"),
            Event::SiuS12 => ("SIU", "S12", "SIU_S12"),
            Event::Ack(_) => ("ACK", "A01", "ACK"),
        }
    }

    /// MSH-9 as written: `ADT^A04^ADT_A01`.
    pub fn msh9_text(self) -> String {
        let (code, trigger, structure) = self.msh9();
        format!("{code}^{trigger}^{structure}")
    }

    /// Parses `ADT^A01`, `ADT_A01`, `ADT^A01^ADT_A01`, `ACK` (AA),
    /// `ACK^AE`, `ACK^A01^ACK^AR` and the like (case-insensitive).
    pub fn parse(text: &str) -> Option<Event> {
        let upper = text.trim().to_ascii_uppercase();
        let parts: Vec<&str> = upper.split(['^', '_', ' ', ':']).collect();
        let code = parts.first().copied().unwrap_or("");
        let trigger = parts.get(1).copied().unwrap_or("");
        if code == "ACK" {
            let mut ack = AckCode::AA;
            for part in &parts[1..] {
                let is_trigger = part.len() == 3
                    && part.starts_with(|c: char| c.is_ascii_alphabetic())
                    && part[1..].bytes().all(|b| b.is_ascii_digit());
                match *part {
                    "AA" => ack = AckCode::AA,
                    "AE" => ack = AckCode::AE,
                    "AR" => ack = AckCode::AR,
                    "ACK" | "" => {}
                    _ if is_trigger => {}
                    _ => return None,
                }
            }
            return Some(Event::Ack(ack));
        }
        let event = match (code, trigger) {
            ("ADT", "A01") => Event::AdtA01,
            ("ADT", "A02") => Event::AdtA02,
            ("ADT", "A03") => Event::AdtA03,
            ("ADT", "A04") => Event::AdtA04,
            ("ADT", "A08") => Event::AdtA08,
            ("ADT", "A11") => Event::AdtA11,
            ("ADT", "A40") => Event::AdtA40,
            ("ORM", "O01") => Event::OrmO01,
            ("OMI", "O23") => Event::OmiO23,
            ("ORU", "R01") => Event::OruR01,
            ("SIU", "S12") => Event::SiuS12,
            _ => return None,
        };
        Some(event)
    }

    /// Whether the message carries a radiology order ([`super::Order`]).
    pub fn has_order(self) -> bool {
        matches!(
            self,
            Event::OrmO01 | Event::OmiO23 | Event::OruR01 | Event::SiuS12
        )
    }
}

impl fmt::Display for Event {
    /// `ADT^A01`, ..., and `ACK^AA`, `ACK^AE`, `ACK^AR`; [`Event::parse`]
    /// reads it back.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Event::Ack(code) => write!(f, "ACK^{}", code.code()),
            other => {
                let (code, trigger, _) = other.msh9();
                write!(f, "{code}^{trigger}")
            }
        }
    }
}

/// The text is not a supported event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownEvent(pub String);

impl fmt::Display for UnknownEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unsupported message type or event: {:?}", self.0)
    }
}

impl std::error::Error for UnknownEvent {}

impl FromStr for Event {
    type Err = UnknownEvent;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Event::parse(s).ok_or_else(|| UnknownEvent(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_and_parse_round_trip() {
        for e in Event::ALL {
            assert_eq!(Event::parse(&e.to_string()), Some(e), "{e}");
            assert_eq!(
                Event::parse(&e.msh9_text()).map(|x| x.msh9()),
                Some(e.msh9())
            );
        }
        assert_eq!(Event::parse("adt^a01"), Some(Event::AdtA01));
        assert_eq!(Event::parse("ADT_A40"), Some(Event::AdtA40));
        assert_eq!(Event::parse("ACK"), Some(Event::Ack(AckCode::AA)));
        assert_eq!(
            Event::parse("ACK^A01^ACK^AR"),
            Some(Event::Ack(AckCode::AR))
        );
        assert_eq!(Event::parse("ADT^A99"), None);
        assert_eq!(Event::parse("ACK^ZZ"), None);
        assert!("ORU^R01".parse::<Event>().is_ok());
        assert_eq!(Event::AdtA04.msh9_text(), "ADT^A04^ADT_A01");
        assert_eq!(Event::AdtA11.msh9_text(), "ADT^A11^ADT_A09");
        assert_eq!(Event::AdtA40.msh9_text(), "ADT^A40^ADT_A39");
    }
}
