//! The `tabledata.insertAll` response: `insertErrors` → per-row failures that
//! point back at the caller's input rows, each with what to do about it.
//!
//! The response body (REST reference) is
//! `{"kind": "bigquery#tableDataInsertAllResponse", "insertErrors": [{"index": N, "errors": [ErrorProto…]}]}`
//! where `index` is the row's position in *the request*; [`InsertAllRequest`]
//! keeps the map back to input rows across batching.
//!
//! What each `reason` means for the row ([`Disposition`]):
//! - `stopped` → [`Disposition::Resend`]: the streaming docs ("Troubleshoot
//!   streaming inserts", success codes): when some rows have a schema
//!   mismatch and `skipInvalidRows` is false, no row is inserted; "rows that
//!   did not have a schema mismatch have an error with the reason property
//!   set to `stopped`, and can be re-sent as-is" — once the invalid rows are
//!   left out.
//! - `backendError`, `internalError`, `timeout`, `rateLimitExceeded` →
//!   [`Disposition::Retry`]: transient; retry with backoff (the error-message
//!   table: "retry the request later" / exponential backoff).
//! - `invalid`, `invalidQuery`, `parseError`, `row-too-large`,
//!   `notImplemented` (the persistent set Apache Beam's `InsertRetryPolicy`
//!   never retries), and `accessDenied`, `notFound`, `duplicate`,
//!   `quotaExceeded`, `billingNotEnabled`, `blocked` → [`Disposition::Fix`]:
//!   resending the same row cannot succeed.
//! - any other reason → [`Disposition::Unknown`], which
//!   [`RowFailure::is_retryable`] treats as **not** retryable: an unknown
//!   reason must not start an endless retry loop.
//!
//! A row with several errors takes the most severe disposition
//! (Fix > Unknown > Retry > Resend).

use serde::Deserialize;

use super::request::InsertAllRequest;
use crate::error::ValueError;

/// One `ErrorProto` of a failed row.
///
/// # Examples
///
/// ```
/// use bqcodec::insert_all::{InsertAllOptions, RequestBatcher, parse_response};
///
/// let mut batcher = RequestBatcher::new(&InsertAllOptions::new());
/// batcher.push(r#"{"a":"x"}"#, None, 0).map_err(|e| e.error)?;
/// let request = batcher.finish().unwrap_or_default();
/// let body = r#"{"insertErrors": [{"index": 0, "errors": [
///   {"reason": "invalid", "location": "a", "debugInfo": "", "message": "no such field: a."}]}]}"#;
/// let error = &parse_response(body, &request)?[0].errors[0];
/// assert_eq!((error.reason.as_str(), error.location.as_str()), ("invalid", "a"));
/// assert_eq!(error.message, "no such field: a.");
/// # Ok::<(), bqcodec::ValueError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
#[non_exhaustive]
pub struct InsertError {
    /// The short error code (`invalid`, `stopped`, `backendError`, …).
    pub reason: String,
    /// Where the error occurred (often the column name), if given.
    pub location: String,
    /// Debugging information (Google-internal; usually empty).
    pub debug_info: String,
    /// The human-readable message.
    pub message: String,
}

/// What to do with a failed row.
///
/// # Examples
///
/// ```
/// use bqcodec::insert_all::Disposition;
///
/// assert_eq!(Disposition::of_reason("stopped"), Disposition::Resend); // another row failed
/// assert_eq!(Disposition::of_reason("backendError"), Disposition::Retry);
/// assert_eq!(Disposition::of_reason("invalid"), Disposition::Fix);
/// assert_eq!(Disposition::of_reason("somethingNew"), Disposition::Unknown);
/// // Ordered by severity: a row's disposition is the maximum of its errors'.
/// assert!(Disposition::Resend < Disposition::Retry && Disposition::Unknown < Disposition::Fix);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Disposition {
    /// Send again unchanged, without the rows that failed for good
    /// (`stopped`).
    Resend,
    /// Send again unchanged after a backoff (transient server errors).
    Retry,
    /// The reason is not one this crate knows; not retried automatically.
    Unknown,
    /// The row itself must change (or the table, permissions, quota).
    Fix,
}

