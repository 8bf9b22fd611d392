//! `zclab count --pid`: the banner, the attach window and the refusals.

use crate::texts;

texts! {
    BANNER {
        en: "zclab: attached to {targets}, {threads} thread(s); press Ctrl-C to detach and see the report",
        zh: "zclab：已附加到 {targets}，共 {threads} 个线程；按 Ctrl-C 解除附加并查看报告",
    }
    BANNER_FOR {
        en: "zclab: attached to {targets}, {threads} thread(s); detaching after {secs} s (Ctrl-C detaches now)",
        zh: "zclab：已附加到 {targets}，共 {threads} 个线程；{secs} 秒后解除附加（按 Ctrl-C 立即解除）",
    }
    TITLE {
        en: "zclab count — traced {targets} for {secs} s, {threads} thread(s)",
        zh: "zclab count——跟踪窗口 {secs} 秒，目标 {targets}，共 {threads} 个线程",
    }
    TITLE_PROCESSES {
        en: "zclab count — traced {targets} for {secs} s, {threads} thread(s) in {processes} processes (with the children it started)",
        zh: "zclab count——跟踪窗口 {secs} 秒，目标 {targets}，共 {processes} 个进程（含它启动的子进程）、{threads} 个线程",
    }
    END_STOPPED {
        en: "detached on request (Ctrl-C); the target runs on",
        zh: "应要求（Ctrl-C）解除附加；目标进程继续运行",
    }
    END_TIME_UP {
        en: "detached when --for ran out; the target runs on",
        zh: "--for 时间到，解除附加；目标进程继续运行",
    }
    END_EXITED {
        en: "the target exited during the trace ({exits}): counts up to its exit",
        zh: "目标进程在跟踪期间退出（{exits}）：计数截至它退出为止",
    }
    EXITED_WITH { en: "{pid} exited with status {code}", zh: "{pid} 已退出，状态 {code}" }
    KILLED_BY { en: "{pid} killed by {signal}", zh: "{pid} 被 {signal} 终止" }
    NOTE_SEIZE {
        en: "Attached with PTRACE_SEIZE: only the calls made inside the window are counted. A call that was already waiting when zclab attached (epoll_wait, accept, read) is seen when the kernel restarts it.",
        zh: "用 PTRACE_SEIZE 附加：只统计窗口内发起的调用。附加时已在等待的调用（epoll_wait、accept、read）会在内核重新启动它时被看到。",
    }
    NO_SUCH_PROCESS {
        en: "--pid {pid}: no such process: check the number with `ps -e` or `pgrep NAME`",
        zh: "--pid {pid}：没有这个进程：请用 `ps -e` 或 `pgrep 名称` 核对进程号",
    }
    OWN_PROCESS {
        en: "--pid {pid}: that is zclab itself, which cannot trace itself: give another process",
        zh: "--pid {pid}：这是 zclab 自己，它不能跟踪自己：请换一个进程",
    }
    ZOMBIE {
        en: "--pid {pid} ({comm}): it has already exited (a zombie waiting for its parent): nothing is left to trace",
        zh: "--pid {pid}（{comm}）：它已经退出（是一个等待父进程回收的僵尸进程）：没有可跟踪的东西了",
    }
    KERNEL_THREAD {
        en: "--pid {pid} ({comm}): a kernel thread, which makes no system calls to trace: give a user process",
        zh: "--pid {pid}（{comm}）：这是内核线程，不发起系统调用，无从跟踪：请给出用户进程",
    }
    NOT_YOURS {
        en: "--pid {pid} ({comm}): permission denied: it belongs to {owner}; run zclab as {owner} or with sudo",
        zh: "--pid {pid}（{comm}）：权限不足：它属于 {owner}；请以 {owner} 身份或用 sudo 运行 zclab",
    }
    TRACED_BY_OTHER {
        en: "--pid {pid} ({comm}): already traced by {tracer} (pid {tracer_pid}), and a process can have only one tracer: stop {tracer} first",
        zh: "--pid {pid}（{comm}）：已被 {tracer}（pid {tracer_pid}）跟踪，而一个进程只能有一个跟踪者：请先停掉 {tracer}",
    }
    PTRACE_SCOPE {
        en: "--pid {pid} ({comm}): refused by kernel.yama.ptrace_scope={scope}, which lets a process trace only its own children: run zclab with sudo, or (scope 1) `sudo sysctl kernel.yama.ptrace_scope=0`",
        zh: "--pid {pid}（{comm}）：被 kernel.yama.ptrace_scope={scope} 拒绝，它只允许进程跟踪自己的子进程：请用 sudo 运行 zclab，或（scope 为 1 时）执行 `sudo sysctl kernel.yama.ptrace_scope=0`",
    }
    REFUSED {
        en: "--pid {pid} ({comm}): the kernel refused ptrace ({reason}): a container without CAP_SYS_PTRACE or a seccomp profile blocks it; run with --cap-add=SYS_PTRACE or outside the container",
        zh: "--pid {pid}（{comm}）：内核拒绝了 ptrace（{reason}）：没有 CAP_SYS_PTRACE 的容器或 seccomp 配置阻止了它；请加 --cap-add=SYS_PTRACE 运行，或在容器外运行",
    }
}
