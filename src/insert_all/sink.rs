//! [`InsertAllSink`]: the row walk's sink that writes each row as the JSON
//! object insertAll takes under `"json"`, and the insertId policies.
//!
//! Output is canonical, so that hashing it gives a stable insertId:
//! - members appear in **schema order** whatever the order of the input keys
//!   (a record whose keys came out of order is reordered when it closes);
//! - NULL values and absent keys are **left out** (insertAll reads a missing
//!   key as NULL), and so are empty REPEATED fields (an absent REPEATED field
//!   is an empty array);
//! - no whitespace; strings escaped as [`write_json_string`] does;
//! - every value in its insertAll form ([`write_value_json`]).

use sha2::{Digest, Sha256};

use super::value::write_value_json;
use crate::error::{SchemaError, ValueError};
use crate::plan::{Plan, PlanField, PlanKind, PlanRecord, Sink};
use crate::schema::Mode;
use crate::value::{Scalar, write_json_string};

/// How each row's `insertId` is chosen.
///
/// The default is [`InsertIds::None`]: no `insertId`, which disables
/// BigQuery's best-effort de-duplication — "the recommended way to insert
/// data" (streaming docs, "Disabling best effort de-duplication"), and the
/// higher-quota path. Ids a caller already has go in with
/// [`InsertAllRows::set_insert_id`].
///
/// # Examples
///
/// ```
/// use bqcodec::insert_all::{InsertAllOptions, InsertAllWriter, InsertIds};
/// use bqcodec::{plan::WalkOptions, TableSchema};
///
/// let schema = TableSchema::from_json(r#"[{"name": "id", "type": "INT64"}, {"name": "s", "type": "STRING"}]"#)?;
/// let row = br#"{"s": "a", "id": 1}"#;
/// let none = InsertAllWriter::new(&schema, WalkOptions::new(), InsertIds::None, InsertAllOptions::new())?;
/// assert_eq!(none.encode_json(row, 0)?, (r#"{"id":"1","s":"a"}"#.to_string(), None));
/// let key = InsertAllWriter::new(&schema, WalkOptions::new(), InsertIds::Column("id".into()), InsertAllOptions::new())?;
/// assert_eq!(key.encode_json(row, 0)?.1.as_deref(), Some("1"));
/// assert!(key.encode_json(br#"{"s": "b"}"#, 1).is_err()); // a NULL key would silently turn dedup off
/// let hash = InsertAllWriter::new(&schema, WalkOptions::new(), InsertIds::ContentHash, InsertAllOptions::new())?;
/// let id = hash.encode_json(br#"{"id": 1}"#, 0)?.1;
/// // SHA-256 of the canonical row text {"id":"1"}:
/// assert_eq!(id.as_deref(), Some("5811967f540d300d249ab30ae681359a7815fdb5d3dc71a94be1d491006a6b27"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum InsertIds {
    /// No `insertId` (the default).
    #[default]
    None,
    /// The lowercase hex SHA-256 (FIPS 180-4) of the row's canonical JSON —
    /// exactly the `"json"` object as written in the request body — so a
    /// retried batch carries the same ids. **Caution**: two rows with equal
    /// content get equal ids, and BigQuery may keep only one of them within
    /// its de-duplication window (about a minute); when equal rows are
    /// legitimate, use [`InsertIds::Column`].
    ContentHash,
    /// The canonical text of one column (`"order_id"`, or a dotted path to a
    /// field inside non-repeated RECORDs: `"meta.id"`). The column must be a
    /// leaf with no REPEATED field on its path; a row where it is NULL or
    /// absent is rejected (an id that silently went missing would turn
    /// de-duplication off for that row).
    Column(String),
}