impl Disposition {
    /// The disposition of one `reason` (see the module docs).
    pub fn of_reason(reason: &str) -> Disposition {
        match reason {
            "stopped" => Disposition::Resend,
            "backendError" | "internalError" | "timeout" | "rateLimitExceeded" => {
                Disposition::Retry
            }
            "invalid" | "invalidQuery" | "parseError" | "row-too-large" | "notImplemented"
            | "accessDenied" | "notFound" | "duplicate" | "quotaExceeded" | "billingNotEnabled"
            | "blocked" => Disposition::Fix,
            _ => Disposition::Unknown,
        }
    }
}

/// One row the service did not insert.
///
/// # Examples
///
/// ```
/// use bqcodec::insert_all::{InsertAllOptions, RequestBatcher, parse_response};
///
/// let mut batcher = RequestBatcher::new(&InsertAllOptions::new());
/// batcher.push(r#"{"a":"1"}"#, None, 5).map_err(|e| e.error)?;
/// let request = batcher.finish().unwrap_or_default();
/// let body = r#"{"insertErrors": [{"index": 0, "errors": [
///   {"reason": "stopped"}, {"reason": "timeout"}]}]}"#;
/// let failure = &parse_response(body, &request)?[0];
/// assert_eq!((failure.request_row, failure.input_row), (0, 5));
/// assert_eq!(failure.disposition, bqcodec::insert_all::Disposition::Retry); // the more severe
/// assert!(failure.is_retryable());
/// # Ok::<(), bqcodec::ValueError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RowFailure {
    /// The row's position in the request (the response's `index`).
    pub request_row: usize,
    /// The row's index in the caller's input.
    pub input_row: usize,
    /// The errors, in response order.
    pub errors: Vec<InsertError>,
    /// The most severe disposition of the errors.
    pub disposition: Disposition,
}

