#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]
//! The decode paths, in rows per second, on rows our own encoders made in
//! setup (bench10 and nested30 of `support/rows.rs`), each against a
//! baseline in the same criterion group:
//!
//! - proto rows → canonical JSON rows (`ProtoWriter::decode`, the strict
//!   decoder of `proto::decode`), against prost-reflect's
//!   `DynamicMessage::decode` of the same rows with the same descriptor
//!   (decoding only: no value checks, no JSON);
//! - Arrow `RecordBatch` → canonical JSON rows (`arrow::decode_batch`), and
//!   an IPC stream → rows (`arrow::decode_ipc_stream`, which reads the IPC
//!   with arrow-ipc first), against arrow-json's `LineDelimitedWriter`
//!   writing the same batches as NDJSON (TIMESTAMP's zone `UTC` relabelled
//!   `+00:00`, the same instants, as arrow-json without chrono-tz needs).
//!
//! `cargo bench --all-features --bench decode`

#[path = "support/rows.rs"]
mod rows;

use std::hint::black_box;

use std::sync::Arc;

use arrow_array::{ArrayRef, RecordBatch, make_array};
use arrow_data::ArrayData;
use arrow_schema::{DataType, Field, FieldRef, Schema};
use bqcodec::TableSchema;
use bqcodec::arrow::ipc::ipc_stream;
use bqcodec::arrow::{ArrowWriter, decode_batch, decode_ipc_stream};
use bqcodec::plan::WalkOptions;
use bqcodec::proto::{DescriptorOptions, ProtoWriter};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use prost_reflect::DynamicMessage;

fn bench_proto(c: &mut Criterion, name: &str, schema: &TableSchema, ndjson: &str, n: usize) {
    let writer = ProtoWriter::new(schema, DescriptorOptions::default(), WalkOptions::new())
        .unwrap_or_else(|e| panic!("{e}"));
    let (encoded, outcome) = writer.encode_ndjson(ndjson.as_bytes(), 0);
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors.first());
    assert_eq!(encoded.len(), n);
    let rows: Vec<Vec<u8>> = encoded.iter().map(<[u8]>::to_vec).collect();
    let desc = writer.proto_schema().message_descriptor().clone();
    for r in &rows {
        writer.decode(r).unwrap_or_else(|e| panic!("{e}"));
        DynamicMessage::decode(desc.clone(), r.as_slice()).unwrap_or_else(|e| panic!("{e}"));
    }

    let mut g = c.benchmark_group(format!("decode proto {name}"));
    g.throughput(Throughput::Elements(n as u64));
    g.bench_function("baseline: prost-reflect DynamicMessage::decode", |b| {
        b.iter(|| {
            for r in &rows {
                black_box(DynamicMessage::decode(desc.clone(), black_box(r.as_slice())).is_ok());
            }
        })
    });
    g.bench_function("bqcodec proto → JSON rows", |b| {
        b.iter(|| {
            for r in &rows {
                black_box(writer.decode(black_box(r)).map(|s| s.len()).ok());
            }
        })
    });
    g.finish();
}

/// `UTC` relabelled `+00:00` (the same instants) in every type, nested ones
/// included: arrow-json without its chrono-tz feature writes only offset zones.
fn offset_zone(dt: &DataType) -> DataType {
    let field = |f: &FieldRef| {
        Arc::new(Field::new(
            f.name(),
            offset_zone(f.data_type()),
            f.is_nullable(),
        ))
    };
    match dt {
        DataType::Timestamp(unit, Some(tz)) if tz.as_ref() == "UTC" => {
            DataType::Timestamp(*unit, Some("+00:00".into()))
        }
        DataType::List(f) => DataType::List(field(f)),
        DataType::Struct(fs) => DataType::Struct(fs.iter().map(field).collect()),
        other => other.clone(),
    }
}

