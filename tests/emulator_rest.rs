//! End to end over REST against a local BigQuery emulator (PyPI
//! `bqemulator`, started by `scripts/emulator.sh` on free loopback ports):
//! create a dataset and a table from `schemas/orders.schema.json`, insertAll
//! rows with and without insertIds, a bad row with `skipInvalidRows`, read
//! the table back with `tabledata.list`, and the `bqcodec load` CLI.
//!
//! One test function runs the scenarios in order, so the emulator is
//! started once and stopped at the end (by a guard, also on failure).
//! Without python3 (or its venv module) the test prints why and passes
//! without running; a failed install or start fails it.
//!
//! Emulator limits this test works around (each noted where it matters):
//! REQUIRED is not enforced on insertAll; a bad row without
//! `skipInvalidRows` gives HTTP 500 (not per-row errors); no BIGNUMERIC
//! columns; RANGE values in insertAll give HTTP 500; a row error's
//! `location`/`message` may name another column than the bad one (its
//! `index` is right).
#![cfg(feature = "transport-rest")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::process::Command;

use bqcodec::TableSchema;
use bqcodec::insert_all::{InsertAllOptions, InsertAllWriter, InsertIds, RequestBatcher};
use bqcodec::plan::WalkOptions;
use bqcodec::transport::ErrorClass;
use bqcodec::transport::rest::{RestClient, RetryPolicy, TableRef};
use serde_json::{Value, json};

mod common;
use common::emulator::{read_back, root, start};

const PROJECT: &str = "bqcodec-emu";

