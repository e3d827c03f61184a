//! `load`: send NDJSON rows to a table: `--format insert-all`
//! (`tabledata.insertAll` over REST), or `--format proto` / `--format
//! arrow` (the Storage Write API's AppendRows over gRPC, protobuf rows or
//! Arrow record batches, on the `_default` stream or a created COMMITTED,
//! PENDING or BUFFERED stream).
//!
//! With the Storage Write API: a created stream gets offsets (exactly-once
//! appends) and is finalized at the end; a PENDING stream is committed
//! only when every row sent was appended (else it is left uncommitted,
//! so nothing lands); a BUFFERED stream is flushed up to its last
//! appended row (FlushRows' offset is inclusive in the API). When the
//! service refuses rows of a request (`row_errors`: none of the request
//! is written), the request's other rows are sent once more without them
//! (the client's default [`RowErrorPolicy`](bqcodec::transport::RowErrorPolicy)),
//! so only the refused rows are rejected.
//!
//! Rows the codec rejects are never sent. Without `--skip-invalid` nothing
//! is sent when any row is bad (the encoded rows wait in memory until the
//! input is read); with it, the good rows are sent (insert-all: chunk by
//! chunk, and the service is asked to skip the rows it refuses,
//! `skipInvalidRows`). Rejected rows are reported by their 1-based input
//! line (blank lines count as lines but are not rows) and their 0-based
//! row index, the same way for every format.

use std::io::Write;
use std::process::ExitCode;

use bqcodec::TableSchema;
use bqcodec::arrow::{ArrowBatch, ArrowWriter};
use bqcodec::insert_all::{InsertAllOptions, InsertAllRows, InsertAllWriter};
use bqcodec::plan::{Plan, UnknownKeys, WalkOptions};
use bqcodec::proto::wire::ProtoRows;
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
    /// Wire format: insert-all (REST), or proto or arrow (Storage Write over gRPC).
    #[arg(long, value_enum)]
    format: Format,
    /// Storage Write stream type (proto and arrow; default: default).
    #[arg(long, value_enum)]
    stream: Option<StreamArg>,
    /// Protobuf wire profile (proto only; default: exact).
    #[arg(long, value_enum)]
    profile: Option<ProfileArg>,
    /// Storage Write gRPC endpoint (proto and arrow; an emulator:
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

/// The progress of a load on stderr, drawn only when stderr is a terminal
/// (indicatif hides it otherwise, so scripts and tests see only the
/// summary): a spinner with the rows read and encoded, then a bar of the
/// rows the service has answered (appended or refused) out of the rows to
/// send, with requests and bytes sent.
struct Progress {
    bar: indicatif::ProgressBar,
}

impl Progress {
    fn new() -> Self {
        let bar =
            indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::stderr());
        if let Ok(style) = indicatif::ProgressStyle::with_template("{spinner} {pos} rows {msg}") {
            bar.set_style(style);
        }
        bar.set_message("read and encoded");
        Progress { bar }
    }

    fn reading(&self, rows: usize) {
        self.bar.set_position(to_u64(rows));
        self.bar.tick();
    }

    /// The bar of rows answered, `total` the rows to send.
    fn sending(&self, total: usize) {
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "[{bar:30}] {pos}/{len} rows answered ({percent}%), {msg}, eta {eta}",
        ) {
            self.bar.set_style(style.progress_chars("=> "));
        }
        self.bar.set_length(to_u64(total));
        self.bar.set_position(0);
        self.bar.set_message("0 requests");
    }

    fn acknowledged(&self, rows: usize, requests: usize, bytes: usize) {
        self.bar.set_position(to_u64(rows));
        self.bar.set_message(format!(
            "{requests} requests, {}",
            indicatif::HumanBytes(to_u64(bytes))
        ));
    }

    /// Plain progress text (insert-all: no total is known while sending).
    fn text(&self, message: String) {
        self.bar.set_message(message);
        self.bar.tick();
    }

    /// Clears the line before the summary.
    fn done(&self) {
        self.bar.finish_and_clear();
    }
}

