//! Regression tests for what the fuzz targets (fuzz/, `fuzz/run.sh`) found:
//! each feeds the (minimized) input of one finding to the library call the
//! target made and asserts the typed error or the right value. A finding not
//! fixed yet is `#[ignore = "fuzz finding N: not fixed yet"]`; the targets
//! skip it (`BQCODEC_FUZZ_ALL=1` stops skipping) until it is fixed.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use bqcodec::plan::WalkOptions;
use bqcodec::proto::{DescriptorOptions, ProtoWriter};
use bqcodec::value::numeric::{DecimalParams, Numeric, Rounding};
use bqcodec::value::{Codec, Form, Policy};
use bqcodec::{TableSchema, ValueError};

/// The parameterized schema of the `arrow_rows`, `insert_all_rows`,
/// `proto_decode` and `arrow_ipc` targets (fuzz/fuzz_targets/common/mod.rs).
const PARAMS: &str = r#"[
  {"name": "n", "type": "NUMERIC", "precision": "10", "scale": "2"},
  {"name": "n5", "type": "NUMERIC", "precision": "5"},
  {"name": "bn", "type": "BIGNUMERIC", "precision": "40", "scale": "38"},
  {"name": "s", "type": "STRING", "maxLength": "3"},
  {"name": "by", "type": "BYTES", "maxLength": "2"},
  {"name": "tp", "type": "TIMESTAMP", "timestampPrecision": "12"},
  {"name": "rtp", "type": "TIMESTAMP", "mode": "REPEATED", "timestampPrecision": "12"},
  {"name": "iv", "type": "INTERVAL", "mode": "REQUIRED"}
]"#;

fn writer(schema: &str) -> ProtoWriter {
    let schema = TableSchema::from_json(schema).unwrap();
    ProtoWriter::new(&schema, DescriptorOptions::default(), WalkOptions::new()).unwrap()
}

fn codec(t: &str) -> Codec {
    Codec::parse_type(t).unwrap()
}

// ---------------------------------------------------------------------------
// Finding 1 (proto_decode): the strict proto decoder reads NUMERIC(P, S) and
// BIGNUMERIC(P, S) bytes without checking the declared precision and scale
// (src/proto/decode.rs, `scalar`: `Numeric::from_bigdecimal_bytes(b)?`), so
// it returns rows the encoder refuses. The Text profile is right (the text
// goes through `codec.parse`).
// ---------------------------------------------------------------------------

#[test]
fn finding_1_proto_decode_checks_declared_precision_and_scale() {
    let w = writer(PARAMS);
    // The fuzz input: field 1 (n, NUMERIC(10, 2)) = BigDecimal bytes of
    // 25575001.759399808 (nine fractional digits), field 8 (iv, REQUIRED).
    let err = w
        .decode(FINDING_1_ROW)
        .expect_err("n has 9 fractional digits for scale 2");
    assert_eq!(err.path.to_string(), "n");
    assert!(
        matches!(err.error, ValueError::ExcessScale { scale: 2, .. }),
        "{err}"
    );

    // Too many integer digits: 123456 in NUMERIC(5).
    let mut n = Vec::new();
    Numeric::parse_str("123456", DecimalParams::default(), Rounding::Reject)
        .unwrap()
        .write_bigdecimal_bytes(&mut n);
    let mut row = vec![0x12, u8::try_from(n.len()).unwrap()];
    row.extend_from_slice(&n);
    row.extend_from_slice(b"\x42\x03P1Y");
    let err = w.decode(&row).expect_err("123456 does not fit NUMERIC(5)");
    assert_eq!(err.path.to_string(), "n5");
    assert!(matches!(err.error, ValueError::OutOfRange { .. }), "{err}");
}

/// The input of finding 1 (`fuzz/artifacts/proto_decode/crash-4ca79d70…`, 26
/// bytes; libFuzzer could not minimize it further).
const FINDING_1_ROW: &[u8] = b"\x0a\x07\x80\xbf\xff\x1e\x54\xdc\x5a\x42\x0f15203 -4:5:6789";

// ---------------------------------------------------------------------------
// Finding 2 (cli_value): `Form::Bytes.decode` (`bqcodec value T --from bytes`)
// ignores the declared parameters: BYTES(L) length, NUMERIC(P, S) and
// BIGNUMERIC(P, S) precision and scale (src/value/form.rs, `decode`, the
// three `(Form::Bytes, …)` arms), so it returns values of the type that the
// canonical literal then refuses.
// ---------------------------------------------------------------------------

