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
pub const MAX_REQUEST_BYTES: usize = 10_000_000;
/// The documented maximum rows per request.
pub const MAX_REQUEST_ROWS: usize = 50_000;
/// The default body size cap: 9 MiB.
pub const DEFAULT_REQUEST_BYTES: usize = 9 * 1024 * 1024;
/// The default rows per request: the documented recommendation.
pub const DEFAULT_REQUEST_ROWS: usize = 500;
/// `traceId`: at most this many ASCII characters (REST reference).
pub const MAX_TRACE_ID_CHARS: usize = 36;

/// Limits on one request body.
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
    pub const fn new() -> Self {
        BatchLimits {
            max_bytes: DEFAULT_REQUEST_BYTES,
            max_rows: DEFAULT_REQUEST_ROWS,
        }
    }

    /// Sets the body size cap. Accepts 128 … [`MAX_REQUEST_BYTES`]; rejects
    /// anything else ([`ValueError::OutOfRange`]).
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
