//! Continuous export: the EXPORT DATA SQL and the jobs.insert body against
//! bigframes 2.51's own functions (run offline when python3 is available;
//! the test installs what it needs under target/py, or set
//! BQCODEC_SKIP_PY=1), golden texts for built queries, rows → Bigtable
//! mutations on a fixture, and the CLI.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;

use bqcodec::bigtable::{
    BigtableExport, BigtableOptions, BigtableWriter, CellOptions, ContinuousJob, ExportQuery,
    JobId, Mutation, PubSubExport, SourceQuery, StartTimestamp, result_schema_from_json,
    validate_export_schema,
};
use bqcodec::plan::WalkOptions;
use bqcodec::value::timestamp::Timestamp;
use serde_json::{Value, json};

const MANIFEST: &str = env!("CARGO_MANIFEST_DIR");
const PROJECT: &str = "my-project";
const SA: &str = "sa@my-project.iam.gserviceaccount.com";

/// The query bigframes passes (the DataFrame's SQL, source in APPENDS).
const Q: &str = "SELECT `key` AS rowkey, STRUCT(`v` AS col) AS cf FROM APPENDS(TABLE `my-project.ds.src`, \
                 CURRENT_TIMESTAMP() - (INTERVAL 7 DAY - INTERVAL 5 MINUTE))";

/// One input to both implementations.
struct Case {
    /// `_to_bigtable` or `_to_pubsub`.
    fun: &'static str,
    query: &'static str,
    /// bigframes' keyword arguments.
    kwargs: Value,
}

fn cases() -> Vec<Case> {
    let q2 = "SELECT\n  `island` AS rowkey,\n  STRUCT(`species`, `body_mass_g`) AS penguin\nFROM APPENDS(TABLE `my-project.birds.penguins`, TIMESTAMP('2024-01-01 00:00:00+00:00'))\nWHERE `body_mass_g` < 4000\n";
    vec![
        // The three examples of shared/peers/py/bigframes_export_sql.py.
        Case {
            fun: "_to_bigtable",
            query: Q,
            kwargs: json!({"instance": "my-instance", "table": "my-table", "service_account_email": SA,
                "app_profile": "my-profile", "truncate": true, "overwrite": true, "auto_create_column_families": true,
                "bigtable_options": {"columnFamilies": [{"familyId": "cf", "encoding": "BINARY"}]}, "job_id_prefix": "bt_export_"}),
        },
        Case {
            fun: "_to_bigtable",
            query: Q,
            kwargs: json!({"instance": "my-instance", "table": "my-table"}),
        },
        Case {
            fun: "_to_pubsub",
            query: Q,
            kwargs: json!({"topic": "my-topic", "service_account_email": SA, "job_id": "fixed-job-id"}),
        },
        // More combinations.
        Case {
            fun: "_to_bigtable",
            query: Q,
            kwargs: json!({"instance": "instance-2", "table": "t.2_x", "truncate": true, "bigtable_options": {}, "job_id": "job_1"}),
        },
        Case {
            fun: "_to_bigtable",
            query: q2,
            kwargs: json!({"instance": "my-instance", "table": "penguins", "app_profile": "default", "overwrite": true,
                "bigtable_options": {"columnFamilies": [{"encoding": "TEXT", "familyId": "penguin",
                    "columns": [{"qualifierString": "mass", "fieldName": "body_mass_g"}, {"fieldName": "species", "qualifierEncoded": "c3A="}]}]},
                "service_account_email": SA, "job_id_prefix": "penguins-"}),
        },
        Case {
            fun: "_to_bigtable",
            query: q2,
            kwargs: json!({"instance": "my-instance", "table": "penguins", "auto_create_column_families": true}),
        },
        Case {
            fun: "_to_pubsub",
            query: q2,
            kwargs: json!({"topic": "taxi-rides.v1", "service_account_email": null, "job_id_prefix": "ps_"}),
        },
    ]
}

