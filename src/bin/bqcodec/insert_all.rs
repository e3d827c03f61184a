//! `encode --format insert-all`: NDJSON rows to `tabledata.insertAll`
//! request bodies, one JSON body per line.

use std::io::Write;
use std::process::ExitCode;

use bqcodec::insert_all::{
    InsertAllOptions, InsertAllRequest, InsertAllWriter, InsertIds, PartitionDecorator,
    TemplateSuffix,
};
use bqcodec::value::civil::Date;

use crate::rows::walk_options;
use crate::{EncodeArgs, Output, fail, for_each_chunk, load_schema, open_input};

/// Today's UTC date, from the system clock (the library has none).
pub(crate) fn today_utc() -> Result<Date, String> {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_err(|_| "the system clock is before 1970".to_owned())?
        .as_secs();
    let days =
        i32::try_from(secs / 86_400).map_err(|_| "the system clock is out of range".to_owned())?;
    Date::from_days(days).map_err(|e| e.to_string())
}

pub(crate) fn insert_ids(text: &str) -> Result<InsertIds, String> {
    match text {
        "none" => Ok(InsertIds::None),
        "hash" => Ok(InsertIds::ContentHash),
        other => match other.strip_prefix("column:") {
            Some(name) if !name.is_empty() => Ok(InsertIds::Column(name.to_owned())),
            _ => Err(format!(
                "--insert-id: expected none, hash or column:NAME, found {other:?}"
            )),
        },
    }
}

fn options(args: &EncodeArgs) -> Result<InsertAllOptions, String> {
    let mut o = InsertAllOptions::new();
    if args.skip_invalid {
        o = o.with_skip_invalid_rows(true);
    }
    if args.ignore_unknown {
        o = o.with_ignore_unknown_values(true);
    }
    if let Some(s) = &args.template_suffix {
        if args.partition.is_some() {
            return Err(
                "--template-suffix and --partition: the docs describe neither together; choose one"
                    .into(),
            );
        }
        o = o.with_template_suffix(
            TemplateSuffix::new(s).map_err(|e| format!("--template-suffix: {e}"))?,
        );
    }
    if let Some(p) = &args.partition {
        let today = today_utc()?;
        PartitionDecorator::parse(p, today).map_err(|e| format!("--partition: {e}"))?;
    }
    Ok(o)
}

pub(crate) fn encode(args: &EncodeArgs) -> ExitCode {
    if args.cdc {
        return fail(
            "--cdc: the CDC pseudo-columns belong to the Storage Write API, not insertAll",
        );
    }
    let schema = match load_schema(&args.schema) {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    let prepared = walk_options(args).and_then(|w| {
        let ids = insert_ids(&args.insert_id)?;
        let o = options(args)?;
        InsertAllWriter::new(&schema, w, ids, o).map_err(|e| {
            e.problems
                .iter()
                .map(|p| format!("{}: {p}", args.schema))
                .collect::<Vec<_>>()
                .join("\n")
        })
    });
    let writer = match prepared {
        Ok(w) => w,
        Err(e) => return fail(e),
    };
    let input = match open_input(&args.input) {
        Ok(i) => i,
        Err(e) => return fail(e),
    };
    let mut batcher = writer.batcher();
    let mut rows = 0usize;
    let mut bad = 0usize;
    // Bodies stream out as they fill: straight with --skip-invalid, else into
    // a staged output that only a run without bad rows commits (`Output`).
    let mut out: Option<Output> = None;
    let mut write_error: Option<String> = None;
    let stderr = std::io::stderr();
    let emit = |bodies: Vec<InsertAllRequest>, out: &mut Option<Output>| -> Result<(), String> {
        if out.is_none() {
            *out = Some(Output::open(&args.output, !args.skip_invalid)?);
        }
        if let Some(w) = out.as_mut() {
            for b in bodies {
                writeln!(w, "{}", b.body())
                    .map_err(|e| format!("{}: cannot write: {e}", args.output))?;
            }
        }
        Ok(())
    };
    let read = for_each_chunk(input, |chunk| {
        let (encoded, outcome) = writer.encode_rows_ndjson(chunk, rows);
        rows += outcome.rows;
        let (bodies, too_large) = batcher.push_rows(&encoded);
        let mut errors = outcome.errors;
        errors.extend(too_large);
        errors.sort_by_key(|e| e.row);
        bad += errors.len();
        let mut err = stderr.lock();
        for e in &errors {
            let _ = writeln!(err, "{e}");
        }
        if write_error.is_none()
            && let Err(e) = emit(bodies, &mut out)
        {
            write_error = Some(e);
        }
    });
    if let Err(e) = read {
        return fail(format!("{}: cannot read: {e}", args.input));
    }
    if let Some(e) = write_error {
        return fail(e);
    }
    let last: Vec<InsertAllRequest> = batcher.finish().into_iter().collect();
    if let Err(e) = emit(last, &mut out) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insert_id_flags() {
        assert_eq!(insert_ids("none"), Ok(InsertIds::None));
        assert_eq!(insert_ids("hash"), Ok(InsertIds::ContentHash));
        assert_eq!(
            insert_ids("column:a.b"),
            Ok(InsertIds::Column("a.b".into()))
        );
        assert!(insert_ids("column:").is_err());
        assert!(insert_ids("uuid").is_err());
    }
}
