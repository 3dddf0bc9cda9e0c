//! Standard output and error of the command-line tool: a reader that closes stdout early
//! (`… | head`) ends a command quietly with status 0; any other write error is a failure.

/// Why a command stopped early.
pub enum Stop {
    /// A failure, reported on stderr.
    Failed(String),
    /// Standard output was closed by its reader (`… | head`): nothing more to say.
    StdoutClosed,
}

impl From<String> for Stop {
    fn from(e: String) -> Self {
        Stop::Failed(e)
    }
}

impl From<&str> for Stop {
    fn from(e: &str) -> Self {
        Stop::Failed(e.to_owned())
    }
}

/// Writes one line to stdout. A reader that went away ends the command quietly; any other
/// write error is a failure.
pub fn print_line(line: std::fmt::Arguments<'_>) -> Result<(), Stop> {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{line}")
        .and_then(|()| stdout.flush())
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::BrokenPipe => Stop::StdoutClosed,
            _ => Stop::Failed(format!("cannot write to standard output: {e}")),
        })
}

/// Writes one line to stderr, ignoring failure (there is nowhere left to report it).
pub fn err_line(line: std::fmt::Arguments<'_>) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}
