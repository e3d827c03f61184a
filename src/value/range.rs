//! RANGE<DATE|DATETIME|TIMESTAMP>: a half-open interval, each end possibly unbounded.
//!
//! # Inputs
//!
//! - The literal `[start, end)`, as in BigQuery's `RANGE<T> '[…]'` literal and
//!   `CAST(STRING AS RANGE<T>)`: an opening `[`, the start, a comma followed
//!   by exactly one space, the end, a closing `)`. Each end is an element
//!   literal (read by the element type's own rules: [`Date::parse`],
//!   [`DateTime::parse`], [`Timestamp::parse`]) or `UNBOUNDED` / `NULL` in any
//!   letter case for an open end. As in BigQuery, `[2020-01-01,2020-12-31)`
//!   (no space) and extra spaces around an end are errors.
//! - An object `{"start": …, "end": …}` ([`Input::Raw`]): each end a JSON
//!   value the element type accepts (a string literal, or a number where the
//!   element takes one), or JSON `null`, or absent, for an open end. Keys
//!   other than `start` and `end` are errors.
//! - [`RangeValue::from_parts`], for callers that already hold the two ends.
//!
//! # Checks
//!
//! When both ends are bounded, start must be strictly before end: BigQuery
//! rejects empty ranges (`start == end`) as well as reversed ones ("Range
//! start element must be smaller than range end element").
//!
//! # Output
//!
//! [`Display`](fmt::Display) writes `[start, end)` with each end in its
//! element's canonical text and `UNBOUNDED` for an open end.

use super::Input;
use super::civil::{Date, DateTime};
use super::json;
use super::timestamp::Timestamp;
use crate::error::ValueError;
use crate::schema::{FieldType, RangeElementType};
use std::fmt;

/// `[start, end)`; `None` is UNBOUNDED.
///
/// # Examples
///
/// ```
/// use bqcodec::value::{civil::Date, range::Range};
///
/// let r = Range::new(Some(Date::from_days(0)?), None)?;
/// assert_eq!(r.to_string(), "[1970-01-01, UNBOUNDED)");
/// assert_eq!(Range::<Date>::new(None, None)?.to_string(), "[UNBOUNDED, UNBOUNDED)");
/// # Ok::<(), bqcodec::ValueError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Range<T> {
    /// Inclusive start; `None` is unbounded.
    pub start: Option<T>,
    /// Exclusive end; `None` is unbounded.
    pub end: Option<T>,
}

impl<T: Ord + fmt::Display> Range<T> {
    /// A range from its ends; rejects a start that is not strictly before
    /// the end when both are bounded.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::value::{civil::Date, range::Range};
    ///
    /// let day = Date::from_ymd(2024, 1, 1)?;
    /// assert!(Range::new(Some(day), Some(Date::from_ymd(2024, 1, 2)?)).is_ok());
    /// // An empty range is an error, as in BigQuery.
    /// assert_eq!(Range::new(Some(day), Some(day)).unwrap_err().to_string(),
    ///     r#"expected RANGE with start before end (BigQuery rejects empty and reversed ranges), found "[2024-01-01, 2024-01-01)""#);
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn new(start: Option<T>, end: Option<T>) -> Result<Self, ValueError> {
        let range = Range { start, end };
        match (&range.start, &range.end) {
            (Some(s), Some(e)) if s >= e => Err(ValueError::invalid(
                "RANGE with start before end (BigQuery rejects empty and reversed ranges)",
                &range.to_string(),
            )),
            _ => Ok(range),
        }
    }
}

impl<T: fmt::Display> fmt::Display for Range<T> {
    /// `[start, end)` with `UNBOUNDED` for an open end.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[")?;
        match &self.start {
            Some(s) => write!(f, "{s}")?,
            None => f.write_str("UNBOUNDED")?,
        }
        f.write_str(", ")?;
        match &self.end {
            Some(e) => write!(f, "{e}")?,
            None => f.write_str("UNBOUNDED")?,
        }
        f.write_str(")")
    }
}