fn schema(path: &Path) -> TableSchema {
    TableSchema::from_json(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn emulator_end_to_end() {
    let Some(emu) = start(PROJECT) else { return };
    let endpoint = format!("http://127.0.0.1:{}", emu.rest);
    let client = RestClient::new(&endpoint)
        .unwrap()
        .with_retry(RetryPolicy::new().with_max_attempts(2));

    client.create_dataset(PROJECT, "ds").unwrap();
    // orders has no BIGNUMERIC (the emulator has none); its RANGE column
    // stays NULL below (the emulator gives HTTP 500 for RANGE values).
    let orders = schema(&root().join("schemas/orders.schema.json"));
    let table = TableRef::parse(&format!("{PROJECT}.ds.orders")).unwrap();
    client.create_table(&table, &orders).unwrap();
    let again = client.create_table(&table, &orders).unwrap_err();
    assert!(
        matches!(
            again,
            bqcodec::transport::rest::RestError::Http { status: 409, .. }
        ),
        "{again}"
    );

    // 1. Rows without insertIds, through the codec.
    let ndjson = concat!(
        r#"{"order_id": 1, "customer": "Ada", "placed_at": "2024-02-29T13:14:15.123456Z", "ship_date": "2024-03-01", "total": "123.45", "items": [{"sku": "A-1", "qty": 2, "price": 50.5, "tags": ["red", "xl"]}], "geo": "POINT(-0.1276 51.5072)", "attributes": {"gift": true}}"#,
        "\n",
        r#"{"order_id": "9223372036854775807", "placed_at": 1709212455123456, "ship_date": 19783, "total": 0.1, "items": []}"#,
        "\n"
    );
    let plain = InsertAllWriter::new(
        &orders,
        WalkOptions::new(),
        InsertIds::None,
        InsertAllOptions::new(),
    )
    .unwrap();
    let (rows, outcome) = plain.encode_rows_ndjson(ndjson.as_bytes(), 0);
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
    assert_eq!(rows.insert_id(0), None);
    let report = client.insert_all_rows(&table, &rows, plain.options());
    assert_eq!(
        (report.rows, report.requests, report.rejected.len()),
        (2, 1, 0),
        "{report:?}"
    );

    // 2. Rows with content-hash insertIds (the same row twice in one body:
    // the emulator's dedup on insertId is not asserted, only that ids go through).
    let hashed = InsertAllWriter::new(
        &orders,
        WalkOptions::new(),
        InsertIds::ContentHash,
        InsertAllOptions::new(),
    )
    .unwrap();
    let (rows, _) = hashed.encode_rows_ndjson(
        br#"{"order_id": 3, "placed_at": "2024-01-01 00:00:00 UTC", "customer": "Grace", "status": "SHIPPED"}"#,
        0,
    );
    assert_eq!(rows.insert_id(0).map(str::len), Some(64));
    let report = client.insert_all_rows(&table, &rows, hashed.options());
    assert!(report.rejected.is_empty(), "{report:?}");

    // 3. skipInvalidRows and a row the service refuses (the codec would
    // refuse it first, so its body is put together by hand): the error
    // names its input row (7) and the other rows land. Without
    // skipInvalidRows the emulator answers HTTP 500 instead of row errors,
    // so that case is covered by the unit tests only.
    let skip = InsertAllOptions::new().with_skip_invalid_rows(true);
    let mut b = RequestBatcher::new(&skip);
    assert!(
        b.push(
            r#"{"order_id":"6","placed_at":"2024-01-02 03:04:05"}"#,
            Some("id-6"),
            6
        )
        .unwrap()
        .is_none()
    );
    assert!(
        b.push(
            r#"{"order_id":"not a number","placed_at":"2024-01-02 03:04:05"}"#,
            None,
            7
        )
        .unwrap()
        .is_none()
    );
    assert!(
        b.push(
            r#"{"order_id":"8","placed_at":"2024-01-02 03:04:05"}"#,
            Some("id-8"),
            8
        )
        .unwrap()
        .is_none()
    );
    let request = b.finish().unwrap();
    let rejected = client.insert_all(&table, &request).unwrap();
    assert_eq!(rejected.len(), 1, "{rejected:?}");
    assert_eq!((rejected[0].input_row, rejected[0].request_row), (7, 1));
    assert_eq!(rejected[0].class, ErrorClass::InvalidRows);
    assert!(
        rejected[0].message.starts_with("invalid — "),
        "{}",
        rejected[0].message
    );

    // 4. Read back and compare (tabledata.list values: INT64, NUMERIC and
    // TIMESTAMP as strings; TIMESTAMP in microseconds as this emulator
    // gives it; NULLs as null; REPEATED as [{"v": …}]).
    let got = read_back(&client, &table);
    let ids: Vec<&str> = got.iter().map(|r| r[0].as_str().unwrap()).collect();
    assert_eq!(ids, ["1", "3", "6", "8", "9223372036854775807"]);
    let ada = &got[0];
    assert_eq!(ada[1], json!("Ada"));
    assert_eq!(ada[2], json!("1709212455123456"));
    assert_eq!(ada[3], json!("2024-03-01"));
    assert_eq!(
        ada[4].as_str().map(|s| s.trim_end_matches('0')),
        Some("123.45")
    );
    let item = &ada[6][0]["v"]["f"];
    assert_eq!(item[0]["v"], json!("A-1"));
    assert_eq!(item[1]["v"], json!("2"));
    assert_eq!(
        item[2]["v"].as_str().map(|s| s.trim_end_matches('0')),
        Some("50.5")
    );
    assert_eq!(item[3]["v"], json!([{"v": "red"}, {"v": "xl"}]));
    assert!(
        ada[8].as_str().unwrap().starts_with("POINT"),
        "{:?}",
        ada[8]
    );
    assert_eq!(
        serde_json::from_str::<Value>(ada[9].as_str().unwrap()).unwrap(),
        json!({"gift": true})
    );
    let max = &got[4];
    assert_eq!(max[1], Value::Null);
    assert_eq!(max[3], json!("2024-03-01"));
    assert_eq!(
        max[4].as_str().map(|s| s.trim_end_matches('0')),
        Some("0.1")
    );
    assert_eq!(max[6], json!([]));
    assert_eq!(got[1][1], json!("Grace"));
    assert_eq!(got[1][5], json!("SHIPPED"));

    // 5. The CLI: two good rows, one the codec refuses (line 3, after a
    // blank line 2), with --skip-invalid: the good rows land, exit 1.
    let dir = std::env::temp_dir().join(format!("bqcodec-emu-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let rows_file = dir.join("rows.ndjson");
    std::fs::write(
        &rows_file,
        "{\"order_id\": 20, \"placed_at\": \"2024-05-06 07:08:09\"}\n\n{\"order_id\": \"x\", \"placed_at\": \"2024-05-06 07:08:09\"}\n{\"order_id\": 21, \"placed_at\": \"2024-05-06 07:08:09\"}\n",
    )
    .unwrap();
    let bin = env!("CARGO_BIN_EXE_bqcodec");
    let run = |extra: &[&str]| {
        let mut args = vec![
            "load",
            "--table",
            "bqcodec-emu.ds.orders",
            "--format",
            "insert-all",
            "--rest-endpoint",
            &endpoint,
        ];
        args.extend_from_slice(extra);
        let schema_path = root().join("schemas/orders.schema.json");
        let out = Command::new(bin)
            .args(&args)
            .arg("--schema")
            .arg(&schema_path)
            .arg(&rows_file)
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, stderr) = run(&[]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.starts_with("line 3 (row 1): order_id: "), "{stderr}");
    assert!(stderr.contains("0 of 3 rows sent"), "{stderr}");
    let (code, stderr) = run(&["--skip-invalid", "--insert-id", "hash"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("2 of 3 rows sent to bqcodec-emu.ds.orders in 1 requests"),
        "{stderr}"
    );
    assert!(stderr.contains("; 1 rejected"), "{stderr}");
    let ids: Vec<String> = read_back(&client, &table)
        .iter()
        .map(|r| r[0].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids, ["1", "3", "6", "8", "20", "21", "9223372036854775807"]);

    // The CLI with a missing token variable: no request goes out.
    let (code, stderr) = run(&[
        "--skip-invalid",
        "--token-env",
        "BQCODEC_EMU_TEST_NO_SUCH_VAR",
    ]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr
            .contains("line 1 (row 0): no bearer token: $BQCODEC_EMU_TEST_NO_SUCH_VAR is not set"),
        "{stderr}"
    );
    assert!(stderr.contains("; 3 rejected"), "{stderr}");
    let (code, stderr) = run(&["--grpc-endpoint", "http://127.0.0.1:1"]);
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("--grpc-endpoint: only with --format proto"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&dir);
    drop(emu);
}
