#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]
//! NDJSON → proto rows, against serde_json reading the same bytes into
//! `IgnoredAny` (the floor: parsing JSON and nothing else), in the same run.
//! The comparison with the `bigquery` crate lives in `benches/compare/`
//! (a separate package, so its heavy dependencies stay out of this crate).

#[path = "support/rows.rs"]
mod rows;

use bqcodec::TableSchema;
use bqcodec::plan::WalkOptions;
use bqcodec::proto::{DescriptorOptions, ProtoWriter};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use serde::de::IgnoredAny;
use std::hint::black_box;

fn ignored_any(ndjson: &str) -> usize {
    let mut n = 0;
    for v in serde_json::Deserializer::from_str(ndjson).into_iter::<IgnoredAny>() {
        if v.is_ok() {
            n += 1;
        }
    }
    n
}

fn bench(c: &mut Criterion, name: &str, schema: &str, ndjson: &str, rows: usize) {
    let schema = TableSchema::from_json(schema).unwrap_or_else(|e| panic!("{e}"));
    let writer = ProtoWriter::new(&schema, DescriptorOptions::default(), WalkOptions::new())
        .unwrap_or_else(|e| panic!("{e}"));
    let (encoded, outcome) = writer.encode_ndjson(ndjson.as_bytes(), 0);
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors.first());
    assert_eq!(encoded.len(), rows);
    let mut g = c.benchmark_group(name);
    g.throughput(Throughput::Bytes(ndjson.len() as u64));
    g.bench_function("serde_json IgnoredAny", |b| {
        b.iter(|| black_box(ignored_any(black_box(ndjson))))
    });
    g.bench_function("bqcodec proto", |b| {
        b.iter(|| {
            black_box(
                writer
                    .encode_ndjson(black_box(ndjson.as_bytes()), 0)
                    .0
                    .len(),
            )
        })
    });
    g.finish();
}

fn benches(c: &mut Criterion) {
    let n = 20_000;
    let (canon10, _) = rows::bench10(n);
    bench(c, "bench10", rows::BENCH10_SCHEMA, &canon10, n);
    let (canon30, _) = rows::nested30(n / 4);
    bench(c, "nested30", rows::NESTED30_SCHEMA, &canon30, n / 4);
}

criterion_group!(proto, benches);
criterion_main!(proto);
