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

/// Without `--skip-invalid`, a bad row means nothing is written — yet the
/// rows are not held in memory: they stream into a staged file beside the
/// output, renamed into place only when every row is good and deleted
/// otherwise. With `--skip-invalid` they stream straight out. Every format.
#[test]
fn encode_writes_all_or_nothing_through_a_staged_file() {
    let dir = std::env::temp_dir().join(format!("bqcodec-cli-staged-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let good = dir.join("good.ndjson");
    let bad = dir.join("bad.ndjson");
    std::fs::write(
        &good,
        "{\"id\": 1, \"tags\": []}\n{\"id\": 3, \"tags\": [\"z\"]}\n",
    )
    .unwrap();
    std::fs::write(
        &bad,
        "{\"id\": 1, \"tags\": []}\n{\"id\": \"x\", \"tags\": []}\n{\"id\": 3, \"tags\": [\"z\"]}\n",
    )
    .unwrap();
    let schema = "schemas/bench10.schema.json";
    for format in ["proto", "arrow", "insert-all"] {
        let out = dir.join(format!("out.{format}"));
        let run = |input: &std::path::Path, extra: &[&str]| {
            let mut args = vec![
                "encode",
                "--schema",
                schema,
                "--format",
                format,
                "--input",
                input.to_str().unwrap(),
                "--output",
                out.to_str().unwrap(),
            ];
            args.extend_from_slice(extra);
            bqcodec(&args)
        };
        let o = run(&bad, &[]);
        assert_eq!(o.status.code(), Some(1), "{format}: {}", stderr(&o));
        assert!(
            stderr(&o).starts_with("row 1: id: expected INT64"),
            "{}",
            stderr(&o)
        );
        assert!(!out.exists(), "{format}: written despite a bad row");
        let o = run(&good, &[]);
        assert_eq!(o.status.code(), Some(0), "{format}: {}", stderr(&o));
        let all_good = std::fs::read(&out).unwrap();
        assert!(!all_good.is_empty());
        // The same bytes on stdout.
        let o = bqcodec(&[
            "encode",
            "--schema",
            schema,
            "--format",
            format,
            "--input",
            good.to_str().unwrap(),
        ]);
        assert_eq!(o.stdout, all_good, "{format}: stdout differs from the file");
        // A bad run leaves an existing output as it was.
        let o = run(&bad, &[]);
        assert_eq!(o.status.code(), Some(1));
        assert_eq!(
            std::fs::read(&out).unwrap(),
            all_good,
            "{format}: overwritten"
        );
        // --skip-invalid writes the good rows: the same as the good input.
        let o = run(&bad, &["--skip-invalid"]);
        assert_eq!(o.status.code(), Some(1), "{format}: {}", stderr(&o));
        let skipped = std::fs::read(&out).unwrap();
        if format == "insert-all" {
            // insertAll bodies name the rows they hold; row 2 is now input row 2.
            assert!(!skipped.is_empty());
        } else {
            assert_eq!(skipped, all_good, "{format}: --skip-invalid output");
        }
        // No staged file is left behind.
        let left: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".part"))
            .collect();
        assert!(left.is_empty(), "{format}: left {left:?}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
