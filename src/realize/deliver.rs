//! Sending the outbox's deliveries over HTTP (ureq, TLS by rustls with
//! the system's trust store), in order per target: once a target fails,
//! its later deliveries wait behind the failed one. Tokens and secrets
//! are read from their files at each try and never appear in a message.

use super::config::{RealizeConfig, Target};
use super::outbox::{now, Entry, Outbox, OutboxError};
use std::collections::HashSet;
use std::path::Path;
use std::time::Duration;

/// The header carrying the body's HMAC-SHA256 (`sha256=<hex>`).
pub const SIGNATURE_HEADER: &str = "X-Git-Inventory-Signature-256";
/// The header carrying the event id.
pub const DELIVERY_HEADER: &str = "X-Git-Inventory-Delivery";
/// The header naming the kind of event.
pub const EVENT_HEADER: &str = "X-Git-Inventory-Event";

/// Longest response body read (AWX answers a launch with a few kB).
const MAX_RESPONSE: u64 = 1 << 20;

/// `sha256=<hex>` of `body` keyed by `secret` (as GitHub signs webhooks).
pub fn signature(secret: &[u8], body: &[u8]) -> String {
    use hmac::{KeyInit, Mac};
    // HMAC takes a key of any length.
    let mut mac = match hmac::Hmac::<sha2::Sha256>::new_from_slice(secret) {
        Ok(m) => m,
        Err(_) => return String::new(),
    };
    mac.update(body);
    let bytes = mac.finalize().into_bytes();
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256={hex}")
}

/// A message with every secret in it replaced and URL credentials hidden.
fn scrub(message: &str, secrets: &[&str]) -> String {
    let mut m = crate::git::redact(message);
    for s in secrets.iter().filter(|s| !s.is_empty()) {
        m = m.replace(s, "***");
    }
    m
}

/// Send one delivery: `Ok` with what the receiver said (`awx job 12`,
/// `webhook 200`), `Err` with why it was not taken.
fn send(entry: &Entry, target: &Target, timeout: Duration) -> Result<String, String> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .http_status_as_error(false)
        // A launch is not followed elsewhere (nor its token with it).
        .max_redirects(0)
        .tls_config(
            ureq::tls::TlsConfig::builder()
                .root_certs(ureq::tls::RootCerts::PlatformVerifier)
                .build(),
        )
        .user_agent(concat!("git-inventory/", env!("CARGO_PKG_VERSION")))
        .build()
        .new_agent();
    let (url, secret, request) = match target {
        Target::Awx(a) => {
            let template = match entry.kind.as_str() {
                "removed" => a
                    .removed_job_template
                    .ok_or("no removed_job_template is configured any more")?,
                _ => a.job_template,
            };
            let url = format!(
                "{}/api/v2/job_templates/{template}/launch/",
                a.url.trim_end_matches('/')
            );
            let token = crate::secret::read(Path::new(&a.token_file))?;
            let req = agent
                .post(&url)
                .header("Authorization", &format!("Bearer {token}"));
            (url, token, req)
        }
        Target::Webhook(w) => {
            let mut req = agent
                .post(&w.url)
                .header(EVENT_HEADER, "changes")
                .header(DELIVERY_HEADER, &entry.event);
            let mut secret = String::new();
            if let Some(f) = &w.secret_file {
                secret = crate::secret::read(Path::new(f))?;
                req = req.header(
                    SIGNATURE_HEADER,
                    &signature(secret.as_bytes(), entry.body.as_bytes()),
                );
            }
            (w.url.clone(), secret, req)
        }
    };
    let hide = |m: String| scrub(&m, &[secret.as_str()]);
    let mut resp = request
        .content_type("application/json")
        .send(entry.body.as_bytes())
        .map_err(|e| {
            let why = match e {
                ureq::Error::Timeout(_) => format!("no answer within {} s", timeout.as_secs_f64()),
                e => e.to_string(),
            };
            hide(format!("{url}: {why}"))
        })?;
    let status = resp.status().as_u16();
    let text = resp
        .body_mut()
        .with_config()
        .limit(MAX_RESPONSE)
        .read_to_string()
        .unwrap_or_default();
    if !(200..300).contains(&status) {
        let mut why = format!("HTTP {status}");
        if (300..400).contains(&status) {
            if let Some(to) = resp.headers().get("location").and_then(|v| v.to_str().ok()) {
                why.push_str(&format!(" (redirected to {to}: configure that URL)"));
            }
        }
        return Err(hide(why));
    }
    Ok(match target {
        Target::Awx(_) => {
            let job = serde_json::from_str::<serde_json::Value>(&text)
                .ok()
                .and_then(|v| v.get("job").or_else(|| v.get("id")).cloned());
            match job {
                Some(j) => format!("awx job {j}"),
                None => format!("awx HTTP {status}"),
            }
        }
        Target::Webhook(_) => format!("webhook HTTP {status}"),
    })
}

