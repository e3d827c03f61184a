//! The JSON form `tabledata.insertAll` takes for each BigQuery type, both
//! directions.
//!
//! Source: "Use the legacy streaming API"
//! (<https://cloud.google.com/bigquery/docs/streaming-data-into-bigquery>),
//! sections "Send date and time data", "Send range data" and the note on
//! NUMERIC/BIGNUMERIC; the other types follow the JSON load format.
//!
//! | type | what we write | what [`parse_value_json`] also reads |
//! | --- | --- | --- |
//! | BOOL | `true` / `false` | `"true"`, `"false"` |
//! | INT64 | a decimal string (`"9007199254740993"`): exact past 2^53 | a JSON integer |
//! | FLOAT64 | a number (shortest round-trip digits); `"NaN"`, `"Infinity"`, `"-Infinity"` | numeric strings |
//! | NUMERIC, BIGNUMERIC | an exact decimal string (the docs require quotes) | a JSON number, read as its text |
//! | STRING | a string | |
//! | BYTES | standard base64 with padding | |
//! | DATE | `"YYYY-MM-DD"` | |
//! | DATETIME | `"YYYY-MM-DD HH:MM:SS[.ffffff]"` | `"YYYY-MM-DD"`, `T` for the space |
//! | TIME | `"HH:MM:SS[.ffffff]"` | |
//! | TIMESTAMP | `"YYYY-MM-DD HH:MM:SS[.ffffff]"`, UTC | a number of epoch **seconds**; `"YYYY-MM-DD HH:MM"`; any zone the codec reads |
//! | TIMESTAMP(12) | `"YYYY-MM-DD HH:MM:SS[.f…]"`, up to 12 digits, UTC | as TIMESTAMP (numbers are epoch seconds) |
//! | GEOGRAPHY | WKT text | GeoJSON |
//! | JSON | the compact JSON text, as a string (never double-encoded) | |
//! | INTERVAL | the canonical text (`"1-2 3 4:5:6.789"`) | ISO 8601 |
//! | RANGE | `{"start": …, "end": …}`, `null` for an unbounded end | a missing `start`/`end` key is unbounded |
//!
//! Choices where the docs leave room:
//! - **TIMESTAMP** is written in the documented string form
//!   `"YYYY-MM-DD HH:MM[:SS]"` with seconds always present, a fraction only
//!   when it is not zero, and **no zone**: a TIMESTAMP literal without a zone
//!   is UTC. Not epoch seconds, because the service reads a JSON number as a
//!   double and 16 significant digits (`1709212455.123456`) do not survive
//!   that; not RFC 3339 with `Z` (what python-bigquery writes), because it is
//!   not the documented form.
//! - **BOOL** is a JSON boolean (python-bigquery sends the strings
//!   `"true"`/`"false"`; both are accepted).
//! - **FLOAT64** non-finite values are the strings `NaN`, `Infinity`,
//!   `-Infinity` (JSON has no literal for them; python-bigquery sends
//!   Python's `nan`/`inf`).
//! - On input (through the row walk), every form the codecs accept is
//!   accepted: the sink formats values, the codecs judge them. A JSON number
//!   for TIMESTAMP is epoch *microseconds* there, as everywhere in the row
//!   walk; only [`parse_value_json`], the reader of insertAll bodies, reads
//!   it as epoch seconds, the insertAll convention.

use serde_json::Value;

use crate::error::ValueError;
use crate::schema::RangeElementType;
use crate::value::range::{Range, RangeValue};
use crate::value::timestamp::{Timestamp, TimestampPicos};
use crate::value::{Codec, Input, Policy, Scalar};

