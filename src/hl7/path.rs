//! Terse paths such as `PID-5`, `PID-5.1.2`, `PID-3(2).1` and `OBX[2]-5`.
//!
//! Grammar: `SEG` `[n]`? ( `-` field `(r)`? ( `.` component ( `.` subcomponent )? )? )?
//! All numbers are 1-based. `[n]` picks the n-th segment with that ID
//! (default 1) and `(r)` the r-th repetition of the field (default 1 when a
//! component is named). Segment IDs may be typed in lower case; they are
//! stored in upper case.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::error::PathError;

/// How deep a [`Path`] (or a node of a message) reaches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Depth {
    /// A whole segment, e.g. `PID`.
    Segment,
    /// A field with all its repetitions, e.g. `PID-3`.
    Field,
    /// One repetition of a field, e.g. `PID-3(2)`.
    Repetition,
    /// One component, e.g. `PID-5.1`.
    Component,
    /// One subcomponent, e.g. `PID-5.1.2`.
    Subcomponent,
}

/// A location in a message, such as `PID-3(2).1`; see [`Path::parse`].
///
/// Serialised as its text.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Path {
    segment: String,
    occurrence: usize,
    field: Option<usize>,
    repetition: Option<usize>,
    component: Option<usize>,
    subcomponent: Option<usize>,
}

impl Path {
    /// Reads a path such as `PID-5.1`, `PID-3(2).1` or `OBX[2]-5.1.2`: the
    /// segment ID, an optional `[occurrence]`, then optionally `-field`, an
    /// optional `(repetition)`, `.component` and `.subcomponent`.
    pub fn parse(text: &str) -> Result<Path, PathError> {
        Reader::new(text).path()
    }

    /// Builds a path from parts already known to be valid.
    pub(crate) fn from_parts(
        segment: &str,
        occurrence: usize,
        field: Option<usize>,
        repetition: Option<usize>,
        component: Option<usize>,
        subcomponent: Option<usize>,
    ) -> Path {
        Path {
            segment: segment.to_owned(),
            occurrence: occurrence.max(1),
            field: field.filter(|&n| n > 0),
            repetition: repetition.filter(|&n| n > 0),
            component: component.filter(|&n| n > 0),
            subcomponent: subcomponent.filter(|&n| n > 0),
        }
    }

    /// The segment ID, e.g. `PID`.
    pub fn segment_id(&self) -> &str {
        &self.segment
    }

    /// Which segment with that ID, counting from 1.
    pub fn occurrence(&self) -> usize {
        self.occurrence
    }

    /// The field number, if any.
    pub fn field(&self) -> Option<usize> {
        self.field
    }

    /// The repetition number, if one was given.
    pub fn repetition(&self) -> Option<usize> {
        self.repetition
    }

    /// The component number, if any.
    pub fn component(&self) -> Option<usize> {
        self.component
    }

    /// The subcomponent number, if any.
    pub fn subcomponent(&self) -> Option<usize> {
        self.subcomponent
    }

    /// The deepest level the path names.
    pub fn depth(&self) -> Depth {
        if self.field.is_none() {
            Depth::Segment
        } else if self.subcomponent.is_some() {
            Depth::Subcomponent
        } else if self.component.is_some() {
            Depth::Component
        } else if self.repetition.is_some() {
            Depth::Repetition
        } else {
            Depth::Field
        }
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.segment)?;
        if self.occurrence != 1 {
            write!(f, "[{}]", self.occurrence)?;
        }
        let Some(field) = self.field else {
            return Ok(());
        };
        write!(f, "-{field}")?;
        if let Some(r) = self.repetition {
            write!(f, "({r})")?;
        }
        if let Some(c) = self.component {
            write!(f, ".{c}")?;
            if let Some(s) = self.subcomponent {
                write!(f, ".{s}")?;
            }
        }
        Ok(())
    }
}

impl FromStr for Path {
    type Err = PathError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Path::parse(s)
    }
}

impl TryFrom<&str> for Path {
    type Error = PathError;

    fn try_from(s: &str) -> Result<Self, Self::Error> {
        Path::parse(s)
    }
}

impl TryFrom<String> for Path {
    type Error = PathError;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        Path::parse(&s)
    }
}

impl From<Path> for String {
    fn from(p: Path) -> Self {
        p.to_string()
    }
}

/// A small cursor over the path text, counting characters for errors.
struct Reader<'a> {
    input: &'a str,
    chars: std::iter::Peekable<std::str::Chars<'a>>,
    column: usize,
}

impl<'a> Reader<'a> {
    fn new(input: &'a str) -> Self {
        let trimmed = input.trim();
        Reader {
            input,
            chars: trimmed.chars().peekable(),
            column: 1 + input.chars().take_while(|c| c.is_whitespace()).count(),
        }
    }

    fn error(&self, message: impl Into<String>) -> PathError {
        PathError {
            input: self.input.to_owned(),
            column: self.column,
            message: message.into(),
        }
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.chars.next();
        if c.is_some() {
            self.column += 1;
        }
        c
    }

    fn eat(&mut self, c: char) -> bool {
        if self.chars.peek() == Some(&c) {
            self.bump();
            true
        } else {
            false
        }
    }

