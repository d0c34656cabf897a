//! The parsed message tree and its accessors.
//!
//! Every node keeps its raw (still escaped) text and its byte span in the
//! text it was parsed from. A message is immutable: to change one, use a
//! [`MessageBuilder`](super::MessageBuilder).

use std::collections::HashMap;
use std::fmt;
use std::ops::Range;

use serde::{Deserialize, Serialize};

use super::delimiters::Delimiters;
use super::escape::unescape_lossy;
use super::path::{Depth, Path};

/// Segment IDs whose first two fields are the encoding characters.
pub(crate) fn is_header_id(id: &str) -> bool {
    matches!(id, "MSH" | "FHS" | "BHS")
}

/// One HL7 v2 message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub(crate) delimiters: Delimiters,
    pub(crate) segments: Vec<Segment>,
}

/// One segment, e.g. `PID|1||12345`.
///
/// Fields are numbered as in HL7: for `MSH` (and `FHS`, `BHS`) field 1 is the
/// field separator itself and field 2 the encoding characters; for other
/// segments field 1 is the first one after the segment ID.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Segment {
    pub(crate) id: String,
    pub(crate) span: Range<usize>,
    pub(crate) raw: String,
    pub(crate) fields: Vec<Field>,
}

/// One field, with all its repetitions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Field {
    pub(crate) span: Range<usize>,
    pub(crate) raw: String,
    pub(crate) repetitions: Vec<Repetition>,
}

/// One repetition of a field (a field that does not repeat has one).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Repetition {
    pub(crate) span: Range<usize>,
    pub(crate) raw: String,
    pub(crate) components: Vec<Component>,
}

/// One component of a repetition.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Component {
    pub(crate) span: Range<usize>,
    pub(crate) raw: String,
    pub(crate) subcomponents: Vec<Subcomponent>,
}

/// One subcomponent: a leaf of the tree.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subcomponent {
    pub(crate) span: Range<usize>,
    pub(crate) raw: String,
}

/// MSH-9: message code, trigger event and message structure, decoded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageType {
    /// MSH-9.1, e.g. `ADT`.
    pub code: String,
    /// MSH-9.2, e.g. `A01`.
    pub trigger: Option<String>,
    /// MSH-9.3, e.g. `ADT_A01`.
    pub structure: Option<String>,
}

impl fmt::Display for MessageType {
    /// `ADT^A01^ADT_A01`, leaving out missing parts at the end.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.code)?;
        match (&self.trigger, &self.structure) {
            (Some(t), Some(s)) => write!(f, "^{t}^{s}"),
            (None, Some(s)) => write!(f, "^^{s}"),
            (Some(t), None) => write!(f, "^{t}"),
            (None, None) => Ok(()),
        }
    }
}

/// The node found at an offset by [`Message::path_at`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    /// The shortest path that names the node (see [`Message::leaves`]).
    pub path: Path,
    /// The node's byte span in the parsed text.
    pub span: Range<usize>,
    /// How deep the node is.
    pub depth: Depth,
}

/// A non-empty leaf, as listed by [`Message::leaves`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Leaf {
    /// The shortest path that names the leaf.
    pub path: Path,
    /// Its byte span in the parsed text.
    pub span: Range<usize>,
    /// Its raw (escaped) text.
    pub raw: String,
    /// Its decoded text (escape sequences decoded leniently).
    pub value: String,
}

macro_rules! node_accessors {
    ($ty:ty) => {
        impl $ty {
            /// The byte span of this part in the text it was parsed from.
            pub fn span(&self) -> Range<usize> {
                self.span.clone()
            }

            /// The raw, still escaped, text of this part.
            pub fn raw(&self) -> &str {
                &self.raw
            }
        }
    };
}

node_accessors!(Segment);
node_accessors!(Field);
node_accessors!(Repetition);
node_accessors!(Component);
node_accessors!(Subcomponent);

/// `items[n - 1]` for a 1-based `n`, without panicking.
fn nth<T>(items: &[T], n: usize) -> Option<&T> {
    n.checked_sub(1).and_then(|i| items.get(i))
}

impl Segment {
    /// The segment ID, e.g. `PID`.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// All fields, field 1 first.
    pub fn fields(&self) -> &[Field] {
        &self.fields
    }

    /// Field `n` (1-based, HL7 numbering).
    pub fn field(&self, n: usize) -> Option<&Field> {
        nth(&self.fields, n)
    }

