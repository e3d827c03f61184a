//! The `bqcodec` command-line tool: see `bqcodec --help` and the README.
//!
//! Exit codes: 0 success; 1 the input was rejected (bad schema, bad value,
//! bad row); 2 the command line itself was wrong.

use std::io::Write;
use std::process::ExitCode;

use bqcodec::TableSchema;
use bqcodec::value::{Codec, Form, Policy};
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "bqcodec",
    version,
    about = "BigQuery schemas and values to the bytes BigQuery ingests, and back"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Table schema files.
    Schema {
        #[command(subcommand)]
        command: SchemaCommand,
    },
    /// Encode NDJSON rows. Bad rows: "row N: <field.path>: <message>" on
    /// stderr and exit 1; with --skip-invalid the good rows are still written.
    Encode(EncodeArgs),
    /// Decode encoded rows back to NDJSON in canonical forms.
    Decode(DecodeArgs),
    /// Convert one value between its forms.
    ///
    /// `bqcodec value TYPE LITERAL --as FORM` parses LITERAL as TYPE and prints
    /// it in FORM; `bqcodec value TYPE --from FORM ENCODED` decodes ENCODED and
    /// prints the canonical literal. TYPE may carry parameters
    /// (`NUMERIC(10,2)`, `RANGE<DATE>`, `STRING(5)`, `TIMESTAMP(12)`). FORMs:
    /// canonical, bytes, packed-micros, packed-seconds, days, micros, insert-all.
    Value {
        /// The BigQuery type.
        #[arg(value_name = "TYPE")]
        type_name: String,
        /// The literal (or, with --from, the encoded value).
        #[arg(value_name = "LITERAL", allow_hyphen_values = true)]
        literal: String,
        /// Print the value in this form.
        #[arg(
            long = "as",
            value_name = "FORM",
            default_value = "canonical",
            conflicts_with = "from"
        )]
        as_form: String,
        /// Read the value in this form and print the canonical literal.
        #[arg(long = "from", value_name = "FORM")]
        from: Option<String>,
        /// Round excess NUMERIC/BIGNUMERIC digits: half-away-from-zero or half-even
        /// (default: reject).
        #[arg(long, value_name = "MODE")]
        rounding: Option<String>,
    },
}

/// Output formats of `encode`.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    /// Serialized proto rows, each prefixed by its length as a varint.
    Proto,
}

/// Wire profiles of the protobuf format.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ProfileArg {
    /// DATETIME/TIME packed int64, NUMERIC/BIGNUMERIC BigDecimal bytes.
    Exact,
    /// DATETIME, TIME, NUMERIC, BIGNUMERIC as text literals.
    Text,
}

#[derive(clap::Args)]
struct EncodeArgs {
    /// The table schema file.
    #[arg(long, value_name = "SCHEMA.json")]
    schema: String,
    /// Output format.
    #[arg(long, value_enum)]
    format: Format,
    /// NDJSON rows ("-" for stdin).
    #[arg(long, value_name = "FILE", default_value = "-")]
    input: String,
    /// Output file ("-" for stdout).
    #[arg(long, value_name = "FILE", default_value = "-")]
    output: String,
    /// Write the good rows even when some rows are bad (still exit 1).
    #[arg(long)]
    skip_invalid: bool,
    /// Protobuf wire profile.
    #[arg(long, value_enum, default_value = "exact")]
    profile: ProfileArg,
    /// Ignore keys that name no column (default: an error).
    #[arg(long)]
    ignore_unknown: bool,
    /// Match keys to column names case-insensitively (default: exactly).
    #[arg(long)]
    case_insensitive: bool,
    /// Round excess NUMERIC/BIGNUMERIC digits: half-away-from-zero or half-even
    /// (default: reject).
    #[arg(long, value_name = "MODE")]
    rounding: Option<String>,
    /// Accept the CDC pseudo-columns _CHANGE_TYPE and _CHANGE_SEQUENCE_NUMBER.
    #[arg(long)]
    cdc: bool,
}

