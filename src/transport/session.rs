//! [`AppendSession`]: what to send next on an AppendRows connection and
//! what each response (or a lost connection) means for the rows, without
//! any I/O. The gRPC client (feature `transport-grpc`) only moves the
//! requests it hands out and the responses it is given; another client
//! (another runtime, a test) can drive it the same way.
//!
//! # Choices
//!
//! - **Order.** Requests go out in plan order, at most a window of them
//!   unanswered; responses are read in order, each for the oldest
//!   unanswered request (the service answers in order on a connection).
//! - **Row errors** ([`RowErrorPolicy`]). BigQuery writes none of a
//!   request's rows when its response lists `row_errors`. With
//!   [`RowErrorPolicy::ResendOthers`] (the default) the listed rows are
//!   rejected with the service's message and the request's other rows are
//!   sent once more in one request ([`PlannedAppend::without_rows`]); if
//!   that resend lists row errors again, its listed rows are rejected and
//!   the rest are rejected as `Aborted`. With
//!   [`RowErrorPolicy::RejectRequest`] the other rows are rejected as
//!   `Aborted` at once.
//! - **Offsets after row errors.** Nothing of the failed request was
//!   written, so its resend keeps its offset, and every later request's
//!   offset moves down by the rows dropped (the rows rejected take no
//!   offset). Such a failure does not stop a stream with offsets. On a
//!   stream with offsets the connection is reopened (the requests sent
//!   after the failed one would land beyond the stream's end and be
//!   refused) and they are sent again with their new offsets; on
//!   `_default` the connection is kept and the resend goes next (the
//!   requests already in flight are independent there, and resending them
//!   could write their rows twice).
//! - **Other failed responses.** Retryable ones ([`ErrorClass::is_retryable`])
//!   are sent again after a backoff, up to the attempt limit. On a stream
//!   with offsets every unanswered request is sent again on a new
//!   connection; a failure that is not retried rejects the request's rows
//!   and stops the append (every later offset would be out of range): the
//!   rows not appended are rejected as `Aborted`. On `_default` the
//!   connection is kept and only the failed request is retried or
//!   rejected.
//! - **A lost connection** (a status on the stream, a timeout, the server
//!   closing it, a failed connect): what happened to the unanswered
//!   requests is unknown, so all of them are sent again on a new
//!   connection, the first with the writer schema
//!   ([`PlannedAppend::request_for_new_connection`]). With offsets a
//!   request that had landed is answered `ALREADY_EXISTS` and counted as
//!   appended; on `_default` a resend may write rows twice (at-least-once,
//!   as documented for that stream).

use std::borrow::Cow;
use std::collections::{BTreeSet, VecDeque};

use super::append::PlannedAppend;
use super::messages::{AppendRowsRequest, AppendRowsResponse, Code, Status};
use super::response::{AppendFailure, ErrorClass, RejectedRow, read_append_response};

/// What to do with the other rows of a request whose response lists row
/// errors (BigQuery then writes none of the request's rows).
///
/// # Examples
///
/// ```
/// use bqcodec::transport::messages::{AppendRowsResponse, Code, RowError, RowErrorCode, Status};
/// use bqcodec::transport::{AppendOptions, AppendPlanner, AppendSession, ErrorClass, RowErrorPolicy, WriteStreamName, WriterSchema};
///
/// let stream = WriteStreamName::default_stream("p", "d", "t")?;
/// let mut planner = AppendPlanner::new(stream, WriterSchema::Proto(vec![0x0a, 0x01, b'R']), AppendOptions::new())?;
/// let plan = planner.plan_rows([(0, &[0x08, 0x01][..]), (1, &[0x08, 0x02][..])]);
/// let mut session = AppendSession::new(&plan.requests, RowErrorPolicy::RejectRequest, 3);
/// session.next_request(16, usize::MAX);
/// session.on_response(&AppendRowsResponse::failure(
///     Status::new(Code::InvalidArgument, "errors"),
///     vec![RowError::new(0, RowErrorCode::FieldsError, "bad")],
/// ));
/// let report = session.finish();
/// let classes: Vec<_> = report.rejected.iter().map(|r| (r.input_row, r.class)).collect();
/// assert_eq!(classes, [(0, ErrorClass::InvalidRows), (1, ErrorClass::Aborted)]); // nothing resent
/// assert_eq!(RowErrorPolicy::default(), RowErrorPolicy::ResendOthers);
/// # Ok::<(), bqcodec::ValueError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum RowErrorPolicy {
    /// Reject the listed rows and send the request's other rows once more,
    /// in one request at the same offset (the default: only the bad rows
    /// are rejected).
    #[default]
    ResendOthers,
    /// Reject the listed rows, and the other rows as `Aborted` ("not
    /// appended: another row of its request was invalid").
    RejectRequest,
}

