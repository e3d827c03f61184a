//! The Arrow path across modules: schema mapping, rows → batches (values,
//! nulls, nesting, rollback, cutting), IPC, decoding, and agreement with the
//! protobuf path.
#![cfg(feature = "arrow")]
#![allow(clippy::unwrap_used, clippy::panic, clippy::expect_used)] // tests fail loudly by design

use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Date32Type, Decimal128Type, Decimal256Type, Float64Type, Int64Type, Time64MicrosecondType,
    TimestampMicrosecondType,
};
use arrow_array::{Array, RecordBatch};
use arrow_buffer::i256;
use arrow_schema::{DataType, TimeUnit};
use bqcodec::arrow::{
    ArrowWriter, DecimalMapping, PicosMapping, SchemaOptions, decode_batch, decode_ipc_stream,
    decode_messages, ipc, table_to_arrow_schema,
};
use bqcodec::plan::{Plan, WalkOptions};
use bqcodec::proto::{DescriptorOptions, ProtoWriter};
use bqcodec::{TableSchema, ValueError};

fn schema(json: &str) -> TableSchema {
    TableSchema::from_json(json).unwrap_or_else(|e| panic!("bad test schema: {e}"))
}

fn plan(json: &str) -> Plan {
    Plan::compile(&schema(json), WalkOptions::new()).unwrap()
}

/// Writes `ndjson` in one batch; panics on a bad row.
fn one_batch(p: &Plan, ndjson: &str) -> RecordBatch {
    let mut w = ArrowWriter::new(p).unwrap();
    let out = w.push_ndjson(ndjson.as_bytes());
    assert!(out.errors.is_empty(), "{:?}", out.errors);
    let mut b = w.finish().unwrap();
    assert_eq!(b.len(), 1);
    b.remove(0)
}

fn proto_round_trip(schema_json: &str, ndjson: &str) -> Vec<String> {
    let w = ProtoWriter::new(
        &schema(schema_json),
        DescriptorOptions::default(),
        WalkOptions::new(),
    )
    .unwrap();
    let (rows, out) = w.encode_ndjson(ndjson.as_bytes(), 0);
    assert!(out.errors.is_empty(), "{:?}", out.errors);
    rows.iter().map(|r| w.decode(r).unwrap()).collect()
}

fn arrow_round_trip(schema_json: &str, ndjson: &str) -> Vec<String> {
    let p = plan(schema_json);
    let mut w = ArrowWriter::new(&p).unwrap();
    let out = w.push_ndjson(ndjson.as_bytes());
    assert!(out.errors.is_empty(), "{:?}", out.errors);
    let schema_bytes = w.serialized_schema().unwrap();
    let mut rows = Vec::new();
    for b in w.finish().unwrap() {
        let msg = ipc::serialize_record_batch(&b).unwrap();
        rows.extend(decode_messages(&p, &schema_bytes, &msg).unwrap());
    }
    rows
}

const SCALARS: &str = r#"[
  {"name": "b", "type": "BOOLEAN"},
  {"name": "i", "type": "INTEGER", "mode": "REQUIRED"},
  {"name": "f", "type": "FLOAT"},
  {"name": "n", "type": "NUMERIC"},
  {"name": "bn", "type": "BIGNUMERIC"},
  {"name": "s", "type": "STRING"},
  {"name": "by", "type": "BYTES"},
  {"name": "d", "type": "DATE"},
  {"name": "dt", "type": "DATETIME"},
  {"name": "t", "type": "TIME"},
  {"name": "ts", "type": "TIMESTAMP"}
]"#;

#[test]
fn scalar_values_are_exact() {
    let p = plan(SCALARS);
    let b = one_batch(
        &p,
        concat!(
            r#"{"b": true, "i": "9223372036854775807", "f": 1.5, "n": "123.456789012", "bn": "-1.00000000000000000000000000000000000001", "s": "héllo", "by": "AAEC/w==", "d": "2024-02-29", "dt": "2024-02-29 13:14:15.123456", "t": "23:59:59.999999", "ts": "2024-02-29T13:14:15.123456Z"}"#,
            "\n",
            r#"{"i": -9223372036854775808, "n": "-99999999999999999999999999999.999999999", "d": "0001-01-01", "ts": "1969-12-31T23:59:59.999999Z"}"#,
            "\n"
        ),
    );
    assert_eq!(b.num_rows(), 2);
    let col = |name: &str| b.column_by_name(name).unwrap().clone();
    let bools = col("b");
    assert!(bools.as_boolean().value(0));
    assert!(bools.is_null(1));
    let i = col("i");
    assert_eq!(
        i.as_primitive::<Int64Type>().values(),
        &[i64::MAX, i64::MIN]
    );
    assert_eq!(i.null_count(), 0);
    assert_eq!(col("f").as_primitive::<Float64Type>().value(0), 1.5);
    // NUMERIC is the decimal × 10^9, exactly.
    let n = col("n");
    assert_eq!(n.data_type(), &DataType::Decimal128(38, 9));
    assert_eq!(n.as_primitive::<Decimal128Type>().value(0), 123_456_789_012);
    assert_eq!(
        n.as_primitive::<Decimal128Type>().value(1),
        -99_999_999_999_999_999_999_999_999_999_999_999_999
    );
    // BIGNUMERIC is the decimal × 10^38: −(10^38 + 1).
    let bn = col("bn").as_primitive::<Decimal256Type>().value(0);
    let expected = i256::from_i128(10i128.pow(38))
        .wrapping_add(i256::ONE)
        .wrapping_neg();
    assert_eq!(bn, expected);
    assert_eq!(col("s").as_string::<i32>().value(0), "héllo");
    assert_eq!(col("by").as_binary::<i32>().value(0), &[0u8, 1, 2, 255]);
    // 2024-02-29 is day 19782; 0001-01-01 is day −719162 (Google's DATE table).
    assert_eq!(
        col("d").as_primitive::<Date32Type>().values(),
        &[19782, -719162]
    );
    let dt = col("dt");
    assert_eq!(
        dt.data_type(),
        &DataType::Timestamp(TimeUnit::Microsecond, None)
    );
    let day_micros: i64 = 19782 * 86_400_000_000;
    let tod: i64 = (13 * 3600 + 14 * 60 + 15) * 1_000_000 + 123_456;
    assert_eq!(
        dt.as_primitive::<TimestampMicrosecondType>().value(0),
        day_micros + tod
    );
    assert_eq!(
        col("t").as_primitive::<Time64MicrosecondType>().value(0),
        86_399_999_999
    );
    let ts = col("ts");
    assert_eq!(
        ts.data_type(),
        &DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into()))
    );
    assert_eq!(
        ts.as_primitive::<TimestampMicrosecondType>().values(),
        &[day_micros + tod, -1]
    );
    // Every column but `i` is null in row 1 where the row left it out.
    for name in ["b", "f", "bn", "s", "by", "dt", "t"] {
        assert!(col(name).is_null(1), "{name}");
    }
}

