//! Arrow record batches → JSON rows in canonical form: the inverse of the
//! Arrow sink.
//!
//! Each row is one compact JSON object with every column of the schema, in
//! schema order, in the form the protobuf decoder writes
//! ([`Scalar::write_json`]): BOOL a boolean, INT64 a decimal string, FLOAT64
//! a number (or `"NaN"`, `"Infinity"`, `"-Infinity"`), RANGE an object
//! `{"start": …, "end": …}`, every other type its canonical text as a
//! string; NULL is `null`, an empty or absent REPEATED field `[]`, a RECORD
//! an object. So an Arrow round trip and a protobuf round trip of the same
//! rows give the same text.
//!
//! Decoding checks every value as the codecs would on input (ranges, RANGE
//! start before end, JSON and GEOGRAPHY text, declared precision and scale),
//! so a batch that did not come from [`ArrowWriter`](super::ArrowWriter) is
//! either decoded to values BigQuery accepts or rejected with the row and
//! field path.

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Date32Type, Decimal128Type, Decimal256Type, Float64Type, Int64Type, IntervalMonthDayNanoType,
    Time64MicrosecondType, TimestampMicrosecondType, TimestampNanosecondType,
};
use arrow_array::{
    Array, BinaryArray, BooleanArray, ListArray, PrimitiveArray, RecordBatch, StringArray,
    StructArray,
};
use arrow_schema::{ArrowError, DataType, TimeUnit};
use ethnum::I256;

use super::ipc;
use crate::error::{FieldPath, RowError, ValueError};
use crate::plan::{Plan, PlanField, PlanKind, PlanRecord};
use crate::schema::{Mode, RangeElementType};
use crate::value::civil::{Date, DateTime, Time};
use crate::value::geography::Geography;
use crate::value::interval::Interval;
use crate::value::numeric::{BigNumeric, Numeric};
use crate::value::range::{Range, RangeValue};
use crate::value::timestamp::{Timestamp, TimestampPicos};
use crate::value::{Codec, Input, Scalar, json, scalar, write_json_string};

/// Why a batch could not be decoded.
///
/// # Examples
///
/// ```
/// use bqcodec::arrow::{decode_batch, ArrowWriter, DecodeError};
/// use bqcodec::plan::{Plan, WalkOptions};
/// use bqcodec::{Field, FieldType, TableSchema};
///
/// let written = Plan::compile(&TableSchema::new(vec![Field::new("n", FieldType::Int64)]), WalkOptions::new())?;
/// let mut writer = ArrowWriter::new(&written)?;
/// writer.push_json(br#"{"n": 1}"#)?;
/// let batch = writer.finish()?.remove(0);
/// let other = Plan::compile(&TableSchema::new(vec![Field::new("n", FieldType::String)]), WalkOptions::new())?;
/// let Err(DecodeError::Schema { path, found, .. }) = decode_batch(&other, &batch) else { panic!() };
/// assert_eq!((path.as_str(), found.as_str()), ("n", "Int64"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// A column is missing or has an Arrow type that cannot hold the
    /// BigQuery type.
    #[error("column {path}: expected {expected}, found {found}")]
    Schema {
        /// The column's path (`rec.sub.z`).
        path: String,
        /// What the BigQuery type needs.
        expected: String,
        /// What the batch has.
        found: String,
    },
    /// A value is not a valid value of its BigQuery type.
    #[error(transparent)]
    Row(#[from] RowError),
    /// The IPC bytes do not parse.
    #[error(transparent)]
    Arrow(#[from] ArrowError),
}

/// Decodes a record batch into canonical JSON rows, one object per row.
///
/// Columns are found by name; extra columns are an error, as are columns
/// whose Arrow type cannot hold the BigQuery type. Accepted Arrow types:
/// those of either [`DecimalMapping`](super::DecimalMapping) and
/// [`PicosMapping`](super::PicosMapping), a nullable or non-nullable
/// variant of every field, and NULL lists (read as `[]`).
///
/// # Examples
///
/// ```
/// use bqcodec::arrow::{decode_batch, ArrowWriter};
/// use bqcodec::plan::{Plan, WalkOptions};
/// use bqcodec::TableSchema;
///
/// let schema = TableSchema::from_json(
///     r#"[{"name": "price", "type": "NUMERIC"},
///         {"name": "during", "type": "RANGE", "rangeElementType": {"type": "DATE"}},
///         {"name": "tags", "type": "STRING", "mode": "REPEATED"}]"#,
/// )?;
/// let plan = Plan::compile(&schema, WalkOptions::new())?;
/// let mut writer = ArrowWriter::new(&plan)?;
/// writer.push_json(br#"{"price": 2.50, "during": "[2024-01-01, UNBOUNDED)"}"#)?;
/// let rows = decode_batch(&plan, &writer.finish()?[0])?;
/// assert_eq!(rows, [r#"{"price":"2.5","during":{"start":"2024-01-01","end":null},"tags":[]}"#]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn decode_batch(plan: &Plan, batch: &RecordBatch) -> Result<Vec<String>, DecodeError> {
    decode_batch_from(plan, batch, 0)
}

