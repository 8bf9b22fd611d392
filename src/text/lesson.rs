//! The lesson runner's own words: titles, prompts, key hints and the
//! messages of `zclab lesson`. The lessons' prose lives in `lessons/`.

use crate::texts;

texts! {
    /// The title line of a lesson printed in order (handout, lines mode).
    TITLE { en: "Lesson {number} · {title}", zh: "第 {number} 课 · {title}" }
    /// The header of one step on a terminal.
    SCREEN_HEADER {
        en: "Lesson {number}/{total} · {title} · step {step}/{steps}",
        zh: "第 {number}/{total} 课 · {title} · 第 {step}/{steps} 步",
    }
    /// The course list's heading.
    LIST_TITLE { en: "zclab lessons", zh: "zclab 课程" }
    /// In the course list, where the student stopped in a lesson.
    LIST_AT_STEP { en: "(step {step}/{steps})", zh: "（第 {step}/{steps} 步）" }
    /// Under the course list when it is a picker.
    LIST_KEYS {
        en: "↑/↓ or a number: choose   Enter: open   any other key: back to the lesson",
        zh: "↑/↓ 或课号：选择   回车：打开   其他键：返回本课",
    }
    PREDICT { en: "Predict: ", zh: "预测：" }
    QUIZ { en: "Quiz: ", zh: "测验：" }
    HINT { en: "Hint: ", zh: "提示：" }
    NOT_QUITE { en: "✗ Not quite: {answer}", zh: "✗ 不对：{answer}" }
    /// A wrong try in lines mode, the last one allowed.
    NOT_QUITE_LAST { en: "✗ Not quite.", zh: "✗ 还是不对。" }
    /// A wrong try in lines mode, the hint follows.
    NOT_QUITE_HINT { en: "✗ Not quite. Hint: ", zh: "✗ 不对。提示：" }
    YOUR_ANSWER { en: "Your answer: ", zh: "你的答案：" }
    YOUR_CHOICE { en: "Your choice (1-{n}): ", zh: "你的选择（1-{n}）：" }
    NOT_A_NUMBER { en: "That is not a number.", zh: "请输入一个数字。" }
    NOT_A_CHOICE { en: "Type the number of a choice.", zh: "请输入选项的编号。" }
    /// Before a predict's measured figure, when the student got it right.
    RIGHT { en: "✓ Right: the run measures ", zh: "✓ 答对了：实测值为 " }
    /// Before a predict's figure in a handout.
    HANDOUT_ANSWER {
        en: "Answer, as measured by the run below: ",
        zh: "答案（由下面的运行实测）：",
    }
    /// Before a predict's figure after wrong tries.
    MEASURES { en: "The run measures ", zh: "实测值为 " }
    RUNNING { en: "running…", zh: "运行中……" }
    KEY_CHECK { en: "digits + Enter: check", zh: "输入数字后回车：核对" }
    KEY_SHOW { en: "Enter alone: show the answer", zh: "直接回车：显示答案" }
    KEY_HINT { en: "h hint", zh: "h 提示" }
    KEY_CHOOSE { en: "1-{n} choose", zh: "1-{n} 选择" }
    KEY_FINISH { en: "Enter finish", zh: "回车 完成" }
    KEY_NEXT { en: "Enter next", zh: "回车 下一步" }
    KEY_NEXT_OR_SPACE { en: "Enter/space next", zh: "回车/空格 下一步" }
    KEY_BACK { en: "b back", zh: "b 上一步" }
    KEY_LESSONS { en: "l lessons", zh: "l 选课" }
    KEY_QUIT { en: "q quit", zh: "q 退出" }
    KEY_SCROLL { en: "space/PgDn/↓ more, PgUp/↑ back", zh: "空格/PgDn/↓ 向下，PgUp/↑ 向上" }
    /// Under a step taller than the terminal.
    LINES_SHOWN { en: "(lines {from}-{to} of {total})", zh: "（第 {from}-{to} 行，共 {total} 行）" }
    DONE_NEXT {
        en: "Lesson done. `zclab lesson next` opens the next one.",
        zh: "本课完成。`zclab lesson next` 打开下一课。",
    }
    DONE_ALL {
        en: "Course done: all lessons finished. Well done!",
        zh: "全部课程完成，干得漂亮！",
    }
    ALL_DONE {
        en: "All lessons are done. `zclab lesson N` opens one again; `zclab lesson reset` starts over.",
        zh: "所有课程都已完成。`zclab lesson N` 可重新打开某一课，`zclab lesson reset` 从头开始。",
    }
    INPUT_ENDED {
        en: "standard input ended before the question at step {step}/{steps}: stopped there. Give one answer line per question, or use --no-pause for a handout.",
        zh: "标准输入在第 {step}/{steps} 步的问题之前就结束了，课程停在这里。请每个问题给一行答案，或用 --no-pause 打印讲义。",
    }
    NOT_SAVED {
        en: "progress will not be saved (set XDG_STATE_HOME to a writable folder)",
        zh: "本次不保存进度（可把 XDG_STATE_HOME 设为可写的目录）",
    }
    CHECK_PASSED {
        en: "lessons: {lessons} lessons, {steps} steps in each language (en, zh): all checks passed",
        zh: "课程检查：{lessons} 课，每种语言（en、zh）{steps} 步，全部通过",
    }
    NO_STATE {
        en: "No progress is kept (neither XDG_STATE_HOME nor HOME is set).",
        zh: "没有保存进度（XDG_STATE_HOME 和 HOME 都未设置）。",
    }
    CLEARED_ALL { en: "Lesson progress cleared.", zh: "学习进度已清除。" }
    CLEARED_ONE { en: "Progress of lesson {n} cleared.", zh: "第 {n} 课的进度已清除。" }
    BAD_TARGET {
        en: "`zclab lesson {what}`: expected a lesson number (1-{lessons}), next, prev or reset [N]",
        zh: "`zclab lesson {what}`：这里应当是课号（1-{lessons}）、next、prev 或 reset [N]",
    }
    NO_LESSON { en: "no lesson {n}", zh: "没有第 {n} 课" }
    ONLY_THESE_RUNS {
        en: "lessons can run `compare`, `trace` or `kafka`",
        zh: "课程里只能运行 `compare`、`trace` 或 `kafka`",
    }
    NOT_BYTE_FOR_BYTE {
        en: "the receiver did not get the file byte for byte",
        zh: "接收端收到的数据与文件不是逐字节一致",
    }
    SAMPLE_UNAVAILABLE { en: "sample {rel} is not available", zh: "样本 {rel} 不可用" }
    SAMPLE_NO_NAME { en: "sample {rel} has no file name", zh: "样本 {rel} 没有文件名" }
    SAMPLES_FOLDER {
        en: "cannot create {path} for the lesson samples; set XDG_CACHE_HOME to a writable folder",
        zh: "无法为课程样本创建 {path}；请把 XDG_CACHE_HOME 设为可写的文件夹",
    }
    STEP_FAILED {
        en: "lesson {number}, step {step}: `zclab {args} {sample}` failed",
        zh: "第 {number} 课第 {step} 步：`zclab {args} {sample}` 运行失败",
    }
    NO_FIGURE {
        en: "lesson {number}, step {step}: the run's JSON has no number at {figure} (the lesson and zclab's JSON disagree; run `zclab lesson --check` and compare with `--json`)",
        zh: "第 {number} 课第 {step} 步：运行结果的 JSON 在 {figure} 处没有数字（课程与 zclab 的 JSON 对不上；请运行 `zclab lesson --check`，并与 `--json` 的输出对照）",
    }
    NO_RUN_AFTER { en: "step {step} has no run after it", zh: "第 {step} 步之后没有运行步骤" }
    NOT_A_RUN { en: "step {step} is not a run", zh: "第 {step} 步不是运行步骤" }
    READ_ANSWER {
        en: "cannot read an answer from standard input",
        zh: "无法从标准输入读取答案",
    }
    STATE_FOLDER {
        en: "cannot create {path} for the lesson progress",
        zh: "无法为学习进度创建 {path}",
    }
    STATE_ENCODE { en: "cannot encode the lesson progress", zh: "无法编码学习进度" }
    STATE_WRITE {
        en: "cannot write the lesson progress to {path}",
        zh: "无法把学习进度写入 {path}",
    }
    STATE_MOVE {
        en: "cannot move the lesson progress into {path}",
        zh: "无法把学习进度移到 {path}",
    }
    STATE_REMOVE { en: "cannot remove {path}", zh: "无法删除 {path}" }
    /// A warning: the lesson starts without the saved progress.
    STATE_FORMAT {
        en: "{path}: progress format {found} is not {want}; starting afresh",
        zh: "{path}：进度文件的格式版本是 {found}，不是 {want}；从头开始",
    }
    STATE_UNREADABLE {
        en: "{path}: cannot read progress ({reason}); starting afresh",
        zh: "{path}：无法读取进度（{reason}）；从头开始",
    }
}