const NESTED: &str = r#"[
  {"name": "id", "type": "INT64", "mode": "REQUIRED"},
  {"name": "ri", "type": "INTEGER", "mode": "REPEATED"},
  {"name": "rec", "type": "RECORD", "fields": [
    {"name": "x", "type": "INTEGER"},
    {"name": "k", "type": "STRING", "mode": "REQUIRED"},
    {"name": "sub", "type": "RECORD", "fields": [
      {"name": "z", "type": "FLOAT"},
      {"name": "zd", "type": "DATE", "mode": "REPEATED"}
    ]}
  ]},
  {"name": "rrec", "type": "RECORD", "mode": "REPEATED", "fields": [
    {"name": "k", "type": "STRING"},
    {"name": "v", "type": "INTEGER"},
    {"name": "vs", "type": "INTEGER", "mode": "REPEATED"}
  ]}
]"#;

const NESTED_ROWS: &str = concat!(
    r#"{"id": 1, "ri": [1, -2, 3], "rec": {"x": 42, "k": "a", "sub": {"z": -0.25, "zd": ["1970-01-01", "1969-12-31"]}}, "rrec": [{"k": "one", "v": 1, "vs": [1, 2]}, {"k": "two", "v": null}]}"#,
    "\n",
    r#"{"id": 2, "ri": [], "rrec": []}"#,
    "\n",
    r#"{"id": 3, "ri": null, "rec": {"k": "b", "sub": null}, "rrec": null}"#,
    "\n",
    r#"{"rrec": [{"vs": [7]}], "id": 4, "rec": {"sub": {"zd": [0]}, "k": "c", "x": null}}"#,
    "\n"
);

#[test]
fn nesting_and_nulls() {
    let p = plan(NESTED);
    let b = one_batch(&p, NESTED_ROWS);
    assert_eq!(b.num_rows(), 4);
    let ri = b.column_by_name("ri").unwrap().as_list::<i32>();
    // A NULL or absent REPEATED field is an empty, non-null list.
    assert_eq!(ri.null_count(), 0);
    assert_eq!(ri.value_offsets(), &[0, 3, 3, 3, 3]);
    assert_eq!(
        ri.values().as_primitive::<Int64Type>().values(),
        &[1, -2, 3]
    );
    let rec = b.column_by_name("rec").unwrap().as_struct();
    assert_eq!(
        (0..4).map(|i| rec.is_valid(i)).collect::<Vec<_>>(),
        [true, false, true, true]
    );
    let k = rec.column_by_name("k").unwrap();
    // Under a NULL struct a REQUIRED child holds a placeholder, not NULL.
    assert_eq!(k.null_count(), 0);
    assert_eq!(k.as_string::<i32>().value(2), "b");
    let sub = rec.column_by_name("sub").unwrap().as_struct();
    assert_eq!(
        (0..4).map(|i| sub.is_valid(i)).collect::<Vec<_>>(),
        [true, false, false, true]
    );
    let zd = sub.column_by_name("zd").unwrap().as_list::<i32>();
    assert_eq!(zd.value_offsets(), &[0, 2, 2, 2, 3]);
    assert_eq!(
        zd.values().as_primitive::<Date32Type>().values(),
        &[0, -1, 0]
    );
    let rrec = b.column_by_name("rrec").unwrap().as_list::<i32>();
    assert_eq!(rrec.value_offsets(), &[0, 2, 2, 2, 3]);
    let items = rrec.values().as_struct();
    assert_eq!(items.len(), 3);
    assert_eq!(items.null_count(), 0);
    let v = items.column_by_name("v").unwrap();
    assert_eq!(v.as_primitive::<Int64Type>().value(0), 1);
    assert!(v.is_null(1) && v.is_null(2));
    let vs = items.column_by_name("vs").unwrap().as_list::<i32>();
    assert_eq!(vs.value_offsets(), &[0, 2, 2, 3]);
    // The batch is valid Arrow by arrow-rs's own full validation.
    b.columns()
        .iter()
        .for_each(|c| c.to_data().validate_full().unwrap());
}

#[test]
fn bad_rows_leave_no_trace() {
    let p = plan(NESTED);
    let good: Vec<&str> = NESTED_ROWS.lines().collect();
    // Each bad row fails deep inside, after other columns were written.
    let bad = [
        r#"{"id": 10, "ri": [1, 2], "rrec": [{"k": "x", "vs": [1, 2]}, {"vs": [3, "no"]}]}"#,
        r#"{"id": 11, "rec": {"k": "q", "sub": {"zd": ["1970-01-01", "2024-13-01"]}}}"#,
        r#"{"id": 12, "rec": {"x": 1, "sub": {"z": 1}}}"#,
        r#"{"ri": [5, null], "id": 13}"#,
        r#"{"id": 14, "rrec": [{"k": "a"}], "unknown": 1}"#,
        r#"{"id": 15, "ri": [1"#,
    ];
    let mut mixed = String::new();
    for (i, g) in good.iter().enumerate() {
        mixed.push_str(bad[i % bad.len()]);
        mixed.push('\n');
        mixed.push_str(g);
        mixed.push('\n');
    }
    for b in &bad[4..] {
        mixed.push_str(b);
        mixed.push('\n');
    }
    let mut w = ArrowWriter::new(&p).unwrap();
    let out = w.push_ndjson(mixed.as_bytes());
    assert_eq!(out.written, good.len());
    assert_eq!(out.errors.len(), good.len() + 2);
    let batches = w.finish().unwrap();
    assert_eq!(batches, vec![one_batch(&p, NESTED_ROWS)]);
}

