//! Rows → Bigtable cells (src/bigtable/), with `bigtable_options` from the
//! input too. The first line is read as `bigtable_options` JSON, the rest
//! as NDJSON rows of a fixed query result (row key, TEXT and BINARY
//! families, a standalone column, a JSON column, `_CHANGE_TIMESTAMP`):
//! - no panic; options that parse survive their Python-dict JSON round
//!   trip; a writer is built or refused with a schema error;
//! - every input row is written (with a row key or skipped for a NULL one)
//!   or rejected with an error naming it; rows are counted once;
//! - the whole-input and one-row-at-a-time paths agree row by row;
//! - every row the protobuf walk of the same columns rejects is rejected
//!   here too (the Bigtable writer checks more: unknown keys, the change
//!   timestamp, and the export's value rules);
//! - cells: families among the layout's, timestamps multiples of 1000 µs,
//!   BINARY INT64 members of the STRUCT families 8 bytes, BINARY BOOL
//!   members one byte 0 or 1.
#![no_main]

use std::sync::OnceLock;

use bqcodec::TableSchema;
use bqcodec::bigtable::{
    BigtableOptions, BigtableWriter, CellOptions, Encoding, Mutation, result_schema_from_json,
    split_change_timestamp,
};
use bqcodec::plan::{UnknownKeys, WalkOptions};
use bqcodec::proto::{DescriptorOptions, ProtoWriter};
use libfuzzer_sys::fuzz_target;

const RESULT: &str = r#"[
  {"name": "rowkey", "type": "STRING"},
  {"name": "t", "type": "RECORD", "fields": [
    {"name": "n", "type": "INT64"}, {"name": "f", "type": "FLOAT64"},
    {"name": "b", "type": "BOOL"}, {"name": "s", "type": "STRING"},
    {"name": "by", "type": "BYTES"}]},
  {"name": "bin", "type": "RECORD", "fields": [
    {"name": "n", "type": "INT64"}, {"name": "b", "type": "BOOL"},
    {"name": "f", "type": "FLOAT64"}]},
  {"name": "solo", "type": "INT64"},
  {"name": "j", "type": "JSON"},
  {"name": "_CHANGE_TIMESTAMP", "type": "TIMESTAMP"}
]"#;

const OPTIONS: &str = r#"{"columnFamilies": [{"familyId": "bin", "encoding": "BINARY"}]}"#;

struct Fixed {
    schema: TableSchema,
    writers: Vec<(BigtableWriter, Option<BigtableOptions>)>,
    proto: ProtoWriter,
}

fn fixed() -> &'static Fixed {
    static F: OnceLock<Fixed> = OnceLock::new();
    F.get_or_init(|| {
        let schema = result_schema_from_json(RESULT).unwrap_or_else(|e| panic!("{e}"));
        let options = BigtableOptions::from_json(OPTIONS).unwrap_or_else(|e| panic!("{e}"));
        let writers = [
            (Some(options.clone()), CellOptions::new()),
            (
                None,
                CellOptions::new().with_default_encoding(Encoding::Binary),
            ),
            (
                Some(options),
                CellOptions::new().with_truncate_to_millis(true),
            ),
        ]
        .into_iter()
        .map(|(o, cell)| {
            let w = BigtableWriter::new(&schema, WalkOptions::new(), o.as_ref(), cell)
                .unwrap_or_else(|e| panic!("{e}"));
            (w, o)
        })
        .collect();
        // The same columns without `_CHANGE_TIMESTAMP`, for the protobuf walk.
        let (data, _) = split_change_timestamp(&schema).unwrap_or_else(|e| panic!("{e}"));
        let proto = ProtoWriter::new(
            &data,
            DescriptorOptions::default(),
            WalkOptions::new().with_unknown_keys(UnknownKeys::Ignore),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        Fixed {
            schema,
            writers,
            proto,
        }
    })
}

