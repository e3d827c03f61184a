//! The Storage Write API v1 messages this crate sends and reads, written by
//! hand as prost types (no build script, no `protoc`).
//!
//! Every field number and enum value below is taken from Google's public
//! API definitions in `googleapis/googleapis`:
//! - `google/cloud/bigquery/storage/v1/storage.proto` (AppendRows*,
//!   CreateWriteStream, GetWriteStream, FinalizeWriteStream,
//!   BatchCommitWriteStreams, FlushRows, StorageError, RowError),
//! - `google/cloud/bigquery/storage/v1/stream.proto` (WriteStream,
//!   WriteStreamView),
//! - `google/cloud/bigquery/storage/v1/table.proto` (TableSchema,
//!   TableFieldSchema),
//! - `google/cloud/bigquery/storage/v1/protobuf.proto` (ProtoSchema,
//!   ProtoRows),
//! - `google/cloud/bigquery/storage/v1/arrow.proto` (ArrowSchema,
//!   ArrowRecordBatch),
//! - `google/rpc/status.proto` and `google/rpc/code.proto` (Status and the
//!   canonical codes),
//!
//! and cross-checked against the prost code the `gcloud-sdk` crate (0.33)
//! generates from the same files. Why by hand: the only crates that carry
//! these types also pull in tonic and a gRPC stack, and one field
//! ([`ProtoSchema::proto_descriptor`]) must carry this crate's descriptor
//! bytes exactly, which a `prost_types::DescriptorProto` cannot (it drops the
//! `column_name` field options).
//!
//! Fields this crate never sets or reads are left out (`AppendRowsRequest`
//! field 9 `client_stats`, `WriteStream.table_schema`'s read-side siblings,
//! `TableFieldSchema.timestamp_precision` = 27 is kept because the service
//! may send it). prost skips unknown fields when decoding, so a response
//! with fields added later still decodes.

use std::collections::BTreeMap;

/// `google.cloud.bigquery.storage.v1.AppendRowsRequest` (storage.proto).
///
/// One message of the AppendRows bidirectional stream. Must be under
/// 10 MB encoded; [`AppendPlanner`](super::AppendPlanner) builds them so.
///
/// # Examples
///
/// ```
/// use bqcodec::transport::messages::AppendRowsRequest;
/// use prost::Message;
///
/// let mut request = AppendRowsRequest::default(); // #[non_exhaustive]: Default, then assign
/// request.write_stream = "s".into();
/// request.offset = Some(5);
/// // Field 1 (string) and field 2 (Int64Value{value: 5}), as protoc would encode them:
/// assert_eq!(request.encode_to_vec(), [0x0a, 0x01, b's', 0x12, 0x02, 0x08, 0x05]);
/// assert_eq!(AppendRowsRequest::decode(&request.encode_to_vec()[..])?, request);
/// # Ok::<(), prost::DecodeError>(())
/// ```
#[derive(Clone, PartialEq, prost::Message)]
#[non_exhaustive]
pub struct AppendRowsRequest {
    /// Field 1: `projects/{p}/datasets/{d}/tables/{t}/streams/{id}`.
    #[prost(string, tag = "1")]
    pub write_stream: String,
    /// Field 2 (`google.protobuf.Int64Value`): the offset the rows must
    /// land at; absent means "at the end" (always absent on `_default`).
    #[prost(message, optional, tag = "2")]
    pub offset: Option<i64>,
    /// Fields 4 (`proto_rows`) and 5 (`arrow_rows`): the `rows` oneof.
    #[prost(oneof = "Rows", tags = "4, 5")]
    pub rows: Option<Rows>,
    /// Field 6: the client's identity; only the first request's counts.
    #[prost(string, tag = "6")]
    pub trace_id: String,
    /// Field 7: `map<string, MissingValueInterpretation>`, top-level column
    /// name → interpretation, for this request only. A `BTreeMap` so the
    /// encoding is deterministic.
    #[prost(
        btree_map = "string, enumeration(MissingValueInterpretation)",
        tag = "7"
    )]
    pub missing_value_interpretations: BTreeMap<String, i32>,
    /// Field 8: the interpretation of every column not in field 7, for
    /// this and the following requests of the connection.
    #[prost(enumeration = "MissingValueInterpretation", tag = "8")]
    pub default_missing_value_interpretation: i32,
}

/// The `rows` oneof of [`AppendRowsRequest`].
///
/// # Examples
///
/// ```
/// use bqcodec::transport::messages::{AppendRowsRequest, ProtoData, ProtoRowsMessage, Rows};
/// use prost::Message;
///
/// let mut rows = ProtoRowsMessage::default();
/// rows.serialized_rows.push(vec![0x08, 0x01]); // one row: field 1 = 1
/// let mut data = ProtoData::default();
/// data.rows = Some(rows);
/// let mut request = AppendRowsRequest::default();
/// request.rows = Some(Rows::ProtoRows(data));
/// // proto_rows (4) { rows (2) { serialized_rows (1): 08 01 } }
/// assert_eq!(request.encode_to_vec(), [0x22, 0x06, 0x12, 0x04, 0x0a, 0x02, 0x08, 0x01]);
/// ```
#[derive(Clone, PartialEq, prost::Oneof)]
#[non_exhaustive]
pub enum Rows {
    /// Field 4: rows in protobuf format.
    #[prost(message, tag = "4")]
    ProtoRows(ProtoData),
    /// Field 5: rows in Arrow format.
    #[prost(message, tag = "5")]
    ArrowRows(ArrowData),
}

/// `AppendRowsRequest.ProtoData` (storage.proto).
///
/// # Examples
///
/// ```
/// use bqcodec::transport::messages::{ProtoData, ProtoSchema};
/// use prost::Message;
///
/// let mut schema = ProtoSchema::default();
/// schema.proto_descriptor = vec![0x0a, 0x01, b'R']; // DescriptorProto { name: "R" }
/// let mut data = ProtoData::default();
/// data.writer_schema = Some(schema); // first request of a connection only
/// assert_eq!(data.encode_to_vec(), [0x0a, 0x05, 0x0a, 0x03, 0x0a, 0x01, b'R']);
/// ```
#[derive(Clone, PartialEq, prost::Message)]
#[non_exhaustive]
pub struct ProtoData {
    /// Field 1: the descriptor of the rows; needed on the first request of
    /// a connection and after a schema change.
    #[prost(message, optional, tag = "1")]
    pub writer_schema: Option<ProtoSchema>,
    /// Field 2: the serialized rows.
    #[prost(message, optional, tag = "2")]
    pub rows: Option<ProtoRowsMessage>,
}

