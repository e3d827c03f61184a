//! [`InsertAllWriter`]: a schema compiled once for insertAll — the plan, the
//! encoder, the request options — the one object most callers need.

use super::request::{InsertAllOptions, InsertAllRequest, RequestBatcher, build_requests};
use super::sink::{InsertAllEncoder, InsertAllRows, InsertAllSink, InsertIds};
use crate::error::{FieldPath, RowError, SchemaError, ValueError};
use crate::plan::{Plan, RowOutcome, WalkOptions, Walker};
use crate::schema::TableSchema;

/// Encodes JSON-shaped rows as `tabledata.insertAll` request bodies.
///
/// # Examples
///
/// ```
/// use bqcodec::insert_all::{InsertAllOptions, InsertAllWriter, InsertIds};
/// use bqcodec::{plan::WalkOptions, TableSchema};
///
/// let schema = TableSchema::from_json(r#"[{"name": "n", "type": "NUMERIC"}, {"name": "t", "type": "TIMESTAMP"}]"#)?;
/// let writer = InsertAllWriter::new(&schema, WalkOptions::new(), InsertIds::None, InsertAllOptions::new())?;
/// let (bodies, outcome) = writer.encode_ndjson(b"{\"t\": \"2024-01-01T00:00:00Z\", \"n\": 2.5}\n{\"n\": \"x\"}\n", 0);
/// assert_eq!(outcome.errors.len(), 1);
/// assert_eq!(
///     bodies[0].body(),
///     r#"{"kind":"bigquery#tableDataInsertAllRequest","rows":[{"json":{"n":"2.5","t":"2024-01-01 00:00:00"}}]}"#
/// );
/// # Ok::<(), bqcodec::SchemaError>(())
/// ```
#[derive(Debug, Clone)]
pub struct InsertAllWriter {
    plan: Plan,
    encoder: InsertAllEncoder,
    options: InsertAllOptions,
    key_path: Option<FieldPath>,
}

impl InsertAllWriter {
    /// Validates `schema` and compiles it; `insert_ids` chooses the ids,
    /// `options` the request-level options and limits. Rejects an invalid
    /// schema and an [`InsertIds::Column`] that is not a usable column.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::insert_all::{InsertAllOptions, InsertAllWriter, InsertIds};
    /// use bqcodec::{plan::WalkOptions, TableSchema};
    ///
    /// let schema = TableSchema::from_json(r#"[{"name": "id", "type": "STRING"}]"#)?;
    /// let options = InsertAllOptions::new().with_skip_invalid_rows(true);
    /// let writer = InsertAllWriter::new(&schema, WalkOptions::new(), InsertIds::Column("id".into()), options)?;
    /// assert_eq!(writer.options().skip_invalid_rows, Some(true));
    /// assert_eq!(writer.encoder().insert_ids(), &InsertIds::Column("id".into()));
    /// assert_eq!(writer.plan().root().fields.len(), 1);
    /// assert!(InsertAllWriter::new(&schema, WalkOptions::new(), InsertIds::Column("x".into()), InsertAllOptions::new()).is_err());
    /// # Ok::<(), bqcodec::SchemaError>(())
    /// ```
    pub fn new(
        schema: &TableSchema,
        walk: WalkOptions,
        insert_ids: InsertIds,
        options: InsertAllOptions,
    ) -> Result<Self, SchemaError> {
        let plan = Plan::compile(schema, walk)?;
        let key_path = match &insert_ids {
            InsertIds::Column(p) => {
                let mut path = FieldPath::root();
                for part in p.split('.') {
                    path.push_field(part);
                }
                Some(path)
            }
            _ => None,
        };
        let encoder = InsertAllEncoder::new(&plan, insert_ids)?;
        Ok(InsertAllWriter {
            plan,
            encoder,
            options,
            key_path,
        })
    }

    /// The compiled plan.
    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    /// The encoder, for callers that drive their own [`InsertAllSink`].
    pub fn encoder(&self) -> &InsertAllEncoder {
        &self.encoder
    }

