//! The workloads of the head-to-head benchmark, shared by the criterion
//! bench (`benches/proto_vs_bigquery.rs`) and the instruction-count binary
//! (`src/bin/count.rs`), so both measure exactly the same code.
#![allow(dead_code, clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use bigquery::{
    BigQueryFieldMode, BigQueryFieldSchema, BigQueryFieldType, BigQueryTableSchema,
    BigQueryWriteCodecBench,
};
use bqcodec::{FieldType, Mode};
use serde::de::IgnoredAny;

/// The `bigquery` crate's schema for one of ours.
pub fn their_schema(schema: &bqcodec::TableSchema) -> BigQueryTableSchema {
    BigQueryTableSchema {
        fields: schema.fields.iter().map(their_field).collect(),
    }
}

pub fn their_field(f: &bqcodec::Field) -> BigQueryFieldSchema {
    let field_type = match f.field_type {
        FieldType::Int64 => BigQueryFieldType::Int64,
        FieldType::Float64 => BigQueryFieldType::Float64,
        FieldType::Numeric => BigQueryFieldType::Numeric(None),
        FieldType::Bool => BigQueryFieldType::Bool,
        FieldType::String => BigQueryFieldType::String { max_length: None },
        FieldType::Bytes => BigQueryFieldType::Bytes { max_length: None },
        FieldType::Date => BigQueryFieldType::Date,
        FieldType::Timestamp => BigQueryFieldType::Timestamp,
        FieldType::Json => BigQueryFieldType::Json,
        FieldType::Record => BigQueryFieldType::Struct(f.fields.iter().map(their_field).collect()),
        other => panic!("not in the bench schemas: {other:?}"),
    };
    BigQueryFieldSchema {
        name: f.name.clone(),
        field_type,
        mode: match f.mode {
            Mode::Nullable => BigQueryFieldMode::Nullable,
            Mode::Required => BigQueryFieldMode::Required,
            Mode::Repeated => BigQueryFieldMode::Repeated,
        },
        description: None,
        default_value_expression: None,
    }
}

/// A bench10 row as the `bigquery` crate wants it: BYTES as real bytes (it
/// refuses a base64 string), so the NDJSON is read into this struct.
#[derive(serde::Deserialize, serde::Serialize)]
pub struct Bench10Row {
    id: i64,
    name: Option<String>,
    amount: Option<String>,
    price: Option<f64>,
    active: Option<bool>,
    created: Option<i64>,
    day: Option<i64>,
    tags: Vec<String>,
    #[serde(
        deserialize_with = "from_base64",
        serialize_with = "serde_bytes::serialize"
    )]
    payload: Vec<u8>,
    meta: Option<String>,
}

fn from_base64<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
    use base64::Engine as _;
    let s: &str = serde::Deserialize::deserialize(d)?;
    base64::engine::general_purpose::STANDARD
        .decode(s)
        .map_err(serde::de::Error::custom)
}

/// Encodes `native` NDJSON with the `bigquery` crate: each line read into `T`
/// (the typed path its API is made for), then encoded.
pub fn theirs_from_ndjson<T: serde::de::DeserializeOwned + serde::Serialize>(
    codec: &mut BigQueryWriteCodecBench,
    native: &str,
) -> usize {
    let mut out = Vec::with_capacity(native.len());
    for line in native.lines() {
        let v: T = serde_json::from_str(line).unwrap();
        codec
            .encode(&v, &mut out)
            .unwrap_or_else(|e| panic!("bigquery crate: {e}"));
    }
    out.len()
}

pub fn ignored_any(ndjson: &str) -> usize {
    serde_json::Deserializer::from_str(ndjson)
        .into_iter::<IgnoredAny>()
        .filter(Result::is_ok)
        .count()
}
