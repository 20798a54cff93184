//! The `git-inventory` command line: a thin layer over the library.

use clap::{Parser, Subcommand};
use git_inventory::commands;
use git_inventory::hook::{self, Mode};
use git_inventory::output::Format;
use git_inventory::view::{self, ViewError};
use std::path::PathBuf;
use std::process::ExitCode;

// The validator allocates many small nodes; mimalloc halves the time the
// system allocator spent on them.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "git-inventory",
    version,
    about = "Keeps git repositories of Ansible YAML inventories honest"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check inventories: a repository (directory), single files, or a commit (--rev).
    Validate {
        /// Repository directories or inventory files (default: `.`).
        paths: Vec<PathBuf>,
        /// Validate the tree of this commit (read through git, no checkout).
        #[arg(long)]
        rev: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
        /// Configuration file (default: `.git-inventory.yml` at the repository root).
        #[arg(long)]
        config: Option<PathBuf>,
    },
    /// Run as a git pre-receive hook: reads `<old> <new> <ref>` lines on stdin.
    PreReceive {
        /// Server-side configuration (overrides the pushed `.git-inventory.yml`).
        #[arg(long)]
        config: Option<PathBuf>,
        /// strict: any violation rejects; ratchet: only new violations do.
        #[arg(long, value_enum)]
        mode: Option<Mode>,
        /// Prefix messages with `GL-HOOK-ERR:` (automatic when GL_ID is set).
        #[arg(long)]
        gitlab: bool,
    },
    /// Install or remove the pre-receive hook of a bare repository.
    Hook {
        #[command(subcommand)]
        action: HookAction,
    },
    /// List the rule catalogue, or print one rule's documentation.
    Rules {
        /// A rule code (`INV002`) or name (`duplicate-key`).
        code: Option<String>,
    },
    /// Print the group tree exactly as `ansible-inventory --graph` does.
    Graph {
        /// Inventory source (file or directory); repeatable.
        #[arg(short = 'i', long = "inventory", required = true)]
        inventory: Vec<PathBuf>,
        /// Group to start from.
        #[arg(default_value = "all")]
        group: String,
        /// Show variables too (`--graph --vars`).
        #[arg(long)]
        vars: bool,
    },
    /// Print the JSON `ansible-inventory --list` prints.
    List {
        /// Inventory source (file or directory); repeatable.
        #[arg(short = 'i', long = "inventory", required = true)]
        inventory: Vec<PathBuf>,
        /// Print only this host's variables (`--host`).
        #[arg(long)]
        host: Option<String>,
    },
}

#[derive(Subcommand)]
enum HookAction {
    /// Write hooks/pre-receive (or custom_hooks/pre-receive.d/git-inventory).
    Install {
        /// The bare repository.
        repo: PathBuf,
        /// GitLab layout: custom_hooks/pre-receive.d/, messages prefixed GL-HOOK-ERR.
        #[arg(long)]
        gitlab: bool,
        /// Replace a hook that is not ours.
        #[arg(long)]
        force: bool,
        /// Server-side configuration file the hook will use.
        #[arg(long)]
        config: Option<PathBuf>,
    },
    /// Remove the hook (only one we installed).
    Uninstall {
        repo: PathBuf,
        #[arg(long)]
        gitlab: bool,
    },
}

fn view_exit(e: ViewError) -> ExitCode {
    match e {
        ViewError::Usage(m) => {
            eprintln!("git-inventory: {m}");
            ExitCode::from(2)
        }
        ViewError::Refused(m) => {
            eprintln!("git-inventory: Ansible would refuse this inventory: {m}");
            ExitCode::from(1)
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let limits = Default::default();
    match cli.command {
        Command::Validate {
            paths,
            rev,
            format,
            config,
        } => ExitCode::from(commands::validate(
            &paths,
            rev.as_deref(),
            format,
            config.as_deref(),
        )),
        Command::PreReceive {
            config,
            mode,
            gitlab,
        } => ExitCode::from(hook::pre_receive(&hook::Options {
            config,
            mode,
            gitlab,
        })),
        Command::Hook { action } => {
            let r = match action {
                HookAction::Install {
                    repo,
                    gitlab,
                    force,
                    config,
                } => hook::install(&repo, gitlab, force, config.as_deref())
                    .map(|p| format!("installed {}", p.display())),
                HookAction::Uninstall { repo, gitlab } => {
                    hook::uninstall(&repo, gitlab).map(|p| format!("removed {}", p.display()))
                }
            };
            match r {
                Ok(m) => {
                    println!("git-inventory: {m}");
                    ExitCode::SUCCESS
                }
                Err(m) => {
                    eprintln!("git-inventory: {m}");
                    ExitCode::from(commands::EXIT_USAGE)
                }
            }
        }
        Command::Rules { code } => ExitCode::from(commands::rules(code.as_deref())),
        Command::Graph {
            inventory,
            group,
            vars,
        } => match view::load(&inventory, limits)
            .and_then(|inv| view::graph_text(&inv, &group, vars))
        {
            Ok(t) => {
                println!("{t}");
                ExitCode::SUCCESS
            }
            Err(e) => view_exit(e),
        },
        Command::List { inventory, host } => {
            match view::load(&inventory, limits)
                .and_then(|inv| view::list_text(&inv, host.as_deref()))
            {
                Ok(t) => {
                    println!("{t}");
                    ExitCode::SUCCESS
                }
                Err(e) => view_exit(e),
            }
        }
    }
}