    /// The request options.
    pub fn options(&self) -> &InsertAllOptions {
        &self.options
    }

    /// A batcher for this writer's options.
    pub fn batcher(&self) -> RequestBatcher {
        RequestBatcher::new(&self.options)
    }

    /// Encodes NDJSON rows (row indices from `first_row`) into row objects.
    /// Bad rows are reported in the outcome, in input order.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::insert_all::{InsertAllOptions, InsertAllWriter, InsertIds};
    /// use bqcodec::{plan::WalkOptions, TableSchema};
    ///
    /// let schema = TableSchema::from_json(r#"[{"name": "f", "type": "FLOAT64"}]"#)?;
    /// let writer = InsertAllWriter::new(&schema, WalkOptions::new(), InsertIds::None, InsertAllOptions::new())?;
    /// let (rows, outcome) = writer.encode_rows_ndjson(b"{\"f\": 0.1}\n{\"f\": \"NaN\"}\n{\"f\": true}\n", 10);
    /// assert_eq!(rows.iter().collect::<Vec<_>>(), [r#"{"f":0.1}"#, r#"{"f":"NaN"}"#]);
    /// assert_eq!(outcome.errors[0].row, 12);
    /// # Ok::<(), bqcodec::SchemaError>(())
    /// ```
    pub fn encode_rows_ndjson(
        &self,
        ndjson: &[u8],
        first_row: usize,
    ) -> (InsertAllRows, RowOutcome) {
        let mut sink = InsertAllSink::new(&self.encoder);
        let mut outcome = Walker::new(&self.plan).walk_ndjson(ndjson, first_row, &mut sink);
        let mut rows = sink.take_rows();
        self.reject_missing_ids(&mut rows, &mut outcome);
        (rows, outcome)
    }

