//! [`Form`]: the named encodings of one value that the CLI's `value` command
//! converts between (`bqcodec value TYPE LITERAL --as FORM` and
//! `bqcodec value TYPE --from FORM ENCODED`).

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use super::civil::{Date, DateTime, Time};
use super::numeric::{BigNumeric, Numeric};
use super::timestamp::Timestamp;
use super::{Codec, Input, Policy, Scalar};
use crate::error::ValueError;

/// A named encoding of one value.
///
/// # Examples
///
/// This also shows [`ALL`](Self::ALL), [`name`](Self::name), `Display` and
/// `FromStr`.
///
/// ```
/// use bqcodec::value::Form;
///
/// assert_eq!(Form::PackedMicros.name(), "packed-micros");
/// assert_eq!("days".parse::<Form>()?, Form::Days);
/// assert_eq!(Form::ALL.map(|f| f.to_string()).join(" "),
///     "canonical bytes packed-micros packed-seconds days micros insert-all");
/// assert_eq!("hex".parse::<Form>().unwrap_err().to_string(),
///     r#"expected one of canonical, bytes, packed-micros, packed-seconds, days, micros, insert-all, found "hex""#);
/// # Ok::<(), bqcodec::ValueError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Form {
    /// BigQuery's canonical literal (every type).
    Canonical,
    /// Lower-case hex: the BigDecimal encoding for NUMERIC/BIGNUMERIC, the raw
    /// bytes for BYTES.
    Bytes,
    /// CivilTime packed int64 with microseconds (DATETIME, TIME), in decimal.
    PackedMicros,
    /// CivilTime packed int64 to the second (DATETIME, TIME), in decimal.
    PackedSeconds,
    /// Days since 1970-01-01 (DATE).
    Days,
    /// Microseconds since the Unix epoch (TIMESTAMP).
    Micros,
    /// The JSON value the legacy insertAll API takes, as JSON text.
    InsertAll,
}

impl Form {
    /// Every form, in the order the CLI lists them.
    pub const ALL: [Form; 7] = [
        Form::Canonical,
        Form::Bytes,
        Form::PackedMicros,
        Form::PackedSeconds,
        Form::Days,
        Form::Micros,
        Form::InsertAll,
    ];