#[derive(clap::Args)]
struct DecodeArgs {
    /// The table schema file.
    #[arg(long, value_name = "SCHEMA.json")]
    schema: String,
    /// Input format.
    #[arg(long, value_enum)]
    format: Format,
    /// Encoded rows ("-" for stdin).
    #[arg(long, value_name = "FILE", default_value = "-")]
    input: String,
    /// Protobuf wire profile the rows were written with.
    #[arg(long, value_enum, default_value = "exact")]
    profile: ProfileArg,
    /// The rows carry the CDC pseudo-columns.
    #[arg(long)]
    cdc: bool,
}

#[derive(Subcommand)]
enum SchemaCommand {
    /// Print the proto2 descriptor of a schema as .proto text.
    Proto {
        /// The table schema file.
        #[arg(value_name = "SCHEMA.json")]
        file: String,
        /// Also write the FileDescriptorSet bytes here.
        #[arg(long, value_name = "OUT.pb")]
        descriptor_set: Option<String>,
        /// Protobuf wire profile.
        #[arg(long, value_enum, default_value = "exact")]
        profile: ProfileArg,
        /// Append the CDC pseudo-columns.
        #[arg(long)]
        cdc: bool,
    },
    /// Check schema files: exit 0 if all are valid; else 1 and one line per
    /// problem, "<file>: <field.path>: <message>".
    Check {
        /// Schema files (a `bq show --schema` array, `{"fields": [...]}`, or a
        /// table resource).
        #[arg(required = true, value_name = "SCHEMA.json")]
        files: Vec<String>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Schema {
            command: SchemaCommand::Check { files },
        } => schema_check(&files),
        Command::Value {
            type_name,
            literal,
            as_form,
            from,
            rounding,
        } => value(
            &type_name,
            &literal,
            &as_form,
            from.as_deref(),
            rounding.as_deref(),
        ),
        Command::Encode(args) => encode(&args),
        Command::Decode(args) => decode(&args),
        Command::Schema {
            command:
                SchemaCommand::Proto {
                    file,
                    descriptor_set,
                    profile,
                    cdc,
                },
        } => schema_proto(&file, descriptor_set.as_deref(), profile, cdc),
    }
}

fn parse_rounding(rounding: Option<&str>) -> Result<bqcodec::value::numeric::Rounding, String> {
    use bqcodec::value::numeric::Rounding;
    match rounding {
        None | Some("reject") => Ok(Rounding::Reject),
        Some("half-away-from-zero") => Ok(Rounding::HalfAwayFromZero),
        Some("half-even") => Ok(Rounding::HalfEven),
        Some(other) => Err(format!(
            "--rounding: expected reject, half-away-from-zero or half-even, found {other:?}"
        )),
    }
}

fn load_schema(path: &str) -> Result<TableSchema, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: cannot read: {e}"))?;
    TableSchema::from_json(&text).map_err(|e| {
        e.problems
            .iter()
            .map(|p| format!("{path}: {p}"))
            .collect::<Vec<_>>()
            .join("\n")
    })
}

fn open_input(path: &str) -> Result<Box<dyn std::io::Read>, String> {
    if path == "-" {
        Ok(Box::new(std::io::stdin().lock()))
    } else {
        std::fs::File::open(path)
            .map(|f| Box::new(f) as Box<dyn std::io::Read>)
            .map_err(|e| format!("{path}: cannot read: {e}"))
    }
}

fn open_output(path: &str) -> Result<Box<dyn Write>, String> {
    if path == "-" {
        Ok(Box::new(std::io::BufWriter::new(std::io::stdout().lock())))
    } else {
        std::fs::File::create(path)
            .map(|f| Box::new(std::io::BufWriter::new(f)) as Box<dyn Write>)
            .map_err(|e| format!("{path}: cannot write: {e}"))
    }
}

