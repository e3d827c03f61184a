#![doc = include_str!("../README.md")]
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
