//! Continuous export to Bigtable and Pub/Sub: what BigQuery DataFrames'
//! `StreamingDataFrame.to_bigtable` / `to_pubsub` do, as a Rust API without
//! a DataFrame engine, plus the rows → cells conversion BigQuery's export
//! performs. No I/O: this module makes SQL text, a request body, and
//! mutations; a transport sends them.
//!
//! - [`sql`]: the `EXPORT DATA … AS (<query>)` continuous query —
//!   [`BigtableExport`], [`PubSubExport`], a given [`ExportQuery`] or one
//!   built from a [`SourceQuery`] (selection, renames, filters, the APPENDS
//!   start). Byte for byte what bigframes 2.51 writes for the same inputs,
//!   except where bigframes writes broken SQL.
//! - [`options`]: `bigtable_options`, checked against the documented shape
//!   and written back as Python's `json.dumps` writes it.
//! - [`job`]: the `jobs.insert` body ([`ContinuousJob`], [`JobId`]).
//! - [`schema`]: the query result schema checked against the export rules
//!   ([`validate_export_schema`], [`ExportLayout`]).
//! - [`cells`]: each result row → its row key and [`Mutation`]s, in the
//!   `BINARY` or `TEXT` encoding ([`BigtableWriter`], [`BigtableSink`]).
//!
//! ```
//! use bqcodec::bigtable::{BigtableExport, ContinuousJob, ExportQuery, JobId, SourceQuery};
//! let query = ExportQuery::from_source(
//!     &SourceQuery::new("my-project.birds.penguins")?.select_list("island AS rowkey, species")?,
//! );
//! let sql = BigtableExport::new("my-project", "my-instance", "penguins")?.sql(&query);
//! let job = ContinuousJob::new("my-project", JobId::new("export-1")?, &sql)?
//!     .with_service_account("exporter@my-project.iam.gserviceaccount.com")?;
//! assert!(job.to_json().contains(r#""continuous":true"#));
//! # Ok::<(), bqcodec::ValueError>(())
//! ```

pub mod cells;
pub mod job;
mod lex;
pub mod options;
pub mod schema;
pub mod sql;

pub use cells::{BigtableRow, BigtableRows, BigtableSink, BigtableWriter, Mutation};
pub use job::{ContinuousJob, JobId, uuid_v4};
pub use options::{BigtableOptions, ColumnOptions, Encoding, FamilyOptions, Qualifier};
pub use schema::{
    CellOptions, ExportLayout, result_schema_from_json, split_change_timestamp,
    validate_export_schema,
};
pub use sql::{BigtableExport, ExportQuery, PubSubExport, SourceQuery, StartTimestamp};
