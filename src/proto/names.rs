//! Proto names for BigQuery columns and nested messages, collision-free by
//! construction.
//!
//! # The problem
//!
//! BigQuery column names ("flexible column names") may hold spaces, hyphens,
//! Unicode letters, a leading digit… none of which a protobuf identifier
//! (`[A-Za-z_][A-Za-z0-9_]*`) may hold. Such a column gets a *placeholder*
//! field name and the Storage Write API's `column_name` field option carries
//! the real name. The official clients derive placeholders and nested type
//! names by pure functions of one name (base64 of the name, or path parts
//! joined with `_`), so two different inputs can map to one output: a
//! top-level RECORD `a_b` and a nested RECORD `a.b` both become `…a_b`.
//!
//! # The scheme
//!
//! Every name is allocated in a [`Scope`]: a candidate is taken only if no
//! name already in the scope conflicts with it, otherwise `_2`, `_3`, … is
//! appended until one is free. Uniqueness is then a property of the
//! allocator, not of the naming function, so no input can make two names
//! collide; the readable base names below are only a courtesy.
//!
//! Two names *conflict* in a message scope when any of these are equal:
//! - the names themselves (protobuf symbol uniqueness);
//! - their JSON names (`a_b` and `aB` both have JSON name `aB`; `_` and `__`
//!   both have the empty JSON name). protobuf's upb runtime (Python's
//!   `protobuf` package) refuses such a message even in proto2;
//! - their ASCII-lowercase forms, for generated names only (BigQuery matches
//!   field names to columns case-insensitively, so a placeholder `col_a`
//!   never sits beside a column `COL_A`).
//!
//! Order, per message: the CDC pseudo-columns first (their names are fixed),
//! then every column whose name is a valid identifier keeps it, in schema
//! order, unless its JSON name conflicts with an earlier kept name; then the
//! remaining columns get placeholders, in schema order. Because every kept
//! name is reserved before any placeholder is made, a real column named like
//! a placeholder (`col_a_b`) keeps its name and the placeholder moves on
//! (`col_a_b_2`).
//!
//! Nested message types all live in the root message (see `descriptor`), so
//! they share one type scope. A type name must differ exactly from every
//! field name anywhere in the descriptor and from the root message's name,
//! and case-insensitively from every other type name. Because no field
//! anywhere shares a type's name, a relative type reference resolves to that
//! type from any message, in every protobuf implementation.

use std::collections::HashSet;

