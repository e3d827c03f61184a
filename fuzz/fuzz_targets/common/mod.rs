//! Shared by the targets: the fixed schemas, the documented differences
//! between the encoders, and the cross-checks of one row through several
//! paths. Included with `#[path]`, so each target uses what it needs.
#![allow(dead_code)]

use std::collections::BTreeMap;

use bqcodec::arrow::{ArrowBatch, decode_batch, decode_ipc_stream, decode_messages, ipc};
use bqcodec::plan::{Plan, RowOutcome};
use bqcodec::proto::{ProtoWriter, wire::ProtoRows};
use bqcodec::{RowError, TableSchema, ValueError};

/// Every type, mode and nesting (the schema the `rows` target uses too).
pub const ALL_TYPES: &str = include_str!("../../../schemas/all_types.schema.json");

/// Parameterized types: declared precision/scale, lengths, picoseconds.
pub const PARAMS: &str = r#"[
  {"name": "n", "type": "NUMERIC", "precision": "10", "scale": "2"},
  {"name": "n5", "type": "NUMERIC", "precision": "5"},
  {"name": "bn", "type": "BIGNUMERIC", "precision": "40", "scale": "38"},
  {"name": "s", "type": "STRING", "maxLength": "3"},
  {"name": "by", "type": "BYTES", "maxLength": "2"},
  {"name": "tp", "type": "TIMESTAMP", "timestampPrecision": "12"},
  {"name": "rtp", "type": "TIMESTAMP", "mode": "REPEATED", "timestampPrecision": "12"},
  {"name": "iv", "type": "INTERVAL", "mode": "REQUIRED"}
]"#;

/// A built-in schema; a failure is a bug in the target.
pub fn schema(json: &str) -> TableSchema {
    TableSchema::from_json(json).unwrap_or_else(|e| panic!("built-in schema: {e}"))
}

/// A rejection only the Arrow path makes, by design (README "Arrow";
/// src/arrow/sink.rs): an INTERVAL whose time part does not fit Arrow's
/// month-day-nano i64 nanoseconds, a TIMESTAMP(12) mapped to nanoseconds
/// that has sub-nanosecond digits or lies outside the i64 nanosecond range,
/// a BIGNUMERIC with 39 integer digits (BigQuery's range reaches
/// 5.7…e38, `Decimal256(76, 38)` holds 38 integer digits; fuzz finding 3:
/// not in the README), and a row larger than the batch byte limit.
pub fn arrow_only(e: &ValueError) -> bool {
    match e {
        ValueError::OutOfRange { expected, .. } => {
            expected.contains("month-day-nano")
                || expected.contains("Arrow nanoseconds")
                || expected.contains("fits Arrow Decimal256(76, 38)")
        }
        ValueError::Invalid { expected, .. } => expected.contains("maps to Arrow nanoseconds"),
        ValueError::TooLong { unit, .. } => unit.contains("Arrow batch"),
        _ => false,
    }
}

/// Whether to skip the known findings that are reported but not fixed yet
/// (so a campaign goes on past them); `BQCODEC_FUZZ_ALL=1` stops skipping.
/// Each skip names its finding (tests/fuzz_regressions.rs); remove it when
/// the finding is fixed.
pub fn skip_known() -> bool {
    static SKIP: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *SKIP.get_or_init(|| std::env::var_os("BQCODEC_FUZZ_ALL").is_none())
}

/// Row index → error, for an outcome.
pub fn errors_by_row(out: &RowOutcome) -> BTreeMap<usize, &RowError> {
    let mut m = BTreeMap::new();
    for e in &out.errors {
        assert!(m.insert(e.row, e).is_none(), "two errors for row {}", e.row);
    }
    m
}

/// The Arrow path and the protobuf path walked the same input: the same
/// rows must be accepted and rejected with the same error, except the
/// Arrow-only rejections.
pub fn same_verdicts(rows: usize, proto: &RowOutcome, arrow: &RowOutcome) {
    assert_eq!(proto.rows, rows);
    assert_eq!(arrow.rows, rows);
    let pe = errors_by_row(proto);
    let ae = errors_by_row(arrow);
    for r in 0..rows {
        match (pe.get(&r), ae.get(&r)) {
            (None, None) => {}
            (Some(p), Some(a)) => {
                if !arrow_only(&a.error) {
                    assert_eq!(p, a, "row {r}: proto and Arrow reject differently");
                }
            }
            (None, Some(a)) => assert!(
                arrow_only(&a.error),
                "row {r}: Arrow rejects a row proto accepts: {a}"
            ),
            (Some(p), None) => panic!("row {r}: proto rejects a row Arrow accepts: {p}"),
        }
    }
}

/// Decodes Arrow batches to canonical JSON rows by input row index, checking
/// that the IPC messages and the IPC stream decode to the same rows.
pub fn decode_arrow(plan: &Plan, batches: &[ArrowBatch]) -> BTreeMap<usize, String> {
    let mut by_row = BTreeMap::new();
    let mut all = Vec::new();
    for b in batches {
        let rows = decode_batch(plan, &b.batch)
            .unwrap_or_else(|e| panic!("our own Arrow batch does not decode: {e}"));
        assert_eq!(rows.len(), b.input_rows.len());
        let schema_msg = ipc::serialize_schema(b.batch.schema_ref())
            .unwrap_or_else(|e| panic!("schema message: {e}"));
        let batch_msg =
            ipc::serialize_record_batch(&b.batch).unwrap_or_else(|e| panic!("batch message: {e}"));
        let again = decode_messages(plan, &schema_msg, &batch_msg)
            .unwrap_or_else(|e| panic!("our own IPC messages do not decode: {e}"));
        assert_eq!(
            again, rows,
            "IPC messages decode differently from the batch"
        );
        for (row, json) in b.input_rows.iter().zip(&rows) {
            assert!(
                by_row.insert(*row, json.clone()).is_none(),
                "input row {row} twice"
            );
        }
        all.extend(rows);
    }
    if let Some(first) = batches.first() {
        let all_batches: Vec<_> = batches.iter().map(|b| b.batch.clone()).collect();
        let stream = ipc::ipc_stream(first.batch.schema_ref(), &all_batches)
            .unwrap_or_else(|e| panic!("IPC stream: {e}"));
        let again = decode_ipc_stream(plan, &stream)
            .unwrap_or_else(|e| panic!("our own IPC stream does not decode: {e}"));
        assert_eq!(
            again, all,
            "IPC stream decodes differently from the batches"
        );
    }
    by_row
}

/// Every proto row decodes; re-encoding the decoded JSON gives the same
/// bytes (the encoder writes canonical bytes: README "Proto output is
/// canonical"). Returns input row index → decoded JSON.
pub fn proto_round_trip(writer: &ProtoWriter, rows: &ProtoRows) -> BTreeMap<usize, String> {
    let mut by_row = BTreeMap::new();
    for i in 0..rows.len() {
        let (Some(bytes), Some(input)) = (rows.row(i), rows.input_row(i)) else {
            panic!("ProtoRows row {i} missing");
        };
        let json = writer
            .decode(bytes)
            .unwrap_or_else(|e| panic!("our own proto row does not decode: {e}"));
        let again = writer
            .encode_json(json.as_bytes(), input)
            .unwrap_or_else(|e| panic!("decoded row {json} does not encode: {e}"));
        assert_eq!(
            again, bytes,
            "encode → decode → encode changed the bytes of {json}"
        );
        by_row.insert(input, json);
    }
    by_row
}
