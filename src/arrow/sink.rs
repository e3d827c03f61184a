//! [`ArrowSink`]: the [`Sink`] that writes rows into Arrow column buffers
//! and cuts them into record batches by row count and encoded size.
//!
//! Most callers want [`ArrowWriter`](super::ArrowWriter), which owns a
//! walker and a sink; the sink is public for callers that drive a
//! [`Walker`](crate::plan::Walker) themselves (several inputs into one
//! batch stream, say).

use std::sync::Arc;

use arrow_array::RecordBatch;
use arrow_array::types::{Decimal128Type, Decimal256Type, DecimalType};
use arrow_buffer::{IntervalMonthDayNano, i256};
use arrow_schema::{ArrowError, SchemaRef};

use super::batch::{self, Column, Values};
use super::schema::{ColSpec, Kind, Layout, SchemaOptions};
use crate::error::{SchemaError, ValueError};
use crate::plan::{Plan, PlanField, Sink};
use crate::value::Scalar;
use crate::value::civil::Date;
use crate::value::range::{Range, RangeValue};
use crate::value::timestamp::Timestamp;

/// The byte limit of one AppendRows request.
///
/// # Examples
///
/// ```
/// use bqcodec::arrow::sink::{APPEND_ROWS_LIMIT, MAX_MAX_BYTES};
/// use bqcodec::arrow::DEFAULT_MAX_BYTES;
///
/// assert_eq!(APPEND_ROWS_LIMIT, 10_000_000);
/// // The default batch size leaves 1 MB for the schema and the request envelope.
/// assert_eq!(APPEND_ROWS_LIMIT - DEFAULT_MAX_BYTES, 1_000_000);
/// assert!(MAX_MAX_BYTES > APPEND_ROWS_LIMIT); // larger batches only for IPC files
/// ```
pub const APPEND_ROWS_LIMIT: usize = 10_000_000;

/// The default [`ArrowSink::with_max_bytes`]: 9 MB, leaving 1 MB of the
/// 10 MB AppendRows limit for the schema message and the request envelope.
///
/// # Examples
///
/// ```
/// use bqcodec::arrow::{ArrowSink, DEFAULT_MAX_BYTES};
/// use bqcodec::plan::{Plan, WalkOptions};
/// use bqcodec::{Field, FieldType, TableSchema};
///
/// let plan = Plan::compile(&TableSchema::new(vec![Field::new("s", FieldType::String)]), WalkOptions::new())?;
/// assert_eq!(DEFAULT_MAX_BYTES, 9_000_000);
/// let sink = ArrowSink::new(&plan)?; // cuts a batch before it would serialize above 9 MB
/// assert!(sink.estimated_bytes() < 1024); // the empty batch: message header only
/// # Ok::<(), bqcodec::SchemaError>(())
/// ```
pub const DEFAULT_MAX_BYTES: usize = 9_000_000;

/// The largest byte limit accepted (128 MiB): keeps every 32-bit Arrow
/// offset of a batch in range.
///
/// # Examples
///
/// ```
/// use bqcodec::arrow::sink::MAX_MAX_BYTES;
///
/// assert_eq!(MAX_MAX_BYTES, 134_217_728); // 128 MiB; larger limits are capped to it
/// ```
pub const MAX_MAX_BYTES: usize = 1 << 27;

/// IPC alignment used for every message ([`super::ipc`] writes with it).
pub(crate) const IPC_ALIGNMENT: usize = 8;

/// A record batch and, for each of its rows, the caller's input row index
/// (to map the Storage Write API's per-row errors back to the input).
///
/// # Examples
///
/// ```
/// use bqcodec::arrow::ArrowWriter;
/// use bqcodec::plan::{Plan, WalkOptions};
/// use bqcodec::{Field, FieldType, Mode, TableSchema};
///
/// let schema = TableSchema::new(vec![Field::new("n", FieldType::Int64).with_mode(Mode::Required)]);
/// let plan = Plan::compile(&schema, WalkOptions::new())?;
/// let mut writer = ArrowWriter::new(&plan)?;
/// writer.push_ndjson(b"{\"n\": 1}\n{\"n\": \"x\"}\n{\"n\": 3}\n");
/// let batches = writer.finish_batches()?;
/// assert_eq!(batches[0].batch.num_rows(), 2);
/// assert_eq!(batches[0].input_rows, [0, 2]); // row 1 was rejected
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ArrowBatch {
    /// The rows.
    pub batch: RecordBatch,
    /// `input_rows[i]` is the input index of row `i` of `batch`.
    pub input_rows: Vec<usize>,
}