/// `google.cloud.bigquery.storage.v1.ProtoSchema` (protobuf.proto).
///
/// Field 1 is `google.protobuf.DescriptorProto proto_descriptor`. Here it
/// is a `bytes` field with the same number: a length-delimited field is
/// the same on the wire whether declared as a message or as bytes, and
/// holding the bytes keeps the `column_name` field options of
/// [`ProtoSchema::descriptor_proto_bytes`](crate::proto::ProtoSchema::descriptor_proto_bytes)
/// that a decoded `prost_types::DescriptorProto` would drop.
///
/// # Examples
///
/// ```
/// use bqcodec::proto::{DescriptorOptions, ProtoSchema as Descriptor};
/// use bqcodec::transport::messages::ProtoSchema;
/// use bqcodec::TableSchema;
///
/// let table = TableSchema::from_json(r#"[{"name": "first name", "type": "STRING"}]"#)?;
/// let descriptor = Descriptor::build(&table, &DescriptorOptions::default())?;
/// let mut schema = ProtoSchema::default();
/// // The bytes as built, column_name option included (a prost_types::DescriptorProto would drop it):
/// schema.proto_descriptor = descriptor.descriptor_proto_bytes().to_vec();
/// assert!(schema.proto_descriptor.windows(10).any(|w| w == b"first name"));
/// # Ok::<(), bqcodec::SchemaError>(())
/// ```
#[derive(Clone, PartialEq, prost::Message)]
#[non_exhaustive]
pub struct ProtoSchema {
    /// Field 1: an encoded `DescriptorProto`, self-contained.
    #[prost(bytes = "vec", tag = "1")]
    pub proto_descriptor: Vec<u8>,
}

/// `google.cloud.bigquery.storage.v1.ProtoRows` (protobuf.proto). Named
/// `ProtoRowsMessage` here so it is not confused with
/// [`crate::proto::wire::ProtoRows`], the encoder's row buffer.
///
/// # Examples
///
/// ```
/// use bqcodec::transport::messages::ProtoRowsMessage;
/// use prost::Message;
///
/// let mut rows = ProtoRowsMessage::default();
/// rows.serialized_rows = vec![vec![0x08, 0x01], vec![]]; // an empty row is all-NULL
/// assert_eq!(rows.encode_to_vec(), [0x0a, 0x02, 0x08, 0x01, 0x0a, 0x00]);
/// ```
#[derive(Clone, PartialEq, prost::Message)]
#[non_exhaustive]
pub struct ProtoRowsMessage {
    /// Field 1: each row, serialized.
    #[prost(bytes = "vec", repeated, tag = "1")]
    pub serialized_rows: Vec<Vec<u8>>,
}

/// `AppendRowsRequest.ArrowData` (storage.proto).
///
/// # Examples
///
/// ```
/// use bqcodec::transport::messages::{AppendRowsRequest, ArrowData, ArrowRecordBatch, ArrowSchema, Rows};
/// use prost::Message;
///
/// let mut schema = ArrowSchema::default();
/// schema.serialized_schema = vec![0xAA];
/// let mut batch = ArrowRecordBatch::default();
/// batch.serialized_record_batch = vec![0xBB];
/// let mut data = ArrowData::default();
/// (data.writer_schema, data.rows) = (Some(schema), Some(batch));
/// let mut request = AppendRowsRequest::default();
/// request.rows = Some(Rows::ArrowRows(data));
/// // arrow_rows (5) { writer_schema (1) { 1: AA }, rows (2) { 1: BB } }; row_count 0 is not sent
/// assert_eq!(request.encode_to_vec(), [0x2a, 0x0a, 0x0a, 0x03, 0x0a, 0x01, 0xAA, 0x12, 0x03, 0x0a, 0x01, 0xBB]);
/// ```
#[derive(Clone, PartialEq, prost::Message)]
#[non_exhaustive]
pub struct ArrowData {
    /// Field 1: the Arrow schema; needed on the first request of a
    /// connection and after a schema change.
    #[prost(message, optional, tag = "1")]
    pub writer_schema: Option<ArrowSchema>,
    /// Field 2: one record batch.
    #[prost(message, optional, tag = "2")]
    pub rows: Option<ArrowRecordBatch>,
}

/// `google.cloud.bigquery.storage.v1.ArrowSchema` (arrow.proto).
///
/// # Examples
///
/// ```
/// use bqcodec::transport::messages::ArrowSchema;
/// use prost::Message;
///
/// let mut schema = ArrowSchema::default();
/// schema.serialized_schema = vec![0xFF, 0xFF, 0xFF, 0xFF]; // an IPC message starts with this marker
/// assert_eq!(schema.encode_to_vec(), [0x0a, 0x04, 0xFF, 0xFF, 0xFF, 0xFF]);
/// ```
#[derive(Clone, PartialEq, prost::Message)]
#[non_exhaustive]
pub struct ArrowSchema {
    /// Field 1: the schema as one IPC message
    /// (see [`crate::arrow::ipc::serialize_schema`] with feature `arrow`).
    #[prost(bytes = "vec", tag = "1")]
    pub serialized_schema: Vec<u8>,
}

/// `google.cloud.bigquery.storage.v1.ArrowRecordBatch` (arrow.proto).
///
/// # Examples
///
/// ```
/// use bqcodec::transport::messages::ArrowRecordBatch;
/// use prost::Message;
///
/// let mut batch = ArrowRecordBatch::default();
/// batch.serialized_record_batch = vec![0x01];
/// assert_eq!(batch.encode_to_vec(), [0x0a, 0x01, 0x01]);
/// batch.row_count = 3; // deprecated; the planner never sets it
/// assert_eq!(batch.encode_to_vec(), [0x0a, 0x01, 0x01, 0x10, 0x03]);
/// ```
#[derive(Clone, PartialEq, prost::Message)]
#[non_exhaustive]
pub struct ArrowRecordBatch {
    /// Field 1: one record batch as one IPC message.
    #[prost(bytes = "vec", tag = "1")]
    pub serialized_record_batch: Vec<u8>,
    /// Field 2: deprecated row count (arrow.proto says to use the
    /// format-independent count instead). The planner leaves it 0, so it
    /// is not sent.
    #[prost(int64, tag = "2")]
    pub row_count: i64,
}

