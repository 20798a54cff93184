//! The rule registry: every rule's code, name, default severity and one-line
//! summary, written once in the `registry!` invocation below. [`Code`] and
//! its accessors are generated from it; the rule catalogue
//! (`crate::rules`), the `rules` command and `docs/rules.md` read it.
//!
//! A rule `INVxxx` named `some-name` is implemented in
//! `src/rules/some_name.rs`, whose first line is
//! `//! INVxxx some-name: <summary>` (a unit test of `crate::rules` holds
//! each file to the registry).
//!
//! This module is a bottom layer: it depends on no other module of the crate.

use serde::Serialize;

/// How bad a finding is; `Off` disables a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Off,
    Warning,
    Error,
}

impl Severity {
    pub fn parse(s: &str) -> Option<Severity> {
        match s.to_ascii_lowercase().as_str() {
            "off" | "ignore" | "none" => Some(Severity::Off),
            "warning" | "warn" => Some(Severity::Warning),
            "error" | "deny" => Some(Severity::Error),
            _ => None,
        }
    }
    pub const fn as_str(self) -> &'static str {
        match self {
            Severity::Off => "off",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// Generates [`Code`] from one line per rule:
/// `CODE Variant "kebab-name" DefaultSeverity "summary";`, in code order.
macro_rules! registry {
    ($($code:ident $variant:ident $name:literal $severity:ident $summary:literal;)+) => {
        /// Stable rule codes (see `git-inventory rules`), in code order.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code {
            $(
                #[doc = concat!("`", stringify!($code), "` ", $name, ": ", $summary)]
                $variant,
            )+
        }

        impl Code {
            /// Every code, in code order.
            pub const ALL: [Code; [$(stringify!($code)),+].len()] = [$(Code::$variant),+];

            /// The stable code: `INV011`.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => stringify!($code),)+
                }
            }

            /// The kebab-case name: `domain-mismatch`.
            pub const fn name(self) -> &'static str {
                match self {
                    $(Code::$variant => $name,)+
                }
            }

            /// The severity when the configuration does not set one.
            pub const fn default_severity(self) -> Severity {
                match self {
                    $(Code::$variant => Severity::$severity,)+
                }
            }

            /// One line: what the rule catches.
            pub const fn summary(self) -> &'static str {
                match self {
                    $(Code::$variant => $summary,)+
                }
            }
        }
    };
}

registry! {
    INV001 YamlSyntax "yaml-syntax" Error
        "not valid YAML (tabs, bad indentation, unclosed quote, unknown tag)";
    INV002 DuplicateKey "duplicate-key" Error
        "a key twice in one mapping (Ansible keeps the last, silently losing data)";
    INV003 Schema "schema" Error
        "shape violates `schemas/*.json`: hosts as a list, unknown keys, scalar host vars, non-mapping groups";
    INV004 Yaml11Key "yaml11-key" Error
        "a key Ansible reads as a bool/int/float/date/null (`yes:`, `12:30:`, `0755:`)";
    INV005 GroupName "group-name" Warning
        "group name with characters Ansible calls invalid (`kube-master`)";
    INV006 HostName "host-name" Error
        "host key not a valid hostname, IP, or range pattern (`web 02`, bad range)";
    INV007 GroupGraph "group-graph" Error
        "group added to itself, children cycle, group and host of the same name";
    INV010 DomainGroupName "domain-group-name" Error
        "`ca_domain_*` name that is not a reversed valid domain";
    INV011 DomainMismatch "domain-mismatch" Error
        "a host FQDN in a domain group whose domain is not a suffix of it";
    INV012 DomainExclusive "domain-exclusive" Error
        "a host in two domain groups of one environment whose domains are unrelated";
    INV013 UndeclaredGroup "undeclared-group" Error
        "a group used in an environment but absent from `xenv_groups.yml`";
    INV020 DuplicateHostEnv "duplicate-host-env" Error
        "one host defined in two environments (prod and dev)";
    INV021 DuplicateHostAlias "duplicate-host-alias" Error
        "one machine under two spellings: case (`Web01`/`web01`), short vs FQDN";
    INV022 DuplicateAddress "duplicate-address" Error
        "two hosts with the same `ansible_host` in one environment";
    INV023 ConflictingVars "conflicting-vars" Warning
        "one host or group given different values for a var in two places";
    INV030 DanglingSymlink "dangling-symlink" Error
        "a symlink that escapes the repository or points nowhere";
    INV031 ForeignInventoryFile "foreign-inventory-file" Error
        "a file of an inventory folder that Ansible loads by another plugin than yaml: an executable (script), `*.ini`, `*.toml`";
    INV040 SortOrder "sort-order" Off
        "keys not sorted (some teams require it; off by default)";
}

impl Code {
    /// Parse `INV003` or `schema` (case-insensitive).
    pub fn parse(s: &str) -> Option<Code> {
        Code::ALL
            .into_iter()
            .find(|c| c.as_str().eq_ignore_ascii_case(s) || c.name().eq_ignore_ascii_case(s))
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_are_in_order_and_well_formed() {
        // `Code`'s order (diagnostics sort by it) is the order of the codes.
        for w in Code::ALL.windows(2) {
            assert!(w[0] < w[1] && w[0].as_str() < w[1].as_str(), "{w:?}");
        }
        for c in Code::ALL {
            let s = c.as_str();
            assert!(
                s.len() == 6 && s.starts_with("INV") && s[3..].bytes().all(|b| b.is_ascii_digit()),
                "{s}"
            );
            let n = c.name();
            assert!(
                !n.is_empty()
                    && !n.starts_with('-')
                    && !n.ends_with('-')
                    && n.bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "{s}: name `{n}` is not kebab-case"
            );
            let summary = c.summary();
            assert!(
                !summary.is_empty() && !summary.contains('\n') && !summary.ends_with('.'),
                "{s}: summary `{summary}`"
            );
        }
    }

    #[test]
    fn codes_and_names_are_unique() {
        let codes: HashSet<_> = Code::ALL.iter().map(|c| c.as_str()).collect();
        let names: HashSet<_> = Code::ALL.iter().map(|c| c.name()).collect();
        assert_eq!(codes.len(), Code::ALL.len());
        assert_eq!(names.len(), Code::ALL.len());
    }

    #[test]
    fn parse_takes_code_or_name_in_any_case() {
        for c in Code::ALL {
            assert_eq!(Code::parse(c.as_str()), Some(c));
            assert_eq!(Code::parse(&c.as_str().to_lowercase()), Some(c));
            assert_eq!(Code::parse(c.name()), Some(c));
            assert_eq!(Code::parse(&c.name().to_uppercase()), Some(c));
        }
        assert_eq!(Code::parse("INV999"), None);
        assert_eq!(Code::parse(""), None);
        assert_eq!(Code::DomainMismatch.to_string(), "INV011");
    }
}
