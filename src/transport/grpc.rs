//! A thin gRPC client for the BigQuery Storage Write API (feature
//! `transport-grpc`): CreateWriteStream, GetWriteStream,
//! FinalizeWriteStream, BatchCommitWriteStreams, FlushRows, and AppendRows
//! as one bidirectional stream at a time.
//!
//! The messages are this crate's hand-written prost types
//! ([`super::messages`]) sent with tonic's generic client
//! (`tonic::client::Grpc` and `tonic_prost::ProstCodec`) on the method
//! paths of `google.cloud.bigquery.storage.v1.BigQueryWrite` — no protoc,
//! no build script. The requests come from the sans-IO
//! [`AppendPlanner`](super::AppendPlanner) and the responses are read with
//! [`read_append_response`](super::read_append_response) by the sans-IO
//! [`AppendSession`]; this file only moves them.
//!
//! # Choices
//!
//! - **Blocking.** The client owns a current-thread tokio runtime and every
//!   call blocks, like [`RestClient`](super::rest::RestClient) (feature
//!   `transport-rest`). Calling it from inside a tokio runtime is refused
//!   with an error (a nested runtime would panic).
//! - **Endpoint.** [`DEFAULT_ENDPOINT`]
//!   (`https://bigquerystorage.googleapis.com`, TLS with rustls and the
//!   webpki roots) or any `http://host:port` (plain HTTP/2, emulators).
//! - **Headers.** `authorization: Bearer …` from the [`TokenSource`] on
//!   every call (none from [`NoAuth`]), and
//!   `x-goog-request-params: write_stream=…` (or `parent=…`/`name=…`, the
//!   routing field of each method), the value percent-encoded except for
//!   unreserved characters and `/`.
//! - **Retries.** Only what [`ErrorClass::is_retryable`] says (TRANSIENT:
//!   UNAVAILABLE, INTERNAL, DEADLINE_EXCEEDED, CANCELLED; RESOURCE_EXHAUSTED;
//!   ABORTED), at most [`GrpcRetry::max_attempts`] sends per request,
//!   exponential backoff from [`GrpcRetry::initial_backoff`] capped at
//!   [`GrpcRetry::max_backoff`] (no jitter: one writer per stream).
//! - **AppendRows.** Requests are sent in plan order on one connection,
//!   at most [`AppendLimits::max_requests`] requests and
//!   [`AppendLimits::max_bytes`] bytes unanswered (always at least one),
//!   and responses read in order. What each response means — row errors
//!   (by default the request's other rows are sent once more without the
//!   bad ones, [`RowErrorPolicy`]), retries, reconnects with the writer
//!   schema resent, offsets that move down past rejected rows, what stops
//!   an append on a stream with offsets — is decided by the sans-IO
//!   [`AppendSession`]; its docs have the rules. A
//!   response waits at most [`AppendLimits::response_timeout`] (then the
//!   connection counts as lost: TRANSIENT, resent).

use std::time::Duration;

use prost::Message;
use tokio_stream::wrappers::ReceiverStream;
use tonic::client::Grpc;
use tonic::codegen::http::uri::PathAndQuery;
use tonic::metadata::MetadataValue;
use tonic::transport::{Channel, ClientTlsConfig, Endpoint};

use super::append::PlannedAppend;
use super::auth::{AuthError, NoAuth, TokenSource};
use super::messages::{
    AppendRowsRequest, AppendRowsResponse, BatchCommitWriteStreamsRequest,
    BatchCommitWriteStreamsResponse, Code, CreateWriteStreamRequest, FinalizeWriteStreamRequest,
    FinalizeWriteStreamResponse, FlushRowsRequest, FlushRowsResponse, GetWriteStreamRequest,
    Status, WriteStream, WriteStreamType, WriteStreamView,
};
use super::response::{AppendFailure, ErrorClass};
use super::session::{AppendSession, RowErrorPolicy, SessionStep};
use super::stream::WriteStreamName;
use crate::error::ValueError;

/// Google's Storage Write API endpoint.
///
/// # Examples
///
/// ```
/// use bqcodec::transport::grpc::{GrpcClient, DEFAULT_ENDPOINT};
///
/// // Connects at the first call, so building a client needs no network.
/// assert_eq!(GrpcClient::new(DEFAULT_ENDPOINT)?.endpoint(), "https://bigquerystorage.googleapis.com");
/// # Ok::<(), bqcodec::transport::grpc::GrpcError>(())
/// ```
pub const DEFAULT_ENDPOINT: &str = "https://bigquerystorage.googleapis.com";

