//! GEOGRAPHY: WKT or GeoJSON geometry text, validated.
//!
//! # Inputs
//!
//! [`Geography::parse`] accepts:
//! - WKT text ([`Input::Str`]): `POINT`, `LINESTRING`, `POLYGON`, `MULTIPOINT`,
//!   `MULTILINESTRING`, `MULTIPOLYGON`, `GEOMETRYCOLLECTION`, each possibly
//!   `EMPTY`; keywords in any letter case; `MULTIPOINT` members with or
//!   without parentheses (`MULTIPOINT(1 2, 3 4)` or `MULTIPOINT((1 2), (3 4))`).
//! - GeoJSON geometry text ([`Input::Str`] whose first non-blank character is
//!   `{`), or a GeoJSON geometry object ([`Input::Raw`]).
//!
//! # What is checked, and the choices made
//!
//! - Coordinates are (longitude, latitude) pairs, finite, longitude within
//!   −180…180 and latitude within −90…90 (BigQuery's `ST_GEOGPOINT`
//!   constraints). Numbers are read as the nearest FLOAT64 (correctly
//!   rounded), as BigQuery stores them.
//! - GEOGRAPHY is two-dimensional: WKT `Z`/`M`/`ZM` geometries and GeoJSON
//!   positions with an altitude are errors (dropping the third value would
//!   alter the input silently).
//! - A line string has at least 2 points. A polygon ring has at least 4
//!   points and is closed (its last point equals its first, exactly); rings
//!   are not closed for you. Ring orientation, self-intersection and
//!   duplicate vertices are not checked: BigQuery's parser decides those
//!   (it may reject or normalise such shapes).
//! - Empty geometries (`POINT EMPTY`, `GEOMETRYCOLLECTION EMPTY`, …) are
//!   accepted and kept with their type; an empty member inside a multi-part
//!   geometry or a polygon (`POLYGON((…), EMPTY)`) is an error.
//! - GeoJSON: only geometry objects, as BigQuery's loader and
//!   `ST_GEOGFROMGEOJSON` accept ("BigQuery supports only single geometry
//!   objects in GeoJSON", *Working with geospatial data*); `Feature` and
//!   `FeatureCollection` are errors. Members other than `type`,
//!   `coordinates` (or `geometries`) and `bbox` (which is ignored, being
//!   derived from the coordinates) are errors, since a GEOGRAPHY cannot keep
//!   them. An empty `coordinates` array is the empty geometry of that type
//!   (`{"type":"Point","coordinates":[]}` is `POINT EMPTY`).
//! - Nesting of geometry collections is limited to [`MAX_NESTING`] levels.
//!
//! # Canonical WKT
//!
//! The value is held as canonical WKT, in the style of BigQuery's
//! `ST_ASTEXT`: upper-case type, no space before `(`, `", "` between
//! coordinates and between parts, one space inside a coordinate,
//! `MULTIPOINT(1 2, 3 4)` without inner parentheses, `TYPE EMPTY` for an
//! empty geometry. Coordinates are printed with the shortest decimal text
//! that reads back to the same FLOAT64 (Rust's `Display`: plain decimal,
//! no exponent; `-0` stays `-0`). [`Geography::to_geojson`] writes the same
//! geometry as GeoJSON; WKT → GeoJSON → WKT and GeoJSON → WKT → GeoJSON are
//! exact.
//!
//! # Why a hand-written WKT reader
//!
//! The `wkt` crate (0.14) reads only a prefix of its input (`POINT(1 2)
//! POINT(3 4)` reads as `POINT(1 2)`, a silent alteration), accepts an
//! `EMPTY` ring inside a polygon, recurses without a depth limit on nested
//! collections, and its writer panics on some geometries it reads. The
//! reader below is strict and depth-limited; the `wkt` crate serves as an
//! independent reader of our output in the tests. GeoJSON is read through
//! the crate's JSON scanner rather than `serde_json`/`geojson`, because
//! `serde_json`'s default float parsing is not correctly rounded (it may be
//! one unit in the last place off), which would move coordinates.

use super::Input;
use super::json;
use crate::error::ValueError;
use std::fmt;
use std::str::FromStr;

/// The deepest nesting of geometry collections accepted.
///
/// # Examples
///
/// ```
/// use bqcodec::value::geography::Geography;
///
/// let mut wkt = "POINT(1 2)".to_owned();
/// for _ in 0..33 { wkt = format!("GEOMETRYCOLLECTION({wkt})"); }
/// assert!(Geography::from_wkt(&wkt).is_err()); // 33 levels
/// let wkt = wkt.replacen("GEOMETRYCOLLECTION(", "", 1);
/// assert!(Geography::from_wkt(&wkt[..wkt.len() - 1]).is_ok()); // 32 levels
/// ```
pub const MAX_NESTING: usize = 32;

/// The default bound on GEOGRAPHY text (WKT or GeoJSON), in bytes:
/// 10,000,000, the Storage Write request limit, so no value BigQuery could
/// take is refused by default (BigQuery documents no GEOGRAPHY size limit of
/// its own). Lower it with [`Geography::parse_limited`] or
/// [`Policy::with_max_geography_bytes`](crate::value::Policy::with_max_geography_bytes).
///
/// # Examples
///
/// ```
/// use bqcodec::value::{Policy, geography::DEFAULT_MAX_GEOGRAPHY_BYTES};
///
/// assert_eq!(Policy::new().max_geography_bytes, DEFAULT_MAX_GEOGRAPHY_BYTES);
/// assert_eq!(DEFAULT_MAX_GEOGRAPHY_BYTES, 10_000_000);
/// ```
pub const DEFAULT_MAX_GEOGRAPHY_BYTES: usize = 10_000_000;

/// The nesting rule, for error messages (kept in step with [`MAX_NESTING`]).
const NESTING_RULE: &str = "geometry collections nested at most 32 deep";

/// What [`Geography::parse`] accepts, for error messages.
const EXPECTED: &str = "GEOGRAPHY (WKT such as \"POINT(-122.35 47.62)\", or a GeoJSON geometry \
                        object such as {\"type\":\"Point\",\"coordinates\":[-122.35,47.62]})";
/// The coordinate range, for error messages.
const COORD_RANGE: &str =
    "GEOGRAPHY coordinates with longitude in -180..180 and latitude in -90..90";

/// A validated GEOGRAPHY value, held as canonical WKT.
///
/// # Examples
///
/// This also shows [`wkt`](Self::wkt) and `FromStr` (WKT, or GeoJSON when
/// the text starts with `{`).
///
/// ```
/// use bqcodec::value::geography::Geography;
///
/// let g: Geography = "polygon((0 0, 1 0, 1 1, 0 0))".parse()?;
/// assert_eq!(g.wkt(), "POLYGON((0 0, 1 0, 1 1, 0 0))");
/// assert_eq!(g.to_string(), g.wkt());
/// let p: Geography = r#"{"type": "Point", "coordinates": [-122.35, 47.62]}"#.parse()?;
/// assert_eq!(p.wkt(), "POINT(-122.35 47.62)");
/// # Ok::<(), bqcodec::ValueError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Geography {
    wkt: String,
}