    /// Whether this is `MSH`, `FHS` or `BHS`, whose fields 1 and 2 are the
    /// encoding characters.
    pub fn is_header(&self) -> bool {
        is_header_id(&self.id)
    }
}

impl Field {
    /// All repetitions (at least one).
    pub fn repetitions(&self) -> &[Repetition] {
        &self.repetitions
    }

    /// Repetition `n` (1-based).
    pub fn repetition(&self, n: usize) -> Option<&Repetition> {
        nth(&self.repetitions, n)
    }
}

impl Repetition {
    /// All components (at least one).
    pub fn components(&self) -> &[Component] {
        &self.components
    }

    /// Component `n` (1-based).
    pub fn component(&self, n: usize) -> Option<&Component> {
        nth(&self.components, n)
    }
}

impl Component {
    /// All subcomponents (at least one).
    pub fn subcomponents(&self) -> &[Subcomponent] {
        &self.subcomponents
    }

    /// Subcomponent `n` (1-based).
    pub fn subcomponent(&self, n: usize) -> Option<&Subcomponent> {
        nth(&self.subcomponents, n)
    }
}

/// A leaf path that leaves out numbers that are 1 by necessity: the
/// repetition when the field does not repeat, the component when there is
/// only one and no subcomponent is named, the subcomponent when there is
/// only one.
fn short_path(
    seg: &Segment,
    occurrence: usize,
    field: Option<(usize, &Field)>,
    rep: Option<(usize, &Repetition)>,
    comp: Option<(usize, &Component)>,
    sub: Option<usize>,
) -> Path {
    let Some((f, field)) = field else {
        return Path::from_parts(&seg.id, occurrence, None, None, None, None);
    };
    let repetition = rep.filter(|_| field.repetitions.len() > 1).map(|(r, _)| r);
    let subcomponent = match (comp, sub) {
        (Some((_, c)), Some(s)) if c.subcomponents.len() > 1 => Some(s),
        _ => None,
    };
    let component = match (rep, comp) {
        (Some((_, r)), Some((c, _))) if r.components.len() > 1 || subcomponent.is_some() => Some(c),
        _ => None,
    };
    Path::from_parts(
        &seg.id,
        occurrence,
        Some(f),
        repetition,
        component,
        subcomponent,
    )
}

impl Message {
    /// The message's delimiters, from MSH-1 and MSH-2.
    pub fn delimiters(&self) -> &Delimiters {
        &self.delimiters
    }

    /// Every segment, in order.
    pub fn all_segments(&self) -> &[Segment] {
        &self.segments
    }

