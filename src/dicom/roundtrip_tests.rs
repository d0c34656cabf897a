//! Write → read round trips: arbitrary data sets (values within their VR's
//! rules, nested sequences, defined and undefined lengths, the three
//! uncompressed transfer syntaxes) written by `write` and read back by
//! `read` keep their tags, VRs and values.

use proptest::prelude::*;

use super::*;

/// One standard attribute per VR whose dictionary VR is that VR alone, so
/// an implicit VR reader gets the VR back from the dictionary.
const TAGS: &[(Tag, Vr)] = &[
    (Tag(0x0008, 0x0054), Vr::AE),
    (Tag(0x0010, 0x1010), Vr::AS),
    (Tag(0x0028, 0x0009), Vr::AT),
    (Tag(0x0008, 0x0060), Vr::CS),
    (Tag(0x0008, 0x0020), Vr::DA),
    (Tag(0x0018, 0x0050), Vr::DS),
    (Tag(0x0008, 0x002A), Vr::DT),
    (Tag(0x0010, 0x9431), Vr::FL),
    (Tag(0x0008, 0x1163), Vr::FD),
    (Tag(0x0020, 0x0013), Vr::IS),
    (Tag(0x0008, 0x0070), Vr::LO),
    (Tag(0x0008, 0x0108), Vr::LT),
    (Tag(0x0042, 0x0011), Vr::OB),
    (Tag(0x0066, 0x0022), Vr::OD),
    (Tag(0x0018, 0x1638), Vr::OF),
    (Tag(0x0066, 0x0040), Vr::OL),
    (Tag(0x0072, 0x0081), Vr::OV),
    (Tag(0x0028, 0x1201), Vr::OW),
    (Tag(0x0010, 0x0010), Vr::PN),
    (Tag(0x0008, 0x0050), Vr::SH),
    (Tag(0x0018, 0x6020), Vr::SL),
    (Tag(0x0018, 0x9219), Vr::SS),
    (Tag(0x0008, 0x0081), Vr::ST),
    (Tag(0x0072, 0x0082), Vr::SV),
    (Tag(0x0008, 0x0030), Vr::TM),
    (Tag(0x0008, 0x0119), Vr::UC),
    (Tag(0x0008, 0x0018), Vr::UI),
    (Tag(0x0008, 0x1161), Vr::UL),
    (Tag(0x0040, 0xE010), Vr::UR),
    (Tag(0x0008, 0x030E), Vr::UT),
    (Tag(0x0072, 0x0083), Vr::UV),
];

/// Sequences to nest items in.
const SEQUENCES: &[Tag] = &[Tag(0x0008, 0x1115), Tag(0x0040, 0x0275)];

const SYNTAXES: [TransferSyntax; 3] = [
    TransferSyntax::IMPLICIT_VR_LITTLE_ENDIAN,
    TransferSyntax::EXPLICIT_VR_LITTLE_ENDIAN,
    TransferSyntax::EXPLICIT_VR_BIG_ENDIAN,
];

fn strings(pattern: &'static str, max: usize) -> BoxedStrategy<ElementValue> {
    prop::collection::vec(pattern, 1..=max)
        .prop_map(ElementValue::Str)
        .boxed()
}

fn list<T: std::fmt::Debug + Clone + 'static>(
    s: impl Strategy<Value = T> + 'static,
    wrap: fn(Vec<T>) -> ElementValue,
) -> BoxedStrategy<ElementValue> {
    prop::collection::vec(s, 0..5).prop_map(wrap).boxed()
}

