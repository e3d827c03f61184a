//! What the examples share: an input path from the command line, or a file
//! bundled in the crate's `schemas/` folder.

use std::path::PathBuf;

/// Command-line argument `n` (1-based) as a path, or `schemas/<bundled>`.
pub fn input(n: usize, bundled: &str) -> PathBuf {
    std::env::args_os()
        .nth(n)
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("schemas")
                .join(bundled)
        })
}
