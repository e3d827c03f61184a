//! Where rows go: the table, a partition decorator, a template suffix.
//!
//! Rules, from "Use the legacy streaming API"
//! (<https://cloud.google.com/bigquery/docs/streaming-data-into-bigquery>):
//! - **Partition decorators**: `table$YYYYMMDD` in the `tableId`. "When
//!   streaming using a partition decorator, you can stream to partitions
//!   within the last 31 days in the past and 16 days in the future relative
//!   to the current date, based on current UTC time", and "streaming using a
//!   partition decorator is only supported for daily partitioned tables. It
//!   is not supported for hourly, monthly, or yearly partitioned tables." So
//!   `$YYYYMMDDHH`, `$YYYYMM` and `$YYYY` are rejected with that reason. The
//!   window is read as inclusive at both ends (today − 31 … today + 16);
//!   today's UTC date comes from the caller — the core has no clock.
//! - **Template suffixes**: "must contain only letters (a-z, A-Z), numbers
//!   (0-9), or underscores (_). The maximum combined length of the table name
//!   and the table suffix is 1024 characters."
//! - **Table IDs** (REST `TableReference`): Unicode letters, marks, numbers,
//!   connector and dash punctuation, and spaces, at most 1,024 characters.
//!   Checked here only for what would break the request path: empty, too
//!   long, control characters, `$` outside a decorator, `/`.
//!
//! A template suffix together with a partition decorator is rejected: the
//! docs describe neither the combination nor which table the decorator would
//! apply to.

use std::fmt;

use crate::error::ValueError;
use crate::value::civil::Date;

/// The most days in the past a decorator may name.
///
/// # Examples
///
/// ```
/// use bqcodec::insert_all::{PartitionDecorator, PARTITION_DAYS_FUTURE, PARTITION_DAYS_PAST};
/// use bqcodec::value::civil::Date;
///
/// let today = Date::from_days(19_783)?; // 2024-03-01
/// assert!(PartitionDecorator::new(Date::from_days(19_783 - PARTITION_DAYS_PAST)?, today).is_ok());
/// assert!(PartitionDecorator::new(Date::from_days(19_783 - PARTITION_DAYS_PAST - 1)?, today).is_err());
/// assert!(PartitionDecorator::new(Date::from_days(19_783 + PARTITION_DAYS_FUTURE)?, today).is_ok());
/// assert!(PartitionDecorator::new(Date::from_days(19_783 + PARTITION_DAYS_FUTURE + 1)?, today).is_err());
/// # Ok::<(), bqcodec::ValueError>(())
/// ```
pub const PARTITION_DAYS_PAST: i32 = 31;
/// The most days in the future a decorator may name.
///
/// # Examples
///
/// ```
/// use bqcodec::insert_all::{PartitionDecorator, PARTITION_DAYS_FUTURE};
/// use bqcodec::value::civil::Date;
///
/// let today = Date::from_ymd(2024, 3, 1)?;
/// assert_eq!(PARTITION_DAYS_FUTURE, 16);
/// assert!(PartitionDecorator::parse("20240317", today).is_ok());
/// assert!(PartitionDecorator::parse("20240318", today).is_err());
/// # Ok::<(), bqcodec::ValueError>(())
/// ```
pub const PARTITION_DAYS_FUTURE: i32 = 16;
/// The maximum length of table name + template suffix, in characters.
///
/// # Examples
///
/// ```
/// use bqcodec::insert_all::{TemplateSuffix, MAX_TABLE_AND_SUFFIX_CHARS};
///
/// let suffix = TemplateSuffix::new("_eu")?;
/// let table = "t".repeat(MAX_TABLE_AND_SUFFIX_CHARS - 3);
/// assert!(suffix.check_with_table(&table).is_ok()); // exactly 1,024 characters
/// assert!(suffix.check_with_table(&format!("{table}x")).is_err());
/// # Ok::<(), bqcodec::ValueError>(())
/// ```
pub const MAX_TABLE_AND_SUFFIX_CHARS: usize = 1024;

/// A validated `templateSuffix`: 1 … 1023 ASCII letters, digits or
/// underscores (the table name takes at least one of the 1,024 characters).
///
/// # Examples
///
/// ```
/// use bqcodec::insert_all::TemplateSuffix;
///
/// let suffix = TemplateSuffix::new("_2024_eu")?;
/// assert_eq!((suffix.as_str(), suffix.to_string().as_str()), ("_2024_eu", "_2024_eu"));
/// assert!(TemplateSuffix::new("").is_err());
/// assert!(TemplateSuffix::new("$20240101").is_err()); // not a partition decorator
/// assert!(TemplateSuffix::new(&"x".repeat(1024)).is_err()); // leaves no room for the table
/// # Ok::<(), bqcodec::ValueError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TemplateSuffix(String);