/// A batch cut but not yet turned into Arrow arrays.
#[derive(Debug)]
struct Sealed {
    cols: Vec<Column>,
    rows: usize,
    input_rows: Vec<usize>,
}

/// A [`Sink`] that writes Arrow column buffers.
///
/// Batches are cut after a row when the batch holds `max_rows` rows, or
/// when the row made the batch's encoded size (an upper bound of its
/// serialized IPC message, see [`ArrowSink::estimated_bytes`]) exceed
/// `max_bytes`: the row then starts the next batch. A row whose own values
/// exceed `max_bytes` is rejected with [`ValueError::TooLong`] at the value
/// that crossed the limit.
///
/// # Examples
///
/// ```
/// use bqcodec::arrow::ArrowSink;
/// use bqcodec::plan::{Plan, WalkOptions, Walker};
/// use bqcodec::{Field, FieldType, TableSchema};
///
/// let plan = Plan::compile(&TableSchema::new(vec![Field::new("d", FieldType::Date)]), WalkOptions::new())?;
/// let mut sink = ArrowSink::new(&plan)?;
/// let mut walker = Walker::new(&plan);
/// walker.walk_json(br#"{"d": "2024-02-29"}"#, 0, &mut sink)?;
/// assert!(walker.walk_json(br#"{"d": "2024-02-30"}"#, 1, &mut sink).is_err());
/// walker.walk_ndjson(b"{\"d\": 0}\n", 2, &mut sink); // two inputs, one batch stream
/// let batches = sink.finish()?;
/// assert_eq!(batches[0].input_rows, [0, 2]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct ArrowSink {
    layout: Arc<Layout>,
    cols: Vec<Column>,
    /// Committed rows of the open batch.
    rows: usize,
    input_rows: Vec<usize>,
    row_index: usize,
    /// Size of the open batch's buffers, in bits.
    bits: u64,
    bits_at_row_start: u64,
    overhead: u64,
    max_rows: usize,
    max_bytes: usize,
    sealed: Vec<Sealed>,
    text: String,
}

impl ArrowSink {
    /// A sink for `plan` with the default schema options; fails as
    /// [`to_arrow_schema`](super::to_arrow_schema) does.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::arrow::ArrowSink;
    /// use bqcodec::plan::{Plan, WalkOptions};
    /// use bqcodec::TableSchema;
    ///
    /// let schema = TableSchema::from_json(r#"[{"name": "ts", "type": "TIMESTAMP", "timestampPrecision": "12"}]"#)?;
    /// let plan = Plan::compile(&schema, WalkOptions::new())?;
    /// // TIMESTAMP(12) has no Arrow form by default (see PicosMapping).
    /// assert!(ArrowSink::new(&plan).is_err());
    /// # Ok::<(), bqcodec::SchemaError>(())
    /// ```
    pub fn new(plan: &Plan) -> Result<Self, SchemaError> {
        ArrowSink::with_options(plan, &SchemaOptions::new())
    }

    /// A sink for `plan` mapped with `options`.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::arrow::{ArrowSink, PicosMapping, SchemaOptions};
    /// use bqcodec::plan::{Plan, WalkOptions};
    /// use bqcodec::TableSchema;
    ///
    /// let schema = TableSchema::from_json(r#"[{"name": "ts", "type": "TIMESTAMP", "timestampPrecision": "12"}]"#)?;
    /// let plan = Plan::compile(&schema, WalkOptions::new())?;
    /// let sink = ArrowSink::with_options(&plan, &SchemaOptions::new().with_picos(PicosMapping::Text))?;
    /// assert_eq!(sink.schema().field(0).data_type().to_string(), "Utf8");
    /// # Ok::<(), bqcodec::SchemaError>(())
    /// ```
    pub fn with_options(plan: &Plan, options: &SchemaOptions) -> Result<Self, SchemaError> {
        let layout = Arc::new(Layout::compile(plan, options)?);
        Ok(ArrowSink::from_layout(layout))
    }

