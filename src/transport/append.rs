//! The append planner: encoded rows in, [`AppendRowsRequest`]s out, each
//! under the request size limit, with the writer schema, offsets, trace id
//! and missing-value interpretations set as the AppendRows contract asks.

use std::collections::BTreeMap;
use std::sync::Arc;

use prost::Message;
use prost::encoding::encoded_len_varint;

use super::messages::{
    AppendRowsRequest, ArrowData, ArrowRecordBatch, ArrowSchema, MissingValueInterpretation,
    ProtoData, ProtoRowsMessage, ProtoSchema, Rows,
};
use super::stream::WriteStreamName;
use crate::error::{FieldPath, RowError, ValueError};

/// The AppendRows request limit: "The size of a single AppendRowsRequest
/// must be less than 10 MB" (storage.proto, `AppendRowsRequest`). Read as
/// 10 000 000 bytes, the smaller reading of "MB".
///
/// # Examples
///
/// ```
/// use bqcodec::transport::{AppendOptions, APPEND_ROWS_LIMIT, DEFAULT_FRAMING_MARGIN};
///
/// assert_eq!(APPEND_ROWS_LIMIT, 10_000_000); // "less than 10 MB", decimal
/// assert_eq!(AppendOptions::new().max_request_bytes(), APPEND_ROWS_LIMIT - DEFAULT_FRAMING_MARGIN);
/// // A higher limit is clamped to it:
/// assert_eq!(AppendOptions::new().with_limit(20_000_000).max_request_bytes(), 9_983_616);
/// ```
pub const APPEND_ROWS_LIMIT: usize = 10_000_000;

/// The default margin kept below [`APPEND_ROWS_LIMIT`] (16 KiB).
///
/// The planner measures the protobuf message exactly
/// (`prost::Message::encoded_len`). What it cannot see is what the
/// transport adds around the message: gRPC's 5-byte message prefix
/// (compressed flag and length) and whatever a proxy or the REST/JSON
/// mapping adds. The service documents the limit on the request, not on
/// the frame, so the margin is only insurance; 16 KiB costs 0.16 % of a
/// request. Set it with [`AppendOptions::with_margin`].
///
/// # Examples
///
/// ```
/// use bqcodec::transport::{AppendOptions, DEFAULT_FRAMING_MARGIN};
///
/// assert_eq!(DEFAULT_FRAMING_MARGIN, 16_384);
/// assert_eq!(AppendOptions::new().with_margin(0).max_request_bytes(), 10_000_000);
/// ```
pub const DEFAULT_FRAMING_MARGIN: usize = 16 * 1024;

/// The writer schema of a connection: what `writer_schema` carries.
///
/// # Examples
///
/// ```
/// use bqcodec::proto::{DescriptorOptions, ProtoWriter};
/// use bqcodec::transport::{AppendOptions, AppendPlanner, WriteStreamName, WriterSchema};
/// use bqcodec::{plan::WalkOptions, TableSchema};
///
/// let schema = TableSchema::from_json(r#"[{"name": "n", "type": "INT64"}]"#)?;
/// let writer = ProtoWriter::new(&schema, DescriptorOptions::default(), WalkOptions::new())?;
/// let descriptor = WriterSchema::Proto(writer.proto_schema().descriptor_proto_bytes().to_vec());
/// let stream = WriteStreamName::default_stream("p", "d", "t")?;
/// let mut planner = AppendPlanner::new(stream, descriptor, AppendOptions::new())?;
/// // A connection keeps one format: an Arrow schema cannot replace a protobuf one.
/// assert!(planner.set_writer_schema(WriterSchema::Arrow(vec![0xFF; 16])).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum WriterSchema {
    /// An encoded `DescriptorProto`:
    /// [`ProtoSchema::descriptor_proto_bytes`](crate::proto::ProtoSchema::descriptor_proto_bytes),
    /// sent byte for byte.
    Proto(Vec<u8>),
    /// An Arrow schema as one IPC message
    /// (`bqcodec::arrow::ipc::serialize_schema` with feature `arrow`).
    Arrow(Vec<u8>),
}

impl WriterSchema {
    fn format(&self) -> &'static str {
        match self {
            WriterSchema::Proto(_) => "protobuf",
            WriterSchema::Arrow(_) => "Arrow",
        }
    }
}

/// How the planner builds requests. Every option's default is in its doc.
///
/// # Examples
///
/// ```
/// use bqcodec::transport::messages::{MissingValueInterpretation, Rows};
/// use bqcodec::transport::{AppendOptions, AppendPlanner, WriteStreamName, WriterSchema};
///
/// let options = AppendOptions::new()
///     .with_trace_id("my-loader/1.0")
///     .with_default_missing_value_interpretation(MissingValueInterpretation::DefaultValue)
///     .with_missing_value_interpretation("note", MissingValueInterpretation::NullValue);
/// let stream = WriteStreamName::parse("projects/p/datasets/d/tables/t")?;
/// let mut planner = AppendPlanner::new(stream, WriterSchema::Proto(vec![0x0a, 0x01, b'R']), options)?;
/// let plan = planner.plan_rows([(0, &[0x08, 0x01][..])]);
/// let request = plan.requests[0].request();
/// assert_eq!(request.trace_id, "my-loader/1.0"); // first request of the connection only
/// assert_eq!(request.default_missing_value_interpretation, MissingValueInterpretation::DefaultValue as i32);
/// assert_eq!(request.missing_value_interpretations.get("note"), Some(&(MissingValueInterpretation::NullValue as i32)));
/// assert!(matches!(request.rows, Some(Rows::ProtoRows(_))));
/// # Ok::<(), bqcodec::ValueError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct AppendOptions {
    limit: usize,
    margin: usize,
    trace_id: Option<String>,
    default_missing: Option<MissingValueInterpretation>,
    missing: BTreeMap<String, MissingValueInterpretation>,
    offsets: bool,
    start_offset: i64,
}

impl Default for AppendOptions {
    fn default() -> Self {
        AppendOptions::new()
    }
}

impl AppendOptions {
    /// The defaults: limit [`APPEND_ROWS_LIMIT`], margin
    /// [`DEFAULT_FRAMING_MARGIN`], no trace id, no missing-value
    /// interpretations (the service then reads a missing value as NULL),
    /// offsets on for created streams starting at 0.
    pub fn new() -> Self {
        AppendOptions {
            limit: APPEND_ROWS_LIMIT,
            margin: DEFAULT_FRAMING_MARGIN,
            trace_id: None,
            default_missing: None,
            missing: BTreeMap::new(),
            offsets: true,
            start_offset: 0,
        }
    }

    /// The request limit in bytes (default [`APPEND_ROWS_LIMIT`]); lower it
    /// to cut smaller requests. Values above the default are clamped to it.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::transport::AppendOptions;
    ///
    /// let options = AppendOptions::new().with_limit(1_000_000);
    /// assert_eq!(options.max_request_bytes(), 1_000_000 - 16_384);
    /// ```
    pub fn with_limit(mut self, limit: usize) -> Self {
        self.limit = limit.min(APPEND_ROWS_LIMIT);
        self
    }

    /// The bytes kept free below the limit for framing (default
    /// [`DEFAULT_FRAMING_MARGIN`]); every request's `encoded_len()` is at
    /// most `limit - margin`.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::transport::AppendOptions;
    ///
    /// assert_eq!(AppendOptions::new().with_limit(5_000).with_margin(1_000).max_request_bytes(), 4_000);
    /// assert_eq!(AppendOptions::new().with_limit(5_000).with_margin(9_000).max_request_bytes(), 0);
    /// ```
    pub fn with_margin(mut self, margin: usize) -> Self {
        self.margin = margin;
        self
    }

    /// `trace_id`, sent on the first request of each connection (the
    /// service reads only that one; storage.proto).
    pub fn with_trace_id(mut self, trace_id: impl Into<String>) -> Self {
        self.trace_id = Some(trace_id.into());
        self
    }

    /// `default_missing_value_interpretation`, sent on every request.
    /// (The service keeps it for the rest of the connection; sending it
    /// each time keeps a request resent on a new connection correct.)
    pub fn with_default_missing_value_interpretation(
        mut self,
        interpretation: MissingValueInterpretation,
    ) -> Self {
        self.default_missing = Some(interpretation);
        self
    }

