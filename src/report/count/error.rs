//! A command that could not be traced, in one line from the catalogue.

use crate::ctx::Ctx;
use crate::text::errors as t;
use crate::tracer::TraceError;

pub fn trace_error(e: &TraceError, ctx: &Ctx) -> String {
    match e {
        TraceError::EmptyCommand => ctx.t(t::EMPTY_COMMAND).to_string(),
        TraceError::NulInArgument { arg } => {
            ctx.f(t::NUL_IN_ARGUMENT, &[("arg", &format!("{arg:?}"))])
        }
        TraceError::CommandNotFound { program } => {
            ctx.f(t::COMMAND_NOT_FOUND, &[("program", program)])
        }
        TraceError::CannotExecute { program, errno } => ctx.f(
            t::CANNOT_EXECUTE,
            &[("program", program), ("reason", &errno.desc())],
        ),
        TraceError::PtraceRefused { errno } => {
            ctx.f(t::PTRACE_REFUSED, &[("reason", &errno.desc())])
        }
        TraceError::AlreadyTraced { tracer_pid, tracer } => ctx.f(
            t::ALREADY_TRACED,
            &[("tracer", tracer), ("pid", tracer_pid)],
        ),
        TraceError::Os { what, errno } => {
            ctx.f(t::TRACER_OS, &[("what", what), ("reason", &errno.desc())])
        }
    }
}
