//! The only module that touches pyo3: starting CPython in a worker, loading
//! the embedded Python half of the harness, and forking a child that runs a
//! session. Never used in the `kata` process itself, only in `__zygote`.
#![expect(
    unsafe_code,
    reason = "PyConfig initialisation and fork hooks are raw CPython APIs"
)]

use std::ffi::CString;
use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::PyModule;

use crate::worker::sys;

/// The Python half of the harness, compiled into the binary: (module name,
/// file name, source), loaded in this order.
const PYTHON_MODULES: &[(&str, &str, &str)] = &[
    (
        "kata_sealed",
        "kata_sealed.py",
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/python/kata_sealed.py"
        )),
    ),
    (
        "kata",
        "kata.py",
        include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/python/kata.py")),
    ),
    (
        "kata_tests",
        "kata_tests.py",
        include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/python/kata_tests.py")),
    ),
    (
        "kata_harness",
        "kata_harness.py",
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/python/kata_harness.py"
        )),
    ),
];

/// How many times the zygote runs the harness's warm-up workload before it
/// freezes its heap. Measured on the benchmark corpus: 30 rounds gave no
/// fewer copy-on-write faults and cost ~0.6 s of start-up per worker.
const WARM_UP_ROUNDS: u32 = 1;

/// The interpreter `kata` was built against (its prefix is compiled into libpython).
pub(crate) const BUILD_PYTHON: &str = env!("KATA_BUILD_PYTHON");
/// `major.minor` of that interpreter.
pub(crate) const BUILD_PYTHON_VERSION: &str = env!("KATA_BUILD_PYTHON_VERSION");

/// The program name CPython should believe it runs as: the active virtualenv's
/// interpreter when there is one (so its site-packages are used), else the
/// interpreter `kata` was built against (not a PATH lookup, which may find a
/// pyenv shim).
pub(crate) fn program_name() -> PathBuf {
    if let Some(venv) = std::env::var_os("VIRTUAL_ENV") {
        let python = PathBuf::from(venv).join("bin").join("python");
        if python.exists() {
            return python;
        }
    }
    PathBuf::from(BUILD_PYTHON)
}

/// Initialises CPython once for this process, then releases the GIL.
pub(crate) fn initialize() -> Result<()> {
    let program = CString::new(program_name().as_os_str().as_encoded_bytes())
        .context("the Python program path contains a NUL byte")?;
    unsafe {
        let mut config = std::mem::MaybeUninit::<ffi::PyConfig>::zeroed();
        ffi::PyConfig_InitPythonConfig(config.as_mut_ptr());
        let mut config = config.assume_init();
        config.install_signal_handlers = 0;
        config.write_bytecode = 0;
        config.parse_argv = 0;
        let status =
            ffi::PyConfig_SetBytesString(&mut config, &mut config.program_name, program.as_ptr());
        if ffi::PyStatus_Exception(status) != 0 {
            ffi::PyConfig_Clear(&mut config);
            bail!("could not configure the embedded Python");
        }
        let status = ffi::Py_InitializeFromConfig(&config);
        ffi::PyConfig_Clear(&mut config);
        if ffi::PyStatus_Exception(status) != 0 {
            bail!(
                "could not start the embedded Python (built against `{}`)",
                BUILD_PYTHON
            );
        }
        ffi::PyEval_SaveThread();
    }
    Ok(())
}

/// `kata_sys.unshare(flags)`: the one system call the harness needs that
/// Python 3.11's `os` lacks (namespaces for graded code).
#[pyfunction]
fn unshare(flags: i32) -> PyResult<()> {
    sys::unshare(flags).map_err(|err| pyo3::exceptions::PyOSError::new_err(err.to_string()))
}

/// `kata_sys.setns(fd, flags)`: back into a namespace (`os.setns` is 3.12+).
#[pyfunction]
fn setns(fd: i32, flags: i32) -> PyResult<()> {
    sys::setns(fd, flags).map_err(|err| pyo3::exceptions::PyOSError::new_err(err.to_string()))
}

