//! Request bodies: the options, the size and row-count limits, and the
//! batcher that cuts encoded rows into bodies.
//!
//! A body is
//! `{"kind":"bigquery#tableDataInsertAllRequest",["skipInvalidRows":…,]["ignoreUnknownValues":…,]["templateSuffix":…,]["traceId":…,]"rows":[{["insertId":…,]"json":{…}},…]}`:
//! `kind` always (the REST reference: optional, not checked, historically
//! this value), every other option only when set, no whitespace.
//!
//! # Limits
//!
//! The quota page ("Quotas and limits", streaming inserts) gives a maximum
//! request size of 10 MB, a maximum of 50,000 rows per request, and
//! recommends at most 500 rows per request. The defaults here are
//! **9 MiB** (9,437,184 bytes) of body — under 10 MB in either reading of
//! "MB", leaving room for the URL and headers, and the cap the official
//! clients use — and **500 rows**, the recommendation. A caller may raise
//! them up to 10,000,000 bytes and 50,000 rows; more is an error. A row
//! whose element alone does not fit in an empty body is an error for that
//! row ([`ValueError::TooLong`]), never a silently dropped row.

use super::sink::InsertAllRows;
use super::target::TemplateSuffix;
use crate::error::{FieldPath, RowError, ValueError};
use crate::value::write_json_string;

/// The documented maximum request size, read as decimal megabytes (the
/// smaller reading).
///
/// # Examples
///
/// ```
/// use bqcodec::insert_all::{BatchLimits, MAX_REQUEST_BYTES};
///
/// assert_eq!(MAX_REQUEST_BYTES, 10_000_000); // "10 MB", read as decimal
/// assert!(BatchLimits::new().with_max_bytes(MAX_REQUEST_BYTES).is_ok());
/// assert!(BatchLimits::new().with_max_bytes(MAX_REQUEST_BYTES + 1).is_err());
/// ```
pub const MAX_REQUEST_BYTES: usize = 10_000_000;
/// The documented maximum rows per request.
///
/// # Examples
///
/// ```
/// use bqcodec::insert_all::{BatchLimits, MAX_REQUEST_ROWS};
///
/// assert_eq!(MAX_REQUEST_ROWS, 50_000);
/// assert!(BatchLimits::new().with_max_rows(MAX_REQUEST_ROWS + 1).is_err());
/// ```
pub const MAX_REQUEST_ROWS: usize = 50_000;
/// The default body size cap: 9 MiB.
///
/// # Examples
///
/// ```
/// use bqcodec::insert_all::{BatchLimits, DEFAULT_REQUEST_BYTES, DEFAULT_REQUEST_ROWS};
///
/// assert_eq!((DEFAULT_REQUEST_BYTES, DEFAULT_REQUEST_ROWS), (9_437_184, 500));
/// assert_eq!(BatchLimits::new().max_bytes, DEFAULT_REQUEST_BYTES);
/// ```
pub const DEFAULT_REQUEST_BYTES: usize = 9 * 1024 * 1024;
/// The default rows per request: the documented recommendation.
///
/// # Examples
///
/// ```
/// use bqcodec::insert_all::{BatchLimits, DEFAULT_REQUEST_ROWS};
///
/// assert_eq!(BatchLimits::default().max_rows, DEFAULT_REQUEST_ROWS);
/// ```
pub const DEFAULT_REQUEST_ROWS: usize = 500;
/// `traceId`: at most this many ASCII characters (REST reference).
///
/// # Examples
///
/// ```
/// use bqcodec::insert_all::{InsertAllOptions, MAX_TRACE_ID_CHARS};
///
/// let uuid = "123e4567-e89b-12d3-a456-426614174000";
/// assert_eq!(uuid.len(), MAX_TRACE_ID_CHARS);
/// assert!(InsertAllOptions::new().with_trace_id(uuid).is_ok());
/// assert!(InsertAllOptions::new().with_trace_id(&format!("{uuid}x")).is_err());
/// ```
pub const MAX_TRACE_ID_CHARS: usize = 36;