/// Appends the insertAll JSON text of a canonical scalar (see the module
/// table). Never fails: every scalar has a form.
///
/// # Examples
///
/// ```
/// use bqcodec::insert_all::write_value_json;
/// use bqcodec::value::{Codec, Input, Policy};
/// let ts = Codec::Timestamp { picos: false }.parse(Input::Str("2024-02-29T13:14:15.5+01:00"), &Policy::new())?;
/// let mut out = String::new();
/// write_value_json(&ts, &mut out);
/// assert_eq!(out, r#""2024-02-29 12:14:15.500000""#);
/// # Ok::<(), bqcodec::ValueError>(())
/// ```
pub fn write_value_json(value: &Scalar<'_>, out: &mut String) {
    match value {
        Scalar::DateTime(dt) => push_spaced(&dt.to_string(), out),
        Scalar::Timestamp(t) => push_spaced(&t.to_string(), out),
        Scalar::TimestampPicos(t) => push_spaced(&t.to_string(), out),
        Scalar::Range(r) => write_range(r, out),
        // BOOL, INT64 (a string), FLOAT64, STRING, JSON (a string), and the
        // canonical text of every other type: the row form is the insertAll
        // form.
        other => other.write_json(out),
    }
}

/// The insertAll JSON value of a canonical scalar, as a `serde_json::Value`
/// (the same text as [`write_value_json`], parsed).
///
/// # Examples
///
/// ```
/// use bqcodec::insert_all::value_json;
/// use bqcodec::value::{Codec, Input, Policy};
///
/// let policy = Policy::new();
/// let n = Codec::Int64.parse(Input::Str("9007199254740993"), &policy)?;
/// assert_eq!(value_json(&n), serde_json::json!("9007199254740993")); // a string: no f64 loss
/// let dt = Codec::DateTime.parse(Input::Str("2024-02-29T13:14:15"), &policy)?;
/// assert_eq!(value_json(&dt), serde_json::json!("2024-02-29 13:14:15"));
/// # Ok::<(), bqcodec::ValueError>(())
/// ```
pub fn value_json(value: &Scalar<'_>) -> Value {
    // Built directly for finite floats: serde_json's own float reader is not
    // correctly rounded for every input, so parsing the text back could
    // change the last bit.
    if let Scalar::Float64(f) = value
        && let Some(n) = serde_json::Number::from_f64(*f)
    {
        return Value::Number(n);
    }
    let mut text = String::new();
    write_value_json(value, &mut text);
    // Our own output is always valid JSON; keep the text if that ever broke.
    serde_json::from_str(&text).unwrap_or(Value::String(text))
}

/// Canonical DATETIME `"YYYY-MM-DDTHH:MM:SS[.f]"` or TIMESTAMP
/// `"…Z"` (UTC) → the JSON string `"YYYY-MM-DD HH:MM:SS[.f]"`: the `T` a
/// space, no zone. Canonical text is digits and separators, so nothing needs
/// escaping.
fn push_spaced(canonical: &str, out: &mut String) {
    let c = canonical.strip_suffix('Z').unwrap_or(canonical);
    out.push('"');
    match c.split_once('T') {
        Some((date, time)) => {
            out.push_str(date);
            out.push(' ');
            out.push_str(time);
        }
        None => out.push_str(c),
    }
    out.push('"');
}

fn write_range(r: &RangeValue, out: &mut String) {
    fn ends<T: Copy>(r: &Range<T>, wrap: fn(T) -> Scalar<'static>, out: &mut String) {
        out.push_str("{\"start\":");
        match r.start {
            Some(s) => write_value_json(&wrap(s), out),
            None => out.push_str("null"),
        }
        out.push_str(",\"end\":");
        match r.end {
            Some(e) => write_value_json(&wrap(e), out),
            None => out.push_str("null"),
        }
        out.push('}');
    }
    match r {
        RangeValue::Date(x) => ends(x, Scalar::Date, out),
        RangeValue::DateTime(x) => ends(x, Scalar::DateTime, out),
        RangeValue::Timestamp(x) => ends(x, Scalar::Timestamp, out),
    }
}

