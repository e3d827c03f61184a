//! A thin blocking REST client for the BigQuery v2 API (feature
//! `transport-rest`): `tabledata.insertAll`, `jobs.insert` (the continuous
//! export job body of [`crate::bigtable::ContinuousJob`]), and the calls a
//! test or a loader needs around them: `datasets.insert`, `tables.insert`,
//! `tabledata.list`.
//!
//! The bytes come from the sans-IO layers ([`crate::insert_all`] builds the
//! bodies, [`insert_all_rejected_rows`] reads the answers); this file only
//! sends them with [`ureq`] and retries.
//!
//! # Choices
//!
//! - Endpoint: [`DEFAULT_ENDPOINT`] (`https://bigquery.googleapis.com`) or
//!   any `http://host:port` / `https://…` base (emulators), without a
//!   trailing path; paths are `/bigquery/v2/projects/P/…`, each name
//!   percent-encoded (all but unreserved characters and `:` `$` `@`, so a
//!   `domain:project` and a `table$20240101` decorator go through as written).
//! - Retries ([`RetryPolicy`]): only what [`ErrorClass::is_retryable`] says
//!   (HTTP 408, 429, 500, 502, 503, 504, a 403 whose reason is
//!   `rateLimitExceeded`, and connection failures), at most
//!   `max_attempts` sends per request, exponential backoff from
//!   `initial_backoff` (four times longer for rate limits) capped at
//!   `max_backoff`, with up to 25 % jitter taken from the clock.
//! - insertAll rows the service rejected with a retryable reason
//!   (`stopped`, `backendError`, `rateLimitExceeded`, …) are resent in a new
//!   body — but only when *every* rejection of that response is retryable:
//!   without `skipInvalidRows` an invalid row makes the service refuse the
//!   others as `stopped`, and resending those alone would turn an
//!   all-or-nothing request into a partial insert. They are then reported
//!   as rejected ([`ErrorClass::Aborted`]).
//! - A whole-call failure of one insertAll body that is not retried (or
//!   still fails after the last attempt) does not stop the other bodies:
//!   its rows are reported as rejected with the call's class and message.
//!   [`RestClient::insert_all`] on a single body returns it as an error.

use std::time::Duration;

use super::auth::{NoAuth, TokenSource};
use super::insert_all::{insert_all_rejected_rows, insert_all_rows_to_retry};
use super::response::{ErrorClass, RejectedRow};
use crate::error::ValueError;
use crate::insert_all::{InsertAllOptions, InsertAllRequest, InsertAllRows, RequestBatcher};
use crate::schema::TableSchema;

/// Google's BigQuery REST endpoint.
///
/// # Examples
///
/// ```
/// use bqcodec::transport::rest::{RestClient, DEFAULT_ENDPOINT};
///
/// assert_eq!(RestClient::new(DEFAULT_ENDPOINT)?.endpoint(), "https://bigquery.googleapis.com");
/// # Ok::<(), bqcodec::ValueError>(())
/// ```
pub const DEFAULT_ENDPOINT: &str = "https://bigquery.googleapis.com";

/// A failed REST call.
///
/// # Examples
///
/// ```
/// use bqcodec::transport::rest::{RestClient, RestError, TableRef};
/// use bqcodec::transport::ErrorClass;
///
/// // Nothing listens on port 9 of loopback: no answer is a Connection error, transient.
/// let client = RestClient::new("http://127.0.0.1:9")?
///     .with_retry(bqcodec::transport::rest::RetryPolicy::new().with_max_attempts(1));
/// let err = client.list_rows(&TableRef::parse("p.d.t")?, Some(1), None).unwrap_err();
/// assert!(matches!(err, RestError::Connection { .. }));
/// assert_eq!(err.class(), ErrorClass::Transient);
/// # Ok::<(), bqcodec::ValueError>(())
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RestError {
    /// The service answered with an error status.
    #[error("HTTP {status} ({class}): {message}; {advice}", advice = class.advice())]
    Http {
        /// The HTTP status.
        status: u16,
        /// What kind of failure (from the status and the body's reason).
        class: ErrorClass,
        /// The body's `error.message` (or the body itself, cut to 500 bytes).
        message: String,
    },
    /// No answer: connection refused, reset, timed out, TLS failure.
    #[error("no answer from {url}: {message}")]
    Connection {
        /// The URL called.
        url: String,
        /// The client's message.
        message: String,
    },
    /// No token for the request.
    #[error(transparent)]
    Auth(#[from] super::auth::AuthError),
    /// A name, endpoint or response the client does not accept.
    #[error(transparent)]
    Invalid(#[from] ValueError),
}

impl RestError {
    /// The class of the failure: the HTTP one, `Transient` for no answer,
    /// `PermissionDenied` for no token, `InvalidRequest` otherwise.
    pub fn class(&self) -> ErrorClass {
        match self {
            RestError::Http { class, .. } => *class,
            RestError::Connection { .. } => ErrorClass::Transient,
            RestError::Auth(_) => ErrorClass::PermissionDenied,
            RestError::Invalid(_) => ErrorClass::InvalidRequest,
        }
    }
}

/// How often and how long to retry retryable failures.
///
/// # Examples
///
/// ```
/// use bqcodec::transport::rest::{RestClient, RetryPolicy};
/// use std::time::Duration;
///
/// let retry = RetryPolicy::new();
/// assert_eq!((retry.max_attempts, retry.initial_backoff, retry.max_backoff),
///     (5, Duration::from_millis(250), Duration::from_secs(20)));
/// let quick = RetryPolicy::new().with_max_attempts(0).with_backoff(Duration::from_millis(10), Duration::from_secs(1));
/// assert_eq!(quick.max_attempts, 1); // one send, no retry
/// let client = RestClient::new("http://127.0.0.1:9050")?.with_retry(quick);
/// # let _ = client;
/// # Ok::<(), bqcodec::ValueError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Sends per request, the first included (at least 1). Default 5.
    pub max_attempts: u32,
    /// Wait before the second send. Default 250 ms.
    pub initial_backoff: Duration,
    /// Longest wait. Default 20 s.
    pub max_backoff: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 5,
            initial_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(20),
        }
    }
}

