//! Encoding a [`DataSet`] as bytes (PS3.5 section 7) and as a DICOM file
//! (PS3.10 section 7).
//!
//! - Every element is written tag, (VR,) length, value, in the byte order
//!   and VR style of the [`TransferSyntax`]: implicit VR (PS3.5 section
//!   7.1.3: 4-byte length, no VR) or explicit VR (section 7.1.2: the VR,
//!   then a 2-byte length, or 2 reserved bytes and a 4-byte length for OB,
//!   OD, OF, OL, OV, OW, SQ, SV, UC, UN, UR, UT and UV).
//! - Values are padded to an even length (PS3.5 section 7.1.1): a space
//!   for text VRs, a NUL for UI and binary VRs.
//! - Sequences (section 7.5) have defined lengths by default;
//!   [`SequenceLength::Undefined`] writes undefined lengths (FFFFFFFFH)
//!   closed by Item Delimitation and Sequence Delimitation items.
//! - [`ElementValue::Encapsulated`] pixel data (section A.4) is always of
//!   undefined length: a Basic Offset Table item, one item per fragment,
//!   then a Sequence Delimitation item.
//! - A value too long for a 16-bit length in explicit VR (over 65534 bytes
//!   for, say, an LO) is written with VR UN and a 4-byte length, the escape
//!   PS3.5 section 6.2.2 provides.
//! - A deflated transfer syntax (PS3.5 section A.5) gets the explicit VR
//!   little endian encoding in a raw DEFLATE stream (RFC 1951) of stored,
//!   uncompressed blocks: valid for every inflater, though no smaller.
//!
//! Lengths are 32-bit in DICOM: a value of 4 GiB or more cannot be encoded
//! at all, and the writer does not try to.
//!
//! ```
//! use pacs_academy::dicom::{write_dataset, DataSet, Tag, TransferSyntax, Vr};
//!
//! let mut ds = DataSet::new();
//! ds.put_str(Tag::PATIENT_ID, Vr::LO, "NG1234567");
//! let bytes = write_dataset(&ds, TransferSyntax::EXPLICIT_VR_LITTLE_ENDIAN);
//! assert_eq!(&bytes[..8], b"\x10\x00\x20\x00LO\x0a\x00");
//! assert_eq!(&bytes[8..], b"NG1234567 ");
//! ```

use super::object::{DataElement, DataSet, ElementValue};
use super::tag::Tag;
use super::uid::TransferSyntax;
use super::vr::Vr;

/// PACS Academy's Implementation Class UID (0002,0012), written in the file
/// meta information of every file it makes: `2.25.` and the decimal value
/// of the fixed random UUID fb7b8b01-7330-4453-8370-e86b13c07fc9 (ITU-T
/// X.667), so it needs no registered root.
pub const IMPLEMENTATION_CLASS_UID: &str = "2.25.334277698825425865223886193360786980809";

/// PACS Academy's Implementation Version Name (0002,0013), at most 16
/// characters (SH).
pub const IMPLEMENTATION_VERSION_NAME: &str = "PACS_ACADEMY_01";

/// How sequences and their items are delimited (PS3.5 section 7.5).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SequenceLength {
    /// Explicit byte lengths on sequences and items (the default).
    #[default]
    Defined,
    /// Undefined lengths (FFFFFFFFH) with Item Delimitation (FFFE,E00D) and
    /// Sequence Delimitation (FFFE,E0DD) items.
    Undefined,
}

/// Choices the encoding leaves to the writer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WriteOptions {
    /// Defined or undefined lengths for sequences and items.
    pub sequence_length: SequenceLength,
}

/// The file meta information (PS3.10 section 7.1) other than the transfer
/// syntax, which [`write_file`] takes from its argument.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileMeta {
    /// (0002,0002): the SOP Class UID of the data set.
    pub media_storage_sop_class_uid: String,
    /// (0002,0003): the SOP Instance UID of the data set.
    pub media_storage_sop_instance_uid: String,
    /// (0002,0012), by default [`IMPLEMENTATION_CLASS_UID`].
    pub implementation_class_uid: String,
    /// (0002,0013), by default [`IMPLEMENTATION_VERSION_NAME`]; left out
    /// when empty (it is Type 3).
    pub implementation_version_name: String,
    /// (0002,0016) Source Application Entity Title, Type 3.
    pub source_application_entity_title: Option<String>,
}

