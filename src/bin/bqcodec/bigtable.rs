//! `bigtable sql` and `pubsub sql`: the EXPORT DATA continuous query, or
//! with `--job` the `jobs.insert` body that starts it.

use std::process::ExitCode;

use bqcodec::bigtable::{
    BigtableExport, BigtableOptions, ContinuousJob, ExportQuery, JobId, PubSubExport, SourceQuery,
    StartTimestamp,
};
use bqcodec::value::timestamp::Timestamp;

use crate::fail;

/// `bqcodec bigtable …`
#[derive(clap::Subcommand)]
pub(crate) enum BigtableCommand {
    /// Print the EXPORT DATA continuous query to Bigtable (with --job: the
    /// jobs.insert body), as bigframes' to_bigtable writes it.
    Sql(BigtableSqlArgs),
}

/// `bqcodec pubsub …`
#[derive(clap::Subcommand)]
pub(crate) enum PubsubCommand {
    /// Print the EXPORT DATA continuous query to Pub/Sub (with --job: the
    /// jobs.insert body), as bigframes' to_pubsub writes it.
    Sql(PubsubSqlArgs),
}

#[derive(clap::Args)]
pub(crate) struct BigtableSqlArgs {
    /// The project (of the job, and of the Bigtable instance).
    #[arg(long, value_name = "P")]
    project: String,
    /// The Bigtable instance ID.
    #[arg(long, value_name = "I")]
    instance: String,
    /// The Bigtable table ID.
    #[arg(long, value_name = "T")]
    table: String,
    /// The Bigtable app profile ID.
    #[arg(long, value_name = "A")]
    app_profile: Option<String>,
    /// Set the export's truncate option.
    #[arg(long)]
    truncate: bool,
    /// Set the export's overwrite option.
    #[arg(long)]
    overwrite: bool,
    /// Set auto_create_column_families.
    #[arg(long)]
    auto_create_column_families: bool,
    /// bigtable_options JSON ({"columnFamilies": [...]}), checked against
    /// the documented shape.
    #[arg(long, value_name = "JSON")]
    bigtable_options: Option<String>,
    #[command(flatten)]
    query: QueryArgs,
    #[command(flatten)]
    job: JobArgs,
}

#[derive(clap::Args)]
pub(crate) struct PubsubSqlArgs {
    /// The project (of the job, and of the topic).
    #[arg(long, value_name = "P")]
    project: String,
    /// The Pub/Sub topic ID.
    #[arg(long, value_name = "T")]
    topic: String,
    #[command(flatten)]
    query: QueryArgs,
    #[command(flatten)]
    job: JobArgs,
}

#[derive(clap::Args)]
#[group(required = true, multiple = false, id = "what")]
struct QuerySource {
    /// The query, used as given (its source already wrapped in
    /// APPENDS(TABLE ..., start)).
    #[arg(long, value_name = "SQL")]
    query: Option<String>,
    /// Build the query from this table's appended rows: project.dataset.table.
    #[arg(long, value_name = "P.D.T")]
    source: Option<String>,
}

#[derive(clap::Args)]
struct QueryArgs {
    #[command(flatten)]
    from: QuerySource,
    /// With --source: the columns, "a, b AS c" (default: *).
    #[arg(long, value_name = "COLS", conflicts_with = "query")]
    select: Option<String>,
    /// With --source: a filter (GoogleSQL boolean expression); repeat to AND.
    #[arg(long = "where", value_name = "EXPR", conflicts_with = "query")]
    filters: Vec<String>,
    /// With --source: where the APPENDS window starts (a TIMESTAMP literal;
    /// default CURRENT_TIMESTAMP() - (INTERVAL 7 DAY - INTERVAL 5 MINUTE)).
    #[arg(long, value_name = "TS", conflicts_with = "query")]
    start_timestamp: Option<String>,
}

#[derive(clap::Args)]
struct JobArgs {
    /// Print the jobs.insert body instead of the SQL.
    #[arg(long)]
    job: bool,
    /// The job ID.
    #[arg(
        long,
        value_name = "ID",
        requires = "job",
        conflicts_with = "job_id_prefix"
    )]
    job_id: Option<String>,
    /// A job ID prefix, followed by a random UUID (default: the UUID alone).
    #[arg(long, value_name = "PFX", requires = "job")]
    job_id_prefix: Option<String>,
    /// Run the query as this service account.
    #[arg(long, value_name = "EMAIL", requires = "job")]
    service_account: Option<String>,
    /// A job label KEY=VALUE; repeat for more.
    #[arg(long = "label", value_name = "KEY=VALUE", requires = "job")]
    labels: Vec<String>,
    /// The job's location (US, EU, us-central1, ...).
    #[arg(long, value_name = "LOC", requires = "job")]
    location: Option<String>,
}

