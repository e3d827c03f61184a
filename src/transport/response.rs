//! AppendRows responses and gRPC statuses → outcomes: per-row errors on the
//! caller's input rows, a classified failure that says what to do, and the
//! table's updated schema.
//!
//! # Classification
//!
//! Sources: storage.proto (the `AppendRowsResponse.error` comment: ALREADY_EXISTS
//! "can be ignored" in retry scenarios, OUT_OF_RANGE "beyond the current end
//! of the stream", INVALID_ARGUMENT "malformed request or data", ABORTED
//! "aborted because of prior failures … can be retried if previous failure
//! is addressed", INTERNAL "can be retried"; the `StorageErrorCode`
//! comments, KMS_SERVICE_ERROR "can be retried"), the Java client's
//! `Exceptions.OffsetAlreadyExists` ("an expected exception when ExactOnce
//! is enforced. You can safely ignore it"), and google/rpc/code.proto for
//! the canonical codes. A [`StorageError`] detail, when present and not
//! UNSPECIFIED, decides; else the status code does:
//!
//! | StorageErrorCode / status code | [`ErrorClass`] | retry as is? |
//! | --- | --- | --- |
//! | OFFSET_ALREADY_EXISTS, ALREADY_EXISTS | `OffsetAlreadyExists` (the rows are in) | no need |
//! | OFFSET_OUT_OF_RANGE, OUT_OF_RANGE | `OffsetOutOfRange` | after resending the missing rows |
//! | SCHEMA_MISMATCH_EXTRA_FIELDS | `SchemaMismatch` | no |
//! | STREAM_FINALIZED, STREAM_ALREADY_COMMITTED | `StreamFinalized` | no |
//! | INVALID_STREAM_TYPE, INVALID_STREAM_STATE, FAILED_PRECONDITION | `InvalidStreamState` | no |
//! | TABLE_NOT_FOUND, STREAM_NOT_FOUND, NOT_FOUND | `NotFound` | no |
//! | KMS_PERMISSION_DENIED, PERMISSION_DENIED, UNAUTHENTICATED | `PermissionDenied` | no |
//! | CMEK_NOT_PROVIDED, INVALID_CMEK_PROVIDED, CMEK_ENCRYPTION_ERROR | `Encryption` | no |
//! | KMS_SERVICE_ERROR, INTERNAL, UNAVAILABLE, DEADLINE_EXCEEDED, CANCELLED | `Transient` | yes, with backoff |
//! | RESOURCE_EXHAUSTED | `ResourceExhausted` | yes, with a longer backoff |
//! | ABORTED | `Aborted` | yes, once the earlier failure is dealt with |
//! | INVALID_ARGUMENT with `row_errors` | `InvalidRows` | without the listed rows |
//! | INVALID_ARGUMENT without, UNIMPLEMENTED | `InvalidRequest` | no |
//! | UNKNOWN, DATA_LOSS, anything else | `Unknown` | no (an unknown error must not start a retry loop) |
//!
//! Choices the documents leave open: CANCELLED and DEADLINE_EXCEEDED are
//! treated as transient (the request may or may not have landed: with
//! offsets a resend is safe, answered by ALREADY_EXISTS if it had);
//! FAILED_PRECONDITION with no StorageError is read as a stream-state
//! problem; UNKNOWN is not retried.

use std::fmt;

use prost::Message;

use super::append::PlannedAppend;
use super::messages::{
    AppendResponseKind, AppendRowsResponse, Code, RowErrorCode, STORAGE_ERROR_TYPE_URL, Status,
    StorageError, StorageErrorCode, TableSchema,
};
use crate::error::ValueError;

