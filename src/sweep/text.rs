//! The sweep's texts live in the catalogue (`crate::text::sweep`); their
//! placeholders are positional, `{0}`, `{1}`, …, filled by [`fill`].

/// Fills `{0}`, `{1}`, … in `template`.
pub fn fill(template: &str, args: &[&str]) -> String {
    let mut out = template.to_string();
    for (i, a) in args.iter().enumerate() {
        out = out.replace(&format!("{{{i}}}"), a);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_in_order() {
        assert_eq!(fill("{0} of {1}", &["3", "9"]), "3 of 9");
    }
}
