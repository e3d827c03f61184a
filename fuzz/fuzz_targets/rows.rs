//! The row walk, the proto sink and the proto decoder on arbitrary NDJSON
//! against a schema with every type, in both profiles: no panic; the sink's
//! rows match the walk's count; every encoded row decodes, and re-encoding
//! the decoded JSON gives the same bytes.
#![no_main]
use bqcodec::TableSchema;
use bqcodec::plan::WalkOptions;
use bqcodec::proto::{DescriptorOptions, Profile, ProtoWriter};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

static SCHEMA: &str = include_str!("../../schemas/all_types.schema.json");

fn writers() -> &'static [ProtoWriter; 2] {
    static W: OnceLock<[ProtoWriter; 2]> = OnceLock::new();
    W.get_or_init(|| {
        let schema = TableSchema::from_json(SCHEMA).unwrap_or_else(|e| panic!("{e}"));
        let w = |p| {
            ProtoWriter::new(
                &schema,
                DescriptorOptions::default().with_profile(p),
                WalkOptions::new(),
            )
            .unwrap_or_else(|e| panic!("{e}"))
        };
        [w(Profile::Exact), w(Profile::Text)]
    })
}

fuzz_target!(|data: &[u8]| {
    for writer in writers() {
        let (rows, outcome) = writer.encode_ndjson(data, 0);
        assert_eq!(rows.len(), outcome.written);
        assert_eq!(outcome.written + outcome.errors.len(), outcome.rows);
        for row in rows.iter() {
            let json = writer
                .decode(row)
                .unwrap_or_else(|e| panic!("our own row does not decode: {e}"));
            let again = writer
                .encode_json(json.as_bytes(), 0)
                .unwrap_or_else(|e| panic!("decoded row {json} does not encode: {e}"));
            assert_eq!(
                again, row,
                "encode → decode → encode changed the bytes of {json}"
            );
        }
    }
});
