//! The meaning of every BigQuery type: accepted inputs, ranges, the canonical
//! scalar, its canonical text, and its wire encodings, both directions.
//!
//! One file per type family. Nothing outside this module parses a literal.
//!
//! - [`scalar`] — BOOL, INT64, FLOAT64, STRING, BYTES
//! - [`numeric`] — NUMERIC, BIGNUMERIC and the BigDecimal byte encoding
//! - [`civil`] — DATE, TIME, DATETIME and CivilTime packing
//! - [`timestamp`] — TIMESTAMP (microseconds, and picoseconds for precision 12)
//! - [`interval`] — INTERVAL
//! - [`range`] — `RANGE<DATE|DATETIME|TIMESTAMP>`
//! - [`geography`] — GEOGRAPHY as WKT or GeoJSON
//! - [`json`] — JSON
//!
//! [`Codec`] ties a column type (with its parameters) to its family, and
//! [`Scalar`] is the canonical value every sink writes.

pub mod civil;
pub mod form;
pub mod geography;
pub mod interval;
pub mod json;
pub mod numeric;
pub mod range;
pub mod scalar;
pub mod timestamp;

mod codec;
mod input;

pub use codec::{Codec, Policy, Scalar, write_json_string};
pub use form::Form;
pub use input::Input;
