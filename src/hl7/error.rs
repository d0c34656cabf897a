//! Error types: parsing, escape sequences, paths and building.

use std::fmt;

use serde::{Deserialize, Serialize};

/// What kind of problem stopped the parser.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ParseErrorKind {
    /// The input (or its MLLP frame) is empty.
    Empty,
    /// The input holds nothing but whitespace.
    WhitespaceOnly,
    /// The first segment is not `MSH` (or a batch header `FHS`/`BHS`).
    MissingHeader,
    /// The header segment has no field separator after its ID.
    MissingFieldSeparator,
    /// MSH-2 holds fewer than four encoding characters.
    MissingEncodingCharacters,
    /// MSH-2 holds more than five encoding characters.
    TooManyEncodingCharacters,
    /// An encoding character is used twice.
    DuplicateEncodingCharacter,
    /// An encoding character is a letter, digit, whitespace or control character.
    InvalidEncodingCharacter,
    /// A segment ID is not three upper-case letters or digits starting with a
    /// letter, followed by the field separator or the end of the segment.
    InvalidSegmentId,
    /// A second message header: only one message per input is supported.
    MultipleMessages,
    /// A batch header out of place (`FHS` not first, `BHS` after a segment
    /// other than `FHS`), or a segment before the `MSH` of a batch.
    MisplacedSegment,
    /// A batch header declares encoding characters different from the first one.
    MismatchedDelimiters,
    /// The message has more parts than [`MAX_PARTS`](super::MAX_PARTS):
    /// parsing stops before building them, to keep memory bounded.
    TooManyParts,
}

/// A parse failure, with its position in the input.
///
/// `line` and `column` are 1-based and count characters (CR, LF and CRLF each
/// end a line); `offset` is the byte offset into the input. `expected` and
/// `found` describe the problem in words (literal text is in backticks), and
/// `message` is the whole sentence without the position.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParseError {
    /// What kind of problem this is.
    pub kind: ParseErrorKind,
    /// 1-based line number.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// Byte offset into the input.
    pub offset: usize,
    /// What the parser expected, e.g. "`MSH` at the start of the message".
    pub expected: String,
    /// What it found instead, e.g. "`PID`" or "end of line".
    pub found: String,
    /// The whole explanation, e.g. "expected `MSH` at the start of the
    /// message, found `PID`".
    pub message: String,
}

impl ParseError {
    /// Builds an error at `offset` of `input`, with the sentence
    /// "expected {expected}, found {found}".
    pub(crate) fn new(
        input: &str,
        offset: usize,
        kind: ParseErrorKind,
        expected: impl Into<String>,
        found: impl Into<String>,
    ) -> Self {
        let expected = expected.into();
        let found = found.into();
        let message = format!("expected {expected}, found {found}");
        Self::with_message(input, offset, kind, expected, found, message)
    }

    /// Builds an error at `offset` of `input` with a sentence of its own.
    pub(crate) fn with_message(
        input: &str,
        offset: usize,
        kind: ParseErrorKind,
        expected: impl Into<String>,
        found: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        let (line, column) = line_column(input, offset);
        ParseError {
            kind,
            line,
            column,
            offset,
            expected: expected.into(),
            found: found.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}, column {}: {}",
            self.line, self.column, self.message
        )
    }
}

impl std::error::Error for ParseError {}

/// The 1-based line and character column of byte `offset` in `input`.
///
/// CR, LF and CRLF each end one line. An offset past the end gives the
/// position just after the last character.
pub fn line_column(input: &str, offset: usize) -> (usize, usize) {
    let mut line = 1;
    let mut column = 1;
    let mut after_cr = false;
    for (i, c) in input.char_indices() {
        if i >= offset {
            break;
        }
        match c {
            '\r' => {
                line += 1;
                column = 1;
                after_cr = true;
            }
            '\n' => {
                if !after_cr {
                    line += 1;
                    column = 1;
                }
                after_cr = false;
            }
            _ => {
                column += 1;
                after_cr = false;
            }
        }
    }
    (line, column)
}

/// Describes a piece of input for an error message: in backticks, with
/// invisible characters shown by code point, or "end of line" when empty.
pub(crate) fn describe_text(text: &str, when_empty: &str) -> String {
    if text.is_empty() {
        return when_empty.to_owned();
    }
    let mut out = String::from("`");
    for (i, c) in text.chars().enumerate() {
        if i == 24 {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.push_str(&format!("U+{:04X}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out.push('`');
    out
}

/// What is wrong with an escape sequence.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum EscapeErrorKind {
    /// An escape character with no closing escape character.
    Unterminated,
    /// A sequence HL7 does not define (or `\P\` without a truncation character).
    Unknown,
    /// A `\X…\` sequence whose digits are missing, odd in number or not hexadecimal.
    InvalidHex,
}

/// A bad escape sequence, found by [`unescape`](super::unescape).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EscapeError {
    /// What is wrong.
    pub kind: EscapeErrorKind,
    /// Byte offset of the opening escape character within the escaped text.
    pub offset: usize,
    /// 1-based character position of the opening escape character.
    pub column: usize,
    /// The offending text, from the opening escape character to the closing
    /// one (or to the end for an unterminated sequence).
    pub sequence: String,
}

impl fmt::Display for EscapeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            EscapeErrorKind::Unterminated => "unterminated escape sequence",
            EscapeErrorKind::Unknown => "unknown escape sequence",
            EscapeErrorKind::InvalidHex => "invalid hexadecimal escape sequence",
        };
        write!(
            f,
            "{what} {} at character {}",
            describe_text(&self.sequence, "``"),
            self.column
        )
    }
}