/// Limits on one request body.
///
/// # Examples
///
/// ```
/// use bqcodec::insert_all::{BatchLimits, InsertAllOptions, InsertAllWriter, InsertIds};
/// use bqcodec::{plan::WalkOptions, TableSchema};
///
/// let schema = TableSchema::from_json(r#"[{"name": "s", "type": "STRING"}]"#)?;
/// let limits = BatchLimits::new().with_max_bytes(128)?;
/// let options = InsertAllOptions::new().with_limits(limits);
/// let writer = InsertAllWriter::new(&schema, WalkOptions::new(), InsertIds::None, options)?;
/// let rows = format!("{{\"s\": \"a\"}}\n{{\"s\": \"{}\"}}\n{{\"s\": \"b\"}}\n", "x".repeat(100));
/// let (bodies, outcome) = writer.encode_ndjson(rows.as_bytes(), 0);
/// assert_eq!(bodies.len(), 1); // rows 0 and 2; row 1 fits in no 128-byte body
/// assert_eq!(bodies[0].input_rows(), [0, 2]);
/// assert_eq!(outcome.errors[0].row, 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct BatchLimits {
    /// Body bytes. Default [`DEFAULT_REQUEST_BYTES`].
    pub max_bytes: usize,
    /// Rows. Default [`DEFAULT_REQUEST_ROWS`].
    pub max_rows: usize,
}

impl Default for BatchLimits {
    fn default() -> Self {
        BatchLimits::new()
    }
}

impl BatchLimits {
    /// The defaults: 9 MiB and 500 rows.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::insert_all::BatchLimits;
    ///
    /// const LIMITS: BatchLimits = BatchLimits::new();
    /// assert_eq!((LIMITS.max_bytes, LIMITS.max_rows), (9 * 1024 * 1024, 500));
    /// ```
    pub const fn new() -> Self {
        BatchLimits {
            max_bytes: DEFAULT_REQUEST_BYTES,
            max_rows: DEFAULT_REQUEST_ROWS,
        }
    }

    /// Sets the body size cap. Accepts 128 … [`MAX_REQUEST_BYTES`]; rejects
    /// anything else ([`ValueError::OutOfRange`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::insert_all::BatchLimits;
    ///
    /// assert_eq!(BatchLimits::new().with_max_bytes(1_000_000)?.max_bytes, 1_000_000);
    /// assert!(BatchLimits::new().with_max_bytes(127).is_err()); // below the envelope's needs
    /// assert!(BatchLimits::new().with_max_bytes(10_000_001).is_err()); // above the 10 MB limit
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn with_max_bytes(mut self, max_bytes: usize) -> Result<Self, ValueError> {
        if !(128..=MAX_REQUEST_BYTES).contains(&max_bytes) {
            return Err(ValueError::out_of_range(
                "an insertAll body size limit of 128 … 10000000 bytes (the documented 10 MB)",
                &max_bytes.to_string(),
            ));
        }
        self.max_bytes = max_bytes;
        Ok(self)
    }

    /// Sets the rows cap. Accepts 1 … [`MAX_REQUEST_ROWS`]; rejects anything
    /// else ([`ValueError::OutOfRange`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::insert_all::BatchLimits;
    ///
    /// assert_eq!(BatchLimits::new().with_max_rows(50_000)?.max_rows, 50_000);
    /// assert!(BatchLimits::new().with_max_rows(0).is_err());
    /// assert!(BatchLimits::new().with_max_rows(50_001).is_err());
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn with_max_rows(mut self, max_rows: usize) -> Result<Self, ValueError> {
        if !(1..=MAX_REQUEST_ROWS).contains(&max_rows) {
            return Err(ValueError::out_of_range(
                "an insertAll row count limit of 1 … 50000 (the documented maximum)",
                &max_rows.to_string(),
            ));
        }
        self.max_rows = max_rows;
        Ok(self)
    }
}

