//! The course and the samples as compiled into the binary (see build.rs).

include!(concat!(env!("OUT_DIR"), "/embedded_lessons.rs"));
