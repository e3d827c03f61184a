//! The smaller entry points that take outside input, each fed the input
//! after a selector byte: `bigtable_options` JSON, a given export query,
//! a source table with its select list and filter, job ids and projects, the
//! export result schema, insertAll targets / template suffixes / partition
//! decorators, write stream names, and AppendRows response bytes (server
//! input) read for a planned request.
//! - no panic; what parses, renders, and what renders parses again to the
//!   same thing where the API promises it (bigtable_options, stream names);
//! - response row errors name the planned request's input rows.
#![no_main]

use std::sync::OnceLock;

use bqcodec::bigtable::{
    BigtableOptions, ExportQuery, JobId, SourceQuery, result_schema_from_json,
};
use bqcodec::insert_all::{InsertAllTarget, PartitionDecorator, TemplateSuffix};
use bqcodec::transport::{
    AppendOptions, AppendPlanner, PlannedAppend, WriteStreamName, WriterSchema,
    decode_append_response,
};
use bqcodec::value::civil::Date;
use libfuzzer_sys::fuzz_target;

fn planned() -> &'static PlannedAppend {
    static P: OnceLock<PlannedAppend> = OnceLock::new();
    P.get_or_init(|| {
        let stream = WriteStreamName::parse("projects/p/datasets/d/tables/t/streams/s")
            .unwrap_or_else(|e| panic!("{e}"));
        let mut p = AppendPlanner::new(
            stream,
            WriterSchema::Proto(Vec::new()),
            AppendOptions::new(),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let row = [0x08u8, 0x01];
        let mut plan = p.plan_rows([(7usize, &row[..]), (9, &row[..]), (11, &row[..])]);
        plan.requests.remove(0)
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    if selector % 8 == 7 {
        let p = planned();
        if let Ok(out) = decode_append_response(p, rest) {
            for r in &out.rejected {
                assert!(
                    p.input_rows().contains(&r.input_row),
                    "row error names a row not sent"
                );
                assert_eq!(p.input_row(r.request_row), Some(r.input_row));
            }
            let _ = out.rows_to_resend(p);
        }
        return;
    }
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    match selector % 8 {
        0 => {
            if let Ok(o) = BigtableOptions::from_json(text) {
                let json = o.to_python_json();
                let again = BigtableOptions::from_json(&json)
                    .unwrap_or_else(|e| panic!("{json} (from {text:?}) does not parse: {e}"));
                assert_eq!(again.to_python_json(), json, "bigtable_options not stable");
            }
        }
        1 => {
            if let Ok(q) = ExportQuery::given(text) {
                let _ = q.text();
            }
        }
        2 => {
            let (table, more) = text.split_once('\n').unwrap_or((text, ""));
            let (select, filter) = more.split_once('\n').unwrap_or((more, ""));
            if let Ok(q) = SourceQuery::new(table) {
                let q = q.select_list(select).and_then(|q| q.filter(filter));
                if let Ok(q) = q {
                    let sql = q.to_sql();
                    ExportQuery::given(&sql).unwrap_or_else(|e| {
                        panic!("generated source query {sql:?} is refused: {e}")
                    });
                }
            }
        }
        3 => {
            let _ = JobId::new(text);
            let _ = bqcodec::bigtable::sql::check_project(text);
            let random = [0x5au8; 16];
            if let Ok(id) = JobId::with_prefix(text, random) {
                JobId::new(id.as_str())
                    .unwrap_or_else(|e| panic!("prefixed job id {} is refused: {e}", id.as_str()));
            }
        }
        4 => {
            let _ = result_schema_from_json(text);
        }
        5 => {
            let today = Date::from_days(19782).unwrap_or_else(|e| panic!("{e}"));
            if let Ok(t) = InsertAllTarget::parse(text, today) {
                let _ = (t.path(), t.table_id());
            }
            if let Ok(s) = TemplateSuffix::new(text) {
                let _ = s.check_with_table("t");
            }
            let _ = PartitionDecorator::parse(text, today);
        }
        _ => {
            if let Ok(s) = WriteStreamName::parse(text) {
                let again = WriteStreamName::parse(s.as_str())
                    .unwrap_or_else(|e| panic!("{} does not parse again: {e}", s.as_str()));
                assert_eq!(again.as_str(), s.as_str());
                let _ = (s.table(), s.stream_id(), s.is_default());
            }
        }
    }
});
