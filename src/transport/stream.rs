//! Write stream names: the `_default` stream of a table, or a created
//! (COMMITTED, PENDING or BUFFERED) stream.

use std::fmt;

use crate::error::ValueError;

/// The name of the `_default` stream's id (storage.proto, `AppendRowsRequest.write_stream`).
///
/// # Examples
///
/// ```
/// use bqcodec::transport::{WriteStreamName, DEFAULT_STREAM_ID};
///
/// let stream = WriteStreamName::default_stream("p", "d", "t")?;
/// assert_eq!(stream.stream_id(), DEFAULT_STREAM_ID);
/// assert_eq!(stream.to_string(), "projects/p/datasets/d/tables/t/streams/_default");
/// # Ok::<(), bqcodec::ValueError>(())
/// ```
pub const DEFAULT_STREAM_ID: &str = "_default";

const EXPECTED: &str = "a table (\"projects/P/datasets/D/tables/T\") or a write stream \
     (\"projects/P/datasets/D/tables/T/streams/ID\")";

/// A checked write stream name.
///
/// Accepts `projects/P/datasets/D/tables/T` (the table's `_default`
/// stream) and `projects/P/datasets/D/tables/T/streams/ID` (`ID` may be
/// `_default`). Rejects any other shape, an empty segment, and a segment
/// with whitespace or control characters. Project, dataset and table ids
/// are not checked further: the service's own rules for them change, and
/// a wrong id fails with NOT_FOUND.
///
/// # Examples
///
/// ```
/// use bqcodec::transport::WriteStreamName;
/// let d = WriteStreamName::parse("projects/p/datasets/d/tables/t")?;
/// assert!(d.is_default());
/// assert_eq!(d.as_str(), "projects/p/datasets/d/tables/t/streams/_default");
/// let s = WriteStreamName::parse("projects/p/datasets/d/tables/t/streams/Cik")?;
/// assert!(!s.is_default());
/// assert_eq!(s.table(), "projects/p/datasets/d/tables/t");
/// # Ok::<(), bqcodec::ValueError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct WriteStreamName {
    name: String,
    table_len: usize,
}

impl WriteStreamName {
    /// Parses a table or stream name (see the type's docs).
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::transport::WriteStreamName;
    ///
    /// let s = WriteStreamName::parse("projects/p/datasets/d/tables/t/streams/_default")?;
    /// assert!(s.is_default());
    /// assert!(WriteStreamName::parse("projects/p/datasets/d").is_err()); // no table
    /// assert!(WriteStreamName::parse("projects/p/datasets//tables/t").is_err()); // empty segment
    /// assert!(WriteStreamName::parse("projects/p/datasets/d/tables/my table").is_err());
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn parse(text: &str) -> Result<Self, ValueError> {
        let parts: Vec<&str> = text.split('/').collect();
        let ok_segment =
            |s: &str| !s.is_empty() && !s.chars().any(|c| c.is_whitespace() || c.is_control());
        let shape = match parts.as_slice() {
            ["projects", p, "datasets", d, "tables", t] => Some((*p, *d, *t, DEFAULT_STREAM_ID)),
            ["projects", p, "datasets", d, "tables", t, "streams", s] => Some((*p, *d, *t, *s)),
            _ => None,
        };
        let Some((p, d, t, s)) = shape else {
            return Err(ValueError::invalid(EXPECTED, text));
        };
        if ![p, d, t, s].into_iter().all(ok_segment) {
            return Err(ValueError::invalid(
                format!("{EXPECTED} with non-empty ids without spaces"),
                text,
            ));
        }
        let table = format!("projects/{p}/datasets/{d}/tables/{t}");
        let table_len = table.len();
        Ok(WriteStreamName {
            name: format!("{table}/streams/{s}"),
            table_len,
        })
    }

    /// The `_default` stream of `projects/{project}/datasets/{dataset}/tables/{table}`.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::transport::WriteStreamName;
    ///
    /// let s = WriteStreamName::default_stream("my-project", "sales", "orders")?;
    /// assert_eq!(s.table(), "projects/my-project/datasets/sales/tables/orders");
    /// assert!(WriteStreamName::default_stream("my project", "sales", "orders").is_err());
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn default_stream(project: &str, dataset: &str, table: &str) -> Result<Self, ValueError> {
        WriteStreamName::parse(&format!(
            "projects/{project}/datasets/{dataset}/tables/{table}"
        ))
    }

    /// The full stream name (`…/streams/ID`), as `write_stream` takes it.
    pub fn as_str(&self) -> &str {
        &self.name
    }

    /// The table: `projects/P/datasets/D/tables/T` (the `parent` of
    /// CreateWriteStream and BatchCommitWriteStreams).
    pub fn table(&self) -> &str {
        self.name.get(..self.table_len).unwrap_or_default()
    }

    /// The stream id (`_default` or the created stream's id).
    pub fn stream_id(&self) -> &str {
        self.name.rsplit('/').next().unwrap_or(DEFAULT_STREAM_ID)
    }

    /// True for the `_default` stream: no offsets, no finalize, no flush.
    pub fn is_default(&self) -> bool {
        self.stream_id() == DEFAULT_STREAM_ID
    }
}

impl fmt::Display for WriteStreamName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn parses_tables_and_streams() {
        let t = WriteStreamName::default_stream("p", "d", "t").unwrap();
        assert_eq!(
            t.as_str(),
            "projects/p/datasets/d/tables/t/streams/_default"
        );
        assert_eq!(t.table(), "projects/p/datasets/d/tables/t");
        assert_eq!(t.stream_id(), "_default");
        assert!(t.is_default());
        let s = WriteStreamName::parse("projects/p/datasets/d/tables/t/streams/_default").unwrap();
        assert_eq!(s, t);
        let s = WriteStreamName::parse("projects/p/datasets/d/tables/t/streams/abc").unwrap();
        assert_eq!((s.stream_id(), s.is_default()), ("abc", false));
        assert_eq!(s.to_string(), "projects/p/datasets/d/tables/t/streams/abc");
    }

    #[test]
    fn rejects_other_shapes() {
        for bad in [
            "",
            "p.d.t",
            "projects/p/datasets/d",
            "projects/p/datasets/d/tables/",
            "projects//datasets/d/tables/t",
            "projects/p/datasets/d/tables/t/streams/",
            "projects/p/datasets/d/tables/t/streams/a/b",
            "project/p/datasets/d/tables/t",
            "projects/p/datasets/d/tables/t x",
        ] {
            assert!(WriteStreamName::parse(bad).is_err(), "{bad}");
        }
    }
}
