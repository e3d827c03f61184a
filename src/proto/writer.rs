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
    pub fn encode_ndjson(&self, ndjson: &[u8], first_row: usize) -> (ProtoRows, RowOutcome) {
        let mut sink = ProtoSink::new(&self.encoder);
        // Proto rows are rarely more than half their JSON text, rows rarely
        // under 64 bytes: one allocation each instead of a doubling chain.
        sink.reserve(ndjson.len() / 2, ndjson.len() / 64);
        let outcome = Walker::new(&self.plan).walk_ndjson(ndjson, first_row, &mut sink);
        (sink.take_rows(), outcome)
    }

    /// Encodes one row given as JSON text.
    pub fn encode_json(&self, row_json: &[u8], row: usize) -> Result<Vec<u8>, RowError> {
        let mut sink = ProtoSink::new(&self.encoder);
        Walker::new(&self.plan).walk_json(row_json, row, &mut sink)?;
        Ok(sink.rows().row(0).map(<[u8]>::to_vec).unwrap_or_default())
    }

    /// Encodes one `serde_json::Value` row. Note that a `Value` already holds
    /// JSON numbers as `i64`/`u64`/`f64`: a 38-digit NUMERIC given as a JSON
    /// number was rounded when the `Value` was parsed. Give such values as
    /// strings, or use the JSON-bytes entry points, which keep number text.
    pub fn encode_value(&self, value: &serde_json::Value, row: usize) -> Result<Vec<u8>, RowError> {
        let mut sink = ProtoSink::new(&self.encoder);
        Walker::new(&self.plan).walk_value(value, row, &mut sink)?;
        Ok(sink.rows().row(0).map(<[u8]>::to_vec).unwrap_or_default())
    }

    /// Encodes one typed row (anything that serializes as a JSON object).
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
    pub fn decode(&self, row: &[u8]) -> Result<String, DecodeError> {
        decode_row(&self.plan, &self.proto, row)
    }
}
