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
