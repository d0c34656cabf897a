//! An in-memory DICOM data set to build and write (PS3.5 section 7).
//!
//! A [`DataSet`] is a set of [`DataElement`]s kept in ascending tag order,
//! the order PS3.5 section 7.1 requires on the wire. Each element has a
//! [`Vr`] and a typed [`ElementValue`]:
//!
//! | value | VRs it is meant for |
//! |---|---|
//! | [`ElementValue::Str`] | the string VRs (AE, AS, CS, DA, DS, DT, IS, LO, LT, PN, SH, ST, TM, UC, UI, UR, UT) |
//! | [`ElementValue::U16`] / [`I16`](ElementValue::I16) | US / SS, and OW (16-bit words) |
//! | [`ElementValue::U32`] / [`I32`](ElementValue::I32) | UL / SL, and OL |
//! | [`ElementValue::U64`] / [`I64`](ElementValue::I64) | UV / SV, and OV |
//! | [`ElementValue::F32`] / [`F64`](ElementValue::F64) | FL / FD, and OF / OD |
//! | [`ElementValue::Tags`] | AT |
//! | [`ElementValue::Bytes`] | OB, UN, and any O* VR given as little-endian bytes |
//! | [`ElementValue::Sequence`] | SQ |
//! | [`ElementValue::Encapsulated`] | Pixel Data (7FE0,0010) in an encapsulated transfer syntax |
//!
//! Numbers are held as numbers, not bytes, so one data set can be written
//! in any byte order (see [`write_dataset`](super::write_dataset)).
//!
//! ```
//! use pacs_academy::dicom::{DataSet, Tag, Vr};
//!
//! let mut ds = DataSet::new();
//! ds.put_str(Tag::PATIENT_NAME, Vr::PN, "Smith^Alice^^Mrs");
//! ds.put_str(Tag(0x0008, 0x0008), Vr::CS, "ORIGINAL\\PRIMARY\\AXIAL");
//! ds.put_u16(Tag(0x0028, 0x0010), 64);
//! assert_eq!(ds.get_str(Tag::PATIENT_NAME), Some("Smith^Alice^^Mrs"));
//! assert_eq!(ds.get_strs(Tag(0x0008, 0x0008)).map(|v| v.len()), Some(3));
//! assert_eq!(ds.get_u16(Tag(0x0028, 0x0010)), Some(64));
//! ```

use std::collections::btree_map::{self, BTreeMap};

use super::tag::Tag;
use super::vr::Vr;

/// The value of one data element.
///
/// Multi-valued elements hold one entry per value: `Str(vec!["A", "B"])` is
/// written `A\B`. An empty vector is a zero-length (empty) value, which is
/// how a Type 2 attribute with no value is sent (PS3.5 section 7.4).
#[derive(Clone, Debug, PartialEq)]
pub enum ElementValue {
    /// Character string values, without padding, joined with `\` when
    /// written. The single-valued text VRs (LT, ST, UT, UR) hold one string
    /// in which a backslash is an ordinary character.
    Str(Vec<String>),
    /// US values, or the words of an OW value.
    U16(Vec<u16>),
    /// SS values.
    I16(Vec<i16>),
    /// UL values, or the words of an OL value.
    U32(Vec<u32>),
    /// SL values.
    I32(Vec<i32>),
    /// UV values, or the words of an OV value.
    U64(Vec<u64>),
    /// SV values.
    I64(Vec<i64>),
    /// FL values, or an OF value.
    F32(Vec<f32>),
    /// FD values, or an OD value.
    F64(Vec<f64>),
    /// AT values.
    Tags(Vec<Tag>),
    /// Raw bytes: OB and UN as they are; for OW, OF, OL, OD and OV, the
    /// words in little-endian order (the writer swaps each word for a
    /// big-endian transfer syntax).
    Bytes(Vec<u8>),
    /// The items of a sequence (SQ), each a nested data set.
    Sequence(Vec<DataSet>),
    /// Encapsulated (compressed) pixel data, PS3.5 section A.4: a Basic
    /// Offset Table (empty, or one offset per frame, from the first byte of
    /// the first fragment's item tag) and the fragments.
    Encapsulated {
        /// Byte offsets of each frame's first fragment item; may be empty.
        offset_table: Vec<u32>,
        /// The compressed fragments, each written as one item.
        fragments: Vec<Vec<u8>>,
    },
}

