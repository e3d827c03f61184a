//! The CLI's `value` command at library level (src/value/form.rs, driven as
//! src/bin/bqcodec/value.rs does): every FORM × every type, both
//! directions, with each rounding policy.
//!
//! Input: byte 0 picks the type (255: the type name is the text up to the
//! first newline, as `bqcodec value TYPE` reads it), byte 1 the form, byte 2
//! the rounding; the rest is the LITERAL / ENCODED argument.
//! - no panic;
//! - `--as FORM`: whatever encodes decodes back (`--from FORM`) to the same
//!   canonical value;
//! - `--from FORM`: whatever decodes has a canonical literal that parses
//!   back to the same value, and encodes in the same form again to text that
//!   decodes to the same value.
#![no_main]

use bqcodec::value::numeric::Rounding;
use bqcodec::value::{Codec, Form, Policy};
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
    "NUMERIC(5)",
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
    let Some(([ty, form, rounding], rest)) = data.split_first_chunk::<3>() else {
        return;
    };
    let Ok(mut text) = std::str::from_utf8(rest) else {
        return;
    };
    let type_name = if *ty == 255 {
        let (name, literal) = text.split_once('\n').unwrap_or((text, ""));
        text = literal;
        name
    } else {
        TYPES[usize::from(*ty) % TYPES.len()]
    };
    let Ok(codec) = Codec::parse_type(type_name) else {
        return;
    };
    let _ = codec.type_name();
    let form_index = usize::from(*form);
    let f = Form::ALL[form_index % Form::ALL.len()];
    assert_eq!(f.name().parse::<Form>().ok(), Some(f));
    let _ = text.parse::<Form>();
    let rounding = match rounding % 3 {
        0 => Rounding::Reject,
        1 => Rounding::HalfAwayFromZero,
        _ => Rounding::HalfEven,
    };
    let policy = Policy::new().with_rounding(rounding);
    let strict = Policy::new();
    let name = codec.type_name();

    if form_index / Form::ALL.len() % 2 == 0 {
        // bqcodec value TYPE LITERAL --as FORM
        let Ok(v) = Form::Canonical.decode(&codec, text, &policy) else {
            return;
        };
        let canonical = v.to_canonical();
        if let Ok(encoded) = f.encode(&codec, &v) {
            let back = f.decode(&codec, &encoded, &strict).unwrap_or_else(|e| {
                panic!("{name}: {f} {encoded:?} of {canonical:?} does not decode: {e}")
            });
            assert_eq!(
                back.to_canonical(),
                canonical,
                "{name}: --as {f} then --from {f}"
            );
        } else {
            assert!(
                !f.applies_to(&codec) || f == Form::PackedSeconds,
                "{name}: {canonical:?} has no {f} form"
            );
        }
    } else {
        // bqcodec value TYPE --from FORM ENCODED
        let Ok(v) = f.decode(&codec, text, &policy) else {
            return;
        };
        let canonical = v.to_canonical();
        let again = Form::Canonical
            .decode(&codec, &canonical, &strict)
            .unwrap_or_else(|e| panic!("{name}: canonical {canonical:?} does not parse: {e}"));
        assert_eq!(
            again.to_canonical(),
            canonical,
            "{name}: canonical text not stable"
        );
        if f == Form::InsertAll {
            // A JSON number is read from its text, as everywhere (the
            // insertAll form of TIMESTAMP numbers is epoch seconds, so only
            // the types whose canonical literal is a number are compared).
            let t = text.trim();
            let numeric = matches!(
                codec,
                Codec::Int64 | Codec::Float64 | Codec::Numeric(_) | Codec::BigNumeric(_)
            );
            if numeric && serde_json::from_str::<serde_json::Value>(t).is_ok_and(|j| j.is_number())
            {
                if let Ok(c) = Form::Canonical.decode(&codec, t, &policy) {
                    assert_eq!(
                        canonical,
                        c.to_canonical(),
                        "{name}: insert-all number {t} read inexactly"
                    );
                }
            }
        }
        let encoded = f.encode(&codec, &v).unwrap_or_else(|e| {
            panic!("{name}: {canonical:?} read --from {f} does not encode: {e}")
        });
        let back = f
            .decode(&codec, &encoded, &strict)
            .unwrap_or_else(|e| panic!("{name}: {f} {encoded:?} does not decode: {e}"));
        assert_eq!(
            back.to_canonical(),
            canonical,
            "{name}: --from {f} round trip"
        );
    }
});
