//! Turns the scanned fences and comments into Python blocks: language and
//! directives, skip comments, output blocks matched to their code, and the
//! expectation each block is checked against.

use super::comments::{self, Convention};
use super::directives;
use super::expect;
use super::lines::LineIndex;
use super::mapped::Lines;
use super::scan::{Fence, Item};
use super::{
    Block, Directives, Expectation, ExpectedOutput, Language, Requirement, Stage, Warning,
};

/// A block before its expectation is known.
struct Draft {
    block: Block,
    raises: Option<String>,
    output: Option<ExpectedOutput>,
}

/// The blocks of `items`, in order; warnings are appended to `warnings`.
pub(super) fn blocks(
    items: Vec<Item>,
    source: &str,
    lines: &LineIndex,
    warnings: &mut Vec<Warning>,
) -> Vec<Block> {
    let mut builder = Builder {
        source,
        lines,
        warnings,
        drafts: Vec::new(),
        next: Pending::default(),
        skip_region: None,
        last_visible: None,
        previous_fence: None,
        last_code: None,
        output_of: None,
        generation: 0,
    };
    for item in items {
        match item {
            Item::Fence(fence) => builder.fence(fence),
            Item::Comment(comment) => {
                builder.comment(comment.line, comments::convention(&comment.inner, source))
            }
        }
    }
    if let Some((line, _)) = builder.output_of {
        builder.warn(
            line,
            "`pytest-codeblocks:expected-output` is followed by no fenced block: ignored",
        );
    }
    if let Some((line, _)) = builder.skip_region {
        builder.warn(
            line,
            "`skip: start` has no `skip: end`: every block after it is skipped",
        );
    }
    builder.drafts.into_iter().map(finish).collect()
}

struct Builder<'a> {
    source: &'a str,
    lines: &'a LineIndex,
    warnings: &'a mut Vec<Warning>,
    drafts: Vec<Draft>,
    /// What comments asked of the next Python block.
    next: Pending,
    /// Line of the open `skip: start`, and its condition if it has one.
    skip_region: Option<(usize, Option<String>)>,
    /// The last Python block readers see: `output` blocks belong to it.
    last_visible: Option<usize>,
    /// The fence just before, when it is a visible Python block.
    previous_fence: Option<(usize, usize)>,
    /// The last fenced block, if any: `Some(index)` when it is a Python
    /// block, `None` for another language. What `expected-output` refers to.
    last_code: Option<Option<usize>>,
    /// A pending `pytest-codeblocks:expected-output`: its line, and the
    /// fenced block whose output the next fence is.
    output_of: Option<(usize, Option<Option<usize>>)>,
    /// Namespace clears so far.
    generation: usize,
}

/// What comments before a Python block ask of it.
#[derive(Default)]
struct Pending {
    skip: Option<String>,
    hints: Vec<String>,
    requires: Vec<Requirement>,
    xfail: bool,
    stage: Option<Stage>,
    clear_after: bool,
}

