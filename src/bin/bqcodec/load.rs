//! `load`: send NDJSON rows to a table: `--format insert-all`
//! (`tabledata.insertAll` over REST) or `--format proto` (the Storage Write
//! API's AppendRows over gRPC, on the `_default` stream or a created
//! COMMITTED, PENDING or BUFFERED stream). `--format arrow` is not
//! implemented yet.
//!
//! With `--format proto`: a created stream gets offsets (exactly-once
//! appends) and is finalized at the end; a PENDING stream is committed
//! only when every row sent was appended (else it is left uncommitted,
//! so nothing lands); a BUFFERED stream is flushed up to its last
//! appended row (FlushRows' offset is inclusive in the API).
//!
//! Rows the codec rejects are never sent. Without `--skip-invalid` nothing
//! is sent when any row is bad (the encoded rows wait in memory until the
//! input is read); with it, good rows go out chunk by chunk and the
//! service is asked to skip the rows it refuses (`skipInvalidRows`).
//! Rejected rows are reported by their 1-based input line (blank lines
//! count as lines but are not rows) and their 0-based row index.

use std::io::Write;
use std::process::ExitCode;

use bqcodec::insert_all::{InsertAllOptions, InsertAllRows, InsertAllWriter};
use bqcodec::plan::{UnknownKeys, WalkOptions};
use bqcodec::proto::{DescriptorOptions, Profile, ProtoWriter};
use bqcodec::transport::auth::EnvToken;
use bqcodec::transport::grpc::{self, GrpcClient};
use bqcodec::transport::messages::WriteStreamType;
use bqcodec::transport::rest::{DEFAULT_ENDPOINT, InsertAllReport, RestClient, TableRef};
use bqcodec::transport::{AppendOptions, AppendPlanner, WriteStreamName, WriterSchema};
use bqcodec::value::Policy;

use crate::insert_all::insert_ids;
use crate::{Format, ProfileArg, fail, for_each_chunk, load_schema, open_input, parse_rounding};

/// Storage Write stream types.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum StreamArg {
    /// The table's `_default` stream (at-least-once, no offsets).
    Default,
    /// A created COMMITTED stream: rows visible when appended.
    Committed,
    /// A created PENDING stream: rows visible after the commit at the end.
    Pending,
    /// A created BUFFERED stream: rows visible when flushed at the end.
    Buffered,
}

#[derive(clap::Args)]
pub(crate) struct LoadArgs {
    /// The table, PROJECT.DATASET.TABLE.
    #[arg(long, value_name = "P.D.T")]
    table: String,
    /// The table schema file.
    #[arg(long, value_name = "SCHEMA.json")]
    schema: String,
    /// Wire format: insert-all (REST) or proto (Storage Write over gRPC);
    /// arrow is not implemented yet.
    #[arg(long, value_enum)]
    format: Format,
    /// Storage Write stream type (proto only; default: default).
    #[arg(long, value_enum)]
    stream: Option<StreamArg>,
    /// Protobuf wire profile (proto only; default: exact).
    #[arg(long, value_enum)]
    profile: Option<ProfileArg>,
    /// Storage Write gRPC endpoint (proto only; an emulator:
    /// http://127.0.0.1:PORT). Default: https://bigquerystorage.googleapis.com.
    #[arg(long, value_name = "URL")]
    grpc_endpoint: Option<String>,
    /// BigQuery REST endpoint (an emulator: http://127.0.0.1:PORT).
    #[arg(long, value_name = "URL", default_value = DEFAULT_ENDPOINT)]
    rest_endpoint: String,
    /// Read the bearer token from this environment variable at each
    /// request (default: no Authorization header).
    #[arg(long, value_name = "VAR")]
    token_env: Option<String>,
    /// Send the good rows even when some rows are bad, and ask the service
    /// to skip the rows it refuses (still exit 1).
    #[arg(long)]
    skip_invalid: bool,
    /// Ignore keys that name no column, here and in the service.
    #[arg(long)]
    ignore_unknown: bool,
    /// Round excess NUMERIC/BIGNUMERIC digits: half-away-from-zero or half-even
    /// (default: reject).
    #[arg(long, value_name = "MODE")]
    rounding: Option<String>,
    /// Each row's insertId: none, hash (SHA-256 of the row's JSON), or column:NAME.
    #[arg(long, value_name = "none|hash|column:NAME", default_value = "none")]
    insert_id: String,
    /// NDJSON rows ("-" for stdin).
    #[arg(value_name = "ROWS.ndjson", default_value = "-")]
    rows: String,
}