/// Our SQL and job for a case, with `job_id` (taken from bigframes' job so
/// that random UUIDs compare) and bigframes' label.
fn ours(case: &Case, job_id: &str) -> (String, String) {
    let k = &case.kwargs;
    let flag = |name: &str| k.get(name).and_then(Value::as_bool).unwrap_or(false);
    let query = ExportQuery::given(case.query).unwrap_or_else(|e| panic!("{e}"));
    let (sql, label) = if case.fun == "_to_bigtable" {
        let mut e = BigtableExport::new(
            PROJECT,
            k["instance"].as_str().unwrap_or_default(),
            k["table"].as_str().unwrap_or_default(),
        )
        .unwrap_or_else(|e| panic!("{e}"))
        .with_truncate(flag("truncate"))
        .with_overwrite(flag("overwrite"))
        .with_auto_create_column_families(flag("auto_create_column_families"));
        if let Some(p) = k.get("app_profile").and_then(Value::as_str) {
            e = e.with_app_profile(p).unwrap_or_else(|e| panic!("{e}"));
        }
        if let Some(o) = k.get("bigtable_options") {
            // The options as a caller writes them: JSON text, key order kept.
            let text = o.to_string();
            e = e.with_options(BigtableOptions::from_json(&text).unwrap_or_else(|e| panic!("{e}")));
        }
        (e.sql(&query), "streaming_to_bigtable")
    } else {
        let p = PubSubExport::new(PROJECT, k["topic"].as_str().unwrap_or_default())
            .unwrap_or_else(|e| panic!("{e}"));
        (p.sql(&query), "streaming_to_pubsub")
    };
    let mut job = ContinuousJob::new(
        PROJECT,
        JobId::new(job_id).unwrap_or_else(|e| panic!("{e}")),
        &sql,
    )
    .unwrap_or_else(|e| panic!("{e}"))
    .with_label("bigframes-api", label)
    .unwrap_or_else(|e| panic!("{e}"));
    if let Some(sa) = k.get("service_account_email").and_then(Value::as_str) {
        job = job
            .with_service_account(sa)
            .unwrap_or_else(|e| panic!("{e}"));
    }
    (sql, job.to_json())
}

fn python_env() -> Option<PathBuf> {
    if std::env::var_os("BQCODEC_SKIP_PY").is_some() {
        eprintln!("BQCODEC_SKIP_PY set: bigframes reference skipped");
        return None;
    }
    if Command::new("python3").arg("--version").output().is_err() {
        eprintln!("python3 not found: bigframes reference skipped");
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

/// bigframes' (sql, jobs.insert body) for each case.
fn bigframes(python: &Path, cases: &[Case]) -> Vec<(String, Value)> {
    let py_dir = std::env::var_os("BQCODEC_PY_DIR")
        .map_or_else(|| Path::new(MANIFEST).join("target/py"), PathBuf::from);
    let wheel = std::fs::read_dir(py_dir.join("wheels"))
        .unwrap_or_else(|e| panic!("{e}"))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("bigframes-2.51.0-"))
        })
        .unwrap_or_else(|| panic!("no bigframes 2.51.0 wheel under {}", py_dir.display()));
    // Tests run in parallel: every call gets its own directory.
    static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = Path::new(MANIFEST)
        .join("target/tmp")
        .join(format!("bigframes-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let input: Vec<Value> = cases
        .iter()
        .map(|c| json!({"fn": c.fun, "query": c.query, "kwargs": c.kwargs}))
        .collect();
    let file = dir.join("cases.json");
    std::fs::write(&file, Value::Array(input).to_string()).unwrap_or_else(|e| panic!("{e}"));
    let out = Command::new(python)
        .arg(Path::new(MANIFEST).join("tests/py/bigframes_export_sql.py"))
        .arg(&wheel)
        .arg(&file)
        .args(["--project", PROJECT])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"));
            (
                v["sql"].as_str().unwrap_or_default().to_owned(),
                v["body"].clone(),
            )
        })
        .collect()
}

fn is_uuid4(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            14 => *c == b'4',
            19 => matches!(c, b'8' | b'9' | b'a' | b'b'),
            _ => c.is_ascii_hexdigit() && !c.is_ascii_uppercase(),
        })
}

