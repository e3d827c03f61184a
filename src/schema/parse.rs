//! Parsing a schema from JSON.
//!
//! STUB: signatures fixed, bodies to be written.

use super::TableSchema;
use crate::error::SchemaError;

impl TableSchema {
    /// Parses and validates a schema from JSON text in any of the forms people
    /// keep on disk: the bare array `bq show --schema` prints, a REST
    /// TableSchema `{"fields": [...]}`, or a whole table resource
    /// `{"schema": {"fields": [...]}}`. Reports every problem at once.
    pub fn from_json(text: &str) -> Result<TableSchema, SchemaError> {
        let v: serde_json::Value = serde_json::from_str(text)
            .map_err(|e| SchemaError::single("", format!("not JSON: {e}")))?;
        TableSchema::from_value(&v)
    }

    /// As [`TableSchema::from_json`], from a parsed JSON value.
    pub fn from_value(value: &serde_json::Value) -> Result<TableSchema, SchemaError> {
        let _ = value;
        Err(SchemaError::single("", "unimplemented"))
    }
}
