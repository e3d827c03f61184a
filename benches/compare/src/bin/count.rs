//! One workload of the head-to-head benchmark, run five times, for an
//! instruction counter: `valgrind --tool=callgrind target/release/count
//! bench10|nested30 bqcodec|bigquery|ignored|none`. Subtract the `none` run
//! (data generation) from the others; the counts do not depend on the
//! machine's load, unlike criterion's times.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

#[path = "../../../support/rows.rs"]
mod rows;
#[path = "../workloads.rs"]
mod workloads;

use bigquery::BigQueryWriteCodecBench;
use bqcodec::proto::{DescriptorOptions, ProtoWriter};
use bqcodec::{TableSchema, plan::WalkOptions};
use std::hint::black_box;
use workloads::{Bench10Row, ignored_any, their_schema, theirs_from_ndjson};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (which, what) = match args.as_slice() {
        [_, which, what] => (which.as_str(), what.as_str()),
        _ => panic!("usage: count bench10|nested30 bqcodec|bigquery|ignored|none"),
    };
    let (schema_json, (canon, native)) = match which {
        "bench10" => (rows::BENCH10_SCHEMA, rows::bench10(5_000)),
        "nested30" => (rows::NESTED30_SCHEMA, rows::nested30(2_000)),
        other => panic!("unknown data set {other}"),
    };
    let schema = TableSchema::from_json(schema_json).unwrap();
    let writer =
        ProtoWriter::new(&schema, DescriptorOptions::default(), WalkOptions::new()).unwrap();
    let mut codec = BigQueryWriteCodecBench::new(&their_schema(&schema));
    let mut total = 0usize;
    for _ in 0..5 {
        total += match what {
            "none" => 0,
            "ignored" => ignored_any(black_box(&canon)),
            "bqcodec" => writer
                .encode_ndjson(black_box(canon.as_bytes()), 0)
                .0
                .byte_len(),
            "bigquery" if which == "bench10" => {
                theirs_from_ndjson::<Bench10Row>(&mut codec, black_box(&native))
            }
            "bigquery" => theirs_from_ndjson::<serde_json::Value>(&mut codec, black_box(&native)),
            other => panic!("unknown workload {other}"),
        };
    }
    println!("{total}");
}
