//! The transport's request layer across modules: encoded rows from the
//! protobuf and Arrow writers → planned AppendRows requests under the
//! 10 MB limit, the writer schema byte for byte, offsets, and responses
//! mapped back to input rows across request splits; insertAll outcomes.
#![allow(clippy::unwrap_used, clippy::panic, clippy::expect_used)] // tests fail loudly by design

use bqcodec::insert_all::{BatchLimits, InsertAllOptions, RequestBatcher};
use bqcodec::plan::WalkOptions;
use bqcodec::proto::{DescriptorOptions, ProtoWriter};
use bqcodec::transport::messages::{Code, RowError, RowErrorCode, Rows, Status};
use bqcodec::transport::{
    APPEND_ROWS_LIMIT, AppendOptions, AppendPlanner, AppendRowsResponse, ErrorClass,
    MissingValueInterpretation, PlannedAppend, WriteStreamName, WriterSchema,
    insert_all_rejected_rows, read_append_response,
};
use bqcodec::{TableSchema, ValueError};
use prost::Message;

fn writer(json: &str) -> ProtoWriter {
    let schema = TableSchema::from_json(json).unwrap();
    ProtoWriter::new(&schema, DescriptorOptions::default(), WalkOptions::new()).unwrap()
}

fn stream(id: &str) -> WriteStreamName {
    WriteStreamName::parse(&format!("projects/p/datasets/d/tables/t/streams/{id}")).unwrap()
}

fn proto_rows(r: &PlannedAppend) -> &[Vec<u8>] {
    match &r.request().rows {
        Some(Rows::ProtoRows(d)) => &d.rows.as_ref().unwrap().serialized_rows,
        _ => panic!("not proto rows"),
    }
}

fn writer_schema_bytes(request: &bqcodec::transport::AppendRowsRequest) -> Option<&[u8]> {
    match &request.rows {
        Some(Rows::ProtoRows(d)) => d
            .writer_schema
            .as_ref()
            .map(|s| s.proto_descriptor.as_slice()),
        _ => None,
    }
}

