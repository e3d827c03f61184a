#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]
//! Where bqcodec behaves differently from the official clients: one test per
//! entry of docs/divergences.md, each asserting OUR behaviour on exactly the
//! input the entry names. The other client's behaviour is cited from its
//! source in the comment above each test (repository, path, function); the
//! Java and Go clients are not run here (no JVM or Go toolchain on CI), the
//! Python facts were checked against google-cloud-bigquery 3.47.0 as
//! installed by tests/py/arrow_check.py. Entries already covered elsewhere
//! (tests/proto_diff.rs, tests/insert_all.rs, tests/arrow.rs, tests/proto.rs,
//! tests/transport.rs) are cited in the doc, not repeated here.

use bqcodec::error::RowError;
use bqcodec::insert_all::{InsertAllOptions, InsertAllWriter, InsertIds};
use bqcodec::plan::WalkOptions;
use bqcodec::proto::{DescriptorOptions, FieldLayout, Label, ProtoKind, ProtoWriter};
use bqcodec::value::Policy;
use bqcodec::value::numeric::Rounding;
use bqcodec::{TableSchema, ValueError};

// Java sources: googleapis/java-bigquerystorage, under
// google-cloud-bigquerystorage/src/main/java/com/google/cloud/bigquery/storage/v1/
// (JsonToProtoMessage.java as of commit 8255df4f3367d0dc5a19262a2e85b1af32eac23b).
// Go sources: googleapis/google-cloud-go, bigquery/storage/managedwriter/adapt/
// protoconversion.go (commit 019ad31ea0d0ec73fcf4c2a0d4076770970a962f) and
// bigquery/value.go (commit 05197bbd8d28e14b400aa471012ec8765cb1b557).

fn schema(fields: &str) -> TableSchema {
    TableSchema::from_json(fields).unwrap_or_else(|e| panic!("{e}"))
}

fn writer_with(fields: &str, walk: WalkOptions) -> ProtoWriter {
    ProtoWriter::new(&schema(fields), DescriptorOptions::default(), walk)
        .unwrap_or_else(|e| panic!("{e}"))
}

fn writer(fields: &str) -> ProtoWriter {
    writer_with(fields, WalkOptions::new())
}

/// The row as the proto path writes it, decoded back to canonical JSON.
fn accepted(w: &ProtoWriter, row: &str) -> String {
    let bytes = w
        .encode_json(row.as_bytes(), 0)
        .unwrap_or_else(|e| panic!("{row}: {e}"));
    w.decode(&bytes).unwrap_or_else(|e| panic!("{row}: {e}"))
}

fn rejected(w: &ProtoWriter, row: &str) -> RowError {
    match w.encode_json(row.as_bytes(), 0) {
        Ok(b) => panic!("{row}: accepted as {:?}", w.decode(&b)),
        Err(e) => e,
    }
}