#[test]
fn errors_match_the_proto_path() {
    let bad = concat!(
        r#"{"id": 1, "ri": [1, "x"]}"#,
        "\n",
        r#"{"id": 2, "rec": {"sub": {"zd": ["nope"]}, "k": "a"}}"#,
        "\n",
        r#"{"rec": {"k": "a"}}"#,
        "\n",
        r#"{"id": 3, "rrec": [{}, {"v": 1.5}]}"#,
        "\n",
        r#"{"id": 4, "rec": {"k": null}}"#,
        "\n",
        "[1]\n",
    );
    let p = plan(NESTED);
    let mut w = ArrowWriter::new(&p).unwrap();
    let arrow = w.push_ndjson(bad.as_bytes());
    let proto = ProtoWriter::new(
        &schema(NESTED),
        DescriptorOptions::default(),
        WalkOptions::new(),
    )
    .unwrap();
    let (_, proto_out) = proto.encode_ndjson(bad.as_bytes(), 0);
    assert_eq!(arrow.errors, proto_out.errors);
    let paths: Vec<String> = arrow.errors.iter().map(|e| e.path.to_string()).collect();
    assert_eq!(
        paths,
        [
            "ri[1]",
            "rec.sub.zd[0]",
            "id",
            "rrec[1].v",
            "rec.k",
            "(row)"
        ]
    );
    assert!(w.finish().unwrap().is_empty());
}

#[test]
fn arrow_and_proto_round_trips_agree() {
    for (schema_json, rows) in [(SCALARS, scalar_rows()), (NESTED, NESTED_ROWS.to_owned())] {
        let a = arrow_round_trip(schema_json, &rows);
        let p = proto_round_trip(schema_json, &rows);
        assert_eq!(a, p);
        assert_eq!(a.len(), rows.lines().count());
    }
}

fn scalar_rows() -> String {
    concat!(
        r#"{"b": true, "i": "9007199254740993", "f": 1.5, "n": "123.456789012", "bn": "-1.00000000000000000000000000000000000001", "s": "héllo", "by": "AAEC/w==", "d": "2024-02-29", "dt": "2024-02-29 13:14:15.123456", "t": "23:59:59.999999", "ts": "2024-02-29T13:14:15.123456Z"}"#,
        "\n",
        r#"{"i": 0, "b": false, "f": -0.0, "n": "0", "s": null}"#,
        "\n",
        r#"{"i": -1, "d": "0001-01-01", "dt": "9999-12-31 23:59:59.999999", "ts": "1969-12-31T23:59:59.999999Z", "n": "-99999999999999999999999999999.999999999", "f": 1e308}"#,
        "\n",
        r#"{"i": 5, "f": "NaN", "bn": "-99999999999999999999999999999999999999.99999999999999999999999999999999999999", "by": "", "s": ""}"#,
        "\n",
    )
    .to_owned()
}

#[test]
fn expected_canonical_text() {
    let rows = arrow_round_trip(
        SCALARS,
        r#"{"i": 7, "n": 2.30, "f": 0.1, "d": 19782, "ts": 1709212455123456, "bn": "1e-38"}"#,
    );
    assert_eq!(
        rows,
        [
            r#"{"b":null,"i":"7","f":0.1,"n":"2.3","bn":"0.00000000000000000000000000000000000001","s":null,"by":null,"d":"2024-02-29","dt":null,"t":null,"ts":"2024-02-29T13:14:15.123456Z"}"#
        ]
    );
}

#[test]
fn bignumeric_beyond_76_digits_is_a_row_error() {
    // BIGNUMERIC's maximum (Google's type docs) has 39 integer digits;
    // Decimal256(76, 38) holds 38.
    let p = plan(SCALARS);
    let mut w = ArrowWriter::new(&p).unwrap();
    let out = w.push_ndjson(
        b"{\"i\": 1, \"bn\": \"578960446186580977117854925043439539266.34992332820282019728792003956564819967\"}\n{\"i\": 2, \"bn\": \"99999999999999999999999999999999999999.99999999999999999999999999999999999999\"}\n",
    );
    assert_eq!(out.errors.len(), 1);
    assert_eq!(out.errors[0].row, 0);
    assert_eq!(out.errors[0].path.to_string(), "bn");
    assert!(out.errors[0].error.is_out_of_range());
    let b = w.finish().unwrap();
    assert_eq!(b[0].num_rows(), 1);
}

#[test]
fn excess_scale_is_an_error_not_a_rounding() {
    let p = plan(SCALARS);
    let mut w = ArrowWriter::new(&p).unwrap();
    let out = w.push_ndjson(b"{\"i\": 1, \"n\": \"0.0000000001\"}\n");
    assert_eq!(out.errors.len(), 1);
    assert!(out.errors[0].error.is_excess_scale(), "{}", out.errors[0]);
}

#[test]
fn declared_decimals_rescale_exactly() {
    let s = r#"[{"name": "n", "type": "NUMERIC", "precision": "10", "scale": "2"},
                {"name": "b", "type": "BIGNUMERIC", "precision": "40", "scale": "3"}]"#;
    let p = plan(s);
    let opts = SchemaOptions::new().with_decimals(DecimalMapping::Declared);
    let mut w = ArrowWriter::with_options(&p, &opts).unwrap();
    let out = w.push_ndjson(b"{\"n\": \"-12345678.91\", \"b\": \"1.5\"}\n{\"n\": \"1.234\"}\n");
    assert_eq!(out.errors.len(), 1, "{:?}", out.errors);
    let b = w.finish().unwrap().remove(0);
    let n = b.column(0).as_primitive::<Decimal128Type>();
    assert_eq!(n.data_type(), &DataType::Decimal128(10, 2));
    assert_eq!(n.value(0), -1_234_567_891);
    let bn = b.column(1).as_primitive::<Decimal256Type>();
    assert_eq!(bn.data_type(), &DataType::Decimal256(40, 3));
    assert_eq!(bn.value(0), i256::from_i128(1500));
    // And back.
    assert_eq!(
        decode_batch(&p, &b).unwrap(),
        [r#"{"n":"-12345678.91","b":"1.5"}"#]
    );
}

