//! insertAll end to end: every type's form through the public API, request
//! bodies, targets, responses, the CLI, and the differential against
//! python-bigquery's own formatting (run when python3 is available; the
//! test installs what it needs under target/py, or set BQCODEC_SKIP_PY=1).
#![allow(clippy::unwrap_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;

use bqcodec::TableSchema;
use bqcodec::insert_all::{
    BatchLimits, Disposition, InsertAllOptions, InsertAllTarget, InsertAllWriter, InsertIds,
    parse_response, parse_value_json,
};
use bqcodec::plan::{UnknownKeys, WalkOptions};
use bqcodec::value::civil::Date;
use bqcodec::value::{Codec, Policy};
use serde_json::Value;

const MANIFEST: &str = env!("CARGO_MANIFEST_DIR");

/// Every type, nested and repeated (the peers' all-types schema, with
/// TIMESTAMP(12) added).
const ALL_TYPES: &str = r#"[
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
  {"name": "ts", "type": "TIMESTAMP"},
  {"name": "tp", "type": "TIMESTAMP", "timestampPrecision": "12"},
  {"name": "g", "type": "GEOGRAPHY"},
  {"name": "j", "type": "JSON"},
  {"name": "iv", "type": "INTERVAL"},
  {"name": "rd", "type": "RANGE", "rangeElementType": {"type": "DATE"}},
  {"name": "rdt", "type": "RANGE", "rangeElementType": {"type": "DATETIME"}},
  {"name": "rts", "type": "RANGE", "rangeElementType": {"type": "TIMESTAMP"}},
  {"name": "ri", "type": "INTEGER", "mode": "REPEATED"},
  {"name": "rec", "type": "RECORD", "fields": [
    {"name": "x", "type": "INTEGER"},
    {"name": "sub", "type": "RECORD", "fields": [
      {"name": "z", "type": "FLOAT"},
      {"name": "zd", "type": "DATE", "mode": "REPEATED"}]}]},
  {"name": "rrec", "type": "RECORD", "mode": "REPEATED", "fields": [
    {"name": "k", "type": "STRING"}, {"name": "v", "type": "INTEGER"}]}
]"#;

fn writer(schema: &str, ids: InsertIds, options: InsertAllOptions) -> InsertAllWriter {
    let schema = TableSchema::from_json(schema).unwrap_or_else(|e| panic!("{e}"));
    InsertAllWriter::new(&schema, WalkOptions::new(), ids, options)
        .unwrap_or_else(|e| panic!("{e}"))
}

fn row_text(w: &InsertAllWriter, row: &str) -> String {
    w.encode_json(row.as_bytes(), 0)
        .unwrap_or_else(|e| panic!("{e}"))
        .0
}

