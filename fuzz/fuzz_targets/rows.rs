//! The row walk and the proto sink on arbitrary NDJSON against a schema with
//! every type: no panic, and the sink's row count matches the walk's.
#![no_main]
use bqcodec::TableSchema;
use bqcodec::plan::{Plan, WalkOptions};
use bqcodec::proto::{Profile, wire::{ProtoEncoder, ProtoSink}};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

static SCHEMA: &str = include_str!("../../schemas/all_types.schema.json");

fn plan() -> &'static Plan {
    static PLAN: OnceLock<Plan> = OnceLock::new();
    PLAN.get_or_init(|| {
        let schema = TableSchema::from_json(SCHEMA).unwrap_or_default();
        Plan::compile(&schema, WalkOptions::new()).unwrap_or_else(|e| panic!("{e}"))
    })
}

fuzz_target!(|data: &[u8]| {
    let plan = plan();
    for profile in [Profile::Exact, Profile::Text] {
        let enc = ProtoEncoder::new(plan, profile);
        let mut sink = ProtoSink::new(&enc);
        let mut walker = bqcodec::plan::Walker::new(plan);
        let outcome = walker.walk_ndjson(data, 0, &mut sink);
        assert_eq!(sink.rows().len(), outcome.written);
        assert_eq!(outcome.written + outcome.errors.len(), outcome.rows);
    }
});
