//! Exit codes and the error kinds that choose them.
//!
//! Everything travels as `anyhow::Error`; the marker types here ride inside
//! the chain so that `main` can pick the exit code without string matching.

use std::fmt;

use crate::lang::Lang;
use crate::text::Text;

/// A run-time failure: the transfer failed, the kernel refused, the run did
/// not verify.
pub const EXIT_FAILURE: u8 = 1;
/// Bad usage or bad input: a missing file, a directory, a bad size.
pub const EXIT_USAGE: u8 = 2;
/// Stopped by Ctrl-C (128 + SIGINT, the shell's convention), whether the
/// signal killed zclab or zclab read Ctrl-C as a key and quit cleanly.
pub const EXIT_INTERRUPTED: u8 = 130;

/// An error in what the user gave us (a path, a size, a flag value). It maps
/// to exit code 2, like clap's own usage errors.
#[derive(Debug)]
pub struct InputError(pub String);

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for InputError {}

/// Shorthand for returning an [`InputError`] as an `anyhow::Error`.
pub fn input(msg: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(InputError(msg.into()))
}

/// An error worded in the catalogue, kept in both languages so that `main`
/// prints it in the user's ([`message`]). `usage` marks bad input (exit 2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Localized {
    pub en: String,
    pub zh: String,
    pub usage: bool,
}

impl Localized {
    /// `text` with its placeholders filled, in both languages.
    pub fn new(text: Text, args: &[(&str, &dyn fmt::Display)]) -> Localized {
        Localized {
            en: text.fill(Lang::En, args),
            zh: text.fill(Lang::Zh, args),
            usage: false,
        }
    }

    /// `text` around an inner message (`{name}` gets the inner one in the
    /// same language), plus plain `args`.
    pub fn around(
        text: Text,
        name: &str,
        inner: &Localized,
        args: &[(&str, &dyn fmt::Display)],
    ) -> Localized {
        Localized::compose(text, &[(name, inner)], args)
    }

    /// `text` with several inner messages (each `{name}` gets its inner
    /// message in the same language), plus plain `args`. Bad input if any
    /// inner message is.
    pub fn compose(
        text: Text,
        inners: &[(&str, &Localized)],
        args: &[(&str, &dyn fmt::Display)],
    ) -> Localized {
        let fill = |lang| {
            let words: Vec<(&str, &str)> = inners.iter().map(|(n, l)| (*n, l.get(lang))).collect();
            let mut all: Vec<(&str, &dyn fmt::Display)> = args.to_vec();
            for (n, w) in &words {
                all.push((*n, w));
            }
            text.fill(lang, &all)
        };
        Localized {
            en: fill(Lang::En),
            zh: fill(Lang::Zh),
            usage: inners.iter().any(|(_, l)| l.usage),
        }
    }

    /// Words that come from outside zclab (the kernel's `strerror`, a
    /// parser's message): the same in both languages.
    pub fn foreign(words: impl Into<String>) -> Localized {
        let words = words.into();
        Localized {
            en: words.clone(),
            zh: words,
            usage: false,
        }
    }

    /// An I/O error's words: a catalogue message carried inside it, else
    /// the kernel's (`strerror`), the same in both languages.
    pub fn io(err: &std::io::Error) -> Localized {
        match err.get_ref().and_then(|e| e.downcast_ref::<Localized>()) {
            Some(l) => l.clone(),
            None => Localized::foreign(err.to_string()),
        }
    }

    /// The whole message of `err` in both languages (see [`message`]).
    pub fn of(err: &anyhow::Error) -> Localized {
        Localized {
            en: message(err, Lang::En),
            zh: message(err, Lang::Zh),
            usage: exit_code(err) == EXIT_USAGE,
        }
    }

    /// Marks the error as bad input (exit code 2).
    pub fn usage(mut self) -> Localized {
        self.usage = true;
        self
    }

    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.en,
            Lang::Zh => &self.zh,
        }
    }
}

impl fmt::Display for Localized {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.en)
    }
}

impl std::error::Error for Localized {}

/// A bad-input error from the catalogue (exit code 2).
pub fn input_t(text: Text, args: &[(&str, &dyn fmt::Display)]) -> anyhow::Error {
    anyhow::Error::new(Localized::new(text, args).usage())
}

/// A run-time failure from the catalogue (exit code 1).
pub fn fail_t(text: Text, args: &[(&str, &dyn fmt::Display)]) -> anyhow::Error {
    anyhow::Error::new(Localized::new(text, args))
}

/// A catalogue message put in front of the error that caused it, like
/// anyhow's `context`: [`message`] prints both, each in the user's
/// language, and the cause stays in the chain (its exit code too).
#[derive(Debug)]
pub struct LocalizedContext {
    pub msg: Localized,
    pub cause: anyhow::Error,
}

impl fmt::Display for LocalizedContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.msg.en)
    }
}

impl std::error::Error for LocalizedContext {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&*self.cause)
    }
}

/// `cause` with a catalogue message in front of it.
pub fn wrap_t(
    cause: impl Into<anyhow::Error>,
    text: Text,
    args: &[(&str, &dyn fmt::Display)],
) -> anyhow::Error {
    wrap(cause, Localized::new(text, args))
}