#[test]
fn cut_by_rows_keeps_input_indices() {
    let p = plan(NESTED);
    let mut w = ArrowWriter::new(&p).unwrap().with_max_rows(2);
    let out = w.push_ndjson(
        b"{\"id\": 1}\n{\"id\": \"x\"}\n{\"id\": 2}\n{\"id\": 3}\n\n{\"id\": 4}\n{\"id\": 5}\n",
    );
    assert_eq!((out.rows, out.written), (6, 5));
    // Batches come out as soon as they are full.
    let ready = w.take_batches().unwrap();
    assert_eq!(ready.len(), 2);
    assert_eq!(ready[0].input_rows, [0, 2]);
    assert_eq!(ready[1].input_rows, [3, 4]);
    assert_eq!(w.open_rows(), 1);
    w.push_json(b"{\"id\": 6}").unwrap();
    assert_eq!(w.next_row(), 7);
    w.push_json(b"{\"id\": 7}").unwrap();
    let rest = w.finish_batches().unwrap();
    assert_eq!(rest.len(), 2);
    assert_eq!(rest[0].input_rows, [5, 6]);
    assert_eq!(rest[1].input_rows, [7]);
    let ids = rest[0].batch.column(0).as_primitive::<Int64Type>();
    assert_eq!(ids.values(), &[5, 6]);
}

#[test]
fn cut_by_bytes_stays_under_the_limit() {
    let p = plan(NESTED);
    let mut rows = String::new();
    for i in 0..500 {
        rows.push_str(&format!(
            r#"{{"id": {i}, "ri": [{}], "rec": {{"k": "{}", "sub": {{"zd": [1, 2, 3]}}}}, "rrec": [{{"k": "{}", "vs": [1]}}]}}"#,
            vec!["7"; i % 40].join(","),
            "k".repeat(i % 97),
            "v".repeat(i % 13),
        ));
        rows.push('\n');
    }
    let limit = 8 * 1024;
    let mut w = ArrowWriter::new(&p).unwrap().with_max_bytes(limit);
    let out = w.push_ndjson(rows.as_bytes());
    assert!(out.errors.is_empty());
    let batches = w.finish_batches().unwrap();
    assert!(batches.len() > 5, "{}", batches.len());
    let mut decoded = Vec::new();
    let mut next = 0;
    for b in &batches {
        let bytes = ipc::serialize_record_batch(&b.batch).unwrap().len();
        assert!(bytes <= limit, "{bytes} > {limit}");
        // Reasonably full: the bound is not wildly pessimistic.
        assert_eq!(
            b.input_rows,
            (next..next + b.batch.num_rows()).collect::<Vec<_>>()
        );
        next += b.batch.num_rows();
        decoded.extend(decode_batch(&p, &b.batch).unwrap());
    }
    let full: usize = batches
        .iter()
        .take(batches.len() - 1)
        .map(|b| ipc::serialize_record_batch(&b.batch).unwrap().len())
        .sum();
    assert!(
        full > (batches.len() - 1) * limit / 2,
        "batches mostly empty"
    );
    let one = arrow_round_trip(NESTED, &rows);
    assert_eq!(decoded, one);
}

#[test]
fn estimate_bounds_the_serialized_size() {
    let p = plan(NESTED);
    for rows in [
        "{\"id\": 1}\n",
        NESTED_ROWS,
        "{\"id\": 1, \"ri\": [1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17]}\n",
    ] {
        let mut sink = bqcodec::arrow::ArrowSink::new(&p).unwrap();
        let mut walker = bqcodec::plan::Walker::new(&p);
        let out = walker.walk_ndjson(rows.as_bytes(), 0, &mut sink);
        assert!(out.errors.is_empty());
        let estimate = sink.estimated_bytes();
        let b = sink.finish().unwrap().remove(0);
        let actual = ipc::serialize_record_batch(&b.batch).unwrap().len();
        assert!(actual <= estimate, "{actual} > {estimate}");
    }
}

#[test]
fn a_row_over_the_limit_is_rejected() {
    let p = plan(SCALARS);
    let mut w = ArrowWriter::new(&p).unwrap().with_max_bytes(2048);
    let long = "x".repeat(4000);
    let out = w.push_ndjson(
        format!("{{\"i\": 1}}\n{{\"i\": 2, \"s\": \"{long}\"}}\n{{\"i\": 3}}\n").as_bytes(),
    );
    assert_eq!(out.errors.len(), 1);
    assert_eq!(out.errors[0].row, 1);
    assert_eq!(out.errors[0].path.to_string(), "s");
    assert!(matches!(
        out.errors[0].error,
        ValueError::TooLong { max: 2048, .. }
    ));
    let b = w.finish().unwrap();
    assert_eq!(b.len(), 1);
    assert_eq!(b[0].num_rows(), 2);
}

#[test]
fn value_and_serialize_entry_points() {
    #[derive(serde::Serialize)]
    struct Row<'a> {
        id: i64,
        ri: Vec<i64>,
        rrec: Vec<Item<'a>>,
    }
    #[derive(serde::Serialize)]
    struct Item<'a> {
        k: &'a str,
    }
    let p = plan(NESTED);
    let mut w = ArrowWriter::new(&p).unwrap();
    w.push_value(&serde_json::json!({"id": 1, "ri": [2]}))
        .unwrap();
    w.push_serialize(&Row {
        id: 2,
        ri: vec![],
        rrec: vec![Item { k: "z" }],
    })
    .unwrap();
    let e = w.push_value(&serde_json::json!({"id": "one"})).unwrap_err();
    assert_eq!(e.row, 2);
    let b = w.finish().unwrap().remove(0);
    assert_eq!(
        decode_batch(&p, &b).unwrap(),
        [
            r#"{"id":"1","ri":["2"],"rec":null,"rrec":[]}"#,
            r#"{"id":"2","ri":[],"rec":null,"rrec":[{"k":"z","v":null,"vs":[]}]}"#
        ]
    );
}

#[test]
fn ipc_round_trips() {
    let p = plan(NESTED);
    let b = one_batch(&p, NESTED_ROWS);
    let schema_bytes = ipc::serialize_schema(b.schema_ref()).unwrap();
    assert_eq!(
        &ipc::read_schema(&schema_bytes).unwrap(),
        b.schema_ref().as_ref()
    );
    let msg = ipc::serialize_record_batch(&b).unwrap();
    assert_eq!(ipc::read_record_batch(&schema_bytes, &msg).unwrap(), b);
    let stream = ipc::ipc_stream(b.schema_ref(), &[b.clone(), b.clone()]).unwrap();
    let (s, batches) = ipc::read_stream(&stream).unwrap();
    assert_eq!(s, b.schema());
    assert_eq!(batches, vec![b.clone(), b.clone()]);
    let rows = decode_ipc_stream(&p, &stream).unwrap();
    assert_eq!(rows.len(), 8);
    assert_eq!(rows[..4], rows[4..]);
}