    pub(crate) fn from_layout(layout: Arc<Layout>) -> Self {
        let cols = batch::empty_columns(&layout);
        let nodes = layout.nodes as u64;
        let buffers = layout.buffers as u64;
        // Message header and flatbuffer tables, 16 bytes per FieldNode and per
        // Buffer entry, and per buffer up to one byte of bit rounding plus
        // the alignment padding.
        let overhead = 512 + 16 * nodes + buffers * (16 + 1 + IPC_ALIGNMENT as u64);
        ArrowSink {
            layout,
            cols,
            rows: 0,
            input_rows: Vec::new(),
            row_index: 0,
            bits: 0,
            bits_at_row_start: 0,
            overhead,
            max_rows: usize::MAX,
            max_bytes: DEFAULT_MAX_BYTES,
            sealed: Vec::new(),
            text: String::new(),
        }
    }

    /// Cuts batches at `max_rows` rows (default: no row limit). Zero is
    /// taken as one.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::arrow::ArrowSink;
    /// use bqcodec::plan::{Plan, WalkOptions, Walker};
    /// use bqcodec::{Field, FieldType, TableSchema};
    ///
    /// let plan = Plan::compile(&TableSchema::new(vec![Field::new("n", FieldType::Int64)]), WalkOptions::new())?;
    /// let mut sink = ArrowSink::new(&plan)?.with_max_rows(2);
    /// Walker::new(&plan).walk_ndjson(b"{\"n\": 1}\n{\"n\": 2}\n{\"n\": 3}\n", 0, &mut sink);
    /// assert_eq!(sink.open_rows(), 1); // two rows were cut into a batch
    /// let sizes: Vec<usize> = sink.finish()?.iter().map(|b| b.batch.num_rows()).collect();
    /// assert_eq!(sizes, [2, 1]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_max_rows(mut self, max_rows: usize) -> Self {
        self.max_rows = max_rows.max(1);
        self
    }

    /// Cuts batches so that each serializes to at most `max_bytes` bytes
    /// (default [`DEFAULT_MAX_BYTES`]); capped at [`MAX_MAX_BYTES`], and at
    /// least 1 KiB.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::arrow::ArrowSink;
    /// use bqcodec::plan::{Plan, WalkOptions, Walker};
    /// use bqcodec::{Field, FieldType, TableSchema};
    ///
    /// let plan = Plan::compile(&TableSchema::new(vec![Field::new("s", FieldType::String)]), WalkOptions::new())?;
    /// let mut sink = ArrowSink::new(&plan)?.with_max_bytes(0); // raised to 1 KiB
    /// let big = format!(r#"{{"s": "{}"}}"#, "x".repeat(2000));
    /// let err = Walker::new(&plan).walk_json(big.as_bytes(), 0, &mut sink).unwrap_err();
    /// assert_eq!(err.path.to_string(), "s"); // alone larger than a batch may be
    /// let outcome = Walker::new(&plan).walk_ndjson(&br#"{"s": "0123456789"}"#.repeat(1), 1, &mut sink);
    /// assert_eq!(outcome.written, 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_max_bytes(mut self, max_bytes: usize) -> Self {
        self.max_bytes = max_bytes.clamp(1024, MAX_MAX_BYTES);
        self
    }

    /// The Arrow schema of the batches.
    pub fn schema(&self) -> SchemaRef {
        self.layout.schema.clone()
    }

    /// Rows in the open (not yet cut) batch.
    pub fn open_rows(&self) -> usize {
        self.rows
    }

    /// An upper bound of the serialized size of the open batch
    /// (`ArrowRecordBatch.serialized_record_batch`, as [`super::ipc`] writes
    /// it).
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::arrow::{ipc, ArrowSink};
    /// use bqcodec::plan::{Plan, WalkOptions, Walker};
    /// use bqcodec::{Field, FieldType, TableSchema};
    ///
    /// let plan = Plan::compile(&TableSchema::new(vec![Field::new("s", FieldType::String)]), WalkOptions::new())?;
    /// let mut sink = ArrowSink::new(&plan)?;
    /// Walker::new(&plan).walk_ndjson(b"{\"s\": \"abc\"}\n{\"s\": null}\n", 0, &mut sink);
    /// let estimate = sink.estimated_bytes();
    /// let batches = sink.finish()?;
    /// assert!(ipc::serialize_record_batch(&batches[0].batch)?.len() <= estimate);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn estimated_bytes(&self) -> usize {
        self.estimate(self.bits)
    }

    fn estimate(&self, bits: u64) -> usize {
        usize::try_from(self.overhead.saturating_add(bits.div_ceil(8))).unwrap_or(usize::MAX)
    }

    /// Cuts the open batch (if it has rows), so that it is returned by the
    /// next [`ArrowSink::take_batches`].
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::arrow::ArrowSink;
    /// use bqcodec::plan::{Plan, WalkOptions, Walker};
    /// use bqcodec::{Field, FieldType, TableSchema};
    ///
    /// let plan = Plan::compile(&TableSchema::new(vec![Field::new("n", FieldType::Int64)]), WalkOptions::new())?;
    /// let mut sink = ArrowSink::new(&plan)?;
    /// Walker::new(&plan).walk_ndjson(b"{\"n\": 1}\n", 0, &mut sink);
    /// assert!(sink.take_batches()?.is_empty()); // still open
    /// sink.flush();
    /// assert_eq!(sink.take_batches()?.len(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn flush(&mut self) {
        if self.rows > 0 {
            self.seal(self.rows);
            self.bits = 0;
            self.bits_at_row_start = 0;
        }
    }

    /// Takes the batches cut so far (the open batch stays open).
    pub fn take_batches(&mut self) -> Result<Vec<ArrowBatch>, ArrowError> {
        let sealed = std::mem::take(&mut self.sealed);
        let mut out = Vec::with_capacity(sealed.len());
        for s in sealed {
            let batch = batch::build_batch(&self.layout, s.cols, s.rows)?;
            out.push(ArrowBatch {
                batch,
                input_rows: s.input_rows,
            });
        }
        Ok(out)
    }

    /// Cuts the open batch and takes every batch.
    pub fn finish(&mut self) -> Result<Vec<ArrowBatch>, ArrowError> {
        self.flush();
        self.take_batches()
    }

    /// Moves the first `rows` rows of the open batch into a sealed batch.
    fn seal(&mut self, rows: usize) {
        let mut out = batch::empty_columns(&self.layout);
        for &id in &self.layout.top {
            batch::split_front(&self.layout, &mut self.cols, &mut out, id, rows);
        }
        let rest = self.input_rows.split_off(rows.min(self.input_rows.len()));
        let input_rows = std::mem::replace(&mut self.input_rows, rest);
        self.sealed.push(Sealed {
            cols: out,
            rows,
            input_rows,
        });
        self.rows = self.rows.saturating_sub(rows);
    }

    fn push_leaf(&mut self, id: usize, value: Scalar<'_>) -> Result<(), ValueError> {
        let (Some(spec), Some(col)) = (self.layout.specs.get(id), self.cols.get_mut(id)) else {
            return Err(ValueError::invalid(
                "a column of the schema",
                "an unknown field",
            ));
        };
        let bits = push_value(spec, col, value, &mut self.text)?;
        self.account(id, bits)
    }

    /// A typed leaf: `push` appends it when column `id` holds `kind`'s
    /// values (returning the bits added); any other column takes the general
    /// path with `scalar`.
    #[inline]
    fn push_typed(
        &mut self,
        id: usize,
        push: impl FnOnce(Kind, &mut Values) -> Option<Result<u64, ValueError>>,
        scalar: impl FnOnce() -> Scalar<'static>,
    ) -> Result<(), ValueError> {
        let pushed = match (self.layout.specs.get(id), self.cols.get_mut(id)) {
            (Some(spec), Some(col)) => push(spec.kind, &mut col.values),
            _ => None,
        };
        match pushed {
            Some(bits) => self.account(id, bits?),
            None => self.push_leaf(id, scalar()),
        }
    }

    /// Counts a value of `bits` just appended to column `id`, marks the slot
    /// valid, and checks the row against the batch byte limit.
    #[inline]
    fn account(&mut self, id: usize, bits: u64) -> Result<(), ValueError> {
        self.bits += bits;
        if let (Some(spec), Some(col)) = (self.layout.specs.get(id), self.cols.get_mut(id))
            && spec.nullable
            && !spec.repeated
        {
            col.validity.push(true);
            self.bits += 1;
        }
        let row_bits = self.bits.saturating_sub(self.bits_at_row_start);
        let row_bytes = self.estimate(row_bits);
        if row_bytes > self.max_bytes {
            return Err(ValueError::TooLong {
                max: self.max_bytes as u64,
                length: row_bytes as u64,
                unit: "bytes in one Arrow batch (the batch byte limit)",
            });
        }
        Ok(())
    }
}

