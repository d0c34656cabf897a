//! The encoder: [`Message`] back to ER7 text, MLLP framing and changing
//! delimiters.

use serde::{Deserialize, Serialize};

use super::delimiters::Delimiters;
use super::escape::transcode;
use super::message::{is_header_id, Field, Message, Segment};
use super::parse::{leaf_field, split_field};

/// What ends each segment in encoded text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SegmentSeparator {
    /// Carriage return, as the standard requires.
    #[default]
    Cr,
    /// Line feed, as files on Unix often have.
    Lf,
    /// Carriage return and line feed, as files on Windows often have.
    CrLf,
}

impl SegmentSeparator {
    /// The separator's text.
    pub fn as_str(self) -> &'static str {
        match self {
            SegmentSeparator::Cr => "\r",
            SegmentSeparator::Lf => "\n",
            SegmentSeparator::CrLf => "\r\n",
        }
    }
}

/// The byte that opens an MLLP frame.
pub const MLLP_START: char = '\u{0b}';
/// The bytes that close an MLLP frame.
pub const MLLP_END: &str = "\u{1c}\r";

impl Message {
    /// The message as ER7 text, each segment (the last one too) followed by
    /// `separator`.
    ///
    /// Parsing the result gives an [equivalent](Message::equivalent)
    /// message; with [`SegmentSeparator::Cr`] and a message that was built or
    /// parsed from CR-separated text without framing, an equal one.
    pub fn to_er7(&self, separator: SegmentSeparator) -> String {
        let sep = separator.as_str();
        let len = self.segments.iter().map(|s| s.raw.len() + sep.len()).sum();
        let mut out = String::with_capacity(len);
        for segment in &self.segments {
            out.push_str(&segment.raw);
            out.push_str(sep);
        }
        out
    }

    /// The message in an MLLP frame: 0x0B, the CR-separated ER7 text, then
    /// 0x1C 0x0D.
    pub fn to_mllp(&self) -> String {
        let mut out = String::from(MLLP_START);
        out.push_str(&self.to_er7(SegmentSeparator::Cr));
        out.push_str(MLLP_END);
        out
    }

    /// The same message written with other delimiters: every decoded value
    /// stays the same (see [`transcode`](super::transcode)). Spans refer to
    /// the result's [`to_er7`](Message::to_er7) text.
    pub fn with_delimiters(&self, delimiters: Delimiters) -> Message {
        let from = &self.delimiters;
        let segments = self.segments.iter().map(|s| {
            let fields = s
                .fields
                .iter()
                .map(|f| transcode_field(f, from, &delimiters))
                .collect();
            (s.id.clone(), fields)
        });
        assemble(&delimiters, segments)
    }
}

fn transcode_field(field: &Field, from: &Delimiters, to: &Delimiters) -> String {
    let mut out = String::with_capacity(field.raw.len());
    for (r, rep) in field.repetitions.iter().enumerate() {
        if r > 0 {
            out.push(to.repetition());
        }
        for (c, comp) in rep.components.iter().enumerate() {
            if c > 0 {
                out.push(to.component());
            }
            for (s, sub) in comp.subcomponents.iter().enumerate() {
                if s > 0 {
                    out.push(to.subcomponent());
                }
                out.push_str(&transcode(&sub.raw, from, to));
            }
        }
    }
    out
}

/// Builds a message from segment IDs and raw field texts (already escaped
/// for `d`), as if parsed from its CR-separated ER7 text. Fields 1 and 2 of
/// header segments are replaced by the delimiters.
pub(crate) fn assemble(
    d: &Delimiters,
    segments: impl IntoIterator<Item = (String, Vec<String>)>,
) -> Message {
    let mut offset = 0;
    let mut out = Vec::new();
    for (id, fields) in segments {
        let base = offset;
        let header = is_header_id(&id);
        let mut line = id.clone();
        let mut nodes = Vec::with_capacity(fields.len());
        if header {
            let sep = d.field().to_string();
            nodes.push(leaf_field(&sep, base + line.len()));
            line.push_str(&sep);
            let enc = d.encoding_characters();
            nodes.push(leaf_field(&enc, base + line.len()));
            line.push_str(&enc);
        }
        for raw in fields.iter().skip(if header { 2 } else { 0 }) {
            line.push(d.field());
            nodes.push(split_field(raw, base + line.len(), d));
            line.push_str(raw);
        }
        offset = base + line.len() + 1;
        out.push(Segment {
            id,
            span: base..base + line.len(),
            raw: line,
            fields: nodes,
        });
    }
    Message {
        delimiters: *d,
        segments: out,
    }
}

#[cfg(test)]
mod tests {
    use super::super::path::Path;
    use super::super::{parse, unescape_lossy};
    use super::*;

    const ADT: &str = "MSH|^~\\&|SND|FAC|RCV|FAC|20240101||ADT^A01|42|P|2.5\rPID|1||123^^^H^MR~456&x||O'Brien^Mary\\S\\Jo\\.br\\2\\H\\b\\N\\||\rZZ1\rNK1|\r";

    fn path(s: &str) -> Path {
        Path::parse(s).expect("valid path")
    }

