//! Links the binary to the libpython it was built against (RUNPATH), and records
//! that interpreter's path so workers can initialise CPython with a correct
//! `sys.executable` and prefix.

fn main() {
    pyo3_build_config::add_libpython_rpath_link_args();
    pyo3_build_config::use_pyo3_cfgs();
    let config = pyo3_build_config::get();
    let executable = config.executable().map(str::to_owned).unwrap_or_default();
    println!("cargo:rustc-env=KATA_BUILD_PYTHON={executable}");
    let version = config.version();
    println!(
        "cargo:rustc-env=KATA_BUILD_PYTHON_VERSION={}.{}",
        version.major, version.minor
    );
    println!("cargo:rerun-if-env-changed=PYO3_PYTHON");
    println!("cargo:rerun-if-changed=build.rs");
}