#[test]
fn finding_2_from_bytes_checks_declared_parameters() {
    let p = Policy::new();
    let e = Form::Bytes
        .decode(&codec("BYTES(2)"), "000102", &p)
        .unwrap_err();
    assert!(
        matches!(
            e,
            ValueError::TooLong {
                max: 2,
                length: 3,
                ..
            }
        ),
        "{e}"
    );
    // 0x0001 = 256 × 10⁻⁹: nine fractional digits in NUMERIC(10, 2).
    let e = Form::Bytes
        .decode(&codec("NUMERIC(10,2)"), "0001", &p)
        .unwrap_err();
    assert!(matches!(e, ValueError::ExcessScale { scale: 2, .. }), "{e}");
    // 0x174876e800 = 100 × 10⁹: three integer digits in NUMERIC(3, 2).
    let e = Form::Bytes
        .decode(&codec("NUMERIC(3,2)"), "00e8764817", &p)
        .unwrap_err();
    assert!(matches!(e, ValueError::OutOfRange { .. }), "{e}");
    // 0x01 = 10⁻³⁸: 38 fractional digits, one more than BIGNUMERIC(40, 37)
    // holds (BIGNUMERIC(40, 38) holds it).
    let e = Form::Bytes
        .decode(&codec("BIGNUMERIC(40,37)"), "01", &p)
        .unwrap_err();
    assert!(
        matches!(e, ValueError::ExcessScale { scale: 37, .. }),
        "{e}"
    );
    assert!(
        Form::Bytes
            .decode(&codec("BIGNUMERIC(40,38)"), "01", &p)
            .is_ok()
    );
}

#[test]
fn finding_2_from_bytes_within_the_parameters_still_decodes() {
    let p = Policy::new();
    let v = Form::Bytes.decode(&codec("BYTES(2)"), "0001", &p).unwrap();
    assert_eq!(v.to_canonical(), "AAE=");
    // 1.5 as BigDecimal bytes (README: `bqcodec value NUMERIC 1.5 --as bytes`).
    let v = Form::Bytes
        .decode(&codec("NUMERIC(10,2)"), "002f6859", &p)
        .unwrap();
    assert_eq!(v.to_canonical(), "1.5");
}

// ---------------------------------------------------------------------------
// Finding 3 (structured): the Arrow path refuses BIGNUMERIC values with 39
// integer digits, which BigQuery's range (±5.78…e38) and the proto and
// insertAll paths accept: `Decimal256(76, 38)` holds at most 38 integer
// digits (src/arrow/sink.rs, the `Kind::Decimal256` arm). A typed error, by
// design of the mapping; the README's Arrow section does not say so yet.
// ---------------------------------------------------------------------------

#[cfg(feature = "arrow")]
#[test]
fn finding_3_arrow_refuses_bignumeric_with_39_integer_digits() {
    use bqcodec::arrow::ArrowWriter;
    use bqcodec::plan::Plan;
    let schema = r#"[{"name": "bn", "type": "BIGNUMERIC"}]"#;
    let plan = Plan::compile(&TableSchema::from_json(schema).unwrap(), WalkOptions::new()).unwrap();
    // BigQuery's BIGNUMERIC maximum (data-types page, "Decimal types").
    let max = br#"{"bn": "578960446186580977117854925043439539266.34992332820282019728792003956564819967"}"#;
    assert!(writer(schema).encode_json(max, 0).is_ok());
    let mut w = ArrowWriter::new(&plan).unwrap();
    let e = w.push_json(max).unwrap_err();
    assert_eq!(e.path.to_string(), "bn");
    match &e.error {
        ValueError::OutOfRange { expected, .. } => {
            assert!(expected.contains("Decimal256(76, 38)"), "{expected}")
        }
        other => panic!("{other}"),
    }
    // 38 integer digits fit.
    let ok = br#"{"bn": "-99999999999999999999999999999999999999.99999999999999999999999999999999999999"}"#;
    w.push_json(ok).unwrap();
    assert_eq!(w.finish().unwrap()[0].num_rows(), 1);
}

// ---------------------------------------------------------------------------
// Finding 4 (arrow_ipc): arrow-ipc 60.1 panics on some malformed IPC input
// (arrow-buffer `Buffer::slice_with_length`: "the offset of the new Buffer
// cannot exceed the existing length"; `Buffer::typed_data`: "assertion
// failed: prefix.is_empty() && suffix.is_empty()"). src/arrow/ipc.rs
// catches the unwind and returns an error, which holds only with
// `panic = "unwind"`: in a `panic = "abort"` build (or under a panic hook
// that aborts) the process dies.
// ---------------------------------------------------------------------------

