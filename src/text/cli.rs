//! clap's own words in Chinese: the headings and built-in flags of
//! `--help`, and the command-line errors clap finds before zclab runs. The
//! English column is what clap itself prints (zclab leaves English help and
//! errors to clap).

use crate::texts;

texts! {
    /// The headings of `--help`.
    USAGE { en: "Usage: ", zh: "用法：" }
    COMMANDS { en: "Commands:", zh: "子命令：" }
    ARGUMENTS { en: "Arguments:", zh: "参数：" }
    OPTIONS { en: "Options:", zh: "选项：" }
    HELP_SHORT { en: "Print help (see more with '--help')", zh: "打印帮助（用 --help 查看详细说明）" }
    HELP_LONG { en: "Print help (see a summary with '-h')", zh: "打印帮助（用 -h 查看摘要）" }
    HELP { en: "Print help", zh: "打印帮助" }
    VERSION { en: "Print version", zh: "打印版本号" }
    HELP_COMMAND {
        en: "Print this message or the help of the given subcommand(s)",
        zh: "打印本帮助，或给定子命令的帮助",
    }
    HELP_COMMAND_ARG { en: "Print help for the subcommand(s)", zh: "打印给定子命令的帮助" }
    /// After a flag's help: its default value.
    DEFAULT { en: "[default: {value}]", zh: "［默认：{value}］" }
    /// After a flag's help: the values it takes.
    POSSIBLE { en: "[possible values: {values}]", zh: "［可选值：{values}］" }

    // Errors on the command line (exit code 2).
    UNKNOWN_ARGUMENT { en: "unexpected argument '{arg}' found", zh: "无法识别的参数 {arg}" }
    UNKNOWN_SUBCOMMAND { en: "unrecognized subcommand '{arg}'", zh: "无法识别的子命令 {arg}" }
    DID_YOU_MEAN { en: "; did you mean {suggestion}?", zh: "；你是不是想写 {suggestion}？" }
    INVALID_VALUE {
        en: "invalid value '{value}' for '{arg}'; possible values: {valid}",
        zh: "{value} 不是 {arg} 能取的值；可选值：{valid}",
    }
    BAD_VALUE {
        en: "invalid value '{value}' for '{arg}': {reason}",
        zh: "{arg} 的取值 {value} 无效：{reason}",
    }
    MISSING_ARGUMENT {
        en: "the following required arguments were not provided: {args}",
        zh: "缺少必需的参数：{args}",
    }
    MISSING_SUBCOMMAND {
        en: "'zclab' requires a subcommand: {valid}",
        zh: "请给出一个子命令：{valid}",
    }
    CONFLICT { en: "the argument '{arg}' cannot be used with '{other}'", zh: "{arg} 不能与 {other} 同时使用" }
    CONFLICT_SELF { en: "the argument '{arg}' cannot be used multiple times", zh: "{arg} 只能给出一次" }
    VALUE_COUNT { en: "'{arg}' got the wrong number of values", zh: "{arg} 的取值个数不对" }
    NO_EQUALS { en: "equal sign is needed when assigning values to '{arg}'", zh: "给 {arg} 赋值时要用等号（=）" }
    NOT_UTF8 { en: "invalid UTF-8 was detected in one or more arguments", zh: "有参数含有无效的 UTF-8" }
    OTHER { en: "{message}", zh: "命令行有误：{message}" }
    /// Ends every command-line error.
    SEE_HELP { en: "; see '{command} --help'", zh: "；用法见 `{command} --help`" }
}