/// A value that obeys `vr`'s rules (PS3.5 table 6.2-1), without leading
/// or trailing spaces (which readers may trim) and without empty values.
fn value(vr: Vr) -> BoxedStrategy<ElementValue> {
    match vr {
        Vr::AE => strings("[A-Z0-9_]{1,16}", 2),
        Vr::AS => strings("[0-9]{3}[DWMY]", 1),
        Vr::CS => strings("[A-Z0-9_]([A-Z0-9_ ]{0,14}[A-Z0-9_])?", 3),
        Vr::DA => strings("(19|20)[0-9]{2}(0[1-9]|1[0-2])(0[1-9]|1[0-9]|2[0-8])", 2),
        Vr::DS => prop::collection::vec(-1.0e6f64..1.0e6, 1..4)
            .prop_map(|v| ElementValue::Str(v.into_iter().map(format_ds).collect()))
            .boxed(),
        Vr::DT => strings(
            "20[0-9]{2}(0[1-9]|1[0-2])[0-2][1-8]([01][0-9]|2[0-3])[0-5][0-9]",
            1,
        ),
        Vr::IS => prop::collection::vec(any::<i32>(), 1..4)
            .prop_map(|v| ElementValue::Str(v.into_iter().map(|n| n.to_string()).collect()))
            .boxed(),
        Vr::LO | Vr::UC => strings("[A-Za-z0-9^()]([A-Za-z0-9 .,'-]{0,30}[A-Za-z0-9])?", 3),
        Vr::SH => strings("[A-Za-z0-9]([A-Za-z0-9 ]{0,14}[A-Za-z0-9])?", 2),
        Vr::PN => strings("[A-Z][a-z]{0,9}(\\^[A-Z][a-z]{0,9}){0,2}", 2),
        Vr::LT | Vr::ST | Vr::UT => strings("[A-Za-z0-9\\\\\r\n .]{0,40}[A-Za-z0-9.]", 1),
        Vr::TM => strings(
            "([01][0-9]|2[0-3])[0-5][0-9]([0-5][0-9](\\.[0-9]{1,6})?)?",
            2,
        ),
        Vr::UI => strings("[12](\\.(0|[1-9][0-9]{0,8})){1,5}", 2),
        Vr::UR => strings("https://example\\.org/[a-z0-9/]{0,20}", 1),
        Vr::US => list(any::<u16>(), ElementValue::U16),
        Vr::OW => list(any::<u16>(), ElementValue::U16),
        Vr::SS => list(any::<i16>(), ElementValue::I16),
        Vr::UL | Vr::OL => list(any::<u32>(), ElementValue::U32),
        Vr::SL => list(any::<i32>(), ElementValue::I32),
        Vr::UV | Vr::OV => list(any::<u64>(), ElementValue::U64),
        Vr::SV => list(any::<i64>(), ElementValue::I64),
        // Finite values only: NaN never compares equal.
        Vr::FL | Vr::OF => list(-1.0e30f32..1.0e30, ElementValue::F32),
        Vr::FD | Vr::OD => list(-1.0e300f64..1.0e300, ElementValue::F64),
        Vr::AT => list(
            (any::<u16>(), any::<u16>()).prop_map(|(g, e)| Tag(g, e)),
            ElementValue::Tags,
        ),
        Vr::OB | Vr::UN => prop::collection::vec(any::<u8>(), 0..41)
            .prop_map(ElementValue::Bytes)
            .boxed(),
        Vr::SQ => Just(ElementValue::Sequence(Vec::new())).boxed(),
    }
}

fn element() -> impl Strategy<Value = DataElement> {
    (0..TAGS.len()).prop_flat_map(|i| {
        let (tag, vr) = TAGS[i];
        value(vr).prop_map(move |v| DataElement::new(tag, vr, v))
    })
}

fn flat() -> impl Strategy<Value = DataSet> {
    prop::collection::vec(element(), 0..8).prop_map(DataSet::from_iter)
}

/// A data set with sequences `depth` levels deep at most.
fn nested(depth: u32) -> BoxedStrategy<DataSet> {
    if depth == 0 {
        return flat().boxed();
    }
    (
        flat(),
        prop::collection::vec(
            (
                0..SEQUENCES.len(),
                prop::collection::vec(nested(depth - 1), 0..3),
            ),
            0..3,
        ),
    )
        .prop_map(|(mut ds, seqs)| {
            for (i, items) in seqs {
                ds.put_seq(SEQUENCES[i], items);
            }
            ds
        })
        .boxed()
}

