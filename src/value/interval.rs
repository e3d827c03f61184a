//! INTERVAL: months, days and a time part, each with its own sign.
//!
//! STUB: signatures fixed, bodies to be written.

use super::Input;
use crate::error::ValueError;
use std::fmt;

/// An INTERVAL: (months, days, nanoseconds), each part signed independently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Interval {
    months: i32,
    days: i32,
    nanos: i128,
}

impl Interval {
    /// From its parts; range-checked.
    pub fn new(months: i32, days: i32, nanos: i128) -> Result<Self, ValueError> {
        Ok(Interval {
            months,
            days,
            nanos,
        })
    }
    /// Months (years × 12 + months).
    pub fn months(self) -> i32 {
        self.months
    }
    /// Days.
    pub fn days(self) -> i32 {
        self.days
    }
    /// The time part in nanoseconds.
    pub fn nanos(self) -> i128 {
        self.nanos
    }
    /// The canonical form "[-]Y-M [-]D [-]H:M:S[.F]", its partial forms, or ISO 8601 "P…".
    pub fn parse(input: Input<'_>) -> Result<Self, ValueError> {
        Err(ValueError::wrong_kind("INTERVAL", input.kind()))
    }
    /// Arrow's month-day-nano; an error when the time part exceeds i64 nanoseconds.
    pub fn to_month_day_nano(self) -> Result<(i32, i32, i64), ValueError> {
        Err(ValueError::invalid("INTERVAL", ""))
    }
    /// From Arrow's month-day-nano; range-checked.
    pub fn from_month_day_nano(months: i32, days: i32, nanos: i64) -> Result<Self, ValueError> {
        Interval::new(months, days, nanos.into())
    }
    /// ISO 8601 duration text ("P1Y2M3DT4H5M6.5S").
    pub fn to_iso8601(self) -> String {
        String::new()
    }
}

impl fmt::Display for Interval {
    /// Canonical "Y-M D H:M:S[.F]".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.months)
    }
}