#[test]
fn decode_rejects_what_bigquery_would() {
    let p = plan(NESTED);
    let b = one_batch(&p, NESTED_ROWS);
    // A batch of another table: a column of the wrong type.
    let other = plan(r#"[{"name": "id", "type": "STRING", "mode": "REQUIRED"}]"#);
    let e = decode_batch(&other, &b).unwrap_err();
    assert!(e.to_string().starts_with("column "), "{e}");
    // NULL in a REQUIRED column.
    let s = Arc::new(arrow_schema::Schema::new(vec![arrow_schema::Field::new(
        "id",
        DataType::Int64,
        true,
    )]));
    let nulls = RecordBatch::try_new(
        s,
        vec![Arc::new(arrow_array::Int64Array::from(vec![Some(1), None]))],
    )
    .unwrap();
    let id_only = plan(r#"[{"name": "id", "type": "INT64", "mode": "REQUIRED"}]"#);
    let e = decode_batch(&id_only, &nulls).unwrap_err();
    assert_eq!(
        e.to_string(),
        "row 1: id: expected a value for a REQUIRED field, found null"
    );
    // A DATE outside 0001-01-01 … 9999-12-31.
    let d = plan(r#"[{"name": "d", "type": "DATE"}]"#);
    let s = Arc::new(arrow_schema::Schema::new(vec![arrow_schema::Field::new(
        "d",
        DataType::Date32,
        true,
    )]));
    let far = RecordBatch::try_new(
        s,
        vec![Arc::new(arrow_array::Date32Array::from(vec![2_932_897]))],
    )
    .unwrap();
    let e = decode_batch(&d, &far).unwrap_err();
    assert!(e.to_string().starts_with("row 0: d: out of range"), "{e}");
}

#[test]
fn picos_mappings() {
    let s = r#"[{"name": "t", "type": "TIMESTAMP", "timestampPrecision": "12"}]"#;
    let p = plan(s);
    assert!(ArrowWriter::new(&p).is_err());
    let rows = "{\"t\": \"2024-02-29T13:14:15.123456789Z\"}\n{\"t\": \"2024-02-29T13:14:15.123456789012Z\"}\n{\"t\": \"0001-01-01T00:00:00Z\"}\n";
    let nanos = SchemaOptions::new().with_picos(PicosMapping::Nanos);
    let mut w = ArrowWriter::with_options(&p, &nanos).unwrap();
    let out = w.push_ndjson(rows.as_bytes());
    let rows_in_error: Vec<usize> = out.errors.iter().map(|e| e.row).collect();
    assert_eq!(rows_in_error, [1, 2]);
    let b = w.finish().unwrap().remove(0);
    assert_eq!(
        b.schema().field(0).data_type(),
        &DataType::Timestamp(TimeUnit::Nanosecond, Some("UTC".into()))
    );
    assert_eq!(
        decode_batch(&p, &b).unwrap(),
        [r#"{"t":"2024-02-29T13:14:15.123456789000Z"}"#]
    );
    let text = SchemaOptions::new().with_picos(PicosMapping::Text);
    let mut w = ArrowWriter::with_options(&p, &text).unwrap();
    let out = w.push_ndjson(rows.as_bytes());
    assert!(out.errors.is_empty());
    let b = w.finish().unwrap().remove(0);
    assert_eq!(
        b.column(0).as_string::<i32>().value(1),
        "2024-02-29T13:14:15.123456789012Z"
    );
    assert_eq!(decode_batch(&p, &b).unwrap().len(), 3);
}

#[test]
fn required_with_default_may_be_absent() {
    let s = r#"[{"name": "a", "type": "INT64", "mode": "REQUIRED", "defaultValueExpression": "7"},
                {"name": "b", "type": "INT64", "mode": "REQUIRED"}]"#;
    let p = plan(s);
    let b = one_batch(&p, "{\"b\": 1}\n{\"a\": 2, \"b\": 3}\n");
    assert!(b.schema().field(0).is_nullable());
    assert!(!b.schema().field(1).is_nullable());
    assert!(b.column(0).is_null(0));
    assert_eq!(
        decode_batch(&p, &b).unwrap(),
        [r#"{"a":null,"b":"1"}"#, r#"{"a":"2","b":"3"}"#]
    );
}

#[test]
fn schema_of_the_examples() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/schemas/bench10.schema.json"
    ))
    .unwrap();
    let s = table_to_arrow_schema(&schema(&text), &SchemaOptions::new()).unwrap();
    let types: Vec<String> = s
        .fields()
        .iter()
        .map(|f| f.data_type().to_string())
        .collect();
    assert_eq!(
        types,
        [
            "Int64",
            "Utf8",
            "Decimal128(38, 9)",
            "Float64",
            "Boolean",
            "Timestamp(µs, \"UTC\")",
            "Date32",
            "List(non-null Utf8)",
            "Binary",
            "Utf8"
        ]
    );
}

mod all_types {
    //! Types whose value codecs are delivered separately (INTERVAL, RANGE,
    //! GEOGRAPHY, JSON): the example schema and rows of the project.
    use super::*;

    fn example() -> (String, String) {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/schemas/");
        (
            std::fs::read_to_string(format!("{dir}all_types.schema.json")).unwrap(),
            std::fs::read_to_string(format!("{dir}all_types.ndjson")).unwrap(),
        )
    }

    #[test]
    fn every_type_round_trips() {
        let (s, rows) = example();
        let a = arrow_round_trip(&s, &rows);
        assert_eq!(a.len(), rows.lines().count());
        assert_eq!(a, proto_round_trip(&s, &rows));
    }

    #[test]
    fn every_type_values() {
        let (s, rows) = example();
        let p = plan(&s);
        let b = one_batch(&p, &rows);
        let iv = b
            .column_by_name("iv")
            .unwrap()
            .as_primitive::<arrow_array::types::IntervalMonthDayNanoType>()
            .value(0);
        // "1-2 3 4:5:6.789": 14 months, 3 days, 4h5m6.789s.
        assert_eq!((iv.months, iv.days), (14, 3));
        assert_eq!(
            iv.nanoseconds,
            ((4 * 60 + 5) * 60 + 6) * 1_000_000_000 + 789_000_000
        );
        let rd = b.column_by_name("rd").unwrap().as_struct();
        let start = rd.column(0).as_primitive::<Date32Type>();
        assert_eq!(start.value(0), 19723); // 2024-01-01
        let rdt = b.column_by_name("rdt").unwrap().as_struct();
        assert!(rdt.column(1).is_null(0), "an unbounded end is NULL");
        assert!(rdt.is_null(1), "an absent RANGE is NULL");
        let g = b.column_by_name("g").unwrap().as_string::<i32>();
        assert_eq!(g.value(0), "POINT(1 2)");
        let j = b.column_by_name("j").unwrap().as_string::<i32>();
        assert_eq!(j.value(0), r#"{"a":[1,2,{"b":null}]}"#);
    }
}

mod pyarrow {
    //! pyarrow reads what we write; python-bigquery maps the schemas alike.
    //! Runs tests/py/arrow_check.py, which installs pyarrow and
    //! google-cloud-bigquery from PyPI into a virtual environment under
    //! target/ the first time.
    use super::*;
    use std::path::{Path, PathBuf};
    use std::process::Command;

    fn write_case(
        dir: &Path,
        schema_json: &str,
        ndjson: &str,
        options: &SchemaOptions,
        max_rows: usize,
    ) {
        std::fs::create_dir_all(dir).unwrap();
        for entry in std::fs::read_dir(dir).unwrap() {
            std::fs::remove_file(entry.unwrap().path()).unwrap();
        }
        let p = plan(schema_json);
        let mut w = ArrowWriter::with_options(&p, options)
            .unwrap()
            .with_max_rows(max_rows);
        let out = w.push_ndjson(ndjson.as_bytes());
        assert!(out.errors.is_empty(), "{:?}", out.errors);
        std::fs::write(dir.join("schema.json"), schema_json).unwrap();
        let decimals = match options.decimals {
            DecimalMapping::Declared => "declared",
            _ => "base",
        };
        std::fs::write(
            dir.join("options.json"),
            format!("{{\"decimals\": \"{decimals}\"}}"),
        )
        .unwrap();
        let schema_bytes = w.serialized_schema().unwrap();
        std::fs::write(dir.join("schema.msg"), &schema_bytes).unwrap();
        let schema = w.schema();
        let batches = w.finish().unwrap();
        let mut rows = String::new();
        for (i, b) in batches.iter().enumerate() {
            let msg = ipc::serialize_record_batch(b).unwrap();
            std::fs::write(dir.join(format!("batch-{i}.msg")), &msg).unwrap();
            for r in decode_messages(&p, &schema_bytes, &msg).unwrap() {
                rows.push_str(&r);
                rows.push('\n');
            }
        }
        std::fs::write(dir.join("rows.ndjson"), rows).unwrap();
        std::fs::write(
            dir.join("stream.arrows"),
            ipc::ipc_stream(&schema, &batches).unwrap(),
        )
        .unwrap();
    }

    fn example(name: &str) -> String {
        std::fs::read_to_string(format!("{}/schemas/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
    }

    #[test]
    fn pyarrow_reads_our_bytes() {
        if Command::new("python3").arg("--version").output().is_err() {
            println!("skipped: python3 is not installed");
            return;
        }
        let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
        let root = tmp.join("arrow-check");
        let cases: Vec<(&str, String, String, SchemaOptions, usize)> = vec![
            (
                "scalars",
                SCALARS.to_owned(),
                scalar_rows(),
                SchemaOptions::new(),
                2,
            ),
            (
                "nested",
                NESTED.to_owned(),
                NESTED_ROWS.to_owned(),
                SchemaOptions::new(),
                3,
            ),
            (
                "all_types",
                example("all_types.schema.json"),
                example("all_types.ndjson"),
                SchemaOptions::new(),
                usize::MAX,
            ),
            (
                "orders",
                example("orders.schema.json"),
                example("orders.ndjson"),
                SchemaOptions::new(),
                1,
            ),
            (
                "orders_declared",
                example("orders.schema.json"),
                example("orders.ndjson"),
                SchemaOptions::new().with_decimals(DecimalMapping::Declared),
                usize::MAX,
            ),
        ];
        let mut dirs = Vec::new();
        for (name, s, rows, options, max_rows) in &cases {
            let dir = root.join(name);
            write_case(&dir, s, rows, options, *max_rows);
            dirs.push(dir);
        }
        let venv = tmp.parent().unwrap_or(&tmp).join("py-arrow").join("venv");
        let out = Command::new("python3")
            .arg(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/py/arrow_check.py"
            ))
            .arg("--venv")
            .arg(&venv)
            .args(&dirs)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        println!("{stdout}");
        assert!(
            out.status.success(),
            "arrow_check.py failed:\n{stdout}\n{stderr}"
        );
        assert_eq!(stdout.matches(": ok").count(), cases.len(), "{stdout}");
    }
}

mod props {
    //! Round trips on generated rows of every type, nested and repeated.
    use super::*;
    use base64::Engine as _;
    use bqcodec::value::civil::{DateTime, Time};
    use bqcodec::value::interval::Interval;
    use bqcodec::value::timestamp::Timestamp;
    use proptest::prelude::*;
    use serde_json::{Map, Value, json};

    const MIN_DAY: i32 = -719_162;
    const MAX_DAY: i32 = 2_932_896;
    const MIN_US: i64 = -62_135_596_800_000_000;
    const MAX_US: i64 = 253_402_300_799_999_999;

    const SCHEMA: &str = r#"[
      {"name": "b", "type": "BOOL"},
      {"name": "i", "type": "INT64", "mode": "REQUIRED"},
      {"name": "f", "type": "FLOAT64"},
      {"name": "n", "type": "NUMERIC"},
      {"name": "bn", "type": "BIGNUMERIC"},
      {"name": "s", "type": "STRING"},
      {"name": "by", "type": "BYTES"},
      {"name": "d", "type": "DATE"},
      {"name": "dt", "type": "DATETIME"},
      {"name": "t", "type": "TIME"},
      {"name": "ts", "type": "TIMESTAMP"},
      {"name": "g", "type": "GEOGRAPHY"},
      {"name": "j", "type": "JSON"},
      {"name": "iv", "type": "INTERVAL"},
      {"name": "rd", "type": "RANGE", "rangeElementType": {"type": "DATE"}},
      {"name": "rts", "type": "RANGE", "rangeElementType": {"type": "TIMESTAMP"}},
      {"name": "ri", "type": "INT64", "mode": "REPEATED"},
      {"name": "rs", "type": "STRING", "mode": "REPEATED"},
      {"name": "rec", "type": "RECORD", "fields": [
        {"name": "x", "type": "INT64"},
        {"name": "k", "type": "STRING", "mode": "REQUIRED"},
        {"name": "sub", "type": "RECORD", "fields": [
          {"name": "z", "type": "FLOAT64"},
          {"name": "zd", "type": "DATE", "mode": "REPEATED"}
        ]}
      ]},
      {"name": "rrec", "type": "RECORD", "mode": "REPEATED", "fields": [
        {"name": "k", "type": "STRING"},
        {"name": "v", "type": "NUMERIC"},
        {"name": "vs", "type": "TIMESTAMP", "mode": "REPEATED"}
      ]}
    ]"#;

    /// A value, or NULL, or (None) the key left out.
    fn opt(v: impl Strategy<Value = Value>) -> impl Strategy<Value = Option<Value>> {
        prop_oneof![
            6 => v.prop_map(Some),
            1 => Just(Some(Value::Null)),
            1 => Just(None),
        ]
    }

    fn numeric() -> impl Strategy<Value = Value> {
        (-(10i128.pow(38) - 1)..10i128.pow(38)).prop_map(|v| {
            let sign = if v < 0 { "-" } else { "" };
            let a = v.unsigned_abs();
            json!(format!(
                "{sign}{}.{:09}",
                a / 1_000_000_000,
                a % 1_000_000_000
            ))
        })
    }

    fn bignumeric() -> impl Strategy<Value = Value> {
        (any::<i64>(), 0u128..10u128.pow(38)).prop_map(|(i, f)| json!(format!("{i}.{f:038}")))
    }

    fn float() -> impl Strategy<Value = Value> {
        prop_oneof![
            any::<f64>()
                .prop_filter("finite", |f| f.is_finite())
                .prop_map(|f| json!(f)),
            Just(json!("NaN")),
            Just(json!("-Infinity")),
        ]
    }

    fn day() -> impl Strategy<Value = i32> {
        MIN_DAY..=MAX_DAY
    }

    fn micros() -> impl Strategy<Value = i64> {
        MIN_US..=MAX_US
    }

    fn text() -> impl Strategy<Value = String> {
        prop_oneof![".*", "[a-z\"\\\\\n\u{1}é😀]{0,8}"]
    }

    fn json_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i32>().prop_map(|i| json!(i)),
            text().prop_map(Value::String),
        ];
        leaf.prop_recursive(3, 16, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::btree_map("[a-z]{1,3}", inner, 0..4)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    fn row() -> impl Strategy<Value = Value> {
        let scalars = (
            opt(any::<bool>().prop_map(Value::Bool)),
            any::<i64>().prop_map(|i| json!(i.to_string())),
            opt(float()),
            opt(numeric()),
            opt(bignumeric()),
            opt(text().prop_map(Value::String)),
            opt(prop::collection::vec(any::<u8>(), 0..20)
                .prop_map(|b| json!(base64::engine::general_purpose::STANDARD.encode(b)))),
            opt(day().prop_map(|d| json!(d))),
            opt(micros()
                .prop_map(|m| json!(DateTime::from_micros_since_epoch(m).unwrap().to_string()))),
            opt((0..86_400_000_000i64)
                .prop_map(|m| json!(Time::from_micros_since_midnight(m).unwrap().to_string()))),
            opt(micros().prop_map(|m| json!(Timestamp::from_micros(m).unwrap().to_string()))),
        );
        let others = (
            opt((-180i32..=180, -90i32..=90).prop_map(|(x, y)| json!(format!("POINT({x} {y})")))),
            opt(json_value().prop_map(|v| json!(v.to_string()))),
            // INTERVAL keeps microseconds: whole microseconds of nanoseconds.
            opt((
                -120_000i32..=120_000,
                -3_660_000i32..=3_660_000,
                -(i64::MAX / 1000)..=i64::MAX / 1000,
            )
                .prop_map(|(m, d, us)| {
                    json!(
                        Interval::from_month_day_nano(m, d, us * 1000)
                            .unwrap()
                            .to_string()
                    )
                })),
            opt(
                (prop::option::of(day()), prop::option::of(day())).prop_map(|(a, b)| {
                    let (a, b) = match (a, b) {
                        (Some(a), Some(b)) if a == b => (Some(a), None),
                        (Some(a), Some(b)) => (Some(a.min(b)), Some(a.max(b))),
                        other => other,
                    };
                    json!({"start": a, "end": b})
                }),
            ),
            opt(
                (prop::option::of(micros()), prop::option::of(micros())).prop_map(|(a, b)| {
                    let (a, b) = match (a, b) {
                        (Some(a), Some(b)) if a == b => (Some(a), None),
                        (Some(a), Some(b)) => (Some(a.min(b)), Some(a.max(b))),
                        other => other,
                    };
                    let t =
                        |m: Option<i64>| m.map(|m| Timestamp::from_micros(m).unwrap().to_string());
                    json!({"start": t(a), "end": t(b)})
                }),
            ),
            opt(
                prop::collection::vec(any::<i64>().prop_map(|i| json!(i)), 0..4)
                    .prop_map(Value::Array),
            ),
            opt(prop::collection::vec(text().prop_map(Value::String), 0..4).prop_map(Value::Array)),
            opt(rec()),
            opt(prop::collection::vec(item(), 0..3).prop_map(Value::Array)),
        );
        (scalars, others).prop_map(|(a, b)| {
            let names = [
                "b", "i", "f", "n", "bn", "s", "by", "d", "dt", "t", "ts", "g", "j", "iv", "rd",
                "rts", "ri", "rs", "rec", "rrec",
            ];
            let values = [
                a.0,
                Some(a.1),
                a.2,
                a.3,
                a.4,
                a.5,
                a.6,
                a.7,
                a.8,
                a.9,
                a.10,
                b.0,
                b.1,
                b.2,
                b.3,
                b.4,
                b.5,
                b.6,
                b.7,
                b.8,
            ];
            let mut m = Map::new();
            for (k, v) in names.iter().zip(values) {
                if let Some(v) = v {
                    m.insert((*k).to_owned(), v);
                }
            }
            Value::Object(m)
        })
    }

    fn rec() -> impl Strategy<Value = Value> {
        (
            opt(any::<i64>().prop_map(|i| json!(i))),
            text(),
            opt((
                opt(float()),
                opt(prop::collection::vec(day().prop_map(|d| json!(d)), 0..3)
                    .prop_map(Value::Array)),
            )
                .prop_map(|(z, zd)| {
                    let mut m = Map::new();
                    if let Some(z) = z {
                        m.insert("z".into(), z);
                    }
                    if let Some(zd) = zd {
                        m.insert("zd".into(), zd);
                    }
                    Value::Object(m)
                })),
        )
            .prop_map(|(x, k, sub)| {
                let mut m = Map::new();
                m.insert("k".into(), json!(k));
                if let Some(x) = x {
                    m.insert("x".into(), x);
                }
                if let Some(sub) = sub {
                    m.insert("sub".into(), sub);
                }
                Value::Object(m)
            })
    }

    fn item() -> impl Strategy<Value = Value> {
        (
            opt(text().prop_map(Value::String)),
            opt(numeric()),
            opt(prop::collection::vec(micros().prop_map(|m| json!(m)), 0..3)
                .prop_map(Value::Array)),
        )
            .prop_map(|(k, v, vs)| {
                let mut m = Map::new();
                for (name, x) in [("k", k), ("v", v), ("vs", vs)] {
                    if let Some(x) = x {
                        m.insert(name.into(), x);
                    }
                }
                Value::Object(m)
            })
    }

    fn ndjson(rows: &[Value]) -> String {
        rows.iter().map(|r| format!("{r}\n")).collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 96,
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        /// JSON rows → batch → IPC → batch → JSON rows is the protobuf
        /// path's canonical form of the input, the IPC bytes read back to
        /// the same batch, and decoded rows encode again to the same batch.
        #[test]
        fn round_trip(rows in prop::collection::vec(row(), 1..6)) {
            let text = ndjson(&rows);
            let p = plan(SCHEMA);
            let batch = one_batch(&p, &text);
            let schema_bytes = ipc::serialize_schema(batch.schema_ref()).unwrap();
            let msg = ipc::serialize_record_batch(&batch).unwrap();
            let back = ipc::read_record_batch(&schema_bytes, &msg).unwrap();
            prop_assert_eq!(&back, &batch);
            let decoded = decode_batch(&p, &back).unwrap();
            prop_assert_eq!(&decoded, &proto_round_trip(SCHEMA, &text));
            let again = one_batch(&p, &decoded.join("\n"));
            prop_assert_eq!(again, batch);
        }

        /// Damaged IPC bytes are an error or decode to checked rows; never a
        /// panic.
        #[test]
        fn damaged_ipc_never_panics(
            rows in prop::collection::vec(row(), 1..3),
            cuts in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6),
            truncate in any::<prop::sample::Index>(),
        ) {
            let p = plan(SCHEMA);
            let batch = one_batch(&p, &ndjson(&rows));
            let mut stream = ipc::ipc_stream(batch.schema_ref(), std::slice::from_ref(&batch)).unwrap();
            for (at, byte) in &cuts {
                let i = at.index(stream.len());
                stream[i] ^= byte | 1;
            }
            let _ = decode_ipc_stream(&p, &stream);
            // A cut stream reads as fewer batches (a cut at a message
            // boundary is a shorter stream) or fails.
            let whole = ipc::ipc_stream(batch.schema_ref(), std::slice::from_ref(&batch)).unwrap();
            let short = &whole[..truncate.index(whole.len())];
            if let Ok(r) = decode_ipc_stream(&p, short) {
                prop_assert!(r.is_empty(), "{} rows from a cut stream", r.len());
            }
        }

        /// Bad rows anywhere leave the batches exactly as the good rows alone
        /// make them, whatever the cut.
        #[test]
        fn bad_rows_and_cuts(
            rows in prop::collection::vec((row(), 0usize..4), 1..12),
            max_rows in 1usize..5,
            max_bytes in prop_oneof![Just(usize::MAX), 1024usize..6000],
        ) {
            let p = plan(SCHEMA);
            let mut good = Vec::new();
            let mut mixed = String::new();
            for (r, spoil) in &rows {
                let mut bad = r.clone();
                match spoil {
                    0 => bad["i"] = json!("x"),
                    1 => bad["rrec"] = json!([{"k": "a", "vs": [1, 2]}, {"vs": ["bad"]}]),
                    2 => bad["rec"] = json!({"x": 1, "sub": {"zd": [1, 2, 9999999]}, "k": "q"}),
                    _ => bad["unknown"] = json!(1),
                }
                mixed.push_str(&format!("{bad}\n{r}\n"));
                good.push(r.clone());
            }
            let mut w = ArrowWriter::new(&p).unwrap().with_max_rows(max_rows).with_max_bytes(max_bytes);
            let out = w.push_ndjson(mixed.as_bytes());
            // Every spoiled row fails; a good row fails only when it alone
            // is over the byte limit.
            let mut too_long = Vec::new();
            for e in &out.errors {
                if e.row % 2 == 1 {
                    prop_assert!(matches!(e.error, ValueError::TooLong { .. }), "{}", e);
                    too_long.push(e.row);
                }
            }
            prop_assert_eq!(out.errors.len(), rows.len() + too_long.len());
            let good: Vec<Value> = good
                .into_iter()
                .enumerate()
                .filter(|(i, _)| !too_long.contains(&(2 * i + 1)))
                .map(|(_, r)| r)
                .collect();
            let mut decoded = Vec::new();
            let mut inputs = Vec::new();
            for b in w.finish_batches().unwrap() {
                prop_assert!(b.batch.num_rows() <= max_rows);
                let size = ipc::serialize_record_batch(&b.batch).unwrap().len();
                prop_assert!(b.batch.num_rows() == 1 || size <= max_bytes.min(1 << 27));
                inputs.extend(b.input_rows.iter().copied());
                decoded.extend(decode_batch(&p, &b.batch).unwrap());
            }
            let expected: Vec<usize> =
                (0..rows.len()).map(|i| 2 * i + 1).filter(|r| !too_long.contains(r)).collect();
            prop_assert_eq!(inputs, expected);
            if !good.is_empty() {
                let alone = decode_batch(&p, &one_batch(&p, &ndjson(&good))).unwrap();
                prop_assert_eq!(decoded, alone);
            }
        }
    }
}
