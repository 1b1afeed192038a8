//! Outbound requests to endpoints people typed in, so an endpoint cannot reach Herald's
//! own network (SSRF): only `http`/`https` URLs, and no private, loopback, link-local,
//! shared, multicast or unspecified address — checked when an endpoint is saved (its
//! name resolved) and again at every delivery, by the client's own resolver, so an
//! address a name resolves to later (DNS rebinding) is refused too. A URL with a literal
//! address is checked before the request. `HERALD_WEBHOOKS_ALLOW_PRIVATE=true` lifts the
//! address rule (tests deliver to loopback receivers).
//!
//! The client: connect timeout 5 s, whole request 10 s, redirects never followed (a 3xx
//! is a failed attempt), and at most [`MAX_ANSWER`] bytes of an answer read.

use crate::coherence::error::{AppError, AppResult};
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;
use url::{Host, Url};

/// The most of an endpoint's answer read and kept.
pub const MAX_ANSWER: usize = 1024;

/// Whether `ip` is an address on the public internet.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => is_public_v4(v4),
            None => is_public_v6(v6),
        },
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    let shared = a == 100 && (64..128).contains(&b);
    let this_network = a == 0;
    !(ip.is_private()
        || ip.is_loopback()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || shared
        || this_network
        || a >= 240)
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    let unique_local = first & 0xfe00 == 0xfc00;
    let link_local = first & 0xffc0 == 0xfe80;
    !(ip.is_loopback() || ip.is_unspecified() || ip.is_multicast() || unique_local || link_local)
}

/// 422 `url_not_allowed`.
pub fn not_allowed(why: &str) -> AppError {
    AppError::unprocessable(
        "url_not_allowed",
        format!("This webhook URL is not allowed: {why}."),
        serde_json::json!({ "field": "url" }),
    )
}

/// The rules of outbound requests (see the module docs).
#[derive(Clone, Copy, Debug)]
pub struct Guard {
    pub allow_private: bool,
}

impl Guard {
    /// Parses an endpoint's URL and checks where it leads, resolving its name.
    pub async fn check(&self, raw: &str) -> AppResult<Url> {
        let url = Url::parse(raw.trim())
            .map_err(|_| AppError::invalid("url", "must be an absolute http(s) URL"))?;
        if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
            return Err(AppError::invalid("url", "must be an absolute http(s) URL"));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(AppError::invalid("url", "must not carry credentials"));
        }
        if raw.len() > 2048 {
            return Err(AppError::invalid("url", "at most 2048 characters"));
        }
        self.check_literal(&url)?;
        if let Some(Host::Domain(name)) = url.host() {
            let port = url.port_or_known_default().unwrap_or(443);
            let addrs = tokio::net::lookup_host((name, port))
                .await
                .map_err(|_| AppError::invalid("url", "its host name does not resolve"))?;
            for addr in addrs {
                self.allowed(addr.ip())?;
            }
        }
        Ok(url)
    }

    /// Refuses a URL whose host is a literal address that is not allowed.
    pub fn check_literal(&self, url: &Url) -> AppResult<()> {
        match url.host() {
            Some(Host::Ipv4(ip)) => self.allowed(IpAddr::V4(ip)),
            Some(Host::Ipv6(ip)) => self.allowed(IpAddr::V6(ip)),
            _ => Ok(()),
        }
    }

    fn allowed(&self, ip: IpAddr) -> AppResult<()> {
        if self.allow_private || is_public(ip) {
            Ok(())
        } else {
            Err(not_allowed(&format!("{ip} is a private, loopback or link-local address")))
        }
    }

    /// The HTTP client of deliveries, resolving names through this guard.
    pub fn client(&self) -> reqwest::Result<reqwest::Client> {
        reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(10))
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("Herald-Webhooks/", env!("CARGO_PKG_VERSION")))
            .dns_resolver(Arc::new(*self))
            .build()
    }
}

/// Resolves with the system resolver and refuses names that lead to a refused address.
impl Resolve for Guard {
    fn resolve(&self, name: Name) -> Resolving {
        let guard = *self;
        Box::pin(async move {
            let addrs: Vec<SocketAddr> =
                tokio::net::lookup_host((name.as_str(), 0)).await?.collect();
            if let Some(bad) = addrs.iter().find(|a| guard.allowed(a.ip()).is_err()) {
                let why = format!("url_not_allowed: {} resolves to {}", name.as_str(), bad.ip());
                return Err(why.into());
            }
            let addrs: Addrs = Box::new(addrs.into_iter());
            Ok(addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_loopback_and_link_local_addresses_are_not_public() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
        ] {
            assert!(!is_public(ip.parse().unwrap()), "{ip}");
        }
        for ip in ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"] {
            assert!(is_public(ip.parse().unwrap()), "{ip}");
        }
    }
}