impl TemplateSuffix {
    /// Validates a suffix. Rejects the empty string, any character other
    /// than `a-z A-Z 0-9 _`, and more than 1,023 characters.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::insert_all::TemplateSuffix;
    /// assert!(TemplateSuffix::new("_20240101").is_ok());
    /// assert!(TemplateSuffix::new("-x").is_err());
    /// ```
    pub fn new(suffix: &str) -> Result<Self, ValueError> {
        const EXPECTED: &str =
            "a template suffix of 1 … 1023 letters (a-z, A-Z), digits (0-9) or underscores (_)";
        if suffix.is_empty()
            || suffix.len() >= MAX_TABLE_AND_SUFFIX_CHARS
            || !suffix
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_')
        {
            return Err(ValueError::invalid(EXPECTED, suffix));
        }
        Ok(TemplateSuffix(suffix.to_owned()))
    }

    /// The suffix.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Checks the combined length with a table name: at most 1,024
    /// characters.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::insert_all::TemplateSuffix;
    ///
    /// let suffix = TemplateSuffix::new(&"s".repeat(1000))?;
    /// assert!(suffix.check_with_table(&"t".repeat(24)).is_ok());
    /// assert!(suffix.check_with_table(&"t".repeat(25)).is_err()); // 1,025 characters
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn check_with_table(&self, table: &str) -> Result<(), ValueError> {
        let n = table.chars().count() + self.0.len();
        if n > MAX_TABLE_AND_SUFFIX_CHARS {
            return Err(ValueError::out_of_range(
                "a table name and template suffix of at most 1024 characters together",
                &format!("{table}{}", self.0),
            ));
        }
        Ok(())
    }
}

impl fmt::Display for TemplateSuffix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A daily partition decorator (`$YYYYMMDD`), checked against the streaming
/// window.
///
/// # Examples
///
/// ```
/// use bqcodec::insert_all::PartitionDecorator;
/// use bqcodec::value::civil::Date;
///
/// let today = Date::from_ymd(2024, 3, 1)?;
/// let day = PartitionDecorator::new(Date::from_ymd(2024, 2, 29)?, today)?;
/// assert_eq!(day.to_string(), "20240229");
/// assert_eq!(day.date(), Date::from_ymd(2024, 2, 29)?);
/// assert!(PartitionDecorator::new(Date::from_ymd(2023, 12, 31)?, today).is_err()); // 61 days back
/// # Ok::<(), bqcodec::ValueError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PartitionDecorator(Date);

impl PartitionDecorator {
    /// The partition of `date`, given today's UTC date. Rejects a date more
    /// than 31 days before or 16 days after `today`.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::insert_all::PartitionDecorator;
    /// use bqcodec::value::civil::Date;
    ///
    /// let today = Date::from_ymd(2024, 3, 1)?;
    /// assert!(PartitionDecorator::new(Date::from_ymd(2024, 1, 30)?, today).is_ok()); // 31 days back
    /// assert!(PartitionDecorator::new(Date::from_ymd(2024, 1, 29)?, today).is_err()); // 32
    /// assert!(PartitionDecorator::new(Date::from_ymd(2024, 3, 18)?, today).is_err()); // 17 ahead
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn new(date: Date, today: Date) -> Result<Self, ValueError> {
        let delta = i64::from(date.days()) - i64::from(today.days());
        if delta < -i64::from(PARTITION_DAYS_PAST) || delta > i64::from(PARTITION_DAYS_FUTURE) {
            return Err(ValueError::out_of_range(
                format!(
                    "a partition within 31 days before and 16 days after today ({today}) for streaming"
                ),
                &date.to_string(),
            ));
        }
        Ok(PartitionDecorator(date))
    }

