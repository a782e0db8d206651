import Synchronization

/// Ozon's per-Client-Id limit as a real token bucket: `burst` tokens, refilled continuously at
/// `requestsPerSecond`; each request takes one.
final class OzonRateLimiter: Sendable {
    enum Decision: Equatable {
        case allowed(remaining: Int)
        /// Refused; `retryAfter` whole seconds until a token is back (at least 1).
        case limited(retryAfter: Int)
    }

    private struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    let requestsPerSecond: Double
    let burst: Int
    private let buckets = Mutex<[Int64: Bucket]>([:])

    init(requestsPerSecond: Double, burst: Int) {
        self.requestsPerSecond = max(0.001, requestsPerSecond)
        self.burst = max(1, burst)
    }

    func take(clientID: Int64) -> Decision {
        let now = ContinuousClock.now
        return buckets.withLock { buckets in
            var bucket = buckets[clientID] ?? Bucket(tokens: Double(burst), updated: now)
            let elapsed = now - bucket.updated
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            bucket.tokens = min(Double(burst), bucket.tokens + seconds * requestsPerSecond)
            bucket.updated = now
            defer { buckets[clientID] = bucket }
            guard bucket.tokens >= 1 else {
                let wait = (1 - bucket.tokens) / requestsPerSecond
                return .limited(retryAfter: max(1, Int(wait.rounded(.up))))
            }
            bucket.tokens -= 1
            return .allowed(remaining: Int(bucket.tokens.rounded(.down)))
        }
    }
}
