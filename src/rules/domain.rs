//! The domain-group naming convention: `ca_domain_` + the labels of a DNS
//! domain in reverse order joined by `_`, with `-` in a label written `_`
//! (`dettonville.int` -> `ca_domain_int_dettonville`).

/// Labels of a domain group, top-level label first (`["int", "dettonville"]`),
/// or why the name is not a valid reversed domain. `None` when the name is not
/// a domain group at all (no `<prefix>_`).
pub fn parse_group(prefix: &str, name: &str) -> Option<Result<Vec<String>, String>> {
    let rest = name.strip_prefix(prefix)?.strip_prefix('_')?;
    Some(parse_labels(rest))
}

fn parse_labels(rest: &str) -> Result<Vec<String>, String> {
    if rest.is_empty() {
        return Err("no domain labels after the prefix".into());
    }
    let parts: Vec<&str> = rest.split('_').collect();
    let mut labels: Vec<String> = Vec::new();
    let mut i = 0;
    while i < parts.len() {
        let p = parts[i];
        // Punycode: `xn--abc` is written `xn__abc` (two empty-separated parts).
        if p == "xn"
            && parts.get(i + 1) == Some(&"")
            && parts.get(i + 2).is_some_and(|s| !s.is_empty())
        {
            labels.push(format!("xn__{}", parts[i + 2]));
            i += 3;
            continue;
        }
        if p.is_empty() {
            return Err(if i == 0 {
                "starts with an empty label (`__`)".into()
            } else if i + 1 == parts.len() {
                "ends with `_` (an empty label)".into()
            } else {
                "has an empty label (`__`)".into()
            });
        }
        if let Some(c) = p
            .chars()
            .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit()))
        {
            return Err(format!(
                "label `{p}` has `{c}`: labels are lowercase letters and digits (write `-` as `_`)"
            ));
        }
        if p.len() > 63 {
            return Err(format!("label `{p}` is longer than 63 characters"));
        }
        labels.push(p.to_string());
        i += 1;
    }
    if labels.len() < 2 {
        return Err(format!(
            "`{rest}` is a single label: a domain group names a domain under a top-level domain (e.g. `int_dettonville`)"
        ));
    }
    if !labels[0].starts_with(|c: char| c.is_ascii_lowercase()) {
        return Err(format!(
            "top-level label `{}` must start with a letter",
            labels[0]
        ));
    }
    let total: usize = labels.iter().map(|l| l.len() + 1).sum();
    if total > 254 {
        return Err("the domain is longer than 253 characters".into());
    }
    Ok(labels)
}

/// The domain of reversed labels, for messages (`dettonville.int`).
pub fn domain_text(labels: &[String]) -> String {
    labels
        .iter()
        .rev()
        .map(|l| l.replace("xn__", "xn--"))
        .collect::<Vec<_>>()
        .join(".")
}

/// The group a domain belongs in (`dettonville.int` -> `ca_domain_int_dettonville`).
pub fn group_for_domain(prefix: &str, domain: &str) -> String {
    let mut s = prefix.to_string();
    for l in domain.trim_end_matches('.').split('.').rev() {
        s.push('_');
        s.push_str(&l.to_ascii_lowercase().replace('-', "_"));
    }
    s
}

/// Whether the domain rules read a host name as an FQDN: it has a dot and
/// is not an IP address.
fn is_fqdn(host: &str) -> bool {
    host.contains('.')
        && !host.contains(':')
        && !host
            .split('.')
            .all(|p| p.bytes().all(|b| b.is_ascii_digit()) && !p.is_empty())
}