    /// The segments with the given ID, in order.
    pub fn segments<'a>(&'a self, id: &'a str) -> impl Iterator<Item = &'a Segment> + 'a {
        self.segments.iter().filter(move |s| s.id == id)
    }

    /// The `occurrence`-th (1-based) segment with the given ID.
    pub fn segment(&self, id: &str, occurrence: usize) -> Option<&Segment> {
        let n = occurrence.checked_sub(1)?;
        self.segments.iter().filter(|s| s.id == id).nth(n)
    }

    /// The raw (escaped) text at `path`, or `None` if the message has no
    /// such part. A part that is present but empty gives `Some("")`.
    ///
    /// A path may stop at any level: `PID-3` is the whole field with all its
    /// repetitions, `PID-3(2)` one repetition. Naming component 1 of a part
    /// that has no components gives the whole part.
    pub fn get(&self, path: &Path) -> Option<&str> {
        let seg = self.segment(path.segment_id(), path.occurrence())?;
        let Some(f) = path.field() else {
            return Some(&seg.raw);
        };
        let field = seg.field(f)?;
        if path.repetition().is_none() && path.component().is_none() {
            return Some(&field.raw);
        }
        let rep = field.repetition(path.repetition().unwrap_or(1))?;
        let Some(c) = path.component() else {
            return Some(&rep.raw);
        };
        let comp = rep.component(c)?;
        let Some(s) = path.subcomponent() else {
            return Some(&comp.raw);
        };
        comp.subcomponent(s).map(|sub| sub.raw.as_str())
    }

    /// The decoded text at `path` (see [`get`](Self::get)); bad escape
    /// sequences are kept as written. MSH-1 and MSH-2 are returned as they
    /// are, since they hold the delimiters themselves.
    pub fn value(&self, path: &Path) -> Option<String> {
        let raw = self.get(path)?;
        let encoding_field = matches!(path.field(), Some(1 | 2)) && is_header_id(path.segment_id());
        if encoding_field {
            Some(raw.to_owned())
        } else {
            Some(unescape_lossy(raw, &self.delimiters))
        }
    }

    fn header_value(&self, field: usize, component: Option<usize>) -> Option<String> {
        let path = Path::from_parts("MSH", 1, Some(field), None, component, None);
        self.value(&path).filter(|v| !v.is_empty())
    }

    /// MSH-9 (message code, trigger event, message structure), or `None` if
    /// MSH-9.1 is missing or empty.
    pub fn message_type(&self) -> Option<MessageType> {
        Some(MessageType {
            code: self.header_value(9, Some(1))?,
            trigger: self.header_value(9, Some(2)),
            structure: self.header_value(9, Some(3)),
        })
    }

    /// MSH-10, the message control ID.
    pub fn control_id(&self) -> Option<String> {
        self.header_value(10, None)
    }

    /// MSH-12.1, the version ID, e.g. `2.5.1`.
    pub fn version(&self) -> Option<String> {
        self.header_value(12, Some(1))
    }

    /// The deepest part whose span holds byte `offset`, with its shortest
    /// path. A separator belongs to the part that contains it (a `^` to its
    /// repetition, a `|` to its segment); the segment ID belongs to the
    /// segment. Offsets on line breaks, blank lines or framing give `None`.
    pub fn path_at(&self, offset: usize) -> Option<Location> {
        let index = self.segments.partition_point(|s| s.span.end <= offset);
        let seg = self.segments.get(index)?;
        if !seg.span.contains(&offset) {
            return None;
        }
        let occurrence = self
            .segments
            .get(..index)
            .unwrap_or(&[])
            .iter()
            .filter(|s| s.id == seg.id)
            .count()
            + 1;
        let found = |path: Path, span: &Range<usize>, depth| {
            Some(Location {
                path,
                span: span.clone(),
                depth,
            })
        };
        let Some((fi, field)) = find(&seg.fields, offset, |f| &f.span) else {
            let path = short_path(seg, occurrence, None, None, None, None);
            return found(path, &seg.span, Depth::Segment);
        };
        let Some((ri, rep)) = find(&field.repetitions, offset, |r| &r.span) else {
            let path = short_path(seg, occurrence, Some((fi, field)), None, None, None);
            return found(path, &field.span, Depth::Field);
        };
        let Some((ci, comp)) = find(&rep.components, offset, |c| &c.span) else {
            let path = short_path(
                seg,
                occurrence,
                Some((fi, field)),
                Some((ri, rep)),
                None,
                None,
            );
            return found(path, &rep.span, Depth::Repetition);
        };
        let Some((si, sub)) = find(&comp.subcomponents, offset, |s| &s.span) else {
            let path = short_path(
                seg,
                occurrence,
                Some((fi, field)),
                Some((ri, rep)),
                Some((ci, comp)),
                None,
            );
            return found(path, &comp.span, Depth::Component);
        };
        let path = short_path(
            seg,
            occurrence,
            Some((fi, field)),
            Some((ri, rep)),
            Some((ci, comp)),
            Some(si),
        );
        found(path, &sub.span, Depth::Subcomponent)
    }

    /// Every non-empty subcomponent, in order, with its shortest path (e.g.
    /// `PID-8` rather than `PID-8(1).1.1`), span, raw and decoded text.
    pub fn leaves(&self) -> Vec<Leaf> {
        let mut out = Vec::new();
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for seg in &self.segments {
            let count = seen.entry(&seg.id).or_insert(0);
            *count += 1;
            let occurrence = *count;
            for (fi, field) in (1..).zip(&seg.fields) {
                let encoding_field = seg.is_header() && fi <= 2;
                for (ri, rep) in (1..).zip(&field.repetitions) {
                    for (ci, comp) in (1..).zip(&rep.components) {
                        for (si, sub) in (1..).zip(&comp.subcomponents) {
                            if sub.raw.is_empty() {
                                continue;
                            }
                            let value = if encoding_field {
                                sub.raw.clone()
                            } else {
                                unescape_lossy(&sub.raw, &self.delimiters)
                            };
                            out.push(Leaf {
                                path: short_path(
                                    seg,
                                    occurrence,
                                    Some((fi, field)),
                                    Some((ri, rep)),
                                    Some((ci, comp)),
                                    Some(si),
                                ),
                                span: sub.span.clone(),
                                raw: sub.raw.clone(),
                                value,
                            });
                        }
                    }
                }
            }
        }
        out
    }

    /// Whether `other` has the same segments, the same shape (numbers of
    /// fields, repetitions, components and subcomponents) and the same
    /// decoded text in every leaf. Spans, line endings, framing and
    /// delimiters may differ; MSH-1 and MSH-2 are not compared.
    pub fn equivalent(&self, other: &Message) -> bool {
        let (da, db) = (&self.delimiters, &other.delimiters);
        let same_sub = |a: &Subcomponent, b: &Subcomponent| {
            (da == db && a.raw == b.raw) || unescape_lossy(&a.raw, da) == unescape_lossy(&b.raw, db)
        };
        let same_comp =
            |a: &Component, b: &Component| all_pairs(&a.subcomponents, &b.subcomponents, same_sub);
        let same_rep =
            |a: &Repetition, b: &Repetition| all_pairs(&a.components, &b.components, same_comp);
        let same_field = |a: &Field, b: &Field| all_pairs(&a.repetitions, &b.repetitions, same_rep);
        all_pairs(&self.segments, &other.segments, |a, b| {
            a.id == b.id
                && a.fields.len() == b.fields.len()
                && a.fields
                    .iter()
                    .zip(&b.fields)
                    .enumerate()
                    .all(|(i, (fa, fb))| (a.is_header() && i < 2) || same_field(fa, fb))
        })
    }
}

