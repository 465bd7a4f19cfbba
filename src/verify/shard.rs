//! `--shard K/N`: which files the K-th of N machines verifies.
//!
//! Every machine computes the same assignment from the same file list, so
//! the N shards together cover each file exactly once. Files are weighed by
//! their number of blocks and handed out largest first, each to the lightest
//! shard (fewest blocks, then fewest files, then lowest index); files of
//! equal weight go in order of their display path. The order the files were
//! found in does not matter.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// One slice of a sharded run: `index` of `count`, both 1-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub(crate) struct Shard {
    pub(crate) index: usize,
    pub(crate) count: usize,
}

impl FromStr for Shard {
    type Err = String;

    fn from_str(text: &str) -> Result<Shard, String> {
        let usage = "expected `K/N` with 1 <= K <= N, e.g. `2/3`";
        let (index, count) = text
            .split_once('/')
            .ok_or_else(|| format!("no `/` in it; {usage}"))?;
        let number = |part: &str, name: &str| {
            part.trim()
                .parse::<usize>()
                .map_err(|_| format!("`{part}` is not a whole number for {name}; {usage}"))
        };
        let index = number(index, "K")?;
        let count = number(count, "N")?;
        if count == 0 {
            return Err(format!("N must be at least 1; {usage}"));
        }
        if index == 0 || index > count {
            return Err(format!("K must be between 1 and {count}; {usage}"));
        }
        Ok(Shard { index, count })
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// The 0-based shard of each item, given `(display path, weight)` pairs.
pub(crate) fn assign(items: &[(&str, usize)], count: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by(|&a, &b| {
        let (path_a, weight_a) = items[a];
        let (path_b, weight_b) = items[b];
        weight_b.cmp(&weight_a).then_with(|| path_a.cmp(path_b))
    });
    // Only the first `items.len()` shards can ever receive a file: an
    // untouched shard with a lower index always wins the tie.
    let used = count.min(items.len());
    let mut lightest: BinaryHeap<Reverse<(usize, usize, usize)>> =
        (0..used).map(|shard| Reverse((0, 0, shard))).collect();
    let mut shard_of = vec![0; items.len()];
    for item in order {
        let Some(Reverse((load, files, shard))) = lightest.pop() else {
            break;
        };
        shard_of[item] = shard;
        lightest.push(Reverse((load + items[item].1, files + 1, shard)));
    }
    shard_of
}

/// Keeps the items that belong to `shard`, in their original order.
pub(crate) fn select<T>(items: Vec<T>, shard: Shard, key: impl Fn(&T) -> (&str, usize)) -> Vec<T> {
    let keys: Vec<(&str, usize)> = items.iter().map(&key).collect();
    let shard_of = assign(&keys, shard.count);
    items
        .into_iter()
        .zip(shard_of)
        .filter(|(_, of)| *of + 1 == shard.index)
        .map(|(item, _)| item)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_k_of_n() {
        assert_eq!("2/3".parse::<Shard>(), Ok(Shard { index: 2, count: 3 }));
        assert_eq!(
            "1/1".parse::<Shard>().map(|s| s.to_string()),
            Ok("1/1".to_owned())
        );
        for bad in [
            "0/3", "4/3", "1/0", "3", "a/3", "1/b", "", "/", "-1/3", "1/3/4",
        ] {
            assert!(bad.parse::<Shard>().is_err(), "{bad:?} should be refused");
        }
        assert!(
            "4/3"
                .parse::<Shard>()
                .unwrap_err()
                .contains("between 1 and 3")
        );
    }

    #[test]
    fn heaviest_files_go_to_the_lightest_shard() {
        let items = [
            ("a.md", 1),
            ("b.md", 5),
            ("c.md", 3),
            ("d.md", 3),
            ("e.md", 2),
        ];
        // Largest first: b→0, c→1, d→2 (c before d by path), e→1 (shards 1
        // and 2 tie on blocks and files: lower index), a→2.
        let shard_of = assign(&items, 3);
        let mut loads = [0; 3];
        for (item, shard) in items.iter().zip(&shard_of) {
            loads[*shard] += item.1;
        }
        assert_eq!(shard_of, vec![2, 0, 1, 2, 1]);
        assert_eq!(loads, [5, 5, 4]);
    }

    #[test]
    fn assignment_does_not_depend_on_input_order() {
        let items = [
            ("x.md", 2),
            ("a.md", 2),
            ("m.md", 0),
            ("b.md", 7),
            ("c.md", 0),
        ];
        let mut reversed = items;
        reversed.reverse();
        let forward = assign(&items, 2);
        let backward = assign(&reversed, 2);
        for (i, item) in items.iter().enumerate() {
            let j = reversed.iter().position(|r| r == item).unwrap();
            assert_eq!(forward[i], backward[j], "{}", item.0);
        }
    }

    #[test]
    fn every_item_lands_in_exactly_one_shard() {
        let items: Vec<(String, usize)> = (0..23).map(|i| (format!("f{i:02}.md"), i % 5)).collect();
        let keyed: Vec<(&str, usize)> = items.iter().map(|(p, w)| (p.as_str(), *w)).collect();
        let mut seen = Vec::new();
        for index in 1..=4 {
            let shard = Shard { index, count: 4 };
            seen.extend(select(keyed.clone(), shard, |item| *item));
        }
        seen.sort();
        let mut all = keyed.clone();
        all.sort();
        assert_eq!(seen, all);
    }

    #[test]
    fn more_shards_than_files_leaves_the_last_ones_empty() {
        let items = [("a.md", 0), ("b.md", 0)];
        assert_eq!(assign(&items, usize::MAX), vec![0, 1]);
        assert!(select(items.to_vec(), Shard { index: 3, count: 5 }, |i| *i).is_empty());
        assert!(assign(&[], 3).is_empty());
    }
}