fn offset_zone_data(data: ArrayData) -> ArrayData {
    let dt = offset_zone(data.data_type());
    let children = data
        .child_data()
        .iter()
        .cloned()
        .map(offset_zone_data)
        .collect();
    data.into_builder()
        .data_type(dt)
        .child_data(children)
        .build()
        .unwrap_or_else(|e| panic!("{e}"))
}

fn offset_zone_batch(batch: &RecordBatch) -> RecordBatch {
    let columns: Vec<ArrayRef> = batch
        .columns()
        .iter()
        .map(|c| make_array(offset_zone_data(c.to_data())))
        .collect();
    let fields: Vec<Field> = batch
        .schema()
        .fields()
        .iter()
        .map(|f| Field::new(f.name(), offset_zone(f.data_type()), f.is_nullable()))
        .collect();
    RecordBatch::try_new(Arc::new(Schema::new(fields)), columns).unwrap_or_else(|e| panic!("{e}"))
}

fn arrow_json_ndjson(batches: &[RecordBatch]) -> usize {
    let mut out = Vec::new();
    let mut w = arrow_json::LineDelimitedWriter::new(&mut out);
    w.write_batches(&batches.iter().collect::<Vec<_>>())
        .unwrap_or_else(|e| panic!("{e}"));
    w.finish().unwrap_or_else(|e| panic!("{e}"));
    drop(w);
    out.len()
}

fn bench_arrow(c: &mut Criterion, name: &str, schema: &TableSchema, ndjson: &str, n: usize) {
    let writer = ProtoWriter::new(schema, DescriptorOptions::default(), WalkOptions::new())
        .unwrap_or_else(|e| panic!("{e}"));
    let plan = writer.plan();
    let mut w = ArrowWriter::new(plan).unwrap_or_else(|e| panic!("{e}"));
    let arrow_schema = w.schema();
    let outcome = w.push_ndjson(ndjson.as_bytes());
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors.first());
    let batches = w.finish().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(batches.iter().map(RecordBatch::num_rows).sum::<usize>(), n);
    let stream = ipc_stream(&arrow_schema, &batches).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        decode_ipc_stream(plan, &stream)
            .unwrap_or_else(|e| panic!("{e}"))
            .len(),
        n
    );
    let relabelled: Vec<RecordBatch> = batches.iter().map(offset_zone_batch).collect();
    assert!(arrow_json_ndjson(&relabelled) > 0);

    let mut g = c.benchmark_group(format!("decode arrow {name}"));
    g.throughput(Throughput::Elements(n as u64));
    g.bench_function("baseline: arrow-json LineDelimitedWriter", |b| {
        b.iter(|| black_box(arrow_json_ndjson(black_box(&relabelled))))
    });
    g.bench_function("bqcodec RecordBatch → JSON rows", |b| {
        b.iter(|| {
            for batch in &batches {
                black_box(decode_batch(plan, black_box(batch)).map(|r| r.len()).ok());
            }
        })
    });
    g.bench_function("bqcodec IPC stream → JSON rows", |b| {
        b.iter(|| black_box(decode_ipc_stream(plan, black_box(&stream)).map(|r| r.len())))
    });
    g.finish();
}

fn benches(c: &mut Criterion) {
    let n = 20_000;
    let (canon10, _) = rows::bench10(n);
    let (canon30, _) = rows::nested30(n / 4);
    let s10 = TableSchema::from_json(rows::BENCH10_SCHEMA).unwrap_or_else(|e| panic!("{e}"));
    let s30 = TableSchema::from_json(rows::NESTED30_SCHEMA).unwrap_or_else(|e| panic!("{e}"));
    bench_proto(c, "bench10", &s10, &canon10, n);
    bench_proto(c, "nested30", &s30, &canon30, n / 4);
    bench_arrow(c, "bench10", &s10, &canon10, n);
    bench_arrow(c, "nested30", &s30, &canon30, n / 4);
}

criterion_group!(decode, benches);
criterion_main!(decode);
