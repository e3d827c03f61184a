//! `tabledata.insertAll` outcomes in the same terms as AppendRows: the
//! request bodies come from [`crate::insert_all`] (its [`RequestBatcher`]
//! already cuts them under the limits and keeps each row's input index),
//! the response is parsed by its [`parse_response`]; this layer only maps
//! what those give into [`RejectedRow`]s and [`ErrorClass`]es.
//!
//! Row reasons: the [`Disposition`] `insert_all` assigns decides
//! retryability (it is not decided twice): `Resend` (`stopped`) →
//! [`ErrorClass::Aborted`], `Retry` → [`ErrorClass::Transient`] (or
//! [`ErrorClass::ResourceExhausted`] for `rateLimitExceeded`), `Unknown` →
//! [`ErrorClass::Unknown`], and `Fix` by reason: `notFound` → `NotFound`,
//! `accessDenied`/`billingNotEnabled`/`blocked` → `PermissionDenied`,
//! `quotaExceeded` → `QuotaExceeded`, `notImplemented`/`duplicate` →
//! `InvalidRequest`, any other → `InvalidRows`.
//!
//! HTTP status of the whole call ([`ErrorClass::of_http_status`]): the
//! BigQuery REST error table (400 invalid, 403 accessDenied/quota, 404
//! notFound, 500 backendError, 503) with the usual meaning of 401, 408,
//! 413, 429, 502 and 504.
//!
//! [`RequestBatcher`]: crate::insert_all::RequestBatcher

use super::response::{ErrorClass, RejectedRow};
use crate::error::ValueError;
use crate::insert_all::{Disposition, InsertAllRequest, RowFailure, parse_response};

impl ErrorClass {
    /// The class of one insertAll row failure (see the module docs).
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::insert_all::{InsertAllOptions, RequestBatcher, parse_response};
    /// use bqcodec::transport::ErrorClass;
    ///
    /// let mut batcher = RequestBatcher::new(&InsertAllOptions::new());
    /// for i in 0..3 { batcher.push("{}", None, i).map_err(|e| e.error)?; }
    /// let request = batcher.finish().unwrap_or_default();
    /// let body = r#"{"insertErrors": [{"index": 0, "errors": [{"reason": "stopped"}]},
    ///   {"index": 1, "errors": [{"reason": "rateLimitExceeded"}]}, {"index": 2, "errors": [{"reason": "notFound"}]}]}"#;
    /// let classes: Vec<ErrorClass> = parse_response(body, &request)?.iter().map(ErrorClass::of_insert_all_failure).collect();
    /// assert_eq!(classes, [ErrorClass::Aborted, ErrorClass::ResourceExhausted, ErrorClass::NotFound]);
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn of_insert_all_failure(failure: &RowFailure) -> ErrorClass {
        let has = |reason: &str| failure.errors.iter().any(|e| e.reason == reason);
        match failure.disposition {
            Disposition::Resend => ErrorClass::Aborted,
            Disposition::Retry if has("rateLimitExceeded") => ErrorClass::ResourceExhausted,
            Disposition::Retry => ErrorClass::Transient,
            Disposition::Unknown => ErrorClass::Unknown,
            Disposition::Fix => {
                if has("notFound") {
                    ErrorClass::NotFound
                } else if has("accessDenied") || has("billingNotEnabled") || has("blocked") {
                    ErrorClass::PermissionDenied
                } else if has("quotaExceeded") {
                    ErrorClass::QuotaExceeded
                } else if has("notImplemented") || has("duplicate") {
                    ErrorClass::InvalidRequest
                } else {
                    ErrorClass::InvalidRows
                }
            }
        }
    }