    /// One entry of `missing_value_interpretations` (a top-level column
    /// name; the service takes no nested paths), sent on every request
    /// (the map applies to one request only).
    pub fn with_missing_value_interpretation(
        mut self,
        column: impl Into<String>,
        interpretation: MissingValueInterpretation,
    ) -> Self {
        self.missing.insert(column.into(), interpretation);
        self
    }

    /// Sends no offsets on a created stream either (at-least-once appends
    /// to a COMMITTED stream). The `_default` stream never gets offsets.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::transport::{AppendOptions, AppendPlanner, WriteStreamName, WriterSchema};
    ///
    /// let stream = WriteStreamName::parse("projects/p/datasets/d/tables/t/streams/s1")?;
    /// let schema = WriterSchema::Proto(vec![0x0a, 0x01, b'R']);
    /// let mut planner = AppendPlanner::new(stream, schema, AppendOptions::new().without_offsets())?;
    /// let plan = planner.plan_rows([(0, &[0x08, 0x01][..])]);
    /// assert_eq!(plan.requests[0].offset(), None); // at-least-once: the rows land at the end
    /// assert_eq!(planner.next_offset(), None);
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn without_offsets(mut self) -> Self {
        self.offsets = false;
        self
    }

    /// The offset of the first planned row on a created stream (default 0:
    /// a new stream). Use the stream's row count to go on writing to a
    /// stream that already has rows.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::transport::{AppendOptions, AppendPlanner, WriteStreamName, WriterSchema};
    ///
    /// let schema = WriterSchema::Proto(vec![0x0a, 0x01, b'R']);
    /// let created = WriteStreamName::parse("projects/p/datasets/d/tables/t/streams/s1")?;
    /// let mut planner = AppendPlanner::new(created, schema.clone(), AppendOptions::new().with_start_offset(100))?;
    /// assert_eq!(planner.plan_rows([(0, &[0x08, 0x01][..])]).requests[0].offset(), Some(100));
    /// let default = WriteStreamName::parse("projects/p/datasets/d/tables/t")?;
    /// // _default takes no offsets, and no offset is negative:
    /// assert!(AppendPlanner::new(default, schema.clone(), AppendOptions::new().with_start_offset(100)).is_err());
    /// let created = WriteStreamName::parse("projects/p/datasets/d/tables/t/streams/s1")?;
    /// assert!(AppendPlanner::new(created, schema, AppendOptions::new().with_start_offset(-1)).is_err());
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn with_start_offset(mut self, offset: i64) -> Self {
        self.start_offset = offset;
        self
    }

    /// The largest `encoded_len()` of a planned request: limit - margin
    /// (0 when the margin is larger).
    pub fn max_request_bytes(&self) -> usize {
        self.limit.saturating_sub(self.margin)
    }
}

/// One planned AppendRows request and, for each of its rows, the caller's
/// input row index.
///
/// # Examples
///
/// ```
/// use bqcodec::transport::messages::AppendRowsRequest;
/// use bqcodec::transport::{AppendOptions, AppendPlanner, WriteStreamName, WriterSchema};
/// use prost::Message;
///
/// let stream = WriteStreamName::parse("projects/p/datasets/d/tables/t/streams/s1")?;
/// let mut planner = AppendPlanner::new(stream, WriterSchema::Proto(vec![0x0a, 0x01, b'R']), AppendOptions::new())?;
/// let rows = [(4, &[0x08, 0x01][..]), (9, &[0x08, 0x02][..])];
/// let planned = planner.plan_rows(rows).requests.remove(0);
/// assert_eq!((planned.len(), planned.is_empty(), planned.offset()), (2, false, Some(0)));
/// assert_eq!(planned.input_rows(), [4, 9]); // row_errors[].index 1 is input row 9
/// assert_eq!((planned.input_row(1), planned.input_row(2)), (Some(9), None));
/// let bytes = planned.encode(); // what a gRPC client sends
/// assert_eq!(bytes.len(), planned.encoded_len());
/// assert_eq!(AppendRowsRequest::decode(bytes.as_slice())?, planned.into_request());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedAppend {
    request: AppendRowsRequest,
    input_rows: Vec<usize>,
    schema: Arc<WriterSchema>,
    trace_id: Option<String>,
}

impl PlannedAppend {
    /// The request, ready to send on the connection it was planned for.
    pub fn request(&self) -> &AppendRowsRequest {
        &self.request
    }

    /// Takes the request.
    pub fn into_request(self) -> AppendRowsRequest {
        self.request
    }

    /// The request's encoded bytes.
    pub fn encode(&self) -> Vec<u8> {
        self.request.encode_to_vec()
    }

    /// The request's encoded length.
    pub fn encoded_len(&self) -> usize {
        self.request.encoded_len()
    }

    /// The same request with the writer schema and trace id set, for
    /// sending as the first request of a new connection (after a
    /// reconnect). The planner keeps room for the schema in every request,
    /// so this one is under the limit too.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::transport::{AppendOptions, AppendPlanner, WriteStreamName, WriterSchema};
    ///
    /// let stream = WriteStreamName::parse("projects/p/datasets/d/tables/t/streams/s1")?;
    /// let options = AppendOptions::new().with_limit(70).with_margin(0);
    /// let mut planner = AppendPlanner::new(stream, WriterSchema::Proto(vec![0x0a, 0x01, b'R']), options)?;
    /// let rows: Vec<(usize, Vec<u8>)> = (0..10).map(|i| (i, vec![0x08, i as u8])).collect();
    /// let plan = planner.plan_rows(rows.iter().map(|(i, r)| (*i, r.as_slice())));
    /// let second = &plan.requests[1];
    /// assert!(!second.carries_writer_schema());
    /// // Resent first on a new connection, it carries the schema and still fits:
    /// let resend = second.request_for_new_connection();
    /// assert!(prost::Message::encoded_len(&resend) <= 70);
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn request_for_new_connection(&self) -> AppendRowsRequest {
        let mut request = self.request.clone();
        attach_schema(&mut request, &self.schema);
        if let Some(t) = &self.trace_id {
            request.trace_id.clone_from(t);
        }
        request
    }

    /// True when the request carries the writer schema.
    pub fn carries_writer_schema(&self) -> bool {
        match &self.request.rows {
            Some(Rows::ProtoRows(d)) => d.writer_schema.is_some(),
            Some(Rows::ArrowRows(d)) => d.writer_schema.is_some(),
            None => false,
        }
    }

    /// The offset the request appends at (`None` on `_default` or with
    /// offsets off).
    pub fn offset(&self) -> Option<i64> {
        self.request.offset
    }

    /// Rows in the request.
    pub fn len(&self) -> usize {
        self.input_rows.len()
    }

    /// True when the request has no rows (never for a planned request).
    pub fn is_empty(&self) -> bool {
        self.input_rows.is_empty()
    }

    /// The input index of the request's row `i` (a `RowError.index`).
    pub fn input_row(&self, i: usize) -> Option<usize> {
        self.input_rows.get(i).copied()
    }

    /// Every row's input index, in request order.
    pub fn input_rows(&self) -> &[usize] {
        &self.input_rows
    }

