//! RANGE<DATE|DATETIME|TIMESTAMP>: a half-open interval, each end possibly unbounded.
//!
//! STUB: signatures fixed, bodies to be written.

use super::Input;
use super::civil::{Date, DateTime};
use super::timestamp::Timestamp;
use crate::error::ValueError;
use crate::schema::RangeElementType;
use std::fmt;

/// `[start, end)`; `None` is UNBOUNDED.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Range<T> {
    /// Inclusive start; `None` is unbounded.
    pub start: Option<T>,
    /// Exclusive end; `None` is unbounded.
    pub end: Option<T>,
}

/// A RANGE value of one of the three element types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RangeValue {
    /// RANGE<DATE>
    Date(Range<Date>),
    /// RANGE<DATETIME>
    DateTime(Range<DateTime>),
    /// RANGE<TIMESTAMP>
    Timestamp(Range<Timestamp>),
}

impl RangeValue {
    /// The literal "[start, end)" (UNBOUNDED / NULL ends) or an object
    /// `{"start": …, "end": …}` given as [`Input::Raw`].
    pub fn parse(input: Input<'_>, element: RangeElementType) -> Result<Self, ValueError> {
        let _ = element;
        Err(ValueError::wrong_kind("RANGE", input.kind()))
    }
    /// From the two ends given separately (JSON null = unbounded); checks start < end.
    pub fn from_parts(
        element: RangeElementType,
        start: Input<'_>,
        end: Input<'_>,
    ) -> Result<Self, ValueError> {
        let _ = (element, start, end);
        Err(ValueError::invalid("RANGE", ""))
    }
    /// The element type.
    pub fn element(&self) -> RangeElementType {
        match self {
            RangeValue::Date(_) => RangeElementType::Date,
            RangeValue::DateTime(_) => RangeElementType::DateTime,
            RangeValue::Timestamp(_) => RangeElementType::Timestamp,
        }
    }
}

impl fmt::Display for RangeValue {
    /// "[start, end)" with "UNBOUNDED" for an open end.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[UNBOUNDED, UNBOUNDED)")
    }
}