const SERVICE: &str = "/google.cloud.bigquery.storage.v1.BigQueryWrite/";

/// A failed gRPC call.
///
/// # Examples
///
/// ```
/// use bqcodec::transport::grpc::{GrpcClient, GrpcError};
/// use bqcodec::transport::ErrorClass;
///
/// let err = GrpcClient::new("ftp://example.com").unwrap_err();
/// assert!(matches!(err, GrpcError::Invalid(_)));
/// assert_eq!(err.class(), ErrorClass::InvalidRequest);
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GrpcError {
    /// The service (or the connection) answered with a non-OK status.
    #[error(transparent)]
    Status(#[from] AppendFailure),
    /// No token for the request.
    #[error(transparent)]
    Auth(#[from] AuthError),
    /// An endpoint, name or argument the client does not accept, or a call
    /// from inside a tokio runtime.
    #[error(transparent)]
    Invalid(#[from] ValueError),
}

impl GrpcError {
    /// The class of the failure (`PermissionDenied` for no token,
    /// `InvalidRequest` for a refused argument).
    pub fn class(&self) -> ErrorClass {
        match self {
            GrpcError::Status(f) => f.class,
            GrpcError::Auth(_) => ErrorClass::PermissionDenied,
            GrpcError::Invalid(_) => ErrorClass::InvalidRequest,
        }
    }
}

/// How often and how long to retry retryable failures.
///
/// # Examples
///
/// ```
/// use bqcodec::transport::grpc::GrpcRetry;
/// use std::time::Duration;
///
/// let retry = GrpcRetry::new().with_max_attempts(3).with_backoff(Duration::from_secs(2), Duration::from_secs(1));
/// assert_eq!(retry.max_attempts, 3);
/// assert_eq!(retry.max_backoff, Duration::from_secs(2)); // a cap below the first wait is raised to it
/// assert_eq!(GrpcRetry::default().max_attempts, 5);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct GrpcRetry {
    /// Sends per request, the first included (at least 1). Default 5.
    pub max_attempts: u32,
    /// Wait before the second send. Default 250 ms (four times longer for
    /// RESOURCE_EXHAUSTED).
    pub initial_backoff: Duration,
    /// Longest wait. Default 20 s.
    pub max_backoff: Duration,
}

impl Default for GrpcRetry {
    fn default() -> Self {
        GrpcRetry {
            max_attempts: 5,
            initial_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(20),
        }
    }
}

impl GrpcRetry {
    /// The defaults (see the fields).
    pub fn new() -> Self {
        Self::default()
    }

    /// Sends per request (0 is taken as 1: no retry).
    pub fn with_max_attempts(mut self, n: u32) -> Self {
        self.max_attempts = n.max(1);
        self
    }

    /// The first wait and the cap (a cap below the first wait is raised to it).
    pub fn with_backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_backoff = initial;
        self.max_backoff = max.max(initial);
        self
    }

    /// The wait after failed attempt `attempt` (1-based).
    fn delay(&self, attempt: u32, class: ErrorClass) -> Duration {
        let factor = if class == ErrorClass::ResourceExhausted {
            4
        } else {
            1
        };
        let exp = 1u32
            .checked_shl(attempt.saturating_sub(1).min(16))
            .unwrap_or(u32::MAX);
        self.initial_backoff
            .saturating_mul(factor)
            .saturating_mul(exp)
            .min(self.max_backoff)
    }
}

/// In-flight limits and the response timeout of AppendRows.
///
/// # Examples
///
/// ```
/// use bqcodec::transport::grpc::{AppendLimits, GrpcClient};
/// use std::time::Duration;
///
/// let limits = AppendLimits::new();
/// assert_eq!((limits.max_requests, limits.max_bytes, limits.response_timeout),
///     (16, 64 << 20, Duration::from_secs(120)));
/// let tight = AppendLimits::new().with_in_flight(0, 1 << 20).with_response_timeout(Duration::from_secs(30));
/// assert_eq!(tight.max_requests, 1); // 0 is taken as 1
/// let client = GrpcClient::new("http://127.0.0.1:9060")?.with_limits(tight);
/// # let _ = client;
/// # Ok::<(), bqcodec::transport::grpc::GrpcError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct AppendLimits {
    /// Unanswered requests at most (at least 1). Default 16.
    pub max_requests: usize,
    /// Unanswered request bytes at most; one request is always allowed.
    /// Default 64 MiB.
    pub max_bytes: usize,
    /// How long to wait for one response. Default 120 s.
    pub response_timeout: Duration,
}

