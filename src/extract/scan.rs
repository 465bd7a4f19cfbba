//! Walks pulldown-cmark's events and lists, in document order, the fenced
//! code blocks and HTML comments of a file, with source lines and ranges.
//! Container content is parsed again at its own level (see `containers`).

use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, Options, Parser, Tag, TagEnd};

use super::Warning;
use super::containers;
use super::lines::LineIndex;
use super::mapped::{Lines, Mapped};

/// Containers nested deeper than this are not looked into (each level parses
/// its content again, so this also bounds the work on hostile input).
const MAX_DEPTH: usize = 16;

/// Something in the Markdown that extraction cares about.
#[derive(Debug)]
pub(super) enum Item {
    Fence(Fence),
    Comment(Comment),
}

/// A fenced code block of any language.
#[derive(Debug)]
pub(super) struct Fence {
    pub(super) info: String,
    pub(super) fence_line: usize,
    /// Line of the closing fence, or of the last line of an unterminated block.
    pub(super) last_line: usize,
    pub(super) closed: bool,
    pub(super) body: Lines,
    /// Start of the closing fence line (end of the block when unterminated).
    pub(super) insert_at: usize,
}

/// An HTML comment: the text between `<!--` and `-->`.
#[derive(Debug)]
pub(super) struct Comment {
    pub(super) line: usize,
    pub(super) inner: Mapped,
}

/// The items of `text` (the source, front matter blanked), in order.
pub(super) fn scan(text: String, source: &str, lines: &LineIndex) -> (Vec<Item>, Vec<Warning>) {
    let mut scanner = Scanner {
        source,
        lines,
        items: Vec::new(),
        warnings: Vec::new(),
    };
    scanner.level(&Mapped::identity(text), 0);
    (scanner.items, scanner.warnings)
}

struct Scanner<'a> {
    source: &'a str,
    lines: &'a LineIndex,
    items: Vec<Item>,
    warnings: Vec<Warning>,
}

enum Open {
    Nothing,
    Code {
        info: Option<String>,
        range: Range<usize>,
        body: Mapped,
    },
    Html(Mapped),
}

impl Scanner<'_> {
    fn level(&mut self, level: &Mapped, depth: usize) {
        let (parsed, openers) = containers::mark_openers(&level.text);
        let mut open = Open::Nothing;
        for (event, range) in Parser::new_ext(&parsed, Options::empty()).into_offset_iter() {
            match event {
                Event::Start(Tag::CodeBlock(kind)) => {
                    let info = match kind {
                        CodeBlockKind::Fenced(info) => Some(info.trim().to_owned()),
                        CodeBlockKind::Indented => None,
                    };
                    open = Open::Code {
                        info,
                        range,
                        body: Mapped::default(),
                    };
                }
                Event::Text(text) => {
                    if let Open::Code { body, .. } = &mut open {
                        push_piece(body, level, &parsed, &text, range);
                    }
                }
                Event::End(TagEnd::CodeBlock) => {
                    if let Open::Code { info, range, body } =
                        std::mem::replace(&mut open, Open::Nothing)
                    {
                        match info {
                            Some(info) => self.fence(level, info, range, &body),
                            None => self.indented(level, &openers, range, &body, depth),
                        }
                    }
                }
                Event::Start(Tag::HtmlBlock) => open = Open::Html(Mapped::default()),
                Event::Html(text) | Event::InlineHtml(text) => match &mut open {
                    Open::Html(html) => push_piece(html, level, &parsed, &text, range),
                    _ => {
                        let mut html = Mapped::default();
                        push_piece(&mut html, level, &parsed, &text, range);
                        self.comments(&html);
                    }
                },
                Event::End(TagEnd::HtmlBlock) => {
                    if let Open::Html(html) = std::mem::replace(&mut open, Open::Nothing) {
                        self.comments(&html);
                    }
                }
                _ => {}
            }
        }
    }

    fn fence(&mut self, level: &Mapped, info: String, range: Range<usize>, body: &Mapped) {
        let fence_line = self.lines.line_of(level.source(range.start));
        let last = level.source(range.end.saturating_sub(1).max(range.start));
        let last_line = self.lines.line_of(last).max(fence_line);
        let body = Lines::new(body, self.source);
        let closed = last_line > fence_line + body.ranges.len();
        let insert_at = if closed {
            self.lines.line_start(last_line, self.source)
        } else {
            level.source_range(range).end
        };
        if !closed {
            self.warnings.push(Warning {
                line: fence_line,
                message: "unterminated code fence".to_owned(),
            });
        }
        self.items.push(Item::Fence(Fence {
            info,
            fence_line,
            last_line,
            closed,
            body,
            insert_at,
        }));
    }

    fn indented(
        &mut self,
        level: &Mapped,
        openers: &[usize],
        range: Range<usize>,
        body: &Mapped,
        depth: usize,
    ) {
        if !containers::follows_opener(&level.text, openers, range.start) {
            return;
        }
        if depth >= MAX_DEPTH {
            self.warnings.push(Warning {
                line: self.lines.line_of(level.source(range.start)),
                message: format!(
                    "containers nested more than {MAX_DEPTH} deep are not searched for code"
                ),
            });
            return;
        }
        self.level(&containers::dedent(body), depth + 1);
    }

    fn comments(&mut self, html: &Mapped) {
        let mut from = 0;
        while let Some(open) = html.text.get(from..).and_then(|rest| rest.find("<!--")) {
            let start = from + open;
            let inner_start = start + "<!--".len();
            let Some(close) = html
                .text
                .get(inner_start..)
                .and_then(|rest| rest.find("-->"))
            else {
                break;
            };
            let inner_end = inner_start + close;
            self.items.push(Item::Comment(Comment {
                line: self.lines.line_of(html.source(start)),
                inner: html.slice(inner_start..inner_end),
            }));
            from = inner_end + "-->".len();
        }
    }
}

/// Appends an event's text: from the level's own text when the parser took it
/// verbatim (marked openers are restored that way), as made up otherwise.
fn push_piece(
    into: &mut Mapped,
    level: &Mapped,
    parsed: &str,
    text: &CowStr<'_>,
    range: Range<usize>,
) {
    if parsed.get(range.clone()) == Some(&**text) && level.text.get(range.clone()).is_some() {
        into.push_from(level, range);
    } else {
        into.push_made_up(text, level.source(range.start));
    }
}
