//! `encode` and `decode`: NDJSON rows to encoded rows and back.

use std::io::{Read, Write};
use std::process::ExitCode;

use bqcodec::value::Policy;

use crate::{
    DecodeArgs, EncodeArgs, Format, Output, ProfileArg, fail, for_each_chunk, load_schema,
    open_input, parse_rounding,
};

pub(crate) fn walk_options(args: &EncodeArgs) -> Result<bqcodec::plan::WalkOptions, String> {
    use bqcodec::plan::{KeyMatch, UnknownKeys, WalkOptions};
    let rounding = parse_rounding(args.rounding.as_deref())?;
    Ok(WalkOptions::new()
        .with_policy(Policy::new().with_rounding(rounding))
        .with_unknown_keys(if args.ignore_unknown {
            UnknownKeys::Ignore
        } else {
            UnknownKeys::Reject
        })
        .with_key_match(if args.case_insensitive {
            KeyMatch::CaseInsensitive
        } else {
            KeyMatch::Exact
        }))
}

pub(crate) fn descriptor_options(
    profile: ProfileArg,
    cdc: bool,
) -> bqcodec::proto::DescriptorOptions {
    use bqcodec::proto::{DescriptorOptions, Profile};
    DescriptorOptions::default()
        .with_profile(match profile {
            ProfileArg::Exact => Profile::Exact,
            ProfileArg::Text => Profile::Text,
        })
        .with_cdc(cdc)
}