    #[test]
    fn to_er7_reproduces_the_input() {
        let m = parse(ADT).expect("valid");
        assert_eq!(m.to_er7(SegmentSeparator::Cr), ADT);
        assert_eq!(m.to_er7(SegmentSeparator::default()), ADT);
        assert_eq!(m.to_er7(SegmentSeparator::Lf), ADT.replace('\r', "\n"));
        assert_eq!(m.to_er7(SegmentSeparator::CrLf), ADT.replace('\r', "\r\n"));
        assert_eq!(parse(&m.to_er7(SegmentSeparator::Cr)).as_ref(), Ok(&m));
    }

    #[test]
    fn re_encoding_keeps_the_structure() {
        let m = parse(ADT).expect("valid");
        for sep in [
            SegmentSeparator::Cr,
            SegmentSeparator::Lf,
            SegmentSeparator::CrLf,
        ] {
            let again = parse(&m.to_er7(sep)).expect("re-parse");
            assert!(again.equivalent(&m), "{sep:?}");
        }
        let lf = parse(&ADT.replace('\r', "\n")).expect("LF");
        assert_eq!(lf.to_er7(SegmentSeparator::Cr), ADT);
    }

    #[test]
    fn mllp_frame() {
        let m = parse(ADT).expect("valid");
        let framed = m.to_mllp();
        assert!(framed.starts_with('\u{0b}'));
        assert!(framed.ends_with("\r\u{1c}\r"));
        let again = parse(&framed).expect("framed");
        assert!(again.equivalent(&m));
        assert_eq!(again.to_er7(SegmentSeparator::Cr), ADT);
    }

    #[test]
    fn with_delimiters_keeps_values() {
        let m = parse(ADT).expect("valid");
        let odd = Delimiters::new('#', '$', '*', '@', '%').expect("legal");
        let changed = m.with_delimiters(odd);
        let text = changed.to_er7(SegmentSeparator::Cr);
        assert!(text.starts_with("MSH#$*@%#SND#FAC"), "{text}");
        assert!(
            text.contains("PID#1##123$$$H$MR*456%x##O'Brien$Mary^Jo@.br@2@H@b@N@##"),
            "{text}"
        );
        assert_eq!(parse(&text).as_ref(), Ok(&changed));
        assert!(changed.equivalent(&m));
        for leaf in m.leaves() {
            if leaf.path.field().is_some_and(|f| f > 2) || leaf.path.segment_id() != "MSH" {
                assert_eq!(
                    changed.value(&leaf.path),
                    Some(leaf.value.clone()),
                    "{}",
                    leaf.path
                );
            }
        }
        assert_eq!(
            changed.value(&path("PID-5.2")).as_deref(),
            Some("Mary^Jo\n2\\H\\b\\N\\")
        );
        // And back again.
        let back = changed.with_delimiters(Delimiters::default());
        assert!(back.equivalent(&m));
        assert_eq!(back.to_er7(SegmentSeparator::Cr), ADT);
    }

    #[test]
    fn with_delimiters_adds_and_drops_truncation() {
        let m = parse("MSH|^~\\&|A\rOBX|1|ST|||#1").expect("valid");
        let t = Delimiters::default().with_truncation('#').expect("legal");
        let changed = m.with_delimiters(t);
        assert_eq!(
            changed.to_er7(SegmentSeparator::Cr),
            "MSH|^~\\&#|A\rOBX|1|ST|||\\P\\1\r"
        );
        assert_eq!(changed.value(&path("OBX-5")).as_deref(), Some("#1"));
        let dropped = changed.with_delimiters(Delimiters::default());
        assert_eq!(
            dropped.to_er7(SegmentSeparator::Cr),
            "MSH|^~\\&|A\rOBX|1|ST|||#1\r"
        );
    }

    #[test]
    fn with_delimiters_on_a_batch() {
        let text = "FHS|^~\\&|A\rBHS|^~\\&|B\rMSH|^~\\&|C\rBTS|1\rFTS|1\r";
        let m = parse(text).expect("batch");
        let odd = Delimiters::new('#', '$', '*', '@', '%').expect("legal");
        let changed = m.with_delimiters(odd);
        assert_eq!(
            changed.to_er7(SegmentSeparator::Cr),
            "FHS#$*@%#A\rBHS#$*@%#B\rMSH#$*@%#C\rBTS#1\rFTS#1\r"
        );
        assert!(parse(&changed.to_er7(SegmentSeparator::Lf))
            .expect("re-parse")
            .equivalent(&m));
    }

    #[test]
    fn assemble_matches_the_parser() {
        let d = Delimiters::default();
        let m = assemble(
            &d,
            vec![
                (
                    "MSH".to_string(),
                    vec![String::new(), String::new(), "A".into()],
                ),
                (
                    "PID".to_string(),
                    vec!["1".into(), String::new(), "a^b~c&d".into()],
                ),
                ("ZZZ".to_string(), vec![]),
            ],
        );
        let text = m.to_er7(SegmentSeparator::Cr);
        assert_eq!(text, "MSH|^~\\&|A\rPID|1||a^b~c&d\rZZZ\r");
        assert_eq!(parse(&text).as_ref(), Ok(&m));
        assert_eq!(unescape_lossy("x", &d), "x");
    }
}
