//! Worker processes: the hidden `__zygote` subcommand, its protocol with
//! `kata`, and the system calls it needs.

pub(crate) mod processes;
pub(crate) mod protocol;
pub(crate) mod sys;
pub(crate) mod zygote;
