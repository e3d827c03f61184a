//! JSON: any JSON value or JSON text, validated, as canonical compact text.
//!
//! STUB: signatures fixed, bodies to be written.

use super::Input;
use crate::error::ValueError;
use std::borrow::Cow;

/// Parses a JSON column value: a JSON object/array ([`Input::Raw`]), a number
/// or boolean, or a string holding JSON text. Returns compact JSON text
/// (borrowed when the input already is canonical).
pub fn parse(input: Input<'_>) -> Result<Cow<'_, str>, ValueError> {
    Err(ValueError::wrong_kind("JSON", input.kind()))
}
