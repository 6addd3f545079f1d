//! A cap on password checks per client. Each check costs an argon2 hash (tens of
//! milliseconds of CPU); without a cap, a client could keep the server busy with
//! wrong passwords across many logins, which the per-identity lockout does not
//! catch. Work that makes several hashes in one request (a password change against
//! the history) is charged one check per hash, before it runs (`charge`). Over the
//! cap: 429, code 25, with `Retry-After`.
//!
//! A client is an IPv4 address or an IPv6 /64 (one host usually holds a whole
//! /64). Behind a reverse proxy, the address is the one it forwarded for
//! (`http::client`).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Instant;

use account_contract::{ApiError, ErrorCode};

pub struct PasswordThrottle {
    per_second: f64,
    burst: f64,
    buckets: Mutex<HashMap<IpAddr, (f64, Instant)>>,
}

/// Beyond this many clients, full buckets are forgotten.
const MAX_TRACKED: usize = 10_000;

/// The bucket a client address falls in: itself (IPv4), or its /64 (IPv6).
pub fn client_group(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6((u128::from(v6) & !((1u128 << 64) - 1)).into()),
        },
    }
}

impl PasswordThrottle {
    pub fn new(per_second: f64, burst: f64) -> Self {
        Self {
            per_second: per_second.max(0.1),
            burst: burst.max(1.0),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one password check for `client`, or says how long to wait.
    pub fn take(&self, client: IpAddr) -> Result<(), ApiError> {
        self.charge(client, 1)
    }

    /// Takes `hashes` password checks for `client` at once, before work that computes
    /// that many argon2 hashes (a password change checking the history), or says how
    /// long to wait. Work costing more than the whole burst is let through only on a
    /// full bucket, which it leaves in debt: it stays possible, and paid for.
    pub fn charge(&self, client: IpAddr, hashes: usize) -> Result<(), ApiError> {
        if hashes == 0 {
            return Ok(());
        }
        let cost = hashes as f64;
        let now = Instant::now();
        let mut buckets = self.buckets.lock().expect("throttle lock");
        if buckets.len() > MAX_TRACKED {
            let (per_second, burst) = (self.per_second, self.burst);
            buckets.retain(|_, (tokens, at)| {
                *tokens + now.duration_since(*at).as_secs_f64() * per_second < burst
            });
        }
        let (tokens, at) = buckets.entry(client_group(client)).or_insert((self.burst, now));
        *tokens =
            (*tokens + now.duration_since(*at).as_secs_f64() * self.per_second).min(self.burst);
        *at = now;
        let needed = cost.min(self.burst);
        if *tokens >= needed {
            *tokens -= cost;
            return Ok(());
        }
        let wait = ((needed - *tokens) / self.per_second).ceil().max(1.0) as u64;
        Err(ApiError {
            retry_after: Some(wait),
            ..ApiError::new(
                ErrorCode::Throttled,
                "Request rate exceeded: too many password checks from this address.",
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allows_a_burst_then_the_rate() {
        let t = PasswordThrottle::new(10.0, 5.0);
        let ip: IpAddr = "127.0.0.1".parse().unwrap();
        for _ in 0..5 {
            t.take(ip).unwrap();
        }
        let e = t.take(ip).unwrap_err();
        assert_eq!((e.status, e.items[0].code.as_str(), e.retry_after), (429, "25", Some(1)));
        t.take("127.0.0.2".parse().unwrap()).expect("per address");
        std::thread::sleep(std::time::Duration::from_millis(120));
        t.take(ip).expect("refilled");
    }

    #[test]
    fn work_of_several_hashes_is_charged_for_all_of_them() {
        let t = PasswordThrottle::new(0.1, 5.0);
        let ip: IpAddr = "127.0.0.1".parse().unwrap();
        t.charge(ip, 3).unwrap();
        let e = t.charge(ip, 3).unwrap_err();
        assert_eq!((e.status, e.retry_after), (429, Some(10)), "2 left, 1 more in 10 s");
        t.charge(ip, 2).unwrap();
        assert!(t.take(ip).is_err(), "all 5 spent");
        // More than the burst: only on a full bucket, then owed.
        let other: IpAddr = "127.0.0.2".parse().unwrap();
        t.charge(other, 8).unwrap();
        let e = t.take(other).unwrap_err();
        assert_eq!(e.retry_after, Some(40), "3 owed, then 1 to take");
    }

    #[test]
    fn ipv6_addresses_of_one_64_share_a_bucket() {
        let t = PasswordThrottle::new(0.1, 2.0);
        t.take("2001:db8:1:2::1".parse().unwrap()).unwrap();
        t.take("2001:db8:1:2:ffff::9".parse().unwrap()).unwrap();
        assert!(t.take("2001:db8:1:2:abcd::1".parse().unwrap()).is_err(), "same /64");
        t.take("2001:db8:1:3::1".parse().unwrap()).expect("another /64");
    }
}
