//! `load`: send NDJSON rows to a table. Only `--format insert-all`
//! (`tabledata.insertAll` over REST) is implemented; `proto` and `arrow`
//! need the gRPC Storage Write client.
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
use bqcodec::transport::auth::EnvToken;
use bqcodec::transport::rest::{DEFAULT_ENDPOINT, InsertAllReport, RestClient, TableRef};
use bqcodec::value::Policy;

use crate::insert_all::insert_ids;
use crate::{Format, fail, for_each_chunk, load_schema, open_input, parse_rounding};

#[derive(clap::Args)]
pub(crate) struct LoadArgs {
    /// The table, PROJECT.DATASET.TABLE.
    #[arg(long, value_name = "P.D.T")]
    table: String,
    /// The table schema file.
    #[arg(long, value_name = "SCHEMA.json")]
    schema: String,
    /// Wire format: insert-all (REST); proto and arrow are not implemented yet.
    #[arg(long, value_enum)]
    format: Format,
    /// Storage Write stream type (proto/arrow only; not implemented yet).
    #[arg(long, value_name = "default|committed|pending|buffered")]
    stream: Option<String>,
    /// Protobuf wire profile (proto only; not implemented yet).
    #[arg(long, value_name = "exact|text")]
    profile: Option<String>,
    /// Storage Write gRPC endpoint (not implemented yet).
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

const NEEDS_GRPC: &str = "not implemented yet (needs the gRPC client)";

/// The 1-based line of each row in a chunk (lines of only spaces, tabs and
/// carriage returns are blank: not rows, as in the NDJSON walk).
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

fn prepare(args: &LoadArgs) -> Result<(InsertAllWriter, RestClient, TableRef), String> {
    if args.format != Format::InsertAll {
        return Err(format!("--format proto/arrow: {NEEDS_GRPC}"));
    }
    for (set, flag) in [
        (args.grpc_endpoint.is_some(), "--grpc-endpoint"),
        (args.stream.is_some(), "--stream"),
        (args.profile.is_some(), "--profile"),
    ] {
        if set {
            return Err(format!(
                "{flag}: {NEEDS_GRPC}; --format insert-all uses --rest-endpoint"
            ));
        }
    }
    let table = TableRef::parse(&args.table).map_err(|e| format!("--table: {e}"))?;
    let schema = load_schema(&args.schema)?;
    let rounding = parse_rounding(args.rounding.as_deref())?;
    let walk = WalkOptions::new()
        .with_policy(Policy::new().with_rounding(rounding))
        .with_unknown_keys(if args.ignore_unknown {
            UnknownKeys::Ignore
        } else {
            UnknownKeys::Reject
        });
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
    let send = |encoded: &InsertAllRows, total: &mut InsertAllReport| {
        let r = client.insert_all_rows(&table, encoded, writer.options());
        total.rows = total.rows.saturating_add(r.rows);
        total.requests = total.requests.saturating_add(r.requests);
        total.bytes = total.bytes.saturating_add(r.bytes);
        total.rejected.extend(r.rejected);
    };
    let read = for_each_chunk(input, |chunk| {
        next_line = next_line.saturating_add(row_lines(chunk, next_line, &mut lines));
        let (encoded, outcome) = writer.encode_rows_ndjson(chunk, rows);
        rows = rows.saturating_add(outcome.rows);
        rejected.extend(outcome.errors.iter().map(|e| {
            let message = e.to_string();
            let message = message
                .strip_prefix(&format!("row {}: ", e.row))
                .map_or(message.clone(), str::to_owned);
            (e.row, message)
        }));
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
    let not_sent = rows.saturating_sub(total.rows);
    rejected.extend(
        total
            .rejected
            .iter()
            .map(|r| (r.input_row, format!("{} ({})", r.message, r.class))),
    );
    rejected.sort_by_key(|(row, _)| *row);
    let mut err = std::io::stderr().lock();
    for (row, message) in &rejected {
        let line = lines
            .get(*row)
            .map_or_else(|| "?".to_owned(), usize::to_string);
        let _ = writeln!(err, "line {line} (row {row}): {message}");
    }
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