/// Parses an insertAll JSON value back into a canonical scalar of `codec`.
///
/// Accepts every input the codecs accept, plus the documented insertAll
/// forms they do not: a JSON number for TIMESTAMP is **epoch seconds**
/// (`1577836800.5`; exact, whole microseconds only; for `TIMESTAMP(12)`
/// whole microseconds too), a TIMESTAMP string without seconds
/// (`"2024-01-01 10:30"`, read as `:00`), and a RANGE object whose `start`
/// or `end` key is missing (unbounded). Rejects `null` (NULL is the field
/// mode's business) and everything the codecs reject, with their messages.
///
/// # Examples
///
/// ```
/// use bqcodec::insert_all::parse_value_json;
/// use bqcodec::value::{Codec, Policy};
/// let v = serde_json::json!(1577836800.5);
/// let ts = parse_value_json(&Codec::Timestamp { picos: false }, &v, &Policy::new())?;
/// assert_eq!(ts.to_canonical(), "2020-01-01T00:00:00.500000Z");
/// # Ok::<(), bqcodec::ValueError>(())
/// ```
pub fn parse_value_json<'a>(
    codec: &Codec,
    value: &'a Value,
    policy: &Policy,
) -> Result<Scalar<'a>, ValueError> {
    match (codec, value) {
        (Codec::Timestamp { picos }, Value::Number(n)) => {
            let t = Timestamp::from_epoch_seconds_text(&n.to_string())?;
            Ok(timestamp_scalar(t, *picos))
        }
        (Codec::Timestamp { picos }, Value::String(s)) => {
            if let Some(full) = add_missing_seconds(s) {
                return codec
                    .parse(Input::Str(&full), policy)
                    .map(Scalar::into_owned);
            }
            let _ = picos;
            codec.parse(Input::Str(s), policy)
        }
        (Codec::Range(element), Value::Object(map)) => {
            if let Some(key) = map.keys().find(|k| *k != "start" && *k != "end") {
                return Err(ValueError::invalid(
                    "a RANGE object with only the keys \"start\" and \"end\"",
                    key,
                ));
            }
            let null = Value::Null;
            let start = range_end(*element, map.get("start").unwrap_or(&null), policy)?;
            let end = range_end(*element, map.get("end").unwrap_or(&null), policy)?;
            RangeValue::from_parts(*element, input_of(&start), input_of(&end)).map(Scalar::Range)
        }
        _ => codec.parse_value(value, policy),
    }
}

/// [`parse_value_json`] for a JSON number given as its text, so that no
/// digit is lost on the way (a `serde_json::Value` holds an `f64`).
pub(crate) fn parse_number_text<'a>(
    codec: &Codec,
    text: &'a str,
    policy: &Policy,
) -> Result<Scalar<'a>, ValueError> {
    match codec {
        Codec::Timestamp { picos } => Ok(timestamp_scalar(
            Timestamp::from_epoch_seconds_text(text)?,
            *picos,
        )),
        _ => codec.parse(Input::Number(text), policy),
    }
}

fn timestamp_scalar(t: Timestamp, picos: bool) -> Scalar<'static> {
    if picos {
        match TimestampPicos::from_picos(i128::from(t.micros()) * 1_000_000) {
            Ok(p) => Scalar::TimestampPicos(p),
            Err(_) => Scalar::Timestamp(t),
        }
    } else {
        Scalar::Timestamp(t)
    }
}

/// A RANGE end as canonical text (`None` for NULL/unbounded): TIMESTAMP ends
/// may be epoch seconds or seconds-less strings, like TIMESTAMP columns.
fn range_end(
    element: RangeElementType,
    value: &Value,
    policy: &Policy,
) -> Result<Option<String>, ValueError> {
    if value.is_null() {
        return Ok(None);
    }
    let codec = Codec::for_field(&crate::schema::Field::new("end", element.field_type()))
        .ok_or_else(|| ValueError::invalid("a RANGE element type", "RECORD"))?;
    Ok(Some(
        parse_value_json(&codec, value, policy)?.to_canonical(),
    ))
}

fn input_of(text: &Option<String>) -> Input<'_> {
    match text {
        Some(t) => Input::Str(t),
        None => Input::Null,
    }
}