impl Geography {
    /// WKT text, GeoJSON geometry text, or a GeoJSON object ([`Input::Raw`]).
    ///
    /// Rejects other JSON kinds, malformed text, 3-D coordinates, coordinates
    /// out of range or not finite, line strings of one point, open or short
    /// polygon rings, GeoJSON `Feature`/`FeatureCollection` and unknown
    /// GeoJSON members; see the [module documentation](self).
    ///
    /// ```
    /// use bqcodec::value::{Input, geography::Geography};
    /// let g = Geography::parse(Input::Str("point (-122.35  47.62)"))?;
    /// assert_eq!(g.wkt(), "POINT(-122.35 47.62)");
    /// let g = Geography::parse(Input::Raw(r#"{"type":"LineString","coordinates":[[1,2],[3,4]]}"#))?;
    /// assert_eq!(g.wkt(), "LINESTRING(1 2, 3 4)");
    /// assert_eq!(g.to_geojson(), r#"{"type":"LineString","coordinates":[[1.0,2.0],[3.0,4.0]]}"#);
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn parse(input: Input<'_>) -> Result<Self, ValueError> {
        Geography::parse_limited(input, DEFAULT_MAX_GEOGRAPHY_BYTES)
    }

    /// [`Geography::parse`] with a bound on the text: WKT or GeoJSON longer
    /// than `max_bytes` bytes is refused before it is read
    /// ([`ValueError::TooLong`], unit "bytes of GEOGRAPHY text"). Parsing
    /// holds the shape in memory (16 bytes a vertex, and for GeoJSON a token
    /// tree first), so a service facing hostile input sets this below its
    /// row limit. Defaults elsewhere: [`DEFAULT_MAX_GEOGRAPHY_BYTES`], set for
    /// a walk with [`Policy::with_max_geography_bytes`](crate::value::Policy::with_max_geography_bytes).
    ///
    /// ```
    /// use bqcodec::value::{Input, geography::Geography};
    /// let e = Geography::parse_limited(Input::Str("POINT(1 2)"), 8).unwrap_err();
    /// assert_eq!(e.to_string(), "expected at most 8 bytes of GEOGRAPHY text, found 10");
    /// assert!(Geography::parse_limited(Input::Str("POINT(1 2)"), 10).is_ok());
    /// ```
    pub fn parse_limited(input: Input<'_>, max_bytes: usize) -> Result<Self, ValueError> {
        let text = match input {
            Input::Str(text) | Input::Raw(text) => text,
            other => return Err(ValueError::wrong_kind(EXPECTED, other.kind())),
        };
        if text.len() > max_bytes {
            return Err(ValueError::TooLong {
                max: u64::try_from(max_bytes).unwrap_or(u64::MAX),
                length: u64::try_from(text.len()).unwrap_or(u64::MAX),
                unit: "bytes of GEOGRAPHY text",
            });
        }
        match input {
            Input::Raw(text) => Geography::from_geojson(text),
            _ => text.parse(),
        }
    }

    /// Reads WKT text (the WKT half of [`Geography::parse`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::value::geography::Geography;
    ///
    /// assert_eq!(Geography::from_wkt("MultiPoint((1 2), (3 4))")?.wkt(), "MULTIPOINT(1 2, 3 4)");
    /// assert!(Geography::from_wkt("POINT(1 2 3)").is_err()); // 2-D only
    /// assert!(Geography::from_wkt("POINT(181 0)").unwrap_err().is_out_of_range());
    /// assert!(Geography::from_wkt("POLYGON((0 0, 1 0, 1 1, 0 1))").is_err()); // ring not closed
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn from_wkt(text: &str) -> Result<Self, ValueError> {
        let shape = WktReader::new(text)
            .read()
            .map_err(|e| e.into_value_error(text))?;
        Geography::from_shape(&shape).map_err(|e| e.into_value_error(text))
    }

    /// Reads GeoJSON geometry text (the GeoJSON half of [`Geography::parse`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::value::geography::Geography;
    ///
    /// let g = Geography::from_geojson(r#"{"type":"MultiPoint","coordinates":[[1,2],[3,4]]}"#)?;
    /// assert_eq!(g.wkt(), "MULTIPOINT(1 2, 3 4)");
    /// // Geometry objects only: a Feature is rejected.
    /// assert!(Geography::from_geojson(r#"{"type":"Feature","geometry":null,"properties":{}}"#).is_err());
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn from_geojson(text: &str) -> Result<Self, ValueError> {
        let tree = json::parse_tree(text, json::MAX_DEPTH, EXPECTED)?;
        let shape = shape_from_geojson(&tree, 0).map_err(|e| e.into_value_error(text))?;
        Geography::from_shape(&shape).map_err(|e| e.into_value_error(text))
    }

    /// The canonical WKT.
    pub fn wkt(&self) -> &str {
        &self.wkt
    }

    /// The geometry as GeoJSON text: a geometry object with `type` first,
    /// then `coordinates` (or `geometries`), numbers in `serde_json`'s
    /// shortest round-trip form (`1.0`, `-122.35`).
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::value::geography::Geography;
    ///
    /// let g = Geography::from_wkt("POINT(-122.35 47.62)")?;
    /// assert_eq!(g.to_geojson(), r#"{"type":"Point","coordinates":[-122.35,47.62]}"#);
    /// assert_eq!(Geography::from_wkt("POINT(1 2)")?.to_geojson(), r#"{"type":"Point","coordinates":[1.0,2.0]}"#);
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn to_geojson(&self) -> String {
        // The held WKT was written by `write_wkt`, which `WktReader` always
        // reads back; an empty collection stands in for the impossible failure.
        let shape = WktReader::new(&self.wkt)
            .read()
            .unwrap_or(Shape::GeometryCollection(Vec::new()));
        // Serializing a geometry of finite numbers to a String cannot fail.
        serde_json::to_string(&geojson_of(&shape)).unwrap_or_default()
    }

    /// Validates a shape and writes its canonical WKT.
    fn from_shape(shape: &Shape) -> Result<Self, Bad> {
        validate(shape)?;
        let mut wkt = String::new();
        write_wkt(shape, &mut wkt);
        Ok(Geography { wkt })
    }
}

impl FromStr for Geography {
    type Err = ValueError;

    /// WKT text, or GeoJSON geometry text when the first non-blank character is `{`.
    fn from_str(text: &str) -> Result<Self, ValueError> {
        if text.trim_start().starts_with('{') {
            Geography::from_geojson(text)
        } else {
            Geography::from_wkt(text)
        }
    }
}

impl fmt::Display for Geography {
    /// The canonical WKT.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.wkt)
    }
}

/// (longitude, latitude).
type Coord = [f64; 2];

/// A geometry as read, before validation.
#[derive(Debug, Clone, PartialEq)]
enum Shape {
    Point(Option<Coord>),
    LineString(Vec<Coord>),
    Polygon(Vec<Vec<Coord>>),
    MultiPoint(Vec<Coord>),
    MultiLineString(Vec<Vec<Coord>>),
    MultiPolygon(Vec<Vec<Vec<Coord>>>),
    GeometryCollection(Vec<Shape>),
}