impl ElementValue {
    /// The number of values: strings, numbers, tags or items; 1 for
    /// non-empty bytes and encapsulated data, 0 when empty.
    pub fn multiplicity(&self) -> usize {
        match self {
            ElementValue::Str(v) => v.len(),
            ElementValue::U16(v) => v.len(),
            ElementValue::I16(v) => v.len(),
            ElementValue::U32(v) => v.len(),
            ElementValue::I32(v) => v.len(),
            ElementValue::U64(v) => v.len(),
            ElementValue::I64(v) => v.len(),
            ElementValue::F32(v) => v.len(),
            ElementValue::F64(v) => v.len(),
            ElementValue::Tags(v) => v.len(),
            ElementValue::Bytes(v) => usize::from(!v.is_empty()),
            ElementValue::Sequence(v) => v.len(),
            ElementValue::Encapsulated { fragments, .. } => usize::from(!fragments.is_empty()),
        }
    }
}

/// One data element: tag, VR and value (PS3.5 section 7.1).
#[derive(Clone, Debug, PartialEq)]
pub struct DataElement {
    pub tag: Tag,
    pub vr: Vr,
    pub value: ElementValue,
}

impl DataElement {
    /// An element from its parts.
    pub fn new(tag: Tag, vr: Vr, value: ElementValue) -> Self {
        DataElement { tag, vr, value }
    }
}

/// A data set: data elements in ascending tag order, each tag at most once.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DataSet {
    elements: BTreeMap<Tag, DataElement>,
}

impl DataSet {
    /// An empty data set.
    pub fn new() -> Self {
        DataSet::default()
    }

    /// Adds `element`, replacing any element with the same tag; returns the
    /// one it replaced.
    pub fn insert(&mut self, element: DataElement) -> Option<DataElement> {
        self.elements.insert(element.tag, element)
    }

    /// Adds an element from its parts (see [`insert`](Self::insert)).
    pub fn put(&mut self, tag: Tag, vr: Vr, value: ElementValue) -> &mut Self {
        self.insert(DataElement::new(tag, vr, value));
        self
    }

    /// Adds a string element. For the multi-valued string VRs, `value` is
    /// split at each backslash into several values (`"A\\B"` is two); LT,
    /// ST, UT and UR keep it whole. An empty `value` gives an empty
    /// (zero-length) element.
    pub fn put_str(&mut self, tag: Tag, vr: Vr, value: &str) -> &mut Self {
        let values = if value.is_empty() {
            Vec::new()
        } else if vr.is_single_valued_text() {
            vec![value.to_owned()]
        } else {
            value.split('\\').map(str::to_owned).collect()
        };
        self.put(tag, vr, ElementValue::Str(values))
    }

    /// Adds a string element with the given values, none of which may
    /// contain a backslash.
    pub fn put_strs<S: AsRef<str>>(&mut self, tag: Tag, vr: Vr, values: &[S]) -> &mut Self {
        let values = values.iter().map(|s| s.as_ref().to_owned()).collect();
        self.put(tag, vr, ElementValue::Str(values))
    }

    /// Adds an empty (zero-length) element: a Type 2 attribute whose value
    /// is unknown. For SQ this is a sequence of no items.
    pub fn put_empty(&mut self, tag: Tag, vr: Vr) -> &mut Self {
        let value = match vr {
            Vr::SQ => ElementValue::Sequence(Vec::new()),
            _ if vr.is_string() => ElementValue::Str(Vec::new()),
            _ => ElementValue::Bytes(Vec::new()),
        };
        self.put(tag, vr, value)
    }

