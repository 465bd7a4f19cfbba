//! Turns the scanned fences and comments into Python blocks: language and
//! directives, skip comments, output blocks matched to their code, and the
//! expectation each block is checked against.

use super::comments::{self, Convention};
use super::directives;
use super::expect;
use super::lines::LineIndex;
use super::mapped::Lines;
use super::scan::{Fence, Item};
use super::{Block, Directives, Expectation, ExpectedOutput, Language, Warning};

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
        skip_next: None,
        skip_region: None,
        last_visible: None,
        previous_fence: None,
    };
    for item in items {
        match item {
            Item::Fence(fence) => builder.fence(fence),
            Item::Comment(comment) => {
                builder.comment(comment.line, comments::convention(&comment.inner, source))
            }
        }
    }
    if let Some(line) = builder.skip_region {
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
    skip_next: Option<String>,
    /// Line of the open `skip: start`.
    skip_region: Option<usize>,
    /// The last Python block readers see: `output` blocks belong to it.
    last_visible: Option<usize>,
    /// The fence just before, when it is a visible Python block.
    previous_fence: Option<(usize, usize)>,
}

impl Builder<'_> {
    fn fence(&mut self, fence: Fence) {
        let previous = self.previous_fence.take();
        let Some((language, rest)) = directives::language(&fence.info) else {
            self.maybe_output(fence, previous);
            return;
        };
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
            draft.output = Some(ExpectedOutput {
                text: fence.body.text,
                fence_line: fence.fence_line,
                lines: fence.body.ranges,
                insert_at: fence.insert_at,
            });
        }
    }

    fn comment(&mut self, line: usize, convention: Option<Convention>) {
        match convention {
            None => {}
            Some(Convention::SkipNext(reason)) => self.skip_next = Some(reason),
            Some(Convention::SkipStart) if self.skip_region.is_some() => {
                self.warn(line, "`skip: start` inside a skipped region ignored");
            }
            Some(Convention::SkipStart) => self.skip_region = Some(line),
            Some(Convention::SkipEnd) if self.skip_region.is_none() => {
                self.warn(line, "`skip: end` without `skip: start` ignored");
            }
            Some(Convention::SkipEnd) => self.skip_region = None,
            Some(Convention::Unsupported(message)) => self.warn(line, &message),
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
        let comment_skip = self
            .skip_next
            .take()
            .or_else(|| self.skip_region.map(|_| "skip: start".to_owned()));
        if directives.skip.is_none() {
            directives.skip = comment_skip;
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
    } else if let Some(output) = output {
        Expectation::Output(output)
    } else if let Some(expected) = expect::comment_output(&block.code) {
        Expectation::Comments { expected }
    } else {
        Expectation::Smoke
    };
    block
}
