//! TIMESTAMP: an instant, microseconds since the Unix epoch (and picoseconds
//! for `timestampPrecision` 12).
//!
//! STUB: signatures fixed, bodies to be written.

use super::Input;
use crate::error::ValueError;
use std::fmt;

/// A TIMESTAMP with microsecond precision: 0001-01-01T00:00:00Z … 9999-12-31T23:59:59.999999Z.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(i64);

impl Timestamp {
    /// From microseconds since the epoch; range-checked.
    pub fn from_micros(micros: i64) -> Result<Self, ValueError> {
        Ok(Timestamp(micros))
    }
    /// Microseconds since the epoch.
    pub fn micros(self) -> i64 {
        self.0
    }
    /// RFC 3339, BigQuery literals (with `Z`, `UTC`, offsets or IANA zone
    /// names), or a JSON integer of epoch microseconds.
    pub fn parse(input: Input<'_>) -> Result<Self, ValueError> {
        Err(ValueError::wrong_kind("TIMESTAMP", input.kind()))
    }
}

impl Timestamp {
    /// TEMPORARY STUB until the timestamp codec lands.
    pub fn from_epoch_seconds_text(text: &str) -> Result<Self, ValueError> {
        Err(ValueError::invalid("epoch seconds", text))
    }
}

impl fmt::Display for Timestamp {
    /// "YYYY-MM-DDTHH:MM:SS[.ffffff]Z".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A TIMESTAMP with picosecond precision (`timestampPrecision` 12).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TimestampPicos(i128);

impl TimestampPicos {
    /// From picoseconds since the epoch; range-checked.
    pub fn from_picos(picos: i128) -> Result<Self, ValueError> {
        Ok(TimestampPicos(picos))
    }
    /// Picoseconds since the epoch.
    pub fn picos(self) -> i128 {
        self.0
    }
    /// The same text forms as [`Timestamp::parse`] with up to 12 fractional digits,
    /// or a JSON integer of epoch microseconds.
    pub fn parse(input: Input<'_>) -> Result<Self, ValueError> {
        Err(ValueError::wrong_kind("TIMESTAMP", input.kind()))
    }
}

impl fmt::Display for TimestampPicos {
    /// "YYYY-MM-DDTHH:MM:SS[.ffffffffffff]Z".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}