impl FileMeta {
    /// Meta information for an instance of `sop_class_uid` with UID
    /// `sop_instance_uid`, written by PACS Academy.
    pub fn new(sop_class_uid: &str, sop_instance_uid: &str) -> Self {
        FileMeta {
            media_storage_sop_class_uid: sop_class_uid.to_owned(),
            media_storage_sop_instance_uid: sop_instance_uid.to_owned(),
            implementation_class_uid: IMPLEMENTATION_CLASS_UID.to_owned(),
            implementation_version_name: IMPLEMENTATION_VERSION_NAME.to_owned(),
            source_application_entity_title: None,
        }
    }

    /// Meta information from the data set's SOP Class UID (0008,0016) and
    /// SOP Instance UID (0008,0018); `None` if either is missing.
    pub fn for_dataset(ds: &DataSet) -> Option<Self> {
        Some(FileMeta::new(
            ds.get_str(Tag::SOP_CLASS_UID)?,
            ds.get_str(Tag::SOP_INSTANCE_UID)?,
        ))
    }
}

/// The data set encoded in `ts`, with defined-length sequences.
pub fn write_dataset(ds: &DataSet, ts: TransferSyntax) -> Vec<u8> {
    write_dataset_with(ds, ts, WriteOptions::default())
}

/// The data set encoded in `ts` with the given options.
pub fn write_dataset_with(ds: &DataSet, ts: TransferSyntax, options: WriteOptions) -> Vec<u8> {
    let mut out = Vec::new();
    encode_body(&mut out, ds, ts, options, false);
    out
}

/// A complete DICOM file: 128-byte zero preamble, `DICM`, the file meta
/// group (explicit VR little endian, PS3.10 section 7.1), then the data
/// set in `ts`. Group 0002 elements in `ds` are ignored: the meta group is
/// made from `meta` and `ts`.
pub fn write_file(ds: &DataSet, meta: &FileMeta, ts: TransferSyntax) -> Vec<u8> {
    write_file_with(ds, meta, ts, WriteOptions::default())
}

/// [`write_file`] with options for the data set.
pub fn write_file_with(
    ds: &DataSet,
    meta: &FileMeta,
    ts: TransferSyntax,
    options: WriteOptions,
) -> Vec<u8> {
    let mut out = write_file_meta(meta, ts);
    encode_body(&mut out, ds, ts, options, true);
    out
}

/// The preamble, `DICM` prefix and file meta group for a data set in `ts`.
pub fn write_file_meta(meta: &FileMeta, ts: TransferSyntax) -> Vec<u8> {
    let mut group = DataSet::new();
    group.put_bytes(Tag::FILE_META_INFORMATION_VERSION, Vr::OB, vec![0x00, 0x01]);
    group.put_str(
        Tag::MEDIA_STORAGE_SOP_CLASS_UID,
        Vr::UI,
        &meta.media_storage_sop_class_uid,
    );
    group.put_str(
        Tag::MEDIA_STORAGE_SOP_INSTANCE_UID,
        Vr::UI,
        &meta.media_storage_sop_instance_uid,
    );
    group.put_str(Tag::TRANSFER_SYNTAX_UID, Vr::UI, ts.uid);
    group.put_str(
        Tag::IMPLEMENTATION_CLASS_UID,
        Vr::UI,
        &meta.implementation_class_uid,
    );
    if !meta.implementation_version_name.is_empty() {
        group.put_str(
            Tag::IMPLEMENTATION_VERSION_NAME,
            Vr::SH,
            &meta.implementation_version_name,
        );
    }
    if let Some(ae) = &meta.source_application_entity_title {
        group.put_str(Tag(0x0002, 0x0016), Vr::AE, ae);
    }
    let enc = Encoder::new(
        TransferSyntax::EXPLICIT_VR_LITTLE_ENDIAN,
        WriteOptions::default(),
    );
    let mut body = Vec::new();
    for e in &group {
        enc.element(&mut body, e);
    }
    let mut out = vec![0u8; 128];
    out.extend_from_slice(b"DICM");
    enc.element(
        &mut out,
        &DataElement::new(
            Tag::FILE_META_GROUP_LENGTH,
            Vr::UL,
            ElementValue::U32(vec![len32(body.len())]),
        ),
    );
    out.extend_from_slice(&body);
    out
}