    /// The form's CLI name.
    pub fn name(self) -> &'static str {
        match self {
            Form::Canonical => "canonical",
            Form::Bytes => "bytes",
            Form::PackedMicros => "packed-micros",
            Form::PackedSeconds => "packed-seconds",
            Form::Days => "days",
            Form::Micros => "micros",
            Form::InsertAll => "insert-all",
        }
    }

    /// Whether values of `codec` have this form.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::value::{Codec, Form};
    ///
    /// assert!(Form::PackedSeconds.applies_to(&Codec::Time));
    /// assert!(Form::Bytes.applies_to(&Codec::parse_type("NUMERIC")?));
    /// assert!(!Form::Micros.applies_to(&Codec::parse_type("TIMESTAMP(12)")?));
    /// assert!(!Form::Days.applies_to(&Codec::DateTime));
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn applies_to(self, codec: &Codec) -> bool {
        match self {
            Form::Canonical | Form::InsertAll => true,
            Form::Bytes => matches!(
                codec,
                Codec::Numeric(_) | Codec::BigNumeric(_) | Codec::Bytes { .. }
            ),
            Form::PackedMicros | Form::PackedSeconds => {
                matches!(codec, Codec::DateTime | Codec::Time)
            }
            Form::Days => matches!(codec, Codec::Date),
            Form::Micros => matches!(codec, Codec::Timestamp { picos: false }),
        }
    }

    fn not_applicable(self, codec: &Codec) -> ValueError {
        let forms: Vec<&str> = Form::ALL
            .iter()
            .filter(|f| f.applies_to(codec))
            .map(|f| f.name())
            .collect();
        ValueError::invalid(
            format!("a form of {} ({})", codec.type_name(), forms.join(", ")),
            self.name(),
        )
    }

    /// Encodes a canonical scalar of `codec` in this form.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::value::{Codec, Form, Input, Policy};
    ///
    /// let numeric = Codec::parse_type("NUMERIC")?;
    /// let one = numeric.parse(Input::Str("1"), &Policy::new())?;
    /// assert_eq!(Form::Bytes.encode(&numeric, &one)?, "00ca9a3b"); // BigDecimal bytes, hex
    /// let dt = Codec::DateTime.parse(Input::Str("2024-02-29 13:14:15"), &Policy::new())?;
    /// assert_eq!(Form::PackedSeconds.encode(&Codec::DateTime, &dt)?, (2024i64 << 26 | 2 << 22 | 29 << 17 | 13 << 12 | 14 << 6 | 15).to_string());
    /// assert_eq!(Form::Days.encode(&Codec::DateTime, &dt).unwrap_err().to_string(),
    ///     r#"expected a form of DATETIME (canonical, packed-micros, packed-seconds, insert-all), found "days""#);
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn encode(self, codec: &Codec, value: &Scalar<'_>) -> Result<String, ValueError> {
        if !self.applies_to(codec) {
            return Err(self.not_applicable(codec));
        }
        Ok(match (self, value) {
            (Form::Canonical, v) => v.to_canonical(),
            (Form::InsertAll, v) => crate::insert_all::value_json(v).to_string(),
            (Form::Bytes, Scalar::Numeric(n)) => {
                let mut b = Vec::new();
                n.write_bigdecimal_bytes(&mut b);
                hex(&b)
            }
            (Form::Bytes, Scalar::BigNumeric(n)) => {
                let mut b = Vec::new();
                n.write_bigdecimal_bytes(&mut b);
                hex(&b)
            }
            (Form::Bytes, Scalar::Bytes(b)) => hex(b),
            (Form::PackedMicros, Scalar::Time(t)) => t.to_packed_micros().to_string(),
            (Form::PackedMicros, Scalar::DateTime(t)) => t.to_packed_micros().to_string(),
            (Form::PackedSeconds, Scalar::Time(t)) => t.to_packed_seconds()?.to_string(),
            (Form::PackedSeconds, Scalar::DateTime(t)) => t.to_packed_seconds()?.to_string(),
            (Form::Days, Scalar::Date(d)) => d.days().to_string(),
            (Form::Micros, Scalar::Timestamp(t)) => t.micros().to_string(),
            _ => return Err(self.not_applicable(codec)),
        })
    }

    /// Decodes `encoded` (text in this form) into a canonical scalar of `codec`.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::value::{Codec, Form, Policy};
    ///
    /// let policy = Policy::new();
    /// assert_eq!(Form::Bytes.decode(&Codec::parse_type("NUMERIC")?, "0x00ca9a3b", &policy)?.to_string(), "1");
    /// assert_eq!(Form::Days.decode(&Codec::Date, "-1", &policy)?.to_string(), "1969-12-31");
    /// assert_eq!(Form::Micros.decode(&Codec::parse_type("TIMESTAMP")?, "1500000", &policy)?.to_string(), "1970-01-01T00:00:01.500000Z");
    /// // Decoded bytes are checked against the declared scale too.
    /// assert!(Form::Bytes.decode(&Codec::parse_type("NUMERIC(5, 2)")?, "01", &policy).unwrap_err().is_excess_scale());
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn decode<'a>(
        self,
        codec: &Codec,
        encoded: &'a str,
        policy: &Policy,
    ) -> Result<Scalar<'a>, ValueError> {
        if !self.applies_to(codec) {
            return Err(self.not_applicable(codec));
        }
        let int = |what: &'static str| {
            encoded
                .trim()
                .parse::<i64>()
                .map_err(|_| ValueError::invalid(what, encoded))
        };
        Ok(match (self, codec) {
            (Form::Canonical, c) => c.parse(Input::Str(encoded), policy)?,
            (Form::InsertAll, c) => {
                // A number is read from its text: a `serde_json::Value` would
                // hold it as an f64 and lose digits.
                let trimmed = encoded.trim_matches([' ', '\t', '\n', '\r']);
                let mut sc = crate::plan::json::Scanner::new(trimmed.as_bytes());
                if trimmed.starts_with(['-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9'])
                    && let Ok(number) = sc.number()
                    && sc.at_end()
                {
                    return crate::insert_all::value::parse_number_text(c, number, policy)
                        .map(Scalar::into_owned);
                }
                let v: serde_json::Value = serde_json::from_str(encoded)
                    .map_err(|_| ValueError::invalid("JSON text", encoded))?;
                return crate::insert_all::parse_value_json(c, &v, policy).map(Scalar::into_owned);
            }
            (Form::Bytes, Codec::Numeric(p)) => {
                Scalar::Numeric(Numeric::from_bigdecimal_bytes(&unhex(encoded)?)?.within(*p)?)
            }
            (Form::Bytes, Codec::BigNumeric(p)) => {
                Scalar::BigNumeric(BigNumeric::from_bigdecimal_bytes(&unhex(encoded)?)?.within(*p)?)
            }
            (Form::Bytes, Codec::Bytes { max_length }) => {
                let bytes = unhex(encoded)?;
                if let Some(max) = *max_length
                    && bytes.len() as u64 > max
                {
                    return Err(ValueError::TooLong {
                        max,
                        length: bytes.len() as u64,
                        unit: "bytes",
                    });
                }
                Scalar::Bytes(Cow::Owned(bytes))
            }
            (Form::PackedMicros, Codec::Time) => {
                Scalar::Time(Time::from_packed_micros(int("a packed TIME integer")?)?)
            }
            (Form::PackedMicros, Codec::DateTime) => Scalar::DateTime(
                DateTime::from_packed_micros(int("a packed DATETIME integer")?)?,
            ),
            (Form::PackedSeconds, Codec::Time) => {
                Scalar::Time(Time::from_packed_seconds(int("a packed TIME integer")?)?)
            }
            (Form::PackedSeconds, Codec::DateTime) => Scalar::DateTime(
                DateTime::from_packed_seconds(int("a packed DATETIME integer")?)?,
            ),
            (Form::Days, Codec::Date) => {
                let days = int("an integer of days")?;
                let days = i32::try_from(days).map_err(|_| {
                    ValueError::out_of_range("DATE days -719162 … 2932896", encoded)
                })?;
                Scalar::Date(Date::from_days(days)?)
            }
            (Form::Micros, Codec::Timestamp { .. }) => {
                Scalar::Timestamp(Timestamp::from_micros(int("an integer of microseconds")?)?)
            }
            _ => return Err(self.not_applicable(codec)),
        })
    }
}