    /// Parses the part after `$`: `YYYYMMDD`, given today's UTC date.
    /// Rejects hourly (`YYYYMMDDHH`), monthly (`YYYYMM`) and yearly
    /// (`YYYY`) decorators — streaming does not support them — anything
    /// that is not a valid date, and dates outside the window.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::insert_all::PartitionDecorator;
    /// use bqcodec::value::civil::Date;
    /// let today = Date::from_ymd(2024, 3, 1)?;
    /// assert_eq!(PartitionDecorator::parse("20240130", today)?.to_string(), "20240130");
    /// assert!(PartitionDecorator::parse("20240129", today).is_err()); // 32 days back
    /// assert!(PartitionDecorator::parse("2024030112", today).is_err()); // hourly
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn parse(text: &str, today: Date) -> Result<Self, ValueError> {
        const EXPECTED: &str = "a daily partition decorator YYYYMMDD";
        if !text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ValueError::invalid(EXPECTED, text));
        }
        let kind = match text.len() {
            8 => None,
            10 => Some("hourly"),
            6 => Some("monthly"),
            4 => Some("yearly"),
            _ => return Err(ValueError::invalid(EXPECTED, text)),
        };
        if let Some(kind) = kind {
            return Err(ValueError::invalid(
                format!(
                    "{EXPECTED} (streaming with a decorator supports only daily partitioned tables; this is a {kind} decorator)"
                ),
                text,
            ));
        }
        let num = |r: std::ops::Range<usize>| -> Result<u32, ValueError> {
            text.get(r)
                .and_then(|s| s.parse::<u32>().ok())
                .ok_or_else(|| ValueError::invalid(EXPECTED, text))
        };
        let year = i32::try_from(num(0..4)?).map_err(|_| ValueError::invalid(EXPECTED, text))?;
        let date = Date::from_ymd(year, num(4..6)?, num(6..8)?)
            .map_err(|_| ValueError::invalid(format!("{EXPECTED} naming a valid date"), text))?;
        PartitionDecorator::new(date, today)
    }

    /// The partition's date.
    pub fn date(self) -> Date {
        self.0
    }
}

impl fmt::Display for PartitionDecorator {
    /// `YYYYMMDD`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.0.ymd();
        write!(f, "{y:04}{m:02}{d:02}")
    }
}

/// The table an insertAll request goes to.
///
/// # Examples
///
/// ```
/// use bqcodec::insert_all::{InsertAllTarget, PartitionDecorator};
/// use bqcodec::value::civil::Date;
///
/// let today = Date::from_ymd(2024, 3, 1)?;
/// let target = InsertAllTarget::new("example.com:proj", "sales", "orders")?
///     .with_partition(PartitionDecorator::parse("20240229", today)?);
/// assert_eq!((target.project(), target.dataset(), target.table()), ("example.com:proj", "sales", "orders"));
/// assert_eq!(target.table_id(), "orders$20240229");
/// assert_eq!(target.partition().map(|p| p.to_string()).as_deref(), Some("20240229"));
/// assert_eq!(target.path(), "projects/example.com%3Aproj/datasets/sales/tables/orders%2420240229/insertAll");
/// # Ok::<(), bqcodec::ValueError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InsertAllTarget {
    project: String,
    dataset: String,
    table: String,
    partition: Option<PartitionDecorator>,
}

impl InsertAllTarget {
    /// A target table. Rejects an empty part, more than 1,024 characters, and
    /// characters that would break the request path (control characters,
    /// `/`, `$`); a project may contain `.` only in a domain prefix
    /// (`example.com:proj`), a dataset only letters, digits and `_`.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::insert_all::InsertAllTarget;
    ///
    /// assert!(InsertAllTarget::new("proj", "sales", "orders").is_ok());
    /// assert!(InsertAllTarget::new("proj", "sales-eu", "orders").is_err()); // dataset: letters, digits, _
    /// assert!(InsertAllTarget::new("example.com:proj", "sales", "orders").is_ok()); // domain-scoped
    /// assert!(InsertAllTarget::new("a.b", "sales", "orders").is_err()); // `a.b.sales.orders` is ambiguous
    /// assert!(InsertAllTarget::new("proj", "sales", "orders$20240101").is_err()); // use with_partition
    /// assert!(InsertAllTarget::new("proj", "sales", "").is_err());
    /// ```
    pub fn new(project: &str, dataset: &str, table: &str) -> Result<Self, ValueError> {
        const PROJECT: &str = "a project ID (letters, digits and -; '.' only in a domain prefix, as in example.com:proj)";
        check_part(PROJECT, project, |c| {
            c.is_ascii_alphanumeric() || matches!(c, '-' | ':' | '.')
        })?;
        // `a.b` would make `a.b.sales.orders` ambiguous; a domain-scoped
        // project keeps its dots before the last ':'.
        let (domain, name) = project.rsplit_once(':').unwrap_or(("", project));
        if name.is_empty() || name.contains('.') || domain.contains(':') {
            return Err(ValueError::invalid(PROJECT, project));
        }
        check_part("a dataset ID of letters, digits and _", dataset, |c| {
            c.is_ascii_alphanumeric() || c == '_'
        })?;
        check_part("a table ID", table, |c| {
            !c.is_control() && !matches!(c, '/' | '$' | '`' | '\\')
        })?;
        Ok(InsertAllTarget {
            project: project.to_owned(),
            dataset: dataset.to_owned(),
            table: table.to_owned(),
            partition: None,
        })
    }

