#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]
//! NDJSON → `tabledata.insertAll` request bodies (row objects in each type's
//! insertAll JSON form, cut into bodies under the default 9 MiB / 500 rows),
//! against serde_json reading the same bytes into `IgnoredAny` (the floor:
//! parsing JSON and nothing else), in the same criterion group. Two groups
//! per schema: bytes per second and rows per second (the same work).
//!
//! `cargo bench --bench insert_all`

#[path = "support/rows.rs"]
mod rows;

use std::hint::black_box;

use bqcodec::TableSchema;
use bqcodec::insert_all::{InsertAllOptions, InsertAllWriter, InsertIds};
use bqcodec::plan::WalkOptions;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use serde::de::IgnoredAny;

fn ignored_any(ndjson: &str) -> usize {
    serde_json::Deserializer::from_str(ndjson)
        .into_iter::<IgnoredAny>()
        .filter(Result::is_ok)
        .count()
}

fn encode(writer: &InsertAllWriter, ndjson: &[u8]) -> usize {
    let (bodies, outcome) = writer.encode_ndjson(ndjson, 0);
    debug_assert!(outcome.errors.is_empty());
    bodies.iter().map(|b| b.body().len()).sum()
}

fn bench(c: &mut Criterion, name: &str, schema: &str, ndjson: &str, rows: usize) {
    let schema = TableSchema::from_json(schema).unwrap_or_else(|e| panic!("{e}"));
    let writer = InsertAllWriter::new(
        &schema,
        WalkOptions::new(),
        InsertIds::None,
        InsertAllOptions::new(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let (bodies, outcome) = writer.encode_ndjson(ndjson.as_bytes(), 0);
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors.first());
    assert_eq!(outcome.written, rows);
    assert!(!bodies.is_empty());
    assert_eq!(ignored_any(ndjson), rows);

    for (suffix, throughput) in [
        ("bytes", Throughput::Bytes(ndjson.len() as u64)),
        ("rows", Throughput::Elements(rows as u64)),
    ] {
        let mut g = c.benchmark_group(format!("insertAll {name} ({suffix})"));
        g.throughput(throughput);
        g.bench_function("baseline: serde_json IgnoredAny", |b| {
            b.iter(|| black_box(ignored_any(black_box(ndjson))))
        });
        g.bench_function("bqcodec InsertAllWriter", |b| {
            b.iter(|| black_box(encode(&writer, black_box(ndjson.as_bytes()))))
        });
        g.finish();
    }
}

fn benches(c: &mut Criterion) {
    let n = 20_000;
    let (canon10, _) = rows::bench10(n);
    bench(c, "bench10", rows::BENCH10_SCHEMA, &canon10, n);
    let (canon30, _) = rows::nested30(n / 4);
    bench(c, "nested30", rows::NESTED30_SCHEMA, &canon30, n / 4);
}

criterion_group!(insert_all, benches);
criterion_main!(insert_all);
