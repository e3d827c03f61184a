//! Arbitrary bytes as Arrow IPC → canonical JSON through the crate's
//! decoder (src/arrow/decode.rs, src/arrow/ipc.rs):
//! - the whole input as a stream (`decode_ipc_stream`) and as a schema
//!   message (`ipc::read_schema`); the input after its first two bytes,
//!   split where those bytes (u16, little-endian) say, as the Storage Write
//!   API's pair of messages (`decode_messages`);
//! - no panic reaches the caller; malformed bytes are an error;
//! - rows that decode are values BigQuery accepts (the decoder's promise):
//!   each encodes through the protobuf path and decodes back to the same
//!   canonical JSON, and through the Arrow path unless an Arrow-only limit
//!   applies.
//!
//! arrow-ipc is a third-party parser; `ipc.rs` turns a panic inside it into
//! an error with `catch_unwind`. libFuzzer's panic hook would abort on such
//! a panic before it is caught, so this target installs a hook that lets
//! panics located in the arrow/flatbuffers crates unwind (printing each
//! location once); a panic anywhere else aborts as usual, and one that
//! escapes the library aborts in libfuzzer-sys. Set
//! `BQCODEC_FUZZ_STRICT_IPC=1` to abort on every panic instead (to hunt
//! arrow-ipc's own panics).
#![no_main]

#[path = "common/mod.rs"]
mod common;

use std::collections::HashSet;
use std::sync::{Mutex, Once, OnceLock};

use bqcodec::arrow::{
    ArrowWriter, PicosMapping, SchemaOptions, decode_ipc_stream, decode_messages, ipc,
};
use bqcodec::plan::{Plan, WalkOptions};
use bqcodec::proto::{DescriptorOptions, ProtoWriter};
use libfuzzer_sys::fuzz_target;

struct Config {
    plan: Plan,
    proto: ProtoWriter,
}

fn configs() -> &'static [Config] {
    static C: OnceLock<Vec<Config>> = OnceLock::new();
    C.get_or_init(|| {
        [common::ALL_TYPES, common::PARAMS]
            .iter()
            .map(|json| {
                let schema = common::schema(json);
                Config {
                    plan: Plan::compile(&schema, WalkOptions::new())
                        .unwrap_or_else(|e| panic!("{e}")),
                    proto: ProtoWriter::new(
                        &schema,
                        DescriptorOptions::default(),
                        WalkOptions::new(),
                    )
                    .unwrap_or_else(|e| panic!("{e}")),
                }
            })
            .collect()
    })
}

fn third_party(file: &str) -> bool {
    [
        "arrow-ipc",
        "arrow-array",
        "arrow-buffer",
        "arrow-data",
        "arrow-schema",
        "arrow-select",
        "flatbuffers",
    ]
    .iter()
    .any(|c| file.contains(c))
}

fn install_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        if std::env::var_os("BQCODEC_FUZZ_STRICT_IPC").is_some() {
            return;
        }
        let aborting = std::panic::take_hook();
        let seen: Mutex<HashSet<String>> = Mutex::new(HashSet::new());
        std::panic::set_hook(Box::new(move |info| {
            let loc = info.location().map(|l| l.to_string()).unwrap_or_default();
            if third_party(&loc) {
                if seen
                    .lock()
                    .map(|mut s| s.insert(loc.clone()))
                    .unwrap_or(false)
                {
                    eprintln!(
                        "arrow_ipc: third-party panic at {loc} (caught by the library): {info}"
                    );
                }
                return;
            }
            aborting(info);
        }));
    });
}

fn check_rows(c: &Config, rows: &[String]) {
    for json in rows {
        let bytes = c
            .proto
            .encode_json(json.as_bytes(), 0)
            .unwrap_or_else(|e| panic!("decoded row {json} does not encode as proto: {e}"));
        let back = c
            .proto
            .decode(&bytes)
            .unwrap_or_else(|e| panic!("{json}: {e}"));
        assert_eq!(&back, json, "decoded row is not canonical JSON");
        let options = SchemaOptions::new().with_picos(PicosMapping::Text);
        let mut w = ArrowWriter::with_options(&c.plan, &options).unwrap_or_else(|e| panic!("{e}"));
        if let Err(e) = w.push_json(json.as_bytes()) {
            assert!(
                common::arrow_only(&e.error),
                "decoded row {json} does not encode as Arrow: {e}"
            );
        }
    }
}

fuzz_target!(|data: &[u8]| {
    install_hook();
    let _ = ipc::read_schema(data);
    for c in configs() {
        if let Ok(rows) = decode_ipc_stream(&c.plan, data) {
            check_rows(c, &rows);
        }
        if let Some((head, rest)) = data.split_first_chunk::<2>() {
            let at = usize::from(u16::from_le_bytes(*head)).min(rest.len());
            let (schema_msg, batch_msg) = rest.split_at(at);
            if let Ok(rows) = decode_messages(&c.plan, schema_msg, batch_msg) {
                check_rows(c, &rows);
            }
        }
    }
});