    /// Parses `project.dataset.table[$YYYYMMDD]` (the project may be
    /// domain-scoped, `example.com:proj`), given today's UTC date for the
    /// decorator.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::insert_all::InsertAllTarget;
    /// use bqcodec::value::civil::Date;
    ///
    /// let today = Date::from_ymd(2024, 3, 1)?;
    /// let target = InsertAllTarget::parse("proj.sales.orders$20240301", today)?;
    /// assert_eq!(target.table_id(), "orders$20240301");
    /// assert_eq!(InsertAllTarget::parse("example.com:proj.sales.orders", today)?.project(), "example.com:proj");
    /// assert!(InsertAllTarget::parse("sales.orders", today).is_err()); // the project is required
    /// assert!(InsertAllTarget::parse("proj.sales.orders$202403", today).is_err()); // monthly
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn parse(text: &str, today: Date) -> Result<Self, ValueError> {
        let (name, decorator) = match text.split_once('$') {
            Some((n, d)) => (n, Some(d)),
            None => (text, None),
        };
        let bad = || ValueError::invalid("a table as project.dataset.table[$YYYYMMDD]", text);
        // Split from the right: dataset and table IDs hold no '.', a
        // domain-scoped project ("example.com:proj") may.
        let mut parts = name.rsplitn(3, '.');
        let (Some(table), Some(dataset), Some(project)) =
            (parts.next(), parts.next(), parts.next())
        else {
            return Err(bad());
        };
        let mut t = InsertAllTarget::new(project, dataset, table)?;
        if let Some(d) = decorator {
            t.partition = Some(PartitionDecorator::parse(d, today)?);
        }
        Ok(t)
    }

    /// Sets the partition decorator.
    pub fn with_partition(mut self, partition: PartitionDecorator) -> Self {
        self.partition = Some(partition);
        self
    }

    /// The project ID.
    pub fn project(&self) -> &str {
        &self.project
    }

    /// The dataset ID.
    pub fn dataset(&self) -> &str {
        &self.dataset
    }

    /// The table ID, without decorator.
    pub fn table(&self) -> &str {
        &self.table
    }

    /// The partition decorator, if any.
    pub fn partition(&self) -> Option<PartitionDecorator> {
        self.partition
    }

    /// The `tableId` the request names: `table` or `table$YYYYMMDD`.
    pub fn table_id(&self) -> String {
        match self.partition {
            Some(p) => format!("{}${p}", self.table),
            None => self.table.clone(),
        }
    }

    /// Checks that `suffix` may be used with this target: combined length,
    /// and no partition decorator at the same time.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::insert_all::{InsertAllTarget, TemplateSuffix};
    /// use bqcodec::value::civil::Date;
    ///
    /// let suffix = TemplateSuffix::new("_eu")?;
    /// let plain = InsertAllTarget::new("proj", "sales", "orders")?;
    /// assert!(plain.check_template_suffix(&suffix).is_ok());
    /// let today = Date::from_ymd(2024, 3, 1)?;
    /// let decorated = InsertAllTarget::parse("proj.sales.orders$20240301", today)?;
    /// assert!(decorated.check_template_suffix(&suffix).is_err()); // not both at once
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn check_template_suffix(&self, suffix: &TemplateSuffix) -> Result<(), ValueError> {
        if self.partition.is_some() {
            return Err(ValueError::invalid(
                "either a template suffix or a partition decorator, not both",
                &format!("{}${}", self.table_id(), suffix),
            ));
        }
        suffix.check_with_table(&self.table)
    }

