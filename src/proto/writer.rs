//! [`ProtoWriter`]: a table schema compiled once into the plan, the
//! descriptor and the encoder — the one object most callers need.

use super::decode::{DecodeError, decode_row};
use super::wire::{ProtoEncoder, ProtoRows, ProtoSink};
use super::{DescriptorOptions, ProtoSchema};
use crate::error::{RowError, SchemaError};
use crate::plan::{Plan, RowOutcome, WalkOptions, Walker};
use crate::schema::TableSchema;

/// Encodes JSON-shaped rows as Storage Write API proto rows.
///
/// ```
/// use bqcodec::proto::{DescriptorOptions, ProtoWriter};
/// use bqcodec::{plan::WalkOptions, TableSchema};
///
/// let schema = TableSchema::from_json(r#"[{"name": "n", "type": "NUMERIC"}]"#)?;
/// let writer = ProtoWriter::new(&schema, DescriptorOptions::default(), WalkOptions::new())?;
/// let (rows, outcome) = writer.encode_ndjson(b"{\"n\": 2.3}\n{\"n\": \"x\"}\n", 0);
/// assert_eq!((rows.len(), outcome.errors.len()), (1, 1));
/// assert_eq!(writer.decode(rows.row(0).unwrap_or_default()).ok().as_deref(), Some(r#"{"n":"2.3"}"#));
/// # Ok::<(), bqcodec::SchemaError>(())
/// ```
#[derive(Debug, Clone)]
pub struct ProtoWriter {
    plan: Plan,
    proto: ProtoSchema,
    encoder: ProtoEncoder,
}