fn family_encoding(options: Option<&BigtableOptions>, cell: CellOptions, family: &str) -> Encoding {
    options
        .and_then(|o| o.family(family))
        .and_then(|f| f.encoding)
        .unwrap_or(cell.default_encoding)
}

fuzz_target!(|data: &[u8]| {
    let f = fixed();
    let split = data.iter().position(|&b| b == b'\n').unwrap_or(data.len());
    let (first, rows) = data.split_at(split);

    // The options line: parsed, round-tripped, and tried on the schema.
    if let Ok(text) = std::str::from_utf8(first) {
        if let Ok(options) = BigtableOptions::from_json(text) {
            let again = BigtableOptions::from_json(&options.to_python_json()).unwrap_or_else(|e| {
                panic!(
                    "options do not read back: {e}: {}",
                    options.to_python_json()
                )
            });
            assert_eq!(again, options, "options changed through their JSON");
            let _ = BigtableWriter::new(
                &f.schema,
                WalkOptions::new(),
                Some(&options),
                CellOptions::new(),
            );
        }
    }

    let (_, proto_out) = f.proto.encode_ndjson(rows, 0);
    for (writer, options) in &f.writers {
        let (out, outcome) = writer.encode_ndjson(rows, 0);
        assert_eq!(outcome.written + outcome.errors.len(), outcome.rows);
        assert_eq!(out.rows.len() + out.skipped.len(), outcome.written);
        assert_eq!(
            outcome.rows, proto_out.rows,
            "the two walks count rows differently"
        );
        for e in &proto_out.errors {
            assert!(
                outcome.errors.iter().any(|b| b.row == e.row),
                "row {} is rejected by the proto walk ({e}) but not here",
                e.row
            );
        }
        let families: Vec<&str> = writer.layout().family_names().collect();
        let cell = writer.layout().cell_options();
        for row in &out.rows {
            for m in &row.mutations {
                match m {
                    Mutation::SetCell {
                        family,
                        qualifier,
                        timestamp_micros,
                        value,
                    } => {
                        assert!(
                            families.contains(&family.as_str()),
                            "unknown family {family}"
                        );
                        assert_eq!(timestamp_micros % 1000, 0, "timestamp not in whole ms");
                        // Only the STRUCT families have typed members `n`
                        // (INT64) and `b` (BOOL); a JSON family's members
                        // are JSON values, whatever their names.
                        if matches!(family.as_str(), "t" | "bin")
                            && family_encoding(options.as_ref(), cell, family) == Encoding::Binary
                        {
                            match qualifier.as_slice() {
                                b"n" => assert_eq!(value.len(), 8, "BINARY INT64 not 8 bytes"),
                                b"b" => assert!(
                                    value == b"\x00" || value == b"\x01",
                                    "BINARY BOOL {value:?}"
                                ),
                                _ => {}
                            }
                        }
                    }
                    Mutation::DeleteCell {
                        family,
                        timestamp_micros,
                        ..
                    } => {
                        assert!(families.contains(&family.as_str()));
                        assert_eq!(timestamp_micros % 1000, 0);
                    }
                    Mutation::DeleteFamily { family } => {
                        assert!(families.contains(&family.as_str()))
                    }
                    _ => {}
                }
            }
        }
        // One row at a time: the same rows, skips and errors.
        let mut k = 0;
        let mut index = 0;
        for line in rows.split(|&b| b == b'\n') {
            if line
                .iter()
                .all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
            {
                continue;
            }
            match writer.encode_json(line, index) {
                Ok(Some(row)) => {
                    assert_eq!(
                        out.rows.get(k),
                        Some(&row),
                        "row {index} differs one at a time"
                    );
                    k += 1;
                }
                Ok(None) => assert!(
                    out.skipped.contains(&index),
                    "row {index} skipped only one at a time"
                ),
                Err(e) => assert!(
                    outcome.errors.contains(&e),
                    "row {index} fails only one at a time: {e}"
                ),
            }
            index += 1;
        }
        assert_eq!(k, out.rows.len());
    }
});
