//! Text derived from the source (block-quote prefixes, list and container
//! indentation removed) that remembers where each of its bytes came from, so
//! that blocks found in it report ranges and lines of the original file.

use std::ops::Range;

/// A derived text and, piece by piece, the source offsets its bytes map to.
#[derive(Debug, Default, Clone)]
pub(super) struct Mapped {
    pub(super) text: String,
    segments: Vec<Segment>,
}

/// From `at` in the derived text up to the next segment.
#[derive(Debug, Clone, Copy)]
struct Segment {
    at: usize,
    source: usize,
    /// Copied byte for byte from the source; otherwise made up (tab expansion)
    /// and every byte maps to `source`.
    copied: bool,
}

impl Mapped {
    /// The source itself.
    pub(super) fn identity(text: String) -> Self {
        let segments = vec![Segment {
            at: 0,
            source: 0,
            copied: true,
        }];
        Self { text, segments }
    }

    /// Appends `text`, which is `source[at..at + text.len()]`.
    pub(super) fn push_copied(&mut self, text: &str, at: usize) {
        if text.is_empty() {
            return;
        }
        let continues = self
            .segments
            .last()
            .is_some_and(|last| last.copied && last.source + (self.text.len() - last.at) == at);
        if !continues {
            self.segments.push(Segment {
                at: self.text.len(),
                source: at,
                copied: true,
            });
        }
        self.text.push_str(text);
    }

    /// Appends `text`, which is not in the source; it maps to offset `at`.
    pub(super) fn push_made_up(&mut self, text: &str, at: usize) {
        if text.is_empty() {
            return;
        }
        self.segments.push(Segment {
            at: self.text.len(),
            source: at,
            copied: false,
        });
        self.text.push_str(text);
    }

    /// Appends `parent.text[range]`, keeping its mapping to the source.
    pub(super) fn push_from(&mut self, parent: &Mapped, range: Range<usize>) {
        if parent.text.get(range.clone()).is_none() {
            return;
        }
        let first = parent.segment_index(range.start);
        for (index, segment) in parent.segments.iter().enumerate().skip(first) {
            if segment.at >= range.end {
                break;
            }
            let segment_end = parent
                .segments
                .get(index + 1)
                .map_or(parent.text.len(), |next| next.at);
            let start = segment.at.max(range.start);
            let end = segment_end.min(range.end);
            let Some(text) = parent.text.get(start..end) else {
                continue;
            };
            if segment.copied {
                self.push_copied(text, segment.source + (start - segment.at));
            } else {
                self.push_made_up(text, segment.source);
            }
        }
    }

    fn segment_index(&self, at: usize) -> usize {
        self.segments
            .partition_point(|segment| segment.at <= at)
            .saturating_sub(1)
    }

    /// The source offset of derived offset `at`, as the start of a range.
    pub(super) fn source(&self, at: usize) -> usize {
        match self.segments.get(self.segment_index(at)) {
            Some(segment) if segment.copied => segment.source + at.saturating_sub(segment.at),
            Some(segment) => segment.source,
            None => 0,
        }
    }

    /// The source offset of derived offset `at`, as the end of a range.
    fn source_end(&self, at: usize) -> usize {
        if at == 0 {
            return self.source(0);
        }
        match self.segments.get(self.segment_index(at - 1)) {
            Some(segment) if segment.copied => segment.source + (at - segment.at),
            Some(segment) => segment.source,
            None => 0,
        }
    }

    /// The source range of derived `range`.
    pub(super) fn source_range(&self, range: Range<usize>) -> Range<usize> {
        let start = self.source(range.start);
        if range.is_empty() {
            return start..start;
        }
        start..self.source_end(range.end).max(start)
    }

    /// The derived text's lines, without line ends.
    pub(super) fn line_ranges(&self) -> Vec<Range<usize>> {
        let mut lines = Vec::new();
        let mut start = 0;
        for piece in self.text.split_inclusive('\n') {
            let end = start + piece.len();
            let line = piece.strip_suffix('\n').unwrap_or(piece);
            let line = line.strip_suffix('\r').unwrap_or(line);
            lines.push(start..start + line.len());
            start = end;
        }
        lines
    }

