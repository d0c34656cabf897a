//! HL7 v2 messages in ER7 ("pipe and hat") form: parse, inspect, escape,
//! build and encode.
//!
//! Pure Rust with no I/O, so it runs on the server and in the browser alike.
//!
//! - [`parse`] reads a message (CR, LF or CRLF segment endings, optional MLLP
//!   framing, any legal delimiters) into a [`Message`]. Every segment, field,
//!   repetition, component and subcomponent keeps its raw text and its byte
//!   span in the input; errors carry line, column and offset.
//! - [`Path`] names a part tersely (`PID-5.1`, `PID-3(2).1`, `OBX[2]-5`);
//!   [`Message::get`] gives its raw text and [`Message::value`] its decoded
//!   text. [`Message::path_at`] maps an offset back to a path, and
//!   [`Message::leaves`] lists every non-empty value.
//! - [`unescape`], [`unescape_lossy`] and [`escape`] handle `\F\`, `\S\`,
//!   `\T\`, `\R\`, `\E\`, `\P\`, `\X…\` and `\.br\` with the message's own
//!   escape character.
//! - [`decode_message`] turns the bytes of a message into text in the
//!   character set MSH-18 declares, with warnings where they do not fit.
//! - [`parse`] refuses a message of more than [`MAX_PARTS`] segments and
//!   separators, so memory stays bounded on hostile input.
//! - [`MessageBuilder`] and [`SegmentBuilder`] make messages from plain
//!   values; [`Message::to_er7`], [`Message::to_mllp`] and
//!   [`Message::with_delimiters`] write them out.
//!
//! ```
//! use pacs_academy::hl7::{parse, Path};
//!
//! let message = parse("MSH|^~\\&|RIS|HOSP|PACS|HOSP|20240101||ORM^O01|7|P|2.3\rPID|1||123||Doe^Jane")?;
//! assert_eq!(message.control_id().as_deref(), Some("7"));
//! let family: Path = "PID-5.1".parse()?;
//! assert_eq!(message.value(&family).as_deref(), Some("Doe"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod builder;
mod charset;
mod delimiters;
mod dictionary;
mod dictionary_data;
mod encode;
mod error;
mod escape;
mod message;
mod parse;
mod path;

#[cfg(test)]
mod proptests;

pub use builder::{MessageBuilder, SegmentBuilder, MAX_INDEX};
pub use charset::{decode_message, msh18, Decoded};
pub use delimiters::{is_legal_delimiter, DelimiterError, Delimiters};
pub use dictionary::{
    component, component_in, data_type, describe, field, fields, message_type, segment, table_name,
    table_numbers, table_value, table_values, trigger_event, ComponentDef, DataTypeDef,
    Description, FieldDef, Optionality, Repeat, SegmentDef, Version,
};
pub use encode::{SegmentSeparator, MLLP_END, MLLP_START};
pub use error::{
    line_column, BuildError, EscapeError, EscapeErrorKind, ParseError, ParseErrorKind, PathError,
};
pub use escape::{escape, transcode, unescape, unescape_lossy};
pub use message::{
    Component, Field, Leaf, Location, Message, MessageType, Repetition, Segment, Subcomponent,
};
pub use parse::{parse, MAX_PARTS};
pub use path::{Depth, Path};
