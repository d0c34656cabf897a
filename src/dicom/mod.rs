//! DICOM (PS3.5 encoding, PS3.6 dictionary, PS3.10 files): read, explain and
//! write data sets. Pure Rust with no I/O, so it runs on the server and in
//! the browser alike.
//!
//! Reading:
//! - [`read`] takes the bytes of a Part 10 file or a bare data set and gives
//!   a [`Parsed`]: the preamble, `DICM`, the meta group and the data set as
//!   [`Element`]s with the byte [`Span`]s of every part of their encoding,
//!   decoded [`Value`]s, sequence [`Item`]s and pixel data [`Fragment`]s,
//!   plus a [`ReadError`] (offset and reason) if reading stopped early.
//!   [`read_dataset`] reads a data set in a given [`TransferSyntax`].
//! - [`regions`] labels every byte of the input (tag, VR, length, value,
//!   item header ...) for a hex view; [`Parsed::element_at`] maps an offset
//!   back to an [`ElementRef`].
//! - [`dump`] writes a dcmdump-style listing; [`tree`] gives the same rows
//!   as a view model.
//! - [`attribute`] and [`by_keyword`] look up the PS3.6 data dictionary,
//!   [`lookup_uid`] the UID registry, [`Vr`] explains value representations.

// Reading engine: tags, VRs, UIDs, the data dictionary, the reader.
mod charset;
mod dictionary;
mod dictionary_data;
mod dump;
mod element;
mod listing;
#[cfg(test)]
mod proptests;
mod read;
#[cfg(test)]
mod read_tests;
mod regions;
mod sniff;
mod tag;
#[cfg(test)]
mod testutil;
mod uid;
mod uid_data;
mod value;
mod vr;

// Writing engine: an in-memory data set and its encoder.
mod object;
#[cfg(test)]
mod roundtrip_tests;
mod write;

pub use charset::Charset;
pub use dictionary::{attribute, by_keyword, dictionary_size, private_tag, Attribute, PrivateTag};
pub use dump::{dump, tree, RowKind, TreeRow};
pub use element::{
    Delimiter, Element, ElementRef, Fragment, Item, Length, LengthEncoding, Part, Span, VrSource,
};
pub use listing::{parse_listing, Listing, ListingError};
pub use object::{format_ds, DataElement, DataSet, ElementValue};
pub use read::{read, read_dataset, Parsed, ReadError, MAX_DEPTH, MAX_ELEMENTS};
pub use regions::{region_at, regions, Region, RegionKind};
pub use sniff::not_dicom;
pub use tag::{Tag, TagParseError};
pub use uid::{all_uids, lookup_uid, TransferSyntax, UidEntry, UidKind};
pub use value::{Value, MAX_NUMBERS, MAX_TEXT_BYTES, PREVIEW_BYTES};
pub use vr::{Vr, VrParseError};
pub use write::{
    write_dataset, write_dataset_with, write_file, write_file_meta, write_file_with, FileMeta,
    SequenceLength, WriteOptions, IMPLEMENTATION_CLASS_UID, IMPLEMENTATION_VERSION_NAME,
};
