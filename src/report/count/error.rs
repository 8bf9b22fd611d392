//! A command that could not be traced, in one line from the catalogue.

use crate::ctx::Ctx;
use crate::tracer::TraceError;

pub fn trace_error(e: &TraceError, ctx: &Ctx) -> String {
    e.message().get(ctx.lang).to_string()
}