impl Builder<'_> {
    fn fence(&mut self, fence: Fence) {
        let previous = self.previous_fence.take();
        let output_of = self.output_of.take();
        let Some((language, rest)) = directives::language(&fence.info) else {
            // phmdoctest's `skip` on an output block: its output is not checked.
            let unchecked = self
                .next
                .skip
                .as_deref()
                .is_some_and(|reason| reason.starts_with("phmdoctest-"));
            if unchecked {
                self.next.skip = None;
            }
            match output_of {
                Some((_, Some(Some(index)))) => {
                    if !unchecked && let Some(draft) = self.drafts.get_mut(index) {
                        draft.output = Some(output(fence));
                    }
                }
                // The output of a block in another language.
                Some((_, Some(None))) => {}
                Some((line, None)) => {
                    self.warn(
                        line,
                        "`pytest-codeblocks:expected-output` follows no code block: ignored",
                    );
                    self.last_code = Some(None);
                }
                None if unchecked => self.last_code = Some(None),
                None => {
                    self.last_code = Some(None);
                    self.maybe_output(fence, previous);
                }
            }
            return;
        };
        if let Some((line, _)) = output_of {
            self.warn(
                line,
                "`pytest-codeblocks:expected-output` is followed by a Python block, not its output: ignored",
            );
        }
        let info = directives::parse(rest, language);
        for message in info.warnings {
            self.warn(fence.fence_line, &message);
        }
        let index = self.push(
            fence.fence_line,
            fence.fence_line + 1,
            fence.body,
            language,
            info.directives,
            false,
        );
        if let Some(draft) = self.drafts.get_mut(index) {
            draft.raises = info.raises;
        }
        self.last_visible = Some(index);
        self.last_code = Some(Some(index));
        if fence.closed {
            self.previous_fence = Some((index, fence.last_line));
        }
    }

    fn maybe_output(&mut self, fence: Fence, previous: Option<(usize, usize)>) {
        let label = directives::label(&fence.info);
        let owner = match label.as_str() {
            "output" => self.last_visible,
            "" | "text" => previous
                .filter(|&(_, last_line)| {
                    expect::follows_directly(self.source, self.lines, last_line, fence.fence_line)
                })
                .map(|(index, _)| index),
            _ => None,
        };
        if let Some(draft) = owner.and_then(|index| self.drafts.get_mut(index))
            && draft.output.is_none()
        {
            draft.output = Some(output(fence));
        }
    }

    fn comment(&mut self, line: usize, convention: Option<Convention>) {
        match convention {
            None | Some(Convention::Nothing) => {}
            Some(Convention::SkipNext(reason)) => self.next.skip = Some(reason),
            Some(Convention::SkipNextIf(condition)) => {
                self.next.requires.push(Requirement::Condition(condition));
            }
            Some(Convention::RequireNext(requirement)) => self.next.requires.push(requirement),
            Some(Convention::XfailNext) => self.next.xfail = true,
            Some(Convention::StageNext(stage)) => self.next.stage = Some(stage),
            Some(Convention::ClearNamespace) => self.generation += 1,
            Some(Convention::ClearAfterNext) => self.next.clear_after = true,
            Some(Convention::OutputOfPrevious) => self.output_of = Some((line, self.last_code)),
            Some(Convention::SkipStart(_)) if self.skip_region.is_some() => {
                self.warn(line, "`skip: start` inside a skipped region ignored");
            }
            Some(Convention::SkipStart(condition)) => self.skip_region = Some((line, condition)),
            Some(Convention::SkipEnd) if self.skip_region.is_none() => {
                self.warn(line, "`skip: end` without `skip: start` ignored");
            }
            Some(Convention::SkipEnd) => self.skip_region = None,
            Some(Convention::Unsupported(message)) => self.warn(line, &message),
            Some(Convention::HintNext(hint)) => self.next.hints.push(hint),
            Some(Convention::ExerciseTests(name, code)) => {
                let code_line = code
                    .ranges
                    .first()
                    .map_or(line + 1, |range| self.lines.line_of(range.start));
                let directives = Directives {
                    exercise_tests: Some(name),
                    ..Directives::default()
                };
                self.push(line, code_line, code, Language::Python, directives, true);
            }
            Some(Convention::Hidden(code)) => {
                let code_line = code
                    .ranges
                    .first()
                    .map_or(line + 1, |range| self.lines.line_of(range.start));
                self.push(
                    line,
                    code_line,
                    code,
                    Language::Python,
                    Directives::default(),
                    true,
                );
            }
        }
    }

    /// Adds a block, applying pending skip comments; returns its index.
    fn push(
        &mut self,
        fence_line: usize,
        code_line: usize,
        code: Lines,
        language: Language,
        mut directives: Directives,
        hidden: bool,
    ) -> usize {
        let next = std::mem::take(&mut self.next);
        let region = self.skip_region.as_ref().map(|(_, condition)| condition);
        let comment_skip = next.skip.or_else(|| match region {
            Some(None) => Some("skip: start".to_owned()),
            _ => None,
        });
        if directives.skip.is_none() {
            directives.skip = comment_skip;
        }
        if let Some(Some(condition)) = region {
            directives
                .requires
                .push(Requirement::Condition(condition.clone()));
        }
        directives.requires.extend(next.requires);
        directives.hints.extend(next.hints);
        directives.xfail |= next.xfail;
        if let Some(stage) = next.stage {
            directives.stage = stage;
        }
        directives.generation = self.generation;
        if next.clear_after {
            self.generation += 1;
        }
        self.drafts.push(Draft {
            block: Block {
                fence_line,
                code_line,
                code: code.text,
                code_lines: code.ranges,
                language,
                directives,
                expectation: Expectation::Smoke,
                hidden,
            },
            raises: None,
            output: None,
        });
        self.drafts.len() - 1
    }

    fn warn(&mut self, line: usize, message: &str) {
        self.warnings.push(Warning {
            line,
            message: message.to_owned(),
        });
    }
}

fn output(fence: Fence) -> ExpectedOutput {
    ExpectedOutput {
        text: fence.body.text,
        fence_line: fence.fence_line,
        lines: fence.body.ranges,
        insert_at: fence.insert_at,
    }
}

fn finish(draft: Draft) -> Block {
    let Draft {
        mut block,
        raises,
        output,
    } = draft;
    block.expectation = if block.hidden {
        Expectation::Smoke
    } else if block.language != Language::Python || expect::is_doctest(&block.code) {
        Expectation::Doctest
    } else if let Some(exception) = raises {
        Expectation::Raises { exception }
    } else if let Some(output) = output.filter(|_| block.directives.stage == Stage::Body) {
        // phmdoctest checks no output of setup and teardown code.
        Expectation::Output(output)
    } else if let Some(output) = expect::comment_output(&block.code) {
        Expectation::Comments {
            expected: output.expected,
            lines: output
                .lines
                .into_iter()
                .map(|line| block.code_line + line)
                .collect(),
        }
    } else {
        Expectation::Smoke
    };
    block
}