/// ~30 MB of rows of uneven sizes under the real 10 MB limit: every
/// request fits (measured on the real message), every row is carried
/// exactly once and in order, the schema rides on the first request only,
/// and offsets are contiguous.
#[test]
fn many_rows_split_under_ten_megabytes() {
    let w =
        writer(r#"[{"name": "id", "type": "INT64"}, {"name": "first name", "type": "STRING"}]"#);
    let mut ndjson = String::new();
    let n = 12_000usize;
    for i in 0..n {
        let len = 500 + (i * 7919) % 4000; // 500 .. 4500 bytes
        ndjson.push_str(&format!(
            "{{\"id\": {i}, \"first name\": \"{}\"}}\n",
            "x".repeat(len)
        ));
    }
    let (rows, outcome) = w.encode_ndjson(ndjson.as_bytes(), 0);
    assert!(outcome.errors.is_empty());
    assert!(rows.byte_len() > 3 * APPEND_ROWS_LIMIT);
    let descriptor = w.proto_schema().descriptor_proto_bytes().to_vec();
    let options = AppendOptions::new().with_trace_id("bqcodec-test");
    let max = options.max_request_bytes();
    assert_eq!(max, APPEND_ROWS_LIMIT - 16 * 1024);
    let mut planner = AppendPlanner::new(
        stream("s1"),
        WriterSchema::Proto(descriptor.clone()),
        options,
    )
    .unwrap();
    let plan = planner.plan_proto(&rows);
    assert!(plan.rejected.is_empty());
    assert!(plan.requests.len() >= 4);
    let mut next = 0usize;
    let mut offset = 0i64;
    for (k, r) in plan.requests.iter().enumerate() {
        let len = r.encoded_len();
        assert_eq!(len, r.encode().len());
        assert!(len <= max, "request {k}: {len} > {max}");
        assert!(r.request_for_new_connection().encoded_len() <= max);
        assert_eq!(r.carries_writer_schema(), k == 0);
        assert_eq!(
            r.request().trace_id,
            if k == 0 { "bqcodec-test" } else { "" }
        );
        assert_eq!(r.offset(), Some(offset));
        assert_eq!(
            r.request().write_stream,
            "projects/p/datasets/d/tables/t/streams/s1"
        );
        for (j, bytes) in proto_rows(r).iter().enumerate() {
            assert_eq!(r.input_row(j), Some(next));
            assert_eq!(Some(bytes.as_slice()), rows.row(next));
            next += 1;
        }
        offset += i64::try_from(r.len()).unwrap();
    }
    assert_eq!(next, n);
    assert_eq!(planner.next_offset(), Some(i64::try_from(n).unwrap()));
    // The first request's writer schema is our descriptor, byte for byte.
    assert_eq!(
        writer_schema_bytes(plan.requests[0].request()),
        Some(descriptor.as_slice())
    );
}

/// The descriptor bytes keep the `column_name` option that a decoded
/// `prost_types::DescriptorProto` drops; the request carries them as is,
/// and they still read as a `DescriptorProto` message at field 1.
#[test]
fn writer_schema_keeps_column_name_options() {
    let w = writer(r#"[{"name": "first name", "type": "STRING"}]"#);
    let bytes = w.proto_schema().descriptor_proto_bytes().to_vec();
    let through_prost = w.proto_schema().descriptor_proto().encode_to_vec();
    assert_ne!(
        bytes, through_prost,
        "prost-types would have dropped the option"
    );
    let (rows, _) = w.encode_ndjson(b"{\"first name\": \"a\"}\n", 0);
    let mut p = AppendPlanner::new(
        stream("_default"),
        WriterSchema::Proto(bytes.clone()),
        AppendOptions::new(),
    )
    .unwrap();
    let plan = p.plan_proto(&rows);
    let encoded = plan.requests[0].encode();
    assert!(
        encoded
            .windows(bytes.len())
            .any(|win| win == bytes.as_slice())
    );
    // Read field 4 → field 1 as a message: the same descriptor.
    #[derive(Clone, PartialEq, prost::Message)]
    struct SchemaAsMessage {
        #[prost(message, optional, tag = "1")]
        proto_descriptor: Option<prost_types::DescriptorProto>,
    }
    #[derive(Clone, PartialEq, prost::Message)]
    struct DataAsMessage {
        #[prost(message, optional, tag = "1")]
        writer_schema: Option<SchemaAsMessage>,
    }
    #[derive(Clone, PartialEq, prost::Message)]
    struct RequestAsMessage {
        #[prost(message, optional, tag = "4")]
        proto_rows: Option<DataAsMessage>,
    }
    let back = RequestAsMessage::decode(encoded.as_slice()).unwrap();
    assert_eq!(
        back.proto_rows
            .unwrap()
            .writer_schema
            .unwrap()
            .proto_descriptor
            .as_ref(),
        Some(w.proto_schema().descriptor_proto())
    );
    // The _default stream: no offset.
    assert_eq!(plan.requests[0].offset(), None);
}

/// Row errors of the second of three requests land on the right input
/// rows; a bad input row skipped by the encoder keeps the mapping right.
#[test]
fn row_errors_map_back_across_splits() {
    let w = writer(r#"[{"name": "n", "type": "INT64"}]"#);
    let mut ndjson = String::new();
    for i in 0..30 {
        if i == 4 {
            ndjson.push_str("{\"n\": \"not a number\"}\n");
        } else {
            ndjson.push_str(&format!("{{\"n\": {i}}}\n"));
        }
    }
    let (rows, outcome) = w.encode_ndjson(ndjson.as_bytes(), 100);
    assert_eq!(outcome.errors[0].row, 104);
    let descriptor = w.proto_schema().descriptor_proto_bytes().to_vec();
    let limit = descriptor.len() + 90;
    let mut p = AppendPlanner::new(
        stream("s"),
        WriterSchema::Proto(descriptor),
        AppendOptions::new().with_limit(limit).with_margin(0),
    )
    .unwrap();
    let plan = p.plan_proto(&rows);
    assert!(plan.requests.len() >= 3, "{}", plan.requests.len());
    let second = &plan.requests[1];
    let last = second.len() - 1;
    let response = AppendRowsResponse::failure(
        Status::new(Code::InvalidArgument, "rows have errors"),
        vec![
            RowError::new(
                i64::try_from(last).unwrap(),
                RowErrorCode::FieldsError,
                "field n: bad",
            ),
            RowError::new(0, RowErrorCode::FieldsError, "field n: bad"),
        ],
    );
    let out = read_append_response(second, &response).unwrap();
    assert_eq!(out.rejected[0].request_row, 0);
    assert_eq!(out.rejected[0].input_row, second.input_rows()[0]);
    assert_eq!(
        second.input_rows()[0],
        plan.requests[0].input_rows().last().unwrap() + 1
    );
    assert_eq!(out.rejected[1].input_row, second.input_rows()[last]);
    assert_eq!(
        out.result.as_ref().unwrap_err().class,
        ErrorClass::InvalidRows
    );
    let resend = out.rows_to_resend(second);
    assert_eq!(resend, second.input_rows()[1..last].to_vec());
    // Success of the third: the offset echoes.
    let third = &plan.requests[2];
    let ok = AppendRowsResponse::success(third.offset());
    assert_eq!(
        read_append_response(third, &ok).unwrap().result,
        Ok(third.offset())
    );
    // Every input row but 104 is in exactly one request, in order.
    let all: Vec<usize> = plan
        .requests
        .iter()
        .flat_map(|r| r.input_rows().to_vec())
        .collect();
    let expected: Vec<usize> = (100..130).filter(|&i| i != 104).collect();
    assert_eq!(all, expected);
}

#[test]
fn missing_value_interpretations_are_sent() {
    let w = writer(
        r#"[{"name": "a", "type": "INT64"}, {"name": "b", "type": "STRING", "defaultValueExpression": "'x'"}]"#,
    );
    let (rows, _) = w.encode_ndjson(b"{\"a\": 1}\n", 0);
    let options = AppendOptions::new()
        .with_default_missing_value_interpretation(MissingValueInterpretation::DefaultValue)
        .with_missing_value_interpretation("a", MissingValueInterpretation::NullValue);
    let mut p = AppendPlanner::new(
        stream("_default"),
        WriterSchema::Proto(w.proto_schema().descriptor_proto_bytes().to_vec()),
        options,
    )
    .unwrap();
    let r = p.plan_proto(&rows).requests.remove(0).into_request();
    let bytes = r.encode_to_vec();
    // field 7 entry {"a": 1} and field 8 = 2, at the end in field order.
    assert!(bytes.ends_with(&[0x3a, 0x05, 0x0a, 0x01, b'a', 0x10, 0x01, 0x40, 0x02]));
}

#[test]
fn a_row_above_the_limit_names_its_input_row() {
    let big = "y".repeat(APPEND_ROWS_LIMIT);
    let ndjson = format!("{{\"s\": \"a\"}}\n{{\"s\": \"{big}\"}}\n{{\"s\": \"b\"}}\n");
    // The walk's own row limit (default: the same 10 MB) catches the row first.
    let (_, outcome) =
        writer(r#"[{"name": "s", "type": "STRING"}]"#).encode_ndjson(ndjson.as_bytes(), 0);
    assert_eq!(outcome.errors.len(), 1);
    assert_eq!(outcome.errors[0].row, 1);
    assert!(
        outcome.errors[0]
            .to_string()
            .starts_with("row 1: (row): expected at most 10000000 bytes in one row"),
        "{}",
        outcome.errors[0]
    );
    // With that limit raised, the planner catches it, counting the framing.
    let schema = TableSchema::from_json(r#"[{"name": "s", "type": "STRING"}]"#).unwrap();
    let w = ProtoWriter::new(
        &schema,
        DescriptorOptions::default(),
        WalkOptions::new().with_max_row_bytes(usize::MAX),
    )
    .unwrap();
    let (rows, _) = w.encode_ndjson(ndjson.as_bytes(), 0);
    let mut p = AppendPlanner::new(
        stream("s"),
        WriterSchema::Proto(w.proto_schema().descriptor_proto_bytes().to_vec()),
        AppendOptions::new(),
    )
    .unwrap();
    let plan = p.plan_proto(&rows);
    assert_eq!(plan.rejected.len(), 1);
    assert_eq!(plan.rejected[0].row, 1);
    let ValueError::TooLong { max, length, .. } = &plan.rejected[0].error else {
        panic!("{:?}", plan.rejected[0].error)
    };
    assert_eq!(*max, u64::try_from(APPEND_ROWS_LIMIT - 16 * 1024).unwrap());
    assert!(*length > u64::try_from(APPEND_ROWS_LIMIT).unwrap());
    assert!(
        plan.rejected[0]
            .to_string()
            .starts_with("row 1: (row): expected at most 9983616 bytes")
    );
    let carried: Vec<usize> = plan
        .requests
        .iter()
        .flat_map(|r| r.input_rows().to_vec())
        .collect();
    assert_eq!(carried, vec![0, 2]);
    assert_eq!(plan.requests[0].offset(), Some(0));
    assert_eq!(p.next_offset(), Some(2));
}

#[test]
fn insert_all_outcomes_share_the_types() {
    let limits = BatchLimits::new().with_max_rows(2).unwrap();
    let mut b = RequestBatcher::new(&InsertAllOptions::new().with_limits(limits));
    let mut requests = Vec::new();
    for i in 0..4 {
        requests.extend(b.push(&format!("{{\"a\":\"{i}\"}}"), None, 50 + i).unwrap());
    }
    requests.extend(b.finish());
    assert_eq!(requests.len(), 2);
    // An error on the second body's row 1 is input row 53.
    let body =
        r#"{"insertErrors": [{"index": 1, "errors": [{"reason": "timeout", "message": "t"}]}]}"#;
    let rows = insert_all_rejected_rows(body, &requests[1]).unwrap();
    assert_eq!((rows[0].input_row, rows[0].request_row), (53, 1));
    assert_eq!(rows[0].class, ErrorClass::Transient);
    assert!(rows[0].class.is_retryable());
}

#[cfg(feature = "arrow")]
#[test]
fn arrow_batches_are_sliced_to_fit() {
    use bqcodec::arrow::{ArrowWriter, ipc};
    use bqcodec::plan::Plan;
    let schema = TableSchema::from_json(
        r#"[{"name": "id", "type": "INT64"}, {"name": "s", "type": "STRING"}]"#,
    )
    .unwrap();
    let plan = Plan::compile(&schema, WalkOptions::new()).unwrap();
    let mut w = ArrowWriter::new(&plan).unwrap();
    let mut ndjson = String::new();
    for i in 0..200 {
        ndjson.push_str(&format!(
            "{{\"id\": {i}, \"s\": \"{}\"}}\n",
            "z".repeat(100 + i)
        ));
    }
    w.push_ndjson(ndjson.as_bytes());
    let schema_bytes = w.serialized_schema().unwrap();
    let batches = w.finish_batches().unwrap();
    assert_eq!(batches.len(), 1);
    let limit = schema_bytes.len() + 8_000;
    let mut p = AppendPlanner::new(
        stream("s"),
        WriterSchema::Arrow(schema_bytes.clone()),
        AppendOptions::new().with_limit(limit).with_margin(0),
    )
    .unwrap();
    let out = p.plan_arrow_batches(&batches).unwrap();
    assert!(out.rejected.is_empty() && out.oversized_batches.is_empty());
    assert!(out.requests.len() > 2);
    let mut next = 0usize;
    let mut offset = 0i64;
    for (k, r) in out.requests.iter().enumerate() {
        assert!(r.encoded_len() <= limit);
        assert!(r.request_for_new_connection().encoded_len() <= limit);
        assert_eq!(r.carries_writer_schema(), k == 0);
        assert_eq!(r.offset(), Some(offset));
        let Some(Rows::ArrowRows(d)) = &r.request().rows else {
            panic!()
        };
        let batch = ipc::read_record_batch(
            &schema_bytes,
            &d.rows.as_ref().unwrap().serialized_record_batch,
        )
        .unwrap();
        assert_eq!(batch.num_rows(), r.len());
        for &i in r.input_rows() {
            assert_eq!(i, next);
            next += 1;
        }
        offset += i64::try_from(r.len()).unwrap();
    }
    assert_eq!(next, 200);
}