/// What kind of failure, and so what to do about it (see the module docs
/// for the table).
///
/// # Examples
///
/// ```
/// use bqcodec::transport::messages::{Code, StorageErrorCode};
/// use bqcodec::transport::ErrorClass;
///
/// let class = ErrorClass::of_code(Code::Unavailable as i32, false);
/// assert_eq!(class, ErrorClass::Transient);
/// assert!(class.is_retryable() && !class.is_success());
/// assert_eq!(class.to_string(), "transient error");
/// assert_eq!(class.advice(), "retry the same request after a backoff");
/// let exists = ErrorClass::of_storage_error(StorageErrorCode::OffsetAlreadyExists as i32);
/// assert_eq!(exists, Some(ErrorClass::OffsetAlreadyExists));
/// assert!(ErrorClass::OffsetAlreadyExists.is_success()); // a retried request had landed
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum ErrorClass {
    /// A transient server or network error: send the same request again
    /// after a backoff.
    Transient,
    /// Quota or throughput exhausted: send again after a longer backoff,
    /// or lower the request rate.
    ResourceExhausted,
    /// Not processed because an earlier request failed (or, for insertAll,
    /// because other rows of the request failed): send again once that
    /// failure is dealt with.
    Aborted,
    /// The offset was already written: the rows are in the stream (a
    /// retried request that had landed). Treat as success.
    OffsetAlreadyExists,
    /// The offset is beyond the end of the stream: an earlier request did
    /// not land. Resend from the stream's end (its row count).
    OffsetOutOfRange,
    /// The writer schema does not match the table (fields the table
    /// lacks): fetch the table schema, recompile, resend.
    SchemaMismatch,
    /// The stream is finalized or committed: no more appends; create a new
    /// stream.
    StreamFinalized,
    /// The stream's type or state does not allow the call (e.g. committing
    /// a stream that is not PENDING or not finalized).
    InvalidStreamState,
    /// Some rows are bad; no row of the request went in. Drop the rows
    /// listed in the row errors and resend the rest.
    InvalidRows,
    /// The request is malformed (size, descriptor, options) or the feature
    /// is not available.
    InvalidRequest,
    /// No permission (or no valid credentials) for the table, stream or
    /// encryption key.
    PermissionDenied,
    /// The table or stream does not exist.
    NotFound,
    /// A customer-managed encryption key problem (missing, wrong,
    /// encryption failed).
    Encryption,
    /// A quota that waiting does not restore (insertAll `quotaExceeded`).
    QuotaExceeded,
    /// A code this crate does not know: not retried automatically.
    Unknown,
}

impl ErrorClass {
    /// True when sending the same request (or rows) again unchanged can
    /// succeed: `Transient`, `ResourceExhausted`, `Aborted`.
    pub fn is_retryable(self) -> bool {
        matches!(
            self,
            ErrorClass::Transient | ErrorClass::ResourceExhausted | ErrorClass::Aborted
        )
    }

    /// True when the rows are in the table: `OffsetAlreadyExists`.
    pub fn is_success(self) -> bool {
        self == ErrorClass::OffsetAlreadyExists
    }