impl RowFailure {
    /// True when sending the row again unchanged can succeed
    /// ([`Disposition::Resend`] or [`Disposition::Retry`]).
    pub fn is_retryable(&self) -> bool {
        matches!(self.disposition, Disposition::Resend | Disposition::Retry)
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Response {
    #[serde(default)]
    insert_errors: Vec<RawEntry>,
}

#[derive(Deserialize)]
struct RawEntry {
    index: Option<u64>,
    #[serde(default)]
    errors: Vec<InsertError>,
}

/// Parses a `tabledata.insertAll` response body for `request`.
///
/// Returns one [`RowFailure`] per failed row, in request order (entries for
/// the same `index` are merged); an empty list when every row went in.
/// Rejects a body that is not a JSON object of that shape, an entry without
/// `index`, and an `index` outside the request.
///
/// # Examples
///
/// ```
/// use bqcodec::insert_all::{Disposition, InsertAllOptions, RequestBatcher, parse_response};
/// let mut b = RequestBatcher::new(&InsertAllOptions::new());
/// for (i, row) in [r#"{"a":"1"}"#, r#"{"a":"x"}"#].iter().enumerate() {
///     b.push(row, None, 10 + i).map_err(|e| e.error)?;
/// }
/// let request = b.finish().unwrap_or_default();
/// let body = r#"{"insertErrors": [
///   {"index": 0, "errors": [{"reason": "stopped", "location": "", "message": ""}]},
///   {"index": 1, "errors": [{"reason": "invalid", "location": "a", "message": "Cannot convert value to integer."}]}]}"#;
/// let failures = parse_response(body, &request)?;
/// assert_eq!((failures[0].input_row, failures[0].disposition), (10, Disposition::Resend));
/// assert_eq!((failures[1].input_row, failures[1].disposition), (11, Disposition::Fix));
/// # Ok::<(), bqcodec::ValueError>(())
/// ```
pub fn parse_response(
    body: &str,
    request: &InsertAllRequest,
) -> Result<Vec<RowFailure>, ValueError> {
    const EXPECTED: &str =
        "an insertAll response ({\"insertErrors\": [{\"index\": N, \"errors\": [...]}]})";
    let value: serde_json::Value = serde_json::from_str(body)
        .map_err(|e| ValueError::invalid(format!("{EXPECTED}: {e}"), body))?;
    if !value.is_object() {
        return Err(ValueError::invalid(EXPECTED, body));
    }
    let response: Response = serde_json::from_value(value)
        .map_err(|e| ValueError::invalid(format!("{EXPECTED}: {e}"), body))?;
    let mut out: Vec<RowFailure> = Vec::new();
    for entry in response.insert_errors {
        let index = entry
            .index
            .ok_or_else(|| ValueError::invalid(format!("{EXPECTED} with an index"), body))?;
        let request_row = usize::try_from(index).unwrap_or(usize::MAX);
        let input_row = request.input_row(request_row).ok_or_else(|| {
            ValueError::out_of_range(
                format!(
                    "an insertErrors index below the request's {} rows",
                    request.len()
                ),
                &index.to_string(),
            )
        })?;
        match out.iter_mut().find(|f| f.request_row == request_row) {
            Some(f) => f.errors.extend(entry.errors),
            None => out.push(RowFailure {
                request_row,
                input_row,
                errors: entry.errors,
                disposition: Disposition::Resend,
            }),
        }
    }
    for f in &mut out {
        f.disposition = f
            .errors
            .iter()
            .map(|e| Disposition::of_reason(&e.reason))
            .max()
            // An entry with no errors says nothing: treat it as unknown.
            .unwrap_or(Disposition::Unknown);
    }
    out.sort_by_key(|f| f.request_row);
    Ok(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::insert_all::{InsertAllOptions, RequestBatcher};

    fn request(inputs: &[usize]) -> InsertAllRequest {
        let mut b = RequestBatcher::new(&InsertAllOptions::new());
        for &i in inputs {
            b.push("{}", None, i).unwrap();
        }
        b.finish().unwrap()
    }

    #[test]
    fn reasons_map_to_dispositions() {
        for (r, d) in [
            ("stopped", Disposition::Resend),
            ("backendError", Disposition::Retry),
            ("internalError", Disposition::Retry),
            ("timeout", Disposition::Retry),
            ("rateLimitExceeded", Disposition::Retry),
            ("invalid", Disposition::Fix),
            ("row-too-large", Disposition::Fix),
            ("quotaExceeded", Disposition::Fix),
            ("somethingNew", Disposition::Unknown),
            ("", Disposition::Unknown),
        ] {
            assert_eq!(Disposition::of_reason(r), d, "{r}");
        }
    }

    #[test]
    fn failures_map_back_to_input_rows() {
        let req = request(&[4, 9, 12]);
        // An error entry shaped like the service's (REST reference ErrorProto).
        let body = r#"{"kind": "bigquery#tableDataInsertAllResponse", "insertErrors": [
            {"index": 2, "errors": [{"reason": "backendError", "message": "x"}]},
            {"index": 0, "errors": [{"reason": "invalid", "location": "a", "debugInfo": "d", "message": "no such field: a."}]},
            {"index": 2, "errors": [{"reason": "invalid"}]}
        ]}"#;
        let f = parse_response(body, &req).unwrap();
        assert_eq!(f.len(), 2);
        assert_eq!((f[0].request_row, f[0].input_row), (0, 4));
        assert_eq!(f[0].errors[0].location, "a");
        assert_eq!(f[0].errors[0].debug_info, "d");
        assert_eq!(f[0].disposition, Disposition::Fix);
        assert!(!f[0].is_retryable());
        assert_eq!((f[1].request_row, f[1].input_row), (2, 12));
        assert_eq!(f[1].errors.len(), 2);
        assert_eq!(f[1].disposition, Disposition::Fix);
    }

    #[test]
    fn empty_and_bad_responses() {
        let req = request(&[0]);
        assert!(parse_response("{}", &req).unwrap().is_empty());
        assert!(
            parse_response(r#"{"insertErrors": []}"#, &req)
                .unwrap()
                .is_empty()
        );
        assert!(parse_response("[]", &req).is_err());
        assert!(parse_response("nope", &req).is_err());
        assert!(parse_response(r#"{"insertErrors": [{"errors": []}]}"#, &req).is_err());
        let e = parse_response(r#"{"insertErrors": [{"index": 1}]}"#, &req).unwrap_err();
        assert!(e.is_out_of_range());
        let f = parse_response(r#"{"insertErrors": [{"index": 0}]}"#, &req).unwrap();
        assert_eq!(f[0].disposition, Disposition::Unknown);
        let f = parse_response(
            r#"{"insertErrors": [{"index": 0, "errors": [{"reason": "stopped"}, {"reason": "timeout"}]}]}"#,
            &req,
        )
        .unwrap();
        assert_eq!(f[0].disposition, Disposition::Retry);
        assert!(f[0].is_retryable());
    }
}