/// Appends one empty slot to column `id`: NULL when the column is
/// nullable, else an empty list, a zero, an empty string, or a struct of
/// such slots (the content under a NULL parent). Returns the bits added.
fn pad(layout: &Layout, cols: &mut [Column], id: usize) -> u64 {
    let (Some(spec), Some(col)) = (layout.specs.get(id), cols.get_mut(id)) else {
        return 0;
    };
    if spec.repeated {
        let last = col.offsets.last().copied().unwrap_or(0);
        col.offsets.push(last);
        return 32;
    }
    let mut bits = 0;
    if spec.nullable {
        col.validity.push(false);
        bits += 1;
    }
    bits += match &mut col.values {
        Values::Bool(v) => {
            v.push(false);
            1
        }
        Values::I32(v) => {
            v.push(0);
            32
        }
        Values::I64(v) => {
            v.push(0);
            64
        }
        Values::F64(v) => {
            v.push(0.0);
            64
        }
        Values::I128(v) => {
            v.push(0);
            128
        }
        Values::I256(v) => {
            v.push(i256::ZERO);
            256
        }
        Values::Mdn(v) => {
            v.push(IntervalMonthDayNano::ZERO);
            128
        }
        Values::Bytes { offsets, .. } => {
            let last = offsets.last().copied().unwrap_or(0);
            offsets.push(last);
            32
        }
        Values::Range {
            start_valid,
            start,
            end_valid,
            end,
        } => {
            start_valid.push(false);
            start.push(0);
            end_valid.push(false);
            end.push(0);
            130
        }
        Values::Struct(n) => {
            *n += 1;
            0
        }
    };
    for &child in &spec.children {
        bits += pad(layout, cols, child);
    }
    bits
}

