//! NUMERIC and BIGNUMERIC, and BigQuery's BigDecimal byte encoding.
//!
//! STUB: signatures fixed, bodies to be written.

use super::Input;
use crate::error::ValueError;
use ethnum::I256;
use std::fmt;

/// What to do with more fractional digits than the scale allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Rounding {
    /// An error ([`ValueError::ExcessScale`]). The default: no value is silently altered.
    #[default]
    Reject,
    /// Round half away from zero (what BigQuery's parameterized NUMERIC does).
    HalfAwayFromZero,
    /// Round half to even (`ROUND_HALF_EVEN`).
    HalfEven,
}

/// The declared precision and scale of a parameterized NUMERIC/BIGNUMERIC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DecimalParams {
    /// Declared precision P (total digits), if any.
    pub precision: Option<u32>,
    /// Declared scale S (fractional digits), if any.
    pub scale: Option<u32>,
}

/// A NUMERIC value: the decimal times 10^9, exactly, in an i128.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Numeric(i128);

impl Numeric {
    /// Fractional digits.
    pub const SCALE: u32 = 9;

    /// From the scaled integer (value × 10^9); range-checked.
    pub fn from_scaled(scaled: i128) -> Result<Self, ValueError> {
        Ok(Numeric(scaled))
    }

    /// The scaled integer (value × 10^9).
    pub fn scaled(self) -> i128 {
        self.0
    }

    /// Parses a JSON number or string (decimal text, exponents allowed).
    pub fn parse(
        input: Input<'_>,
        params: DecimalParams,
        rounding: Rounding,
    ) -> Result<Self, ValueError> {
        let _ = (params, rounding);
        Err(ValueError::wrong_kind("NUMERIC", input.kind()))
    }

    /// Appends the BigDecimal encoding: the scaled integer as minimal-length
    /// little-endian two's complement (zero is one byte 0x00).
    pub fn write_bigdecimal_bytes(self, out: &mut Vec<u8>) {
        let _ = out;
    }

    /// Decodes the BigDecimal encoding.
    pub fn from_bigdecimal_bytes(bytes: &[u8]) -> Result<Self, ValueError> {
        let _ = bytes;
        Err(ValueError::invalid("NUMERIC bytes", ""))
    }
}

impl fmt::Display for Numeric {
    /// Canonical text: no exponent, no trailing fractional zeros ("1.5", "-0.000000001", "0").
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A BIGNUMERIC value: the decimal times 10^38, exactly, in a 256-bit integer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BigNumeric(I256);

impl BigNumeric {
    /// Fractional digits.
    pub const SCALE: u32 = 38;

    /// From the scaled integer (value × 10^38); every I256 is in range.
    pub fn from_scaled(scaled: I256) -> Self {
        BigNumeric(scaled)
    }

    /// The scaled integer (value × 10^38).
    pub fn scaled(self) -> I256 {
        self.0
    }

    /// Parses a JSON number or string (decimal text, exponents allowed).
    pub fn parse(
        input: Input<'_>,
        params: DecimalParams,
        rounding: Rounding,
    ) -> Result<Self, ValueError> {
        let _ = (params, rounding);
        Err(ValueError::wrong_kind("BIGNUMERIC", input.kind()))
    }

    /// Appends the BigDecimal encoding (as for [`Numeric`]).
    pub fn write_bigdecimal_bytes(self, out: &mut Vec<u8>) {
        let _ = out;
    }

    /// Decodes the BigDecimal encoding.
    pub fn from_bigdecimal_bytes(bytes: &[u8]) -> Result<Self, ValueError> {
        let _ = bytes;
        Err(ValueError::invalid("BIGNUMERIC bytes", ""))
    }
}

impl fmt::Display for BigNumeric {
    /// Canonical text, as for [`Numeric`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}