    /// The same request without the rows at request positions `drop`
    /// (positions not below [`len`](Self::len) are ignored): what to send
    /// again after a response listed those rows in `row_errors` (BigQuery
    /// then wrote none of the request's rows). Everything else is kept —
    /// the offset (nothing was written, so the rows left take the same
    /// offset), the writer schema if the request carried it, the trace id
    /// and missing-value interpretations. `Ok(None)` when no row is left.
    ///
    /// Protobuf rows are dropped from `serialized_rows`. An Arrow batch is
    /// read back with the writer schema, the kept rows copied into one new
    /// batch and serialized again (feature `arrow`; without it an Arrow
    /// request is refused with an error, as is a batch that does not
    /// read back). The result is never larger than the request, so it
    /// fits the limit.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::transport::{AppendOptions, AppendPlanner, WriteStreamName, WriterSchema};
    ///
    /// let stream = WriteStreamName::parse("projects/p/datasets/d/tables/t/streams/s1")?;
    /// let mut planner = AppendPlanner::new(stream, WriterSchema::Proto(vec![0x0a, 0x01, b'R']), AppendOptions::new())?;
    /// let rows = [(0, &[0x08, 0x01][..]), (1, &[0x08, 0x02][..]), (2, &[0x08, 0x03][..])];
    /// let planned = planner.plan_rows(rows).requests.remove(0);
    /// // The response listed request row 1 in row_errors: nothing was written.
    /// let resend = planned.without_rows(&[1])?.ok_or("no rows left")?;
    /// assert_eq!((resend.input_rows(), resend.offset()), (&[0, 2][..], Some(0)));
    /// assert!(planned.without_rows(&[0, 1, 2])?.is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn without_rows(&self, drop: &[usize]) -> Result<Option<PlannedAppend>, ValueError> {
        let drop: std::collections::BTreeSet<usize> = drop.iter().copied().collect();
        let keep: Vec<usize> = (0..self.len()).filter(|i| !drop.contains(i)).collect();
        if keep.is_empty() {
            return Ok(None);
        }
        let input_rows: Vec<usize> = keep
            .iter()
            .filter_map(|&i| self.input_rows.get(i).copied())
            .collect();
        let mut request = self.request.clone();
        match &mut request.rows {
            Some(Rows::ProtoRows(ProtoData {
                rows: Some(rows), ..
            })) => {
                let old = std::mem::take(&mut rows.serialized_rows);
                rows.serialized_rows = old
                    .into_iter()
                    .enumerate()
                    .filter(|(i, _)| !drop.contains(i))
                    .map(|(_, r)| r)
                    .collect();
                if rows.serialized_rows.len() != input_rows.len() {
                    return Err(ValueError::invalid(
                        format!("a request with {} rows", self.len()),
                        &format!("{} serialized rows", old_len(&self.request)),
                    ));
                }
            }
            Some(Rows::ArrowRows(ArrowData {
                rows: Some(batch), ..
            })) => {
                batch.serialized_record_batch =
                    self.arrow_without(&batch.serialized_record_batch, &keep)?;
            }
            _ => {
                return Err(ValueError::invalid(
                    "a request with protobuf or Arrow rows",
                    "a request without rows",
                ));
            }
        }
        Ok(Some(PlannedAppend {
            request,
            input_rows,
            schema: Arc::clone(&self.schema),
            trace_id: self.trace_id.clone(),
        }))
    }

    #[cfg(feature = "arrow")]
    fn arrow_without(&self, bytes: &[u8], keep: &[usize]) -> Result<Vec<u8>, ValueError> {
        let WriterSchema::Arrow(schema) = &*self.schema else {
            return Err(ValueError::invalid(
                "an Arrow writer schema for Arrow rows",
                "a protobuf writer schema",
            ));
        };
        let unreadable = |e: arrow_schema::ArrowError| {
            ValueError::invalid("an Arrow record batch", &e.to_string())
        };
        let batch = crate::arrow::ipc::read_record_batch(schema, bytes).map_err(unreadable)?;
        let kept = take_arrow_rows(&batch, keep).map_err(unreadable)?;
        crate::arrow::ipc::serialize_record_batch(&kept).map_err(unreadable)
    }

    #[cfg(not(feature = "arrow"))]
    fn arrow_without(&self, _bytes: &[u8], _keep: &[usize]) -> Result<Vec<u8>, ValueError> {
        Err(ValueError::invalid(
            "protobuf rows (dropping rows from an Arrow batch needs feature `arrow`)",
            "an Arrow batch",
        ))
    }
}

/// The rows at `keep` (ascending positions below the batch's row count)
/// as one new batch. Written here with arrow-data's `MutableArrayData`
/// (copying runs of kept rows, as arrow-select's filter does inside) so the
/// crate needs no arrow-select dependency for this one use.
#[cfg(feature = "arrow")]
fn take_arrow_rows(
    batch: &arrow_array::RecordBatch,
    keep: &[usize],
) -> Result<arrow_array::RecordBatch, arrow_schema::ArrowError> {
    use arrow_array::{Array, StructArray};
    let rows = batch.num_rows();
    let whole = StructArray::from(batch.clone()).into_data();
    let mut out = arrow_data::transform::MutableArrayData::new(vec![&whole], false, keep.len());
    let mut k = 0;
    while let Some(&start) = keep.get(k) {
        // A run of consecutive kept rows.
        let mut end = start.saturating_add(1);
        k += 1;
        while keep.get(k) == Some(&end) {
            end = end.saturating_add(1);
            k += 1;
        }
        if end <= rows {
            out.try_extend(0, start, end)?;
        }
    }
    let array = StructArray::from(out.freeze());
    arrow_array::RecordBatch::from(array).with_schema(batch.schema())
}

fn old_len(request: &AppendRowsRequest) -> usize {
    match &request.rows {
        Some(Rows::ProtoRows(ProtoData {
            rows: Some(rows), ..
        })) => rows.serialized_rows.len(),
        _ => 0,
    }
}

/// An Arrow record batch already serialized as one IPC message, with each
/// row's input index.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ArrowRows {
    /// The batch as one IPC message (`ipc::serialize_record_batch`).
    pub serialized_record_batch: Vec<u8>,
    /// `input_rows[i]` is the input index of the batch's row `i`.
    pub input_rows: Vec<usize>,
}

impl ArrowRows {
    /// A serialized batch and the input index of each of its rows.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::transport::ArrowRows;
    /// let rows = ArrowRows::new(vec![0xFF, 0xFF, 0xFF, 0xFF], vec![7, 8]);
    /// assert_eq!(rows.input_rows, [7, 8]);
    /// ```
    pub fn new(serialized_record_batch: Vec<u8>, input_rows: Vec<usize>) -> Self {
        ArrowRows {
            serialized_record_batch,
            input_rows,
        }
    }
}

/// A batch the planner could not fit and cannot split (serialized Arrow
/// bytes with more than one row).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "the Arrow batch of input rows {first_row}..={last_row} makes a {encoded_len}-byte request, \
     above the {max}-byte limit: cut smaller batches (ArrowWriter::with_max_bytes)"
)]
#[non_exhaustive]
pub struct OversizedBatch {
    /// The batch's first input row.
    pub first_row: usize,
    /// The batch's last input row.
    pub last_row: usize,
    /// The batch's rows.
    pub rows: usize,
    /// The request's encoded length with the writer schema.
    pub encoded_len: usize,
    /// The limit ([`AppendOptions::max_request_bytes`]).
    pub max: usize,
}

/// What a planning call produced.
///
/// # Examples
///
/// ```
/// use bqcodec::transport::{AppendOptions, AppendPlanner, WriteStreamName, WriterSchema};
/// use bqcodec::ValueError;
///
/// let stream = WriteStreamName::parse("projects/p/datasets/d/tables/t")?;
/// let options = AppendOptions::new().with_limit(200).with_margin(0);
/// let mut planner = AppendPlanner::new(stream, WriterSchema::Proto(vec![0x0a, 0x01, b'R']), options)?;
/// let big = vec![0x12; 300]; // alone above the limit
/// let plan = planner.plan_rows([(0, &[0x08, 0x01][..]), (1, big.as_slice()), (2, &[0x08, 0x03][..])]);
/// let planned: Vec<usize> = plan.requests.iter().flat_map(|r| r.input_rows()).copied().collect();
/// assert_eq!(planned, [0, 2]); // in order, each row in exactly one request…
/// assert_eq!(plan.rejected[0].row, 1); // …or rejected
/// assert!(matches!(plan.rejected[0].error, ValueError::TooLong { max: 200, .. }));
/// assert!(plan.oversized_batches.is_empty());
/// # Ok::<(), bqcodec::ValueError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct AppendPlan {
    /// The requests, in order; send them in this order on one connection.
    pub requests: Vec<PlannedAppend>,
    /// Rows that alone make a request above the limit
    /// ([`ValueError::TooLong`]: `max` is the limit, `length` the request's
    /// encoded length with that row alone and the writer schema, unit
    /// `"bytes"`). They are in no request and take no offset.
    pub rejected: Vec<RowError>,
    /// Arrow batches too large that could not be split.
    pub oversized_batches: Vec<OversizedBatch>,
}