/// As [`decode_batch`], numbering rows in errors from `first_row`.
///
/// # Examples
///
/// ```
/// use arrow_array::{ArrayRef, RecordBatch};
/// use bqcodec::arrow::decode_batch_from;
/// use bqcodec::plan::{Plan, WalkOptions};
/// use bqcodec::{Field, FieldType, TableSchema};
///
/// let plan = Plan::compile(&TableSchema::new(vec![Field::new("d", FieldType::Date)]), WalkOptions::new())?;
/// // Date32 is DATE's Arrow type; day 2932897 would be 10000-01-01, beyond 9999-12-31.
/// let days: ArrayRef = std::sync::Arc::new(arrow_array::Date32Array::from(vec![0, 2932897]));
/// let batch = RecordBatch::try_from_iter([("d", days)])?;
/// let err = decode_batch_from(&plan, &batch, 100).unwrap_err();
/// assert!(err.to_string().starts_with("row 101: d: "));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn decode_batch_from(
    plan: &Plan,
    batch: &RecordBatch,
    first_row: usize,
) -> Result<Vec<String>, DecodeError> {
    let schema = batch.schema();
    for f in schema.fields() {
        if plan
            .root()
            .lookup(f.name(), crate::plan::KeyMatch::Exact)
            .is_none()
        {
            return Err(DecodeError::Schema {
                path: f.name().clone(),
                expected: "no such column (the table has none of that name)".into(),
                found: f.data_type().to_string(),
            });
        }
    }
    let mut columns = Vec::with_capacity(plan.root().fields.len());
    for f in &plan.root().fields {
        let array = batch
            .column_by_name(&f.name)
            .ok_or_else(|| DecodeError::Schema {
                path: f.name.clone(),
                expected: "the column".into(),
                found: "no column of that name".into(),
            })?;
        columns.push(Col::field(f, array.as_ref(), &f.name)?);
    }
    let mut rows = Vec::with_capacity(batch.num_rows());
    for i in 0..batch.num_rows() {
        let mut out = String::new();
        write_record(&plan.root().fields, &columns, i, &mut out).map_err(|e| RowError {
            row: first_row + i,
            path: e.path(),
            error: e.error,
        })?;
        rows.push(out);
    }
    Ok(rows)
}

/// Decodes the Storage Write API's pair of messages (a schema message and a
/// record batch message, see [`ipc`]).
///
/// # Examples
///
/// ```
/// use bqcodec::arrow::{decode_messages, ipc, ArrowWriter};
/// use bqcodec::plan::{Plan, WalkOptions};
/// use bqcodec::{Field, FieldType, TableSchema};
///
/// let plan = Plan::compile(&TableSchema::new(vec![Field::new("t", FieldType::Time)]), WalkOptions::new())?;
/// let mut writer = ArrowWriter::new(&plan)?;
/// writer.push_json(br#"{"t": "12:30:00.250"}"#)?;
/// let schema_message = writer.serialized_schema()?;
/// let batch_message = ipc::serialize_record_batch(&writer.finish()?[0])?;
/// let rows = decode_messages(&plan, &schema_message, &batch_message)?;
/// assert_eq!(rows, [r#"{"t":"12:30:00.250000"}"#]); // TIME: canonical text, 6 digits
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn decode_messages(
    plan: &Plan,
    schema_message: &[u8],
    batch_message: &[u8],
) -> Result<Vec<String>, DecodeError> {
    let batch = ipc::read_record_batch(schema_message, batch_message)?;
    decode_batch(plan, &batch)
}

