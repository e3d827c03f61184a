//! NDJSON → proto rows: bqcodec against the published `bigquery` crate's
//! encoder (its `bench-internals` entry point) and against serde_json reading
//! the same bytes into `IgnoredAny`, all in one run.
//!
//! bqcodec reads the canonical rows (DATE/TIMESTAMP as strings). The
//! `bigquery` crate is given its easiest input: the "native" rows (DATE as
//! int days, TIMESTAMP as int micros), read from the same NDJSON into typed
//! rows (bench10: a struct with BYTES as bytes, which it requires) or
//! `serde_json::Value` (nested30), then encoded — the same starting point as
//! bqcodec: NDJSON bytes in, proto rows out.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

#[path = "../../support/rows.rs"]
mod rows;
#[path = "../src/workloads.rs"]
mod workloads;

use bigquery::BigQueryWriteCodecBench;
use bqcodec::proto::{DescriptorOptions, ProtoWriter};
use bqcodec::{TableSchema, plan::WalkOptions};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use workloads::{Bench10Row, ignored_any, their_schema, theirs_from_ndjson};

fn bench<T: serde::de::DeserializeOwned + serde::Serialize>(
    c: &mut Criterion,
    name: &str,
    schema_json: &str,
    canon: &str,
    native: &str,
    n: usize,
) {
    let schema = TableSchema::from_json(schema_json).unwrap();
    let writer =
        ProtoWriter::new(&schema, DescriptorOptions::default(), WalkOptions::new()).unwrap();
    let (rows, outcome) = writer.encode_ndjson(canon.as_bytes(), 0);
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors.first());
    assert_eq!(rows.len(), n);
    let (rows, outcome) = writer.encode_ndjson(native.as_bytes(), 0);
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors.first());
    assert_eq!(rows.len(), n);

    let theirs = their_schema(&schema);
    let mut codec = BigQueryWriteCodecBench::new(&theirs);
    assert!(theirs_from_ndjson::<T>(&mut codec, native) > 0);

    let mut g = c.benchmark_group(name);
    g.throughput(Throughput::Bytes(canon.len() as u64));
    g.bench_function("serde_json IgnoredAny", |b| {
        b.iter(|| black_box(ignored_any(black_box(canon))))
    });
    g.bench_function("bqcodec", |b| {
        b.iter(|| black_box(writer.encode_ndjson(black_box(canon.as_bytes()), 0).0.len()))
    });
    // The same bytes the `bigquery` crate reads (DATE/TIMESTAMP as integers).
    g.bench_function("bqcodec, native rows", |b| {
        b.iter(|| {
            black_box(
                writer
                    .encode_ndjson(black_box(native.as_bytes()), 0)
                    .0
                    .len(),
            )
        })
    });
    g.bench_function("bigquery crate (NDJSON → typed rows → proto)", |b| {
        b.iter(|| black_box(theirs_from_ndjson::<T>(&mut codec, black_box(native))))
    });
    g.finish();
}

fn benches(c: &mut Criterion) {
    let n = 20_000;
    let (canon, native) = rows::bench10(n);
    bench::<Bench10Row>(c, "bench10", rows::BENCH10_SCHEMA, &canon, &native, n);
    let (canon, native) = rows::nested30(n / 4);
    bench::<serde_json::Value>(c, "nested30", rows::NESTED30_SCHEMA, &canon, &native, n / 4);
}

criterion_group!(compare, benches);
criterion_main!(compare);
