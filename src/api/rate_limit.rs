//! Request limits of the User API and of console sign-in, counted in fixed
//! windows: one minute, except failed sign-ins per account (15 minutes).
//!
//! NOTE: counters live in this process's memory, so N instances behind a
//! load balancer admit up to N times each limit. A shared counter (a table
//! row per key and window, or Redis) would make the limits global.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::error::ApiError;

const WINDOW: Duration = Duration::from_secs(60);

/// Window of failed sign-ins per account: long enough that guessing a
/// password is slow, short enough that a locked-out user soon gets back in.
const ACCOUNT_WINDOW: Duration = Duration::from_secs(15 * 60);

/// Failed console sign-ins allowed per account (e-mail address, known or
/// not) in [`ACCOUNT_WINDOW`].
const SIGN_IN_FAILURES_PER_ACCOUNT: u32 = 10;

/// Failed console sign-ins allowed per source address per minute.
const SIGN_IN_FAILURES_PER_ADDRESS: u32 = 30;

/// Keys kept before expired windows are swept out.
const SWEEP_THRESHOLD: usize = 10_000;

/// Requests allowed per minute.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Successful token exchanges per application.
    pub exchanges_per_application: u32,
    /// Failed token exchanges per source address and application (`sub`);
    /// once reached, exchanges for that application from that address wait
    /// for the next window. Other applications behind the same address, such
    /// as clients of a shared proxy, are not affected.
    pub failed_exchanges_per_address: u32,
    /// Token exchanges of any outcome per source address.
    pub exchanges_per_address: u32,
    /// Resource requests per access token.
    pub requests_per_token: u32,
    /// Requests with an unknown or expired bearer token per source address;
    /// past it they get 429 rather than 401.
    pub bad_tokens_per_address: u32,
}