/// A RANGE value of one of the three element types.
///
/// # Examples
///
/// This also shows [`element`](Self::element).
///
/// ```
/// use bqcodec::value::{Input, range::RangeValue};
/// use bqcodec::schema::RangeElementType;
///
/// let r = RangeValue::parse(Input::Str("[2024-01-01 10:00:00, UNBOUNDED)"), RangeElementType::DateTime)?;
/// assert_eq!(r.element(), RangeElementType::DateTime);
/// assert_eq!(r.to_string(), "[2024-01-01T10:00:00, UNBOUNDED)");
/// # Ok::<(), bqcodec::ValueError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RangeValue {
    /// `RANGE<DATE>`
    Date(Range<Date>),
    /// `RANGE<DATETIME>`
    DateTime(Range<DateTime>),
    /// `RANGE<TIMESTAMP>`
    Timestamp(Range<Timestamp>),
}

impl RangeValue {
    /// The literal "[start, end)" (UNBOUNDED / NULL ends) or an object
    /// `{"start": …, "end": …}` given as [`Input::Raw`].
    ///
    /// Rejects other JSON kinds, a literal not shaped exactly `[start, end)`
    /// (one `", "` between the ends, no other spaces), unknown object keys,
    /// ends the element type rejects, and a start not before the end; see the
    /// [module documentation](self).
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::value::{Input, range::RangeValue};
    /// use bqcodec::schema::RangeElementType::{Date, Timestamp};
    ///
    /// let r = RangeValue::parse(Input::Raw(r#"{"start": "2024-01-01", "end": null}"#), Date)?;
    /// assert_eq!(r.to_string(), "[2024-01-01, UNBOUNDED)");
    /// let r = RangeValue::parse(Input::Str("[2024-01-01 00:00:00+01:00, NULL)"), Timestamp)?;
    /// assert_eq!(r.to_string(), "[2023-12-31T23:00:00Z, UNBOUNDED)");
    /// assert!(RangeValue::parse(Input::Str("[2024-01-01,UNBOUNDED)"), Date).is_err()); // exactly ", "
    /// assert!(RangeValue::parse(Input::Str("[2024-01-02, 2024-01-01)"), Date).is_err()); // reversed
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn parse(input: Input<'_>, element: RangeElementType) -> Result<Self, ValueError> {
        match element {
            RangeElementType::Date => parse_input(input, element).map(RangeValue::Date),
            RangeElementType::DateTime => parse_input(input, element).map(RangeValue::DateTime),
            RangeElementType::Timestamp => parse_input(input, element).map(RangeValue::Timestamp),
        }
    }

    /// From the two ends given separately (JSON null = unbounded); checks start < end.
    ///
    /// Each non-null end is parsed by the element type's rules (so a string
    /// `"UNBOUNDED"` here is an error, not an open end).
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::value::{Input, range::RangeValue};
    /// use bqcodec::schema::RangeElementType::Date;
    ///
    /// let r = RangeValue::from_parts(Date, Input::Null, Input::Str("2024-01-01"))?;
    /// assert_eq!(r.to_string(), "[UNBOUNDED, 2024-01-01)");
    /// // Here only null is unbounded; the word is not a DATE.
    /// assert!(RangeValue::from_parts(Date, Input::Str("UNBOUNDED"), Input::Null).is_err());
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn from_parts(
        element: RangeElementType,
        start: Input<'_>,
        end: Input<'_>,
    ) -> Result<Self, ValueError> {
        match element {
            RangeElementType::Date => from_inputs(start, end).map(RangeValue::Date),
            RangeElementType::DateTime => from_inputs(start, end).map(RangeValue::DateTime),
            RangeElementType::Timestamp => from_inputs(start, end).map(RangeValue::Timestamp),
        }
    }

    /// The element type.
    pub fn element(&self) -> RangeElementType {
        match self {
            RangeValue::Date(_) => RangeElementType::Date,
            RangeValue::DateTime(_) => RangeElementType::DateTime,
            RangeValue::Timestamp(_) => RangeElementType::Timestamp,
        }
    }
}

