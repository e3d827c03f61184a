//! The JSON form insertAll takes for each BigQuery type.
//!
//! | type | insertAll JSON |
//! | --- | --- |
//! | BOOL | `true` / `false` |
//! | INT64 | a decimal string (`"9007199254740993"`): exact past 2^53 |
//! | FLOAT64 | a number; `"NaN"`, `"Infinity"`, `"-Infinity"` as strings |
//! | NUMERIC, BIGNUMERIC | an exact decimal string |
//! | STRING | a string |
//! | BYTES | standard base64 |
//! | DATE | `"YYYY-MM-DD"` |
//! | DATETIME | `"YYYY-MM-DD HH:MM:SS[.ffffff]"` |
//! | TIME | `"HH:MM:SS[.ffffff]"` |
//! | TIMESTAMP | `"YYYY-MM-DD HH:MM:SS[.ffffff] UTC"` |
//! | GEOGRAPHY | WKT text |
//! | JSON | the JSON text as a string (never double-encoded) |
//! | INTERVAL | canonical text |
//! | RANGE | `{"start": …, "end": …}`, `null` for an unbounded end |

use serde_json::Value;

use crate::error::ValueError;
use crate::value::range::{Range, RangeValue};
use crate::value::timestamp::Timestamp;
use crate::value::{Codec, Policy, Scalar};

fn timestamp_text(t: Timestamp) -> String {
    // Canonical "YYYY-MM-DDTHH:MM:SS[.ffffff]Z" → "YYYY-MM-DD HH:MM:SS[.ffffff] UTC".
    let c = t.to_string();
    let c = c.strip_suffix('Z').unwrap_or(&c);
    format!("{} UTC", c.replacen('T', " ", 1))
}

fn range_json<T>(r: &Range<T>, text: impl Fn(&T) -> String) -> Value {
    let end = |v: &Option<T>| v.as_ref().map_or(Value::Null, |x| Value::String(text(x)));
    serde_json::json!({ "start": end(&r.start), "end": end(&r.end) })
}

/// The insertAll JSON value of a canonical scalar.
pub fn value_json(value: &Scalar<'_>) -> Value {
    match value {
        Scalar::Bool(b) => Value::Bool(*b),
        Scalar::Float64(f) if f.is_finite() => serde_json::Number::from_f64(*f)
            .map_or_else(|| Value::String(value.to_canonical()), Value::Number),
        Scalar::DateTime(dt) => Value::String(dt.to_string().replacen('T', " ", 1)),
        Scalar::Timestamp(t) => Value::String(timestamp_text(*t)),
        Scalar::Range(RangeValue::Date(r)) => range_json(r, |d| d.to_string()),
        Scalar::Range(RangeValue::DateTime(r)) => {
            range_json(r, |d| d.to_string().replacen('T', " ", 1))
        }
        Scalar::Range(RangeValue::Timestamp(r)) => range_json(r, |t| timestamp_text(*t)),
        other => Value::String(other.to_canonical()),
    }
}

/// Parses an insertAll JSON value back into a canonical scalar of `codec`.
///
/// Accepts every input the codecs accept; a JSON number for TIMESTAMP is
/// epoch seconds here (the insertAll convention), not microseconds.
pub fn parse_value_json<'a>(
    codec: &Codec,
    value: &'a Value,
    policy: &Policy,
) -> Result<Scalar<'a>, ValueError> {
    if let (Codec::Timestamp { picos: false }, Value::Number(n)) = (codec, value) {
        return Timestamp::from_epoch_seconds_text(&n.to_string()).map(Scalar::Timestamp);
    }
    codec.parse_value(value, policy)
}
