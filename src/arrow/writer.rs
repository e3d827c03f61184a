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
/// # Examples
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
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::arrow::ArrowWriter;
    /// use bqcodec::plan::{Plan, WalkOptions};
    /// use bqcodec::TableSchema;
    ///
    /// let ok = TableSchema::from_json(r#"[{"name": "ts", "type": "TIMESTAMP"}]"#)?;
    /// assert!(ArrowWriter::new(&Plan::compile(&ok, WalkOptions::new())?).is_ok());
    /// let picos = TableSchema::from_json(r#"[{"name": "ts", "type": "TIMESTAMP", "timestampPrecision": "12"}]"#)?;
    /// assert!(ArrowWriter::new(&Plan::compile(&picos, WalkOptions::new())?).is_err());
    /// # Ok::<(), bqcodec::SchemaError>(())
    /// ```
    pub fn new(plan: &'p Plan) -> Result<Self, SchemaError> {
        ArrowWriter::with_options(plan, &SchemaOptions::new())
    }

    /// A writer for `plan` mapped with `options`.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::arrow::{ArrowWriter, DecimalMapping, SchemaOptions};
    /// use bqcodec::plan::{Plan, WalkOptions};
    /// use bqcodec::TableSchema;
    ///
    /// let schema = TableSchema::from_json(r#"[{"name": "p", "type": "NUMERIC", "precision": "5", "scale": "2"}]"#)?;
    /// let plan = Plan::compile(&schema, WalkOptions::new())?;
    /// let options = SchemaOptions::new().with_decimals(DecimalMapping::Declared);
    /// let mut writer = ArrowWriter::with_options(&plan, &options)?;
    /// writer.push_json(br#"{"p": "123.45"}"#)?;
    /// assert!(writer.push_json(br#"{"p": "1234.5"}"#).is_err()); // 4 integer digits > P - S
    /// let batch = &writer.finish()?[0];
    /// assert_eq!(batch.column(0).data_type().to_string(), "Decimal128(5, 2)");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
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
    /// # Examples
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
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::arrow::ArrowWriter;
    /// use bqcodec::plan::{Plan, WalkOptions};
    /// use bqcodec::{Field, FieldType, TableSchema};
    ///
    /// let plan = Plan::compile(&TableSchema::new(vec![Field::new("s", FieldType::String)]), WalkOptions::new())?;
    /// let mut writer = ArrowWriter::new(&plan)?.with_max_bytes(2048);
    /// let row = format!(r#"{{"s": "{}"}}"#, "x".repeat(500));
    /// for _ in 0..10 {
    ///     writer.push_json(row.as_bytes())?;
    /// }
    /// let sizes: Vec<usize> = writer.finish()?.iter().map(|b| b.num_rows()).collect();
    /// assert_eq!(sizes, [2, 2, 2, 2, 2]); // the size is an upper bound, so batches stay below 2048
    /// let huge = format!(r#"{{"s": "{}"}}"#, "x".repeat(4000));
    /// let mut writer = ArrowWriter::new(&plan)?.with_max_bytes(2048);
    /// assert!(writer.push_json(huge.as_bytes()).is_err()); // ValueError::TooLong
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
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
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::arrow::{ipc, ArrowWriter};
    /// use bqcodec::plan::{Plan, WalkOptions};
    /// use bqcodec::{Field, FieldType, TableSchema};
    ///
    /// let plan = Plan::compile(&TableSchema::new(vec![Field::new("d", FieldType::Date)]), WalkOptions::new())?;
    /// let writer = ArrowWriter::new(&plan)?;
    /// let bytes = writer.serialized_schema()?;
    /// assert_eq!(bytes[..4], [0xFF; 4]); // the IPC continuation marker
    /// assert_eq!(ipc::read_schema(&bytes)?, *writer.schema());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn serialized_schema(&self) -> Result<Vec<u8>, ArrowError> {
        ipc::serialize_schema(&self.sink.schema())
    }

    /// The index the next pushed row gets.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::arrow::ArrowWriter;
    /// use bqcodec::plan::{Plan, WalkOptions};
    /// use bqcodec::{Field, FieldType, TableSchema};
    ///
    /// let plan = Plan::compile(&TableSchema::new(vec![Field::new("d", FieldType::Date)]), WalkOptions::new())?;
    /// let mut writer = ArrowWriter::new(&plan)?;
    /// writer.push_ndjson(b"{}\n\n{\"d\": 1.5}\n"); // the blank line is not a row
    /// assert_eq!(writer.next_row(), 2);
    /// assert_eq!(writer.open_rows(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn next_row(&self) -> usize {
        self.next_row
    }

    /// Pushes one row given as the JSON text of an object.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::arrow::ArrowWriter;
    /// use bqcodec::plan::{Plan, WalkOptions};
    /// use bqcodec::{Field, FieldType, TableSchema};
    ///
    /// let plan = Plan::compile(&TableSchema::new(vec![Field::new("n", FieldType::Numeric)]), WalkOptions::new())?;
    /// let mut writer = ArrowWriter::new(&plan)?;
    /// writer.push_json(br#"{"n": 1.5}"#)?;
    /// let err = writer.push_json(br#"{"n": "0.0000000001"}"#).unwrap_err();
    /// assert_eq!(err.row, 1); // 10 fractional digits: NUMERIC keeps 9, no silent rounding
    /// assert_eq!(writer.finish()?[0].num_rows(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn push_json(&mut self, row: &[u8]) -> Result<(), RowError> {
        let index = self.next_row;
        self.next_row += 1;
        self.walker.walk_json(row, index, &mut self.sink)
    }

    /// Pushes NDJSON: one object per line; blank lines are skipped and not
    /// counted. A bad row is reported in the outcome and the rest go on.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::arrow::ArrowWriter;
    /// use bqcodec::plan::{Plan, WalkOptions};
    /// use bqcodec::{Field, FieldType, TableSchema};
    ///
    /// let plan = Plan::compile(&TableSchema::new(vec![Field::new("b", FieldType::Bool)]), WalkOptions::new())?;
    /// let mut writer = ArrowWriter::new(&plan)?;
    /// let outcome = writer.push_ndjson(b"{\"b\": true}\n{\"b\": \"yes\"}\n{\"b\": \"false\"}\n");
    /// assert_eq!((outcome.rows, outcome.written), (3, 2));
    /// assert_eq!(outcome.errors[0].row, 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn push_ndjson(&mut self, ndjson: &[u8]) -> RowOutcome {
        let out = self
            .walker
            .walk_ndjson(ndjson, self.next_row, &mut self.sink);
        self.next_row += out.rows;
        out
    }

    /// Pushes one `serde_json::Value` row (serialized first: the general,
    /// slower path).
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::arrow::ArrowWriter;
    /// use bqcodec::plan::{Plan, WalkOptions};
    /// use bqcodec::{Field, FieldType, TableSchema};
    ///
    /// let plan = Plan::compile(&TableSchema::new(vec![Field::new("n", FieldType::Int64)]), WalkOptions::new())?;
    /// let mut writer = ArrowWriter::new(&plan)?;
    /// writer.push_value(&serde_json::json!({"n": 42}))?;
    /// assert!(writer.push_value(&serde_json::json!({"n": 4.2})).is_err());
    /// assert!(writer.push_value(&serde_json::json!([42])).is_err()); // a row is an object
    /// assert_eq!(writer.open_rows(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn push_value(&mut self, row: &serde_json::Value) -> Result<(), RowError> {
        let index = self.next_row;
        self.next_row += 1;
        self.walker.walk_value(row, index, &mut self.sink)
    }

    /// Pushes one typed row: anything `serde::Serialize` that serializes as
    /// a JSON object.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::arrow::ArrowWriter;
    /// use bqcodec::plan::{Plan, WalkOptions};
    /// use bqcodec::{Field, FieldType, TableSchema};
    ///
    /// #[derive(serde::Serialize)]
    /// struct Row<'a> { day: &'a str }
    ///
    /// let plan = Plan::compile(&TableSchema::new(vec![Field::new("day", FieldType::Date)]), WalkOptions::new())?;
    /// let mut writer = ArrowWriter::new(&plan)?;
    /// writer.push_serialize(&Row { day: "2024-02-29" })?;
    /// assert!(writer.push_serialize(&Row { day: "2023-02-29" }).is_err());
    /// assert_eq!(writer.finish()?[0].num_rows(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
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
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::arrow::ArrowWriter;
    /// use bqcodec::plan::{Plan, WalkOptions};
    /// use bqcodec::{Field, FieldType, TableSchema};
    ///
    /// let plan = Plan::compile(&TableSchema::new(vec![Field::new("n", FieldType::Int64)]), WalkOptions::new())?;
    /// let mut writer = ArrowWriter::new(&plan)?.with_max_rows(2);
    /// writer.push_ndjson(b"{\"n\": 1}\n{\"n\": 2}\n{\"n\": 3}\n");
    /// let ready = writer.take_batches()?; // send these now
    /// assert_eq!(ready.len(), 1);
    /// assert_eq!(ready[0].input_rows, [0, 1]);
    /// assert_eq!(writer.finish_batches()?[0].input_rows, [2]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
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