/// Why an input was rejected; turned into a [`ValueError`] with the input.
#[derive(Debug, Clone, PartialEq)]
enum Bad {
    /// Malformed text or structure: what was expected, and where (byte offset).
    Syntax(String),
    /// A coordinate outside the allowed range.
    Range(Coord),
    /// A structural rule (ring closed, point counts, nesting).
    Rule(&'static str),
}

impl Bad {
    fn into_value_error(self, text: &str) -> ValueError {
        match self {
            Bad::Syntax(what) => ValueError::invalid(format!("{EXPECTED}: {what}"), text),
            Bad::Range([x, y]) => {
                ValueError::out_of_range(format!("{COORD_RANGE} (({x}, {y}) is not)"), text)
            }
            Bad::Rule(rule) => ValueError::invalid(format!("GEOGRAPHY with {rule}"), text),
        }
    }
}

fn validate(shape: &Shape) -> Result<(), Bad> {
    match shape {
        Shape::Point(point) => point.iter().try_for_each(check_coord),
        Shape::MultiPoint(points) => points.iter().try_for_each(check_coord),
        Shape::LineString(line) if line.is_empty() => Ok(()),
        Shape::LineString(line) => check_line(line),
        Shape::MultiLineString(lines) => lines.iter().try_for_each(|l| check_line(l)),
        Shape::Polygon(rings) if rings.is_empty() => Ok(()),
        Shape::Polygon(rings) => check_polygon(rings),
        Shape::MultiPolygon(polygons) => polygons.iter().try_for_each(|p| check_polygon(p)),
        Shape::GeometryCollection(members) => members.iter().try_for_each(validate),
    }
}

fn check_coord(&[x, y]: &Coord) -> Result<(), Bad> {
    if (-180.0..=180.0).contains(&x) && (-90.0..=90.0).contains(&y) {
        Ok(())
    } else {
        Err(Bad::Range([x, y]))
    }
}

fn check_line(line: &[Coord]) -> Result<(), Bad> {
    if line.len() < 2 {
        return Err(Bad::Rule("line strings of at least 2 points"));
    }
    line.iter().try_for_each(check_coord)
}

fn check_polygon(rings: &[Vec<Coord>]) -> Result<(), Bad> {
    if rings.is_empty() {
        return Err(Bad::Rule(
            "polygons of at least one ring inside a multi-polygon",
        ));
    }
    for ring in rings {
        if ring.len() < 4 {
            return Err(Bad::Rule("polygon rings of at least 4 points"));
        }
        // Bit-equal, so that -0 and 0 do not count as the same vertex.
        let same_bits = |a: &Coord, b: &Coord| {
            a[0].to_bits() == b[0].to_bits() && a[1].to_bits() == b[1].to_bits()
        };
        if !matches!((ring.first(), ring.last()), (Some(a), Some(b)) if same_bits(a, b)) {
            return Err(Bad::Rule(
                "closed polygon rings (last point equal to the first)",
            ));
        }
        ring.iter().try_for_each(check_coord)?;
    }
    Ok(())
}

/// Writes a shape's canonical WKT.
fn write_wkt(shape: &Shape, out: &mut String) {
    use std::fmt::Write as _;
    fn coords(points: &[Coord], out: &mut String) {
        for (i, [x, y]) in points.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            // Writing to a String cannot fail.
            let _ = write!(out, "{x} {y}");
        }
    }
    fn parts<T>(items: &[T], out: &mut String, mut each: impl FnMut(&T, &mut String)) {
        out.push('(');
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            each(item, out);
        }
        out.push(')');
    }
    let ring = |points: &Vec<Coord>, out: &mut String| {
        out.push('(');
        coords(points, out);
        out.push(')');
    };
    let (name, empty) = match shape {
        Shape::Point(p) => ("POINT", p.is_none()),
        Shape::LineString(v) => ("LINESTRING", v.is_empty()),
        Shape::Polygon(v) => ("POLYGON", v.is_empty()),
        Shape::MultiPoint(v) => ("MULTIPOINT", v.is_empty()),
        Shape::MultiLineString(v) => ("MULTILINESTRING", v.is_empty()),
        Shape::MultiPolygon(v) => ("MULTIPOLYGON", v.is_empty()),
        Shape::GeometryCollection(v) => ("GEOMETRYCOLLECTION", v.is_empty()),
    };
    out.push_str(name);
    if empty {
        out.push_str(" EMPTY");
        return;
    }
    match shape {
        Shape::Point(p) => ring(&p.iter().copied().collect(), out),
        Shape::LineString(v) | Shape::MultiPoint(v) => ring(v, out),
        Shape::Polygon(rings) | Shape::MultiLineString(rings) => parts(rings, out, ring),
        Shape::MultiPolygon(polygons) => {
            parts(polygons, out, |rings, out| parts(rings, out, ring));
        }
        Shape::GeometryCollection(members) => parts(members, out, write_wkt),
    }
}

