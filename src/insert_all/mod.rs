//! Legacy streaming (`tabledata.insertAll`): value formatting, row objects,
//! insertIds, request bodies cut under the size limits, table targets
//! (partition decorators, template suffixes) and response errors. No I/O:
//! this module makes the bytes and the paths; a transport sends them.
//!
//! The pieces, in the order a row meets them:
//! - [`value`]: the JSON form of every type (the type table is there).
//! - [`InsertAllSink`]: the row walk's sink; writes each row's `"json"`
//!   object canonically (schema order, NULLs left out) and picks its
//!   insertId ([`InsertIds`]: none by default, a content hash, or a key
//!   column; caller-supplied ids go in with [`InsertAllRows::set_insert_id`]).
//! - [`RequestBatcher`]: cuts rows into bodies under [`BatchLimits`] (9 MiB
//!   and 500 rows by default) with the [`InsertAllOptions`]; each
//!   [`InsertAllRequest`] remembers the input index of its rows.
//! - [`InsertAllTarget`], [`PartitionDecorator`], [`TemplateSuffix`]: where
//!   the body goes, checked against the documented rules (today's date comes
//!   from the caller).
//! - [`parse_response`]: `insertErrors` → [`RowFailure`]s on input rows, each
//!   with a [`Disposition`] (resend, retry, fix, unknown).
//!
//! [`InsertAllWriter`] ties them together.

mod request;
mod response;
mod sink;
mod target;
pub mod value;
mod writer;

pub use request::{
    BatchLimits, DEFAULT_REQUEST_BYTES, DEFAULT_REQUEST_ROWS, InsertAllOptions, InsertAllRequest,
    MAX_REQUEST_BYTES, MAX_REQUEST_ROWS, MAX_TRACE_ID_CHARS, RequestBatcher, build_requests,
};
pub use response::{Disposition, InsertError, RowFailure, parse_response};
pub use sink::{InsertAllEncoder, InsertAllRows, InsertAllSink, InsertIds};
pub use target::{
    InsertAllTarget, MAX_TABLE_AND_SUFFIX_CHARS, PARTITION_DAYS_FUTURE, PARTITION_DAYS_PAST,
    PartitionDecorator, TemplateSuffix,
};
pub use value::{parse_value_json, value_json, write_value_json};
pub use writer::InsertAllWriter;
