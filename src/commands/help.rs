//! The clap command in the user's language: in Chinese, every summary and
//! flag help comes from the catalogue (`text::help`); clap's own words stay
//! as clap writes them.

use clap::{Arg, Command, CommandFactory};

use crate::cli::Cli;
use crate::lang::Lang;
use crate::text::cli;
use crate::text::help::{EXAMPLES, PLACES, VALUE_LINE, VALUES, VALUES_HEAD};

/// `--lang zh` / `--lang=zh` on the command line, before clap has parsed
/// it (help is printed during parsing); else the environment's language.
pub fn language_of_args(args: &[std::ffi::OsString]) -> Lang {
    let mut it = args.iter().map(|a| a.to_string_lossy());
    while let Some(a) = it.next() {
        if a == "--" {
            break;
        }
        let value = match a.strip_prefix("--lang=") {
            Some(v) => Some(v.to_string()),
            None if a == "--lang" => it.next().map(|v| v.to_string()),
            None => None,
        };
        match value.as_deref() {
            Some("zh") => return Lang::Zh,
            Some("en") => return Lang::En,
            _ => {}
        }
    }
    Lang::from_env()
}

/// zclab's clap command, its help in `lang`.
pub fn command(lang: Lang) -> Command {
    let mut cmd = Cli::command();
    // The English help is cli.rs's own; Chinese replaces it from the
    // catalogue (`text::help`), clap's own words too (`text::cli`).
    if lang == Lang::Zh {
        for (path, id, text) in PLACES {
            cmd = localize(cmd, path, id, text.zh);
        }
        // Built first, so that clap's generated `--help`, `--version` and
        // `help` exist and can be worded too.
        cmd.build();
        cmd = clap_words(cmd);
    }
    cmd
}

/// clap's headings, built-in flags, defaults and value lists in Chinese,
/// for `cmd` and every subcommand below it.
fn clap_words(cmd: Command) -> Command {
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    let is_help = cmd.get_name() == "help";
    // clap's own headings end in an ASCII colon: the template writes them
    // instead, for the sections this command has.
    let mut template = format!(
        "{{before-help}}{{about-with-newline}}\n{}{{usage}}",
        cli::USAGE.zh
    );
    let sections = [
        (
            cmd.get_subcommands().any(|s| !s.is_hide_set()),
            cli::COMMANDS,
            "{subcommands}",
        ),
        (
            cmd.get_positionals().any(|a| !a.is_hide_set()),
            cli::ARGUMENTS,
            "{positionals}",
        ),
        (
            cmd.get_arguments()
                .any(|a| !a.is_positional() && !a.is_hide_set()),
            cli::OPTIONS,
            "{options}",
        ),
    ];
    for (shown, heading, tag) in sections {
        if shown {
            template.push_str(&format!("\n\n{}\n{tag}", heading.zh));
        }
    }
    template.push_str("{after-help}");
    let mut cmd = cmd.help_template(template).mut_args(clap_arg);
    if is_help {
        cmd = cmd.about(cli::HELP_COMMAND.zh);
    }
    for name in names {
        cmd = cmd.mut_subcommand(name, clap_words);
    }
    cmd
}

fn clap_arg(a: Arg) -> Arg {
    let long = a.get_long_help().is_some();
    let a = match a.get_id().as_str() {
        "help" if long => a.help(cli::HELP_SHORT.zh).long_help(cli::HELP_LONG.zh),
        "help" => a.help(cli::HELP.zh),
        "version" => a.help(cli::VERSION.zh),
        "subcommand" => a.help(cli::HELP_COMMAND_ARG.zh),
        _ => a,
    };
    // clap writes "[default: …]" and "[possible values: …]" in English:
    // say them in Chinese after the help instead.
    let mut notes = String::new();
    let takes_value = a.get_num_args().is_some_and(|n| n.takes_values());
    let defaults: Vec<String> = a
        .get_default_values()
        .iter()
        .map(|v| v.to_string_lossy().into_owned())
        .collect();
    if takes_value && !defaults.is_empty() && !a.is_hide_default_value_set() {
        notes.push_str(&cli::DEFAULT.fill(Lang::Zh, &[("value", &defaults.join(" "))]));
    }
    let possible: Vec<clap::builder::PossibleValue> = a
        .get_possible_values()
        .into_iter()
        .filter(|v| !v.is_hide_set())
        .collect();
    // The long help also says what each value means, as clap's English
    // "Possible values:" list does.
    let mut meanings = String::new();
    if takes_value && !possible.is_empty() && !a.is_hide_possible_values_set() {
        let names: Vec<&str> = possible.iter().map(|v| v.get_name()).collect();
        let list = names.join(crate::text::common::LIST_SEPARATOR.zh);
        notes.push_str(&cli::POSSIBLE.fill(Lang::Zh, &[("values", &list)]));
        if possible.iter().any(|v| v.get_help().is_some()) {
            meanings = value_meanings(&names);
        }
    }
    if notes.is_empty() {
        return a;
    }
    let with = |h: Option<&clap::builder::StyledStr>| {
        format!("{}{notes}", h.map(|h| h.to_string()).unwrap_or_default())
    };
    let help = with(a.get_help());
    let long_help = a.get_long_help().map(|h| with(Some(h)) + &meanings);
    let a = a
        .help(help)
        .hide_default_value(true)
        .hide_possible_values(true);
    match long_help {
        Some(l) => a.long_help(l),
        None => a,
    }
}

