//! The `realize:` section of a configuration: which refs are realized,
//! where the events go, how long a delivery may take. Only a server-side
//! configuration's section is ever acted on: one a pushed tree brings is
//! read (so the file stays valid) and ignored, so a push can never send an
//! event, or a token, where it likes.

use serde::Deserialize;

/// `realize:`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RealizeConfig {
    /// Refs whose updates are realized (globs as in `hook.refs`); empty:
    /// the default branch only.
    #[serde(default)]
    pub refs: Vec<String>,
    /// Where each event goes.
    #[serde(default)]
    pub targets: Vec<Target>,
    /// Seconds one delivery attempt may take (connecting included).
    #[serde(default = "default_timeout")]
    pub timeout: f64,
}

fn default_timeout() -> f64 {
    5.0
}

/// A receiver of events.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Target {
    /// An AWX or AAP controller: job template launches.
    Awx(AwxTarget),
    /// Any HTTP endpoint: the event JSON, signed.
    Webhook(WebhookTarget),
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AwxTarget {
    /// The controller's base URL (`https://awx.example.int`).
    pub url: String,
    /// A file holding the OAuth2 token (a trailing newline is stripped).
    pub token_file: String,
    /// Launched with the added and changed hosts as its limit.
    pub job_template: u64,
    /// Launched with the removed hosts as its limit (a decommission play).
    #[serde(default)]
    pub removed_job_template: Option<u64>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct WebhookTarget {
    pub url: String,
    /// A file holding the HMAC-SHA256 secret the body is signed with (a
    /// trailing newline stripped); unsigned without one.
    #[serde(default)]
    pub secret_file: Option<String>,
}

impl RealizeConfig {
    /// Problems serde cannot see: a URL that is not http(s), a timeout
    /// that is no time, a target repeated.
    pub fn check(&self) -> Result<(), String> {
        if !(self.timeout.is_finite() && self.timeout > 0.0 && self.timeout <= 600.0) {
            return Err(format!(
                "realize.timeout: {} is not a number of seconds in (0, 600]",
                self.timeout
            ));
        }
        let mut seen = Vec::new();
        for (i, t) in self.targets.iter().enumerate() {
            let url = t.url();
            let scheme_ok = url.starts_with("http://") || url.starts_with("https://");
            if !scheme_ok {
                return Err(format!(
                    "realize.targets[{i}].url: `{}` is not an http:// or https:// URL",
                    crate::git::redact(url)
                ));
            }
            if seen.contains(&t.key()) {
                return Err(format!(
                    "realize.targets[{i}]: the same target as an earlier one"
                ));
            }
            seen.push(t.key());
        }
        Ok(())
    }
}

impl Target {
    pub fn url(&self) -> &str {
        match self {
            Target::Awx(a) => &a.url,
            Target::Webhook(w) => &w.url,
        }
    }

    /// What names this target in the outbox: its type, URL and job
    /// templates (no secret: a file's name is not one, but it is left out
    /// all the same).
    pub fn key(&self) -> String {
        match self {
            Target::Awx(a) => format!(
                "awx {} {} {}",
                a.url.trim_end_matches('/'),
                a.job_template,
                a.removed_job_template.map_or("-".into(), |t| t.to_string())
            ),
            Target::Webhook(w) => format!("webhook {}", w.url),
        }
    }
}