/// The request-level options of `tabledata.insertAll`.
///
/// # Examples
///
/// ```
/// use bqcodec::insert_all::{InsertAllOptions, RequestBatcher, TemplateSuffix};
///
/// let options = InsertAllOptions::new()
///     .with_skip_invalid_rows(true)
///     .with_ignore_unknown_values(false)
///     .with_template_suffix(TemplateSuffix::new("_eu")?)
///     .with_trace_id("run-42")?;
/// let mut batcher = RequestBatcher::new(&options);
/// batcher.push(r#"{"a":"1"}"#, Some("id-1"), 0).map_err(|e| e.error)?;
/// assert_eq!(
///     batcher.finish().map(|r| r.into_body()).as_deref(),
///     Some(r#"{"kind":"bigquery#tableDataInsertAllRequest","skipInvalidRows":true,"ignoreUnknownValues":false,"templateSuffix":"_eu","traceId":"run-42","rows":[{"insertId":"id-1","json":{"a":"1"}}]}"#),
/// );
/// # Ok::<(), bqcodec::ValueError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct InsertAllOptions {
    /// `skipInvalidRows`; written only when set. Default: unset (the
    /// service's default, false: one invalid row fails the request, and the
    /// others come back with reason `stopped`).
    pub skip_invalid_rows: Option<bool>,
    /// `ignoreUnknownValues`; written only when set. Default: unset (false).
    pub ignore_unknown_values: Option<bool>,
    /// `templateSuffix`; written only when set.
    pub template_suffix: Option<TemplateSuffix>,
    /// `traceId`; written only when set.
    pub trace_id: Option<String>,
    /// Body limits.
    pub limits: BatchLimits,
}

impl InsertAllOptions {
    /// Nothing set, default limits.
    pub fn new() -> Self {
        InsertAllOptions::default()
    }

    /// Sets `skipInvalidRows`.
    pub fn with_skip_invalid_rows(mut self, skip: bool) -> Self {
        self.skip_invalid_rows = Some(skip);
        self
    }

    /// Sets `ignoreUnknownValues`.
    pub fn with_ignore_unknown_values(mut self, ignore: bool) -> Self {
        self.ignore_unknown_values = Some(ignore);
        self
    }

    /// Sets `templateSuffix` (already validated by [`TemplateSuffix::new`]).
    pub fn with_template_suffix(mut self, suffix: TemplateSuffix) -> Self {
        self.template_suffix = Some(suffix);
        self
    }

    /// Sets `traceId`: 1 … 36 printable ASCII characters (the REST
    /// reference: "limited to up to 36 ASCII characters; a UUID is
    /// recommended"). Rejects anything else.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::insert_all::InsertAllOptions;
    ///
    /// let options = InsertAllOptions::new().with_trace_id("3f2504e0-4f89-11d3-9a0c-0305e82c3301")?;
    /// assert_eq!(options.trace_id.as_deref(), Some("3f2504e0-4f89-11d3-9a0c-0305e82c3301"));
    /// assert!(InsertAllOptions::new().with_trace_id("").is_err());
    /// assert!(InsertAllOptions::new().with_trace_id("tab\there").is_err()); // not printable
    /// assert!(InsertAllOptions::new().with_trace_id("naïve").is_err()); // not ASCII
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn with_trace_id(mut self, trace_id: &str) -> Result<Self, ValueError> {
        let ok = !trace_id.is_empty()
            && trace_id.len() <= MAX_TRACE_ID_CHARS
            && trace_id.bytes().all(|b| b.is_ascii_graphic());
        if !ok {
            return Err(ValueError::invalid(
                "a traceId of 1 … 36 printable ASCII characters (a UUID is recommended)",
                trace_id,
            ));
        }
        self.trace_id = Some(trace_id.to_owned());
        Ok(self)
    }

    /// Sets the body limits.
    pub fn with_limits(mut self, limits: BatchLimits) -> Self {
        self.limits = limits;
        self
    }

    /// The body text before the first row: `{"kind":…,…,"rows":[`.
    fn prefix(&self) -> String {
        let mut p = String::from("{\"kind\":\"bigquery#tableDataInsertAllRequest\"");
        if let Some(b) = self.skip_invalid_rows {
            p.push_str(if b {
                ",\"skipInvalidRows\":true"
            } else {
                ",\"skipInvalidRows\":false"
            });
        }
        if let Some(b) = self.ignore_unknown_values {
            p.push_str(if b {
                ",\"ignoreUnknownValues\":true"
            } else {
                ",\"ignoreUnknownValues\":false"
            });
        }
        if let Some(s) = &self.template_suffix {
            p.push_str(",\"templateSuffix\":");
            write_json_string(s.as_str(), &mut p);
        }
        if let Some(t) = &self.trace_id {
            p.push_str(",\"traceId\":");
            write_json_string(t, &mut p);
        }
        p.push_str(",\"rows\":[");
        p
    }
}

