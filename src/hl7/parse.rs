//! The ER7 parser: text to [`Message`].

use super::delimiters::{describe_char, is_legal_delimiter, Delimiters};
use super::error::{describe_text, ParseError, ParseErrorKind};
use super::message::{is_header_id, Component, Field, Message, Repetition, Segment, Subcomponent};

/// A message may have at most this many parts: segments plus field,
/// repetition, component and subcomponent separators. Each part costs
/// a few hundred bytes once parsed, however short its text, so this keeps a
/// message of nothing but separators to a few hundred megabytes; a large
/// real message (thousands of OBX segments) has some tens of thousands.
pub const MAX_PARTS: usize = 500_000;

const VT: char = '\u{0b}';
const FS: char = '\u{1c}';
const BOM: char = '\u{feff}';

/// Parses one HL7 v2 message in ER7 (pipe-and-hat) form.
///
/// - The delimiters come from MSH-1 and MSH-2; any legal choice is honoured.
/// - Segments may end with CR, LF or CRLF, mixed; blank lines are ignored.
/// - MLLP framing (a leading 0x0B, then 0x1C with an optional CR at the end)
///   and a leading byte-order mark are skipped. A 0x1C on a line of its own
///   at the end is skipped even without the leading 0x0B.
/// - A batch or file holding one message is accepted: `FHS` and/or `BHS`
///   first (their first two fields are encoding characters, like MSH), then
///   one `MSH` and its segments, then e.g. `BTS` and `FTS`.
///
/// - A message with more than [`MAX_PARTS`] segments and separators is
///   refused with [`ParseErrorKind::TooManyParts`] at the segment that
///   goes over, before that segment is split.
///
/// All spans in the result are byte ranges into `input`.
pub fn parse(input: &str) -> Result<Message, ParseError> {
    const EXPECTED: &str = "an HL7 message starting with `MSH`";
    if input.is_empty() {
        return Err(ParseError::new(
            input,
            0,
            ParseErrorKind::Empty,
            EXPECTED,
            "empty input",
        ));
    }
    let (start, end) = content_bounds(input);
    let content = input.get(start..end).unwrap_or("");
    if content.is_empty() {
        return Err(ParseError::new(
            input,
            start,
            ParseErrorKind::Empty,
            EXPECTED,
            "an empty MLLP frame",
        ));
    }
    if content.chars().all(char::is_whitespace) {
        return Err(ParseError::new(
            input,
            start,
            ParseErrorKind::WhitespaceOnly,
            EXPECTED,
            "only whitespace",
        ));
    }

    let mut parser = Parser {
        input,
        stage: Stage::Start,
        delimiters: Delimiters::default(),
        first_header: "MSH",
        segments: Vec::new(),
        parts: 0,
    };
    let mut offset = start;
    for line in content.split(['\r', '\n']) {
        let line_start = offset;
        offset += line.len() + 1;
        if line.chars().all(char::is_whitespace) {
            continue;
        }
        parser.line(line, line_start)?;
    }
    if parser.stage != Stage::Message {
        return Err(ParseError::new(
            input,
            end,
            ParseErrorKind::MissingHeader,
            format!(
                "an `MSH` segment after the `{}` header",
                parser.first_header
            ),
            "end of input",
        ));
    }
    Ok(Message {
        delimiters: parser.delimiters,
        segments: parser.segments,
    })
}

/// The byte range of `input` left after removing a byte-order mark and
/// MLLP framing.
fn content_bounds(input: &str) -> (usize, usize) {
    let mut start = 0;
    let mut rest = input;
    if let Some(r) = rest.strip_prefix(BOM) {
        start += BOM.len_utf8();
        rest = r;
    }
    let framed = rest.starts_with(VT);
    if framed {
        start += VT.len_utf8();
        rest = rest.get(1..).unwrap_or("");
    }
    let trimmed = rest.trim_end_matches(['\r', '\n']);
    let mut end = input.len();
    if let Some(body) = trimmed.strip_suffix(FS) {
        // Without the leading VT, only a 0x1C on a line of its own is framing:
        // elsewhere it could be data at the end of the last segment.
        if framed || body.is_empty() || body.ends_with(['\r', '\n']) {
            end = start + body.len();
        }
    }
    (start, end)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Stage {
    /// Nothing read yet.
    Start,
    /// After `FHS`.
    File,
    /// After `BHS`.
    Batch,
    /// After `MSH`.
    Message,
}

struct Parser<'a> {
    input: &'a str,
    stage: Stage,
    delimiters: Delimiters,
    first_header: &'static str,
    segments: Vec<Segment>,
    /// Segments and separators so far, against [`MAX_PARTS`].
    parts: usize,
}