/// Appends the data set to `out`, deflating it for a deflated syntax.
fn encode_body(
    out: &mut Vec<u8>,
    ds: &DataSet,
    ts: TransferSyntax,
    options: WriteOptions,
    skip_meta: bool,
) {
    let enc = Encoder::new(ts, options);
    let mut body = Vec::new();
    for e in ds
        .iter()
        .filter(|e| !(skip_meta && e.tag.group() == 0x0002))
    {
        enc.element(&mut body, e);
    }
    if ts.deflated {
        deflate_stored(out, &body);
    } else {
        out.extend_from_slice(&body);
    }
}

/// A byte length as a 32-bit DICOM length (saturating: see the module
/// documentation).
fn len32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX - 1)
}

const UNDEFINED: u32 = 0xFFFF_FFFF;

/// Writes elements in one transfer syntax.
struct Encoder {
    big_endian: bool,
    explicit_vr: bool,
    options: WriteOptions,
}

impl Encoder {
    fn new(ts: TransferSyntax, options: WriteOptions) -> Self {
        Encoder {
            // A deflated syntax deflates an explicit VR little endian stream.
            big_endian: ts.big_endian && !ts.deflated,
            explicit_vr: ts.explicit_vr || ts.deflated,
            options,
        }
    }

    fn u16(&self, out: &mut Vec<u8>, v: u16) {
        out.extend_from_slice(&if self.big_endian {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        });
    }

    fn u32(&self, out: &mut Vec<u8>, v: u32) {
        out.extend_from_slice(&if self.big_endian {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        });
    }

    fn bytes<const N: usize>(&self, out: &mut Vec<u8>, le: [u8; N], be: [u8; N]) {
        out.extend_from_slice(if self.big_endian { &be } else { &le });
    }

    fn tag(&self, out: &mut Vec<u8>, tag: Tag) {
        self.u16(out, tag.group());
        self.u16(out, tag.element());
    }

    /// An item or delimiter (group FFFE): tag and 4-byte length, no VR in
    /// any transfer syntax (PS3.5 section 7.5).
    fn item_header(&self, out: &mut Vec<u8>, tag: Tag, len: u32) {
        self.tag(out, tag);
        self.u32(out, len);
    }

    /// Tag, VR (explicit only) and length.
    fn header(&self, out: &mut Vec<u8>, tag: Tag, vr: Vr, len: u32) {
        self.tag(out, tag);
        if !self.explicit_vr {
            self.u32(out, len);
            return;
        }
        out.extend_from_slice(vr.code().as_bytes());
        if vr.explicit_long_length() {
            out.extend_from_slice(&[0, 0]);
            self.u32(out, len);
        } else {
            // Callers switch to UN before a value can exceed 16 bits.
            self.u16(out, u16::try_from(len).unwrap_or(u16::MAX));
        }
    }

    fn element(&self, out: &mut Vec<u8>, e: &DataElement) {
        match &e.value {
            ElementValue::Sequence(items) => self.sequence(out, e.tag, items),
            ElementValue::Encapsulated {
                offset_table,
                fragments,
            } => self.encapsulated(out, e.tag, e.vr, offset_table, fragments),
            value => {
                let mut v = self.value(e.vr, value);
                if v.len() % 2 == 1 {
                    v.push(e.vr.padding_byte());
                }
                let vr = if self.explicit_vr && !e.vr.explicit_long_length() && v.len() > 0xFFFF {
                    Vr::UN
                } else {
                    e.vr
                };
                self.header(out, e.tag, vr, len32(v.len()));
                out.extend_from_slice(&v);
            }
        }
    }

