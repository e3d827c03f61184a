//! `value`: one value between its forms.

use std::process::ExitCode;

use bqcodec::value::{Codec, Form, Policy};

use crate::{fail, parse_rounding};

pub(crate) fn value(
    type_name: &str,
    literal: &str,
    as_form: &str,
    from: Option<&str>,
    rounding: Option<&str>,
) -> ExitCode {
    let codec = match Codec::parse_type(type_name) {
        Ok(c) => c,
        Err(e) => return fail(format!("type: {e}")),
    };
    let rounding = match parse_rounding(rounding) {
        Ok(r) => r,
        Err(e) => return fail(e),
    };
    let policy = Policy::new().with_rounding(rounding);
    let result = match from {
        Some(form) => form
            .parse::<Form>()
            .and_then(|f| f.decode(&codec, literal, &policy))
            .map(|v| v.to_canonical()),
        None => as_form.parse::<Form>().and_then(|f| {
            let v = Form::Canonical.decode(&codec, literal, &policy)?;
            f.encode(&codec, &v)
        }),
    };
    match result {
        Ok(text) => {
            println!("{text}");
            ExitCode::SUCCESS
        }
        Err(e) => fail(format!("{}: {e}", codec.type_name())),
    }
}
