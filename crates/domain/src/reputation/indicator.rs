//! An indicator to look up: an IP address, a domain, a URL or a file hash, parsed from the path.

use std::net::IpAddr;

use base64::Engine;
use sha2::{Digest, Sha256};
use socdesk_types::{FieldError, reputation::IndicatorKind};

/// A checked indicator, normalised (lower-case domains and hashes, canonical IP text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Indicator {
    pub kind: IndicatorKind,
    pub value: String,
}

fn invalid(message: &str) -> FieldError {
    FieldError::new("value", message)
}

fn is_domain(d: &str) -> bool {
    d.len() <= 253
        && d.contains('.')
        && d.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
        && d.rsplit('.').next().is_some_and(|tld| !tld.bytes().all(|b| b.is_ascii_digit()))
}

impl Indicator {
    /// Parses `raw` as an indicator of `kind`.
    ///
    /// Fails with an error naming `value` that says what was expected.
    pub fn parse(kind: IndicatorKind, raw: &str) -> Result<Indicator, FieldError> {
        let raw = raw.trim();
        let value = match kind {
            IndicatorKind::Ip => raw
                .parse::<IpAddr>()
                .map(|ip| ip.to_string())
                .map_err(|_| invalid("must be an IPv4 or IPv6 address, e.g. 203.0.113.9"))?,
            IndicatorKind::Domain => {
                let d = raw.trim_end_matches('.').to_ascii_lowercase();
                if !is_domain(&d) {
                    return Err(invalid("must be a domain name, e.g. example.com"));
                }
                d
            }
            IndicatorKind::Url => {
                let lower = raw.to_ascii_lowercase();
                let rest = lower.strip_prefix("http://").or_else(|| lower.strip_prefix("https://"));
                let host_ok = rest.is_some_and(|r| {
                    r.split(['/', '?', '#']).next().is_some_and(|h| !h.is_empty() && !h.starts_with(':'))
                });
                if !host_ok || raw.len() > 2048 || raw.chars().any(|c| c.is_whitespace() || c.is_control()) {
                    return Err(invalid("must be an http or https URL, e.g. https://example.com/path"));
                }
                raw.to_owned()
            }
            IndicatorKind::File => {
                let h = raw.to_ascii_lowercase();
                if !matches!(h.len(), 32 | 40 | 64) || !h.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return Err(invalid(
                        "must be an MD5, SHA-1 or SHA-256 hash in hex (32, 40 or 64 digits)",
                    ));
                }
                h
            }
        };
        Ok(Indicator { kind, value })
    }

    /// The path of this indicator's object in the VirusTotal v3 API, after the base URL.
    pub fn api_path(&self) -> String {
        match self.kind {
            IndicatorKind::Ip => format!("/ip_addresses/{}", self.value),
            IndicatorKind::Domain => format!("/domains/{}", self.value),
            IndicatorKind::Url => format!("/urls/{}", self.url_id()),
            IndicatorKind::File => format!("/files/{}", self.value),
        }
    }

    /// VirusTotal's id of a URL: the URL in unpadded base64url.
    pub fn url_id(&self) -> String {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(self.value.as_bytes())
    }

    /// The indicator's page in the VirusTotal web interface.
    pub fn gui_link(&self) -> String {
        let base = "https://www.virustotal.com/gui";
        match self.kind {
            IndicatorKind::Ip => format!("{base}/ip-address/{}", self.value),
            IndicatorKind::Domain => format!("{base}/domain/{}", self.value),
            IndicatorKind::Url => {
                format!("{base}/url/{}", hex::encode(Sha256::digest(self.value.as_bytes())))
            }
            IndicatorKind::File => format!("{base}/file/{}", self.value),
        }
    }

    /// The cache key: SHA-256 of `kind:value`.
    pub fn cache_key(&self) -> String {
        hex::encode(Sha256::digest(format!("{}:{}", self.kind, self.value).as_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(kind: IndicatorKind, raw: &str) -> String {
        Indicator::parse(kind, raw).unwrap().value
    }

    #[test]
    fn each_kind_takes_its_own_values_and_normalises_them() {
        assert_eq!(ok(IndicatorKind::Ip, " 203.0.113.9 "), "203.0.113.9");
        assert_eq!(ok(IndicatorKind::Ip, "2001:DB8::1"), "2001:db8::1");
        assert_eq!(ok(IndicatorKind::Domain, "Evil.Example.COM."), "evil.example.com");
        assert_eq!(ok(IndicatorKind::File, &"AB".repeat(16)), "ab".repeat(16));
        assert_eq!(ok(IndicatorKind::File, &"a".repeat(40)).len(), 40);
        assert_eq!(ok(IndicatorKind::File, &"0".repeat(64)).len(), 64);
        assert_eq!(ok(IndicatorKind::Url, "https://example.com/a?b=1"), "https://example.com/a?b=1");
    }

    #[test]
    fn bad_values_are_refused_naming_value() {
        for (kind, raw) in [
            (IndicatorKind::Ip, "999.1.1.1"),
            (IndicatorKind::Ip, "example.com"),
            (IndicatorKind::Domain, "no_dot"),
            (IndicatorKind::Domain, "-bad-.com"),
            (IndicatorKind::Domain, "1.2.3.4"),
            (IndicatorKind::Domain, "a b.com"),
            (IndicatorKind::Url, "ftp://example.com/"),
            (IndicatorKind::Url, "https://"),
            (IndicatorKind::Url, "https://exa mple.com/"),
            (IndicatorKind::File, "abc"),
            (IndicatorKind::File, &"g".repeat(32)),
            (IndicatorKind::File, &"a".repeat(33)),
        ] {
            let err = Indicator::parse(kind, raw).unwrap_err();
            assert_eq!(err.field, "value", "{kind} {raw}");
        }
    }

    #[test]
    fn a_url_is_asked_by_its_unpadded_base64url_id() {
        let url = Indicator::parse(IndicatorKind::Url, "http://example.com/?a=b&c=~d").unwrap();
        assert_eq!(url.url_id(), "aHR0cDovL2V4YW1wbGUuY29tLz9hPWImYz1-ZA");
        assert_eq!(url.api_path(), "/urls/aHR0cDovL2V4YW1wbGUuY29tLz9hPWImYz1-ZA");
        let ip = Indicator::parse(IndicatorKind::Ip, "8.8.8.8").unwrap();
        assert_eq!(ip.api_path(), "/ip_addresses/8.8.8.8");
        assert_eq!(ip.gui_link(), "https://www.virustotal.com/gui/ip-address/8.8.8.8");
    }
}