fn wrong_value(spec: &ColSpec, value: &Scalar<'_>) -> ValueError {
    ValueError::invalid(
        format!("a value for Arrow {}", spec.item_type),
        &value.to_canonical(),
    )
}

fn push_bytes(offsets: &mut Vec<i32>, data: &mut Vec<u8>, bytes: &[u8]) -> Result<u64, ValueError> {
    data.extend_from_slice(bytes);
    let end = i32::try_from(data.len()).map_err(|_| ValueError::TooLong {
        max: i32::MAX as u64,
        length: data.len() as u64,
        unit: "bytes in one Arrow column of a batch",
    })?;
    offsets.push(end);
    Ok(32 + 8 * bytes.len() as u64)
}

/// Appends one value to a column's items; returns the bits it added.
fn push_value(
    spec: &ColSpec,
    col: &mut Column,
    value: Scalar<'_>,
    text: &mut String,
) -> Result<u64, ValueError> {
    Ok(match (spec.kind, &mut col.values, &value) {
        (Kind::Bool, Values::Bool(v), Scalar::Bool(b)) => {
            v.push(*b);
            1
        }
        (Kind::Int64, Values::I64(v), Scalar::Int64(x)) => {
            v.push(*x);
            64
        }
        (Kind::Float64, Values::F64(v), Scalar::Float64(x)) => {
            v.push(*x);
            64
        }
        (
            Kind::Decimal128 {
                precision,
                scale,
                divisor,
            },
            Values::I128(v),
            Scalar::Numeric(n),
        ) => {
            let scaled = n.scaled();
            let x = if divisor == 1 {
                scaled
            } else if scaled.checked_rem(divisor) == Some(0) {
                scaled.checked_div(divisor).unwrap_or(0)
            } else {
                return Err(ValueError::excess_scale(u32::from(scale), &n.to_string()));
            };
            if !Decimal128Type::is_valid_decimal_precision(x, precision) {
                return Err(ValueError::out_of_range(
                    format!("NUMERIC that fits Arrow Decimal128({precision}, {scale})"),
                    &n.to_string(),
                ));
            }
            v.push(x);
            128
        }
        (
            Kind::Decimal256 {
                precision,
                scale,
                divisor,
            },
            Values::I256(v),
            Scalar::BigNumeric(n),
        ) => {
            let scaled = n.scaled();
            let x = if divisor == ethnum::I256::ONE {
                scaled
            } else {
                match scaled.checked_div_rem(divisor) {
                    Some((q, r)) if r == ethnum::I256::ZERO => q,
                    _ => return Err(ValueError::excess_scale(u32::from(scale), &n.to_string())),
                }
            };
            let x = i256::from_le_bytes(x.to_le_bytes());
            if !Decimal256Type::is_valid_decimal_precision(x, precision) {
                return Err(ValueError::out_of_range(
                    format!(
                        "BIGNUMERIC that fits Arrow Decimal256({precision}, {scale}) \
                         (at most {} integer digits)",
                        i32::from(precision) - i32::from(scale)
                    ),
                    &n.to_string(),
                ));
            }
            v.push(x);
            256
        }
        (Kind::Utf8, Values::Bytes { offsets, data }, Scalar::String(s) | Scalar::Json(s)) => {
            push_bytes(offsets, data, s.as_bytes())?
        }
        (Kind::Utf8, Values::Bytes { offsets, data }, Scalar::Geography(g)) => {
            push_bytes(offsets, data, g.wkt().as_bytes())?
        }
        (Kind::Utf8, Values::Bytes { offsets, data }, Scalar::TimestampPicos(_)) => {
            text.clear();
            value.write_canonical(text);
            push_bytes(offsets, data, text.as_bytes())?
        }
        (Kind::Binary, Values::Bytes { offsets, data }, Scalar::Bytes(b)) => {
            push_bytes(offsets, data, b)?
        }
        (Kind::Date32, Values::I32(v), Scalar::Date(d)) => {
            v.push(d.days());
            32
        }
        (Kind::Time64, Values::I64(v), Scalar::Time(t)) => {
            v.push(t.micros_since_midnight());
            64
        }
        (Kind::TimestampMicros, Values::I64(v), Scalar::DateTime(t)) => {
            v.push(t.micros_since_epoch());
            64
        }
        (Kind::TimestampMicros, Values::I64(v), Scalar::Timestamp(t)) => {
            v.push(t.micros());
            64
        }
        (Kind::TimestampNanos, Values::I64(v), Scalar::TimestampPicos(t)) => {
            let picos = t.picos();
            if picos % 1000 != 0 {
                return Err(ValueError::invalid(
                    "TIMESTAMP(12) with at most 9 fractional digits (the column maps to \
                     Arrow nanoseconds)",
                    &t.to_string(),
                ));
            }
            let nanos = i64::try_from(picos / 1000).map_err(|_| {
                ValueError::out_of_range(
                    "TIMESTAMP(12) within 1677-09-21T00:12:43.145224192Z … \
                     2262-04-11T23:47:16.854775807Z (Arrow nanoseconds)",
                    &t.to_string(),
                )
            })?;
            v.push(nanos);
            64
        }
        (Kind::Interval, Values::Mdn(v), Scalar::Interval(i)) => {
            let (months, days, nanoseconds) = i.to_month_day_nano()?;
            v.push(IntervalMonthDayNano {
                months,
                days,
                nanoseconds,
            });
            128
        }
        (
            Kind::Range(_),
            Values::Range {
                start_valid,
                start,
                end_valid,
                end,
            },
            Scalar::Range(r),
        ) => {
            fn ends<T: Copy>(r: &Range<T>, f: fn(T) -> i64) -> (Option<i64>, Option<i64>) {
                (r.start.map(f), r.end.map(f))
            }
            let (s, e) = match (spec.kind, r) {
                (Kind::Range(crate::schema::RangeElementType::Date), RangeValue::Date(r)) => {
                    ends(r, |d| i64::from(d.days()))
                }
                (
                    Kind::Range(crate::schema::RangeElementType::DateTime),
                    RangeValue::DateTime(r),
                ) => ends(r, |d| d.micros_since_epoch()),
                (
                    Kind::Range(crate::schema::RangeElementType::Timestamp),
                    RangeValue::Timestamp(r),
                ) => ends(r, |t| t.micros()),
                _ => return Err(wrong_value(spec, &value)),
            };
            start_valid.push(s.is_some());
            start.push(s.unwrap_or(0));
            end_valid.push(e.is_some());
            end.push(e.unwrap_or(0));
            130
        }
        _ => return Err(wrong_value(spec, &value)),
    })
}