const SUFFIX: &str = "]}";

/// One request body and the caller's input index of each of its rows.
///
/// # Examples
///
/// ```
/// use bqcodec::insert_all::{InsertAllOptions, RequestBatcher};
///
/// let mut batcher = RequestBatcher::new(&InsertAllOptions::new());
/// batcher.push(r#"{"a":"1"}"#, Some("k1"), 7).map_err(|e| e.error)?;
/// batcher.push(r#"{"a":"2"}"#, None, 9).map_err(|e| e.error)?;
/// let request = batcher.finish().unwrap_or_default();
/// assert_eq!((request.len(), request.is_empty()), (2, false));
/// assert_eq!(request.input_rows(), [7, 9]); // insertErrors' index 1 is input row 9
/// assert_eq!((request.input_row(1), request.input_row(2)), (Some(9), None));
/// assert_eq!((request.insert_id(0), request.insert_id(1)), (Some("k1"), None));
/// assert!(request.body().ends_with(r#"[{"insertId":"k1","json":{"a":"1"}},{"json":{"a":"2"}}]}"#));
/// # Ok::<(), bqcodec::ValueError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InsertAllRequest {
    body: String,
    input_rows: Vec<usize>,
    insert_ids: Vec<Option<String>>,
}

impl InsertAllRequest {
    /// The JSON body.
    pub fn body(&self) -> &str {
        &self.body
    }

    /// Takes the body.
    pub fn into_body(self) -> String {
        self.body
    }

    /// Rows in the body.
    pub fn len(&self) -> usize {
        self.input_rows.len()
    }

    /// True when the body has no rows (never for a request the batcher
    /// gives out).
    pub fn is_empty(&self) -> bool {
        self.input_rows.is_empty()
    }

    /// The caller's input index of the body's row `i` (the `index` of an
    /// `insertErrors` entry).
    pub fn input_row(&self, i: usize) -> Option<usize> {
        self.input_rows.get(i).copied()
    }

    /// Every row's input index, in body order.
    pub fn input_rows(&self) -> &[usize] {
        &self.input_rows
    }

    /// The body's row `i`'s insertId.
    pub fn insert_id(&self, i: usize) -> Option<&str> {
        self.insert_ids.get(i)?.as_deref()
    }
}

/// Cuts rows into request bodies under [`BatchLimits`], in order.
///
/// # Examples
///
/// ```
/// use bqcodec::insert_all::{BatchLimits, InsertAllOptions, RequestBatcher};
/// let limits = BatchLimits::new().with_max_rows(2)?;
/// let mut b = RequestBatcher::new(&InsertAllOptions::new().with_limits(limits));
/// let mut bodies = Vec::new();
/// for (i, row) in [r#"{"a":"1"}"#, r#"{"a":"2"}"#, r#"{"a":"3"}"#].iter().enumerate() {
///     bodies.extend(b.push(row, None, i).map_err(|e| e.error)?);
/// }
/// bodies.extend(b.finish());
/// assert_eq!(bodies.len(), 2);
/// assert_eq!(bodies[1].body(), r#"{"kind":"bigquery#tableDataInsertAllRequest","rows":[{"json":{"a":"3"}}]}"#);
/// assert_eq!(bodies[1].input_row(0), Some(2));
/// # Ok::<(), bqcodec::ValueError>(())
/// ```
#[derive(Debug, Clone)]
pub struct RequestBatcher {
    prefix: String,
    limits: BatchLimits,
    current: InsertAllRequest,
    element: String,
}