impl RetryPolicy {
    /// The default policy (see the fields).
    pub fn new() -> Self {
        Self::default()
    }

    /// Sends per request (0 is taken as 1: one send, no retry).
    pub fn with_max_attempts(mut self, n: u32) -> Self {
        self.max_attempts = n.max(1);
        self
    }

    /// The first wait and the cap.
    pub fn with_backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_backoff = initial;
        self.max_backoff = max.max(initial);
        self
    }

    /// The wait after failed attempt `attempt` (1-based) of `class`.
    fn delay(&self, attempt: u32, class: ErrorClass) -> Duration {
        let factor = if class == ErrorClass::ResourceExhausted {
            4u32
        } else {
            1
        };
        let exp = 1u32
            .checked_shl(attempt.saturating_sub(1).min(16))
            .unwrap_or(u32::MAX);
        let base = self
            .initial_backoff
            .saturating_mul(factor)
            .saturating_mul(exp)
            .min(self.max_backoff);
        // Jitter from the clock's nanoseconds: up to a quarter of the wait.
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let quarter = base / 4;
        let jitter = quarter.mul_f64(f64::from(nanos % 1000) / 1000.0);
        base.saturating_add(jitter).min(self.max_backoff)
    }
}

/// A table: project, dataset, table (the table may carry a `$` partition
/// decorator).
///
/// # Examples
///
/// ```
/// use bqcodec::transport::rest::TableRef;
///
/// let t = TableRef::parse("example.com:proj.sales.orders$20240101")?;
/// assert_eq!((t.project.as_str(), t.dataset.as_str(), t.table.as_str()),
///     ("example.com:proj", "sales", "orders$20240101"));
/// assert!(TableRef::parse("sales.orders").is_err());
/// assert!(TableRef::parse("p..t").is_err());
/// # Ok::<(), bqcodec::ValueError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableRef {
    /// The project ID (may be `domain:project`).
    pub project: String,
    /// The dataset ID.
    pub dataset: String,
    /// The table ID.
    pub table: String,
}

impl TableRef {
    /// Parses `PROJECT.DATASET.TABLE`: a `domain.com:project` keeps its dot
    /// (the project is everything before the last two dots). Rejects fewer
    /// than three non-empty parts.
    pub fn parse(text: &str) -> Result<TableRef, ValueError> {
        let bad = || ValueError::invalid("a table as PROJECT.DATASET.TABLE", text);
        let (rest, table) = text.rsplit_once('.').ok_or_else(bad)?;
        let (project, dataset) = rest.rsplit_once('.').ok_or_else(bad)?;
        if project.is_empty() || dataset.is_empty() || table.is_empty() {
            return Err(bad());
        }
        Ok(TableRef {
            project: project.to_owned(),
            dataset: dataset.to_owned(),
            table: table.to_owned(),
        })
    }
}

/// What [`RestClient::insert_all_rows`] did.
///
/// # Examples
///
/// ```no_run
/// use bqcodec::insert_all::{InsertAllOptions, InsertAllWriter, InsertIds};
/// use bqcodec::transport::rest::{RestClient, TableRef};
/// use bqcodec::{plan::WalkOptions, TableSchema};
///
/// let schema = TableSchema::from_json(r#"[{"name": "n", "type": "INT64"}]"#)?;
/// let writer = InsertAllWriter::new(&schema, WalkOptions::new(), InsertIds::None, InsertAllOptions::new())?;
/// let (rows, _) = writer.encode_rows_ndjson(b"{\"n\": 1}\n{\"n\": 2}\n", 0);
/// let client = RestClient::new("http://127.0.0.1:9050")?; // an emulator
/// let report = client.insert_all_rows(&TableRef::parse("p.d.t")?, &rows, writer.options());
/// println!("{} rows, {} requests, {} bytes, {} rejected", report.rows, report.requests, report.bytes, report.rejected.len());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct InsertAllReport {
    /// Rows given.
    pub rows: usize,
    /// HTTP requests sent (retries included).
    pub requests: usize,
    /// Request body bytes sent (retries included).
    pub bytes: usize,
    /// Rows not in the table at the end, by input row.
    pub rejected: Vec<RejectedRow>,
}

