//! [`Sink`]: what the row walk drives.

use super::PlanField;
use crate::error::ValueError;
use crate::value::Scalar;

/// A writer of one output format, driven by the row walk.
///
/// The walk calls, per row: `begin_row`, then for each key in input order a
/// `leaf`/`null`/`begin_record`…`end_record`/`begin_list`…`end_list`, then
/// `null` once for every NULLABLE field the row left out (so columnar sinks
/// can append), then `end_row` — or `abort_row` when the row turned out bad,
/// after which the sink must be as it was before `begin_row`.
pub trait Sink {
    /// Row `row` (the caller's input index) starts.
    fn begin_row(&mut self, row: usize);
    /// The row is complete and valid.
    fn end_row(&mut self);
    /// The row is bad: forget everything since `begin_row`.
    fn abort_row(&mut self);
    /// A non-null leaf value. A sink may still reject it (e.g. a form its
    /// format cannot hold).
    fn leaf(&mut self, field: &PlanField, value: Scalar<'_>) -> Result<(), ValueError>;
    /// A NULL (explicit, or the key was absent) in a NULLABLE field, or an
    /// absent REPEATED field (an empty list).
    fn null(&mut self, field: &PlanField);
    /// A RECORD value starts (once per element for a REPEATED RECORD).
    fn begin_record(&mut self, field: &PlanField);
    /// The RECORD value ends.
    fn end_record(&mut self, field: &PlanField);
    /// A REPEATED field's list starts.
    fn begin_list(&mut self, field: &PlanField);
    /// The list ends.
    fn end_list(&mut self, field: &PlanField);
}