pub(crate) fn encode(args: &EncodeArgs) -> ExitCode {
    use bqcodec::plan::Walker;
    use bqcodec::proto::ProtoWriter;
    use bqcodec::proto::wire::{ProtoSink, put_varint};
    let schema = match load_schema(&args.schema) {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    let options = match walk_options(args) {
        Ok(o) => o,
        Err(e) => return fail(e),
    };
    match args.format {
        Format::Arrow => return encode_arrow(args, &schema, options),
        Format::InsertAll => return crate::insert_all::encode(args),
        Format::Proto => {}
    }
    let writer =
        match ProtoWriter::new(&schema, descriptor_options(args.profile, args.cdc), options) {
            Ok(w) => w,
            Err(e) => return fail(e),
        };
    let input = match open_input(&args.input) {
        Ok(i) => i,
        Err(e) => return fail(e),
    };
    let mut sink = ProtoSink::new(writer.encoder());
    let mut walker = Walker::new(writer.plan());
    let mut rows = 0usize;
    let mut bad = 0usize;
    let stderr = std::io::stderr();
    // Rows stream out chunk by chunk: straight with --skip-invalid, else into
    // a staged output that only a run without bad rows commits (`Output`).
    let mut out: Option<Output> = None;
    let mut write_failed = false;
    let mut len = Vec::with_capacity(10);
    let mut flush_rows =
        |sink: &mut ProtoSink<'_>, out: &mut Option<Output>| -> Result<(), String> {
            if out.is_none() {
                *out = Some(Output::open(&args.output, !args.skip_invalid)?);
            }
            let Some(w) = out.as_mut() else {
                return Ok(());
            };
            for row in sink.rows().iter() {
                len.clear();
                put_varint(&mut len, row.len() as u64);
                w.write_all(&len)
                    .and_then(|()| w.write_all(row))
                    .map_err(|e| format!("{}: cannot write: {e}", args.output))?;
            }
            sink.take_rows();
            Ok(())
        };
    let mut write_error = None;
    let read = for_each_chunk(input, |chunk| {
        let outcome = walker.walk_ndjson(chunk, rows, &mut sink);
        rows += outcome.rows;
        bad += outcome.errors.len();
        let mut err = stderr.lock();
        for e in &outcome.errors {
            let _ = writeln!(err, "{e}");
        }
        if !write_failed && let Err(e) = flush_rows(&mut sink, &mut out) {
            write_failed = true;
            write_error = Some(e);
        }
    });
    if let Err(e) = read {
        return fail(format!("{}: cannot read: {e}", args.input));
    }
    if let Some(e) = write_error {
        return fail(e);
    }
    if bad == 0 || args.skip_invalid {
        if let Err(e) = flush_rows(&mut sink, &mut out) {
            return fail(e);
        }
        if let Some(w) = out
            && let Err(e) = w.commit()
        {
            return fail(e);
        }
    }
    // Otherwise the staged output is dropped: nothing is written.
    if bad > 0 {
        eprintln!("{bad} of {rows} rows rejected");
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

pub(crate) fn decode(args: &DecodeArgs) -> ExitCode {
    use bqcodec::plan::WalkOptions;
    use bqcodec::proto::ProtoWriter;
    let schema = match load_schema(&args.schema) {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    match args.format {
        Format::Arrow => return decode_arrow(args, &schema),
        Format::InsertAll => {
            return fail(
                "decode --format insert-all: not supported (decode reads proto rows or an Arrow stream)",
            );
        }
        Format::Proto => {}
    }
    let writer = match ProtoWriter::new(
        &schema,
        descriptor_options(args.profile, args.cdc),
        WalkOptions::new(),
    ) {
        Ok(w) => w,
        Err(e) => return fail(e),
    };
    let mut data = Vec::new();
    let read = open_input(&args.input).and_then(|mut i| {
        i.read_to_end(&mut data)
            .map_err(|e| format!("{}: cannot read: {e}", args.input))
    });
    if let Err(e) = read {
        return fail(e);
    }
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut pos = 0usize;
    let mut row = 0usize;
    let mut bad = 0usize;
    while pos < data.len() {
        let Some((len, n)) = read_varint(&data[pos..]) else {
            return fail(format!("row {row}: truncated length prefix at byte {pos}"));
        };
        pos += n;
        let Some(bytes) = usize::try_from(len)
            .ok()
            .and_then(|l| data.get(pos..pos.checked_add(l)?))
        else {
            return fail(format!(
                "row {row}: the length prefix says {len} bytes, fewer remain"
            ));
        };
        pos += bytes.len();
        match writer.decode(bytes) {
            Ok(json) => {
                if writeln!(out, "{json}").is_err() {
                    return fail("stdout: cannot write");
                }
            }
            Err(e) => {
                bad += 1;
                eprintln!("row {row}: {e}");
            }
        }
        row += 1;
    }
    if out.flush().is_err() {
        return fail("stdout: cannot write");
    }
    if bad > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

pub(crate) fn read_varint(bytes: &[u8]) -> Option<(u64, usize)> {
    let mut v = 0u64;
    for (i, &b) in bytes.iter().enumerate().take(10) {
        v |= u64::from(b & 0x7f) << (7 * i);
        if b < 0x80 {
            return Some((v, i + 1));
        }
    }
    None
}

fn encode_arrow(
    args: &EncodeArgs,
    schema: &bqcodec::TableSchema,
    options: bqcodec::plan::WalkOptions,
) -> ExitCode {
    use bqcodec::arrow::ArrowWriter;
    use bqcodec::plan::Plan;
    let plan = match Plan::compile(schema, options.with_cdc(args.cdc)) {
        Ok(p) => p,
        Err(e) => return fail(e),
    };
    let writer = match ArrowWriter::new(&plan) {
        Ok(w) => w,
        Err(e) => return fail(e),
    };
    let input = match open_input(&args.input) {
        Ok(i) => i,
        Err(e) => return fail(e),
    };
    stream_arrow(args, writer, input)
}

/// `encode --format arrow`: each batch is written as soon as the writer cuts
/// it, so memory stays bounded by one batch whatever the input size
/// (without `--skip-invalid` into a staged [`Output`], committed only when
/// every row was good). The bytes are those of `ipc_stream` over all
/// batches: the schema message, one message per batch, the end-of-stream
/// marker.
fn stream_arrow(
    args: &EncodeArgs,
    mut writer: bqcodec::arrow::ArrowWriter<'_>,
    input: impl Read,
) -> ExitCode {
    use bqcodec::arrow::ArrowBatch;
    use bqcodec::arrow::ipc::{serialize_record_batch, serialize_schema};
    /// The IPC end-of-stream marker: continuation token, zero length.
    const EOS: [u8; 8] = [0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0];
    let schema = writer.schema();
    let mut out: Option<Output> = None;
    let write = |batches: Vec<ArrowBatch>, out: &mut Option<Output>| -> Result<(), String> {
        if out.is_none() {
            let head = serialize_schema(&schema).map_err(|e| format!("arrow: {e}"))?;
            let mut w = Output::open(&args.output, !args.skip_invalid)?;
            w.write_all(&head)
                .map_err(|e| format!("{}: cannot write: {e}", args.output))?;
            *out = Some(w);
        }
        let Some(w) = out.as_mut() else {
            return Ok(());
        };
        for b in batches {
            let bytes = serialize_record_batch(&b.batch).map_err(|e| format!("arrow: {e}"))?;
            w.write_all(&bytes)
                .map_err(|e| format!("{}: cannot write: {e}", args.output))?;
        }
        Ok(())
    };
    let mut rows = 0usize;
    let mut bad = 0usize;
    let mut failure: Option<String> = None;
    let stderr = std::io::stderr();
    let read = for_each_chunk(input, |chunk| {
        let outcome = writer.push_ndjson(chunk);
        rows += outcome.rows;
        bad += outcome.errors.len();
        let mut err = stderr.lock();
        for e in &outcome.errors {
            let _ = writeln!(err, "{e}");
        }
        if failure.is_none() {
            let cut = writer.take_batches().map_err(|e| format!("arrow: {e}"));
            if let Err(e) = cut.and_then(|b| {
                if b.is_empty() {
                    Ok(())
                } else {
                    write(b, &mut out)
                }
            }) {
                failure = Some(e);
            }
        }
    });
    if let Err(e) = read {
        return fail(format!("{}: cannot read: {e}", args.input));
    }
    if let Some(e) = failure {
        return fail(e);
    }
    let last = writer
        .finish_batches()
        .map_err(|e| format!("arrow: {e}"))
        .and_then(|b| write(b, &mut out))
        .and_then(|()| match out.as_mut() {
            Some(w) => w
                .write_all(&EOS)
                .map_err(|e| format!("{}: cannot write: {e}", args.output)),
            None => Ok(()),
        });
    if let Err(e) = last {
        return fail(e);
    }
    // Without --skip-invalid a bad row leaves the staged output uncommitted:
    // dropped, nothing written.
    if (bad == 0 || args.skip_invalid)
        && let Some(w) = out
        && let Err(e) = w.commit()
    {
        return fail(e);
    }
    if bad > 0 {
        eprintln!("{bad} of {rows} rows rejected");
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn decode_arrow(args: &DecodeArgs, schema: &bqcodec::TableSchema) -> ExitCode {
    use bqcodec::arrow::decode_ipc_stream;
    use bqcodec::plan::{Plan, WalkOptions};
    let plan = match Plan::compile(schema, WalkOptions::new().with_cdc(args.cdc)) {
        Ok(p) => p,
        Err(e) => return fail(e),
    };
    let mut data = Vec::new();
    let read = open_input(&args.input).and_then(|mut i| {
        i.read_to_end(&mut data)
            .map_err(|e| format!("{}: cannot read: {e}", args.input))
    });
    if let Err(e) = read {
        return fail(e);
    }
    match decode_ipc_stream(&plan, &data) {
        Ok(rows) => {
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout.lock());
            for r in rows {
                if writeln!(out, "{r}").is_err() {
                    return fail("stdout: cannot write");
                }
            }
            if out.flush().is_err() {
                return fail("stdout: cannot write");
            }
            ExitCode::SUCCESS
        }
        Err(e) => fail(format!("arrow: {e}")),
    }
}
