//! Validation against BigQuery's schema rules.
//!
//! STUB: signatures fixed, bodies to be written.

use super::TableSchema;
use crate::error::SchemaError;

impl TableSchema {
    /// Checks every rule; reports every problem at once, each with its field path.
    pub fn validate(&self) -> Result<(), SchemaError> {
        Ok(())
    }
}
