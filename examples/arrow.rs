//! A schema and NDJSON rows → Arrow record batches, as an Arrow IPC stream
//! and as the `ArrowSchema` / `ArrowRecordBatch` bytes of the Storage Write API.
//!
//! ```sh
//! cargo run --features arrow --example arrow [SCHEMA.json ROWS.ndjson [OUT.arrows]]
//! ```

mod common;

use std::error::Error;

use bqcodec::TableSchema;
use bqcodec::arrow::{ArrowWriter, describe_schema, ipc};
use bqcodec::plan::{Plan, WalkOptions};

fn main() -> Result<(), Box<dyn Error>> {
    let schema = TableSchema::from_json(&std::fs::read_to_string(common::input(
        1,
        "orders.schema.json",
    ))?)?;
    let ndjson = std::fs::read(common::input(2, "orders.ndjson"))?;
    let plan = Plan::compile(&schema, WalkOptions::new())?;
    let mut writer = ArrowWriter::new(&plan)?;
    let arrow_schema = writer.schema();
    println!("{}", describe_schema(&arrow_schema));
    println!(
        "ArrowSchema.serialized_schema: {} bytes",
        writer.serialized_schema()?.len()
    );

    let outcome = writer.push_ndjson(&ndjson);
    for e in &outcome.errors {
        eprintln!("{e}");
    }
    let batches = writer.finish()?;
    for (i, batch) in batches.iter().enumerate() {
        let bytes = ipc::serialize_record_batch(batch)?;
        println!(
            "batch {i}: {} rows, ArrowRecordBatch.serialized_record_batch: {} bytes",
            batch.num_rows(),
            bytes.len()
        );
    }

    let stream = ipc::ipc_stream(&arrow_schema, &batches)?;
    let out = std::env::args_os()
        .nth(3)
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("bqcodec-orders.arrows"));
    std::fs::write(&out, &stream)?;
    println!(
        "wrote an IPC stream of {} bytes to {}",
        stream.len(),
        out.display()
    );

    // Read it back: the same rows.
    let (_, back) = ipc::read_stream(&stream)?;
    let rows: usize = back.iter().map(|b| b.num_rows()).sum();
    println!("read back {rows} rows");
    if outcome.errors.is_empty() {
        Ok(())
    } else {
        Err("some rows were rejected".into())
    }
}