/// Whether the host lies strictly inside the domain (labels TLD first, in
/// group form), comparing the name's labels in place: a host name is
/// compared with every domain group above it, so nothing is allocated per
/// host and group. `None` when the host is not an FQDN.
pub fn host_name_in_domain(host: &str, domain: &[String]) -> Option<bool> {
    if !is_fqdn(host) {
        return None;
    }
    // A label in group form: ASCII letters lowered, `-` as `_` (both keep
    // the byte length, so the bytes compare one to one).
    let same = |label: &str, group: &str| {
        label.len() == group.len()
            && label.bytes().zip(group.bytes()).all(|(h, g)| {
                let h = h.to_ascii_lowercase();
                (if h == b'-' { b'_' } else { h }) == g
            })
    };
    let mut labels = host.trim_end_matches('.').split('.').rev();
    for d in domain {
        match labels.next() {
            Some(l) if same(l, d) => {}
            _ => return Some(false),
        }
    }
    Some(labels.next().is_some())
}

/// One domain is a suffix of the other (or equal).
pub fn related(a: &[String], b: &[String]) -> bool {
    a.iter().zip(b).all(|(x, y)| x == y)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The host's labels in group form, TLD first (the reference the
    /// in-place comparison is held to).
    fn host_labels(host: &str) -> Option<Vec<String>> {
        is_fqdn(host).then(|| {
            host.trim_end_matches('.')
                .split('.')
                .rev()
                .map(|l| l.to_ascii_lowercase().replace('-', "_"))
                .collect()
        })
    }

    fn host_in_domain(host: &[String], domain: &[String]) -> bool {
        host.len() > domain.len() && host.iter().zip(domain).all(|(a, b)| a == b)
    }

    #[test]
    fn host_name_in_domain_is_labels_then_in_domain() {
        let mut compared = 0;
        let domains = [
            "johnson.int",
            "dev.johnson.int",
            "my_app.dev.johnson.int",
            "x",
        ];
        let hosts = [
            "db01.johnson.int",
            "DB01.Johnson.INT",
            "my-app.dev.johnson.int",
            "a.my-app.dev.johnson.int",
            "johnson.int",
            "johnson.int.",
            "web01",
            "10.0.0.1",
            "::1",
            "h.x",
            "h.é.x",
            "a..int",
        ];
        for d in domains {
            let group = group_for_domain("ca_domain", d);
            let Some(Ok(labels)) = parse_group("ca_domain", &group) else {
                continue; // not a domain group name (one label)
            };
            for h in hosts {
                let want = host_labels(h).map(|hl| host_in_domain(&hl, &labels));
                assert_eq!(host_name_in_domain(h, &labels), want, "{h} in {d}");
                compared += 1;
            }
        }
        assert!(compared >= 36);
    }

    #[test]
    fn convention() {
        assert_eq!(
            group_for_domain("ca_domain", "dettonville.int"),
            "ca_domain_int_dettonville"
        );
        assert_eq!(
            parse_group("ca_domain", "ca_domain_int_dettonville"),
            Some(Ok(vec!["int".into(), "dettonville".into()]))
        );
        assert!(parse_group("ca_domain", "ca_domain").is_none());
        assert!(parse_group("ca_domain", "ca_domain_int_dettonville_")
            .unwrap()
            .is_err());
        assert!(parse_group("ca_domain", "ca_domain_int__x")
            .unwrap()
            .is_err());
        assert!(parse_group("ca_domain", "ca_domain_int").unwrap().is_err());
        assert!(parse_group("ca_domain", "ca_domain_Int_x")
            .unwrap()
            .is_err());
        assert!(parse_group("ca_domain", "ca_domain_com_xn__80ak6aa92e")
            .unwrap()
            .is_ok());
        let h = host_labels("db01.johnson.int").unwrap();
        let d = parse_group("ca_domain", "ca_domain_int_johnson")
            .unwrap()
            .unwrap();
        assert!(host_in_domain(&h, &d));
        assert!(host_labels("10.0.0.1").is_none());
        assert!(host_labels("web01").is_none());
        let sub = host_labels("my-app.dev.johnson.int").unwrap();
        assert_eq!(sub[3], "my_app");
    }
}
