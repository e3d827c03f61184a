//! Loads NDJSON rows into a table of a local BigQuery emulator over the REST
//! API (`tabledata.insertAll`), then reads the table back.
//!
//! ```sh
//! bash scripts/emulator.sh start my-project   # prints REST_PORT=…
//! BQCODEC_EMULATOR_REST=http://127.0.0.1:PORT BQCODEC_EMULATOR_PROJECT=my-project \
//!     cargo run --features transport-rest --example load_emulator [SCHEMA.json ROWS.ndjson]
//! ```
//!
//! Without `BQCODEC_EMULATOR_REST` it prints why and exits 0 (nothing to connect to).

mod common;

use std::error::Error;

use bqcodec::TableSchema;
use bqcodec::insert_all::{InsertAllOptions, InsertAllWriter, InsertIds};
use bqcodec::plan::WalkOptions;
use bqcodec::transport::rest::{RestClient, RestError, TableRef};

fn main() -> Result<(), Box<dyn Error>> {
    let Some(endpoint) = std::env::var("BQCODEC_EMULATOR_REST")
        .ok()
        .filter(|e| !e.is_empty())
    else {
        println!(
            "skipped: set BQCODEC_EMULATOR_REST to an emulator's REST endpoint \
             (e.g. http://127.0.0.1:9050; `bash scripts/emulator.sh start PROJECT` starts one)"
        );
        return Ok(());
    };
    let project =
        std::env::var("BQCODEC_EMULATOR_PROJECT").unwrap_or_else(|_| "bqcodec-example".to_owned());
    let schema = TableSchema::from_json(&std::fs::read_to_string(common::input(
        1,
        "orders.schema.json",
    ))?)?;
    let ndjson = std::fs::read(common::input(2, "orders.ndjson"))?;

    // An emulator takes no credentials; for Google, add `.with_auth(…)`.
    let client = RestClient::new(&endpoint)?;
    let table = TableRef::parse(&format!("{project}.examples.orders"))?;
    for created in [
        client.create_dataset(&project, &table.dataset).map(drop),
        client.create_table(&table, &schema).map(drop),
    ] {
        match created {
            Ok(()) | Err(RestError::Http { status: 409, .. }) => {} // already there
            Err(e) => return Err(e.into()),
        }
    }

    let options = InsertAllOptions::new();
    let writer = InsertAllWriter::new(
        &schema,
        WalkOptions::new(),
        InsertIds::ContentHash,
        options.clone(),
    )?;
    let (rows, outcome) = writer.encode_rows_ndjson(&ndjson, 0);
    for e in &outcome.errors {
        eprintln!("not sent: {e}");
    }
    let report = client.insert_all_rows(&table, &rows, &options);
    println!(
        "sent {} rows in {} requests ({} bytes); {} rejected",
        report.rows,
        report.requests,
        report.bytes,
        report.rejected.len()
    );
    for r in &report.rejected {
        eprintln!("row {}: {}", r.input_row, r.message);
    }
    let page = client.list_rows(&table, Some(10), None)?;
    match page.total_rows {
        Some(n) => println!("the table now has {n} rows"),
        None => println!("read back {} rows", page.rows.len()),
    }
    if report.rejected.is_empty() && outcome.errors.is_empty() {
        Ok(())
    } else {
        Err("some rows were rejected".into())
    }
}