/// `AppendRowsRequest.MissingValueInterpretation` (storage.proto).
///
/// # Examples
///
/// ```
/// use bqcodec::transport::messages::{AppendRowsRequest, MissingValueInterpretation};
/// use prost::Message;
///
/// let mut request = AppendRowsRequest::default();
/// request.missing_value_interpretations.insert("c".into(), MissingValueInterpretation::NullValue as i32);
/// request.default_missing_value_interpretation = MissingValueInterpretation::DefaultValue as i32;
/// // map entry (7) { key "c", value 1 }, then field 8 = 2
/// assert_eq!(request.encode_to_vec(), [0x3a, 0x05, 0x0a, 0x01, b'c', 0x10, 0x01, 0x40, 0x02]);
/// assert_eq!(MissingValueInterpretation::try_from(2), Ok(MissingValueInterpretation::DefaultValue));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, prost::Enumeration)]
#[repr(i32)]
#[non_exhaustive]
pub enum MissingValueInterpretation {
    /// 0: invalid; the service rejects a request with it.
    Unspecified = 0,
    /// 1: a missing value is NULL.
    NullValue = 1,
    /// 2: a missing value is the column's default value expression (NULL
    /// when the column has none).
    DefaultValue = 2,
}

/// `google.cloud.bigquery.storage.v1.AppendRowsResponse` (storage.proto).
///
/// # Examples
///
/// ```
/// use bqcodec::transport::messages::{AppendResponseKind, AppendRowsResponse};
/// use prost::Message;
///
/// // append_result (1) { offset (1): Int64Value { value (1): 7 } }
/// let response = AppendRowsResponse::decode(&[0x0a, 0x04, 0x0a, 0x02, 0x08, 0x07][..])?;
/// assert_eq!(response, AppendRowsResponse::success(Some(7)));
/// let Some(AppendResponseKind::AppendResult(result)) = &response.response else { panic!() };
/// assert_eq!(result.offset, Some(7));
/// assert!(response.row_errors.is_empty() && response.updated_schema.is_none());
/// # Ok::<(), prost::DecodeError>(())
/// ```
#[derive(Clone, PartialEq, prost::Message)]
#[non_exhaustive]
pub struct AppendRowsResponse {
    /// Fields 1 (`append_result`) and 2 (`error`): the `response` oneof.
    #[prost(oneof = "AppendResponseKind", tags = "1, 2")]
    pub response: Option<AppendResponseKind>,
    /// Field 3: the table's new schema, when the service saw it change.
    #[prost(message, optional, tag = "3")]
    pub updated_schema: Option<TableSchema>,
    /// Field 4: rows that made the whole request fail (`index` is the
    /// row's position in the request).
    #[prost(message, repeated, tag = "4")]
    pub row_errors: Vec<RowError>,
    /// Field 5: the stream the request went to.
    #[prost(string, tag = "5")]
    pub write_stream: String,
}

/// The `response` oneof of [`AppendRowsResponse`].
///
/// # Examples
///
/// ```
/// use bqcodec::transport::messages::{AppendResponseKind, AppendRowsResponse, Code, Status};
///
/// let response = AppendRowsResponse::failure(Status::new(Code::OutOfRange, "offset 9 > 4"), vec![]);
/// match &response.response {
///     Some(AppendResponseKind::Error(status)) => assert_eq!(status.code, Code::OutOfRange as i32),
///     _ => panic!("a failure carries the error arm"),
/// }
/// ```
#[derive(Clone, PartialEq, prost::Oneof)]
#[non_exhaustive]
pub enum AppendResponseKind {
    /// Field 1: the append succeeded.
    #[prost(message, tag = "1")]
    AppendResult(AppendResult),
    /// Field 2: the append failed; no row of the request was appended.
    #[prost(message, tag = "2")]
    Error(Status),
}

/// `AppendRowsResponse.AppendResult` (storage.proto).
///
/// # Examples
///
/// ```
/// use bqcodec::transport::messages::{AppendResponseKind, AppendRowsResponse};
/// use prost::Message;
///
/// // On _default the service sends an empty AppendResult: no offset.
/// let response = AppendRowsResponse::decode(&[0x0a, 0x00][..])?;
/// assert!(matches!(&response.response, Some(AppendResponseKind::AppendResult(r)) if r.offset.is_none()));
/// # Ok::<(), prost::DecodeError>(())
/// ```
#[derive(Clone, PartialEq, prost::Message)]
#[non_exhaustive]
pub struct AppendResult {
    /// Field 1 (`Int64Value`): the offset of the append; absent on the
    /// `_default` stream.
    #[prost(message, optional, tag = "1")]
    pub offset: Option<i64>,
}

/// `google.rpc.Status` (google/rpc/status.proto).
///
/// # Examples
///
/// ```
/// use bqcodec::transport::messages::{Code, Status};
/// use prost::Message;
///
/// let status = Status::new(Code::NotFound, "x");
/// assert_eq!(status.encode_to_vec(), [0x08, 0x05, 0x12, 0x01, b'x']); // code 5, message "x"
/// assert!(status.details.is_empty());
/// ```
#[derive(Clone, PartialEq, prost::Message)]
#[non_exhaustive]
pub struct Status {
    /// Field 1: a canonical code ([`Code`]).
    #[prost(int32, tag = "1")]
    pub code: i32,
    /// Field 2: the developer-facing message.
    #[prost(string, tag = "2")]
    pub message: String,
    /// Field 3: details; a [`StorageError`] may be among them
    /// (type URL [`STORAGE_ERROR_TYPE_URL`]).
    #[prost(message, repeated, tag = "3")]
    pub details: Vec<prost_types::Any>,
}