/// Plans the AppendRows requests of one stream and one connection.
///
/// - **Size.** Rows are packed in order into requests whose
///   `encoded_len()` (the real prost message, not an estimate) is at most
///   [`AppendOptions::max_request_bytes`]. Room for the writer schema is
///   kept in every request, so any request can be resent first on a new
///   connection ([`PlannedAppend::request_for_new_connection`]).
/// - **Writer schema.** On the first request of the connection and the
///   first after [`set_writer_schema`](Self::set_writer_schema) or
///   [`new_connection`](Self::new_connection); never otherwise.
/// - **write_stream.** On every request (allowed: "if provided for
///   subsequent requests, it must match"; storage.proto); it costs a few
///   dozen bytes and makes every request self-describing.
/// - **Offsets.** On a created stream (COMMITTED, PENDING, BUFFERED), each
///   request's offset is the number of rows planned before it (from
///   [`AppendOptions::with_start_offset`]): exactly-once appends. Never on
///   `_default` (the service rejects it there).
/// - **Missing values.** The interpretations of the options on every
///   request.
///
/// # Examples
///
/// ```
/// use bqcodec::transport::{AppendOptions, AppendPlanner, WriteStreamName, WriterSchema};
/// let stream = WriteStreamName::parse("projects/p/datasets/d/tables/t/streams/s1")?;
/// let schema = WriterSchema::Proto(vec![0x0a, 0x01, b'R']); // DescriptorProto{name: "R"}
/// let mut planner = AppendPlanner::new(stream, schema, AppendOptions::new().with_limit(70).with_margin(0))?;
/// let rows: Vec<(usize, Vec<u8>)> = (0..10).map(|i| (i, vec![0x08, i as u8])).collect();
/// let plan = planner.plan_rows(rows.iter().map(|(i, r)| (*i, r.as_slice())));
/// assert!(plan.requests.len() > 1);
/// assert!(plan.requests.iter().all(|r| r.encoded_len() <= 70));
/// assert_eq!(plan.requests[0].offset(), Some(0));
/// assert!(plan.requests[0].carries_writer_schema());
/// assert!(!plan.requests[1].carries_writer_schema());
/// assert_eq!(plan.requests[1].offset(), Some(plan.requests[0].len() as i64));
/// # Ok::<(), bqcodec::ValueError>(())
/// ```
#[derive(Debug, Clone)]
pub struct AppendPlanner {
    stream: WriteStreamName,
    schema: Arc<WriterSchema>,
    options: AppendOptions,
    next_offset: i64,
    schema_pending: bool,
}

impl AppendPlanner {
    /// A planner for `stream`, rows written with `schema`.
    ///
    /// Rejects an offset option on `_default`
    /// ([`with_start_offset`](AppendOptions::with_start_offset) other than
    /// 0), a negative start offset, a `MISSING_VALUE_INTERPRETATION_UNSPECIFIED`
    /// interpretation (the service rejects it), an empty column name in
    /// the map, and a limit with no room for the request envelope and
    /// writer schema.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::transport::messages::MissingValueInterpretation;
    /// use bqcodec::transport::{AppendOptions, AppendPlanner, WriteStreamName, WriterSchema};
    ///
    /// let stream = WriteStreamName::parse("projects/p/datasets/d/tables/t/streams/s1")?;
    /// let schema = WriterSchema::Proto(vec![0x0a, 0x01, b'R']);
    /// let planner = AppendPlanner::new(stream.clone(), schema.clone(), AppendOptions::new())?;
    /// assert_eq!((planner.stream(), planner.writer_schema(), planner.next_offset()), (&stream, &schema, Some(0)));
    /// assert_eq!(planner.options(), &AppendOptions::new());
    /// let unspecified = AppendOptions::new()
    ///     .with_missing_value_interpretation("c", MissingValueInterpretation::Unspecified);
    /// assert!(AppendPlanner::new(stream.clone(), schema.clone(), unspecified).is_err()); // the service rejects it
    /// assert!(AppendPlanner::new(stream, schema, AppendOptions::new().with_limit(10)).is_err()); // no room
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn new(
        stream: WriteStreamName,
        schema: WriterSchema,
        options: AppendOptions,
    ) -> Result<Self, ValueError> {
        if options.start_offset < 0 {
            return Err(ValueError::out_of_range(
                "a start offset ≥ 0",
                &options.start_offset.to_string(),
            ));
        }
        if stream.is_default() && options.start_offset != 0 {
            return Err(ValueError::invalid(
                "no offset on the _default stream (offsets need a created stream)",
                &options.start_offset.to_string(),
            ));
        }
        let unspecified =
            |m: &MissingValueInterpretation| *m == MissingValueInterpretation::Unspecified;
        if options.default_missing.as_ref().is_some_and(unspecified)
            || options.missing.values().any(unspecified)
        {
            return Err(ValueError::invalid(
                "a missing value interpretation of NULL_VALUE or DEFAULT_VALUE",
                "MISSING_VALUE_INTERPRETATION_UNSPECIFIED",
            ));
        }
        if options.missing.keys().any(String::is_empty) {
            return Err(ValueError::invalid(
                "a top-level column name in missing_value_interpretations",
                "",
            ));
        }
        let next_offset = options.start_offset;
        let planner = AppendPlanner {
            stream,
            schema: Arc::new(schema),
            options,
            next_offset,
            schema_pending: true,
        };
        planner.check_envelope()?;
        Ok(planner)
    }

    fn check_envelope(&self) -> Result<(), ValueError> {
        let empty = match &*self.schema {
            WriterSchema::Proto(_) => self.proto_request(Vec::new(), true),
            WriterSchema::Arrow(_) => self.arrow_request(Vec::new(), true),
        };
        let len = empty.encoded_len();
        let max = self.options.max_request_bytes();
        if len >= max {
            return Err(ValueError::TooLong {
                max: to_u64(max),
                length: to_u64(len),
                unit: "bytes (a request with the writer schema and no rows)",
            });
        }
        Ok(())
    }

    /// The stream.
    pub fn stream(&self) -> &WriteStreamName {
        &self.stream
    }

    /// The options.
    pub fn options(&self) -> &AppendOptions {
        &self.options
    }

    /// The writer schema.
    pub fn writer_schema(&self) -> &WriterSchema {
        &self.schema
    }

    /// The offset the next planned row gets (`None` when offsets are not
    /// sent).
    pub fn next_offset(&self) -> Option<i64> {
        self.uses_offsets().then_some(self.next_offset)
    }

    /// Sets the next offset (after an `OUT_OF_RANGE` or a resync with the
    /// stream's row count). Rejects a negative offset and any offset on a
    /// stream without offsets.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::transport::{AppendOptions, AppendPlanner, WriteStreamName, WriterSchema};
    ///
    /// let stream = WriteStreamName::parse("projects/p/datasets/d/tables/t/streams/s1")?;
    /// let mut planner = AppendPlanner::new(stream, WriterSchema::Proto(vec![0x0a, 0x01, b'R']), AppendOptions::new())?;
    /// planner.set_next_offset(42)?; // e.g. the stream's row count after OUT_OF_RANGE
    /// assert_eq!(planner.plan_rows([(0, &[0x08, 0x01][..])]).requests[0].offset(), Some(42));
    /// assert_eq!(planner.next_offset(), Some(43));
    /// assert!(planner.set_next_offset(-1).is_err());
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn set_next_offset(&mut self, offset: i64) -> Result<(), ValueError> {
        if !self.uses_offsets() {
            return Err(ValueError::invalid(
                "no offset (the _default stream, or offsets turned off)",
                &offset.to_string(),
            ));
        }
        if offset < 0 {
            return Err(ValueError::out_of_range(
                "an offset ≥ 0",
                &offset.to_string(),
            ));
        }
        self.next_offset = offset;
        Ok(())
    }

