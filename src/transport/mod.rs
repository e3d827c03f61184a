//! The sans-IO request layer of the transport: the Storage Write API v1
//! messages, an append planner that cuts encoded rows into AppendRows
//! requests under the size limit, and response handling that maps errors
//! back to the caller's input rows and says what to do about them. The
//! same outcome types cover insertAll responses.
//!
//! No I/O and no async here: a gRPC or REST client sends
//! [`PlannedAppend::encode`]'s bytes (or the [`AppendRowsRequest`]) and
//! hands the response back to [`read_append_response`].
//!
//! - [`messages`]: the prost types, field numbers from googleapis'
//!   `google/cloud/bigquery/storage/v1/*.proto`.
//! - [`WriteStreamName`]: `_default` or a created stream.
//! - [`AppendPlanner`]: rows → [`PlannedAppend`]s (size, writer schema,
//!   offsets, trace id, missing-value interpretations).
//! - [`read_append_response`], [`AppendFailure`], [`ErrorClass`]: what a
//!   response means.
//! - [`insert_all_rejected_rows`]: insertAll responses in the same terms.
//!
//! The clients that do the I/O are behind features: `rest` (feature
//! `transport-rest`, insertAll and friends over ureq) and `grpc` (feature
//! `transport-grpc`, the Storage Write API over tonic); both take their
//! bearer tokens from `auth`.
//!
//! ```
//! use bqcodec::proto::{DescriptorOptions, ProtoWriter};
//! use bqcodec::transport::messages::AppendRowsResponse;
//! use bqcodec::transport::{AppendOptions, AppendPlanner, WriteStreamName, WriterSchema, read_append_response};
//! use bqcodec::{plan::WalkOptions, TableSchema};
//!
//! let schema = TableSchema::from_json(r#"[{"name": "n", "type": "INT64"}]"#)?;
//! let writer = ProtoWriter::new(&schema, DescriptorOptions::default(), WalkOptions::new())?;
//! let (rows, _) = writer.encode_ndjson(b"{\"n\": 1}\n{\"n\": 2}\n", 0);
//! let stream = WriteStreamName::parse("projects/p/datasets/d/tables/t/streams/s")?;
//! let descriptor = WriterSchema::Proto(writer.proto_schema().descriptor_proto_bytes().to_vec());
//! let mut planner = AppendPlanner::new(stream, descriptor, AppendOptions::new())?;
//! let plan = planner.plan_proto(&rows);
//! let request = &plan.requests[0];
//! assert_eq!((request.len(), request.offset()), (2, Some(0)));
//! // What the service answers (built as a test double would):
//! let response = AppendRowsResponse::success(Some(0));
//! assert!(read_append_response(request, &response)?.is_success());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod append;
#[cfg(any(feature = "transport-rest", feature = "transport-grpc"))]
pub mod auth;
#[cfg(feature = "transport-grpc")]
pub mod grpc;
mod insert_all;
pub mod messages;
mod response;
#[cfg(feature = "transport-rest")]
pub mod rest;
mod schema;
mod session;
mod stream;

pub use append::{
    APPEND_ROWS_LIMIT, AppendOptions, AppendPlan, AppendPlanner, ArrowRows, DEFAULT_FRAMING_MARGIN,
    OversizedBatch, PlannedAppend, WriterSchema,
};
pub use insert_all::{insert_all_rejected_rows, insert_all_rows_to_retry, rejected_row};
pub use messages::{AppendRowsRequest, AppendRowsResponse, MissingValueInterpretation};
pub use response::{
    AppendFailure, AppendOutcome, ErrorClass, RejectedRow, decode_append_response,
    read_append_response,
};
pub use schema::table_schema_from_message;
pub use session::{AppendReport, AppendSession, RowErrorPolicy, SessionStep};
pub use stream::{DEFAULT_STREAM_ID, WriteStreamName};
