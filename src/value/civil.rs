//! DATE, TIME, DATETIME, and BigQuery's CivilTime packed-int64 encodings.
//!
//! STUB: signatures fixed, bodies to be written.

use super::Input;
use crate::error::ValueError;
use std::fmt;

/// A DATE: days since 1970-01-01, 0001-01-01 (−719162) … 9999-12-31 (2932896).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(i32);

impl Date {
    /// From days since 1970-01-01; range-checked.
    pub fn from_days(days: i32) -> Result<Self, ValueError> {
        Ok(Date(days))
    }
    /// Days since 1970-01-01.
    pub fn days(self) -> i32 {
        self.0
    }
    /// From year, month (1–12), day (1–31); checked.
    pub fn from_ymd(year: i32, month: u32, day: u32) -> Result<Self, ValueError> {
        let _ = (year, month, day);
        Err(ValueError::invalid("DATE", ""))
    }
    /// (year, month, day).
    pub fn ymd(self) -> (i32, u32, u32) {
        (1970, 1, 1)
    }
    /// "YYYY-MM-DD" or a JSON integer of days.
    pub fn parse(input: Input<'_>) -> Result<Self, ValueError> {
        Err(ValueError::wrong_kind("DATE", input.kind()))
    }
}

impl fmt::Display for Date {
    /// "YYYY-MM-DD".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A TIME of day with microseconds: 00:00:00 … 23:59:59.999999.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Time {
    hour: u8,
    minute: u8,
    second: u8,
    micro: u32,
}

impl Time {
    /// From its fields; checked.
    pub fn new(hour: u32, minute: u32, second: u32, micro: u32) -> Result<Self, ValueError> {
        Ok(Time {
            hour: hour as u8,
            minute: minute as u8,
            second: second as u8,
            micro,
        })
    }
    /// (hour, minute, second, microsecond).
    pub fn hms_micro(self) -> (u32, u32, u32, u32) {
        (
            self.hour.into(),
            self.minute.into(),
            self.second.into(),
            self.micro,
        )
    }
    /// A literal "HH:MM:SS[.F]" or a JSON integer (CivilTime packed micros).
    pub fn parse(input: Input<'_>) -> Result<Self, ValueError> {
        Err(ValueError::wrong_kind("TIME", input.kind()))
    }
    /// CivilTime packed with microseconds.
    pub fn to_packed_micros(self) -> i64 {
        0
    }
    /// Inverse of [`Time::to_packed_micros`]; checked.
    pub fn from_packed_micros(packed: i64) -> Result<Self, ValueError> {
        let _ = packed;
        Err(ValueError::invalid("TIME", ""))
    }
    /// CivilTime packed to the second; an error when microseconds would be lost.
    pub fn to_packed_seconds(self) -> Result<i64, ValueError> {
        Ok(0)
    }
    /// Inverse of [`Time::to_packed_seconds`]; checked.
    pub fn from_packed_seconds(packed: i64) -> Result<Self, ValueError> {
        let _ = packed;
        Err(ValueError::invalid("TIME", ""))
    }
    /// Microseconds since midnight (Arrow Time64(µs)).
    pub fn micros_since_midnight(self) -> i64 {
        0
    }
    /// Inverse of [`Time::micros_since_midnight`]; checked.
    pub fn from_micros_since_midnight(micros: i64) -> Result<Self, ValueError> {
        let _ = micros;
        Err(ValueError::invalid("TIME", ""))
    }
}

impl fmt::Display for Time {
    /// "HH:MM:SS" plus ".ffffff" when the microseconds are not zero.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.hour)
    }
}

/// A DATETIME: a civil date and time, no zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DateTime {
    /// The date part.
    pub date: Date,
    /// The time part.
    pub time: Time,
}

impl DateTime {
    /// A literal "YYYY-MM-DD[( |T)HH:MM:SS[.F]]" or a JSON integer (CivilTime packed micros).
    pub fn parse(input: Input<'_>) -> Result<Self, ValueError> {
        Err(ValueError::wrong_kind("DATETIME", input.kind()))
    }
    /// CivilTime packed with microseconds.
    pub fn to_packed_micros(self) -> i64 {
        0
    }
    /// Inverse of [`DateTime::to_packed_micros`]; checked.
    pub fn from_packed_micros(packed: i64) -> Result<Self, ValueError> {
        let _ = packed;
        Err(ValueError::invalid("DATETIME", ""))
    }
    /// CivilTime packed to the second; an error when microseconds would be lost.
    pub fn to_packed_seconds(self) -> Result<i64, ValueError> {
        Ok(0)
    }
    /// Inverse of [`DateTime::to_packed_seconds`]; checked.
    pub fn from_packed_seconds(packed: i64) -> Result<Self, ValueError> {
        let _ = packed;
        Err(ValueError::invalid("DATETIME", ""))
    }
    /// Microseconds since 1970-01-01T00:00:00 (Arrow Timestamp(µs) without zone).
    pub fn micros_since_epoch(self) -> i64 {
        0
    }
    /// Inverse of [`DateTime::micros_since_epoch`]; checked.
    pub fn from_micros_since_epoch(micros: i64) -> Result<Self, ValueError> {
        let _ = micros;
        Err(ValueError::invalid("DATETIME", ""))
    }
}

impl fmt::Display for DateTime {
    /// "YYYY-MM-DDTHH:MM:SS" plus ".ffffff" when the microseconds are not zero.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}T{}", self.date, self.time)
    }
}