    /// Adds an IS element holding `value`.
    pub fn put_int(&mut self, tag: Tag, value: i64) -> &mut Self {
        self.put(tag, Vr::IS, ElementValue::Str(vec![value.to_string()]))
    }

    /// Adds a DS element holding `values`, each written in the shortest
    /// form that reads back as the same `f64`, which must fit the 16 bytes
    /// DS allows (e.g. `0.5`, `-1024`, `0.48828125`).
    pub fn put_ds(&mut self, tag: Tag, values: &[f64]) -> &mut Self {
        let values = values.iter().map(|v| format_ds(*v)).collect();
        self.put(tag, Vr::DS, ElementValue::Str(values))
    }

    /// Adds a US element with one value.
    pub fn put_u16(&mut self, tag: Tag, value: u16) -> &mut Self {
        self.put(tag, Vr::US, ElementValue::U16(vec![value]))
    }

    /// Adds a US (or OW) element with several values.
    pub fn put_u16s(&mut self, tag: Tag, vr: Vr, values: Vec<u16>) -> &mut Self {
        self.put(tag, vr, ElementValue::U16(values))
    }

    /// Adds a UL element with one value.
    pub fn put_u32(&mut self, tag: Tag, value: u32) -> &mut Self {
        self.put(tag, Vr::UL, ElementValue::U32(vec![value]))
    }

    /// Adds an FD element with the given values.
    pub fn put_f64s(&mut self, tag: Tag, values: Vec<f64>) -> &mut Self {
        self.put(tag, Vr::FD, ElementValue::F64(values))
    }

    /// Adds an OB (or UN, or little-endian O*) element.
    pub fn put_bytes(&mut self, tag: Tag, vr: Vr, bytes: Vec<u8>) -> &mut Self {
        self.put(tag, vr, ElementValue::Bytes(bytes))
    }

    /// Adds a sequence (SQ) of `items`.
    pub fn put_seq(&mut self, tag: Tag, items: Vec<DataSet>) -> &mut Self {
        self.put(tag, Vr::SQ, ElementValue::Sequence(items))
    }

    /// The element with this tag.
    pub fn get(&self, tag: Tag) -> Option<&DataElement> {
        self.elements.get(&tag)
    }

    /// The element with this tag, to change in place.
    pub fn get_mut(&mut self, tag: Tag) -> Option<&mut DataElement> {
        self.elements.get_mut(&tag)
    }

    /// Removes and returns the element with this tag.
    pub fn remove(&mut self, tag: Tag) -> Option<DataElement> {
        self.elements.remove(&tag)
    }

    /// True if the data set has an element with this tag.
    pub fn contains(&self, tag: Tag) -> bool {
        self.elements.contains_key(&tag)
    }

    /// The first value of a string element (`None` if absent, empty or not
    /// a string).
    pub fn get_str(&self, tag: Tag) -> Option<&str> {
        self.get_strs(tag)?.first().map(String::as_str)
    }

    /// All values of a string element.
    pub fn get_strs(&self, tag: Tag) -> Option<&[String]> {
        match &self.get(tag)?.value {
            ElementValue::Str(v) => Some(v),
            _ => None,
        }
    }

    /// The first value of a US element.
    pub fn get_u16(&self, tag: Tag) -> Option<u16> {
        match &self.get(tag)?.value {
            ElementValue::U16(v) => v.first().copied(),
            _ => None,
        }
    }

    /// The first value of a UL element.
    pub fn get_u32(&self, tag: Tag) -> Option<u32> {
        match &self.get(tag)?.value {
            ElementValue::U32(v) => v.first().copied(),
            _ => None,
        }
    }

    /// The items of a sequence element.
    pub fn get_seq(&self, tag: Tag) -> Option<&[DataSet]> {
        match &self.get(tag)?.value {
            ElementValue::Sequence(items) => Some(items),
            _ => None,
        }
    }

    /// The number of elements (not counting those nested in sequences).
    pub fn len(&self) -> usize {
        self.elements.len()
    }

