//! Building messages programmatically.
//!
//! ```
//! use pacs_academy::hl7::{Delimiters, MessageBuilder, SegmentBuilder};
//!
//! let mut builder = MessageBuilder::new(Delimiters::default());
//! builder
//!     .set("MSH-9.1", "ADT")?
//!     .set("MSH-9.2", "A01")?
//!     .set("MSH-10", "MSG0001")?
//!     .set("MSH-12", "2.5.1")?;
//! let mut pid = SegmentBuilder::new("PID")?;
//! pid.set("3(1).1", "12345")?.set("5.1", "O'Brien^Smith")?;
//! builder.push(pid);
//! builder.set("PID-3(2).1", "67890")?;
//! let message = builder.build();
//! assert_eq!(message.control_id().as_deref(), Some("MSG0001"));
//! assert!(message
//!     .to_er7(Default::default())
//!     .contains("PID|||12345~67890||O'Brien\\S\\Smith"));
//! # Ok::<(), pacs_academy::hl7::BuildError>(())
//! ```

use super::delimiters::Delimiters;
use super::encode::assemble;
use super::error::BuildError;
use super::escape::escape_into;
use super::message::{is_header_id, Message};
use super::parse::is_segment_id;
use super::path::{Depth, Path};

/// The largest field, repetition, component or subcomponent number the
/// builders accept, so that a typo cannot allocate millions of empty parts.
pub const MAX_INDEX: usize = 10_000;

/// A leaf value: plain text (escaped when built) or raw ER7 text.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Value {
    Text(String),
    Raw(String),
}

type Comp = Vec<Value>;
type Rep = Vec<Comp>;
type FieldTree = Vec<Rep>;

fn empty_value() -> Value {
    Value::Text(String::new())
}

fn empty_comp() -> Comp {
    vec![empty_value()]
}

fn empty_rep() -> Rep {
    vec![empty_comp()]
}

fn empty_field() -> FieldTree {
    vec![empty_rep()]
}

/// What to store at a path, shaped for the path's level.
enum Fragment {
    Field(FieldTree),
    Repetition(Rep),
    Component(Comp),
    Subcomponent(Value),
}

impl Fragment {
    /// One leaf value, wrapped to suit `depth`.
    fn leaf(depth: Depth, value: Value) -> Fragment {
        match depth {
            Depth::Segment | Depth::Field => Fragment::Field(vec![vec![vec![value]]]),
            Depth::Repetition => Fragment::Repetition(vec![vec![value]]),
            Depth::Component => Fragment::Component(vec![value]),
            Depth::Subcomponent => Fragment::Subcomponent(value),
        }
    }
}

/// Makes sure `items` has at least `n` entries and returns entry `n`
/// (1-based); `None` only if `n` is 0.
fn slot<T>(items: &mut Vec<T>, n: usize, fill: impl Fn() -> T) -> Option<&mut T> {
    while items.len() < n {
        items.push(fill());
    }
    items.get_mut(n.checked_sub(1)?)
}

/// Checks that a path can be set and returns its field number.
fn check_path(path: &Path) -> Result<usize, BuildError> {
    let shown = || path.to_string();
    let f = path.field().ok_or_else(|| BuildError::NoField(shown()))?;
    if is_header_id(path.segment_id()) && f <= 2 {
        return Err(BuildError::EncodingField(shown()));
    }
    let numbers = [
        Some(f),
        path.repetition(),
        path.component(),
        path.subcomponent(),
    ];
    if numbers.iter().flatten().any(|&n| n > MAX_INDEX) {
        return Err(BuildError::IndexTooLarge(shown()));
    }
    Ok(f)
}

/// One segment being built: values are plain text, escaped with the
/// message's delimiters when the message is built.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SegmentBuilder {
    id: String,
    fields: Vec<FieldTree>,
}

impl SegmentBuilder {
    /// An empty segment. `MSH`, `FHS` and `BHS` are refused: the message
    /// builder makes the header itself.
    pub fn new(id: &str) -> Result<Self, BuildError> {
        if !is_segment_id(id) {
            return Err(BuildError::InvalidSegmentId(id.to_owned()));
        }
        if is_header_id(id) {
            return Err(BuildError::HeaderSegment(id.to_owned()));
        }
        Ok(SegmentBuilder {
            id: id.to_owned(),
            fields: Vec::new(),
        })
    }

