//! Which Python `kata` embeds, and whether an active virtualenv fits it.

use anyhow::{Result, bail};

use crate::python::{BUILD_PYTHON, BUILD_PYTHON_VERSION};

/// `kata --version`: the crate version and the embedded Python.
pub(crate) const LONG_VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (embeds Python ",
    env!("KATA_BUILD_PYTHON_VERSION"),
    " from ",
    env!("KATA_BUILD_PYTHON"),
    ")"
);

/// Refuses a virtualenv made for another Python minor version: CPython would
/// start without error but with none of the virtualenv's packages.
pub(crate) fn check_virtualenv() -> Result<()> {
    let Some(venv) = std::env::var_os("VIRTUAL_ENV") else {
        return Ok(());
    };
    let config = std::path::Path::new(&venv).join("pyvenv.cfg");
    let Ok(text) = std::fs::read_to_string(&config) else {
        return Ok(());
    };
    let version = text.lines().find_map(|line| {
        let (key, value) = line.split_once('=')?;
        matches!(key.trim(), "version" | "version_info").then(|| value.trim().to_owned())
    });
    let Some(version) = version else {
        return Ok(());
    };
    let minor: String = version.split('.').take(2).collect::<Vec<_>>().join(".");
    if minor != BUILD_PYTHON_VERSION {
        bail!(
            "the active virtualenv `{}` is for Python {version}, but kata embeds Python {BUILD_PYTHON_VERSION} (`{BUILD_PYTHON}`)\n\nhint: activate a {BUILD_PYTHON_VERSION} virtualenv, or rebuild kata with `PYO3_PYTHON` pointing at Python {minor}",
            std::path::Path::new(&venv).display()
        );
    }
    Ok(())
}
