//! Exit codes, the same for every command (DESIGN: 0 clean or nothing to
//! do; 1 violations found or push rejected; 2 usage or config error; 3 I/O,
//! git or internal failure).

use serde::{Deserialize, Serialize};

/// How a command ended, as the process exit code.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "u8", try_from = "u8")]
pub enum Exit {
    /// Clean, or nothing to do.
    #[default]
    Ok,
    /// Violations found, a change refused, a push rejected.
    Violations,
    /// Bad usage or configuration.
    Usage,
    /// I/O, git or internal failure.
    Failure,
}

impl Exit {
    /// The process exit code.
    pub fn code(self) -> u8 {
        match self {
            Exit::Ok => 0,
            Exit::Violations => 1,
            Exit::Usage => 2,
            Exit::Failure => 3,
        }
    }
}

impl From<Exit> for u8 {
    fn from(e: Exit) -> u8 {
        e.code()
    }
}

impl TryFrom<u8> for Exit {
    type Error = String;
    fn try_from(code: u8) -> Result<Exit, String> {
        match code {
            0 => Ok(Exit::Ok),
            1 => Ok(Exit::Violations),
            2 => Ok(Exit::Usage),
            3 => Ok(Exit::Failure),
            n => Err(format!("exit code {n} is not one of 0, 1, 2, 3")),
        }
    }
}

impl From<Exit> for std::process::ExitCode {
    fn from(e: Exit) -> std::process::ExitCode {
        std::process::ExitCode::from(e.code())
    }
}

/// Write `text` to standard output. `false` only when that failed for
/// another reason than the reader going away: a closed pipe
/// (`git-inventory rules | head -1`) ends the output quietly, as it ends
/// any Unix filter, and the command keeps its own exit code.
pub fn emit(text: &str) -> bool {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Ok(()) => true,
        Err(e) => e.kind() == std::io::ErrorKind::BrokenPipe,
    }
}

/// [`emit`], as the command's exit: `code` when the text was written (or
/// its reader went away), [`Exit::Failure`] when it could not be.
pub fn emit_then(text: &str, code: Exit) -> Exit {
    if emit(text) {
        code
    } else {
        Exit::Failure
    }
}