    fn header(id: &str) -> Self {
        SegmentBuilder {
            id: id.to_owned(),
            fields: vec![empty_field(), empty_field()],
        }
    }

    /// The segment ID.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Sets the plain-text `value` at `path`, which is either a whole path
    /// for this segment (`PID-5.1`; its occurrence is ignored) or just the
    /// part after the dash (`5.1`, `3(2).1`). Missing parts before it are
    /// created empty. Setting a field, repetition or component replaces
    /// everything inside it.
    pub fn set(&mut self, path: &str, value: &str) -> Result<&mut Self, BuildError> {
        let path = self.local_path(path)?;
        self.set_path(&path, value)
    }

    /// Like [`set`](Self::set), with a parsed path.
    pub fn set_path(&mut self, path: &Path, value: &str) -> Result<&mut Self, BuildError> {
        if path.segment_id() != self.id {
            return Err(BuildError::WrongSegment {
                path: path.to_string(),
                segment: self.id.clone(),
            });
        }
        self.put(
            path,
            Fragment::leaf(path.depth(), Value::Text(value.to_owned())),
        )?;
        Ok(self)
    }

    fn local_path(&self, path: &str) -> Result<Path, BuildError> {
        let trimmed = path.trim_start();
        if trimmed.starts_with(|c: char| c.is_ascii_digit()) {
            Ok(Path::parse(&format!("{}-{trimmed}", self.id))?)
        } else {
            Ok(Path::parse(path)?)
        }
    }

    fn put(&mut self, path: &Path, fragment: Fragment) -> Result<(), BuildError> {
        let shown = || path.to_string();
        let f = check_path(path)?;
        let field = slot(&mut self.fields, f, empty_field);
        let rep = path.repetition().unwrap_or(1);
        let comp = path.component().unwrap_or(1);
        let sub = path.subcomponent().unwrap_or(1);
        let stored = match fragment {
            Fragment::Field(tree) => field.map(|x| *x = tree),
            Fragment::Repetition(tree) => field
                .and_then(|x| slot(x, rep, empty_rep))
                .map(|x| *x = tree),
            Fragment::Component(tree) => field
                .and_then(|x| slot(x, rep, empty_rep))
                .and_then(|x| slot(x, comp, empty_comp))
                .map(|x| *x = tree),
            Fragment::Subcomponent(value) => field
                .and_then(|x| slot(x, rep, empty_rep))
                .and_then(|x| slot(x, comp, empty_comp))
                .and_then(|x| slot(x, sub, empty_value))
                .map(|x| *x = value),
        };
        stored.ok_or_else(|| BuildError::NoField(shown()))
    }

    /// The fields as raw text escaped for `d`.
    fn raw_fields(&self, d: &Delimiters) -> Vec<String> {
        self.fields
            .iter()
            .map(|field| {
                let mut out = String::new();
                for (r, rep) in field.iter().enumerate() {
                    if r > 0 {
                        out.push(d.repetition());
                    }
                    for (c, comp) in rep.iter().enumerate() {
                        if c > 0 {
                            out.push(d.component());
                        }
                        for (s, value) in comp.iter().enumerate() {
                            if s > 0 {
                                out.push(d.subcomponent());
                            }
                            match value {
                                Value::Text(text) => escape_into(&mut out, text, d),
                                Value::Raw(raw) => out.push_str(raw),
                            }
                        }
                    }
                }
                out
            })
            .collect()
    }
}

/// Builds a message: an `MSH` segment made from the delimiters, then the
/// segments added with [`push`](Self::push), [`segment`](Self::segment) or
/// by setting paths.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MessageBuilder {
    delimiters: Delimiters,
    segments: Vec<SegmentBuilder>,
}

impl Default for MessageBuilder {
    /// A builder with the usual delimiters `|^~\&`.
    fn default() -> Self {
        MessageBuilder::new(Delimiters::default())
    }
}

impl MessageBuilder {
    /// A message holding only an `MSH` segment with MSH-1 and MSH-2.
    pub fn new(delimiters: Delimiters) -> Self {
        MessageBuilder {
            delimiters,
            segments: vec![SegmentBuilder::header("MSH")],
        }
    }

