//! NDJSON → insertAll row objects and request bodies (src/insert_all/),
//! next to the protobuf path on the same input:
//! - no panic; the insertAll walk accepts and rejects exactly the rows the
//!   proto walk does, with the same errors (same walk, and no sink error);
//! - every row object is a JSON object, and read back through the row walk
//!   it gives the same row object (the insertAll forms are accepted input
//!   forms of the same values) and the same proto bytes as the original row;
//! - request bodies are JSON of the documented shape, within the row and
//!   byte limits, holding every written row once, in order, unless it is
//!   reported as too large; a content-hash insertId is 64 hex digits, a
//!   key-column insertId the column's canonical text;
//! - the input, read as an insertAll response body for the request made,
//!   is parsed or rejected with an error, and failures name input rows of
//!   that request.
#![no_main]

#[path = "common/mod.rs"]
mod common;

use std::sync::OnceLock;

use bqcodec::insert_all::{
    BatchLimits, InsertAllOptions, InsertAllRequest, InsertAllWriter, InsertIds, parse_response,
};
use bqcodec::plan::WalkOptions;
use bqcodec::proto::{DescriptorOptions, ProtoWriter};
use libfuzzer_sys::fuzz_target;

struct Config {
    writer: InsertAllWriter,
    proto: ProtoWriter,
    limits: BatchLimits,
}

fn configs() -> &'static [Config] {
    static C: OnceLock<Vec<Config>> = OnceLock::new();
    C.get_or_init(|| {
        let make = |json: &str, ids: InsertIds, rows: usize, bytes: usize| {
            let schema = common::schema(json);
            let limits = BatchLimits::new()
                .with_max_rows(rows)
                .and_then(|l| l.with_max_bytes(bytes))
                .unwrap_or_else(|e| panic!("{e}"));
            let options = InsertAllOptions::new().with_limits(limits);
            let writer = InsertAllWriter::new(&schema, WalkOptions::new(), ids, options)
                .unwrap_or_else(|e| panic!("{e}"));
            let proto = ProtoWriter::new(&schema, DescriptorOptions::default(), WalkOptions::new())
                .unwrap_or_else(|e| panic!("{e}"));
            Config {
                writer,
                proto,
                limits,
            }
        };
        vec![
            make(common::ALL_TYPES, InsertIds::ContentHash, 2, 600),
            make(
                common::ALL_TYPES,
                InsertIds::Column("i".into()),
                500,
                9 * 1024 * 1024,
            ),
            make(common::PARAMS, InsertIds::None, 3, 256),
        ]
    })
}

fn check_body(req: &InsertAllRequest, limits: &BatchLimits, ids: &InsertIds) {
    assert!(req.len() <= limits.max_rows, "a body over the row limit");
    assert!(
        req.body().len() <= limits.max_bytes,
        "a body over the byte limit"
    );
    let v: serde_json::Value = serde_json::from_str(req.body())
        .unwrap_or_else(|e| panic!("body is not JSON: {e}: {}", req.body()));
    assert_eq!(v["kind"], "bigquery#tableDataInsertAllRequest");
    let rows = v["rows"]
        .as_array()
        .unwrap_or_else(|| panic!("no rows: {}", req.body()));
    assert_eq!(rows.len(), req.len());
    for (i, r) in rows.iter().enumerate() {
        assert!(r["json"].is_object(), "row {i} has no json object");
        match ids {
            InsertIds::None => assert!(r.get("insertId").is_none()),
            _ => assert_eq!(r["insertId"].as_str(), req.insert_id(i)),
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let mut last_request = None;
    for c in configs() {
        let (rows, out) = c.writer.encode_rows_ndjson(data, 0);
        assert_eq!(rows.len(), out.written);
        assert_eq!(out.written + out.errors.len(), out.rows);
        let (prows, pout) = c.proto.encode_ndjson(data, 0);
        assert_eq!(pout.rows, out.rows);
        // A NULL key column would be an insertAll-only rejection; "i" is REQUIRED.
        assert_eq!(
            pout.errors, out.errors,
            "insertAll and proto reject differently"
        );
        let proto_json = common::proto_round_trip(&c.proto, &prows);

        let mut proto_by_row = std::collections::BTreeMap::new();
        for i in 0..prows.len() {
            if let (Some(b), Some(r)) = (prows.row(i), prows.input_row(i)) {
                proto_by_row.insert(r, b.to_vec());
            }
        }
        for i in 0..rows.len() {
            let (Some(text), Some(input)) = (rows.row(i), rows.input_row(i)) else {
                panic!("InsertAllRows row {i} missing");
            };
            let v: serde_json::Value = serde_json::from_str(text)
                .unwrap_or_else(|e| panic!("row object is not JSON: {e}: {text}"));
            assert!(v.is_object());
            let (again, id) = c
                .writer
                .encode_json(text.as_bytes(), input)
                .unwrap_or_else(|e| panic!("insertAll row {text} does not walk again: {e}"));
            assert_eq!(again, text, "insertAll row changed on a second walk");
            assert_eq!(id.as_deref(), rows.insert_id(i));
            match (c.writer.encoder().insert_ids(), &id) {
                (InsertIds::None, None) => {}
                (InsertIds::ContentHash, Some(h)) => assert!(
                    h.len() == 64
                        && h.bytes()
                            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)),
                    "content hash {h:?} is not SHA-256 hex"
                ),
                (InsertIds::Column(_), Some(k)) => assert_eq!(
                    v["i"].as_str(),
                    Some(k.as_str()),
                    "the key column's insertId is not its canonical text"
                ),
                (ids, id) => panic!("insertId {id:?} under {ids:?}"),
            }
            let bytes = c
                .proto
                .encode_json(text.as_bytes(), input)
                .unwrap_or_else(|e| panic!("insertAll row {text} does not encode as proto: {e}"));
            assert_eq!(
                Some(&bytes),
                proto_by_row.get(&input),
                "insertAll row {text} encodes to other proto bytes than its input (canonical {:?})",
                proto_json.get(&input)
            );
        }

        let (bodies, too_large) = c.writer.requests(&rows);
        let mut seen = Vec::new();
        for req in &bodies {
            check_body(req, &c.limits, c.writer.encoder().insert_ids());
            seen.extend_from_slice(req.input_rows());
        }
        let mut expected: Vec<usize> = (0..rows.len()).filter_map(|i| rows.input_row(i)).collect();
        expected.retain(|r| !too_large.iter().any(|e| e.row == *r));
        assert_eq!(
            seen, expected,
            "bodies do not hold the written rows in order"
        );
        last_request = bodies.into_iter().last().or(last_request);
    }

    if let (Ok(text), Some(req)) = (std::str::from_utf8(data), last_request) {
        if let Ok(failures) = parse_response(text, &req) {
            for f in failures {
                assert!(
                    req.input_rows().contains(&f.input_row),
                    "failure names a row not sent"
                );
            }
        }
    }
});