impl RequestBatcher {
    /// A batcher writing bodies with `options`.
    pub fn new(options: &InsertAllOptions) -> Self {
        let prefix = options.prefix();
        RequestBatcher {
            current: InsertAllRequest {
                body: prefix.clone(),
                ..InsertAllRequest::default()
            },
            prefix,
            limits: options.limits,
            element: String::new(),
        }
    }

    /// Adds one row (its JSON object text, its insertId, its input index).
    /// Returns the finished body when this row did not fit in the open one.
    ///
    /// Rejects the row ([`ValueError::TooLong`], path `(row)`) when it does
    /// not fit in an empty body; the batcher is unchanged then.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::insert_all::{BatchLimits, InsertAllOptions, RequestBatcher};
    ///
    /// let limits = BatchLimits::new().with_max_bytes(128)?;
    /// let mut batcher = RequestBatcher::new(&InsertAllOptions::new().with_limits(limits));
    /// assert!(batcher.push(r#"{"a":"1"}"#, None, 0).map_err(|e| e.error)?.is_none());
    /// let long = format!(r#"{{"a":"{}"}}"#, "x".repeat(40));
    /// let full = batcher.push(&long, None, 1).map_err(|e| e.error)?; // does not fit with row 0
    /// assert_eq!(full.map(|r| r.input_rows().to_vec()), Some(vec![0]));
    /// let too_big = format!(r#"{{"a":"{}"}}"#, "x".repeat(200));
    /// assert_eq!(batcher.push(&too_big, None, 2).unwrap_err().path.to_string(), "(row)");
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn push(
        &mut self,
        row_json: &str,
        insert_id: Option<&str>,
        input_row: usize,
    ) -> Result<Option<InsertAllRequest>, RowError> {
        let mut el = std::mem::take(&mut self.element);
        el.clear();
        el.push('{');
        if let Some(id) = insert_id {
            el.push_str("\"insertId\":");
            write_json_string(id, &mut el);
            el.push(',');
        }
        el.push_str("\"json\":");
        el.push_str(row_json);
        el.push('}');
        let alone = self.prefix.len() + el.len() + SUFFIX.len();
        if alone > self.limits.max_bytes {
            self.element = el;
            return Err(RowError {
                row: input_row,
                path: FieldPath::root(),
                error: ValueError::TooLong {
                    max: self.limits.max_bytes as u64,
                    length: alone as u64,
                    unit: "bytes in one insertAll request body",
                },
            });
        }
        let mut done = None;
        if !self.current.is_empty() {
            let grown = self.current.body.len() + 1 + el.len() + SUFFIX.len();
            if grown > self.limits.max_bytes || self.current.len() >= self.limits.max_rows {
                done = self.take();
            }
        }
        if !self.current.is_empty() {
            self.current.body.push(',');
        }
        self.current.body.push_str(&el);
        self.current.input_rows.push(input_row);
        self.current.insert_ids.push(insert_id.map(str::to_owned));
        self.element = el;
        Ok(done)
    }

    /// Adds every row of `rows`; returns the finished bodies and the rows
    /// that did not fit alone.
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
    /// let (rows, _) = writer.encode_rows_ndjson(b"{\"n\": 1}\n{\"n\": 2}\n{\"n\": 3}\n", 0);
    /// let mut batcher = writer.batcher();
    /// let (full, too_large) = batcher.push_rows(&rows);
    /// assert_eq!((full.len(), too_large.len()), (1, 0));
    /// assert_eq!(batcher.finish().map(|r| r.input_rows().to_vec()), Some(vec![2]));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn push_rows(&mut self, rows: &InsertAllRows) -> (Vec<InsertAllRequest>, Vec<RowError>) {
        let mut bodies = Vec::new();
        let mut errors = Vec::new();
        for i in 0..rows.len() {
            let (Some(text), Some(input)) = (rows.row(i), rows.input_row(i)) else {
                continue;
            };
            match self.push(text, rows.insert_id(i), input) {
                Ok(Some(b)) => bodies.push(b),
                Ok(None) => {}
                Err(e) => errors.push(e),
            }
        }
        (bodies, errors)
    }

    /// The open body, if it has rows; the batcher starts a new one.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::insert_all::{InsertAllOptions, RequestBatcher};
    ///
    /// let mut batcher = RequestBatcher::new(&InsertAllOptions::new());
    /// assert!(batcher.finish().is_none()); // no empty bodies
    /// batcher.push("{}", None, 0).map_err(|e| e.error)?;
    /// assert_eq!(batcher.finish().map(|r| r.len()), Some(1));
    /// assert!(batcher.finish().is_none());
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn finish(&mut self) -> Option<InsertAllRequest> {
        self.take()
    }

    fn take(&mut self) -> Option<InsertAllRequest> {
        if self.current.is_empty() {
            return None;
        }
        let mut next = InsertAllRequest {
            body: String::with_capacity(self.current.body.capacity()),
            ..InsertAllRequest::default()
        };
        next.body.push_str(&self.prefix);
        let mut done = std::mem::replace(&mut self.current, next);
        done.body.push_str(SUFFIX);
        Some(done)
    }
}