fn insert_all(fields: &str) -> InsertAllWriter {
    InsertAllWriter::new(
        &schema(fields),
        WalkOptions::new(),
        InsertIds::None,
        InsertAllOptions::new(),
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

fn rounding(r: Rounding) -> WalkOptions {
    WalkOptions::new().with_policy(Policy::new().with_rounding(r))
}

fn is_invalid(e: &ValueError) -> bool {
    matches!(e, ValueError::Invalid { .. })
}

/// Every field of the root and of each nested message, with its path.
fn all_fields<'a>(fields: &'a [FieldLayout], out: &mut Vec<&'a FieldLayout>) {
    for f in fields {
        out.push(f);
        if let Some(n) = &f.nested {
            all_fields(n.fields(), out);
        }
    }
}

fn is_proto_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

// ---------------------------------------------------------------------------
// Java: JsonStreamWriter / JsonToProtoMessage / BQTableSchemaToProtoDescriptor
// ---------------------------------------------------------------------------

/// Java: JsonToProtoMessage.fillField, NUMERIC column, a value that reaches
/// it as a Java Double/Float: `new BigDecimal(String.valueOf(val))`, and when
/// its scale exceeds 9, `setScale(9, RoundingMode.HALF_UP)` — rounded
/// silently. We read the number's text and reject the tenth digit unless a
/// rounding policy is chosen; HalfAwayFromZero gives Java's HALF_UP result.
#[test]
fn java_numeric_from_double_with_excess_scale() {
    let fields = r#"[{"name": "n", "type": "NUMERIC"}]"#;
    let row = r#"{"n": 1.0000000005}"#;
    let e = rejected(&writer(fields), row);
    assert_eq!(
        e.error,
        ValueError::ExcessScale {
            scale: 9,
            found: "\"1.0000000005\"".into()
        }
    );
    let half_up = writer_with(fields, rounding(Rounding::HalfAwayFromZero));
    assert_eq!(accepted(&half_up, row), r#"{"n":"1.000000001"}"#);
    let half_even = writer_with(fields, rounding(Rounding::HalfEven));
    assert_eq!(accepted(&half_even, row), r#"{"n":"1"}"#);
}

/// Java: a NUMERIC given as a String (or BigDecimal) goes to
/// BigDecimalByteStringEncoder.encodeToNumericByteString, whose
/// serializeBigDecimal throws "scale cannot exceed 9" when
/// `BigDecimal.scale() > 9` — also for trailing zeros ("1.0000000000" has
/// scale 10). The value is exact, so we take it.
#[test]
fn java_numeric_string_with_trailing_zeros_beyond_scale() {
    let w = writer(r#"[{"name": "n", "type": "NUMERIC"}, {"name": "bn", "type": "BIGNUMERIC"}]"#);
    assert_eq!(
        accepted(&w, r#"{"n": "1.0000000000"}"#),
        r#"{"n":"1","bn":null}"#
    );
    // The same for BIGNUMERIC's scale 38 (encodeToBigNumericByteString).
    let forty = format!("{{\"bn\": \"2.{}\"}}", "0".repeat(40));
    assert_eq!(accepted(&w, &forty), r#"{"n":null,"bn":"2"}"#);
}

/// Java: JsonToProtoMessage.fillField, INT64: an Integer or Long, or a
/// String that Guava's `Longs.tryParse` reads; anything else (a decimal or
/// exponent number, "1e3") is "JSONObject does not have a int64 field".
/// We take every exact integer form.
#[test]
fn java_int64_from_exact_integer_forms() {
    let w = writer(r#"[{"name": "i", "type": "INT64"}]"#);
    assert_eq!(accepted(&w, r#"{"i": 1e3}"#), r#"{"i":"1000"}"#);
    assert_eq!(accepted(&w, r#"{"i": "1e3"}"#), r#"{"i":"1000"}"#);
    assert_eq!(accepted(&w, r#"{"i": 1.0}"#), r#"{"i":"1"}"#);
    assert!(is_invalid(&rejected(&w, r#"{"i": 1.5}"#).error));
}

/// Java: JsonToProtoMessage.fillField, BOOL: a Boolean, or the strings
/// "true"/"false" in any case; a number is rejected. We also take 0 and 1
/// (README, Types).
#[test]
fn java_bool_from_numbers() {
    let w = writer(r#"[{"name": "b", "type": "BOOL"}]"#);
    assert_eq!(accepted(&w, r#"{"b": 1}"#), r#"{"b":true}"#);
    assert_eq!(accepted(&w, r#"{"b": 0}"#), r#"{"b":false}"#);
    assert_eq!(accepted(&w, r#"{"b": "FALSE"}"#), r#"{"b":false}"#);
    assert!(is_invalid(&rejected(&w, r#"{"b": 2}"#).error));
}

/// Java: JsonToProtoMessage.fillField, DOUBLE from a String: Guava
/// `Doubles.tryParse` (com/google/common/primitives/Doubles.java, its
/// fpPattern), which takes Java literal forms — a `d`/`f` suffix ("1.5d"),
/// hexadecimal ("0x1p3") — and reads "1e400" as Infinity. We take decimal
/// text only and reject a literal that overflows.
#[test]
fn java_float64_string_forms() {
    let w = writer(r#"[{"name": "f", "type": "FLOAT64"}]"#);
    assert!(is_invalid(&rejected(&w, r#"{"f": "1.5d"}"#).error));
    assert!(is_invalid(&rejected(&w, r#"{"f": "0x1p3"}"#).error));
    assert!(rejected(&w, r#"{"f": "1e400"}"#).error.is_out_of_range());
    assert_eq!(accepted(&w, r#"{"f": "Infinity"}"#), r#"{"f":"Infinity"}"#);
}

/// Java: JsonToProtoMessage.fillField, INT32 field of a DATE column: an
/// Integer or Long becomes `((Number) val).intValue()`, so a Long keeps only
/// its low 32 bits: 4294987078 = 2^32 + 19782 is written as day 19782
/// (2024-02-29). We reject a day count outside DATE's range.
#[test]
fn java_date_from_integer_beyond_int32() {
    let w = writer(r#"[{"name": "d", "type": "DATE"}]"#);
    let e = rejected(&w, r#"{"d": 4294987078}"#);
    assert!(e.error.is_out_of_range(), "{e}");
    assert_eq!(accepted(&w, r#"{"d": 19782}"#), r#"{"d":"2024-02-29"}"#);
}

/// Java: DATE from a String is `LocalDate.parse` (ISO_LOCAL_DATE: two-digit
/// month and day), so "2024-2-9" is rejected. We take BigQuery's
/// `YYYY-[M]M-[D]D`.
#[test]
fn java_date_without_zero_padding() {
    let w = writer(r#"[{"name": "d", "type": "DATE"}]"#);
    assert_eq!(
        accepted(&w, r#"{"d": "2024-2-9"}"#),
        r#"{"d":"2024-02-09"}"#
    );
}

/// Java: DATETIME from a String is threetenbp `LocalDateTime.parse`
/// (ISO_LOCAL_DATE_TIME: a `T`, seconds optional), then
/// CivilTimeEncoder.encodePacked64DatetimeMicros. So "2024-02-29 13:14:15"
/// (BigQuery's canonical form) is rejected and "2024-02-29T13:14" taken as
/// 13:14:00. We take both separators and require seconds.
#[test]
fn java_datetime_text_forms() {
    let w = writer(r#"[{"name": "dt", "type": "DATETIME"}]"#);
    assert_eq!(
        accepted(&w, r#"{"dt": "2024-02-29 13:14:15"}"#),
        r#"{"dt":"2024-02-29T13:14:15"}"#
    );
    assert!(is_invalid(
        &rejected(&w, r#"{"dt": "2024-02-29T13:14"}"#).error
    ));
}

/// Java: TIME from a String is threetenbp `LocalTime.parse`
/// (ISO_LOCAL_TIME: two-digit fields, seconds optional): "13:14" is taken,
/// "1:2:3" rejected. We do the opposite, as GoogleSQL's TIME literal does.
#[test]
fn java_time_text_forms() {
    let w = writer(r#"[{"name": "t", "type": "TIME"}]"#);
    assert_eq!(accepted(&w, r#"{"t": "1:2:3"}"#), r#"{"t":"01:02:03"}"#);
    assert!(is_invalid(&rejected(&w, r#"{"t": "13:14"}"#).error));
}

/// Java: a DATETIME or TIME given as a Long is written as is
/// (`protoMsg.setField(fieldDescriptor, (Long) val)`), unchecked. We decode
/// the CivilTime bit fields and reject what is no date and time: DATETIME 5
/// (year 0, month 0) and a TIME with minute 63 (63 << 26).
#[test]
fn java_packed_civil_integers_are_checked() {
    let w = writer(r#"[{"name": "dt", "type": "DATETIME"}, {"name": "t", "type": "TIME"}]"#);
    assert!(is_invalid(&rejected(&w, r#"{"dt": 5}"#).error));
    let minute_63 = 63_i64 << 26;
    let e = rejected(&w, &format!("{{\"t\": {minute_63}}}"));
    assert_eq!(
        e.to_string(),
        "row 0: t: expected TIME as CivilTime packed micros (hour<<32 | minute<<26 | second<<20 | microsecond), found \"4227858432\""
    );
    // A valid packing is taken: 2024-02-29 13:14:15.123456 (README example).
    assert_eq!(
        accepted(&w, r#"{"dt": 142439176828215872}"#),
        r#"{"dt":"2024-02-29T13:14:15.123456","t":null}"#
    );
}

/// Java: TIMESTAMP from a String goes through JsonToProtoMessage's
/// TIMESTAMP_FORMATTER: `yyyy[/][-]MM[/][-]dd`, optional `T` or space, then
/// HH:mm with optional seconds, parsed leniently — so "2024/02/29 13:14" is
/// taken and a date alone is not (the hour is not optional). We take
/// BigQuery's literal forms: "-" only, seconds required, and a date alone as
/// midnight UTC.
#[test]
fn java_timestamp_text_forms() {
    let w = writer(r#"[{"name": "ts", "type": "TIMESTAMP"}]"#);
    assert!(is_invalid(
        &rejected(&w, r#"{"ts": "2024/02/29 13:14"}"#).error
    ));
    assert!(is_invalid(
        &rejected(&w, r#"{"ts": "2024-02-29 13:14"}"#).error
    ));
    assert_eq!(
        accepted(&w, r#"{"ts": "2024-02-29"}"#),
        r#"{"ts":"2024-02-29T00:00:00Z"}"#
    );
}

/// Java: a TIMESTAMP String that Guava `Doubles.tryParse` reads as a number
/// ("1709212455") is written as `parsed.longValue() * 10000000`. We never
/// read a digit string as a TIMESTAMP number (README, Choices).
#[test]
fn java_timestamp_digit_string() {
    let w = writer(r#"[{"name": "ts", "type": "TIMESTAMP"}]"#);
    assert!(is_invalid(&rejected(&w, r#"{"ts": "1709212455"}"#).error));
}

/// Java: a TIMESTAMP given as an Integer (a JSON integer that fits 32 bits)
/// is written as `new Long((Integer) val) * 10000000`, a Long as is
/// (microseconds). So 1000 becomes 10,000,000,000 µs (02:46:40 on
/// 1970-01-01). Every JSON integer is epoch microseconds here.
#[test]
fn java_timestamp_small_integer() {
    let w = writer(r#"[{"name": "ts", "type": "TIMESTAMP"}]"#);
    assert_eq!(
        accepted(&w, r#"{"ts": 1000}"#),
        r#"{"ts":"1970-01-01T00:00:00.001000Z"}"#
    );
    assert_eq!(
        accepted(&w, r#"{"ts": 1709212455000000}"#),
        r#"{"ts":"2024-02-29T13:14:15Z"}"#
    );
}

/// Java: JsonToProtoMessage.fillField, BYTES (not NUMERIC/BIGNUMERIC): a
/// ByteString, or a JSONArray of integers each fitting a byte; a String is
/// rejected. We take base64 text, as the REST API and insertAll do, and
/// reject an array.
#[test]
fn java_bytes_from_base64_and_arrays() {
    let w = writer(r#"[{"name": "by", "type": "BYTES"}]"#);
    assert_eq!(accepted(&w, r#"{"by": "AAEC"}"#), r#"{"by":"AAEC"}"#);
    assert!(is_invalid(&rejected(&w, r#"{"by": [0, 1, 2]}"#).error));
}

/// Java: BQTableSchemaToProtoDescriptor maps JSON to TYPE_STRING and
/// JsonToProtoMessage.fillField takes only a String for it, unchecked: a
/// JSON object is rejected, "not json" is sent (the server rejects it). We
/// take any JSON value or a string holding JSON text, and check it.
#[test]
fn java_json_column_values() {
    let w = writer(r#"[{"name": "j", "type": "JSON"}]"#);
    assert_eq!(
        accepted(&w, r#"{"j": {"a": [1, 2]}}"#),
        r#"{"j":"{\"a\":[1,2]}"}"#
    );
    assert!(is_invalid(&rejected(&w, r#"{"j": "not json"}"#).error));
}

/// Java: GEOGRAPHY and INTERVAL map to TYPE_STRING
/// (BQTableSchemaToProtoDescriptor) and any String is sent as is. We parse
/// both and reject "POINT(1)" and "soon".
#[test]
fn java_geography_and_interval_are_checked() {
    let w = writer(r#"[{"name": "g", "type": "GEOGRAPHY"}, {"name": "iv", "type": "INTERVAL"}]"#);
    assert!(is_invalid(&rejected(&w, r#"{"g": "POINT(1)"}"#).error));
    assert!(is_invalid(&rejected(&w, r#"{"iv": "soon"}"#).error));
    assert_eq!(
        accepted(&w, r#"{"g": "point(1 2)", "iv": "P1Y2M"}"#),
        r#"{"g":"POINT(1 2)","iv":"1-2 0 0:0:0"}"#
    );
}

/// Java: BigQuerySchemaUtil.generatePlaceholderFieldName is `col_` + URL-safe
/// base64 (no padding) of the lower-cased name with `-` replaced by `_`, so
/// two names whose base64 differ only in `-`/`_` get one field name: "ま"
/// (E3 81 BE, "44G-") and "み" (E3 81 BF, "44G_") both become `col_44G_`,
/// and the descriptor holds two fields of one name. Ours are distinct.
#[test]
fn java_placeholder_names_collide() {
    let w = writer(r#"[{"name": "ま", "type": "INT64"}, {"name": "み", "type": "STRING"}]"#);
    let fields = w.proto_schema().layout().fields();
    assert_eq!(fields[0].name, "col");
    assert_eq!(fields[1].name, "col_2");
    assert!(fields.iter().all(FieldLayout::has_column_name_option));
    assert_eq!(
        accepted(&w, r#"{"ま": 1, "み": "x"}"#),
        r#"{"ま":"1","み":"x"}"#
    );
}

// ---------------------------------------------------------------------------
// Go: managedwriter/adapt and the bigquery package's value helpers
// ---------------------------------------------------------------------------

/// Go: adapt tableFieldSchemaToFieldDescriptorProto names a field that is no
/// proto identifier `col_` + standard base64 of the name with `+`, `/`, `=`
/// trimmed from both ends (strings.Trim): "é" ("w6k=") and "é>" ("w6k+")
/// both become `col_w6k`. Ours are distinct.
#[test]
fn go_placeholder_names_collide_after_trim() {
    let w = writer(r#"[{"name": "é", "type": "INT64"}, {"name": "é>", "type": "INT64"}]"#);
    let fields = w.proto_schema().layout().fields();
    assert_ne!(fields[0].name, fields[1].name);
    assert_eq!(
        accepted(&w, r#"{"é": 1, "é>": 2}"#),
        r#"{"é":"1","é>":"2"}"#
    );
}

/// Go: the same trim leaves a `+` or `/` inside the name: "c価" (base64
/// "Y+S+oQ==") becomes `col_Y+S+oQ`, which is not a proto identifier. Every
/// name we write is one.
#[test]
fn go_placeholder_keeps_interior_plus() {
    let w = writer(r#"[{"name": "c価", "type": "INT64"}, {"name": "a価", "type": "INT64"}]"#);
    for f in w.proto_schema().layout().fields() {
        assert!(is_proto_identifier(&f.name), "{}", f.name);
        assert!(f.has_column_name_option());
    }
    assert_eq!(
        accepted(&w, r#"{"c価": 1, "a価": 2}"#),
        r#"{"c価":"1","a価":"2"}"#
    );
}

/// Go: adapt storageSchemaToDescriptorInternal names a RECORD's message
/// `<scope>__<column>`, each in its own file `<name>.proto`, so a top-level
/// RECORD `a__b` and the RECORD `b` inside `a` are both `root__a__b` (for
/// scope "root") with different fields. Ours get distinct types and both
/// columns keep their own types.
#[test]
fn go_nested_message_names_joined_with_double_underscore() {
    let w = writer(
        r#"[{"name": "a__b", "type": "RECORD", "fields": [{"name": "x", "type": "INT64"}]},
            {"name": "a", "type": "RECORD", "fields": [
                {"name": "b", "type": "RECORD", "fields": [{"name": "x", "type": "STRING"}]}]}]"#,
    );
    let root = w.proto_schema().layout();
    let top = root.fields()[0].nested.as_ref().expect("a__b message");
    let inner = root.fields()[1]
        .nested
        .as_ref()
        .expect("a message")
        .fields()[0]
        .nested
        .as_ref()
        .expect("a.b message");
    assert_ne!(top.full_name(), inner.full_name());
    assert_eq!(top.fields()[0].kind, ProtoKind::Int64);
    assert_eq!(inner.fields()[0].kind, ProtoKind::String);
    assert_eq!(
        accepted(&w, r#"{"a__b": {"x": 1}, "a": {"b": {"x": "s"}}}"#),
        r#"{"a__b":{"x":"1"},"a":{"b":{"x":"s"}}}"#
    );
}

/// Go: adapt bqTypeToFieldTypeMap has no INTERVAL entry (nor
/// bqTypeToWrapperMap), so an INTERVAL column gets the map's zero value, not
/// a proto type. We send the canonical literal in a `string` field, as the
/// Storage Write API's type table says.
#[test]
fn go_interval_column() {
    let w = writer(r#"[{"name": "iv", "type": "INTERVAL"}]"#);
    let f = &w.proto_schema().layout().fields()[0];
    assert_eq!(f.kind, ProtoKind::String);
    assert_eq!(f.label, Label::Optional);
    assert_eq!(
        accepted(&w, r#"{"iv": "P1Y2M3DT4H5M6.5S"}"#),
        r#"{"iv":"1-2 3 4:5:6.500"}"#
    );
}

/// Go: bigquery.NumericString (bigquery/value.go) is `r.FloatString(9)`,
/// and math/big's Rat.FloatString rounds the last digit to nearest, halves
/// away from zero: 1.0000000005 is sent as "1.000000001" (BigNumericString:
/// FloatString(38), the same). We reject the tenth digit unless asked to
/// round; HalfAwayFromZero gives Go's result.
#[test]
fn go_numeric_string_rounds_half_away_from_zero() {
    let fields = r#"[{"name": "n", "type": "NUMERIC"}, {"name": "bn", "type": "BIGNUMERIC"}]"#;
    let w = writer(fields);
    assert!(
        rejected(&w, r#"{"n": "1.0000000005"}"#)
            .error
            .is_excess_scale()
    );
    let bn39 = format!("{{\"bn\": \"-0.{}5\"}}", "0".repeat(38));
    assert!(rejected(&w, &bn39).error.is_excess_scale());
    let half_away = writer_with(fields, rounding(Rounding::HalfAwayFromZero));
    assert_eq!(
        accepted(&half_away, r#"{"n": "1.0000000005"}"#),
        r#"{"n":"1.000000001","bn":null}"#
    );
    assert_eq!(
        accepted(&half_away, &bn39),
        format!("{{\"n\":null,\"bn\":\"-0.{}1\"}}", "0".repeat(37))
    );
}

/// Go: bigquery.CivilTimeString (bigquery/value.go), used for TIME and
/// DATETIME (CivilDateTimeString) values, rounds nanoseconds to the nearest
/// microsecond, `(ns + 500) / 1000`, printed with "%06d": 12:00:00.0000004
/// becomes "12:00:00.000000" and 12:00:00.9999995 becomes
/// "12:00:00.1000000" (a microsecond count of 1,000,000: seven digits, read
/// back as 0.1 s). We accept 7–9 fractional digits only when they are zeros.
#[test]
fn go_civil_time_string_rounds_nanoseconds() {
    let w = writer(r#"[{"name": "t", "type": "TIME"}, {"name": "dt", "type": "DATETIME"}]"#);
    assert!(is_invalid(
        &rejected(&w, r#"{"t": "12:00:00.9999995"}"#).error
    ));
    assert!(is_invalid(
        &rejected(&w, r#"{"t": "12:00:00.0000004"}"#).error
    ));
    assert!(is_invalid(
        &rejected(&w, r#"{"dt": "2024-02-29 12:00:00.9999995"}"#).error
    ));
    assert_eq!(
        accepted(&w, r#"{"t": "12:00:00.999999000"}"#),
        r#"{"t":"12:00:00.999999","dt":null}"#
    );
}

// ---------------------------------------------------------------------------
// Python: python-bigquery insertAll formatting, the Storage Write client
// ---------------------------------------------------------------------------

/// python-bigquery: google/cloud/bigquery/_helpers.py `_int_to_json` turns
/// any Python `int` into `str(value)`, and `bool` is an `int`: `True` in an
/// INT64 column is sent as "True" (checked with `_record_field_to_json`,
/// 3.47.0). We reject a boolean for INT64.
#[test]
fn python_int64_from_bool() {
    let w = insert_all(r#"[{"name": "i", "type": "INT64"}]"#);
    let e = w.encode_json(br#"{"i": true}"#, 0).unwrap_err();
    assert_eq!(
        e.to_string(),
        "row 0: i: expected INT64 (an integer or integer string with no fractional part, e.g. 42 or \"-9223372036854775808\"), found a boolean"
    );
}

/// python-bigquery: `_int_to_json` has no range check: 2**70 is sent as
/// "1180591620717411303424" (the server rejects it). We reject it with the
/// row and column.
#[test]
fn python_int64_beyond_range() {
    let w = insert_all(r#"[{"name": "i", "type": "INT64"}]"#);
    let e = w
        .encode_json(br#"{"i": 1180591620717411303424}"#, 0)
        .unwrap_err();
    assert!(e.error.is_out_of_range(), "{e}");
    assert_eq!(e.path.to_string(), "i");
}

/// python-bigquery: `_float_to_json` converts a string with `float()` and
/// sends a non-finite result as `str()`: "1e400" becomes "inf". We reject a
/// literal that overflows FLOAT64.
#[test]
fn python_float64_overflowing_string() {
    let w = insert_all(r#"[{"name": "f", "type": "FLOAT64"}]"#);
    let e = w.encode_json(br#"{"f": "1e400"}"#, 0).unwrap_err();
    assert!(e.error.is_out_of_range(), "{e}");
}

/// python-bigquery: `_decimal_to_json` is `str(value)` for a Decimal, with
/// no scale or range check: Decimal("1.0000000001") is sent as
/// "1.0000000001" and Decimal("1E+2") as "1E+2". We reject the tenth
/// fractional digit and send the canonical text "100".
#[test]
fn python_numeric_excess_scale_and_exponent() {
    let w = insert_all(r#"[{"name": "n", "type": "NUMERIC"}]"#);
    let e = w.encode_json(br#"{"n": "1.0000000001"}"#, 0).unwrap_err();
    assert!(e.error.is_excess_scale(), "{e}");
    let (row, _) = w.encode_json(br#"{"n": "1E+2"}"#, 0).unwrap();
    assert_eq!(row, r#"{"n":"100"}"#);
}

/// The Python Storage Write client (googleapis/python-bigquery-storage,
/// google/cloud/bigquery_storage_v1/writer.py, AppendRowsStream) builds no
/// descriptor and converts no value: the caller brings a compiled proto
/// message and its DescriptorProto, and `_process_request_template` clears
/// `oneof_index` and `proto3_optional` on the top-level fields only. We
/// derive the descriptor from the table schema: proto2, self-contained (the
/// RECORD types nested in the root), no oneof or proto3_optional at any
/// depth.
#[test]
fn python_storage_write_descriptor_is_self_contained_proto2() {
    let w = writer(
        r#"[{"name": "id", "type": "INT64", "mode": "REQUIRED"},
            {"name": "addr", "type": "RECORD", "fields": [
                {"name": "geo", "type": "RECORD", "fields": [{"name": "lat", "type": "FLOAT64"}]}]},
            {"name": "stay", "type": "RANGE", "rangeElementType": {"type": "DATE"}}]"#,
    );
    let ps = w.proto_schema();
    assert_eq!(ps.file_descriptor_proto().syntax.as_deref(), Some("proto2"));
    let root = ps.descriptor_proto();
    assert!(root.oneof_decl.is_empty());
    let mut stack = vec![root];
    let mut messages = 0;
    while let Some(m) = stack.pop() {
        messages += 1;
        for f in &m.field {
            assert_eq!(f.oneof_index, None, "{:?}", f.name);
            assert_eq!(f.proto3_optional, None, "{:?}", f.name);
            if let Some(t) = &f.type_name {
                // Every referenced type is declared inside the root message.
                let simple = t.rsplit('.').next().unwrap_or(t);
                assert!(
                    root.nested_type
                        .iter()
                        .any(|n| n.name.as_deref() == Some(simple)),
                    "{t}"
                );
            }
        }
        stack.extend(m.nested_type.iter());
    }
    // Root, addr, addr.geo and the RANGE<DATE> message.
    assert_eq!(messages, 4);
    let mut leaves = Vec::new();
    all_fields(ps.layout().fields(), &mut leaves);
    assert_eq!(leaves[0].label, Label::Required);
}