impl Parser<'_> {
    fn error(
        &self,
        offset: usize,
        kind: ParseErrorKind,
        expected: impl Into<String>,
        found: impl Into<String>,
    ) -> ParseError {
        ParseError::new(self.input, offset, kind, expected, found)
    }

    /// Counts the parts of a segment about to be split, and refuses the
    /// message past [`MAX_PARTS`].
    fn count_parts(&mut self, id: &str, line: &str, base: usize) -> Result<(), ParseError> {
        let d = self.delimiters;
        let separators = [d.field(), d.repetition(), d.component(), d.subcomponent()];
        let mut parts = self.parts + 1;
        for (offset, c) in line.char_indices() {
            if separators.contains(&c) {
                parts += 1;
                if parts > MAX_PARTS {
                    let segment_number = self.segments.len() + 1;
                    return Err(ParseError::with_message(
                        self.input,
                        base + offset,
                        ParseErrorKind::TooManyParts,
                        format!("at most {MAX_PARTS} segments and separators in a message"),
                        format!("more in segment {segment_number} (`{id}`)"),
                        format!(
                            "more than {MAX_PARTS} segments, fields, repetitions, components and subcomponents in the message (segment {segment_number}, `{id}`); stopping here to keep memory bounded"
                        ),
                    ));
                }
            }
        }
        self.parts = parts;
        if parts > MAX_PARTS {
            return Err(ParseError::new(
                self.input,
                base,
                ParseErrorKind::TooManyParts,
                format!("at most {MAX_PARTS} segments and separators in a message"),
                format!("segment {} (`{id}`)", self.segments.len() + 1),
            ));
        }
        Ok(())
    }

    fn line(&mut self, line: &str, base: usize) -> Result<(), ParseError> {
        if self.stage == Stage::Start {
            let id = line.get(..3).filter(|id| is_header_id(id));
            let Some(id) = id else {
                let found: String = line.chars().take(3).collect();
                return Err(self.error(
                    base,
                    ParseErrorKind::MissingHeader,
                    "`MSH` at the start of the message",
                    describe_text(&found, "end of line"),
                ));
            };
            self.delimiters = read_delimiters(self.input, id, line, base)?;
            self.first_header = match id {
                "FHS" => "FHS",
                "BHS" => "BHS",
                _ => "MSH",
            };
            self.stage = stage_after(id);
            self.count_parts(id, line, base)?;
            self.segments
                .push(build_segment(id, line, base, &self.delimiters, true));
            return Ok(());
        }

        let id = self.segment_id(line, base)?;
        if is_header_id(id) {
            return self.later_header(id, line, base);
        }
        match self.stage {
            Stage::File | Stage::Batch => {
                let expected = if self.stage == Stage::File {
                    "`BHS` or `MSH` after the file header"
                } else {
                    "`MSH` after the batch header"
                };
                Err(self.error(
                    base,
                    ParseErrorKind::MisplacedSegment,
                    expected,
                    format!("`{id}`"),
                ))
            }
            Stage::Start | Stage::Message => {
                self.count_parts(id, line, base)?;
                self.segments
                    .push(build_segment(id, line, base, &self.delimiters, false));
                Ok(())
            }
        }
    }

    /// Checks the segment ID at the start of `line` and what follows it.
    fn segment_id<'l>(&self, line: &'l str, base: usize) -> Result<&'l str, ParseError> {
        let sep = self.delimiters.field();
        let id = line.get(..3).filter(|id| is_segment_id(id));
        let after = line.get(3..).unwrap_or("");
        match id {
            Some(id) if after.is_empty() || after.starts_with(sep) => Ok(id),
            _ => {
                let found = line.split(sep).next().unwrap_or("");
                Err(self.error(
                    base,
                    ParseErrorKind::InvalidSegmentId,
                    format!(
                        "a segment ID of three upper-case letters or digits starting with a letter, followed by `{sep}`"
                    ),
                    describe_text(found, "end of line"),
                ))
            }
        }
    }

    /// A header segment after the first line: `BHS` or `MSH` in a batch.
    fn later_header(&mut self, id: &str, line: &str, base: usize) -> Result<(), ParseError> {
        let allowed = matches!(
            (self.stage, id),
            (Stage::File, "BHS" | "MSH") | (Stage::Batch, "MSH")
        );
        if !allowed {
            if self.stage == Stage::Message {
                return Err(ParseError::with_message(
                    self.input,
                    base,
                    ParseErrorKind::MultipleMessages,
                    "one message",
                    format!("a second header segment `{id}`"),
                    format!(
                        "found a second header segment `{id}`: only one message per input is supported, so parse each message on its own"
                    ),
                ));
            }
            let expected = if id == "FHS" {
                "`FHS` only as the first segment"
            } else {
                "`BHS` only as the first segment or straight after `FHS`"
            };
            return Err(self.error(
                base,
                ParseErrorKind::MisplacedSegment,
                expected,
                format!("`{id}` here"),
            ));
        }
        let d = self.delimiters;
        let sep_offset = base + 3;
        let after = line.get(3..).unwrap_or("");
        if !after.starts_with(d.field()) {
            // segment_id() already accepted the line, so `after` is empty.
            return Err(self.error(
                sep_offset,
                ParseErrorKind::MissingFieldSeparator,
                format!("the field separator `{}` after `{id}`", d.field()),
                "end of line",
            ));
        }
        let enc_offset = sep_offset + d.field().len_utf8();
        let enc = after
            .get(d.field().len_utf8()..)
            .unwrap_or("")
            .split(d.field())
            .next()
            .unwrap_or("");
        let declared = d.encoding_characters();
        if enc != declared {
            return Err(ParseError::with_message(
                self.input,
                enc_offset,
                ParseErrorKind::MismatchedDelimiters,
                format!("`{declared}`"),
                describe_text(enc, "nothing"),
                format!(
                    "`{id}` declares the encoding characters {}, but `{}` declared `{declared}`; they must match",
                    describe_text(enc, "``"),
                    self.first_header
                ),
            ));
        }
        self.stage = stage_after(id);
        self.count_parts(id, line, base)?;
        self.segments.push(build_segment(id, line, base, &d, true));
        Ok(())
    }
}