impl Sink for ArrowSink {
    fn begin_row(&mut self, row: usize) {
        self.row_index = row;
        self.bits_at_row_start = self.bits;
    }

    fn end_row(&mut self) {
        self.input_rows.push(self.row_index);
        self.rows += 1;
        let row_bits = self.bits.saturating_sub(self.bits_at_row_start);
        if self.rows >= self.max_rows {
            self.seal(self.rows);
            self.bits = 0;
        } else if self.estimate(self.bits) > self.max_bytes {
            if self.rows > 1 {
                // This row starts the next batch.
                self.seal(self.rows - 1);
                self.bits = row_bits;
            }
            if self.estimate(self.bits) > self.max_bytes {
                // A row over the limit on its own (only through NULL
                // padding: values are checked as they arrive) goes alone.
                self.seal(self.rows);
                self.bits = 0;
            }
        }
        self.bits_at_row_start = self.bits;
    }

    fn abort_row(&mut self) {
        for &id in &self.layout.top {
            batch::truncate(&self.layout, &mut self.cols, id, self.rows);
        }
        self.bits = self.bits_at_row_start;
    }

    fn leaf(&mut self, field: &PlanField, value: Scalar<'_>) -> Result<(), ValueError> {
        self.push_leaf(field.id, value)
    }