/// Decodes a whole IPC stream (schema, batches, end marker).
///
/// # Examples
///
/// ```
/// use bqcodec::arrow::{decode_ipc_stream, ipc, ArrowWriter};
/// use bqcodec::plan::{Plan, WalkOptions};
/// use bqcodec::{Field, FieldType, TableSchema};
///
/// let plan = Plan::compile(&TableSchema::new(vec![Field::new("f", FieldType::Float64)]), WalkOptions::new())?;
/// let mut writer = ArrowWriter::new(&plan)?.with_max_rows(1);
/// writer.push_ndjson(b"{\"f\": 0.5}\n{\"f\": \"NaN\"}\n");
/// let schema = writer.schema();
/// let stream = ipc::ipc_stream(&schema, &writer.finish()?)?;
/// assert_eq!(decode_ipc_stream(&plan, &stream)?, [r#"{"f":0.5}"#, r#"{"f":"NaN"}"#]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn decode_ipc_stream(plan: &Plan, stream: &[u8]) -> Result<Vec<String>, DecodeError> {
    let (_, batches) = ipc::read_stream(stream)?;
    let mut rows = Vec::new();
    for b in &batches {
        let first = rows.len();
        rows.extend(decode_batch_from(plan, b, first)?);
    }
    Ok(rows)
}

/// A value error with its path, innermost segment first.
struct PathError {
    rev: Vec<crate::error::PathSegment>,
    error: ValueError,
}

impl PathError {
    fn new(error: ValueError) -> Self {
        PathError {
            rev: Vec::new(),
            error,
        }
    }
    fn at_field(mut self, name: &str) -> Self {
        self.rev
            .push(crate::error::PathSegment::Field(name.to_owned()));
        self
    }
    fn at_index(mut self, i: usize) -> Self {
        self.rev.push(crate::error::PathSegment::Index(i));
        self
    }
    fn path(&self) -> FieldPath {
        let mut p = FieldPath::root();
        for s in self.rev.iter().rev() {
            match s {
                crate::error::PathSegment::Field(n) => p.push_field(n),
                crate::error::PathSegment::Index(i) => p.push_index(*i),
            }
        }
        p
    }
}

impl From<ValueError> for PathError {
    fn from(e: ValueError) -> Self {
        PathError::new(e)
    }
}