    /// A new writer schema (rows encoded with a recompiled schema, e.g.
    /// after an `updated_schema`): the next request carries it. Rejects a
    /// schema of the other format (a connection keeps one format) and one
    /// that leaves no room for rows.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::transport::{AppendOptions, AppendPlanner, WriteStreamName, WriterSchema};
    ///
    /// let stream = WriteStreamName::parse("projects/p/datasets/d/tables/t")?;
    /// let mut planner = AppendPlanner::new(stream, WriterSchema::Proto(vec![0x0a, 0x01, b'R']), AppendOptions::new())?;
    /// assert!(planner.plan_rows([(0, &[0x08, 0x01][..])]).requests[0].carries_writer_schema());
    /// assert!(!planner.plan_rows([(1, &[0x08, 0x02][..])]).requests[0].carries_writer_schema());
    /// planner.set_writer_schema(WriterSchema::Proto(vec![0x0a, 0x02, b'R', b'2']))?; // after updated_schema
    /// assert!(planner.plan_rows([(2, &[0x08, 0x03][..])]).requests[0].carries_writer_schema());
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn set_writer_schema(&mut self, schema: WriterSchema) -> Result<(), ValueError> {
        if std::mem::discriminant(&schema) != std::mem::discriminant(&*self.schema) {
            return Err(ValueError::invalid(
                format!(
                    "a {} writer schema (the connection's format)",
                    self.schema.format()
                ),
                schema.format(),
            ));
        }
        let old = std::mem::replace(&mut self.schema, Arc::new(schema));
        if let Err(e) = self.check_envelope() {
            self.schema = old;
            return Err(e);
        }
        self.schema_pending = true;
        Ok(())
    }

    /// The next request opens a new connection: it carries the writer
    /// schema and trace id again.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::transport::{AppendOptions, AppendPlanner, WriteStreamName, WriterSchema};
    ///
    /// let stream = WriteStreamName::parse("projects/p/datasets/d/tables/t")?;
    /// let options = AppendOptions::new().with_trace_id("loader");
    /// let mut planner = AppendPlanner::new(stream, WriterSchema::Proto(vec![0x0a, 0x01, b'R']), options)?;
    /// planner.plan_rows([(0, &[0x08, 0x01][..])]);
    /// planner.new_connection();
    /// let again = planner.plan_rows([(1, &[0x08, 0x02][..])]);
    /// assert!(again.requests[0].carries_writer_schema());
    /// assert_eq!(again.requests[0].request().trace_id, "loader");
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn new_connection(&mut self) {
        self.schema_pending = true;
    }

    fn uses_offsets(&self) -> bool {
        self.options.offsets && !self.stream.is_default()
    }

    /// The request envelope: everything but the rows.
    fn envelope(&self, with_schema: bool) -> AppendRowsRequest {
        AppendRowsRequest {
            write_stream: self.stream.as_str().to_owned(),
            offset: self.next_offset(),
            rows: None,
            trace_id: match (&self.options.trace_id, with_schema) {
                (Some(t), true) => t.clone(),
                _ => String::new(),
            },
            missing_value_interpretations: self
                .options
                .missing
                .iter()
                .map(|(k, v)| (k.clone(), *v as i32))
                .collect(),
            default_missing_value_interpretation: self
                .options
                .default_missing
                .map_or(0, |m| m as i32),
        }
    }

    fn proto_request(&self, rows: Vec<Vec<u8>>, with_schema: bool) -> AppendRowsRequest {
        let mut r = self.envelope(with_schema);
        r.rows = Some(Rows::ProtoRows(ProtoData {
            writer_schema: None,
            rows: Some(ProtoRowsMessage {
                serialized_rows: rows,
            }),
        }));
        if with_schema {
            attach_schema(&mut r, &self.schema);
        }
        r
    }

    fn arrow_request(&self, batch: Vec<u8>, with_schema: bool) -> AppendRowsRequest {
        let mut r = self.envelope(with_schema);
        r.rows = Some(Rows::ArrowRows(ArrowData {
            writer_schema: None,
            rows: Some(ArrowRecordBatch {
                serialized_record_batch: batch,
                row_count: 0,
            }),
        }));
        if with_schema {
            attach_schema(&mut r, &self.schema);
        }
        r
    }

    /// Finishes a request measured with the schema: drops the schema and
    /// trace id unless this is the connection's first request (or the
    /// first after a schema change), advances the offset.
    fn emit(&mut self, mut request: AppendRowsRequest, input_rows: Vec<usize>) -> PlannedAppend {
        if self.schema_pending {
            self.schema_pending = false;
        } else {
            detach_schema(&mut request);
            request.trace_id.clear();
        }
        if self.uses_offsets() {
            self.next_offset = self
                .next_offset
                .saturating_add(i64::try_from(input_rows.len()).unwrap_or(i64::MAX));
        }
        PlannedAppend {
            request,
            input_rows,
            schema: Arc::clone(&self.schema),
            trace_id: self.options.trace_id.clone(),
        }
    }

    /// Plans protobuf rows: `(input row, serialized row)` pairs, in order.
    /// Rows go into requests in the order given; each row is in exactly
    /// one request or in [`AppendPlan::rejected`]. A planner with an Arrow
    /// writer schema rejects every row (a connection keeps one format).
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::transport::{AppendOptions, AppendPlanner, WriteStreamName, WriterSchema};
    ///
    /// let stream = WriteStreamName::default_stream("p", "d", "t")?;
    /// let mut planner = AppendPlanner::new(stream, WriterSchema::Proto(vec![0x0a, 0x01, b'R']), AppendOptions::new())?;
    /// let plan = planner.plan_rows([(7, &[0x08, 0x01][..]), (8, &[0x08, 0x02][..])]);
    /// assert_eq!(plan.requests.len(), 1); // small rows: one request
    /// assert_eq!(plan.requests[0].offset(), None); // _default takes no offsets
    /// // A connection keeps one format: a planner for Arrow rejects protobuf rows.
    /// let stream = WriteStreamName::default_stream("p", "d", "t")?;
    /// let mut arrow = AppendPlanner::new(stream, WriterSchema::Arrow(vec![0xFF; 8]), AppendOptions::new())?;
    /// assert_eq!(arrow.plan_rows([(0, &[0x08, 0x01][..])]).rejected[0].row, 0);
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn plan_rows<'a>(
        &mut self,
        rows: impl IntoIterator<Item = (usize, &'a [u8])>,
    ) -> AppendPlan {
        let mut plan = AppendPlan::default();
        let rows: Vec<(usize, &[u8])> = rows.into_iter().collect();
        if let WriterSchema::Arrow(_) = &*self.schema {
            plan.rejected = rows
                .iter()
                .map(|(i, _)| {
                    row_error(
                        *i,
                        ValueError::invalid(
                            "an Arrow batch (this connection's writer schema is Arrow)",
                            "a protobuf row",
                        ),
                    )
                })
                .collect();
            return plan;
        }
        let max = self.options.max_request_bytes();
        let mut start = 0;
        while start < rows.len() {
            // Exact size of the request with the schema, from the envelope
            // and the rows' payload (prost's length arithmetic), then
            // checked against the real message below.
            let base = self.proto_request(Vec::new(), true);
            let base_len = base.encoded_len();
            let data_len = proto_data_len(&base);
            // Without field 4 (key 1 byte + length varint + ProtoData):
            // (Saturating arithmetic: the sizes are far below usize::MAX,
            // and the real message is measured below anyway.)
            let envelope = base_len
                .saturating_sub(1 + encoded_len_varint(to_u64(data_len)))
                .saturating_sub(data_len);
            let size = |payload: usize| -> usize {
                // ProtoData's rows field: key(1) + length varint + payload;
                // the empty base has key(1) + a 1-byte zero length.
                let data = data_len
                    .saturating_sub(1)
                    .saturating_add(encoded_len_varint(to_u64(payload)))
                    .saturating_add(payload);
                envelope
                    .saturating_add(1 + encoded_len_varint(to_u64(data)))
                    .saturating_add(data)
            };
            let mut payload = 0usize;
            let mut end = start;
            while let Some((_, row)) = rows.get(end) {
                let add = (1 + encoded_len_varint(to_u64(row.len()))).saturating_add(row.len());
                if size(payload.saturating_add(add)) > max {
                    break;
                }
                payload = payload.saturating_add(add);
                end += 1;
            }
            if end == start {
                if let Some((input, row)) = rows.get(start) {
                    let alone = self.proto_request(vec![row.to_vec()], true).encoded_len();
                    plan.rejected.push(row_error(
                        *input,
                        ValueError::TooLong {
                            max: to_u64(max),
                            length: to_u64(alone),
                            unit: "bytes (the AppendRows request with this row alone)",
                        },
                    ));
                }
                start += 1;
                continue;
            }
            let mut batch: Vec<Vec<u8>> = rows
                .get(start..end)
                .unwrap_or_default()
                .iter()
                .map(|(_, r)| r.to_vec())
                .collect();
            let mut request = self.proto_request(Vec::new(), true);
            set_proto_rows(&mut request, std::mem::take(&mut batch));
            // The real message decides; the arithmetic above only guesses
            // where to stop. Give back rows until it fits.
            while request.encoded_len() > max && end > start + 1 {
                pop_proto_row(&mut request);
                end -= 1;
            }
            let inputs = rows
                .get(start..end)
                .unwrap_or_default()
                .iter()
                .map(|(i, _)| *i)
                .collect();
            plan.requests.push(self.emit(request, inputs));
            start = end;
        }
        plan
    }