impl AppendRowsResponse {
    /// A success at `offset` (`None` on the `_default` stream): what a
    /// test double of the service answers. The message is
    /// `#[non_exhaustive]` (the service adds fields), so build it with this,
    /// [`AppendRowsResponse::failure`] or `Default` and field assignment.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::transport::messages::AppendRowsResponse;
    /// use prost::Message;
    ///
    /// assert_eq!(AppendRowsResponse::success(None).encode_to_vec(), [0x0a, 0x00]);
    /// assert_eq!(AppendRowsResponse::success(Some(3)).encode_to_vec(), [0x0a, 0x04, 0x0a, 0x02, 0x08, 0x03]);
    /// ```
    pub fn success(offset: Option<i64>) -> Self {
        AppendRowsResponse {
            response: Some(AppendResponseKind::AppendResult(AppendResult { offset })),
            ..Default::default()
        }
    }

    /// A failed append with `status` and the rows that made it fail.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::transport::messages::{AppendRowsResponse, Code, RowError, RowErrorCode, Status};
    ///
    /// let response = AppendRowsResponse::failure(
    ///     Status::new(Code::InvalidArgument, "rows have errors"),
    ///     vec![RowError::new(0, RowErrorCode::FieldsError, "bad date")],
    /// );
    /// assert_eq!(response.row_errors[0].message, "bad date");
    /// ```
    pub fn failure(status: Status, row_errors: Vec<RowError>) -> Self {
        AppendRowsResponse {
            response: Some(AppendResponseKind::Error(status)),
            row_errors,
            ..Default::default()
        }
    }
}

impl Status {
    /// A status of `code` with `message` and no details.
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Status {
            code: code as i32,
            message: message.into(),
            details: Vec::new(),
        }
    }
}

impl RowError {
    /// The error of the row at `index` in its request.
    pub fn new(index: i64, code: RowErrorCode, message: impl Into<String>) -> Self {
        RowError {
            index,
            code: code as i32,
            message: message.into(),
        }
    }
}

/// The `google.protobuf.Any` type URL of a [`StorageError`] detail.
///
/// # Examples
///
/// ```
/// use bqcodec::transport::messages::STORAGE_ERROR_TYPE_URL;
///
/// assert_eq!(STORAGE_ERROR_TYPE_URL, "type.googleapis.com/google.cloud.bigquery.storage.v1.StorageError");
/// ```
pub const STORAGE_ERROR_TYPE_URL: &str =
    "type.googleapis.com/google.cloud.bigquery.storage.v1.StorageError";

/// `google.rpc.Code`, the canonical status codes (google/rpc/code.proto).
///
/// # Examples
///
/// ```
/// use bqcodec::transport::messages::Code;
///
/// assert_eq!(Code::Unavailable as i32, 14);
/// assert_eq!(Code::try_from(6), Ok(Code::AlreadyExists));
/// assert!(Code::try_from(17).is_err()); // google.rpc.Code ends at 16
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, prost::Enumeration)]
#[repr(i32)]
pub enum Code {
    /// 0
    Ok = 0,
    /// 1
    Cancelled = 1,
    /// 2
    Unknown = 2,
    /// 3
    InvalidArgument = 3,
    /// 4
    DeadlineExceeded = 4,
    /// 5
    NotFound = 5,
    /// 6
    AlreadyExists = 6,
    /// 7
    PermissionDenied = 7,
    /// 8
    ResourceExhausted = 8,
    /// 9
    FailedPrecondition = 9,
    /// 10
    Aborted = 10,
    /// 11
    OutOfRange = 11,
    /// 12
    Unimplemented = 12,
    /// 13
    Internal = 13,
    /// 14
    Unavailable = 14,
    /// 15
    DataLoss = 15,
    /// 16
    Unauthenticated = 16,
}

/// `google.cloud.bigquery.storage.v1.RowError` (storage.proto).
///
/// # Examples
///
/// ```
/// use bqcodec::transport::messages::{RowError, RowErrorCode};
/// use prost::Message;
///
/// let error = RowError::new(2, RowErrorCode::FieldsError, "m");
/// assert_eq!(error.encode_to_vec(), [0x08, 0x02, 0x10, 0x01, 0x1a, 0x01, b'm']);
/// assert_eq!(RowErrorCode::try_from(error.code), Ok(RowErrorCode::FieldsError));
/// ```
#[derive(Clone, PartialEq, Eq, prost::Message)]
#[non_exhaustive]
pub struct RowError {
    /// Field 1: the row's position in its request.
    #[prost(int64, tag = "1")]
    pub index: i64,
    /// Field 2: [`RowErrorCode`].
    #[prost(enumeration = "RowErrorCode", tag = "2")]
    pub code: i32,
    /// Field 3: what is wrong with the row.
    #[prost(string, tag = "3")]
    pub message: String,
}

/// `RowError.RowErrorCode` (storage.proto).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, prost::Enumeration)]
#[repr(i32)]
#[non_exhaustive]
pub enum RowErrorCode {
    /// 0: unspecified.
    Unspecified = 0,
    /// 1: one or more fields of the row are wrong.
    FieldsError = 1,
}

/// `google.cloud.bigquery.storage.v1.StorageError` (storage.proto).
///
/// # Examples
///
/// ```
/// use bqcodec::transport::messages::{StorageError, StorageErrorCode};
/// use prost::Message;
///
/// let error = StorageError::decode(&[0x08, 0x08, 0x12, 0x01, b's'][..])?;
/// assert_eq!(StorageErrorCode::try_from(error.code), Ok(StorageErrorCode::OffsetAlreadyExists));
/// assert_eq!((error.entity.as_str(), error.error_message.as_str()), ("s", ""));
/// # Ok::<(), prost::DecodeError>(())
/// ```
#[derive(Clone, PartialEq, Eq, prost::Message)]
#[non_exhaustive]
pub struct StorageError {
    /// Field 1: [`StorageErrorCode`].
    #[prost(enumeration = "StorageErrorCode", tag = "1")]
    pub code: i32,
    /// Field 2: the failed entity's name.
    #[prost(string, tag = "2")]
    pub entity: String,
    /// Field 3: what went wrong.
    #[prost(string, tag = "3")]
    pub error_message: String,
}

