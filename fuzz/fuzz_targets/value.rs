//! Every value parser, fed any text as a string, a number token and raw JSON:
//! no panic, and whatever parses has canonical text that parses back to the
//! same value (text → value → text → value).
#![no_main]
use bqcodec::value::{Codec, Input, Policy, numeric::Rounding};
use libfuzzer_sys::fuzz_target;

const TYPES: &[&str] = &[
    "BOOL",
    "INT64",
    "FLOAT64",
    "STRING",
    "STRING(3)",
    "BYTES",
    "BYTES(2)",
    "NUMERIC",
    "NUMERIC(10,2)",
    "BIGNUMERIC",
    "BIGNUMERIC(40,38)",
    "DATE",
    "TIME",
    "DATETIME",
    "TIMESTAMP",
    "TIMESTAMP(12)",
    "GEOGRAPHY",
    "JSON",
    "INTERVAL",
    "RANGE<DATE>",
    "RANGE<DATETIME>",
    "RANGE<TIMESTAMP>",
];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let Some(type_name) = TYPES.get(usize::from(selector) % TYPES.len()) else {
        return;
    };
    let Ok(codec) = Codec::parse_type(type_name) else {
        panic!("built-in type {type_name} does not parse");
    };
    let rounding = if selector >= 128 {
        Rounding::HalfAwayFromZero
    } else {
        Rounding::Reject
    };
    let policy = Policy::new().with_rounding(rounding);
    let mut inputs = vec![Input::Str(text)];
    if serde_json::from_str::<serde_json::Value>(text).is_ok() {
        let t = text.trim();
        if t.starts_with('{') || t.starts_with('[') {
            inputs.push(Input::Raw(t));
        } else if t.starts_with('-') || t.starts_with(|c: char| c.is_ascii_digit()) {
            inputs.push(Input::Number(t));
        }
    }
    for input in inputs {
        if let Ok(v) = codec.parse(input, &policy) {
            let canonical = v.to_canonical();
            let again = codec.parse(Input::Str(&canonical), &Policy::new());
            match again {
                Ok(w) => assert_eq!(
                    w.to_canonical(),
                    canonical,
                    "{type_name}: canonical text not stable"
                ),
                Err(e) => panic!("{type_name}: canonical {canonical:?} does not parse back: {e}"),
            }
        }
    }
});
