//! Table schemas: the model, parsing every on-disk JSON form, validation, and
//! serialization back to the REST form.
//!
//! - [`model`]: [`TableSchema`], [`Field`], [`FieldType`], [`Mode`]
//! - `parse`: `bq show --schema` arrays, `{"fields": [...]}`, table resources
//! - `validate`: BigQuery's rules, every problem at once with its field path
//! - `rest`: back to the REST JSON form

pub mod model;
mod parse;
mod rest;
mod validate;

pub use model::{Field, FieldType, Mode, RangeElementType, RoundingMode, TableSchema};
