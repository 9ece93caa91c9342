//! Outbound HTTP to addresses an administrator typed in (webhooks, notification providers,
//! reputation services). A URL is only called over http(s), and never at loopback, private,
//! link-local or otherwise non-public addresses unless the administrator allowed them: the check
//! runs on every address the host resolves to, and the client then connects to exactly those
//! addresses, so a DNS answer that changes between check and connect cannot slip past it.
//! Redirects are not followed (one could lead anywhere).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

use reqwest::Url;

/// Why a URL is not called.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("the URL is not valid: {0}")]
    Invalid(String),
    #[error("only http and https URLs are called")]
    Scheme,
    #[error("the URL names no host")]
    NoHost,
    #[error("the host could not be resolved: {0}")]
    Resolve(String),
    #[error("{0} is not a public address (an administrator can allow private network targets)")]
    NotPublic(IpAddr),
}

/// How long an outbound call may take.
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    pub connect: Duration,
    pub total: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts { connect: Duration::from_secs(3), total: Duration::from_secs(10) }
    }
}

/// A URL that passed the check, with the addresses it may be reached at.
#[derive(Debug, Clone)]
pub struct CheckedUrl {
    pub url: Url,
    pub addrs: Vec<SocketAddr>,
}

impl CheckedUrl {
    /// A client that reaches this URL's host only at the checked addresses, follows no
    /// redirects and gives up after `timeouts`.
    pub fn client(&self, timeouts: Timeouts) -> reqwest::Result<reqwest::Client> {
        let mut builder = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(timeouts.connect)
            .timeout(timeouts.total);
        if let Some(domain) = self.url.domain() {
            builder = builder.resolve_to_addrs(domain, &self.addrs);
        }
        builder.build()
    }
}

/// Parses `raw` and checks its scheme and host, without resolving it (for validation at save).
pub fn parse(raw: &str) -> Result<Url, Refusal> {
    let url = Url::parse(raw.trim()).map_err(|e| Refusal::Invalid(e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Refusal::Scheme);
    }
    if url.host().is_none() {
        return Err(Refusal::NoHost);
    }
    Ok(url)
}

/// Parses `raw`, resolves its host and checks every address it resolves to.
pub async fn check(raw: &str, allow_private: bool) -> Result<CheckedUrl, Refusal> {
    let url = parse(raw)?;
    let port = url.port_or_known_default().ok_or(Refusal::NoHost)?;
    let addrs: Vec<SocketAddr> = match url.host() {
        Some(url::Host::Ipv4(ip)) => vec![SocketAddr::new(IpAddr::V4(ip), port)],
        Some(url::Host::Ipv6(ip)) => vec![SocketAddr::new(IpAddr::V6(ip), port)],
        Some(url::Host::Domain(domain)) => tokio::net::lookup_host((domain, port))
            .await
            .map_err(|e| Refusal::Resolve(e.to_string()))?
            .collect(),
        None => return Err(Refusal::NoHost),
    };
    if addrs.is_empty() {
        return Err(Refusal::Resolve("no addresses".to_owned()));
    }
    if !allow_private && let Some(bad) = addrs.iter().find(|a| !is_public(a.ip())) {
        return Err(Refusal::NotPublic(bad.ip()));
    }
    Ok(CheckedUrl { url, addrs })
}

/// Why an outbound request could not be prepared.
#[derive(Debug, thiserror::Error)]
pub enum Prepare {
    #[error("{0}")]
    Refused(Refusal),
    #[error("{0}")]
    Client(reqwest::Error),
}

/// A `method` request to `raw`, checked and on a client pinned to the checked addresses (see
/// [`check`] and [`CheckedUrl::client`]); the caller adds headers and body and sends it.
pub async fn request(
    method: reqwest::Method,
    raw: &str,
    allow_private: bool,
    timeouts: Timeouts,
) -> Result<reqwest::RequestBuilder, Prepare> {
    let checked = check(raw, allow_private).await.map_err(Prepare::Refused)?;
    let client = checked.client(timeouts).map_err(Prepare::Client)?;
    Ok(client.request(method, checked.url))
}

/// Whether `ip` is an address on the public internet.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_unspecified()
        || a == 0 // "this network"
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || (a == 100 && (64..128).contains(&b)) // carrier-grade NAT
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
        || ip.is_documentation()
        || (a == 198 && (b == 18 || b == 19)) // benchmarking
        || ip.is_multicast()
        || a >= 240) // reserved and broadcast
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    // Addresses that carry an IPv4 address are judged by it.
    if let Some(v4) = ip.to_ipv4_mapped() {
        return is_public_v4(v4);
    }
    let s = ip.segments();
    if s[0] == 0x0064 && s[1] == 0xff9b && s[2..6] == [0, 0, 0, 0] {
        return is_public_v4(embedded_v4(s[6], s[7])); // NAT64
    }
    if s[0] == 0x2002 {
        return is_public_v4(embedded_v4(s[1], s[2])); // 6to4
    }
    !(ip.is_unspecified()
        || ip.is_loopback()
        || s[..6] == [0, 0, 0, 0, 0, 0] // IPv4-compatible (deprecated)
        || (s[0] & 0xfe00) == 0xfc00 // unique local
        || (s[0] & 0xffc0) == 0xfe80 // link-local
        || (s[0] & 0xffc0) == 0xfec0 // site-local (deprecated)
        || ip.is_multicast()
        || (s[0] == 0x2001 && s[1] == 0x0db8) // documentation
        || (s[0] == 0x2001 && s[1] == 0)) // Teredo
}