/// "YYYY-[M]M-[D]D( |T)[H]H:[M]M" (the documented insertAll TIMESTAMP form
/// without seconds) → the same text with ":00" appended; `None` otherwise.
fn add_missing_seconds(s: &str) -> Option<String> {
    let (date, time) = s.split_once([' ', 'T', 't'])?;
    let mut parts = date.split('-');
    let ok_date = matches!(
        (parts.next(), parts.next(), parts.next(), parts.next()),
        (Some(y), Some(m), Some(d), None)
            if y.len() == 4 && (1..=2).contains(&m.len()) && (1..=2).contains(&d.len())
                && [y, m, d].iter().all(|p| p.bytes().all(|b| b.is_ascii_digit()))
    );
    let (h, m) = time.split_once(':')?;
    let ok_time = (1..=2).contains(&h.len())
        && m.len() == 2
        && h.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit());
    (ok_date && ok_time).then(|| format!("{s}:00"))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::value::civil::{Date, DateTime, Time};
    use crate::value::numeric::{BigNumeric, DecimalParams, Numeric, Rounding};
    use proptest::prelude::*;

    fn text(v: &Scalar<'_>) -> String {
        let mut s = String::new();
        write_value_json(v, &mut s);
        s
    }

    fn parse(codec: Codec, json: &str) -> Result<String, ValueError> {
        let v: Value = serde_json::from_str(json).unwrap();
        parse_value_json(&codec, &v, &Policy::new()).map(|s| text(&s))
    }

    #[test]
    fn every_type_has_its_documented_form() {
        // Forms from "Use the legacy streaming API" (see the module docs).
        let cases: Vec<(Scalar<'_>, &str)> = vec![
            (Scalar::Bool(true), "true"),
            (Scalar::Bool(false), "false"),
            (Scalar::Int64(9_007_199_254_740_993), "\"9007199254740993\""),
            (Scalar::Int64(i64::MIN), "\"-9223372036854775808\""),
            (Scalar::Float64(1.5), "1.5"),
            (Scalar::Float64(1e308), "1e+308"),
            (Scalar::Float64(-0.0), "-0"),
            (Scalar::Float64(f64::NAN), "\"NaN\""),
            (Scalar::Float64(f64::INFINITY), "\"Infinity\""),
            (Scalar::Float64(f64::NEG_INFINITY), "\"-Infinity\""),
            (
                Scalar::String("a\"\\\n\u{1}é".into()),
                r#""a\"\\\n\u0001é""#,
            ),
            (Scalar::Bytes(vec![0, 1, 2, 255].into()), "\"AAEC/w==\""),
            (
                Scalar::Numeric(
                    Numeric::parse_str(
                        "-99999999999999999999999999999.999999999",
                        DecimalParams::default(),
                        Rounding::Reject,
                    )
                    .unwrap(),
                ),
                "\"-99999999999999999999999999999.999999999\"",
            ),
            (
                Scalar::BigNumeric(
                    BigNumeric::parse_str(
                        "-1.00000000000000000000000000000000000001",
                        DecimalParams::default(),
                        Rounding::Reject,
                    )
                    .unwrap(),
                ),
                "\"-1.00000000000000000000000000000000000001\"",
            ),
            (
                Scalar::Date(Date::from_ymd(2024, 2, 29).unwrap()),
                "\"2024-02-29\"",
            ),
            (
                Scalar::Time(Time::new(23, 59, 59, 999_999).unwrap()),
                "\"23:59:59.999999\"",
            ),
            (Scalar::Time(Time::new(1, 2, 3, 0).unwrap()), "\"01:02:03\""),
            (
                Scalar::DateTime(DateTime::parse_text("2024-02-29T13:14:15.123456").unwrap()),
                "\"2024-02-29 13:14:15.123456\"",
            ),
            (
                Scalar::DateTime(DateTime::parse_text("0001-01-01").unwrap()),
                "\"0001-01-01 00:00:00\"",
            ),
            (
                Scalar::Timestamp(Timestamp::from_micros(-1).unwrap()),
                "\"1969-12-31 23:59:59.999999\"",
            ),
            (
                Scalar::Timestamp(Timestamp::from_micros(0).unwrap()),
                "\"1970-01-01 00:00:00\"",
            ),
            (
                Scalar::TimestampPicos(TimestampPicos::from_picos(1).unwrap()),
                "\"1970-01-01 00:00:00.000000000001\"",
            ),
            (Scalar::Json(r#"{"a":[1,2]}"#.into()), r#""{\"a\":[1,2]}""#),
        ];
        for (v, want) in cases {
            assert_eq!(text(&v), want, "{v:?}");
            assert_eq!(value_json(&v), serde_json::from_str::<Value>(want).unwrap());
        }
    }

    #[test]
    fn timestamps_read_epoch_seconds_and_the_documented_strings() {
        let ts = Codec::Timestamp { picos: false };
        assert_eq!(
            parse(ts, "1577836800.5").unwrap(),
            "\"2020-01-01 00:00:00.500000\""
        );
        assert_eq!(parse(ts, "-1").unwrap(), "\"1969-12-31 23:59:59\"");
        assert_eq!(
            parse(ts, "\"2024-01-01 10:30\"").unwrap(),
            "\"2024-01-01 10:30:00\""
        );
        assert_eq!(
            parse(ts, "\"2024-1-2T3:30\"").unwrap(),
            "\"2024-01-02 03:30:00\""
        );
        assert_eq!(
            parse(ts, "\"2024-02-29 13:14:15.123456 UTC\"").unwrap(),
            "\"2024-02-29 13:14:15.123456\""
        );
        // Our own output reads back.
        assert_eq!(
            parse(ts, "\"2024-02-29 13:14:15.123456\"").unwrap(),
            "\"2024-02-29 13:14:15.123456\""
        );
        // Finer than microseconds is an error, not a rounding.
        assert!(parse(ts, "0.0000001").is_err());
        assert!(parse(ts, "\"2024-01-01 10\"").is_err());
        assert!(parse(ts, "null").is_err());
        let picos = Codec::Timestamp { picos: true };
        assert_eq!(
            parse(picos, "1.25").unwrap(),
            "\"1970-01-01 00:00:01.250000000000\""
        );
    }

    #[test]
    fn add_missing_seconds_only_for_the_bare_form() {
        assert_eq!(
            add_missing_seconds("2024-01-01 10:30").as_deref(),
            Some("2024-01-01 10:30:00")
        );
        assert_eq!(add_missing_seconds("2024-01-01 10:30:00"), None);
        assert_eq!(add_missing_seconds("2024-01-01 10:30Z"), None);
        assert_eq!(add_missing_seconds("24-01-01 10:30"), None);
        assert_eq!(add_missing_seconds("2024-01-01"), None);
        assert_eq!(add_missing_seconds("ab12-01-01 10:30"), None);
    }

    #[test]
    fn other_types_read_back_through_the_codecs() {
        assert_eq!(parse(Codec::Int64, "\"-5\"").unwrap(), "\"-5\"");
        assert_eq!(parse(Codec::Int64, "7").unwrap(), "\"7\"");
        assert_eq!(parse(Codec::Bool, "true").unwrap(), "true");
        assert_eq!(parse(Codec::Float64, "\"NaN\"").unwrap(), "\"NaN\"");
        assert_eq!(
            parse(Codec::DateTime, "\"2024-01-01 01:02:03\"").unwrap(),
            "\"2024-01-01 01:02:03\""
        );
        assert!(parse(Codec::Date, "\"2024-02-30\"").is_err());
        assert!(parse(Codec::Int64, "null").is_err());
    }

    proptest! {
        #[test]
        fn timestamps_round_trip(micros in -62_135_596_800_000_000i64..=253_402_300_799_999_999) {
            let v = Scalar::Timestamp(Timestamp::from_micros(micros).unwrap());
            let json = text(&v);
            let back = parse(Codec::Timestamp { picos: false }, &json).unwrap();
            prop_assert_eq!(back, json);
        }

        #[test]
        fn floats_round_trip(bits in any::<u64>()) {
            let f = f64::from_bits(bits);
            let v = value_json(&Scalar::Float64(f));
            let back = parse_value_json(&Codec::Float64, &v, &Policy::new()).unwrap();
            match back {
                Scalar::Float64(g) if f.is_nan() => prop_assert!(g.is_nan()),
                Scalar::Float64(g) => prop_assert_eq!(g.to_bits(), f.to_bits()),
                other => prop_assert!(false, "{:?}", other),
            }
        }

        #[test]
        fn int64_round_trip(i in any::<i64>()) {
            let json = text(&Scalar::Int64(i));
            prop_assert_eq!(parse(Codec::Int64, &json).unwrap(), json);
        }
    }
}