/// The compiled per-field facts the sink needs; share it between sinks.
///
/// # Examples
///
/// ```
/// use bqcodec::insert_all::{InsertAllEncoder, InsertIds};
/// use bqcodec::plan::{Plan, WalkOptions};
/// use bqcodec::TableSchema;
///
/// let schema = TableSchema::from_json(
///     r#"[{"name": "meta", "type": "RECORD", "fields": [{"name": "id", "type": "STRING"}]},
///         {"name": "tags", "type": "RECORD", "mode": "REPEATED", "fields": [{"name": "id", "type": "STRING"}]}]"#,
/// )?;
/// let plan = Plan::compile(&schema, WalkOptions::new())?;
/// let encoder = InsertAllEncoder::new(&plan, InsertIds::Column("meta.id".into()))?;
/// assert_eq!(encoder.insert_ids(), &InsertIds::Column("meta.id".into()));
/// assert!(InsertAllEncoder::new(&plan, InsertIds::Column("meta".into())).is_err()); // a RECORD
/// assert!(InsertAllEncoder::new(&plan, InsertIds::Column("tags.id".into())).is_err()); // REPEATED
/// assert!(InsertAllEncoder::new(&plan, InsertIds::Column("nope".into())).is_err());
/// # Ok::<(), bqcodec::SchemaError>(())
/// ```
#[derive(Debug, Clone)]
pub struct InsertAllEncoder {
    /// Per plan field id: `"name":`.
    keys: Vec<String>,
    insert_ids: InsertIds,
    /// The plan field id of the key column (for [`InsertIds::Column`]).
    key_field: Option<usize>,
}

impl InsertAllEncoder {
    /// Compiles `plan` for insertAll with the insertId policy `insert_ids`.
    ///
    /// Rejects (as a [`SchemaError`] on the path) an [`InsertIds::Column`]
    /// that names no field, a RECORD, or a field with a REPEATED field on
    /// its path.
    pub fn new(plan: &Plan, insert_ids: InsertIds) -> Result<Self, SchemaError> {
        let mut keys = vec![String::new(); plan.field_count()];
        fill_keys(plan.root(), &mut keys);
        let key_field = match &insert_ids {
            InsertIds::Column(path) => Some(find_key_field(plan.root(), path)?),
            _ => None,
        };
        Ok(InsertAllEncoder {
            keys,
            insert_ids,
            key_field,
        })
    }

    /// The insertId policy.
    pub fn insert_ids(&self) -> &InsertIds {
        &self.insert_ids
    }

    fn key(&self, f: &PlanField) -> &str {
        self.keys.get(f.id).map_or("", String::as_str)
    }
}

fn fill_keys(rec: &PlanRecord, keys: &mut [String]) {
    for f in &rec.fields {
        if let Some(slot) = keys.get_mut(f.id) {
            let mut k = String::with_capacity(f.name.len() + 3);
            write_json_string(&f.name, &mut k);
            k.push(':');
            *slot = k;
        }
        if let PlanKind::Record(sub) = &f.kind {
            fill_keys(sub, keys);
        }
    }
}

fn find_key_field(root: &PlanRecord, path: &str) -> Result<usize, SchemaError> {
    let bad = |msg: String| SchemaError::single(path, msg);
    let mut rec = root;
    let mut parts = path.split('.').peekable();
    while let Some(name) = parts.next() {
        let Some(f) = rec.fields.iter().find(|f| f.name == name) else {
            return Err(bad(format!(
                "the insertId column {} names no field",
                crate::error::quote(path)
            )));
        };
        if f.mode == Mode::Repeated {
            return Err(bad(
                "the insertId column must not be REPEATED or inside a REPEATED RECORD".into(),
            ));
        }
        match (&f.kind, parts.peek()) {
            (PlanKind::Leaf(_), None) => return Ok(f.id),
            (PlanKind::Record(sub), Some(_)) => rec = sub,
            (PlanKind::Record(_), None) => {
                return Err(bad(
                    "the insertId column must be a leaf, not a RECORD".into()
                ));
            }
            (PlanKind::Leaf(_), Some(_)) => {
                return Err(bad(format!("{name} is not a RECORD")));
            }
        }
    }
    Err(bad("the insertId column path is empty".into()))
}