/// The values of a flag and what each means, in Chinese (clap's English
/// "Possible values:" list).
fn value_meanings(names: &[&str]) -> String {
    let mut out = format!("\n\n{}", VALUES_HEAD.zh);
    for name in names {
        out.push('\n');
        match VALUES.iter().find(|(n, _)| n == name) {
            Some((_, text)) => {
                out.push_str(&VALUE_LINE.fill(Lang::Zh, &[("name", name), ("meaning", &text.zh)]))
            }
            None => out.push_str(&format!("- {name}")),
        }
    }
    out
}

/// Ends zclab with clap's error: in English as clap writes it; in Chinese
/// one line from the catalogue (`text::cli`), with clap's exit code (2 for
/// bad usage). Help and version requests print as clap prints them.
pub fn exit_with(err: clap::Error, lang: Lang) -> ! {
    use clap::error::ErrorKind as K;
    if lang == Lang::En
        || matches!(
            err.kind(),
            K::DisplayHelp | K::DisplayVersion | K::DisplayHelpOnMissingArgumentOrSubcommand
        )
    {
        err.exit()
    }
    eprintln!("{}{}", crate::text::errors::PREFIX.zh, clap_error_zh(&err));
    std::process::exit(err.exit_code())
}

/// clap's error as one line in both languages (bad input): in English
/// clap's own first line, in Chinese the catalogue's.
pub fn clap_error_localized(err: &clap::Error) -> crate::error::Localized {
    let rendered = err.to_string();
    let en = rendered
        .lines()
        .next()
        .unwrap_or_default()
        .trim_start_matches("error: ")
        .to_string();
    crate::error::Localized {
        en,
        zh: clap_error_zh(err),
        usage: true,
    }
}

/// clap's error as one Chinese line.
fn clap_error_zh(err: &clap::Error) -> String {
    use clap::error::{ContextKind as C, ContextValue, ErrorKind as K};
    let ctx = |kind| match err.get(kind) {
        Some(ContextValue::Strings(v)) => v.join(crate::text::common::LIST_SEPARATOR.zh),
        Some(v) => v.to_string(),
        None => String::new(),
    };
    let (arg, value) = (ctx(C::InvalidArg), ctx(C::InvalidValue));
    let fill = |text: crate::text::Text, args: &[(&str, &dyn std::fmt::Display)]| {
        text.fill(Lang::Zh, args)
    };
    let mut line = match err.kind() {
        K::UnknownArgument => fill(cli::UNKNOWN_ARGUMENT, &[("arg", &arg)]),
        K::InvalidSubcommand => fill(cli::UNKNOWN_SUBCOMMAND, &[("arg", &arg)]),
        K::InvalidValue if value.is_empty() => fill(cli::VALUE_COUNT, &[("arg", &arg)]),
        K::InvalidValue => fill(
            cli::INVALID_VALUE,
            &[
                ("value", &value),
                ("arg", &arg),
                ("valid", &ctx(C::ValidValue)),
            ],
        ),
        K::ValueValidation => {
            let reason = std::error::Error::source(err)
                .map(|s| s.to_string())
                .unwrap_or_default();
            fill(
                cli::BAD_VALUE,
                &[("value", &value), ("arg", &arg), ("reason", &reason)],
            )
        }
        K::MissingRequiredArgument => fill(cli::MISSING_ARGUMENT, &[("args", &arg)]),
        K::MissingSubcommand => fill(
            cli::MISSING_SUBCOMMAND,
            &[("valid", &ctx(C::ValidSubcommand))],
        ),
        K::ArgumentConflict => {
            let other = ctx(C::PriorArg);
            if other.is_empty() || other == arg {
                fill(cli::CONFLICT_SELF, &[("arg", &arg)])
            } else {
                fill(cli::CONFLICT, &[("arg", &arg), ("other", &other)])
            }
        }
        K::TooManyValues | K::TooFewValues | K::WrongNumberOfValues => {
            fill(cli::VALUE_COUNT, &[("arg", &arg)])
        }
        K::NoEquals => fill(cli::NO_EQUALS, &[("arg", &arg)]),
        K::InvalidUtf8 => fill(cli::NOT_UTF8, &[]),
        _ => {
            let rendered = err.render().to_string();
            let first = rendered
                .lines()
                .next()
                .unwrap_or("")
                .trim_start_matches("error: ");
            fill(cli::OTHER, &[("message", &first)])
        }
    };
    // A suggestion ends the line; without one, where to read the usage.
    let suggestion = [C::SuggestedArg, C::SuggestedSubcommand, C::SuggestedValue]
        .into_iter()
        .map(ctx)
        .find(|s| !s.is_empty());
    match suggestion {
        Some(s) => line.push_str(&fill(cli::DID_YOU_MEAN, &[("suggestion", &s)])),
        None => line.push_str(&fill(cli::SEE_HELP, &[("command", &"zclab")])),
    }
    line
}

