//! One workload of the head-to-head benchmarks, run five times, for an
//! instruction counter: `valgrind --tool=callgrind target/release/count
//! bench10|nested30 WORKLOAD` with WORKLOAD one of bqcodec (proto rows), native (proto rows
//! from the native NDJSON the bigquery crate reads),
//! walk (the row walk, no sink), arrow (record batches), arrowjson
//! (bench10 only), bigquery, ignored (serde_json IgnoredAny) or none.
//! Subtract the `none` run (data generation) from the others; the counts do
//! not depend on the machine's load, unlike criterion's times. A third
//! argument `time` instead prints the best wall time of 200 runs per row.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

#[path = "../../../support/arrow_json.rs"]
mod arrow_json_baseline;
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
    let (which, what, timed) = match args.as_slice() {
        [_, which, what] => (which.as_str(), what.as_str(), false),
        [_, which, what, t] if t == "time" => (which.as_str(), what.as_str(), true),
        _ => panic!(
            "usage: count bench10|nested30 bqcodec|walk|arrow|arrowjson|bigquery|ignored|none [time]"
        ),
    };
    let (schema_json, (canon, native)) = match which {
        "bench10" => (rows::BENCH10_SCHEMA, rows::bench10(5_000)),
        "nested30" => (rows::NESTED30_SCHEMA, rows::nested30(2_000)),
        other => panic!("unknown data set {other}"),
    };
    // COUNT_SCHEMA: another schema file for the same rows (experiments).
    let schema_text = std::env::var("COUNT_SCHEMA").map(|p| std::fs::read_to_string(p).unwrap());
    let schema = TableSchema::from_json(schema_text.as_deref().unwrap_or(schema_json)).unwrap();
    let writer =
        ProtoWriter::new(&schema, DescriptorOptions::default(), WalkOptions::new()).unwrap();
    let mut codec = BigQueryWriteCodecBench::new(&their_schema(&schema));
    let mut total = 0usize;
    // `time`: the best of 200 runs of one pass, in nanoseconds per row (a
    // quick wall-clock reading between criterion runs).
    let runs = if timed { 200 } else { 5 };
    let mut best = u128::MAX;
    for _ in 0..runs {
        let started = std::time::Instant::now();
        total += match what {
            "none" => 0,
            "ignored" => ignored_any(black_box(&canon)),
            "bqcodec" => writer
                .encode_ndjson(black_box(canon.as_bytes()), 0)
                .0
                .byte_len(),
            "native" => writer
                .encode_ndjson(black_box(native.as_bytes()), 0)
                .0
                .byte_len(),
            "walk" => {
                let mut walker = bqcodec::plan::Walker::new(writer.plan());
                let mut sink = NoSink(0);
                walker.walk_ndjson(black_box(canon.as_bytes()), 0, &mut sink);
                sink.0
            }
            "arrow" => {
                let mut w = bqcodec::arrow::ArrowWriter::new(writer.plan())
                    .unwrap()
                    .with_max_rows(arrow_json_baseline::BATCH_ROWS);
                w.push_ndjson(black_box(canon.as_bytes()));
                w.finish().unwrap().iter().map(|b| b.num_rows()).sum()
            }
            "arrowjson" if which == "bench10" => arrow_json_baseline::arrow_json(
                &arrow_json_baseline::arrow_json_schema(),
                black_box(canon.as_bytes()),
            ),
            "bigquery" if which == "bench10" => {
                theirs_from_ndjson::<Bench10Row>(&mut codec, black_box(&native))
            }
            "bigquery" => theirs_from_ndjson::<serde_json::Value>(&mut codec, black_box(&native)),
            other => panic!("unknown workload {other}"),
        };
        best = best.min(started.elapsed().as_nanos());
    }
    if timed {
        let rows = canon.lines().count() as u128;
        println!(
            "{which} {what}: {:.1} ns/row (best of {runs})",
            best as f64 / rows as f64
        );
    } else {
        println!("{total}");
    }
}

/// A sink that keeps nothing: the walk's own cost (`walk` workload).
struct NoSink(usize);

impl bqcodec::plan::Sink for NoSink {
    fn begin_row(&mut self, _: usize) {}
    fn end_row(&mut self) {
        self.0 += 1;
    }
    fn abort_row(&mut self) {}
    fn leaf(
        &mut self,
        _: &bqcodec::plan::PlanField,
        v: bqcodec::value::Scalar<'_>,
    ) -> Result<(), bqcodec::ValueError> {
        black_box(v);
        Ok(())
    }
    fn null(&mut self, _: &bqcodec::plan::PlanField) {}
    fn begin_record(&mut self, _: &bqcodec::plan::PlanField) {}
    fn end_record(&mut self, _: &bqcodec::plan::PlanField) {}
    fn begin_list(&mut self, _: &bqcodec::plan::PlanField) {}
    fn end_list(&mut self, _: &bqcodec::plan::PlanField) {}
}