/// `StorageError.StorageErrorCode` (storage.proto).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, prost::Enumeration)]
#[repr(i32)]
#[non_exhaustive]
pub enum StorageErrorCode {
    /// 0
    Unspecified = 0,
    /// 1: the table does not exist.
    TableNotFound = 1,
    /// 2: the stream is already committed.
    StreamAlreadyCommitted = 2,
    /// 3: the stream does not exist.
    StreamNotFound = 3,
    /// 4: the stream's type does not allow the call (e.g. committing a
    /// stream that is not PENDING).
    InvalidStreamType = 4,
    /// 5: the stream's state does not allow the call (e.g. committing a
    /// stream that is not finalized).
    InvalidStreamState = 5,
    /// 6: the stream is finalized.
    StreamFinalized = 6,
    /// 7: the writer schema has fields the table lacks.
    SchemaMismatchExtraFields = 7,
    /// 8: the offset was already written.
    OffsetAlreadyExists = 8,
    /// 9: the offset is beyond the end of the stream.
    OffsetOutOfRange = 9,
    /// 10: a customer-managed encryption key was needed and not given.
    CmekNotProvided = 10,
    /// 11: the customer-managed encryption key given is wrong.
    InvalidCmekProvided = 11,
    /// 12: encrypting with the customer-managed key failed.
    CmekEncryptionError = 12,
    /// 13: Cloud KMS returned an error; retryable.
    KmsServiceError = 13,
    /// 14: no permission to use the customer-managed key.
    KmsPermissionDenied = 14,
}

/// `google.cloud.bigquery.storage.v1.WriteStream` (stream.proto).
///
/// # Examples
///
/// ```
/// use bqcodec::transport::messages::{CreateWriteStreamRequest, WriteMode, WriteStream, WriteStreamType};
/// use prost::Message;
///
/// let mut stream = WriteStream::default();
/// stream.r#type = WriteStreamType::Pending as i32;
/// let mut request = CreateWriteStreamRequest::default();
/// request.parent = "projects/p/datasets/d/tables/t".into();
/// request.write_stream = Some(stream);
/// let expected = [&[0x0a, 30][..], b"projects/p/datasets/d/tables/t", &[0x12, 0x02, 0x10, 0x02]].concat();
/// assert_eq!(request.encode_to_vec(), expected);
/// assert_eq!(WriteMode::Insert as i32, 1);
/// ```
#[derive(Clone, PartialEq, prost::Message)]
#[non_exhaustive]
pub struct WriteStream {
    /// Field 1: the stream's full name (output only).
    #[prost(string, tag = "1")]
    pub name: String,
    /// Field 2: [`WriteStreamType`].
    #[prost(enumeration = "WriteStreamType", tag = "2")]
    pub r#type: i32,
    /// Field 3: creation time (output only).
    #[prost(message, optional, tag = "3")]
    pub create_time: Option<prost_types::Timestamp>,
    /// Field 4: commit time (output only).
    #[prost(message, optional, tag = "4")]
    pub commit_time: Option<prost_types::Timestamp>,
    /// Field 5: the table's schema, returned by CreateWriteStream.
    #[prost(message, optional, tag = "5")]
    pub table_schema: Option<TableSchema>,
    /// Field 7: [`WriteMode`].
    #[prost(enumeration = "WriteMode", tag = "7")]
    pub write_mode: i32,
    /// Field 8: the stream's location (output only).
    #[prost(string, tag = "8")]
    pub location: String,
}

/// `WriteStream.Type` (stream.proto).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, prost::Enumeration)]
#[repr(i32)]
#[non_exhaustive]
pub enum WriteStreamType {
    /// 0
    Unspecified = 0,
    /// 1: rows are visible as soon as the append is acknowledged.
    Committed = 1,
    /// 2: rows are visible once the stream is finalized and committed.
    Pending = 2,
    /// 3: rows are visible up to the offset flushed with FlushRows.
    Buffered = 3,
}

/// `WriteStream.WriteMode` (stream.proto).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, prost::Enumeration)]
#[repr(i32)]
#[non_exhaustive]
pub enum WriteMode {
    /// 0
    Unspecified = 0,
    /// 1: insert only.
    Insert = 1,
}

/// `google.cloud.bigquery.storage.v1.WriteStreamView` (stream.proto).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, prost::Enumeration)]
#[repr(i32)]
#[non_exhaustive]
pub enum WriteStreamView {
    /// 0: the service's default (BASIC).
    Unspecified = 0,
    /// 1: without the table schema.
    Basic = 1,
    /// 2: with the table schema.
    Full = 2,
}

/// `CreateWriteStreamRequest` (storage.proto).
#[derive(Clone, PartialEq, prost::Message)]
#[non_exhaustive]
pub struct CreateWriteStreamRequest {
    /// Field 1: `projects/{p}/datasets/{d}/tables/{t}`.
    #[prost(string, tag = "1")]
    pub parent: String,
    /// Field 2: the stream to create (set its `type`).
    #[prost(message, optional, tag = "2")]
    pub write_stream: Option<WriteStream>,
}

/// `GetWriteStreamRequest` (storage.proto). The response is a
/// [`WriteStream`].
///
/// # Examples
///
/// ```
/// use bqcodec::transport::messages::{GetWriteStreamRequest, WriteStreamView};
/// use prost::Message;
///
/// let mut request = GetWriteStreamRequest::default();
/// request.name = "s".into();
/// request.view = WriteStreamView::Full as i32; // with the table schema
/// assert_eq!(request.encode_to_vec(), [0x0a, 0x01, b's', 0x18, 0x02]); // view is field 3
/// ```
#[derive(Clone, PartialEq, prost::Message)]
#[non_exhaustive]
pub struct GetWriteStreamRequest {
    /// Field 1: the stream's full name.
    #[prost(string, tag = "1")]
    pub name: String,
    /// Field 3: [`WriteStreamView`].
    #[prost(enumeration = "WriteStreamView", tag = "3")]
    pub view: i32,
}

/// `FinalizeWriteStreamRequest` (storage.proto).
///
/// # Examples
///
/// ```
/// use bqcodec::transport::messages::{FinalizeWriteStreamRequest, FinalizeWriteStreamResponse};
/// use prost::Message;
///
/// let mut request = FinalizeWriteStreamRequest::default();
/// request.name = "s".into();
/// assert_eq!(request.encode_to_vec(), [0x0a, 0x01, b's']);
/// assert_eq!(FinalizeWriteStreamResponse::decode(&[0x08, 0x2a][..])?.row_count, 42);
/// # Ok::<(), prost::DecodeError>(())
/// ```
#[derive(Clone, PartialEq, prost::Message)]
#[non_exhaustive]
pub struct FinalizeWriteStreamRequest {
    /// Field 1: the stream's full name (not `_default`).
    #[prost(string, tag = "1")]
    pub name: String,
}

