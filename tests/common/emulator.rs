//! The local BigQuery emulator for the end-to-end tests: started by
//! `scripts/emulator.sh` on free loopback ports, stopped (exactly the PID the
//! script started) when the guard is dropped.

use std::path::PathBuf;
use std::process::Command;

use bqcodec::transport::rest::{RestClient, TableRef};
use serde_json::Value;

/// The project's root folder.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A running emulator; stops it when dropped.
pub struct Emulator {
    pub pid: String,
    pub rest: u16,
    pub grpc: u16,
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = Command::new(root().join("scripts/emulator.sh"))
            .args(["stop", &self.pid])
            .status();
    }
}

/// Starts the emulator for `project`. `None` (with the reason printed) when
/// python3 or its venv module is missing; a failed install or start panics.
pub fn start(project: &str) -> Option<Emulator> {
    let out = Command::new(root().join("scripts/emulator.sh"))
        .args(["start", project])
        .output()
        .expect("run scripts/emulator.sh");
    let stderr = String::from_utf8_lossy(&out.stderr);
    if out.status.code() == Some(3) {
        eprintln!("skipping the emulator test: {}", stderr.trim());
        return None;
    }
    assert!(
        out.status.success(),
        "scripts/emulator.sh start failed:\n{stderr}"
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let field = |k: &str| {
        stdout
            .split_whitespace()
            .find_map(|w| w.strip_prefix(k))
            .unwrap_or_else(|| panic!("no {k} in {stdout:?}"))
            .to_owned()
    };
    Some(Emulator {
        pid: field("PID="),
        rest: field("REST_PORT=").parse().unwrap(),
        grpc: field("GRPC_PORT=").parse().unwrap(),
    })
}

/// All rows of a table (every page of `tabledata.list`), each as its cells'
/// `v` values, sorted by the first cell read as an integer.
pub fn read_back(client: &RestClient, table: &TableRef) -> Vec<Vec<Value>> {
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = client
            .list_rows(table, Some(500), token.as_deref())
            .unwrap();
        for r in &page.rows {
            let cells = r["f"].as_array().unwrap();
            out.push(cells.iter().map(|c| c["v"].clone()).collect::<Vec<_>>());
        }
        match page.page_token {
            Some(t) if !page.rows.is_empty() => token = Some(t),
            _ => break,
        }
    }
    out.sort_by_key(|r| {
        r[0].as_str()
            .unwrap_or("")
            .parse::<i64>()
            .unwrap_or(i64::MAX)
    });
    out
}
