//! The `git-inventory` command line: a thin layer over the library.

use clap::{Parser, Subcommand};
use git_inventory::commands;
use git_inventory::exit::{emit, emit_then, Exit};
use git_inventory::hook::{self, Mode};
use git_inventory::output::Format;
use git_inventory::realize;
use git_inventory::updater::{self, State as UpdState};
use git_inventory::view::{self, ViewError};
use std::path::PathBuf;
use std::process::ExitCode;

// The validator allocates many small nodes, which mimalloc serves in about
// half the time of the system allocator. Its v2 (the `v2` feature) keeps
// fewer transparent huge pages in use than v3 (each one zeroed by the
// kernel on first touch): less memory and less time at 10k hosts and up.
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

/// `git inventory <TAB>`: git's bash completion calls `_git_inventory`
/// with the words it split (`words`, `cword`) and the index of the git
/// command among them (`__git_cmd_idx`, past options such as `-C DIR`);
/// the words are handed to our completion as if typed after `git-inventory`.
const GIT_SUBCOMMAND_BASH: &str = r#"
# `git inventory ...`: git's completion calls _git_inventory.
_git_inventory() {
    local i=${__git_cmd_idx:-1}
    local -a w=("git-inventory" "${words[@]:i+1}")
    local c=$((cword - i))
    local COMP_WORDS=("${w[@]}") COMP_CWORD=$c
    _git__inventory git-inventory "${w[c]}" "${w[c-1]}"
}
"#;

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
        /// Colour the human output: auto (a terminal, unless NO_COLOR is set;
        /// FORCE_COLOR or CLICOLOR_FORCE force it, TERM=dumb turns it off),
        /// always or never.
        #[arg(long, value_enum, default_value = "auto")]
        color: commands::Color,
        /// Report only findings not already present at this commit (adopt
        /// on a messy repository: only what a change adds fails).
        #[arg(long, value_name = "REV")]
        baseline: Option<String>,
        /// Fix what can be fixed in place before reporting: sort the
        /// mappings INV040 (sort-order) reports, moving whole entries.
        #[arg(long)]
        fix: bool,
    },
    /// Run as a git pre-receive hook: reads `<old> <new> <ref>` lines on stdin.
    PreReceive {
        /// Server-side configuration (default: `<git-dir>/git-inventory.yml` when
        /// present; else the `.git-inventory.yml` of the commit already on the ref).
        #[arg(long)]
        config: Option<PathBuf>,
        /// strict: any violation rejects; ratchet: only new violations do.
        #[arg(long, value_enum)]
        mode: Option<Mode>,
        /// Prefix messages with `GL-HOOK-ERR:` (automatic when GL_ID is set).
        #[arg(long)]
        gitlab: bool,
        /// Reject the push when validation takes longer (seconds; default 4).
        #[arg(long)]
        timeout: Option<f64>,
    },
    /// Run as a git post-receive hook: tell the server-side config's
    /// `realize:` targets what each pushed ref changed.
    PostReceive {
        /// Server-side configuration (default: `<git-dir>/git-inventory.yml`).
        #[arg(long)]
        config: Option<PathBuf>,
    },
    /// Deliver what waits in a repository's outbox (for a timer, or by hand).
    Deliver {
        /// The repository (default: `.`).
        repo: Option<PathBuf>,
        /// Server-side configuration (default: `<git-dir>/git-inventory.yml`).
        #[arg(long)]
        config: Option<PathBuf>,
    },
    /// The hosts each environment gained, lost or saw changed between two commits.
    Changes {
        /// `[REPO] OLD..NEW` or `[REPO] OLD NEW` (REPO default: `.`; a bare
        /// repository works).
        #[arg(num_args = 1..=3, required = true, value_name = "ARGS")]
        args: Vec<String>,
        /// Output format (`limit`: the added and changed hosts of `--env`,
        /// comma-separated, for `ansible-playbook --limit`).
        #[arg(long, value_enum, default_value = "human")]
        format: commands::ChangesFormat,
        /// The environment `--format limit` prints.
        #[arg(long)]
        env: Option<String>,
        /// Configuration file (default: the `.git-inventory.yml` of NEW).
        #[arg(long)]
        config: Option<PathBuf>,
    },
    /// Install or remove the pre-receive hook of a bare repository.
    Hook {
        #[command(subcommand)]
        action: HookAction,
    },
    /// Add (present/merge, overwrite) or remove (absent) hosts, commit and push.
    Update(Box<UpdateArgs>),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff), generated from these definitions; with
    /// --dir, write it and a page per subcommand there.
    Man {
        /// Write `git-inventory.1` and `git-inventory-<command>.1` (and
        /// `git-inventory-hook-install.1`, ...) into this directory.
        #[arg(long)]
        dir: Option<PathBuf>,
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

#[derive(clap::Args)]
struct UpdateArgs {
    /// Repository URL (ssh://, file://) or local path.
    #[arg(long)]
    repo: Option<String>,
    /// Inventory file inside the repository (e.g. inventory/PROD/hosts.yml).
    #[arg(long)]
    file: Option<String>,
    /// A host to change.
    #[arg(long)]
    host: Option<String>,
    /// A parent group of --host (repeatable).
    #[arg(long = "group")]
    groups: Vec<String>,
    /// A host variable of --host, key=value (repeatable; YAML-typed value).
    #[arg(long = "var")]
    vars: Vec<String>,
    /// A JSON/YAML list of {host_name, parent_groups, host_vars}: one commit.
    #[arg(long)]
    hosts: Option<PathBuf>,
    /// The dettonville.git_inventory modules' parameters as JSON/YAML (`-`
    /// for stdin), checked against schemas/update-params.schema.json; they
    /// mean what those modules mean.
    #[arg(long)]
    params: Option<String>,
    /// One such parameter, KEY=VALUE (repeatable; YAML-typed value), over
    /// --params: `--param use_vars_files=false`.
    #[arg(long = "param", value_name = "KEY=VALUE")]
    param: Vec<String>,
    #[arg(long, value_enum)]
    state: Option<UpdState>,
    #[arg(long)]
    branch: Option<String>,
    /// Commit message prefix (a ticket id).
    #[arg(long)]
    message_prefix: Option<String>,
    /// Private key for ssh:// (IdentitiesOnly, BatchMode).
    #[arg(long)]
    ssh_key: Option<PathBuf>,
    /// A file holding the token for an https:// remote (default: the
    /// GIT_INVENTORY_HTTP_TOKEN environment variable); sent as basic
    /// authentication through git's environment, never printed.
    #[arg(long)]
    http_token_file: Option<PathBuf>,
    /// The user name sent with the token (default: GIT_INVENTORY_HTTP_USER,
    /// else `oauth2`).
    #[arg(long)]
    http_user: Option<String>,
    /// Commit author, "Name <mail>".
    #[arg(long)]
    author: Option<String>,
    /// Show the diff; no commit, no push.
    #[arg(long)]
    dry_run: bool,
    /// Commit in the temporary clone but do not push.
    #[arg(long)]
    no_push: bool,
    /// Keep the clone in this directory and fetch into it on the next run.
    #[arg(long)]
    workdir: Option<PathBuf>,
    /// Re-apply and push again this many times when other jobs push first
    /// [default: 10].
    #[arg(long)]
    retries: Option<u32>,
    /// Clone the last N commits (0: the whole history of the branch, the
    /// cheaper clone from a server that keeps its objects packed)
    /// [default: 1].
    #[arg(long)]
    depth: Option<u32>,
    /// How jobs updating the repository at once take turns: local (jobs
    /// of this machine), remote (then machines, through refs/git-inventory/
    /// in the remote: whoever can push there can queue a change) or off
    /// [default: local].
    #[arg(long, value_enum)]
    queue: Option<updater::Queue>,
    #[arg(long, value_enum, default_value = "human")]
    format: UpdFormat,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum UpdFormat {
    Human,
    Json,
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
            Exit::Usage.into()
        }
        ViewError::Refused(m) => {
            eprintln!("git-inventory: the inventory cannot be loaded (Ansible refuses it, or it is over a limit): {m}");
            Exit::Violations.into()
        }
        ViewError::Closed => ExitCode::SUCCESS,
        ViewError::Output(m) => {
            eprintln!("git-inventory: cannot write the output: {m}");
            Exit::Violations.into()
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let limits = Default::default();
    if matches!(
        cli.command,
        Command::Validate { .. }
            | Command::List { .. }
            | Command::Graph { .. }
            | Command::Changes { .. }
            | Command::PostReceive { .. }
    ) {
        git_inventory::FREE_AT_EXIT.store(true, std::sync::atomic::Ordering::Relaxed);
    }
    match cli.command {
        Command::Validate {
            paths,
            rev,
            format,
            config,
            color,
            baseline,
            fix,
        } => ExitCode::from(commands::validate(
            &paths,
            rev.as_deref(),
            format,
            config.as_deref(),
            color,
            baseline.as_deref(),
            fix,
        )),
        Command::PreReceive {
            config,
            mode,
            gitlab,
            timeout,
        } => ExitCode::from(hook::pre_receive(&hook::Options {
            config,
            mode,
            gitlab,
            timeout,
        })),
        Command::PostReceive { config } => {
            ExitCode::from(realize::post_receive::post_receive(config.as_deref()))
        }
        Command::Deliver { repo, config } => ExitCode::from(realize::post_receive::deliver(
            repo.as_deref().unwrap_or(std::path::Path::new(".")),
            config.as_deref(),
        )),
        Command::Changes {
            args,
            format,
            env,
            config,
        } => ExitCode::from(commands::changes(
            &args,
            format,
            env.as_deref(),
            config.as_deref(),
        )),
        Command::Hook { action } => {
            let r = match action {
                HookAction::Install {
                    repo,
                    gitlab,
                    force,
                    config,
                } => hook::install(&repo, hook::Shim::PreReceive, gitlab, force, config.as_deref()).and_then(|p| {
                    let tip = match hook::note_tip(&repo, config.as_deref()) {
                        Ok(Some((tip, 0))) => format!(
                            "; the default branch's tip {} has no error: noted as accepted",
                            &tip[..tip.len().min(12)]
                        ),
                        Ok(Some((tip, n))) => format!(
                            "; the default branch's tip {} has {n} error{}: the first push onto it is validated whole",
                            &tip[..tip.len().min(12)],
                            if n == 1 { "" } else { "s" }
                        ),
                        Ok(None) => String::new(),
                        Err(e) => format!("; the default branch's tip was not validated: {e}"),
                    };
                    let judge = hook::governing(&repo, config.as_deref());
                    let mut said =
                        format!("installed {}; pushes are judged by {judge}{tip}", p.display());
                    if realize::post_receive::realizes(&repo, config.as_deref()) {
                        let post = hook::install(
                            &repo,
                            hook::Shim::PostReceive,
                            gitlab,
                            force,
                            config.as_deref(),
                        )?;
                        said.push_str(&format!(
                            "\ngit-inventory: installed {}: the server-side config's `realize:` section says where each push's changes go",
                            post.display()
                        ));
                    }
                    Ok(said)
                }),
                HookAction::Uninstall { repo, gitlab } => {
                    hook::uninstall(&repo, hook::Shim::PreReceive, gitlab).map(|p| {
                        let mut said = format!("removed {}", p.display());
                        if let Ok(post) = hook::uninstall(&repo, hook::Shim::PostReceive, gitlab) {
                            said.push_str(&format!("\ngit-inventory: removed {}", post.display()));
                        }
                        said
                    })
                }
            };
            match r {
                Ok(m) => emit_then(&format!("git-inventory: {m}\n"), Exit::Ok).into(),
                Err(m) => {
                    eprintln!("git-inventory: {m}");
                    Exit::Usage.into()
                }
            }
        }
        Command::Update(args) => ExitCode::from(update(*args)),
        Command::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut cmd, "git-inventory", &mut out);
            let mut text = String::from_utf8_lossy(&out).into_owned();
            if shell == clap_complete::Shell::Bash {
                // clap_complete names the subcommands' cases after a
                // mangled binary name (`git__subcmd__inventory__...`)
                // that its own dispatch never produces
                // (`git__inventory__...`), so only subcommand names
                // completed: one spelling for both.
                text = text.replace("git__subcmd__inventory__", "git__inventory__");
                text.push_str(GIT_SUBCOMMAND_BASH);
            }
            emit_then(&text, Exit::Ok).into()
        }
        Command::Man { dir } => {
            let cmd = <Cli as clap::CommandFactory>::command();
            let r = match &dir {
                Some(d) => man_pages(cmd, d)
                    .map(|n| format!("git-inventory: wrote {n} pages into {}\n", d.display())),
                None => {
                    let mut out = Vec::new();
                    clap_mangen::Man::new(cmd)
                        .render(&mut out)
                        .map(|()| String::from_utf8_lossy(&out).into_owned())
                        .map_err(|e| e.to_string())
                }
            };
            match r {
                Ok(text) => emit_then(&text, Exit::Ok).into(),
                Err(e) => {
                    eprintln!("git-inventory: cannot write the man pages: {e}");
                    Exit::Failure.into()
                }
            }
        }
        Command::Rules { code } => ExitCode::from(commands::rules(code.as_deref())),
        Command::Graph {
            inventory,
            group,
            vars,
        } => match view::load(&inventory, limits).and_then(|inv| {
            let t = view::graph_text(&inv, &group, vars);
            git_inventory::release(inv);
            t
        }) {
            Ok(t) => emit_then(&format!("{t}\n"), Exit::Ok).into(),
            Err(e) => view_exit(e),
        },
        Command::List { inventory, host } => {
            match view::load(&inventory, limits).and_then(|inv| {
                let stdout = std::io::stdout();
                // Smaller than the pieces `--list` renders its hosts in,
                // which then go out without a copy into the buffer.
                let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
                let timer = git_inventory::timer::Timer::new();
                let r = view::write_list(&inv, host.as_deref(), &mut out);
                timer.lap("write the list");
                git_inventory::release(inv);
                r
            }) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => view_exit(e),
            }
        }
    }
}