// ---------------------------------------------------------------------------
// Finding 5 (cli_value): `Form::InsertAll.decode` (`bqcodec value T --from
// insert-all`) parses the text with `serde_json::from_str` into a `Value`
// (src/value/form.rs, `decode`), and `parse_value_json`
// (src/insert_all/value.rs) then reads a JSON number from serde_json's f64
// (serde_json without `float_roundtrip`/`arbitrary_precision`): digits are
// lost silently for FLOAT64 (not even correctly rounded), INT64 beyond 2^53,
// NUMERIC and BIGNUMERIC — against the module's own table ("a JSON number,
// read as its text").
// ---------------------------------------------------------------------------

#[test]
fn finding_5_insert_all_numbers_are_read_from_their_text() {
    let p = Policy::new();
    let d = |t: &str, text: &str| {
        Form::InsertAll
            .decode(&codec(t), text, &p)
            .map(|v| v.to_canonical())
    };
    // The fuzz input: FLOAT64 1111e110 --as insert-all gives 1.111e+113,
    // which --from insert-all read as 1.1110000000000001e+113.
    let v = Form::Canonical
        .decode(&codec("FLOAT64"), "1111e110", &p)
        .unwrap();
    let text = Form::InsertAll.encode(&codec("FLOAT64"), &v).unwrap();
    assert_eq!(d("FLOAT64", &text).unwrap(), "1.111e+113");
    assert_eq!(
        d("INT64", "9007199254740993.0").unwrap(),
        "9007199254740993"
    );
    assert_eq!(
        d("BIGNUMERIC", "123456789012345678901234567890").unwrap(),
        "123456789012345678901234567890"
    );
    let e = d("NUMERIC", "1.0000000000000000001").unwrap_err();
    assert!(matches!(e, ValueError::ExcessScale { scale: 9, .. }), "{e}");
}