pub(crate) fn bigtable(command: &BigtableCommand) -> ExitCode {
    let BigtableCommand::Sql(a) = command;
    let result = (|| -> Result<String, String> {
        let mut export = BigtableExport::new(&a.project, &a.instance, &a.table)
            .map_err(|e| e.to_string())?
            .with_truncate(a.truncate)
            .with_overwrite(a.overwrite)
            .with_auto_create_column_families(a.auto_create_column_families);
        if let Some(p) = &a.app_profile {
            export = export
                .with_app_profile(p)
                .map_err(|e| format!("--app-profile: {e}"))?;
        }
        if let Some(o) = &a.bigtable_options {
            export = export.with_options(
                BigtableOptions::from_json(o).map_err(|e| format!("--bigtable-options: {e}"))?,
            );
        }
        let sql = export.sql(&query(&a.query)?);
        finish(&a.project, sql, &a.job)
    })();
    print(result)
}

pub(crate) fn pubsub(command: &PubsubCommand) -> ExitCode {
    let PubsubCommand::Sql(a) = command;
    let result = (|| -> Result<String, String> {
        let export = PubSubExport::new(&a.project, &a.topic).map_err(|e| e.to_string())?;
        let sql = export.sql(&query(&a.query)?);
        finish(&a.project, sql, &a.job)
    })();
    print(result)
}

fn print(result: Result<String, String>) -> ExitCode {
    match result {
        Ok(text) => {
            println!("{text}");
            ExitCode::SUCCESS
        }
        Err(e) => fail(e),
    }
}

fn query(q: &QueryArgs) -> Result<ExportQuery, String> {
    if let Some(text) = &q.from.query {
        return ExportQuery::given(text).map_err(|e| format!("--query: {e}"));
    }
    let Some(table) = &q.from.source else {
        return Err("one of --query or --source is required".into());
    };
    let mut s = SourceQuery::new(table).map_err(|e| format!("--source: {e}"))?;
    if let Some(cols) = &q.select {
        s = s.select_list(cols).map_err(|e| format!("--select: {e}"))?;
    }
    for f in &q.filters {
        s = s.filter(f).map_err(|e| format!("--where: {e}"))?;
    }
    if let Some(ts) = &q.start_timestamp {
        let t = Timestamp::parse_text(ts).map_err(|e| format!("--start-timestamp: {e}"))?;
        s = s.start(StartTimestamp::At(t));
    }
    Ok(ExportQuery::from_source(&s))
}

fn finish(project: &str, sql: String, j: &JobArgs) -> Result<String, String> {
    if !j.job {
        return Ok(sql);
    }
    let id = match (&j.job_id, &j.job_id_prefix) {
        (Some(id), _) => JobId::new(id).map_err(|e| format!("--job-id: {e}"))?,
        (None, prefix) => JobId::with_prefix(prefix.as_deref().unwrap_or(""), random_16())
            .map_err(|e| format!("--job-id-prefix: {e}"))?,
    };
    let mut job = ContinuousJob::new(project, id, &sql).map_err(|e| e.to_string())?;
    if let Some(sa) = &j.service_account {
        job = job
            .with_service_account(sa)
            .map_err(|e| format!("--service-account: {e}"))?;
    }
    for l in &j.labels {
        let (k, v) = l
            .split_once('=')
            .ok_or_else(|| format!("--label: expected KEY=VALUE, found {l:?}"))?;
        job = job.with_label(k, v).map_err(|e| format!("--label: {e}"))?;
    }
    if let Some(loc) = &j.location {
        job = job
            .with_location(loc)
            .map_err(|e| format!("--location: {e}"))?;
    }
    Ok(job.to_json())
}

/// 16 random bytes for a job ID's UUID: from the OS (`/dev/urandom`), or,
/// where that is missing, from the standard library's randomly seeded
/// hasher keys mixed with the time and process ID (unique, not secret).
fn random_16() -> [u8; 16] {
    use std::io::Read;
    let mut b = [0u8; 16];
    if std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut b))
        .is_ok()
    {
        return b;
    }
    use std::hash::{BuildHasher, Hasher};
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    for (i, chunk) in b.chunks_mut(8).enumerate() {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u128(nanos);
        h.write_u32(std::process::id());
        h.write_usize(i);
        chunk.copy_from_slice(&h.finish().to_le_bytes());
    }
    b
}
