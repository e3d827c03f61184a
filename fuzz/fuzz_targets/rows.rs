//! The row walk, the proto sink and the proto decoder on arbitrary NDJSON
//! against a schema with every type, in both profiles: no panic; the sink's
//! rows match the walk's count; every encoded row decodes, and re-encoding
//! the decoded JSON gives the same bytes; and the lines walked together
//! give the rows and errors of the same lines walked one by one (what the
//! walker learns from earlier rows — separators, key order, JSON column
//! layouts — never changes a row's outcome).
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
        let mut alone_rows = Vec::new();
        let mut alone_errors = Vec::new();
        let mut first_row = 0;
        for line in data.split(|&b| b == b'\n') {
            let (r, o) = writer.encode_ndjson(line, first_row);
            first_row += o.rows;
            alone_rows.extend(r.iter().map(<[u8]>::to_vec));
            alone_errors.extend(o.errors.iter().map(ToString::to_string));
        }
        let together_rows: Vec<Vec<u8>> = rows.iter().map(<[u8]>::to_vec).collect();
        let together_errors: Vec<String> = outcome.errors.iter().map(ToString::to_string).collect();
        assert_eq!(together_rows, alone_rows, "rows differ walked together and alone");
        assert_eq!(together_errors, alone_errors, "errors differ walked together and alone");
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