impl Default for AppendLimits {
    fn default() -> Self {
        AppendLimits {
            max_requests: 16,
            max_bytes: 64 << 20,
            response_timeout: Duration::from_secs(120),
        }
    }
}

impl AppendLimits {
    /// The defaults (see the fields).
    pub fn new() -> Self {
        Self::default()
    }

    /// Unanswered requests and bytes at most (0 requests is taken as 1).
    pub fn with_in_flight(mut self, requests: usize, bytes: usize) -> Self {
        self.max_requests = requests.max(1);
        self.max_bytes = bytes;
        self
    }

    /// How long to wait for one response.
    pub fn with_response_timeout(mut self, timeout: Duration) -> Self {
        self.response_timeout = timeout;
        self
    }
}

/// What [`GrpcClient::append_rows`] did (the sans-IO session's report).
pub use super::session::AppendReport;

/// The gRPC client: an endpoint, a [`TokenSource`], retry and in-flight
/// settings, one lazily connected channel and a current-thread runtime.
///
/// # Examples
///
/// ```no_run
/// use bqcodec::proto::{DescriptorOptions, ProtoWriter};
/// use bqcodec::transport::auth::EnvToken;
/// use bqcodec::transport::grpc::{GrpcClient, DEFAULT_ENDPOINT};
/// use bqcodec::transport::messages::WriteStreamType;
/// use bqcodec::transport::{AppendOptions, AppendPlanner, WriteStreamName, WriterSchema};
/// use bqcodec::{plan::WalkOptions, TableSchema};
///
/// let schema = TableSchema::from_json(r#"[{"name": "n", "type": "INT64"}]"#)?;
/// let writer = ProtoWriter::new(&schema, DescriptorOptions::default(), WalkOptions::new())?;
/// let (rows, _) = writer.encode_ndjson(b"{\"n\": 1}\n{\"n\": 2}\n", 0);
/// let client = GrpcClient::new(DEFAULT_ENDPOINT)?.with_auth(EnvToken::new("BQ_TOKEN"));
/// let table = "projects/my-project/datasets/sales/tables/orders";
/// let stream = WriteStreamName::parse(&client.create_write_stream(table, WriteStreamType::Pending)?.name)?;
/// let descriptor = WriterSchema::Proto(writer.proto_schema().descriptor_proto_bytes().to_vec());
/// let plan = AppendPlanner::new(stream.clone(), descriptor, AppendOptions::new())?.plan_proto(&rows);
/// let report = client.append_rows(&stream, &plan.requests)?;
/// if report.rejected.is_empty() {
///     client.finalize_write_stream(&stream)?;
///     client.batch_commit_write_streams(table, &[&stream])?; // the rows become visible at once
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct GrpcClient {
    runtime: tokio::runtime::Runtime,
    channel: Channel,
    endpoint: String,
    auth: Box<dyn TokenSource>,
    retry: GrpcRetry,
    limits: AppendLimits,
    row_errors: RowErrorPolicy,
}

impl std::fmt::Debug for GrpcClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GrpcClient")
            .field("endpoint", &self.endpoint)
            .field("retry", &self.retry)
            .field("limits", &self.limits)
            .field("row_errors", &self.row_errors)
            .finish_non_exhaustive()
    }
}

fn status_failure(status: &tonic::Status) -> AppendFailure {
    // `grpc-status-details-bin` carries the whole google.rpc.Status, with
    // a StorageError among its details when the service sends one.
    let details = Status::decode(status.details())
        .map(|s| s.details)
        .unwrap_or_default();
    // A status tonic made from a transport error (the connection was cut,
    // reset, or refused mid-call) carries that error as its source and the
    // code UNKNOWN; no server sent it, and the same request on a new
    // connection can succeed: read as UNAVAILABLE (transient).
    let (code, message) = match std::error::Error::source(status) {
        Some(source) if status.code() == tonic::Code::Unknown => (
            Code::Unavailable as i32,
            format!("connection lost: {}: {source}", status.message()),
        ),
        _ => (status.code() as i32, status.message().to_owned()),
    };
    AppendFailure::from_status(
        &Status {
            code,
            message,
            details,
        },
        false,
    )
}

fn local_failure(code: Code, message: String) -> AppendFailure {
    AppendFailure::from_status(
        &Status {
            code: code as i32,
            message,
            details: Vec::new(),
        },
        false,
    )
}

