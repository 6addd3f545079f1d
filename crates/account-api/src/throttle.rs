//! A cap on password checks per client address. Each check costs an argon2 hash
//! (tens of milliseconds of CPU); without a cap, a client could keep the server
//! busy with wrong passwords across many logins, which the per-identity lockout
//! does not catch. Over the cap: 429, code 25, with `Retry-After`.

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

/// Beyond this many addresses, full buckets are forgotten.
const MAX_TRACKED: usize = 10_000;

impl PasswordThrottle {
    pub fn new(per_second: f64, burst: f64) -> Self {
        Self { per_second: per_second.max(0.1), burst: burst.max(1.0), buckets: Mutex::new(HashMap::new()) }
    }

    /// Takes one password check for `client`, or says how long to wait.
    pub fn take(&self, client: IpAddr) -> Result<(), ApiError> {
        let now = Instant::now();
        let mut buckets = self.buckets.lock().expect("throttle lock");
        if buckets.len() > MAX_TRACKED {
            let (per_second, burst) = (self.per_second, self.burst);
            buckets.retain(|_, (tokens, at)| *tokens + now.duration_since(*at).as_secs_f64() * per_second < burst);
        }
        let (tokens, at) = buckets.entry(client).or_insert((self.burst, now));
        *tokens = (*tokens + now.duration_since(*at).as_secs_f64() * self.per_second).min(self.burst);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            return Ok(());
        }
        let wait = ((1.0 - *tokens) / self.per_second).ceil().max(1.0) as u64;
        Err(ApiError {
            retry_after: Some(wait),
            ..ApiError::new(ErrorCode::Throttled, "Request rate exceeded: too many password checks from this address.")
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
}