/// The `kata_sys` module: `unshare`, `setns` and the flags they take.
fn kata_sys_module(py: Python<'_>) -> PyResult<Bound<'_, PyModule>> {
    let module = PyModule::new(py, "kata_sys")?;
    module.add_function(wrap_pyfunction!(unshare, &module)?)?;
    module.add_function(wrap_pyfunction!(setns, &module)?)?;
    module.add("CLONE_NEWUSER", libc::CLONE_NEWUSER)?;
    module.add("CLONE_NEWPID", libc::CLONE_NEWPID)?;
    Ok(module)
}

/// The loaded harness module.
pub(crate) struct Harness {
    module: Py<PyModule>,
}

impl Harness {
    /// Imports the harness, warms the interpreter up with a representative
    /// workload and freezes the heap so forked children touch fewer pages.
    pub(crate) fn load(warm_up: bool) -> Result<(Harness, String)> {
        Python::attach(|py| {
            let modules = py
                .import("sys")
                .and_then(|sys| sys.getattr("modules"))
                .map_err(|err| anyhow::anyhow!("reading sys.modules failed: {err}"))?;
            let kata_sys = kata_sys_module(py)
                .map_err(|err| anyhow::anyhow!("creating `kata_sys` failed: {err}"))?;
            modules
                .set_item("kata_sys", kata_sys)
                .map_err(|err| anyhow::anyhow!("registering `kata_sys` failed: {err}"))?;
            let mut harness = None;
            for (name, file, source) in PYTHON_MODULES {
                let code = CString::new(*source).context("embedded Python has a NUL byte")?;
                let file = CString::new(*file).context("module file name has a NUL byte")?;
                let module_name = CString::new(*name).context("module name has a NUL byte")?;
                // Registered before it runs, as an import would, so the
                // modules can import each other.
                let module = PyModule::from_code(py, &code, &file, &module_name)
                    .map_err(|err| anyhow::anyhow!("loading `{name}` failed: {err}"))?;
                modules
                    .set_item(*name, &module)
                    .map_err(|err| anyhow::anyhow!("registering `{name}` failed: {err}"))?;
                harness = Some(module);
            }
            let module = harness.context("no harness module")?;
            if warm_up {
                module
                    .call_method1("warm_up", (WARM_UP_ROUNDS,))
                    .map_err(|err| anyhow::anyhow!("warming up the harness failed: {err}"))?;
            }
            let version: String = py
                .import("sys")
                .and_then(|sys| sys.getattr("version"))
                .and_then(|v| v.extract())
                .unwrap_or_default();
            py.import("gc")
                .and_then(|gc| gc.call_method0("freeze"))
                .map_err(|err| anyhow::anyhow!("gc.freeze failed: {err}"))?;
            Ok((
                Harness {
                    module: module.unbind(),
                },
                version,
            ))
        })
    }

    /// Forks a child that applies `setup`, runs `job_json` through the
    /// harness and exits. Returns the child's pid in the parent.
    pub(crate) fn fork_session(&self, setup: &sys::ChildSetup, job_json: &str) -> Result<i32> {
        Python::attach(|py| {
            unsafe { ffi::PyOS_BeforeFork() };
            let pid = sys::fork();
            match pid {
                Ok(0) => {
                    unsafe { ffi::PyOS_AfterFork_Child() };
                    setup.apply();
                    let code = self.run_in_child(py, job_json);
                    sys::exit_now(code)
                }
                Ok(pid) => {
                    unsafe { ffi::PyOS_AfterFork_Parent() };
                    Ok(pid)
                }
                Err(err) => {
                    unsafe { ffi::PyOS_AfterFork_Parent() };
                    Err(err).context("fork failed")
                }
            }
        })
    }

    fn run_in_child(&self, py: Python<'_>, job_json: &str) -> i32 {
        let faulthandler = py.import("faulthandler").and_then(|fh| {
            fh.call_method0("enable")?;
            let sigterm = py.import("signal")?.getattr("SIGTERM")?;
            let kwargs = pyo3::types::PyDict::new(py);
            kwargs.set_item("all_threads", true)?;
            kwargs.set_item("chain", true)?;
            fh.call_method("register", (sigterm,), Some(&kwargs))
        });
        if faulthandler.is_err() {
            return 72;
        }
        match self.module.bind(py).call_method1(
            "run_session",
            (job_json, sys::CHILD_RESULT_FD, sys::CHILD_ACK_FD),
        ) {
            Ok(_) => 0,
            Err(_) => 70,
        }
    }
}

/// What `kata --version` shows about the embedded Python, as one JSON object.
const INFO_SOURCE: &std::ffi::CStr = cr#"
import json, os, site, sys, sysconfig
_paths = sysconfig.get_paths()
try:
    _site_packages = site.getsitepackages()
except AttributeError:
    _site_packages = [_paths["purelib"]]
kata_info = json.dumps({
    "version": sys.version,
    "version_info": list(sys.version_info[:3]),
    "implementation": sys.implementation.name,
    "executable": sys.executable,
    "prefix": sys.prefix,
    "base_prefix": sys.base_prefix,
    "stdlib": _paths["stdlib"],
    "purelib": _paths["purelib"],
    "site_packages": _site_packages,
    "virtual_env": os.environ.get("VIRTUAL_ENV"),
})
"#;

/// Describes the interpreter [`initialize`] started (for `kata --version`).
pub(crate) fn interpreter_info() -> Result<String> {
    Python::attach(|py| {
        let failed = |err: PyErr| anyhow::anyhow!("describing the embedded Python failed: {err}");
        let globals = pyo3::types::PyDict::new(py);
        py.run(INFO_SOURCE, Some(&globals), None).map_err(failed)?;
        let info = globals
            .get_item("kata_info")
            .map_err(failed)?
            .context("describing the embedded Python failed")?;
        info.extract::<String>().map_err(failed)
    })
}