    /// Plans the rows of a [`ProtoRows`](crate::proto::wire::ProtoRows)
    /// buffer (each row with its input index).
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::proto::{DescriptorOptions, ProtoWriter};
    /// use bqcodec::transport::{AppendOptions, AppendPlanner, WriteStreamName, WriterSchema};
    /// use bqcodec::{plan::WalkOptions, TableSchema};
    ///
    /// let schema = TableSchema::from_json(r#"[{"name": "s", "type": "STRING"}]"#)?;
    /// let writer = ProtoWriter::new(&schema, DescriptorOptions::default(), WalkOptions::new())?;
    /// let (rows, _) = writer.encode_ndjson(b"{\"s\": \"a\"}\n{\"s\": 1}\n{\"s\": \"c\"}\n", 0);
    /// let descriptor = WriterSchema::Proto(writer.proto_schema().descriptor_proto_bytes().to_vec());
    /// let mut planner = AppendPlanner::new(WriteStreamName::default_stream("p", "d", "t")?, descriptor, AppendOptions::new())?;
    /// let plan = planner.plan_proto(&rows);
    /// assert_eq!(plan.requests[0].input_rows(), [0, 2]); // input row 1 was rejected by the writer
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn plan_proto(&mut self, rows: &crate::proto::wire::ProtoRows) -> AppendPlan {
        self.plan_rows((0..rows.len()).filter_map(|i| Some((rows.input_row(i)?, rows.row(i)?))))
    }

    /// Plans serialized Arrow batches: one request per batch (a request
    /// carries one record batch). A batch whose request is too large goes
    /// to [`AppendPlan::oversized_batches`], or to
    /// [`AppendPlan::rejected`] when it has one row. A planner with a
    /// protobuf writer schema puts every batch in `oversized_batches`
    /// with `encoded_len` 0. Empty batches are skipped.
    pub fn plan_arrow(&mut self, batches: impl IntoIterator<Item = ArrowRows>) -> AppendPlan {
        let mut plan = AppendPlan::default();
        for batch in batches {
            self.plan_one_arrow(batch, &mut plan);
        }
        plan
    }

    fn plan_one_arrow(&mut self, batch: ArrowRows, plan: &mut AppendPlan) {
        let (Some(&first_row), Some(&last_row)) =
            (batch.input_rows.first(), batch.input_rows.last())
        else {
            return;
        };
        let max = self.options.max_request_bytes();
        if let WriterSchema::Proto(_) = &*self.schema {
            plan.oversized_batches.push(OversizedBatch {
                first_row,
                last_row,
                rows: batch.input_rows.len(),
                encoded_len: 0,
                max,
            });
            return;
        }
        let request = self.arrow_request(batch.serialized_record_batch, true);
        let len = request.encoded_len();
        if len > max {
            if let [row] = batch.input_rows.as_slice() {
                plan.rejected.push(row_error(
                    *row,
                    ValueError::TooLong {
                        max: to_u64(max),
                        length: to_u64(len),
                        unit: "bytes (the AppendRows request with this row alone)",
                    },
                ));
            } else {
                plan.oversized_batches.push(OversizedBatch {
                    first_row,
                    last_row,
                    rows: batch.input_rows.len(),
                    encoded_len: len,
                    max,
                });
            }
            return;
        }
        plan.requests.push(self.emit(request, batch.input_rows));
    }

    /// Plans Arrow record batches (feature `arrow`): each batch is
    /// serialized; one that makes a request above the limit is sliced in
    /// halves until the pieces fit (only a single row too large is
    /// rejected). Fails only when IPC serialization fails.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::arrow::{ArrowWriter, ipc};
    /// use bqcodec::plan::{Plan, WalkOptions};
    /// use bqcodec::transport::{AppendOptions, AppendPlanner, WriteStreamName, WriterSchema};
    /// use bqcodec::{Field, FieldType, TableSchema};
    ///
    /// let plan = Plan::compile(&TableSchema::new(vec![Field::new("s", FieldType::String)]), WalkOptions::new())?;
    /// let mut writer = ArrowWriter::new(&plan)?;
    /// let row = format!(r#"{{"s": "{}"}}"#, "x".repeat(1000));
    /// for _ in 0..8 { writer.push_json(row.as_bytes())?; }
    /// let schema = WriterSchema::Arrow(writer.serialized_schema()?);
    /// let options = AppendOptions::new().with_limit(6_000).with_margin(0);
    /// let mut planner = AppendPlanner::new(WriteStreamName::default_stream("p", "d", "t")?, schema, options)?;
    /// let appends = planner.plan_arrow_batches(&writer.finish_batches()?)?;
    /// // One batch of 8 rows is too large for 6,000 bytes: it is cut in halves that fit.
    /// assert_eq!(appends.requests.iter().map(|r| r.len()).collect::<Vec<_>>(), [4, 4]);
    /// # let _ = ipc::write_options();
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[cfg(feature = "arrow")]
    pub fn plan_arrow_batches(
        &mut self,
        batches: &[crate::arrow::ArrowBatch],
    ) -> Result<AppendPlan, arrow_schema::ArrowError> {
        let mut plan = AppendPlan::default();
        for b in batches {
            self.split_arrow(&b.batch, &b.input_rows, &mut plan)?;
        }
        Ok(plan)
    }

    /// Depth is at most log2(rows) + 1: each level halves the rows.
    #[cfg(feature = "arrow")]
    fn split_arrow(
        &mut self,
        batch: &arrow_array::RecordBatch,
        input_rows: &[usize],
        plan: &mut AppendPlan,
    ) -> Result<(), arrow_schema::ArrowError> {
        let rows = batch.num_rows().min(input_rows.len());
        if rows == 0 {
            return Ok(());
        }
        let bytes = crate::arrow::ipc::serialize_record_batch(batch)?;
        let WriterSchema::Arrow(_) = &*self.schema else {
            self.plan_one_arrow(
                ArrowRows {
                    serialized_record_batch: bytes,
                    input_rows: input_rows.to_vec(),
                },
                plan,
            );
            return Ok(());
        };
        let input = input_rows.get(..rows).unwrap_or_default();
        // Measured on the real message; a single row is not split further
        // (plan_one_arrow rejects it by its input row).
        let request = self.arrow_request(bytes, true);
        if rows == 1 || request.encoded_len() <= self.options.max_request_bytes() {
            let bytes = take_arrow_bytes(request);
            self.plan_one_arrow(
                ArrowRows {
                    serialized_record_batch: bytes,
                    input_rows: input.to_vec(),
                },
                plan,
            );
            return Ok(());
        }
        let mid = rows / 2;
        self.split_arrow(
            &batch.slice(0, mid),
            input_rows.get(..mid).unwrap_or_default(),
            plan,
        )?;
        self.split_arrow(
            &batch.slice(mid, rows - mid),
            input_rows.get(mid..rows).unwrap_or_default(),
            plan,
        )
    }
}