    /// What to do, in one sentence.
    pub fn advice(self) -> &'static str {
        match self {
            ErrorClass::Transient => "retry the same request after a backoff",
            ErrorClass::ResourceExhausted => {
                "retry after a longer backoff, or send less per second"
            }
            ErrorClass::Aborted => "resend once the earlier failure is dealt with",
            ErrorClass::OffsetAlreadyExists => {
                "the rows at this offset are already in the stream; go on with the next request"
            }
            ErrorClass::OffsetOutOfRange => {
                "an earlier append did not land: resend from the stream's current end"
            }
            ErrorClass::SchemaMismatch => {
                "the writer schema does not match the table: fetch the table schema, recompile and resend"
            }
            ErrorClass::StreamFinalized => {
                "the stream takes no more rows: create a new write stream"
            }
            ErrorClass::InvalidStreamState => "the stream's type or state does not allow this call",
            ErrorClass::InvalidRows => {
                "no row was appended: drop the rows with errors and resend the others"
            }
            ErrorClass::InvalidRequest => "the request is malformed: fix it before sending again",
            ErrorClass::PermissionDenied => {
                "check the credentials and the roles on the table (and the KMS key)"
            }
            ErrorClass::NotFound => "check the project, dataset, table and stream names",
            ErrorClass::Encryption => "check the table's customer-managed encryption key",
            ErrorClass::QuotaExceeded => "a quota is used up: raise it or wait for it to reset",
            ErrorClass::Unknown => "unknown error: not retried automatically",
        }
    }

    /// The class of a `StorageErrorCode` value (`None` for UNSPECIFIED and
    /// values this crate does not know).
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::transport::messages::StorageErrorCode;
    /// use bqcodec::transport::ErrorClass;
    ///
    /// assert_eq!(ErrorClass::of_storage_error(StorageErrorCode::StreamFinalized as i32), Some(ErrorClass::StreamFinalized));
    /// assert_eq!(ErrorClass::of_storage_error(StorageErrorCode::SchemaMismatchExtraFields as i32), Some(ErrorClass::SchemaMismatch));
    /// assert_eq!(ErrorClass::of_storage_error(StorageErrorCode::Unspecified as i32), None);
    /// assert_eq!(ErrorClass::of_storage_error(99), None);
    /// ```
    pub fn of_storage_error(code: i32) -> Option<ErrorClass> {
        use StorageErrorCode as S;
        Some(match S::try_from(code).ok()? {
            S::Unspecified => return None,
            S::TableNotFound | S::StreamNotFound => ErrorClass::NotFound,
            S::StreamAlreadyCommitted | S::StreamFinalized => ErrorClass::StreamFinalized,
            S::InvalidStreamType | S::InvalidStreamState => ErrorClass::InvalidStreamState,
            S::SchemaMismatchExtraFields => ErrorClass::SchemaMismatch,
            S::OffsetAlreadyExists => ErrorClass::OffsetAlreadyExists,
            S::OffsetOutOfRange => ErrorClass::OffsetOutOfRange,
            S::CmekNotProvided | S::InvalidCmekProvided | S::CmekEncryptionError => {
                ErrorClass::Encryption
            }
            S::KmsServiceError => ErrorClass::Transient,
            S::KmsPermissionDenied => ErrorClass::PermissionDenied,
        })
    }

    /// The class of a canonical status code (`google.rpc.Code`); `has_row_errors`
    /// tells INVALID_ARGUMENT about bad rows from a malformed request.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::transport::messages::Code;
    /// use bqcodec::transport::ErrorClass;
    ///
    /// // INVALID_ARGUMENT means bad rows when the response lists row errors, a bad request otherwise.
    /// assert_eq!(ErrorClass::of_code(Code::InvalidArgument as i32, true), ErrorClass::InvalidRows);
    /// assert_eq!(ErrorClass::of_code(Code::InvalidArgument as i32, false), ErrorClass::InvalidRequest);
    /// assert_eq!(ErrorClass::of_code(Code::AlreadyExists as i32, false), ErrorClass::OffsetAlreadyExists);
    /// assert_eq!(ErrorClass::of_code(Code::OutOfRange as i32, false), ErrorClass::OffsetOutOfRange);
    /// assert_eq!(ErrorClass::of_code(77, false), ErrorClass::Unknown);
    /// ```
    pub fn of_code(code: i32, has_row_errors: bool) -> ErrorClass {
        match Code::try_from(code) {
            Ok(Code::InvalidArgument) if has_row_errors => ErrorClass::InvalidRows,
            Ok(Code::InvalidArgument | Code::Unimplemented) => ErrorClass::InvalidRequest,
            Ok(Code::AlreadyExists) => ErrorClass::OffsetAlreadyExists,
            Ok(Code::OutOfRange) => ErrorClass::OffsetOutOfRange,
            Ok(Code::NotFound) => ErrorClass::NotFound,
            Ok(Code::PermissionDenied | Code::Unauthenticated) => ErrorClass::PermissionDenied,
            Ok(Code::ResourceExhausted) => ErrorClass::ResourceExhausted,
            Ok(Code::FailedPrecondition) => ErrorClass::InvalidStreamState,
            Ok(Code::Aborted) => ErrorClass::Aborted,
            Ok(Code::Internal | Code::Unavailable | Code::DeadlineExceeded | Code::Cancelled) => {
                ErrorClass::Transient
            }
            Ok(Code::Ok | Code::Unknown | Code::DataLoss) | Err(_) => ErrorClass::Unknown,
        }
    }
}

impl fmt::Display for ErrorClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            ErrorClass::Transient => "transient error",
            ErrorClass::ResourceExhausted => "resource exhausted",
            ErrorClass::Aborted => "aborted",
            ErrorClass::OffsetAlreadyExists => "offset already exists",
            ErrorClass::OffsetOutOfRange => "offset out of range",
            ErrorClass::SchemaMismatch => "schema mismatch",
            ErrorClass::StreamFinalized => "stream finalized",
            ErrorClass::InvalidStreamState => "invalid stream state",
            ErrorClass::InvalidRows => "invalid rows",
            ErrorClass::InvalidRequest => "invalid request",
            ErrorClass::PermissionDenied => "permission denied",
            ErrorClass::NotFound => "not found",
            ErrorClass::Encryption => "encryption key error",
            ErrorClass::QuotaExceeded => "quota exceeded",
            ErrorClass::Unknown => "unknown error",
        };
        f.write_str(name)
    }
}

/// A failed call: a `google.rpc.Status` (from `AppendRowsResponse.error`
/// or from the RPC itself), classified.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{class}: {message} (status {code_name}{storage}); {advice}",
    code_name = code_name(*code),
    storage = storage_error.as_ref().map(|s| format!(", {}", storage_error_name(s.code))).unwrap_or_default(),
    advice = class.advice())]
