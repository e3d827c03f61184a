//! Arbitrary bytes decoded as one proto row (src/proto/decode.rs) against
//! several schemas and both profiles:
//! - no panic: the strict decoder returns a typed error;
//! - a row that decodes encodes again (the decoder checks values as the
//!   codecs do on input), and the re-encoded bytes decode to the same JSON
//!   and re-encode to themselves.
//!
//! Not asserted: that the re-encoded bytes equal the input. The decoder
//! accepts every valid wire form of a row (fields in any order,
//! non-minimal varints, unpacked repeated scalars, any NaN payload), while
//! the encoder writes one canonical form, so the identity holds only for
//! bytes the encoder wrote (the `rows` and `structured` targets check it
//! there).
#![no_main]

#[path = "common/mod.rs"]
mod common;

use std::sync::OnceLock;

use bqcodec::plan::WalkOptions;
use bqcodec::proto::{DescriptorOptions, Profile, ProtoWriter};
use libfuzzer_sys::fuzz_target;

fn writers() -> &'static [ProtoWriter] {
    static W: OnceLock<Vec<ProtoWriter>> = OnceLock::new();
    W.get_or_init(|| {
        let w = |json: &str, p: Profile, cdc: bool| {
            ProtoWriter::new(
                &common::schema(json),
                DescriptorOptions::default().with_profile(p).with_cdc(cdc),
                WalkOptions::new().with_cdc(cdc),
            )
            .unwrap_or_else(|e| panic!("{e}"))
        };
        vec![
            w(common::ALL_TYPES, Profile::Exact, false),
            w(common::ALL_TYPES, Profile::Text, false),
            w(common::PARAMS, Profile::Exact, true),
        ]
    })
}

fuzz_target!(|data: &[u8]| {
    for w in writers() {
        match w.decode(data) {
            Ok(json) => {
                let bytes = w
                    .encode_json(json.as_bytes(), 0)
                    .unwrap_or_else(|e| panic!("decoded row {json} does not encode: {e}"));
                let again = w
                    .decode(&bytes)
                    .unwrap_or_else(|e| panic!("re-encoded row of {json} does not decode: {e}"));
                assert_eq!(again, json, "decode → encode → decode changed the row");
                let bytes2 = w
                    .encode_json(again.as_bytes(), 0)
                    .unwrap_or_else(|e| panic!("decoded row {again} does not encode: {e}"));
                assert_eq!(bytes2, bytes, "canonical bytes are not stable");
            }
            Err(e) => {
                // The error renders, with its path.
                let _ = e.to_string();
            }
        }
    }
});