/// True if `name` is a protobuf identifier: `[A-Za-z_][A-Za-z0-9_]*`.
///
/// Keywords of protobuf or of target languages (`message`, `class`, `from`)
/// are valid: a descriptor carries names as data, protoc accepts keywords
/// as field names, and the runtimes (upb, prost-reflect) load them.
///
/// # Examples
///
/// ```
/// use bqcodec::proto::names::is_identifier;
///
/// assert!(is_identifier("_private") && is_identifier("message")); // keywords are fine
/// assert!(!is_identifier("first name"));
/// assert!(!is_identifier("1st"));
/// assert!(!is_identifier("prix_é"));
/// ```
pub fn is_identifier(name: &str) -> bool {
    let mut bytes = name.bytes();
    match bytes.next() {
        Some(b) if b.is_ascii_alphabetic() || b == b'_' => {}
        _ => return false,
    }
    bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// The JSON name protobuf derives from a field name: each `_` is dropped and
/// the character after it upper-cased (`a_b_c` → `aBC`, `_x` → `X`).
///
/// # Examples
///
/// ```
/// use bqcodec::proto::names::json_name;
///
/// assert_eq!(json_name("a_b_c"), "aBC");
/// assert_eq!(json_name("aBC"), "aBC"); // the same JSON name: these two cannot share a message
/// assert_eq!(json_name("__"), "");
/// ```
pub fn json_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper_next = false;
    for c in name.chars() {
        if c == '_' {
            upper_next = true;
        } else if upper_next {
            out.push(c.to_ascii_uppercase());
            upper_next = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// The readable base of a placeholder field name: `col_` and the column
/// name's ASCII letters, digits and underscores, every run of other
/// characters turned into one `_` (`first name` → `col_first_name`,
/// `1st` → `col_1st`, `価格` → `col`). The scope adds a counter when the
/// base is taken, so the base need not be unique.
///
/// # Examples
///
/// ```
/// use bqcodec::proto::names::placeholder_base;
///
/// assert_eq!(placeholder_base("first name"), "col_first_name");
/// assert_eq!(placeholder_base("--a  b--"), "col_a_b");
/// assert_eq!(placeholder_base("価格"), "col");
/// ```
pub fn placeholder_base(column: &str) -> String {
    let mut out = String::from("col");
    let mut pending_sep = true;
    for c in column.chars() {
        if c.is_ascii_alphanumeric() {
            if pending_sep {
                out.push('_');
                pending_sep = false;
            }
            out.push(c);
        } else {
            pending_sep = true;
        }
    }
    out
}

/// The readable base of a message type name: the parts of `path` (proto
/// field names, outermost first) in CamelCase, `_` inside a part dropped
/// (`address` → `Address`, `line_items.tax` → `LineItemsTax`). A result that
/// does not start with a letter gets the prefix `Record`.
///
/// # Examples
///
/// ```
/// use bqcodec::proto::names::type_base;
///
/// assert_eq!(type_base(["line_items", "tax"]), "LineItemsTax");
/// assert_eq!(type_base(["col_2nd"]), "Col2nd");
/// assert_eq!(type_base(["_1"]), "Record1");
/// ```
pub fn type_base<'a>(path: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::new();
    for part in path {
        for word in part.split('_') {
            let mut chars = word.chars();
            if let Some(first) = chars.next() {
                out.push(first.to_ascii_uppercase());
                out.extend(chars);
            }
        }
    }
    if !out.starts_with(|c: char| c.is_ascii_alphabetic()) {
        out.insert_str(0, "Record");
    }
    out
}

/// `base`, then `base_2`, `base_3`, …: the candidates a scope tries in turn.
fn candidates(base: &str) -> impl Iterator<Item = String> + '_ {
    std::iter::once(base.to_owned()).chain((2u64..).map(move |n| format!("{base}_{n}")))
}

/// The field names of one message, with the keys that must stay distinct.
///
/// # Examples
///
/// This also shows [`new`](Self::new).
///
/// ```
/// use bqcodec::proto::names::Scope;
///
/// let mut scope = Scope::new();
/// assert!(scope.try_keep("col_a"));        // a real column keeps its name
/// assert_eq!(scope.allocate("col_a"), "col_a_2"); // so the placeholder moves on
/// assert_eq!(scope.allocate("COL_A"), "COL_A_3"); // case-insensitively distinct too
/// ```
#[derive(Debug, Default)]
pub struct Scope {
    exact: HashSet<String>,
    lower: HashSet<String>,
    json: HashSet<String>,
}

impl Scope {
    /// An empty scope.
    pub fn new() -> Self {
        Scope::default()
    }

    fn insert(&mut self, name: &str) {
        self.exact.insert(name.to_owned());
        self.lower.insert(name.to_ascii_lowercase());
        self.json.insert(json_name(name));
    }

    /// Keeps a column's own (valid identifier) name if neither it nor its
    /// JSON name is taken; returns whether it was kept. Case is not compared
    /// here: distinct BigQuery columns already differ case-insensitively.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::proto::names::Scope;
    ///
    /// let mut scope = Scope::new();
    /// assert!(scope.try_keep("a_b"));
    /// assert!(!scope.try_keep("aB")); // same JSON name as a_b
    /// assert!(!scope.try_keep("a_b"));
    /// ```
    pub fn try_keep(&mut self, name: &str) -> bool {
        if self.exact.contains(name) || self.json.contains(&json_name(name)) {
            return false;
        }
        self.insert(name);
        true
    }

    /// Allocates a new name from `base` (a valid identifier): the first of
    /// `base`, `base_2`, `base_3`, … whose name, ASCII-lowercase form and
    /// JSON name are all free.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::proto::names::Scope;
    ///
    /// let mut scope = Scope::new();
    /// assert_eq!(scope.allocate("col_x"), "col_x");
    /// assert_eq!(scope.allocate("col_x"), "col_x_2");
    /// // colX and colX_2 have the JSON names of col_x and col_x_2 (colX, colX2).
    /// assert_eq!(scope.allocate("colX"), "colX_3");
    /// ```
    pub fn allocate(&mut self, base: &str) -> String {
        let mut found = None;
        for candidate in candidates(base) {
            if !self.lower.contains(&candidate.to_ascii_lowercase())
                && !self.json.contains(&json_name(&candidate))
            {
                found = Some(candidate);
                break;
            }
        }
        // `candidates` is endless and the scope finite, so the loop always
        // finds a name; `unwrap_or_default` only satisfies the type checker.
        let name = found.unwrap_or_default();
        self.insert(&name);
        name
    }
}

/// The one scope of nested message type names (all nested in the root).
///
/// # Examples
///
/// This also shows [`new`](Self::new) and [`reserve_field`](Self::reserve_field).
///
/// ```
/// use bqcodec::proto::names::TypeScope;
///
/// let mut types = TypeScope::new("Row");
/// types.reserve_field("Address"); // a field may be named like a type
/// assert_eq!(types.allocate("Address"), "Address_2");
/// assert_eq!(types.allocate("ROW"), "ROW_2"); // the root's name, ignoring case
/// ```
#[derive(Debug, Default)]
pub struct TypeScope {
    /// Names a type may not take exactly: every field name, the root's name.
    reserved: HashSet<String>,
    /// ASCII-lowercase forms of the type names given out, and of the root's.
    lower: HashSet<String>,
}

impl TypeScope {
    /// A scope for the types nested in the root message `root`.
    pub fn new(root: &str) -> Self {
        let mut scope = TypeScope::default();
        scope.reserved.insert(root.to_owned());
        scope.lower.insert(root.to_ascii_lowercase());
        scope
    }

    /// Reserves a field name (of any message) so no type takes it.
    pub fn reserve_field(&mut self, name: &str) {
        self.reserved.insert(name.to_owned());
    }

    /// Allocates a type name from `base`: the first of `base`, `base_2`, …
    /// that no field has and that differs case-insensitively from every
    /// type name given out before.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::proto::names::TypeScope;
    ///
    /// let mut types = TypeScope::new("Row");
    /// assert_eq!(types.allocate("Items"), "Items");
    /// assert_eq!(types.allocate("ITEMS"), "ITEMS_2");
    /// ```
    pub fn allocate(&mut self, base: &str) -> String {
        let mut found = None;
        for candidate in candidates(base) {
            if !self.reserved.contains(&candidate)
                && !self.lower.contains(&candidate.to_ascii_lowercase())
            {
                found = Some(candidate);
                break;
            }
        }
        // As in `Scope::allocate`: the candidates are endless, the scope finite.
        let name = found.unwrap_or_default();
        self.lower.insert(name.to_ascii_lowercase());
        self.reserved.insert(name.clone());
        name
    }
}

// Tests fail by panicking; the rule against expect/panic is for library code.
#[cfg(test)]
#[allow(clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn identifiers() {
        for ok in ["a", "_", "__", "A9", "_0_", "class", "message", "col_1"] {
            assert!(is_identifier(ok), "{ok}");
        }
        for bad in ["", "0_col", "a-b", "a b", "列", "a.b", "é", "a\u{0}"] {
            assert!(!is_identifier(bad), "{bad}");
        }
    }

    #[test]
    fn json_names_follow_protobuf() {
        // protobuf's ToJsonName: drop `_`, upper-case the next character.
        assert_eq!(json_name("foo_bar"), "fooBar");
        assert_eq!(json_name("a_b_c"), "aBC");
        assert_eq!(json_name("_x"), "X");
        assert_eq!(json_name("__"), "");
        assert_eq!(json_name("_CHANGE_TYPE"), "CHANGETYPE");
        assert_eq!(json_name("x_1"), "x1");
    }

    #[test]
    fn placeholder_bases() {
        assert_eq!(placeholder_base("first name"), "col_first_name");
        assert_eq!(placeholder_base("1st"), "col_1st");
        assert_eq!(placeholder_base("a--b"), "col_a_b");
        assert_eq!(placeholder_base("-a-"), "col_a");
        assert_eq!(placeholder_base("価格"), "col");
        assert_eq!(placeholder_base("価格 (円) 2"), "col_2");
        assert_eq!(placeholder_base(""), "col");
        assert!(is_identifier(&placeholder_base("😀 x")));
    }

    #[test]
    fn type_bases() {
        assert_eq!(type_base(["address"]), "Address");
        assert_eq!(type_base(["line_items", "tax"]), "LineItemsTax");
        assert_eq!(type_base(["a_b"]), "AB");
        assert_eq!(type_base(["a", "b"]), "AB");
        assert_eq!(type_base(["_1x"]), "Record1x");
        assert_eq!(type_base(["__"]), "Record");
        assert_eq!(type_base(["col_2"]), "Col2");
    }

    #[test]
    fn scope_counts_up_past_every_kind_of_conflict() {
        let mut s = Scope::new();
        assert!(s.try_keep("col_x"));
        assert!(s.try_keep("COL_X_2")); // BigQuery would refuse col_x_2 beside it
        assert!(s.try_keep("colX3"));
        // col_x: exact; col_x_2: lowercase; col_x_3: JSON name colX3.
        assert_eq!(s.allocate("col_x"), "col_x_4");
        assert_eq!(s.allocate("col_x"), "col_x_5");
        assert!(!s.try_keep("col_x_5"));
        assert!(!s.try_keep("colX_5")); // JSON name colX5 is taken
    }

    #[test]
    fn type_scope_avoids_fields_root_and_case() {
        let mut t = TypeScope::new("Row");
        t.reserve_field("Address");
        assert_eq!(t.allocate("Address"), "Address_2");
        assert_eq!(t.allocate("ADDRESS_2"), "ADDRESS_2_2");
        assert_eq!(t.allocate("Row"), "Row_2");
        assert_eq!(t.allocate("row"), "row_3");
    }
}
