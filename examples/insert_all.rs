//! A schema and NDJSON rows → `tabledata.insertAll` request bodies (legacy
//! streaming), with content-hash insertIds for best-effort de-duplication.
//!
//! ```sh
//! cargo run --example insert_all [SCHEMA.json ROWS.ndjson]   # default: schemas/orders.*
//! ```

mod common;

use std::error::Error;

use bqcodec::TableSchema;
use bqcodec::insert_all::{InsertAllOptions, InsertAllWriter, InsertIds};
use bqcodec::plan::WalkOptions;

fn main() -> Result<(), Box<dyn Error>> {
    let schema = TableSchema::from_json(&std::fs::read_to_string(common::input(
        1,
        "orders.schema.json",
    ))?)?;
    let ndjson = std::fs::read(common::input(2, "orders.ndjson"))?;
    let writer = InsertAllWriter::new(
        &schema,
        WalkOptions::new(),
        InsertIds::ContentHash,
        InsertAllOptions::new(),
    )?;
    // Bodies are cut under the request limits (9 MiB / 500 rows by default).
    let (bodies, outcome) = writer.encode_ndjson(&ndjson, 0);
    for body in &bodies {
        println!("{}", body.body());
    }
    for e in &outcome.errors {
        eprintln!("{e}");
    }
    eprintln!(
        "{} rows in {} request bodies",
        outcome.written,
        bodies.len()
    );
    if outcome.errors.is_empty() {
        Ok(())
    } else {
        Err("some rows were rejected".into())
    }
}