impl fmt::Display for RangeValue {
    /// "[start, end)" with "UNBOUNDED" for an open end.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RangeValue::Date(r) => r.fmt(f),
            RangeValue::DateTime(r) => r.fmt(f),
            RangeValue::Timestamp(r) => r.fmt(f),
        }
    }
}

/// A RANGE element type: DATE, DATETIME or TIMESTAMP.
trait Element: Sized + Ord + fmt::Display {
    fn parse_element(input: Input<'_>) -> Result<Self, ValueError>;
}

impl Element for Date {
    fn parse_element(input: Input<'_>) -> Result<Self, ValueError> {
        Date::parse(input)
    }
}

impl Element for DateTime {
    fn parse_element(input: Input<'_>) -> Result<Self, ValueError> {
        DateTime::parse(input)
    }
}

impl Element for Timestamp {
    fn parse_element(input: Input<'_>) -> Result<Self, ValueError> {
        Timestamp::parse(input)
    }
}

/// What a RANGE of `element` accepts, for error messages.
fn expected(element: RangeElementType) -> String {
    format!(
        "{} (\"[start, end)\" with \", \" between the ends and UNBOUNDED or NULL for an open \
         end, or an object {{\"start\": …, \"end\": …}})",
        FieldType::Range(element).sql_name()
    )
}

fn parse_input<T: Element>(
    input: Input<'_>,
    element: RangeElementType,
) -> Result<Range<T>, ValueError> {
    match input {
        Input::Str(text) => parse_literal(text, element),
        Input::Raw(text) => parse_object(text, element),
        other => Err(ValueError::wrong_kind(expected(element), other.kind())),
    }
}

/// `[start, end)`, with BigQuery's strict formatting.
fn parse_literal<T: Element>(
    text: &str,
    element: RangeElementType,
) -> Result<Range<T>, ValueError> {
    let bad = || ValueError::invalid(expected(element), text);
    let inner = text
        .strip_prefix('[')
        .and_then(|t| t.strip_suffix(')'))
        .ok_or_else(bad)?;
    let (start, end) = inner.split_once(',').ok_or_else(bad)?;
    let end = end.strip_prefix(' ').ok_or_else(bad)?;
    let tidy = |part: &str| {
        !part.is_empty()
            && !part.contains(',')
            && part.trim_matches(|c: char| c.is_ascii_whitespace() || c == '\u{b}') == part
    };
    if !tidy(start) || !tidy(end) {
        return Err(bad());
    }
    let bound = |part: &str| -> Result<Option<T>, ValueError> {
        if part.eq_ignore_ascii_case("UNBOUNDED") || part.eq_ignore_ascii_case("NULL") {
            Ok(None)
        } else {
            T::parse_element(Input::Str(part)).map(Some)
        }
    };
    Range::new(bound(start)?, bound(end)?)
}

/// `{"start": …, "end": …}`.
fn parse_object<T: Element>(text: &str, element: RangeElementType) -> Result<Range<T>, ValueError> {
    const OBJECT_DEPTH: usize = 8;
    let tree = json::parse_tree(
        text,
        OBJECT_DEPTH,
        "a RANGE object {\"start\": …, \"end\": …}",
    )?;
    let json::Node::Object(members) = tree else {
        return Err(ValueError::invalid(expected(element), text));
    };
    let (mut start, mut end) = (Input::Null, Input::Null);
    for (key, value) in &members {
        let slot = match key.as_ref() {
            "start" => &mut start,
            "end" => &mut end,
            _ => {
                return Err(ValueError::invalid(
                    format!(
                        "{} object keys \"start\" and \"end\"",
                        FieldType::Range(element).sql_name()
                    ),
                    key,
                ));
            }
        };
        *slot = match value {
            json::Node::Null => Input::Null,
            json::Node::Bool(b) => Input::Bool(*b),
            json::Node::Number(n) => Input::Number(n),
            json::Node::String(s) => Input::Str(s),
            json::Node::Array(_) => {
                return Err(ValueError::wrong_kind(expected(element), "an array"));
            }
            json::Node::Object(_) => {
                return Err(ValueError::wrong_kind(expected(element), "an object"));
            }
        };
    }
    from_inputs(start, end)
}

/// Two ends, JSON null for an open end.
fn from_inputs<T: Element>(start: Input<'_>, end: Input<'_>) -> Result<Range<T>, ValueError> {
    let bound = |input: Input<'_>| match input {
        Input::Null => Ok(None),
        other => T::parse_element(other).map(Some),
    };
    Range::new(bound(start)?, bound(end)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const D: RangeElementType = RangeElementType::Date;
    const DT: RangeElementType = RangeElementType::DateTime;
    const TS: RangeElementType = RangeElementType::Timestamp;

    fn text(input: Input<'_>, element: RangeElementType) -> String {
        RangeValue::parse(input, element).map_or_else(|e| format!("error: {e}"), |v| v.to_string())
    }

    fn date(y: i32, m: u32, d: u32) -> Option<Date> {
        Date::from_ymd(y, m, d).ok()
    }

    #[test]
    fn literals_from_bigquery_docs() {
        // BigQuery lexical structure reference, "Range literals".
        let cases = [
            ("[2020-01-01, 2020-12-31)", D, "[2020-01-01, 2020-12-31)"),
            (
                "[2020-01-01 12:00:00, 2020-12-31 12:00:00)",
                DT,
                "[2020-01-01T12:00:00, 2020-12-31T12:00:00)",
            ),
            (
                "[2020-10-01 12:00:00+08, 2020-12-31 12:00:00+08)",
                TS,
                "[2020-10-01T04:00:00Z, 2020-12-31T04:00:00Z)",
            ),
            ("[UNBOUNDED, 2020-12-31)", D, "[UNBOUNDED, 2020-12-31)"),
            ("[NULL, 2020-12-31)", D, "[UNBOUNDED, 2020-12-31)"),
            ("[2020-01-01, UNBOUNDED)", D, "[2020-01-01, UNBOUNDED)"),
            ("[2020-01-01, NULL)", D, "[2020-01-01, UNBOUNDED)"),
            ("[UNBOUNDED, UNBOUNDED)", D, "[UNBOUNDED, UNBOUNDED)"),
            ("[NULL, NULL)", D, "[UNBOUNDED, UNBOUNDED)"),
            ("[unbounded, Null)", TS, "[UNBOUNDED, UNBOUNDED)"),
        ];
        for (input, element, want) in cases {
            assert_eq!(text(Input::Str(input), element), want, "{input}");
        }
        let (start, end) = (date(2020, 1, 1), date(2020, 12, 31));
        assert!(start.is_some() && end.is_some());
        assert_eq!(
            RangeValue::parse(Input::Str("[2020-01-01, 2020-12-31)"), D).ok(),
            Some(RangeValue::Date(Range { start, end }))
        );
    }

    #[test]
    fn malformed_literals() {
        // BigQuery lexical structure reference: "[2020-01-01,2020-12-31)"
        // (no space after the comma) is an error.
        let bad = [
            "[2020-01-01,2020-12-31)",
            "[2020-01-01,  2020-12-31)",
            "[ 2020-01-01, 2020-12-31)",
            "[2020-01-01 , 2020-12-31)",
            "[2020-01-01, 2020-12-31 )",
            "(2020-01-01, 2020-12-31)",
            "[2020-01-01, 2020-12-31]",
            " [2020-01-01, 2020-12-31)",
            "[2020-01-01, 2020-12-31) ",
            "[2020-01-01)",
            "[2020-01-01, 2020-06-01, 2020-12-31)",
            "[, 2020-12-31)",
            "[2020-01-01, )",
            "[)",
            "",
            "[",
            "UNBOUNDED",
            "[UNBOUNDEDX, NULL)",
        ];
        for input in bad {
            assert!(
                RangeValue::parse(Input::Str(input), D).is_err(),
                "{input:?}"
            );
        }
        assert_eq!(
            RangeValue::parse(Input::Str("[2020-01-01,2020-12-31)"), D),
            Err(ValueError::invalid(expected(D), "[2020-01-01,2020-12-31)"))
        );
        for input in [Input::Null, Input::Bool(true), Input::Number("1")] {
            assert_eq!(
                RangeValue::parse(input, TS),
                Err(ValueError::wrong_kind(expected(TS), input.kind()))
            );
        }
    }

    #[test]
    fn order_is_checked() {
        // ZetaSQL range_constructors.test: RANGE(DATE '2014-01-01', DATE
        // '2014-01-01') fails with "Range start element must be smaller than
        // range end element".
        let empty = RangeValue::parse(Input::Str("[2014-01-01, 2014-01-01)"), D);
        assert_eq!(
            empty,
            Err(ValueError::invalid(
                "RANGE with start before end (BigQuery rejects empty and reversed ranges)",
                "[2014-01-01, 2014-01-01)"
            ))
        );
        assert!(RangeValue::parse(Input::Str("[2014-01-02, 2014-01-01)"), D).is_err());
        assert!(RangeValue::parse(Input::Str("[2014-01-01, 2014-01-02)"), D).is_ok());
        assert!(
            RangeValue::parse(
                Input::Str("[2020-01-01 00:00:00.000002, 2020-01-01 00:00:00.000001)"),
                DT
            )
            .is_err()
        );
        assert!(
            RangeValue::parse(
                Input::Str("[2020-01-01 00:00:00.000001, 2020-01-01 00:00:00.000002)"),
                DT
            )
            .is_ok()
        );
    }

    #[test]
    fn element_errors_pass_through() {
        for (input, element) in [
            ("[2020-13-01, UNBOUNDED)", D),
            ("[2020-01-01 25:00:00, UNBOUNDED)", DT),
            ("[UNBOUNDED, not a time)", TS),
            ("[0000-12-31, UNBOUNDED)", D),
        ] {
            let r = RangeValue::parse(Input::Str(input), element);
            assert!(r.is_err(), "{input}");
            assert_ne!(
                r,
                Err(ValueError::invalid(expected(element), input)),
                "{input}"
            );
        }
    }

    #[test]
    fn object_form() {
        let cases = [
            (
                r#"{"start": "2020-01-01", "end": "2020-12-31"}"#,
                D,
                "[2020-01-01, 2020-12-31)",
            ),
            (
                r#"{"start": null, "end": "2020-12-31"}"#,
                D,
                "[UNBOUNDED, 2020-12-31)",
            ),
            (r#"{"start": "2020-01-01"}"#, D, "[2020-01-01, UNBOUNDED)"),
            (r#"{}"#, TS, "[UNBOUNDED, UNBOUNDED)"),
            (
                r#"{"end":"2020-01-01T00:00:01Z","start":"2019-12-31 23:00:00-01:00"}"#,
                TS,
                "[2020-01-01T00:00:00Z, 2020-01-01T00:00:01Z)",
            ),
        ];
        for (input, element, want) in cases {
            assert_eq!(text(Input::Raw(input), element), want, "{input}");
        }
        // The same instant written in two zones is an empty range.
        let same = r#"{"end":"2020-01-01T00:00:00Z","start":"2019-12-31 23:00:00-01:00"}"#;
        assert!(RangeValue::parse(Input::Raw(same), TS).is_err());
        let bad = [
            r#"{"start": "2020-01-01", "end": "2020-12-31", "x": 1}"#,
            r#"{"start": "2020-01-01", "start": "2020-01-02"}"#,
            r#"{"start": [], "end": null}"#,
            r#"{"start": {}, "end": null}"#,
            r#"{"start": true}"#,
            r#"{"start": "UNBOUNDED"}"#,
            r#"["2020-01-01", "2020-12-31"]"#,
            r#"{"start": "2020-12-31", "end": "2020-01-01"}"#,
            r#"{"start": "#,
        ];
        for input in bad {
            assert!(RangeValue::parse(Input::Raw(input), D).is_err(), "{input}");
        }
    }

    #[test]
    fn from_parts() {
        let r = RangeValue::from_parts(D, Input::Str("2020-01-01"), Input::Null);
        assert_eq!(
            r.map(|v| v.to_string()).ok().as_deref(),
            Some("[2020-01-01, UNBOUNDED)")
        );
        let r = RangeValue::from_parts(D, Input::Null, Input::Null);
        assert_eq!(
            r.map(|v| v.to_string()).ok().as_deref(),
            Some("[UNBOUNDED, UNBOUNDED)")
        );
        assert!(RangeValue::from_parts(D, Input::Str("UNBOUNDED"), Input::Null).is_err());
        assert!(
            RangeValue::from_parts(D, Input::Str("2020-01-02"), Input::Str("2020-01-01")).is_err()
        );
        let r = RangeValue::from_parts(TS, Input::Null, Input::Str("2020-01-01T00:00:00Z"));
        assert_eq!(r.map(|v| v.element()).ok(), Some(TS));
    }

    #[test]
    fn range_new_and_display() {
        let (a, b) = (date(2020, 1, 1), date(2020, 1, 2));
        assert!(a.is_some() && b.is_some());
        assert_eq!(
            Range::new(a, b).map(|r| r.to_string()).ok().as_deref(),
            Some("[2020-01-01, 2020-01-02)")
        );
        assert!(Range::new(b, a).is_err());
        assert!(Range::new(a, a).is_err());
        assert_eq!(
            Range::<Date>::new(None, None)
                .map(|r| r.to_string())
                .ok()
                .as_deref(),
            Some("[UNBOUNDED, UNBOUNDED)")
        );
    }

    proptest! {
        #[test]
        fn date_text_round_trip(
            a in -719_162i32..=2_932_896,
            b in -719_162i32..=2_932_896,
            open_start: bool,
            open_end: bool,
        ) {
            let start = Date::from_days(a.min(b)).ok().filter(|_| !open_start);
            let end = Date::from_days(a.max(b)).ok().filter(|_| !open_end);
            let made = Range::new(start, end);
            prop_assert_eq!(made.is_ok(), open_start || open_end || a != b);
            if let Ok(range) = made {
                let text = range.to_string();
                let back = RangeValue::parse(Input::Str(&text), D);
                prop_assert_eq!(back.ok(), Some(RangeValue::Date(range)));
            }
        }

        #[test]
        fn timestamp_text_round_trip(
            a in -62_135_596_800_000_000i64..=253_402_300_799_999_999,
            b in -62_135_596_800_000_000i64..=253_402_300_799_999_999,
        ) {
            let (lo, hi) = (a.min(b), a.max(b));
            let range = Range::new(Timestamp::from_micros(lo).ok(), Timestamp::from_micros(hi).ok());
            if let Ok(range) = range {
                let text = range.to_string();
                prop_assert_eq!(RangeValue::parse(Input::Str(&text), TS).ok(), Some(RangeValue::Timestamp(range)));
            }
        }

        #[test]
        fn datetime_text_round_trip(
            a in -62_135_596_800_000_000i64..=253_402_300_799_999_999,
            b in -62_135_596_800_000_000i64..=253_402_300_799_999_999,
        ) {
            let (lo, hi) = (a.min(b), a.max(b));
            let start = DateTime::from_micros_since_epoch(lo).ok();
            let end = DateTime::from_micros_since_epoch(hi).ok();
            prop_assert!(start.is_some() && end.is_some());
            if let Ok(range) = Range::new(start, end) {
                let text = range.to_string();
                prop_assert_eq!(RangeValue::parse(Input::Str(&text), DT).ok(), Some(RangeValue::DateTime(range)));
            }
        }

        #[test]
        fn no_panic_on_arbitrary_text(text in ".{0,48}", raw in "\\{.{0,40}\\}") {
            for element in [D, DT, TS] {
                let _ = RangeValue::parse(Input::Str(&text), element);
                let _ = RangeValue::parse(Input::Raw(&raw), element);
            }
        }
    }
}