fn localize(cmd: Command, path: &[&str], id: &str, zh: &'static str) -> Command {
    match path.split_first() {
        Some((first, rest)) => cmd.mut_subcommand(*first, |sub| localize(sub, rest, id, zh)),
        None if id.is_empty() => {
            // Keep the examples of the English long help: they are commands.
            let examples = cmd
                .get_long_about()
                .map(|l| l.to_string())
                .and_then(|l| l.split_once("Examples:").map(|(_, e)| e.to_string()));
            let long = match examples {
                Some(e) => format!("{zh}\n\n{}{e}", EXAMPLES.zh),
                None => zh.to_string(),
            };
            cmd.about(zh).long_about(long)
        }
        None => cmd.mut_arg(id, |a| a.help(zh).long_help(zh)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find<'a>(cmd: &'a Command, path: &[&str]) -> &'a Command {
        path.iter().fold(cmd, |c, name| {
            c.find_subcommand(name)
                .unwrap_or_else(|| panic!("no subcommand {name}"))
        })
    }

    #[test]
    fn every_summary_and_flag_has_a_translation_matching_the_english() {
        let cmd = Cli::command();
        for (path, id, text) in PLACES {
            let c = find(&cmd, path);
            let en = if id.is_empty() {
                c.get_about().map(|a| a.to_string())
            } else {
                c.get_arguments()
                    .find(|a| a.get_id() == *id)
                    .unwrap_or_else(|| panic!("{path:?}: no argument {id}"))
                    .get_help()
                    .map(|h| h.to_string())
            };
            assert_eq!(
                en.as_deref(),
                Some(text.en),
                "{path:?} {id}: cli.rs changed"
            );
        }
        fn walk(c: &Command, path: &mut Vec<String>) {
            let here: Vec<&str> = path.iter().map(String::as_str).collect();
            for a in c.get_arguments() {
                let id = a.get_id().as_str();
                if id == "help" || id == "version" || a.is_global_set() && !here.is_empty() {
                    continue;
                }
                assert!(
                    PLACES
                        .iter()
                        .any(|(p, i, _)| *p == here.as_slice() && *i == id),
                    "no translation for {here:?} {id}"
                );
            }
            for sub in c.get_subcommands() {
                path.push(sub.get_name().to_string());
                assert!(
                    PLACES
                        .iter()
                        .any(|(p, i, _)| p.join(" ") == path.join(" ") && i.is_empty()),
                    "no translation for the summary of {path:?}"
                );
                walk(sub, path);
                path.pop();
            }
        }
        walk(&cmd, &mut Vec::new());
    }

    /// Every value with a doc comment in cli.rs has its meaning in the
    /// catalogue, with the same English, so a changed value cannot leave a
    /// stale translation behind.
    #[test]
    fn every_value_meaning_has_a_translation_matching_the_english() {
        fn walk(c: &Command, seen: &mut Vec<(String, String)>) {
            for a in c.get_arguments() {
                for v in a.get_possible_values() {
                    if let Some(h) = v.get_help() {
                        seen.push((v.get_name().to_string(), h.to_string()));
                    }
                }
            }
            for sub in c.get_subcommands() {
                walk(sub, seen);
            }
        }
        let mut seen = Vec::new();
        walk(&Cli::command(), &mut seen);
        assert!(seen.iter().any(|(n, _)| n == "sendfile"), "{seen:?}");
        for (name, en) in &seen {
            let text = VALUES
                .iter()
                .find(|(n, _)| *n == name.as_str())
                .unwrap_or_else(|| panic!("no meaning for the value {name}"));
            assert_eq!(text.1.en, en.as_str(), "{name}: cli.rs changed");
        }
        for (name, _) in VALUES {
            assert!(
                seen.iter().any(|(n, _)| n.as_str() == *name),
                "{name}: no such value in cli.rs"
            );
        }
    }

    #[test]
    fn chinese_help_is_chinese() {
        let mut cmd = command(Lang::Zh);
        let help = cmd
            .find_subcommand_mut("compare")
            .expect("compare")
            .render_long_help()
            .to_string();
        assert!(help.contains("并排运行"), "{help}");
        assert!(help.contains("示例："), "{help}");
        assert!(help.contains("zclab compare --lang zh"), "{help}");
        assert!(help.contains("read() 用户缓冲区的大小"), "{help}");
    }

    #[test]
    fn the_language_flag_is_read_before_parsing() {
        let args = |v: &[&str]| {
            v.iter()
                .map(Into::into)
                .collect::<Vec<std::ffi::OsString>>()
        };
        assert_eq!(
            language_of_args(&args(&["zclab", "--lang", "zh", "--help"])),
            Lang::Zh
        );
        assert_eq!(
            language_of_args(&args(&["zclab", "compare", "--lang=zh"])),
            Lang::Zh
        );
        assert_eq!(
            language_of_args(&args(&["zclab", "--lang", "en"])),
            Lang::En
        );
    }
}