    /// The class of an HTTP status of a whole REST call (insertAll, or the
    /// Storage Write REST mapping): 400, 413 → `InvalidRequest`; 401, 403 →
    /// `PermissionDenied` (a 403 `quotaExceeded`/`rateLimitExceeded` body
    /// says otherwise: read the body's reason when there is one); 404 →
    /// `NotFound`; 408, 500, 502, 503, 504 → `Transient`; 429 →
    /// `ResourceExhausted`; anything else (409 included, and 2xx, which is
    /// no error) → `Unknown`.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::transport::ErrorClass;
    ///
    /// assert_eq!(ErrorClass::of_http_status(503), ErrorClass::Transient);
    /// assert_eq!(ErrorClass::of_http_status(429), ErrorClass::ResourceExhausted);
    /// assert_eq!(ErrorClass::of_http_status(413), ErrorClass::InvalidRequest); // body too large
    /// assert_eq!(ErrorClass::of_http_status(403), ErrorClass::PermissionDenied);
    /// assert_eq!(ErrorClass::of_http_status(409), ErrorClass::Unknown);
    /// ```
    pub fn of_http_status(status: u16) -> ErrorClass {
        match status {
            400 | 413 => ErrorClass::InvalidRequest,
            401 | 403 => ErrorClass::PermissionDenied,
            404 => ErrorClass::NotFound,
            408 | 500 | 502 | 503 | 504 => ErrorClass::Transient,
            429 => ErrorClass::ResourceExhausted,
            _ => ErrorClass::Unknown,
        }
    }
}

/// Parses an insertAll response body for `request` (with
/// [`parse_response`]) and gives each failed row as a [`RejectedRow`]:
/// input row, position in the request, class, and the errors' messages
/// (`reason` — `location`: `message`, joined with `; `). Rejects what
/// `parse_response` rejects.
///
/// # Examples
///
/// ```
/// use bqcodec::insert_all::{InsertAllOptions, RequestBatcher};
/// use bqcodec::transport::{ErrorClass, insert_all_rejected_rows};
/// let mut b = RequestBatcher::new(&InsertAllOptions::new());
/// b.push(r#"{"a":"1"}"#, None, 7).map_err(|e| e.error)?;
/// let request = b.finish().unwrap_or_default();
/// let body = r#"{"insertErrors": [{"index": 0, "errors": [{"reason": "invalid", "location": "a", "message": "bad"}]}]}"#;
/// let rows = insert_all_rejected_rows(body, &request)?;
/// assert_eq!((rows[0].input_row, rows[0].class), (7, ErrorClass::InvalidRows));
/// assert_eq!(rows[0].message, "invalid — a: bad");
/// # Ok::<(), bqcodec::ValueError>(())
/// ```
pub fn insert_all_rejected_rows(
    body: &str,
    request: &InsertAllRequest,
) -> Result<Vec<RejectedRow>, ValueError> {
    Ok(parse_response(body, request)?
        .iter()
        .map(rejected_row)
        .collect())
}

/// One [`RowFailure`] as a [`RejectedRow`].
///
/// # Examples
///
/// ```
/// use bqcodec::insert_all::{InsertAllOptions, RequestBatcher, parse_response};
/// use bqcodec::transport::{rejected_row, ErrorClass};
///
/// let mut batcher = RequestBatcher::new(&InsertAllOptions::new());
/// batcher.push("{}", None, 3).map_err(|e| e.error)?;
/// let request = batcher.finish().unwrap_or_default();
/// let body = r#"{"insertErrors": [{"index": 0, "errors": [{"reason": "invalid", "location": "n", "message": "bad int"},
///   {"reason": "invalid", "location": "", "message": "row rejected"}]}]}"#;
/// let row = rejected_row(&parse_response(body, &request)?[0]);
/// assert_eq!((row.input_row, row.class), (3, ErrorClass::InvalidRows));
/// assert_eq!(row.message, "invalid — n: bad int; invalid — row rejected"); // no location: no "x:"
/// # Ok::<(), bqcodec::ValueError>(())
/// ```
pub fn rejected_row(failure: &RowFailure) -> RejectedRow {
    let message = failure
        .errors
        .iter()
        .map(|e| {
            let mut m = e.reason.clone();
            if !e.location.is_empty() || !e.message.is_empty() {
                m.push_str(" — ");
            }
            if !e.location.is_empty() {
                m.push_str(&e.location);
                m.push_str(": ");
            }
            m.push_str(&e.message);
            m
        })
        .collect::<Vec<_>>()
        .join("; ");
    RejectedRow {
        input_row: failure.input_row,
        request_row: failure.request_row,
        class: ErrorClass::of_insert_all_failure(failure),
        message,
    }
}

