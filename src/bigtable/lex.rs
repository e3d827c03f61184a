//! Just enough of GoogleSQL's lexical structure to wrap a caller's query in
//! `EXPORT DATA … AS (<query>)` safely.
//!
//! Why by hand: no Rust crate lexes GoogleSQL, and wrapping needs only the
//! token boundaries that decide whether text is code: string literals
//! (`'…'`, `"…"`, `'''…'''`, `"""…"""`, with `r`/`b` prefixes — a backslash
//! always takes the next character with it, raw or not, as in ZetaSQL's
//! lexer), quoted identifiers (`` `…` ``), and comments (`-- …`, `# …` to
//! the end of the line, `/* … */` not nested). Outside those it tracks
//! parentheses and `;`.

use crate::error::ValueError;

/// What a scan of SQL text found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SqlScan {
    /// The text ends inside a `--` or `#` comment (no newline after it): a
    /// closing parenthesis appended on the same line would be commented out.
    pub ends_in_line_comment: bool,
    /// The text has code (anything but whitespace and comments).
    pub has_code: bool,
}

/// Scans `sql` (what: "the query", "the filter", for messages). Rejects an
/// unterminated string, quoted identifier or block comment, unbalanced
/// parentheses, and a `;` outside strings and comments (the wrapped text
/// must be a single expression or query).
pub(crate) fn scan(sql: &str, what: &str) -> Result<SqlScan, ValueError> {
    let b = sql.as_bytes();
    let mut i = 0usize;
    let mut depth = 0usize;
    let mut has_code = false;
    let mut ends_in_line_comment = false;
    let unterminated = |kind: &str, at: usize| {
        ValueError::invalid(
            format!("{what} with every {kind} closed"),
            sql.get(at..).unwrap_or(sql),
        )
    };
    while let Some(&c) = b.get(i) {
        ends_in_line_comment = false;
        match c {
            b'-' if b.get(i + 1) == Some(&b'-') => {
                i = line_end(b, i);
                ends_in_line_comment = i >= b.len();
                continue;
            }
            b'#' => {
                i = line_end(b, i);
                ends_in_line_comment = i >= b.len();
                continue;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let start = i;
                i += 2;
                loop {
                    match (b.get(i), b.get(i + 1)) {
                        (Some(b'*'), Some(b'/')) => {
                            i += 2;
                            break;
                        }
                        (Some(_), _) => i += 1,
                        (None, _) => return Err(unterminated("/* comment */", start)),
                    }
                }
                continue;
            }
            b'\'' | b'"' => {
                has_code = true;
                let start = i;
                let triple = b.get(i + 1) == Some(&c) && b.get(i + 2) == Some(&c);
                if b.get(i + 1) == Some(&c) && !triple {
                    // An empty string '' or "".
                    i += 2;
                    continue;
                }
                i += if triple { 3 } else { 1 };
                loop {
                    match b.get(i) {
                        None => return Err(unterminated("string literal", start)),
                        Some(b'\\') => i += 2,
                        Some(&q) if q == c => {
                            if !triple {
                                i += 1;
                                break;
                            }
                            if b.get(i + 1) == Some(&c) && b.get(i + 2) == Some(&c) {
                                i += 3;
                                break;
                            }
                            i += 1;
                        }
                        Some(_) => i += 1,
                    }
                }
                continue;
            }
            b'`' => {
                has_code = true;
                let start = i;
                i += 1;
                loop {
                    match b.get(i) {
                        None => return Err(unterminated("`quoted identifier`", start)),
                        Some(b'\\') => i += 2,
                        Some(b'`') => {
                            i += 1;
                            break;
                        }
                        Some(_) => i += 1,
                    }
                }
                continue;
            }
            b'(' => {
                has_code = true;
                depth += 1;
            }
            b')' => {
                has_code = true;
                depth = depth.checked_sub(1).ok_or_else(|| {
                    ValueError::invalid(
                        format!("{what} with balanced parentheses"),
                        sql.get(i..).unwrap_or(sql),
                    )
                })?;
            }
            b';' => {
                return Err(ValueError::invalid(
                    format!(
                        "{what} as one statement without ';' (it is wrapped in EXPORT DATA … AS (…))"
                    ),
                    sql.get(i..).unwrap_or(sql),
                ));
            }
            c if c.is_ascii_whitespace() => {}
            _ => has_code = true,
        }
        i += 1;
    }
    if depth != 0 {
        return Err(ValueError::invalid(
            format!("{what} with balanced parentheses ({depth} left open)"),
            sql,
        ));
    }
    Ok(SqlScan {
        ends_in_line_comment,
        has_code,
    })
}

/// The offset of the next `\n` at or after `i`, or the end.
fn line_end(b: &[u8], i: usize) -> usize {
    b.get(i..)
        .and_then(|rest| rest.iter().position(|&x| x == b'\n'))
        .map_or(b.len(), |p| i + p)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ok(sql: &str) -> SqlScan {
        scan(sql, "the query").unwrap()
    }

    #[test]
    fn trailing_line_comments() {
        assert!(ok("SELECT 1 -- note").ends_in_line_comment);
        assert!(ok("SELECT 1 # note").ends_in_line_comment);
        assert!(!ok("SELECT 1 -- note\n").ends_in_line_comment);
        assert!(!ok("SELECT 1 /* -- */").ends_in_line_comment);
        assert!(!ok("SELECT '--'").ends_in_line_comment);
        assert!(!ok("SELECT \"#\"").ends_in_line_comment);
        assert!(!ok("SELECT `a--b`").ends_in_line_comment);
        assert!(!ok("SELECT 1 - -1").ends_in_line_comment);
        assert!(ok("SELECT 1 -- a ' quote").ends_in_line_comment);
    }

    #[test]
    fn strings_of_every_kind() {
        ok(r"SELECT 'it\'s', r'\'', b'\x00', '''a ' '' b''', '', ''");
        ok("SELECT \"a\\\"b\", \"\"\"x \"\" y\"\"\", rb\"\\\"\", \"\"\"\"\"\"");
        ok("SELECT '''\n(\n'''");
        assert!(!ok("SELECT ''").ends_in_line_comment);
        assert!(ok("-- only a comment").has_code.eq(&false));
        assert!(ok("/* c */ SELECT 1").has_code);
    }

    #[test]
    fn rejections() {
        for bad in [
            "SELECT 'open",
            "SELECT \"open",
            "SELECT '''open''",
            "SELECT `open",
            "SELECT /* open",
            "SELECT (1",
            "SELECT 1)",
            "SELECT 1; SELECT 2",
            "SELECT 1;",
            "SELECT 'a\\",
        ] {
            assert!(scan(bad, "the query").is_err(), "{bad}");
        }
        // Parentheses and ';' inside strings and comments do not count.
        ok("SELECT '(;' -- );\n");
        ok("SELECT /* ( ; */ `)`");
    }

    proptest! {
        #[test]
        fn never_panics(s in ".{0,80}") {
            let _ = scan(&s, "x");
        }

        #[test]
        fn never_panics_on_sql_tokens(parts in proptest::collection::vec(
            prop_oneof![Just("'"), Just("\""), Just("'''"), Just("`"), Just("\\"), Just("--"),
                        Just("#"), Just("/*"), Just("*/"), Just("("), Just(")"), Just("\n"), Just("a"), Just(";")],
            0..30)) {
            let s: String = parts.concat();
            let _ = scan(&s, "x");
        }
    }
}
