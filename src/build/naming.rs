//! File names → schema names and Rust identifiers (the rules are on the
//! [`crate::build`] module).

/// The schema name of a file name: without `.json` (any case) and then
/// without a trailing `.schema` (any case). `None` for a file that does not
/// end in `.json`.
pub(super) fn schema_name(file_name: &str) -> Option<&str> {
    let stem = strip_suffix_ignore_case(file_name, ".json")?;
    Some(strip_suffix_ignore_case(stem, ".schema").unwrap_or(stem))
}

fn strip_suffix_ignore_case<'a>(s: &'a str, suffix: &str) -> Option<&'a str> {
    let cut = s.len().checked_sub(suffix.len())?;
    let (head, tail) = (s.get(..cut)?, s.get(cut..)?);
    tail.eq_ignore_ascii_case(suffix).then_some(head)
}

/// The SCREAMING_SNAKE_CASE identifier of a schema name, or `None` when the
/// name has no ASCII letter or digit.
pub(super) fn static_ident(name: &str) -> Option<String> {
    let mut out = String::with_capacity(name.len().saturating_add(8));
    // Whether a `_` is owed before the next letter or digit.
    let mut gap = false;
    let mut prev_lower_or_digit = false;
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            if (gap || (c.is_ascii_uppercase() && prev_lower_or_digit)) && !out.is_empty() {
                out.push('_');
            }
            gap = false;
            out.push(c.to_ascii_uppercase());
            prev_lower_or_digit = c.is_ascii_lowercase() || c.is_ascii_digit();
        } else {
            gap = true;
            prev_lower_or_digit = false;
        }
    }
    if out.is_empty() {
        return None;
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert_str(0, "SCHEMA_");
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Whatever the file name, the static is a Rust identifier in
        /// SCREAMING_SNAKE_CASE, and the same name always gives the same one.
        #[test]
        fn any_name_gives_a_screaming_snake_identifier_or_none(name in "\\PC{0,40}") {
            match static_ident(&name) {
                None => prop_assert!(!name.chars().any(|c| c.is_ascii_alphanumeric())),
                Some(id) => {
                    prop_assert!(id.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'));
                    prop_assert!(id.starts_with(|c: char| c.is_ascii_uppercase()));
                    prop_assert!(!id.ends_with('_') && !id.contains("__"));
                    prop_assert_eq!(static_ident(&name), Some(id));
                }
            }
        }
    }

    #[test]
    fn schema_names() {
        assert_eq!(schema_name("orders.schema.json"), Some("orders"));
        assert_eq!(schema_name("orders.json"), Some("orders"));
        assert_eq!(schema_name("Orders.Schema.JSON"), Some("Orders"));
        assert_eq!(schema_name("a.b.json"), Some("a.b"));
        assert_eq!(schema_name(".schema.json"), Some(""));
        assert_eq!(schema_name("orders.ndjson"), None);
        assert_eq!(schema_name("json"), None);
        assert_eq!(schema_name("é.json"), Some("é"));
    }

    #[test]
    fn identifiers() {
        let cases = [
            ("orders", "ORDERS"),
            ("all_types", "ALL_TYPES"),
            ("bench10", "BENCH10"),
            ("lineItems", "LINE_ITEMS"),
            ("HTTPLog", "HTTPLOG"),
            ("v2Orders", "V2_ORDERS"),
            ("a-b", "A_B"),
            ("a--b..c", "A_B_C"),
            ("  a b  ", "A_B"),
            ("_private_", "PRIVATE"),
            ("2024-events", "SCHEMA_2024_EVENTS"),
            ("café bar", "CAF_BAR"),
            ("self", "SELF"),
        ];
        for (name, ident) in cases {
            assert_eq!(static_ident(name).as_deref(), Some(ident), "{name}");
        }
        assert_eq!(static_ident(""), None);
        assert_eq!(static_ident("---"), None);
        assert_eq!(static_ident("日本"), None);
    }

    #[test]
    fn collisions_are_visible_as_equal_identifiers() {
        assert_eq!(static_ident("a-b"), static_ident("a_b"));
        assert_eq!(static_ident("Orders"), static_ident("orders"));
        assert_ne!(static_ident("a_b"), static_ident("ab"));
    }
}
