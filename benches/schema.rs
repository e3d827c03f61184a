#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]
//! Schema compilation for a 100-column schema (every leaf type, parameters,
//! modes, descriptions, nested and repeated RECORDs), one schema per
//! iteration, against serde_json reading the same text into a
//! `serde_json::Value` (the baseline), in the same criterion group:
//!
//! - `TableSchema::from_json`: parse and validate the REST JSON;
//! - `ProtoSchema::build`: the proto2 descriptor and its layout (from a `TableSchema`);
//! - `Plan::compile`: the walk's plan;
//! - `to_arrow_schema`: the Arrow schema (from a plan);
//! - `ProtoWriter::new`: plan + descriptor + encoder, what a proto user calls once;
//! - `JSON → ProtoWriter`: the whole path from the text.
//!
//! `cargo bench --all-features --bench schema`

use std::fmt::Write as _;
use std::hint::black_box;

use bqcodec::TableSchema;
use bqcodec::arrow::{SchemaOptions, to_arrow_schema};
use bqcodec::plan::{Plan, WalkOptions};
use bqcodec::proto::{DescriptorOptions, ProtoSchema, ProtoWriter};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

/// Leaf types cycled through for the top-level columns.
const TYPES: [&str; 20] = [
    r#""type": "INTEGER""#,
    r#""type": "STRING""#,
    r#""type": "FLOAT""#,
    r#""type": "BOOLEAN""#,
    r#""type": "TIMESTAMP""#,
    r#""type": "DATE""#,
    r#""type": "NUMERIC""#,
    r#""type": "NUMERIC", "precision": "10", "scale": "2""#,
    r#""type": "BIGNUMERIC""#,
    r#""type": "BYTES""#,
    r#""type": "STRING", "maxLength": "256""#,
    r#""type": "TIME""#,
    r#""type": "DATETIME""#,
    r#""type": "GEOGRAPHY""#,
    r#""type": "JSON""#,
    r#""type": "INTERVAL""#,
    r#""type": "RANGE", "rangeElementType": {"type": "DATE"}"#,
    r#""type": "INT64""#,
    r#""type": "FLOAT64""#,
    r#""type": "RANGE", "rangeElementType": {"type": "TIMESTAMP"}"#,
];

const MODES: [&str; 3] = ["NULLABLE", "REQUIRED", "REPEATED"];

fn leaf(out: &mut String, name: &str, i: usize) {
    let _ = write!(
        out,
        r#"{{"name": "{name}", {}, "mode": "{}", "description": "column {i} of the benchmark schema"}}"#,
        TYPES[i % TYPES.len()],
        MODES[i % 7 % 3]
    );
}

/// 100 leaf columns: 60 top-level, and 4 RECORDs of 10 leaves (one of them
/// REPEATED, one with a nested RECORD of 4 leaves).
fn schema_json() -> String {
    let mut out = String::from("[\n");
    let mut leaves = 0;
    for i in 0..60 {
        leaf(&mut out, &format!("col_{i:02}"), i);
        out.push_str(",\n");
        leaves += 1;
    }
    for r in 0..4 {
        let mode = if r == 2 { "REPEATED" } else { "NULLABLE" };
        let _ = write!(
            out,
            r#"{{"name": "rec_{r}", "type": "RECORD", "mode": "{mode}", "fields": ["#
        );
        let flat = if r == 3 { 6 } else { 10 };
        for j in 0..flat {
            if j > 0 {
                out.push_str(", ");
            }
            leaf(&mut out, &format!("f_{j}"), r * 10 + j + 1);
            leaves += 1;
        }
        if r == 3 {
            out.push_str(r#", {"name": "inner", "type": "RECORD", "fields": ["#);
            for j in 0..4 {
                if j > 0 {
                    out.push_str(", ");
                }
                leaf(&mut out, &format!("g_{j}"), j + 3);
                leaves += 1;
            }
            out.push_str("]}");
        }
        out.push_str("]}");
        out.push_str(if r == 3 { "\n" } else { ",\n" });
    }
    out.push(']');
    assert_eq!(leaves, 100);
    out
}

fn benches(c: &mut Criterion) {
    let text = schema_json();
    let schema = TableSchema::from_json(&text).unwrap_or_else(|e| panic!("{e}"));
    let options = DescriptorOptions::default();
    let plan = Plan::compile(&schema, WalkOptions::new()).unwrap_or_else(|e| panic!("{e}"));
    let arrow_options = SchemaOptions::new();
    assert_eq!(
        to_arrow_schema(&plan, &arrow_options)
            .unwrap_or_else(|e| panic!("{e}"))
            .fields()
            .len(),
        64
    );
    ProtoSchema::build(&schema, &options).unwrap_or_else(|e| panic!("{e}"));

    let mut g = c.benchmark_group("schema 100 columns");
    g.throughput(Throughput::Elements(1));
    g.bench_function("baseline: serde_json → Value", |b| {
        b.iter(|| black_box(serde_json::from_str::<serde_json::Value>(black_box(&text))))
    });
    g.bench_function("TableSchema::from_json", |b| {
        b.iter(|| black_box(TableSchema::from_json(black_box(&text))))
    });
    g.bench_function("ProtoSchema::build", |b| {
        b.iter(|| black_box(ProtoSchema::build(black_box(&schema), &options)))
    });
    g.bench_function("Plan::compile", |b| {
        b.iter(|| black_box(Plan::compile(black_box(&schema), WalkOptions::new())))
    });
    g.bench_function("to_arrow_schema", |b| {
        b.iter(|| black_box(to_arrow_schema(black_box(&plan), &arrow_options)))
    });
    g.bench_function("ProtoWriter::new", |b| {
        b.iter(|| {
            black_box(ProtoWriter::new(
                black_box(&schema),
                options.clone(),
                WalkOptions::new(),
            ))
        })
    });
    g.bench_function("JSON → ProtoWriter", |b| {
        b.iter(|| {
            let s = TableSchema::from_json(black_box(&text)).unwrap_or_else(|e| panic!("{e}"));
            black_box(ProtoWriter::new(&s, options.clone(), WalkOptions::new()))
        })
    });
    g.finish();
}

criterion_group!(schema, benches);
criterion_main!(schema);
