//! The `bqcodec` binary, run as users run it.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]
#![cfg(feature = "cli")]

use std::process::{Command, Output};

fn bqcodec(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_bqcodec"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap_or_else(|e| panic!("cannot run bqcodec: {e}"))
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// `value TYPE LITERAL --as FORM` → (exit code, stdout line or stderr line)
fn value_as(ty: &str, literal: &str, form: &str) -> (i32, String) {
    let o = bqcodec(&["value", ty, literal, "--as", form]);
    let code = o.status.code().unwrap_or(-1);
    let text = if code == 0 { stdout(&o) } else { stderr(&o) };
    (code, text.trim_end().to_owned())
}

fn value_from(ty: &str, form: &str, encoded: &str) -> (i32, String) {
    let o = bqcodec(&["value", ty, "--from", form, encoded]);
    let code = o.status.code().unwrap_or(-1);
    let text = if code == 0 { stdout(&o) } else { stderr(&o) };
    (code, text.trim_end().to_owned())
}

#[test]
fn schema_check_accepts_the_examples() {
    let o = bqcodec(&[
        "schema",
        "check",
        "schemas/orders.schema.json",
        "schemas/all_types.schema.json",
        "schemas/bench10.schema.json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert_eq!(stdout(&o), "");
}

#[test]
fn schema_check_reports_every_problem_with_file_and_path() {
    let o = bqcodec(&["schema", "check", "schemas/invalid/problems.schema.json"]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines.len() >= 6, "{out}");
    for l in &lines {
        assert!(
            l.starts_with("schemas/invalid/problems.schema.json: "),
            "{l}"
        );
    }
    for path in ["ID", "_PARTITIONTIME", "price", "when", "bad", "r"] {
        assert!(
            lines.iter().any(|l| l.contains(&format!(": {path}: "))),
            "no problem reported for {path}: {out}"
        );
    }
}

#[test]
fn schema_check_missing_file_fails() {
    let o = bqcodec(&["schema", "check", "schemas/nope.json"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).starts_with("schemas/nope.json: "));
}

#[test]
fn value_forms_both_ways() {
    // NUMERIC 1.5 = 1500000000 × 10^-9 = 0x59682F00, little-endian, minimal.
    assert_eq!(value_as("NUMERIC", "1.5", "bytes"), (0, "002f6859".into()));
    assert_eq!(
        value_from("NUMERIC", "bytes", "002f6859"),
        (0, "1.5".into())
    );
    assert_eq!(value_as("NUMERIC", "0", "bytes"), (0, "00".into()));
    assert_eq!(value_as("DATE", "2024-02-29", "days"), (0, "19782".into()));
    assert_eq!(
        value_from("DATE", "days", "19782"),
        (0, "2024-02-29".into())
    );
    assert_eq!(
        value_as("INT64", "9223372036854775807", "insert-all"),
        (0, "\"9223372036854775807\"".into())
    );
    assert_eq!(
        value_as("TIMESTAMP", "1970-01-01T00:00:01.5Z", "micros"),
        (0, "1500000".into())
    );
    assert_eq!(
        value_from("TIMESTAMP", "micros", "1500000"),
        (0, "1970-01-01T00:00:01.500000Z".into())
    );
}

#[test]
fn civil_time_packing_round_trips() {
    let (code, packed) = value_as("DATETIME", "2024-02-29 13:14:15.123456", "packed-micros");
    assert_eq!(code, 0);
    let p: i64 = packed.parse().unwrap_or_else(|_| panic!("{packed}"));
    // year<<46 | month<<42 | day<<37 | hour<<32 | minute<<26 | second<<20 | micros
    let expect =
        (2024i64 << 46) | (2 << 42) | (29 << 37) | (13 << 32) | (14 << 26) | (15 << 20) | 123456;
    assert_eq!(p, expect);
    assert_eq!(
        value_from("DATETIME", "packed-micros", &packed),
        (0, "2024-02-29T13:14:15.123456".into())
    );
    let (code, _) = value_as("TIME", "12:00:00.5", "packed-seconds");
    assert_eq!(code, 1, "sub-second TIME must not pack to seconds silently");
}

#[test]
fn rejected_values_exit_1_with_one_line() {
    for (ty, lit) in [
        ("INT64", "1.5"),
        ("NUMERIC", "1.0000000001"),
        ("NUMERIC(10,2)", "1.005"),
        ("DATE", "2023-02-29"),
        ("RANGE<DATE>", "[2024-02-01, 2024-01-01)"),
        ("STRING(2)", "abc"),
    ] {
        let (code, msg) = value_as(ty, lit, "canonical");
        assert_eq!(code, 1, "{ty} {lit} accepted: {msg}");
        assert_eq!(msg.lines().count(), 1, "{msg}");
        assert!(msg.contains("expected"), "{msg}");
    }
}

#[test]
fn rounding_is_opt_in() {
    assert_eq!(value_as("NUMERIC(10,2)", "1.005", "canonical").0, 1);
    let o = bqcodec(&[
        "value",
        "NUMERIC(10,2)",
        "1.005",
        "--rounding",
        "half-away-from-zero",
    ]);
    assert_eq!(stdout(&o).trim_end(), "1.01");
}

#[test]
fn form_that_does_not_apply_is_an_error() {
    let (code, msg) = value_as("INT64", "5", "days");
    assert_eq!(code, 1);
    assert!(msg.contains("days"), "{msg}");
}

#[test]
fn encode_reports_bad_rows_with_path_and_keeps_good_ones() {
    let dir = std::env::temp_dir().join(format!("bqcodec-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let rows = dir.join("rows.ndjson");
    std::fs::write(
        &rows,
        "{\"order_id\": 1, \"placed_at\": 0, \"items\": [{\"sku\": \"a\", \"qty\": 1}]}\n\
         {\"order_id\": 2, \"placed_at\": 0, \"items\": [{\"sku\": \"a\", \"qty\": 1}, {\"sku\": \"b\", \"qty\": 1.5}]}\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let out = dir.join("rows.bin");
    let args = [
        "encode",
        "--schema",
        "schemas/orders.schema.json",
        "--format",
        "proto",
        "--input",
        rows.to_str().unwrap_or_default(),
        "--output",
        out.to_str().unwrap_or_default(),
    ];
    let o = bqcodec(&args);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.starts_with("row 1: items[1].qty: expected"), "{err}");
    assert!(!out.exists(), "without --skip-invalid nothing is written");
    let mut skip = args.to_vec();
    skip.push("--skip-invalid");
    let o = bqcodec(&skip);
    assert_eq!(o.status.code(), Some(1));
    let bytes = std::fs::read(&out).unwrap_or_default();
    assert!(!bytes.is_empty());
    // One row: its varint length prefix covers the rest exactly.
    assert_eq!(usize::from(bytes[0]), bytes.len() - 1);
}