/// Encoded rows: one text buffer, each row's end, its input index and its
/// insertId.
///
/// # Examples
///
/// ```
/// use bqcodec::insert_all::{InsertAllOptions, InsertAllWriter, InsertIds};
/// use bqcodec::{plan::WalkOptions, TableSchema};
///
/// let schema = TableSchema::from_json(r#"[{"name": "n", "type": "INT64"}]"#)?;
/// let writer = InsertAllWriter::new(&schema, WalkOptions::new(), InsertIds::None, InsertAllOptions::new())?;
/// let (mut rows, _) = writer.encode_rows_ndjson(b"{\"n\": 1}\n{\"n\": 1.5}\n{\"n\": 3}\n", 0);
/// assert_eq!(rows.iter().collect::<Vec<_>>(), [r#"{"n":"1"}"#, r#"{"n":"3"}"#]);
/// assert_eq!((rows.len(), rows.byte_len()), (2, 18));
/// assert_eq!(rows.input_row(1), Some(2)); // input row 1 was rejected
/// assert!(rows.set_insert_id(1, Some("order-3".into()))); // a caller's own id
/// assert_eq!((rows.insert_id(0), rows.insert_id(1)), (None, Some("order-3")));
/// rows.retain(|i| i == 1);
/// assert_eq!((rows.row(0), rows.input_row(0)), (Some(r#"{"n":"3"}"#), Some(2)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InsertAllRows {
    data: String,
    ends: Vec<usize>,
    input_rows: Vec<usize>,
    insert_ids: Vec<Option<String>>,
}

impl InsertAllRows {
    /// How many rows.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// True when there are no rows.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Row `i`'s JSON object text.
    pub fn row(&self, i: usize) -> Option<&str> {
        let end = *self.ends.get(i)?;
        let start = if i == 0 { 0 } else { *self.ends.get(i - 1)? };
        self.data.get(start..end)
    }

    /// The caller's input index of output row `i`.
    pub fn input_row(&self, i: usize) -> Option<usize> {
        self.input_rows.get(i).copied()
    }

    /// Row `i`'s insertId (`None`: none is sent).
    pub fn insert_id(&self, i: usize) -> Option<&str> {
        self.insert_ids.get(i)?.as_deref()
    }

    /// Sets row `i`'s insertId (a caller-supplied id; `None` removes it).
    /// Returns false when there is no row `i`.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::insert_all::{InsertAllOptions, InsertAllWriter, InsertIds};
    /// use bqcodec::{plan::WalkOptions, TableSchema};
    ///
    /// let schema = TableSchema::from_json(r#"[{"name": "n", "type": "INT64"}]"#)?;
    /// let writer = InsertAllWriter::new(&schema, WalkOptions::new(), InsertIds::None, InsertAllOptions::new())?;
    /// let (mut rows, _) = writer.encode_rows_ndjson(b"{\"n\": 1}\n", 0);
    /// assert!(rows.set_insert_id(0, Some("evt-0001".into())));
    /// assert!(!rows.set_insert_id(1, Some("evt-0002".into()))); // no row 1
    /// let (bodies, _) = writer.requests(&rows);
    /// assert!(bodies[0].body().ends_with(r#"[{"insertId":"evt-0001","json":{"n":"1"}}]}"#));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn set_insert_id(&mut self, i: usize, id: Option<String>) -> bool {
        match self.insert_ids.get_mut(i) {
            Some(slot) => {
                *slot = id;
                true
            }
            None => false,
        }
    }

    /// Every row's text, in order.
    pub fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        (0..self.len()).filter_map(|i| self.row(i))
    }

    /// Total bytes of all rows' text.
    pub fn byte_len(&self) -> usize {
        self.data.len()
    }

    /// Forgets every row, keeping the buffers.
    pub fn clear(&mut self) {
        self.data.clear();
        self.ends.clear();
        self.input_rows.clear();
        self.insert_ids.clear();
    }

    /// Keeps only the rows for which `keep(output index)` is true.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::insert_all::{InsertAllOptions, InsertAllWriter, InsertIds};
    /// use bqcodec::{plan::WalkOptions, TableSchema};
    ///
    /// let schema = TableSchema::from_json(r#"[{"name": "n", "type": "INT64"}]"#)?;
    /// let writer = InsertAllWriter::new(&schema, WalkOptions::new(), InsertIds::None, InsertAllOptions::new())?;
    /// let (mut rows, _) = writer.encode_rows_ndjson(b"{\"n\": 1}\n{\"n\": 2}\n{\"n\": 3}\n", 0);
    /// rows.retain(|i| i != 1); // e.g. keep only the rows to resend
    /// assert_eq!(rows.iter().collect::<Vec<_>>(), [r#"{"n":"1"}"#, r#"{"n":"3"}"#]);
    /// assert_eq!(rows.input_row(1), Some(2));
    /// rows.clear();
    /// assert!(rows.is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn retain(&mut self, mut keep: impl FnMut(usize) -> bool) {
        let mut out = InsertAllRows::default();
        for i in 0..self.len() {
            if !keep(i) {
                continue;
            }
            if let Some(text) = self.row(i) {
                out.data.push_str(text);
                out.ends.push(out.data.len());
                out.input_rows
                    .push(self.input_rows.get(i).copied().unwrap_or(0));
                out.insert_ids
                    .push(self.insert_ids.get(i).cloned().unwrap_or(None));
            }
        }
        *self = out;
    }
}