    /// Encodes NDJSON rows into request bodies. Bad rows, and rows too large
    /// for a body, are reported in the outcome (in input order) and left out.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::insert_all::{BatchLimits, InsertAllOptions, InsertAllWriter, InsertIds};
    /// use bqcodec::{plan::WalkOptions, TableSchema};
    ///
    /// let schema = TableSchema::from_json(r#"[{"name": "n", "type": "INT64"}]"#)?;
    /// let options = InsertAllOptions::new().with_limits(BatchLimits::new().with_max_rows(2)?);
    /// let writer = InsertAllWriter::new(&schema, WalkOptions::new(), InsertIds::None, options)?;
    /// let (bodies, outcome) = writer.encode_ndjson(b"{\"n\": 1}\n{\"n\": 2}\n{\"n\": 3}\n", 0);
    /// assert_eq!(bodies.iter().map(|b| b.len()).collect::<Vec<_>>(), [2, 1]);
    /// assert_eq!((outcome.rows, outcome.written), (3, 3));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn encode_ndjson(
        &self,
        ndjson: &[u8],
        first_row: usize,
    ) -> (Vec<InsertAllRequest>, RowOutcome) {
        let (rows, mut outcome) = self.encode_rows_ndjson(ndjson, first_row);
        let (bodies, errors) = build_requests(&rows, &self.options);
        outcome.written = outcome.written.saturating_sub(errors.len());
        outcome.errors.extend(errors);
        outcome.errors.sort_by_key(|e| e.row);
        (bodies, outcome)
    }

    /// Cuts already encoded rows into bodies (after the caller set its own
    /// insertIds, for example).
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::insert_all::{InsertAllOptions, InsertAllWriter, InsertIds};
    /// use bqcodec::{plan::WalkOptions, TableSchema};
    ///
    /// let schema = TableSchema::from_json(r#"[{"name": "n", "type": "INT64"}]"#)?;
    /// let writer = InsertAllWriter::new(&schema, WalkOptions::new(), InsertIds::None, InsertAllOptions::new())?;
    /// let (mut rows, _) = writer.encode_rows_ndjson(b"{\"n\": 1}\n", 0);
    /// rows.set_insert_id(0, Some("my-id".into()));
    /// let (bodies, too_large) = writer.requests(&rows);
    /// assert!(too_large.is_empty());
    /// assert_eq!(bodies[0].insert_id(0), Some("my-id"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn requests(&self, rows: &InsertAllRows) -> (Vec<InsertAllRequest>, Vec<RowError>) {
        build_requests(rows, &self.options)
    }

    /// Encodes one row given as JSON text: its row object text and its
    /// insertId (by the writer's [`InsertIds`] policy). Rejects what the
    /// walk rejects, and a NULL insertId column.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::insert_all::{InsertAllOptions, InsertAllWriter, InsertIds};
    /// use bqcodec::{plan::WalkOptions, TableSchema};
    ///
    /// let schema = TableSchema::from_json(r#"[{"name": "doc", "type": "JSON"}]"#)?;
    /// let writer = InsertAllWriter::new(&schema, WalkOptions::new(), InsertIds::None, InsertAllOptions::new())?;
    /// // A JSON column given as a string is sent as that JSON text, once (not double-encoded).
    /// let (row, id) = writer.encode_json(br#"{"doc": "{\"a\": [1, 2]}"}"#, 0)?;
    /// assert_eq!((row.as_str(), id), (r#"{"doc":"{\"a\":[1,2]}"}"#, None));
    /// assert!(writer.encode_json(br#"{"doc": "{\"a\": 1, \"a\": 2}"}"#, 1).is_err()); // duplicate key
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn encode_json(
        &self,
        row_json: &[u8],
        row: usize,
    ) -> Result<(String, Option<String>), RowError> {
        let mut sink = InsertAllSink::new(&self.encoder);
        Walker::new(&self.plan).walk_json(row_json, row, &mut sink)?;
        self.single(sink.take_rows(), row)
    }

    /// Encodes one `serde_json::Value` row: its row object text and
    /// insertId.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::insert_all::{InsertAllOptions, InsertAllWriter, InsertIds};
    /// use bqcodec::{plan::WalkOptions, TableSchema};
    ///
    /// let schema = TableSchema::from_json(r#"[{"name": "b", "type": "BYTES"}]"#)?;
    /// let writer = InsertAllWriter::new(&schema, WalkOptions::new(), InsertIds::ContentHash, InsertAllOptions::new())?;
    /// let (row, id) = writer.encode_value(&serde_json::json!({"b": "AAEC"}), 0)?;
    /// assert_eq!(row, r#"{"b":"AAEC"}"#);
    /// assert_eq!(id.map(|id| id.len()), Some(64)); // hex SHA-256 of the row text
    /// assert!(writer.encode_value(&serde_json::json!({"b": "not base64!"}), 1).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn encode_value(
        &self,
        value: &serde_json::Value,
        row: usize,
    ) -> Result<(String, Option<String>), RowError> {
        let mut sink = InsertAllSink::new(&self.encoder);
        Walker::new(&self.plan).walk_value(value, row, &mut sink)?;
        self.single(sink.take_rows(), row)
    }

    /// Encodes one typed row (anything that serializes as a JSON object):
    /// its row object text and insertId.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::insert_all::{InsertAllOptions, InsertAllWriter, InsertIds};
    /// use bqcodec::{plan::WalkOptions, TableSchema};
    ///
    /// #[derive(serde::Serialize)]
    /// struct Order { id: u64, at: &'static str }
    ///
    /// let schema = TableSchema::from_json(r#"[{"name": "id", "type": "INT64"}, {"name": "at", "type": "TIMESTAMP"}]"#)?;
    /// let writer = InsertAllWriter::new(&schema, WalkOptions::new(), InsertIds::Column("id".into()), InsertAllOptions::new())?;
    /// let (row, id) = writer.encode_serialize(&Order { id: 7, at: "2024-01-01T12:00:00+02:00" }, 0)?;
    /// assert_eq!(row, r#"{"id":"7","at":"2024-01-01 10:00:00"}"#); // TIMESTAMP in UTC
    /// assert_eq!(id.as_deref(), Some("7"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn encode_serialize<T: serde::Serialize + ?Sized>(
        &self,
        value: &T,
        row: usize,
    ) -> Result<(String, Option<String>), RowError> {
        let mut sink = InsertAllSink::new(&self.encoder);
        Walker::new(&self.plan).walk_serialize(value, row, &mut sink)?;
        self.single(sink.take_rows(), row)
    }

    fn single(
        &self,
        rows: InsertAllRows,
        row: usize,
    ) -> Result<(String, Option<String>), RowError> {
        let text = rows.row(0).unwrap_or("{}").to_owned();
        let id = rows.insert_id(0).map(str::to_owned);
        if id.is_none()
            && let Some(path) = &self.key_path
        {
            return Err(missing_id(row, path));
        }
        Ok((text, id))
    }

    /// Moves rows whose insertId column was NULL into the errors.
    pub(crate) fn reject_missing_ids(&self, rows: &mut InsertAllRows, outcome: &mut RowOutcome) {
        let Some(path) = &self.key_path else {
            return;
        };
        let missing: Vec<usize> = (0..rows.len())
            .filter(|&i| rows.insert_id(i).is_none())
            .collect();
        if missing.is_empty() {
            return;
        }
        for &i in &missing {
            outcome
                .errors
                .push(missing_id(rows.input_row(i).unwrap_or(0), path));
        }
        outcome.written = outcome.written.saturating_sub(missing.len());
        outcome.errors.sort_by_key(|e| e.row);
        rows.retain(|i| missing.binary_search(&i).is_err());
    }
}