#[test]
fn every_type_in_its_insert_all_form() {
    // Expected forms: "Use the legacy streaming API" (date/time and range
    // sections, NUMERIC quoted), the module table for the rest.
    let w = writer(ALL_TYPES, InsertIds::None, InsertAllOptions::new());
    let row = r#"{"rrec": [{"v": 1, "k": "one"}, {"k": "two", "v": null}], "rec": {"sub": {"zd": ["1970-01-01", "1969-12-31"], "z": -0.25}, "x": 42},
        "ri": [1, "-2", 3], "rts": {"start": null, "end": "2024-01-01T00:00:00+01:00"}, "rdt": "[2024-01-01 00:00:00, UNBOUNDED)",
        "rd": {"start": "2024-01-01", "end": "2024-12-31"}, "iv": "P1Y2M3DT4H5M6.789S", "j": {"a": [1, 2, {"b": null}]},
        "g": {"type": "Point", "coordinates": [1, 2]}, "tp": "2024-02-29T13:14:15.123456789012Z", "ts": 1709212455123456,
        "t": "23:59:59.999999", "dt": "2024-02-29T13:14:15.123456", "d": "2024-02-29", "by": "AAEC/w==", "s": "h\u00e9llo\n",
        "bn": "-1.00000000000000000000000000000000000001", "n": 123.456789012, "f": 1.5, "i": "9007199254740993", "b": true}"#;
    assert_eq!(
        row_text(&w, row),
        concat!(
            r#"{"b":true,"i":"9007199254740993","f":1.5,"n":"123.456789012","#,
            r#""bn":"-1.00000000000000000000000000000000000001","s":"héllo\n","by":"AAEC/w==","#,
            r#""d":"2024-02-29","dt":"2024-02-29 13:14:15.123456","t":"23:59:59.999999","#,
            r#""ts":"2024-02-29 13:14:15.123456","tp":"2024-02-29 13:14:15.123456789012","#,
            r#""g":"POINT(1 2)","j":"{\"a\":[1,2,{\"b\":null}]}","iv":"1-2 3 4:5:6.789","#,
            r#""rd":{"start":"2024-01-01","end":"2024-12-31"},"#,
            r#""rdt":{"start":"2024-01-01 00:00:00","end":null},"#,
            r#""rts":{"start":null,"end":"2023-12-31 23:00:00"},"#,
            r#""ri":["1","-2","3"],"rec":{"x":"42","sub":{"z":-0.25,"zd":["1970-01-01","1969-12-31"]}},"#,
            r#""rrec":[{"k":"one","v":"1"},{"k":"two"}]}"#
        )
    );
    // Non-finite floats, extremes, the minimal row.
    assert_eq!(
        row_text(&w, r#"{"i": 0, "f": "NaN"}"#),
        r#"{"i":"0","f":"NaN"}"#
    );
    assert_eq!(
        row_text(&w, r#"{"i": 0, "f": "-Infinity"}"#),
        r#"{"i":"0","f":"-Infinity"}"#
    );
    assert_eq!(
        row_text(&w, r#"{"i": 0, "f": 5e-324}"#),
        r#"{"i":"0","f":5e-324}"#
    );
    assert_eq!(
        row_text(
            &w,
            r#"{"i": -1, "ts": "0001-01-01T00:00:00Z", "dt": "9999-12-31 23:59:59.999999"}"#
        ),
        r#"{"i":"-1","dt":"9999-12-31 23:59:59.999999","ts":"0001-01-01 00:00:00"}"#
    );
    assert_eq!(
        row_text(&w, r#"{"i": 1, "ri": [], "rec": null}"#),
        r#"{"i":"1"}"#
    );
}

#[test]
fn every_form_reads_back() {
    // value → insertAll JSON → value is the identity, for every type.
    let w = writer(ALL_TYPES, InsertIds::None, InsertAllOptions::new());
    let schema = TableSchema::from_json(ALL_TYPES).unwrap_or_else(|e| panic!("{e}"));
    let row = r#"{"b": false, "i": "-9223372036854775808", "f": -0.0, "n": "-0.000000001", "bn": "578960446186580977117854925043439539266.34992332820282019728792003956564819967",
        "s": "\u0000\"", "by": "", "d": "0001-01-01", "dt": "2024-01-01", "t": "00:00:00", "ts": "9999-12-31T23:59:59.999999Z",
        "tp": "1970-01-01T00:00:00.000000000001Z", "g": "LINESTRING(0 0, 1 1)", "j": "[]", "iv": "-10000-0 0 0:0:0",
        "rd": "[UNBOUNDED, UNBOUNDED)", "rdt": {"start": "0001-01-01 00:00:00", "end": "0001-01-01 00:00:00.000001"},
        "rts": {"start": "2024-01-01T00:00:00Z", "end": null}}"#;
    let text = row_text(&w, row);
    let json: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}"));
    let original: Value = serde_json::from_str(row).unwrap_or_else(|e| panic!("{e}"));
    for f in &schema.fields {
        let Some(codec) = Codec::for_field(f) else {
            continue;
        };
        let (Some(ours), Some(given)) = (json.get(&f.name), original.get(&f.name)) else {
            continue;
        };
        let back = parse_value_json(&codec, ours, &Policy::new())
            .unwrap_or_else(|e| panic!("{}: {e}", f.name));
        let want = codec
            .parse_value(given, &Policy::new())
            .unwrap_or_else(|e| panic!("{}: {e}", f.name));
        assert_eq!(back.to_canonical(), want.to_canonical(), "{}", f.name);
    }
}

#[test]
fn bodies_batch_and_map_back_to_input_rows() {
    let limits = BatchLimits::new()
        .with_max_rows(3)
        .unwrap_or_else(|e| panic!("{e}"));
    let w = writer(
        r#"[{"name": "id", "type": "STRING"}, {"name": "v", "type": "INT64"}]"#,
        InsertIds::Column("id".into()),
        InsertAllOptions::new()
            .with_skip_invalid_rows(false)
            .with_limits(limits),
    );
    let mut ndjson = String::new();
    for i in 0..10 {
        if i == 4 {
            ndjson.push_str("{\"id\": \"bad\", \"v\": \"x\"}\n");
        } else {
            ndjson.push_str(&format!("{{\"id\": \"r{i}\", \"v\": {i}}}\n"));
        }
    }
    let (bodies, outcome) = w.encode_ndjson(ndjson.as_bytes(), 100);
    assert_eq!(
        (outcome.rows, outcome.written, outcome.errors.len()),
        (10, 9, 1)
    );
    assert_eq!(outcome.errors[0].row, 104);
    let inputs: Vec<Vec<usize>> = bodies.iter().map(|b| b.input_rows().to_vec()).collect();
    assert_eq!(
        inputs,
        vec![
            vec![100, 101, 102],
            vec![103, 105, 106],
            vec![107, 108, 109]
        ]
    );
    let body: Value = serde_json::from_str(bodies[1].body()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(body["skipInvalidRows"], Value::Bool(false));
    assert_eq!(body["rows"][1]["insertId"], "r5");
    assert_eq!(
        body["rows"][1]["json"],
        serde_json::json!({"id": "r5", "v": "5"})
    );
    // A response for the second body: row 1 invalid, the others stopped.
    let response = r#"{"kind": "bigquery#tableDataInsertAllResponse", "insertErrors": [
        {"index": 0, "errors": [{"reason": "stopped", "location": "", "debugInfo": "", "message": ""}]},
        {"index": 1, "errors": [{"reason": "invalid", "location": "v", "debugInfo": "", "message": "no such field."}]},
        {"index": 2, "errors": [{"reason": "stopped", "location": "", "debugInfo": "", "message": ""}]}]}"#;
    let failures = parse_response(response, &bodies[1]).unwrap_or_else(|e| panic!("{e}"));
    let summary: Vec<(usize, Disposition)> = failures
        .iter()
        .map(|f| (f.input_row, f.disposition))
        .collect();
    assert_eq!(
        summary,
        vec![
            (103, Disposition::Resend),
            (105, Disposition::Fix),
            (106, Disposition::Resend)
        ]
    );
    let resend: Vec<usize> = failures
        .iter()
        .filter(|f| f.is_retryable())
        .map(|f| f.input_row)
        .collect();
    assert_eq!(resend, vec![103, 106]);
}