    fn null(&mut self, field: &PlanField) {
        self.bits += pad(&self.layout, &mut self.cols, field.id);
    }

    #[inline]
    fn leaf_bool(&mut self, field: &PlanField, value: bool) -> Result<(), ValueError> {
        self.push_typed(
            field.id,
            |kind, values| match (kind, values) {
                (Kind::Bool, Values::Bool(v)) => {
                    v.push(value);
                    Some(Ok(1))
                }
                _ => None,
            },
            || Scalar::Bool(value),
        )
    }

    #[inline]
    fn leaf_int64(&mut self, field: &PlanField, value: i64) -> Result<(), ValueError> {
        self.push_typed(
            field.id,
            |kind, values| match (kind, values) {
                (Kind::Int64, Values::I64(v)) => {
                    v.push(value);
                    Some(Ok(64))
                }
                _ => None,
            },
            || Scalar::Int64(value),
        )
    }

    #[inline]
    fn leaf_float64(&mut self, field: &PlanField, value: f64) -> Result<(), ValueError> {
        self.push_typed(
            field.id,
            |kind, values| match (kind, values) {
                (Kind::Float64, Values::F64(v)) => {
                    v.push(value);
                    Some(Ok(64))
                }
                _ => None,
            },
            || Scalar::Float64(value),
        )
    }

    #[inline]
    fn leaf_string(&mut self, field: &PlanField, value: &str) -> Result<(), ValueError> {
        self.push_typed(
            field.id,
            |kind, values| match (kind, values) {
                (Kind::Utf8, Values::Bytes { offsets, data }) => {
                    Some(push_bytes(offsets, data, value.as_bytes()))
                }
                _ => None,
            },
            || Scalar::String(value.to_owned().into()),
        )
    }

    #[inline]
    fn leaf_json(&mut self, field: &PlanField, value: &str) -> Result<(), ValueError> {
        self.push_typed(
            field.id,
            |kind, values| match (kind, values) {
                (Kind::Utf8, Values::Bytes { offsets, data }) => {
                    Some(push_bytes(offsets, data, value.as_bytes()))
                }
                _ => None,
            },
            || Scalar::Json(value.to_owned().into()),
        )
    }

    #[inline]
    fn leaf_bytes(&mut self, field: &PlanField, value: &[u8]) -> Result<(), ValueError> {
        self.push_typed(
            field.id,
            |kind, values| match (kind, values) {
                (Kind::Binary, Values::Bytes { offsets, data }) => {
                    Some(push_bytes(offsets, data, value))
                }
                _ => None,
            },
            || Scalar::Bytes(value.to_owned().into()),
        )
    }

    #[inline]
    fn leaf_date(&mut self, field: &PlanField, value: Date) -> Result<(), ValueError> {
        self.push_typed(
            field.id,
            |kind, values| match (kind, values) {
                (Kind::Date32, Values::I32(v)) => {
                    v.push(value.days());
                    Some(Ok(32))
                }
                _ => None,
            },
            || Scalar::Date(value),
        )
    }

    #[inline]
    fn leaf_timestamp(&mut self, field: &PlanField, value: Timestamp) -> Result<(), ValueError> {
        self.push_typed(
            field.id,
            |kind, values| match (kind, values) {
                (Kind::TimestampMicros, Values::I64(v)) => {
                    v.push(value.micros());
                    Some(Ok(64))
                }
                _ => None,
            },
            || Scalar::Timestamp(value),
        )
    }

    fn begin_record(&mut self, field: &PlanField) {
        let (Some(spec), Some(col)) =
            (self.layout.specs.get(field.id), self.cols.get_mut(field.id))
        else {
            return;
        };
        if spec.nullable && !spec.repeated {
            col.validity.push(true);
            self.bits += 1;
        }
        if let Values::Struct(n) = &mut col.values {
            *n += 1;
        }
    }

