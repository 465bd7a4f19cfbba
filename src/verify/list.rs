//! `kata verify --list`: the blocks a run would cover, read and filtered as
//! for a run, without starting any worker. The listing goes to stdout
//! (text or JSON); warnings and input errors go to stderr.

use std::io::Write;

use anyhow::{Context, Result};
use serde::Serialize;

use crate::exit_code::ExitStatus;
use crate::extract::{Block, Expectation, Language, Requirement};
use crate::report::{InputError, Reporter};

use super::{Loaded, VerifyConfig, files, prepare};

/// How the listing is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ListFormat {
    Text,
    Json,
}

/// One block, as `--list --format json` shows it.
#[derive(Debug, Serialize)]
struct Listed<'a> {
    file: &'a str,
    /// Line of the opening fence (of the HTML comment, for hidden code).
    line: usize,
    /// Line of the first line of code.
    code_line: usize,
    language: &'static str,
    kind: &'static str,
    /// Code readers do not see (hidden setup in an HTML comment).
    hidden: bool,
    /// Why the block is skipped, when it is.
    skip: Option<&'a str>,
    no_run: bool,
    xfail: bool,
    isolated: bool,
    session: Option<&'a str>,
    timeout_ms: Option<u64>,
    /// Limit directives, as written (`memory=2G`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    limits: Vec<String>,
    requires: Vec<String>,
    raises: Option<&'a str>,
}

#[derive(Serialize)]
struct Listing<'a> {
    version: u32,
    blocks: &'a [Listed<'a>],
    errors: &'a [InputError],
}

/// Lists the blocks under `config.paths` that `config.filters` select.
/// `messages` receives warnings and input errors.
pub(crate) fn run(
    config: &VerifyConfig,
    format: ListFormat,
    messages: &mut dyn Reporter,
) -> Result<ExitStatus> {
    let (files, problems) = files::collect(&config.paths, config.exclude.as_ref());
    let prepared = prepare(config, files, problems);
    for error in &prepared.input_errors {
        messages.input_error(error);
    }
    for loaded in &prepared.documents {
        for warning in &loaded.document.warnings {
            messages.warning(&loaded.display, warning.line, &warning.message);
        }
    }
    let listed = listed(&prepared.documents);
    let mut out = std::io::stdout().lock();
    match format {
        ListFormat::Json => {
            let listing = Listing {
                version: 1,
                blocks: &listed,
                errors: &prepared.input_errors,
            };
            serde_json::to_writer(&mut out, &listing).context("writing the listing")?;
            writeln!(out).context("writing the listing")?;
        }
        ListFormat::Text => out
            .write_all(render_text(&listed).as_bytes())
            .context("writing the listing")?,
    }
    out.flush().context("writing the listing")?;
    Ok(if prepared.input_errors.is_empty() {
        ExitStatus::Success
    } else {
        ExitStatus::InputError
    })
}

fn listed(documents: &[Loaded]) -> Vec<Listed<'_>> {
    documents
        .iter()
        .flat_map(|loaded| {
            loaded
                .document
                .blocks
                .iter()
                .zip(&loaded.selected)
                .filter(|(_, selected)| **selected)
                .map(|(block, _)| describe(&loaded.display, block))
        })
        .collect()
}

fn describe<'a>(file: &'a str, block: &'a Block) -> Listed<'a> {
    let directives = &block.directives;
    Listed {
        file,
        line: block.fence_line,
        code_line: block.code_line,
        language: match block.language {
            Language::Python => "python",
            Language::Pycon => "pycon",
            Language::MystDoctest => "myst-doctest",
        },
        kind: block.expectation.kind(),
        hidden: block.hidden,
        skip: directives.skip.as_deref(),
        no_run: directives.no_run,
        xfail: directives.xfail,
        isolated: directives.isolated,
        session: directives.session.as_deref(),
        timeout_ms: directives.timeout.map(|t| t.as_millis() as u64),
        limits: directives.limits.directives(),
        requires: directives
            .requires
            .iter()
            .map(|requirement| match requirement {
                Requirement::Python(major, minor) => format!("{major}.{minor}"),
                Requirement::Module(name) => name.clone(),
                Requirement::Condition(condition) => format!("skip-if({condition})"),
            })
            .collect(),
        raises: match &block.expectation {
            Expectation::Raises { exception } => Some(exception),
            _ => None,
        },
    }
}

/// One line per block: `file:line  language  kind  directives...`, aligned.
fn render_text(listed: &[Listed<'_>]) -> String {
    let locations: Vec<String> = listed
        .iter()
        .map(|b| format!("{}:{}", b.file, b.line))
        .collect();
    let width = locations.iter().map(String::len).max().unwrap_or(0);
    let mut text = String::new();
    for (block, location) in listed.iter().zip(&locations) {
        let mut line = format!(
            "{location:<width$}  {:<12}  {:<8}",
            block.language, block.kind
        );
        let notes = notes(block);
        if !notes.is_empty() {
            line.push_str("  ");
            line.push_str(&notes.join(" "));
        }
        text.push_str(line.trim_end());
        text.push('\n');
    }
    text
}

/// The directives of a block as an author would write them.
fn notes(block: &Listed<'_>) -> Vec<String> {
    let mut notes = Vec::new();
    if let Some(reason) = block.skip {
        notes.push(format!("skip ({reason})"));
    }
    if block.hidden {
        notes.push("hidden".to_owned());
    }
    if block.no_run {
        notes.push("no-run".to_owned());
    }
    if block.xfail {
        notes.push("xfail".to_owned());
    }
    if block.isolated {
        notes.push("isolated".to_owned());
    }
    if let Some(session) = block.session {
        notes.push(format!("session={session}"));
    }
    if let Some(timeout_ms) = block.timeout_ms {
        let timeout = std::time::Duration::from_millis(timeout_ms);
        notes.push(format!("timeout={}", humantime::format_duration(timeout)));
    }
    notes.extend(block.limits.iter().cloned());
    for requirement in &block.requires {
        notes.push(format!("requires={requirement}"));
    }
    if let Some(exception) = block.raises {
        notes.push(format!("raises={exception}"));
    }
    notes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listed(line: usize) -> Listed<'static> {
        Listed {
            file: "docs/guide.md",
            line,
            code_line: line + 1,
            language: "python",
            kind: "smoke",
            hidden: false,
            skip: None,
            no_run: false,
            xfail: false,
            isolated: false,
            session: None,
            timeout_ms: None,
            limits: Vec::new(),
            requires: Vec::new(),
            raises: None,
        }
    }

    #[test]
    fn text_lines_are_aligned_and_name_the_directives() {
        let mut second = listed(120);
        second.kind = "raises";
        second.raises = Some("ValueError");
        second.timeout_ms = Some(5000);
        second.session = Some("setup");
        second.requires = vec!["3.12".to_owned()];
        second.limits = vec!["memory=2G".to_owned()];
        let text = render_text(&[listed(7), second]);
        assert_eq!(
            text,
            "docs/guide.md:7    python        smoke\n\
             docs/guide.md:120  python        raises    session=setup timeout=5s memory=2G requires=3.12 raises=ValueError\n"
        );
    }
}