/// An open `{…}` or `[…]` in the output.
#[derive(Debug, Clone, Copy)]
struct Frame {
    /// Offset of the `{` or `[`.
    open: usize,
    /// First segment of this frame in `segs`.
    seg_base: usize,
    /// Members arrived in schema order so far.
    sorted: bool,
    /// A list (elements in input order, never reordered).
    list: bool,
    /// For a list: where its `,"key":[` starts, to drop an empty list.
    member_start: usize,
    /// Elements written (lists).
    count: usize,
}

/// A [`Sink`] that writes insertAll row objects (see the module docs).
///
/// # Examples
///
/// ```
/// use bqcodec::insert_all::{InsertAllEncoder, InsertAllSink, InsertIds};
/// use bqcodec::plan::{Plan, WalkOptions, Walker};
/// use bqcodec::TableSchema;
///
/// let schema = TableSchema::from_json(
///     r#"[{"name": "a", "type": "STRING"}, {"name": "b", "type": "BYTES"}, {"name": "c", "type": "STRING"}]"#,
/// )?;
/// let plan = Plan::compile(&schema, WalkOptions::new())?;
/// let encoder = InsertAllEncoder::new(&plan, InsertIds::None)?;
/// let mut sink = InsertAllSink::new(&encoder);
/// Walker::new(&plan).walk_json(br#"{"c": "x", "b": "AQI=", "a": null}"#, 0, &mut sink)?;
/// // Schema order, NULL left out, BYTES as base64:
/// assert_eq!(sink.rows().row(0), Some(r#"{"b":"AQI=","c":"x"}"#));
/// assert_eq!(sink.take_rows().len(), 1);
/// assert!(sink.rows().is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct InsertAllSink<'e> {
    enc: &'e InsertAllEncoder,
    rows: InsertAllRows,
    row_start: usize,
    row_index: usize,
    frames: Vec<Frame>,
    /// (field index, start offset) of each member written in an open object.
    segs: Vec<(usize, usize)>,
    key_text: Option<String>,
    scratch: String,
}

impl<'e> InsertAllSink<'e> {
    /// A sink writing with `enc`.
    pub fn new(enc: &'e InsertAllEncoder) -> Self {
        InsertAllSink {
            enc,
            rows: InsertAllRows::default(),
            row_start: 0,
            row_index: 0,
            frames: Vec::new(),
            segs: Vec::new(),
            key_text: None,
            scratch: String::new(),
        }
    }

    /// The rows written so far.
    pub fn rows(&self) -> &InsertAllRows {
        &self.rows
    }

    /// Takes the rows written so far, leaving the sink empty.
    pub fn take_rows(&mut self) -> InsertAllRows {
        std::mem::take(&mut self.rows)
    }

