//! The shared request-rate limiter: one per [`Client`](super::Client), shared by every task.
//!
//! Owns pacing: a GCRA-style token bucket that lets through `requests_per_minute`, with a burst of
//! at most `burst` requests, and never more than `requests_per_minute` in any minute: a bucket that
//! refilled at the full rate would allow the rate *plus* the burst in one minute, and ConnectWise
//! answers the excess with 429s and a long `Retry-After` (issue 7's benchmark saw them). So the
//! steady rate is the limit less the burst. Each call reserves the next free slot under a short lock and sleeps
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
    /// No request may start before this (set by a 429's `Retry-After`).
    paused_until: Mutex<Option<Instant>>,
}

impl RateLimiter {
    /// A limiter for `requests_per_minute` (0 means unlimited) allowing bursts of `burst`.
    pub fn new(requests_per_minute: u32, burst: u32) -> RateLimiter {
        let burst = burst.clamp(1, requests_per_minute.max(1));
        let interval = if requests_per_minute == 0 {
            Duration::ZERO
        } else {
            // `burst` at once, then the rest of the minute's budget spread evenly: any window of
            // a minute holds at most `requests_per_minute`.
            // Rounded up to the nanosecond, so rounding never lets one request too many in.
            let per_minute = u64::from(requests_per_minute - (burst - 1));
            Duration::from_nanos(60_000_000_000_u64.div_ceil(per_minute))
        };
        RateLimiter {
            interval,
            tolerance: interval * burst.saturating_sub(1),
            next: Mutex::new(Instant::now()),
            paused_until: Mutex::new(None),
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

    /// Wait for a slot. A slot reserved before a pause began is given up when the pause is
    /// noticed, and a new one is reserved after it, so a 429 holds back every queued task too.
    pub async fn acquire(&self) {
        loop {
            let wait = self.reserve(Instant::now());
            if !wait.is_zero() {
                tokio::time::sleep(wait).await;
            }
            match self.paused_until(Instant::now()) {
                Some(until) => tokio::time::sleep_until(until).await,
                None => return,
            }
        }
    }

    /// The end of a pause still in force at `now`.
    fn paused_until(&self, now: Instant) -> Option<Instant> {
        let paused = self
            .paused_until
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        paused.filter(|until| *until > now)
    }

    /// Hold every request back for `pause` (after a 429 with `Retry-After`).
    pub fn pause_for(&self, pause: Duration) {
        let mut next = self
            .next
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let now = Instant::now();
        let until = now + pause + self.tolerance;
        if until > *next {
            *next = until;
        }
        drop(next);
        let mut paused = self
            .paused_until
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let end = now + pause;
        if paused.is_none_or(|current| current < end) {
            *paused = Some(end);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bursts_then_paces() {
        let limiter = RateLimiter::new(602, 3); // bursts of 3, then one per 100 ms
        let now = Instant::now();
        let waits: Vec<Duration> = (0..6).map(|_| limiter.reserve(now)).collect();
        let ms = |n| Duration::from_millis(n);
        assert_eq!(waits, [ms(0), ms(0), ms(0), ms(100), ms(200), ms(300)]);
        // Time passing refills the bucket.
        let later = now + Duration::from_secs(10);
        assert_eq!(limiter.reserve(later), Duration::ZERO);
    }

    #[test]
    fn no_minute_holds_more_than_the_limit_however_hard_it_is_pushed() {
        for (rate, burst) in [(1000, 8), (900, 8), (60, 4), (10, 1), (5, 16)] {
            let limiter = RateLimiter::new(rate, burst);
            let start = Instant::now();
            // A greedy caller: every request goes out the moment its slot allows, for 3 minutes.
            let mut sent: Vec<Instant> = Vec::new();
            let mut now = start;
            while now < start + Duration::from_mins(3) {
                now += limiter.reserve(now);
                sent.push(now);
            }
            let most = sent
                .iter()
                .map(|first| {
                    sent.iter()
                        .filter(|t| **t >= *first && **t < *first + Duration::from_mins(1))
                        .count()
                })
                .max()
                .unwrap_or(0);
            assert!(
                most <= rate as usize,
                "{rate}/min with bursts of {burst}: {most} in one minute"
            );
            assert!(
                most >= rate.saturating_sub(burst) as usize,
                "{rate}/min with bursts of {burst} is throttled too hard: {most} in one minute"
            );
        }
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
