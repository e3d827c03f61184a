//! [`Input`]: one JSON-shaped value as the codecs see it.

/// One input value, as it came from JSON (or from a typed Rust value rendered
/// the same way).
///
/// Numbers stay as the text that was written, so that a type decides how to
/// read them: an INT64 of 2^63−1 or a NUMERIC of 38 digits is never routed
/// through `f64`.
///
/// # Examples
///
/// This also shows [`kind`](Self::kind) and [`text`](Self::text).
///
/// ```
/// use bqcodec::Input;
///
/// assert_eq!(Input::Number("-1.5e3").text(), "-1.5e3"); // number text is kept as written
/// assert_eq!(Input::Raw("[1, 2]").kind(), "an array");
/// assert_eq!(Input::Raw(r#"{"a": 1}"#).kind(), "an object");
/// assert_eq!((Input::Null.kind(), Input::Null.text()), ("null", "null"));
/// assert_eq!(Input::Bool(false).text(), "false");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Input<'a> {
    /// JSON `null`.
    Null,
    /// JSON `true` / `false`.
    Bool(bool),
    /// A JSON number, exactly as written (e.g. `-1.5e3`). Always valid JSON number syntax.
    Number(&'a str),
    /// A JSON string's contents, already unescaped.
    Str(&'a str),
    /// A JSON object or array, as its JSON text (valid JSON).
    Raw(&'a str),
}

impl<'a> Input<'a> {
    /// Names the JSON kind, for "expected …, found …" messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Input::Null => "null",
            Input::Bool(_) => "a boolean",
            Input::Number(_) => "a number",
            Input::Str(_) => "a string",
            Input::Raw(t) if t.trim_start().starts_with('[') => "an array",
            Input::Raw(_) => "an object",
        }
    }

    /// The input as text for an error message: the literal for numbers and
    /// strings, the JSON text otherwise.
    pub fn text(&self) -> &'a str {
        match self {
            Input::Null => "null",
            Input::Bool(true) => "true",
            Input::Bool(false) => "false",
            Input::Number(t) | Input::Str(t) | Input::Raw(t) => t,
        }
    }
}
