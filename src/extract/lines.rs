//! Line numbers for byte offsets: the start of every line is computed once, so
//! that mapping an offset to its line is a binary search, never a rescan.

/// Where each line of a text starts.
#[derive(Debug)]
pub(super) struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub(super) fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, byte)| byte == b'\n')
                .map(|(at, _)| at + 1),
        );
        Self { starts }
    }

    /// The 1-based line holding byte `offset`.
    pub(super) fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&start| start <= offset).max(1)
    }

    /// Byte offset where 1-based `line` starts (the end of the text past the last line).
    pub(super) fn line_start(&self, line: usize, text: &str) -> usize {
        line.checked_sub(1)
            .and_then(|index| self.starts.get(index))
            .copied()
            .unwrap_or(text.len())
    }

    /// The text of 1-based `line`, without its line end.
    pub(super) fn line_text<'t>(&self, line: usize, text: &'t str) -> &'t str {
        let start = self.line_start(line, text);
        let end = self.line_start(line + 1, text);
        let line = text.get(start..end).unwrap_or("");
        let line = line.strip_suffix('\n').unwrap_or(line);
        line.strip_suffix('\r').unwrap_or(line)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_to_lines() {
        let text = "ab\r\ncd\n\nef";
        let index = LineIndex::new(text);
        for (offset, line) in [(0, 1), (3, 1), (4, 2), (7, 3), (8, 4), (10, 4), (99, 4)] {
            assert_eq!(index.line_of(offset), line, "offset {offset}");
        }
        assert_eq!(index.line_text(1, text), "ab");
        assert_eq!(index.line_text(3, text), "");
        assert_eq!(index.line_text(4, text), "ef");
        assert_eq!(index.line_text(5, text), "");
        assert_eq!(index.line_start(0, text), text.len());
    }
}