    /// A copy of `range` with its own mapping.
    pub(super) fn slice(&self, range: Range<usize>) -> Mapped {
        let mut slice = Mapped::default();
        slice.push_from(self, range);
        slice
    }
}

/// A text cut into lines, `\n`-terminated, with the source range of each line.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Lines {
    pub(super) text: String,
    pub(super) ranges: Vec<Range<usize>>,
}

impl Lines {
    /// The lines of `mapped`, whose offsets map into `source`.
    pub(super) fn new(mapped: &Mapped, source: &str) -> Self {
        let mut lines = Lines::default();
        for line in mapped.line_ranges() {
            lines.push(mapped, line, source);
        }
        lines
    }

    /// Appends `mapped.text[line]`. An empty line of a CRLF file maps to the
    /// start of its line, not between `\r` and `\n`.
    pub(super) fn push(&mut self, mapped: &Mapped, line: Range<usize>, source: &str) {
        let mut range = mapped.source_range(line.clone());
        let derived = mapped.text.get(line).unwrap_or("");
        let bytes = source.as_bytes();
        // A tab only partly taken by a fence's or a container's indentation
        // comes out of the parser as spaces that are not in the source (and
        // the line's range starts after the tab). Keep the source's tab
        // instead, so that every line is the text of its range and `--update`
        // can rewrite it byte for byte (found by `extract::proptests`).
        let blank = [' ', '\t'];
        let mut text = derived;
        if source.get(range.clone()) != Some(derived)
            && range.start > 0
            && bytes.get(range.start - 1) == Some(&b'\t')
            && let Some(original) = source.get(range.start - 1..range.end)
            && original.trim_start_matches(blank) == derived.trim_start_matches(blank)
        {
            range.start -= 1;
            text = original;
        } else if let Some(original) = source.get(range.clone())
            && derived != original
            && source[..range.start]
                .rsplit('\n')
                .next()
                .is_some_and(|before| before.contains('\t'))
            && derived
                .strip_suffix(original)
                .is_some_and(|made_up| made_up.bytes().all(|byte| byte == b' '))
        {
            // The same, with a container marker between the tab and the
            // content (`>   \t>>>` in a nested quote): the made-up columns
            // have no bytes of their own, so they are left out.
            text = original;
        }
        self.text.push_str(text);
        self.text.push('\n');
        if range.is_empty()
            && range.start > 0
            && bytes.get(range.start - 1) == Some(&b'\r')
            && bytes.get(range.start) == Some(&b'\n')
        {
            range = range.start - 1..range.start - 1;
        }
        self.ranges.push(range);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_copied_and_made_up_pieces() {
        let source = "> ab\n>  cd\n";
        let mut mapped = Mapped::default();
        mapped.push_copied("ab\n", 2);
        mapped.push_made_up("  ", 8);
        mapped.push_copied("cd\n", 8);
        assert_eq!(mapped.text, "ab\n  cd\n");
        assert_eq!(mapped.source_range(0..2), 2..4);
        assert_eq!(mapped.source_range(5..7), 8..10);
        assert_eq!(mapped.source_range(3..7), 8..10);
        let lines = Lines::new(&mapped, source);
        assert_eq!(lines.text, "ab\n  cd\n");
        assert_eq!(&source[lines.ranges[0].clone()], "ab");
    }

    #[test]
    fn push_from_composes() {
        let parent = Mapped::identity("xx\n    yy\n".to_owned());
        let mut child = Mapped::default();
        child.push_from(&parent, 7..10);
        assert_eq!(child.text, "yy\n");
        assert_eq!(child.source_range(0..2), 7..9);
        let grandchild = child.slice(1..2);
        assert_eq!(grandchild.source_range(0..1), 8..9);
    }
}
