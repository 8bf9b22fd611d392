//! `zclab count` and `compare --verify`: the ptrace tracer's tables.

use crate::texts;

texts! {
    TITLE {
        en: "zclab count — {command} — {status}; {threads} thread(s) in {processes} process(es), {secs} s traced",
        zh: "zclab count——{command}——{status}；{processes} 个进程、{threads} 个线程，跟踪下用时 {secs} s",
    }
    STATUS_EXITED { en: "exited with status {code}", zh: "退出状态 {code}" }
    STATUS_KILLED {
        en: "killed by {name} (signal {signal}; exit status {code})",
        zh: "被 {name} 终止（信号 {signal}；退出状态 {code}）",
    }
    DATA_TITLE {
        en: "Data-moving system calls [measured: ptrace, bytes from return values]:",
        zh: "搬运数据的系统调用［实测：ptrace，字节数取自返回值］：",
    }
    OTHER_TITLE { en: "Other system calls [measured: ptrace]:", zh: "其他系统调用［实测：ptrace］：" }
    NONE { en: "(none)", zh: "（无）" }
    HEAD_SYSCALL { en: "system call", zh: "系统调用" }
    HEAD_GROUP { en: "group", zh: "类别" }
    HEAD_CALLS { en: "calls", zh: "次数" }
    HEAD_ERRORS { en: "errors", zh: "出错" }
    HEAD_BYTES { en: "bytes moved", zh: "搬运字节" }
    HEAD_MAPPED { en: "mapping length", zh: "映射长度" }
    HEAD_SHARE { en: "% of calls", zh: "调用占比" }
    HEAD_TIME_SHARE { en: "% time", zh: "时间占比" }
    HEAD_USECS { en: "µs/call", zh: "微秒/次" }
    GROUP_READ { en: "read family: kernel → user copy", zh: "read 系列：内核 → 用户空间拷贝" }
    GROUP_WRITE { en: "write family: user → kernel copy", zh: "write 系列：用户空间 → 内核拷贝" }
    GROUP_SEND_RECV { en: "send/recv: socket copy", zh: "send/recv：Socket 拷贝" }
    GROUP_SENDFILE { en: "sendfile: inside the kernel", zh: "sendfile：在内核内部" }
    GROUP_SPLICE { en: "splice/tee/vmsplice: pipe pages", zh: "splice/tee/vmsplice：管道页" }
    GROUP_COPY_FILE_RANGE { en: "copy_file_range: inside the kernel", zh: "copy_file_range：在内核内部" }
    GROUP_MMAP { en: "mmap/munmap: mapped, not copied", zh: "mmap/munmap：映射，不拷贝" }
    GROUP_OTHER { en: "other", zh: "其他" }
    TOTAL {
        en: "Total: {calls} system calls, {errors} failed [measured: ptrace]",
        zh: "合计：{calls} 次系统调用，{errors} 次出错［实测：ptrace］",
    }
    BASIS { en: "derived: 2 per system call (enter + leave)", zh: "推算：每次系统调用 2 次（进入 + 返回）" }
    SWITCHES {
        en: "Mode switches: {switches} = 2 × {calls} system calls [{basis}]; data-moving calls alone: {data_switches} = 2 × {data_calls}",
        zh: "用户态/内核态切换：{switches} = 2 × {calls} 次系统调用［{basis}］；其中搬运数据的调用：{data_switches} = 2 × {data_calls}",
    }
    ACROSS {
        en: "Bytes copied by the CPU across the user/kernel boundary: {into} into user space (read/recv), {out} out of it (write/send)",
        zh: "CPU 在用户空间与内核空间之间拷贝的字节：拷入用户空间 {into}（read/recv），拷出用户空间 {out}（write/send）",
    }
    INSIDE {
        en: "Bytes moved inside the kernel, no user-space copy (sendfile/splice/copy_file_range): {inside}; mapped by mmap, not copied: {mapped}",
        zh: "在内核内部搬运、不经过用户空间的字节（sendfile/splice/copy_file_range）：{inside}；mmap 映射而未拷贝的字节：{mapped}",
    }
    THREADS_TITLE {
        en: "Per thread (the tracer follows every fork, vfork and clone):",
        zh: "按线程（跟踪器跟随每一次 fork、vfork 和 clone）：",
    }
    HEAD_THREAD { en: "thread", zh: "线程" }
    HEAD_PROCESS { en: "process", zh: "进程" }
    HEAD_NAME { en: "name", zh: "名称" }
    HEAD_DATA_MOVING { en: "data-moving", zh: "搬运数据" }
    HEAD_SWITCHES { en: "mode switches [derived]", zh: "用户态/内核态切换［推算］" }
    NOTE_TRACER {
        en: "Every figure is measured by zclab's own ptrace tracer (the mechanism strace uses): each call is counted once at syscall entry on the thread that made it; errors and bytes moved come from the return value at syscall exit. mmap and munmap move no data: their length argument is shown apart, as the mapping length. Check it with `strace -f -c CMD`; strace counts at exit, so it leaves out exit and exit_group.",
        zh: "所有数字都由 zclab 自己的 ptrace 跟踪器实测（与 strace 同一机制）：每次调用在进入内核时计一次，记在发起调用的线程上；出错次数与搬运字节取自调用返回时的返回值。mmap 和 munmap 不搬运数据，它们的长度参数单独列为“映射长度”。可以用 `strace -f -c 命令` 核对；strace 在返回时计数，所以不含 exit 和 exit_group。",
    }
    NOTE_TIME {
        en: "% time and µs/call are wall-clock time from each call's entry stop to its exit stop, as the tracer saw them (what `strace -c -w` shows, not CPU time): a call that waits, such as epoll_wait or a read from a socket, counts its whole wait, and every call carries part of the tracer's own round trip.",
        zh: "时间占比和微秒/次是跟踪器看到的实际经过时间：从每次调用进入内核时的停顿到返回时的停顿（与 `strace -c -w` 相同，不是 CPU 时间）。会等待的调用（如 epoll_wait、从 Socket 读数据）把等待的时间全算在内，每次调用也都带上跟踪器自身往返的一部分开销。",
    }
    NOTE_SWITCHES {
        en: "Linux keeps no count of user/kernel mode switches: like compare, zclab derives them as 2 per system call (enter + leave).",
        zh: "Linux 没有用户态/内核态切换的计数器：和 compare 一样，zclab 按每次系统调用 2 次（进入 + 返回）推算。",
    }
    NOTE_EXECVE {
        en: "The failed execve calls are the PATH search: like a shell, zclab tries each directory in $PATH until the program is found. Give the full path to see one execve.",
        zh: "失败的 execve 是在 PATH 中查找程序：和 shell 一样，zclab 依次尝试 $PATH 中的每个目录，直到找到程序。给出完整路径就只会看到一次 execve。",
    }
    NOTE_IN_KERNEL {
        en: "sendfile, splice and copy_file_range move data between two files or a file and a socket inside the kernel: those bytes never enter user space, which is the zero copy Kafka relies on.",
        zh: "sendfile、splice 和 copy_file_range 在内核内部把数据从文件搬到文件或 Socket：这些字节从不进入用户空间，这正是 Kafka 所依赖的零拷贝。",
    }

    VERIFY_TITLE {
        en: "Second witness (--verify): each method re-run once in a child process under zclab's ptrace tracer; the child's own count beside what the tracer saw its sending thread do:",
        zh: "第二路核对（--verify）：每种方式在子进程中、在 zclab 的 ptrace 跟踪器下再跑一次；子进程自己的计数与跟踪器看到的发送线程的实际调用并列：",
    }
    HEAD_METHOD { en: "method", zh: "方式" }
    HEAD_OWN { en: "zclab's own count", zh: "zclab 自计数" }
    HEAD_TRACED { en: "ptrace tracer (sending thread)", zh: "ptrace 跟踪器（发送线程）" }
    HEAD_TRACED_BYTES { en: "bytes (tracer, return values)", zh: "字节（跟踪器，返回值）" }
    HEAD_VERDICT { en: "verdict", zh: "结论" }
    AGREE { en: "agree ✓", zh: "一致 ✓" }
    DIFFER { en: "DIFFER by {diff}", zh: "不一致，相差 {diff}" }
    VERIFY_METHOD {
        en: "{method}: sending thread {tid} made {total} system calls in all: {data} moving data, {other} setting up and synchronising ({rest}), which compare does not count; bytes through user space: own {own_bytes} / tracer {traced_bytes}; /proc syscr +{syscr} syscw +{syscw}; {threads} threads traced, {secs} s under the tracer",
        zh: "{method}：发送线程 {tid} 共做了 {total} 次系统调用：{data} 次搬运数据，{other} 次用于准备与同步（{rest}），compare 不计这些；经过用户空间的字节：自计数 {own_bytes} / 跟踪器 {traced_bytes}；/proc syscr +{syscr} syscw +{syscw}；跟踪了 {threads} 个线程，跟踪下用时 {secs} s",
    }
    VERIFY_AGREE {
        en: "Both witnesses agree on every data-moving call: zclab's mode switches (2 per call) rest on counts the kernel-level tracer confirms.",
        zh: "两路计数在每一个搬运数据的调用上都一致：zclab 推算用户态/内核态切换（每次调用 2 次）所依据的次数，得到了内核级跟踪器的证实。",
    }
    VERIFY_DIFFER {
        en: "The witnesses DIFFER (see the rows marked above): zclab's own count is not confirmed for this run.",
        zh: "两路计数不一致（见上面标出的行）：本次运行中 zclab 的自计数未得到证实。",
    }
}
