//! The `bqcodec` command-line tool: see `bqcodec --help` and the README.
//!
//! Exit codes: 0 success; 1 the input was rejected (bad schema, bad value,
//! bad row); 2 the command line itself was wrong.

use std::io::Write;
use std::process::ExitCode;

use bqcodec::TableSchema;
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
    /// Send NDJSON rows to a table (--format insert-all over REST); summary
    /// and rejected rows on stderr, exit 1 if any row was rejected.
    Load(load::LoadArgs),
    /// Continuous export to Bigtable: the EXPORT DATA query or its jobs.insert body.
    Bigtable {
        #[command(subcommand)]
        command: bigtable::BigtableCommand,
    },
    /// Continuous export to Pub/Sub: the EXPORT DATA query or its jobs.insert body.
    Pubsub {
        #[command(subcommand)]
        command: bigtable::PubsubCommand,
    },
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
    /// An Arrow IPC stream (schema, record batches, end marker).
    Arrow,
    /// tabledata.insertAll request bodies, one JSON body per line.
    InsertAll,
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
    /// insert-all: the templateSuffix (letters, digits, _).
    #[arg(long, value_name = "SUFFIX")]
    template_suffix: Option<String>,
    /// insert-all: check a daily partition decorator against today's
    /// streaming window (31 days back, 16 ahead); it belongs in the URL.
    #[arg(long, value_name = "YYYYMMDD")]
    partition: Option<String>,
    /// insert-all: each row's insertId: none, hash (SHA-256 of the row's
    /// JSON), or column:NAME.
    #[arg(long, value_name = "none|hash|column:NAME", default_value = "none")]
    insert_id: String,
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
    /// Print the Arrow schema of a table schema, one field per line.
    Arrow {
        /// The table schema file.
        #[arg(value_name = "SCHEMA.json")]
        file: String,
    },
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

mod bigtable;
mod insert_all;
mod load;
mod rows;
mod schema;
mod value;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Schema {
            command: SchemaCommand::Check { files },
        } => schema::schema_check(&files),
        Command::Value {
            type_name,
            literal,
            as_form,
            from,
            rounding,
        } => value::value(
            &type_name,
            &literal,
            &as_form,
            from.as_deref(),
            rounding.as_deref(),
        ),
        Command::Schema {
            command: SchemaCommand::Arrow { file },
        } => schema::schema_arrow(&file),
        Command::Encode(args) => rows::encode(&args),
        Command::Bigtable { command } => bigtable::bigtable(&command),
        Command::Pubsub { command } => bigtable::pubsub(&command),
        Command::Decode(args) => rows::decode(&args),
        Command::Load(args) => load::load(&args),
        Command::Schema {
            command:
                SchemaCommand::Proto {
                    file,
                    descriptor_set,
                    profile,
                    cdc,
                },
        } => schema::schema_proto(&file, descriptor_set.as_deref(), profile, cdc),
    }
}

pub(crate) fn parse_rounding(
    rounding: Option<&str>,
) -> Result<bqcodec::value::numeric::Rounding, String> {
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

pub(crate) fn load_schema(path: &str) -> Result<TableSchema, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: cannot read: {e}"))?;
    TableSchema::from_json(&text).map_err(|e| {
        e.problems
            .iter()
            .map(|p| format!("{path}: {p}"))
            .collect::<Vec<_>>()
            .join("\n")
    })
}

pub(crate) fn open_input(path: &str) -> Result<Box<dyn std::io::Read>, String> {
    if path == "-" {
        Ok(Box::new(std::io::stdin().lock()))
    } else {
        std::fs::File::open(path)
            .map(|f| Box::new(f) as Box<dyn std::io::Read>)
            .map_err(|e| format!("{path}: cannot read: {e}"))
    }
}