/// Whether both slices have the same length and `same` holds pairwise.
fn all_pairs<T>(a: &[T], b: &[T], same: impl Fn(&T, &T) -> bool) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same(x, y))
}

/// The 1-based index and item whose span holds `offset` (spans are sorted).
fn find<T>(items: &[T], offset: usize, span: impl Fn(&T) -> &Range<usize>) -> Option<(usize, &T)> {
    let i = items.partition_point(|item| span(item).end <= offset);
    let item = items.get(i)?;
    span(item).contains(&offset).then_some((i + 1, item))
}

#[cfg(test)]
mod tests {
    use super::super::parse;
    use super::*;

    const ADT: &str = "MSH|^~\\&|SENDING|FAC|RECV|FAC|20240101120000||ADT^A01^ADT_A01|MSG00001|P|2.5.1\r\
EVN|A01|20240101120000\r\
PID|1||12345^^^HOSP^MR~67890^^^NHS^NH||O'Brien^Mary^Ann\\T\\Jo||19800101|F|||1 High St&Flat 2^^Leeds^^LS1 1AA\r\
NK1|1|Smith^John|SPO\r\
NK1|2|Smith^Jane|DAU\r\
OBX|1|TX|||Line one\\.br\\Line two\\F\\pipe\r";

    fn msg() -> Message {
        parse(ADT).expect("valid ADT")
    }

    fn path(s: &str) -> Path {
        Path::parse(s).expect("valid path")
    }

    #[test]
    fn get_reaches_every_level() {
        let m = msg();
        assert_eq!(m.get(&path("PID-5")), Some("O'Brien^Mary^Ann\\T\\Jo"));
        assert_eq!(m.get(&path("PID-5.1")), Some("O'Brien"));
        assert_eq!(m.get(&path("PID-5.3")), Some("Ann\\T\\Jo"));
        assert_eq!(
            m.get(&path("PID-3")),
            Some("12345^^^HOSP^MR~67890^^^NHS^NH")
        );
        assert_eq!(m.get(&path("PID-3(2)")), Some("67890^^^NHS^NH"));
        assert_eq!(m.get(&path("PID-3(2).1")), Some("67890"));
        assert_eq!(m.get(&path("PID-3.1")), Some("12345"));
        assert_eq!(m.get(&path("PID-3(3)")), None);
        assert_eq!(m.get(&path("PID-3.2")), Some(""));
        assert_eq!(m.get(&path("PID-3.9")), None);
        assert_eq!(m.get(&path("PID-8.1")), Some("F"));
        assert_eq!(m.get(&path("PID-8.1.1")), Some("F"));
        assert_eq!(m.get(&path("PID-8.1.2")), None);
        assert_eq!(m.get(&path("PID-99")), None);
        assert_eq!(m.get(&path("PV1-1")), None);
        assert_eq!(m.get(&path("EVN")), Some("EVN|A01|20240101120000"));
        assert_eq!(m.get(&path("NK1-2.2")), Some("John"));
        assert_eq!(m.get(&path("NK1[2]-2.2")), Some("Jane"));
        assert_eq!(m.get(&path("NK1[3]-2.2")), None);
    }

