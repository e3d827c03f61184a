//! The Storage Write API's Arrow path: the Arrow schema of a table, rows →
//! record batches, the IPC bytes `AppendRowsRequest.arrow_rows` carries, and
//! decoding back to JSON. Feature `arrow` (arrow-rs 60).
//!
//! Rows go through the same compiled [`Plan`](crate::plan::Plan) and the
//! same single row walk as the protobuf path: [`ArrowSink`] is one more
//! [`Sink`](crate::plan::Sink). A row is accepted or rejected exactly as
//! there, with the same errors; NUMERIC/BIGNUMERIC never pass through `f64`,
//! and digits beyond the scale are an error unless the walk's
//! [`Policy`](crate::Policy) says to round.
//!
//! ```
//! use bqcodec::arrow::{ArrowWriter, ipc};
//! use bqcodec::plan::{Plan, WalkOptions};
//! use bqcodec::{Field, FieldType, Mode, TableSchema};
//!
//! let schema = TableSchema::new(vec![
//!     Field::new("id", FieldType::Int64).with_mode(Mode::Required),
//!     Field::new("day", FieldType::Date),
//! ]);
//! let plan = Plan::compile(&schema, WalkOptions::new())?;
//! let mut writer = ArrowWriter::new(&plan)?;
//! let outcome = writer.push_ndjson(b"{\"id\": \"1\", \"day\": \"2024-02-29\"}\n{\"day\": null}\n");
//! assert_eq!(outcome.errors[0].to_string(), "row 1: id: expected a value for a REQUIRED field, found no key");
//! // AppendRowsRequest.arrow_rows.writer_schema.serialized_schema:
//! let schema_bytes = writer.serialized_schema()?;
//! for batch in writer.finish()? {
//!     // AppendRowsRequest.arrow_rows.rows.serialized_record_batch:
//!     let batch_bytes = ipc::serialize_record_batch(&batch)?;
//!     # let _ = (&schema_bytes, batch_bytes);
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Type table
//!
//! Sources: Google's "Supported protocol buffer and Arrow data types" page
//! of the Storage Write API (docs.cloud.google.com/bigquery/docs/supported-data-types;
//! only its protobuf half could be read while this was written, so its Arrow
//! table is not quoted here), Google's Arrow write sample
//! (python-bigquery-storage `samples/pyarrow/append_rows_with_arrow.py`),
//! and python-bigquery's `bq_to_arrow_field` for names and metadata
//! (checked by `tests/py/arrow_check.py` against the installed client):
//!
//! | BigQuery | Arrow | values |
//! | --- | --- | --- |
//! | BOOL | `Boolean` | |
//! | INT64 | `Int64` | |
//! | FLOAT64 | `Float64` | NaN and ±Infinity as they are |
//! | NUMERIC | `Decimal128(38, 9)` | the exact scaled integer |
//! | BIGNUMERIC | `Decimal256(76, 38)` | the exact scaled integer; a value with 39 integer digits (above 10^38, which BIGNUMERIC allows up to ≈5.79·10^38) does not fit 76 digits and is a row error |
//! | NUMERIC(P, S), BIGNUMERIC(P, S) | the base type above by default; `Decimal128(P, S)` / `Decimal256(P, S)` with [`DecimalMapping::Declared`] | P and S are enforced by the value codec either way |
//! | STRING | `Utf8` | |
//! | BYTES | `Binary` | |
//! | DATE | `Date32` | days since 1970-01-01 |
//! | DATETIME | `Timestamp(Microsecond, None)`, metadata `ARROW:extension:name` = `google:sqlType:datetime` | microseconds since 1970-01-01T00:00:00, zone-less |
//! | TIME | `Time64(Microsecond)` | microseconds since midnight |
//! | TIMESTAMP | `Timestamp(Microsecond, "UTC")` | microseconds since the epoch |
//! | TIMESTAMP(12) | refused by default; `Timestamp(Nanosecond, "UTC")` or `Utf8` by [`PicosMapping`] | |
//! | GEOGRAPHY | `Utf8`, metadata `ARROW:extension:name` = `google:sqlType:geography`, `ARROW:extension:metadata` = `{"encoding": "WKT"}` | canonical WKT |
//! | JSON | `Utf8`, metadata `ARROW:extension:name` = `google:sqlType:json` | compact JSON text |
//! | INTERVAL | `Interval(MonthDayNano)` | months, days, nanoseconds; a time part beyond ±2^63 ns (±292 years) is a row error |
//! | `RANGE<T>` | `Struct{start: T, end: T}`, both nullable (NULL = UNBOUNDED) | T as DATE, DATETIME, TIMESTAMP above |
//! | RECORD | `Struct` of the sub-fields | |
//! | REPEATED | `List` of non-null items named `item`; the list itself is never null | NULL or absent = `[]` |
//!
//! Nullability follows the mode: NULLABLE is nullable, REQUIRED is not
//! (except a REQUIRED column with a default value expression, which is
//! nullable so that a row may leave it out: the walk sends NULL then, and
//! whether the server fills in the default for an Arrow NULL under
//! `default_missing_value_interpretation = DEFAULT_VALUE` is not
//! documented), REPEATED is a non-null list. Extension metadata sits on the
//! column's own field, nested fields included, and on the list field for a
//! REPEATED column (where python-bigquery puts it).
//!
//! # Choices where the documents leave room
//!
//! - **Parameterized decimals.** python-bigquery and Google's Arrow write
//!   sample always send the base types, so the default does too
//!   ([`DecimalMapping::Base`]: one Arrow type for every NUMERIC column,
//!   the declared P and S still enforced on each value);
//!   [`DecimalMapping::Declared`] sends `Decimal128(P, S)` /
//!   `Decimal256(P, S)` for callers whose readers want the declared type
//!   (pyarrow reads both; whether the Write API takes the declared form is
//!   not checked here).
//! - **TIMESTAMP's zone.** python-bigquery sends `timestamp[us, tz=UTC]`,
//!   Google's write sample `timestamp[us]` without a zone; the zone-less
//!   form is DATETIME's, so TIMESTAMP carries `"UTC"` here.
//! - **TIMESTAMP(12).** No Arrow unit holds picoseconds and we found no
//!   document of the type the Write API takes, so the mapping refuses such a
//!   column unless the caller picks nanoseconds (exact values only) or text
//!   ([`PicosMapping`]).
//! - **Batch size.** 9 MB by default, an upper bound of the serialized
//!   message computed as rows arrive ([`ArrowWriter::with_max_bytes`]), so a
//!   batch plus the schema fits the 10 MB AppendRows limit.
//!
//! # Differences from python-bigquery's `bq_to_arrow_schema`
//!
//! - It has no INTERVAL: a schema with one maps to nothing at all. Here
//!   INTERVAL is `Interval(MonthDayNano)`, Arrow's type of the same three
//!   parts (months, days, time).
//! - It keeps REQUIRED columns nullable (python-bigquery issue #1692); here
//!   they are non-nullable.
//! - Its list items are nullable; here they are not (BigQuery arrays cannot
//!   hold NULL).
//! - It has no TIMESTAMP(12) mapping and ignores declared decimal
//!   parameters (the same as the defaults here).

mod batch;
pub mod decode;
pub mod ipc;
pub mod schema;
pub mod sink;
pub mod writer;

pub use decode::{
    DecodeError, decode_batch, decode_batch_from, decode_ipc_stream, decode_messages,
};
pub use schema::{
    DecimalMapping, PicosMapping, SchemaOptions, describe_schema, table_to_arrow_schema,
    to_arrow_schema,
};
pub use sink::{ArrowBatch, ArrowSink, DEFAULT_MAX_BYTES};
pub use writer::ArrowWriter;
