//! The arrow-json baseline of the Arrow benchmarks, shared by
//! `benches/arrow_encode.rs` and the instruction-count binary of
//! `benches/compare/`: bench10's columns as arrow-json reads them, and its
//! `Decoder` over NDJSON cutting batches like bqcodec's writer.
#![allow(dead_code, clippy::panic)]

use arrow_json::ReaderBuilder;
use arrow_schema::{DataType, Field, Schema, TimeUnit};
use std::sync::Arc;

/// Rows per record batch, for both sides.
pub const BATCH_ROWS: usize = 8192;

/// bench10's columns as arrow-json can read them.
pub fn arrow_json_schema() -> Arc<Schema> {
    Arc::new(Schema::new(vec![
        Field::new("id", DataType::Int64, false),
        Field::new("name", DataType::Utf8, true),
        Field::new("amount", DataType::Decimal128(38, 9), true),
        Field::new("price", DataType::Float64, true),
        Field::new("active", DataType::Boolean, true),
        // arrow-json without chrono-tz takes only offset zones: "+00:00"
        // stands for bqcodec's "UTC".
        Field::new(
            "created",
            DataType::Timestamp(TimeUnit::Microsecond, Some("+00:00".into())),
            true,
        ),
        Field::new("day", DataType::Date32, true),
        Field::new(
            "tags",
            DataType::List(Arc::new(Field::new("item", DataType::Utf8, false))),
            false,
        ),
        // arrow-json reads Binary only from hex: the base64 text stays text.
        Field::new("payload", DataType::Utf8, true),
        Field::new("meta", DataType::Utf8, true),
    ]))
}

pub fn arrow_json(schema: &Arc<Schema>, ndjson: &[u8]) -> usize {
    let mut decoder = ReaderBuilder::new(schema.clone())
        .with_batch_size(BATCH_ROWS)
        .build_decoder()
        .unwrap_or_else(|e| panic!("{e}"));
    let mut rows = 0;
    let mut rest = ndjson;
    while !rest.is_empty() {
        let read = decoder.decode(rest).unwrap_or_else(|e| panic!("{e}"));
        rest = &rest[read..];
        if (read == 0 || decoder.len() >= BATCH_ROWS)
            && let Some(b) = decoder.flush().unwrap_or_else(|e| panic!("{e}"))
        {
            rows += b.num_rows();
        }
    }
    if let Some(b) = decoder.flush().unwrap_or_else(|e| panic!("{e}")) {
        rows += b.num_rows();
    }
    rows
}