impl fmt::Display for Form {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Form {
    type Err = ValueError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Form::ALL
            .into_iter()
            .find(|f| f.name() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = Form::ALL.iter().map(|f| f.name()).collect();
                ValueError::invalid(format!("one of {}", names.join(", ")), s)
            })
    }
}

/// Lower-case hex.
///
/// # Examples
///
/// ```
/// use bqcodec::value::form::hex;
///
/// assert_eq!(hex(&[0x00, 0xca, 0x9a, 0x3b]), "00ca9a3b");
/// assert_eq!(hex(&[]), "");
/// ```
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 0xf)]));
    }
    s
}

/// Parses hex (either case, an optional `0x` prefix).
///
/// # Examples
///
/// ```
/// use bqcodec::value::form::unhex;
///
/// assert_eq!(unhex("0x00CA9a3b")?, [0x00, 0xca, 0x9a, 0x3b]);
/// assert_eq!(unhex("abc").unwrap_err().to_string(),
///     r#"expected hex digits (an even number of 0-9, a-f), found "abc""#);
/// # Ok::<(), bqcodec::ValueError>(())
/// ```
pub fn unhex(text: &str) -> Result<Vec<u8>, ValueError> {
    let t = text.trim();
    let t = t
        .strip_prefix("0x")
        .or_else(|| t.strip_prefix("0X"))
        .unwrap_or(t);
    let bad = || ValueError::invalid("hex digits (an even number of 0-9, a-f)", text);
    if !t.len().is_multiple_of(2) {
        return Err(bad());
    }
    let digit = |c: u8| char::from(c).to_digit(16).ok_or_else(bad);
    t.as_bytes()
        .chunks_exact(2)
        .map(|p| u8::try_from(digit(p[0])? * 16 + digit(p[1])?).map_err(|_| bad()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trip() {
        assert_eq!(hex(&[0, 1, 0xab, 0xff]), "0001abff");
        assert_eq!(unhex("0x0001ABff").ok(), Some(vec![0, 1, 0xab, 0xff]));
        assert!(unhex("abc").is_err());
        assert!(unhex("zz").is_err());
        assert!(unhex("é1").is_err());
    }

    #[test]
    fn form_names_parse() {
        for f in Form::ALL {
            assert_eq!(f.name().parse::<Form>().ok(), Some(f));
        }
        assert!("arrowz".parse::<Form>().is_err());
    }

    #[test]
    fn forms_apply_only_where_they_mean_something() {
        assert!(Form::Days.applies_to(&Codec::Date));
        assert!(!Form::Days.applies_to(&Codec::Int64));
        let e = Form::Days.encode(&Codec::Int64, &Scalar::Int64(1));
        assert!(e.is_err());
    }
}
