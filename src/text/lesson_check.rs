//! The words of `zclab lesson --check`: the course checker's diagnostics
//! (`file:line: message`) for lesson authors. Directive and key names
//! (`run`, `predict`, `figure:`, `[[lesson]]`) and JSON pointers are the
//! lesson format's own words and stay as they are in both languages.

use crate::texts;

texts! {
    /// Above the list of diagnostics.
    PROBLEM { en: "the course has 1 problem:", zh: "课程有 1 处问题：" }
    PROBLEMS { en: "the course has {n} problems:", zh: "课程有 {n} 处问题：" }

    // ---- the manifest (course.toml) and the files ----
    CANNOT_READ { en: "cannot read: {reason}", zh: "无法读取：{reason}" }
    /// A source file that an embedded course lacks.
    NOT_EMBEDDED { en: "not embedded in this build", zh: "这个版本的 zclab 没有内置它" }
    /// The TOML parser's own message (in English: it is the parser's).
    TOML { en: "{reason}", zh: "TOML 格式有误：{reason}" }
    FORMAT_VERSION {
        en: "format_version {found} is not supported by this zclab (it reads version {want})",
        zh: "这个版本的 zclab 不支持 format_version {found}（它只读第 {want} 版）",
    }
    NO_LESSONS { en: "no [[lesson]] entries", zh: "没有任何 [[lesson]] 条目" }
    BAD_NUMBER {
        en: "lesson '{id}' has number {number}, expected {expected}: lessons are numbered 1, 2, 3… in manifest order",
        zh: "课程“{id}”的编号是 {number}，应为 {expected}：课程按清单中的顺序编号为 1、2、3……",
    }
    BAD_ID {
        en: "lesson id '{id}' must be non-empty lowercase ASCII letters, digits and '-' (it becomes a file name)",
        zh: "课程 id“{id}”只能由小写 ASCII 字母、数字和“-”组成，且不能为空（它会成为文件名）",
    }
    DUPLICATE_ID { en: "duplicate lesson id '{id}'", zh: "课程 id“{id}”重复" }
    NEEDS_TITLES {
        en: "lesson '{id}' needs both title_en and title_zh",
        zh: "课程“{id}”需要同时给出 title_en 和 title_zh",
    }
    BAD_SAMPLE {
        en: "sample '{sample}' must be a path under samples/ (e.g. samples/kafka-segment-16KiB.log)",
        zh: "样本“{sample}”必须是 samples/ 下的路径（例如 samples/kafka-segment-16KiB.log）",
    }
    SAMPLE_MISSING {
        en: "sample '{sample}' is neither in this build nor on disk",
        zh: "样本“{sample}”既没有内置在这个版本的 zclab 中，也不在磁盘上",
    }
    NOT_LISTED {
        en: "not listed in course.toml (expected files are named NN-id.md after their [[lesson]] entry)",
        zh: "course.toml 中没有列出这个文件（课程文件按对应的 [[lesson]] 条目命名为 NN-id.md）",
    }
    NO_LANG_FILE {
        en: "lesson '{id}' has no {lang} file: {path}: {reason}",
        zh: "课程“{id}”缺少 {lang} 文件：{path}：{reason}",
    }

    // ---- the Markdown of one lesson file ----
    THREE_BACKTICKS {
        en: "directive blocks use exactly three backticks",
        zh: "指令块的围栏必须正好是三个反引号",
    }
    BLOCK_NOT_CLOSED { en: "```{kind} block is never closed", zh: "```{kind} 块没有闭合" }
    CODE_NOT_CLOSED { en: "code block is never closed", zh: "代码块没有闭合" }
    NO_STEPS { en: "the lesson has no steps", zh: "这一课没有任何步骤" }
    RUN_ONE_LINE {
        en: "a ```run block holds exactly one command line, e.g. `trace --method sendfile --buf 4096`",
        zh: "一个 ```run 块只能写一行命令，例如 `trace --method sendfile --buf 4096`",
    }
    RUN_NO_PROGRAM {
        en: "write the command without the program name: `trace …`, not `zclab trace …`",
        zh: "命令不带程序名：写 `trace …`，不写 `zclab trace …`",
    }
    PREDICT_KEY_VALUE {
        en: "expected `key: value` (question, figure, hint, explain, tolerance); continue a value on lines indented by spaces",
        zh: "这里应为 `key: value`（question、figure、hint、explain、tolerance）；值写不下时，在下面用空格缩进的行里接着写",
    }
    UNKNOWN_KEY { en: "unknown predict key '{key}'", zh: "predict 没有“{key}”这个键" }
    GIVEN_TWICE { en: "'{key}' given twice", zh: "键“{key}”写了两次" }
    EMPTY_VALUE { en: "'{key}' is empty", zh: "键“{key}”的值是空的" }
    PREDICT_NEEDS { en: "predict needs '{key}:'", zh: "predict 缺少“{key}:”" }
    BAD_TOLERANCE {
        en: "tolerance '{value}' must be a non-negative number, optionally with %",
        zh: "tolerance“{value}”必须是非负数，可以带 %",
    }
    BAD_FIGURE {
        en: "figure '{figure}' must be a JSON pointer such as /totals/syscalls/read",
        zh: "figure“{figure}”必须是 JSON 指针，例如 /totals/syscalls/read",
    }
    EMPTY_CHOICE { en: "empty choice", zh: "选项是空的" }
    NO_FEEDBACK {
        en: "every choice needs feedback: add an indented `feedback: …` line under it",
        zh: "每个选项都要有反馈：在它下面加一行缩进的 `feedback: …`",
    }
    QUIZ_LINE {
        en: "expected `question: …` or a choice `- [ ] …` / `- [x] …`",
        zh: "这里应为 `question: …` 或一个选项 `- [ ] …` / `- [x] …`",
    }
    QUIZ_NEEDS_QUESTION { en: "quiz needs 'question:'", zh: "quiz 缺少“question:”" }
    QUIZ_TWO_CHOICES { en: "a quiz needs at least two choices", zh: "测验至少要有两个选项" }
    QUIZ_ONE_RIGHT {
        en: "a quiz needs exactly one right choice marked [x], found {found}",
        zh: "测验必须有且只有一个用 [x] 标出的正确选项，这里有 {found} 个",
    }

    // ---- the steps of a lesson ----
    NO_RUN {
        en: "a lesson needs at least one ```run step: the machine is the proof",
        zh: "每一课至少要有一个 ```run 步骤：本机的实测才是证据",
    }
    NOT_VALID_COMMAND {
        en: "`zclab {args}` is not a valid command: {reason}",
        zh: "`zclab {args}` 不是有效的命令：{reason}",
    }
    RUN_KINDS {
        en: "lessons can run `compare`, `trace` or `kafka` (the demo)",
        zh: "课程里只能运行 `compare`、`trace` 或 `kafka`（演示）",
    }
    FOR_THE_RUN {
        en: "{reason} (for the run at line {line})",
        zh: "{reason}（对应第 {line} 行的运行）",
    }
    PREDICT_WITHOUT_RUN {
        en: "a predict must be followed by the ```run it predicts (only text or other predicts may come between)",
        zh: "predict 后面必须跟着它所预测的 ```run（中间只能有文字或别的 predict）",
    }
    DIFFERS {
        en: "differs from {en_file}:{en_line}: this step {why}, the English one is {what}",
        zh: "与 {en_file}:{en_line} 不一致：这一步{why}，英文版的那一步是{what}",
    }
    STEP_COUNTS {
        en: "the English file has {en} steps and the Chinese file {zh}; this is the first step the other lacks",
        zh: "英文文件有 {en} 步，中文文件有 {zh} 步；这是另一个文件缺少的第一步",
    }
    /// `{why}` in DIFFERS: what the Chinese step is.
    IS_KIND { en: "is a {kind} step", zh: "是 {kind} 步骤" }
    RUNS { en: "runs `{args}`", zh: "运行 `{args}`" }
    PREDICTS { en: "predicts {figure}", zh: "预测 {figure}" }
    HAS_CHOICES {
        en: "has {choices} choices with #{right} right",
        zh: "有 {choices} 个选项，第 {right} 个正确",
    }
    /// `{what}` in DIFFERS: the English step.
    A_TEXT { en: "a text step", zh: "文字步骤" }
    A_RUN { en: "a run of `{args}`", zh: "运行 `{args}`" }
    A_PREDICT { en: "a predict of {figure}", zh: "预测 {figure}" }
    A_QUIZ {
        en: "a quiz with {choices} choices, #{right} right",
        zh: "有 {choices} 个选项、第 {right} 个正确的测验",
    }

    // ---- a run line's shape and a predict's figure ----
    RUN_KIND {
        en: "lessons can run `compare`, `trace` or `kafka`, not `{other}`",
        zh: "课程里只能运行 `compare`、`trace` 或 `kafka`，不能运行 `{other}`",
    }
    EMPTY_COMMAND { en: "empty command", zh: "命令是空的" }
    RUNNER_FLAG {
        en: "`{flag}` is set by the lesson runner; leave it out of the lesson",
        zh: "`{flag}` 由课程运行器设置，课程里不要写",
    }
    NO_FILE {
        en: "`{arg}`: a lesson run takes no file; the runner appends the lesson's sample",
        zh: "`{arg}`：课程里的运行不带文件，运行器会加上本课的样本",
    }
    METHOD_VALUE { en: "--method needs a value", zh: "--method 后面要跟一个值" }
    UNKNOWN_METHOD {
        en: "unknown method `{method}` (read-write, sendfile, mmap, splice, msg-zerocopy or io-uring)",
        zh: "没有 `{method}` 这种方式（可选 read-write、sendfile、mmap、splice、msg-zerocopy 或 io-uring）",
    }
    TRACE_ONE_METHOD { en: "trace takes one --method", zh: "trace 只接受一个 --method" }
    NOT_POINTER { en: "'{pointer}' is not a JSON pointer", zh: "{pointer} 不是 JSON 指针" }
    NO_SUCH_METHOD {
        en: "'{pointer}': this run measures {count} method(s) ({methods}), so /methods/{i} does not exist",
        zh: "{pointer}：这次运行只测 {count} 种方式（{methods}），所以没有 /methods/{i}",
    }
    UNDER_SUMMARY { en: "{reason} (under /summary)", zh: "{reason}（在 /summary 下）" }
    NOT_A_NUMBER {
        en: "'{pointer}' is not a number that `{command}` produces in its --json output{example}",
        zh: "{pointer} 不是 `{command}` 的 --json 输出中的数值{example}",
    }
    EXAMPLE_COMPARE {
        en: " (e.g. /methods/0/syscalls/read, /methods/1/procfs/rchar)",
        zh: "（例如 /methods/0/syscalls/read、/methods/1/procfs/rchar）",
    }
    EXAMPLE_TRACE {
        en: " (e.g. /totals/syscalls/read, /totals/mode_switches)",
        zh: "（例如 /totals/syscalls/read、/totals/mode_switches）",
    }
    EXAMPLE_KAFKA {
        en: " (e.g. /columns/1/sendfile_calls_per_fetch, /columns/0/user_space_bytes; column 0 is read-write, 1 sendfile)",
        zh: "（例如 /columns/1/sendfile_calls_per_fetch、/columns/0/user_space_bytes；第 0 列是 read-write，第 1 列是 sendfile）",
    }

    // ---- the words of a lesson (lint) ----
    JSON_ONLY {
        en: "`{name}` is a --json field that the table on screen does not show: point at what the table shows (its row and label), or say that it is in `--json`",
        zh: "`{name}` 是 --json 中的字段，屏幕上的表格并不显示它：请指向表格里显示的内容（哪一行、哪个标签），或说明它在 `--json` 里",
    }
    ZH_QUOTES {
        en: "Chinese text quotes with “…”, not \"…\" (ZH-STYLE.md)",
        zh: "中文的引号用“…”，不用英文直引号（ZH-STYLE.md）",
    }
    ZH_TERM {
        en: "write {good}, not {bad} (ZH-STYLE.md)",
        zh: "应写“{good}”，不写“{bad}”（ZH-STYLE.md）",
    }
    ZH_SOCKET {
        en: "write Socket with a capital S in Chinese text (ZH-STYLE.md)",
        zh: "中文里的 Socket 首字母 S 要大写（ZH-STYLE.md）",
    }
    ZH_SPACE {
        en: "no space next to full-width punctuation (，。：“”（） …) (ZH-STYLE.md)",
        zh: "全角标点旁边不留空格（，。：“”（）等）（ZH-STYLE.md）",
    }
}
