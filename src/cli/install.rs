//! What installing the tool needs from it: shell completion scripts (`completions SHELL`)
//! and man pages (the hidden `man DIR`, for packagers), both generated from the clap
//! definitions the command line runs on, so they never fall behind it.

use std::path::Path;

use clap::{CommandFactory as _, ValueEnum};

use super::{Cli, Failure, exit, stdio};

/// The shells completions are made for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Shell {
    /// GNU bash.
    Bash,
    /// zsh.
    Zsh,
    /// fish.
    Fish,
}

/// Completes profile names after `--profile` (and for `profile show|remove|default`), by
/// asking the program itself; `profile list --names` reads only the index, never the keyring.
const BASH_PROFILES: &str = r#"
# Profile names complete from `sinch-ticket profile list --names` (the index only).
_sinch_ticket_with_profiles() {
    local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}"
    if [[ "$prev" == "--profile" || ( "${COMP_WORDS[1]}" == "profile" && $COMP_CWORD -eq 3 \
          && "${COMP_WORDS[2]}" =~ ^(show|remove|default)$ ) ]]; then
        COMPREPLY=( $(compgen -W "$(sinch-ticket profile list --names 2>/dev/null)" -- "$cur") )
        return 0
    fi
    _sinch__ticket "$@"
}
complete -F _sinch_ticket_with_profiles -o bashdefault -o default sinch-ticket
"#;

const FISH_PROFILES: &str = r#"
# Profile names complete from `sinch-ticket profile list --names` (the index only).
complete -c sinch-ticket -l profile -r -f -a '(sinch-ticket profile list --names 2>/dev/null)'
"#;

/// `sinch-ticket completions SHELL`.
pub fn completions(shell: Shell) -> Result<u8, Failure> {
    let mut command = Cli::command();
    let mut script = Vec::new();
    let generator = match shell {
        Shell::Bash => clap_complete::Shell::Bash,
        Shell::Zsh => clap_complete::Shell::Zsh,
        Shell::Fish => clap_complete::Shell::Fish,
    };
    clap_complete::generate(generator, &mut command, "sinch-ticket", &mut script);
    let mut script = String::from_utf8_lossy(&script).into_owned();
    match shell {
        Shell::Bash => {
            // clap_complete spells the case labels of a hyphenated bin name differently from
            // the state its loop builds ("sinch__subcmd__ticket…" against "sinch__ticket…"),
            // so no subcommand's options ever complete (clap issues #6421, #6529). Spell
            // them alike.
            script = script.replace("sinch__subcmd__ticket", "sinch__ticket");
            script.push_str(BASH_PROFILES);
        }
        Shell::Fish => script.push_str(FISH_PROFILES),
        // zsh: names complete from the static script only; see the README (Install).
        Shell::Zsh => {}
    }
    stdio::raw(&script).map(|()| exit::OK)
}

const EXIT_STATUS: &str = r#".SH "EXIT STATUS"
.TP
\fB0\fR
Success: the credential was made, it verifies, or the server answered 2xx.
.TP
\fB1\fR
It does not verify, Sinch would reject it, it is not a Sinch credential, or the server answered another status.
.TP
\fB2\fR
Wrong usage or input, including: no secret to verify with; the input is not an HTTP request.
.TP
\fB3\fR
Reading input or writing output failed (also the profile index), or the network, DNS or TLS failed.
.TP
\fB4\fR
The OS keyring is not available, locked, or not answering.
"#;

const ENVIRONMENT: &str = r#".SH ENVIRONMENT
.TP
\fBSINCH_APPLICATION_SECRET\fR
The application secret (base64), used with \fB\-\-key\fR when no profile is named. The secret is never taken as an argument: other processes can read those.
.TP
\fBXDG_CONFIG_HOME\fR
Where the profile index lives (default \fI~/.config\fR).
"#;

const FILES: &str = r#".SH FILES
.TP
\fI$XDG_CONFIG_HOME/sinch\-ticket/profiles.json\fR
The profile index: names, keys, the default profile, the last username and expiry. Never a secret.
.TP
\fI$XDG_DATA_HOME/sinch\-ticket/app.ron\fR
The window's remembered choices. Never a secret, never a credential.
.TP
OS keyring
Each profile's key and secret, in one entry of service \fBsinch\-ticket\fR (Secret Service on Linux).
"#;

/// `sinch-ticket man DIR`: `sinch-ticket.1` with the exit statuses, environment and files,
/// and one page per subcommand, `sinch-ticket-SUBCOMMAND.1`.
pub fn man_pages(dir: &Path) -> Result<u8, Failure> {
    std::fs::create_dir_all(dir)
        .map_err(|err| Failure::io(&format!("creating {}", dir.display()), &err))?;
    let command = Cli::command();
    let write = |name: &str, page: &[u8]| {
        let path = dir.join(name);
        std::fs::write(&path, page)
            .map_err(|err| Failure::io(&format!("writing {}", path.display()), &err))
    };
    let mut top = Vec::new();
    let man = clap_mangen::Man::new(command.clone());
    man.render(&mut top)
        .map_err(|err| Failure::io("rendering the man page", &err))?;
    for section in [EXIT_STATUS, ENVIRONMENT, FILES] {
        top.extend_from_slice(section.as_bytes());
    }
    write("sinch-ticket.1", &top)?;
    for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name = format!("sinch-ticket-{}", sub.get_name());
        let sub = sub
            .clone()
            .name(name.clone())
            .bin_name(format!("sinch-ticket {}", sub.get_name()));
        let mut page = Vec::new();
        clap_mangen::Man::new(sub)
            .render(&mut page)
            .map_err(|err| Failure::io("rendering a man page", &err))?;
        write(&format!("{name}.1"), &page)?;
    }
    stdio::human(&format!("Wrote the man pages to {}.", dir.display())).map(|()| exit::OK)
}
