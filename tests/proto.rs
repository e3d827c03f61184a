//! The Storage Write API protobuf path end to end: JSON rows → proto rows →
//! JSON rows, checked against independent decoders.
//!
//! The main oracle is `prost_reflect::DynamicMessage`, loaded from
//! `ProtoSchema::message_descriptor()`: it knows nothing of BigQuery, so every
//! expected wire value below (days, packed civil times, BigDecimal bytes,
//! micros) is written down from the public specs and the official clients'
//! test vectors, cited where used, and compared with what prost-reflect reads
//! from our bytes. Column names are read back from the raw `column_name`
//! field option (extension 454943157 of `google.protobuf.FieldOptions`) by a
//! wire parser in this file, not through the crate. The second oracle is
//! Python's `protobuf` (upb), run by the `python` tests on our descriptors
//! (tests/py/load_descriptor.py, which also compiles our `.proto` text with
//! protoc) and on generated rows (tests/py/decode_rows.py); they install
//! their packages once into target/py (scripts/py-env.sh, about 30 s) and
//! skip, saying why, where python3 or its venv module is missing.
//!
//! Sections: every type × input form × mode × nesting (`matrix_*`); column
//! names; keys (unknown, case, order, duplicates); REQUIRED; batches; exact
//! numbers; decoding; generated schemas and rows (proptest); the CLI; Python.

// Tests fail by panicking; the rule against unwrap/expect/panic is for library code.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use bqcodec::plan::{KeyMatch, UnknownKeys, WalkOptions};
use bqcodec::proto::{DescriptorOptions, Profile, ProtoWriter};
use bqcodec::value::Policy;
use bqcodec::value::numeric::Rounding;
use bqcodec::{RowError, TableSchema, ValueError};
use prost::Message;
use prost_reflect::{DynamicMessage, ReflectMessage, Value};
use serde_json::{Value as J, json};

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

fn schema(fields: J) -> TableSchema {
    TableSchema::from_json(&fields.to_string()).unwrap_or_else(|e| panic!("schema: {e}\n{fields}"))
}

fn writer_with(fields: J, descriptor: DescriptorOptions, walk: WalkOptions) -> ProtoWriter {
    ProtoWriter::new(&schema(fields.clone()), descriptor, walk)
        .unwrap_or_else(|e| panic!("writer: {e}\n{fields}"))
}

fn writer(fields: J) -> ProtoWriter {
    writer_with(fields, DescriptorOptions::default(), WalkOptions::new())
}

fn encode(w: &ProtoWriter, row: &J) -> Vec<u8> {
    w.encode_json(row.to_string().as_bytes(), 0)
        .unwrap_or_else(|e| panic!("encode {row}: {e}"))
}

fn encode_err(w: &ProtoWriter, row: &J) -> RowError {
    match w.encode_json(row.to_string().as_bytes(), 0) {
        Ok(b) => panic!("encode {row}: accepted as {}", hex(&b)),
        Err(e) => e,
    }
}

fn decode(w: &ProtoWriter, bytes: &[u8]) -> J {
    let text = w
        .decode(bytes)
        .unwrap_or_else(|e| panic!("decode {}: {e}", hex(bytes)));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("decoder wrote bad JSON {text}: {e}"))
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// A scratch directory under target/tmp, removed when the test passes (kept
/// for a look when it fails).
struct TempDir(std::path::PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let d = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("proto-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&d).unwrap();
        TempDir(d)
    }
}

impl std::ops::Deref for TempDir {
    type Target = std::path::Path;
    fn deref(&self) -> &std::path::Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

/// The oracle: prost-reflect decodes `bytes` with the crate's descriptor.
fn oracle(w: &ProtoWriter, bytes: &[u8]) -> DynamicMessage {
    let desc = w.proto_schema().message_descriptor().clone();
    DynamicMessage::decode(desc, bytes)
        .unwrap_or_else(|e| panic!("prost-reflect rejects {}: {e}", hex(bytes)))
}

/// Reads a varint from `b` at `*pos`.
fn varint(b: &[u8], pos: &mut usize) -> Option<u64> {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let byte = *b.get(*pos)?;
        *pos += 1;
        v |= u64::from(byte & 0x7f) << shift;
        if byte < 0x80 {
            return Some(v);
        }
    }
    None
}

/// The `column_name` option of a field, read from the raw encoded
/// `FieldOptions` (field 454943157, a string), independently of the crate.
/// Field number from googleapis `google/cloud/bigquery/storage/v1/annotations.proto`.
fn raw_column_name(fd: &prost_reflect::FieldDescriptor) -> Option<String> {
    let b = fd.options().encode_to_vec();
    let mut pos = 0;
    while pos < b.len() {
        let key = varint(&b, &mut pos)?;
        match key & 7 {
            0 => {
                varint(&b, &mut pos)?;
            }
            1 => pos += 8,
            5 => pos += 4,
            2 => {
                let len = usize::try_from(varint(&b, &mut pos)?).ok()?;
                let body = b.get(pos..pos + len)?;
                pos += len;
                if key >> 3 == 454_943_157 {
                    return String::from_utf8(body.to_vec()).ok();
                }
            }
            _ => return None,
        }
    }
    None
}

fn column_of(fd: &prost_reflect::FieldDescriptor) -> String {
    raw_column_name(fd).unwrap_or_else(|| fd.name().to_owned())
}

/// What prost-reflect holds, keyed by BigQuery column name: only the fields
/// present on the wire (proto2 presence; an empty list is absent). Doubles
/// are their Rust `{:?}` text (so `-0.0` and `NaN` compare), bytes are
/// `"0x…"` hex, int32/int64 JSON integers.
fn raw(msg: &DynamicMessage) -> J {
    raw_with(msg, false)
}

/// [`raw`], or with doubles as `"f64:"` and their IEEE-754 bits in hex
/// (what tests/py/decode_rows.py writes) when `bits`.
fn raw_with(msg: &DynamicMessage, bits: bool) -> J {
    let mut out = serde_json::Map::new();
    for fd in msg.descriptor().fields() {
        if msg.has_field(&fd) {
            out.insert(column_of(&fd), raw_value(&msg.get_field(&fd), bits));
        }
    }
    J::Object(out)
}

fn raw_value(v: &Value, bits: bool) -> J {
    match v {
        Value::Bool(b) => json!(b),
        Value::I32(i) => json!(i),
        Value::I64(i) => json!(i),
        Value::F64(f) if bits => json!(format!("f64:{:016x}", f.to_bits())),
        Value::F64(f) => json!(format!("{f:?}")),
        Value::String(s) => json!(s),
        Value::Bytes(b) => json!(format!("0x{}", hex(b))),
        Value::Message(m) => raw_with(m, bits),
        Value::List(l) => J::Array(l.iter().map(|x| raw_value(x, bits)).collect()),
        other => panic!("a proto type the crate never emits: {other:?}"),
    }
}

/// Every check that applies to one good row: decodes to `out`, prost-reflect
/// reads `wire`, encode → decode → encode is the identity, prost-reflect
/// re-encodes the same bytes (so fields are in canonical order), and the
/// `serde_json::Value` and `Serialize` entry points give the same bytes.
fn check_row(w: &ProtoWriter, row: &J, out: &J, wire: &J) -> Vec<u8> {
    let bytes = encode(w, row);
    assert_eq!(&decode(w, &bytes), out, "decode of {row}");
    let msg = oracle(w, &bytes);
    assert_eq!(&raw(&msg), wire, "prost-reflect view of {row}");
    assert_eq!(
        hex(&msg.encode_to_vec()),
        hex(&bytes),
        "prost-reflect re-encodes {row} differently"
    );
    let again = w.decode(&bytes).unwrap();
    assert_eq!(
        hex(&encode(w, &serde_json::from_str(&again).unwrap())),
        hex(&bytes),
        "encode(decode(encode({row}))) differs"
    );
    assert_eq!(
        w.encode_value(row, 0).map(|b| hex(&b)),
        Ok(hex(&bytes)),
        "encode_value {row}"
    );
    assert_eq!(
        w.encode_serialize(row, 0).map(|b| hex(&b)),
        Ok(hex(&bytes)),
        "encode_serialize {row}"
    );
    bytes
}

/// The BigDecimal byte encoding of a scaled integer: little-endian two's
/// complement, minimal length (zero is one 0x00 byte). The Java client's
/// `BigDecimalByteStringEncoder` writes `unscaledValue().toByteArray()`
/// (big-endian, minimal) reversed.
fn le_minimal(mut b: Vec<u8>) -> String {
    while b.len() > 1 {
        let last = b[b.len() - 1];
        let next_high = b[b.len() - 2] & 0x80;
        if (last == 0 && next_high == 0) || (last == 0xff && next_high != 0) {
            b.pop();
        } else {
            break;
        }
    }
    format!("0x{}", hex(&b))
}

fn le(scaled: i128) -> String {
    le_minimal(scaled.to_le_bytes().to_vec())
}

