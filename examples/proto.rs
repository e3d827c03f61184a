//! A schema and NDJSON rows → Storage Write API proto rows and the writer
//! schema (the `DescriptorProto` sent with the first AppendRows request).
//!
//! ```sh
//! cargo run --example proto [SCHEMA.json ROWS.ndjson]   # default: schemas/orders.*
//! ```

mod common;

use std::error::Error;

use bqcodec::TableSchema;
use bqcodec::plan::WalkOptions;
use bqcodec::proto::{DescriptorOptions, ProtoWriter};

fn main() -> Result<(), Box<dyn Error>> {
    let schema_path = common::input(1, "orders.schema.json");
    let rows_path = common::input(2, "orders.ndjson");
    // Parse and validate once; every problem of the schema is reported at once.
    let schema = TableSchema::from_json(&std::fs::read_to_string(&schema_path)?)?;
    let writer = ProtoWriter::new(&schema, DescriptorOptions::default(), WalkOptions::new())?;

    let descriptor = writer.proto_schema().descriptor_proto_bytes();
    println!(
        "writer schema: a DescriptorProto of {} bytes",
        descriptor.len()
    );
    println!("{}", writer.proto_schema().to_proto_text());

    let (rows, outcome) = writer.encode_ndjson(&std::fs::read(&rows_path)?, 0);
    for (i, row) in rows.iter().enumerate() {
        println!("row {i}: {} bytes → {}", row.len(), writer.decode(row)?);
    }
    // A bad row does not stop the others; its error names the row and the field.
    for e in &outcome.errors {
        eprintln!("{e}");
    }
    if outcome.errors.is_empty() {
        Ok(())
    } else {
        Err(format!("{} of {} rows rejected", outcome.errors.len(), outcome.rows).into())
    }
}
