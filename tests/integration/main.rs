//! Integration tests of the `kata` binary: each runs `kata` as a user would,
//! on the fixture guides in `tests/fixtures/guides/`.
//!
//! Each fixture states, in an HTML comment right before each Python block,
//! the verdict it expects (`<!-- expect: pass -->`, kata ignores unknown
//! comments); `verify::every_guide_gets_the_verdicts_it_states` checks them
//! all. Fixtures named `bug_*` show known bugs and have ignored tests in
//! `known_bugs`.

mod comforts;
mod config;
mod content;
mod exercises;
mod grading;
mod harness;
mod inputs;
mod instructor;
mod isolation;
mod kata_run;
mod kata_session;
mod kata_watch;
mod known_bugs;
mod limits;
mod misbehaviour;
mod processes;
mod reports;
mod signals;
mod update;
mod util;
mod verify;
