#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]
//! The constants build.rs generated, used as a user's crate would.

use bqcodec::TableSchema;
use bqcodec::build::EmbeddedSchema;
use bqcodec::proto::Profile;
use bqcodec_build_script_test::{extra, schemas};
use prost_reflect::{DescriptorPool, DynamicMessage};

const ORDERS_JSON: &str = include_str!("../../../schemas/orders.schema.json");
const ALL_TYPES_JSON: &str = include_str!("../../../schemas/all_types.schema.json");
const EVENTS_JSON: &str = include_str!("../schemas/2024 events-log.json");

fn row_message(s: &EmbeddedSchema) -> prost_reflect::MessageDescriptor {
    let pool = DescriptorPool::decode(s.descriptor_set()).unwrap();
    pool.get_message_by_name("bqcodec.Row").unwrap()
}

#[test]
fn descriptors_load_into_prost_reflect() {
    let row = row_message(&schemas::ORDERS);
    let names: Vec<String> = row.fields().map(|f| f.name().to_owned()).collect();
    assert_eq!(
        names,
        [
            "order_id",
            "customer",
            "placed_at",
            "ship_date",
            "total",
            "status",
            "items",
            "col_delivery_window",
            "geo",
            "attributes"
        ]
    );
    let events = row_message(&extra::SCHEMA_2024_EVENTS_LOG);
    assert!(events.get_field_by_name("_CHANGE_TYPE").is_some());
}

#[test]
fn the_plan_encodes_a_row_that_prost_reflect_reads() {
    let writer = schemas::ORDERS.proto_writer().unwrap();
    let line = include_str!("../../../schemas/orders.ndjson")
        .lines()
        .next()
        .unwrap();
    let bytes = writer.encode_json(line.as_bytes(), 0).unwrap();
    let msg = DynamicMessage::decode(row_message(&schemas::ORDERS), bytes.as_slice()).unwrap();
    assert_eq!(msg.get_field_by_name("order_id").unwrap().as_i64(), Some(1));
    assert_eq!(
        msg.get_field_by_name("customer").unwrap().as_str(),
        Some("Ada")
    );
    assert_eq!(
        msg.get_field_by_name("items")
            .unwrap()
            .as_list()
            .unwrap()
            .len(),
        2
    );
    let back = writer.decode(&bytes).unwrap();
    assert!(
        back.starts_with(r#"{"order_id":"1","customer":"Ada","#),
        "{back}"
    );
    assert_eq!(schemas::ORDERS.plan().unwrap().root().fields.len(), 10);
    // The same compiled objects on every call.
    assert!(std::ptr::eq(
        writer,
        schemas::ORDERS.proto_writer().unwrap()
    ));
}

#[test]
fn the_schema_built_from_code_equals_the_parsed_file() {
    for (embedded, text) in [
        (&schemas::ORDERS, ORDERS_JSON),
        (&schemas::ALL_TYPES, ALL_TYPES_JSON),
        (&extra::SCHEMA_2024_EVENTS_LOG, EVENTS_JSON),
    ] {
        let parsed = TableSchema::from_json(text).unwrap();
        assert_eq!(embedded.table_schema(), &parsed, "{}", embedded.name());
        assert_eq!(
            TableSchema::from_json(embedded.schema_json()).unwrap(),
            parsed
        );
    }
    // Every attribute and unknown key made it through the generated code.
    let fields = &extra::SCHEMA_2024_EVENTS_LOG.table_schema().fields;
    assert_eq!(
        fields[0].description.as_deref(),
        Some("Line \"one\"\nand two \\ é")
    );
    assert_eq!(fields[5].extra["x-future"]["n"][3].as_f64(), Some(1e300));
}

#[test]
fn names_options_and_arrow_schemas() {
    let names: Vec<&str> = schemas::all().iter().map(|s| s.name()).collect();
    assert_eq!(names, ["all_types", "orders"]);
    let events = &extra::SCHEMA_2024_EVENTS_LOG;
    assert_eq!(extra::all().len(), 1);
    assert_eq!(
        (events.name(), events.file()),
        ("2024 events-log", "2024 events-log.json")
    );
    assert_eq!((events.profile(), events.cdc()), (Profile::Text, true));
    assert_eq!(
        (schemas::ORDERS.profile(), schemas::ORDERS.cdc()),
        (Profile::Exact, false)
    );
    assert!(
        events.proto_text().contains("optional string amount = 2;"),
        "{}",
        events.proto_text()
    );

    let arrow = bqcodec::arrow::ipc::read_schema(schemas::ORDERS.arrow_schema().unwrap()).unwrap();
    assert_eq!(arrow.fields().len(), 10);
    assert_eq!(arrow.field(0).name(), "order_id");
    let arrow = bqcodec::arrow::ipc::read_schema(events.arrow_schema().unwrap()).unwrap();
    assert_eq!(
        (
            arrow.field(3).name().as_str(),
            arrow.field(3).data_type().to_string()
        ),
        ("at", "Utf8".to_owned())
    );
}

#[test]
fn the_text_profile_with_cdc_encodes() {
    let w = extra::SCHEMA_2024_EVENTS_LOG.proto_writer().unwrap();
    let row = w
        .encode_json(
            br#"{"id": 1, "amount": "1.25", "at": "2024-01-01 00:00:00.123456789012Z", "_CHANGE_TYPE": "DELETE"}"#,
            0,
        )
        .unwrap();
    let msg = DynamicMessage::decode(row_message(&extra::SCHEMA_2024_EVENTS_LOG), row.as_slice())
        .unwrap();
    assert_eq!(
        msg.get_field_by_name("amount").unwrap().as_str(),
        Some("1.25")
    );
    assert_eq!(
        msg.get_field_by_name("_CHANGE_TYPE").unwrap().as_str(),
        Some("DELETE")
    );
}