#[test]
fn sql_and_job_bodies_match_bigframes() {
    let Some(python) = python_env() else { return };
    let cases = cases();
    let theirs = bigframes(&python, &cases);
    assert_eq!(theirs.len(), cases.len());
    for (case, (their_sql, their_body)) in cases.iter().zip(&theirs) {
        let job_id = their_body["jobReference"]["jobId"]
            .as_str()
            .unwrap_or_default();
        match case.kwargs.get("job_id_prefix").and_then(Value::as_str) {
            Some(prefix) => {
                let uuid = job_id.strip_prefix(prefix).unwrap_or_default();
                assert!(is_uuid4(uuid), "{job_id}");
                let mine = JobId::with_prefix(prefix, [7; 16]).unwrap_or_else(|e| panic!("{e}"));
                assert!(
                    is_uuid4(mine.as_str().strip_prefix(prefix).unwrap_or_default()),
                    "{}",
                    mine.as_str()
                );
            }
            None => {
                if case.kwargs.get("job_id").is_none() {
                    assert!(is_uuid4(job_id), "{job_id}");
                }
            }
        }
        let (sql, body) = ours(case, job_id);
        assert_eq!(&sql, their_sql, "{}", case.kwargs);
        let body: Value = serde_json::from_str(&body).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(&body, their_body, "{}", case.kwargs);
    }
}