impl Default for Limits {
    /// Sized for connectors that mint a token for every call: 1,200
    /// exchanges a minute per application, 10,000 requests per token (a
    /// popular client renews its token every 9,500 requests).
    fn default() -> Self {
        Limits {
            exchanges_per_application: 1_200,
            failed_exchanges_per_address: 60,
            exchanges_per_address: 3_000,
            requests_per_token: 10_000,
            bad_tokens_per_address: 600,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Counter {
    ApplicationExchanges,
    AddressFailures,
    AddressExchanges,
    TokenRequests,
    AddressBadTokens,
    AccountSignInFailures,
    AddressSignInFailures,
}

impl Counter {
    fn window(self) -> Duration {
        match self {
            Counter::AccountSignInFailures => ACCOUNT_WINDOW,
            _ => WINDOW,
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Counter::ApplicationExchanges => "token exchanges per application per minute",
            Counter::AddressFailures => {
                "failed token exchanges per source address and application per minute"
            }
            Counter::AddressExchanges => "token exchanges per source address per minute",
            Counter::TokenRequests => "requests per access token per minute",
            Counter::AddressBadTokens => {
                "requests with an invalid access token per source address per minute"
            }
            Counter::AccountSignInFailures => "failed sign-ins per account per 15 minutes",
            Counter::AddressSignInFailures => "failed sign-ins per source address per minute",
        }
    }
}

struct Window {
    started: Instant,
    count: u32,
}

pub struct RateLimiter {
    limits: Limits,
    windows: Mutex<Windows>,
}

struct Windows {
    by_key: HashMap<(Counter, String), Window>,
    last_sweep: Instant,
}

impl RateLimiter {
    pub fn new(limits: Limits) -> Self {
        Self {
            limits,
            windows: Mutex::new(Windows {
                by_key: HashMap::new(),
                last_sweep: Instant::now(),
            }),
        }
    }

    /// Counts `add` events; at `limit` already, returns the 429 to answer
    /// instead and counts nothing.
    fn hit(&self, counter: Counter, key: &str, limit: u32, add: u32) -> Result<(), ApiError> {
        let now = Instant::now();
        let mut windows = self
            .windows
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        // Sweep at most once a window, so a flood of distinct keys costs one
        // pass per minute rather than one per request.
        if windows.by_key.len() > SWEEP_THRESHOLD
            && now.duration_since(windows.last_sweep) >= WINDOW
        {
            windows.by_key.retain(|(counter, _), window| {
                now.duration_since(window.started) < counter.window()
            });
            windows.last_sweep = now;
        }
        let window = windows
            .by_key
            .entry((counter, key.to_owned()))
            .or_insert(Window {
                started: now,
                count: 0,
            });
        if now.duration_since(window.started) >= counter.window() {
            *window = Window {
                started: now,
                count: 0,
            };
        }
        if window.count >= limit {
            let retry_after = counter
                .window()
                .saturating_sub(now.duration_since(window.started))
                .as_secs()
                .max(1);
            return Err(ApiError::TooManyRequests {
                message: format!(
                    "Too many requests: the limit of {limit} {} was reached; retry in {retry_after} s",
                    counter.describe()
                ),
                retry_after,
            });
        }
        window.count += add;
        Ok(())
    }

    /// Checks, before any work, that `address` may attempt an exchange for
    /// `application` (the token's unverified `sub`, "" when unreadable), and
    /// that the application has not used up its exchanges.
    pub fn before_exchange(&self, address: &str, application: &str) -> Result<(), ApiError> {
        let failures_key = format!("{address} {application}");
        self.hit(
            Counter::AddressFailures,
            &failures_key,
            self.limits.failed_exchanges_per_address,
            0,
        )?;
        self.hit(
            Counter::ApplicationExchanges,
            application,
            self.limits.exchanges_per_application,
            0,
        )?;
        self.hit(
            Counter::AddressExchanges,
            address,
            self.limits.exchanges_per_address,
            1,
        )
    }

    /// Counts a rejected exchange against its source address and application.
    pub fn exchange_failed(&self, address: &str, application: &str) {
        let _ = self.hit(
            Counter::AddressFailures,
            &format!("{address} {application}"),
            u32::MAX,
            1,
        );
    }

    /// Counts a successful exchange against its application.
    pub fn exchange_succeeded(&self, application_id: &str) {
        let _ = self.hit(Counter::ApplicationExchanges, application_id, u32::MAX, 1);
    }

    /// Counts a request whose bearer token was unknown or expired; past the
    /// limit, returns the 429 to send instead of the 401.
    pub fn bad_token(&self, address: &str) -> Result<(), ApiError> {
        self.hit(
            Counter::AddressBadTokens,
            address,
            self.limits.bad_tokens_per_address,
            1,
        )
    }

    /// Checks that a console sign-in for `account` (the normalized e-mail
    /// address) from `address` may be attempted; `Err` carries the seconds
    /// to wait. Checked before the password, so a locked account costs no
    /// argon2 work, and alike for known and unknown addresses.
    pub fn sign_in_allowed(&self, address: &str, account: &str) -> Result<(), u64> {
        let retry_after = |err: ApiError| match err {
            ApiError::TooManyRequests { retry_after, .. } => retry_after,
            _ => 60,
        };
        self.hit(
            Counter::AccountSignInFailures,
            account,
            SIGN_IN_FAILURES_PER_ACCOUNT,
            0,
        )
        .map_err(retry_after)?;
        self.hit(
            Counter::AddressSignInFailures,
            address,
            SIGN_IN_FAILURES_PER_ADDRESS,
            0,
        )
        .map_err(retry_after)
    }

    /// Counts a failed console sign-in.
    pub fn sign_in_failed(&self, address: &str, account: &str) {
        let _ = self.hit(Counter::AccountSignInFailures, account, u32::MAX, 1);
        let _ = self.hit(Counter::AddressSignInFailures, address, u32::MAX, 1);
    }

    /// Counts one resource request made with the access token hashed as `token_hash`.
    pub fn resource_request(&self, token_hash: &str) -> Result<(), ApiError> {
        self.hit(
            Counter::TokenRequests,
            token_hash,
            self.limits.requests_per_token,
            1,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_block_only_that_address_and_application() {
        let limiter = RateLimiter::new(Limits {
            failed_exchanges_per_address: 2,
            ..Limits::default()
        });
        limiter.before_exchange("10.0.0.1", "app-a").unwrap();
        limiter.exchange_failed("10.0.0.1", "app-a");
        limiter.exchange_failed("10.0.0.1", "app-a");
        let err = limiter.before_exchange("10.0.0.1", "app-a").unwrap_err();
        assert!(err.to_string().starts_with(
            "Too many requests: the limit of 2 failed token exchanges per source address and application per minute was reached"
        ));
        limiter.before_exchange("10.0.0.1", "app-b").unwrap();
        limiter.before_exchange("10.0.0.2", "app-a").unwrap();
    }

    #[test]
    fn application_at_limit_is_refused_before_work() {
        let limiter = RateLimiter::new(Limits {
            exchanges_per_application: 1,
            ..Limits::default()
        });
        limiter.before_exchange("10.0.0.1", "app-a").unwrap();
        limiter.exchange_succeeded("app-a");
        assert!(limiter.before_exchange("10.0.0.2", "app-a").is_err());
        limiter.before_exchange("10.0.0.2", "app-b").unwrap();
    }

    #[test]
    fn token_requests_stop_at_limit() {
        let limiter = RateLimiter::new(Limits {
            requests_per_token: 3,
            ..Limits::default()
        });
        for _ in 0..3 {
            limiter.resource_request("t").unwrap();
        }
        match limiter.resource_request("t").unwrap_err() {
            ApiError::TooManyRequests { retry_after, .. } => {
                assert!((1..=60).contains(&retry_after))
            }
            other => panic!("unexpected {other:?}"),
        }
    }
}