/// The value bytes `write` must have produced for a byte value.
fn padded(bytes: &[u8]) -> Vec<u8> {
    let mut v = bytes.to_vec();
    if v.len() % 2 == 1 {
        v.push(0);
    }
    v
}

/// Checks that `read` found exactly the elements of `ds`.
fn same(elements: &[Element], ds: &DataSet, input: &[u8], where_: &str) -> Result<(), String> {
    let expected: Vec<&DataElement> = ds.iter().collect();
    if elements.len() != expected.len() {
        return Err(format!(
            "{where_}: read {} elements, wrote {}",
            elements.len(),
            expected.len()
        ));
    }
    for (got, want) in elements.iter().zip(expected) {
        let at = format!("{where_} {}", want.tag);
        if got.tag != want.tag || got.vr != want.vr {
            return Err(format!(
                "{at}: read {} {}, wrote {}",
                got.tag, got.vr, want.vr
            ));
        }
        let ok = match (&want.value, &got.value) {
            (ElementValue::Str(w), Value::Empty) => w.is_empty(),
            (ElementValue::Str(w), Value::Text { values, .. }) => values == w,
            (ElementValue::U16(w), v) => unsigned(v, w.iter().map(|x| u64::from(*x))),
            (ElementValue::U32(w), v) => unsigned(v, w.iter().map(|x| u64::from(*x))),
            (ElementValue::U64(w), v) => unsigned(v, w.iter().copied()),
            (ElementValue::I16(w), v) => signed(v, w.iter().map(|x| i64::from(*x))),
            (ElementValue::I32(w), v) => signed(v, w.iter().map(|x| i64::from(*x))),
            (ElementValue::I64(w), v) => signed(v, w.iter().copied()),
            (ElementValue::F32(w), v) => float(v, w.iter().map(|x| f64::from(*x))),
            (ElementValue::F64(w), v) => float(v, w.iter().copied()),
            (ElementValue::Tags(w), Value::Tags { values, .. }) => values == w,
            (ElementValue::Tags(w), Value::Empty) => w.is_empty(),
            (ElementValue::Bytes(w), _) => {
                input.get(got.value_span.offset..got.value_span.end()) == Some(&padded(w)[..])
            }
            (ElementValue::Sequence(items), Value::Sequence { .. }) => {
                if got.items.len() != items.len() {
                    return Err(format!(
                        "{at}: {} items read, {} written",
                        got.items.len(),
                        items.len()
                    ));
                }
                for (n, (g, w)) in got.items.iter().zip(items).enumerate() {
                    same(&g.elements, w, input, &format!("{at} item {n}"))?;
                }
                true
            }
            _ => false,
        };
        if !ok {
            return Err(format!(
                "{at} {}: wrote {:?}, read {:?}",
                want.vr, want.value, got.value
            ));
        }
    }
    Ok(())
}

fn unsigned(v: &Value, want: impl Iterator<Item = u64>) -> bool {
    let want: Vec<u64> = want.collect();
    match v {
        Value::Unsigned { values, total } => *values == want && *total == want.len(),
        Value::Empty => want.is_empty(),
        _ => false,
    }
}

fn signed(v: &Value, want: impl Iterator<Item = i64>) -> bool {
    let want: Vec<i64> = want.collect();
    match v {
        Value::Signed { values, total } => *values == want && *total == want.len(),
        Value::Empty => want.is_empty(),
        _ => false,
    }
}

fn float(v: &Value, want: impl Iterator<Item = f64>) -> bool {
    let want: Vec<f64> = want.collect();
    match v {
        Value::Float { values, total } => *values == want && *total == want.len(),
        Value::Empty => want.is_empty(),
        _ => false,
    }
}

