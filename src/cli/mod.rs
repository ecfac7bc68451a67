//! The command line: a thin face over [`crate::sinch`].

mod args;
mod batch;
mod callbacks;
mod credentials;
mod failure;
mod generate;
mod history;
mod inspect;
mod install;
mod mock;
mod profile;
mod project;
mod project_keys;
mod rest;
mod scenario;
pub mod stdio;
mod words;

use std::ffi::OsString;
use std::io::IsTerminal as _;

use clap::{Parser, Subcommand};

pub use args::CredentialArgs;
pub use credentials::SECRET_ENV;
pub use failure::Failure;

/// Exit statuses that scripts can rely on.
pub mod exit {
    /// Success: the credential was made, or it verifies.
    pub const OK: u8 = 0;
    /// The credential does not verify, Sinch would reject it, or it is not a Sinch credential.
    pub const REJECTED: u8 = 1;
    /// The command line or its input is wrong (also: nothing to verify with).
    pub const USAGE: u8 = 2;
    /// Reading input or writing output failed (including the profile index).
    pub const IO: u8 = 3;
    /// The OS keyring is not available, locked, or not answering.
    pub const KEYRING: u8 = 4;
}

const AFTER_HELP: &str = "\
Credentials: save an application once as a profile in the OS keyring, then name it with
--profile (or set it as the default and name nothing). Or give --key KEY with the secret in
the environment variable SINCH_APPLICATION_SECRET, or piped in with --secret-stdin. The secret
is never an argument: other processes can read those.

Examples:
  sinch-ticket profile add sandbox --key 196087a1-e815-4bc4-8984-60d8d8a43f1d   # asks for the secret
  sinch-ticket ticket --user alice                      # with the default profile
  sinch-ticket jwt --user alice --ttl 1h --profile production --snippet
  sinch-ticket inspect 'eyJpZGVudGl0eSI6...:aOs0i+Ki...'

Exit status: 0 success or verified; 1 does not verify, or not a Sinch credential;
2 wrong usage or input (including: no secret to verify with); 3 input or output failed;
4 the OS keyring is not available, locked, or not answering.";

/// Generate and inspect Sinch client credentials: legacy user tickets for the JavaScript SDK
/// v1 and registration JWTs for the current Voice & Video SDKs.
#[derive(Debug, Parser)]
#[command(name = "sinch-ticket", version, after_help = AFTER_HELP)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Make a legacy user ticket (JS SDK v1), or one per line of a file.
    #[command(after_help = "\
Examples:
  sinch-ticket ticket --user alice --key KEY
  sinch-ticket ticket --user alice --expires-in 1d --key KEY --snippet > start-sinch.html
  sinch-ticket ticket --users-from users.txt --key KEY > tickets.txt
  printf '%s' \"$SECRET\" | sinch-ticket ticket --user alice --key KEY --secret-stdin

The ticket is byte-for-byte what the Ruby gem sinch_auth makes, except that the username is
kept exactly as typed and the signature is always the full 32-byte HMAC.")]
    Ticket(generate::TicketArgs),
    /// Make a registration JWT for the current Sinch Voice & Video SDKs.
    #[command(after_help = "\
Examples:
  sinch-ticket jwt --user alice --key KEY
  sinch-ticket jwt --user alice --ttl 1h --instance-ttl 30d --key KEY
  sinch-ticket jwt --user alice --issued-at 2018-01-02T03:04:05Z --nonce n-1 --key KEY --snippet")]
    Jwt(generate::JwtArgs),
    /// Decode any Sinch ticket or JWT and verify its signature.
    #[command(after_help = "\
Examples:
  sinch-ticket inspect 'eyJpZGVudGl0eSI6...:aOs0i+Ki...' --key KEY
  pbpaste | sinch-ticket inspect --json
  sinch-ticket inspect \"$TOKEN\"            # decodes only: exit status 2, nothing to verify with

Exit status: 0 the signature verifies and nothing Sinch rejects was found; 1 it does not, or
the input is not a Sinch credential; 2 no secret was given, so it was only decoded.")]
    Inspect(inspect::InspectArgs),
    /// Manage app profiles: application keys and secrets kept in the OS keyring.
    #[command(after_help = "\