/// The input rows of `request` to send again after a response: rows that
/// did not fail plus rows whose class is retryable are *not* the same
/// thing, so this gives only the failed rows whose class is retryable
/// (`stopped`, transient, rate limits), in request order. Rows that did
/// not fail are in the table (insertAll inserts row by row when
/// `skipInvalidRows` is set, and inserts nothing but reports every row
/// otherwise).
///
/// # Examples
///
/// ```
/// use bqcodec::insert_all::{InsertAllOptions, RequestBatcher};
/// use bqcodec::transport::{insert_all_rejected_rows, insert_all_rows_to_retry};
///
/// let mut batcher = RequestBatcher::new(&InsertAllOptions::new());
/// for i in [10, 11, 12] { batcher.push("{}", None, i).map_err(|e| e.error)?; }
/// let request = batcher.finish().unwrap_or_default();
/// let body = r#"{"insertErrors": [{"index": 0, "errors": [{"reason": "invalid"}]},
///   {"index": 1, "errors": [{"reason": "stopped"}]}, {"index": 2, "errors": [{"reason": "backendError"}]}]}"#;
/// let rejected = insert_all_rejected_rows(body, &request)?;
/// assert_eq!(insert_all_rows_to_retry(&rejected), [11, 12]); // row 10 must be fixed first
/// # Ok::<(), bqcodec::ValueError>(())
/// ```
pub fn insert_all_rows_to_retry(rejected: &[RejectedRow]) -> Vec<usize> {
    rejected
        .iter()
        .filter(|r| r.class.is_retryable())
        .map(|r| r.input_row)
        .collect()
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
    fn reasons_to_classes() {
        let req = request(&[10, 11, 12, 13, 14, 15, 16, 17]);
        let body = r#"{"insertErrors": [
            {"index": 0, "errors": [{"reason": "stopped"}]},
            {"index": 1, "errors": [{"reason": "backendError"}]},
            {"index": 2, "errors": [{"reason": "rateLimitExceeded"}]},
            {"index": 3, "errors": [{"reason": "invalid", "location": "x", "message": "no such field"}]},
            {"index": 4, "errors": [{"reason": "notFound"}]},
            {"index": 5, "errors": [{"reason": "accessDenied"}]},
            {"index": 6, "errors": [{"reason": "quotaExceeded"}]},
            {"index": 7, "errors": [{"reason": "brandNew"}]}
        ]}"#;
        let rows = insert_all_rejected_rows(body, &req).unwrap();
        let got: Vec<(usize, ErrorClass)> = rows.iter().map(|r| (r.input_row, r.class)).collect();
        assert_eq!(
            got,
            vec![
                (10, ErrorClass::Aborted),
                (11, ErrorClass::Transient),
                (12, ErrorClass::ResourceExhausted),
                (13, ErrorClass::InvalidRows),
                (14, ErrorClass::NotFound),
                (15, ErrorClass::PermissionDenied),
                (16, ErrorClass::QuotaExceeded),
                (17, ErrorClass::Unknown),
            ]
        );
        assert_eq!(rows[3].message, "invalid — x: no such field");
        assert_eq!(rows[0].message, "stopped");
        assert_eq!(insert_all_rows_to_retry(&rows), vec![10, 11, 12]);
        assert!(insert_all_rejected_rows("[]", &req).is_err());
    }

    #[test]
    fn http_statuses() {
        for (s, c) in [
            (400, ErrorClass::InvalidRequest),
            (401, ErrorClass::PermissionDenied),
            (403, ErrorClass::PermissionDenied),
            (404, ErrorClass::NotFound),
            (413, ErrorClass::InvalidRequest),
            (429, ErrorClass::ResourceExhausted),
            (500, ErrorClass::Transient),
            (503, ErrorClass::Transient),
            (200, ErrorClass::Unknown),
            (418, ErrorClass::Unknown),
        ] {
            assert_eq!(ErrorClass::of_http_status(s), c, "{s}");
        }
    }
}