/// What an append did.
///
/// # Examples
///
/// ```
/// use bqcodec::transport::messages::AppendRowsResponse;
/// use bqcodec::transport::{AppendOptions, AppendPlanner, AppendSession, RowErrorPolicy, WriteStreamName, WriterSchema};
///
/// let stream = WriteStreamName::parse("projects/p/datasets/d/tables/t/streams/s")?;
/// let mut planner = AppendPlanner::new(stream, WriterSchema::Proto(vec![0x0a, 0x01, b'R']), AppendOptions::new())?;
/// let plan = planner.plan_rows([(0, &[0x08, 0x01][..]), (1, &[0x08, 0x02][..])]);
/// let mut session = AppendSession::new(&plan.requests, RowErrorPolicy::ResendOthers, 3);
/// let request = session.next_request(16, usize::MAX).ok_or("nothing to send")?;
/// session.sent(1, prost::Message::encoded_len(&request));
/// session.on_response(&AppendRowsResponse::success(Some(0)));
/// let report = session.finish();
/// assert_eq!((report.rows, report.appended, report.requests), (2, 2, 1));
/// assert_eq!((report.next_offset, report.stopped_by.is_none()), (Some(2), true));
/// assert!(report.rejected.is_empty() && report.updated_schema.is_none());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct AppendReport {
    /// Rows in the planned requests.
    pub rows: usize,
    /// Rows in the stream at the end (appended now, or already there on
    /// an `OffsetAlreadyExists`).
    pub appended: usize,
    /// Requests sent (resends included) on connections that opened.
    pub requests: usize,
    /// Request bytes sent (resends included; protobuf message bytes,
    /// without gRPC framing).
    pub bytes: usize,
    /// Requests sent again without the rows the service listed as bad
    /// ([`RowErrorPolicy::ResendOthers`]).
    pub resent_without_bad_rows: usize,
    /// Rows not appended, by input row, in input order (once finished).
    pub rejected: Vec<RejectedRow>,
    /// The failure that stopped the append on a stream with offsets, if any.
    pub stopped_by: Option<AppendFailure>,
    /// On a stream with offsets: the offset the next row after this plan
    /// takes — the planned one less the rows rejected for row errors
    /// (they took no offset). Give it to
    /// [`AppendPlanner::set_next_offset`](super::AppendPlanner::set_next_offset)
    /// before planning more rows for the stream. `None` without offsets or
    /// after a stop.
    pub next_offset: Option<i64>,
    /// The last `updated_schema` a response carried: the table's schema
    /// changed. Convert it
    /// ([`table_schema_from_message`](super::table_schema_from_message)),
    /// recompile the writer and call
    /// [`AppendPlanner::set_writer_schema`](super::AppendPlanner::set_writer_schema)
    /// to send the new columns; the session does not do it.
    pub updated_schema: Option<super::messages::TableSchema>,
}

/// What the client does after a response or a lost connection.
///
/// # Examples
///
/// ```
/// use bqcodec::transport::messages::{AppendRowsResponse, Code, Status};
/// use bqcodec::transport::{AppendOptions, AppendPlanner, AppendSession, ErrorClass, RowErrorPolicy, SessionStep, WriteStreamName, WriterSchema};
///
/// let stream = WriteStreamName::default_stream("p", "d", "t")?;
/// let mut planner = AppendPlanner::new(stream, WriterSchema::Proto(vec![0x0a, 0x01, b'R']), AppendOptions::new())?;
/// let plan = planner.plan_rows([(0, &[0x08, 0x01][..])]);
/// let mut session = AppendSession::new(&plan.requests, RowErrorPolicy::ResendOthers, 3);
/// session.next_request(16, usize::MAX);
/// let busy = AppendRowsResponse::failure(Status::new(Code::Unavailable, "try again"), vec![]);
/// assert!(matches!(session.on_response(&busy), SessionStep::Backoff { class: ErrorClass::Transient, attempt: 1, .. }));
/// assert!(session.next_request(16, usize::MAX).is_some()); // the same request again
/// assert_eq!(session.on_response(&AppendRowsResponse::success(None)), SessionStep::Continue);
/// # Ok::<(), bqcodec::ValueError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SessionStep {
    /// Go on on the same connection.
    Continue,
    /// Close the connection; the next request opens a new one.
    Reconnect,
    /// Wait (the client's backoff for this class after this many failed
    /// attempts of one request), then go on: on a new connection when
    /// `reconnect` is true.
    Backoff {
        /// The failure's class (a longer wait for `ResourceExhausted`).
        class: ErrorClass,
        /// Failed sends of the request so far (1-based).
        attempt: u32,
        /// Close the connection first.
        reconnect: bool,
    },
}

struct Item<'a> {
    body: Cow<'a, PlannedAppend>,
    /// Sends of this request so far.
    attempts: u32,
    /// True for a request already sent again without its bad rows.
    resent: bool,
    /// The offset a resend keeps (set when it was made); `None`: the
    /// planned offset less the session's shift.
    fixed_offset: Option<i64>,
}