/// The 1-based line of each row in a chunk (lines of only spaces, tabs and
/// carriage returns are blank: not rows, as in the NDJSON walk).
/// A one-line progress report on stderr for long loads, shown only when
/// stderr is a terminal (scripts and tests see only the summary).
struct Progress {
    on: bool,
    last: std::time::Instant,
}

impl Progress {
    fn new() -> Self {
        use std::io::IsTerminal as _;
        Progress {
            on: std::io::stderr().is_terminal(),
            last: std::time::Instant::now(),
        }
    }

    /// Redraws the line at most five times a second.
    fn show(&mut self, line: impl FnOnce() -> String) {
        if self.on && self.last.elapsed() >= std::time::Duration::from_millis(200) {
            eprint!("\r{}\x1b[K", line());
            self.last = std::time::Instant::now();
        }
    }

    /// Clears the line before the summary.
    fn done(&self) {
        if self.on {
            eprint!("\r\x1b[K");
        }
    }
}

/// `(row, "<field.path>: <message>")` for each row the codec rejected.
fn codec_rejections(errors: &[bqcodec::RowError]) -> impl Iterator<Item = (usize, String)> + '_ {
    errors
        .iter()
        .map(|e| (e.row, format!("{}: {}", e.path, e.error)))
}

/// One line per rejected row: `line L (row R): message`, L the 1-based input line.
fn print_rejected(err: &mut impl Write, lines: &[usize], rejected: &[(usize, String)]) {
    for (row, message) in rejected {
        let line = lines
            .get(*row)
            .map_or_else(|| "?".to_owned(), usize::to_string);
        let _ = writeln!(err, "line {line} (row {row}): {message}");
    }
}

fn row_lines(chunk: &[u8], first_line: usize, lines: &mut Vec<usize>) -> usize {
    let mut n = 0usize;
    for (i, line) in chunk.split(|&b| b == b'\n').enumerate() {
        if line.iter().any(|b| !matches!(b, b' ' | b'\t' | b'\r')) {
            lines.push(first_line.saturating_add(i));
        }
        n = i;
    }
    // Lines consumed: a chunk ends at a newline (or the input's end).
    if chunk.last() == Some(&b'\n') {
        n
    } else {
        n.saturating_add(1)
    }
}

fn walk_options(args: &LoadArgs) -> Result<WalkOptions, String> {
    let rounding = parse_rounding(args.rounding.as_deref())?;
    Ok(WalkOptions::new()
        .with_policy(Policy::new().with_rounding(rounding))
        .with_unknown_keys(if args.ignore_unknown {
            UnknownKeys::Ignore
        } else {
            UnknownKeys::Reject
        }))
}

fn prepare(args: &LoadArgs) -> Result<(InsertAllWriter, RestClient, TableRef), String> {
    if args.format == Format::Arrow {
        return Err("--format arrow: not implemented yet (use proto or insert-all)".into());
    }
    for (set, flag) in [
        (args.grpc_endpoint.is_some(), "--grpc-endpoint"),
        (args.stream.is_some(), "--stream"),
        (args.profile.is_some(), "--profile"),
    ] {
        if set {
            return Err(format!(
                "{flag}: only with --format proto; --format insert-all uses --rest-endpoint"
            ));
        }
    }
    let table = TableRef::parse(&args.table).map_err(|e| format!("--table: {e}"))?;
    let schema = load_schema(&args.schema)?;
    let walk = walk_options(args)?;
    let mut options = InsertAllOptions::new();
    if args.skip_invalid {
        options = options.with_skip_invalid_rows(true);
    }
    if args.ignore_unknown {
        options = options.with_ignore_unknown_values(true);
    }
    let writer = InsertAllWriter::new(&schema, walk, insert_ids(&args.insert_id)?, options)
        .map_err(|e| {
            e.problems
                .iter()
                .map(|p| format!("{}: {p}", args.schema))
                .collect::<Vec<_>>()
                .join("\n")
        })?;
    let mut client =
        RestClient::new(&args.rest_endpoint).map_err(|e| format!("--rest-endpoint: {e}"))?;
    if let Some(var) = &args.token_env {
        client = client.with_auth(EnvToken::new(var));
    }
    Ok((writer, client, table))
}