/// The man page of `cmd` (named `name`) and, below it, one per subcommand
/// (`git-inventory-hook-install.1`), written into `dir`; how many.
fn man_pages(cmd: clap::Command, dir: &std::path::Path) -> Result<usize, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    fn walk(
        cmd: clap::Command,
        name: String,
        dir: &std::path::Path,
        n: &mut usize,
    ) -> Result<(), String> {
        let cmd = cmd.name(name.clone()).bin_name(name.replace('-', " "));
        let mut out = Vec::new();
        clap_mangen::Man::new(cmd.clone())
            .render(&mut out)
            .map_err(|e| e.to_string())?;
        let path = dir.join(format!("{name}.1"));
        std::fs::write(&path, out).map_err(|e| format!("{}: {e}", path.display()))?;
        *n += 1;
        // `help`'s own subcommands only repeat the others.
        if !name.ends_with("-help") {
            for sub in cmd.get_subcommands() {
                walk(sub.clone(), format!("{name}-{}", sub.get_name()), dir, n)?;
            }
        }
        Ok(())
    }
    let mut n = 0;
    let mut cmd = cmd;
    // Built, so that the `help` subcommand the pages name is there too.
    cmd.build();
    walk(cmd, "git-inventory".into(), dir, &mut n)?;
    Ok(n)
}