#[cfg(feature = "arrow")]
fn take_arrow_bytes(request: AppendRowsRequest) -> Vec<u8> {
    match request.rows {
        Some(Rows::ArrowRows(ArrowData { rows: Some(b), .. })) => b.serialized_record_batch,
        _ => Vec::new(),
    }
}

fn row_error(row: usize, error: ValueError) -> RowError {
    RowError {
        row,
        path: FieldPath::root(),
        error,
    }
}

fn to_u64(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

/// The encoded length of the request's ProtoData (field 4's payload).
fn proto_data_len(request: &AppendRowsRequest) -> usize {
    match &request.rows {
        Some(Rows::ProtoRows(d)) => d.encoded_len(),
        _ => 0,
    }
}

fn set_proto_rows(request: &mut AppendRowsRequest, rows: Vec<Vec<u8>>) {
    if let Some(Rows::ProtoRows(d)) = &mut request.rows {
        d.rows = Some(ProtoRowsMessage {
            serialized_rows: rows,
        });
    }
}

fn pop_proto_row(request: &mut AppendRowsRequest) {
    if let Some(Rows::ProtoRows(ProtoData {
        rows: Some(rows), ..
    })) = &mut request.rows
    {
        rows.serialized_rows.pop();
    }
}

fn attach_schema(request: &mut AppendRowsRequest, schema: &WriterSchema) {
    match (&mut request.rows, schema) {
        (Some(Rows::ProtoRows(d)), WriterSchema::Proto(bytes)) => {
            d.writer_schema = Some(ProtoSchema {
                proto_descriptor: bytes.clone(),
            });
        }
        (Some(Rows::ArrowRows(d)), WriterSchema::Arrow(bytes)) => {
            d.writer_schema = Some(ArrowSchema {
                serialized_schema: bytes.clone(),
            });
        }
        _ => {}
    }
}

fn detach_schema(request: &mut AppendRowsRequest) {
    match &mut request.rows {
        Some(Rows::ProtoRows(d)) => d.writer_schema = None,
        Some(Rows::ArrowRows(d)) => d.writer_schema = None,
        None => {}
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn stream(id: &str) -> WriteStreamName {
        WriteStreamName::parse(&format!("projects/p/datasets/d/tables/t/streams/{id}")).unwrap()
    }

    fn planner(id: &str, options: AppendOptions) -> AppendPlanner {
        AppendPlanner::new(
            stream(id),
            WriterSchema::Proto(vec![0x0a, 0x01, b'R']),
            options,
        )
        .unwrap()
    }

    fn rows(n: usize, len: usize) -> Vec<Vec<u8>> {
        (0..n)
            .map(|i| vec![u8::try_from(i % 251).unwrap(); len])
            .collect()
    }

    fn plan(p: &mut AppendPlanner, rows: &[Vec<u8>]) -> AppendPlan {
        p.plan_rows(rows.iter().enumerate().map(|(i, r)| (i, r.as_slice())))
    }

    #[test]
    fn every_request_fits_and_is_full() {
        for limit in [200usize, 257, 300, 1000, 4096] {
            for len in [0usize, 1, 5, 50, 127, 128, 150] {
                let mut p = planner("s", AppendOptions::new().with_limit(limit).with_margin(0));
                let rs = rows(60, len);
                let out = plan(&mut p, &rs);
                let mut seen = Vec::new();
                for (k, req) in out.requests.iter().enumerate() {
                    assert!(req.encoded_len() <= limit, "{limit} {len}");
                    assert!(req.request_for_new_connection().encoded_len() <= limit);
                    assert_eq!(req.carries_writer_schema(), k == 0);
                    // Full: the next row would not have fit.
                    if let Some(next) = out.requests.get(k + 1) {
                        let mut bigger = req.request_for_new_connection();
                        if let Some(Rows::ProtoRows(d)) = &mut bigger.rows {
                            d.rows
                                .as_mut()
                                .unwrap()
                                .serialized_rows
                                .push(rs[next.input_rows()[0]].clone());
                        }
                        assert!(bigger.encoded_len() > limit, "{limit} {len} not full");
                    }
                    seen.extend_from_slice(req.input_rows());
                }
                for e in &out.rejected {
                    seen.push(e.row);
                }
                seen.sort_unstable();
                assert_eq!(seen, (0..60).collect::<Vec<_>>());
            }
        }
    }

    #[test]
    fn offsets_count_planned_rows() {
        let mut p = planner(
            "s",
            AppendOptions::new()
                .with_limit(100)
                .with_margin(0)
                .with_start_offset(7),
        );
        let out = plan(&mut p, &rows(20, 10));
        let mut expect = 7i64;
        for r in &out.requests {
            assert_eq!(r.offset(), Some(expect));
            expect += i64::try_from(r.len()).unwrap();
        }
        assert_eq!(p.next_offset(), Some(27));
        // Continues across calls.
        let out = plan(&mut p, &rows(1, 1));
        assert_eq!(out.requests[0].offset(), Some(27));
        assert!(!out.requests[0].carries_writer_schema());
    }

    #[test]
    fn default_stream_has_no_offsets() {
        let mut p = planner("_default", AppendOptions::new());
        let out = plan(&mut p, &rows(3, 3));
        assert_eq!(out.requests[0].offset(), None);
        assert_eq!(p.next_offset(), None);
        assert!(p.set_next_offset(3).is_err());
        assert!(
            AppendPlanner::new(
                stream("_default"),
                WriterSchema::Proto(Vec::new()),
                AppendOptions::new().with_start_offset(1)
            )
            .is_err()
        );
        let mut p = planner("s", AppendOptions::new().without_offsets());
        assert_eq!(plan(&mut p, &rows(1, 1)).requests[0].offset(), None);
    }

    #[test]
    fn too_large_row_is_rejected_by_input_index() {
        let mut p = planner("s", AppendOptions::new().with_limit(120).with_margin(0));
        let mut rs = rows(3, 5);
        rs[1] = vec![1; 500];
        let out = plan(&mut p, &rs);
        assert_eq!(out.rejected.len(), 1);
        assert_eq!(out.rejected[0].row, 1);
        assert!(matches!(
            out.rejected[0].error,
            ValueError::TooLong { max: 120, .. }
        ));
        let carried: Vec<usize> = out
            .requests
            .iter()
            .flat_map(|r| r.input_rows().to_vec())
            .collect();
        assert_eq!(carried, vec![0, 2]);
        // The rejected row took no offset.
        assert_eq!(p.next_offset(), Some(2));
    }

    #[test]
    fn schema_again_after_change_or_reconnect() {
        let mut p = planner("s", AppendOptions::new().with_trace_id("bqcodec:test"));
        let a = plan(&mut p, &rows(1, 1));
        assert!(a.requests[0].carries_writer_schema());
        assert_eq!(a.requests[0].request().trace_id, "bqcodec:test");
        let b = plan(&mut p, &rows(1, 1));
        assert!(!b.requests[0].carries_writer_schema());
        assert_eq!(b.requests[0].request().trace_id, "");
        p.new_connection();
        assert!(plan(&mut p, &rows(1, 1)).requests[0].carries_writer_schema());
        p.set_writer_schema(WriterSchema::Proto(vec![0x0a, 0x01, b'S']))
            .unwrap();
        let c = plan(&mut p, &rows(1, 1));
        let Some(Rows::ProtoRows(d)) = &c.requests[0].request().rows else {
            panic!()
        };
        assert_eq!(
            d.writer_schema.as_ref().unwrap().proto_descriptor,
            vec![0x0a, 0x01, b'S']
        );
        assert!(p.set_writer_schema(WriterSchema::Arrow(vec![1])).is_err());
    }

    #[test]
    fn missing_value_options_on_every_request() {
        let o = AppendOptions::new()
            .with_limit(150)
            .with_margin(0)
            .with_default_missing_value_interpretation(MissingValueInterpretation::DefaultValue)
            .with_missing_value_interpretation("b", MissingValueInterpretation::NullValue);
        let mut p = planner("s", o);
        let out = plan(&mut p, &rows(10, 20));
        assert!(out.requests.len() > 1);
        for r in &out.requests {
            assert_eq!(r.request().default_missing_value_interpretation, 2);
            assert_eq!(r.request().missing_value_interpretations.get("b"), Some(&1));
        }
        let bad = AppendOptions::new()
            .with_default_missing_value_interpretation(MissingValueInterpretation::Unspecified);
        assert!(AppendPlanner::new(stream("s"), WriterSchema::Proto(Vec::new()), bad).is_err());
    }

    #[test]
    fn limit_too_small_for_the_envelope() {
        let e = AppendPlanner::new(
            stream("s"),
            WriterSchema::Proto(vec![0; 100]),
            AppendOptions::new().with_limit(90).with_margin(0),
        )
        .unwrap_err();
        assert!(matches!(e, ValueError::TooLong { max: 90, .. }));
    }

    #[test]
    fn arrow_batches_one_per_request() {
        let mut p = AppendPlanner::new(
            stream("s"),
            WriterSchema::Arrow(vec![9; 10]),
            AppendOptions::new().with_limit(200).with_margin(0),
        )
        .unwrap();
        let out = p.plan_arrow(vec![
            ArrowRows {
                serialized_record_batch: vec![1; 20],
                input_rows: vec![0, 1],
            },
            ArrowRows {
                serialized_record_batch: vec![2; 500],
                input_rows: vec![2, 3],
            },
            ArrowRows {
                serialized_record_batch: vec![3; 500],
                input_rows: vec![4],
            },
            ArrowRows {
                serialized_record_batch: vec![],
                input_rows: vec![],
            },
            ArrowRows {
                serialized_record_batch: vec![4; 20],
                input_rows: vec![5],
            },
        ]);
        assert_eq!(out.requests.len(), 2);
        assert_eq!(out.requests[0].offset(), Some(0));
        assert_eq!(out.requests[1].offset(), Some(2));
        assert!(out.requests[0].carries_writer_schema());
        assert!(!out.requests[1].carries_writer_schema());
        assert_eq!(out.oversized_batches.len(), 1);
        assert_eq!(
            (
                out.oversized_batches[0].first_row,
                out.oversized_batches[0].last_row
            ),
            (2, 3)
        );
        assert_eq!(out.rejected[0].row, 4);
        // Protobuf rows on an Arrow connection are refused.
        assert_eq!(plan(&mut p, &rows(2, 1)).rejected.len(), 2);
    }

    #[test]
    fn without_rows_keeps_offset_and_order() {
        let mut p = planner(
            "s",
            AppendOptions::new().with_start_offset(5).with_trace_id("t"),
        );
        let out = plan(&mut p, &rows(4, 2));
        let r = &out.requests[0];
        let less = r.without_rows(&[1, 3, 99]).unwrap().unwrap();
        assert_eq!(less.input_rows(), &[0, 2]);
        assert_eq!(less.offset(), Some(5));
        assert!(less.carries_writer_schema());
        assert_eq!(less.request().trace_id, "t");
        let Some(Rows::ProtoRows(d)) = &less.request().rows else {
            panic!()
        };
        assert_eq!(
            d.rows.as_ref().unwrap().serialized_rows,
            vec![vec![0u8; 2], vec![2u8; 2]]
        );
        assert!(less.encoded_len() < r.encoded_len());
        assert_eq!(r.without_rows(&[0, 1, 2, 3]).unwrap(), None);
        // The resend of a resend still names the input rows.
        let again = less.without_rows(&[0]).unwrap().unwrap();
        assert_eq!(again.input_rows(), &[2]);
        assert_eq!(again.request_for_new_connection().offset, Some(5));
    }

    /// An Arrow batch without rows 1 and 2 of 4: read back, the other rows
    /// with their values, under the same offset.
    #[cfg(feature = "arrow")]
    #[test]
    fn without_rows_of_an_arrow_batch() {
        use crate::TableSchema;
        use crate::arrow::{ArrowWriter, decode_batch, ipc};
        use crate::plan::{Plan, WalkOptions};
        let schema = TableSchema::from_json(
            r#"[{"name": "n", "type": "INT64"}, {"name": "tags", "type": "STRING", "mode": "REPEATED"},
                {"name": "r", "type": "RECORD", "fields": [{"name": "d", "type": "DATE"}]}]"#,
        )
        .unwrap();
        let compiled = Plan::compile(&schema, WalkOptions::new()).unwrap();
        let mut w = ArrowWriter::new(&compiled).unwrap();
        let input = b"{\"n\": 1, \"tags\": [\"a\"]}\n{\"n\": 2}\n{\"n\": 3, \"r\": {\"d\": \"2024-02-29\"}}\n{\"n\": 4, \"tags\": [\"b\", \"c\"], \"r\": {\"d\": \"0001-01-01\"}}\n";
        assert!(w.push_ndjson(input).errors.is_empty());
        let schema_bytes = w.serialized_schema().unwrap();
        let batches = w.finish_batches().unwrap();
        let mut p = AppendPlanner::new(
            stream("s"),
            WriterSchema::Arrow(schema_bytes.clone()),
            AppendOptions::new().with_start_offset(3),
        )
        .unwrap();
        let out = p.plan_arrow_batches(&batches).unwrap();
        let less = out.requests[0].without_rows(&[1, 2]).unwrap().unwrap();
        assert_eq!(
            (less.input_rows(), less.offset()),
            (&[0usize, 3][..], Some(3))
        );
        let Some(Rows::ArrowRows(d)) = &less.request().rows else {
            panic!()
        };
        let bytes = &d.rows.as_ref().unwrap().serialized_record_batch;
        let back = ipc::read_record_batch(&schema_bytes, bytes).unwrap();
        assert_eq!(
            decode_batch(&compiled, &back).unwrap(),
            vec![
                r#"{"n":"1","tags":["a"],"r":null}"#.to_owned(),
                r#"{"n":"4","tags":["b","c"],"r":{"d":"0001-01-01"}}"#.to_owned()
            ]
        );
        // Proto rows with an Arrow request's bytes that do not read back.
        let mut broken = out.requests[0].clone();
        if let Some(Rows::ArrowRows(d)) = &mut broken.request.rows {
            d.rows.as_mut().unwrap().serialized_record_batch = vec![1, 2, 3];
        }
        assert!(broken.without_rows(&[0]).is_err());
    }

    proptest::proptest! {
        /// Any row sizes, any limit: each request fits (also with the
        /// schema for a new connection), every row is in exactly one
        /// request or rejected, in order, and offsets are contiguous.
        #[test]
        fn planning_invariants(
            sizes in proptest::collection::vec(0usize..400, 0..80),
            limit in 60usize..1200,
            start in 0i64..1_000_000,
        ) {
            let options = AppendOptions::new().with_limit(limit).with_margin(0).with_start_offset(start);
            let Ok(mut p) = AppendPlanner::new(stream("s"), WriterSchema::Proto(vec![0x0a, 0x01, b'R']), options) else {
                return Ok(());
            };
            let rs: Vec<Vec<u8>> = sizes.iter().map(|&n| vec![7u8; n]).collect();
            let out = plan(&mut p, &rs);
            let mut carried = Vec::new();
            let mut offset = start;
            for (k, r) in out.requests.iter().enumerate() {
                proptest::prop_assert!(r.encoded_len() <= limit);
                proptest::prop_assert!(r.request_for_new_connection().encoded_len() <= limit);
                proptest::prop_assert_eq!(r.carries_writer_schema(), k == 0);
                proptest::prop_assert_eq!(r.offset(), Some(offset));
                proptest::prop_assert!(!r.is_empty());
                offset += i64::try_from(r.len()).unwrap();
                carried.extend_from_slice(r.input_rows());
            }
            let mut all: Vec<usize> = carried.clone();
            all.extend(out.rejected.iter().map(|e| e.row));
            all.sort_unstable();
            proptest::prop_assert_eq!(all, (0..rs.len()).collect::<Vec<_>>());
            proptest::prop_assert!(carried.windows(2).all(|w| w[0] < w[1]));
            proptest::prop_assert_eq!(p.next_offset(), Some(offset));
        }
    }
}