impl ProtoWriter {
    /// Validates `schema` and compiles it. The CDC choice of `descriptor`
    /// also applies to the walk.
    ///
    /// # Examples
    ///
    /// This also shows [`plan`](Self::plan) and
    /// [`proto_schema`](Self::proto_schema); [`encoder`](Self::encoder) is
    /// shown on [`Walker`](crate::plan::Walker).
    ///
    /// ```
    /// use bqcodec::plan::WalkOptions;
    /// use bqcodec::proto::{DescriptorOptions, ProtoWriter};
    ///
    /// let schema = bqcodec::TableSchema::from_json(r#"[{"name": "id", "type": "INT64"}]"#)?;
    /// // The CDC choice of the descriptor applies to the walk as well.
    /// let w = ProtoWriter::new(&schema, DescriptorOptions::default().with_cdc(true), WalkOptions::new())?;
    /// assert!(w.plan().options().cdc);
    /// assert_eq!(w.proto_schema().layout().fields().len(), 3);
    /// assert_eq!(w.encode_json(br#"{"id": 1, "_CHANGE_TYPE": "DELETE"}"#, 0)?, b"\x08\x01\x12\x06DELETE");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(
        schema: &TableSchema,
        descriptor: DescriptorOptions,
        walk: WalkOptions,
    ) -> Result<Self, SchemaError> {
        let walk = walk.with_cdc(descriptor.cdc);
        let plan = Plan::compile(schema, walk)?;
        let proto = ProtoSchema::build(schema, &descriptor)?;
        let encoder = ProtoEncoder::new(&plan, &proto)?;
        Ok(ProtoWriter {
            plan,
            proto,
            encoder,
        })
    }

    /// The descriptor (send `proto_schema().descriptor_proto_bytes()` as the
    /// writer schema).
    pub fn proto_schema(&self) -> &ProtoSchema {
        &self.proto
    }

    /// The compiled plan.
    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    /// The encoder, for callers that drive their own [`ProtoSink`].
    pub fn encoder(&self) -> &ProtoEncoder {
        &self.encoder
    }

    /// Encodes NDJSON rows (row indices from `first_row`). Bad rows are
    /// reported in the outcome; the good rows are encoded, and
    /// [`ProtoRows::input_row`] maps each back to its input index.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::plan::WalkOptions;
    /// use bqcodec::proto::{DescriptorOptions, ProtoWriter};
    ///
    /// let schema = bqcodec::TableSchema::from_json(r#"[{"name": "d", "type": "DATE"}]"#)?;
    /// let w = ProtoWriter::new(&schema, DescriptorOptions::default(), WalkOptions::new())?;
    /// let (rows, outcome) = w.encode_ndjson(b"{\"d\": \"1970-01-03\"}\n{\"d\": \"1970-02-30\"}\n", 7);
    /// assert_eq!((rows.row(0), rows.input_row(0)), (Some(&[0x08, 0x02][..]), Some(7)));
    /// assert_eq!(outcome.errors[0].row, 8);
    /// # Ok::<(), bqcodec::SchemaError>(())
    /// ```
    pub fn encode_ndjson(&self, ndjson: &[u8], first_row: usize) -> (ProtoRows, RowOutcome) {
        let mut sink = ProtoSink::new(&self.encoder);
        // Proto rows are rarely more than half their JSON text, rows rarely
        // under 64 bytes: one allocation each instead of a doubling chain.
        sink.reserve(ndjson.len() / 2, ndjson.len() / 64);
        let outcome = Walker::new(&self.plan).walk_ndjson(ndjson, first_row, &mut sink);
        (sink.take_rows(), outcome)
    }

    /// Encodes one row given as JSON text.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::plan::WalkOptions;
    /// use bqcodec::proto::{DescriptorOptions, ProtoWriter};
    ///
    /// let schema = bqcodec::TableSchema::from_json(r#"[{"name": "t", "type": "TIME"}, {"name": "f", "type": "FLOAT64"}]"#)?;
    /// let w = ProtoWriter::new(&schema, DescriptorOptions::default(), WalkOptions::new())?;
    /// let row = w.encode_json(br#"{"t": "00:00:01", "f": 1.5}"#, 0)?;
    /// // TIME as CivilTime packed micros (1 << 20), FLOAT64 as a little-endian double.
    /// assert_eq!(row, [0x08, 0x80, 0x80, 0x40, 0x11, 0, 0, 0, 0, 0, 0, 0xf8, 0x3f]);
    /// // proto2 field presence: a zero is written, a NULL (or a missing key) is not.
    /// assert_eq!(w.encode_json(br#"{"f": 0}"#, 0)?, [0x11, 0, 0, 0, 0, 0, 0, 0, 0]);
    /// assert_eq!(w.encode_json(br#"{"f": null}"#, 0)?, b"");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn encode_json(&self, row_json: &[u8], row: usize) -> Result<Vec<u8>, RowError> {
        let mut sink = ProtoSink::new(&self.encoder);
        Walker::new(&self.plan).walk_json(row_json, row, &mut sink)?;
        Ok(sink.rows().row(0).map(<[u8]>::to_vec).unwrap_or_default())
    }

    /// Encodes one `serde_json::Value` row. Note that a `Value` already holds
    /// JSON numbers as `i64`/`u64`/`f64`: a 38-digit NUMERIC given as a JSON
    /// number was rounded when the `Value` was parsed. Give such values as
    /// strings, or use the JSON-bytes entry points, which keep number text.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::plan::WalkOptions;
    /// use bqcodec::proto::{DescriptorOptions, ProtoWriter};
    /// use serde_json::json;
    ///
    /// let schema = bqcodec::TableSchema::from_json(r#"[{"name": "n", "type": "NUMERIC"}]"#)?;
    /// let w = ProtoWriter::new(&schema, DescriptorOptions::default(), WalkOptions::new())?;
    /// let row = w.encode_value(&json!({"n": "0.1"}), 0)?;
    /// assert_eq!(row, [0x0a, 0x04, 0x00, 0xe1, 0xf5, 0x05]); // 10^8 as BigDecimal bytes
    /// assert!(w.encode_value(&json!({"n": [1]}), 0).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn encode_value(&self, value: &serde_json::Value, row: usize) -> Result<Vec<u8>, RowError> {
        let mut sink = ProtoSink::new(&self.encoder);
        Walker::new(&self.plan).walk_value(value, row, &mut sink)?;
        Ok(sink.rows().row(0).map(<[u8]>::to_vec).unwrap_or_default())
    }

    /// Encodes one typed row (anything that serializes as a JSON object).
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::plan::WalkOptions;
    /// use bqcodec::proto::{DescriptorOptions, ProtoWriter};
    ///
    /// #[derive(serde::Serialize)]
    /// struct Event { name: String, tags: Vec<&'static str> }
    ///
    /// let schema = bqcodec::TableSchema::from_json(r#"[{"name": "name", "type": "STRING"},
    ///     {"name": "tags", "type": "STRING", "mode": "REPEATED"}]"#)?;
    /// let w = ProtoWriter::new(&schema, DescriptorOptions::default(), WalkOptions::new())?;
    /// let row = w.encode_serialize(&Event { name: "x".into(), tags: vec!["a", "b"] }, 0)?;
    /// assert_eq!(row, b"\x0a\x01x\x12\x01a\x12\x01b");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn encode_serialize<T: serde::Serialize + ?Sized>(
        &self,
        value: &T,
        row: usize,
    ) -> Result<Vec<u8>, RowError> {
        let mut sink = ProtoSink::new(&self.encoder);
        Walker::new(&self.plan).walk_serialize(value, row, &mut sink)?;
        Ok(sink.rows().row(0).map(<[u8]>::to_vec).unwrap_or_default())
    }

    /// Decodes one serialized row into a JSON object in canonical forms,
    /// keys in schema order (the inverse of encoding).
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::plan::WalkOptions;
    /// use bqcodec::proto::{DescriptorOptions, ProtoWriter};
    ///
    /// let schema = bqcodec::TableSchema::from_json(r#"[{"name": "ts", "type": "TIMESTAMP"}, {"name": "b", "type": "BYTES"}]"#)?;
    /// let w = ProtoWriter::new(&schema, DescriptorOptions::default(), WalkOptions::new())?;
    /// let row = w.encode_json(br#"{"b": "aGk", "ts": 1}"#, 0)?;
    /// assert_eq!(w.decode(&row)?, r#"{"ts":"1970-01-01T00:00:00.000001Z","b":"aGk="}"#);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn decode(&self, row: &[u8]) -> Result<String, DecodeError> {
        decode_row(&self.plan, &self.proto, row)
    }
}