/// One page of `tabledata.list`.
///
/// # Examples
///
/// ```no_run
/// use bqcodec::transport::rest::{RestClient, TableRef};
///
/// let client = RestClient::new("http://127.0.0.1:9050")?;
/// let table = TableRef::parse("p.d.t")?;
/// let mut token = None;
/// loop {
///     let page = client.list_rows(&table, Some(1000), token.as_deref())?;
///     for row in &page.rows { println!("{row}"); } // {"f": [{"v": …}, …]}
///     token = page.page_token;
///     if token.is_none() { break; }
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct TableDataPage {
    /// The rows as the API gives them: `{"f": [{"v": …}, …]}` each.
    pub rows: Vec<serde_json::Value>,
    /// The token of the next page, if any.
    pub page_token: Option<String>,
    /// `totalRows`, when given.
    pub total_rows: Option<u64>,
}

/// The REST client: an endpoint, a [`TokenSource`], a [`RetryPolicy`], one
/// connection pool.
///
/// # Examples
///
/// ```no_run
/// use bqcodec::transport::auth::EnvToken;
/// use bqcodec::transport::rest::{RestClient, TableRef, DEFAULT_ENDPOINT};
/// use bqcodec::TableSchema;
///
/// let client = RestClient::new(DEFAULT_ENDPOINT)?.with_auth(EnvToken::new("BQ_TOKEN"));
/// let schema = TableSchema::from_json(r#"[{"name": "id", "type": "INT64", "mode": "REQUIRED"}]"#)?;
/// client.create_dataset("my-project", "sales")?;
/// client.create_table(&TableRef::parse("my-project.sales.orders")?, &schema)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct RestClient {
    agent: ureq::Agent,
    endpoint: String,
    auth: Box<dyn TokenSource>,
    retry: RetryPolicy,
}

impl std::fmt::Debug for RestClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RestClient")
            .field("endpoint", &self.endpoint)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