/// The flags as the updater takes them, with the files they name read.
fn update_flags(a: UpdateArgs) -> Result<updater::Flags, String> {
    let read = |p: &std::path::Path| {
        std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()))
    };
    let params_text = match &a.params {
        Some(src) if src == "-" => {
            let mut s = String::new();
            std::io::Read::read_to_string(&mut std::io::stdin(), &mut s)
                .map_err(|e| format!("cannot read params from stdin: {e}"))?;
            Some(s)
        }
        Some(src) => Some(std::fs::read_to_string(src).map_err(|e| format!("{src}: {e}"))?),
        None => None,
    };
    let hosts_text = a.hosts.as_deref().map(read).transpose()?;
    Ok(updater::Flags {
        repo: a.repo,
        file: a.file,
        host: a.host,
        groups: a.groups,
        vars: a.vars,
        hosts_text,
        params_text,
        param: a.param,
        state: a.state,
        branch: a.branch,
        message_prefix: a.message_prefix,
        ssh_key: a.ssh_key,
        http_token_file: a.http_token_file,
        http_user: a.http_user,
        author: a.author,
        dry_run: a.dry_run,
        no_push: a.no_push,
        workdir: a.workdir,
        retries: a.retries,
        depth: a.depth,
        queue: a.queue,
        // Progress only on a terminal, never in JSON mode.
        progress: matches!(a.format, UpdFormat::Human)
            && std::io::IsTerminal::is_terminal(&std::io::stderr()),
    })
}

fn update(a: UpdateArgs) -> Exit {
    let json = matches!(a.format, UpdFormat::Json);
    let format = a.format;
    let req = match update_flags(a).and_then(|f| f.into_request().map_err(|e| e.0)) {
        Ok(x) => x,
        Err(m) => {
            // A bad value may be quoted in the message: a URL's credentials too.
            let m = git_inventory::git::redact(&m);
            if json {
                let text = serde_json::json!({"failed": true, "changed": false, "msg": m});
                emit(&format!("{text}\n"));
            } else {
                eprintln!("git-inventory: {m}");
            }
            return Exit::Usage;
        }
    };
    let out = updater::run(&req);
    match format {
        UpdFormat::Json => {
            emit(&(serde_json::to_string_pretty(&out).unwrap_or_default() + "\n"));
        }
        UpdFormat::Human => {
            if req.dry_run || out.failed {
                emit(&out.diff.prepared);
            }
            for l in out.violations.iter().chain(out.remote.iter()) {
                eprintln!("{l}");
            }
            if out.failed {
                eprintln!("git-inventory: {}", out.message);
            } else {
                emit(&format!("git-inventory: {}\n", out.message));
            }
        }
    }
    out.exit
}