    /// A builder holding a copy of `message` (raw values are kept as they
    /// are, so escape sequences survive), e.g. to change a few values.
    pub fn from_message(message: &Message) -> Self {
        let segments = message
            .segments
            .iter()
            .map(|s| SegmentBuilder {
                id: s.id.clone(),
                fields: s
                    .fields
                    .iter()
                    .map(|f| {
                        f.repetitions
                            .iter()
                            .map(|r| {
                                r.components
                                    .iter()
                                    .map(|c| {
                                        c.subcomponents
                                            .iter()
                                            .map(|x| Value::Raw(x.raw.clone()))
                                            .collect()
                                    })
                                    .collect()
                            })
                            .collect()
                    })
                    .collect(),
            })
            .collect();
        MessageBuilder {
            delimiters: message.delimiters,
            segments,
        }
    }

    /// The delimiters the message will use.
    pub fn delimiters(&self) -> &Delimiters {
        &self.delimiters
    }

    /// Sets the plain-text `value` at `path` (e.g. `PID-5.1`, `OBX[2]-5`);
    /// it is escaped when the message is built. A path naming the next
    /// occurrence of a segment (e.g. `PID-3` when there is no `PID`, or
    /// `OBX[3]-1` when there are two) appends that segment.
    pub fn set(&mut self, path: &str, value: &str) -> Result<&mut Self, BuildError> {
        let path = Path::parse(path)?;
        self.set_path(&path, value)
    }

    /// Like [`set`](Self::set), with a parsed path.
    pub fn set_path(&mut self, path: &Path, value: &str) -> Result<&mut Self, BuildError> {
        let fragment = Fragment::leaf(path.depth(), Value::Text(value.to_owned()));
        self.segment_for(path)?.put(path, fragment)?;
        Ok(self)
    }

    /// Sets raw ER7 `raw` text at `path`, split by this builder's
    /// delimiters below the path's level and kept unescaped, e.g.
    /// `set_raw("PID-5", "O'Brien^Mary")`. The text must not hold line
    /// breaks, the field separator, or a separator of the path's own level
    /// or above.
    pub fn set_raw(&mut self, path: &str, raw: &str) -> Result<&mut Self, BuildError> {
        let path = Path::parse(path)?;
        let d = self.delimiters;
        let depth = path.depth();
        let forbidden = |c: char| {
            c == '\r'
                || c == '\n'
                || c == d.field()
                || (c == d.repetition() && depth >= Depth::Repetition)
                || (c == d.component() && depth >= Depth::Component)
                || (c == d.subcomponent() && depth >= Depth::Subcomponent)
        };
        if let Some(character) = raw.chars().find(|&c| forbidden(c)) {
            return Err(BuildError::InvalidRaw {
                path: path.to_string(),
                character,
            });
        }
        let comp = |c: &str| -> Comp {
            c.split(d.subcomponent())
                .map(|s| Value::Raw(s.to_owned()))
                .collect()
        };
        let rep = |r: &str| -> Rep { r.split(d.component()).map(comp).collect() };
        let fragment = match depth {
            Depth::Segment | Depth::Field => {
                Fragment::Field(raw.split(d.repetition()).map(rep).collect())
            }
            Depth::Repetition => Fragment::Repetition(rep(raw)),
            Depth::Component => Fragment::Component(comp(raw)),
            Depth::Subcomponent => Fragment::Subcomponent(Value::Raw(raw.to_owned())),
        };
        self.segment_for(&path)?.put(&path, fragment)?;
        Ok(self)
    }

    /// Appends a segment built on its own.
    pub fn push(&mut self, segment: SegmentBuilder) -> &mut Self {
        self.segments.push(segment);
        self
    }

    /// Appends a new, empty segment and returns it for setting values.
    pub fn segment(&mut self, id: &str) -> Result<&mut SegmentBuilder, BuildError> {
        let segment = SegmentBuilder::new(id)?;
        self.segments.push(segment);
        let index = self.segments.len() - 1;
        self.segments
            .get_mut(index)
            .ok_or_else(|| BuildError::InvalidSegmentId(id.to_owned()))
    }

    /// The segment that `path` names, appending it if it is the next one.
    fn segment_for(&mut self, path: &Path) -> Result<&mut SegmentBuilder, BuildError> {
        check_path(path)?;
        let id = path.segment_id();
        let existing = self.segments.iter().filter(|s| s.id == id).count();
        let wanted = path.occurrence();
        if wanted == existing + 1 {
            if is_header_id(id) {
                return Err(BuildError::HeaderSegment(id.to_owned()));
            }
            self.segments.push(SegmentBuilder::new(id)?);
        } else if wanted > existing {
            return Err(BuildError::MissingSegment {
                path: path.to_string(),
                existing,
            });
        }
        self.segments
            .iter_mut()
            .filter(|s| s.id == id)
            .nth(wanted - 1)
            .ok_or_else(|| BuildError::MissingSegment {
                path: path.to_string(),
                existing,
            })
    }