/// A typed view of one column's items.
enum Items<'a> {
    Bool(&'a BooleanArray),
    Int64(&'a PrimitiveArray<Int64Type>),
    Float64(&'a PrimitiveArray<Float64Type>),
    Decimal128(&'a PrimitiveArray<Decimal128Type>, i128),
    Decimal256(&'a PrimitiveArray<Decimal256Type>, I256),
    Utf8(&'a StringArray),
    Binary(&'a BinaryArray),
    Date32(&'a PrimitiveArray<Date32Type>),
    Time64(&'a PrimitiveArray<Time64MicrosecondType>),
    Micros(&'a PrimitiveArray<TimestampMicrosecondType>),
    Nanos(&'a PrimitiveArray<TimestampNanosecondType>),
    Interval(&'a PrimitiveArray<IntervalMonthDayNanoType>),
    Range(&'a StructArray, Box<Items<'a>>, Box<Items<'a>>),
    Struct(&'a StructArray, Vec<Col<'a>>),
}

/// One column: its slot array (list or items) and its items.
struct Col<'a> {
    list: Option<&'a ListArray>,
    /// The array holding the slot validity (the list, or the items).
    slots: &'a dyn Array,
    items: Items<'a>,
}

fn schema_error(path: &str, expected: impl Into<String>, found: &DataType) -> DecodeError {
    DecodeError::Schema {
        path: path.to_owned(),
        expected: expected.into(),
        found: found.to_string(),
    }
}

impl<'a> Col<'a> {
    fn field(f: &PlanField, array: &'a dyn Array, path: &str) -> Result<Col<'a>, DecodeError> {
        if f.mode == Mode::Repeated {
            let DataType::List(_) = array.data_type() else {
                return Err(schema_error(
                    path,
                    "a List (REPEATED field)",
                    array.data_type(),
                ));
            };
            let list = array.as_list::<i32>();
            let items = Col::items(f, list.values().as_ref(), path)?;
            Ok(Col {
                list: Some(list),
                slots: array,
                items,
            })
        } else {
            Ok(Col {
                list: None,
                slots: array,
                items: Col::items(f, array, path)?,
            })
        }
    }

    fn items(f: &PlanField, array: &'a dyn Array, path: &str) -> Result<Items<'a>, DecodeError> {
        let dt = array.data_type();
        match &f.kind {
            PlanKind::Record(rec) => {
                let DataType::Struct(_) = dt else {
                    return Err(schema_error(path, "a Struct (RECORD)", dt));
                };
                let s = array.as_struct();
                Ok(Items::Struct(s, Col::record(rec, s, path)?))
            }
            PlanKind::Leaf(codec) => Col::leaf(codec, array, path),
        }
    }

    fn record(
        rec: &PlanRecord,
        s: &'a StructArray,
        path: &str,
    ) -> Result<Vec<Col<'a>>, DecodeError> {
        for name in s.column_names() {
            if rec.lookup(name, crate::plan::KeyMatch::Exact).is_none() {
                return Err(DecodeError::Schema {
                    path: format!("{path}.{name}"),
                    expected: "no such field (the RECORD has none of that name)".into(),
                    found: "a field".into(),
                });
            }
        }
        let mut cols = Vec::with_capacity(rec.fields.len());
        for cf in &rec.fields {
            let cpath = format!("{path}.{}", cf.name);
            let child = s
                .column_by_name(&cf.name)
                .ok_or_else(|| DecodeError::Schema {
                    path: cpath.clone(),
                    expected: "the field".into(),
                    found: "no field of that name".into(),
                })?;
            cols.push(Col::field(cf, child.as_ref(), &cpath)?);
        }
        Ok(cols)
    }

    fn leaf(codec: &Codec, array: &'a dyn Array, path: &str) -> Result<Items<'a>, DecodeError> {
        let dt = array.data_type();
        let bad = |expected: &str| Err(schema_error(path, expected, dt));
        Ok(match (codec, dt) {
            (Codec::Bool, DataType::Boolean) => Items::Bool(array.as_boolean()),
            (Codec::Int64, DataType::Int64) => Items::Int64(array.as_primitive()),
            (Codec::Float64, DataType::Float64) => Items::Float64(array.as_primitive()),
            (Codec::Numeric(_), DataType::Decimal128(_, s)) => {
                let Some(m) = u32::try_from(*s)
                    .ok()
                    .and_then(|s| Numeric::SCALE.checked_sub(s))
                    .and_then(|d| 10i128.checked_pow(d))
                else {
                    return bad("Decimal128 with scale 0…9 (NUMERIC)");
                };
                Items::Decimal128(array.as_primitive(), m)
            }
            (Codec::BigNumeric(_), DataType::Decimal256(_, s)) => {
                let Some(m) = u32::try_from(*s)
                    .ok()
                    .and_then(|s| BigNumeric::SCALE.checked_sub(s))
                    .and_then(|d| I256::new(10).checked_pow(d))
                else {
                    return bad("Decimal256 with scale 0…38 (BIGNUMERIC)");
                };
                Items::Decimal256(array.as_primitive(), m)
            }
            (
                Codec::String { .. }
                | Codec::Json
                | Codec::Geography
                | Codec::Timestamp { picos: true },
                DataType::Utf8,
            ) => Items::Utf8(array.as_string()),
            (Codec::Bytes { .. }, DataType::Binary) => Items::Binary(array.as_binary()),
            (Codec::Date, DataType::Date32) => Items::Date32(array.as_primitive()),
            (Codec::Time, DataType::Time64(TimeUnit::Microsecond)) => {
                Items::Time64(array.as_primitive())
            }
            (Codec::DateTime, DataType::Timestamp(TimeUnit::Microsecond, None)) => {
                Items::Micros(array.as_primitive())
            }
            (
                Codec::Timestamp { picos: false },
                DataType::Timestamp(TimeUnit::Microsecond, Some(tz)),
            ) if is_utc(tz) => Items::Micros(array.as_primitive()),
            (
                Codec::Timestamp { picos: true },
                DataType::Timestamp(TimeUnit::Nanosecond, Some(tz)),
            ) if is_utc(tz) => Items::Nanos(array.as_primitive()),
            (Codec::Interval, DataType::Interval(arrow_schema::IntervalUnit::MonthDayNano)) => {
                Items::Interval(array.as_primitive())
            }
            (Codec::Range(e), DataType::Struct(fields))
                if fields.len() == 2
                    && fields[0].name() == "start"
                    && fields[1].name() == "end" =>
            {
                let s = array.as_struct();
                let end_codec = match e {
                    RangeElementType::Date => Codec::Date,
                    RangeElementType::DateTime => Codec::DateTime,
                    RangeElementType::Timestamp => Codec::Timestamp { picos: false },
                };
                let start = Col::leaf(&end_codec, s.column(0).as_ref(), &format!("{path}.start"))?;
                let end = Col::leaf(&end_codec, s.column(1).as_ref(), &format!("{path}.end"))?;
                Items::Range(s, Box::new(start), Box::new(end))
            }
            (Codec::Range(_), _) => return bad("a Struct of \"start\" and \"end\" (RANGE)"),
            _ => {
                let expected = format!(
                    "the Arrow type of {} (see the type table)",
                    codec.type_name()
                );
                return bad(&expected);
            }
        })
    }

    /// Appends the JSON of slot `i` of field `f`.
    fn write(&self, f: &PlanField, i: usize, out: &mut String) -> Result<(), PathError> {
        self.write_inner(f, i, out).map_err(|e| e.at_field(&f.name))
    }

    fn write_inner(&self, f: &PlanField, i: usize, out: &mut String) -> Result<(), PathError> {
        if let Some(list) = self.list {
            if list.is_null(i) {
                out.push_str("[]");
                return Ok(());
            }
            let offsets = list.value_offsets();
            let (Some(&start), Some(&end)) = (offsets.get(i), offsets.get(i + 1)) else {
                return Err(ValueError::invalid("a list slot", "none").into());
            };
            out.push('[');
            for (k, j) in (to_usize(start)..to_usize(end)).enumerate() {
                if k > 0 {
                    out.push(',');
                }
                if j >= self.items.len() {
                    return Err(ValueError::invalid(
                        "a list offset inside the items",
                        &j.to_string(),
                    )
                    .into());
                }
                if self.items.is_null(j) {
                    return Err(PathError::new(ValueError::wrong_kind(
                        "a non-null array element (BigQuery arrays cannot hold NULL)",
                        "null",
                    ))
                    .at_index(k));
                }
                self.items.write(f, j, out).map_err(|e| e.at_index(k))?;
            }
            out.push(']');
            return Ok(());
        }
        if self.slots.is_null(i) {
            if f.mode == Mode::Required && !f.has_default {
                return Err(ValueError::Required { found: "null" }.into());
            }
            out.push_str("null");
            return Ok(());
        }
        self.items.write(f, i, out)
    }
}

/// Appends slot `i` of a record (or of the row) as a JSON object.
fn write_record(
    fields: &[PlanField],
    cols: &[Col<'_>],
    i: usize,
    out: &mut String,
) -> Result<(), PathError> {
    out.push('{');
    for (k, (f, c)) in fields.iter().zip(cols).enumerate() {
        if k > 0 {
            out.push(',');
        }
        write_json_string(&f.name, out);
        out.push(':');
        c.write(f, i, out)?;
    }
    out.push('}');
    Ok(())
}

fn to_usize(o: i32) -> usize {
    usize::try_from(o).unwrap_or(0)
}

fn is_utc(tz: &str) -> bool {
    matches!(tz, "UTC" | "+00:00" | "Etc/UTC" | "Z")
}

impl Items<'_> {
    fn is_null(&self, j: usize) -> bool {
        match self {
            Items::Bool(a) => a.is_null(j),
            Items::Int64(a) => a.is_null(j),
            Items::Float64(a) => a.is_null(j),
            Items::Decimal128(a, _) => a.is_null(j),
            Items::Decimal256(a, _) => a.is_null(j),
            Items::Utf8(a) => a.is_null(j),
            Items::Binary(a) => a.is_null(j),
            Items::Date32(a) => a.is_null(j),
            Items::Time64(a) => a.is_null(j),
            Items::Micros(a) => a.is_null(j),
            Items::Nanos(a) => a.is_null(j),
            Items::Interval(a) => a.is_null(j),
            Items::Range(a, _, _) => a.is_null(j),
            Items::Struct(a, _) => a.is_null(j),
        }
    }

    /// Appends the JSON of non-null item `j`.
    fn write(&self, f: &PlanField, j: usize, out: &mut String) -> Result<(), PathError> {
        if let Items::Struct(_, cols) = self {
            let PlanKind::Record(rec) = &f.kind else {
                return Err(ValueError::invalid("a RECORD", "a leaf").into());
            };
            return write_record(&rec.fields, cols, j, out);
        }
        let codec = match &f.kind {
            PlanKind::Leaf(c) => *c,
            PlanKind::Record(_) => return Err(ValueError::invalid("a leaf", "a RECORD").into()),
        };
        self.scalar(&codec, j)?.write_json(out);
        Ok(())
    }

    fn scalar(&self, codec: &Codec, j: usize) -> Result<Scalar<'_>, ValueError> {
        if j >= self.len() {
            return Err(ValueError::invalid(
                "an item inside the array",
                "an offset past its end",
            ));
        }
        Ok(match self {
            Items::Bool(a) => Scalar::Bool(a.value(j)),
            Items::Int64(a) => Scalar::Int64(a.value(j)),
            Items::Float64(a) => Scalar::Float64(a.value(j)),
            Items::Decimal128(a, m) => {
                let v = a.value(j);
                let scaled = v
                    .checked_mul(*m)
                    .ok_or_else(|| ValueError::out_of_range("NUMERIC", &v.to_string()))?;
                let n = Numeric::from_scaled(scaled)?;
                check_params(codec, &Scalar::Numeric(n))?;
                Scalar::Numeric(n)
            }
            Items::Decimal256(a, m) => {
                let v = I256::from_le_bytes(a.value(j).to_le_bytes());
                let scaled = v
                    .checked_mul(*m)
                    .ok_or_else(|| ValueError::out_of_range("BIGNUMERIC", &v.to_string()))?;
                let n = BigNumeric::from_scaled(scaled);
                check_params(codec, &Scalar::BigNumeric(n))?;
                Scalar::BigNumeric(n)
            }
            Items::Utf8(a) => {
                let text = a.value(j);
                match codec {
                    Codec::String { max_length } => {
                        Scalar::String(scalar::parse_string(Input::Str(text), *max_length)?.into())
                    }
                    Codec::Json => Scalar::Json(json::parse(Input::Str(text))?),
                    Codec::Geography => Scalar::Geography(Geography::parse(Input::Str(text))?),
                    Codec::Timestamp { picos: true } => {
                        Scalar::TimestampPicos(TimestampPicos::parse(Input::Str(text))?)
                    }
                    _ => return Err(ValueError::invalid(codec.type_name(), text)),
                }
            }
            Items::Binary(a) => {
                let b = a.value(j);
                if let Codec::Bytes {
                    max_length: Some(max),
                } = codec
                    && b.len() as u64 > *max
                {
                    return Err(ValueError::TooLong {
                        max: *max,
                        length: b.len() as u64,
                        unit: "bytes",
                    });
                }
                Scalar::Bytes(b.into())
            }
            Items::Date32(a) => Scalar::Date(Date::from_days(a.value(j))?),
            Items::Time64(a) => Scalar::Time(Time::from_micros_since_midnight(a.value(j))?),
            Items::Micros(a) => match codec {
                Codec::DateTime => Scalar::DateTime(DateTime::from_micros_since_epoch(a.value(j))?),
                _ => Scalar::Timestamp(Timestamp::from_micros(a.value(j))?),
            },
            Items::Nanos(a) => {
                let picos = i128::from(a.value(j)) * 1000;
                Scalar::TimestampPicos(TimestampPicos::from_picos(picos)?)
            }
            Items::Interval(a) => {
                let v = a.value(j);
                Scalar::Interval(Interval::from_month_day_nano(
                    v.months,
                    v.days,
                    v.nanoseconds,
                )?)
            }
            Items::Range(_, start, end) => {
                let e = match codec {
                    Codec::Range(e) => *e,
                    _ => return Err(ValueError::invalid(codec.type_name(), "a RANGE")),
                };
                Scalar::Range(range_value(e, start, end, j)?)
            }
            Items::Struct(..) => return Err(ValueError::invalid("a leaf", "a RECORD")),
        })
    }

    fn len(&self) -> usize {
        match self {
            Items::Bool(a) => a.len(),
            Items::Int64(a) => a.len(),
            Items::Float64(a) => a.len(),
            Items::Decimal128(a, _) => a.len(),
            Items::Decimal256(a, _) => a.len(),
            Items::Utf8(a) => a.len(),
            Items::Binary(a) => a.len(),
            Items::Date32(a) => a.len(),
            Items::Time64(a) => a.len(),
            Items::Micros(a) => a.len(),
            Items::Nanos(a) => a.len(),
            Items::Interval(a) => a.len(),
            Items::Range(a, _, _) => a.len(),
            Items::Struct(a, _) => a.len(),
        }
    }
}

/// Checks a decoded decimal against the column's declared precision and
/// scale by re-parsing its canonical text (the one place that knows the rule).
fn check_params(codec: &Codec, value: &Scalar<'_>) -> Result<(), ValueError> {
    match codec {
        Codec::Numeric(p) | Codec::BigNumeric(p) if p.precision.is_some() || p.scale.is_some() => {
            let text = value.to_canonical();
            codec.parse(Input::Str(&text), &crate::value::Policy::new())?;
            Ok(())
        }
        _ => Ok(()),
    }
}

fn range_value(
    e: RangeElementType,
    start: &Items<'_>,
    end: &Items<'_>,
    j: usize,
) -> Result<RangeValue, ValueError> {
    let end_codec = match e {
        RangeElementType::Date => Codec::Date,
        RangeElementType::DateTime => Codec::DateTime,
        RangeElementType::Timestamp => Codec::Timestamp { picos: false },
    };
    let get = |items: &Items<'_>| -> Result<Option<Scalar<'static>>, ValueError> {
        if items.is_null(j) {
            Ok(None)
        } else {
            items.scalar(&end_codec, j).map(|s| Some(s.into_owned()))
        }
    };
    let (s, t) = (get(start)?, get(end)?);
    fn both<T: Copy + PartialOrd + std::fmt::Display>(
        s: Option<T>,
        t: Option<T>,
    ) -> Result<Range<T>, ValueError> {
        if let (Some(a), Some(b)) = (s, t)
            && a >= b
        {
            return Err(ValueError::invalid(
                "a RANGE whose start is before its end",
                &format!("[{a}, {b})"),
            ));
        }
        Ok(Range { start: s, end: t })
    }
    Ok(match e {
        RangeElementType::Date => {
            let f = |v: Option<Scalar<'static>>| match v {
                Some(Scalar::Date(d)) => Some(d),
                _ => None,
            };
            RangeValue::Date(both(f(s), f(t))?)
        }
        RangeElementType::DateTime => {
            let f = |v: Option<Scalar<'static>>| match v {
                Some(Scalar::DateTime(d)) => Some(d),
                _ => None,
            };
            RangeValue::DateTime(both(f(s), f(t))?)
        }
        RangeElementType::Timestamp => {
            let f = |v: Option<Scalar<'static>>| match v {
                Some(Scalar::Timestamp(d)) => Some(d),
                _ => None,
            };
            RangeValue::Timestamp(both(f(s), f(t))?)
        }
    })
}