/// Reads NDJSON in chunks that end at a newline and hands each to `f`.
fn for_each_chunk(mut input: impl std::io::Read, mut f: impl FnMut(&[u8])) -> std::io::Result<()> {
    const CHUNK: usize = 4 << 20;
    let mut buf: Vec<u8> = Vec::with_capacity(CHUNK * 2);
    let mut eof = false;
    while !eof {
        let start = buf.len();
        buf.resize(start + CHUNK, 0);
        let n = input.read(&mut buf[start..])?;
        buf.truncate(start + n);
        eof = n == 0;
        let cut = if eof {
            buf.len()
        } else {
            match buf.iter().rposition(|&b| b == b'\n') {
                Some(i) => i + 1,
                None => continue,
            }
        };
        f(&buf[..cut]);
        buf.drain(..cut);
    }
    Ok(())
}

fn walk_options(args: &EncodeArgs) -> Result<bqcodec::plan::WalkOptions, String> {
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

fn descriptor_options(profile: ProfileArg, cdc: bool) -> bqcodec::proto::DescriptorOptions {
    use bqcodec::proto::{DescriptorOptions, Profile};
    DescriptorOptions::default()
        .with_profile(match profile {
            ProfileArg::Exact => Profile::Exact,
            ProfileArg::Text => Profile::Text,
        })
        .with_cdc(cdc)
}

fn encode(args: &EncodeArgs) -> ExitCode {
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
    let Format::Proto = args.format;
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
    // With --skip-invalid rows stream out chunk by chunk; without it nothing
    // is written unless every row is good, so rows wait in memory.
    let mut out: Option<Box<dyn Write>> = None;
    let mut write_failed = false;
    let mut len = Vec::with_capacity(10);
    let mut flush_rows =
        |sink: &mut ProtoSink<'_>, out: &mut Option<Box<dyn Write>>| -> Result<(), String> {
            if out.is_none() {
                *out = Some(open_output(&args.output)?);
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
        if args.skip_invalid && !write_failed {
            if let Err(e) = flush_rows(&mut sink, &mut out) {
                write_failed = true;
                write_error = Some(e);
            }
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
        if let Some(mut w) = out
            && let Err(e) = w.flush()
        {
            return fail(format!("{}: cannot write: {e}", args.output));
        }
    }
    if bad > 0 {
        eprintln!("{bad} of {rows} rows rejected");
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn decode(args: &DecodeArgs) -> ExitCode {
    use bqcodec::plan::WalkOptions;
    use bqcodec::proto::ProtoWriter;
    let schema = match load_schema(&args.schema) {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    let Format::Proto = args.format;
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

fn read_varint(bytes: &[u8]) -> Option<(u64, usize)> {
    let mut v = 0u64;
    for (i, &b) in bytes.iter().enumerate().take(10) {
        v |= u64::from(b & 0x7f) << (7 * i);
        if b < 0x80 {
            return Some((v, i + 1));
        }
    }
    None
}

fn schema_proto(
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

fn value(
    type_name: &str,
    literal: &str,
    as_form: &str,
    from: Option<&str>,
    rounding: Option<&str>,
) -> ExitCode {
    let codec = match Codec::parse_type(type_name) {
        Ok(c) => c,
        Err(e) => return fail(format!("type: {e}")),
    };
    let rounding = match parse_rounding(rounding) {
        Ok(r) => r,
        Err(e) => return fail(e),
    };
    let policy = Policy::new().with_rounding(rounding);
    let result = match from {
        Some(form) => form
            .parse::<Form>()
            .and_then(|f| f.decode(&codec, literal, &policy))
            .map(|v| v.to_canonical()),
        None => as_form.parse::<Form>().and_then(|f| {
            let v = Form::Canonical.decode(&codec, literal, &policy)?;
            f.encode(&codec, &v)
        }),
    };
    match result {
        Ok(text) => {
            println!("{text}");
            ExitCode::SUCCESS
        }
        Err(e) => fail(format!("{}: {e}", codec.type_name())),
    }
}

fn schema_check(files: &[String]) -> ExitCode {
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

fn fail(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("{message}");
    ExitCode::from(1)
}