/// The sans-IO state of one [`AppendRows`] call over one plan (see the
/// module docs for the rules).
///
/// The driver loop: ask [`next_request`](Self::next_request) for requests
/// while it gives some (each is sent; [`sent`](Self::sent) counts what a
/// connection took), then hand each response to
/// [`on_response`](Self::on_response) — or a lost connection to
/// [`on_connection_lost`](Self::on_connection_lost) — and do what the
/// returned [`SessionStep`] says, until [`is_done`](Self::is_done); then
/// [`finish`](Self::finish).
///
/// # Examples
///
/// ```
/// use bqcodec::transport::messages::{AppendRowsResponse, RowError, RowErrorCode, Status, Code};
/// use bqcodec::transport::{AppendOptions, AppendPlanner, AppendSession, RowErrorPolicy, SessionStep, WriteStreamName, WriterSchema};
/// let stream = WriteStreamName::parse("projects/p/datasets/d/tables/t/streams/s")?;
/// let mut planner = AppendPlanner::new(stream, WriterSchema::Proto(vec![0x0a, 0x01, b'R']), AppendOptions::new())?;
/// let rows = [vec![0x08, 1], vec![0x08, 2], vec![0x08, 3]];
/// let plan = planner.plan_rows(rows.iter().enumerate().map(|(i, r)| (i, r.as_slice())));
/// let mut session = AppendSession::new(&plan.requests, RowErrorPolicy::ResendOthers, 3);
/// let first = session.next_request(16, usize::MAX).unwrap();
/// assert_eq!(first.offset, Some(0));
/// // The service refuses row 1: nothing of the request is written.
/// let refused = AppendRowsResponse::failure(
///     Status::new(Code::InvalidArgument, "rows have errors"),
///     vec![RowError::new(1, RowErrorCode::FieldsError, "bad")],
/// );
/// assert_eq!(session.on_response(&refused), SessionStep::Reconnect);
/// // Rows 0 and 2 go again, at the same offset.
/// let resend = session.next_request(16, usize::MAX).unwrap();
/// assert_eq!(resend.offset, Some(0));
/// assert_eq!(session.on_response(&AppendRowsResponse::default()), SessionStep::Continue);
/// assert!(session.is_done());
/// let report = session.finish();
/// assert_eq!((report.appended, report.rejected.len(), report.next_offset), (2, 1, Some(2)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// [`AppendRows`]: super::messages::AppendRowsRequest
pub struct AppendSession<'a> {
    plan: &'a [PlannedAppend],
    /// The next plan index not yet queued.
    next_plan: usize,
    /// Requests to send, in order (resends first).
    todo: VecDeque<Item<'a>>,
    /// Requests sent on the current connection, unanswered, in order.
    flight: VecDeque<Item<'a>>,
    /// The next request opens a connection.
    fresh: bool,
    /// Rows of earlier requests that took a planned offset but were
    /// rejected for row errors.
    shift: i64,
    offsets: bool,
    policy: RowErrorPolicy,
    max_attempts: u32,
    report: AppendReport,
    stopped: bool,
}

impl std::fmt::Debug for AppendSession<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppendSession")
            .field("next_plan", &self.next_plan)
            .field("todo", &self.todo.len())
            .field("in_flight", &self.flight.len())
            .field("shift", &self.shift)
            .field("report", &self.report)
            .finish_non_exhaustive()
    }
}

