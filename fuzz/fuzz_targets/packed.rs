//! Decoders of the binary forms (CivilTime packing, BigDecimal bytes): any
//! input either is rejected or round-trips exactly.
#![no_main]
use bqcodec::value::civil::{DateTime, Time};
use bqcodec::value::numeric::{BigNumeric, Numeric};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if data.len() >= 8 {
        let mut b = [0u8; 8];
        b.copy_from_slice(&data[..8]);
        let v = i64::from_le_bytes(b);
        if let Ok(t) = Time::from_packed_micros(v) {
            assert_eq!(t.to_packed_micros(), v);
        }
        if let Ok(t) = Time::from_packed_seconds(v) {
            assert_eq!(t.to_packed_seconds().ok(), Some(v));
        }
        if let Ok(t) = DateTime::from_packed_micros(v) {
            assert_eq!(t.to_packed_micros(), v);
        }
        if let Ok(t) = DateTime::from_packed_seconds(v) {
            assert_eq!(t.to_packed_seconds().ok(), Some(v));
        }
    }
    if let Ok(n) = Numeric::from_bigdecimal_bytes(data) {
        let mut out = Vec::new();
        n.write_bigdecimal_bytes(&mut out);
        assert_eq!(Numeric::from_bigdecimal_bytes(&out).ok(), Some(n));
    }
    if let Ok(n) = BigNumeric::from_bigdecimal_bytes(data) {
        let mut out = Vec::new();
        n.write_bigdecimal_bytes(&mut out);
        assert_eq!(BigNumeric::from_bigdecimal_bytes(&out).ok(), Some(n));
    }
});