/// `FinalizeWriteStreamResponse` (storage.proto).
#[derive(Clone, PartialEq, prost::Message)]
#[non_exhaustive]
pub struct FinalizeWriteStreamResponse {
    /// Field 1: rows in the finalized stream.
    #[prost(int64, tag = "1")]
    pub row_count: i64,
}

/// `BatchCommitWriteStreamsRequest` (storage.proto).
///
/// # Examples
///
/// ```
/// use bqcodec::transport::messages::{BatchCommitWriteStreamsRequest, BatchCommitWriteStreamsResponse};
/// use prost::Message;
///
/// let mut request = BatchCommitWriteStreamsRequest::default();
/// request.parent = "t".into();
/// request.write_streams = vec!["a".into(), "b".into()];
/// assert_eq!(request.encode_to_vec(), [0x0a, 0x01, b't', 0x12, 0x01, b'a', 0x12, 0x01, b'b']);
/// // A failed commit: no commit_time, one StorageError { code: STREAM_ALREADY_COMMITTED }.
/// let response = BatchCommitWriteStreamsResponse::decode(&[0x12, 0x02, 0x08, 0x02][..])?;
/// assert!(response.commit_time.is_none());
/// assert_eq!(response.stream_errors[0].code, 2);
/// # Ok::<(), prost::DecodeError>(())
/// ```
#[derive(Clone, PartialEq, prost::Message)]
#[non_exhaustive]
pub struct BatchCommitWriteStreamsRequest {
    /// Field 1: `projects/{p}/datasets/{d}/tables/{t}`.
    #[prost(string, tag = "1")]
    pub parent: String,
    /// Field 2: the PENDING streams to commit atomically.
    #[prost(string, repeated, tag = "2")]
    pub write_streams: Vec<String>,
}

/// `BatchCommitWriteStreamsResponse` (storage.proto).
#[derive(Clone, PartialEq, prost::Message)]
#[non_exhaustive]
pub struct BatchCommitWriteStreamsResponse {
    /// Field 1: the commit time; absent when the commit failed.
    #[prost(message, optional, tag = "1")]
    pub commit_time: Option<prost_types::Timestamp>,
    /// Field 2: the streams that failed (then no stream was committed).
    #[prost(message, repeated, tag = "2")]
    pub stream_errors: Vec<StorageError>,
}

/// `FlushRowsRequest` (storage.proto).
///
/// # Examples
///
/// ```
/// use bqcodec::transport::messages::{FlushRowsRequest, FlushRowsResponse};
/// use prost::Message;
///
/// let mut request = FlushRowsRequest::default();
/// request.write_stream = "s".into();
/// request.offset = Some(9);
/// assert_eq!(request.encode_to_vec(), [0x0a, 0x01, b's', 0x12, 0x02, 0x08, 0x09]);
/// assert_eq!(FlushRowsResponse::decode(&[0x08, 0x09][..])?.offset, 9);
/// # Ok::<(), prost::DecodeError>(())
/// ```
#[derive(Clone, PartialEq, prost::Message)]
#[non_exhaustive]
pub struct FlushRowsRequest {
    /// Field 1: the BUFFERED stream's full name.
    #[prost(string, tag = "1")]
    pub write_stream: String,
    /// Field 2 (`Int64Value`): flush every row up to and including this
    /// offset.
    #[prost(message, optional, tag = "2")]
    pub offset: Option<i64>,
}

/// `FlushRowsResponse` (storage.proto).
#[derive(Clone, PartialEq, prost::Message)]
#[non_exhaustive]
pub struct FlushRowsResponse {
    /// Field 1: rows up to and including this offset are flushed.
    #[prost(int64, tag = "1")]
    pub offset: i64,
}

/// `google.cloud.bigquery.storage.v1.TableSchema` (table.proto).
///
/// # Examples
///
/// ```
/// use bqcodec::transport::messages::{FieldMode, FieldType, TableSchema};
/// use prost::Message;
///
/// // fields (1) { name (1) "n", type (2) INT64, mode (3) REQUIRED }
/// let schema = TableSchema::decode(&[0x0a, 0x07, 0x0a, 0x01, b'n', 0x10, 0x02, 0x18, 0x02][..])?;
/// let field = &schema.fields[0];
/// assert_eq!(field.name, "n");
/// assert_eq!((FieldType::try_from(field.r#type), FieldMode::try_from(field.mode)), (Ok(FieldType::Int64), Ok(FieldMode::Required)));
/// # Ok::<(), prost::DecodeError>(())
/// ```
#[derive(Clone, PartialEq, prost::Message)]
#[non_exhaustive]
pub struct TableSchema {
    /// Field 1: the columns.
    #[prost(message, repeated, tag = "1")]
    pub fields: Vec<TableFieldSchema>,
}

/// `google.cloud.bigquery.storage.v1.TableFieldSchema` (table.proto).
///
/// # Examples
///
/// ```
/// use bqcodec::transport::messages::{FieldType, TableFieldSchema, TableSchema};
/// use bqcodec::transport::table_schema_from_message;
///
/// let mut price = TableFieldSchema::default(); // mode 0 reads as NULLABLE
/// price.name = "price".into();
/// price.r#type = FieldType::Numeric as i32;
/// (price.precision, price.scale) = (10, 2);
/// let mut message = TableSchema::default();
/// message.fields.push(price);
/// let schema = table_schema_from_message(&message)?;
/// assert_eq!((schema.fields[0].precision, schema.fields[0].scale), (Some(10), Some(2)));
/// # Ok::<(), bqcodec::SchemaError>(())
/// ```
#[derive(Clone, PartialEq, prost::Message)]
#[non_exhaustive]
pub struct TableFieldSchema {
    /// Field 1: the column name.
    #[prost(string, tag = "1")]
    pub name: String,
    /// Field 2: [`FieldType`].
    #[prost(enumeration = "FieldType", tag = "2")]
    pub r#type: i32,
    /// Field 3: [`FieldMode`] (0 means NULLABLE).
    #[prost(enumeration = "FieldMode", tag = "3")]
    pub mode: i32,
    /// Field 4: sub-fields of a STRUCT.
    #[prost(message, repeated, tag = "4")]
    pub fields: Vec<TableFieldSchema>,
    /// Field 6: the description.
    #[prost(string, tag = "6")]
    pub description: String,
    /// Field 7: the maximum length of a STRING (characters) or BYTES
    /// (bytes); 0 means none.
    #[prost(int64, tag = "7")]
    pub max_length: i64,
    /// Field 8: NUMERIC/BIGNUMERIC precision; 0 means none.
    #[prost(int64, tag = "8")]
    pub precision: i64,
    /// Field 9: NUMERIC/BIGNUMERIC scale.
    #[prost(int64, tag = "9")]
    pub scale: i64,
    /// Field 10: the default value expression (SQL).
    #[prost(string, tag = "10")]
    pub default_value_expression: String,
    /// Field 11: the element type of a RANGE.
    #[prost(message, optional, tag = "11")]
    pub range_element_type: Option<FieldElementType>,
    /// Field 27 (`Int64Value`): TIMESTAMP precision (6 or 12).
    #[prost(message, optional, tag = "27")]
    pub timestamp_precision: Option<i64>,
}