Examples:
  sinch-ticket profile add sandbox --key 196087a1-e815-4bc4-8984-60d8d8a43f1d
  printf '%s' \"$SECRET\" | sinch-ticket profile add ci --key KEY --force
  sinch-ticket profile list
  sinch-ticket profile default sandbox
  sinch-ticket profile attach sandbox      # after the index was lost: the keyring still has it

Secrets go only to the OS keyring (service \"sinch-ticket\", one entry per profile); the
names, keys and the default are kept in profiles.json in the config folder.")]
    Profile(profile::ProfileArgs),
    /// List, show, export or clear the callbacks `listen` kept.
    #[command(after_help = "\
Examples:
  sinch-ticket history                                # the newest 50, one line each
  sinch-ticket history --event ice --unverified --since 1h --json
  sinch-ticket history show 42
  sinch-ticket history export --har callbacks.har     # for a browser's or proxy's HAR viewer
  sinch-ticket history clear --before 7d
  sinch-ticket history keep 50000                     # how many the file keeps, for every listener

`listen` keeps each request it answers in $XDG_DATA_HOME/sinch-ticket/history.sqlite3
(mode 0600; the newest 10,000 unless `history keep N` says otherwise; --no-history keeps
none), never an HTTP Basic secret or a bearer token. Bodies hold phone numbers and messages:
`history clear` deletes them, and leaves no copy in the file.")]
    History(history::HistoryArgs),
    /// Send a callback from the history again, signed afresh (or unchanged, --as-is).
    #[command(after_help = "\
Examples:
  sinch-ticket replay last --to http://localhost:3000/sinch/callback
  sinch-ticket replay 42 --to http://localhost:3000/hooks --set message.contact_message.text_message.text=again
  sinch-ticket replay 42 --to http://localhost:3000/sinch/callback --as-is   # unchanged: refused once stale

Re-signed with the profile's secret of the request's scheme (application, or the webhook
secret of its product) with a fresh timestamp and nonce, and judged as `trigger` judges; the
replay is kept in the history, linked to its original.
Exit status: 0 the server answered as Sinch needs (--as-is: it took a copy still fresh, or
refused a stale, unverified or repeated one); 1 it did not;
2 wrong usage; 3 the network or the history failed.")]
    Replay(history::ReplayArgs),
    /// Run callback scenarios against your server, for CI: steps in order, expectations,
    /// a JUnit report.
    #[command(after_help = "\
Example file (TOML):
  to = \"http://127.0.0.1:3000/sinch\"        # --to overrides it

  [[step]]
  name = \"an incoming call is answered\"
  trigger = \"ice\"                          # any trigger event
  set = { \"to.endpoint\" = \"+46700000000\" }
  expect = \"accepted\"                      # accepted: answered as Sinch needs; refused: a 4xx

  [[step]]
  trigger = \"ice\"
  signature = \"bad\"                        # valid (default) | bad | none; or timestamp_age = \"20m\"
  expect = \"refused\"

  [[step]]
  replay = \"last\"                          # the previous step's request, byte for byte
                                             # (or a history record's number: signed afresh)
  repeat = 2                                 # a duplicate delivery: sent twice
  delay = \"200ms\"                          # before this step
  expect = \"accepted\"

  [[step]]
  name = \"out of order\"
  order = \"reverse\"                        # its steps run last to first
  steps = [{ trigger = \"dice\" }, { trigger = \"ace\" }]

A step with retry = \"sinch\" is sent again on a 5xx, a 429 or no answer, with the product's
backoff (SMS: 5 s, 10 s, 20 s), shortened by --time-scale (e.g. 0.01 in CI).
Exit status: 0 every expectation held; 1 a step failed (each named with its reason); 2 a bad
file or arguments (nothing is sent then).")]
    Scenario(scenario::ScenarioArgs),
    /// Fetch an OAuth2 access token for the project APIs (SMS, Conversation, Numbers) with a
    /// project access key, reused until a minute before it expires.
    #[command(after_help = "\
Examples:
  sinch-ticket token                                  # the default profile's access key
  sinch-ticket token --profile sms --decode           # its claims and expiry
  SINCH_KEY_SECRET=... sinch-ticket token --project-id P --key-id K --json
  curl -H \"Authorization: Bearer $(sinch-ticket token)\" https://us.sms.api.sinch.com/xms/v1/P/batches

A token is fetched with HTTP Basic (Key ID and Key Secret) from https://auth.sinch.com/oauth2/token
(--auth-url for a stand-in), and kept in the OS keyring beside the profile, never in a file,
until a minute before it expires; without a profile, it is not kept. A 429 is retried up to
3 times with jittered backoff.
Exit status: 0 a token; 1 the auth server refused the Key ID or its secret; 2 wrong usage;
3 the network or the auth server failed; 4 the OS keyring.")]
    Token(project::TokenArgs),
    /// Sign a request to Sinch's Voice or Verification REST API (or authorize one to a project
    /// API with an OAuth2 token): print its headers, JSON, or a ready curl command.
    #[command(after_help = "\
Examples:
  sinch-ticket sign POST https://calling.api.sinch.com/calling/v1/callouts --data-file callout.json --profile sandbox
  sinch-ticket sign GET https://verification.api.sinch.com/verification/v1/verifications/id/123 --curl
  sinch-ticket sign POST https://calling.api.sinch.com/calling/v1/callouts --data '{}' --timestamp 2014-06-04T13:41:58Z --json

The signature covers the body bytes, the Content-Type, the x-timestamp and the path with
its query exactly as given. A body without --content-type is signed as application/json.")]
    Sign(rest::SignArgs),
    /// Sign a request and send it; print the status and the response body.
    #[command(after_help = "\
Examples:
  sinch-ticket send POST https://calling.api.sinch.com/calling/v1/callouts --data-file callout.json
  sinch-ticket send GET https://verification.api.sinch.com/verification/v1/verifications/id/123 --profile sandbox

No redirect is followed: a 3xx is printed with its Location. -H cannot set the headers that
frame the request or are signed (Content-Length, Transfer-Encoding, Host, Authorization,
x-timestamp, Content-Type).
Exit status: 0 the server answered 2xx; 1 it answered another status (printed); 2 the
request cannot be made as given; 3 the network, DNS or TLS failed. Plain http:// is only for
loopback test servers.")]
    Send(rest::SendArgs),
    /// Verify a signed callback (or any signed request) pasted as raw HTTP.
    #[command(after_help = "\
Examples:
  sinch-ticket verify-callback request.txt --profile sandbox
  pbpaste | sinch-ticket verify-callback --max-age none --json

The request is read as copied from a request bin, a proxy or a server log: a request line,
headers, an empty line and the body, with CRLF or LF line ends. The scheme is found from the
request (--scheme forces one): Authorization: Application or Basic (the application key and
secret), Authorization: service (Voice API v2: the service ID as --key, its secret as the
application secret), x-sinch-webhook-signature (Conversation, SMS), X-Sinch-Signature
(Numbers), or a Mailgun signature in the body. The webhook secret comes from
--webhook-secret-stdin, the profile (--profile, `profile webhook-secret add`),
SINCH_WEBHOOK_SECRET, or the default profile. When a signature does not match, the likely
cause is named.
Exit status: 0 it verifies; 1 it does not (the reason and the string to sign are printed);
2 the input is not an HTTP request, or there is no secret to verify with.")]
    VerifyCallback(rest::VerifyArgs),
    /// Send a realistic, signed Sinch callback (or a forged one) to your server and check its
    /// answer as Sinch would.
    #[command(after_help = "\
Examples:
  sinch-ticket trigger ice --to http://localhost:3000/sinch/callback
  sinch-ticket trigger ice --to http://localhost:3000/sinch/callback --set to.endpoint=+46700000099 --set custom=order-17
  sinch-ticket trigger ace --to https://example.com/sinch --profile sandbox --json
  sinch-ticket trigger dice --to http://localhost:3000/sinch/callback --signature bad
  sinch-ticket trigger verification-request --to http://localhost:3000/verify --timestamp-age 20m
  sinch-ticket trigger conversation-message-inbound --to http://localhost:3000/hooks --profile sandbox
  SINCH_WEBHOOK_SECRET=... sinch-ticket trigger mailgun-delivered --to http://localhost:3000/mg --replay

A stale forgery (--timestamp-age) must be at least 16m old: within the 15 minutes a careful
server accepts, accepting it is right. --replay sends a Conversation, SMS or Mailgun webhook
twice with the same nonce or token: a careful server refuses the second.

Events, by product:
  Voice: ice, ace, pie (answered with SVAML: one action and the instructions the event takes,
    with their required fields); dice, notify (any 2xx).
  Verification: verification-request (answered {\"action\": \"allow\"} or \"deny\"),
    verification-result (any 2xx).
  Conversation (signed with the webhook secret): conversation-message-inbound,
    conversation-message-delivery, conversation-event-inbound, conversation-contact-create
    (any 2xx).
  SMS (the same scheme and secret): sms-delivery-report, sms-inbound (any 2xx; SMS retries
    5xx and 429 after 5 s, 10 s, 20 s, doubling).
  Numbers (the project's callback secret): numbers-provisioning (any 2xx).
  Mailgun (the HTTP webhook signing key): mailgun-delivered, mailgun-failed (200 is done, 406
    refuses it for good, anything else is retried for up to 8 h).
The application events are signed with the profile's key and secret; the others with the
profile's webhook secret of their kind (`profile webhook-secret add`), SINCH_WEBHOOK_SECRET
or --webhook-secret-stdin.
Exit status: 0 the server answered as Sinch needs (for a forgery: it refused it with a 4xx);
1 it did not (each problem is printed; a forgery it accepted says \"your server accepted a
forged callback\"); 2 wrong usage; 3 the network failed. Plain http:// is only for this machine.")]
    Trigger(callbacks::TriggerArgs),
    /// Receive callbacks, verify each, print it, and forward it to your app.
    #[command(after_help = "\
Examples:
  sinch-ticket listen                                   # on 127.0.0.1:8765, default profile
  sinch-ticket listen --port 9000 --forward-to http://localhost:3000 --profile sandbox
  sinch-ticket listen --json | jq 'select(.verified == false)'
  SINCH_WEBHOOK_SECRET=... sinch-ticket listen --port 9000   # webhooks only, no application

Every scheme there is a secret for is verified side by side: the application's (Voice,
Verification, Voice v2 service), and the profile's webhook secrets (Conversation, SMS,
Numbers, Mailgun; SINCH_WEBHOOK_SECRET fills the kinds the profile lacks). A Conversation or
SMS nonce, or a Mailgun token, seen again within the age limit is refused as a replay.

Without --forward-to, a verified callback is answered with the least Sinch accepts (an ICE
is hung up, an ACE or PIE continues, a verification request is denied), an unverified one
with 401. With it, a request that verifies goes to your app unchanged and its answer comes
back, checked as Sinch would read it (--forward-unverified sends the others on too). A
caller is never told why a request did not verify; this output says. Off loopback (--bind)
only POST is taken. What HTTP/1.1 calls ambiguous is 400; bodies over 1 MiB get 413; a
request whose head takes over 10 s, or over 30 s in all, gets 408; redirects are relayed,
never followed. Ctrl+C prints every request answered and stops it (exit status 0).")]
    Listen(callbacks::ListenArgs),
    /// Stand in for Sinch's APIs: answer your backend's calls, check its credentials for
    /// real, and call it back as Sinch would.
    #[command(after_help = "\
Examples:
  sinch-ticket mock --callback-url http://localhost:3000/sinch     # on 127.0.0.1:8766
  sinch-ticket mock --profile sandbox --callback-url voice=http://localhost:3000/voice \\
                    --callback-url sms=http://localhost:3000/sms --time-scale 0.01
  sinch-ticket mock --json | jq 'select(.verified == false)'
Point an SDK at it: Node `smsHostname: 'http://127.0.0.1:8766'` (and authHostname,
conversationHostname, numbersHostname, voiceHostname, verificationHostname); Python
`client.configuration.sms_origin = 'http://127.0.0.1:8766'` (and auth_origin, …).

Served (each checked with the profiles' credentials, as Sinch checks them):
  POST /oauth2/token                                   the access key, Basic or form body
  /xms/v1/{project_id|service_plan_id}/batches[/…]     SMS: send, list, get, cancel, reports
  /v1/projects/{project_id}/messages:send, /messages   Conversation: send, get, list
  /v1/projects/{project_id}/availableNumbers, …:rent   Numbers: search, rent, active numbers
  /calling/v1/callouts, /calls/id/{id}, /conferences   Voice: the application signature
  /verification/v1/verifications[/id/{id}]             Verification: start, report, status
A refused call is answered as Sinch answers it (401 with errorCode 40100, 40101 or 40102;
a bearer that expired says \"expired\" in WWW-Authenticate); why, with the string the
signature should cover, is printed here and kept in the history, never told to the caller.

Callbacks follow as Sinch sends them, signed with the profile's secrets: SMS delivery
reports (as the batch's delivery_report asks), Conversation delivery events, Voice ACE then
DiCE (the ACE's SVAML decides: hangup ends the call), Verification request and result
events, Numbers provisioning events. Recipients ending 0001 fail, 0002 stay pending, any
other succeeds; verification code 1234 verifies. A 5xx, 429 or no answer is retried after
5 s, 10 s, 20 s (times --time-scale). Calls and callbacks are kept in the history (events
mock:OPERATION, callbacks from peer \"mock\"). Nothing is delivered to a phone, nothing
is billed. Exit status: 0 after Ctrl+C; 2 wrong usage; 3 the port or output failed.")]
    Mock(mock::MockArgs),
    /// Print a shell completion script for bash, zsh or fish.
    #[command(after_help = "\
Install:
  sinch-ticket completions bash > ~/.local/share/bash-completion/completions/sinch-ticket
  sinch-ticket completions zsh  > ~/.zfunc/_sinch-ticket        # with fpath+=~/.zfunc
  sinch-ticket completions fish > ~/.config/fish/completions/sinch-ticket.fish

In bash and fish, profile names complete after --profile (from `profile list --names`).")]
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: install::Shell,
    },
    /// Write the man pages into DIR (for packagers).
    #[command(hide = true)]
    Man {
        /// Where to write sinch-ticket.1 and one page per subcommand.
        dir: std::path::PathBuf,
    },
}

/// Reads the command line. A mistake in it is reported as clap words it, except that any
/// value given with a `--secret…` flag or a flag that takes a secret reference
/// (`--key-secret-from`, `--service-plan-token-from`, `--from`) is hidden: clap would quote it
/// back ("unexpected value 'VALUE'"), and the value may be the secret itself.
pub fn parse(args: Vec<OsString>) -> Result<Cli, u8> {
    let err = match Cli::try_parse_from(&args) {
        Ok(cli) => return Ok(cli),
        Err(err) => err,
    };
    let to_stdout = !err.use_stderr();
    let terminal = if to_stdout {
        std::io::stdout().is_terminal()
    } else {
        std::io::stderr().is_terminal()
    };
    let rendered = err.render();
    let mut text = if terminal {
        rendered.ansi().to_string()
    } else {
        rendered.to_string()
    };
    for value in values_after_secret_flags(&args) {
        text = text.replace(&value, "[hidden]");
    }
    if to_stdout {
        // --help and --version: their output obeys the same policy as every other.
        return Err(match stdio::raw(&text) {
            Ok(()) => exit::OK,
            Err(failure) => report(failure),
        });
    }
    stdio::prompt(&text);
    Err(exit::USAGE)
}

/// What follows each `--secret…` flag on the command line: `--secret-stdin=VALUE`,
/// `--secret VALUE`.
fn values_after_secret_flags(args: &[OsString]) -> Vec<String> {
    let args: Vec<String> = args
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let mut values = Vec::new();
    // The flags that take a secret reference too: the likeliest mistake there is the
    // secret itself pasted in place of its reference.
    let takes_secret = |arg: &str| {
        let flag = arg.split_once('=').map_or(arg, |(flag, _)| flag);
        flag.starts_with("--secret")
            || matches!(
                flag,
                "--key-secret-from" | "--service-plan-token-from" | "--from"
            )
    };
    for (i, arg) in args.iter().enumerate() {
        if !takes_secret(arg) {
            continue;
        }
        match arg.split_once('=') {
            Some((_, value)) => values.push(value.to_owned()),
            None => values.extend(args.get(i + 1).cloned()),
        }
    }
    values.retain(|v| !v.is_empty());
    // The longest first, so that no shorter value leaves part of a longer one shown.
    values.sort_by_key(|v| std::cmp::Reverse(v.len()));
    values
}

/// Runs one parsed command line and returns its exit status.
pub fn run(command: Command) -> u8 {
    let result = match command {
        Command::Ticket(args) => generate::ticket(&args),
        Command::Jwt(args) => generate::jwt(&args),
        Command::Inspect(args) => inspect::run(&args),
        Command::Profile(args) => profile::run(&args),
        Command::Sign(args) => rest::sign(&args),
        Command::Token(args) => project::token(&args),
        Command::History(args) => history::run(&args),
        Command::Scenario(args) => scenario::run(&args),
        Command::Replay(args) => history::replay(&args),
        Command::Send(args) => rest::send(&args),
        Command::VerifyCallback(args) => rest::verify_callback(&args),
        Command::Trigger(args) => callbacks::trigger(&args),
        Command::Listen(args) => callbacks::listen(&args),
        Command::Mock(args) => mock::run(&args),
        Command::Completions { shell } => install::completions(shell),
        Command::Man { dir } => install::man_pages(&dir),
    };
    match result {
        Ok(code) => code,
        Err(failure) => report(failure),
    }
}

/// Tells the user about a failure (unless there is nothing to say) and returns its status.
pub fn report(failure: Failure) -> u8 {
    if !failure.message.is_empty() {
        stdio::to_stderr(&format!("sinch-ticket: error: {}", failure.message));
    }
    failure.code
}

/// Prints a warning to standard error. Warnings never stop a command.
fn warn(message: &str) {
    stdio::to_stderr(&format!("sinch-ticket: warning: {message}"));
}

#[cfg(test)]
mod tests {
    /// Each command's module, and its source.
    const COMMANDS: [(&str, &str); 9] = [
        ("callbacks", include_str!("callbacks.rs")),
        ("generate", include_str!("generate.rs")),
        ("history", include_str!("history.rs")),
        ("inspect", include_str!("inspect.rs")),
        ("install", include_str!("install.rs")),
        ("profile", include_str!("profile.rs")),
        ("project", include_str!("project.rs")),
        ("rest", include_str!("rest.rs")),
        ("scenario", include_str!("scenario.rs")),
    ];

    /// What `source` names of its siblings: `super::NAME` paths and the items of
    /// `use super::{…}` groups.
    fn siblings_used(source: &str) -> Vec<String> {
        let mut used = Vec::new();
        for (i, _) in source.match_indices("super::") {
            let rest = &source[i + "super::".len()..];
            if let Some(group) = rest.strip_prefix('{') {
                let group = &group[..group.find('}').unwrap_or(group.len())];
                used.extend(group.split(',').map(|item| {
                    item.trim()
                        .split("::")
                        .next()
                        .unwrap_or_default()
                        .to_owned()
                }));
            } else {
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                used.push(name);
            }
        }
        used
    }

    /// Commands import the shared plumbing (arguments, where secrets come from, `Failure`,
    /// standard input and output, shared words) and the layers below, never each other:
    /// what two commands share lives in one of those, once.
    #[test]
    fn no_command_module_imports_another() {
        for (name, source) in COMMANDS {
            for used in siblings_used(source) {
                assert!(
                    !COMMANDS.iter().any(|(other, _)| *other == used),
                    "src/cli/{name}.rs uses super::{used}: move what they share into the plumbing"
                );
            }
        }
        // The check itself finds both forms.
        assert_eq!(
            siblings_used("use super::{rest::duration, Failure};\nsuper::profile::x()"),
            ["rest", "Failure", "profile"]
        );
    }
}
