//! Schema parsing + validation + REST round trip must never panic, and a
//! schema that parses must survive the round trip unchanged.
#![no_main]
use bqcodec::TableSchema;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(schema) = TableSchema::from_json(text) {
        let back = TableSchema::from_value(&schema.to_rest_json());
        assert_eq!(
            back.as_ref(),
            Ok(&schema),
            "REST round trip changed the schema"
        );
    }
});