/// # Examples
///
/// ```
/// use bqcodec::transport::messages::{Code, Status};
/// use bqcodec::transport::{AppendFailure, ErrorClass};
///
/// let failure = AppendFailure::from_status(&Status::new(Code::ResourceExhausted, "quota"), false);
/// assert_eq!((failure.class, failure.code), (ErrorClass::ResourceExhausted, 8));
/// assert!(failure.is_retryable() && failure.storage_error.is_none());
/// assert_eq!(
///     failure.to_string(),
///     "resource exhausted: quota (status ResourceExhausted); retry after a longer backoff, or send less per second",
/// );
/// ```
#[non_exhaustive]
pub struct AppendFailure {
    /// The class (what to do).
    pub class: ErrorClass,
    /// The canonical status code.
    pub code: i32,
    /// The status message.
    pub message: String,
    /// The `StorageError` among the status details, if any.
    pub storage_error: Option<StorageError>,
}

fn code_name(code: i32) -> String {
    match Code::try_from(code) {
        Ok(c) => format!("{c:?}"),
        Err(_) => code.to_string(),
    }
}

fn storage_error_name(code: i32) -> String {
    match StorageErrorCode::try_from(code) {
        Ok(c) => format!("{c:?}"),
        Err(_) => format!("storage error {code}"),
    }
}

impl AppendFailure {
    /// Classifies a status. `has_row_errors` is true when the response
    /// that carried it listed row errors. A `StorageError` detail that does
    /// not decode is ignored (the status code still classifies).
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::transport::messages::{Code, Status, StorageError, StorageErrorCode, STORAGE_ERROR_TYPE_URL};
    /// use bqcodec::transport::{AppendFailure, ErrorClass};
    /// use prost::Message;
    ///
    /// let mut detail = StorageError::default();
    /// detail.code = StorageErrorCode::StreamFinalized as i32;
    /// let mut status = Status::new(Code::InvalidArgument, "stream is finalized");
    /// status.details.push(prost_types::Any { type_url: STORAGE_ERROR_TYPE_URL.into(), value: detail.encode_to_vec() });
    /// // The StorageError detail decides over the generic status code:
    /// let failure = AppendFailure::from_status(&status, false);
    /// assert_eq!(failure.class, ErrorClass::StreamFinalized);
    /// assert!(failure.to_string().contains("(status InvalidArgument, StreamFinalized)"));
    /// ```
    pub fn from_status(status: &Status, has_row_errors: bool) -> AppendFailure {
        let storage_error = status
            .details
            .iter()
            .filter(|a| a.type_url == STORAGE_ERROR_TYPE_URL)
            .find_map(|a| StorageError::decode(a.value.as_slice()).ok());
        let class = match storage_error
            .as_ref()
            .and_then(|s| ErrorClass::of_storage_error(s.code))
        {
            // Row errors name the rows to drop; they decide over a generic
            // storage code.
            Some(_) if has_row_errors => ErrorClass::InvalidRows,
            Some(c) => c,
            None => ErrorClass::of_code(status.code, has_row_errors),
        };
        AppendFailure {
            class,
            code: status.code,
            message: status.message.clone(),
            storage_error,
        }
    }

    /// Classifies a `StorageError` on its own (as in
    /// `BatchCommitWriteStreamsResponse.stream_errors`); UNSPECIFIED and
    /// unknown codes are `Unknown`.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::transport::messages::{StorageError, StorageErrorCode};
    /// use bqcodec::transport::{AppendFailure, ErrorClass};
    ///
    /// let mut error = StorageError::default(); // e.g. from BatchCommitWriteStreamsResponse.stream_errors
    /// error.code = StorageErrorCode::StreamNotFound as i32;
    /// error.entity = "projects/p/datasets/d/tables/t/streams/s".into();
    /// assert_eq!(AppendFailure::from_storage_error(&error).class, ErrorClass::NotFound);
    /// ```
    pub fn from_storage_error(error: &StorageError) -> AppendFailure {
        AppendFailure {
            class: ErrorClass::of_storage_error(error.code).unwrap_or(ErrorClass::Unknown),
            code: Code::Unknown as i32,
            message: if error.entity.is_empty() {
                error.error_message.clone()
            } else {
                format!("{}: {}", error.entity, error.error_message)
            },
            storage_error: Some(error.clone()),
        }
    }

    /// True when the same request can be sent again unchanged.
    pub fn is_retryable(&self) -> bool {
        self.class.is_retryable()
    }
}