    #[test]
    fn msh_numbering() {
        let m = msg();
        assert_eq!(m.get(&path("MSH-1")), Some("|"));
        assert_eq!(m.get(&path("MSH-2")), Some("^~\\&"));
        assert_eq!(m.get(&path("MSH-2.1")), Some("^~\\&"));
        assert_eq!(m.get(&path("MSH-2.2")), None);
        assert_eq!(m.get(&path("MSH-3")), Some("SENDING"));
        assert_eq!(m.get(&path("MSH-9")), Some("ADT^A01^ADT_A01"));
        assert_eq!(m.get(&path("MSH-9.2")), Some("A01"));
        assert_eq!(m.get(&path("MSH-10")), Some("MSG00001"));
        assert_eq!(m.value(&path("MSH-1")).as_deref(), Some("|"));
        assert_eq!(m.value(&path("MSH-2")).as_deref(), Some("^~\\&"));
        let msh = m.segment("MSH", 1).expect("MSH");
        assert!(msh.is_header());
        assert_eq!(msh.field(1).map(Field::span), Some(3..4));
        assert_eq!(msh.field(2).map(Field::span), Some(4..8));
        assert_eq!(msh.field(0).map(Field::raw), None);
    }

    #[test]
    fn value_decodes() {
        let m = msg();
        assert_eq!(m.value(&path("PID-5.3")).as_deref(), Some("Ann&Jo"));
        assert_eq!(
            m.value(&path("OBX-5")).as_deref(),
            Some("Line one\nLine two|pipe")
        );
        assert_eq!(m.value(&path("PID-5.4")), None);
    }

    #[test]
    fn header_accessors() {
        let m = msg();
        let t = m.message_type().expect("MSH-9");
        assert_eq!(t.code, "ADT");
        assert_eq!(t.trigger.as_deref(), Some("A01"));
        assert_eq!(t.structure.as_deref(), Some("ADT_A01"));
        assert_eq!(t.to_string(), "ADT^A01^ADT_A01");
        assert_eq!(m.control_id().as_deref(), Some("MSG00001"));
        assert_eq!(m.version().as_deref(), Some("2.5.1"));
        assert_eq!(m.delimiters(), &Delimiters::default());

        let bare = parse("MSH|^~\\&|||||||ACK").expect("valid");
        let t = bare.message_type().expect("MSH-9.1");
        assert_eq!((t.trigger, t.structure), (None, None));
        assert_eq!(bare.control_id(), None);
        assert_eq!(bare.version(), None);
        assert_eq!(parse("MSH|^~\\&").expect("valid").message_type(), None);
        let partial = MessageType {
            code: "ACK".into(),
            trigger: None,
            structure: Some("ACK".into()),
        };
        assert_eq!(partial.to_string(), "ACK^^ACK");
    }

    #[test]
    fn segments_iterate_by_id() {
        let m = msg();
        let ids: Vec<_> = m.all_segments().iter().map(Segment::id).collect();
        assert_eq!(ids, ["MSH", "EVN", "PID", "NK1", "NK1", "OBX"]);
        let names: Vec<_> = m
            .segments("NK1")
            .filter_map(|s| s.field(2))
            .map(Field::raw)
            .collect();
        assert_eq!(names, ["Smith^John", "Smith^Jane"]);
        assert_eq!(m.segments("ZZZ").count(), 0);
        assert!(m.segment("NK1", 0).is_none());
    }