/// A strict WKT reader (OGC simple features text, 2-D), depth-limited.
struct WktReader<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> WktReader<'a> {
    fn new(text: &'a str) -> Self {
        WktReader {
            text,
            bytes: text.as_bytes(),
            pos: 0,
        }
    }

    fn read(mut self) -> Result<Shape, Bad> {
        let shape = self.tagged(0)?;
        self.skip_whitespace();
        if self.pos != self.bytes.len() {
            return self.syntax("the end of the text after the geometry");
        }
        Ok(shape)
    }

    fn syntax<T>(&self, expected: &str) -> Result<T, Bad> {
        let found = match self.text.get(self.pos..) {
            Some("") | None => "the end".to_owned(),
            Some(rest) => {
                let word: String = rest.chars().take(12).collect();
                format!("{word:?}")
            }
        };
        Err(Bad::Syntax(format!(
            "expected {expected} at byte {}, found {found}",
            self.pos
        )))
    }

    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.bytes.get(self.pos) {
            self.pos += 1;
        }
    }

    fn peek(&mut self) -> Option<u8> {
        self.skip_whitespace();
        self.bytes.get(self.pos).copied()
    }

    fn eat(&mut self, byte: u8) -> bool {
        if self.peek() == Some(byte) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, byte: u8, what: &str) -> Result<(), Bad> {
        if self.eat(byte) {
            Ok(())
        } else {
            self.syntax(what)
        }
    }

    /// An ASCII word (letters), upper-cased.
    fn word(&mut self) -> String {
        self.skip_whitespace();
        let start = self.pos;
        while self
            .bytes
            .get(self.pos)
            .is_some_and(u8::is_ascii_alphabetic)
        {
            self.pos += 1;
        }
        self.text
            .get(start..self.pos)
            .unwrap_or_default()
            .to_ascii_uppercase()
    }

    /// `EMPTY` if it comes next.
    fn empty(&mut self) -> bool {
        self.skip_whitespace();
        let is_empty = self
            .bytes
            .get(self.pos..self.pos + 5)
            .is_some_and(|w| w.eq_ignore_ascii_case(b"EMPTY"))
            && !self
                .bytes
                .get(self.pos + 5)
                .is_some_and(u8::is_ascii_alphanumeric);
        if is_empty {
            self.pos += 5;
        }
        is_empty
    }

    /// `TYPE EMPTY` or `TYPE (…)`.
    fn tagged(&mut self, depth: usize) -> Result<Shape, Bad> {
        let start = self.pos;
        let name = self.word();
        let empty_shape = match name.as_str() {
            "POINT" => Shape::Point(None),
            "LINESTRING" => Shape::LineString(Vec::new()),
            "POLYGON" => Shape::Polygon(Vec::new()),
            "MULTIPOINT" => Shape::MultiPoint(Vec::new()),
            "MULTILINESTRING" => Shape::MultiLineString(Vec::new()),
            "MULTIPOLYGON" => Shape::MultiPolygon(Vec::new()),
            "GEOMETRYCOLLECTION" => Shape::GeometryCollection(Vec::new()),
            _ => {
                // `POINTZ`, `POLYGONM`, …: a known type with a dimension suffix.
                let three_d = ["ZM", "Z", "M"]
                    .iter()
                    .any(|d| name.strip_suffix(d).is_some_and(shape_name_known));
                if three_d {
                    return Err(Bad::Rule("two-dimensional coordinates (no Z or M values)"));
                }
                self.pos = start;
                self.skip_whitespace();
                return self.syntax("a geometry type such as POINT or POLYGON");
            }
        };
        if self.empty() {
            return Ok(empty_shape);
        }
        let after_name = self.pos;
        let next = self.word();
        if matches!(next.as_str(), "Z" | "M" | "ZM") {
            return Err(Bad::Rule("two-dimensional coordinates (no Z or M values)"));
        }
        self.pos = after_name;
        Ok(match empty_shape {
            Shape::Point(_) => {
                self.expect(b'(', "'(' or EMPTY")?;
                let c = self.coord()?;
                self.expect(b')', "')' after the point")?;
                Shape::Point(Some(c))
            }
            Shape::LineString(_) => Shape::LineString(self.coord_list()?),
            Shape::Polygon(_) => Shape::Polygon(self.rings()?),
            Shape::MultiPoint(_) => {
                self.expect(b'(', "'(' or EMPTY")?;
                let mut points = Vec::new();
                loop {
                    if self.eat(b'(') {
                        points.push(self.coord()?);
                        self.expect(b')', "')' after the point")?;
                    } else {
                        points.push(self.coord()?);
                    }
                    if !self.eat(b',') {
                        break;
                    }
                }
                self.expect(b')', "',' or ')'")?;
                Shape::MultiPoint(points)
            }
            Shape::MultiLineString(_) => Shape::MultiLineString(self.rings()?),
            Shape::MultiPolygon(_) => {
                self.expect(b'(', "'(' or EMPTY")?;
                let mut polygons = Vec::new();
                loop {
                    polygons.push(self.rings()?);
                    if !self.eat(b',') {
                        break;
                    }
                }
                self.expect(b')', "',' or ')'")?;
                Shape::MultiPolygon(polygons)
            }
            Shape::GeometryCollection(_) => {
                if depth >= MAX_NESTING {
                    return Err(Bad::Rule(NESTING_RULE));
                }
                self.expect(b'(', "'(' or EMPTY")?;
                let mut members = Vec::new();
                loop {
                    members.push(self.tagged(depth + 1)?);
                    if !self.eat(b',') {
                        break;
                    }
                }
                self.expect(b')', "',' or ')'")?;
                Shape::GeometryCollection(members)
            }
        })
    }

    /// `((…), (…))`: polygon rings or the lines of a multi-line string.
    fn rings(&mut self) -> Result<Vec<Vec<Coord>>, Bad> {
        self.expect(b'(', "'('")?;
        let mut rings = Vec::new();
        loop {
            if self.empty() {
                return Err(Bad::Rule("no EMPTY part inside a geometry"));
            }
            rings.push(self.coord_list()?);
            if !self.eat(b',') {
                break;
            }
        }
        self.expect(b')', "',' or ')'")?;
        Ok(rings)
    }

    /// `(x y, x y, …)`.
    fn coord_list(&mut self) -> Result<Vec<Coord>, Bad> {
        self.expect(b'(', "'('")?;
        let mut points = Vec::new();
        loop {
            points.push(self.coord()?);
            if !self.eat(b',') {
                break;
            }
        }
        self.expect(b')', "',' or ')'")?;
        Ok(points)
    }

    fn coord(&mut self) -> Result<Coord, Bad> {
        let x = self.number()?;
        let y = self.number()?;
        if self.peek().is_some_and(is_number_byte) {
            return Err(Bad::Rule("two-dimensional coordinates (no Z or M values)"));
        }
        Ok([x, y])
    }

    /// A decimal number: `[+-]digits[.digits][e[+-]digits]` (or `.digits`).
    fn number(&mut self) -> Result<f64, Bad> {
        self.skip_whitespace();
        let start = self.pos;
        while self
            .bytes
            .get(self.pos)
            .copied()
            .is_some_and(is_number_byte)
        {
            self.pos += 1;
        }
        let text = self.text.get(start..self.pos).unwrap_or_default();
        let well_formed = text
            .strip_prefix(['+', '-'])
            .unwrap_or(text)
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_digit() || b == b'.');
        match text.parse::<f64>() {
            Ok(v) if well_formed && v.is_finite() => Ok(v),
            Ok(_) if well_formed => Err(Bad::Rule("finite coordinates")),
            _ => {
                self.pos = start;
                self.syntax("a number")
            }
        }
    }
}

fn is_number_byte(b: u8) -> bool {
    b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.' | b'e' | b'E')
}

fn shape_name_known(name: &str) -> bool {
    matches!(
        name,
        "POINT"
            | "LINESTRING"
            | "POLYGON"
            | "MULTIPOINT"
            | "MULTILINESTRING"
            | "MULTIPOLYGON"
            | "GEOMETRYCOLLECTION"
    )
}

/// Reads a GeoJSON geometry object.
fn shape_from_geojson(node: &json::Node<'_>, depth: usize) -> Result<Shape, Bad> {
    use json::Node;
    let Node::Object(members) = node else {
        return Err(Bad::Syntax("a GeoJSON geometry object".to_owned()));
    };
    let member = |name: &str| members.iter().find(|(k, _)| k == name).map(|(_, v)| v);
    let kind = match member("type") {
        Some(Node::String(kind)) => kind.as_ref(),
        _ => {
            return Err(Bad::Syntax(
                "a GeoJSON object with a \"type\" string".to_owned(),
            ));
        }
    };
    let payload = match kind {
        "GeometryCollection" => "geometries",
        "Point" | "LineString" | "Polygon" | "MultiPoint" | "MultiLineString" | "MultiPolygon" => {
            "coordinates"
        }
        "Feature" | "FeatureCollection" => {
            return Err(Bad::Syntax(format!(
                "a GeoJSON geometry, not a {kind} (BigQuery accepts geometry objects only)"
            )));
        }
        other => {
            return Err(Bad::Syntax(format!(
                "a GeoJSON geometry type (Point, LineString, Polygon, MultiPoint, \
                 MultiLineString, MultiPolygon, GeometryCollection), not {other:?}"
            )));
        }
    };
    if let Some((unknown, _)) = members
        .iter()
        .find(|(k, _)| !matches!(k.as_ref(), "type" | "bbox") && k != payload)
    {
        return Err(Bad::Syntax(format!(
            "a GeoJSON {kind} with only \"type\", \"{payload}\" and \"bbox\" members, not {unknown:?}"
        )));
    }
    let Some(value) = member(payload) else {
        return Err(Bad::Syntax(format!(
            "a GeoJSON {kind} with a \"{payload}\" member"
        )));
    };
    Ok(match kind {
        "Point" => match value {
            Node::Array(items) if items.is_empty() => Shape::Point(None),
            _ => Shape::Point(Some(position(value)?)),
        },
        "LineString" => Shape::LineString(positions(value)?),
        "MultiPoint" => Shape::MultiPoint(positions(value)?),
        "Polygon" => Shape::Polygon(array_of(value, positions)?),
        "MultiLineString" => Shape::MultiLineString(array_of(value, positions)?),
        "MultiPolygon" => Shape::MultiPolygon(array_of(value, |v| array_of(v, positions))?),
        "GeometryCollection" => {
            if depth >= MAX_NESTING {
                return Err(Bad::Rule(NESTING_RULE));
            }
            Shape::GeometryCollection(array_of(value, |v| shape_from_geojson(v, depth + 1))?)
        }
        _ => return Err(Bad::Syntax("a GeoJSON geometry".to_owned())),
    })
}