/// Percent-encodes a routing header value: all but unreserved characters
/// and `/`.
fn routing_value(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// One open AppendRows connection.
struct Connection {
    tx: tokio::sync::mpsc::Sender<AppendRowsRequest>,
    responses: tonic::Streaming<AppendRowsResponse>,
}

impl GrpcClient {
    /// A client for `endpoint` (`https://…` or `http://host:port`, no path
    /// but an optional trailing `/`), no token, the default retry policy
    /// and in-flight limits. Connects at the first call. Rejects any other
    /// scheme, an endpoint with a path, query or spaces, and a call from
    /// inside a tokio runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::transport::grpc::GrpcClient;
    ///
    /// assert_eq!(GrpcClient::new("http://127.0.0.1:9060/")?.endpoint(), "http://127.0.0.1:9060");
    /// assert!(GrpcClient::new("https://bigquerystorage.googleapis.com/v1").is_err()); // no path
    /// # Ok::<(), bqcodec::transport::grpc::GrpcError>(())
    /// ```
    pub fn new(endpoint: &str) -> Result<GrpcClient, GrpcError> {
        let e = endpoint.strip_suffix('/').unwrap_or(endpoint);
        let (tls, rest) = match (e.strip_prefix("https://"), e.strip_prefix("http://")) {
            (Some(r), _) => (true, r),
            (None, Some(r)) => (false, r),
            (None, None) => (false, ""),
        };
        let bad = || {
            ValueError::invalid(
                "an endpoint such as https://bigquerystorage.googleapis.com or http://127.0.0.1:9060",
                endpoint,
            )
        };
        if rest.is_empty() || rest.contains(['/', '?', '#', ' ']) || !rest.is_ascii() {
            return Err(bad().into());
        }
        not_in_runtime()?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|err| ValueError::invalid("a tokio runtime", &err.to_string()))?;
        let mut ep = Endpoint::from_shared(e.to_owned())
            .map_err(|_| bad())?
            .connect_timeout(Duration::from_secs(30))
            .http2_keep_alive_interval(Duration::from_secs(30));
        if tls {
            ep = ep
                .tls_config(ClientTlsConfig::new().with_webpki_roots())
                .map_err(|err| ValueError::invalid("a TLS configuration", &err.to_string()))?;
        }
        let channel = {
            let _guard = runtime.enter();
            ep.connect_lazy()
        };
        Ok(GrpcClient {
            runtime,
            channel,
            endpoint: e.to_owned(),
            auth: Box::new(NoAuth),
            retry: GrpcRetry::default(),
            limits: AppendLimits::default(),
            row_errors: RowErrorPolicy::default(),
        })
    }

    /// Uses `auth` for every call.
    pub fn with_auth(mut self, auth: impl TokenSource + 'static) -> Self {
        self.auth = Box::new(auth);
        self
    }

    /// Uses `retry`.
    pub fn with_retry(mut self, retry: GrpcRetry) -> Self {
        self.retry = retry;
        self
    }

    /// What to do with the other rows of a request whose response lists
    /// row errors (default [`RowErrorPolicy::ResendOthers`]: send them once
    /// more without the listed rows).
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::transport::grpc::GrpcClient;
    /// use bqcodec::transport::RowErrorPolicy;
    ///
    /// // Reject a whole request when any of its rows is bad, instead of resending the others:
    /// let client = GrpcClient::new("http://127.0.0.1:9060")?.with_row_error_policy(RowErrorPolicy::RejectRequest);
    /// # let _ = client;
    /// # Ok::<(), bqcodec::transport::grpc::GrpcError>(())
    /// ```
    pub fn with_row_error_policy(mut self, policy: RowErrorPolicy) -> Self {
        self.row_errors = policy;
        self
    }

    /// Uses `limits` for AppendRows.
    pub fn with_limits(mut self, limits: AppendLimits) -> Self {
        self.limits = limits;
        self
    }

    /// The endpoint, without a trailing `/`.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    fn request<T>(&self, message: T, routing: &str) -> Result<tonic::Request<T>, GrpcError> {
        let mut request = tonic::Request::new(message);
        let md = request.metadata_mut();
        if let Some(token) = self.auth.token()? {
            let v = MetadataValue::try_from(format!("Bearer {token}")).map_err(|_| AuthError {
                message: "the token cannot go in a header".into(),
            })?;
            md.insert("authorization", v);
        }
        let v = MetadataValue::try_from(routing)
            .map_err(|_| ValueError::invalid("a routing header value", routing))?;
        md.insert("x-goog-request-params", v);
        Ok(request)
    }

    /// One unary call with retries.
    fn unary<Q, R>(&self, method: &'static str, message: Q, routing: &str) -> Result<R, GrpcError>
    where
        Q: Message + Clone + Send + Sync + 'static,
        R: Message + Default + Send + Sync + 'static,
    {
        not_in_runtime()?;
        let path = PathAndQuery::try_from(format!("{SERVICE}{method}"))
            .map_err(|_| ValueError::invalid("a gRPC method name", method))?;
        let mut attempt = 0u32;
        loop {
            attempt = attempt.saturating_add(1);
            let request = self.request(message.clone(), routing)?;
            let mut grpc = Grpc::new(self.channel.clone());
            let codec = tonic_prost::ProstCodec::<Q, R>::default();
            let path = path.clone();
            let result = self.runtime.block_on(async move {
                grpc.ready().await.map_err(|e| {
                    local_failure(Code::Unavailable, format!("cannot connect: {e}"))
                })?;
                grpc.unary(request, path, codec)
                    .await
                    .map(tonic::Response::into_inner)
                    .map_err(|s| status_failure(&s))
            });
            match result {
                Ok(r) => return Ok(r),
                Err(f) if f.is_retryable() && attempt < self.retry.max_attempts => {
                    std::thread::sleep(self.retry.delay(attempt, f.class));
                }
                Err(f) => return Err(f.into()),
            }
        }
    }

    /// CreateWriteStream: a new COMMITTED, PENDING or BUFFERED stream on
    /// `table` (`projects/P/datasets/D/tables/T`). Rejects
    /// `WriteStreamType::Unspecified`.
    pub fn create_write_stream(
        &self,
        table: &str,
        kind: WriteStreamType,
    ) -> Result<WriteStream, GrpcError> {
        if kind == WriteStreamType::Unspecified {
            return Err(ValueError::invalid(
                "a stream type COMMITTED, PENDING or BUFFERED",
                "TYPE_UNSPECIFIED",
            )
            .into());
        }
        let request = CreateWriteStreamRequest {
            parent: table.to_owned(),
            write_stream: Some(WriteStream {
                r#type: kind as i32,
                ..Default::default()
            }),
        };
        let routing = format!("parent={}", routing_value(table));
        self.unary("CreateWriteStream", request, &routing)
    }

    /// GetWriteStream with the given view.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use bqcodec::transport::grpc::GrpcClient;
    /// use bqcodec::transport::messages::WriteStreamView;
    /// use bqcodec::transport::{table_schema_from_message, WriteStreamName};
    ///
    /// let client = GrpcClient::new("http://127.0.0.1:9060")?;
    /// let stream = WriteStreamName::default_stream("p", "d", "t")?;
    /// let info = client.get_write_stream(&stream, WriteStreamView::Full)?;
    /// if let Some(schema) = &info.table_schema {
    ///     println!("{}", table_schema_from_message(schema)?.to_json_string_pretty());
    /// }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn get_write_stream(
        &self,
        stream: &WriteStreamName,
        view: WriteStreamView,
    ) -> Result<WriteStream, GrpcError> {
        let request = GetWriteStreamRequest {
            name: stream.as_str().to_owned(),
            view: view as i32,
        };
        let routing = format!("name={}", routing_value(stream.as_str()));
        self.unary("GetWriteStream", request, &routing)
    }

    /// FinalizeWriteStream: no more appends; gives the stream's row count.
    pub fn finalize_write_stream(&self, stream: &WriteStreamName) -> Result<i64, GrpcError> {
        let request = FinalizeWriteStreamRequest {
            name: stream.as_str().to_owned(),
        };
        let routing = format!("name={}", routing_value(stream.as_str()));
        let r: FinalizeWriteStreamResponse =
            self.unary("FinalizeWriteStream", request, &routing)?;
        Ok(r.row_count)
    }

    /// BatchCommitWriteStreams: commits finalized PENDING streams of
    /// `table` atomically. A response with `stream_errors` is returned as
    /// the first one's failure (nothing was committed then).
    pub fn batch_commit_write_streams(
        &self,
        table: &str,
        streams: &[&WriteStreamName],
    ) -> Result<BatchCommitWriteStreamsResponse, GrpcError> {
        let request = BatchCommitWriteStreamsRequest {
            parent: table.to_owned(),
            write_streams: streams.iter().map(|s| s.as_str().to_owned()).collect(),
        };
        let routing = format!("parent={}", routing_value(table));
        let r: BatchCommitWriteStreamsResponse =
            self.unary("BatchCommitWriteStreams", request, &routing)?;
        if let Some(e) = r.stream_errors.first() {
            return Err(AppendFailure::from_storage_error(e).into());
        }
        Ok(r)
    }

    /// FlushRows on a BUFFERED stream: rows up to and including `offset`
    /// become visible; gives the flushed offset. Rejects a negative offset.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use bqcodec::transport::grpc::GrpcClient;
    /// use bqcodec::transport::messages::WriteStreamType;
    /// use bqcodec::transport::WriteStreamName;
    ///
    /// let client = GrpcClient::new("http://127.0.0.1:9060")?;
    /// let created = client.create_write_stream("projects/p/datasets/d/tables/t", WriteStreamType::Buffered)?;
    /// let stream = WriteStreamName::parse(&created.name)?;
    /// // … append rows 0..=99 …
    /// assert_eq!(client.flush_rows(&stream, 99)?, 99); // rows 0..=99 are now visible
    /// assert!(client.flush_rows(&stream, -1).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn flush_rows(&self, stream: &WriteStreamName, offset: i64) -> Result<i64, GrpcError> {
        if offset < 0 {
            return Err(ValueError::out_of_range("an offset ≥ 0", &offset.to_string()).into());
        }
        let request = FlushRowsRequest {
            write_stream: stream.as_str().to_owned(),
            offset: Some(offset),
        };
        let routing = format!("write_stream={}", routing_value(stream.as_str()));
        let r: FlushRowsResponse = self.unary("FlushRows", request, &routing)?;
        Ok(r.offset)
    }

    /// AppendRows: sends `plan` (from one [`AppendPlanner`](super::AppendPlanner),
    /// in order, all for `stream`) and reads the responses (see the module
    /// docs for in-flight limits, reconnects, retries and what stops the
    /// append). Per-row and per-request failures are in the report; an
    /// `Err` means nothing could be tried (no token, a call from inside a
    /// runtime).
    pub fn append_rows(
        &self,
        stream: &WriteStreamName,
        plan: &[PlannedAppend],
    ) -> Result<AppendReport, GrpcError> {
        self.append_rows_with_progress(stream, plan, &mut |_| {})
    }

    /// [`append_rows`](Self::append_rows), calling `progress` with the
    /// report so far after each response (rows appended, requests and
    /// bytes sent; its `rejected` is not sorted yet).
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use bqcodec::transport::grpc::GrpcClient;
    /// use bqcodec::transport::{AppendOptions, AppendPlanner, WriteStreamName, WriterSchema};
    ///
    /// let client = GrpcClient::new("http://127.0.0.1:9060")?;
    /// let stream = WriteStreamName::default_stream("p", "d", "t")?;
    /// let mut planner = AppendPlanner::new(stream.clone(), WriterSchema::Proto(vec![0x0a, 0x01, b'R']), AppendOptions::new())?;
    /// let plan = planner.plan_rows([(0, &[0x08, 0x01][..])]);
    /// let report = client.append_rows_with_progress(&stream, &plan.requests, &mut |so_far| {
    ///     eprintln!("{} of {} rows appended", so_far.appended, so_far.rows);
    /// })?;
    /// assert_eq!(report.appended + report.rejected.len(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn append_rows_with_progress(
        &self,
        stream: &WriteStreamName,
        plan: &[PlannedAppend],
        progress: &mut dyn FnMut(&AppendReport),
    ) -> Result<AppendReport, GrpcError> {
        not_in_runtime()?;
        // Checked once: a token that goes away mid-append fails the next
        // connection as a permission error.
        let routing = format!("write_stream={}", routing_value(stream.as_str()));
        self.request((), &routing)?;
        let path = PathAndQuery::try_from(format!("{SERVICE}AppendRows"))
            .map_err(|_| ValueError::invalid("a gRPC method name", "AppendRows"))?;
        Ok(self
            .runtime
            .block_on(self.append_async(plan, &routing, path, progress)))
    }

    async fn connect(
        &self,
        routing: &str,
        path: PathAndQuery,
        first: Vec<AppendRowsRequest>,
    ) -> Result<Connection, AppendFailure> {
        let (tx, rx) = tokio::sync::mpsc::channel(self.limits.max_requests.saturating_add(1));
        // The first requests go in before the call is made: a server may
        // send its headers only with its first response.
        for r in first {
            let _ = tx.try_send(r);
        }
        let request = self
            .request(ReceiverStream::new(rx), routing)
            .map_err(|e| local_failure(Code::PermissionDenied, e.to_string()))?;
        let mut grpc = Grpc::new(self.channel.clone());
        grpc.ready()
            .await
            .map_err(|e| local_failure(Code::Unavailable, format!("cannot connect: {e}")))?;
        let codec = tonic_prost::ProstCodec::<AppendRowsRequest, AppendRowsResponse>::default();
        let responses = grpc
            .streaming(request, path, codec)
            .await
            .map_err(|s| status_failure(&s))?
            .into_inner();
        Ok(Connection { tx, responses })
    }

    async fn append_async(
        &self,
        plan: &[PlannedAppend],
        routing: &str,
        path: PathAndQuery,
        progress: &mut dyn FnMut(&AppendReport),
    ) -> AppendReport {
        let mut session = AppendSession::new(plan, self.row_errors, self.retry.max_attempts);
        let mut conn: Option<Connection> = None;
        while !session.is_done() {
            // Fill the window.
            let mut batch = Vec::new();
            while let Some(r) =
                session.next_request(self.limits.max_requests, self.limits.max_bytes)
            {
                batch.push(r);
            }
            let batch_requests = batch.len();
            let batch_bytes: usize = batch.iter().map(Message::encoded_len).sum();
            let response = match conn.as_mut() {
                None => match self.connect(routing, path.clone(), batch).await {
                    Ok(c) => {
                        // Counted as sent once a connection took them.
                        session.sent(batch_requests, batch_bytes);
                        conn = Some(c);
                        continue;
                    }
                    Err(f) => Err(f),
                },
                Some(c) => {
                    session.sent(batch_requests, batch_bytes);
                    for r in batch {
                        let _ = c.tx.try_send(r);
                    }
                    if session.in_flight() == 0 {
                        continue;
                    }
                    match tokio::time::timeout(self.limits.response_timeout, c.responses.message())
                        .await
                    {
                        Err(_) => Err(local_failure(
                            Code::DeadlineExceeded,
                            format!(
                                "no AppendRows response within {:?}",
                                self.limits.response_timeout
                            ),
                        )),
                        Ok(Err(s)) => Err(status_failure(&s)),
                        Ok(Ok(None)) => Err(local_failure(
                            Code::Unavailable,
                            "the server closed the AppendRows stream".into(),
                        )),
                        Ok(Ok(Some(r))) => Ok(r),
                    }
                }
            };
            let step = match response {
                Ok(r) => session.on_response(&r),
                Err(f) => session.on_connection_lost(f),
            };
            progress(session.report());
            match step {
                SessionStep::Continue => {}
                SessionStep::Reconnect => conn = None,
                SessionStep::Backoff {
                    class,
                    attempt,
                    reconnect,
                } => {
                    if reconnect {
                        conn = None;
                    }
                    tokio::time::sleep(self.retry.delay(attempt, class)).await;
                }
            }
        }
        session.finish()
    }
}