pub(crate) fn load(args: &LoadArgs) -> ExitCode {
    if args.format == Format::Proto {
        return load_proto(args);
    }
    let (writer, client, table) = match prepare(args) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let input = match open_input(&args.rows) {
        Ok(i) => i,
        Err(e) => return fail(e),
    };
    let mut lines: Vec<usize> = Vec::new();
    let mut next_line = 1usize;
    let mut rows = 0usize;
    // (row, message) for every row not in the table, codec or service.
    let mut rejected: Vec<(usize, String)> = Vec::new();
    let mut held: Vec<InsertAllRows> = Vec::new();
    let mut total = InsertAllReport::default();
    let mut progress = Progress::new();
    let mut send = |encoded: &InsertAllRows, total: &mut InsertAllReport| {
        let r = client.insert_all_rows(&table, encoded, writer.options());
        total.rows = total.rows.saturating_add(r.rows);
        total.requests = total.requests.saturating_add(r.requests);
        total.bytes = total.bytes.saturating_add(r.bytes);
        total.rejected.extend(r.rejected);
        progress.show(|| {
            format!(
                "{} rows sent in {} requests ({} bytes)",
                total.rows, total.requests, total.bytes
            )
        });
    };
    let read = for_each_chunk(input, |chunk| {
        next_line = next_line.saturating_add(row_lines(chunk, next_line, &mut lines));
        let (encoded, outcome) = writer.encode_rows_ndjson(chunk, rows);
        rows = rows.saturating_add(outcome.rows);
        rejected.extend(codec_rejections(&outcome.errors));
        if args.skip_invalid {
            send(&encoded, &mut total);
        } else {
            held.push(encoded);
        }
    });
    if let Err(e) = read {
        return fail(format!("{}: cannot read: {e}", args.rows));
    }
    if !args.skip_invalid && rejected.is_empty() {
        for encoded in &held {
            send(encoded, &mut total);
        }
    }
    Progress::new().done();
    let not_sent = rows.saturating_sub(total.rows);
    rejected.extend(
        total
            .rejected
            .iter()
            .map(|r| (r.input_row, format!("{} ({})", r.message, r.class))),
    );
    rejected.sort_by_key(|(row, _)| *row);
    let mut err = std::io::stderr().lock();
    print_rejected(&mut err, &lines, &rejected);
    let _ = writeln!(
        err,
        "{} of {rows} rows sent to {}.{}.{} in {} requests ({} bytes); {} rejected{}",
        total.rows,
        table.project,
        table.dataset,
        table.table,
        total.requests,
        total.bytes,
        rejected.len(),
        if not_sent > 0 && !args.skip_invalid {
            " (nothing sent: a row was bad and --skip-invalid is off)"
        } else {
            ""
        }
    );
    if rejected.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn prepare_proto(args: &LoadArgs) -> Result<(ProtoWriter, GrpcClient, TableRef), String> {
    if args.insert_id != "none" {
        return Err("--insert-id: only with --format insert-all".into());
    }
    let table = TableRef::parse(&args.table).map_err(|e| format!("--table: {e}"))?;
    let schema = load_schema(&args.schema)?;
    let walk = walk_options(args)?;
    let profile = match args.profile {
        Some(ProfileArg::Text) => Profile::Text,
        Some(ProfileArg::Exact) | None => Profile::Exact,
    };
    let writer = ProtoWriter::new(
        &schema,
        DescriptorOptions::default().with_profile(profile),
        walk,
    )
    .map_err(|e| {
        e.problems
            .iter()
            .map(|p| format!("{}: {p}", args.schema))
            .collect::<Vec<_>>()
            .join("\n")
    })?;
    let endpoint = args
        .grpc_endpoint
        .as_deref()
        .unwrap_or(grpc::DEFAULT_ENDPOINT);
    let mut client = GrpcClient::new(endpoint).map_err(|e| format!("--grpc-endpoint: {e}"))?;
    if let Some(var) = &args.token_env {
        client = client.with_auth(EnvToken::new(var));
    }
    Ok((writer, client, table))
}

/// Totals of the proto path.
#[derive(Default)]
struct Sent {
    rows: usize,
    appended: usize,
    requests: usize,
    bytes: usize,
    rejected: Vec<(usize, String)>,
}

fn load_proto(args: &LoadArgs) -> ExitCode {
    let (writer, client, table) = match prepare_proto(args) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let input = match open_input(&args.rows) {
        Ok(i) => i,
        Err(e) => return fail(e),
    };
    let mut lines: Vec<usize> = Vec::new();
    let mut next_line = 1usize;
    let mut rows = 0usize;
    let mut rejected: Vec<(usize, String)> = Vec::new();
    let mut held = Vec::new();
    let mut progress = Progress::new();
    let read = for_each_chunk(input, |chunk| {
        next_line = next_line.saturating_add(row_lines(chunk, next_line, &mut lines));
        let (encoded, outcome) = writer.encode_ndjson(chunk, rows);
        rows = rows.saturating_add(outcome.rows);
        rejected.extend(codec_rejections(&outcome.errors));
        held.push(encoded);
        progress.show(|| format!("{rows} rows read and encoded"));
    });
    progress.done();
    if let Err(e) = read {
        return fail(format!("{}: cannot read: {e}", args.rows));
    }
    let mut sent = Sent::default();
    let note = if args.skip_invalid || rejected.is_empty() {
        match send_proto(args, &writer, &client, &table, &held, &mut sent) {
            Ok(n) => n,
            Err(e) => return fail(e),
        }
    } else {
        " (nothing sent: a row was bad and --skip-invalid is off)".to_owned()
    };
    rejected.append(&mut sent.rejected);
    rejected.sort_by_key(|(row, _)| *row);
    let mut err = std::io::stderr().lock();
    print_rejected(&mut err, &lines, &rejected);
    let _ = writeln!(
        err,
        "{} of {rows} rows sent to {}.{}.{} in {} requests ({} bytes), {} appended; {} rejected{note}",
        sent.rows,
        table.project,
        table.dataset,
        table.table,
        sent.requests,
        sent.bytes,
        sent.appended,
        rejected.len(),
    );
    if rejected.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// Appends the encoded rows and closes the stream; gives a note for the summary.
fn send_proto(
    args: &LoadArgs,
    writer: &ProtoWriter,
    client: &GrpcClient,
    table: &TableRef,
    held: &[bqcodec::proto::wire::ProtoRows],
    sent: &mut Sent,
) -> Result<String, String> {
    let default = WriteStreamName::default_stream(&table.project, &table.dataset, &table.table)
        .map_err(|e| format!("--table: {e}"))?;
    let kind = match args.stream.unwrap_or(StreamArg::Default) {
        StreamArg::Default => None,
        StreamArg::Committed => Some(WriteStreamType::Committed),
        StreamArg::Pending => Some(WriteStreamType::Pending),
        StreamArg::Buffered => Some(WriteStreamType::Buffered),
    };
    let stream = match kind {
        None => default.clone(),
        Some(k) => {
            let created = client
                .create_write_stream(default.table(), k)
                .map_err(|e| format!("CreateWriteStream: {e}"))?;
            WriteStreamName::parse(&created.name)
                .map_err(|e| format!("CreateWriteStream gave a stream name: {e}"))?
        }
    };
    let schema = WriterSchema::Proto(writer.proto_schema().descriptor_proto_bytes().to_vec());
    let mut planner = AppendPlanner::new(stream.clone(), schema, AppendOptions::new())
        .map_err(|e| format!("AppendRows: {e}"))?;
    for encoded in held {
        let plan = planner.plan_proto(encoded);
        sent.rejected
            .extend(plan.rejected.iter().map(|e| (e.row, e.error.to_string())));
        let report = client
            .append_rows(&stream, &plan.requests)
            .map_err(|e| format!("AppendRows: {e}"))?;
        sent.rows = sent.rows.saturating_add(report.rows);
        sent.appended = sent.appended.saturating_add(report.appended);
        sent.requests = sent.requests.saturating_add(report.requests);
        sent.bytes = sent.bytes.saturating_add(report.bytes);
        sent.rejected.extend(
            report
                .rejected
                .iter()
                .map(|r| (r.input_row, format!("{} ({})", r.message, r.class))),
        );
        if report.stopped_by.is_some() {
            break;
        }
    }
    let Some(kind) = kind else {
        return Ok(String::new());
    };
    let all_in = sent.appended == sent.rows;
    if kind == WriteStreamType::Buffered && sent.appended > 0 {
        let last = i64::try_from(sent.appended.saturating_sub(1)).unwrap_or(i64::MAX);
        client
            .flush_rows(&stream, last)
            .map_err(|e| format!("FlushRows: {e}"))?;
    }
    client
        .finalize_write_stream(&stream)
        .map_err(|e| format!("FinalizeWriteStream: {e}"))?;
    if kind != WriteStreamType::Pending {
        return Ok(String::new());
    }
    if !all_in {
        return Ok(format!(
            " (PENDING stream {stream} not committed: not every row was appended)"
        ));
    }
    client
        .batch_commit_write_streams(default.table(), &[&stream])
        .map_err(|e| format!("BatchCommitWriteStreams: {e}"))?;
    Ok(String::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_of_rows() {
        let mut lines = Vec::new();
        let used = row_lines(b"{}\n\n  \r\n{}\n", 1, &mut lines);
        assert_eq!((used, lines.as_slice()), (4, &[1, 4][..]));
        let used = row_lines(b"{}", 5, &mut lines);
        assert_eq!((used, lines.as_slice()), (1, &[1, 4, 5][..]));
    }
}