/// `TableFieldSchema.FieldElementType` (table.proto).
///
/// # Examples
///
/// ```
/// use bqcodec::transport::messages::{FieldElementType, FieldType, TableFieldSchema, TableSchema};
/// use bqcodec::transport::table_schema_from_message;
///
/// let mut element = FieldElementType::default();
/// element.r#type = FieldType::Date as i32;
/// let mut during = TableFieldSchema::default();
/// during.name = "during".into();
/// during.r#type = FieldType::Range as i32;
/// during.range_element_type = Some(element);
/// let mut message = TableSchema::default();
/// message.fields.push(during);
/// assert_eq!(table_schema_from_message(&message)?.fields[0].field_type.sql_name(), "RANGE<DATE>");
/// message.fields[0].range_element_type = None; // a RANGE needs its element type
/// assert!(table_schema_from_message(&message).is_err());
/// # Ok::<(), bqcodec::SchemaError>(())
/// ```
#[derive(Clone, PartialEq, prost::Message)]
#[non_exhaustive]
pub struct FieldElementType {
    /// Field 1: [`FieldType`].
    #[prost(enumeration = "FieldType", tag = "1")]
    pub r#type: i32,
}

/// `TableFieldSchema.Type` (table.proto).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, prost::Enumeration)]
#[repr(i32)]
#[non_exhaustive]
pub enum FieldType {
    /// 0
    Unspecified = 0,
    /// 1
    String = 1,
    /// 2
    Int64 = 2,
    /// 3 (FLOAT64)
    Double = 3,
    /// 4 (RECORD)
    Struct = 4,
    /// 5
    Bytes = 5,
    /// 6
    Bool = 6,
    /// 7
    Timestamp = 7,
    /// 8
    Date = 8,
    /// 9
    Time = 9,
    /// 10
    Datetime = 10,
    /// 11
    Geography = 11,
    /// 12
    Numeric = 12,
    /// 13
    Bignumeric = 13,
    /// 14
    Interval = 14,
    /// 15
    Json = 15,
    /// 16
    Range = 16,
}

/// `TableFieldSchema.Mode` (table.proto).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, prost::Enumeration)]
#[repr(i32)]
pub enum FieldMode {
    /// 0
    Unspecified = 0,
    /// 1
    Nullable = 1,
    /// 2
    Required = 2,
    /// 3
    Repeated = 3,
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    //! Expected bytes are computed by hand from the protobuf encoding
    //! rules (protobuf.dev "Encoding": key = field number << 3 | wire type,
    //! varints, length-delimited fields) and the field numbers cited above.
    use super::*;
    use prost::Message;

    #[test]
    fn append_rows_request_proto_bytes() {
        let r = AppendRowsRequest {
            write_stream: "s".into(),
            offset: Some(5),
            rows: Some(Rows::ProtoRows(ProtoData {
                writer_schema: Some(ProtoSchema {
                    proto_descriptor: vec![0x0a, 0x01, b'R'],
                }),
                rows: Some(ProtoRowsMessage {
                    serialized_rows: vec![vec![0x08, 0x01]],
                }),
            })),
            trace_id: "t".into(),
            missing_value_interpretations: [("c".to_owned(), 1)].into_iter().collect(),
            default_missing_value_interpretation: 2,
        };
        let expected: Vec<u8> = [
            &[0x0a, 0x01, b's'][..],                     // 1: write_stream
            &[0x12, 0x02, 0x08, 0x05],                   // 2: Int64Value{5}
            &[0x22, 0x0d],                               // 4: ProtoData, 13 bytes
            &[0x0a, 0x05, 0x0a, 0x03, 0x0a, 0x01, b'R'], //   1: ProtoSchema{1: bytes}
            &[0x12, 0x04, 0x0a, 0x02, 0x08, 0x01],       //   2: ProtoRows{1: row}
            &[0x32, 0x01, b't'],                         // 6: trace_id
            &[0x3a, 0x05, 0x0a, 0x01, b'c', 0x10, 0x01], // 7: map entry {c: NULL_VALUE}
            &[0x40, 0x02],                               // 8: DEFAULT_VALUE
        ]
        .concat();
        assert_eq!(r.encode_to_vec(), expected);
        assert_eq!(r.encoded_len(), expected.len());
        assert_eq!(AppendRowsRequest::decode(expected.as_slice()).unwrap(), r);
    }

    #[test]
    fn offset_zero_is_present() {
        // Int64Value{0} is an empty message, but the field is still sent:
        // offset 0 ("a new stream") differs from no offset.
        let r = AppendRowsRequest {
            offset: Some(0),
            ..Default::default()
        };
        assert_eq!(r.encode_to_vec(), vec![0x12, 0x00]);
        assert_eq!(
            AppendRowsRequest::default().encode_to_vec(),
            Vec::<u8>::new()
        );
    }