    /// The finished message, as if parsed from its CR-separated ER7 text:
    /// spans refer to `message.to_er7(SegmentSeparator::Cr)`.
    pub fn build(&self) -> Message {
        let d = &self.delimiters;
        assemble(
            d,
            self.segments
                .iter()
                .map(|s| (s.id.clone(), s.raw_fields(d))),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::super::{parse, SegmentSeparator};
    use super::*;

    fn path(s: &str) -> Path {
        Path::parse(s).expect("valid path")
    }

    fn er7(m: &Message) -> String {
        m.to_er7(SegmentSeparator::Cr)
    }

    #[test]
    fn builds_an_adt_a01() {
        let mut b = MessageBuilder::default();
        b.set("MSH-3", "PACS Academy")
            .and_then(|b| b.set("MSH-9.1", "ADT"))
            .and_then(|b| b.set("MSH-9.2", "A01"))
            .and_then(|b| b.set("MSH-9.3", "ADT_A01"))
            .and_then(|b| b.set("MSH-10", "42"))
            .and_then(|b| b.set("MSH-12", "2.5.1"))
            .and_then(|b| b.set("EVN-1", "A01"))
            .and_then(|b| b.set("PID-3(1).1", "123"))
            .and_then(|b| b.set("PID-3(2).1", "456"))
            .and_then(|b| b.set("PID-5.1", "O'Brien"))
            .and_then(|b| b.set("PID-5.2", "Mary"))
            .expect("valid paths");
        let m = b.build();
        assert_eq!(
            er7(&m),
            "MSH|^~\\&|PACS Academy||||||ADT^A01^ADT_A01|42||2.5.1\rEVN|A01\rPID|||123~456||O'Brien^Mary\r"
        );
        assert_eq!(parse(&er7(&m)).as_ref(), Ok(&m));
        let t = m.message_type().expect("MSH-9");
        assert_eq!(t.to_string(), "ADT^A01^ADT_A01");
        assert_eq!(m.version().as_deref(), Some("2.5.1"));
    }

    #[test]
    fn set_escapes_values() {
        let mut b = MessageBuilder::default();
        b.set("OBX-5", "a|b^c~d\\e&f\ng").expect("valid");
        let m = b.build();
        assert_eq!(
            er7(&m),
            "MSH|^~\\&\rOBX|||||a\\F\\b\\S\\c\\R\\d\\E\\e\\T\\f\\.br\\g\r"
        );
        assert_eq!(m.value(&path("OBX-5")).as_deref(), Some("a|b^c~d\\e&f\ng"));
        // With other delimiters the same value is escaped differently.
        let odd = Delimiters::new('#', '$', '*', '@', '%').expect("legal");
        let mut b = MessageBuilder::new(odd);
        b.set("OBX-5", "a#b$c|d").expect("valid");
        assert_eq!(er7(&b.build()), "MSH#$*@%\rOBX#####a@F@b@S@c|d\r");
    }

    #[test]
    fn segment_builder() {
        let mut pid = SegmentBuilder::new("PID").expect("valid ID");
        pid.set("3", "123")
            .and_then(|s| s.set("PID-5.1.2", "x"))
            .and_then(|s| s.set("7", "19800101"))
            .expect("valid paths");
        assert!(matches!(
            pid.set("OBX-5", "x"),
            Err(BuildError::WrongSegment { .. })
        ));
        let mut b = MessageBuilder::default();
        b.push(pid);
        b.segment("ZP1")
            .and_then(|z| z.set("1", "custom"))
            .expect("valid");
        let m = b.build();
        assert_eq!(er7(&m), "MSH|^~\\&\rPID|||123||&x||19800101\rZP1|custom\r");
        assert_eq!(
            SegmentBuilder::new("ZP1")
                .map(|s| s.id().to_owned())
                .as_deref(),
            Ok("ZP1")
        );
    }

    #[test]
    fn repeated_segments_by_occurrence() {
        let mut b = MessageBuilder::default();
        b.set("OBX-1", "1")
            .and_then(|b| b.set("OBX[2]-1", "2"))
            .and_then(|b| b.set("OBX[1]-5", "first"))
            .expect("valid");
        assert!(matches!(
            b.set("OBX[4]-1", "4"),
            Err(BuildError::MissingSegment { existing: 2, .. })
        ));
        let m = b.build();
        assert_eq!(er7(&m), "MSH|^~\\&\rOBX|1||||first\rOBX|2\r");
    }

    #[test]
    fn setting_replaces_inner_parts() {
        let mut b = MessageBuilder::default();
        b.set("PID-5.1.2", "x")
            .and_then(|b| b.set("PID-5(2).3", "y"))
            .expect("valid");
        assert_eq!(er7(&b.build()), "MSH|^~\\&\rPID|||||&x~^^y\r");
        b.set("PID-5(2)", "z").expect("valid");
        assert_eq!(er7(&b.build()), "MSH|^~\\&\rPID|||||&x~z\r");
        b.set("PID-5", "w").expect("valid");
        assert_eq!(er7(&b.build()), "MSH|^~\\&\rPID|||||w\r");
    }

    #[test]
    fn set_raw_splits_and_keeps_escapes() {
        let mut b = MessageBuilder::default();
        b.set_raw("PID-5", "O'Brien^Mary~Smith^J&K")
            .and_then(|b| b.set_raw("OBX-5", "\\H\\bold\\N\\"))
            .and_then(|b| b.set_raw("PID-6.2", "a&b"))
            .expect("valid");
        let m = b.build();
        assert_eq!(
            er7(&m),
            "MSH|^~\\&\rPID|||||O'Brien^Mary~Smith^J&K|^a&b\rOBX|||||\\H\\bold\\N\\\r"
        );
        assert_eq!(m.get(&path("PID-5(2).2.2")), Some("K"));
        assert_eq!(parse(&er7(&m)).as_ref(), Ok(&m));
        for (p, raw, bad) in [
            ("PID-5", "a|b", '|'),
            ("PID-5", "a\rb", '\r'),
            ("PID-5(1)", "a~b", '~'),
            ("PID-5.1", "a^b", '^'),
            ("PID-5.1.1", "a&b", '&'),
        ] {
            assert_eq!(
                b.set_raw(p, raw).map(|_| ()),
                Err(BuildError::InvalidRaw {
                    path: p.to_string(),
                    character: bad
                })
            );
        }
    }

    #[test]
    fn refuses_bad_requests() {
        let mut b = MessageBuilder::default();
        assert!(matches!(
            b.set("MSH-1", "x"),
            Err(BuildError::EncodingField(_))
        ));
        assert!(matches!(
            b.set("MSH-2.1", "x"),
            Err(BuildError::EncodingField(_))
        ));
        assert!(matches!(
            b.set("MSH[2]-3", "x"),
            Err(BuildError::HeaderSegment(_))
        ));
        assert!(matches!(b.set("PID", "x"), Err(BuildError::NoField(_))));
        assert!(matches!(b.set("PID-x", "x"), Err(BuildError::Path(_))));
        assert!(matches!(
            b.set("PID-10001", "x"),
            Err(BuildError::IndexTooLarge(_))
        ));
        assert!(matches!(
            b.set("PID-1(99999)", "x"),
            Err(BuildError::IndexTooLarge(_))
        ));
        assert!(matches!(
            SegmentBuilder::new("MSH"),
            Err(BuildError::HeaderSegment(_))
        ));
        assert!(matches!(
            SegmentBuilder::new("pid"),
            Err(BuildError::InvalidSegmentId(_))
        ));
        assert!(b.segment("PIDX").is_err());
        // The failed requests changed nothing.
        assert_eq!(er7(&b.build()), "MSH|^~\\&\r");
    }

    #[test]
    fn from_message_keeps_raw_values() {
        let text = "MSH|^~\\&|A|B\rPID|1||123~456||Doe^J\\H\\o\\N\\\rZZ1\r";
        let m = parse(text).expect("valid");
        let mut b = MessageBuilder::from_message(&m);
        assert_eq!(b.build(), m);
        b.set("PID-1", "2").expect("valid");
        assert_eq!(
            er7(&b.build()),
            "MSH|^~\\&|A|B\rPID|2||123~456||Doe^J\\H\\o\\N\\\rZZ1\r"
        );
        assert_eq!(b.delimiters(), m.delimiters());
    }
}