impl RestClient {
    /// A client for `endpoint` (`https://…` or `http://host:port`, no path
    /// but an optional trailing `/`), no token, the default retry policy,
    /// a 60 s timeout per call. Rejects any other scheme and an endpoint
    /// with a path, query or spaces.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::transport::rest::RestClient;
    ///
    /// assert_eq!(RestClient::new("http://localhost:9050/")?.endpoint(), "http://localhost:9050");
    /// assert!(RestClient::new("ftp://example.com").is_err());
    /// assert!(RestClient::new("https://bigquery.googleapis.com/bigquery/v2").is_err()); // no path
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn new(endpoint: &str) -> Result<RestClient, ValueError> {
        let e = endpoint.strip_suffix('/').unwrap_or(endpoint);
        let rest = e
            .strip_prefix("https://")
            .or_else(|| e.strip_prefix("http://"));
        let ok = rest
            .is_some_and(|r| !r.is_empty() && !r.contains(['/', '?', '#', ' ']) && r.is_ascii());
        if !ok {
            return Err(ValueError::invalid(
                "an endpoint such as https://bigquery.googleapis.com or http://127.0.0.1:9050",
                endpoint,
            ));
        }
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(60)))
            .build();
        Ok(RestClient {
            agent: ureq::Agent::new_with_config(config),
            endpoint: e.to_owned(),
            auth: Box::new(NoAuth),
            retry: RetryPolicy::default(),
        })
    }

    /// Uses `auth` for every request.
    pub fn with_auth(mut self, auth: impl TokenSource + 'static) -> Self {
        self.auth = Box::new(auth);
        self
    }

    /// Uses `retry`.
    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// The endpoint, without a trailing `/`.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    fn url(&self, parts: &[&str], tail: &str) -> String {
        let mut u = format!("{}/bigquery/v2", self.endpoint);
        for (i, p) in parts.iter().enumerate() {
            u.push('/');
            if i % 2 == 0 {
                u.push_str(p); // a collection name
            } else {
                encode_segment(p, &mut u);
            }
        }
        u.push_str(tail);
        u
    }

    /// One call with retries; gives the 2xx body and the number of sends.
    fn call(
        &self,
        method: &str,
        url: &str,
        body: Option<&str>,
    ) -> Result<(String, usize), (RestError, usize)> {
        let mut attempt = 0u32;
        loop {
            attempt = attempt.saturating_add(1);
            let sends = usize::try_from(attempt).unwrap_or(usize::MAX);
            let result = self.send_once(method, url, body).map_err(|e| (e, sends));
            match result {
                Ok(text) => return Ok((text, sends)),
                Err((e, n)) => {
                    let class = e.class();
                    let auth_or_invalid = matches!(e, RestError::Auth(_) | RestError::Invalid(_));
                    if auth_or_invalid
                        || !class.is_retryable()
                        || attempt >= self.retry.max_attempts
                    {
                        return Err((e, n));
                    }
                    std::thread::sleep(self.retry.delay(attempt, class));
                }
            }
        }
    }

    fn send_once(&self, method: &str, url: &str, body: Option<&str>) -> Result<String, RestError> {
        let token = self.auth.token()?;
        let bearer = token.map(|t| format!("Bearer {t}"));
        let conn = |e: ureq::Error| RestError::Connection {
            url: url.to_owned(),
            message: e.to_string(),
        };
        let response = match (method, body) {
            ("GET", _) => {
                let mut r = self.agent.get(url);
                if let Some(b) = &bearer {
                    r = r.header("Authorization", b);
                }
                r.call()
            }
            (_, b) => {
                let mut r = self.agent.post(url).content_type("application/json");
                if let Some(b) = &bearer {
                    r = r.header("Authorization", b);
                }
                r.send(b.unwrap_or("{}"))
            }
        };
        let mut response = response.map_err(conn)?;
        let status = response.status().as_u16();
        let text = response
            .body_mut()
            .with_config()
            .limit(256 << 20)
            .lossy_utf8(true)
            .read_to_string()
            .map_err(conn)?;
        if (200..300).contains(&status) {
            Ok(text)
        } else {
            let (class, message) = classify_error_body(status, &text);
            Err(RestError::Http {
                status,
                class,
                message,
            })
        }
    }

    fn post_json(&self, url: &str, body: &str) -> Result<serde_json::Value, RestError> {
        let (text, _) = self.call("POST", url, Some(body)).map_err(|(e, _)| e)?;
        parse_json(&text)
    }

    /// `datasets.insert` of `project.dataset` (no options: default
    /// location). An existing dataset is an [`RestError::Http`] 409.
    pub fn create_dataset(
        &self,
        project: &str,
        dataset: &str,
    ) -> Result<serde_json::Value, RestError> {
        let body = serde_json::json!({
            "datasetReference": {"projectId": project, "datasetId": dataset}
        });
        let url = self.url(&["projects", project, "datasets"], "");
        self.post_json(&url, &body.to_string())
    }

    /// `tables.insert` of `table` with `schema` (its REST form,
    /// [`TableSchema::to_rest_json`]). An existing table is a 409.
    pub fn create_table(
        &self,
        table: &TableRef,
        schema: &TableSchema,
    ) -> Result<serde_json::Value, RestError> {
        let body = serde_json::json!({
            "tableReference": {
                "projectId": table.project,
                "datasetId": table.dataset,
                "tableId": table.table,
            },
            "schema": schema.to_rest_json(),
        });
        let url = self.url(
            &[
                "projects",
                &table.project,
                "datasets",
                &table.dataset,
                "tables",
            ],
            "",
        );
        self.post_json(&url, &body.to_string())
    }

    /// `jobs.insert` in `project` with a job body as given (e.g.
    /// [`crate::bigtable::ContinuousJob::to_json`]); gives the job
    /// resource. A retry after a lost answer may meet the job it created:
    /// a 409 then (same job ID), reported as is.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use bqcodec::bigtable::{ContinuousJob, JobId};
    /// use bqcodec::transport::auth::EnvToken;
    /// use bqcodec::transport::rest::{RestClient, DEFAULT_ENDPOINT};
    ///
    /// let job = ContinuousJob::new("my-project", JobId::with_prefix("bt_export_", [7; 16])?, "EXPORT DATA …")?;
    /// let client = RestClient::new(DEFAULT_ENDPOINT)?.with_auth(EnvToken::new("BQ_TOKEN"));
    /// let resource = client.insert_job("my-project", &job.to_json())?;
    /// println!("{}", resource["status"]["state"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn insert_job(&self, project: &str, body: &str) -> Result<serde_json::Value, RestError> {
        let url = self.url(&["projects", project, "jobs"], "");
        self.post_json(&url, body)
    }

    /// `tabledata.list`: one page of rows (`max_results` rows at most when
    /// given, from `page_token` when given).
    pub fn list_rows(
        &self,
        table: &TableRef,
        max_results: Option<u32>,
        page_token: Option<&str>,
    ) -> Result<TableDataPage, RestError> {
        let mut tail = String::from("/data");
        let mut sep = '?';
        if let Some(n) = max_results {
            tail.push_str(&format!("{sep}maxResults={n}"));
            sep = '&';
        }
        if let Some(t) = page_token {
            tail.push(sep);
            tail.push_str("pageToken=");
            encode_segment(t, &mut tail);
        }
        let url = self.url(
            &[
                "projects",
                &table.project,
                "datasets",
                &table.dataset,
                "tables",
                &table.table,
            ],
            &tail,
        );
        let (text, _) = self.call("GET", &url, None).map_err(|(e, _)| e)?;
        let v = parse_json(&text)?;
        let rows = match v.get("rows") {
            Some(serde_json::Value::Array(a)) => a.clone(),
            _ => Vec::new(),
        };
        let page_token = v
            .get("pageToken")
            .and_then(|t| t.as_str())
            .filter(|t| !t.is_empty())
            .map(str::to_owned);
        let total_rows = match v.get("totalRows") {
            Some(serde_json::Value::String(s)) => s.parse().ok(),
            Some(serde_json::Value::Number(n)) => n.as_u64(),
            _ => None,
        };
        Ok(TableDataPage {
            rows,
            page_token,
            total_rows,
        })
    }

    /// `tabledata.insertAll` of one body (retrying the whole call on
    /// retryable failures); gives the rows the service rejected, on input
    /// rows. An error: the call failed (after retries), or the answer is
    /// not an insertAll response.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use bqcodec::insert_all::{InsertAllOptions, InsertAllWriter, InsertIds};
    /// use bqcodec::transport::rest::{RestClient, TableRef};
    /// use bqcodec::{plan::WalkOptions, TableSchema};
    ///
    /// let schema = TableSchema::from_json(r#"[{"name": "n", "type": "INT64"}]"#)?;
    /// let writer = InsertAllWriter::new(&schema, WalkOptions::new(), InsertIds::ContentHash, InsertAllOptions::new())?;
    /// let (bodies, _) = writer.encode_ndjson(b"{\"n\": 1}\n", 0);
    /// let client = RestClient::new("http://127.0.0.1:9050")?;
    /// for body in &bodies {
    ///     for row in client.insert_all(&TableRef::parse("p.d.t")?, body)? {
    ///         eprintln!("{row}"); // "row 0: invalid — n: … (invalid rows)"
    ///     }
    /// }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn insert_all(
        &self,
        table: &TableRef,
        request: &InsertAllRequest,
    ) -> Result<Vec<RejectedRow>, RestError> {
        self.insert_all_counted(table, request)
            .map(|(rows, _)| rows)
            .map_err(|(e, _)| e)
    }

    fn insert_all_url(&self, table: &TableRef) -> String {
        self.url(
            &[
                "projects",
                &table.project,
                "datasets",
                &table.dataset,
                "tables",
                &table.table,
            ],
            "/insertAll",
        )
    }

    fn insert_all_counted(
        &self,
        table: &TableRef,
        request: &InsertAllRequest,
    ) -> Result<(Vec<RejectedRow>, usize), (RestError, usize)> {
        let url = self.insert_all_url(table);
        let (text, sends) = self.call("POST", &url, Some(request.body()))?;
        insert_all_rejected_rows(&text, request)
            .map(|r| (r, sends))
            .map_err(|e| (RestError::Invalid(e), sends))
    }

    /// Sends encoded rows (from [`crate::insert_all::InsertAllWriter`]) in
    /// bodies cut by `options`, resending rows rejected for retryable
    /// reasons (see the module docs) up to the policy's attempts. Rows too
    /// large for a body are rejected (`InvalidRows`) without being sent.
    /// Never stops early: every body is sent, and every row that is not in
    /// the table at the end is in [`InsertAllReport::rejected`], sorted by
    /// input row.
    pub fn insert_all_rows(
        &self,
        table: &TableRef,
        rows: &InsertAllRows,
        options: &InsertAllOptions,
    ) -> InsertAllReport {
        let mut report = InsertAllReport {
            rows: rows.len(),
            ..InsertAllReport::default()
        };
        // Input row → index in `rows`, to rebuild bodies for resends.
        let mut by_input: Vec<(usize, usize)> = (0..rows.len())
            .filter_map(|i| rows.input_row(i).map(|r| (r, i)))
            .collect();
        by_input.sort_unstable();
        let mut batcher = RequestBatcher::new(options);
        let (mut bodies, too_large) = batcher.push_rows(rows);
        bodies.extend(batcher.finish());
        for e in too_large {
            report.rejected.push(RejectedRow {
                input_row: e.row,
                request_row: 0,
                class: ErrorClass::InvalidRows,
                message: e.error.to_string(),
            });
        }
        for body in bodies {
            self.send_with_row_retries(table, body, rows, &by_input, options, &mut report);
        }
        report.rejected.sort_by_key(|r| r.input_row);
        report
    }

    fn send_with_row_retries(
        &self,
        table: &TableRef,
        first: InsertAllRequest,
        rows: &InsertAllRows,
        by_input: &[(usize, usize)],
        options: &InsertAllOptions,
        report: &mut InsertAllReport,
    ) {
        let mut pending = vec![first];
        let mut round = 0u32;
        while let Some(request) = pending.pop() {
            round = round.saturating_add(1);
            let result = self.insert_all_counted(table, &request);
            let sends = match &result {
                Ok((_, n)) | Err((_, n)) => *n,
            };
            report.requests = report.requests.saturating_add(sends);
            report.bytes = report
                .bytes
                .saturating_add(request.body().len().saturating_mul(sends));
            let rejected = match result {
                Ok((rejected, _)) => rejected,
                Err((e, _)) => {
                    let class = e.class();
                    let message = e.to_string();
                    report
                        .rejected
                        .extend(request.input_rows().iter().enumerate().map(|(i, &r)| {
                            RejectedRow {
                                input_row: r,
                                request_row: i,
                                class,
                                message: message.clone(),
                            }
                        }));
                    continue;
                }
            };
            let all_retryable = rejected.iter().all(|r| r.class.is_retryable());
            if rejected.is_empty() || !all_retryable || round >= self.retry.max_attempts {
                report.rejected.extend(rejected);
                continue;
            }
            let first_class = rejected.first().map_or(ErrorClass::Transient, |r| r.class);
            std::thread::sleep(self.retry.delay(round, first_class));
            let mut batcher = RequestBatcher::new(options);
            for input in insert_all_rows_to_retry(&rejected) {
                let found = by_input
                    .binary_search_by_key(&input, |&(r, _)| r)
                    .ok()
                    .and_then(|k| by_input.get(k))
                    .and_then(|&(_, i)| rows.row(i).map(|text| (text, rows.insert_id(i))));
                if let Some((text, id)) = found {
                    // It fitted before, alone or not; it fits alone now.
                    if let Ok(Some(done)) = batcher.push(text, id, input) {
                        pending.push(done);
                    }
                }
            }
            pending.extend(batcher.finish());
        }
    }
}