#[test]
fn the_tag_table_matches_the_dictionary() {
    for (tag, vr) in TAGS {
        let a = attribute(*tag).expect("in the dictionary");
        assert_eq!(a.vrs, [*vr], "{tag}");
    }
    for tag in SEQUENCES {
        assert_eq!(attribute(*tag).expect("in the dictionary").vrs, [Vr::SQ]);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn data_sets_round_trip(
        ds in nested(2),
        syntax in 0..3usize,
        undefined in any::<bool>(),
    ) {
        let ts = SYNTAXES[syntax];
        let options = WriteOptions {
            sequence_length: if undefined { SequenceLength::Undefined } else { SequenceLength::Defined },
        };
        let bytes = write_dataset_with(&ds, ts, options);
        prop_assert_eq!(bytes.len() % 2, 0);
        let parsed = read_dataset(&bytes, ts);
        prop_assert!(parsed.error.is_none(), "{:?}", parsed.error);
        if let Err(e) = same(&parsed.dataset, &ds, &bytes, &ts.to_string()) {
            return Err(TestCaseError::fail(e));
        }
    }

    #[test]
    fn files_round_trip(ds in nested(1), syntax in 0..3usize) {
        let ts = SYNTAXES[syntax];
        let meta = FileMeta::new("1.2.840.10008.5.1.4.1.1.7", "2.25.12345");
        let bytes = write_file(&ds, &meta, ts);
        let parsed = read(&bytes);
        prop_assert!(parsed.error.is_none(), "{:?}", parsed.error);
        prop_assert_eq!(parsed.transfer_syntax, ts);
        prop_assert!(!parsed.transfer_syntax_inferred);
        prop_assert_eq!(parsed.text(Tag::MEDIA_STORAGE_SOP_INSTANCE_UID), Some("2.25.12345"));
        prop_assert_eq!(parsed.text(Tag::IMPLEMENTATION_CLASS_UID), Some(IMPLEMENTATION_CLASS_UID));
        if let Err(e) = same(&parsed.dataset, &ds, &bytes, "file") {
            return Err(TestCaseError::fail(e));
        }
    }

    #[test]
    fn unknown_private_bytes_round_trip_in_explicit_vr(
        bytes in prop::collection::vec(any::<u8>(), 0..64),
        big in any::<bool>(),
    ) {
        let ts = if big { SYNTAXES[2] } else { SYNTAXES[1] };
        let mut ds = DataSet::new();
        ds.put_str(Tag(0x0009, 0x0010), Vr::LO, "PACS ACADEMY TEST");
        ds.put_bytes(Tag(0x0009, 0x1001), Vr::UN, bytes.clone());
        let out = write_dataset(&ds, ts);
        let parsed = read_dataset(&out, ts);
        prop_assert!(parsed.error.is_none(), "{:?}", parsed.error);
        if let Err(e) = same(&parsed.dataset, &ds, &out, "private") {
            return Err(TestCaseError::fail(e));
        }
    }
}

#[test]
fn encapsulated_pixel_data_reads_back_as_offset_table_and_fragments() {
    let mut ds = DataSet::new();
    ds.put_u16(Tag(0x0028, 0x0010), 1);
    ds.put(
        Tag::PIXEL_DATA,
        Vr::OB,
        ElementValue::Encapsulated {
            offset_table: vec![0, 12],
            fragments: vec![vec![1, 2, 3], vec![4, 5, 6, 7]],
        },
    );
    let ts = TransferSyntax::from_uid("1.2.840.10008.1.2.4.50").expect("JPEG baseline");
    let bytes = write_dataset(&ds, ts);
    let parsed = read_dataset(&bytes, ts);
    assert!(parsed.error.is_none(), "{:?}", parsed.error);
    let pixel = parsed.get(Tag::PIXEL_DATA).expect("pixel data");
    assert_eq!(pixel.length, Length::Undefined);
    let lengths: Vec<u32> = pixel.fragments.iter().map(|f| f.length).collect();
    assert_eq!(
        lengths,
        [8, 4, 4],
        "offset table, then fragments padded to even"
    );
    let bot = pixel.fragments[0].value_span;
    assert_eq!(&bytes[bot.offset..bot.end()], &[0, 0, 0, 0, 12, 0, 0, 0]);
    assert!(pixel.sequence_delimiter.is_some());
}