#[test]
fn where_bigframes_writes_broken_sql_we_do_not() {
    let Some(python) = python_env() else { return };
    let cases = vec![
        // A query ending in a line comment: bigframes comments out its `);`.
        Case {
            fun: "_to_pubsub",
            query: "SELECT 1 AS message -- the end",
            kwargs: json!({"topic": "my-topic", "service_account_email": null, "job_id": "j"}),
        },
        // Options with characters JSON escapes: the GoogleSQL literal would
        // turn bigframes' \u00e9 and \" into other text; we double the backslashes.
        Case {
            fun: "_to_bigtable",
            query: Q,
            kwargs: json!({"instance": "my-instance", "table": "t", "job_id": "j",
                "bigtable_options": {"columnFamilies": [{"familyId": "cf", "columns": [{"qualifierString": "é\"q", "fieldName": "col"}]}]}}),
        },
    ];
    let theirs = bigframes(&python, &cases);
    let (sql, _) = ours(&cases[0], "j");
    assert!(
        theirs[0].0.ends_with("SELECT 1 AS message -- the end);"),
        "{}",
        theirs[0].0
    );
    assert_eq!(sql, theirs[0].0.replace("-- the end);", "-- the end\n);"));
    let (sql, _) = ours(&cases[1], "j");
    assert!(
        theirs[1].0.contains(r#""qualifierString": "\u00e9\"q""#),
        "{}",
        theirs[1].0
    );
    assert_eq!(sql, theirs[1].0.replace('\\', "\\\\"));
    assert!(sql.contains(r#""qualifierString": "\\u00e9\\"q""#), "{sql}");
}

#[test]
fn built_queries() {
    // Golden texts: the --source path (no bigframes counterpart: bigframes
    // compiles a DataFrame's SQL with its own engine).
    let export = BigtableExport::new("my-project", "my-instance", "penguins")
        .unwrap_or_else(|e| panic!("{e}"));
    let q = SourceQuery::new("my-project.birds.penguins")
        .and_then(|q| q.select_list("species, island AS rowkey, body_mass_g"))
        .and_then(|q| q.filter("body_mass_g < 4000"))
        .and_then(|q| q.filter("species != 'Adelie' # no Adelie"))
        .unwrap_or_else(|e| panic!("{e}"))
        .start(StartTimestamp::At(
            Timestamp::parse_text("2024-05-01 12:00:00.25Z").unwrap_or_else(|e| panic!("{e}")),
        ));
    assert_eq!(
        export.sql(&ExportQuery::from_source(&q)),
        "EXPORT DATA\nOPTIONS (\nformat = 'CLOUD_BIGTABLE',\ntruncate = False,\noverwrite = False,\n\
         auto_create_column_families = False,\n\
         uri = \"https://bigtable.googleapis.com/projects/my-project/instances/my-instance/tables/penguins\"\n)\n\
         AS (\nSELECT `species`, `island` AS `rowkey`, `body_mass_g` FROM APPENDS(TABLE `my-project.birds.penguins`, \
         TIMESTAMP('2024-05-01 12:00:00.250000+00:00')) WHERE (body_mass_g < 4000) AND (species != 'Adelie' # no Adelie\n));"
    );
    let p = PubSubExport::new("my-project", "alerts").unwrap_or_else(|e| panic!("{e}"));
    let q = SourceQuery::new("my-project.ds.t").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        p.sql(&ExportQuery::from_source(&q)),
        "EXPORT DATA\nOPTIONS (\nformat = 'CLOUD_PUBSUB',\nuri = \"https://pubsub.googleapis.com/projects/my-project/topics/alerts\"\n)\n\
         AS (\nSELECT * FROM APPENDS(TABLE `my-project.ds.t`, CURRENT_TIMESTAMP() - (INTERVAL 7 DAY - INTERVAL 5 MINUTE)));"
    );
}

// ---------------------------------------------------------------------------
// Rows → mutations
// ---------------------------------------------------------------------------

fn fixture(name: &str) -> String {
    std::fs::read_to_string(
        Path::new(MANIFEST)
            .join("tests/fixtures/bigtable")
            .join(name),
    )
    .unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn set(family: &str, q: &[u8], ts: i64, v: &[u8]) -> Mutation {
    Mutation::SetCell {
        family: family.into(),
        qualifier: q.to_vec(),
        timestamp_micros: ts,
        value: v.to_vec(),
    }
}

fn delete(family: &str, q: &[u8], ts: i64) -> Mutation {
    Mutation::DeleteCell {
        family: family.into(),
        qualifier: q.to_vec(),
        timestamp_micros: ts,
    }
}

#[test]
fn orders_fixture_to_mutations() {
    let schema =
        result_schema_from_json(&fixture("orders.schema.json")).unwrap_or_else(|e| panic!("{e}"));
    let options = BigtableOptions::from_json(&fixture("orders.options.json"))
        .unwrap_or_else(|e| panic!("{e}"));
    validate_export_schema(&schema, Some(&options)).unwrap_or_else(|e| panic!("{e}"));
    let w = BigtableWriter::new(
        &schema,
        WalkOptions::new(),
        Some(&options),
        CellOptions::new(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let (rows, outcome) = w.encode_ndjson(fixture("orders.ndjson").as_bytes(), 0);
    // Row 3's _CHANGE_TIMESTAMP has 500 µs: Bigtable takes whole milliseconds.
    assert_eq!(outcome.errors.len(), 1, "{:?}", outcome.errors);
    assert_eq!(outcome.errors[0].row, 3);
    assert!(outcome.errors[0].to_string().contains("whole milliseconds"));
    assert_eq!(rows.skipped, vec![2]);
    assert_eq!(rows.rows.len(), 2);
    let ts = 1_680_000_054_000_000;
    let r = &rows.rows[0];
    assert_eq!(r.row_key, b"101");
    assert_eq!(
        r.mutations,
        vec![
            // sales_info: BINARY; amount mapped to "qty".
            set("sales_info", b"product", ts, b"Joystick"),
            set("sales_info", b"qty", ts, &2i64.to_be_bytes()),
            set("sales_info", b"price", ts, &19.5f64.to_be_bytes()),
            set("sales_info", b"gift", ts, &[1]),
            set("sales_info", b"tags", ts, br#"["x"]"#),
            // ordered_at: TEXT (no encoding given), qualifier from fieldName "".
            set("ordered_at", b"order_time", ts, b"1680000054000"),
            // attributes (JSON): members as cells, "bin" mapped to bytes 00 ff.
            set("attributes", b"color", ts, b"red"),
            set("attributes", &[0, 0xff], ts, b"z"),
            set("attributes", b"n", ts, b"3"),
            delete("attributes", b"gone", ts),
        ]
    );
    assert_eq!(
        rows.rows[1].mutations,
        vec![
            Mutation::DeleteFamily {
                family: "sales_info".into()
            },
            delete("ordered_at", b"order_time", 0),
            Mutation::DeleteFamily {
                family: "attributes".into()
            },
        ]
    );
    // With truncation chosen, row 3 goes in at 10:40:54.000.
    let w = BigtableWriter::new(
        &schema,
        WalkOptions::new(),
        Some(&options),
        CellOptions::new().with_truncate_to_millis(true),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let (rows, outcome) = w.encode_ndjson(fixture("orders.ndjson").as_bytes(), 0);
    assert!(outcome.errors.is_empty());
    let last = rows.rows.last().unwrap_or_else(|| panic!("no rows"));
    assert_eq!(last.input_row, 3);
    assert!(
        last.mutations
            .contains(&set("sales_info", b"qty", ts, &(-1i64).to_be_bytes()))
    );
    // Unknown top-level keys are still rejected (the walk's default).
    let e = w
        .encode_json(br#"{"rowkey": "x", "nope": 1}"#, 9)
        .unwrap_err();
    assert_eq!(e.to_string(), "row 9: nope: unknown field \"nope\"");
    let e = w
        .encode_json(
            br#"{"rowkey": "x", "_CHANGE_TIMESTAMP": 1, "_CHANGE_TIMESTAMP": 2}"#,
            0,
        )
        .unwrap_err();
    assert!(e.to_string().contains("duplicate key"), "{e}");
}

#[test]
fn schema_rules_reject_what_the_export_refuses() {
    let schema = result_schema_from_json(
        r#"[{"name": "key", "type": "STRING"}, {"name": "d", "type": "DATE"}, {"name": "a", "type": "INT64", "mode": "REPEATED"}]"#,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let e = validate_export_schema(&schema, None)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("d: DATE is not a type Bigtable export supports"),
        "{e}"
    );
    assert!(e.contains("a: REPEATED (ARRAY) columns"), "{e}");
    assert!(e.contains("column rowkey"), "{e}");
}

// ---------------------------------------------------------------------------
// The CLI
// ---------------------------------------------------------------------------

#[cfg(feature = "cli")]
mod cli {
    use super::*;

    fn bqcodec(args: &[&str]) -> (i32, String, String) {
        let o = Command::new(env!("CARGO_BIN_EXE_bqcodec"))
            .args(args)
            .current_dir(MANIFEST)
            .output()
            .unwrap_or_else(|e| panic!("cannot run bqcodec: {e}"));
        (
            o.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&o.stdout).into_owned(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    }

    #[test]
    fn bigtable_sql_prints_the_library_text() {
        let opts = r#"{"columnFamilies": [{"familyId": "cf", "encoding": "BINARY"}]}"#;
        let (code, out, err) = bqcodec(&[
            "bigtable",
            "sql",
            "--project",
            PROJECT,
            "--instance",
            "my-instance",
            "--table",
            "my-table",
            "--app-profile",
            "my-profile",
            "--truncate",
            "--overwrite",
            "--auto-create-column-families",
            "--bigtable-options",
            opts,
            "--query",
            Q,
        ]);
        assert_eq!(code, 0, "{err}");
        let want = BigtableExport::new(PROJECT, "my-instance", "my-table")
            .and_then(|e| e.with_app_profile("my-profile"))
            .unwrap_or_else(|e| panic!("{e}"))
            .with_truncate(true)
            .with_overwrite(true)
            .with_auto_create_column_families(true)
            .with_options(BigtableOptions::from_json(opts).unwrap_or_else(|e| panic!("{e}")))
            .sql(&ExportQuery::given(Q).unwrap_or_else(|e| panic!("{e}")));
        assert_eq!(out, format!("{want}\n"));
    }

    #[test]
    fn jobs_and_sources() {
        let (code, out, err) = bqcodec(&[
            "pubsub",
            "sql",
            "--project",
            PROJECT,
            "--topic",
            "alerts",
            "--source",
            "my-project.ds.t",
            "--select",
            "a AS message",
            "--where",
            "a IS NOT NULL",
            "--start-timestamp",
            "2024-01-01 00:00:00",
            "--job",
            "--job-id-prefix",
            "alerts_",
            "--service-account",
            SA,
            "--label",
            "team=data",
        ]);
        assert_eq!(code, 0, "{err}");
        let body: Value = serde_json::from_str(out.trim()).unwrap_or_else(|e| panic!("{e}: {out}"));
        let id = body["jobReference"]["jobId"].as_str().unwrap_or_default();
        assert!(
            is_uuid4(id.strip_prefix("alerts_").unwrap_or_default()),
            "{id}"
        );
        assert_eq!(body["jobReference"]["projectId"], PROJECT);
        let cfg = &body["configuration"];
        assert_eq!(cfg["query"]["continuous"], true);
        assert_eq!(cfg["query"]["useLegacySql"], false);
        assert_eq!(
            cfg["query"]["connectionProperties"],
            json!([{"key": "service_account", "value": SA}])
        );
        assert_eq!(cfg["labels"], json!({"team": "data"}));
        assert_eq!(
            cfg["query"]["query"],
            "EXPORT DATA\nOPTIONS (\nformat = 'CLOUD_PUBSUB',\nuri = \"https://pubsub.googleapis.com/projects/my-project/topics/alerts\"\n)\n\
             AS (\nSELECT `a` AS `message` FROM APPENDS(TABLE `my-project.ds.t`, TIMESTAMP('2024-01-01 00:00:00+00:00')) WHERE (a IS NOT NULL));"
        );
        // Two runs, two UUIDs.
        let (_, again, _) = bqcodec(&[
            "pubsub",
            "sql",
            "--project",
            PROJECT,
            "--topic",
            "alerts",
            "--query",
            "SELECT 1",
            "--job",
        ]);
        let (_, again2, _) = bqcodec(&[
            "pubsub",
            "sql",
            "--project",
            PROJECT,
            "--topic",
            "alerts",
            "--query",
            "SELECT 1",
            "--job",
        ]);
        assert_ne!(again, again2);
    }

    #[test]
    fn bad_inputs_exit_1_with_one_line() {
        for (args, needle) in [
            (
                &[
                    "bigtable",
                    "sql",
                    "--project",
                    PROJECT,
                    "--instance",
                    "Bad",
                    "--table",
                    "t",
                    "--query",
                    "SELECT 1",
                ][..],
                "instance",
            ),
            (
                &[
                    "bigtable",
                    "sql",
                    "--project",
                    PROJECT,
                    "--instance",
                    "my-instance",
                    "--table",
                    "t",
                    "--query",
                    "SELECT 1; DROP",
                ][..],
                "--query",
            ),
            (
                &[
                    "bigtable",
                    "sql",
                    "--project",
                    PROJECT,
                    "--instance",
                    "my-instance",
                    "--table",
                    "t",
                    "--bigtable-options",
                    "{\"x\": 1}",
                    "--query",
                    "SELECT 1",
                ][..],
                "--bigtable-options",
            ),
            (
                &[
                    "pubsub",
                    "sql",
                    "--project",
                    PROJECT,
                    "--topic",
                    "goog-x",
                    "--query",
                    "SELECT 1",
                ][..],
                "topic",
            ),
            (
                &[
                    "pubsub",
                    "sql",
                    "--project",
                    PROJECT,
                    "--topic",
                    "alerts",
                    "--source",
                    "my-project.ds.t",
                    "--select",
                    "a b c",
                ][..],
                "--select",
            ),
            (
                &[
                    "pubsub",
                    "sql",
                    "--project",
                    PROJECT,
                    "--topic",
                    "alerts",
                    "--query",
                    "SELECT 1",
                    "--job",
                    "--label",
                    "Bad=x",
                ][..],
                "--label",
            ),
        ] {
            let (code, out, err) = bqcodec(args);
            assert_eq!((code, out.as_str()), (1, ""), "{args:?}");
            assert_eq!(err.lines().count(), 1, "{err}");
            assert!(err.contains(needle), "{args:?}: {err}");
        }
        // Command-line mistakes are clap's: exit 2.
        let (code, _, _) = bqcodec(&["pubsub", "sql", "--project", PROJECT, "--topic", "alerts"]);
        assert_eq!(code, 2);
        let (code, _, _) = bqcodec(&[
            "pubsub",
            "sql",
            "--project",
            PROJECT,
            "--topic",
            "a",
            "--query",
            "SELECT 1",
            "--select",
            "x",
        ]);
        assert_eq!(code, 2);
    }
}