/// What one pass over the outbox did.
#[derive(Debug, Default)]
pub struct Pass {
    /// One line per delivery tried or left waiting, for the pusher.
    pub lines: Vec<String>,
    /// Deliveries still in the outbox afterwards.
    pub waiting: usize,
}

/// Try the outbox's deliveries, oldest first. `due_only` (a push) leaves
/// those whose back-off has not run out; `deliver` tries every one. A
/// target that fails (or waits) holds its later deliveries back, so each
/// receiver gets events in order.
pub fn pass(outbox: &Outbox, config: &RealizeConfig, due_only: bool) -> Result<Pass, OutboxError> {
    let timeout = Duration::from_secs_f64(config.timeout);
    let mut out = Pass::default();
    // Another process delivering holds the lock for at most its own tries.
    let wait = timeout * u32::try_from(config.targets.len().max(1)).unwrap_or(1) * 2;
    let Some(_lock) = outbox.lock(wait)? else {
        out.waiting = outbox.list()?.len();
        out.lines.push(format!(
            "git-inventory: realize: another delivery is under way; {} waiting in the outbox",
            out.waiting
        ));
        return Ok(out);
    };
    let mut held: HashSet<String> = HashSet::new();
    for (path, entry) in outbox.list()? {
        let head = format!(
            "git-inventory: realize {}: {}",
            short_ref(&entry.refname),
            entry.summary
        );
        if held.contains(&entry.target) {
            out.waiting += 1;
            continue;
        }
        let Some(target) = config.targets.iter().find(|t| t.key() == entry.target) else {
            held.insert(entry.target.clone());
            out.waiting += 1;
            out.lines.push(format!(
                "{head} -> {}: this target is no longer configured; left in the outbox",
                crate::git::redact(&entry.target)
            ));
            continue;
        };
        if due_only && entry.next_try > now() {
            held.insert(entry.target.clone());
            out.waiting += 1;
            continue;
        }
        match send(&entry, target, timeout) {
            Ok(said) => {
                outbox.done(&path)?;
                let what = if entry.kind == "removed" {
                    " (removed hosts)"
                } else {
                    ""
                };
                out.lines.push(format!("{head} -> {said}{what}"));
            }
            Err(why) => {
                held.insert(entry.target.clone());
                out.waiting += 1;
                out.lines.push(format!(
                    "{head} -> {}: not delivered ({why}); kept in the outbox",
                    kind_name(&entry, target)
                ));
                outbox.failed(&path, entry, &why)?;
            }
        }
    }
    Ok(out)
}

fn kind_name(entry: &Entry, target: &Target) -> String {
    match target {
        Target::Awx(_) if entry.kind == "removed" => "awx (removed hosts)".into(),
        Target::Awx(_) => "awx".into(),
        Target::Webhook(_) => "webhook".into(),
    }
}

/// A branch's short name (`main`); other refs as they are.
pub(super) fn short_ref(r: &str) -> &str {
    r.strip_prefix("refs/heads/").unwrap_or(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_are_github_style_hmac_sha256() {
        // RFC 4231 test case 2.
        assert_eq!(
            signature(b"Jefe", b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn secrets_never_reach_a_message() {
        let m = scrub(
            "https://bot:pw@awx.example/x: Bearer s3cr3t refused",
            &["s3cr3t"],
        );
        assert!(!m.contains("s3cr3t") && !m.contains("pw@"), "{m}");
    }
}
