//! BOOL, INT64, FLOAT64, STRING and BYTES.
//!
//! STUB: signatures fixed, bodies to be written.

use super::Input;
use crate::error::ValueError;

/// BOOL: `true`/`false`, the strings "true"/"false" in any case, the integers 0 and 1.
pub fn parse_bool(input: Input<'_>) -> Result<bool, ValueError> {
    Err(ValueError::wrong_kind("BOOL", input.kind()))
}

/// INT64: JSON integers and integer strings over the full i64 range, never through f64.
pub fn parse_int64(input: Input<'_>) -> Result<i64, ValueError> {
    Err(ValueError::wrong_kind("INT64", input.kind()))
}

/// FLOAT64: numbers, numeric strings, "NaN", "Infinity", "-Infinity".
pub fn parse_float64(input: Input<'_>) -> Result<f64, ValueError> {
    Err(ValueError::wrong_kind("FLOAT64", input.kind()))
}

/// Appends FLOAT64's canonical text.
pub fn write_float64(v: f64, out: &mut String) {
    out.push_str(&v.to_string());
}

/// STRING: a JSON string, at most `max_length` characters.
pub fn parse_string(input: Input<'_>, max_length: Option<u64>) -> Result<&str, ValueError> {
    let _ = max_length;
    Err(ValueError::wrong_kind("STRING", input.kind()))
}

/// BYTES: standard or URL-safe base64 text, at most `max_length` decoded bytes.
pub fn parse_bytes(input: Input<'_>, max_length: Option<u64>) -> Result<Vec<u8>, ValueError> {
    let _ = max_length;
    Err(ValueError::wrong_kind("BYTES", input.kind()))
}

/// Appends BYTES's canonical text: standard base64 with padding.
pub fn write_bytes(bytes: &[u8], out: &mut String) {
    let _ = (bytes, out);
}