#[test]
fn finding_5_insert_all_strings_are_exact() {
    // The quoted forms (what `--as insert-all` writes for these types) are exact today.
    let p = Policy::new();
    let d = |t: &str, text: &str| {
        Form::InsertAll
            .decode(&codec(t), text, &p)
            .unwrap()
            .to_canonical()
    };
    assert_eq!(d("INT64", r#""9007199254740993""#), "9007199254740993");
    assert_eq!(
        d("BIGNUMERIC", r#""123456789012345678901234567890""#),
        "123456789012345678901234567890"
    );
    assert_eq!(d("FLOAT64", r#""1.111e+113""#), "1.111e+113");
}

// ---------------------------------------------------------------------------
// Not a bug, a property the targets rely on: the proto decoder accepts every
// valid wire form of a row, the encoder writes one canonical form, so
// decode → encode is the identity only on canonical bytes (src/proto/decode.rs'
// module doc says "a decoded row always encodes again, to the same bytes",
// which holds for rows the encoder wrote).
// ---------------------------------------------------------------------------

#[test]
fn proto_decode_accepts_non_canonical_rows_and_re_encodes_canonically() {
    let w = writer(
        r#"[{"name": "a", "type": "INT64"}, {"name": "r", "type": "INT64", "mode": "REPEATED"}]"#,
    );
    let canonical = w.encode_json(br#"{"a": 1, "r": [2, 3]}"#, 0).unwrap();
    // Field 1 = 1; field 2 packed [2, 3] (proto3 spec: packed repeated scalars).
    assert_eq!(canonical, [0x08, 0x01, 0x12, 0x02, 0x02, 0x03]);
    for other in [
        &[0x12, 0x02, 0x02, 0x03, 0x08, 0x01][..], // fields out of order
        &[0x08, 0x01, 0x10, 0x02, 0x10, 0x03][..], // unpacked repeated
        &[0x08, 0x81, 0x00, 0x12, 0x02, 0x02, 0x03][..], // a non-minimal varint
    ] {
        let json = w.decode(other).unwrap();
        assert_eq!(json, r#"{"a":"1","r":["2","3"]}"#);
        assert_eq!(w.encode_json(json.as_bytes(), 0).unwrap(), canonical);
    }
}

#[cfg(feature = "arrow")]
#[test]
fn finding_4_arrow_ipc_reader_panic_is_an_error() {
    use bqcodec::arrow::{decode_ipc_stream, decode_messages, ipc};
    use bqcodec::plan::Plan;
    // The arrow_ipc target's input (minimized; fuzz/artifacts/arrow_ipc/
    // minimized-from-6e82d63f…), found with BQCODEC_FUZZ_STRICT_IPC=1: read
    // as a schema message (`ipc::read_schema`, which reads on through the
    // batch message that follows), it reaches arrow-ipc 60.1 reader.rs:66
    // (`Buffer::slice_with_length` past the body).
    let data = include_bytes!("../fuzz/regressions/finding-4-arrow-ipc-slice-panic.bin");
    let err = ipc::read_schema(data).unwrap_err();
    assert!(err.to_string().contains("the reader panicked"), "{err}");
    // The target's other calls on the same input are errors too.
    let schema = TableSchema::from_json(include_str!("../schemas/all_types.schema.json")).unwrap();
    let plan = Plan::compile(&schema, WalkOptions::new()).unwrap();
    assert!(decode_ipc_stream(&plan, data).is_err());
    let (head, rest) = data.split_at(2);
    let at = usize::from(u16::from_le_bytes([head[0], head[1]])).min(rest.len());
    let (schema_msg, batch_msg) = rest.split_at(at);
    assert!(decode_messages(&plan, schema_msg, batch_msg).is_err());
}

#[test]
fn finding_6_bigtable_blank_lines_are_json_whitespace_only() {
    use bqcodec::bigtable::{BigtableWriter, CellOptions, result_schema_from_json};
    // The bigtable_cells target (fuzz/artifacts/bigtable_cells/crash-e178…):
    // a line of form feeds. The Bigtable writer skipped it as blank (any
    // ASCII whitespace) where the row walk, and so every other writer, reads
    // it as a row that is not JSON: row numbers after it disagreed.
    let schema = result_schema_from_json(
        r#"[{"name": "rowkey", "type": "STRING"},
            {"name": "cf", "type": "RECORD", "fields": [{"name": "n", "type": "INT64"}]}]"#,
    )
    .unwrap();
    let w = BigtableWriter::new(&schema, WalkOptions::new(), None, CellOptions::new()).unwrap();
    let ndjson = b"{\"rowkey\": \"a\"}\n\x0c\x0c\n \t\r\n{\"rowkey\": \"b\", \"cf\": {\"n\": 1}}\n";
    let (rows, outcome) = w.encode_ndjson(ndjson, 0);
    assert_eq!((outcome.rows, outcome.written), (3, 2));
    assert_eq!(outcome.errors[0].row, 1);
    assert!(
        outcome.errors[0]
            .to_string()
            .starts_with("row 1: (row): invalid JSON"),
        "{}",
        outcome.errors[0]
    );
    assert_eq!(rows.rows[1].input_row, 2);
    // The same count as the protobuf walk of the same lines.
    let (_, proto) = writer(r#"[{"name": "rowkey", "type": "STRING"}, {"name": "cf", "type": "RECORD", "fields": [{"name": "n", "type": "INT64"}]}]"#)
        .encode_ndjson(ndjson, 0);
    assert_eq!(proto.rows, outcome.rows);
}

#[test]
fn finding_7_a_row_listed_twice_in_row_errors_is_rejected_once() {
    use bqcodec::transport::messages::{AppendRowsResponse, Code, RowError, RowErrorCode, Status};
    use bqcodec::transport::{
        AppendOptions, AppendPlanner, AppendSession, RowErrorPolicy, WriteStreamName, WriterSchema,
        read_append_response,
    };
    // The append_session target (fuzz/artifacts/append_session/crash-b8c3…):
    // a response naming one row twice (BigQuery may send one error per bad
    // field) made the session reject that row twice, so appended + rejected
    // exceeded the rows planned.
    let stream = WriteStreamName::parse("projects/p/datasets/d/tables/t/streams/s").unwrap();
    let mut planner = AppendPlanner::new(
        stream,
        WriterSchema::Proto(vec![0x0a, 0x01, b'R']),
        AppendOptions::new(),
    )
    .unwrap();
    let rows = [vec![0x08, 1], vec![0x08, 2], vec![0x08, 3]];
    let plan = planner.plan_rows(rows.iter().enumerate().map(|(i, r)| (i, r.as_slice())));
    let refused = AppendRowsResponse::failure(
        Status::new(Code::InvalidArgument, "rows have errors"),
        vec![
            RowError::new(1, RowErrorCode::FieldsError, "field a: bad"),
            RowError::new(1, RowErrorCode::FieldsError, "field b: bad"),
        ],
    );
    let outcome = read_append_response(&plan.requests[0], &refused).unwrap();
    assert_eq!(outcome.rejected.len(), 1);
    assert_eq!(
        outcome.rejected[0].message,
        "FIELDS_ERROR: field a: bad; FIELDS_ERROR: field b: bad"
    );
    let mut session = AppendSession::new(&plan.requests, RowErrorPolicy::ResendOthers, 3);
    let first = session.next_request(16, usize::MAX).unwrap();
    session.on_response(&refused);
    let again = session.next_request(16, usize::MAX).unwrap();
    assert_eq!(again.offset, first.offset);
    session.on_response(&AppendRowsResponse::success(again.offset));
    assert!(session.is_done());
    let report = session.finish();
    assert_eq!((report.appended, report.rejected.len()), (2, 1));
}
