//! NDJSON → Arrow record batches: bqcodec's `ArrowWriter` against
//! arrow-json's `Decoder` on the same bytes with the equivalent Arrow schema,
//! in the same run.
//!
//! The two do not do the same work, and the difference favours arrow-json:
//! bqcodec checks every value as BigQuery would (DATE and TIMESTAMP ranges,
//! NUMERIC digits without rounding, base64 BYTES decoded, the JSON column
//! parsed and made compact, row errors with paths), while arrow-json keeps
//! `payload` as the base64 text (it decodes only hex into `Binary`) and
//! `meta` as the string it is. Both cut batches at 8192 rows.
//!
//! `cargo bench --bench arrow_encode --features arrow`
#![allow(clippy::panic)] // a benchmark stops loudly on bad setup

#[path = "support/arrow_json.rs"]
mod arrow_json_baseline;
#[path = "support/rows.rs"]
mod rows;

use std::hint::black_box;

use bqcodec::TableSchema;
use bqcodec::arrow::ArrowWriter;
use bqcodec::plan::{Plan, PlanField, Sink, WalkOptions, Walker};
use bqcodec::{Scalar, ValueError};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

use arrow_json_baseline::{BATCH_ROWS, arrow_json, arrow_json_schema};

fn bqcodec(plan: &Plan, ndjson: &[u8]) -> usize {
    let mut w = ArrowWriter::new(plan)
        .unwrap_or_else(|e| panic!("{e}"))
        .with_max_rows(BATCH_ROWS);
    let out = w.push_ndjson(ndjson);
    assert!(out.errors.is_empty(), "{:?}", out.errors.first());
    let batches = w.finish().unwrap_or_else(|e| panic!("{e}"));
    batches.iter().map(|b| b.num_rows()).sum()
}

/// The row walk with a sink that keeps nothing: what the Arrow sink adds is
/// the difference to `bqcodec`.
fn walk_only(plan: &Plan, ndjson: &[u8]) -> usize {
    struct Discard;
    impl Sink for Discard {
        fn begin_row(&mut self, _: usize) {}
        fn end_row(&mut self) {}
        fn abort_row(&mut self) {}
        fn leaf(&mut self, _: &PlanField, v: Scalar<'_>) -> Result<(), ValueError> {
            black_box(v);
            Ok(())
        }
        fn null(&mut self, _: &PlanField) {}
        fn begin_record(&mut self, _: &PlanField) {}
        fn end_record(&mut self, _: &PlanField) {}
        fn begin_list(&mut self, _: &PlanField) {}
        fn end_list(&mut self, _: &PlanField) {}
    }
    Walker::new(plan)
        .walk_ndjson(ndjson, 0, &mut Discard)
        .written
}

fn benches(c: &mut Criterion) {
    let n = 20_000;
    let (canon, _) = rows::bench10(n);
    let ndjson = canon.as_bytes();
    let schema = TableSchema::from_json(rows::BENCH10_SCHEMA).unwrap_or_else(|e| panic!("{e}"));
    let plan = Plan::compile(&schema, WalkOptions::new()).unwrap_or_else(|e| panic!("{e}"));
    let aj_schema = arrow_json_schema();
    assert_eq!(bqcodec(&plan, ndjson), n);
    assert_eq!(arrow_json(&aj_schema, ndjson), n);

    let mut g = c.benchmark_group("bench10 ndjson → RecordBatch");
    g.throughput(Throughput::Bytes(ndjson.len() as u64));
    g.bench_function("arrow-json Decoder", |b| {
        b.iter(|| black_box(arrow_json(&aj_schema, black_box(ndjson))))
    });
    g.bench_function("bqcodec ArrowWriter", |b| {
        b.iter(|| black_box(bqcodec(&plan, black_box(ndjson))))
    });
    g.bench_function("bqcodec row walk, no sink", |b| {
        b.iter(|| black_box(walk_only(&plan, black_box(ndjson))))
    });
    g.finish();
}

criterion_group!(arrow, benches);
criterion_main!(arrow);
