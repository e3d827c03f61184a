//! The continuous query that exports new rows of a table to Bigtable (and to
//! Pub/Sub), as BigQuery DataFrames' `to_bigtable` / `to_pubsub` write it,
//! and the `jobs.insert` body that starts it.
//!
//! ```sh
//! cargo run --example bigtable_sql
//! ```

use std::error::Error;

use bqcodec::bigtable::{
    BigtableExport, ContinuousJob, ExportQuery, JobId, PubSubExport, SourceQuery,
};

fn main() -> Result<(), Box<dyn Error>> {
    // New rows of the source table, from APPENDS; `rowkey` becomes the row key.
    let source = SourceQuery::new("my-project.shop.orders")?
        .select_list("customer AS rowkey, status, total")?
        .filter("status IS NOT NULL")?;
    let query = ExportQuery::from_source(&source);

    let bigtable = BigtableExport::new("my-project", "my-instance", "orders")?
        .with_app_profile("streaming")?
        .with_auto_create_column_families(true);
    let sql = bigtable.sql(&query);
    println!("{sql}\n");
    // The jobs.insert body that starts it as a continuous query.
    let job = ContinuousJob::new("my-project", JobId::new("orders-to-bigtable")?, &sql)?;
    println!("{}\n", job.to_json());

    let pubsub = PubSubExport::new("my-project", "order-events")?;
    println!("{}", pubsub.sql(&query));

    // A query written by hand is checked before it is wrapped: an unbalanced
    // parenthesis or a `;` is an error, not broken SQL.
    let bad = ExportQuery::given("SELECT (1 AS rowkey");
    println!("\n{}", bad.err().map(|e| e.to_string()).unwrap_or_default());
    Ok(())
}