fn to_u64(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
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
    for (set, flag) in [
        (args.grpc_endpoint.is_some(), "--grpc-endpoint"),
        (args.stream.is_some(), "--stream"),
        (args.profile.is_some(), "--profile"),
    ] {
        if set {
            return Err(format!(
                "{flag}: only with --format proto or arrow; --format insert-all uses --rest-endpoint"
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
    if matches!(args.format, Format::Proto | Format::Arrow) {
        return load_storage(args);
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
    let progress = Progress::new();
    let send = |encoded: &InsertAllRows, total: &mut InsertAllReport| {
        let r = client.insert_all_rows(&table, encoded, writer.options());
        total.rows = total.rows.saturating_add(r.rows);
        total.requests = total.requests.saturating_add(r.requests);
        total.bytes = total.bytes.saturating_add(r.bytes);
        total.rejected.extend(r.rejected);
        progress.text(format!(
            "sent in {} requests ({} bytes)",
            total.requests, total.bytes
        ));
        progress.reading(total.rows);
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
    progress.done();
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

/// The writer of `--format proto` or `--format arrow`.
enum StorageWriter<'p> {
    Proto(Box<ProtoWriter>),
    Arrow(Box<ArrowWriter<'p>>),
}

/// Rows encoded for the Storage Write API, one entry per input chunk.
enum Held {
    Proto(Vec<ProtoRows>),
    Arrow(Vec<Vec<ArrowBatch>>),
}

fn schema_problems(path: &str, e: &bqcodec::SchemaError) -> String {
    e.problems
        .iter()
        .map(|p| format!("{path}: {p}"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn prepare_storage(args: &LoadArgs) -> Result<(TableSchema, GrpcClient, TableRef), String> {
    if args.insert_id != "none" {
        return Err("--insert-id: only with --format insert-all".into());
    }
    if args.format == Format::Arrow && args.profile.is_some() {
        return Err("--profile: only with --format proto (Arrow columns have one form)".into());
    }
    let table = TableRef::parse(&args.table).map_err(|e| format!("--table: {e}"))?;
    let schema = load_schema(&args.schema)?;
    let endpoint = args
        .grpc_endpoint
        .as_deref()
        .unwrap_or(grpc::DEFAULT_ENDPOINT);
    let mut client = GrpcClient::new(endpoint).map_err(|e| format!("--grpc-endpoint: {e}"))?;
    if let Some(var) = &args.token_env {
        client = client.with_auth(EnvToken::new(var));
    }
    Ok((schema, client, table))
}

/// Totals of the Storage Write path.
#[derive(Default)]
struct Sent {
    rows: usize,
    appended: usize,
    requests: usize,
    bytes: usize,
    resent: usize,
    schema_changed: bool,
    rejected: Vec<(usize, String)>,
}

/// `load --format proto|arrow`: read and encode every row, then send.
fn load_storage(args: &LoadArgs) -> ExitCode {
    let (schema, client, table) = match prepare_storage(args) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let walk = match walk_options(args) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    // The Arrow writer borrows the compiled plan, so it lives here.
    let plan = if args.format == Format::Arrow {
        match Plan::compile(&schema, walk) {
            Ok(p) => Some(p),
            Err(e) => return fail(schema_problems(&args.schema, &e)),
        }
    } else {
        None
    };
    let writer = match &plan {
        Some(plan) => match ArrowWriter::new(plan) {
            Ok(w) => StorageWriter::Arrow(Box::new(w)),
            Err(e) => return fail(schema_problems(&args.schema, &e)),
        },
        None => {
            let profile = match args.profile {
                Some(ProfileArg::Text) => Profile::Text,
                Some(ProfileArg::Exact) | None => Profile::Exact,
            };
            match ProtoWriter::new(
                &schema,
                DescriptorOptions::default().with_profile(profile),
                walk,
            ) {
                Ok(w) => StorageWriter::Proto(Box::new(w)),
                Err(e) => return fail(schema_problems(&args.schema, &e)),
            }
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
    let mut writer = writer;
    let mut held = match writer {
        StorageWriter::Proto(_) => Held::Proto(Vec::new()),
        StorageWriter::Arrow(_) => Held::Arrow(Vec::new()),
    };
    let progress = Progress::new();
    let mut arrow_error = None;
    let read = for_each_chunk(input, |chunk| {
        next_line = next_line.saturating_add(row_lines(chunk, next_line, &mut lines));
        match (&mut writer, &mut held) {
            (StorageWriter::Proto(w), Held::Proto(h)) => {
                let (encoded, outcome) = w.encode_ndjson(chunk, rows);
                rows = rows.saturating_add(outcome.rows);
                rejected.extend(codec_rejections(&outcome.errors));
                h.push(encoded);
            }
            (StorageWriter::Arrow(w), Held::Arrow(h)) => {
                let outcome = w.push_ndjson(chunk);
                rows = rows.saturating_add(outcome.rows);
                rejected.extend(codec_rejections(&outcome.errors));
                match w.take_batches() {
                    Ok(b) => h.push(b),
                    Err(e) => arrow_error = Some(e),
                }
            }
            _ => {}
        }
        progress.reading(rows);
    });
    if let Err(e) = read {
        progress.done();
        return fail(format!("{}: cannot read: {e}", args.rows));
    }
    if let (StorageWriter::Arrow(w), Held::Arrow(h)) = (&mut writer, &mut held) {
        match w.finish_batches() {
            Ok(b) => h.push(b),
            Err(e) => arrow_error = Some(e),
        }
    }
    if let Some(e) = arrow_error {
        progress.done();
        return fail(format!("arrow: {e}"));
    }
    let writer_schema = match &writer {
        StorageWriter::Proto(w) => {
            WriterSchema::Proto(w.proto_schema().descriptor_proto_bytes().to_vec())
        }
        StorageWriter::Arrow(w) => match w.serialized_schema() {
            Ok(b) => WriterSchema::Arrow(b),
            Err(e) => {
                progress.done();
                return fail(format!("arrow: {e}"));
            }
        },
    };
    let mut sent = Sent::default();
    let note = if args.skip_invalid || rejected.is_empty() {
        let to_send = rows.saturating_sub(rejected.len());
        match send_storage(
            args,
            writer_schema,
            &client,
            &table,
            &held,
            &mut sent,
            &progress,
            to_send,
        ) {
            Ok(n) => n,
            Err(e) => {
                progress.done();
                return fail(e);
            }
        }
    } else {
        " (nothing sent: a row was bad and --skip-invalid is off)".to_owned()
    };
    progress.done();
    rejected.append(&mut sent.rejected);
    rejected.sort_by_key(|(row, _)| *row);
    let mut err = std::io::stderr().lock();
    print_rejected(&mut err, &lines, &rejected);
    let mut resent = if sent.resent > 0 {
        format!(
            " ({} requests sent again without the rows the service refused)",
            sent.resent
        )
    } else {
        String::new()
    };
    if sent.schema_changed {
        resent.push_str(
            " (the table's schema changed during the load: rows were encoded with --schema)",
        );
    }
    let _ = writeln!(
        err,
        "{} of {rows} rows sent to {}.{}.{} in {} requests ({} bytes), {} appended; {} rejected{note}{resent}",
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
#[allow(clippy::too_many_arguments)]
fn send_storage(
    args: &LoadArgs,
    writer_schema: WriterSchema,
    client: &GrpcClient,
    table: &TableRef,
    held: &Held,
    sent: &mut Sent,
    progress: &Progress,
    to_send: usize,
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
    let mut planner = AppendPlanner::new(stream.clone(), writer_schema, AppendOptions::new())
        .map_err(|e| format!("AppendRows: {e}"))?;
    progress.sending(to_send);
    let chunks = match held {
        Held::Proto(h) => h.len(),
        Held::Arrow(h) => h.len(),
    };
    for k in 0..chunks {
        let plan = match held {
            Held::Proto(h) => match h.get(k) {
                Some(encoded) => planner.plan_proto(encoded),
                None => continue,
            },
            Held::Arrow(h) => match h.get(k) {
                Some(batches) => planner
                    .plan_arrow_batches(batches)
                    .map_err(|e| format!("arrow: {e}"))?,
                None => continue,
            },
        };
        if let Some(b) = plan.oversized_batches.first() {
            return Err(format!("AppendRows: {b}"));
        }
        sent.rejected
            .extend(plan.rejected.iter().map(|e| (e.row, e.error.to_string())));
        let (done, requests, bytes) = (
            sent.appended.saturating_add(sent.rejected.len()),
            sent.requests,
            sent.bytes,
        );
        let report = client
            .append_rows_with_progress(&stream, &plan.requests, &mut |r| {
                progress.acknowledged(
                    done.saturating_add(r.appended)
                        .saturating_add(r.rejected.len()),
                    requests.saturating_add(r.requests),
                    bytes.saturating_add(r.bytes),
                );
            })
            .map_err(|e| format!("AppendRows: {e}"))?;
        sent.rows = sent.rows.saturating_add(report.rows);
        sent.appended = sent.appended.saturating_add(report.appended);
        sent.requests = sent.requests.saturating_add(report.requests);
        sent.bytes = sent.bytes.saturating_add(report.bytes);
        sent.resent = sent.resent.saturating_add(report.resent_without_bad_rows);
        sent.schema_changed |= report.updated_schema.is_some();
        sent.rejected.extend(
            report
                .rejected
                .iter()
                .map(|r| (r.input_row, format!("{} ({})", r.message, r.class))),
        );
        if report.stopped_by.is_some() {
            break;
        }
        // Rows refused for row errors took no offset: plan the next
        // chunk from where the stream really ends.
        if let Some(next) = report.next_offset {
            planner
                .set_next_offset(next)
                .map_err(|e| format!("AppendRows: {e}"))?;
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
