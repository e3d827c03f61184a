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
#[derive(Clone, PartialEq, prost::Message)]
#[non_exhaustive]
pub struct ProtoRowsMessage {
    /// Field 1: each row, serialized.
    #[prost(bytes = "vec", repeated, tag = "1")]
    pub serialized_rows: Vec<Vec<u8>>,
}

/// `AppendRowsRequest.ArrowData` (storage.proto).
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
#[derive(Clone, PartialEq, prost::Message)]
#[non_exhaustive]
pub struct ArrowSchema {
    /// Field 1: the schema as one IPC message
    /// (see [`crate::arrow::ipc::serialize_schema`] with feature `arrow`).
    #[prost(bytes = "vec", tag = "1")]
    pub serialized_schema: Vec<u8>,
}

/// `google.cloud.bigquery.storage.v1.ArrowRecordBatch` (arrow.proto).
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
#[derive(Clone, PartialEq, prost::Message)]
#[non_exhaustive]
pub struct AppendResult {
    /// Field 1 (`Int64Value`): the offset of the append; absent on the
    /// `_default` stream.
    #[prost(message, optional, tag = "1")]
    pub offset: Option<i64>,
}

/// `google.rpc.Status` (google/rpc/status.proto).
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
    pub fn success(offset: Option<i64>) -> Self {
        AppendRowsResponse {
            response: Some(AppendResponseKind::AppendResult(AppendResult { offset })),
            ..Default::default()
        }
    }

    /// A failed append with `status` and the rows that made it fail.
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
pub const STORAGE_ERROR_TYPE_URL: &str =
    "type.googleapis.com/google.cloud.bigquery.storage.v1.StorageError";

/// `google.rpc.Code`, the canonical status codes (google/rpc/code.proto).
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
#[derive(Clone, PartialEq, prost::Message)]
#[non_exhaustive]
pub struct TableSchema {
    /// Field 1: the columns.
    #[prost(message, repeated, tag = "1")]
    pub fields: Vec<TableFieldSchema>,
}

/// `google.cloud.bigquery.storage.v1.TableFieldSchema` (table.proto).
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