/// One row the service refused, on the caller's input row.
///
/// # Examples
///
/// ```
/// use bqcodec::transport::messages::{AppendRowsResponse, Code, RowError, RowErrorCode, Status};
/// use bqcodec::transport::{read_append_response, AppendOptions, AppendPlanner, ErrorClass, WriteStreamName, WriterSchema};
///
/// let stream = WriteStreamName::default_stream("p", "d", "t")?;
/// let mut planner = AppendPlanner::new(stream, WriterSchema::Proto(vec![0x0a, 0x01, b'R']), AppendOptions::new())?;
/// let planned = planner.plan_rows([(5, &[0x08, 0x01][..]), (6, &[0x08, 0x02][..])]).requests.remove(0);
/// let response = AppendRowsResponse::failure(
///     Status::new(Code::InvalidArgument, "errors"),
///     vec![RowError::new(1, RowErrorCode::FieldsError, "field n: bad")],
/// );
/// let rejected = &read_append_response(&planned, &response)?.rejected[0];
/// assert_eq!((rejected.input_row, rejected.request_row, rejected.class), (6, 1, ErrorClass::InvalidRows));
/// assert_eq!(rejected.to_string(), "row 6: FIELDS_ERROR: field n: bad (invalid rows)");
/// # Ok::<(), bqcodec::ValueError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("row {input_row}: {message} ({class})")]
#[non_exhaustive]
pub struct RejectedRow {
    /// The row's index in the caller's input.
    pub input_row: usize,
    /// The row's position in its request.
    pub request_row: usize,
    /// Why: `InvalidRows` for Storage Write row errors; for insertAll, the
    /// class of the row's reasons.
    pub class: ErrorClass,
    /// The service's message(s) for the row.
    pub message: String,
}

/// What one AppendRows response means for its request.
///
/// # Examples
///
/// ```
/// use bqcodec::transport::messages::{AppendRowsResponse, Code, RowError, RowErrorCode, Status};
/// use bqcodec::transport::{read_append_response, AppendOptions, AppendPlanner, WriteStreamName, WriterSchema};
///
/// let stream = WriteStreamName::parse("projects/p/datasets/d/tables/t/streams/s")?;
/// let mut planner = AppendPlanner::new(stream, WriterSchema::Proto(vec![0x0a, 0x01, b'R']), AppendOptions::new())?;
/// let rows = [(0, &[0x08, 0x01][..]), (1, &[0x08, 0x02][..]), (2, &[0x08, 0x03][..])];
/// let planned = planner.plan_rows(rows).requests.remove(0);
/// let ok = read_append_response(&planned, &AppendRowsResponse::success(Some(0)))?;
/// assert!(ok.is_success() && ok.rows_to_resend(&planned).is_empty());
/// let bad = AppendRowsResponse::failure(
///     Status::new(Code::InvalidArgument, "errors"),
///     vec![RowError::new(0, RowErrorCode::FieldsError, "bad")],
/// );
/// let outcome = read_append_response(&planned, &bad)?;
/// assert!(!outcome.is_success());
/// assert_eq!(outcome.rows_to_resend(&planned), [1, 2]); // none of the request was written
/// # Ok::<(), bqcodec::ValueError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct AppendOutcome {
    /// `Ok(offset)` when the rows were appended (`offset` absent on
    /// `_default`), else the classified failure. An `OffsetAlreadyExists`
    /// failure means the rows are in ([`is_success`](Self::is_success)).
    pub result: Result<Option<i64>, AppendFailure>,
    /// The rows the service listed as bad (none of the request's rows was
    /// appended then), on input rows, in request order.
    pub rejected: Vec<RejectedRow>,
    /// The table's new schema, when the service reports one: convert it
    /// ([`table_schema_from_message`](super::table_schema_from_message)),
    /// recompile the writer from it and call
    /// [`AppendPlanner::set_writer_schema`](super::AppendPlanner::set_writer_schema).
    pub updated_schema: Option<TableSchema>,
}

impl AppendOutcome {
    /// True when the request's rows are in the stream (appended now, or
    /// already, on an `OffsetAlreadyExists`).
    pub fn is_success(&self) -> bool {
        match &self.result {
            Ok(_) => true,
            Err(f) => f.class.is_success(),
        }
    }

    /// The input rows to send again after an `InvalidRows` failure: the
    /// request's rows the service did not list, in order. Empty when the
    /// request succeeded.
    pub fn rows_to_resend(&self, planned: &PlannedAppend) -> Vec<usize> {
        if self.is_success() {
            return Vec::new();
        }
        let mut bad: Vec<usize> = self.rejected.iter().map(|r| r.request_row).collect();
        bad.sort_unstable();
        planned
            .input_rows()
            .iter()
            .enumerate()
            .filter(|(i, _)| bad.binary_search(i).is_err())
            .map(|(_, r)| *r)
            .collect()
    }
}