/// `cause` with `msg` in front of it.
pub fn wrap(cause: impl Into<anyhow::Error>, msg: Localized) -> anyhow::Error {
    anyhow::Error::new(LocalizedContext {
        msg,
        cause: cause.into(),
    })
}

/// anyhow's `context`, worded in the catalogue: `.context_t(TEXT, &[…])`.
pub trait ContextT<T> {
    fn context_t(self, text: Text, args: &[(&str, &dyn fmt::Display)]) -> anyhow::Result<T>;
}

impl<T, E: Into<anyhow::Error>> ContextT<T> for Result<T, E> {
    fn context_t(self, text: Text, args: &[(&str, &dyn fmt::Display)]) -> anyhow::Result<T> {
        self.map_err(|e| wrap_t(e, text, args))
    }
}

impl<T> ContextT<T> for Option<T> {
    fn context_t(self, text: Text, args: &[(&str, &dyn fmt::Display)]) -> anyhow::Result<T> {
        self.ok_or_else(|| fail_t(text, args))
    }
}

/// The whole error chain as one line in `lang`, outermost first (like
/// anyhow's `{:#}`), catalogue errors in that language.
pub fn message(err: &anyhow::Error, lang: Lang) -> String {
    err.chain()
        .map(|e| {
            if let Some(l) = localized_in(e) {
                l.get(lang).to_string()
            } else if let Some(c) = e.downcast_ref::<LocalizedContext>() {
                c.msg.get(lang).to_string()
            } else {
                e.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(crate::text::errors::CHAIN.get(lang))
}

/// A catalogue message, as the error itself or carried inside an I/O
/// error (`io::Error::new(kind, Localized)`, for code that must return
/// `io::Result`).
fn localized_in<'a>(e: &'a (dyn std::error::Error + 'static)) -> Option<&'a Localized> {
    e.downcast_ref::<Localized>().or_else(|| {
        e.downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
            .and_then(|inner| inner.downcast_ref::<Localized>())
    })
}

/// A copy of `err` (its whole message, in both languages, and its exit
/// code) for an error that is borrowed and cannot be moved.
pub fn copy(err: &anyhow::Error) -> anyhow::Error {
    anyhow::Error::new(Localized::of(err))
}

/// Standard output was closed under us (e.g. `zclab compare | head -1`).
/// Like ripgrep and bat, that is a clean exit, not an error.
#[derive(Debug)]
pub struct StdoutClosed;

impl fmt::Display for StdoutClosed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("standard output was closed")
    }
}

impl std::error::Error for StdoutClosed {}

/// The exit code for an error that reached `main`.
pub fn exit_code(err: &anyhow::Error) -> u8 {
    if err.chain().any(|e| e.is::<StdoutClosed>()) {
        0
    } else if err
        .chain()
        .any(|e| e.is::<InputError>() || localized_in(e).is_some_and(|l| l.usage))
    {
        EXIT_USAGE
    } else {
        EXIT_FAILURE
    }
}

/// Writes `text` to standard output, turning a closed pipe into
/// [`StdoutClosed`] so that `main` exits quietly with 0.
pub fn print_stdout(text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
            Err(anyhow::Error::new(StdoutClosed))
        }
        Err(e) => Err(wrap_t(e, crate::text::errors::STDOUT_WRITE, &[])),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::{errors, run};

    #[test]
    fn a_wrapped_cause_keeps_its_words_and_its_exit_code_in_both_languages() {
        let cause = input_t(errors::BUF_RANGE, &[("text", &"0")]);
        let err: anyhow::Result<()> = Err(cause);
        let err = err
            .context_t(run::CANNOT_READ, &[("path", &"f.log")])
            .expect_err("an error");
        assert_eq!(
            message(&err, Lang::En),
            "cannot read f.log: --buf 0: the buffer must be between 1 byte and 64 MiB (the article uses 4096)"
        );
        assert_eq!(
            message(&err, Lang::Zh),
            "无法读取 f.log：--buf 0：缓冲区大小须在 1 字节到 64 MiB 之间（文章用的是 4096）"
        );
        // The cause was bad input: so is the whole.
        assert_eq!(exit_code(&err), EXIT_USAGE);
        let copied = copy(&err);
        assert_eq!(message(&copied, Lang::Zh), message(&err, Lang::Zh));
        assert_eq!(exit_code(&copied), EXIT_USAGE);
        // A foreign cause (the kernel's) stays as it is, after ours.
        let io = std::io::Error::from_raw_os_error(2);
        let err = wrap_t(io, run::CANNOT_READ, &[("path", &"f.log")]);
        assert!(message(&err, Lang::Zh).starts_with("无法读取 f.log："));
        assert_eq!(exit_code(&err), EXIT_FAILURE);
        // A catalogue message inside an I/O error is found there too.
        let io = std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            Localized::new(run::CANNOT_READ, &[("path", &"g.log")]).usage(),
        );
        let err = wrap_t(io, run::CANNOT_READ, &[("path", &"f.log")]);
        assert_eq!(message(&err, Lang::Zh), "无法读取 f.log：无法读取 g.log");
        assert_eq!(exit_code(&err), EXIT_USAGE);
        let none: Option<u8> = None;
        let err = none
            .context_t(run::SENDER_NO_REPORT, &[])
            .expect_err("none");
        assert_eq!(message(&err, Lang::Zh), "发送线程结束了，却没有交回结果");
    }
}