fn array_of<T>(
    node: &json::Node<'_>,
    each: impl Fn(&json::Node<'_>) -> Result<T, Bad>,
) -> Result<Vec<T>, Bad> {
    match node {
        json::Node::Array(items) => items.iter().map(each).collect(),
        _ => Err(Bad::Syntax("a GeoJSON array".to_owned())),
    }
}

fn positions(node: &json::Node<'_>) -> Result<Vec<Coord>, Bad> {
    array_of(node, position)
}

/// `[longitude, latitude]`.
fn position(node: &json::Node<'_>) -> Result<Coord, Bad> {
    let number = |n: &json::Node<'_>| match n {
        // JSON number syntax is a subset of Rust's float syntax, and the
        // conversion is correctly rounded.
        json::Node::Number(text) => match text.parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(v),
            _ => Err(Bad::Rule("finite coordinates")),
        },
        _ => Err(Bad::Syntax("a GeoJSON position of numbers".to_owned())),
    };
    match node {
        json::Node::Array(items) => match items.as_slice() {
            [x, y] => Ok([number(x)?, number(y)?]),
            [_, _, _, ..] => Err(Bad::Rule("two-dimensional coordinates (no altitude)")),
            _ => Err(Bad::Syntax(
                "a GeoJSON position [longitude, latitude]".to_owned(),
            )),
        },
        _ => Err(Bad::Syntax(
            "a GeoJSON position [longitude, latitude]".to_owned(),
        )),
    }
}

/// The `geojson` crate's geometry for a shape.
fn geojson_of(shape: &Shape) -> geojson::Geometry {
    use geojson::{GeometryValue, Position};
    let position = |c: &Coord| Position::from(*c);
    let line = |v: &Vec<Coord>| v.iter().map(position).collect::<Vec<_>>();
    let rings = |v: &Vec<Vec<Coord>>| v.iter().map(line).collect::<Vec<_>>();
    let value = match shape {
        Shape::Point(Some(c)) => GeometryValue::Point {
            coordinates: position(c),
        },
        Shape::Point(None) => GeometryValue::Point {
            coordinates: Position::from(Vec::new()),
        },
        Shape::LineString(v) => GeometryValue::LineString {
            coordinates: line(v),
        },
        Shape::MultiPoint(v) => GeometryValue::MultiPoint {
            coordinates: line(v),
        },
        Shape::Polygon(v) => GeometryValue::Polygon {
            coordinates: rings(v),
        },
        Shape::MultiLineString(v) => GeometryValue::MultiLineString {
            coordinates: rings(v),
        },
        Shape::MultiPolygon(v) => GeometryValue::MultiPolygon {
            coordinates: v.iter().map(rings).collect(),
        },
        Shape::GeometryCollection(members) => GeometryValue::GeometryCollection {
            geometries: members.iter().map(geojson_of).collect(),
        },
    };
    geojson::Geometry::new(value)
}

#[cfg(feature = "geo")]
mod geo {
    //! geo-types interop (cargo feature `geo`).

    use super::{Bad, Coord, Geography, NESTING_RULE, Shape, WktReader};
    use crate::error::ValueError;
    use geo_types as gt;

    fn coord(c: gt::Coord<f64>) -> Coord {
        [c.x, c.y]
    }

    fn line(l: &gt::LineString<f64>) -> Vec<Coord> {
        l.0.iter().copied().map(coord).collect()
    }

    fn polygon(p: &gt::Polygon<f64>) -> Result<Vec<Vec<Coord>>, Bad> {
        if p.exterior().0.is_empty() {
            return if p.interiors().is_empty() {
                Ok(Vec::new())
            } else {
                Err(Bad::Rule("a non-empty exterior ring when it has holes"))
            };
        }
        Ok(std::iter::once(p.exterior())
            .chain(p.interiors())
            .map(line)
            .collect())
    }

    fn shape(g: &gt::Geometry<f64>, depth: usize) -> Result<Shape, Bad> {
        Ok(match g {
            gt::Geometry::Point(p) => Shape::Point(Some(coord(p.0))),
            gt::Geometry::Line(l) => Shape::LineString(vec![coord(l.start), coord(l.end)]),
            gt::Geometry::LineString(l) => Shape::LineString(line(l)),
            gt::Geometry::Polygon(p) => Shape::Polygon(polygon(p)?),
            gt::Geometry::MultiPoint(m) => {
                Shape::MultiPoint(m.0.iter().map(|p| coord(p.0)).collect())
            }
            gt::Geometry::MultiLineString(m) => {
                Shape::MultiLineString(m.0.iter().map(line).collect())
            }
            gt::Geometry::MultiPolygon(m) => {
                let polygons = m.0.iter().map(polygon).collect::<Result<Vec<_>, _>>()?;
                if polygons.iter().any(Vec::is_empty) {
                    return Err(Bad::Rule("no EMPTY part inside a geometry"));
                }
                Shape::MultiPolygon(polygons)
            }
            gt::Geometry::GeometryCollection(c) => {
                if depth >= super::MAX_NESTING {
                    return Err(Bad::Rule(NESTING_RULE));
                }
                Shape::GeometryCollection(
                    c.0.iter()
                        .map(|g| shape(g, depth + 1))
                        .collect::<Result<_, _>>()?,
                )
            }
            gt::Geometry::Rect(r) => Shape::Polygon(polygon(&r.to_polygon())?),
            gt::Geometry::Triangle(t) => Shape::Polygon(polygon(&t.to_polygon())?),
        })
    }

    fn to_geo(s: &Shape) -> Result<gt::Geometry<f64>, ValueError> {
        let c = |&[x, y]: &Coord| gt::Coord { x, y };
        let ls = |v: &Vec<Coord>| gt::LineString(v.iter().map(c).collect());
        let poly = |rings: &Vec<Vec<Coord>>| match rings.split_first() {
            Some((exterior, interiors)) => {
                gt::Polygon::new(ls(exterior), interiors.iter().map(ls).collect())
            }
            None => gt::Polygon::new(gt::LineString(Vec::new()), Vec::new()),
        };
        Ok(match s {
            Shape::Point(Some(p)) => gt::Geometry::Point(gt::Point(c(p))),
            Shape::Point(None) => {
                return Err(ValueError::invalid(
                    "a GEOGRAPHY other than POINT EMPTY (geo-types has no empty point)",
                    "POINT EMPTY",
                ));
            }
            Shape::LineString(v) => gt::Geometry::LineString(ls(v)),
            Shape::Polygon(rings) => gt::Geometry::Polygon(poly(rings)),
            Shape::MultiPoint(v) => gt::Geometry::MultiPoint(gt::MultiPoint(
                v.iter().map(|p| gt::Point(c(p))).collect(),
            )),
            Shape::MultiLineString(v) => {
                gt::Geometry::MultiLineString(gt::MultiLineString(v.iter().map(ls).collect()))
            }
            Shape::MultiPolygon(v) => {
                gt::Geometry::MultiPolygon(gt::MultiPolygon(v.iter().map(poly).collect()))
            }
            Shape::GeometryCollection(members) => gt::Geometry::GeometryCollection(
                gt::GeometryCollection(members.iter().map(to_geo).collect::<Result<_, _>>()?),
            ),
        })
    }

