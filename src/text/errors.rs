//! Error messages, one line each: what went wrong and what to do.

use crate::texts;

texts! {
    PREFIX { en: "zclab: ", zh: "zclab：" }
    EMPTY_COMMAND {
        en: "no command to trace: give one after `--`, e.g. `zclab count -- cat FILE`",
        zh: "没有要跟踪的命令：请写在 `--` 之后，例如 `zclab count -- cat 文件`",
    }
    NUL_IN_ARGUMENT {
        en: "argument {arg} contains a NUL byte, which a program cannot receive: remove it",
        zh: "参数 {arg} 含有 NUL 字节，程序无法接收：请去掉它",
    }
    COMMAND_NOT_FOUND {
        en: "command not found: {program}: check the spelling, or give its full path",
        zh: "找不到命令：{program}：请检查拼写，或给出完整路径",
    }
    CANNOT_EXECUTE {
        en: "cannot execute {program}: {reason}: check that it is an executable file (chmod +x)",
        zh: "无法执行 {program}：{reason}：请确认它是可执行文件（chmod +x）",
    }
    PTRACE_REFUSED {
        en: "the kernel refused to let zclab trace the command (ptrace: {reason}): a seccomp profile, a container without CAP_SYS_PTRACE, or kernel.yama.ptrace_scope=3 blocks it; run outside the container, or with --cap-add=SYS_PTRACE / --security-opt seccomp=unconfined, or lower ptrace_scope",
        zh: "内核拒绝 zclab 跟踪该命令（ptrace：{reason}）：seccomp 配置、没有 CAP_SYS_PTRACE 的容器或 kernel.yama.ptrace_scope=3 都会阻止跟踪；请在容器外运行，或加上 --cap-add=SYS_PTRACE / --security-opt seccomp=unconfined，或调低 ptrace_scope",
    }
    ALREADY_TRACED {
        en: "zclab is itself being traced by {tracer} (pid {pid}), which also took the command: a process can have only one tracer; run zclab count outside {tracer}, or trace zclab without following forks (strace without -f)",
        zh: "zclab 本身正被 {tracer}（pid {pid}）跟踪，它也接管了要跟踪的命令：一个进程只能有一个跟踪者；请在 {tracer} 之外运行 zclab count，或跟踪 zclab 时不跟随子进程（strace 不加 -f）",
    }
    TRACER_OS { en: "tracer: {what} failed: {reason}", zh: "跟踪器：{what} 失败：{reason}" }
}