    #[test]
    fn append_rows_request_arrow_bytes() {
        let r = AppendRowsRequest {
            write_stream: "s".into(),
            rows: Some(Rows::ArrowRows(ArrowData {
                writer_schema: Some(ArrowSchema {
                    serialized_schema: vec![1, 2],
                }),
                rows: Some(ArrowRecordBatch {
                    serialized_record_batch: vec![3],
                    row_count: 0,
                }),
            })),
            ..Default::default()
        };
        assert_eq!(
            r.encode_to_vec(),
            vec![
                0x0a, 0x01, b's', // 1
                0x2a, 0x0b, // 5: ArrowData, 11 bytes
                0x0a, 0x04, 0x0a, 0x02, 1, 2, // 1: ArrowSchema{1}
                0x12, 0x03, 0x0a, 0x01, 3, // 2: ArrowRecordBatch{1}
            ]
        );
    }

    #[test]
    fn append_rows_response_decodes() {
        let any = prost_types::Any {
            type_url: STORAGE_ERROR_TYPE_URL.into(),
            value: vec![0x08, 0x08, 0x12, 0x01, b'e'], // StorageError{8, "e"}
        };
        let mut bytes = vec![0x0a, 0x04, 0x0a, 0x02, 0x08, 0x07]; // 1: AppendResult{Int64Value{7}}
        bytes.extend([0x22, 0x07, 0x08, 0x01, 0x10, 0x01, 0x1a, 0x01, b'x']); // 4: RowError
        bytes.extend([0x2a, 0x01, b's']); // 5: write_stream
        let r = AppendRowsResponse::decode(bytes.as_slice()).unwrap();
        assert_eq!(
            r.response,
            Some(AppendResponseKind::AppendResult(AppendResult {
                offset: Some(7)
            }))
        );
        assert_eq!(
            r.row_errors,
            vec![RowError {
                index: 1,
                code: RowErrorCode::FieldsError as i32,
                message: "x".into()
            }]
        );
        assert_eq!(r.write_stream, "s");
        let status = Status {
            code: Code::AlreadyExists as i32,
            message: "m".into(),
            details: vec![any],
        };
        let e = AppendRowsResponse {
            response: Some(AppendResponseKind::Error(status.clone())),
            ..Default::default()
        };
        let enc = e.encode_to_vec();
        // 2: Status{1: 6, 2: "m", 3: Any{1: url, 2: value}}: the URL has
        // 65 bytes, so Any = (2 + 65) + (2 + 5) = 74, the details field
        // 2 + 74 = 76, Status = 2 + 3 + 76 = 81 = 0x51.
        assert_eq!(STORAGE_ERROR_TYPE_URL.len(), 65);
        assert_eq!(&enc[..7], &[0x12, 0x51, 0x08, 0x06, 0x12, 0x01, b'm']);
        assert_eq!(enc.len(), 2 + 0x51);
        let back = AppendRowsResponse::decode(enc.as_slice()).unwrap();
        let Some(AppendResponseKind::Error(s)) = back.response else {
            panic!("not an error")
        };
        let se = StorageError::decode(s.details[0].value.as_slice()).unwrap();
        assert_eq!((se.code, se.entity.as_str()), (8, "e"));
    }

    #[test]
    fn stream_and_table_messages_bytes() {
        let w = WriteStream {
            r#type: WriteStreamType::Pending as i32,
            write_mode: WriteMode::Insert as i32,
            location: "US".into(),
            ..Default::default()
        };
        assert_eq!(
            w.encode_to_vec(),
            vec![0x10, 0x02, 0x38, 0x01, 0x42, 0x02, b'U', b'S']
        );
        let f = TableFieldSchema {
            name: "r".into(),
            r#type: FieldType::Range as i32,
            mode: FieldMode::Required as i32,
            max_length: 10,
            precision: 5,
            scale: 2,
            default_value_expression: "x".into(),
            range_element_type: Some(FieldElementType {
                r#type: FieldType::Date as i32,
            }),
            ..Default::default()
        };
        assert_eq!(
            f.encode_to_vec(),
            vec![
                0x0a, 0x01, b'r', 0x10, 16, 0x18, 2, 0x38, 10, 0x40, 5, 0x48, 2, 0x52, 0x01, b'x',
                0x5a, 0x02, 0x08, 8
            ]
        );
        let c = BatchCommitWriteStreamsRequest {
            parent: "p".into(),
            write_streams: vec!["a".into(), "b".into()],
        };
        assert_eq!(c.encode_to_vec(), b"\x0a\x01p\x12\x01a\x12\x01b".to_vec());
        let fl = FlushRowsRequest {
            write_stream: "s".into(),
            offset: Some(3),
        };
        assert_eq!(
            fl.encode_to_vec(),
            vec![0x0a, 0x01, b's', 0x12, 0x02, 0x08, 0x03]
        );
        let cr = CreateWriteStreamRequest {
            parent: "p".into(),
            write_stream: Some(WriteStream {
                r#type: WriteStreamType::Committed as i32,
                ..Default::default()
            }),
        };
        assert_eq!(
            cr.encode_to_vec(),
            vec![0x0a, 0x01, b'p', 0x12, 0x02, 0x10, 0x01]
        );
        let g = GetWriteStreamRequest {
            name: "n".into(),
            view: WriteStreamView::Full as i32,
        };
        assert_eq!(g.encode_to_vec(), vec![0x0a, 0x01, b'n', 0x18, 0x02]);
        assert_eq!(
            FinalizeWriteStreamResponse::decode(&[0x08, 0x2a][..])
                .unwrap()
                .row_count,
            42
        );
        assert_eq!(
            FlushRowsResponse::decode(&[0x08, 0x03][..]).unwrap().offset,
            3
        );
    }

    #[test]
    fn enum_values() {
        // storage.proto / stream.proto / table.proto / google/rpc/code.proto
        assert_eq!(StorageErrorCode::KmsPermissionDenied as i32, 14);
        assert_eq!(StorageErrorCode::OffsetOutOfRange as i32, 9);
        assert_eq!(StorageErrorCode::SchemaMismatchExtraFields as i32, 7);
        assert_eq!(MissingValueInterpretation::DefaultValue as i32, 2);
        assert_eq!(WriteStreamType::Buffered as i32, 3);
        assert_eq!(FieldType::Json as i32, 15);
        assert_eq!(FieldType::Double as i32, 3);
        assert_eq!(Code::Unauthenticated as i32, 16);
        assert_eq!(Code::OutOfRange as i32, 11);
        assert_eq!(Code::AlreadyExists as i32, 6);
    }
}