    impl TryFrom<&Geography> for gt::Geometry<f64> {
        type Error = ValueError;

        /// The geometry as geo-types. `POINT EMPTY` (alone or inside a
        /// collection) is an error: geo-types cannot hold an empty point.
        /// Other empty geometries become empty geo-types values
        /// (`POLYGON EMPTY` is a polygon with an empty exterior ring).
        fn try_from(value: &Geography) -> Result<Self, ValueError> {
            let shape = WktReader::new(&value.wkt)
                .read()
                .map_err(|e| e.into_value_error(&value.wkt))?;
            to_geo(&shape)
        }
    }

    impl TryFrom<gt::Geometry<f64>> for Geography {
        type Error = ValueError;

        /// A geo-types geometry, validated as [`Geography::parse`] validates
        /// (range, finite coordinates, closed rings of at least 4 points,
        /// lines of at least 2 points). `Line` becomes a 2-point
        /// `LINESTRING`; `Rect` and `Triangle` become their `POLYGON`.
        fn try_from(value: gt::Geometry<f64>) -> Result<Self, ValueError> {
            let found = || format!("{value:?}");
            let shape = shape(&value, 0).map_err(|e| e.into_value_error(&found()))?;
            Geography::from_shape(&shape).map_err(|e| e.into_value_error(&found()))
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use crate::value::Input;

        fn geog(text: &str) -> Option<Geography> {
            Geography::parse(Input::Str(text)).ok()
        }

        #[test]
        fn round_trips_through_geo_types() {
            for text in [
                "POINT(1 2)",
                "LINESTRING(1 2, 3 4)",
                "POLYGON((0 0, 1 0, 1 1, 0 0), (0.1 0.1, 0.2 0.1, 0.2 0.2, 0.1 0.1))",
                "MULTIPOINT(1 2, 3 4)",
                "MULTILINESTRING((1 2, 3 4), (5 6, 7 8))",
                "MULTIPOLYGON(((0 0, 1 0, 1 1, 0 0)), ((2 2, 3 2, 3 3, 2 2)))",
                "GEOMETRYCOLLECTION(POINT(1 2), LINESTRING(1 2, 3 4))",
                "LINESTRING EMPTY",
                "POLYGON EMPTY",
                "MULTIPOINT EMPTY",
                "GEOMETRYCOLLECTION EMPTY",
            ] {
                let g = geog(text);
                assert_eq!(g.as_ref().map(Geography::wkt), Some(text));
                let geo = g.as_ref().map(gt::Geometry::<f64>::try_from);
                let back = geo.and_then(Result::ok).map(Geography::try_from);
                assert_eq!(back.and_then(Result::ok), g, "{text}");
            }
            let empty_point = geog("POINT EMPTY");
            assert!(
                empty_point
                    .as_ref()
                    .map(gt::Geometry::<f64>::try_from)
                    .is_some_and(|r| r.is_err())
            );
        }

        #[test]
        fn geo_types_are_validated() {
            let far = gt::Geometry::Point(gt::Point::new(181.0, 0.0));
            assert!(Geography::try_from(far).is_err_and(|e| e.is_out_of_range()));
            let nan = gt::Geometry::Point(gt::Point::new(f64::NAN, 0.0));
            assert!(Geography::try_from(nan).is_err());
            let short = gt::Geometry::LineString(gt::LineString::from(vec![(1.0, 2.0)]));
            assert!(Geography::try_from(short).is_err());
            let rect = gt::Geometry::Rect(gt::Rect::new((0.0, 0.0), (1.0, 2.0)));
            assert_eq!(
                Geography::try_from(rect)
                    .ok()
                    .map(|g| g.wkt().to_owned())
                    .as_deref(),
                Some("POLYGON((1 0, 1 2, 0 2, 0 0, 1 0))")
            );
            let line = gt::Geometry::Line(gt::Line::new((0.0, 0.0), (1.0, 2.0)));
            assert_eq!(
                Geography::try_from(line)
                    .ok()
                    .map(|g| g.wkt().to_owned())
                    .as_deref(),
                Some("LINESTRING(0 0, 1 2)")
            );
        }

        #[test]
        fn error_names_expected() {
            let e = Geography::try_from(gt::Geometry::Point(gt::Point::new(0.0, 91.0)));
            assert!(matches!(e, Err(ValueError::OutOfRange { .. })), "{e:?}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn wkt_of(input: Input<'_>) -> Result<String, ValueError> {
        Geography::parse(input).map(|g| g.wkt().to_owned())
    }

    fn canon(text: &str) -> String {
        wkt_of(Input::Str(text)).unwrap_or_else(|e| format!("error: {e}"))
    }

    #[test]
    fn wkt_inputs() {
        let cases = [
            // BigQuery data types reference (Geography type) and geography
            // functions reference examples.
            ("POINT(-122.35 47.62)", "POINT(-122.35 47.62)"),
            ("MULTIPOINT(1 1, 2 2)", "MULTIPOINT(1 1, 2 2)"),
            ("MULTIPOINT((1 1), (2 2))", "MULTIPOINT(1 1, 2 2)"),
            (
                "GEOMETRYCOLLECTION(POINT(1 1), POINT(2 2))",
                "GEOMETRYCOLLECTION(POINT(1 1), POINT(2 2))",
            ),
            ("POINT(-121 41)", "POINT(-121 41)"),
            (
                "LINESTRING(-124.20 42.00, -120.01 41.99)",
                "LINESTRING(-124.2 42, -120.01 41.99)",
            ),
            (
                "POLYGON((-124.2 42, -120.01 41.99, -121.7 43.5, -124.2 42))",
                "POLYGON((-124.2 42, -120.01 41.99, -121.7 43.5, -124.2 42))",
            ),
            // Case, whitespace and number spellings.
            ("  point ( 1.50e1\t-2 )\n", "POINT(15 -2)"),
            ("Point(+1 .5)", "POINT(1 0.5)"),
            ("POINT(1E-7 -0)", "POINT(0.0000001 -0)"),
            ("POINT(180 90)", "POINT(180 90)"),
            ("POINT(-180 -90)", "POINT(-180 -90)"),
            (
                "MULTILINESTRING((1 2,3 4),(5 6, 7 8))",
                "MULTILINESTRING((1 2, 3 4), (5 6, 7 8))",
            ),
            (
                "MULTIPOLYGON(((0 0,1 0,1 1,0 0)),((2 2,3 2,3 3,2 2),(2.1 2.1,2.2 2.1,2.2 2.2,2.1 2.1)))",
                "MULTIPOLYGON(((0 0, 1 0, 1 1, 0 0)), ((2 2, 3 2, 3 3, 2 2), (2.1 2.1, 2.2 2.1, 2.2 2.2, 2.1 2.1)))",
            ),
            (
                "GEOMETRYCOLLECTION(POINT EMPTY, GEOMETRYCOLLECTION(LINESTRING(1 2, 3 4)))",
                "GEOMETRYCOLLECTION(POINT EMPTY, GEOMETRYCOLLECTION(LINESTRING(1 2, 3 4)))",
            ),
            // Empty geometries keep their type.
            ("POINT EMPTY", "POINT EMPTY"),
            ("linestring empty", "LINESTRING EMPTY"),
            ("POLYGON EMPTY", "POLYGON EMPTY"),
            ("MULTIPOINT EMPTY", "MULTIPOINT EMPTY"),
            ("MULTILINESTRING EMPTY", "MULTILINESTRING EMPTY"),
            ("MULTIPOLYGON EMPTY", "MULTIPOLYGON EMPTY"),
            ("GEOMETRYCOLLECTION EMPTY", "GEOMETRYCOLLECTION EMPTY"),
        ];
        for (input, want) in cases {
            assert_eq!(canon(input), want, "{input}");
        }
    }

    #[test]
    fn geojson_inputs() {
        let cases = [
            // Working with geospatial data: { "type": "Point", "coordinates": [-121,41] }.
            (
                r#"{ "type": "Point", "coordinates": [-121,41] }"#,
                "POINT(-121 41)",
            ),
            (r#"{"type":"Point","coordinates":[]}"#, "POINT EMPTY"),
            (
                r#"{"type":"LineString","coordinates":[[1,2],[3.5,4e0]],"bbox":[1,2,3.5,4]}"#,
                "LINESTRING(1 2, 3.5 4)",
            ),
            (
                r#"{"coordinates":[[1,2]],"type":"MultiPoint"}"#,
                "MULTIPOINT(1 2)",
            ),
            (
                r#"{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}"#,
                "POLYGON((0 0, 1 0, 1 1, 0 0))",
            ),
            (r#"{"type":"Polygon","coordinates":[]}"#, "POLYGON EMPTY"),
            (
                r#"{"type":"MultiLineString","coordinates":[[[1,2],[3,4]]]}"#,
                "MULTILINESTRING((1 2, 3 4))",
            ),
            (
                r#"{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]]]}"#,
                "MULTIPOLYGON(((0 0, 1 0, 1 1, 0 0)))",
            ),
            (
                r#"{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[1,2]}]}"#,
                "GEOMETRYCOLLECTION(POINT(1 2))",
            ),
            (
                r#"{"type":"GeometryCollection","geometries":[]}"#,
                "GEOMETRYCOLLECTION EMPTY",
            ),
        ];
        for (input, want) in cases {
            assert_eq!(canon(input), want, "{input}");
            assert_eq!(
                wkt_of(Input::Raw(input)).ok().as_deref(),
                Some(want),
                "{input}"
            );
        }
    }

    #[test]
    fn rejections() {
        let bad = [
            "",
            "POINT",
            "POINT()",
            "POINT(1)",
            "POINT(1 2",
            "POINT(1 2))",
            "POINT(1 2) POINT(3 4)",
            "POINT(1 2) x",
            "POINT(1,2)",
            "POINT(1 2,3 4)",
            "POINT(a b)",
            "POINT(NaN 2)",
            "POINT(inf 2)",
            "POINT(1.5.5 2)",
            "POINT(0x10 2)",
            "POINT(1\u{a0}2)",
            "POINT(- 2)",
            "POINT(e5 2)",
            "POINTEMPTY",
            "POINT EMPTYX",
            "CIRCLE(1 2)",
            "LINESTRING()",
            "LINESTRING(1 2,)",
            "POLYGON((0 0, 1 0, 1 1, 0 0), EMPTY)",
            "POLYGON(EMPTY)",
            "MULTIPOINT(EMPTY)",
            "MULTIPOINT((1 2), EMPTY)",
            "MULTIPOLYGON(((0 0, 1 0, 1 1, 0 0)), EMPTY)",
            "GEOMETRYCOLLECTION(POINT(1 2) POINT(3 4))",
            "GEOMETRYCOLLECTION()",
            "POINT Z (1 2 3)",
            "POINTZ(1 2 3)",
            "POINT M (1 2 3)",
            "POINT ZM (1 2 3 4)",
            "POINT(1 2 3)",
            "LINESTRING(1 2 3, 4 5 6)",
            "POINT(1e400 2)",
            "LINESTRING(1 2)",
            "LINESTRING(1 2) ",
            "POLYGON((0 0, 1 0, 1 1))",
            "POLYGON((0 0, 1 0, 1 1, 0 1))",
            "POLYGON((0 0, 1 0, 0 0))",
            "MULTILINESTRING((1 2))",
            // GeoJSON.
            "{}",
            "{\"type\":\"Point\"}",
            "{\"type\":\"Point\",\"coordinates\":[1]}",
            "{\"type\":\"Point\",\"coordinates\":[1,2,3]}",
            "{\"type\":\"Point\",\"coordinates\":[\"1\",2]}",
            "{\"type\":\"Point\",\"coordinates\":1}",
            "{\"type\":\"Point\",\"coordinates\":[1,2],\"crs\":null}",
            "{\"type\":\"Point\",\"coordinates\":[1,2],\"properties\":{}}",
            "{\"type\":\"point\",\"coordinates\":[1,2]}",
            "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[1,2]},\"properties\":{}}",
            "{\"type\":\"FeatureCollection\",\"features\":[]}",
            "{\"type\":\"Point\",\"coordinates\":[1e400,2]}",
            "{\"type\":\"Point\",\"coordinates\":[1,2]",
            "{\"type\":\"Point\",\"coordinates\":[1,2],\"type\":\"Point\"}",
            "{\"type\":\"GeometryCollection\",\"coordinates\":[]}",
            "{\"type\":\"LineString\",\"coordinates\":[[1,2]]}",
            "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,1],[0,1]]]}",
            "{\"type\":\"MultiPolygon\",\"coordinates\":[[]]}",
            "[1,2]",
        ];
        for text in bad {
            assert!(wkt_of(Input::Str(text)).is_err(), "{text:?}");
        }
        for input in [Input::Null, Input::Bool(true), Input::Number("1")] {
            assert_eq!(
                Geography::parse(input),
                Err(ValueError::wrong_kind(EXPECTED, input.kind()))
            );
        }
        // A WKT string given as a JSON object is not read as WKT.
        assert!(wkt_of(Input::Raw("[1,2]")).is_err());
    }

    #[test]
    fn range_and_messages() {
        for text in [
            "POINT(180.0000001 0)",
            "POINT(-181 0)",
            "POINT(0 90.5)",
            "POINT(0 -91)",
            "LINESTRING(0 0, 200 0)",
            "{\"type\":\"Point\",\"coordinates\":[0,-90.000001]}",
        ] {
            assert!(
                wkt_of(Input::Str(text)).is_err_and(|e| e.is_out_of_range()),
                "{text}"
            );
        }
        let e = wkt_of(Input::Str("POINT(1 2) POINT(3 4)"));
        assert_eq!(
            e,
            Err(ValueError::invalid(
                format!(
                    "{EXPECTED}: expected the end of the text after the geometry at byte 11, \
                     found \"POINT(3 4)\""
                ),
                "POINT(1 2) POINT(3 4)"
            ))
        );
        let e = wkt_of(Input::Str("POLYGON((0 0, 1 0, 1 1, 0 1))"));
        assert_eq!(
            e,
            Err(ValueError::invalid(
                "GEOGRAPHY with closed polygon rings (last point equal to the first)",
                "POLYGON((0 0, 1 0, 1 1, 0 1))"
            ))
        );
        let e = wkt_of(Input::Str("POINT Z (1 2 3)"));
        assert_eq!(
            e,
            Err(ValueError::invalid(
                "GEOGRAPHY with two-dimensional coordinates (no Z or M values)",
                "POINT Z (1 2 3)"
            ))
        );
        let e = wkt_of(Input::Raw(
            r#"{"type":"Feature","geometry":null,"properties":{}}"#,
        ));
        assert!(
            matches!(&e, Err(ValueError::Invalid { expected, .. }) if expected.contains("not a Feature")),
            "{e:?}"
        );
    }

    #[test]
    fn nesting_limit() {
        assert!(NESTING_RULE.contains(&MAX_NESTING.to_string()));
        let nest = |n: usize| {
            format!(
                "{}POINT(1 2){}",
                "GEOMETRYCOLLECTION(".repeat(n),
                ")".repeat(n)
            )
        };
        assert!(wkt_of(Input::Str(&nest(MAX_NESTING))).is_ok());
        assert!(wkt_of(Input::Str(&nest(MAX_NESTING + 1))).is_err());
        // Deep input fails without exhausting the stack.
        assert!(wkt_of(Input::Str(&nest(100_000))).is_err());
        let nest_json = |n: usize| {
            format!(
                "{}{{\"type\":\"Point\",\"coordinates\":[1,2]}}{}",
                r#"{"type":"GeometryCollection","geometries":["#.repeat(n),
                "]}".repeat(n)
            )
        };
        assert!(wkt_of(Input::Raw(&nest_json(MAX_NESTING))).is_ok());
        assert!(wkt_of(Input::Raw(&nest_json(MAX_NESTING + 1))).is_err());
        assert!(wkt_of(Input::Raw(&nest_json(10_000))).is_err());
    }

    #[test]
    fn geojson_output() {
        let cases = [
            ("POINT(1 2)", r#"{"type":"Point","coordinates":[1.0,2.0]}"#),
            ("POINT EMPTY", r#"{"type":"Point","coordinates":[]}"#),
            (
                "LINESTRING EMPTY",
                r#"{"type":"LineString","coordinates":[]}"#,
            ),
            (
                "POLYGON((0 0, 1 0, 1 1, 0 0))",
                r#"{"type":"Polygon","coordinates":[[[0.0,0.0],[1.0,0.0],[1.0,1.0],[0.0,0.0]]]}"#,
            ),
            (
                "GEOMETRYCOLLECTION(POINT(-122.35 47.62))",
                r#"{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[-122.35,47.62]}]}"#,
            ),
            (
                "MULTIPOINT(1 2)",
                r#"{"type":"MultiPoint","coordinates":[[1.0,2.0]]}"#,
            ),
        ];
        for (wkt, want) in cases {
            let g = Geography::parse(Input::Str(wkt));
            assert_eq!(
                g.as_ref().map(Geography::to_geojson).ok().as_deref(),
                Some(want)
            );
            // And back.
            assert_eq!(wkt_of(Input::Str(want)).ok().as_deref(), Some(wkt));
        }
    }

    /// Coordinates, biased towards awkward values.
    fn coord() -> impl Strategy<Value = Coord> {
        let lng = prop_oneof![
            -180.0..=180.0f64,
            Just(180.0),
            Just(-180.0),
            Just(-0.0),
            Just(1e-300),
            Just(0.1)
        ];
        let lat = prop_oneof![-90.0..=90.0f64, Just(90.0), Just(-90.0), Just(5e-324)];
        (lng, lat).prop_map(|(x, y)| [x, y])
    }

    fn ring() -> impl Strategy<Value = Vec<Coord>> {
        prop::collection::vec(coord(), 3..6).prop_map(|mut v| {
            if let Some(&first) = v.first() {
                v.push(first);
            }
            v
        })
    }

    fn shape() -> impl Strategy<Value = Shape> {
        let leaf = prop_oneof![
            prop::option::of(coord()).prop_map(Shape::Point),
            prop::collection::vec(coord(), 2..5).prop_map(Shape::LineString),
            Just(Shape::LineString(Vec::new())),
            prop::collection::vec(ring(), 0..3).prop_map(Shape::Polygon),
            prop::collection::vec(coord(), 0..4).prop_map(Shape::MultiPoint),
            prop::collection::vec(prop::collection::vec(coord(), 2..4), 0..3)
                .prop_map(Shape::MultiLineString),
            prop::collection::vec(prop::collection::vec(ring(), 1..3), 0..3)
                .prop_map(Shape::MultiPolygon),
        ];
        leaf.prop_recursive(3, 16, 4, |inner| {
            prop::collection::vec(inner, 0..4).prop_map(Shape::GeometryCollection)
        })
    }

    fn same_bits(a: &Shape, b: &Shape) -> bool {
        let mut wa = String::new();
        let mut wb = String::new();
        write_wkt(a, &mut wa);
        write_wkt(b, &mut wb);
        // Shortest round-trip text is unique per FLOAT64, so equal text means
        // equal bits (and -0 prints as "-0").
        wa == wb && a == b
    }

    proptest! {
        #[test]
        fn wkt_geojson_round_trip(s in shape()) {
            let g = Geography::from_shape(&s);
            prop_assert!(g.is_ok(), "{:?}", g);
            let Ok(g) = g else { return Ok(()) };
            // WKT → value → WKT.
            let again = Geography::parse(Input::Str(g.wkt()));
            prop_assert_eq!(again.as_ref().ok(), Some(&g));
            let read = WktReader::new(g.wkt()).read();
            prop_assert!(read.as_ref().is_ok_and(|r| same_bits(r, &s)), "{:?}", read);
            // WKT → GeoJSON → WKT, both as text and as a JSON object.
            let geojson = g.to_geojson();
            prop_assert_eq!(Geography::parse(Input::Str(&geojson)).ok(), Some(g.clone()));
            prop_assert_eq!(Geography::parse(Input::Raw(&geojson)).ok(), Some(g.clone()));
            // The wkt crate reads our output to the same coordinates.
            let theirs: Result<wkt::Wkt<f64>, _> = g.wkt().parse();
            prop_assert!(theirs.is_ok(), "{}", g.wkt());
        }

        #[test]
        fn out_of_range_is_rejected(x in -1e6..1e6f64, y in -1e3..1e3f64) {
            let text = format!("POINT({x} {y})");
            let ok = (-180.0..=180.0).contains(&x) && (-90.0..=90.0).contains(&y);
            prop_assert_eq!(Geography::parse(Input::Str(&text)).is_ok(), ok);
        }

        #[test]
        fn no_panic_on_arbitrary_text(text in ".{0,64}") {
            let _ = Geography::parse(Input::Str(&text));
            let _ = Geography::parse(Input::Raw(&text));
        }

        #[test]
        fn no_panic_on_wkt_like_text(text in "(POINT|LINESTRING|POLYGON|MULTIPOINT|GEOMETRYCOLLECTION|EMPTY|[(), 0-9.eE+-]){0,24}") {
            if let Ok(g) = Geography::parse(Input::Str(&text)) {
                prop_assert_eq!(Geography::parse(Input::Str(g.wkt())).ok(), Some(g));
            }
        }
    }
}