/// Cuts `rows` into request bodies with `options`: the bodies, and the rows
/// too large for any body.
///
/// # Examples
///
/// ```
/// use bqcodec::insert_all::{build_requests, InsertAllEncoder, InsertAllOptions, InsertAllSink, InsertIds};
/// use bqcodec::plan::{Plan, WalkOptions, Walker};
/// use bqcodec::TableSchema;
///
/// let schema = TableSchema::from_json(r#"[{"name": "d", "type": "DATE"}]"#)?;
/// let plan = Plan::compile(&schema, WalkOptions::new())?;
/// let encoder = InsertAllEncoder::new(&plan, InsertIds::None)?;
/// let mut sink = InsertAllSink::new(&encoder);
/// Walker::new(&plan).walk_ndjson(b"{\"d\": \"2024-02-29\"}\n{\"d\": 0}\n", 0, &mut sink);
/// let (bodies, too_large) = build_requests(sink.rows(), &InsertAllOptions::new());
/// assert!(too_large.is_empty());
/// assert!(bodies[0].body().ends_with(r#""rows":[{"json":{"d":"2024-02-29"}},{"json":{"d":"1970-01-01"}}]}"#));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn build_requests(
    rows: &InsertAllRows,
    options: &InsertAllOptions,
) -> (Vec<InsertAllRequest>, Vec<RowError>) {
    let mut b = RequestBatcher::new(options);
    let (mut bodies, errors) = b.push_rows(rows);
    bodies.extend(b.finish());
    (bodies, errors)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn all(options: &InsertAllOptions, rows: &[&str]) -> (Vec<InsertAllRequest>, Vec<RowError>) {
        let mut b = RequestBatcher::new(options);
        let mut bodies = Vec::new();
        let mut errors = Vec::new();
        for (i, r) in rows.iter().enumerate() {
            match b.push(r, None, i) {
                Ok(x) => bodies.extend(x),
                Err(e) => errors.push(e),
            }
        }
        bodies.extend(b.finish());
        (bodies, errors)
    }

    #[test]
    fn body_has_only_the_set_keys() {
        let o = InsertAllOptions::new()
            .with_skip_invalid_rows(true)
            .with_ignore_unknown_values(false)
            .with_template_suffix(TemplateSuffix::new("_2024").unwrap())
            .with_trace_id("0f0e8c1a-2b57-4b5e-9d8e-3c1f0a7b9d21")
            .unwrap();
        let mut b = RequestBatcher::new(&o);
        assert!(b.push(r#"{"a":"1"}"#, Some("id\"1"), 7).unwrap().is_none());
        let r = b.finish().unwrap();
        assert_eq!(
            r.body(),
            concat!(
                r#"{"kind":"bigquery#tableDataInsertAllRequest","skipInvalidRows":true,"#,
                r#""ignoreUnknownValues":false,"templateSuffix":"_2024","#,
                r#""traceId":"0f0e8c1a-2b57-4b5e-9d8e-3c1f0a7b9d21","#,
                r#""rows":[{"insertId":"id\"1","json":{"a":"1"}}]}"#
            )
        );
        assert_eq!(r.input_rows(), &[7]);
        assert_eq!(r.insert_id(0), Some("id\"1"));
        assert!(b.finish().is_none());
    }

    #[test]
    fn trace_id_rules() {
        assert!(InsertAllOptions::new().with_trace_id("").is_err());
        assert!(
            InsertAllOptions::new()
                .with_trace_id(&"a".repeat(37))
                .is_err()
        );
        assert!(InsertAllOptions::new().with_trace_id("a b").is_err());
        assert!(InsertAllOptions::new().with_trace_id("é").is_err());
        assert!(
            InsertAllOptions::new()
                .with_trace_id(&"a".repeat(36))
                .is_ok()
        );
    }

    #[test]
    fn limits_are_range_checked() {
        assert!(BatchLimits::new().with_max_rows(0).is_err());
        assert!(BatchLimits::new().with_max_rows(50_001).is_err());
        assert!(BatchLimits::new().with_max_rows(50_000).is_ok());
        assert!(BatchLimits::new().with_max_bytes(10_000_001).is_err());
        assert!(BatchLimits::new().with_max_bytes(127).is_err());
        assert_eq!(BatchLimits::default().max_bytes, 9_437_184);
        assert_eq!(BatchLimits::default().max_rows, 500);
    }

    #[test]
    fn cuts_by_rows_and_bytes_and_rejects_giants() {
        let prefix_len = InsertAllOptions::new().prefix().len();
        let row = r#"{"a":"0123456789012345678901234567890123456789"}"#;
        // Each element is {"json":ROW}.
        let el = 8 + row.len() + 1;
        let limits = BatchLimits::new()
            .with_max_bytes(prefix_len + 2 * el + 1 + 2)
            .unwrap();
        let o = InsertAllOptions::new().with_limits(limits);
        let giant = format!(r#"{{"a":"{}"}}"#, "x".repeat(200));
        let (bodies, errors) = all(&o, &[row, row, row, &giant, row, row]);
        assert_eq!(bodies.len(), 3);
        assert_eq!(bodies[0].input_rows(), &[0, 1]);
        assert_eq!(bodies[1].input_rows(), &[2, 4]);
        assert_eq!(bodies[2].input_rows(), &[5]);
        assert!(bodies.iter().all(|b| b.body().len() <= limits.max_bytes));
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].row, 3);
        assert!(
            errors[0]
                .to_string()
                .contains("bytes in one insertAll request body")
        );
        let o = InsertAllOptions::new().with_limits(BatchLimits::new().with_max_rows(2).unwrap());
        let (bodies, _) = all(&o, &[row; 5]);
        let counts: Vec<usize> = bodies.iter().map(InsertAllRequest::len).collect();
        assert_eq!(counts, vec![2, 2, 1]);
    }

    proptest! {
        #[test]
        fn bodies_are_json_within_limits_and_keep_every_row(
            sizes in proptest::collection::vec(0usize..300, 0..40),
            max_rows in 1usize..6,
            max_bytes in 128usize..1200,
        ) {
            let rows: Vec<String> = sizes.iter().map(|n| format!(r#"{{"s":"{}"}}"#, "y".repeat(*n))).collect();
            let refs: Vec<&str> = rows.iter().map(String::as_str).collect();
            let limits = BatchLimits::new().with_max_rows(max_rows).unwrap().with_max_bytes(max_bytes).unwrap();
            let (bodies, errors) = all(&InsertAllOptions::new().with_limits(limits), &refs);
            let mut seen: Vec<usize> = errors.iter().map(|e| e.row).collect();
            for b in &bodies {
                prop_assert!(b.body().len() <= max_bytes);
                prop_assert!(b.len() <= max_rows && !b.is_empty());
                let v: serde_json::Value = serde_json::from_str(b.body()).unwrap();
                let got = v["rows"].as_array().unwrap();
                prop_assert_eq!(got.len(), b.len());
                for (k, r) in got.iter().enumerate() {
                    let input = b.input_row(k).unwrap();
                    let want: serde_json::Value = serde_json::from_str(&rows[input]).unwrap();
                    prop_assert_eq!(&r["json"], &want);
                }
                seen.extend(b.input_rows());
            }
            seen.sort_unstable();
            prop_assert_eq!(seen, (0..rows.len()).collect::<Vec<_>>());
        }
    }
}
