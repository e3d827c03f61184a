//! The sans-IO AppendRows session (src/transport/session.rs) driven by an
//! arbitrary server: the input chooses the rows, the request limit, the
//! stream kind (offsets or `_default`), the row-error policy, and then a
//! sequence of client steps and server answers (successes with any offset,
//! failures with any code and any row-error indices, empty responses,
//! updated schemas, lost connections). Then a well-behaved server answers
//! until the session is done.
//! - no panic, whatever the server says;
//! - with a well-behaved server the session always finishes (no request
//!   is lost: nothing to send and nothing in flight means done);
//! - once done, every planned row is appended or rejected, rejected rows
//!   are distinct input rows of the plan, and the counts add up.
#![no_main]

use std::collections::BTreeSet;

use arbitrary::Unstructured;
use bqcodec::transport::messages::{
    AppendRowsResponse, Code, RowError, RowErrorCode, Status, TableSchema,
};
use bqcodec::transport::{
    AppendFailure, AppendOptions, AppendPlanner, AppendSession, RowErrorPolicy, SessionStep,
    WriteStreamName, WriterSchema,
};
use libfuzzer_sys::fuzz_target;
use prost::Message;

const CODES: [Code; 8] = [
    Code::Ok,
    Code::InvalidArgument,
    Code::AlreadyExists,
    Code::OutOfRange,
    Code::ResourceExhausted,
    Code::Unavailable,
    Code::Aborted,
    Code::Internal,
];

fn code(u: &mut Unstructured<'_>) -> Code {
    *u.choose(&CODES).unwrap_or(&Code::Unknown)
}

/// Whether the client closes its connection after `step`.
fn closes(step: SessionStep) -> bool {
    match step {
        SessionStep::Reconnect => true,
        SessionStep::Backoff { reconnect, .. } => reconnect,
        _ => false,
    }
}

fn run(data: &[u8]) -> Option<()> {
    let mut u = Unstructured::new(data);
    let offsets: bool = u.arbitrary().ok()?;
    let rows: usize = u.int_in_range(1..=40).ok()?;
    let limit: usize = u.int_in_range(24..=400).ok()?;
    let policy = if u.arbitrary().ok()? {
        RowErrorPolicy::ResendOthers
    } else {
        RowErrorPolicy::RejectRequest
    };
    let attempts: u32 = u.int_in_range(0..=3).ok()?;
    let stream = if offsets { "s" } else { "_default" };
    let name =
        WriteStreamName::parse(&format!("projects/p/datasets/d/tables/t/streams/{stream}")).ok()?;
    let mut planner = AppendPlanner::new(
        name,
        WriterSchema::Proto(vec![0x0a, 0x01, b'R']),
        AppendOptions::new().with_limit(limit).with_margin(0),
    )
    .ok()?;
    let data_rows: Vec<Vec<u8>> = (0..rows)
        .map(|i| vec![0x08, u8::try_from(i).unwrap_or(0)])
        .collect();
    let plan = planner.plan_rows(data_rows.iter().enumerate().map(|(i, r)| (i, r.as_slice())));
    let planned: usize = plan.requests.iter().map(|r| r.len()).sum();
    assert_eq!(planned + plan.rejected.len(), rows, "the planner lost rows");

    let mut session = AppendSession::new(&plan.requests, policy, attempts);
    // The offsets of the requests on the current connection, oldest first.
    let mut flight: std::collections::VecDeque<Option<i64>> = Default::default();
    for _ in 0..200 {
        if session.is_done() || u.is_empty() {
            break;
        }
        let step = match u.int_in_range(0..=5u8).ok()? {
            0 | 1 => {
                let max_requests = u.int_in_range(1..=4).ok()?;
                let max_bytes = u.int_in_range(0..=2000).ok()?;
                if let Some(req) = session.next_request(max_requests, max_bytes) {
                    session.sent(1, req.encoded_len());
                    flight.push_back(req.offset);
                }
                continue;
            }
            2 => {
                let echo = flight.pop_front().flatten();
                session.on_response(&AppendRowsResponse::success(echo))
            }
            3 => {
                flight.pop_front();
                let response = match u.int_in_range(0..=3u8).ok()? {
                    0 => AppendRowsResponse::success(u.arbitrary().ok()?),
                    1 => {
                        let n = u.int_in_range(0..=4).ok()?;
                        let mut errors = Vec::new();
                        for _ in 0..n {
                            errors.push(RowError::new(
                                u.int_in_range(-2..=45).ok()?,
                                RowErrorCode::FieldsError,
                                "bad",
                            ));
                        }
                        AppendRowsResponse::failure(Status::new(code(&mut u), "x"), errors)
                    }
                    2 => AppendRowsResponse::default(),
                    _ => {
                        let mut r = AppendRowsResponse::success(None);
                        r.updated_schema = Some(TableSchema::default());
                        r
                    }
                };
                session.on_response(&response)
            }
            4 => {
                let failure = AppendFailure::from_status(&Status::new(code(&mut u), "lost"), false);
                session.on_connection_lost(failure)
            }
            _ => {
                // A response the service encodes: decode arbitrary bytes.
                let bytes: &[u8] = u.arbitrary().ok()?;
                let Ok(response) = AppendRowsResponse::decode(bytes) else {
                    continue;
                };
                flight.pop_front();
                session.on_response(&response)
            }
        };
        if closes(step) {
            flight.clear();
        }
    }

    // A well-behaved server from here on: every request succeeds.
    let bound = 4 * plan.requests.len() + 64;
    for _ in 0..bound {
        if session.is_done() {
            break;
        }
        if let Some(req) = session.next_request(4, usize::MAX) {
            flight.push_back(req.offset);
            continue;
        }
        assert!(
            session.in_flight() > 0,
            "not done, nothing to send and nothing in flight: {session:?}"
        );
        let echo = flight.pop_front().flatten();
        let step = session.on_response(&AppendRowsResponse::success(echo));
        if closes(step) {
            flight.clear();
        }
    }
    assert!(
        session.is_done(),
        "a well-behaved server did not finish: {session:?}"
    );
    let report = session.finish();
    assert_eq!(report.rows, planned);
    let rejected: BTreeSet<usize> = report.rejected.iter().map(|r| r.input_row).collect();
    assert_eq!(
        rejected.len(),
        report.rejected.len(),
        "a row rejected twice"
    );
    assert!(
        rejected.iter().all(|&r| r < rows),
        "a rejected row not in the input"
    );
    assert_eq!(
        report.appended + report.rejected.len(),
        planned,
        "rows appended and rejected do not add up: {report:?}"
    );
    Some(())
}

fuzz_target!(|data: &[u8]| {
    let _ = run(data);
});