/// Percent-encodes one path or query segment: all but unreserved
/// characters and `:` `$` `@`.
fn encode_segment(s: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b':' | b'$' | b'@')
        {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0xf)]));
        }
    }
}

fn parse_json(text: &str) -> Result<serde_json::Value, RestError> {
    serde_json::from_str(text).map_err(|e| {
        RestError::Invalid(ValueError::invalid(
            "a JSON response body",
            &format!("{} ({e})", cut(text)),
        ))
    })
}

fn cut(text: &str) -> &str {
    let mut end = text.len().min(500);
    while !text.is_char_boundary(end) {
        end = end.saturating_sub(1);
    }
    text.get(..end).unwrap_or("")
}

/// The class and message of an error answer: the status decides, except a
/// 403 whose body's reason is `rateLimitExceeded` (retryable) or
/// `quotaExceeded` (BigQuery's REST error table).
fn classify_error_body(status: u16, text: &str) -> (ErrorClass, String) {
    let parsed: Option<serde_json::Value> = serde_json::from_str(text).ok();
    let error = parsed.as_ref().and_then(|v| v.get("error"));
    let message = error
        .and_then(|e| e.get("message"))
        .and_then(|m| m.as_str())
        .map_or_else(|| cut(text).to_owned(), str::to_owned);
    let reasons: Vec<&str> = error
        .and_then(|e| e.get("errors"))
        .and_then(|e| e.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|e| e.get("reason").and_then(|r| r.as_str()))
                .collect()
        })
        .unwrap_or_default();
    let class = match status {
        403 if reasons.contains(&"rateLimitExceeded") => ErrorClass::ResourceExhausted,
        403 if reasons.contains(&"quotaExceeded") => ErrorClass::QuotaExceeded,
        s => ErrorClass::of_http_status(s),
    };
    (class, message)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::insert_all::InsertAllOptions;
    use std::io::{BufRead, BufReader, Read, Write};
    use std::net::TcpListener;
    use std::sync::mpsc;

    /// A one-thread HTTP server on loopback answering each request with the
    /// next canned (status, body); sends what it received (request line,
    /// authorization header, body) to the test.
    fn serve(
        answers: Vec<(u16, &'static str)>,
    ) -> (String, mpsc::Receiver<(String, String, String)>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for (status, body) in answers {
                let (stream, _) = listener.accept().unwrap();
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                reader.read_line(&mut line).unwrap();
                let mut auth = String::new();
                let mut len = 0usize;
                loop {
                    let mut h = String::new();
                    reader.read_line(&mut h).unwrap();
                    let h = h.trim_end();
                    if h.is_empty() {
                        break;
                    }
                    let (k, v) = h.split_once(':').unwrap();
                    if k.eq_ignore_ascii_case("authorization") {
                        auth = v.trim().to_owned();
                    }
                    if k.eq_ignore_ascii_case("content-length") {
                        len = v.trim().parse().unwrap();
                    }
                }
                let mut buf = vec![0; len];
                reader.read_exact(&mut buf).unwrap();
                tx.send((
                    line.trim_end().to_owned(),
                    auth,
                    String::from_utf8(buf).unwrap(),
                ))
                .unwrap();
                let mut s = stream;
                write!(
                    s,
                    "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                )
                .unwrap();
            }
        });
        (format!("http://{addr}"), rx)
    }

    fn fast() -> RetryPolicy {
        RetryPolicy::new().with_backoff(Duration::from_millis(1), Duration::from_millis(5))
    }

    fn rows(n: usize) -> InsertAllRows {
        let schema = TableSchema::from_json(r#"[{"name": "a", "type": "INT64"}]"#).unwrap();
        let w = crate::insert_all::InsertAllWriter::new(
            &schema,
            crate::plan::WalkOptions::new(),
            crate::insert_all::InsertIds::None,
            InsertAllOptions::new(),
        )
        .unwrap();
        let text: String = (0..n).map(|i| format!("{{\"a\": {i}}}\n")).collect();
        w.encode_rows_ndjson(text.as_bytes(), 0).0
    }

    #[test]
    fn table_refs_and_endpoints() {
        let t = TableRef::parse("example.com:p.d.t$20240101").unwrap();
        assert_eq!(
            (t.project.as_str(), t.dataset.as_str(), t.table.as_str()),
            ("example.com:p", "d", "t$20240101")
        );
        assert!(TableRef::parse("d.t").is_err());
        assert!(TableRef::parse("p..t").is_err());
        let c = RestClient::new("http://127.0.0.1:9/").unwrap();
        assert_eq!(c.endpoint(), "http://127.0.0.1:9");
        assert_eq!(
            c.url(&["projects", "a b", "datasets", "d/x"], "/data"),
            "http://127.0.0.1:9/bigquery/v2/projects/a%20b/datasets/d%2Fx/data"
        );
        for bad in ["ftp://x", "https://", "https://x/path", "x:1", "http://a b"] {
            assert!(RestClient::new(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn error_bodies() {
        let rate = r#"{"error": {"code": 403, "message": "slow down", "errors": [{"reason": "rateLimitExceeded"}]}}"#;
        assert_eq!(
            classify_error_body(403, rate),
            (ErrorClass::ResourceExhausted, "slow down".into())
        );
        let quota = r#"{"error": {"message": "q", "errors": [{"reason": "quotaExceeded"}]}}"#;
        assert_eq!(classify_error_body(403, quota).0, ErrorClass::QuotaExceeded);
        assert_eq!(
            classify_error_body(403, "{}").0,
            ErrorClass::PermissionDenied
        );
        assert_eq!(
            classify_error_body(502, "<html>é</html>"),
            (ErrorClass::Transient, "<html>é</html>".into())
        );
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let p = RetryPolicy::new()
            .with_backoff(Duration::from_millis(100), Duration::from_millis(1000));
        let d1 = p.delay(1, ErrorClass::Transient);
        let d3 = p.delay(3, ErrorClass::Transient);
        assert!(d1 >= Duration::from_millis(100) && d1 <= Duration::from_millis(125));
        assert!(d3 >= Duration::from_millis(400) && d3 <= Duration::from_millis(500));
        assert_eq!(
            p.delay(40, ErrorClass::Transient),
            Duration::from_millis(1000)
        );
        assert!(p.delay(1, ErrorClass::ResourceExhausted) >= Duration::from_millis(400));
    }

    #[test]
    fn retries_a_transient_status_then_maps_row_errors() {
        let (ep, rx) = serve(vec![
            (503, r#"{"error": {"message": "busy"}}"#),
            (
                200,
                r#"{"insertErrors": [{"index": 1, "errors": [{"reason": "invalid", "location": "a", "message": "bad"}]}]}"#,
            ),
        ]);
        let c = RestClient::new(&ep)
            .unwrap()
            .with_retry(fast())
            .with_auth(crate::transport::auth::StaticToken::new("placeholder-token").unwrap());
        let t = TableRef::parse("p.d.t").unwrap();
        let report = c.insert_all_rows(
            &t,
            &rows(3),
            &InsertAllOptions::new().with_skip_invalid_rows(true),
        );
        assert_eq!((report.rows, report.requests), (3, 2));
        assert_eq!(report.rejected.len(), 1);
        assert_eq!(report.rejected[0].input_row, 1);
        assert_eq!(report.rejected[0].message, "invalid — a: bad");
        let (line, auth, body) = rx.recv().unwrap();
        assert_eq!(
            line,
            "POST /bigquery/v2/projects/p/datasets/d/tables/t/insertAll HTTP/1.1"
        );
        assert_eq!(auth, "Bearer placeholder-token");
        assert_eq!(report.bytes, body.len() * 2);
        assert!(body.contains(r#""skipInvalidRows":true"#), "{body}");
    }

    #[test]
    fn no_retry_for_a_bad_request_and_no_header_without_auth() {
        let (ep, rx) = serve(vec![(400, r#"{"error": {"message": "no such field"}}"#)]);
        let c = RestClient::new(&ep).unwrap().with_retry(fast());
        let t = TableRef::parse("p.d.t").unwrap();
        let report = c.insert_all_rows(&t, &rows(2), &InsertAllOptions::new());
        assert_eq!(report.requests, 1);
        let got: Vec<_> = report
            .rejected
            .iter()
            .map(|r| (r.input_row, r.class))
            .collect();
        assert_eq!(
            got,
            vec![
                (0, ErrorClass::InvalidRequest),
                (1, ErrorClass::InvalidRequest)
            ]
        );
        assert!(report.rejected[0].message.contains("no such field"));
        assert_eq!(rx.recv().unwrap().1, "");
    }

    #[test]
    fn resends_stopped_rows_only_when_all_rejections_are_retryable() {
        // Row 0 backendError, row 1 stopped: both resent, then accepted.
        let (ep, rx) = serve(vec![
            (
                200,
                r#"{"insertErrors": [{"index": 0, "errors": [{"reason": "backendError"}]}, {"index": 1, "errors": [{"reason": "stopped"}]}]}"#,
            ),
            (200, "{}"),
        ]);
        let c = RestClient::new(&ep).unwrap().with_retry(fast());
        let t = TableRef::parse("p.d.t").unwrap();
        let report = c.insert_all_rows(&t, &rows(3), &InsertAllOptions::new());
        assert_eq!((report.requests, report.rejected.len()), (2, 0));
        let _ = rx.recv().unwrap();
        let (_, _, second) = rx.recv().unwrap();
        assert_eq!(
            second,
            r#"{"kind":"bigquery#tableDataInsertAllRequest","rows":[{"json":{"a":"0"}},{"json":{"a":"1"}}]}"#
        );

        // Row 0 invalid, row 1 stopped: nothing resent (all or nothing).
        let (ep, _rx) = serve(vec![(
            200,
            r#"{"insertErrors": [{"index": 0, "errors": [{"reason": "invalid"}]}, {"index": 1, "errors": [{"reason": "stopped"}]}]}"#,
        )]);
        let c = RestClient::new(&ep).unwrap().with_retry(fast());
        let report = c.insert_all_rows(&t, &rows(2), &InsertAllOptions::new());
        let got: Vec<_> = report
            .rejected
            .iter()
            .map(|r| (r.input_row, r.class))
            .collect();
        assert_eq!(
            got,
            vec![(0, ErrorClass::InvalidRows), (1, ErrorClass::Aborted)]
        );
        assert_eq!(report.requests, 1);
    }

    #[test]
    fn connection_refused_is_retried_then_reported() {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let c = RestClient::new(&format!("http://127.0.0.1:{port}"))
            .unwrap()
            .with_retry(fast().with_max_attempts(2));
        let t = TableRef::parse("p.d.t").unwrap();
        let err = c.list_rows(&t, Some(1), None).unwrap_err();
        assert_eq!(err.class(), ErrorClass::Transient);
        let report = c.insert_all_rows(&t, &rows(1), &InsertAllOptions::new());
        assert_eq!((report.requests, report.rejected.len()), (2, 1));
    }

    #[test]
    fn list_rows_and_jobs() {
        let (ep, rx) = serve(vec![
            (
                200,
                r#"{"totalRows": "2", "pageToken": "tok en", "rows": [{"f": [{"v": "1"}]}]}"#,
            ),
            (200, r#"{"jobReference": {"jobId": "j"}}"#),
        ]);
        let c = RestClient::new(&ep).unwrap();
        let t = TableRef::parse("p.d.t").unwrap();
        let page = c.list_rows(&t, Some(5), Some("a+b")).unwrap();
        assert_eq!(page.total_rows, Some(2));
        assert_eq!(page.page_token.as_deref(), Some("tok en"));
        assert_eq!(page.rows, vec![serde_json::json!({"f": [{"v": "1"}]})]);
        let job = c.insert_job("p", r#"{"configuration": {}}"#).unwrap();
        assert_eq!(job["jobReference"]["jobId"], "j");
        assert_eq!(
            rx.recv().unwrap().0,
            "GET /bigquery/v2/projects/p/datasets/d/tables/t/data?maxResults=5&pageToken=a%2Bb HTTP/1.1"
        );
        let (line, _, body) = rx.recv().unwrap();
        assert_eq!(line, "POST /bigquery/v2/projects/p/jobs HTTP/1.1");
        assert_eq!(body, r#"{"configuration": {}}"#);
    }
}
