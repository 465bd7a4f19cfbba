//! Which Python `kata` embeds, and whether an active virtualenv fits it.

use anyhow::{Result, bail};

use crate::python::{BUILD_PYTHON, BUILD_PYTHON_VERSION};

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

/// What a worker reports about the Python it embeds (`kata __zygote --info`).
#[derive(Debug, serde::Deserialize)]
struct InterpreterInfo {
    version: String,
    executable: String,
    prefix: String,
    base_prefix: String,
    stdlib: String,
    purelib: String,
    site_packages: Vec<String>,
    virtual_env: Option<String>,
}

/// `kata --version`: kata's version on stdout, then the embedded Python as a
/// worker sees it (this process never starts Python).
pub(crate) fn print_version() -> anyhow::Result<crate::exit_code::ExitStatus> {
    use std::io::Write;

    let mut out = std::io::stdout().lock();
    writeln!(out, "kata {}", env!("CARGO_PKG_VERSION"))?;
    out.flush()?;
    let info = ask_worker().map_err(|err| {
        err.context(format!(
            "cannot describe the embedded Python (kata was built against Python {BUILD_PYTHON_VERSION}, `{BUILD_PYTHON}`)"
        ))
    })?;
    write!(out, "{}", render(&info, check_virtualenv().err()))?;
    out.flush()?;
    Ok(crate::exit_code::ExitStatus::Success)
}

fn ask_worker() -> anyhow::Result<InterpreterInfo> {
    use anyhow::Context;

    let output = crate::runner::worker_command()?
        .arg("--info")
        .stdin(std::process::Stdio::null())
        .output()
        .context("starting a worker process")?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        bail!("the worker failed ({}): {}", output.status, stderr.trim());
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout.lines().last().unwrap_or_default();
    serde_json::from_str(line)
        .with_context(|| format!("unreadable answer from the worker: {line:?}"))
}

fn render(info: &InterpreterInfo, refused_venv: Option<anyhow::Error>) -> String {
    let mut text = format!("Python {}\n", info.version.replace('\n', " "));
    let mut field = |name: &str, value: &str| {
        text.push_str(&format!("  {name:<14} {value}\n"));
    };
    field("built against", BUILD_PYTHON);
    field("executable", &info.executable);
    field("prefix", &info.prefix);
    if info.base_prefix != info.prefix {
        field("base prefix", &info.base_prefix);
    }
    field("stdlib", &info.stdlib);
    let mut site_packages = info.site_packages.clone();
    if !site_packages.contains(&info.purelib) {
        site_packages.insert(0, info.purelib.clone());
    }
    for (index, path) in site_packages.iter().enumerate() {
        field(if index == 0 { "site-packages" } else { "" }, path);
    }
    let virtualenv = match (&info.virtual_env, refused_venv) {
        (Some(venv), Some(err)) => format!("{venv} (refused: {err:#})"),
        (Some(venv), None) if info.prefix != info.base_prefix => format!("{venv} (VIRTUAL_ENV)"),
        (Some(venv), None) => format!("{venv} (VIRTUAL_ENV, not used: it has no bin/python)"),
        (None, _) if info.prefix != info.base_prefix => info.prefix.clone(),
        (None, _) => "none".to_owned(),
    };
    field("virtualenv", &virtualenv);
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_version_names_python_and_where_its_libraries_are() {
        let info = InterpreterInfo {
            version: "3.12.3 (main)\n[GCC 13]".to_owned(),
            executable: "/venv/bin/python".to_owned(),
            prefix: "/venv".to_owned(),
            base_prefix: "/usr".to_owned(),
            stdlib: "/usr/lib/python3.12".to_owned(),
            purelib: "/venv/lib/python3.12/site-packages".to_owned(),
            site_packages: vec!["/venv/lib/python3.12/site-packages".to_owned()],
            virtual_env: Some("/venv".to_owned()),
        };
        let text = render(&info, None);
        assert!(
            text.starts_with("Python 3.12.3 (main) [GCC 13]\n"),
            "{text}"
        );
        assert!(
            text.contains("  stdlib         /usr/lib/python3.12\n"),
            "{text}"
        );
        assert!(text.contains("  base prefix    /usr\n"), "{text}");
        assert!(
            text.contains("  site-packages  /venv/lib/python3.12/site-packages\n"),
            "{text}"
        );
        assert!(
            text.contains("  virtualenv     /venv (VIRTUAL_ENV)\n"),
            "{text}"
        );
    }
}
