fn main() -> std::process::ExitCode {
    spacefold::cli::main()
}