    /// Starts a member of the open object (`,"key":`) or an element of the
    /// open list (`,`).
    fn start_value(&mut self, f: &PlanField) {
        let pos = self.rows.data.len();
        match self.frames.last_mut() {
            Some(frame) if frame.list => {
                frame.count += 1;
                self.rows.data.push(',');
            }
            Some(frame) => {
                if let Some(&(last, _)) = self.segs.last()
                    && self.segs.len() > frame.seg_base
                    && last > f.index
                {
                    frame.sorted = false;
                }
                self.segs.push((f.index, pos));
                self.rows.data.push(',');
                self.rows.data.push_str(self.enc.key(f));
            }
            None => {}
        }
    }

    fn push_frame(&mut self, list: bool, member_start: usize) {
        let open = self.rows.data.len();
        self.rows.data.push(if list { '[' } else { '{' });
        self.frames.push(Frame {
            open,
            seg_base: self.segs.len(),
            sorted: true,
            list,
            member_start,
            count: 0,
        });
    }

    /// Closes the innermost object: reorders its members into schema order
    /// if needed, drops the leading comma, appends `}`.
    fn close_object(&mut self) {
        let Some(frame) = self.frames.pop() else {
            return;
        };
        if !frame.sorted {
            let segs = self.segs.get(frame.seg_base..).unwrap_or_default();
            let first = segs.first().map_or(self.rows.data.len(), |s| s.1);
            let tail = self.rows.data.split_off(first);
            let mut pieces: Vec<(usize, &str)> = Vec::with_capacity(segs.len());
            for (k, &(index, start)) in segs.iter().enumerate() {
                let stop = segs.get(k + 1).map_or(first + tail.len(), |s| s.1);
                let piece = tail
                    .get(start.saturating_sub(first)..stop.saturating_sub(first))
                    .unwrap_or_default();
                pieces.push((index, piece));
            }
            pieces.sort_by_key(|p| p.0);
            for (_, piece) in pieces {
                self.rows.data.push_str(piece);
            }
        }
        self.segs.truncate(frame.seg_base);
        if self.rows.data.as_bytes().get(frame.open + 1) == Some(&b',') {
            self.rows.data.remove(frame.open + 1);
        }
        self.rows.data.push('}');
    }
}

impl Sink for InsertAllSink<'_> {
    fn begin_row(&mut self, row: usize) {
        self.row_start = self.rows.data.len();
        self.row_index = row;
        self.frames.clear();
        self.segs.clear();
        self.key_text = None;
        self.push_frame(false, self.row_start);
    }

    fn end_row(&mut self) {
        while !self.frames.is_empty() {
            self.close_object();
        }
        let text = self.rows.data.get(self.row_start..).unwrap_or_default();
        let id = match &self.enc.insert_ids {
            InsertIds::None => None,
            InsertIds::ContentHash => Some(sha256_hex(text.as_bytes())),
            InsertIds::Column(_) => self.key_text.take(),
        };
        self.rows.ends.push(self.rows.data.len());
        self.rows.input_rows.push(self.row_index);
        self.rows.insert_ids.push(id);
    }

    fn abort_row(&mut self) {
        self.rows.data.truncate(self.row_start);
        self.frames.clear();
        self.segs.clear();
        self.key_text = None;
    }

    fn leaf(&mut self, field: &PlanField, value: Scalar<'_>) -> Result<(), ValueError> {
        self.start_value(field);
        let mut text = std::mem::take(&mut self.scratch);
        text.clear();
        write_value_json(&value, &mut text);
        self.rows.data.push_str(&text);
        self.scratch = text;
        if self.enc.key_field == Some(field.id) {
            self.key_text = Some(value.to_canonical());
        }
        Ok(())
    }

    fn null(&mut self, _field: &PlanField) {}

    fn begin_record(&mut self, field: &PlanField) {
        let start = self.rows.data.len();
        self.start_value(field);
        self.push_frame(false, start);
    }

    fn end_record(&mut self, _field: &PlanField) {
        self.close_object();
    }

    fn begin_list(&mut self, field: &PlanField) {
        let start = self.rows.data.len();
        self.start_value(field);
        self.push_frame(true, start);
    }

    fn end_list(&mut self, _field: &PlanField) {
        let Some(frame) = self.frames.pop() else {
            return;
        };
        if frame.count == 0 || !frame.list {
            // An empty list is left out, key and all.
            self.rows.data.truncate(frame.member_start);
            if self.segs.last().is_some_and(|s| s.1 == frame.member_start) {
                self.segs.pop();
            }
            return;
        }
        if self.rows.data.as_bytes().get(frame.open + 1) == Some(&b',') {
            self.rows.data.remove(frame.open + 1);
        }
        self.rows.data.push(']');
    }
}