/// Reads the response to `planned`.
///
/// Maps each `row_errors[].index` (a position in the request) to the
/// caller's input row; errors naming the same row become one
/// [`RejectedRow`] with their messages joined by `"; "`. Rejects a row error whose index is negative or not
/// below the request's row count (the response is then not for this
/// request). A response with neither `append_result` nor `error` is
/// read as success with no offset (what proto3 gives for an empty
/// `AppendResult`), unless it lists row errors.
///
/// # Examples
///
/// ```
/// use bqcodec::transport::messages::{AppendRowsResponse, Code, RowError, RowErrorCode, Status};
/// use bqcodec::transport::{read_append_response, AppendOptions, AppendPlanner, ErrorClass, WriteStreamName, WriterSchema};
///
/// let stream = WriteStreamName::parse("projects/p/datasets/d/tables/t/streams/s")?;
/// let mut planner = AppendPlanner::new(stream, WriterSchema::Proto(vec![0x0a, 0x01, b'R']), AppendOptions::new())?;
/// let planned = planner.plan_rows([(0, &[0x08, 0x01][..])]).requests.remove(0);
/// let landed = AppendRowsResponse::failure(Status::new(Code::AlreadyExists, "offset exists"), vec![]);
/// let outcome = read_append_response(&planned, &landed)?;
/// assert!(outcome.is_success()); // the rows were already in the stream
/// assert!(matches!(&outcome.result, Err(f) if f.class == ErrorClass::OffsetAlreadyExists));
/// // A row error pointing outside the request means the response is not for it:
/// let wrong = AppendRowsResponse::failure(Status::new(Code::InvalidArgument, "x"),
///     vec![RowError::new(5, RowErrorCode::FieldsError, "bad")]);
/// assert!(read_append_response(&planned, &wrong).is_err());
/// # Ok::<(), bqcodec::ValueError>(())
/// ```
pub fn read_append_response(
    planned: &PlannedAppend,
    response: &AppendRowsResponse,
) -> Result<AppendOutcome, ValueError> {
    let mut rejected = Vec::with_capacity(response.row_errors.len());
    for e in &response.row_errors {
        let request_row = usize::try_from(e.index).ok();
        let input_row = request_row.and_then(|i| planned.input_row(i));
        let (Some(request_row), Some(input_row)) = (request_row, input_row) else {
            return Err(ValueError::out_of_range(
                format!(
                    "a row error index in 0..{} (the request's rows)",
                    planned.len()
                ),
                &e.index.to_string(),
            ));
        };
        let code = match RowErrorCode::try_from(e.code) {
            Ok(RowErrorCode::FieldsError) => "FIELDS_ERROR",
            _ => "row error",
        };
        rejected.push(RejectedRow {
            input_row,
            request_row,
            class: ErrorClass::InvalidRows,
            message: format!("{code}: {}", e.message),
        });
    }
    // One row may be listed more than once (one error per bad field): one
    // rejected row, its messages joined in the order given.
    rejected.sort_by_key(|r| r.request_row);
    rejected.dedup_by(|later, first| {
        if later.request_row != first.request_row {
            return false;
        }
        first.message.push_str("; ");
        first.message.push_str(&later.message);
        true
    });
    let has_rows = !rejected.is_empty();
    let result = match &response.response {
        Some(AppendResponseKind::Error(status)) => {
            Err(AppendFailure::from_status(status, has_rows))
        }
        _ if has_rows => Err(AppendFailure {
            class: ErrorClass::InvalidRows,
            code: Code::InvalidArgument as i32,
            message: "the response lists row errors".to_owned(),
            storage_error: None,
        }),
        Some(AppendResponseKind::AppendResult(r)) => Ok(r.offset),
        None => Ok(None),
    };
    Ok(AppendOutcome {
        result,
        rejected,
        updated_schema: response.updated_schema.clone(),
    })
}

