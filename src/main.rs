fn main() -> std::process::ExitCode {
    kata::run()
}
