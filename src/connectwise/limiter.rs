//! The shared request-rate limiter: one per [`Client`](super::Client), shared by every task.
//!
//! Owns pacing: a GCRA-style token bucket that lets through `requests_per_minute`, with a burst of
//! at most `burst` requests. Each call reserves the next free slot under a short lock and sleeps
//! outside it, so waiting tasks do not hold each other up. A 429 pauses the whole client
//! ([`RateLimiter::pause_for`]) because ConnectWise throttles the integration, not one request.
//! Refuses to bound concurrency: that is the client's semaphore.

use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

/// Paces requests to a rate shared by all tasks.
#[derive(Debug)]
pub struct RateLimiter {
    interval: Duration,
    tolerance: Duration,
    /// The theoretical arrival time of the next request.
    next: Mutex<Instant>,
}

impl RateLimiter {
    /// A limiter for `requests_per_minute` (0 means unlimited) allowing bursts of `burst`.
    pub fn new(requests_per_minute: u32, burst: u32) -> RateLimiter {
        let interval = if requests_per_minute == 0 {
            Duration::ZERO
        } else {
            Duration::from_mins(1) / requests_per_minute
        };
        RateLimiter {
            interval,
            tolerance: interval * burst.saturating_sub(1),
            next: Mutex::new(Instant::now()),
        }
    }

    /// How long the caller must wait before sending, reserving its slot. Pure apart from the lock.
    pub fn reserve(&self, now: Instant) -> Duration {
        let mut next = self
            .next
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let slot = (*next).max(now);
        let earliest = slot.checked_sub(self.tolerance).unwrap_or(now);
        *next = slot + self.interval;
        earliest.saturating_duration_since(now)
    }

    /// Wait for a slot.
    pub async fn acquire(&self) {
        let wait = self.reserve(Instant::now());
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
    }

    /// Hold every request back for `pause` (after a 429 with `Retry-After`).
    pub fn pause_for(&self, pause: Duration) {
        let mut next = self
            .next
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let until = Instant::now() + pause + self.tolerance;
        if until > *next {
            *next = until;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bursts_then_paces() {
        let limiter = RateLimiter::new(600, 3); // one per 100 ms, bursts of 3
        let now = Instant::now();
        let waits: Vec<Duration> = (0..6).map(|_| limiter.reserve(now)).collect();
        let ms = |n| Duration::from_millis(n);
        assert_eq!(waits, [ms(0), ms(0), ms(0), ms(100), ms(200), ms(300)]);
        // Time passing refills the bucket.
        let later = now + Duration::from_secs(10);
        assert_eq!(limiter.reserve(later), Duration::ZERO);
    }

    #[test]
    fn zero_means_unlimited() {
        let limiter = RateLimiter::new(0, 1);
        let now = Instant::now();
        assert!((0..1000).all(|_| limiter.reserve(now).is_zero()));
    }

    #[test]
    fn pause_holds_everyone_back() {
        let limiter = RateLimiter::new(60_000, 1);
        limiter.pause_for(Duration::from_secs(5));
        let wait = limiter.reserve(Instant::now());
        assert!(
            wait > Duration::from_secs(4) && wait <= Duration::from_secs(5),
            "{wait:?}"
        );
    }
}