    /// True if there are no elements.
    pub fn is_empty(&self) -> bool {
        self.elements.is_empty()
    }

    /// The elements in ascending tag order.
    pub fn iter(&self) -> btree_map::Values<'_, Tag, DataElement> {
        self.elements.values()
    }
}

impl<'a> IntoIterator for &'a DataSet {
    type Item = &'a DataElement;
    type IntoIter = btree_map::Values<'a, Tag, DataElement>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl FromIterator<DataElement> for DataSet {
    fn from_iter<I: IntoIterator<Item = DataElement>>(iter: I) -> Self {
        let mut ds = DataSet::new();
        for e in iter {
            ds.insert(e);
        }
        ds
    }
}

/// `value` as a DS string: Rust's shortest round-trip form, which never
/// uses an exponent; values too long for 16 bytes are given in scientific
/// notation with as many digits as fit.
pub fn format_ds(value: f64) -> String {
    if !value.is_finite() {
        // DS cannot express NaN or infinity; 0 is the least surprising.
        return "0".to_owned();
    }
    let plain = format!("{value}");
    if plain.len() <= 16 {
        return plain;
    }
    // d.dddde-XXX is at most 16 bytes with up to 9 fraction digits.
    for precision in (0..=10).rev() {
        let s = format!("{value:.precision$e}");
        if s.len() <= 16 {
            return s;
        }
    }
    format!("{value:.0e}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn put_str_splits_multi_valued_vrs_only() {
        let mut ds = DataSet::new();
        ds.put_str(Tag(0x0008, 0x0008), Vr::CS, "ORIGINAL\\PRIMARY");
        ds.put_str(Tag(0x0008, 0x4000), Vr::LT, "a\\b");
        ds.put_str(Tag(0x0010, 0x0030), Vr::DA, "");
        assert_eq!(ds.get_strs(Tag(0x0008, 0x0008)).map(<[_]>::len), Some(2));
        assert_eq!(ds.get_str(Tag(0x0008, 0x4000)), Some("a\\b"));
        assert_eq!(ds.get_strs(Tag(0x0010, 0x0030)).map(<[_]>::len), Some(0));
        assert_eq!(ds.get_str(Tag(0x0010, 0x0030)), None);
    }

    #[test]
    fn elements_iterate_in_tag_order_and_replace() {
        let mut ds = DataSet::new();
        ds.put_u16(Tag(0x0028, 0x0011), 2);
        ds.put_str(Tag(0x0008, 0x0060), Vr::CS, "CT");
        ds.put_u16(Tag(0x0028, 0x0010), 1);
        ds.put_u16(Tag(0x0028, 0x0010), 3);
        let tags: Vec<Tag> = ds.iter().map(|e| e.tag).collect();
        assert_eq!(
            tags,
            [
                Tag(0x0008, 0x0060),
                Tag(0x0028, 0x0010),
                Tag(0x0028, 0x0011)
            ]
        );
        assert_eq!(ds.get_u16(Tag(0x0028, 0x0010)), Some(3));
        assert_eq!(ds.len(), 3);
        assert!(ds.remove(Tag(0x0008, 0x0060)).is_some());
        assert!(!ds.contains(Tag(0x0008, 0x0060)));
    }

    #[test]
    fn ds_strings_fit_sixteen_bytes_and_read_back() {
        for v in [
            0.5,
            -1024.0,
            1.0,
            0.48828125,
            1.0 / 3.0,
            -123456.789012345,
            1e-30,
            6.02e23,
        ] {
            let s = format_ds(v);
            assert!(s.len() <= 16, "{s}");
            let back: f64 = s.parse().expect("parses");
            assert!((back - v).abs() <= v.abs() * 1e-8, "{v} -> {s}");
        }
        assert_eq!(format_ds(-1024.0), "-1024");
        assert_eq!(format_ds(0.5), "0.5");
        assert_eq!(format_ds(f64::NAN), "0");
    }
}