    fn end_record(&mut self, _field: &PlanField) {}

    fn begin_list(&mut self, _field: &PlanField) {}

    fn end_list(&mut self, field: &PlanField) {
        if let Some(col) = self.cols.get_mut(field.id) {
            let items = i32::try_from(col.items()).unwrap_or(i32::MAX);
            col.offsets.push(items);
            self.bits += 32;
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)] // tests fail loudly by design
mod tests {
    use super::*;
    use crate::plan::{WalkOptions, Walker};
    use crate::schema::{Field, FieldType, Mode, TableSchema};
    use arrow_array::Array;
    use arrow_array::cast::AsArray;

    fn plan() -> Plan {
        let schema = TableSchema {
            fields: vec![
                Field::new("id", FieldType::Int64).with_mode(Mode::Required),
                Field::record(
                    "r",
                    vec![
                        Field::new("s", FieldType::String),
                        Field::new("l", FieldType::Int64).with_mode(Mode::Repeated),
                    ],
                )
                .with_mode(Mode::Repeated),
            ],
        };
        Plan::compile(&schema, WalkOptions::new()).unwrap()
    }

    #[test]
    fn abort_restores_every_buffer() {
        let p = plan();
        let mut sink = ArrowSink::new(&p).unwrap();
        let mut w = Walker::new(&p);
        w.walk_json(br#"{"id": 1, "r": [{"s": "ab", "l": [1]}]}"#, 0, &mut sink)
            .unwrap();
        let before = format!("{:?}", sink.cols);
        let bits = sink.bits;
        // Fails after writing into every nested buffer.
        w.walk_json(
            br#"{"id": 2, "r": [{"s": "cd", "l": [2, 3]}, {"s": "ef", "l": [4, "x"]}]}"#,
            1,
            &mut sink,
        )
        .unwrap_err();
        assert_eq!(format!("{:?}", sink.cols), before);
        assert_eq!(sink.bits, bits);
        assert_eq!(sink.open_rows(), 1);
    }

    #[test]
    fn seal_splits_nested_buffers() {
        let p = plan();
        let mut sink = ArrowSink::new(&p).unwrap();
        let mut w = Walker::new(&p);
        let rows = b"{\"id\": 1, \"r\": [{\"s\": \"ab\", \"l\": [1]}]}\n{\"id\": 2}\n{\"id\": 3, \"r\": [{\"l\": [5, 6]}, {\"s\": \"z\"}]}\n";
        assert!(w.walk_ndjson(rows, 0, &mut sink).errors.is_empty());
        sink.seal(2);
        assert_eq!(sink.open_rows(), 1);
        let b = sink.finish().unwrap();
        assert_eq!(b.len(), 2);
        assert_eq!(b[0].input_rows, [0, 1]);
        assert_eq!(b[1].input_rows, [2]);
        let r = b[1].batch.column(1).as_list::<i32>();
        assert_eq!(r.value_offsets(), &[0, 2]);
        let items = r.values().as_struct();
        let s = items.column(0).as_string::<i32>();
        assert!(s.is_null(0));
        assert_eq!(s.value(1), "z");
        let l = items.column(1).as_list::<i32>();
        assert_eq!(l.value_offsets(), &[0, 2, 2]);
        let first = b[0].batch.column(1).as_list::<i32>();
        assert_eq!(first.value_offsets(), &[0, 1, 1]);
        assert_eq!(
            first
                .values()
                .as_struct()
                .column(0)
                .as_string::<i32>()
                .value(0),
            "ab"
        );
    }

    #[test]
    fn limits_are_clamped() {
        let p = plan();
        let s = ArrowSink::new(&p)
            .unwrap()
            .with_max_rows(0)
            .with_max_bytes(1);
        assert_eq!((s.max_rows, s.max_bytes), (1, 1024));
        let s = ArrowSink::new(&p).unwrap().with_max_bytes(usize::MAX);
        assert_eq!(s.max_bytes, MAX_MAX_BYTES);
    }

    #[test]
    fn wrong_scalar_for_column_is_an_error() {
        let p = plan();
        let mut sink = ArrowSink::new(&p).unwrap();
        let id = &p.root().fields[0];
        sink.begin_row(0);
        let e = sink.leaf(id, Scalar::Bool(true)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "expected a value for Arrow Int64, found \"true\""
        );
        sink.abort_row();
        assert_eq!(sink.finish().unwrap().len(), 0);
    }
}
