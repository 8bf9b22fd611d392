//! The clap command in the user's language: in Chinese, every summary and
//! flag help comes from the catalogue (`text::help`); clap's own words stay
//! as clap writes them.

use clap::{Command, CommandFactory};

use crate::cli::Cli;
use crate::lang::Lang;
use crate::text::help::{EXAMPLES, PLACES};

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
    if lang == Lang::Zh {
        for (path, id, text) in PLACES {
            cmd = localize(cmd, path, id, text.zh);
        }
    }
    cmd
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