    #[test]
    fn path_at_finds_the_deepest_part() {
        let m = msg();
        let at = |needle: &str, extra: usize| {
            let offset = ADT.find(needle).expect("needle") + extra;
            m.path_at(offset).expect("a part")
        };
        let loc = at("O'Brien", 2);
        assert_eq!(loc.path.to_string(), "PID-5.1");
        assert_eq!(loc.depth, Depth::Subcomponent);
        assert_eq!(ADT.get(loc.span.clone()), Some("O'Brien"));

        // An escaped `&` is text, not a subcomponent separator.
        let loc = at("Ann\\T\\Jo", 0);
        assert_eq!(loc.path.to_string(), "PID-5.3");
        let loc = at("Flat 2", 0);
        assert_eq!(loc.path.to_string(), "PID-11.1.2");
        let loc = at("&Flat", 0);
        assert_eq!(loc.path.to_string(), "PID-11.1");
        assert_eq!(loc.depth, Depth::Component);
        // The `&`-escape is text; the `^` before it belongs to the repetition.
        let loc = at("^Mary", 0);
        assert_eq!(loc.path.to_string(), "PID-5");
        assert_eq!(loc.depth, Depth::Repetition);

        let loc = at("67890", 1);
        assert_eq!(loc.path.to_string(), "PID-3(2).1");
        let loc = at("~67890", 0);
        assert_eq!(loc.path.to_string(), "PID-3");
        assert_eq!(loc.depth, Depth::Field);

        let loc = at("19800101", 3);
        assert_eq!(loc.path.to_string(), "PID-7");
        assert_eq!(ADT.get(loc.span), Some("19800101"));

        let loc = at("PID|", 1);
        assert_eq!(loc.path.to_string(), "PID");
        assert_eq!(loc.depth, Depth::Segment);
        let loc = at("PID|", 3);
        assert_eq!(loc.path.to_string(), "PID");

        assert_eq!(
            m.path_at(3).map(|l| l.path.to_string()).as_deref(),
            Some("MSH-1")
        );
        assert_eq!(
            m.path_at(5).map(|l| l.path.to_string()).as_deref(),
            Some("MSH-2")
        );
        let loc = at("Jane", 0);
        assert_eq!(loc.path.to_string(), "NK1[2]-2.2");

        // Line breaks and positions past the end are not parts.
        let cr = ADT.find('\r').expect("CR");
        assert_eq!(m.path_at(cr), None);
        assert_eq!(m.path_at(ADT.len()), None);
        assert_eq!(m.path_at(usize::MAX), None);
    }

    #[test]
    fn path_at_agrees_with_get_everywhere() {
        let m = msg();
        for offset in 0..ADT.len() {
            if let Some(loc) = m.path_at(offset) {
                assert!(loc.span.contains(&offset));
                assert_eq!(m.get(&loc.path), ADT.get(loc.span.clone()), "{}", loc.path);
            }
        }
    }

    #[test]
    fn leaves_list_non_empty_parts_with_short_paths() {
        let m = msg();
        let leaves = m.leaves();
        let names: Vec<_> = leaves.iter().map(|l| l.path.to_string()).collect();
        for expected in [
            "MSH-1",
            "MSH-2",
            "MSH-9.1",
            "MSH-10",
            "PID-1",
            "PID-3(1).1",
            "PID-3(2).5",
            "PID-5.3",
            "PID-11.1.1",
            "PID-11.1.2",
            "PID-11.3",
            "PID-7",
            "NK1[2]-2.2",
            "OBX-5",
        ] {
            assert!(
                names.iter().any(|n| n == expected),
                "{expected} in {names:?}"
            );
        }
        assert!(!names.iter().any(|n| n == "PID-2"));
        for leaf in &leaves {
            assert!(!leaf.raw.is_empty());
            assert_eq!(ADT.get(leaf.span.clone()), Some(leaf.raw.as_str()));
            assert_eq!(m.get(&leaf.path), Some(leaf.raw.as_str()), "{}", leaf.path);
            assert_eq!(m.value(&leaf.path).as_deref(), Some(leaf.value.as_str()));
        }
        let obx = leaves
            .iter()
            .find(|l| l.path.to_string() == "OBX-5")
            .expect("OBX-5");
        assert_eq!(obx.value, "Line one\nLine two|pipe");
    }

    #[test]
    fn equivalent_ignores_spans_and_delimiters() {
        let a = msg();
        let b = parse(&ADT.replace('\r', "\r\n")).expect("CRLF");
        assert_ne!(a, b);
        assert!(a.equivalent(&b));
        let c = parse(&ADT.replace("Mary", "Maria")).expect("valid");
        assert!(!a.equivalent(&c));
        let d = parse(&ADT.replace("|DAU", "|DAU|")).expect("valid");
        assert!(!a.equivalent(&d));
    }

    #[test]
    fn serde_round_trip() {
        let m = msg();
        let json = serde_json::to_string(&m).expect("serialise");
        let back: Message = serde_json::from_str(&json).expect("deserialise");
        assert_eq!(back, m);
    }
}