/// Decodes an encoded `AppendRowsResponse` and reads it for `planned`
/// ([`read_append_response`]). Rejects bytes that are not a valid
/// message.
///
/// # Examples
///
/// ```
/// use bqcodec::transport::messages::AppendRowsResponse;
/// use bqcodec::transport::{decode_append_response, AppendOptions, AppendPlanner, WriteStreamName, WriterSchema};
/// use prost::Message;
///
/// let stream = WriteStreamName::parse("projects/p/datasets/d/tables/t/streams/s")?;
/// let mut planner = AppendPlanner::new(stream, WriterSchema::Proto(vec![0x0a, 0x01, b'R']), AppendOptions::new())?;
/// let planned = planner.plan_rows([(0, &[0x08, 0x01][..])]).requests.remove(0);
/// let bytes = AppendRowsResponse::success(Some(0)).encode_to_vec();
/// assert_eq!(bytes, [0x0a, 0x02, 0x0a, 0x00]); // append_result { offset: Int64Value{} } (0 is the default)
/// assert_eq!(decode_append_response(&planned, &bytes)?.result, Ok(Some(0)));
/// assert!(decode_append_response(&planned, &[0x0a, 0x05]).is_err()); // truncated
/// # Ok::<(), bqcodec::ValueError>(())
/// ```
pub fn decode_append_response(
    planned: &PlannedAppend,
    bytes: &[u8],
) -> Result<AppendOutcome, ValueError> {
    let response = AppendRowsResponse::decode(bytes).map_err(|e| {
        ValueError::invalid(
            format!("an encoded AppendRowsResponse ({e})"),
            "binary data",
        )
    })?;
    read_append_response(planned, &response)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::transport::messages::{AppendResult, RowError};
    use crate::transport::{AppendOptions, AppendPlanner, WriteStreamName, WriterSchema};

    fn planned(inputs: &[usize]) -> PlannedAppend {
        let stream = WriteStreamName::parse("projects/p/datasets/d/tables/t/streams/s").unwrap();
        let mut p = AppendPlanner::new(
            stream,
            WriterSchema::Proto(Vec::new()),
            AppendOptions::new(),
        )
        .unwrap();
        let row = [0x08u8, 0x01];
        let mut plan = p.plan_rows(inputs.iter().map(|&i| (i, &row[..])));
        plan.requests.remove(0)
    }

    fn status(code: Code, storage: Option<StorageErrorCode>) -> Status {
        Status {
            code: code as i32,
            message: "msg".into(),
            details: storage
                .map(|s| prost_types::Any {
                    type_url: STORAGE_ERROR_TYPE_URL.into(),
                    value: StorageError {
                        code: s as i32,
                        entity: "projects/p/datasets/d/tables/t/streams/s".into(),
                        error_message: "m".into(),
                    }
                    .encode_to_vec(),
                })
                .into_iter()
                .collect(),
        }
    }

    #[test]
    fn classification_table() {
        use Code as C;
        use ErrorClass as E;
        use StorageErrorCode as S;
        let table: &[(Code, Option<StorageErrorCode>, bool, ErrorClass)] = &[
            (C::AlreadyExists, None, false, E::OffsetAlreadyExists),
            (
                C::AlreadyExists,
                Some(S::OffsetAlreadyExists),
                false,
                E::OffsetAlreadyExists,
            ),
            (C::OutOfRange, None, false, E::OffsetOutOfRange),
            (
                C::OutOfRange,
                Some(S::OffsetOutOfRange),
                false,
                E::OffsetOutOfRange,
            ),
            (
                C::InvalidArgument,
                Some(S::SchemaMismatchExtraFields),
                false,
                E::SchemaMismatch,
            ),
            (
                C::InvalidArgument,
                Some(S::StreamFinalized),
                false,
                E::StreamFinalized,
            ),
            (
                C::FailedPrecondition,
                Some(S::StreamAlreadyCommitted),
                false,
                E::StreamFinalized,
            ),
            (
                C::FailedPrecondition,
                Some(S::InvalidStreamState),
                false,
                E::InvalidStreamState,
            ),
            (C::FailedPrecondition, None, false, E::InvalidStreamState),
            (C::NotFound, Some(S::TableNotFound), false, E::NotFound),
            (C::NotFound, Some(S::StreamNotFound), false, E::NotFound),
            (C::NotFound, None, false, E::NotFound),
            (C::PermissionDenied, None, false, E::PermissionDenied),
            (C::Unauthenticated, None, false, E::PermissionDenied),
            (
                C::PermissionDenied,
                Some(S::KmsPermissionDenied),
                false,
                E::PermissionDenied,
            ),
            (
                C::FailedPrecondition,
                Some(S::CmekNotProvided),
                false,
                E::Encryption,
            ),
            (C::Internal, Some(S::KmsServiceError), false, E::Transient),
            (C::Internal, None, false, E::Transient),
            (C::Unavailable, None, false, E::Transient),
            (C::DeadlineExceeded, None, false, E::Transient),
            (C::Cancelled, None, false, E::Transient),
            (C::ResourceExhausted, None, false, E::ResourceExhausted),
            (C::Aborted, None, false, E::Aborted),
            (C::InvalidArgument, None, true, E::InvalidRows),
            (C::InvalidArgument, None, false, E::InvalidRequest),
            (C::Unimplemented, None, false, E::InvalidRequest),
            (C::Unknown, None, false, E::Unknown),
            (C::DataLoss, None, false, E::Unknown),
            // An UNSPECIFIED storage code leaves it to the status code.
            (C::Unavailable, Some(S::Unspecified), false, E::Transient),
        ];
        for (code, storage, rows, class) in table {
            let f = AppendFailure::from_status(&status(*code, *storage), *rows);
            assert_eq!(f.class, *class, "{code:?} {storage:?} {rows}");
            assert_eq!(f.storage_error.is_some(), storage.is_some());
        }
        assert_eq!(ErrorClass::of_code(99, false), E::Unknown);
        assert_eq!(ErrorClass::of_storage_error(99), None);
        for c in [E::Transient, E::ResourceExhausted, E::Aborted] {
            assert!(c.is_retryable());
        }
        for c in [
            E::InvalidRows,
            E::SchemaMismatch,
            E::Unknown,
            E::OffsetAlreadyExists,
        ] {
            assert!(!c.is_retryable());
        }
    }

    #[test]
    fn failure_message_is_actionable() {
        let f = AppendFailure::from_status(
            &status(Code::OutOfRange, Some(StorageErrorCode::OffsetOutOfRange)),
            false,
        );
        assert_eq!(
            f.to_string(),
            "offset out of range: msg (status OutOfRange, OffsetOutOfRange); \
             an earlier append did not land: resend from the stream's current end"
        );
        let g = AppendFailure::from_storage_error(&StorageError {
            code: StorageErrorCode::StreamFinalized as i32,
            entity: "s1".into(),
            error_message: "finalized".into(),
        });
        assert_eq!(
            (g.class, g.message.as_str()),
            (ErrorClass::StreamFinalized, "s1: finalized")
        );
    }

    #[test]
    fn row_errors_map_to_input_rows() {
        let p = planned(&[40, 41, 42, 43]);
        let response = AppendRowsResponse {
            response: Some(AppendResponseKind::Error(status(
                Code::InvalidArgument,
                None,
            ))),
            row_errors: vec![
                RowError {
                    index: 3,
                    code: 1,
                    message: "bad c".into(),
                },
                RowError {
                    index: 1,
                    code: 1,
                    message: "bad a".into(),
                },
            ],
            ..Default::default()
        };
        let out = read_append_response(&p, &response).unwrap();
        assert!(!out.is_success());
        assert_eq!(
            out.result.as_ref().unwrap_err().class,
            ErrorClass::InvalidRows
        );
        let got: Vec<(usize, usize)> = out
            .rejected
            .iter()
            .map(|r| (r.request_row, r.input_row))
            .collect();
        assert_eq!(got, vec![(1, 41), (3, 43)]);
        assert_eq!(
            out.rejected[0].to_string(),
            "row 41: FIELDS_ERROR: bad a (invalid rows)"
        );
        assert_eq!(out.rows_to_resend(&p), vec![40, 42]);
    }

    #[test]
    fn bad_indices_are_rejected() {
        let p = planned(&[0, 1]);
        for index in [-1, 2, i64::MAX] {
            let response = AppendRowsResponse {
                row_errors: vec![RowError {
                    index,
                    code: 1,
                    message: String::new(),
                }],
                ..Default::default()
            };
            assert!(
                read_append_response(&p, &response)
                    .unwrap_err()
                    .is_out_of_range()
            );
        }
    }

    #[test]
    fn success_offsets_and_schema() {
        let p = planned(&[0]);
        let ok = AppendRowsResponse {
            response: Some(AppendResponseKind::AppendResult(AppendResult {
                offset: Some(9),
            })),
            updated_schema: Some(TableSchema::default()),
            ..Default::default()
        };
        let out = read_append_response(&p, &ok).unwrap();
        assert_eq!(out.result, Ok(Some(9)));
        assert!(out.updated_schema.is_some());
        assert!(out.rows_to_resend(&p).is_empty());
        let dup = AppendRowsResponse {
            response: Some(AppendResponseKind::Error(status(Code::AlreadyExists, None))),
            ..Default::default()
        };
        let out = read_append_response(&p, &dup).unwrap();
        assert!(out.is_success());
        // Row errors without an error status are still a failure.
        let rows_only = AppendRowsResponse {
            row_errors: vec![RowError {
                index: 0,
                code: 1,
                message: "x".into(),
            }],
            ..Default::default()
        };
        let out = read_append_response(&p, &rows_only).unwrap();
        assert_eq!(out.result.unwrap_err().class, ErrorClass::InvalidRows);
        assert!(decode_append_response(&p, &[0xff]).is_err());
        assert_eq!(
            decode_append_response(&p, &ok.encode_to_vec())
                .unwrap()
                .result,
            Ok(Some(9))
        );
    }
}
