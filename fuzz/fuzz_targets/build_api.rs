//! The build-script API (src/build/): the first line of the input is a
//! schema file's name, the rest its content; `Builder::generate` runs on a
//! folder holding it (and a fixed second schema), in both profiles.
//! - no panic; a failure is a typed `BuildError`;
//! - a file name that names a Rust static and a schema `TableSchema::from_json`
//!   and `ProtoSchema::build` accept are generated (no spurious failure);
//! - the generated module parses as Rust (`syn`), and its string literals
//!   hold the schema name, the file name and every field name exactly (the
//!   escaping is right for any text);
//! - the written REST JSON reads back to the same schema, and the written
//!   FileDescriptorSet loads into prost-reflect.
#![no_main]

use std::collections::BTreeSet;
use std::fs;
use std::path::PathBuf;

use bqcodec::build::{BuildError, Builder};
use bqcodec::proto::{DescriptorOptions, Profile, ProtoSchema};
use bqcodec::{Field, TableSchema};
use libfuzzer_sys::fuzz_target;
use syn::visit::Visit;

const OTHER: &str = r#"[{"name": "id", "type": "INT64", "mode": "REQUIRED"}]"#;

fn work_dir() -> PathBuf {
    std::env::temp_dir().join(format!("bqcodec-fuzz-build-{}", std::process::id()))
}

#[derive(Default)]
struct Strings(BTreeSet<String>);

impl<'ast> Visit<'ast> for Strings {
    fn visit_lit_str(&mut self, s: &'ast syn::LitStr) {
        self.0.insert(s.value());
    }

    /// `vec![…]` and friends: syn keeps macro bodies as tokens, so read
    /// them as comma-separated expressions (a body that is not is an
    /// error: the generator writes only such macros).
    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        let exprs = m
            .parse_body_with(
                syn::punctuated::Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated,
            )
            .unwrap_or_else(|e| panic!("macro body is not expressions: {e}"));
        for e in &exprs {
            self.visit_expr(e);
        }
    }
}

fn names(fields: &[Field], out: &mut Vec<String>) {
    for f in fields {
        out.push(f.name.clone());
        names(&f.fields, out);
    }
}

fuzz_target!(|data: &[u8]| {
    let split = data.iter().position(|&b| b == b'\n').unwrap_or(data.len());
    let (name, content) = data.split_at(split);
    let content = content.get(1..).unwrap_or_default();
    let Ok(stem) = std::str::from_utf8(name) else {
        return;
    };
    // A name the file system takes: no separator or NUL, not too long.
    if stem.is_empty()
        || stem.len() > 100
        || stem.contains(['/', '\0'])
        || stem == "."
        || stem == ".."
    {
        return;
    }
    let file_name = format!("{stem}.schema.json");
    if file_name == "zz_other.schema.json" {
        return;
    }
    let dir = work_dir();
    let input = dir.join("in");
    let out = dir.join("out");
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&input).unwrap_or_else(|e| panic!("{e}"));
    fs::write(input.join(&file_name), content).unwrap_or_else(|e| panic!("{e}"));
    fs::write(input.join("zz_other.schema.json"), OTHER).unwrap_or_else(|e| panic!("{e}"));

    for profile in [Profile::Exact, Profile::Text] {
        let builder = Builder::new(&input).profile(profile);
        let result = builder.generate(&out);
        let parsed = std::str::from_utf8(content)
            .ok()
            .and_then(|t| TableSchema::from_json(t).ok());
        let builds = parsed.as_ref().is_some_and(|s| {
            ProtoSchema::build(s, &DescriptorOptions::default().with_profile(profile)).is_ok()
        });
        let ident_ok = stem.chars().any(|c| c.is_ascii_alphanumeric());
        let report = match result {
            Ok(r) => r,
            Err(BuildError::Invalid { problems }) => {
                assert!(!problems.is_empty());
                // The fixed file may collide with the fuzzed one's Rust name.
                let collides = problems
                    .iter()
                    .any(|p| p.problem.message.contains("would both be named"));
                assert!(
                    !(builds && ident_ok && !collides),
                    "a valid schema in {file_name:?} failed to generate: {problems:?}"
                );
                continue;
            }
            Err(e) => panic!("unexpected build error: {e}"),
        };
        let schema =
            parsed.unwrap_or_else(|| panic!("generated from a schema that does not parse"));
        let module = fs::read_to_string(&report.module_file).unwrap_or_else(|e| panic!("{e}"));
        let file = syn::parse_file(&module)
            .unwrap_or_else(|e| panic!("the generated module is not Rust: {e}\n{module}"));
        let mut strings = Strings::default();
        strings.visit_file(&file);
        let mut expected = vec![file_name.clone(), stem.to_owned()];
        names(&schema.fields, &mut expected);
        for s in &expected {
            assert!(
                strings.0.contains(s),
                "{s:?} is not a string literal of the module:\n{module}"
            );
        }
        let generated = report
            .schemas
            .iter()
            .find(|g| g.source.ends_with(&file_name))
            .unwrap_or_else(|| panic!("no output for {file_name}"));
        let json = fs::read_to_string(&generated.schema_json).unwrap_or_else(|e| panic!("{e}"));
        let back = TableSchema::from_json(&json).unwrap_or_else(|e| panic!("{e}: {json}"));
        assert_eq!(
            back, schema,
            "the written schema JSON reads back differently"
        );
        let set = fs::read(&generated.descriptor_set).unwrap_or_else(|e| panic!("{e}"));
        prost_reflect::DescriptorPool::decode(set.as_slice())
            .unwrap_or_else(|e| panic!("the descriptor set does not load: {e}"));
    }
});