pub(crate) fn open_output(path: &str) -> Result<Box<dyn Write>, String> {
    if path == "-" {
        Ok(Box::new(std::io::BufWriter::new(std::io::stdout().lock())))
    } else {
        std::fs::File::create(path)
            .map(|f| Box::new(std::io::BufWriter::new(f)) as Box<dyn Write>)
            .map_err(|e| format!("{path}: cannot write: {e}"))
    }
}

/// Where `encode` writes. Without `--skip-invalid` nothing may reach the
/// output unless every row is good, yet rows must not wait in memory (a
/// 1 GB input would need its whole output held): so they stream into a
/// temporary file — beside the output file, or in the temp folder for
/// stdout — that [`Output::commit`] renames into place or copies to stdout,
/// and that is deleted when the output is dropped uncommitted. With
/// `--skip-invalid` rows stream straight to the output.
pub(crate) struct Output {
    target: String,
    kind: OutputKind,
}

enum OutputKind {
    Direct(Box<dyn Write>),
    Staged {
        file: std::io::BufWriter<std::fs::File>,
        temp: TempFile,
    },
}

/// Deletes its file when dropped (after a rename there is none to delete).
struct TempFile(std::path::PathBuf);

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

impl Output {
    /// Opens `path` (`-` for stdout): straight, or staged when `staged`.
    pub(crate) fn open(path: &str, staged: bool) -> Result<Output, String> {
        if !staged {
            return Ok(Output {
                target: path.to_owned(),
                kind: OutputKind::Direct(open_output(path)?),
            });
        }
        let unique = format!(
            "bqcodec-{}-{}.part",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0)
        );
        let temp = if path == "-" {
            std::env::temp_dir().join(unique)
        } else {
            // Beside the output, so that the commit is a rename.
            let target = std::path::Path::new(path);
            let name = target
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            target.with_file_name(format!(".{name}.{unique}"))
        };
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&temp)
            .map_err(|e| {
                format!(
                    "{path}: cannot write: {e} (staging it as {})",
                    temp.display()
                )
            })?;
        Ok(Output {
            target: path.to_owned(),
            kind: OutputKind::Staged {
                file: std::io::BufWriter::new(file),
                temp: TempFile(temp),
            },
        })
    }

    /// Makes what was written the output: flushes, or moves the staged file
    /// into place (copies it to stdout).
    pub(crate) fn commit(self) -> Result<(), String> {
        let target = self.target;
        let cannot = |e: std::io::Error| format!("{target}: cannot write: {e}");
        match self.kind {
            OutputKind::Direct(mut w) => w.flush().map_err(cannot),
            OutputKind::Staged { file, temp } => {
                let mut file = file.into_inner().map_err(|e| cannot(e.into_error()))?;
                if target == "-" {
                    use std::io::{Seek, SeekFrom};
                    file.seek(SeekFrom::Start(0)).map_err(&cannot)?;
                    let mut out = std::io::stdout().lock();
                    std::io::copy(&mut file, &mut out).map_err(&cannot)?;
                    out.flush().map_err(&cannot)
                } else {
                    file.sync_all().map_err(&cannot)?;
                    drop(file);
                    std::fs::rename(&temp.0, &target).map_err(&cannot)
                }
            }
        }
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match &mut self.kind {
            OutputKind::Direct(w) => w.write(buf),
            OutputKind::Staged { file, .. } => file.write(buf),
        }
    }

    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        match &mut self.kind {
            OutputKind::Direct(w) => w.write_all(buf),
            OutputKind::Staged { file, .. } => file.write_all(buf),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match &mut self.kind {
            OutputKind::Direct(w) => w.flush(),
            OutputKind::Staged { file, .. } => file.flush(),
        }
    }
}

/// Reads NDJSON in chunks that end at a newline and hands each to `f`.
pub(crate) fn for_each_chunk(
    mut input: impl std::io::Read,
    mut f: impl FnMut(&[u8]),
) -> std::io::Result<()> {
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

pub(crate) fn fail(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("{message}");
    ExitCode::from(1)
}