fn stage_after(header_id: &str) -> Stage {
    match header_id {
        "FHS" => Stage::File,
        "BHS" => Stage::Batch,
        _ => Stage::Message,
    }
}

/// Whether `id` is three upper-case ASCII letters or digits, starting with a letter.
pub(crate) fn is_segment_id(id: &str) -> bool {
    let b = id.as_bytes();
    b.len() == 3
        && b.first().is_some_and(u8::is_ascii_uppercase)
        && b.iter()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

/// Reads MSH-1 and MSH-2 (or FHS/BHS) from the first header line.
fn read_delimiters(
    input: &str,
    id: &str,
    line: &str,
    base: usize,
) -> Result<Delimiters, ParseError> {
    let after = line.get(3..).unwrap_or("");
    let sep_offset = base + 3;
    let Some(sep) = after.chars().next() else {
        return Err(ParseError::new(
            input,
            sep_offset,
            ParseErrorKind::MissingFieldSeparator,
            format!("the field separator after `{id}`"),
            "end of line",
        ));
    };
    if !is_legal_delimiter(sep) {
        return Err(invalid_delimiter(
            input,
            sep_offset,
            "the field separator",
            sep,
        ));
    }
    let enc_offset = sep_offset + sep.len_utf8();
    let enc = after
        .get(sep.len_utf8()..)
        .unwrap_or("")
        .split(sep)
        .next()
        .unwrap_or("");
    const NAMES: [&str; 5] = [
        "the component separator",
        "the repetition separator",
        "the escape character",
        "the subcomponent separator",
        "the truncation character",
    ];
    let mut seen = vec![sep];
    for (i, (off, c)) in enc.char_indices().enumerate() {
        let offset = enc_offset + off;
        let Some(name) = NAMES.get(i) else {
            return Err(ParseError::with_message(
                input,
                offset,
                ParseErrorKind::TooManyEncodingCharacters,
                format!("at most five encoding characters in {id}-2, then `{sep}`"),
                describe_char(c),
                format!(
                    "expected at most five encoding characters in {id}-2 (component, repetition, escape, subcomponent and truncation), then `{sep}`, found a sixth, {}",
                    describe_char(c)
                ),
            ));
        };
        if !is_legal_delimiter(c) {
            return Err(invalid_delimiter(input, offset, name, c));
        }
        if seen.contains(&c) {
            return Err(ParseError::with_message(
                input,
                offset,
                ParseErrorKind::DuplicateEncodingCharacter,
                format!("{name}, different from the other encoding characters"),
                format!("{} again", describe_char(c)),
                format!(
                    "duplicate encoding character {}: it cannot also be {name}, because the field separator and the encoding characters must all differ",
                    describe_char(c)
                ),
            ));
        }
        seen.push(c);
    }
    let count = seen.len() - 1;
    if count < 4 {
        let found = if enc.is_empty() {
            format!("an empty {id}-2")
        } else {
            format!("only {count} ({})", describe_text(enc, ""))
        };
        return Err(ParseError::with_message(
            input,
            enc_offset + enc.len(),
            ParseErrorKind::MissingEncodingCharacters,
            format!("four encoding characters in {id}-2"),
            found.clone(),
            format!(
                "missing encoding characters: expected four in {id}-2 (component, repetition, escape and subcomponent separators, usually `^~\\&`), found {found}"
            ),
        ));
    }
    Delimiters::from_msh(sep, enc).map_err(|e| {
        ParseError::new(
            input,
            enc_offset,
            ParseErrorKind::InvalidEncodingCharacter,
            "valid encoding characters",
            e.to_string(),
        )
    })
}

fn invalid_delimiter(input: &str, offset: usize, name: &str, c: char) -> ParseError {
    ParseError::new(
        input,
        offset,
        ParseErrorKind::InvalidEncodingCharacter,
        format!("{name}: a character that is not a letter, digit, whitespace or control character"),
        describe_char(c),
    )
}

/// Splits one segment line; `header` segments get the MSH numbering.
fn build_segment(id: &str, line: &str, base: usize, d: &Delimiters, header: bool) -> Segment {
    let sep = d.field();
    let w = sep.len_utf8();
    let mut fields = Vec::new();
    let mut pos = 3;
    if header {
        let msh1 = line.get(3..3 + w).unwrap_or("");
        fields.push(leaf_field(msh1, base + 3));
        pos = 3 + msh1.len();
        let rest = line.get(pos..).unwrap_or("");
        let enc = rest.split(sep).next().unwrap_or("");
        fields.push(leaf_field(enc, base + pos));
        pos += enc.len();
    }
    if let Some(rest) = line.get(pos..).and_then(|r| r.strip_prefix(sep)) {
        fields.extend(pieces(rest, base + pos + w, sep).map(|(raw, at)| split_field(raw, at, d)));
    }
    Segment {
        id: id.to_owned(),
        span: base..base + line.len(),
        raw: line.to_owned(),
        fields,
    }
}

/// The parts of `s` between `sep`s, each with its absolute offset.
fn pieces(s: &str, base: usize, sep: char) -> impl Iterator<Item = (&str, usize)> {
    let w = sep.len_utf8();
    let mut offset = base;
    s.split(sep).map(move |piece| {
        let at = offset;
        offset += piece.len() + w;
        (piece, at)
    })
}

/// A field that is never split (MSH-1, MSH-2).
pub(crate) fn leaf_field(raw: &str, at: usize) -> Field {
    let span = at..at + raw.len();
    Field {
        span: span.clone(),
        raw: raw.to_owned(),
        repetitions: vec![Repetition {
            span: span.clone(),
            raw: raw.to_owned(),
            components: vec![Component {
                span: span.clone(),
                raw: raw.to_owned(),
                subcomponents: vec![Subcomponent {
                    span,
                    raw: raw.to_owned(),
                }],
            }],
        }],
    }
}

pub(crate) fn split_field(raw: &str, at: usize, d: &Delimiters) -> Field {
    Field {
        span: at..at + raw.len(),
        raw: raw.to_owned(),
        repetitions: pieces(raw, at, d.repetition())
            .map(|(r, at)| Repetition {
                span: at..at + r.len(),
                raw: r.to_owned(),
                components: pieces(r, at, d.component())
                    .map(|(c, at)| Component {
                        span: at..at + c.len(),
                        raw: c.to_owned(),
                        subcomponents: pieces(c, at, d.subcomponent())
                            .map(|(s, at)| Subcomponent {
                                span: at..at + s.len(),
                                raw: s.to_owned(),
                            })
                            .collect(),
                    })
                    .collect(),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::path::Path;
    use super::*;

    const ADT: &str =
        "MSH|^~\\&|SND|FAC|RCV|FAC|20240101||ADT^A01|42|P|2.5\rPID|1||123^^^H^MR||Doe^Jane\r";

    fn get(m: &Message, p: &str) -> Option<String> {
        m.get(&Path::parse(p).expect("valid path"))
            .map(str::to_owned)
    }

    fn err(input: &str) -> ParseError {
        parse(input).expect_err("should fail")
    }

    #[test]
    fn parses_segments_fields_and_spans() {
        let m = parse(ADT).expect("valid");
        assert_eq!(m.all_segments().len(), 2);
        let pid = m.segment("PID", 1).expect("PID");
        assert_eq!(pid.raw(), "PID|1||123^^^H^MR||Doe^Jane");
        assert_eq!(ADT.get(pid.span()), Some(pid.raw()));
        assert_eq!(pid.fields().len(), 5);
        for field in pid.fields() {
            assert_eq!(ADT.get(field.span()), Some(field.raw()));
            for rep in field.repetitions() {
                assert_eq!(ADT.get(rep.span()), Some(rep.raw()));
                for comp in rep.components() {
                    assert_eq!(ADT.get(comp.span()), Some(comp.raw()));
                    for sub in comp.subcomponents() {
                        assert_eq!(ADT.get(sub.span()), Some(sub.raw()));
                    }
                }
            }
        }
        let name = pid.field(5).expect("PID-5");
        let comps = name.repetitions().first().map(Repetition::components);
        assert_eq!(comps.map(<[Component]>::len), Some(2));
        assert_eq!(get(&m, "PID-3.4"), Some("H".into()));
        assert_eq!(get(&m, "PID-2"), Some(String::new()));
    }

    #[test]
    fn msh_numbering_quirk() {
        let m = parse(ADT).expect("valid");
        assert_eq!(get(&m, "MSH-1").as_deref(), Some("|"));
        assert_eq!(get(&m, "MSH-2").as_deref(), Some("^~\\&"));
        assert_eq!(get(&m, "MSH-3").as_deref(), Some("SND"));
        assert_eq!(get(&m, "MSH-9").as_deref(), Some("ADT^A01"));
        assert_eq!(get(&m, "MSH-9.1").as_deref(), Some("ADT"));
        assert_eq!(get(&m, "MSH-10").as_deref(), Some("42"));
        assert_eq!(get(&m, "MSH-12").as_deref(), Some("2.5"));
        // MSH-2 is one value even though it holds the separators.
        let msh2 = m.segment("MSH", 1).and_then(|s| s.field(2)).expect("MSH-2");
        assert_eq!(msh2.repetitions().len(), 1);
        assert_eq!(msh2.repetitions()[0].components().len(), 1);
        // A bare header has just MSH-1 and MSH-2.
        let bare = parse("MSH|^~\\&").expect("valid");
        assert_eq!(bare.all_segments()[0].fields().len(), 2);
        let bare = parse("MSH|^~\\&|").expect("valid");
        assert_eq!(bare.all_segments()[0].fields().len(), 3);
    }

    #[test]
    fn honours_any_legal_delimiters() {
        let text = "MSH#$*@%#SND#FAC#RCV#FAC#20240101##ADT$A01#42#P#2.5\rPID#1##123$$$H$MR*456%x##Doe$Jane@S@Q\r";
        let m = parse(text).expect("valid");
        let d = m.delimiters();
        assert_eq!(
            (
                d.field(),
                d.component(),
                d.repetition(),
                d.escape(),
                d.subcomponent()
            ),
            ('#', '$', '*', '@', '%')
        );
        assert_eq!(get(&m, "MSH-1").as_deref(), Some("#"));
        assert_eq!(get(&m, "MSH-2").as_deref(), Some("$*@%"));
        assert_eq!(get(&m, "MSH-9.2").as_deref(), Some("A01"));
        assert_eq!(get(&m, "PID-3(2).1.2").as_deref(), Some("x"));
        assert_eq!(get(&m, "PID-3(1).4").as_deref(), Some("H"));
        let value = m.value(&Path::parse("PID-5.2").expect("path"));
        assert_eq!(value.as_deref(), Some("Jane$Q"));
        // Usual characters are plain text under other delimiters.
        let m = parse("MSH#$*@%#a|b^c~d\\e&f").expect("valid");
        assert_eq!(get(&m, "MSH-3").as_deref(), Some("a|b^c~d\\e&f"));
        // Non-ASCII delimiters work too.
        let m = parse("MSH¦^~\\&¦é¦x^y\rPID¦¦ü^ß").expect("valid");
        assert_eq!(get(&m, "MSH-4.2").as_deref(), Some("y"));
        assert_eq!(get(&m, "PID-2.2").as_deref(), Some("ß"));
    }

    #[test]
    fn truncation_character_in_msh2() {
        let m = parse("MSH|^~\\&#|A|B\rOBX|1|ST|||12\\P\\").expect("valid");
        assert_eq!(m.delimiters().truncation(), Some('#'));
        assert_eq!(get(&m, "MSH-2").as_deref(), Some("^~\\&#"));
        assert_eq!(get(&m, "MSH-3").as_deref(), Some("A"));
        let v = m.value(&Path::parse("OBX-5").expect("path"));
        assert_eq!(v.as_deref(), Some("12#"));
    }

    #[test]
    fn line_endings_and_blank_lines() {
        let lf = ADT.replace('\r', "\n");
        let crlf = ADT.replace('\r', "\r\n");
        let mixed = "MSH|^~\\&|A\r\n\r\nEVN|1\n\n  \t\nPID|1\rPV1|1\r\n";
        let reference = parse(ADT).expect("CR");
        for text in [lf.as_str(), crlf.as_str()] {
            let m = parse(text).expect("valid");
            assert!(m.equivalent(&reference));
        }
        let m = parse(mixed).expect("mixed");
        let ids: Vec<_> = m.all_segments().iter().map(Segment::id).collect();
        assert_eq!(ids, ["MSH", "EVN", "PID", "PV1"]);
        let pv1 = m.segment("PV1", 1).expect("PV1");
        assert_eq!(mixed.get(pv1.span()), Some("PV1|1"));
        // Leading blank lines are skipped too.
        assert!(parse("\r\n\nMSH|^~\\&|A").is_ok());
    }

    #[test]
    fn mllp_framing() {
        let framed = format!("\u{0b}{ADT}\u{1c}\r");
        let m = parse(&framed).expect("framed");
        assert!(m.equivalent(&parse(ADT).expect("plain")));
        // Spans point into the framed input.
        let pid = m.segment("PID", 1).expect("PID");
        assert_eq!(framed.get(pid.span()), Some(pid.raw()));
        // 0x1C alone at the end, with or without CR/LF after it.
        for tail in ["\u{1c}", "\u{1c}\n", "\u{1c}\r\n"] {
            let text = format!("\u{0b}MSH|^~\\&|A{tail}");
            let m = parse(&text).expect("framed");
            assert_eq!(get(&m, "MSH-3").as_deref(), Some("A"), "{tail:?}");
        }
        // Without the leading VT a 0x1C on its own line is still framing...
        let m = parse("MSH|^~\\&|A\r\u{1c}\r").expect("valid");
        assert_eq!(m.all_segments().len(), 1);
        // ... but one at the end of a segment is data.
        let m = parse("MSH|^~\\&|A\u{1c}").expect("valid");
        assert_eq!(get(&m, "MSH-3").as_deref(), Some("A\u{1c}"));
        // A byte-order mark is skipped.
        assert!(parse("\u{feff}MSH|^~\\&|A").is_ok());
        // An empty frame.
        let e = err("\u{0b}\u{1c}\r");
        assert_eq!(e.kind, ParseErrorKind::Empty);
    }

    #[test]
    fn batch_with_one_message() {
        let text = "FHS|^~\\&|APP\rBHS|^~\\&|APP\rMSH|^~\\&|APP|FAC|||||ORU^R01|1|P|2.5\rOBX|1|ST|||x\rBTS|1\rFTS|1\r";
        let m = parse(text).expect("batch");
        let ids: Vec<_> = m.all_segments().iter().map(Segment::id).collect();
        assert_eq!(ids, ["FHS", "BHS", "MSH", "OBX", "BTS", "FTS"]);
        assert_eq!(get(&m, "FHS-2").as_deref(), Some("^~\\&"));
        assert_eq!(get(&m, "FHS-3").as_deref(), Some("APP"));
        assert_eq!(m.control_id().as_deref(), Some("1"));
        assert!(parse("BHS|^~\\&\rMSH|^~\\&|A").is_ok());
        assert!(parse("FHS|^~\\&\rMSH|^~\\&|A").is_ok());
    }

    #[test]
    fn batch_errors() {
        let e = err("FHS|^~\\&\rPID|1");
        assert_eq!(e.kind, ParseErrorKind::MisplacedSegment);
        assert_eq!((e.line, e.column), (2, 1));
        let e = err("FHS|^~\\&\rBHS|^~\\&\r");
        assert_eq!(e.kind, ParseErrorKind::MissingHeader);
        assert_eq!(
            e.message,
            "expected an `MSH` segment after the `FHS` header, found end of input"
        );
        let e = err("FHS|^~\\&\rMSH|^~\\&#|A");
        assert_eq!(e.kind, ParseErrorKind::MismatchedDelimiters);
        assert_eq!((e.line, e.column), (2, 5));
        let e = err("FHS|^~\\&\rMSH#^~\\&#A");
        assert_eq!(e.kind, ParseErrorKind::InvalidSegmentId);
        let e = err("MSH|^~\\&\rFHS|^~\\&");
        assert_eq!(e.kind, ParseErrorKind::MultipleMessages);
        let e = err("BHS|^~\\&\rFHS|^~\\&");
        assert_eq!(e.kind, ParseErrorKind::MisplacedSegment);
        let e = err("FHS|^~\\&\rBHS\r");
        assert_eq!(e.kind, ParseErrorKind::MissingFieldSeparator);
    }

    #[test]
    fn rejects_a_second_message() {
        let e = err("MSH|^~\\&|A\rPID|1\rMSH|^~\\&|B\r");
        assert_eq!(e.kind, ParseErrorKind::MultipleMessages);
        assert_eq!((e.line, e.column, e.offset), (3, 1, 17));
        assert!(e
            .to_string()
            .starts_with("line 3, column 1: found a second header segment `MSH`"));
    }

    #[test]
    fn error_when_not_starting_with_msh() {
        let e = err("PID|1||123");
        assert_eq!(e.kind, ParseErrorKind::MissingHeader);
        assert_eq!((e.line, e.column, e.offset), (1, 1, 0));
        assert_eq!(e.expected, "`MSH` at the start of the message");
        assert_eq!(e.found, "`PID`");
        assert_eq!(
            e.to_string(),
            "line 1, column 1: expected `MSH` at the start of the message, found `PID`"
        );
        let e = err("\n\nmsh|^~\\&");
        assert_eq!((e.line, e.column), (3, 1));
        assert_eq!(e.found, "`msh`");
        let e = err(" MSH|^~\\&");
        assert_eq!(e.found, "` MS`");
        let e = err("\u{0b}PID|1");
        assert_eq!((e.line, e.column, e.offset), (1, 2, 1));
    }

    #[test]
    fn empty_and_whitespace_input() {
        let e = err("");
        assert_eq!(e.kind, ParseErrorKind::Empty);
        assert_eq!((e.line, e.column), (1, 1));
        assert_eq!(
            e.to_string(),
            "line 1, column 1: expected an HL7 message starting with `MSH`, found empty input"
        );
        for ws in [" ", "\r\n", "\n\n\t ", "\u{0b} \u{1c}"] {
            let e = err(ws);
            assert_eq!(e.kind, ParseErrorKind::WhitespaceOnly, "{ws:?}");
        }
    }

    #[test]
    fn field_separator_errors() {
        let e = err("MSH");
        assert_eq!(e.kind, ParseErrorKind::MissingFieldSeparator);
        assert_eq!((e.line, e.column), (1, 4));
        assert_eq!(e.found, "end of line");
        let e = err("MSHA^~\\&");
        assert_eq!(e.kind, ParseErrorKind::InvalidEncodingCharacter);
        assert_eq!((e.column, e.found.as_str()), (4, "`A`"));
        let e = err("MSH\t^~\\&");
        assert_eq!(e.kind, ParseErrorKind::InvalidEncodingCharacter);
        assert_eq!(e.found, "U+0009");
    }

    #[test]
    fn encoding_character_errors() {
        let e = err("MSH|^~\\|A");
        assert_eq!(e.kind, ParseErrorKind::MissingEncodingCharacters);
        assert_eq!((e.line, e.column), (1, 8));
        assert!(e.message.contains("missing encoding characters"), "{e}");
        let e = err("MSH||A");
        assert_eq!(e.kind, ParseErrorKind::MissingEncodingCharacters);
        assert_eq!(e.found, "an empty MSH-2");
        let e = err("MSH|");
        assert_eq!(e.kind, ParseErrorKind::MissingEncodingCharacters);
        let e = err("MSH|^~^&|A");
        assert_eq!(e.kind, ParseErrorKind::DuplicateEncodingCharacter);
        assert_eq!((e.line, e.column), (1, 7));
        assert!(
            e.message.contains("duplicate encoding character `^`"),
            "{e}"
        );
        let e = err("MSH|^~\\&#!|A");
        assert_eq!(e.kind, ParseErrorKind::TooManyEncodingCharacters);
        assert_eq!(e.column, 10);
        let e = err("MSH|^~x&|A");
        assert_eq!(e.kind, ParseErrorKind::InvalidEncodingCharacter);
        assert_eq!(e.column, 7);
        assert!(e.expected.starts_with("the escape character"), "{e}");
        let e = err("MSH|^~\\&^|A");
        assert_eq!(e.kind, ParseErrorKind::DuplicateEncodingCharacter);
        assert_eq!(e.column, 9);
    }

    #[test]
    fn segment_id_errors() {
        for (text, found) in [
            ("MSH|^~\\&\rpid|1", "`pid`"),
            ("MSH|^~\\&\rPIDX|1", "`PIDX`"),
            ("MSH|^~\\&\r1ID|1", "`1ID`"),
            ("MSH|^~\\&\rPI|1", "`PI`"),
            ("MSH|^~\\&\rPI", "`PI`"),
            ("MSH|^~\\&\r P|1", "` P`"),
            ("MSH|^~\\&\rPÏD|1", "`PÏD`"),
            ("MSH|^~\\&\rPID^1", "`PID^1`"),
        ] {
            let e = err(text);
            assert_eq!(e.kind, ParseErrorKind::InvalidSegmentId, "{text}");
            assert_eq!((e.line, e.column), (2, 1), "{text}");
            assert_eq!(e.found, found, "{text}");
        }
        // Z-segments and IDs with digits are fine; a segment may have no fields.
        let m = parse("MSH|^~\\&\rZP1|x\rPV2\rNK1|").expect("valid");
        assert_eq!(m.segment("PV2", 1).map(|s| s.fields().len()), Some(0));
        assert_eq!(m.segment("NK1", 1).map(|s| s.fields().len()), Some(1));
        // Line and column count the CRLF once and characters, not bytes.
        let e = err("MSH|^~\\&|é\r\nPID|1\r\nbad|");
        assert_eq!((e.line, e.column, e.offset), (3, 1, 20));
    }

    #[test]
    fn never_panics_on_odd_input() {
        for text in [
            "MSH",
            "MSH|",
            "MSH|^",
            "MSH|^~\\&|\u{1c}",
            "\u{0b}",
            "\u{1c}",
            "\u{feff}",
            "MSH|^~\\&\r\u{1c}x",
            "MSH¦",
            "MSH|^~\\&|^~&|\\",
            "MS\u{e9}",
        ] {
            let _ = parse(text);
        }
    }
}