fn embedded_v4(high: u16, low: u16) -> Ipv4Addr {
    let [a, b] = high.to_be_bytes();
    let [c, d] = low.to_be_bytes();
    Ipv4Addr::new(a, b, c, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_and_non_public_addresses_are_told_apart() {
        let table: &[(&str, bool)] = &[
            ("8.8.8.8", true),
            ("1.1.1.1", true),
            ("172.32.0.1", true),
            ("100.128.0.1", true),
            ("2606:4700::1111", true),
            ("::ffff:8.8.8.8", true),
            ("64:ff9b::808:808", true),
            ("127.0.0.1", false),
            ("127.255.255.254", false),
            ("0.0.0.0", false),
            ("0.1.2.3", false),
            ("10.1.2.3", false),
            ("172.16.0.1", false),
            ("172.31.255.255", false),
            ("192.168.1.1", false),
            ("169.254.169.254", false),
            ("100.64.0.1", false),
            ("192.0.0.8", false),
            ("192.0.2.1", false),
            ("198.18.0.1", false),
            ("224.0.0.1", false),
            ("255.255.255.255", false),
            ("::1", false),
            ("::", false),
            ("::127.0.0.1", false),
            ("::ffff:127.0.0.1", false),
            ("::ffff:10.0.0.1", false),
            ("::ffff:169.254.169.254", false),
            ("64:ff9b::7f00:1", false),
            ("2002:7f00:1::", false),
            ("fc00::1", false),
            ("fd12:3456::1", false),
            ("fe80::1", false),
            ("fec0::1", false),
            ("ff02::1", false),
            ("2001:db8::1", false),
            ("2001::1", false),
        ];
        for (raw, public) in table {
            let ip: IpAddr = raw.parse().unwrap();
            assert_eq!(is_public(ip), *public, "{raw}");
        }
    }

    #[test]
    fn only_http_urls_with_a_host_pass_the_syntax_check() {
        assert!(parse("https://hooks.example.com/x?y=1").is_ok());
        assert!(parse(" http://203.0.113.9:8080/ ").is_ok());
        assert_eq!(parse("ftp://example.com/").unwrap_err(), Refusal::Scheme);
        assert_eq!(parse("file:///etc/passwd").unwrap_err(), Refusal::Scheme);
        assert!(matches!(parse("not a url").unwrap_err(), Refusal::Invalid(_)));
        assert!(matches!(parse("http://").unwrap_err(), Refusal::Invalid(_)));
    }

    #[tokio::test]
    async fn loopback_in_every_spelling_is_refused_unless_allowed() {
        for raw in [
            "http://127.0.0.1/",
            "http://2130706433/", // decimal
            "http://0177.0.0.1/", // octal
            "http://0x7f.0.0.1/", // hex
            "http://127.1/",      // short form
            "http://[::1]/",
            "http://[::ffff:127.0.0.1]/",
            "http://[::ffff:7f00:1]/",
            "http://localhost:8080/",
        ] {
            let refusal = check(raw, false).await.unwrap_err();
            assert!(
                matches!(refusal, Refusal::NotPublic(ip) if ip.is_loopback() || is_mapped_loopback(ip)),
                "{raw}: {refusal:?}"
            );
            let allowed = check(raw, true).await.unwrap();
            assert!(!allowed.addrs.is_empty(), "{raw}");
        }
    }

    fn is_mapped_loopback(ip: IpAddr) -> bool {
        matches!(ip, IpAddr::V6(v6) if v6.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback()))
    }

    #[tokio::test]
    async fn a_public_ip_literal_passes_without_resolving() {
        let checked = check("https://203.0.113.9:8443/hook", true).await.unwrap();
        assert_eq!(checked.addrs, vec!["203.0.113.9:8443".parse::<SocketAddr>().unwrap()]);
        let checked = check("http://8.8.8.8/", false).await.unwrap();
        assert_eq!(checked.addrs, vec!["8.8.8.8:80".parse::<SocketAddr>().unwrap()]);
        assert!(checked.client(Timeouts::default()).is_ok());
    }

    #[tokio::test]
    async fn a_client_for_a_checked_url_follows_no_redirect() {
        // A stand-in on loopback answers a redirect to another path; the client hands it back.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        std::thread::spawn(move || {
            use std::io::{Read, Write};
            if let Ok((mut stream, _)) = listener.accept() {
                let mut buf = [0u8; 1024];
                let _ = stream.read(&mut buf);
                let _ = stream.write_all(
                    b"HTTP/1.1 302 Found\r\nLocation: http://169.254.169.254/latest\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                );
            }
        });
        let checked = check(&format!("http://localhost:{port}/hook"), true).await.unwrap();
        let answer =
            checked.client(Timeouts::default()).unwrap().get(checked.url.clone()).send().await.unwrap();
        assert_eq!(answer.status(), 302);
    }
}
