//! The two languages of zclab's output: English and Chinese.
//!
//! The words themselves live in the catalogue (`crate::text`); renderers
//! reach them through their `Ctx` (`tests/texts_lint.rs` fails on words
//! written anywhere else): a `Lang` only chooses which text, never holds
//! one.

use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    En,
    Zh,
}

static CHOSEN: std::sync::OnceLock<Lang> = std::sync::OnceLock::new();

/// Records the language the command line chose, once, for the messages
/// printed after the subcommand returns (errors in `main`).
pub fn set_chosen(lang: Lang) {
    let _ = CHOSEN.set(lang);
}

/// The language chosen on the command line, else the environment's.
pub fn chosen() -> Lang {
    CHOSEN.get().copied().unwrap_or_else(Lang::from_env)
}

impl Lang {
    /// The language the environment asks for: the first non-empty of
    /// `LC_ALL`, `LC_MESSAGES`, `LANG` (the POSIX order); Chinese when it
    /// starts with `zh`, English otherwise.
    pub fn from_env() -> Lang {
        for var in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            if let Ok(value) = std::env::var(var)
                && !value.is_empty()
            {
                return Lang::from_locale(&value);
            }
        }
        Lang::En
    }

    fn from_locale(value: &str) -> Lang {
        if value.to_ascii_lowercase().starts_with("zh") {
            Lang::Zh
        } else {
            Lang::En
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locale_prefix_decides() {
        assert_eq!(Lang::from_locale("zh_CN.UTF-8"), Lang::Zh);
        assert_eq!(Lang::from_locale("ZH_TW"), Lang::Zh);
        assert_eq!(Lang::from_locale("en_US.UTF-8"), Lang::En);
        assert_eq!(Lang::from_locale("C"), Lang::En);
    }
}