/// Lowercase hex SHA-256.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let digest = Sha256::digest(bytes);
    let mut s = String::with_capacity(64);
    for b in digest.iter() {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 0xf)]));
    }
    s
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::plan::{WalkOptions, Walker};
    use crate::schema::TableSchema;

    fn encode(schema: &str, rows: &str, ids: InsertIds) -> (InsertAllRows, Vec<String>) {
        let schema = TableSchema::from_json(schema).unwrap();
        let plan = Plan::compile(&schema, WalkOptions::new()).unwrap();
        let enc = InsertAllEncoder::new(&plan, ids).unwrap();
        let mut sink = InsertAllSink::new(&enc);
        let out = Walker::new(&plan).walk_ndjson(rows.as_bytes(), 0, &mut sink);
        let errors = out.errors.iter().map(ToString::to_string).collect();
        (sink.take_rows(), errors)
    }

    const SCHEMA: &str = r#"[
        {"name": "a", "type": "INT64"},
        {"name": "b", "type": "STRING"},
        {"name": "r", "type": "RECORD", "fields": [
            {"name": "x", "type": "BOOL"},
            {"name": "y", "type": "FLOAT64", "mode": "REPEATED"}
        ]},
        {"name": "l", "type": "RECORD", "mode": "REPEATED", "fields": [
            {"name": "k", "type": "STRING"},
            {"name": "v", "type": "DATE"}
        ]}
    ]"#;

    #[test]
    fn rows_come_out_canonical() {
        let (rows, errors) = encode(
            SCHEMA,
            concat!(
                r#"{"l": [{"v": "2024-01-02", "k": "z"}, {}], "r": {"y": [1, 2.5], "x": true}, "b": "q\"", "a": 5}"#,
                "\n",
                r#"{"a": null, "b": null, "r": null, "l": []}"#,
                "\n",
                r#"{"r": {"y": []}, "a": "-7"}"#,
                "\n",
                r#"{"a": 1, "b": 2}"#,
                "\n",
            ),
            InsertIds::None,
        );
        assert_eq!(rows.len(), 3);
        assert_eq!(
            rows.row(0).unwrap(),
            r#"{"a":"5","b":"q\"","r":{"x":true,"y":[1,2.5]},"l":[{"k":"z","v":"2024-01-02"},{}]}"#
        );
        assert_eq!(rows.row(1).unwrap(), "{}");
        assert_eq!(rows.row(2).unwrap(), r#"{"a":"-7","r":{}}"#);
        assert_eq!(rows.input_row(2), Some(2));
        assert_eq!(errors.len(), 1);
        assert!(errors[0].starts_with("row 3: b: "), "{errors:?}");
        for r in rows.iter() {
            serde_json::from_str::<serde_json::Value>(r).unwrap();
        }
    }

    #[test]
    fn content_hash_ignores_key_order_and_nulls() {
        let (rows, _) = encode(
            SCHEMA,
            "{\"a\": 1, \"b\": \"x\"}\n{\"b\": \"x\", \"a\": \"1\", \"r\": null}\n{\"a\": 2}\n",
            InsertIds::ContentHash,
        );
        let ids: Vec<&str> = (0..3).map(|i| rows.insert_id(i).unwrap()).collect();
        assert_eq!(ids[0], ids[1]);
        assert_ne!(ids[0], ids[2]);
        // SHA-256 of the row text, as coreutils computes it:
        // `printf '{"a":"2"}' | sha256sum`.
        assert_eq!(rows.row(2).unwrap(), r#"{"a":"2"}"#);
        assert_eq!(
            ids[2],
            "d1c5b45e236f653abc1ed23bd5f2bafada6b49b4a173911e502a8bc5e89d8528"
        );
        assert_eq!(ids[2].len(), 64);
    }

    #[test]
    fn sha256_known_vectors() {
        // FIPS 180-4 / NIST CSRC example vectors for SHA-256.
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn key_column_ids() {
        let (rows, _) = encode(
            r#"[{"name": "id", "type": "INT64"}, {"name": "m", "type": "RECORD", "fields": [{"name": "k", "type": "STRING"}]}]"#,
            "{\"id\": 7, \"m\": {\"k\": \"x\"}}\n{\"m\": {\"k\": \"y\"}}\n",
            InsertIds::Column("id".into()),
        );
        assert_eq!(rows.insert_id(0), Some("7"));
        assert_eq!(rows.insert_id(1), None);
        let (rows, _) = encode(
            r#"[{"name": "m", "type": "RECORD", "fields": [{"name": "k", "type": "STRING"}]}]"#,
            "{\"m\": {\"k\": \"x y\"}}\n",
            InsertIds::Column("m.k".into()),
        );
        assert_eq!(rows.insert_id(0), Some("x y"));
    }

    #[test]
    fn bad_key_columns_are_schema_errors() {
        let schema = TableSchema::from_json(SCHEMA).unwrap();
        let plan = Plan::compile(&schema, WalkOptions::new()).unwrap();
        for path in ["nope", "r", "r.y", "l.k", "a.b", ""] {
            let e = InsertAllEncoder::new(&plan, InsertIds::Column(path.into()));
            assert!(e.is_err(), "{path}");
        }
        assert!(InsertAllEncoder::new(&plan, InsertIds::Column("r.x".into())).is_ok());
    }

    proptest::proptest! {
        #[test]
        fn key_order_never_changes_the_row(seed in proptest::collection::vec(0usize..1000, 8)) {
            // The same row with its keys (top level and in records) in any
            // order encodes to the same canonical text.
            let mut top = vec![
                r#""a": 5"#.to_owned(),
                r#""b": "q""#.to_owned(),
                r#""l": [{"v": "2024-01-02", "k": "z"}, {"k": "y"}]"#.to_owned(),
            ];
            let mut rec = [r#""x": true"#.to_owned(), r#""y": [1, 2.5]"#.to_owned()];
            for (i, s) in seed.iter().enumerate() {
                let n = if i % 2 == 0 { top.len() } else { rec.len() };
                let (a, b) = (s % n, (s / 7) % n);
                if i % 2 == 0 { top.swap(a, b) } else { rec.swap(a, b) }
            }
            top.push(format!(r#""r": {{{}}}"#, rec.join(", ")));
            let k = seed[0] % top.len();
            let last = top.len() - 1;
            top.swap(k, last);
            let row = format!("{{{}}}\n", top.join(", "));
            let (rows, errors) = encode(SCHEMA, &row, InsertIds::None);
            proptest::prop_assert!(errors.is_empty(), "{:?}", errors);
            proptest::prop_assert_eq!(
                rows.row(0).unwrap(),
                r#"{"a":"5","b":"q","r":{"x":true,"y":[1,2.5]},"l":[{"k":"z","v":"2024-01-02"},{"k":"y"}]}"#
            );
        }
    }

    #[test]
    fn retain_and_set_ids() {
        let (mut rows, _) = encode(
            SCHEMA,
            "{\"a\": 1}\n{\"a\": 2}\n{\"a\": 3}\n",
            InsertIds::None,
        );
        assert!(rows.set_insert_id(1, Some("two".into())));
        assert!(!rows.set_insert_id(9, None));
        rows.retain(|i| i != 0);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows.row(0), Some(r#"{"a":"2"}"#));
        assert_eq!(rows.insert_id(0), Some("two"));
        assert_eq!(rows.input_row(1), Some(2));
    }
}