fn le256(scaled: ethnum::I256) -> String {
    le_minimal(scaled.to_le_bytes().to_vec())
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
/// `days_from_civil`, http://howardhinnant.github.io/date_algorithms.html).
fn days(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// CivilTime packed TIME micros: hour<<32 | minute<<26 | second<<20 | micros
/// (the Java client's `CivilTimeEncoder.encodePacked64TimeMicros`).
fn packed_time(h: i64, mi: i64, s: i64, us: i64) -> i64 {
    (((h << 12) | (mi << 6) | s) << 20) | us
}

/// CivilTime packed DATETIME micros: year<<46 | month<<42 | day<<37 | TIME.
fn packed_datetime(y: i64, mo: i64, d: i64, h: i64, mi: i64, s: i64, us: i64) -> i64 {
    (((y << 26) | (mo << 22) | (d << 17) | (h << 12) | (mi << 6) | s) << 20) | us
}

// ---------------------------------------------------------------------------
// Every type × every accepted input form × mode × nesting
// ---------------------------------------------------------------------------

/// One value of a type: the input as given, what `decode` writes, what
/// prost-reflect reads (see [`raw`]).
struct Case {
    input: J,
    out: J,
    wire: J,
}

fn case(input: J, out: J, wire: J) -> Case {
    Case { input, out, wire }
}

/// Wraps `inner` in `depth` records `r1 … rN`; each record value is an
/// object, or a one-element list when `repeated`.
fn wrap(depth: usize, repeated: bool, inner: J) -> J {
    let mut v = inner;
    for i in (1..=depth).rev() {
        let rec = if repeated { json!([v]) } else { v };
        v = json!({ format!("r{i}"): rec });
    }
    v
}

fn wrap_schema(depth: usize, repeated: bool, leaf: Vec<J>) -> J {
    let mut fields = J::Array(leaf);
    for i in (1..=depth).rev() {
        let mode = if repeated { "REPEATED" } else { "NULLABLE" };
        fields =
            json!([{"name": format!("r{i}"), "type": "RECORD", "mode": mode, "fields": fields}]);
    }
    fields
}

fn wrap_path(depth: usize, repeated: bool, leaf: &str) -> String {
    let mut p = String::new();
    for i in 1..=depth {
        p.push_str(&format!("r{i}"));
        if repeated {
            p.push_str("[0]");
        }
        p.push('.');
    }
    p.push_str(leaf);
    p
}

/// Runs `cases` (all of one column type `ty`) through NULLABLE, REQUIRED and
/// REPEATED, at the top level and under 1 and 3 levels of RECORDs (NULLABLE
/// and REPEATED records), with a sibling column before it so the value must
/// land in field 2.
fn run_matrix(ty: J, cases: &[Case], descriptor: DescriptorOptions) {
    for depth in [0usize, 1, 3] {
        for repeated_rec in [false, true] {
            if depth == 0 && repeated_rec {
                continue;
            }
            for mode in ["NULLABLE", "REQUIRED", "REPEATED"] {
                let mut leaf = ty.clone();
                leaf["name"] = json!("c");
                leaf["mode"] = json!(mode);
                let fields = wrap_schema(
                    depth,
                    repeated_rec,
                    vec![json!({"name": "k", "type": "INT64"}), leaf],
                );
                let w = writer_with(fields.clone(), descriptor.clone(), WalkOptions::new());
                let ctx = format!("{mode} at depth {depth} (repeated records: {repeated_rec})");
                let row = |c: J| wrap(depth, repeated_rec, json!({"k": 7, "c": c}));
                let out = |c: J| wrap(depth, repeated_rec, json!({"k": "7", "c": c}));
                let wire_with = |c: Option<J>| {
                    let mut inner = json!({"k": 7});
                    if let Some(c) = c {
                        inner["c"] = c;
                    }
                    wrap(depth, repeated_rec, inner)
                };
                let path = wrap_path(depth, repeated_rec, "c");
                if mode == "REPEATED" {
                    let ins: Vec<J> = cases.iter().map(|c| c.input.clone()).collect();
                    let outs: Vec<J> = cases.iter().map(|c| c.out.clone()).collect();
                    let wires: Vec<J> = cases.iter().map(|c| c.wire.clone()).collect();
                    check_row(
                        &w,
                        &row(J::Array(ins)),
                        &out(J::Array(outs)),
                        &wire_with(Some(J::Array(wires))),
                    );
                    // Each element alone too.
                    for c in cases {
                        check_row(
                            &w,
                            &row(json!([c.input])),
                            &out(json!([c.out])),
                            &wire_with(Some(json!([c.wire]))),
                        );
                    }
                    // Empty, null and absent lists are all the empty list.
                    for empty in [json!([]), J::Null] {
                        check_row(&w, &row(empty), &out(json!([])), &wire_with(None));
                    }
                    let absent = wrap(depth, repeated_rec, json!({"k": 7}));
                    check_row(&w, &absent, &out(json!([])), &wire_with(None));
                    // A null element is an error naming its index.
                    let e = encode_err(&w, &row(json!([cases[0].input, null])));
                    assert_eq!(e.path.to_string(), format!("{path}[1]"), "{ctx}: {e}");
                } else {
                    for c in cases {
                        check_row(
                            &w,
                            &row(c.input.clone()),
                            &out(c.out.clone()),
                            &wire_with(Some(c.wire.clone())),
                        );
                    }
                    let absent = wrap(depth, repeated_rec, json!({"k": 7}));
                    if mode == "NULLABLE" {
                        check_row(&w, &row(J::Null), &out(J::Null), &wire_with(None));
                        check_row(&w, &absent, &out(J::Null), &wire_with(None));
                    } else {
                        let e = encode_err(&w, &row(J::Null));
                        assert_eq!(e.path.to_string(), path, "{ctx}: {e}");
                        assert_eq!(e.error, ValueError::Required { found: "null" }, "{ctx}");
                        let e = encode_err(&w, &absent);
                        assert_eq!(e.path.to_string(), path, "{ctx}: {e}");
                        assert_eq!(e.error, ValueError::Required { found: "no key" }, "{ctx}");
                    }
                }
            }
        }
    }
}

fn exact() -> DescriptorOptions {
    DescriptorOptions::default()
}

fn text() -> DescriptorOptions {
    DescriptorOptions::default().with_profile(Profile::Text)
}

#[test]
fn matrix_bool() {
    // JSON booleans, the words in any case, and the numbers 0 and 1 (the
    // Storage Write API converts integers to BOOL).
    let cases = [
        case(json!(true), json!(true), json!(true)),
        case(json!(false), json!(false), json!(false)),
        case(json!("TRUE"), json!(true), json!(true)),
        case(json!("false"), json!(false), json!(false)),
        case(json!(1), json!(true), json!(true)),
        case(json!(0), json!(false), json!(false)),
        case(json!(1.0), json!(true), json!(true)),
        case(json!("tRuE"), json!(true), json!(true)),
    ];
    run_matrix(json!({"type": "BOOLEAN"}), &cases, exact());
}

#[test]
fn matrix_int64() {
    let cases = [
        case(json!(42), json!("42"), json!(42)),
        case(json!(-1), json!("-1"), json!(-1)),
        case(
            json!(i64::MAX),
            json!("9223372036854775807"),
            json!(i64::MAX),
        ),
        case(
            json!("-9223372036854775808"),
            json!("-9223372036854775808"),
            json!(i64::MIN),
        ),
        case(
            json!("9007199254740993"),
            json!("9007199254740993"),
            json!(9_007_199_254_740_993_i64),
        ),
        case(json!(0), json!("0"), json!(0)),
        // The exact decimal grammar: a fraction of zeros, an exponent, a sign.
        case(json!(1.0), json!("1"), json!(1)),
        case(json!("1.5e1"), json!("15"), json!(15)),
        case(json!("+5"), json!("5"), json!(5)),
    ];
    run_matrix(json!({"type": "INTEGER"}), &cases, exact());
}

#[test]
fn matrix_float64() {
    let cases = [
        case(json!(1.5), json!(1.5), json!("1.5")),
        case(json!(-0.25), json!(-0.25), json!("-0.25")),
        case(json!(1e308), json!(1e308), json!("1e308")),
        case(json!("2.5"), json!(2.5), json!("2.5")),
        case(json!("NaN"), json!("NaN"), json!("NaN")),
        case(json!("Infinity"), json!("Infinity"), json!("inf")),
        case(json!("-Infinity"), json!("-Infinity"), json!("-inf")),
        case(json!(5e-324), json!(5e-324), json!("5e-324")),
        case(json!("1e3"), json!(1000), json!("1000.0")),
        case(json!(-0.0), json!(-0.0), json!("-0.0")),
    ];
    run_matrix(json!({"type": "FLOAT"}), &cases, exact());
}

#[test]
fn matrix_string() {
    let cases = [
        case(json!("héllo"), json!("héllo"), json!("héllo")),
        case(json!(""), json!(""), json!("")),
        case(
            json!("a\"b\\c\nd\u{1}"),
            json!("a\"b\\c\nd\u{1}"),
            json!("a\"b\\c\nd\u{1}"),
        ),
        case(json!("😀 名前"), json!("😀 名前"), json!("😀 名前")),
    ];
    run_matrix(json!({"type": "STRING"}), &cases, exact());
}

#[test]
fn matrix_bytes() {
    // Standard or URL-safe base64, padding optional; decoded as standard, padded.
    let cases = [
        case(json!("AAEC/w=="), json!("AAEC/w=="), json!("0x000102ff")),
        case(json!("AAEC_w"), json!("AAEC/w=="), json!("0x000102ff")),
        case(json!(""), json!(""), json!("0x")),
        case(json!("aGk="), json!("aGk="), json!("0x6869")),
        case(json!("AAEC/w"), json!("AAEC/w=="), json!("0x000102ff")),
    ];
    run_matrix(json!({"type": "BYTES"}), &cases, exact());
}

#[test]
fn matrix_numeric() {
    // The scaled integer (value × 10^9) in the BigDecimal bytes.
    let max = 10_i128.pow(38) - 1;
    let cases = [
        case(json!(2.3), json!("2.3"), json!(le(2_300_000_000))),
        case(json!("123.4"), json!("123.4"), json!(le(123_400_000_000))),
        case(
            json!("-9000000"),
            json!("-9000000"),
            json!(le(-9_000_000_000_000_000)),
        ),
        case(json!("0"), json!("0"), json!("0x00")),
        case(json!("0.000000001"), json!("0.000000001"), json!("0x01")),
        case(json!("-0.000000001"), json!("-0.000000001"), json!("0xff")),
        case(json!("1.5e3"), json!("1500"), json!(le(1_500_000_000_000))),
        case(json!("+.5"), json!("0.5"), json!(le(500_000_000))),
        case(json!("5."), json!("5"), json!(le(5_000_000_000))),
        case(
            json!("1.500000000000"),
            json!("1.5"),
            json!(le(1_500_000_000)),
        ),
        case(
            json!("99999999999999999999999999999.999999999"),
            json!("99999999999999999999999999999.999999999"),
            json!(le(max)),
        ),
        case(
            json!("-99999999999999999999999999999.999999999"),
            json!("-99999999999999999999999999999.999999999"),
            json!(le(-max)),
        ),
    ];
    // Known bytes, independent of the helper: 123.4 → 123400000000 =
    // 0x1CBB369200, little-endian; -9000000 → -9×10^15, seven bytes (0xe0 already
    // carries the sign).
    assert_eq!(le(123_400_000_000), "0x009236bb1c");
    assert_eq!(le(-9_000_000_000_000_000), "0x008005358c06e0");
    run_matrix(json!({"type": "NUMERIC"}), &cases, exact());
}

#[test]
fn matrix_bignumeric() {
    // value × 10^38, in a 256-bit two's complement integer; the range ends
    // are ±2^255 × 10^-38 (BigQuery "Data types", BIGNUMERIC).
    let e38 = 10_i128.pow(38);
    let cases = [
        case(
            json!("-1.00000000000000000000000000000000000001"),
            json!("-1.00000000000000000000000000000000000001"),
            json!(le(-(e38 + 1))),
        ),
        case(
            json!(2.3),
            json!("2.3"),
            json!(le256(
                ethnum::I256::from(23) * ethnum::I256::from(10).pow(37)
            )),
        ),
        case(json!("0"), json!("0"), json!("0x00")),
        case(
            json!("578960446186580977117854925043439539266.34992332820282019728792003956564819967"),
            json!("578960446186580977117854925043439539266.34992332820282019728792003956564819967"),
            json!(le256(ethnum::I256::MAX)),
        ),
        case(
            json!(
                "-578960446186580977117854925043439539266.34992332820282019728792003956564819968"
            ),
            json!(
                "-578960446186580977117854925043439539266.34992332820282019728792003956564819968"
            ),
            json!(le256(ethnum::I256::MIN)),
        ),
    ];
    assert_eq!(le256(ethnum::I256::MIN), format!("0x{}80", "00".repeat(31)));
    run_matrix(json!({"type": "BIGNUMERIC"}), &cases, exact());
}

#[test]
fn matrix_date() {
    // int32 days since 1970-01-01 (Storage Write API type table); 2020-01-01
    // is day 18262, the range ends are -719162 and 2932896.
    assert_eq!(days(2020, 1, 1), 18262);
    let cases = [
        case(
            json!("2024-02-29"),
            json!("2024-02-29"),
            json!(days(2024, 2, 29)),
        ),
        case(json!(18262), json!("2020-01-01"), json!(18262)),
        case(json!("2020-1-2"), json!("2020-01-02"), json!(18263)),
        case(json!("0001-01-01"), json!("0001-01-01"), json!(-719_162)),
        case(json!("9999-12-31"), json!("9999-12-31"), json!(2_932_896)),
        case(json!("1969-12-31"), json!("1969-12-31"), json!(-1)),
        case(json!(-719_162), json!("0001-01-01"), json!(-719_162)),
    ];
    assert_eq!(days(9999, 12, 31), 2_932_896);
    assert_eq!(days(1, 1, 1), -719_162);
    run_matrix(json!({"type": "DATE"}), &cases, exact());
}

#[test]
fn matrix_time() {
    // Vectors from the Java client's CivilTimeEncoderTest
    // (Packed64TimeMicrosTest): 13:14:15.016 = 0xD38F03E80,
    // 00:01:02.003 = 0x4200BB8, 12:00 = 0xC00000000, 23:59:59.999999 = 0x17EFBF423F.
    assert_eq!(packed_time(13, 14, 15, 16_000), 0xD_38F0_3E80);
    let cases = [
        case(
            json!("13:14:15.016"),
            json!("13:14:15.016000"),
            json!(0xD_38F0_3E80_i64),
        ),
        case(
            json!("0:1:2.003"),
            json!("00:01:02.003000"),
            json!(0x420_0BB8_i64),
        ),
        case(
            json!("12:00:00"),
            json!("12:00:00"),
            json!(0xC_0000_0000_i64),
        ),
        case(
            json!("23:59:59.999999"),
            json!("23:59:59.999999"),
            json!(0x17_EFBF_423F_i64),
        ),
        case(
            json!(0xD_38F0_3E80_i64),
            json!("13:14:15.016000"),
            json!(0xD_38F0_3E80_i64),
        ),
        case(json!("00:00:00"), json!("00:00:00"), json!(0)),
        case(
            json!("1:2:3"),
            json!("01:02:03"),
            json!(packed_time(1, 2, 3, 0)),
        ),
        case(
            json!("12:00:00.000000000"),
            json!("12:00:00"),
            json!(0xC_0000_0000_i64),
        ),
    ];
    run_matrix(json!({"type": "TIME"}), &cases, exact());
}

#[test]
fn matrix_datetime() {
    // CivilTimeEncoderTest (Packed64DateTimeMicrosTest): 0001-01-01 =
    // 0x442000000000, 0001-02-03 00:01:02.003 = 0x486004200BB8,
    // 9999-12-31 23:59:59.999 = 0x9C3F3F7EFBF3E58.
    assert_eq!(packed_datetime(1, 2, 3, 0, 1, 2, 3000), 0x4860_0420_0BB8);
    let cases = [
        case(
            json!("0001-01-01"),
            json!("0001-01-01T00:00:00"),
            json!(0x4420_0000_0000_i64),
        ),
        case(
            json!("0001-02-03 00:01:02.003"),
            json!("0001-02-03T00:01:02.003000"),
            json!(0x4860_0420_0BB8_i64),
        ),
        case(
            json!("9999-12-31T23:59:59.999"),
            json!("9999-12-31T23:59:59.999000"),
            json!(0x9C3_F3F7_EFBF_3E58_i64),
        ),
        case(
            json!("2024-02-29t13:14:15.123456"),
            json!("2024-02-29T13:14:15.123456"),
            json!(packed_datetime(2024, 2, 29, 13, 14, 15, 123_456)),
        ),
        case(
            json!(0x442C_0000_0000_i64),
            json!("0001-01-01T12:00:00"),
            json!(0x442C_0000_0000_i64),
        ),
        case(
            json!("2024-2-9 1:2:3"),
            json!("2024-02-09T01:02:03"),
            json!(packed_datetime(2024, 2, 9, 1, 2, 3, 0)),
        ),
    ];
    run_matrix(json!({"type": "DATETIME"}), &cases, exact());
}

#[test]
fn matrix_timestamp() {
    // int64 microseconds since the epoch. 2008-12-25 15:30:00-08:00 is
    // 1230247800 s (the GoogleSQL docs' example instant).
    let mut cases = vec![
        case(
            json!("2008-12-25 15:30:00-08:00"),
            json!("2008-12-25T23:30:00Z"),
            json!(1_230_247_800_000_000_i64),
        ),
        case(
            json!("2008-12-25T23:30:00Z"),
            json!("2008-12-25T23:30:00Z"),
            json!(1_230_247_800_000_000_i64),
        ),
        case(
            json!(1_230_247_800_000_000_i64),
            json!("2008-12-25T23:30:00Z"),
            json!(1_230_247_800_000_000_i64),
        ),
        case(
            json!("1969-12-31T23:59:59.999999Z"),
            json!("1969-12-31T23:59:59.999999Z"),
            json!(-1),
        ),
        case(
            json!("0001-01-01 00:00:00 UTC"),
            json!("0001-01-01T00:00:00Z"),
            json!(-62_135_596_800_000_000_i64),
        ),
        case(
            json!("9999-12-31 23:59:59.999999+00:00"),
            json!("9999-12-31T23:59:59.999999Z"),
            json!(253_402_300_799_999_999_i64),
        ),
        case(
            json!("2024-02-29"),
            json!("2024-02-29T00:00:00Z"),
            json!(days(2024, 2, 29) * 86_400_000_000),
        ),
    ];
    // The ISO 8601 basic offset (four digits) and a lower-case z.
    cases.push(case(
        json!("2008-12-25T15:30:00+0530"),
        json!("2008-12-25T10:00:00Z"),
        json!(1_230_199_200_000_000_i64),
    ));
    cases.push(case(
        json!("2008-12-25t23:30:00z"),
        json!("2008-12-25T23:30:00Z"),
        json!(1_230_247_800_000_000_i64),
    ));
    if cfg!(feature = "tz") {
        cases.push(case(
            json!("2008-12-25 15:30:00 America/Los_Angeles"),
            json!("2008-12-25T23:30:00Z"),
            json!(1_230_247_800_000_000_i64),
        ));
    }
    run_matrix(json!({"type": "TIMESTAMP"}), &cases, exact());
}

#[test]
fn matrix_timestamp_picos() {
    // timestampPrecision 12: a `string` field holding the literal
    // (the Node client's adapt layer makes the same choice).
    let cases = [
        case(
            json!("1970-01-01T00:00:00.000000000001Z"),
            json!("1970-01-01T00:00:00.000000000001Z"),
            json!("1970-01-01T00:00:00.000000000001Z"),
        ),
        case(
            json!("2008-12-25 15:30:00.123456789012-08:00"),
            json!("2008-12-25T23:30:00.123456789012Z"),
            json!("2008-12-25T23:30:00.123456789012Z"),
        ),
        // A JSON number is microseconds; the literal keeps twelve digits.
        case(
            json!(1),
            json!("1970-01-01T00:00:00.000001000000Z"),
            json!("1970-01-01T00:00:00.000001000000Z"),
        ),
        case(
            json!("2000-01-01"),
            json!("2000-01-01T00:00:00Z"),
            json!("2000-01-01T00:00:00Z"),
        ),
    ];
    run_matrix(
        json!({"type": "TIMESTAMP", "timestampPrecision": 12}),
        &cases,
        exact(),
    );
}

#[test]
fn matrix_text_profile() {
    // Profile::Text: DATETIME, TIME, NUMERIC, BIGNUMERIC as string literals.
    // DATETIME's text on the wire uses a space (BigQuery's canonical DATETIME
    // literal), TIME keeps six fractional digits when it has any.
    run_matrix(
        json!({"type": "DATETIME"}),
        &[
            case(
                json!("2024-02-29T13:14:15.5"),
                json!("2024-02-29T13:14:15.500000"),
                json!("2024-02-29 13:14:15.500000"),
            ),
            case(
                json!("0001-01-01"),
                json!("0001-01-01T00:00:00"),
                json!("0001-01-01 00:00:00"),
            ),
            case(
                json!(0x4860_0420_0BB8_i64),
                json!("0001-02-03T00:01:02.003000"),
                json!("0001-02-03 00:01:02.003000"),
            ),
        ],
        text(),
    );
    run_matrix(
        json!({"type": "TIME"}),
        &[
            case(
                json!("1:2:3.4"),
                json!("01:02:03.400000"),
                json!("01:02:03.400000"),
            ),
            case(json!("23:59:59"), json!("23:59:59"), json!("23:59:59")),
        ],
        text(),
    );
    run_matrix(
        json!({"type": "NUMERIC"}),
        &[
            case(json!(2.3), json!("2.3"), json!("2.3")),
            case(json!("-1.50e2"), json!("-150"), json!("-150")),
            case(
                json!("0.000000001"),
                json!("0.000000001"),
                json!("0.000000001"),
            ),
        ],
        text(),
    );
    run_matrix(
        json!({"type": "BIGNUMERIC"}),
        &[case(
            json!("-1.00000000000000000000000000000000000001"),
            json!("-1.00000000000000000000000000000000000001"),
            json!("-1.00000000000000000000000000000000000001"),
        )],
        text(),
    );
    // The other types are the same in both profiles.
    run_matrix(
        json!({"type": "DATE"}),
        &[case(json!("2020-01-01"), json!("2020-01-01"), json!(18262))],
        text(),
    );
}

#[test]
fn matrix_geography() {
    // A `string` field holding WKT (Storage Write API type table).
    let cases = [
        case(
            json!("POINT(1 2)"),
            json!("POINT(1 2)"),
            json!("POINT(1 2)"),
        ),
        case(
            json!({"type": "Point", "coordinates": [1, 2]}),
            json!("POINT(1 2)"),
            json!("POINT(1 2)"),
        ),
        case(
            json!("{\"type\": \"Point\", \"coordinates\": [1, 2]}"),
            json!("POINT(1 2)"),
            json!("POINT(1 2)"),
        ),
    ];
    run_matrix(json!({"type": "GEOGRAPHY"}), &cases, exact());
}

#[test]
fn matrix_json() {
    // A `string` field holding the JSON text, compact.
    let cases = [
        case(
            json!({"a": [1, 2, {"b": null}]}),
            json!("{\"a\":[1,2,{\"b\":null}]}"),
            json!("{\"a\":[1,2,{\"b\":null}]}"),
        ),
        case(json!("{\"a\": 1}"), json!("{\"a\":1}"), json!("{\"a\":1}")),
        case(json!([1, "x"]), json!("[1,\"x\"]"), json!("[1,\"x\"]")),
        case(json!(1.5), json!("1.5"), json!("1.5")),
        case(json!(true), json!("true"), json!("true")),
        // A string holding JSON text: "null" is the JSON null, "\"x\"" a JSON string.
        case(json!("null"), json!("null"), json!("null")),
        case(json!("\"x\""), json!("\"x\""), json!("\"x\"")),
        case(json!(" [1, 2] "), json!("[1,2]"), json!("[1,2]")),
    ];
    run_matrix(json!({"type": "JSON"}), &cases, exact());
}

#[test]
fn matrix_interval() {
    // A `string` field holding the canonical literal "Y-M D H:M:S[.F]".
    let cases = [
        case(
            json!("1-2 3 4:5:6.789"),
            json!("1-2 3 4:5:6.789"),
            json!("1-2 3 4:5:6.789"),
        ),
        case(
            json!("P1Y2M3DT4H5M6.789S"),
            json!("1-2 3 4:5:6.789"),
            json!("1-2 3 4:5:6.789"),
        ),
        case(
            json!("0-0 0 0:0:0"),
            json!("0-0 0 0:0:0"),
            json!("0-0 0 0:0:0"),
        ),
        // Partial forms (ZetaSQL's IntervalValue grammar) and signed groups.
        case(json!("1-2"), json!("1-2 0 0:0:0"), json!("1-2 0 0:0:0")),
        case(
            json!("10:20:30.52"),
            json!("0-0 0 10:20:30.520"),
            json!("0-0 0 10:20:30.520"),
        ),
        case(
            json!("-1-2 +3 -4:5:6"),
            json!("-1-2 3 -4:5:6"),
            json!("-1-2 3 -4:5:6"),
        ),
    ];
    run_matrix(json!({"type": "INTERVAL"}), &cases, exact());
}

#[test]
fn matrix_range() {
    // RANGE<T>: a message { T start = 1; T end = 2; }, an unbounded end absent.
    run_matrix(
        json!({"type": "RANGE", "rangeElementType": {"type": "DATE"}}),
        &[
            case(
                json!({"start": "2024-01-01", "end": "2024-12-31"}),
                json!({"start": "2024-01-01", "end": "2024-12-31"}),
                json!({"start": days(2024, 1, 1), "end": days(2024, 12, 31)}),
            ),
            case(
                json!("[2024-01-01, UNBOUNDED)"),
                json!({"start": "2024-01-01", "end": null}),
                json!({"start": days(2024, 1, 1)}),
            ),
            case(
                json!({"start": null, "end": null}),
                json!({"start": null, "end": null}),
                json!({}),
            ),
            case(
                json!("[UNBOUNDED, 2024-01-01)"),
                json!({"start": null, "end": "2024-01-01"}),
                json!({"end": days(2024, 1, 1)}),
            ),
            case(
                json!({"start": 19723, "end": "2024-12-31"}),
                json!({"start": "2024-01-01", "end": "2024-12-31"}),
                json!({"start": 19723, "end": days(2024, 12, 31)}),
            ),
        ],
        exact(),
    );
    run_matrix(
        json!({"type": "RANGE", "rangeElementType": {"type": "DATETIME"}}),
        &[case(
            json!({"start": "0001-01-01 00:00:00", "end": null}),
            json!({"start": "0001-01-01T00:00:00", "end": null}),
            json!({"start": 0x4420_0000_0000_i64}),
        )],
        exact(),
    );
    run_matrix(
        json!({"type": "RANGE", "rangeElementType": {"type": "DATETIME"}}),
        &[case(
            json!({"start": null, "end": "0001-02-03 00:01:02.003"}),
            json!({"start": null, "end": "0001-02-03T00:01:02.003000"}),
            json!({"end": "0001-02-03 00:01:02.003000"}),
        )],
        text(),
    );
    run_matrix(
        json!({"type": "RANGE", "rangeElementType": {"type": "TIMESTAMP"}}),
        &[case(
            json!("[1969-12-31T23:59:59.999999Z, 2008-12-25 15:30:00-08:00)"),
            json!({"start": "1969-12-31T23:59:59.999999Z", "end": "2008-12-25T23:30:00Z"}),
            json!({"start": -1, "end": 1_230_247_800_000_000_i64}),
        )],
        exact(),
    );
}

// ---------------------------------------------------------------------------
// Column names
// ---------------------------------------------------------------------------

/// Encodes `row`, checks it decodes to itself (`out`) and that prost-reflect,
/// reading column names from the raw option, sees `wire`; also checks every
/// proto field name is an identifier and that exactly the renamed fields
/// carry the option.
fn check_names(w: &ProtoWriter, row: &J, out: &J, wire: &J) {
    check_row(w, row, out, wire);
    fn walk(m: &prost_reflect::MessageDescriptor, seen: &mut Vec<String>) {
        if seen.contains(&m.full_name().to_owned()) {
            return;
        }
        seen.push(m.full_name().to_owned());
        for fd in m.fields() {
            let name = fd.name();
            let ident = name
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            assert!(ident, "{name} is not a proto identifier");
            if let Some(col) = raw_column_name(&fd) {
                assert_ne!(col, name, "an option equal to the field name");
            }
            if let prost_reflect::Kind::Message(sub) = fd.kind() {
                walk(&sub, seen);
            }
        }
    }
    walk(w.proto_schema().message_descriptor(), &mut Vec::new());
}

#[test]
fn flexible_column_names() {
    // Flexible column names (BigQuery "Specifying a schema"): spaces,
    // dashes, Unicode letters, a leading digit, & % = + : ' < > # |.
    let w = writer(json!([
        {"name": "first name", "type": "STRING"},
        {"name": "名前", "type": "STRING"},
        {"name": "zip-code", "type": "INT64", "mode": "REPEATED"},
        {"name": "1st", "type": "BOOL"},
        {"name": "a b", "type": "RECORD", "fields": [
            {"name": "c-d", "type": "DATE"},
            {"name": "é", "type": "STRING", "mode": "REQUIRED"},
            {"name": "x&y%z=w+v:u'<t>#s|r", "type": "INT64"}
        ]},
        {"name": "価格 円", "type": "NUMERIC"},
        {"name": "plain_name", "type": "INT64"}
    ]));
    check_names(
        &w,
        &json!({"first name": "Ada", "名前": "エイダ", "zip-code": [75001, 10115], "1st": true,
                "a b": {"c-d": "2020-01-01", "é": "e", "x&y%z=w+v:u'<t>#s|r": 5},
                "価格 円": "12.5", "plain_name": 1}),
        &json!({"first name": "Ada", "名前": "エイダ", "zip-code": ["75001", "10115"], "1st": true,
                "a b": {"c-d": "2020-01-01", "é": "e", "x&y%z=w+v:u'<t>#s|r": "5"},
                "価格 円": "12.5", "plain_name": "1"}),
        &json!({"first name": "Ada", "名前": "エイダ", "zip-code": [75001, 10115], "1st": true,
                "a b": {"c-d": 18262, "é": "e", "x&y%z=w+v:u'<t>#s|r": 5},
                "価格 円": le(12_500_000_000), "plain_name": 1}),
    );
    // A plain identifier keeps its name and carries no option.
    let plain = w
        .proto_schema()
        .message_descriptor()
        .get_field_by_name("plain_name")
        .expect("plain_name kept");
    assert_eq!(raw_column_name(&plain), None);
}

#[test]
fn record_a_b_and_nested_a_dot_b_stay_apart() {
    // The official clients name a nested message by joining the path with
    // `_`, so a top-level RECORD `a_b` and the RECORD `a.b` get one type and
    // one column's data is lost (shared/peers/README.md, Node client).
    let w = writer(json!([
        {"name": "a_b", "type": "RECORD", "fields": [{"name": "x", "type": "INT64"}]},
        {"name": "a", "type": "RECORD", "fields": [
            {"name": "b", "type": "RECORD", "fields": [{"name": "x", "type": "STRING"}, {"name": "y", "type": "BOOL"}]}
        ]},
        {"name": "AB", "type": "RECORD", "fields": [{"name": "x", "type": "DATE"}]}
    ]));
    check_names(
        &w,
        &json!({"a_b": {"x": 1}, "a": {"b": {"x": "s", "y": true}}, "AB": {"x": 0}}),
        &json!({"a_b": {"x": "1"}, "a": {"b": {"x": "s", "y": true}}, "AB": {"x": "1970-01-01"}}),
        &json!({"a_b": {"x": 1}, "a": {"b": {"x": "s", "y": true}}, "AB": {"x": 0}}),
    );
    let m = w.proto_schema().message_descriptor();
    let type_of = |path: &[&str]| {
        let mut cur = m.clone();
        for p in path {
            let fd = cur.fields().find(|f| column_of(f) == *p).expect("field");
            match fd.kind() {
                prost_reflect::Kind::Message(sub) => cur = sub,
                k => panic!("{k:?}"),
            }
        }
        cur.full_name().to_owned()
    };
    let names = [
        type_of(&["a_b"]),
        type_of(&["a", "b"]),
        type_of(&["AB"]),
        type_of(&["a"]),
    ];
    for (i, n) in names.iter().enumerate() {
        for o in &names[i + 1..] {
            assert_ne!(n.to_lowercase(), o.to_lowercase(), "{names:?}");
        }
    }
}

#[test]
fn placeholders_never_take_real_names() {
    // Real columns shaped like placeholders (`col_a_b`, `col_a_b_2`) keep
    // their names; flexible names that strip to the same base, or whose
    // base64 differs only in `+`/`/` vs `-`/`_`, all get distinct fields.
    let names = [
        "a b",
        "col_a_b",
        "a-b",
        "col_a_b_2",
        "a+b",
        "a_b",
        "a:b",
        "a&b",
        "a—b",
        "a‿b",
        "價格",
        "価格",
        "col",
        "field_YSBi",
        "aB",
        "a__b",
        "_",
        "__",
        "col_1",
        "1",
    ];
    let fields: Vec<J> = names
        .iter()
        .map(|n| json!({"name": n, "type": "INT64"}))
        .collect();
    let w = writer(J::Array(fields));
    let mut row = serde_json::Map::new();
    let mut out = serde_json::Map::new();
    let mut wire = serde_json::Map::new();
    for (i, n) in names.iter().enumerate() {
        row.insert((*n).to_owned(), json!(i));
        out.insert((*n).to_owned(), json!(i.to_string()));
        wire.insert((*n).to_owned(), json!(i));
    }
    check_names(&w, &J::Object(row), &J::Object(out), &J::Object(wire));
    // Field names are distinct even ignoring case and `_` (JSON names).
    let m = w.proto_schema().message_descriptor();
    let mut lower: Vec<String> = m.fields().map(|f| f.name().to_lowercase()).collect();
    lower.sort();
    lower.dedup();
    assert_eq!(lower.len(), names.len());
    let mut json_names: Vec<String> = m.fields().map(|f| f.json_name().to_owned()).collect();
    json_names.sort();
    json_names.dedup();
    assert_eq!(json_names.len(), names.len());
}

#[test]
fn type_names_clash_with_nothing() {
    // A RECORD named like the root message, a RECORD whose type name would be
    // the RANGE message's, and a field named like its own RECORD's type.
    let w = writer(json!([
        {"name": "row", "type": "RECORD", "fields": [{"name": "Row", "type": "INT64"}]},
        {"name": "range_date", "type": "RECORD", "fields": [{"name": "start", "type": "STRING"}]},
        {"name": "stay", "type": "RANGE", "rangeElementType": {"type": "DATE"}},
        {"name": "addr", "type": "RECORD", "fields": [
            {"name": "Addr", "type": "INT64"},
            {"name": "sub", "type": "RECORD", "fields": [{"name": "AddrSub", "type": "BOOL"}]}
        ]},
        {"name": "AddrSub", "type": "INT64"}
    ]));
    let row = json!({"row": {"Row": 1}, "range_date": {"start": "s"}, "addr": {"Addr": 2, "sub": {"AddrSub": true}}, "AddrSub": 3});
    check_names(
        &w,
        &row,
        &json!({"row": {"Row": "1"}, "range_date": {"start": "s"}, "stay": null,
                "addr": {"Addr": "2", "sub": {"AddrSub": true}}, "AddrSub": "3"}),
        &json!({"row": {"Row": 1}, "range_date": {"start": "s"}, "addr": {"Addr": 2, "sub": {"AddrSub": true}}, "AddrSub": 3}),
    );
}

// ---------------------------------------------------------------------------
// Keys: unknown, case, order, duplicates
// ---------------------------------------------------------------------------

fn small_schema() -> J {
    json!([
        {"name": "id", "type": "INT64"},
        {"name": "été", "type": "STRING"},
        {"name": "first name", "type": "STRING"},
        {"name": "r", "type": "RECORD", "fields": [
            {"name": "x", "type": "INT64"},
            {"name": "Y", "type": "BOOL"}
        ]},
        {"name": "rr", "type": "RECORD", "mode": "REPEATED", "fields": [{"name": "z", "type": "INT64"}]}
    ])
}

/// 20 columns, so the walk's lookup takes its hash-map path (records of up
/// to 12 fields are scanned linearly).
fn wide_schema() -> J {
    let mut fields: Vec<J> = (0..18)
        .map(|i| json!({"name": format!("col{i}"), "type": "INT64"}))
        .collect();
    fields.push(json!({"name": "Été", "type": "STRING"}));
    fields.push(json!({"name": "r", "type": "RECORD", "fields": (0..14).map(|i| json!({"name": format!("F{i}"), "type": "INT64"})).collect::<Vec<_>>()}));
    J::Array(fields)
}

#[test]
fn unknown_keys_are_errors_by_default() {
    for fields in [small_schema(), wide_schema()] {
        let w = writer(fields);
        let e = encode_err(&w, &json!({"zz": 1}));
        assert_eq!(e.path.to_string(), "zz");
        assert_eq!(
            e.error,
            ValueError::UnknownField {
                found: "\"zz\"".into()
            }
        );
        let e = encode_err(&w, &json!({"r": {"nope": [1, {"a": 2}]}}));
        assert_eq!(e.path.to_string(), "r.nope");
        assert!(matches!(e.error, ValueError::UnknownField { .. }), "{e}");
        assert_eq!(e.to_string(), "row 0: r.nope: unknown field \"nope\"");
    }
    let w = writer(small_schema());
    let e = encode_err(&w, &json!({"rr": [{"z": 1}, {"q": 1}]}));
    assert_eq!(e.path.to_string(), "rr[1].q");
    // Keys differing only in case are unknown under exact matching.
    let e = encode_err(&w, &json!({"ID": 1}));
    assert_eq!(e.path.to_string(), "ID");
}

#[test]
fn unknown_keys_ignored_on_request() {
    for (fields, x) in [(small_schema(), "x"), (wide_schema(), "F1")] {
        let strict = writer(fields.clone());
        let lax = writer_with(
            fields,
            exact(),
            WalkOptions::new().with_unknown_keys(UnknownKeys::Ignore),
        );
        let clean = json!({"r": {x: 1}});
        let noisy = json!({"zz": {"deep": [1, 2, {"x": null}]}, "r": {x: 1, "extra": "s"}, "yy": [], "ww": null});
        assert_eq!(hex(&encode(&lax, &noisy)), hex(&encode(&strict, &clean)));
        // Ignored values must still be valid JSON.
        let e = lax
            .encode_json(br#"{"zz": [1, }"#, 3)
            .expect_err("bad JSON");
        assert_eq!(e.row, 3);
        assert!(matches!(e.error, ValueError::Json { .. }), "{e}");
    }
}

#[test]
fn case_insensitive_keys_on_request() {
    let opts = WalkOptions::new().with_key_match(KeyMatch::CaseInsensitive);
    let exact_w = writer(small_schema());
    let ci = writer_with(small_schema(), exact(), opts);
    let canonical = json!({"id": 1, "été": "x", "first name": "Ada", "r": {"x": 2, "Y": true}, "rr": [{"z": 3}]});
    let shouty = json!({"ID": 1, "ÉTÉ": "x", "FIRST NAME": "Ada", "R": {"X": 2, "y": true}, "RR": [{"Z": 3}]});
    let want = encode(&exact_w, &canonical);
    assert_eq!(hex(&encode(&ci, &shouty)), hex(&want));
    assert_eq!(hex(&encode(&ci, &canonical)), hex(&want));
    // Decoding writes the schema's spelling.
    assert_eq!(decode(&ci, &want)["first name"], json!("Ada"));
    // Two spellings of one column are a duplicate key.
    let e = encode_err(&ci, &json!({"id": 1, "ID": 2}));
    assert!(matches!(e.error, ValueError::DuplicateKey { .. }), "{e}");
    assert_eq!(e.path.to_string(), "id");

    // The wide schema (hash-map lookup): ASCII and Unicode folding.
    let wide_exact = writer(wide_schema());
    let wide_ci = writer_with(wide_schema(), exact(), opts);
    let canonical = json!({"col0": 1, "col17": 2, "Été": "s", "r": {"F0": 3, "F13": 4}});
    let folded = json!({"COL0": 1, "Col17": 2, "éTÉ": "s", "R": {"f0": 3, "f13": 4}});
    assert_eq!(
        hex(&encode(&wide_ci, &folded)),
        hex(&encode(&wide_exact, &canonical))
    );
    assert_eq!(encode_err(&wide_exact, &folded).path.to_string(), "COL0");
    let e = encode_err(&wide_ci, &json!({"col3": 1, "COL3": 2}));
    assert!(matches!(e.error, ValueError::DuplicateKey { .. }), "{e}");
}

#[test]
fn key_order_does_not_change_the_bytes() {
    let w = writer(json!([
        {"name": "a", "type": "INT64"},
        {"name": "b", "type": "STRING"},
        {"name": "c", "type": "INT64", "mode": "REPEATED"},
        {"name": "d", "type": "RECORD", "fields": [
            {"name": "x", "type": "INT64"}, {"name": "y", "type": "STRING"}, {"name": "z", "type": "FLOAT64"}
        ]},
        {"name": "e", "type": "RECORD", "mode": "REPEATED", "fields": [
            {"name": "p", "type": "BOOL"}, {"name": "q", "type": "DATE", "mode": "REPEATED"}
        ]},
        {"name": "f", "type": "NUMERIC"}
    ]));
    let values: Vec<(&str, J)> = vec![
        ("a", json!(1)),
        ("b", json!("x".repeat(200))), // long enough for a two-byte length
        ("c", json!([1, 300, -1])),
        ("d", json!({"z": 1.5, "x": 2, "y": "y"})),
        ("e", json!([{"q": [1, 2], "p": true}, {"p": false}])),
        ("f", json!("1.5")),
    ];
    let canonical = {
        let mut m = serde_json::Map::new();
        for (k, v) in &values {
            m.insert((*k).to_owned(), v.clone());
        }
        encode(&w, &J::Object(m))
    };
    // Every rotation and the reverse of the top-level keys, with the nested
    // keys in their own odd orders; the text is built by hand because
    // serde_json's map sorts keys.
    let text_of = |order: &[usize]| {
        let parts: Vec<String> = order
            .iter()
            .map(|&i| format!("{}:{}", json!(values[i].0), values[i].1))
            .collect();
        format!("{{{}}}", parts.join(","))
    };
    let n = values.len();
    let mut orders: Vec<Vec<usize>> = (0..n)
        .map(|r| (0..n).map(|i| (i + r) % n).collect())
        .collect();
    orders.push((0..n).rev().collect());
    for order in orders {
        let text = text_of(&order);
        let bytes = w.encode_json(text.as_bytes(), 0).unwrap();
        assert_eq!(hex(&bytes), hex(&canonical), "{text}");
    }
    // The nested record's keys out of order, written by hand.
    let a = w
        .encode_json(br#"{"d": {"z": 1.5, "y": "y", "x": 2}}"#, 0)
        .unwrap();
    let b = w
        .encode_json(br#"{"d": {"x": 2, "y": "y", "z": 1.5}}"#, 0)
        .unwrap();
    assert_eq!(hex(&a), hex(&b));
    // And prost-reflect (which writes in field-number order) agrees.
    assert_eq!(
        hex(&oracle(&w, &canonical).encode_to_vec()),
        hex(&canonical)
    );
}

#[test]
fn duplicate_keys_are_errors() {
    let w = writer(small_schema());
    let e = w.encode_json(br#"{"id": 1, "id": 2}"#, 0).expect_err("dup");
    assert_eq!(
        e.error,
        ValueError::DuplicateKey {
            found: "\"id\"".into()
        }
    );
    let e = w
        .encode_json(br#"{"r": {"x": 1, "x": 1}}"#, 0)
        .expect_err("dup");
    assert_eq!(e.path.to_string(), "r.x");
}

// ---------------------------------------------------------------------------
// REQUIRED, errors with row and path
// ---------------------------------------------------------------------------

#[test]
fn required_errors_name_row_and_path() {
    let w = writer(json!([
        {"name": "id", "type": "INT64", "mode": "REQUIRED"},
        {"name": "items", "type": "RECORD", "mode": "REPEATED", "fields": [
            {"name": "sku", "type": "STRING", "mode": "REQUIRED"},
            {"name": "box", "type": "RECORD", "mode": "REQUIRED", "fields": [
                {"name": "w", "type": "FLOAT64", "mode": "REQUIRED"}
            ]}
        ]}
    ]));
    let ndjson = concat!(
        "{\"id\": 1, \"items\": [{\"sku\": \"a\", \"box\": {\"w\": 1}}]}\n",
        "{\"items\": []}\n",
        "{\"id\": null}\n",
        "{\"id\": 2, \"items\": [{\"sku\": \"a\", \"box\": {\"w\": 1}}, {\"sku\": \"b\", \"box\": {\"w\": null}}]}\n",
        "{\"id\": 3, \"items\": [{\"sku\": \"a\", \"box\": {}}]}\n",
        "{\"id\": 4, \"items\": [{\"box\": {\"w\": 0}}]}\n",
        "{\"id\": 5, \"items\": [{\"sku\": \"a\", \"box\": null}]}\n",
    );
    let (rows, outcome) = w.encode_ndjson(ndjson.as_bytes(), 100);
    assert_eq!((outcome.rows, outcome.written, rows.len()), (7, 1, 1));
    let got: Vec<String> = outcome.errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        got,
        [
            "row 101: id: expected a value for a REQUIRED field, found no key",
            "row 102: id: expected a value for a REQUIRED field, found null",
            "row 103: items[1].box.w: expected a value for a REQUIRED field, found null",
            "row 104: items[0].box.w: expected a value for a REQUIRED field, found no key",
            "row 105: items[0].sku: expected a value for a REQUIRED field, found no key",
            "row 106: items[0].box: expected a value for a REQUIRED field, found null",
        ]
    );
    assert_eq!(rows.input_row(0), Some(100));
}

#[test]
fn required_with_default_may_be_left_out() {
    // A REQUIRED column with a defaultValueExpression is `optional` on the
    // wire, so a row may leave it out and the server fills it in. An explicit
    // null is still an error: the row would mean NULL, which the column
    // cannot hold, and the walk does not turn it into "use the default".
    let w = writer(json!([
        {"name": "id", "type": "INT64"},
        {"name": "status", "type": "STRING", "mode": "REQUIRED", "defaultValueExpression": "'NEW'"}
    ]));
    let fd = w
        .proto_schema()
        .message_descriptor()
        .get_field_by_name("status")
        .unwrap();
    assert_eq!(fd.cardinality(), prost_reflect::Cardinality::Optional);
    check_row(
        &w,
        &json!({"status": "OLD"}),
        &json!({"id": null, "status": "OLD"}),
        &json!({"status": "OLD"}),
    );
    let e = encode_err(&w, &json!({"status": null}));
    assert_eq!(e.error, ValueError::Required { found: "null" });
    // Left out: nothing on the wire, and the decoded row must encode again
    // to the same bytes (the decoder's promise), so it cannot hold `null`
    // for the column.
    let bytes = encode(&w, &json!({"id": 1}));
    assert_eq!(raw(&oracle(&w, &bytes)), json!({"id": 1}));
    let decoded = decode(&w, &bytes);
    assert_eq!(decoded["id"], json!("1"));
    let again = w.encode_json(decoded.to_string().as_bytes(), 0);
    assert_eq!(
        again.map(|b| hex(&b)),
        Ok(hex(&bytes)),
        "decoded as {decoded}"
    );
}

// ---------------------------------------------------------------------------
// Batches
// ---------------------------------------------------------------------------

#[test]
fn a_bad_row_leaves_the_others_encoded() {
    let w = writer(json!([
        {"name": "k", "type": "INT64"},
        {"name": "r", "type": "RECORD", "fields": [
            {"name": "x", "type": "STRING"},
            {"name": "y", "type": "INT64", "mode": "REPEATED"},
            {"name": "z", "type": "INT64"}
        ]}
    ]));
    let lines = [
        r#"{"k": 0, "r": {"x": "a", "y": [1, 2]}}"#,
        // Fails deep in a record, after a packed list was half written.
        r#"{"k": 1, "r": {"x": "long text to be dropped", "y": [1, 2, "three"]}}"#,
        r#"{"k": 2}"#,
        "",
        r#"{"k": 3, "r": {"z": 1, "x": "b"}}}"#, // syntax error
        r#"{"k": 4, "r": {"z": 2, "x": "c"}}"#,
        r#"{"k": 5, "r": {"z": "x"}} trailing"#,
        r#"   {"k": 6}   "#,
    ];
    let ndjson = lines.join("\n");
    let (rows, outcome) = w.encode_ndjson(ndjson.as_bytes(), 10);
    // Blank lines are not rows.
    assert_eq!(outcome.rows, 7);
    assert_eq!(outcome.written, 4);
    let bad: Vec<(usize, String)> = outcome
        .errors
        .iter()
        .map(|e| (e.row, e.path.to_string()))
        .collect();
    assert_eq!(
        bad,
        [
            (11, "r.y[2]".to_owned()),
            (13, "(row)".to_owned()),
            (15, "r.z".to_owned())
        ]
    );
    assert!(
        matches!(outcome.errors[1].error, ValueError::Json { .. }),
        "{}",
        outcome.errors[1]
    );
    assert_eq!(rows.len(), 4);
    let inputs: Vec<Option<usize>> = (0..5).map(|i| rows.input_row(i)).collect();
    assert_eq!(inputs, [Some(10), Some(12), Some(14), Some(16), None]);
    // Each good row is byte for byte what it is alone.
    let good = [lines[0], lines[2], lines[5], lines[7]];
    let mut total = 0;
    for (i, line) in good.iter().enumerate() {
        let alone = w.encode_json(line.as_bytes(), 0).unwrap();
        assert_eq!(rows.row(i).map(hex), Some(hex(&alone)), "row {i}: {line}");
        total += alone.len();
    }
    assert_eq!(rows.byte_len(), total);
    assert_eq!(rows.iter().count(), 4);
    assert_eq!(rows.row(4), None);
    let mut rows = rows;
    rows.clear();
    assert!(rows.is_empty());
}

#[test]
fn a_truncated_row_does_not_swallow_the_next_line() {
    // NDJSON: one row per line. A row cut short must be reported alone; the
    // next line is the next row.
    let w = writer(json!([{"name": "k", "type": "INT64"}]));
    let (rows, outcome) = w.encode_ndjson(b"{\"k\": 1\n{\"k\": 2}\n{\"k\": 3}\n", 0);
    assert_eq!(outcome.rows, 3, "{:?}", outcome.errors);
    assert_eq!(
        outcome.errors.iter().map(|e| e.row).collect::<Vec<_>>(),
        [0]
    );
    assert_eq!(
        (0..2).map(|i| rows.input_row(i)).collect::<Vec<_>>(),
        [Some(1), Some(2)]
    );
    // A row that goes on over a line break is not one row either.
    let (rows, outcome) = w.encode_ndjson(b"{\"k\":\n 2}\n{\"k\": 3}\n", 0);
    assert_eq!(outcome.rows, 3, "{:?}", outcome.errors);
    assert_eq!(rows.len(), 1);
}

#[test]
fn an_empty_row_and_an_empty_batch() {
    let w = writer(json!([{"name": "a", "type": "INT64"}]));
    assert_eq!(encode(&w, &json!({})), Vec::<u8>::new());
    assert_eq!(decode(&w, &[]), json!({"a": null}));
    let (rows, outcome) = w.encode_ndjson(b"\n\n", 0);
    assert_eq!((rows.len(), outcome.rows, outcome.errors.len()), (0, 0, 0));
    let (rows, outcome) = w.encode_ndjson(b"{}\n[]\n\"x\"\n", 0);
    assert_eq!((rows.len(), outcome.rows), (1, 3));
    assert_eq!(
        outcome.errors.iter().map(|e| e.row).collect::<Vec<_>>(),
        [1, 2]
    );
}

// ---------------------------------------------------------------------------
// Exact numbers on the JSON-bytes path
// ---------------------------------------------------------------------------

#[test]
fn json_numbers_are_read_exactly() {
    let w = writer(json!([
        {"name": "i", "type": "INT64"},
        {"name": "n", "type": "NUMERIC"},
        {"name": "bn", "type": "BIGNUMERIC"},
        {"name": "f", "type": "FLOAT64"}
    ]));
    let field = |bytes: &[u8], name: &str| raw(&oracle(&w, bytes))[name].clone();
    // INT64 2^63−1 and −2^63 as bare JSON numbers: never through f64.
    let b = w.encode_json(br#"{"i": 9223372036854775807}"#, 0).unwrap();
    assert_eq!(field(&b, "i"), json!(i64::MAX));
    let b = w.encode_json(br#"{"i": -9223372036854775808}"#, 0).unwrap();
    assert_eq!(field(&b, "i"), json!(i64::MIN));
    // 2^53 + 1, which f64 cannot hold.
    let b = w.encode_json(br#"{"i": 9007199254740993}"#, 0).unwrap();
    assert_eq!(field(&b, "i"), json!(9_007_199_254_740_993_i64));
    // One past the ends is an out-of-range error, not a wrap or a clamp.
    for text in [
        &br#"{"i": 9223372036854775808}"#[..],
        br#"{"i": -9223372036854775809}"#,
    ] {
        let e = w.encode_json(text, 0).expect_err("out of range");
        assert!(e.error.is_out_of_range(), "{e}");
        assert_eq!(e.path.to_string(), "i");
    }
    // A 38-digit NUMERIC as a bare JSON number.
    let b = w
        .encode_json(br#"{"n": 99999999999999999999999999999.999999999}"#, 0)
        .unwrap();
    assert_eq!(field(&b, "n"), json!(le(10_i128.pow(38) - 1)));
    assert_eq!(
        decode(&w, &b)["n"],
        json!("99999999999999999999999999999.999999999")
    );
    // The JSON float 2.3 is the decimal 2.3, not f64's 2.29999999999999982236431605997495353221893310546875.
    let b = w
        .encode_json(br#"{"n": 2.3, "bn": 2.3, "f": 2.3}"#, 0)
        .unwrap();
    assert_eq!(field(&b, "n"), json!(le(2_300_000_000)));
    assert_eq!(decode(&w, &b)["bn"], json!("2.3"));
    assert_eq!(field(&b, "f"), json!("2.3"));
    // 0.1 + 0.2 as a float printer writes it: 17 fractional digits, too
    // many for NUMERIC (an error, not a rounding), kept digit for digit by
    // BIGNUMERIC.
    let e = w
        .encode_json(br#"{"n": 0.30000000000000004}"#, 0)
        .expect_err("17 > 9 digits");
    assert!(e.error.is_excess_scale(), "{e}");
    let b = w.encode_json(br#"{"bn": 0.30000000000000004}"#, 0).unwrap();
    assert_eq!(decode(&w, &b)["bn"], json!("0.30000000000000004"));
    // A 77-digit BIGNUMERIC as a bare number.
    let b = w
        .encode_json(
            br#"{"bn": 578960446186580977117854925043439539266.34992332820282019728792003956564819967}"#,
            0,
        )
        .unwrap();
    assert_eq!(field(&b, "bn"), json!(le256(ethnum::I256::MAX)));
    // Exponents are exact too.
    let b = w
        .encode_json(br#"{"n": 1.5E-9, "i": 12e2}"#, 0)
        .expect_err("1.5e-9 has 10 digits");
    assert!(b.error.is_excess_scale(), "{b}");
    let b = w
        .encode_json(br#"{"n": 15E-10, "i": 12e2}"#, 0)
        .expect_err("same value");
    assert!(b.error.is_excess_scale(), "{b}");
    let b = w
        .encode_json(br#"{"n": 25E-10, "i": 12e2}"#, 0)
        .expect_err("2.5e-9");
    assert!(b.error.is_excess_scale(), "{b}");
    let b = w.encode_json(br#"{"n": 2E-9, "i": 12e2}"#, 0).unwrap();
    assert_eq!(field(&b, "n"), json!("0x02"));
    assert_eq!(field(&b, "i"), json!(1200));
    // FLOAT64: the nearest double, and a finite literal beyond the range is an error.
    let b = w.encode_json(br#"{"f": 0.1}"#, 0).unwrap();
    assert_eq!(field(&b, "f"), json!("0.1"));
    let e = w.encode_json(br#"{"f": 1e400}"#, 0).expect_err("inf");
    assert!(e.error.is_out_of_range(), "{e}");
}

#[test]
fn rounding_policy_applies_on_request() {
    let strict = writer(json!([{"name": "n", "type": "NUMERIC", "precision": 5, "scale": 2}]));
    let e = encode_err(&strict, &json!({"n": "1.005"}));
    assert!(e.error.is_excess_scale(), "{e}");
    let half_away = writer_with(
        json!([{"name": "n", "type": "NUMERIC", "precision": 5, "scale": 2}]),
        exact(),
        WalkOptions::new().with_policy(Policy::new().with_rounding(Rounding::HalfAwayFromZero)),
    );
    let half_even = writer_with(
        json!([{"name": "n", "type": "NUMERIC", "precision": 5, "scale": 2}]),
        exact(),
        WalkOptions::new().with_policy(Policy::new().with_rounding(Rounding::HalfEven)),
    );
    // NUMERIC(5, 2) still travels as NUMERIC's scale 9 on the wire.
    check_row(
        &half_away,
        &json!({"n": "1.005"}),
        &json!({"n": "1.01"}),
        &json!({"n": le(1_010_000_000)}),
    );
    check_row(
        &half_even,
        &json!({"n": "1.005"}),
        &json!({"n": "1"}),
        &json!({"n": le(1_000_000_000)}),
    );
    check_row(
        &half_even,
        &json!({"n": 1.015}),
        &json!({"n": "1.02"}),
        &json!({"n": le(1_020_000_000)}),
    );
    // Range still applies after rounding: |v| < 10^3.
    let e = encode_err(&half_away, &json!({"n": "999.995"}));
    assert!(e.error.is_out_of_range(), "{e}");
}

#[test]
fn value_and_serialize_entry_points() {
    #[derive(serde::Serialize)]
    struct Row<'a> {
        id: i64,
        name: Option<&'a str>,
        score: f64,
        tags: Vec<&'a str>,
        #[serde(rename = "first name")]
        first: &'a str,
    }
    let w = writer(json!([
        {"name": "id", "type": "INT64", "mode": "REQUIRED"},
        {"name": "name", "type": "STRING"},
        {"name": "score", "type": "NUMERIC"},
        {"name": "tags", "type": "STRING", "mode": "REPEATED"},
        {"name": "first name", "type": "STRING"}
    ]));
    let typed = Row {
        id: i64::MAX,
        name: None,
        score: 2.3,
        tags: vec!["a", "b"],
        first: "Ada",
    };
    let bytes = w.encode_serialize(&typed, 0).unwrap();
    assert_eq!(
        decode(&w, &bytes),
        json!({"id": "9223372036854775807", "name": null, "score": "2.3", "tags": ["a", "b"], "first name": "Ada"})
    );
    // A serde_json::Value holding an f64 is written with the shortest digits
    // that read back to it, then read exactly: 2.3 stays 2.3.
    assert_eq!(
        hex(&w
            .encode_value(
                &json!({"id": i64::MAX, "score": 2.3, "tags": ["a", "b"], "first name": "Ada"}),
                0
            )
            .unwrap()),
        hex(&bytes)
    );
    // A non-object row is an error of the row itself.
    let e = w.encode_serialize(&[1, 2], 7).expect_err("array row");
    assert_eq!((e.row, e.path.to_string()), (7, "(row)".to_owned()));
    let e = w.encode_value(&json!("x"), 8).expect_err("string row");
    assert_eq!(e.row, 8);
}

// ---------------------------------------------------------------------------
// Decoding
// ---------------------------------------------------------------------------

#[test]
fn decoder_accepts_what_any_proto2_writer_may_send() {
    // A repeated scalar may arrive unpacked (one key per element) or packed,
    // even in several packed runs (protobuf encoding guide, "Packed Repeated
    // Fields": parsers must accept both).
    let w = writer(json!([
        {"name": "a", "type": "INT64", "mode": "REPEATED"},
        {"name": "b", "type": "BOOL"}
    ]));
    let packed = encode(&w, &json!({"a": [1, 2, 3]}));
    assert_eq!(hex(&packed), "0a03010203");
    let unpacked = [0x08, 1, 0x08, 2, 0x08, 3];
    assert_eq!(
        decode(&w, &unpacked),
        json!({"a": ["1", "2", "3"], "b": null})
    );
    let split = [0x0a, 1, 1, 0x08, 2, 0x0a, 1, 3];
    assert_eq!(decode(&w, &split), json!({"a": ["1", "2", "3"], "b": null}));
    // prost-reflect agrees on all three.
    for b in [&packed[..], &unpacked, &split] {
        assert_eq!(raw(&oracle(&w, b)), json!({"a": [1, 2, 3]}));
    }
}

#[test]
fn decoder_rejects_bytes_that_no_schema_row_gives() {
    let w = writer(json!([
        {"name": "id", "type": "INT64", "mode": "REQUIRED"},
        {"name": "d", "type": "DATE"},
        {"name": "t", "type": "TIME"},
        {"name": "n", "type": "NUMERIC"},
        {"name": "b", "type": "BOOL"},
        {"name": "s", "type": "STRING"}
    ]));
    let cases: [(&[u8], &str); 11] = [
        (&[], "id"),                                                 // REQUIRED missing
        (&[0x08, 1, 0x38, 1], "(row)"),                              // field 7 does not exist
        (&[0x08, 1, 0x08, 2], "id"),                                 // a singular field twice
        (&[0x0a, 0], "id"),                                          // wrong wire type
        (&[0x08, 1, 0x80], "(row)"),                                 // truncated key
        (&[0x08], "id"),                                             // truncated value
        (&[0x08, 1, 0x10, 0xa1, 0x81, 0xb3, 0x01], "d"), // day 2932897, after 9999-12-31
        (&[0x08, 1, 0x18, 0x80, 0x80, 0x80, 0x80, 0x80, 0x03], "t"), // 24:00:00, 0x1800000000
        (&[0x08, 1, 0x22, 0], "n"),                      // NUMERIC bytes of length 0
        (&[0x08, 1, 0x28, 2], "b"),                      // a bool of 2
        (&[0x08, 1, 0x32, 1, 0xff], "s"),                // not UTF-8
    ];
    for (bytes, path) in cases {
        let e = w.decode(bytes).expect_err(&hex(bytes));
        assert_eq!(e.path.to_string(), path, "{}: {e}", hex(bytes));
    }
}

// ---------------------------------------------------------------------------
// Property: generated schemas and rows
// ---------------------------------------------------------------------------

mod generated {
    //! Random schemas (RECORDs nested up to 4 deep, every leaf type, every
    //! mode) and random valid rows for them, each leaf value given in one of
    //! its accepted input forms together with the wire value prost-reflect
    //! must read, computed here from the specs (not by the crate).

    use super::*;
    use base64::Engine as _;
    use proptest::prelude::*;

    #[derive(Debug, Clone, Copy, PartialEq)]
    pub enum Leaf {
        Bool,
        Int64,
        Float64,
        String,
        Bytes,
        Numeric,
        BigNumeric,
        Date,
        Time,
        DateTime,
        Timestamp,
        TimestampPicos,
        Geography,
        Json,
        Interval,
        RangeDate,
        RangeDateTime,
        RangeTimestamp,
    }

    const LEAVES: [Leaf; 18] = [
        Leaf::Bool,
        Leaf::Int64,
        Leaf::Float64,
        Leaf::String,
        Leaf::Bytes,
        Leaf::Numeric,
        Leaf::BigNumeric,
        Leaf::Date,
        Leaf::Time,
        Leaf::DateTime,
        Leaf::Timestamp,
        Leaf::TimestampPicos,
        Leaf::Geography,
        Leaf::Json,
        Leaf::Interval,
        Leaf::RangeDate,
        Leaf::RangeDateTime,
        Leaf::RangeTimestamp,
    ];

    #[derive(Debug, Clone)]
    pub enum Ty {
        Leaf(Leaf),
        Record(Vec<F>),
    }

    #[derive(Debug, Clone)]
    pub struct F {
        pub name: String,
        pub mode: &'static str,
        pub ty: Ty,
    }

    impl F {
        pub fn schema(&self) -> J {
            let mut f = match &self.ty {
                Ty::Record(sub) => {
                    json!({"type": "RECORD", "fields": sub.iter().map(F::schema).collect::<Vec<_>>()})
                }
                Ty::Leaf(l) => leaf_schema(*l),
            };
            f["name"] = json!(self.name);
            f["mode"] = json!(self.mode);
            f
        }
    }

    fn leaf_schema(l: Leaf) -> J {
        let range = |t: &str| json!({"type": "RANGE", "rangeElementType": {"type": t}});
        match l {
            Leaf::Bool => json!({"type": "BOOL"}),
            Leaf::Int64 => json!({"type": "INT64"}),
            Leaf::Float64 => json!({"type": "FLOAT64"}),
            Leaf::String => json!({"type": "STRING"}),
            Leaf::Bytes => json!({"type": "BYTES"}),
            Leaf::Numeric => json!({"type": "NUMERIC"}),
            Leaf::BigNumeric => json!({"type": "BIGNUMERIC"}),
            Leaf::Date => json!({"type": "DATE"}),
            Leaf::Time => json!({"type": "TIME"}),
            Leaf::DateTime => json!({"type": "DATETIME"}),
            Leaf::Timestamp => json!({"type": "TIMESTAMP"}),
            Leaf::TimestampPicos => json!({"type": "TIMESTAMP", "timestampPrecision": 12}),
            Leaf::Geography => json!({"type": "GEOGRAPHY"}),
            Leaf::Json => json!({"type": "JSON"}),
            Leaf::Interval => json!({"type": "INTERVAL"}),
            Leaf::RangeDate => range("DATE"),
            Leaf::RangeDateTime => range("DATETIME"),
            Leaf::RangeTimestamp => range("TIMESTAMP"),
        }
    }

    /// Names: plain identifiers, flexible names, and names shaped like
    /// placeholders; unique among siblings by an index suffix.
    fn name(i: usize) -> impl Strategy<Value = String> {
        prop_oneof![
            Just("f"),
            Just("col_"),
            Just("a b "),
            Just("名"),
            Just("x-"),
            Just("_"),
            Just("A_b")
        ]
        .prop_map(move |base| format!("{base}{i}"))
    }

    fn mode() -> impl Strategy<Value = &'static str> {
        prop_oneof![Just("NULLABLE"), Just("REQUIRED"), Just("REPEATED")]
    }

    pub fn fields(depth: u32, max: usize) -> BoxedStrategy<Vec<F>> {
        (1..=max)
            .prop_flat_map(move |n| {
                let per_field: Vec<BoxedStrategy<F>> = (0..n)
                    .map(|i| {
                        let ty: BoxedStrategy<Ty> = if depth == 0 {
                            proptest::sample::select(LEAVES.to_vec())
                                .prop_map(Ty::Leaf)
                                .boxed()
                        } else {
                            prop_oneof![
                                4 => proptest::sample::select(LEAVES.to_vec()).prop_map(Ty::Leaf),
                                1 => fields(depth - 1, 4).prop_map(Ty::Record),
                            ]
                            .boxed()
                        };
                        (name(i), mode(), ty)
                            .prop_map(|(name, mode, ty)| F { name, mode, ty })
                            .boxed()
                    })
                    .collect();
                per_field
            })
            .boxed()
    }

    /// A leaf value: its JSON text as given, and the wire value prost-reflect
    /// must read in the exact and the text profile (as [`raw`] writes them).
    #[derive(Debug, Clone)]
    pub struct V {
        pub text: String,
        pub exact: J,
        pub textual: J,
    }

    fn v(text: String, exact: J, textual: J) -> V {
        V {
            text,
            exact,
            textual,
        }
    }

    fn same(text: String, wire: J) -> V {
        v(text, wire.clone(), wire)
    }

    fn quoted(s: &str) -> String {
        json!(s).to_string()
    }

    /// (year, month, day) of days since 1970-01-01 (H. Hinnant's `civil_from_days`).
    pub fn civil(z: i64) -> (i64, i64, i64) {
        let z = z + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let y = yoe + era * 400;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = doy - (153 * mp + 2) / 5 + 1;
        let m = if mp < 10 { mp + 3 } else { mp - 9 };
        (if m <= 2 { y + 1 } else { y }, m, d)
    }

    const MIN_DAY: i64 = -719_162;
    const MAX_DAY: i64 = 2_932_896;
    const DAY_MICROS: i64 = 86_400_000_000;

    fn date_text(day: i64) -> String {
        let (y, m, d) = civil(day);
        format!("{y:04}-{m:02}-{d:02}")
    }

    fn time_text(us_of_day: i64, sep_fraction_always: bool) -> String {
        let (h, mi, s, us) = (
            us_of_day / 3_600_000_000,
            us_of_day / 60_000_000 % 60,
            us_of_day / 1_000_000 % 60,
            us_of_day % 1_000_000,
        );
        if us != 0 || sep_fraction_always {
            format!("{h:02}:{mi:02}:{s:02}.{us:06}")
        } else {
            format!("{h:02}:{mi:02}:{s:02}")
        }
    }

    fn packed_tod(us_of_day: i64) -> i64 {
        packed_time(
            us_of_day / 3_600_000_000,
            us_of_day / 60_000_000 % 60,
            us_of_day / 1_000_000 % 60,
            us_of_day % 1_000_000,
        )
    }

    fn packed_dt(day: i64, us_of_day: i64) -> i64 {
        let (y, m, d) = civil(day);
        (((y << 26) | (m << 22) | (d << 17)) << 20) | packed_tod(us_of_day)
    }

    /// The canonical decimal text of `scaled × 10^-scale`.
    fn decimal(scaled: &str, scale: usize) -> String {
        let (neg, digits) = match scaled.strip_prefix('-') {
            Some(d) => (true, d),
            None => (false, scaled),
        };
        let padded = format!("{digits:0>width$}", width = scale + 1);
        let (int, frac) = padded.split_at(padded.len() - scale);
        let frac = frac.trim_end_matches('0');
        let mut out = String::new();
        if neg {
            out.push('-');
        }
        out.push_str(int);
        if !frac.is_empty() {
            out.push('.');
            out.push_str(frac);
        }
        out
    }

    fn day() -> impl Strategy<Value = i64> {
        prop_oneof![MIN_DAY..=MAX_DAY, Just(MIN_DAY), Just(MAX_DAY), -1i64..=1]
    }

    fn tod() -> impl Strategy<Value = i64> {
        prop_oneof![0..DAY_MICROS, Just(DAY_MICROS - 1), Just(0)]
    }

    fn micros() -> impl Strategy<Value = i64> {
        let lo = MIN_DAY * DAY_MICROS;
        let hi = (MAX_DAY + 1) * DAY_MICROS - 1;
        prop_oneof![lo..=hi, Just(lo), Just(hi), -2i64..=2]
    }

    fn ts_text(m: i64, zone: usize) -> String {
        let day = m.div_euclid(DAY_MICROS);
        let t = m.rem_euclid(DAY_MICROS);
        let z = ["Z", " UTC", "+00:00", "z"][zone % 4];
        format!("{}T{}{z}", date_text(day), time_text(t, false))
    }

    pub fn leaf(l: Leaf) -> BoxedStrategy<V> {
        match l {
            Leaf::Bool => (any::<bool>(), 0..3usize)
                .prop_map(|(b, form)| {
                    let text = match form {
                        0 => b.to_string(),
                        1 => quoted(if b { "True" } else { "FALSE" }),
                        _ => u8::from(b).to_string(),
                    };
                    same(text, json!(b))
                })
                .boxed(),
            Leaf::Int64 => (any::<i64>(), any::<bool>())
                .prop_map(|(i, as_string)| {
                    let text = if as_string { quoted(&i.to_string()) } else { i.to_string() };
                    same(text, json!(i))
                })
                .boxed(),
            Leaf::Float64 => prop_oneof![
                8 => any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(|f| same(json!(f).to_string(), json!(format!("{f:?}")))),
                1 => Just(same(quoted("NaN"), json!("NaN"))),
                1 => Just(same(quoted("-Infinity"), json!("-inf"))),
                1 => Just(same("-0.0".into(), json!("-0.0"))),
            ]
            .boxed(),
            Leaf::String => ".{0,12}".prop_map(|s| same(quoted(&s), json!(s))).boxed(),
            Leaf::Bytes => (proptest::collection::vec(any::<u8>(), 0..12), any::<bool>())
                .prop_map(|(b, url)| {
                    let text = if url {
                        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&b)
                    } else {
                        base64::engine::general_purpose::STANDARD.encode(&b)
                    };
                    same(quoted(&text), json!(format!("0x{}", hex(&b))))
                })
                .boxed(),
            Leaf::Numeric => {
                let max = 10_i128.pow(38) - 1;
                (prop_oneof![-max..=max, Just(max), Just(-max), -5i128..=5], 0..3usize)
                    .prop_map(|(scaled, form)| {
                        let canon = decimal(&scaled.to_string(), 9);
                        let text = match form {
                            0 => quoted(&canon),
                            1 => canon.clone(),
                            _ => format!("{scaled}e-9"),
                        };
                        v(text, json!(le(scaled)), json!(canon))
                    })
                    .boxed()
            }
            Leaf::BigNumeric => (any::<[u8; 32]>(), 0..3usize)
                .prop_map(|(bytes, form)| {
                    let scaled = ethnum::I256::from_le_bytes(bytes);
                    let canon = decimal(&scaled.to_string(), 38);
                    let text = match form {
                        0 => quoted(&canon),
                        1 => canon.clone(),
                        _ => format!("{scaled}E-38"),
                    };
                    v(text, json!(le256(scaled)), json!(canon))
                })
                .boxed(),
            Leaf::Date => (day(), any::<bool>())
                .prop_map(|(d, as_number)| {
                    let text = if as_number { d.to_string() } else { quoted(&date_text(d)) };
                    same(text, json!(d))
                })
                .boxed(),
            Leaf::Time => (tod(), any::<bool>())
                .prop_map(|(t, as_number)| {
                    let packed = packed_tod(t);
                    let text = if as_number { packed.to_string() } else { quoted(&time_text(t, false)) };
                    v(text, json!(packed), json!(time_text(t, false)))
                })
                .boxed(),
            Leaf::DateTime => (day(), tod(), 0..3usize)
                .prop_map(|(d, t, form)| {
                    let packed = packed_dt(d, t);
                    let text = match form {
                        0 => packed.to_string(),
                        1 => quoted(&format!("{}T{}", date_text(d), time_text(t, false))),
                        _ => quoted(&format!("{} {}", date_text(d), time_text(t, true))),
                    };
                    v(text, json!(packed), json!(format!("{} {}", date_text(d), time_text(t, false))))
                })
                .boxed(),
            Leaf::Timestamp => (micros(), 0..5usize)
                .prop_map(|(m, form)| {
                    let text = if form == 4 { m.to_string() } else { quoted(&ts_text(m, form)) };
                    same(text, json!(m))
                })
                .boxed(),
            Leaf::TimestampPicos => prop_oneof![
                Just(same(quoted("1970-01-01T00:00:00.000000000001Z"), json!("1970-01-01T00:00:00.000000000001Z"))),
                Just(same("1".into(), json!("1970-01-01T00:00:00.000001000000Z"))),
                Just(same(quoted("9999-12-31 23:59:59.999999999999 UTC"), json!("9999-12-31T23:59:59.999999999999Z"))),
            ]
            .boxed(),
            Leaf::Geography => prop_oneof![
                Just(same(quoted("POINT(1 2)"), json!("POINT(1 2)"))),
                Just(same(r#"{"type": "Point", "coordinates": [1, 2]}"#.into(), json!("POINT(1 2)"))),
            ]
            .boxed(),
            Leaf::Json => (json_value(), any::<bool>())
                .prop_map(|(j, as_text)| {
                    let compact = j.to_string();
                    let text = if as_text || !(j.is_object() || j.is_array() || j.is_number() || j.is_boolean()) {
                        quoted(&compact)
                    } else {
                        compact.clone()
                    };
                    same(text, json!(compact))
                })
                .boxed(),
            Leaf::Interval => prop_oneof![
                Just(same(quoted("1-2 3 4:5:6.789"), json!("1-2 3 4:5:6.789"))),
                Just(same(quoted("P1Y2M3DT4H5M6.789S"), json!("1-2 3 4:5:6.789"))),
                Just(same(quoted("-0-1 -2 -3:0:0"), json!("-0-1 -2 -3:0:0"))),
            ]
            .boxed(),
            Leaf::RangeDate => range(day().prop_map(|d| (quoted(&date_text(d)), json!(d), json!(d))).boxed(), |a| a.1.as_i64().unwrap_or(0)),
            Leaf::RangeDateTime => range(
                (day(), tod())
                    .prop_map(|(d, t)| {
                        (
                            quoted(&format!("{} {}", date_text(d), time_text(t, false))),
                            json!(packed_dt(d, t)),
                            json!(format!("{} {}", date_text(d), time_text(t, false))),
                        )
                    })
                    .boxed(),
                |a| {
                    // Packed DATETIMEs order like the instants they name.
                    a.1.as_i64().unwrap_or(0)
                },
            ),
            Leaf::RangeTimestamp => range(
                micros().prop_map(|m| (quoted(&ts_text(m, 0)), json!(m), json!(m))).boxed(),
                |a| a.1.as_i64().unwrap_or(0),
            ),
        }
    }

    type End = (String, J, J);

    /// A RANGE of two ends (each maybe unbounded, start < end), as an object
    /// or as the literal.
    fn range(end: BoxedStrategy<End>, key: fn(&End) -> i64) -> BoxedStrategy<V> {
        (
            proptest::option::of(end.clone()),
            proptest::option::of(end),
            any::<bool>(),
        )
            .prop_filter_map("start < end", move |(s, e, literal)| {
                if let (Some(s), Some(e)) = (&s, &e)
                    && key(s) >= key(e)
                {
                    return None;
                }
                let text = if literal {
                    let inner = |x: &Option<End>| {
                        x.as_ref().map_or("UNBOUNDED".to_owned(), |x| {
                            serde_json::from_str::<String>(&x.0).unwrap_or_default()
                        })
                    };
                    quoted(&format!("[{}, {})", inner(&s), inner(&e)))
                } else {
                    let end_text =
                        |x: &Option<End>| x.as_ref().map_or("null".to_owned(), |x| x.0.clone());
                    format!("{{\"start\": {}, \"end\": {}}}", end_text(&s), end_text(&e))
                };
                let wire = |pick: fn(&End) -> J| {
                    let mut m = serde_json::Map::new();
                    if let Some(s) = &s {
                        m.insert("start".into(), pick(s));
                    }
                    if let Some(e) = &e {
                        m.insert("end".into(), pick(e));
                    }
                    J::Object(m)
                };
                Some(v(text, wire(|x| x.1.clone()), wire(|x| x.2.clone())))
            })
            .boxed()
    }

    fn json_value() -> impl Strategy<Value = J> {
        let leaf = prop_oneof![
            Just(J::Null),
            any::<bool>().prop_map(J::from),
            any::<i64>().prop_map(J::from),
            any::<f64>()
                .prop_filter("finite", |f| f.is_finite())
                .prop_map(J::from),
            ".{0,6}".prop_map(J::from),
        ];
        leaf.prop_recursive(3, 12, 4, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(J::Array),
                proptest::collection::btree_map("[a-z]{0,3}", inner, 0..4)
                    .prop_map(|m| J::Object(m.into_iter().collect())),
            ]
        })
    }

    /// A schema of up to 4 levels (the top level and 3 of RECORDs below it),
    /// 1 to 3 rows for it, and the profile (text or exact).
    #[allow(clippy::type_complexity)]
    pub fn case() -> impl Strategy<Value = (Vec<F>, Vec<(String, J, J)>, bool)> {
        fields(3, 5).prop_flat_map(|fields| {
            let rows = proptest::collection::vec(row(&fields), 1..4);
            (Just(fields), rows, any::<bool>())
        })
    }

    /// A row for `fields`: its JSON text and the wire trees (exact, text).
    pub fn row(fields: &[F]) -> BoxedStrategy<(String, J, J)> {
        // Per field: absent, or its `"key": value` text and its wire values.
        type Part = Option<(String, Option<(J, J)>)>;
        let per_field: Vec<BoxedStrategy<Part>> = fields
            .iter()
            .map(|f| {
                let key = quoted(&f.name);
                let one: BoxedStrategy<(String, J, J)> = match &f.ty {
                    Ty::Record(sub) => row(sub),
                    Ty::Leaf(l) => leaf(*l).prop_map(|v| (v.text, v.exact, v.textual)).boxed(),
                };
                let k = key.clone();
                let present = match f.mode {
                    "REPEATED" => proptest::collection::vec(one, 0..3)
                        .prop_map(move |items| {
                            let text = format!(
                                "{k}: [{}]",
                                items
                                    .iter()
                                    .map(|x| x.0.clone())
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            );
                            let wire = (!items.is_empty()).then(|| {
                                (
                                    J::Array(items.iter().map(|x| x.1.clone()).collect()),
                                    J::Array(items.iter().map(|x| x.2.clone()).collect()),
                                )
                            });
                            Some((text, wire))
                        })
                        .boxed(),
                    _ => one
                        .prop_map(move |(t, e, x)| Some((format!("{k}: {t}"), Some((e, x)))))
                        .boxed(),
                };
                let k = key.clone();
                match f.mode {
                    "REQUIRED" => present,
                    _ => prop_oneof![
                        4 => present,
                        1 => Just(None),
                        1 => Just(Some((format!("{k}: null"), None))),
                    ]
                    .boxed(),
                }
            })
            .collect();
        let names: Vec<String> = fields.iter().map(|f| f.name.clone()).collect();
        (per_field, any::<bool>())
            .prop_map(move |(parts, reverse)| {
                let mut texts = Vec::new();
                let mut exact = serde_json::Map::new();
                let mut textual = serde_json::Map::new();
                for (name, part) in names.iter().zip(parts) {
                    if let Some((text, wire)) = part {
                        texts.push(text);
                        if let Some((e, t)) = wire {
                            exact.insert(name.clone(), e);
                            textual.insert(name.clone(), t);
                        }
                    }
                }
                if reverse {
                    texts.reverse();
                }
                (
                    format!("{{{}}}", texts.join(", ")),
                    J::Object(exact),
                    J::Object(textual),
                )
            })
            .boxed()
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

    #[test]
    fn generated_rows_round_trip_and_match_prost_reflect(
        (fields, rows, text_profile) in generated::case()
    ) {
        use proptest::prelude::*;
        let schema_json = J::Array(fields.iter().map(generated::F::schema).collect());
        let descriptor = if text_profile { text() } else { exact() };
        let w = writer_with(schema_json.clone(), descriptor, WalkOptions::new());
        let ndjson: String = rows.iter().map(|r| format!("{}\n", r.0)).collect();
        let (encoded, outcome) = w.encode_ndjson(ndjson.as_bytes(), 0);
        prop_assert!(outcome.errors.is_empty(), "{:?}\nschema {schema_json}\nrows {ndjson}", outcome.errors);
        prop_assert_eq!(encoded.len(), rows.len());
        for (i, (text, exact_wire, text_wire)) in rows.iter().enumerate() {
            let bytes = encoded.row(i).unwrap_or_default();
            // prost-reflect reads what the specs say.
            let msg = oracle(&w, bytes);
            let want = if text_profile { text_wire } else { exact_wire };
            prop_assert_eq!(&raw(&msg), want, "row {}\nschema {}", text, schema_json);
            // Canonical bytes: prost-reflect writes the same.
            prop_assert_eq!(hex(&msg.encode_to_vec()), hex(bytes));
            // encode → decode → encode is the identity on bytes.
            let decoded = w.decode(bytes).map_err(|e| TestCaseError::fail(format!("decode {text}: {e}")))?;
            let again = w.encode_json(decoded.as_bytes(), 0).map_err(|e| TestCaseError::fail(format!("re-encode {decoded}: {e}")))?;
            prop_assert_eq!(hex(&again), hex(bytes), "{} → {}", text, decoded);
        }
    }
}

// ---------------------------------------------------------------------------
// The CLI: `schema proto`, `encode --format proto`, `decode --format proto`
// ---------------------------------------------------------------------------

#[cfg(feature = "cli")]
mod cli {
    use super::*;
    use std::process::{Command, Output};

    fn bqcodec(args: &[&str], stdin: Option<&[u8]>) -> Output {
        use std::io::Write;
        let mut child = Command::new(env!("CARGO_BIN_EXE_bqcodec"))
            .args(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("bqcodec runs");
        let mut input = child.stdin.take().expect("stdin");
        input
            .write_all(stdin.unwrap_or_default())
            .expect("stdin written");
        drop(input);
        child.wait_with_output().expect("bqcodec finishes")
    }

    fn dir(name: &str) -> TempDir {
        TempDir::new(&format!("cli-{name}"))
    }

    fn schema_file(d: &std::path::Path, fields: &J) -> String {
        let p = d.join("schema.json");
        std::fs::write(&p, fields.to_string()).unwrap();
        p.to_string_lossy().into_owned()
    }

    fn fields() -> J {
        json!([
            {"name": "id", "type": "INT64", "mode": "REQUIRED"},
            {"name": "first name", "type": "STRING"},
            {"name": "at", "type": "DATETIME"},
            {"name": "amount", "type": "NUMERIC"},
            {"name": "tags", "type": "STRING", "mode": "REPEATED"},
            {"name": "r", "type": "RECORD", "fields": [{"name": "x", "type": "INT64", "mode": "REPEATED"}]}
        ])
    }

    /// Splits the CLI's length-delimited output into rows.
    fn split(mut b: &[u8]) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        while !b.is_empty() {
            let mut pos = 0;
            let len = usize::try_from(varint(b, &mut pos).expect("length")).unwrap();
            out.push(b[pos..pos + len].to_vec());
            b = &b[pos + len..];
        }
        out
    }

    #[test]
    fn schema_proto_prints_text_and_writes_the_set() {
        let d = dir("schema");
        let s = schema_file(&d, &fields());
        let set = d.join("set.pb");
        for profile in ["exact", "text"] {
            let o = bqcodec(
                &[
                    "schema",
                    "proto",
                    &s,
                    "--descriptor-set",
                    set.to_str().unwrap(),
                    "--profile",
                    profile,
                    "--cdc",
                ],
                None,
            );
            assert_eq!(
                o.status.code(),
                Some(0),
                "{}",
                String::from_utf8_lossy(&o.stderr)
            );
            let printed = String::from_utf8(o.stdout).unwrap();
            let opts = if profile == "text" { text() } else { exact() }.with_cdc(true);
            let w = writer_with(fields(), opts, WalkOptions::new());
            assert_eq!(printed, w.proto_schema().to_proto_text());
            assert!(
                printed.contains(r#"column_name) = "first name""#),
                "{printed}"
            );
            let bytes = std::fs::read(&set).unwrap();
            assert_eq!(bytes, w.proto_schema().file_descriptor_set_bytes());
            let pool = prost_reflect::DescriptorPool::decode(bytes.as_slice()).unwrap();
            let root = pool.get_message_by_name("bqcodec.Row").unwrap();
            let at = root.get_field_by_name("at").unwrap();
            let want = if profile == "text" {
                prost_reflect::Kind::String
            } else {
                prost_reflect::Kind::Int64
            };
            assert_eq!(at.kind(), want);
            assert!(root.get_field_by_name("_CHANGE_TYPE").is_some());
        }
        let o = bqcodec(&["schema", "proto", "/nonexistent/schema.json"], None);
        assert_eq!(o.status.code(), Some(1));
    }

    #[test]
    fn encode_then_decode() {
        let d = dir("encode");
        let s = schema_file(&d, &fields());
        let lines = [
            r#"{"id": 1, "first name": "Ada", "at": "2024-02-29 13:14:15.5", "amount": 2.3, "tags": ["a"], "r": {"x": [1, 2]}}"#,
            r#"{"id": "9223372036854775807", "tags": []}"#,
        ];
        let input = lines.join("\n") + "\n";
        for (profile, opts) in [("exact", exact()), ("text", text())] {
            let o = bqcodec(
                &[
                    "encode",
                    "--schema",
                    &s,
                    "--format",
                    "proto",
                    "--profile",
                    profile,
                ],
                Some(input.as_bytes()),
            );
            assert_eq!(
                o.status.code(),
                Some(0),
                "{}",
                String::from_utf8_lossy(&o.stderr)
            );
            let rows = split(&o.stdout);
            let pw = writer_with(fields(), opts, WalkOptions::new());
            assert_eq!(rows.len(), 2);
            for (row, line) in rows.iter().zip(lines) {
                assert_eq!(hex(row), hex(&pw.encode_json(line.as_bytes(), 0).unwrap()));
            }
            let o = bqcodec(
                &[
                    "decode",
                    "--schema",
                    &s,
                    "--format",
                    "proto",
                    "--profile",
                    profile,
                ],
                Some(&o.stdout),
            );
            assert_eq!(
                o.status.code(),
                Some(0),
                "{}",
                String::from_utf8_lossy(&o.stderr)
            );
            let decoded = String::from_utf8(o.stdout).unwrap();
            let want: String = rows
                .iter()
                .map(|r| format!("{}\n", pw.decode(r).unwrap()))
                .collect();
            assert_eq!(decoded, want);
        }
        // The decoded text is itself valid input giving the same bytes.
        let once = bqcodec(
            &["encode", "--schema", &s, "--format", "proto"],
            Some(input.as_bytes()),
        );
        let text = bqcodec(
            &["decode", "--schema", &s, "--format", "proto"],
            Some(&once.stdout),
        );
        let twice = bqcodec(
            &["encode", "--schema", &s, "--format", "proto"],
            Some(&text.stdout),
        );
        assert!(!once.stdout.is_empty());
        assert_eq!(hex(&once.stdout), hex(&twice.stdout));
    }

    #[test]
    fn encode_options_and_errors() {
        let d = dir("options");
        let s = schema_file(&d, &fields());
        let input =
            "{\"ID\": 1, \"zz\": 2}\n{\"id\": 2, \"amount\": \"1.0000000005\"}\n{\"id\": 3}\n";
        // Defaults: ID and zz unknown, 1.0000000005 has 10 digits; nothing written.
        let o = bqcodec(
            &["encode", "--schema", &s, "--format", "proto"],
            Some(input.as_bytes()),
        );
        assert_eq!(o.status.code(), Some(1));
        assert!(o.stdout.is_empty());
        let err = String::from_utf8(o.stderr).unwrap();
        let lines: Vec<&str> = err.lines().collect();
        assert_eq!(lines.len(), 3, "{err}");
        assert_eq!(lines[0], "row 0: ID: unknown field \"ID\"");
        assert!(
            lines[1].starts_with("row 1: amount: expected at most 9 fractional digits"),
            "{err}"
        );
        assert_eq!(lines[2], "2 of 3 rows rejected");
        // --skip-invalid writes the good row, still exits 1.
        let o = bqcodec(
            &[
                "encode",
                "--schema",
                &s,
                "--format",
                "proto",
                "--skip-invalid",
            ],
            Some(input.as_bytes()),
        );
        assert_eq!(o.status.code(), Some(1));
        assert_eq!(split(&o.stdout).len(), 1);
        // Every option on: all three rows pass.
        let o = bqcodec(
            &[
                "encode",
                "--schema",
                &s,
                "--format",
                "proto",
                "--case-insensitive",
                "--ignore-unknown",
                "--rounding",
                "half-even",
            ],
            Some(input.as_bytes()),
        );
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        let rows = split(&o.stdout);
        let w = writer(fields());
        assert_eq!(decode(&w, &rows[0])["id"], json!("1"));
        assert_eq!(decode(&w, &rows[1])["amount"], json!("1"));
        // CDC pseudo-columns only with --cdc.
        let cdc =
            "{\"id\": 1, \"_CHANGE_TYPE\": \"UPSERT\", \"_CHANGE_SEQUENCE_NUMBER\": \"FF/1\"}\n";
        let o = bqcodec(
            &["encode", "--schema", &s, "--format", "proto"],
            Some(cdc.as_bytes()),
        );
        assert_eq!(o.status.code(), Some(1));
        let o = bqcodec(
            &["encode", "--schema", &s, "--format", "proto", "--cdc"],
            Some(cdc.as_bytes()),
        );
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        let cw = writer_with(fields(), exact().with_cdc(true), WalkOptions::new());
        let rows = split(&o.stdout);
        assert_eq!(
            raw(&oracle(&cw, &rows[0])),
            json!({"id": 1, "_CHANGE_TYPE": "UPSERT", "_CHANGE_SEQUENCE_NUMBER": "FF/1"})
        );
        let o = bqcodec(
            &["decode", "--schema", &s, "--format", "proto", "--cdc"],
            Some(&o.stdout),
        );
        assert_eq!(
            String::from_utf8(o.stdout).unwrap(),
            format!("{}\n", cw.decode(&rows[0]).unwrap())
        );
    }

    #[test]
    fn decode_reports_bad_rows() {
        let d = dir("decode");
        let s = schema_file(&d, &fields());
        // Row 0 good, row 1 lacks the REQUIRED id, then a truncated prefix.
        let good = writer(fields()).encode_json(br#"{"id": 5}"#, 0).unwrap();
        let mut input = vec![u8::try_from(good.len()).unwrap()];
        input.extend_from_slice(&good);
        input.extend_from_slice(&[0x00]);
        let o = bqcodec(
            &["decode", "--schema", &s, "--format", "proto"],
            Some(&input),
        );
        assert_eq!(o.status.code(), Some(1));
        let out = String::from_utf8(o.stdout).unwrap();
        assert_eq!(out.lines().count(), 1, "{out}");
        let err = String::from_utf8(o.stderr).unwrap();
        assert!(
            err.starts_with("row 1: id: expected a value for a REQUIRED field"),
            "{err}"
        );
        input.extend_from_slice(&[0x05, 0x08]);
        let o = bqcodec(
            &["decode", "--schema", &s, "--format", "proto"],
            Some(&input),
        );
        assert_eq!(o.status.code(), Some(1));
        let err = String::from_utf8(o.stderr).unwrap();
        assert!(
            err.contains("row 2: the length prefix says 5 bytes"),
            "{err}"
        );
    }
}

// ---------------------------------------------------------------------------
// Python's protobuf (upb) reads our descriptors and rows
// ---------------------------------------------------------------------------

mod python {
    use super::*;
    use proptest::strategy::{Strategy, ValueTree};
    use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
    use std::path::{Path, PathBuf};
    use std::process::Command;
    use std::sync::OnceLock;

    const ROOT: &str = env!("CARGO_MANIFEST_DIR");

    /// The interpreter of the test venv (scripts/py-env.sh makes it once,
    /// under target/py), or `None` after printing why the Python checks are
    /// skipped. `BQCODEC_PYTHON` names an interpreter to use instead.
    fn python() -> Option<PathBuf> {
        static PY: OnceLock<Option<PathBuf>> = OnceLock::new();
        PY.get_or_init(|| {
            if let Ok(p) = std::env::var("BQCODEC_PYTHON") {
                return Some(PathBuf::from(p));
            }
            let has = |args: &[&str]| {
                Command::new("python3").args(args).output().is_ok_and(|o| o.status.success())
            };
            if !has(&["--version"]) {
                eprintln!("SKIPPED the Python protobuf checks: no python3 on PATH");
                return None;
            }
            if !has(&["-c", "import venv, ensurepip"]) {
                eprintln!("SKIPPED the Python protobuf checks: python3 has no venv/ensurepip (Debian: apt-get install python3-venv)");
                return None;
            }
            let out = Command::new("bash")
                .arg(Path::new(ROOT).join("scripts/py-env.sh"))
                .output()
                .expect("bash runs scripts/py-env.sh");
            assert!(
                out.status.success(),
                "scripts/py-env.sh failed:\n{}",
                String::from_utf8_lossy(&out.stderr)
            );
            Some(PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()))
        })
        .clone()
    }

    fn run(py: &Path, args: &[&std::ffi::OsStr]) -> String {
        let out = Command::new(py).args(args).output().expect("python runs");
        assert!(
            out.status.success(),
            "{:?} failed:\n{}\n{}",
            args,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("UTF-8 output")
    }

    fn dir(name: &str) -> TempDir {
        TempDir::new(&format!("py-{name}"))
    }

    fn every_type() -> J {
        json!([
            {"name": "b", "type": "BOOL"}, {"name": "i", "type": "INT64", "mode": "REQUIRED"},
            {"name": "f", "type": "FLOAT64"}, {"name": "s", "type": "STRING"}, {"name": "by", "type": "BYTES"},
            {"name": "n", "type": "NUMERIC"}, {"name": "bn", "type": "BIGNUMERIC"}, {"name": "d", "type": "DATE"},
            {"name": "dt", "type": "DATETIME"}, {"name": "t", "type": "TIME"}, {"name": "ts", "type": "TIMESTAMP"},
            {"name": "ts12", "type": "TIMESTAMP", "timestampPrecision": 12}, {"name": "g", "type": "GEOGRAPHY"},
            {"name": "j", "type": "JSON"}, {"name": "iv", "type": "INTERVAL"},
            {"name": "rd", "type": "RANGE", "rangeElementType": {"type": "DATE"}},
            {"name": "rdt", "type": "RANGE", "rangeElementType": {"type": "DATETIME"}, "mode": "REPEATED"},
            {"name": "rts", "type": "RANGE", "rangeElementType": {"type": "TIMESTAMP"}},
            {"name": "ri", "type": "INT64", "mode": "REPEATED"}, {"name": "rf", "type": "FLOAT64", "mode": "REPEATED"},
            {"name": "rb", "type": "BOOL", "mode": "REPEATED"}, {"name": "rdd", "type": "DATE", "mode": "REPEATED"},
            {"name": "名前", "type": "STRING"}, {"name": "first name", "type": "STRING", "mode": "REPEATED"},
            {"name": "a_b", "type": "RECORD", "fields": [{"name": "x", "type": "INT64"}]},
            {"name": "a", "type": "RECORD", "mode": "REPEATED", "fields": [
                {"name": "b", "type": "RECORD", "fields": [{"name": "x", "type": "JSON"}, {"name": "c d", "type": "BOOL"}]}
            ]},
            {"name": "aB", "type": "INT64"}, {"name": "__", "type": "INT64"}, {"name": "_", "type": "INT64"},
            {"name": "class", "type": "INT64"}, {"name": "col_first_name", "type": "STRING"},
            {"name": "row", "type": "RECORD", "fields": [{"name": "Row", "type": "INT64"}]}
        ])
    }

    fn deep(levels: usize) -> J {
        let mut f = json!({"name": "leaf", "type": "DATE", "mode": "REPEATED"});
        for i in (0..levels).rev() {
            f = json!({"name": format!("lvl {i}"), "type": "RECORD", "mode": "REPEATED", "fields": [f, {"name": "n", "type": "NUMERIC"}]});
        }
        json!([f])
    }

    #[test]
    fn python_protobuf_loads_our_descriptors() {
        let Some(py) = python() else { return };
        let d = dir("load");
        let script = Path::new(ROOT).join("tests/py/load_descriptor.py");
        let cases = [
            ("all", every_type(), exact().with_cdc(true)),
            ("all_text", every_type(), text()),
            ("deep", deep(14), exact()),
            (
                "pkg",
                json!([{"name": "x y", "type": "INT64"}]),
                exact().with_package("my.pkg").with_message_name("Orders"),
            ),
        ];
        for (name, fields, opts) in cases {
            let w = writer_with(fields, opts, WalkOptions::new());
            let set = d.join(format!("{name}.pb"));
            let text_path = d.join(format!("{name}.proto"));
            std::fs::write(&set, w.proto_schema().file_descriptor_set_bytes()).unwrap();
            std::fs::write(&text_path, w.proto_schema().to_proto_text()).unwrap();
            let out = run(
                &py,
                &[
                    script.as_os_str(),
                    set.as_os_str(),
                    "--proto".as_ref(),
                    text_path.as_os_str(),
                ],
            );
            // The field tree Python saw: names, numbers and column names as ours.
            let tree: J = serde_json::from_str(&out).unwrap();
            assert_eq!(
                tree["message"],
                json!(w.proto_schema().message_descriptor().full_name())
            );
            let m = w.proto_schema().message_descriptor();
            let seen: Vec<(String, u64, J)> = tree["fields"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| {
                    (
                        f["name"].as_str().unwrap().to_owned(),
                        f["number"].as_u64().unwrap(),
                        f["column_name"].clone(),
                    )
                })
                .collect();
            let ours: Vec<(String, u64, J)> = m
                .fields()
                .map(|fd| {
                    (
                        fd.name().to_owned(),
                        u64::from(fd.number()),
                        raw_column_name(&fd).map_or(J::Null, J::from),
                    )
                })
                .collect();
            assert_eq!(seen, ours, "{name}");
        }
    }

    #[test]
    fn python_protobuf_decodes_our_rows() {
        let Some(py) = python() else { return };
        let d = dir("rows");
        // Generated schemas and rows (see `generated`), from a fixed seed.
        let mut runner = TestRunner::new_with_rng(
            Config::default(),
            TestRng::deterministic_rng(RngAlgorithm::ChaCha),
        );
        let mut manifest = String::new();
        let mut expected = Vec::new();
        for i in 0..40 {
            let (fields, rows, text_profile) =
                generated::case().new_tree(&mut runner).unwrap().current();
            let schema_json = J::Array(fields.iter().map(generated::F::schema).collect());
            let w = writer_with(
                schema_json,
                if text_profile { text() } else { exact() },
                WalkOptions::new(),
            );
            let ndjson: String = rows.iter().map(|r| format!("{}\n", r.0)).collect();
            let (encoded, outcome) = w.encode_ndjson(ndjson.as_bytes(), 0);
            assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
            let mut bin = Vec::new();
            let mut views = Vec::new();
            for row in encoded.iter() {
                let mut len = row.len();
                loop {
                    let byte = u8::try_from(len & 0x7f).unwrap();
                    len >>= 7;
                    if len == 0 {
                        bin.push(byte);
                        break;
                    }
                    bin.push(byte | 0x80);
                }
                bin.extend_from_slice(row);
                views.push(raw_with(&oracle(&w, row), true));
            }
            let set = d.join(format!("{i}.pb"));
            let rows_path = d.join(format!("{i}.bin"));
            std::fs::write(&set, w.proto_schema().file_descriptor_set_bytes()).unwrap();
            std::fs::write(&rows_path, &bin).unwrap();
            manifest.push_str(&format!(
                "{}\n",
                json!({"set": set, "rows": rows_path, "message": w.proto_schema().message_descriptor().full_name()})
            ));
            expected.push((ndjson, J::Array(views)));
        }
        let manifest_path = d.join("manifest.ndjson");
        std::fs::write(&manifest_path, manifest).unwrap();
        let script = Path::new(ROOT).join("tests/py/decode_rows.py");
        let out = run(&py, &[script.as_os_str(), manifest_path.as_os_str()]);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), expected.len());
        for (line, (ndjson, want)) in lines.iter().zip(&expected) {
            let got: J = serde_json::from_str(line).unwrap();
            assert_eq!(&got, want, "rows:\n{ndjson}");
        }
    }
}

#[test]
fn long_values_in_reordered_records() {
    // Lengths of one, two and three varint bytes, inside records whose keys
    // come out of order at every level, with packed lists in between: the
    // encoder reserves one length byte and moves the bytes when it needs more.
    let w = writer(json!([
        {"name": "a", "type": "STRING"},
        {"name": "r", "type": "RECORD", "mode": "REPEATED", "fields": [
            {"name": "x", "type": "STRING"},
            {"name": "n", "type": "INT64", "mode": "REPEATED"},
            {"name": "s", "type": "RECORD", "fields": [
                {"name": "p", "type": "STRING"},
                {"name": "q", "type": "FLOAT64", "mode": "REPEATED"},
                {"name": "t", "type": "RECORD", "fields": [{"name": "u", "type": "BYTES"}, {"name": "v", "type": "BOOL"}]}
            ]},
            {"name": "y", "type": "DATE"}
        ]},
        {"name": "z", "type": "INT64"}
    ]));
    use base64::Engine as _;
    for len in [0usize, 1, 127, 128, 200, 16_383, 16_384, 70_000] {
        let text = "é".repeat(len / 2) + &"x".repeat(len % 2);
        let blob = base64::engine::general_purpose::STANDARD.encode(vec![7u8; len]);
        let nums: Vec<i64> = (0..(len / 8).min(3000) as i64)
            .map(|i| i * 1_000_003 - 5)
            .collect();
        let floats: Vec<f64> = (0..(len / 16).min(2000)).map(|i| i as f64 / 3.0).collect();
        let row = format!(
            r#"{{"z": 9, "r": [{{"y": 1, "s": {{"t": {{"v": true, "u": "{blob}"}}, "q": {floats:?}, "p": "{text}"}}, "n": {nums:?}, "x": "{text}"}}, {{"x": "{text}"}}, {{"s": {{"t": {{"u": "{blob}"}}}}}}], "a": "{text}"}}"#
        );
        let sorted = format!(
            r#"{{"a": "{text}", "r": [{{"x": "{text}", "n": {nums:?}, "s": {{"p": "{text}", "q": {floats:?}, "t": {{"u": "{blob}", "v": true}}}}, "y": 1}}, {{"x": "{text}"}}, {{"s": {{"t": {{"u": "{blob}"}}}}}}], "z": 9}}"#
        );
        let bytes = w.encode_json(row.as_bytes(), 0).unwrap();
        let want = w.encode_json(sorted.as_bytes(), 0).unwrap();
        assert!(bytes == want, "length {len}: key order changed the bytes");
        let msg = oracle(&w, &bytes);
        assert!(msg.encode_to_vec() == bytes, "length {len}: not canonical");
        let r = raw(&msg);
        assert_eq!(r["a"], json!(text));
        assert_eq!(r["r"][0]["s"]["p"], json!(text));
        assert_eq!(
            r["r"][0]["s"]["t"]["u"],
            json!(format!("0x{}", "07".repeat(len)))
        );
        assert_eq!(r["r"][0]["n"].as_array().map_or(0, Vec::len), nums.len());
        assert_eq!(
            r["r"][2]["s"]["t"]["u"],
            json!(format!("0x{}", "07".repeat(len)))
        );
        assert_eq!(r["z"], json!(9));
        let again = w
            .encode_json(w.decode(&bytes).unwrap().as_bytes(), 0)
            .unwrap();
        assert!(
            again == bytes,
            "length {len}: decode → encode changed the bytes"
        );
        // The same row failing at its very end leaves nothing behind.
        let bad = format!("{}\"a\": 5}}", &row[..row.rfind("\"a\": ").unwrap()]);
        let (rows, outcome) = w.encode_ndjson(format!("{row}\n{bad}\n{sorted}\n").as_bytes(), 0);
        assert_eq!((rows.len(), outcome.errors.len()), (2, 1));
        assert!(rows.row(0) == Some(&bytes[..]) && rows.row(1) == Some(&bytes[..]));
    }
}

#[test]
fn invalid_utf8_spoils_only_its_own_row() {
    let w = writer_with(
        json!([{"name": "s", "type": "STRING"}, {"name": "é", "type": "INT64"}]),
        exact(),
        WalkOptions::new().with_unknown_keys(UnknownKeys::Ignore),
    );
    let mut input = Vec::new();
    input.extend_from_slice("{\"s\": \"héllo\", \"é\": 1}\n".as_bytes());
    input.extend_from_slice(b"{\"s\": \"bad \xff byte\"}\n"); // in a value
    input.extend_from_slice(b"{\"\xc3\": 1}\n"); // in a key (a cut-off é)
    input.extend_from_slice(b"{\"zz\": \"\xe2\x82\"}\n"); // in an ignored value
    input.extend_from_slice("{\"s\": \"wörld\"}\n".as_bytes());
    let (rows, outcome) = w.encode_ndjson(&input, 0);
    let bad: Vec<usize> = outcome.errors.iter().map(|e| e.row).collect();
    assert_eq!(bad, [1, 2, 3], "{:?}", outcome.errors);
    for e in &outcome.errors {
        assert!(matches!(e.error, ValueError::Json { .. }), "{e}");
    }
    assert_eq!(rows.len(), 2);
    assert_eq!(rows.input_row(1), Some(4));
    assert_eq!(
        decode(&w, rows.row(1).unwrap()),
        json!({"s": "wörld", "é": null})
    );
    // The same rows as valid UTF-8 all pass, through the whole-buffer path.
    let (rows, outcome) = w.encode_ndjson(
        "{\"s\": \"héllo\", \"é\": 1}\n{\"s\": \"wörld\"}\n".as_bytes(),
        0,
    );
    assert!(outcome.errors.is_empty());
    assert_eq!(rows.len(), 2);
}

#[test]
fn escaped_keys_and_values_match_their_text() {
    // JSON escapes in keys and values mean the characters they stand for.
    let w = writer(json!([
        {"name": "s", "type": "STRING"},
        {"name": "été", "type": "INT64"},
        {"name": "it's", "type": "BOOL"}
    ]));
    let plain = w
        .encode_json("{\"s\": \"x/y\", \"été\": 1}".as_bytes(), 0)
        .unwrap();
    let escaped = w
        .encode_json(br#"{"\u0073": "x\/y", "\u00e9t\u00E9": 1}"#, 0)
        .unwrap();
    assert_eq!(hex(&escaped), hex(&plain));
    // A surrogate pair, and a lone surrogate (not a character: an error).
    let b = w.encode_json(br#"{"s": "\ud83d\ude00"}"#, 0).unwrap();
    assert_eq!(raw(&oracle(&w, &b)), json!({"s": "😀"}));
    let e = w
        .encode_json(br#"{"s": "\ud83d"}"#, 0)
        .expect_err("lone surrogate");
    assert!(matches!(e.error, ValueError::Json { .. }), "{e}");
    // An apostrophe (a flexible-name character), escaped or not.
    let a = w.encode_json(br#"{"it's": true}"#, 0).unwrap();
    let b = w.encode_json(br#"{"it's": true}"#, 0).unwrap();
    assert_eq!(hex(&a), hex(&b));
}
