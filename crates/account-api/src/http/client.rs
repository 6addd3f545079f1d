//! The client's address: the peer of the connection, or, behind a trusted reverse
//! proxy, the address it forwarded for (`X-Forwarded-For`). The password-check cap
//! counts per client (`auth::throttle`).

use std::net::{IpAddr, Ipv4Addr};

use axum::body::Body;
use axum::http::Request;
use ipnet::IpNet;

use crate::auth::AppState;

/// The address the request came from (loopback when unknown, as in unit tests); behind
/// a trusted proxy, the address it forwarded for.
pub fn address(state: &AppState, request: &Request<Body>) -> IpAddr {
    let peer = request
        .extensions()
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map_or(Ipv4Addr::LOCALHOST.into(), |c| c.0.ip());
    let forwarded = request.headers().get("x-forwarded-for").and_then(|v| v.to_str().ok());
    behind_proxies(peer, forwarded, &state.trusted_proxies)
}

/// The client behind `peer`: `peer` itself, unless it is a trusted proxy, in which
/// case the last address of `X-Forwarded-For` that is not a trusted proxy.
pub fn behind_proxies(peer: IpAddr, forwarded_for: Option<&str>, trusted: &[IpNet]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    let mut client = peer;
    for hop in forwarded_for.unwrap_or_default().rsplit(',') {
        match hop.trim().parse::<IpAddr>() {
            Ok(ip) => {
                client = ip;
                if !is_trusted(&ip) {
                    break;
                }
            }
            // A hop we cannot read: stop at the last one we could.
            Err(_) => break,
        }
    }
    client
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forwarded_for_counts_only_from_trusted_proxies() {
        let trusted: Vec<IpNet> = vec!["10.0.0.0/8".parse().unwrap()];
        let proxy: IpAddr = "10.1.2.3".parse().unwrap();
        let outsider: IpAddr = "203.0.113.9".parse().unwrap();
        // A client that writes its own header is not believed.
        assert_eq!(behind_proxies(outsider, Some("198.51.100.1"), &trusted), outsider);
        // Through the proxy: the address the proxy saw, not what the client claimed before it.
        assert_eq!(
            behind_proxies(proxy, Some("198.51.100.1, 203.0.113.7"), &trusted),
            "203.0.113.7".parse::<IpAddr>().unwrap()
        );
        assert_eq!(
            behind_proxies(proxy, Some("203.0.113.7, 10.9.9.9"), &trusted),
            "203.0.113.7".parse::<IpAddr>().unwrap()
        );
        assert_eq!(behind_proxies(proxy, None, &trusted), proxy);
        assert_eq!(behind_proxies(proxy, Some("garbage"), &trusted), proxy);
    }
}