fn missing_id(row: usize, path: &FieldPath) -> RowError {
    RowError {
        row,
        path: path.clone(),
        error: ValueError::wrong_kind(
            "a value (this column gives the row's insertId, so it must not be NULL)",
            "null",
        ),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn writer(ids: InsertIds, options: InsertAllOptions) -> InsertAllWriter {
        let schema = TableSchema::from_json(
            r#"[{"name": "id", "type": "STRING"}, {"name": "v", "type": "INT64"}]"#,
        )
        .unwrap();
        InsertAllWriter::new(&schema, WalkOptions::new(), ids, options).unwrap()
    }

    #[test]
    fn null_key_column_rows_are_errors() {
        let w = writer(InsertIds::Column("id".into()), InsertAllOptions::new());
        let (bodies, outcome) = w.encode_ndjson(
            b"{\"id\": \"a\", \"v\": 1}\n{\"v\": 2}\n{\"v\": \"x\"}\n{\"id\": \"b\"}\n",
            0,
        );
        assert_eq!((outcome.rows, outcome.written), (4, 2));
        let msgs: Vec<String> = outcome.errors.iter().map(ToString::to_string).collect();
        assert_eq!(msgs.len(), 2);
        assert!(
            msgs[0].starts_with("row 1: id: expected a value"),
            "{msgs:?}"
        );
        assert!(msgs[1].starts_with("row 2: v: "), "{msgs:?}");
        assert_eq!(bodies.len(), 1);
        assert_eq!(
            bodies[0].body(),
            r#"{"kind":"bigquery#tableDataInsertAllRequest","rows":[{"insertId":"a","json":{"id":"a","v":"1"}},{"insertId":"b","json":{"id":"b"}}]}"#
        );
        assert_eq!(bodies[0].input_rows(), &[0, 3]);
        assert!(w.encode_json(b"{\"v\": 1}", 5).is_err());
        assert_eq!(
            w.encode_value(&serde_json::json!({"id": "z"}), 0).unwrap(),
            (r#"{"id":"z"}"#.to_owned(), Some("z".to_owned()))
        );
    }

    #[test]
    fn typed_rows() {
        #[derive(serde::Serialize)]
        struct Row<'a> {
            id: &'a str,
            v: i64,
        }
        let w = writer(InsertIds::ContentHash, InsertAllOptions::new());
        let (text, id) = w.encode_serialize(&Row { id: "q", v: -3 }, 0).unwrap();
        assert_eq!(text, r#"{"id":"q","v":"-3"}"#);
        assert_eq!(id.unwrap().len(), 64);
    }
}
