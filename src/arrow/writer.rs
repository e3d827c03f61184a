//! [`ArrowWriter`]: rows in (JSON bytes, NDJSON, `serde_json::Value`,
//! `Serialize`), Arrow record batches out. A push encoder: it does no I/O.

use arrow_array::RecordBatch;
use arrow_schema::{ArrowError, SchemaRef};

use super::ipc;
use super::schema::SchemaOptions;
use super::sink::{ArrowBatch, ArrowSink};
use crate::error::{RowError, SchemaError};
use crate::plan::{Plan, RowOutcome, Walker};

/// Writes rows of one table into Arrow record batches for the Storage Write
/// API.
///
/// Every row goes through the plan's single row walk, so it is accepted or
/// rejected exactly as on the protobuf path, with the same [`RowError`]
/// (input row index, field path, expected and found). A rejected row leaves
/// no trace in any batch. Row indices count every row pushed (good and bad)
/// from 0, across calls.
///
/// Batches are cut by row count ([`with_max_rows`](Self::with_max_rows),
/// default unlimited) and by serialized size
/// ([`with_max_bytes`](Self::with_max_bytes), default 9 MB so that a batch
/// and the schema fit one 10 MB AppendRows request).
///
/// ```
/// use bqcodec::arrow::ArrowWriter;
/// use bqcodec::plan::{Plan, WalkOptions};
/// use bqcodec::{Field, FieldType, Mode, TableSchema};
///
/// let schema = TableSchema::new(vec![
///     Field::new("day", FieldType::Date).with_mode(Mode::Required),
///     Field::new("tags", FieldType::Date).with_mode(Mode::Repeated),
/// ]);
/// let plan = Plan::compile(&schema, WalkOptions::new())?;
/// let mut writer = ArrowWriter::new(&plan)?.with_max_rows(2);
/// let outcome = writer.push_ndjson(
///     b"{\"day\": \"2024-02-29\"}\n{\"day\": \"2024-02-30\"}\n{\"day\": 0, \"tags\": [1]}\n",
/// );
/// assert_eq!((outcome.rows, outcome.written), (3, 2));
/// assert_eq!(outcome.errors[0].row, 1);
/// assert_eq!(outcome.errors[0].path.to_string(), "day");
/// let batches = writer.finish()?;
/// assert_eq!(batches.len(), 1);
/// assert_eq!(batches[0].num_rows(), 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct ArrowWriter<'p> {
    walker: Walker<'p>,
    sink: ArrowSink,
    next_row: usize,
}

impl std::fmt::Debug for ArrowWriter<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ArrowWriter")
            .field("sink", &self.sink)
            .field("next_row", &self.next_row)
            .finish_non_exhaustive()
    }
}

impl<'p> ArrowWriter<'p> {
    /// A writer for `plan` with the default [`SchemaOptions`]. Fails as
    /// [`to_arrow_schema`](super::to_arrow_schema) does (a TIMESTAMP(12) column).
    pub fn new(plan: &'p Plan) -> Result<Self, SchemaError> {
        ArrowWriter::with_options(plan, &SchemaOptions::new())
    }

    /// A writer for `plan` mapped with `options`.
    pub fn with_options(plan: &'p Plan, options: &SchemaOptions) -> Result<Self, SchemaError> {
        Ok(ArrowWriter {
            walker: Walker::new(plan),
            sink: ArrowSink::with_options(plan, options)?,
            next_row: 0,
        })
    }

    /// Cuts batches at `max_rows` rows (default: no row limit; 0 is taken
    /// as 1).
    ///
    /// ```
    /// # use bqcodec::arrow::ArrowWriter;
    /// # use bqcodec::plan::{Plan, WalkOptions};
    /// # use bqcodec::{Field, FieldType, TableSchema};
    /// # let plan = Plan::compile(&TableSchema::new(vec![Field::new("d", FieldType::Date)]), WalkOptions::new())?;
    /// let mut w = ArrowWriter::new(&plan)?.with_max_rows(1);
    /// w.push_ndjson(b"{}\n{}\n{}\n");
    /// assert_eq!(w.finish()?.len(), 3);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_max_rows(mut self, max_rows: usize) -> Self {
        self.sink = self.sink.with_max_rows(max_rows);
        self
    }

    /// Cuts batches so that each serialized record batch message is at most
    /// `max_bytes` bytes (default 9 000 000; clamped to 1 KiB … 128 MiB).
    /// The size is an upper bound computed as rows arrive, so batches come
    /// out somewhat below the limit. A row that alone exceeds the limit is
    /// rejected ([`ValueError::TooLong`](crate::ValueError::TooLong)).
    pub fn with_max_bytes(mut self, max_bytes: usize) -> Self {
        self.sink = self.sink.with_max_bytes(max_bytes);
        self
    }

    /// The Arrow schema of every batch.
    pub fn schema(&self) -> SchemaRef {
        self.sink.schema()
    }

    /// `ArrowSchema.serialized_schema`: the schema as one IPC message (see
    /// [`ipc::serialize_schema`]).
    pub fn serialized_schema(&self) -> Result<Vec<u8>, ArrowError> {
        ipc::serialize_schema(&self.sink.schema())
    }

    /// The index the next pushed row gets.
    pub fn next_row(&self) -> usize {
        self.next_row
    }

    /// Pushes one row given as the JSON text of an object.
    pub fn push_json(&mut self, row: &[u8]) -> Result<(), RowError> {
        let index = self.next_row;
        self.next_row += 1;
        self.walker.walk_json(row, index, &mut self.sink)
    }

    /// Pushes NDJSON: one object per line; blank lines are skipped and not
    /// counted. A bad row is reported in the outcome and the rest go on.
    pub fn push_ndjson(&mut self, ndjson: &[u8]) -> RowOutcome {
        let out = self
            .walker
            .walk_ndjson(ndjson, self.next_row, &mut self.sink);
        self.next_row += out.rows;
        out
    }

    /// Pushes one `serde_json::Value` row (serialized first: the general,
    /// slower path).
    pub fn push_value(&mut self, row: &serde_json::Value) -> Result<(), RowError> {
        let index = self.next_row;
        self.next_row += 1;
        self.walker.walk_value(row, index, &mut self.sink)
    }

    /// Pushes one typed row: anything `serde::Serialize` that serializes as
    /// a JSON object.
    pub fn push_serialize<T: serde::Serialize + ?Sized>(
        &mut self,
        row: &T,
    ) -> Result<(), RowError> {
        let index = self.next_row;
        self.next_row += 1;
        self.walker.walk_serialize(row, index, &mut self.sink)
    }

    /// Rows written since the last cut.
    pub fn open_rows(&self) -> usize {
        self.sink.open_rows()
    }

    /// Takes the batches cut so far by the limits (the open batch stays
    /// open): for streaming, call it after each push.
    pub fn take_batches(&mut self) -> Result<Vec<ArrowBatch>, ArrowError> {
        self.sink.take_batches()
    }

    /// Cuts the open batch and takes every batch, with each row's input index.
    pub fn finish_batches(&mut self) -> Result<Vec<ArrowBatch>, ArrowError> {
        self.sink.finish()
    }

    /// Cuts the open batch and returns every batch.
    pub fn finish(mut self) -> Result<Vec<RecordBatch>, ArrowError> {
        Ok(self.sink.finish()?.into_iter().map(|b| b.batch).collect())
    }
}