#[test]
fn unknown_keys_dropped_locally_and_flagged_in_the_body() {
    let schema = TableSchema::from_json(r#"[{"name": "a", "type": "INT64"}]"#)
        .unwrap_or_else(|e| panic!("{e}"));
    let w = InsertAllWriter::new(
        &schema,
        WalkOptions::new().with_unknown_keys(UnknownKeys::Ignore),
        InsertIds::None,
        InsertAllOptions::new().with_ignore_unknown_values(true),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let (bodies, outcome) = w.encode_ndjson(b"{\"a\": 1, \"zz\": [1, {\"q\": 2}]}\n", 0);
    assert!(outcome.errors.is_empty());
    assert_eq!(
        bodies[0].body(),
        r#"{"kind":"bigquery#tableDataInsertAllRequest","ignoreUnknownValues":true,"rows":[{"json":{"a":"1"}}]}"#
    );
}

#[test]
fn targets() {
    let today = Date::from_ymd(2024, 3, 1).unwrap_or_else(|e| panic!("{e}"));
    let t = InsertAllTarget::parse("my-project.my_dataset.events$20240215", today)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        t.path(),
        "projects/my-project/datasets/my_dataset/tables/events%2420240215/insertAll"
    );
    assert!(InsertAllTarget::parse("my-project.my_dataset.events$2024021500", today).is_err());
    assert!(InsertAllTarget::parse("my-project.my_dataset.events$20240401", today).is_err());
}

// ---------------------------------------------------------------------------
// The python-bigquery differential
// ---------------------------------------------------------------------------

/// The venv's python (installing it under target/py on first use), or None
/// when python3 is missing or BQCODEC_SKIP_PY is set.
fn python_env() -> Option<PathBuf> {
    if std::env::var_os("BQCODEC_SKIP_PY").is_some() {
        eprintln!("BQCODEC_SKIP_PY set: python differential skipped");
        return None;
    }
    if Command::new("python3").arg("--version").output().is_err() {
        eprintln!("python3 not found: python differential skipped");
        return None;
    }
    let out = Command::new("bash")
        .arg(Path::new(MANIFEST).join("tests/py/venv.sh"))
        .output()
        .unwrap_or_else(|e| panic!("cannot run tests/py/venv.sh: {e}"));
    assert!(
        out.status.success(),
        "tests/py/venv.sh failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()))
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = Path::new(MANIFEST)
        .join("target/tmp")
        .join(format!("{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    dir
}

/// python-bigquery's `json` object for each row.
fn python_rows(python: &Path, schema: &str, rows: &str, typed: bool) -> Vec<Value> {
    // Tests run in parallel: every call gets its own directory.
    static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = temp_dir(&format!("insert-all-py-{n}"));
    std::fs::write(dir.join("schema.json"), schema).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(dir.join("rows.ndjson"), rows).unwrap_or_else(|e| panic!("{e}"));
    let mut cmd = Command::new(python);
    cmd.arg(Path::new(MANIFEST).join("tests/py/insert_all_values.py"))
        .arg(dir.join("schema.json"))
        .arg(dir.join("rows.ndjson"));
    if typed {
        cmd.arg("--typed");
    }
    let out = cmd.output().unwrap_or_else(|e| panic!("{e}"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

/// The types where python-bigquery's typed formatting is right, with
/// values at their edges.
const DIFF_SCHEMA: &str = r#"[
  {"name": "b", "type": "BOOLEAN"},
  {"name": "i", "type": "INTEGER"},
  {"name": "f", "type": "FLOAT"},
  {"name": "n", "type": "NUMERIC"},
  {"name": "bn", "type": "BIGNUMERIC"},
  {"name": "s", "type": "STRING"},
  {"name": "by", "type": "BYTES"},
  {"name": "d", "type": "DATE"},
  {"name": "dt", "type": "DATETIME"},
  {"name": "t", "type": "TIME"},
  {"name": "ts", "type": "TIMESTAMP"},
  {"name": "j", "type": "JSON"},
  {"name": "rd", "type": "RANGE", "rangeElementType": {"type": "DATE"}},
  {"name": "rdt", "type": "RANGE", "rangeElementType": {"type": "DATETIME"}},
  {"name": "rts", "type": "RANGE", "rangeElementType": {"type": "TIMESTAMP"}},
  {"name": "ri", "type": "INTEGER", "mode": "REPEATED"},
  {"name": "rec", "type": "RECORD", "fields": [
    {"name": "x", "type": "INTEGER"},
    {"name": "sub", "type": "RECORD", "fields": [{"name": "z", "type": "FLOAT"}, {"name": "zd", "type": "DATE", "mode": "REPEATED"}]}]},
  {"name": "rrec", "type": "RECORD", "mode": "REPEATED", "fields": [{"name": "k", "type": "STRING"}, {"name": "v", "type": "INTEGER"}]}
]"#;

const DIFF_ROWS: &str = concat!(
    r#"{"b": true, "i": "9007199254740993", "f": 1.5, "n": "123.456789012", "bn": "-1.00000000000000000000000000000000000001", "s": "héllo \"q\" \\ ☃", "by": "AAEC/w==", "d": "2024-02-29", "dt": "2024-02-29 13:14:15.123456", "t": "23:59:59.999999", "ts": "2024-02-29T13:14:15.123456Z", "j": "{\"a\":[1,2,{\"b\":null}]}", "rd": {"start": "2024-01-01", "end": "2024-12-31"}, "rdt": {"start": "2024-01-01 00:00:00", "end": null}, "rts": {"start": null, "end": "2024-01-01T00:00:00Z"}, "ri": [1, -2, 3], "rec": {"x": 42, "sub": {"z": -0.25, "zd": ["1970-01-01", "1969-12-31"]}}, "rrec": [{"k": "one", "v": 1}, {"k": "two", "v": null}]}"#,
    "\n",
    r#"{"b": false, "i": "-9223372036854775808", "f": -0.0, "n": "0", "bn": "0.00000000000000000000000000000000000001", "s": "", "by": "", "d": "0001-01-01", "dt": "9999-12-31 23:59:59.999999", "t": "00:00:00", "ts": "1969-12-31T23:59:59.999999Z", "j": "[1, \"x\", true]", "ri": [], "rrec": []}"#,
    "\n",
    r#"{"i": "9223372036854775807", "f": 1e308, "n": "-99999999999999999999999999999.999999999", "d": "9999-12-31", "dt": "1000-01-01 00:00:00", "t": "12:00:00.000001", "ts": "1000-01-01T00:00:00Z", "j": "1.5", "rec": {"x": null, "sub": null}}"#,
    "\n",
    r#"{"f": 5e-324, "ts": "9999-12-31T23:59:59.999999Z", "n": "0.000000001", "t": "01:02:03", "rts": {"start": "2024-02-29T13:14:15.5Z", "end": "2024-03-01T00:00:00Z"}}"#,
    "\n",
);

/// Compares python's and our value for one field, semantically (both read
/// back through our codecs: python's forms must be accepted too) and, for
/// the types whose text both write the same, exactly.
fn compare(path: &str, field: &bqcodec::Field, ours: Option<&Value>, theirs: Option<&Value>) {
    use bqcodec::{FieldType, Mode};
    let null = Value::Null;
    let ours = ours.unwrap_or(&null);
    let theirs = theirs.unwrap_or(&null);
    if field.mode == Mode::Repeated {
        let empty = Vec::new();
        let o = ours.as_array().unwrap_or(&empty);
        let t = theirs.as_array().unwrap_or(&empty);
        assert_eq!(o.len(), t.len(), "{path}: {ours} vs {theirs}");
        let mut single = field.clone();
        single.mode = Mode::Nullable;
        for (k, (a, b)) in o.iter().zip(t).enumerate() {
            compare(&format!("{path}[{k}]"), &single, Some(a), Some(b));
        }
        return;
    }
    if ours.is_null() || theirs.is_null() {
        assert!(
            ours.is_null() && theirs.is_null(),
            "{path}: {ours} vs {theirs}"
        );
        return;
    }
    if field.field_type == FieldType::Record {
        for sub in &field.fields {
            compare(
                &format!("{path}.{}", sub.name),
                sub,
                ours.get(&sub.name),
                theirs.get(&sub.name),
            );
        }
        return;
    }
    let Some(codec) = Codec::for_field(field) else {
        return;
    };
    let p = Policy::new();
    let a =
        parse_value_json(&codec, ours, &p).unwrap_or_else(|e| panic!("{path}: ours {ours}: {e}"));
    let b = parse_value_json(&codec, theirs, &p)
        .unwrap_or_else(|e| panic!("{path}: python's {theirs} is not accepted: {e}"));
    match (&a, &b) {
        (bqcodec::Scalar::Float64(x), bqcodec::Scalar::Float64(y)) => {
            assert_eq!(x.to_bits(), y.to_bits(), "{path}: {ours} vs {theirs}")
        }
        _ => assert_eq!(
            a.to_canonical(),
            b.to_canonical(),
            "{path}: {ours} vs {theirs}"
        ),
    }
    if matches!(
        field.field_type,
        FieldType::Int64 | FieldType::String | FieldType::Bytes | FieldType::Date | FieldType::Time
    ) {
        assert_eq!(ours, theirs, "{path}: same text expected");
    }
}

#[test]
fn python_bigquery_differential() {
    let Some(python) = python_env() else { return };
    let w = writer(DIFF_SCHEMA, InsertIds::None, InsertAllOptions::new());
    let schema = TableSchema::from_json(DIFF_SCHEMA).unwrap_or_else(|e| panic!("{e}"));
    let (rows, outcome) = w.encode_rows_ndjson(DIFF_ROWS.as_bytes(), 0);
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
    let theirs = python_rows(&python, DIFF_SCHEMA, DIFF_ROWS, true);
    assert_eq!(theirs.len(), rows.len());
    for (i, t) in theirs.iter().enumerate() {
        let ours: Value =
            serde_json::from_str(rows.row(i).unwrap_or("{}")).unwrap_or_else(|e| panic!("{e}"));
        for f in &schema.fields {
            compare(
                &format!("row {i}: {}", f.name),
                f,
                ours.get(&f.name),
                t.get(&f.name),
            );
        }
    }
}

#[test]
fn python_bigquery_is_wrong_where_documented() {
    let Some(python) = python_env() else { return };
    let schema = r#"[{"name": "j", "type": "JSON"}, {"name": "g", "type": "GEOGRAPHY"},
        {"name": "iv", "type": "INTERVAL"}, {"name": "f", "type": "FLOAT"}, {"name": "d", "type": "DATE"}]"#;
    let w = writer(schema, InsertIds::None, InsertAllOptions::new());
    // 1. A JSON column given as a string: python-bigquery double-encodes it
    //    (a JSON string holding the text); we send the JSON text.
    let theirs = python_rows(&python, schema, "{\"j\": \"{\\\"a\\\":1}\"}\n", false);
    assert_eq!(theirs[0]["j"], Value::String("\"{\\\"a\\\":1}\"".into()));
    assert_eq!(
        row_text(&w, r#"{"j": "{\"a\":1}"}"#),
        r#"{"j":"{\"a\":1}"}"#
    );
    // 2. GEOGRAPHY and INTERVAL pass through unchecked; we reject them.
    let theirs = python_rows(
        &python,
        schema,
        "{\"g\": \"POINT(1)\", \"iv\": \"soon\"}\n",
        false,
    );
    assert_eq!(
        theirs[0],
        serde_json::json!({"g": "POINT(1)", "iv": "soon"})
    );
    assert!(w.encode_json(br#"{"g": "POINT(1)"}"#, 0).is_err());
    assert!(w.encode_json(br#"{"iv": "soon"}"#, 0).is_err());
    // 3. Non-finite floats in Python's spelling.
    let theirs = python_rows(
        &python,
        schema,
        "{\"f\": \"NaN\"}\n{\"f\": \"-Infinity\"}\n",
        true,
    );
    assert_eq!(theirs[0]["f"], "nan");
    assert_eq!(theirs[1]["f"], "-inf");
    assert_eq!(row_text(&w, r#"{"f": "NaN"}"#), r#"{"f":"NaN"}"#);
    // 4. Years before 1000 lose their zero padding (strftime's %Y on glibc):
    //    DATETIME and TIMESTAMP "1-01-01T00:00:00.000000", not BigQuery text.
    let schema_dt = r#"[{"name": "dt", "type": "DATETIME"}, {"name": "ts", "type": "TIMESTAMP"}]"#;
    let theirs = python_rows(
        &python,
        schema_dt,
        "{\"dt\": \"0001-01-01 00:00:00\", \"ts\": \"0999-12-31T23:59:59Z\"}\n",
        true,
    );
    assert_eq!(theirs[0]["dt"], "1-01-01T00:00:00.000000");
    assert_eq!(theirs[0]["ts"], "999-12-31T23:59:59.000000Z");
    let w_dt = writer(schema_dt, InsertIds::None, InsertAllOptions::new());
    assert_eq!(
        row_text(
            &w_dt,
            r#"{"dt": "0001-01-01 00:00:00", "ts": "0999-12-31T23:59:59Z"}"#
        ),
        r#"{"dt":"0001-01-01 00:00:00","ts":"0999-12-31 23:59:59"}"#
    );
    // 5. Untyped values are not checked at all.
    let theirs = python_rows(&python, schema, "{\"d\": \"2024-02-30\"}\n", false);
    assert_eq!(theirs[0]["d"], "2024-02-30");
    assert!(w.encode_json(br#"{"d": "2024-02-30"}"#, 0).is_err());
}

// ---------------------------------------------------------------------------
// The CLI
// ---------------------------------------------------------------------------

#[cfg(feature = "cli")]
mod cli {
    use super::*;
    use std::process::Output;

    fn bqcodec(args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_bqcodec"))
            .args(args)
            .current_dir(MANIFEST)
            .output()
            .unwrap_or_else(|e| panic!("cannot run bqcodec: {e}"))
    }

    fn files(rows: &str) -> (PathBuf, PathBuf) {
        static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = temp_dir(&format!("insert-all-cli-{n}"));
        let schema = dir.join(format!("s{}.json", rows.len()));
        let input = dir.join(format!("r{}.ndjson", rows.len()));
        std::fs::write(
            &schema,
            r#"[{"name": "id", "type": "STRING"}, {"name": "n", "type": "NUMERIC"}]"#,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(&input, rows).unwrap_or_else(|e| panic!("{e}"));
        (schema, input)
    }

    fn run(rows: &str, extra: &[&str]) -> (i32, String, String) {
        let (schema, input) = files(rows);
        let mut args = vec![
            "encode",
            "--format",
            "insert-all",
            "--schema",
            schema.to_str().unwrap_or_default(),
            "--input",
            input.to_str().unwrap_or_default(),
        ];
        args.extend_from_slice(extra);
        let o = bqcodec(&args);
        (
            o.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&o.stdout).into_owned(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    }

    #[test]
    fn bodies_as_json_lines() {
        let (code, out, err) = run(
            "{\"id\": \"a\", \"n\": 1.50}\n{\"n\": \"2\", \"id\": \"b\"}\n",
            &[],
        );
        assert_eq!(code, 0, "{err}");
        assert_eq!(
            out,
            "{\"kind\":\"bigquery#tableDataInsertAllRequest\",\"rows\":[{\"json\":{\"id\":\"a\",\"n\":\"1.5\"}},{\"json\":{\"id\":\"b\",\"n\":\"2\"}}]}\n"
        );
    }

    #[test]
    fn bad_rows_and_skip_invalid() {
        let rows = "{\"id\": \"a\", \"n\": 1}\n{\"id\": \"b\", \"n\": \"x\"}\n";
        let (code, out, err) = run(rows, &[]);
        assert_eq!((code, out.as_str()), (1, ""));
        assert!(err.starts_with("row 1: n: expected NUMERIC"), "{err}");
        let (code, out, _) = run(
            rows,
            &[
                "--skip-invalid",
                "--insert-id",
                "column:id",
                "--template-suffix",
                "_2024",
            ],
        );
        assert_eq!(code, 1);
        assert_eq!(
            out,
            "{\"kind\":\"bigquery#tableDataInsertAllRequest\",\"skipInvalidRows\":true,\"templateSuffix\":\"_2024\",\"rows\":[{\"insertId\":\"a\",\"json\":{\"id\":\"a\",\"n\":\"1\"}}]}\n"
        );
    }

    #[test]
    fn option_errors() {
        let rows = "{\"id\": \"a\"}\n";
        for (flags, needle) in [
            (&["--template-suffix", "a-b"][..], "--template-suffix"),
            (&["--insert-id", "uuid"][..], "--insert-id"),
            (&["--insert-id", "column:nope"][..], "insertId column"),
            (&["--partition", "2024010100"][..], "hourly"),
            (&["--partition", "20000101"][..], "31 days before"),
            (&["--cdc"][..], "--cdc"),
        ] {
            let (code, out, err) = run(rows, flags);
            assert_eq!((code, out.as_str()), (1, ""), "{flags:?}");
            assert!(err.contains(needle), "{flags:?}: {err}");
        }
        let (code, _, err) = run("{\"n\": 1}\n", &["--insert-id", "column:id"]);
        assert_eq!(code, 1);
        assert!(err.contains("row 0: id: expected a value"), "{err}");
    }
}
