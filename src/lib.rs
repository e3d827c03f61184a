#![doc = include_str!("../README.md")]
//!
//! ## One row walk, every output
//!
//! Each writer compiles the same schema into the same plan and walks each row once, so a
//! row is accepted or rejected the same way — with the same message — whatever bytes come
//! out: Storage Write protobuf, Arrow, insertAll JSON or Bigtable cells.
//!
//! ```
//! use bqcodec::insert_all::{InsertAllOptions, InsertAllWriter, InsertIds};
//! use bqcodec::{arrow::ArrowWriter, bigtable::BigtableWriter, proto::ProtoWriter};
//! use bqcodec::{plan::{Plan, WalkOptions}, TableSchema};
//!
//! let schema = TableSchema::from_json(r#"[{"name": "rowkey", "type": "STRING"}, {"name": "n", "type": "INT64"}]"#)?;
//! let rows = b"{\"rowkey\": \"a\", \"n\": 1}\n{\"rowkey\": \"b\", \"n\": 1.5}\n";
//! let insert_all = InsertAllWriter::new(&schema, WalkOptions::new(), InsertIds::None, InsertAllOptions::new())?;
//! let (bodies, outcome) = insert_all.encode_ndjson(rows, 0);
//! assert!(bodies[0].body().ends_with(r#""rows":[{"json":{"rowkey":"a","n":"1"}}]}"#));
//! let message = outcome.errors[0].to_string(); // row 1: 1.5 is no INT64
//! let proto = ProtoWriter::new(&schema, Default::default(), WalkOptions::new())?;
//! assert_eq!(proto.encode_ndjson(rows, 0).1.errors[0].to_string(), message);
//! let plan = Plan::compile(&schema, WalkOptions::new())?;
//! let mut arrow = ArrowWriter::new(&plan)?;
//! assert_eq!(arrow.push_ndjson(rows).errors[0].to_string(), message);
//! let bigtable = BigtableWriter::new(&schema, WalkOptions::new(), None, Default::default())?;
//! assert_eq!(bigtable.encode_ndjson(rows, 0).1.errors[0].to_string(), message);
//! assert!(message.starts_with("row 1: n: "));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]

#[cfg(feature = "arrow")]
pub mod arrow;
pub mod bigtable;
pub mod build;
pub mod error;
pub mod insert_all;
pub mod plan;
pub mod proto;
pub mod schema;
pub mod transport;
pub mod value;

pub use error::{FieldPath, RowError, SchemaError, SchemaProblem, ValueError};
pub use schema::{Field, FieldType, Mode, TableSchema};
pub use value::{Codec, Input, Policy, Scalar};