fn not_in_runtime() -> Result<(), ValueError> {
    if tokio::runtime::Handle::try_current().is_ok() {
        return Err(ValueError::invalid(
            "a call from outside any tokio runtime (the client blocks)",
            "a call from inside a tokio runtime",
        ));
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn endpoints() {
        let c = GrpcClient::new("http://127.0.0.1:9/").unwrap();
        assert_eq!(c.endpoint(), "http://127.0.0.1:9");
        assert!(GrpcClient::new(DEFAULT_ENDPOINT).is_ok());
        for bad in ["ftp://x", "https://", "https://x/path", "x:1", "http://a b"] {
            assert!(GrpcClient::new(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn routing_values_and_backoff() {
        assert_eq!(
            routing_value("projects/p/datasets/d/tables/t$1 x"),
            "projects/p/datasets/d/tables/t%241%20x"
        );
        let r = GrpcRetry::new().with_backoff(Duration::from_millis(100), Duration::from_secs(1));
        assert_eq!(
            r.delay(1, ErrorClass::Transient),
            Duration::from_millis(100)
        );
        assert_eq!(
            r.delay(3, ErrorClass::Transient),
            Duration::from_millis(400)
        );
        assert_eq!(r.delay(40, ErrorClass::Transient), Duration::from_secs(1));
        assert_eq!(
            r.delay(1, ErrorClass::ResourceExhausted),
            Duration::from_millis(400)
        );
    }

    #[test]
    fn status_details_are_read() {
        use crate::transport::messages::{STORAGE_ERROR_TYPE_URL, StorageError, StorageErrorCode};
        let detail = StorageError {
            code: StorageErrorCode::OffsetAlreadyExists as i32,
            entity: "s".into(),
            error_message: "dup".into(),
        };
        let full = Status {
            code: Code::AlreadyExists as i32,
            message: "m".into(),
            details: vec![prost_types::Any {
                type_url: STORAGE_ERROR_TYPE_URL.into(),
                value: detail.encode_to_vec(),
            }],
        };
        let s = tonic::Status::with_details(
            tonic::Code::AlreadyExists,
            "m",
            full.encode_to_vec().into(),
        );
        let f = status_failure(&s);
        assert_eq!(f.class, ErrorClass::OffsetAlreadyExists);
        assert_eq!(f.storage_error, Some(detail));
        let plain = status_failure(&tonic::Status::unavailable("down"));
        assert_eq!(
            (plain.class, plain.message.as_str()),
            (ErrorClass::Transient, "down")
        );
    }

    #[test]
    fn append_without_a_server_retries_then_rejects_every_row() {
        let c = GrpcClient::new("http://127.0.0.1:1").unwrap().with_retry(
            GrpcRetry::new()
                .with_max_attempts(2)
                .with_backoff(Duration::from_millis(1), Duration::from_millis(2)),
        );
        let d = WriteStreamName::parse("projects/p/datasets/d/tables/t").unwrap();
        let mut planner = crate::transport::AppendPlanner::new(
            d.clone(),
            crate::transport::WriterSchema::Proto(vec![0x0a, 0x01, b'R']),
            crate::transport::AppendOptions::new(),
        )
        .unwrap();
        let row = [0x08u8, 0x01];
        let plan = planner.plan_rows([(4usize, &row[..]), (7, &row[..])]);
        let report = c.append_rows(&d, &plan.requests).unwrap();
        // One request, tried twice (the retry) on a connection that never
        // opens (so nothing counts as sent), then its rows rejected; the
        // _default stream has no offsets, so nothing stops.
        assert_eq!((report.rows, report.appended, report.requests), (2, 0, 0));
        assert_eq!(report.bytes, 0);
        let got: Vec<_> = report
            .rejected
            .iter()
            .map(|r| (r.input_row, r.request_row, r.class))
            .collect();
        assert_eq!(
            got,
            vec![(4, 0, ErrorClass::Transient), (7, 1, ErrorClass::Transient)]
        );
        assert!(report.stopped_by.is_none());

        // With offsets (a created stream) a failure stops the append and
        // the later requests' rows are rejected as not appended.
        let s = WriteStreamName::parse("projects/p/datasets/d/tables/t/streams/s").unwrap();
        let mut planner = crate::transport::AppendPlanner::new(
            s.clone(),
            crate::transport::WriterSchema::Proto(vec![0x0a, 0x01, b'R']),
            crate::transport::AppendOptions::new()
                .with_limit(64)
                .with_margin(0),
        )
        .unwrap();
        let plan = planner.plan_rows((0..6usize).map(|i| (i, &row[..])));
        assert!(plan.requests.len() > 1);
        let c = c.with_retry(GrpcRetry::new().with_max_attempts(1));
        let report = c.append_rows(&s, &plan.requests).unwrap();
        assert_eq!(report.requests, 0);
        assert_eq!(
            report.stopped_by.as_ref().map(|f| f.class),
            Some(ErrorClass::Transient)
        );
        assert_eq!(report.rejected.len(), 6);
        let later = &report.rejected[plan.requests[0].len()];
        assert_eq!(later.class, ErrorClass::Aborted);
        assert!(
            later
                .message
                .starts_with("not appended: an earlier request")
        );
    }

    #[test]
    fn refused_inside_a_runtime_and_without_a_server() {
        let c = GrpcClient::new("http://127.0.0.1:1")
            .unwrap()
            .with_retry(GrpcRetry::new().with_max_attempts(1));
        let s = WriteStreamName::parse("projects/p/datasets/d/tables/t").unwrap();
        let err = c.finalize_write_stream(&s).unwrap_err();
        assert_eq!(err.class(), ErrorClass::Transient);
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let inside = rt.block_on(async { c.flush_rows(&s, 0).map(|_| ()) });
        assert_eq!(inside.unwrap_err().class(), ErrorClass::InvalidRequest);
    }
}
