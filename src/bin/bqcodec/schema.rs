//! `schema check` and `schema proto`.

use std::io::Write;
use std::process::ExitCode;

use bqcodec::TableSchema;

use crate::rows::descriptor_options;
use crate::{ProfileArg, fail, load_schema};

pub(crate) fn schema_proto(
    file: &str,
    descriptor_set: Option<&str>,
    profile: ProfileArg,
    cdc: bool,
) -> ExitCode {
    use bqcodec::proto::ProtoSchema;
    let schema = match load_schema(file) {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    let proto = match ProtoSchema::build(&schema, &descriptor_options(profile, cdc)) {
        Ok(p) => p,
        Err(e) => return fail(e),
    };
    if let Some(path) = descriptor_set
        && let Err(e) = std::fs::write(path, proto.file_descriptor_set_bytes())
    {
        return fail(format!("{path}: cannot write: {e}"));
    }
    print!("{}", proto.to_proto_text());
    ExitCode::SUCCESS
}

pub(crate) fn schema_check(files: &[String]) -> ExitCode {
    let mut ok = true;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for file in files {
        let text = match std::fs::read_to_string(file) {
            Ok(t) => t,
            Err(e) => {
                ok = false;
                let _ = writeln!(out, "{file}: (file): cannot read: {e}");
                continue;
            }
        };
        if let Err(e) = TableSchema::from_json(&text) {
            ok = false;
            for p in &e.problems {
                let _ = writeln!(out, "{file}: {p}");
            }
        }
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

pub(crate) fn schema_arrow(file: &str) -> ExitCode {
    use bqcodec::arrow::{SchemaOptions, describe_schema, table_to_arrow_schema};
    let schema = match load_schema(file) {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    match table_to_arrow_schema(&schema, &SchemaOptions::default()) {
        Ok(arrow) => {
            print!("{}", describe_schema(&arrow));
            ExitCode::SUCCESS
        }
        Err(e) => fail(
            e.problems
                .iter()
                .map(|p| format!("{file}: {p}"))
                .collect::<Vec<_>>()
                .join("\n"),
        ),
    }
}