    /// The value bytes of a non-sequence element, before padding.
    fn value(&self, vr: Vr, value: &ElementValue) -> Vec<u8> {
        let mut out = Vec::new();
        match value {
            ElementValue::Str(values) => out.extend_from_slice(values.join("\\").as_bytes()),
            ElementValue::U16(v) => v.iter().for_each(|x| self.u16(&mut out, *x)),
            ElementValue::I16(v) => v
                .iter()
                .for_each(|x| self.bytes(&mut out, x.to_le_bytes(), x.to_be_bytes())),
            ElementValue::U32(v) => v.iter().for_each(|x| self.u32(&mut out, *x)),
            ElementValue::I32(v) => v
                .iter()
                .for_each(|x| self.bytes(&mut out, x.to_le_bytes(), x.to_be_bytes())),
            ElementValue::U64(v) => v
                .iter()
                .for_each(|x| self.bytes(&mut out, x.to_le_bytes(), x.to_be_bytes())),
            ElementValue::I64(v) => v
                .iter()
                .for_each(|x| self.bytes(&mut out, x.to_le_bytes(), x.to_be_bytes())),
            ElementValue::F32(v) => v
                .iter()
                .for_each(|x| self.bytes(&mut out, x.to_le_bytes(), x.to_be_bytes())),
            ElementValue::F64(v) => v
                .iter()
                .for_each(|x| self.bytes(&mut out, x.to_le_bytes(), x.to_be_bytes())),
            ElementValue::Tags(v) => v.iter().for_each(|t| self.tag(&mut out, *t)),
            ElementValue::Bytes(b) => {
                out.extend_from_slice(b);
                // O* words other than bytes are held little endian.
                let word = match vr {
                    Vr::OW => 2,
                    Vr::OF | Vr::OL => 4,
                    Vr::OD | Vr::OV => 8,
                    _ => 1,
                };
                if self.big_endian && word > 1 {
                    out.chunks_exact_mut(word).for_each(<[u8]>::reverse);
                }
            }
            // Handled by `element`.
            ElementValue::Sequence(_) | ElementValue::Encapsulated { .. } => {}
        }
        out
    }

    fn sequence(&self, out: &mut Vec<u8>, tag: Tag, items: &[DataSet]) {
        let undefined = self.options.sequence_length == SequenceLength::Undefined;
        let mut body = Vec::new();
        for item in items {
            let mut content = Vec::new();
            for e in item {
                self.element(&mut content, e);
            }
            if undefined {
                self.item_header(&mut body, Tag::ITEM, UNDEFINED);
                body.extend_from_slice(&content);
                self.item_header(&mut body, Tag::ITEM_DELIMITATION, 0);
            } else {
                self.item_header(&mut body, Tag::ITEM, len32(content.len()));
                body.extend_from_slice(&content);
            }
        }
        if undefined {
            self.header(out, tag, Vr::SQ, UNDEFINED);
            out.extend_from_slice(&body);
            self.item_header(out, Tag::SEQUENCE_DELIMITATION, 0);
        } else {
            self.header(out, tag, Vr::SQ, len32(body.len()));
            out.extend_from_slice(&body);
        }
    }

    fn encapsulated(
        &self,
        out: &mut Vec<u8>,
        tag: Tag,
        vr: Vr,
        offset_table: &[u32],
        fragments: &[Vec<u8>],
    ) {
        self.header(out, tag, vr, UNDEFINED);
        self.item_header(out, Tag::ITEM, len32(offset_table.len() * 4));
        for offset in offset_table {
            self.u32(out, *offset);
        }
        for fragment in fragments {
            let padded = fragment.len() + fragment.len() % 2;
            self.item_header(out, Tag::ITEM, len32(padded));
            out.extend_from_slice(fragment);
            if fragment.len() % 2 == 1 {
                out.push(0);
            }
        }
        self.item_header(out, Tag::SEQUENCE_DELIMITATION, 0);
    }
}

