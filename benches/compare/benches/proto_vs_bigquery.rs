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

use bigquery::{
    BigQueryFieldMode, BigQueryFieldSchema, BigQueryFieldType, BigQueryTableSchema,
    BigQueryWriteCodecBench,
};
use bqcodec::proto::{DescriptorOptions, ProtoWriter};
use bqcodec::{FieldType, Mode, TableSchema, plan::WalkOptions};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use serde::de::IgnoredAny;
use std::hint::black_box;

fn their_field(f: &bqcodec::Field) -> BigQueryFieldSchema {
    let field_type = match f.field_type {
        FieldType::Int64 => BigQueryFieldType::Int64,
        FieldType::Float64 => BigQueryFieldType::Float64,
        FieldType::Numeric => BigQueryFieldType::Numeric(None),
        FieldType::Bool => BigQueryFieldType::Bool,
        FieldType::String => BigQueryFieldType::String { max_length: None },
        FieldType::Bytes => BigQueryFieldType::Bytes { max_length: None },
        FieldType::Date => BigQueryFieldType::Date,
        FieldType::Timestamp => BigQueryFieldType::Timestamp,
        FieldType::Json => BigQueryFieldType::Json,
        FieldType::Record => BigQueryFieldType::Struct(f.fields.iter().map(their_field).collect()),
        other => panic!("not in the bench schemas: {other:?}"),
    };
    BigQueryFieldSchema {
        name: f.name.clone(),
        field_type,
        mode: match f.mode {
            Mode::Nullable => BigQueryFieldMode::Nullable,
            Mode::Required => BigQueryFieldMode::Required,
            Mode::Repeated => BigQueryFieldMode::Repeated,
        },
        description: None,
        default_value_expression: None,
    }
}

/// A bench10 row as the `bigquery` crate wants it: BYTES as real bytes (it
/// refuses a base64 string), so the NDJSON is read into this struct.
#[derive(serde::Deserialize, serde::Serialize)]
struct Bench10Row {
    id: i64,
    name: Option<String>,
    amount: Option<String>,
    price: Option<f64>,
    active: Option<bool>,
    created: Option<i64>,
    day: Option<i64>,
    tags: Vec<String>,
    #[serde(deserialize_with = "from_base64", serialize_with = "serde_bytes::serialize")]
    payload: Vec<u8>,
    meta: Option<String>,
}

fn from_base64<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
    use base64::Engine as _;
    let s: &str = serde::Deserialize::deserialize(d)?;
    base64::engine::general_purpose::STANDARD
        .decode(s)
        .map_err(serde::de::Error::custom)
}

/// Encodes `native` NDJSON with the `bigquery` crate: each line read into `T`
/// (the typed path its API is made for), then encoded.
fn theirs_from_ndjson<T: serde::de::DeserializeOwned + serde::Serialize>(
    codec: &mut BigQueryWriteCodecBench,
    native: &str,
) -> usize {
    let mut out = Vec::with_capacity(native.len());
    for line in native.lines() {
        let v: T = serde_json::from_str(line).unwrap();
        codec.encode(&v, &mut out).unwrap_or_else(|e| panic!("bigquery crate: {e}"));
    }
    out.len()
}

fn ignored_any(ndjson: &str) -> usize {
    serde_json::Deserializer::from_str(ndjson)
        .into_iter::<IgnoredAny>()
        .filter(Result::is_ok)
        .count()
}

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

    let theirs = BigQueryTableSchema {
        fields: schema.fields.iter().map(their_field).collect(),
    };
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
