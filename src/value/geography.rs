//! GEOGRAPHY: WKT or GeoJSON geometry text, validated.
//!
//! STUB: signatures fixed, bodies to be written.

use super::Input;
use crate::error::ValueError;
use std::fmt;

/// A validated GEOGRAPHY value, held as canonical WKT.
#[derive(Debug, Clone, PartialEq)]
pub struct Geography {
    wkt: String,
}

impl Geography {
    /// WKT text, GeoJSON geometry text, or a GeoJSON object ([`Input::Raw`]).
    pub fn parse(input: Input<'_>) -> Result<Self, ValueError> {
        Err(ValueError::wrong_kind("GEOGRAPHY", input.kind()))
    }
    /// The canonical WKT.
    pub fn wkt(&self) -> &str {
        &self.wkt
    }
    /// The geometry as GeoJSON text.
    pub fn to_geojson(&self) -> String {
        String::new()
    }
}

impl fmt::Display for Geography {
    /// The canonical WKT.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.wkt)
    }
}
