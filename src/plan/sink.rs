//! [`Sink`]: what the row walk drives.

use super::PlanField;
use crate::error::ValueError;
use crate::value::Scalar;
use crate::value::civil::Date;
use crate::value::numeric::Numeric;
use crate::value::timestamp::Timestamp;

/// A writer of one output format, driven by the row walk.
///
/// The walk calls, per row: `begin_row`, then for each key in input order a
/// `leaf`/`null`/`begin_record`…`end_record`/`begin_list`…`end_list`, then
/// `null` once for every NULLABLE field the row left out (so columnar sinks
/// can append), then `end_row` — or `abort_row` when the row turned out bad,
/// after which the sink must be as it was before `begin_row`.
///
/// # Examples
///
/// ```
/// use bqcodec::plan::{Plan, PlanField, Sink, WalkOptions, Walker};
/// // Only the required methods: the typed leaves (`leaf_int64`, …) default to `leaf`.
/// use bqcodec::{Scalar, TableSchema, ValueError};
///
/// /// Collects "name=value" for each leaf of each good row.
/// #[derive(Default)]
/// struct Texts { row: Vec<String>, rows: Vec<Vec<String>> }
/// impl Sink for Texts {
///     fn begin_row(&mut self, _row: usize) { self.row.clear(); }
///     fn end_row(&mut self) { self.rows.push(std::mem::take(&mut self.row)); }
///     fn abort_row(&mut self) { self.row.clear(); }
///     fn leaf(&mut self, f: &PlanField, v: Scalar<'_>) -> Result<(), ValueError> {
///         Ok(self.row.push(format!("{}={v}", f.name)))
///     }
///     fn null(&mut self, f: &PlanField) { self.row.push(format!("{}=NULL", f.name)); }
///     fn begin_record(&mut self, _: &PlanField) {}
///     fn end_record(&mut self, _: &PlanField) {}
///     fn begin_list(&mut self, _: &PlanField) {}
///     fn end_list(&mut self, _: &PlanField) {}
/// }
///
/// let schema = TableSchema::from_json(r#"[{"name": "d", "type": "DATE"}, {"name": "n", "type": "NUMERIC"}]"#)?;
/// let plan = Plan::compile(&schema, WalkOptions::new())?;
/// let mut sink = Texts::default();
/// let rows = b"{\"n\": 1.50, \"d\": \"2024-1-2\"}\n{\"d\": 5}\n{\"n\": true}\n";
/// let outcome = Walker::new(&plan).walk_ndjson(rows, 0, &mut sink);
/// // Keys in input order, then NULL for each absent NULLABLE field; the bad row 2 left nothing.
/// assert_eq!(sink.rows, [vec!["n=1.5", "d=2024-01-02"], vec!["d=1970-01-06", "n=NULL"]]);
/// assert_eq!((outcome.written, outcome.errors[0].row), (2, 2));
/// # Ok::<(), bqcodec::SchemaError>(())
/// ```
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

    // Typed leaves: the walk calls these for the most common types instead
    // of [`Sink::leaf`], so a sink can write them without building and
    // matching a `Scalar`. Each defaults to `leaf` with the same value, so a
    // sink that does not care implements `leaf` alone and sees every value.

    /// A BOOL leaf; defaults to [`Sink::leaf`].
    #[inline]
    fn leaf_bool(&mut self, field: &PlanField, value: bool) -> Result<(), ValueError> {
        self.leaf(field, Scalar::Bool(value))
    }
    /// An INT64 leaf; defaults to [`Sink::leaf`].
    #[inline]
    fn leaf_int64(&mut self, field: &PlanField, value: i64) -> Result<(), ValueError> {
        self.leaf(field, Scalar::Int64(value))
    }
    /// A FLOAT64 leaf; defaults to [`Sink::leaf`].
    #[inline]
    fn leaf_float64(&mut self, field: &PlanField, value: f64) -> Result<(), ValueError> {
        self.leaf(field, Scalar::Float64(value))
    }
    /// A STRING leaf; defaults to [`Sink::leaf`].
    #[inline]
    fn leaf_string(&mut self, field: &PlanField, value: &str) -> Result<(), ValueError> {
        self.leaf(field, Scalar::String(value.into()))
    }
    /// A BYTES leaf (decoded); defaults to [`Sink::leaf`].
    #[inline]
    fn leaf_bytes(&mut self, field: &PlanField, value: &[u8]) -> Result<(), ValueError> {
        self.leaf(field, Scalar::Bytes(value.into()))
    }
    /// A JSON leaf (compact text); defaults to [`Sink::leaf`].
    #[inline]
    fn leaf_json(&mut self, field: &PlanField, value: &str) -> Result<(), ValueError> {
        self.leaf(field, Scalar::Json(value.into()))
    }
    /// A NUMERIC leaf; defaults to [`Sink::leaf`].
    #[inline]
    fn leaf_numeric(&mut self, field: &PlanField, value: Numeric) -> Result<(), ValueError> {
        self.leaf(field, Scalar::Numeric(value))
    }
    /// A DATE leaf; defaults to [`Sink::leaf`].
    #[inline]
    fn leaf_date(&mut self, field: &PlanField, value: Date) -> Result<(), ValueError> {
        self.leaf(field, Scalar::Date(value))
    }
    /// A TIMESTAMP leaf (microseconds); defaults to [`Sink::leaf`].
    #[inline]
    fn leaf_timestamp(&mut self, field: &PlanField, value: Timestamp) -> Result<(), ValueError> {
        self.leaf(field, Scalar::Timestamp(value))
    }
}
