//! The shared request-rate limiter: one per [`Client`](super::Client), shared by every task.
//!
//! Owns pacing: a GCRA-style token bucket that lets through `requests_per_minute`, with a burst of
//! at most `burst` requests, and never more than `requests_per_minute` in any minute: a bucket that
//! refilled at the full rate would allow the rate *plus* the burst in one minute, and ConnectWise
//! answers the excess with 429s and a long `Retry-After` (issue 7's benchmark saw them). So the
//! steady rate is the limit less the burst. Each call reserves the next free slot under a short lock and sleeps
//! outside it, so waiting tasks do not hold each other up.
//!
//! Owns the 429 pause too. ConnectWise throttles the integration, not one request, so a 429 pauses
//! the whole client ([`RateLimiter::pause_at`]); every request waiting then wakes at the pause's end
//! and goes out together, as far as the bucket allows (issue 11: the pause used to use up the burst,
//! so the retries went one interval apart). A 429 answered to a request sent before the current
//! pause began belongs to the same throttling episode: it joins that pause rather than starting or
//! stretching one, so several requests refused at once cost one pause, announced once. Refuses to
//! bound concurrency: that is the client's semaphore.

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
    /// The current (or last) 429 pause.
    pause: Mutex<Option<Pause>>,
}

/// A 429 pause: no request may start before `until`.
#[derive(Debug, Clone, Copy)]
struct Pause {
    began: Instant,
    until: Instant,
}

/// What a 429 did to the shared pause.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PauseStart {
    /// A new pause began, ending at this instant: announce it.
    Began(Instant),
    /// The request was refused in a throttling episode whose pause is already running.
    Joined(Instant),
}

impl PauseStart {
    /// When the pause ends.
    pub fn until(self) -> Instant {
        match self {
            PauseStart::Began(until) | PauseStart::Joined(until) => until,
        }
    }
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
            pause: Mutex::new(None),
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

    /// Wait for a slot. A pause in force is waited out first, so no slot is used up while
    /// waiting; a pause that began while the caller slept for its slot is waited out too.
    pub async fn acquire(&self) {
        loop {
            if let Some(until) = self.paused_until(Instant::now()) {
                tokio::time::sleep_until(until).await;
                continue;
            }
            let wait = self.reserve(Instant::now());
            if wait.is_zero() {
                return;
            }
            tokio::time::sleep(wait).await;
            if self.paused_until(Instant::now()).is_none() {
                return;
            }
        }
    }

    /// The end of a pause still in force at `now`.
    pub fn paused_until(&self, now: Instant) -> Option<Instant> {
        let pause = self
            .pause
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        pause.map(|p| p.until).filter(|until| *until > now)
    }

    /// Hold every request back for `pause` (after a 429 with `Retry-After`), from now.
    pub fn pause_for(&self, pause: Duration) -> PauseStart {
        let now = Instant::now();
        self.pause_at(now, pause, now)
    }

    /// A 429 arrived at `now` for a request sent at `sent_at`, asking for `pause`. If a pause
    /// that began after the request was sent is still in force, the 429 is part of that episode
    /// and joins it; otherwise a new pause begins. The bucket is not drained by the pause: its
    /// next slot moves to the pause's end at the latest, so the waiters can go out together.
    pub fn pause_at(&self, now: Instant, pause: Duration, sent_at: Instant) -> PauseStart {
        let mut current = self
            .pause
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(p) = *current
            && p.began >= sent_at
            && p.until > now
        {
            return PauseStart::Joined(p.until);
        }
        let until = now + pause;
        *current = Some(Pause { began: now, until });
        drop(current);
        let mut next = self
            .next
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if until > *next {
            *next = until;
        }
        PauseStart::Began(until)
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

    /// Issue 11: when a 429 pause ends, every waiting request proceeds at once (up to the
    /// burst), not one per interval as if the pause had used up the burst.
    #[test]
    fn after_a_pause_the_waiters_go_together() {
        let limiter = RateLimiter::new(900, 8);
        limiter.pause_for(Duration::from_secs(1));
        let after = Instant::now() + Duration::from_secs(1); // when the pause ends
        let waits: Vec<Duration> = (0..8).map(|_| limiter.reserve(after)).collect();
        assert_eq!(waits, [Duration::ZERO; 8]);
    }

    #[test]
    fn a_429_from_before_the_pause_joins_it_and_one_after_begins_another() {
        let limiter = RateLimiter::new(0, 1);
        let t0 = Instant::now();
        let second = Duration::from_secs(1);
        // Three requests sent at t0 are refused one after another: one pause, not three.
        let first = limiter.pause_at(t0 + second / 10, second, t0);
        assert_eq!(first, PauseStart::Began(t0 + second / 10 + second));
        let later = limiter.pause_at(t0 + second / 5, second * 5, t0);
        assert_eq!(later, PauseStart::Joined(first.until()));
        assert_eq!(limiter.paused_until(t0 + second), Some(first.until()));
        // A request sent after the pause ended and refused again starts a new episode.
        let resent = first.until() + second / 10;
        let again = limiter.pause_at(resent + second / 10, second, resent);
        assert_eq!(again, PauseStart::Began(resent + second / 10 + second));
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