fn to_i64(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
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

impl<'a> AppendSession<'a> {
    /// A session over `plan` (from one planner, all for one stream).
    /// `max_attempts` is the sends per request for retryable failures (0 is
    /// taken as 1).
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::transport::{AppendOptions, AppendPlanner, AppendSession, RowErrorPolicy, WriteStreamName, WriterSchema};
    ///
    /// let stream = WriteStreamName::parse("projects/p/datasets/d/tables/t/streams/s1")?;
    /// let options = AppendOptions::new().with_limit(70).with_margin(0);
    /// let mut planner = AppendPlanner::new(stream, WriterSchema::Proto(vec![0x0a, 0x01, b'R']), options)?;
    /// let rows: Vec<(usize, Vec<u8>)> = (0..10).map(|i| (i, vec![0x08, i as u8])).collect();
    /// let plan = planner.plan_rows(rows.iter().map(|(i, r)| (*i, r.as_slice())));
    /// let mut session = AppendSession::new(&plan.requests, RowErrorPolicy::default(), 0); // 0 attempts: one send
    /// assert!(!session.is_done());
    /// while session.next_request(2, usize::MAX).is_some() {} // a window of two requests
    /// assert_eq!(session.in_flight(), 2);
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn new(plan: &'a [PlannedAppend], policy: RowErrorPolicy, max_attempts: u32) -> Self {
        AppendSession {
            plan,
            next_plan: 0,
            todo: VecDeque::new(),
            flight: VecDeque::new(),
            fresh: true,
            shift: 0,
            offsets: plan.iter().any(|p| p.offset().is_some()),
            policy,
            max_attempts: max_attempts.max(1),
            report: AppendReport {
                rows: plan.iter().map(PlannedAppend::len).sum(),
                ..Default::default()
            },
            stopped: false,
        }
    }

    /// True when every request is answered (or the append stopped).
    pub fn is_done(&self) -> bool {
        self.stopped
            || (self.todo.is_empty() && self.flight.is_empty() && self.next_plan >= self.plan.len())
    }

    /// Unanswered requests on the current connection.
    pub fn in_flight(&self) -> usize {
        self.flight.len()
    }

    /// The report so far (for progress; `rejected` is not sorted yet).
    pub fn report(&self) -> &AppendReport {
        &self.report
    }

    /// Counts requests and bytes a connection took (the client calls it
    /// once they are sent).
    pub fn sent(&mut self, requests: usize, bytes: usize) {
        self.report.requests = self.report.requests.saturating_add(requests);
        self.report.bytes = self.report.bytes.saturating_add(bytes);
    }

    fn queue_next(&mut self) -> bool {
        if !self.todo.is_empty() {
            return true;
        }
        let Some(p) = self.plan.get(self.next_plan) else {
            return false;
        };
        self.next_plan = self.next_plan.saturating_add(1);
        self.todo.push_back(Item {
            body: Cow::Borrowed(p),
            attempts: 0,
            resent: false,
            fixed_offset: None,
        });
        true
    }

    /// The next request to send, if the window has room: fewer than
    /// `max_requests` unanswered and their bytes plus this one's at most
    /// `max_bytes` (one request is always allowed). The first request of a
    /// connection carries the writer schema.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::transport::messages::Rows;
    /// use bqcodec::transport::{AppendOptions, AppendPlanner, AppendSession, RowErrorPolicy, WriteStreamName, WriterSchema};
    ///
    /// let stream = WriteStreamName::parse("projects/p/datasets/d/tables/t/streams/s1")?;
    /// let options = AppendOptions::new().with_limit(70).with_margin(0);
    /// let mut planner = AppendPlanner::new(stream, WriterSchema::Proto(vec![0x0a, 0x01, b'R']), options)?;
    /// let rows: Vec<(usize, Vec<u8>)> = (0..10).map(|i| (i, vec![0x08, i as u8])).collect();
    /// let plan = planner.plan_rows(rows.iter().map(|(i, r)| (*i, r.as_slice())));
    /// let mut session = AppendSession::new(&plan.requests, RowErrorPolicy::default(), 3);
    /// let first = session.next_request(16, 1).ok_or("none")?; // one request is always allowed
    /// assert!(matches!(&first.rows, Some(Rows::ProtoRows(p)) if p.writer_schema.is_some()));
    /// assert!(session.next_request(16, 1).is_none()); // the byte window is full
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn next_request(
        &mut self,
        max_requests: usize,
        max_bytes: usize,
    ) -> Option<AppendRowsRequest> {
        if self.stopped || !self.queue_next() {
            return None;
        }
        let in_flight: usize = self.flight.iter().map(|i| i.body.encoded_len()).sum();
        let item = self.todo.front()?;
        if !self.flight.is_empty()
            && (self.flight.len() >= max_requests.max(1)
                || in_flight.saturating_add(item.body.encoded_len()) > max_bytes)
        {
            return None;
        }
        let mut item = self.todo.pop_front()?;
        let mut request = if self.fresh {
            item.body.request_for_new_connection()
        } else {
            item.body.request().clone()
        };
        self.fresh = false;
        request.offset = match (item.fixed_offset, request.offset) {
            (Some(o), _) => Some(o),
            (None, Some(o)) => Some(o.saturating_sub(self.shift)),
            (None, None) => None,
        };
        item.attempts = item.attempts.saturating_add(1);
        self.flight.push_back(item);
        Some(request)
    }

    /// Every unanswered request goes back to the front of the queue, in
    /// order; the next request opens a connection.
    fn requeue(&mut self) {
        while let Some(item) = self.flight.pop_back() {
            self.todo.push_front(item);
        }
        self.fresh = true;
    }

    /// The connection broke (a status on the stream, a timeout, the server
    /// closed it, the connect failed): every unanswered request is sent
    /// again on a new connection; the oldest one's attempts count.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::transport::messages::{AppendRowsResponse, Code, Status};
    /// use bqcodec::transport::{AppendFailure, AppendOptions, AppendPlanner, AppendSession, RowErrorPolicy, SessionStep, WriteStreamName, WriterSchema};
    ///
    /// let stream = WriteStreamName::parse("projects/p/datasets/d/tables/t/streams/s")?;
    /// let mut planner = AppendPlanner::new(stream, WriterSchema::Proto(vec![0x0a, 0x01, b'R']), AppendOptions::new())?;
    /// let plan = planner.plan_rows([(0, &[0x08, 0x01][..])]);
    /// let mut session = AppendSession::new(&plan.requests, RowErrorPolicy::default(), 3);
    /// session.next_request(16, usize::MAX);
    /// let cut = AppendFailure::from_status(&Status::new(Code::Unavailable, "connection reset"), false);
    /// assert!(matches!(session.on_connection_lost(cut), SessionStep::Backoff { reconnect: true, .. }));
    /// session.next_request(16, usize::MAX); // resent on the new connection; it had landed after all:
    /// let landed = AppendRowsResponse::failure(Status::new(Code::AlreadyExists, "exists"), vec![]);
    /// session.on_response(&landed);
    /// assert_eq!(session.finish().appended, 1);
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn on_connection_lost(&mut self, failure: AppendFailure) -> SessionStep {
        self.requeue();
        let Some(front) = self.todo.front() else {
            return SessionStep::Reconnect;
        };
        if failure.is_retryable() && front.attempts < self.max_attempts {
            return SessionStep::Backoff {
                class: failure.class,
                attempt: front.attempts,
                reconnect: true,
            };
        }
        if let Some(item) = self.todo.pop_front() {
            self.reject_all(&item, failure.class, &failure.to_string());
            if self.offsets {
                self.stop(failure);
            }
        }
        SessionStep::Reconnect
    }

    /// Reads the response to the oldest unanswered request.
    pub fn on_response(&mut self, response: &AppendRowsResponse) -> SessionStep {
        let Some(item) = self.flight.front() else {
            return self.on_connection_lost(local_failure(
                Code::Internal,
                "an AppendRows response with no request waiting for it".into(),
            ));
        };
        let outcome = match read_append_response(&item.body, response) {
            Ok(o) => o,
            Err(e) => {
                return self.on_connection_lost(local_failure(
                    Code::Internal,
                    format!("a response not for its request: {e}"),
                ));
            }
        };
        let Some(item) = self.flight.pop_front() else {
            return SessionStep::Reconnect;
        };
        if outcome.updated_schema.is_some() {
            self.report.updated_schema = outcome.updated_schema.clone();
        }
        if outcome.is_success() {
            self.report.appended = self.report.appended.saturating_add(item.body.len());
            return SessionStep::Continue;
        }
        let failure = match outcome.result {
            Err(f) => f,
            Ok(_) => local_failure(Code::Unknown, String::new()),
        };
        if !outcome.rejected.is_empty() {
            return self.on_row_errors(item, outcome.rejected);
        }
        if failure.is_retryable() && item.attempts < self.max_attempts {
            let attempt = item.attempts;
            self.todo.push_front(item);
            if self.offsets {
                self.requeue();
            }
            return SessionStep::Backoff {
                class: failure.class,
                attempt,
                reconnect: self.offsets,
            };
        }
        self.reject_all(&item, failure.class, &failure.to_string());
        if self.offsets {
            self.requeue();
            self.stop(failure);
            return SessionStep::Reconnect;
        }
        SessionStep::Continue
    }

    fn on_row_errors(&mut self, item: Item<'a>, listed: Vec<RejectedRow>) -> SessionStep {
        let bad: BTreeSet<usize> = listed.iter().map(|r| r.request_row).collect();
        self.report.rejected.extend(listed);
        // The offset the request was sent at: its resend keeps it.
        let offset = item
            .fixed_offset
            .or_else(|| item.body.offset().map(|o| o.saturating_sub(self.shift)));
        let resend = if self.policy == RowErrorPolicy::ResendOthers && !item.resent {
            let drop: Vec<usize> = bad.iter().copied().collect();
            match item.body.without_rows(&drop) {
                Ok(r) => Ok(r),
                Err(e) => Err(e.to_string()),
            }
        } else {
            Err("another row of its request was invalid".to_owned())
        };
        let kept = match resend {
            Ok(Some(body)) => {
                let kept = body.len();
                self.report.resent_without_bad_rows =
                    self.report.resent_without_bad_rows.saturating_add(1);
                let next = Item {
                    body: Cow::Owned(body),
                    attempts: 0,
                    resent: true,
                    fixed_offset: offset,
                };
                if self.offsets {
                    self.requeue();
                }
                self.todo.push_front(next);
                kept
            }
            Ok(None) => 0,
            Err(why) => {
                for (i, &row) in item.body.input_rows().iter().enumerate() {
                    if !bad.contains(&i) {
                        self.report.rejected.push(RejectedRow {
                            input_row: row,
                            request_row: i,
                            class: ErrorClass::Aborted,
                            message: format!("not appended: {why}"),
                        });
                    }
                }
                0
            }
        };
        if !self.offsets {
            return SessionStep::Continue;
        }
        // The rows dropped take no offset: later requests move down.
        self.shift = self
            .shift
            .saturating_add(to_i64(item.body.len().saturating_sub(kept)));
        self.requeue();
        SessionStep::Reconnect
    }

    fn reject_all(&mut self, item: &Item<'_>, class: ErrorClass, message: &str) {
        for (i, &row) in item.body.input_rows().iter().enumerate() {
            self.report.rejected.push(RejectedRow {
                input_row: row,
                request_row: i,
                class,
                message: message.to_owned(),
            });
        }
    }

    /// Stops a stream with offsets: every row not yet appended is rejected.
    fn stop(&mut self, failure: AppendFailure) {
        let message = format!("not appended: an earlier request on this stream failed ({failure})");
        let mut rest: Vec<Item<'a>> = self.flight.drain(..).collect();
        rest.extend(self.todo.drain(..));
        for item in &rest {
            self.reject_all(item, ErrorClass::Aborted, &message);
        }
        for p in self.plan.get(self.next_plan..).unwrap_or_default() {
            for (i, &row) in p.input_rows().iter().enumerate() {
                self.report.rejected.push(RejectedRow {
                    input_row: row,
                    request_row: i,
                    class: ErrorClass::Aborted,
                    message: message.clone(),
                });
            }
        }
        self.next_plan = self.plan.len();
        self.report.stopped_by = Some(failure);
        self.stopped = true;
    }

    /// The report, rejected rows in input order.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::transport::messages::{AppendRowsResponse, Code, Status};
    /// use bqcodec::transport::{AppendOptions, AppendPlanner, AppendSession, ErrorClass, RowErrorPolicy, WriteStreamName, WriterSchema};
    ///
    /// let stream = WriteStreamName::parse("projects/p/datasets/d/tables/t/streams/s")?;
    /// let mut planner = AppendPlanner::new(stream, WriterSchema::Proto(vec![0x0a, 0x01, b'R']), AppendOptions::new())?;
    /// let plan = planner.plan_rows([(0, &[0x08, 0x01][..]), (1, &[0x08, 0x02][..])]);
    /// let mut session = AppendSession::new(&plan.requests, RowErrorPolicy::default(), 3);
    /// session.next_request(16, usize::MAX);
    /// session.on_response(&AppendRowsResponse::failure(Status::new(Code::NotFound, "no table"), vec![]));
    /// assert!(session.is_done()); // not retryable: the append on a stream with offsets stops
    /// let report = session.finish();
    /// assert_eq!(report.stopped_by.map(|f| f.class), Some(ErrorClass::NotFound));
    /// assert_eq!(report.rejected.iter().map(|r| r.input_row).collect::<Vec<_>>(), [0, 1]);
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn finish(mut self) -> AppendReport {
        self.report.rejected.sort_by_key(|r| r.input_row);
        if self.offsets && !self.stopped {
            self.report.next_offset = self.plan.last().and_then(|p| {
                p.offset()
                    .map(|o| o.saturating_add(to_i64(p.len())).saturating_sub(self.shift))
            });
        }
        self.report
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;
    use crate::transport::messages::{
        AppendResponseKind, AppendResult, ProtoData, RowError, Rows, STORAGE_ERROR_TYPE_URL,
        StorageError, StorageErrorCode,
    };
    use crate::transport::{AppendOptions, AppendPlanner, WriteStreamName, WriterSchema};
    use prost::Message;

    fn plan(stream: &str, rows: usize, per_request: usize) -> Vec<PlannedAppend> {
        let name =
            WriteStreamName::parse(&format!("projects/p/datasets/d/tables/t/streams/{stream}"))
                .unwrap();
        let mut planner = AppendPlanner::new(
            name,
            WriterSchema::Proto(vec![0x0a, 0x01, b'R']),
            AppendOptions::new(),
        )
        .unwrap();
        let data: Vec<Vec<u8>> = (0..rows)
            .map(|i| vec![0x08, u8::try_from(i).unwrap()])
            .collect();
        let mut out = Vec::new();
        for chunk in data.chunks(per_request).enumerate() {
            let (k, rows) = chunk;
            let first = k * per_request;
            let p = planner.plan_rows(
                rows.iter()
                    .enumerate()
                    .map(|(i, r)| (first + i, r.as_slice())),
            );
            out.extend(p.requests);
        }
        out
    }

    /// The first byte after the tag of each row: the row's number.
    fn row_ids(r: &AppendRowsRequest) -> Vec<u8> {
        match &r.rows {
            Some(Rows::ProtoRows(ProtoData {
                rows: Some(rows), ..
            })) => rows.serialized_rows.iter().map(|r| r[1]).collect(),
            _ => panic!("not proto rows"),
        }
    }

    fn has_schema(r: &AppendRowsRequest) -> bool {
        matches!(&r.rows, Some(Rows::ProtoRows(d)) if d.writer_schema.is_some())
    }

    fn ok(offset: Option<i64>) -> AppendRowsResponse {
        AppendRowsResponse {
            response: Some(AppendResponseKind::AppendResult(AppendResult { offset })),
            ..Default::default()
        }
    }

    fn row_errors(indexes: &[i64]) -> AppendRowsResponse {
        AppendRowsResponse {
            row_errors: indexes
                .iter()
                .map(|&index| RowError {
                    index,
                    code: 1,
                    message: format!("bad {index}"),
                })
                .collect(),
            response: Some(AppendResponseKind::Error(Status {
                code: Code::InvalidArgument as i32,
                message: "rows".into(),
                details: Vec::new(),
            })),
            ..Default::default()
        }
    }

    fn status(code: Code, storage: Option<StorageErrorCode>) -> AppendFailure {
        AppendFailure::from_status(
            &Status {
                code: code as i32,
                message: "m".into(),
                details: storage
                    .map(|c| prost_types::Any {
                        type_url: STORAGE_ERROR_TYPE_URL.into(),
                        value: StorageError {
                            code: c as i32,
                            entity: String::new(),
                            error_message: String::new(),
                        }
                        .encode_to_vec(),
                    })
                    .into_iter()
                    .collect(),
            },
            false,
        )
    }

    fn drain(s: &mut AppendSession<'_>) -> Vec<AppendRowsRequest> {
        let mut out = Vec::new();
        while let Some(r) = s.next_request(16, usize::MAX) {
            out.push(r);
        }
        out
    }

    fn rejected(r: &AppendReport) -> Vec<(usize, ErrorClass)> {
        r.rejected.iter().map(|x| (x.input_row, x.class)).collect()
    }

    /// Offsets: three requests of 3 rows in flight; the first lists rows 1
    /// and 2 of 3. Nothing was written: the connection is reopened, the
    /// first request goes again with row 0 alone at offset 0 (carrying the
    /// schema), and the later ones move down by 2.
    #[test]
    fn offsets_resend_without_bad_rows_and_move_later_offsets() {
        let p = plan("s", 9, 3);
        let mut s = AppendSession::new(&p, RowErrorPolicy::ResendOthers, 3);
        let first = drain(&mut s);
        assert_eq!(
            first.iter().map(|r| r.offset).collect::<Vec<_>>(),
            vec![Some(0), Some(3), Some(6)]
        );
        assert!(has_schema(&first[0]) && !has_schema(&first[1]));
        assert_eq!(s.on_response(&row_errors(&[1, 2])), SessionStep::Reconnect);
        let again = drain(&mut s);
        assert_eq!(
            again
                .iter()
                .map(|r| (r.offset, row_ids(r)))
                .collect::<Vec<_>>(),
            vec![
                (Some(0), vec![0]),
                (Some(1), vec![3, 4, 5]),
                (Some(4), vec![6, 7, 8])
            ]
        );
        assert!(has_schema(&again[0]) && !has_schema(&again[1]));
        for o in [0, 1] {
            assert_eq!(s.on_response(&ok(Some(o))), SessionStep::Continue);
        }
        let changed = crate::transport::messages::TableSchema {
            fields: vec![crate::transport::messages::TableFieldSchema {
                name: "added".into(),
                r#type: crate::transport::messages::FieldType::Int64 as i32,
                ..Default::default()
            }],
        };
        let last = AppendRowsResponse {
            updated_schema: Some(changed.clone()),
            ..ok(Some(4))
        };
        assert_eq!(s.on_response(&last), SessionStep::Continue);
        assert!(s.is_done());
        let r = s.finish();
        assert_eq!(r.updated_schema, Some(changed));
        assert_eq!((r.rows, r.appended, r.resent_without_bad_rows), (9, 7, 1));
        assert_eq!(
            rejected(&r),
            vec![(1, ErrorClass::InvalidRows), (2, ErrorClass::InvalidRows)]
        );
        assert_eq!(r.rejected[0].message, "FIELDS_ERROR: bad 1");
        assert_eq!(r.next_offset, Some(7));
        assert!(r.stopped_by.is_none());
    }

    /// `_default`: the connection is kept (the requests in flight are not
    /// sent twice) and the resend goes after them.
    #[test]
    fn default_stream_keeps_the_connection() {
        let p = plan("_default", 6, 2);
        let mut s = AppendSession::new(&p, RowErrorPolicy::ResendOthers, 3);
        let first = drain(&mut s);
        assert_eq!(first.len(), 3);
        assert!(first.iter().all(|r| r.offset.is_none()));
        assert_eq!(s.on_response(&row_errors(&[0])), SessionStep::Continue);
        let resend = drain(&mut s);
        assert_eq!(
            resend.iter().map(row_ids).collect::<Vec<_>>(),
            vec![vec![1]]
        );
        // A copy of the connection's first request: it keeps the writer
        // schema (allowed on any request; the same schema again).
        assert!(has_schema(&resend[0]));
        for _ in 0..3 {
            assert_eq!(s.on_response(&ok(None)), SessionStep::Continue);
        }
        assert!(s.is_done());
        let r = s.finish();
        assert_eq!((r.appended, r.next_offset), (5, None));
        assert_eq!(r.updated_schema, None);
        assert_eq!(rejected(&r), vec![(0, ErrorClass::InvalidRows)]);
    }

    /// The resend is made once: row errors again reject its listed rows
    /// and the rest as Aborted; with offsets the whole request then takes
    /// no offset and the append goes on.
    #[test]
    fn resend_once_then_reject() {
        let p = plan("s", 6, 3);
        let mut s = AppendSession::new(&p, RowErrorPolicy::ResendOthers, 3);
        drain(&mut s);
        assert_eq!(s.on_response(&row_errors(&[0])), SessionStep::Reconnect);
        let again = drain(&mut s);
        assert_eq!(row_ids(&again[0]), vec![1, 2]);
        assert_eq!(s.on_response(&row_errors(&[1])), SessionStep::Reconnect);
        let third = drain(&mut s);
        assert_eq!(third.len(), 1);
        assert_eq!(
            (third[0].offset, row_ids(&third[0])),
            (Some(0), vec![3, 4, 5])
        );
        assert_eq!(s.on_response(&ok(Some(0))), SessionStep::Continue);
        let r = s.finish();
        assert_eq!(
            rejected(&r),
            vec![
                (0, ErrorClass::InvalidRows),
                (1, ErrorClass::Aborted),
                (2, ErrorClass::InvalidRows)
            ]
        );
        assert_eq!(
            r.rejected[1].message,
            "not appended: another row of its request was invalid"
        );
        assert_eq!((r.appended, r.next_offset), (3, Some(3)));
    }

    #[test]
    fn reject_request_policy_and_all_rows_bad() {
        let p = plan("s", 4, 2);
        let mut s = AppendSession::new(&p, RowErrorPolicy::RejectRequest, 3);
        drain(&mut s);
        assert_eq!(s.on_response(&row_errors(&[1])), SessionStep::Reconnect);
        let again = drain(&mut s);
        assert_eq!((again[0].offset, row_ids(&again[0])), (Some(0), vec![2, 3]));
        assert!(has_schema(&again[0]));
        s.on_response(&ok(Some(0)));
        let r = s.finish();
        assert_eq!(
            rejected(&r),
            vec![(0, ErrorClass::Aborted), (1, ErrorClass::InvalidRows)]
        );
        assert_eq!(r.resent_without_bad_rows, 0);

        // Every row listed: nothing to resend.
        let p = plan("_default", 2, 2);
        let mut s = AppendSession::new(&p, RowErrorPolicy::ResendOthers, 3);
        drain(&mut s);
        assert_eq!(s.on_response(&row_errors(&[0, 1])), SessionStep::Continue);
        assert!(s.is_done());
        assert_eq!(s.finish().rejected.len(), 2);
    }

    /// A lost connection: every unanswered request is sent again on a new
    /// connection, the first with the schema; a request that had landed is
    /// answered ALREADY_EXISTS and counted as appended.
    #[test]
    fn lost_connection_resends_in_flight_requests() {
        let p = plan("s", 4, 2);
        let mut s = AppendSession::new(&p, RowErrorPolicy::ResendOthers, 2);
        drain(&mut s);
        s.sent(2, 10);
        assert_eq!(s.on_response(&ok(Some(0))), SessionStep::Continue);
        let step = s.on_connection_lost(status(Code::Unavailable, None));
        assert_eq!(
            step,
            SessionStep::Backoff {
                class: ErrorClass::Transient,
                attempt: 1,
                reconnect: true
            }
        );
        let again = drain(&mut s);
        assert_eq!((again.len(), again[0].offset), (1, Some(2)));
        assert!(has_schema(&again[0]));
        let exists = AppendRowsResponse {
            response: Some(AppendResponseKind::Error(Status {
                code: Code::AlreadyExists as i32,
                message: "dup".into(),
                details: vec![prost_types::Any {
                    type_url: STORAGE_ERROR_TYPE_URL.into(),
                    value: StorageError {
                        code: StorageErrorCode::OffsetAlreadyExists as i32,
                        entity: String::new(),
                        error_message: String::new(),
                    }
                    .encode_to_vec(),
                }],
            })),
            ..Default::default()
        };
        assert_eq!(s.on_response(&exists), SessionStep::Continue);
        let r = s.finish();
        assert_eq!((r.appended, r.requests, r.bytes), (4, 2, 10));
        assert!(r.rejected.is_empty());
    }

    /// With offsets, a failure not retried stops the append: the rows not
    /// appended are rejected as Aborted.
    #[test]
    fn offsets_stop_after_a_final_failure() {
        let p = plan("s", 6, 2);
        let mut s = AppendSession::new(&p, RowErrorPolicy::ResendOthers, 1);
        assert!(s.next_request(1, usize::MAX).is_some());
        assert!(s.next_request(1, usize::MAX).is_none(), "window of one");
        let step = s.on_connection_lost(status(
            Code::OutOfRange,
            Some(StorageErrorCode::OffsetOutOfRange),
        ));
        assert_eq!(step, SessionStep::Reconnect);
        assert!(s.is_done());
        let r = s.finish();
        assert_eq!(
            r.stopped_by.as_ref().map(|f| f.class),
            Some(ErrorClass::OffsetOutOfRange)
        );
        assert_eq!(
            rejected(&r),
            vec![
                (0, ErrorClass::OffsetOutOfRange),
                (1, ErrorClass::OffsetOutOfRange),
                (2, ErrorClass::Aborted),
                (3, ErrorClass::Aborted),
                (4, ErrorClass::Aborted),
                (5, ErrorClass::Aborted)
            ]
        );
        assert_eq!(r.next_offset, None);
    }

    /// `_default`: a retryable failed response waits and resends only that
    /// request, on the same connection; a final one rejects only its rows.
    #[test]
    fn default_stream_retries_one_request() {
        let p = plan("_default", 4, 2);
        let mut s = AppendSession::new(&p, RowErrorPolicy::ResendOthers, 2);
        drain(&mut s);
        let busy = AppendRowsResponse {
            response: Some(AppendResponseKind::Error(Status {
                code: Code::ResourceExhausted as i32,
                message: "slow down".into(),
                details: Vec::new(),
            })),
            ..Default::default()
        };
        assert_eq!(
            s.on_response(&busy),
            SessionStep::Backoff {
                class: ErrorClass::ResourceExhausted,
                attempt: 1,
                reconnect: false
            }
        );
        assert_eq!(s.on_response(&ok(None)), SessionStep::Continue);
        let again = drain(&mut s);
        assert_eq!(
            again.iter().map(row_ids).collect::<Vec<_>>(),
            vec![vec![0, 1]]
        );
        assert_eq!(s.on_response(&busy), SessionStep::Continue);
        let r = s.finish();
        assert_eq!(r.appended, 2);
        assert_eq!(
            rejected(&r),
            vec![
                (0, ErrorClass::ResourceExhausted),
                (1, ErrorClass::ResourceExhausted)
            ]
        );
    }

    #[test]
    fn a_response_with_a_foreign_row_index_is_a_lost_connection() {
        let p = plan("_default", 2, 2);
        let mut s = AppendSession::new(&p, RowErrorPolicy::ResendOthers, 2);
        drain(&mut s);
        assert!(matches!(
            s.on_response(&row_errors(&[5])),
            SessionStep::Backoff {
                reconnect: true,
                ..
            }
        ));
        assert_eq!(drain(&mut s).len(), 1);
        // A response with nothing waiting for it.
        s.on_response(&ok(None));
        assert!(matches!(s.on_response(&ok(None)), SessionStep::Reconnect));
    }
}
