import Synchronization

/// A host's rate limit as Wildberries enforces it: a token bucket per seller account (not per
/// token), refilled one request per interval up to the burst.
final class WildberriesRateLimiter: Sendable {
    enum Decision: Equatable {
        /// Let through; `remaining` requests could follow at once (`X-Ratelimit-Remaining`).
        case allowed(remaining: Int)
        /// Refused: the next request is possible after `retry`, the whole burst after `reset`.
        case limited(retry: Duration, reset: Duration)
    }

    private struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    let limit: WildberriesSimulatedRateLimit
    private let buckets = Mutex<[String: Bucket]>([:])

    init(limit: WildberriesSimulatedRateLimit) {
        self.limit = limit
    }

    func take(for seller: String) -> Decision {
        let now = ContinuousClock.now
        let burst = Double(limit.burst)
        return buckets.withLock { buckets in
            var bucket = buckets[seller] ?? Bucket(tokens: burst, updated: now)
            bucket.tokens = min(burst, bucket.tokens + (now - bucket.updated) / limit.interval)
            bucket.updated = now
            defer { buckets[seller] = bucket }
            if bucket.tokens >= 1 {
                bucket.tokens -= 1
                return .allowed(remaining: Int(bucket.tokens.rounded(.down)))
            }
            return .limited(retry: limit.interval * (1 - bucket.tokens), reset: limit.interval * (burst - bucket.tokens))
        }
    }

    /// Whole seconds, rounded up, as the `X-Ratelimit-*` headers carry them.
    static func headerSeconds(_ duration: Duration) -> String {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        return String(Int(seconds.rounded(.up)))
    }
}