    /// The REST path of the call, relative to `https://bigquery.googleapis.com/bigquery/v2/`:
    /// `projects/P/datasets/D/tables/T/insertAll`, each part percent-encoded
    /// (RFC 3986: everything but unreserved characters; `$` becomes `%24`).
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::insert_all::InsertAllTarget;
    ///
    /// let target = InsertAllTarget::new("my-proj", "sales", "órders")?;
    /// assert_eq!(target.path(), "projects/my-proj/datasets/sales/tables/%C3%B3rders/insertAll");
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn path(&self) -> String {
        format!(
            "projects/{}/datasets/{}/tables/{}/insertAll",
            percent_encode(&self.project),
            percent_encode(&self.dataset),
            percent_encode(&self.table_id())
        )
    }
}

fn check_part(what: &'static str, part: &str, ok: impl Fn(char) -> bool) -> Result<(), ValueError> {
    if part.is_empty() || part.chars().count() > 1024 || !part.chars().all(ok) {
        return Err(ValueError::invalid(what, part));
    }
    Ok(())
}

/// Percent-encodes a path segment: every byte outside RFC 3986's unreserved
/// set (`A-Z a-z 0-9 - . _ ~`) as `%XX`.
pub(crate) fn percent_encode(s: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0xf)]));
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> Date {
        Date::from_ymd(y, m, d).unwrap()
    }

    #[test]
    fn window_is_31_back_16_ahead_inclusive() {
        let today = date(2024, 3, 1);
        // 2024 is a leap year: Feb has 29 days. today − 31 = 2024-01-30.
        assert!(PartitionDecorator::parse("20240130", today).is_ok());
        assert!(PartitionDecorator::parse("20240129", today).is_err());
        // today + 16 = 2024-03-17.
        assert!(PartitionDecorator::parse("20240317", today).is_ok());
        let e = PartitionDecorator::parse("20240318", today).unwrap_err();
        assert!(e.is_out_of_range());
        assert!(e.to_string().contains("2024-03-01"), "{e}");
        assert!(PartitionDecorator::parse("20240301", today).is_ok());
    }

    #[test]
    fn only_daily_decorators() {
        let today = date(2024, 3, 1);
        for (d, kind) in [
            ("2024030100", "hourly"),
            ("202403", "monthly"),
            ("2024", "yearly"),
        ] {
            let e = PartitionDecorator::parse(d, today).unwrap_err().to_string();
            assert!(e.contains(kind), "{e}");
        }
        for d in [
            "20240230",
            "2024031",
            "2024-03-01",
            "",
            "20241301",
            "２０２４０３０１",
        ] {
            assert!(PartitionDecorator::parse(d, today).is_err(), "{d}");
        }
    }

    #[test]
    fn template_suffix_rules() {
        assert!(TemplateSuffix::new("").is_err());
        assert!(TemplateSuffix::new("a-b").is_err());
        assert!(TemplateSuffix::new("é").is_err());
        assert!(TemplateSuffix::new(&"a".repeat(1023)).is_ok());
        assert!(TemplateSuffix::new(&"a".repeat(1024)).is_err());
        let s = TemplateSuffix::new(&"a".repeat(1000)).unwrap();
        assert!(s.check_with_table(&"t".repeat(24)).is_ok());
        assert!(s.check_with_table(&"t".repeat(25)).is_err());
        // Characters, not bytes.
        assert!(s.check_with_table(&"é".repeat(24)).is_ok());
    }

    #[test]
    fn targets_and_paths() {
        let today = date(2024, 3, 1);
        let t = InsertAllTarget::parse("my-proj.ds_1.events$20240301", today).unwrap();
        assert_eq!(t.table_id(), "events$20240301");
        assert_eq!(
            t.path(),
            "projects/my-proj/datasets/ds_1/tables/events%2420240301/insertAll"
        );
        let t = InsertAllTarget::parse("example.com:proj.ds.my table", today).unwrap();
        assert_eq!(t.project(), "example.com:proj");
        assert_eq!(
            t.path(),
            "projects/example.com%3Aproj/datasets/ds/tables/my%20table/insertAll"
        );
        assert!(InsertAllTarget::parse("p.d", today).is_err());
        assert!(InsertAllTarget::parse("p.d-x.t", today).is_err());
        assert!(InsertAllTarget::parse("p.d.t/x", today).is_err());
        assert!(InsertAllTarget::parse("p.d.t$20240101", today).is_err());
        let t = InsertAllTarget::parse("p.d.t$20240301", today).unwrap();
        let s = TemplateSuffix::new("_x").unwrap();
        assert!(t.check_template_suffix(&s).is_err());
        let t = InsertAllTarget::parse("p.d.t", today).unwrap();
        assert!(t.check_template_suffix(&s).is_ok());
    }
}
