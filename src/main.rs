//! The `git-inventory` command line: a thin layer over the library.

use clap::{Parser, Subcommand};
use git_inventory::commands;
use git_inventory::output::Format;
use git_inventory::view::{self, ViewError};
use std::path::PathBuf;
use std::process::ExitCode;

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