    fn path(mut self) -> Result<Path, PathError> {
        let mut segment = String::with_capacity(3);
        for i in 0..3 {
            match self.chars.peek().copied() {
                Some(c) if c.is_ascii_alphabetic() || (i > 0 && c.is_ascii_digit()) => {
                    segment.push(c.to_ascii_uppercase());
                    self.bump();
                }
                _ => {
                    return Err(self.error(
                        "expected a segment ID of three letters or digits starting with a letter",
                    ))
                }
            }
        }
        let occurrence = if self.eat('[') {
            let n = self.number("a segment occurrence number after `[`")?;
            if !self.eat(']') {
                return Err(self.error("expected `]` after the segment occurrence"));
            }
            n
        } else {
            1
        };
        let mut path = Path::from_parts(&segment, occurrence, None, None, None, None);
        if self.chars.peek().is_none() {
            return Ok(path);
        }
        if !self.eat('-') {
            return Err(self.error("expected `-` and a field number after the segment ID"));
        }
        path.field = Some(self.number("a field number after `-`")?);
        if self.eat('(') {
            path.repetition = Some(self.number("a repetition number after `(`")?);
            if !self.eat(')') {
                return Err(self.error("expected `)` after the repetition number"));
            }
        }
        if self.eat('.') {
            path.component = Some(self.number("a component number after `.`")?);
            if self.eat('.') {
                path.subcomponent = Some(self.number("a subcomponent number after `.`")?);
            }
        }
        if self.chars.peek().is_some() {
            return Err(self.error("unexpected text after the path"));
        }
        Ok(path)
    }

    /// Reads a positive decimal number.
    fn number(&mut self, what: &str) -> Result<usize, PathError> {
        let start = self.column;
        let mut value: usize = 0;
        let mut digits = 0;
        while let Some(d) = self.chars.peek().and_then(|c| c.to_digit(10)) {
            value = value
                .checked_mul(10)
                .and_then(|v| v.checked_add(d as usize))
                .ok_or_else(|| self.error("number too large"))?;
            digits += 1;
            self.bump();
        }
        if digits == 0 {
            return Err(self.error(format!("expected {what}")));
        }
        if value == 0 {
            let mut e = self.error("numbers in paths start at 1");
            e.column = start;
            return Err(e);
        }
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Path {
        Path::parse(s).expect("valid path")
    }

    #[test]
    fn parses_every_level() {
        let path = p("PID");
        assert_eq!(path.depth(), Depth::Segment);
        assert_eq!(path.field(), None);

        let path = p("PID-5");
        assert_eq!(
            (path.segment_id(), path.field(), path.depth()),
            ("PID", Some(5), Depth::Field)
        );

        let path = p("PID-3(2)");
        assert_eq!(path.repetition(), Some(2));
        assert_eq!(path.depth(), Depth::Repetition);

        let path = p("PID-3(2).1");
        assert_eq!(
            (path.repetition(), path.component(), path.depth()),
            (Some(2), Some(1), Depth::Component)
        );

        let path = p("PID-5.1.2");
        assert_eq!(
            (path.repetition(), path.component(), path.subcomponent()),
            (None, Some(1), Some(2))
        );
        assert_eq!(path.depth(), Depth::Subcomponent);

        let path = p("MSH-9.2");
        assert_eq!((path.field(), path.component()), (Some(9), Some(2)));

        let path = p("OBX[2]-5");
        assert_eq!((path.occurrence(), path.field()), (2, Some(5)));

        let path = p("ZP1-1");
        assert_eq!(path.segment_id(), "ZP1");
    }

    #[test]
    fn display_round_trips() {
        for s in [
            "PID",
            "PID-5",
            "PID-5.1",
            "PID-3(2).1",
            "PID-5.1.2",
            "MSH-9.2",
            "OBX[2]-5(3).4.5",
            "OBX[12]",
        ] {
            assert_eq!(p(s).to_string(), s);
        }
        assert_eq!(p(" pid-5.1 ").to_string(), "PID-5.1");
        assert_eq!(p("PID[1]-5").to_string(), "PID-5");
    }

    #[test]
    fn rejects_bad_paths_with_position() {
        let cases = [
            ("", 1, "segment ID"),
            ("PI", 3, "segment ID"),
            ("1ID-5", 1, "segment ID"),
            ("PID5", 4, "`-`"),
            ("PID-", 5, "field number"),
            ("PID-x", 5, "field number"),
            ("PID-0", 5, "start at 1"),
            ("PID-3(", 7, "repetition number"),
            ("PID-3(2", 8, "`)`"),
            ("PID-3.", 7, "component number"),
            ("PID-3.1.", 9, "subcomponent number"),
            ("PID-3.1.1.1", 10, "unexpected"),
            ("PID[0]-1", 5, "start at 1"),
            ("PID[2-1", 6, "`]`"),
            ("PID-99999999999999999999999", 24, "too large"),
        ];
        for (text, column, needle) in cases {
            let err = Path::parse(text).expect_err(text);
            assert_eq!(err.column, column, "{text}: {err}");
            assert!(err.message.contains(needle), "{text}: {err}");
            assert_eq!(err.input, text);
        }
    }

    #[test]
    fn from_str_and_serde() {
        let path: Path = "PID-3(2).1".parse().expect("valid");
        let json = serde_json::to_string(&path).expect("serialise");
        assert_eq!(json, "\"PID-3(2).1\"");
        let back: Path = serde_json::from_str(&json).expect("deserialise");
        assert_eq!(back, path);
        assert!(serde_json::from_str::<Path>("\"nope\"").is_err());
        assert_eq!(Path::try_from("PID-1").map(|p| p.field()), Ok(Some(1)));
    }
}
