//! The client's address, which every per-client limit, the sign-in throttle and the
//! sessions list key on. It is the TCP peer, unless the peer is one of the trusted
//! proxies (`HERALD_TRUSTED_PROXIES`, CIDRs): then it is the nearest address of the
//! forwarding chain (`Forwarded`, else `X-Forwarded-For`) that is not itself a trusted
//! proxy.
//!
//! Why the chain is read from the right: each proxy appends the address it received the
//! request from, so the rightmost entries were written by our own proxies and can be
//! believed, while everything to the left of the first untrusted hop was written by the
//! client and may be forged. A client talking to Herald directly gains nothing by sending
//! these headers: its peer is not a trusted proxy, so they are never read. An entry that
//! does not parse (`unknown`, an obfuscated name) ends the walk at the last trusted hop,
//! which errs on the side of counting more requests against fewer keys.

use axum::http::HeaderMap;
use ipnet::IpNet;
use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;

/// The client address of a request, left in its extensions by the gate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);

/// The proxies whose forwarding headers are believed (none by default).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

impl FromStr for TrustedProxies {
    type Err = String;

    /// Comma-separated CIDRs (`10.0.0.0/8`) or single addresses (`127.0.0.1`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let nets = s
            .split(',')
            .map(str::trim)
            .filter(|part| !part.is_empty())
            .map(|part| {
                IpNet::from_str(part)
                    .or_else(|_| IpAddr::from_str(part).map(IpNet::from))
                    .map_err(|_| format!("{part:?} is not a CIDR (like 10.0.0.0/8) or an address"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self(nets))
    }
}

impl TrustedProxies {
    /// Whether `ip` is one of the trusted proxies.
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// Whether any proxy is trusted.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The client address of a request that came from `peer` with `headers`.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let peer = canonical(peer);
        if !self.contains(peer) {
            return peer;
        }
        let mut nearest_trusted = peer;
        for hop in forwarded_chain(headers).into_iter().rev() {
            match hop {
                Some(ip) if self.contains(ip) => nearest_trusted = ip,
                Some(ip) => return ip,
                None => return nearest_trusted,
            }
        }
        nearest_trusted
    }
}

/// An IPv4 address mapped into IPv6 (`::ffff:a.b.c.d`) as the IPv4 address it is.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// The forwarding chain, client first: `Forwarded`'s `for=` values when that header is
/// present, else `X-Forwarded-For`'s entries; `None` for an entry that is no address.
fn forwarded_chain(headers: &HeaderMap) -> Vec<Option<IpAddr>> {
    let lines = |name: &str| -> Vec<String> {
        headers
            .get_all(name)
            .iter()
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            .collect()
    };
    let forwarded = lines("forwarded");
    if !forwarded.is_empty() {
        return forwarded
            .iter()
            .flat_map(|line| line.split(','))
            .map(|element| {
                let node = element.split(';').find_map(|pair| {
                    let (key, value) = pair.trim().split_once('=')?;
                    key.trim().eq_ignore_ascii_case("for").then(|| value.trim().to_owned())
                });
                node.and_then(|n| node_address(&n))
            })
            .collect();
    }
    lines("x-forwarded-for")
        .iter()
        .flat_map(|line| line.split(','))
        .map(|entry| node_address(entry.trim()))
        .collect()
}

/// The address of a node as proxies write it: `1.2.3.4`, `1.2.3.4:80`, `"[::1]:80"`,
/// `[::1]`, `::1`.
fn node_address(node: &str) -> Option<IpAddr> {
    let node = node.trim().trim_matches('"');
    if let Ok(ip) = IpAddr::from_str(node) {
        return Some(canonical(ip));
    }
    if let Ok(addr) = SocketAddr::from_str(node) {
        return Some(canonical(addr.ip()));
    }
    let bracketed = node.strip_prefix('[').and_then(|rest| rest.split(']').next())?;
    IpAddr::from_str(bracketed).ok().map(canonical)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn without_trusted_proxies_the_forwarding_headers_are_never_read() {
        let none = TrustedProxies::default();
        let forged = headers(&[("x-forwarded-for", "203.0.113.9")]);
        assert_eq!(none.client(ip("198.51.100.1"), &forged), ip("198.51.100.1"));
    }

    #[test]
    fn a_trusted_peer_gives_the_nearest_untrusted_address_of_the_chain() {
        let trusted: TrustedProxies = "127.0.0.1/32, 10.0.0.0/8".parse().unwrap();
        let chain = headers(&[("x-forwarded-for", "6.6.6.6, 203.0.113.9, 10.1.2.3")]);
        assert_eq!(trusted.client(ip("127.0.0.1"), &chain), ip("203.0.113.9"));
        let split = headers(&[("x-forwarded-for", "6.6.6.6"), ("x-forwarded-for", "203.0.113.9")]);
        assert_eq!(trusted.client(ip("127.0.0.1"), &split), ip("203.0.113.9"));
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_forwards() {
        let trusted: TrustedProxies = "127.0.0.1".parse().unwrap();
        let chain = headers(&[("x-forwarded-for", "203.0.113.9")]);
        assert_eq!(trusted.client(ip("127.0.0.2"), &chain), ip("127.0.0.2"));
    }

    #[test]
    fn forwarded_is_preferred_and_its_quoted_ports_and_brackets_are_understood() {
        let trusted: TrustedProxies = "::1, 127.0.0.1".parse().unwrap();
        let both = headers(&[
            ("forwarded", "for=6.6.6.6, for=\"[2001:db8::7]:4711\";proto=https"),
            ("x-forwarded-for", "198.51.100.5"),
        ]);
        assert_eq!(trusted.client(ip("::1"), &both), ip("2001:db8::7"));
        let with_port = headers(&[("forwarded", "for=\"192.0.2.60:8080\";by=127.0.0.1")]);
        assert_eq!(trusted.client(ip("127.0.0.1"), &with_port), ip("192.0.2.60"));
    }

    #[test]
    fn an_unparseable_entry_stops_at_the_last_trusted_hop_and_no_header_is_the_peer() {
        let trusted: TrustedProxies = "127.0.0.1, 10.0.0.0/8".parse().unwrap();
        let unknown = headers(&[("x-forwarded-for", "unknown, 10.0.0.5")]);
        assert_eq!(trusted.client(ip("127.0.0.1"), &unknown), ip("10.0.0.5"));
        assert_eq!(trusted.client(ip("127.0.0.1"), &HeaderMap::new()), ip("127.0.0.1"));
        let mapped = "::ffff:127.0.0.1".parse::<IpAddr>().unwrap();
        assert!(trusted.contains(mapped), "IPv4-mapped peers are their IPv4 address");
    }

    #[test]
    fn bad_cidrs_are_refused_with_the_entry_named() {
        let err = "10.0.0.0/8, example.com".parse::<TrustedProxies>().unwrap_err();
        assert!(err.contains("example.com"), "{err}");
        assert!("".parse::<TrustedProxies>().unwrap().is_empty());
    }
}
