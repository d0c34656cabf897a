//! The interactive explorers: HTML for the HL7 message explorer (and the
//! DICOM hex dump), built as plain strings so that the server (module pages,
//! exercise pages) and the browser (the "explain my …" pages, which parse in
//! WASM) produce exactly the same markup.
//!
//! The markup is inert: [`behaviour`] (browser only) gives every explorer on
//! a page its hover, focus, click and keyboard behaviour through listeners
//! on the document, so explorers inside Markdown-rendered module bodies work
//! the same as those a page component renders.
//!
//! - [`hl7`]: a message as a tree of segments, fields, repetitions,
//!   components and subcomponents (WAI-ARIA tree pattern), with a details
//!   panel showing path, name, data type, decoded value and table meaning.
//! - [`explain_hl7`]: the same information as rows, for a field-by-field
//!   table and for `pacs-academy hl7 explain`.

#[cfg(any(feature = "hydrate", feature = "reader"))]
pub mod behaviour;
pub mod dicom;
pub mod hl7;

pub use dicom::{dicom_explorer, DicomExplorerOptions};
pub use hl7::{explain_hl7, hl7_explorer, Hl7ExplorerOptions, Hl7Row};
