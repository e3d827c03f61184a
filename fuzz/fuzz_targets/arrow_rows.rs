//! NDJSON → Arrow (`ArrowWriter`) → canonical JSON (`decode_batch`, the IPC
//! messages, the IPC stream), next to the protobuf path on the same input:
//! - no panic; every row is either written or reported, once;
//! - batches hold exactly the written rows, cut at the row and byte limits;
//! - Arrow and proto accept and reject the same rows (same error), except
//!   the Arrow-only rejections (`common::arrow_only`);
//! - a row's Arrow round trip gives the same canonical JSON as its protobuf
//!   round trip (src/arrow/decode.rs: "an Arrow round trip and a protobuf
//!   round trip of the same rows give the same text");
//! - encode → decode → encode: the decoded rows, pushed again, give equal
//!   batches.
#![no_main]

#[path = "common/mod.rs"]
mod common;

use std::sync::OnceLock;

use bqcodec::arrow::{ArrowWriter, DecimalMapping, PicosMapping, SchemaOptions};
use bqcodec::plan::{Plan, WalkOptions};
use bqcodec::proto::{DescriptorOptions, ProtoWriter};
use libfuzzer_sys::fuzz_target;

struct Config {
    plan: Plan,
    options: SchemaOptions,
    proto: ProtoWriter,
    max_rows: usize,
    max_bytes: usize,
}

fn configs() -> &'static [Config] {
    static C: OnceLock<Vec<Config>> = OnceLock::new();
    C.get_or_init(|| {
        let make = |json: &str, options: SchemaOptions, max_rows: usize, max_bytes: usize| {
            let schema = common::schema(json);
            let plan = Plan::compile(&schema, WalkOptions::new()).unwrap_or_else(|e| panic!("{e}"));
            let proto = ProtoWriter::new(&schema, DescriptorOptions::default(), WalkOptions::new())
                .unwrap_or_else(|e| panic!("{e}"));
            Config {
                plan,
                options,
                proto,
                max_rows,
                max_bytes,
            }
        };
        vec![
            // Default mapping; small batches, by rows and by bytes (1 KiB is the floor).
            make(common::ALL_TYPES, SchemaOptions::new(), 2, 1024),
            make(
                common::PARAMS,
                SchemaOptions::new()
                    .with_decimals(DecimalMapping::Declared)
                    .with_picos(PicosMapping::Nanos),
                3,
                bqcodec::arrow::DEFAULT_MAX_BYTES,
            ),
            make(
                common::PARAMS,
                SchemaOptions::new().with_picos(PicosMapping::Text),
                1000,
                1024,
            ),
        ]
    })
}

fuzz_target!(|data: &[u8]| {
    for c in configs() {
        let new_writer = || {
            ArrowWriter::with_options(&c.plan, &c.options)
                .unwrap_or_else(|e| panic!("{e}"))
                .with_max_rows(c.max_rows)
                .with_max_bytes(c.max_bytes)
        };
        let mut w = new_writer();
        let out = w.push_ndjson(data);
        assert_eq!(out.written + out.errors.len(), out.rows);
        let batches = w.finish_batches().unwrap_or_else(|e| panic!("finish: {e}"));
        let total: usize = batches.iter().map(|b| b.batch.num_rows()).sum();
        assert_eq!(total, out.written, "batches do not hold the written rows");
        for b in &batches {
            assert!(
                b.batch.num_rows() <= c.max_rows,
                "a batch over the row limit"
            );
        }

        let (prows, pout) = c.proto.encode_ndjson(data, 0);
        common::same_verdicts(out.rows, &pout, &out);

        let arrow_json = common::decode_arrow(&c.plan, &batches);
        let proto_json = common::proto_round_trip(&c.proto, &prows);
        for (row, json) in &arrow_json {
            assert_eq!(
                Some(json),
                proto_json.get(row),
                "row {row}: Arrow and proto round trips differ"
            );
        }

        // encode → decode → encode: equal batches.
        let mut w2 = new_writer();
        for json in arrow_json.values() {
            w2.push_json(json.as_bytes())
                .unwrap_or_else(|e| panic!("decoded row {json} does not encode again: {e}"));
        }
        let again = w2
            .finish_batches()
            .unwrap_or_else(|e| panic!("finish: {e}"));
        let a: Vec<_> = batches.iter().map(|b| &b.batch).collect();
        let b: Vec<_> = again.iter().map(|b| &b.batch).collect();
        assert_eq!(a, b, "encode → decode → encode changed the batches");
    }
});