/// `data` as a raw DEFLATE stream (RFC 1951 section 3.2.4) of stored
/// blocks: each a header byte (BFINAL, BTYPE 00), LEN, its complement NLEN,
/// and up to 65535 bytes.
fn deflate_stored(out: &mut Vec<u8>, data: &[u8]) {
    let mut chunks = data.chunks(0xFFFF).peekable();
    if chunks.peek().is_none() {
        out.extend_from_slice(&[0x01, 0x00, 0x00, 0xFF, 0xFF]);
        return;
    }
    while let Some(chunk) = chunks.next() {
        let last = chunks.peek().is_none();
        out.push(u8::from(last));
        // A chunk holds at most 0xFFFF bytes.
        let len = u16::try_from(chunk.len()).unwrap_or(u16::MAX);
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(chunk);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(tag: Tag, vr: Vr, value: ElementValue, ts: TransferSyntax) -> Vec<u8> {
        let mut ds = DataSet::new();
        ds.put(tag, vr, value);
        write_dataset(&ds, ts)
    }

    const EXPLICIT_LE: TransferSyntax = TransferSyntax::EXPLICIT_VR_LITTLE_ENDIAN;
    const IMPLICIT_LE: TransferSyntax = TransferSyntax::IMPLICIT_VR_LITTLE_ENDIAN;
    const EXPLICIT_BE: TransferSyntax = TransferSyntax::EXPLICIT_VR_BIG_ENDIAN;

    #[test]
    fn strings_are_padded_with_space_and_uids_with_nul() {
        let pn = one(
            Tag::PATIENT_NAME,
            Vr::PN,
            ElementValue::Str(vec!["Doe^J".into()]),
            EXPLICIT_LE,
        );
        assert_eq!(pn, b"\x10\x00\x10\x00PN\x06\x00Doe^J ");
        let ui = one(
            Tag::SOP_CLASS_UID,
            Vr::UI,
            ElementValue::Str(vec!["1.2.3".into()]),
            IMPLICIT_LE,
        );
        assert_eq!(ui, b"\x08\x00\x16\x00\x06\x00\x00\x001.2.3\x00");
        let cs = one(
            Tag(0x0008, 0x0008),
            Vr::CS,
            ElementValue::Str(vec!["ORIGINAL".into(), "PRIMARY".into()]),
            EXPLICIT_LE,
        );
        assert_eq!(&cs[8..], b"ORIGINAL\\PRIMARY");
    }

    #[test]
    fn numbers_follow_the_byte_order() {
        let le = one(
            Tag(0x0028, 0x0010),
            Vr::US,
            ElementValue::U16(vec![0x0102]),
            EXPLICIT_LE,
        );
        assert_eq!(le, b"\x28\x00\x10\x00US\x02\x00\x02\x01");
        let be = one(
            Tag(0x0028, 0x0010),
            Vr::US,
            ElementValue::U16(vec![0x0102]),
            EXPLICIT_BE,
        );
        assert_eq!(be, b"\x00\x28\x00\x10US\x00\x02\x01\x02");
        let fd = one(
            Tag(0x0018, 0x9087),
            Vr::FD,
            ElementValue::F64(vec![1.0]),
            EXPLICIT_BE,
        );
        assert_eq!(&fd[8..], &1.0f64.to_be_bytes());
        let at = one(
            Tag(0x0020, 0x5000),
            Vr::AT,
            ElementValue::Tags(vec![Tag(0x7FE0, 0x0010)]),
            EXPLICIT_BE,
        );
        assert_eq!(&at[8..], b"\x7F\xE0\x00\x10");
    }

    #[test]
    fn long_vrs_have_reserved_bytes_and_four_byte_lengths() {
        let ob = one(
            Tag(0x0009, 0x1010),
            Vr::OB,
            ElementValue::Bytes(vec![1, 2, 3]),
            EXPLICIT_LE,
        );
        assert_eq!(
            ob,
            b"\x09\x00\x10\x10OB\x00\x00\x04\x00\x00\x00\x01\x02\x03\x00"
        );
        let ow = one(
            Tag::PIXEL_DATA,
            Vr::OW,
            ElementValue::Bytes(vec![1, 2, 3, 4]),
            EXPLICIT_BE,
        );
        assert_eq!(
            &ow[12..],
            b"\x02\x01\x04\x03",
            "OW bytes are held little endian"
        );
    }

    #[test]
    fn oversized_short_values_become_un() {
        let text = "A".repeat(70_000);
        let lo = one(
            Tag(0x0010, 0x4000),
            Vr::LO,
            ElementValue::Str(vec![text]),
            EXPLICIT_LE,
        );
        assert_eq!(&lo[4..12], b"UN\x00\x00\x70\x11\x01\x00");
        assert_eq!(lo.len(), 12 + 70_000);
    }

    fn seq_fixture() -> DataSet {
        let mut item = DataSet::new();
        item.put_str(Tag(0x0008, 0x0100), Vr::SH, "CT1");
        let mut ds = DataSet::new();
        ds.put_seq(Tag(0x0008, 0x1032), vec![item, DataSet::new()]);
        ds
    }

    #[test]
    fn sequences_with_defined_lengths() {
        let bytes = write_dataset(&seq_fixture(), EXPLICIT_LE);
        let expected: &[u8] = b"\x08\x00\x32\x10SQ\x00\x00\x1c\x00\x00\x00\
            \xfe\xff\x00\xe0\x0c\x00\x00\x00\x08\x00\x00\x01SH\x04\x00CT1 \
            \xfe\xff\x00\xe0\x00\x00\x00\x00";
        assert_eq!(bytes, expected);
    }

    #[test]
    fn sequences_with_undefined_lengths() {
        let options = WriteOptions {
            sequence_length: SequenceLength::Undefined,
        };
        let bytes = write_dataset_with(&seq_fixture(), IMPLICIT_LE, options);
        let expected: &[u8] = b"\x08\x00\x32\x10\xff\xff\xff\xff\
            \xfe\xff\x00\xe0\xff\xff\xff\xff\x08\x00\x00\x01\x04\x00\x00\x00CT1 \
            \xfe\xff\x0d\xe0\x00\x00\x00\x00\
            \xfe\xff\x00\xe0\xff\xff\xff\xff\xfe\xff\x0d\xe0\x00\x00\x00\x00\
            \xfe\xff\xdd\xe0\x00\x00\x00\x00";
        assert_eq!(bytes, expected);
    }

    #[test]
    fn encapsulated_pixel_data_has_offset_table_and_padded_fragments() {
        let value = ElementValue::Encapsulated {
            offset_table: vec![0],
            fragments: vec![vec![0xFF, 0xD8, 0xFF]],
        };
        let bytes = one(Tag::PIXEL_DATA, Vr::OB, value, EXPLICIT_LE);
        let expected: &[u8] = b"\xe0\x7f\x10\x00OB\x00\x00\xff\xff\xff\xff\
            \xfe\xff\x00\xe0\x04\x00\x00\x00\x00\x00\x00\x00\
            \xfe\xff\x00\xe0\x04\x00\x00\x00\xff\xd8\xff\x00\
            \xfe\xff\xdd\xe0\x00\x00\x00\x00";
        assert_eq!(bytes, expected);
    }

    #[test]
    fn file_meta_group_length_counts_the_rest_of_group_2() {
        let mut ds = DataSet::new();
        ds.put_str(Tag::PATIENT_ID, Vr::LO, "X");
        ds.put_str(Tag::TRANSFER_SYNTAX_UID, Vr::UI, "ignored");
        let meta = FileMeta::new("1.2.840.10008.5.1.4.1.1.2", "2.25.1");
        let file = write_file(&ds, &meta, IMPLICIT_LE);
        assert!(file[..128].iter().all(|&b| b == 0));
        assert_eq!(&file[128..132], b"DICM");
        assert_eq!(&file[132..140], b"\x02\x00\x00\x00UL\x04\x00");
        let group_len = u32::from_le_bytes([file[140], file[141], file[142], file[143]]) as usize;
        let data_start = 144 + group_len;
        // The data set starts right after group 2, in implicit VR.
        assert_eq!(&file[data_start..], b"\x10\x00\x20\x00\x02\x00\x00\x00X ");
        let meta_bytes = &file[144..data_start];
        assert!(meta_bytes.starts_with(b"\x02\x00\x01\x00OB\x00\x00\x02\x00\x00\x00\x00\x01"));
        let ts = b"\x02\x00\x10\x00UI\x12\x001.2.840.10008.1.2\x00";
        assert!(meta_bytes.windows(ts.len()).any(|w| w == ts));
        let ver = b"\x02\x00\x13\x00SH\x10\x00PACS_ACADEMY_01 ";
        assert!(meta_bytes.ends_with(ver));
    }

    #[test]
    fn stored_deflate_blocks() {
        let mut out = Vec::new();
        deflate_stored(&mut out, b"abc");
        assert_eq!(out, b"\x01\x03\x00\xfc\xffabc");
        let mut big = Vec::new();
        deflate_stored(&mut big, &vec![7u8; 70_000]);
        assert_eq!(big.len(), 70_000 + 10);
        assert_eq!(&big[..5], b"\x00\xff\xff\x00\x00");
        assert_eq!(&big[65_540..65_545], b"\x01\x71\x11\x8e\xee");
    }
}