impl std::error::Error for EscapeError {}

/// A path such as `PID-3(2).1` that could not be read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PathError {
    /// The text that was given.
    pub input: String,
    /// 1-based character position of the problem.
    pub column: usize,
    /// What was wrong, e.g. "expected a field number after `-`".
    pub message: String,
}

impl fmt::Display for PathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid path {}: {} (character {})",
            describe_text(&self.input, "``"),
            self.message,
            self.column
        )
    }
}

impl std::error::Error for PathError {}

/// Why a [`MessageBuilder`](super::MessageBuilder) or
/// [`SegmentBuilder`](super::SegmentBuilder) refused a change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum BuildError {
    /// The path could not be read.
    Path(PathError),
    /// The segment ID is not three upper-case letters or digits starting with a letter.
    InvalidSegmentId(String),
    /// `MSH`, `FHS` and `BHS` are made by the message builder itself.
    HeaderSegment(String),
    /// The path names a segment but no field.
    NoField(String),
    /// MSH-1 and MSH-2 come from the delimiters and cannot be set.
    EncodingField(String),
    /// The path names a segment occurrence more than one past the last.
    MissingSegment {
        /// The path that was given.
        path: String,
        /// How many segments with that ID the message has.
        existing: usize,
    },
    /// The path names a segment with a different ID from the segment builder's.
    WrongSegment {
        /// The path that was given.
        path: String,
        /// The segment builder's ID.
        segment: String,
    },
    /// A field, repetition, component or subcomponent number above the limit.
    IndexTooLarge(String),
    /// Raw text holds a separator of its own level or above, or a line break.
    InvalidRaw {
        /// The path that was given.
        path: String,
        /// The offending character.
        character: char,
    },
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::Path(e) => write!(f, "{e}"),
            BuildError::InvalidSegmentId(id) => write!(
                f,
                "invalid segment ID {}: expected three upper-case letters or digits starting with a letter",
                describe_text(id, "``")
            ),
            BuildError::HeaderSegment(id) => write!(
                f,
                "`{id}` segments are made by the message builder and cannot be added"
            ),
            BuildError::NoField(p) => write!(f, "path `{p}` names no field"),
            BuildError::EncodingField(p) => write!(
                f,
                "`{p}` holds the encoding characters, which come from the delimiters and cannot be set"
            ),
            BuildError::MissingSegment { path, existing } => write!(
                f,
                "path `{path}` names a segment that cannot be created: the message has {existing} of them, so only the next one can be added"
            ),
            BuildError::WrongSegment { path, segment } => write!(
                f,
                "path `{path}` does not belong to this `{segment}` segment"
            ),
            BuildError::IndexTooLarge(p) => write!(
                f,
                "path `{p}` has a number above {}, the largest the builder accepts",
                super::builder::MAX_INDEX
            ),
            BuildError::InvalidRaw { path, character } => write!(
                f,
                "raw text for `{path}` must not contain {} at that level",
                super::delimiters::describe_char(*character)
            ),
        }
    }
}

impl std::error::Error for BuildError {}

impl From<PathError> for BuildError {
    fn from(e: PathError) -> Self {
        BuildError::Path(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_column_counts_characters_and_all_line_endings() {
        let s = "ab\rcd\r\nef\ngh";
        assert_eq!(line_column(s, 0), (1, 1));
        assert_eq!(line_column(s, 1), (1, 2));
        assert_eq!(line_column(s, 3), (2, 1));
        assert_eq!(line_column(s, 7), (3, 1));
        assert_eq!(line_column(s, 10), (4, 1));
        assert_eq!(line_column(s, 11), (4, 2));
        assert_eq!(line_column(s, 999), (4, 3));
        // Columns count characters, not bytes.
        assert_eq!(line_column("éé|x", 4), (1, 3));
    }

    #[test]
    fn parse_error_display_gives_line_and_column() {
        let e = ParseError::new(
            "PID|1",
            0,
            ParseErrorKind::MissingHeader,
            "`MSH` at the start of the message",
            "`PID`",
        );
        assert_eq!(
            e.to_string(),
            "line 1, column 1: expected `MSH` at the start of the message, found `PID`"
        );
        let boxed: Box<dyn std::error::Error> = Box::new(e);
        assert!(boxed.to_string().starts_with("line 1"));
    }

    #[test]
    fn describe_text_shows_invisible_characters() {
        assert_eq!(describe_text("", "end of line"), "end of line");
        assert_eq!(describe_text("a\rb", ""), "`aU+000Db`");
        assert!(describe_text(&"x".repeat(40), "").ends_with("…`"));
    }

    #[test]
    fn escape_error_display() {
        let e = EscapeError {
            kind: EscapeErrorKind::Unknown,
            offset: 3,
            column: 4,
            sequence: "\\Q\\".into(),
        };
        assert_eq!(
            e.to_string(),
            "unknown escape sequence `\\Q\\` at character 4"
        );
    }

    #[test]
    fn path_and_build_errors_display() {
        let e = PathError {
            input: "PID-x".into(),
            column: 5,
            message: "expected a field number after `-`".into(),
        };
        assert_eq!(
            e.to_string(),
            "invalid path `PID-x`: expected a field number after `-` (character 5)"
        );
        let b = BuildError::from(e.clone());
        assert_eq!(b.to_string(), e.to_string());
        assert!(BuildError::EncodingField("MSH-2".into())
            .to_string()
            .contains("MSH-2"));
    }
}
