import Connectors
import Synchronization

/// Per-tenant request rate (GCRA, the token bucket's arithmetic without a refill timer). Each
/// tenant has its own lock, taken for a few instructions, so tenants never contend with each
/// other and loops never wait on a lock held across I/O.
public final class TenantRateLimiter: Sendable {
    /// The outcome of one request's check, with what the `RateLimit` fields report.
    public struct Decision: Sendable, Equatable {
        /// Whether the request may go on; when false it is answered 429.
        public var allowed: Bool
        /// Requests still allowed right now after this one, at most the policy's quota `q`.
        public var remaining: Int
        /// Seconds until the allowance grows by one request, rounded up; 0 when it is whole
        /// (`t` of the `RateLimit` field, as draft -10 words it).
        public var resetSeconds: Int
        /// When refused: how long until one request would pass.
        public var retryAfter: Duration?
        /// The tenant's `RateLimit-Policy` field value (`"tenant";q=<quota>;w=<window>`, see
        /// `TenantRateLimit`), fixed per tenant; empty for an unknown one.
        public var policy: String = ""

        /// The `RateLimit` field value: `"tenant";r=<remaining>;t=<reset seconds>`. Written by
        /// hand, as interpolating two integers went through generic formatting per request.
        public var field: String {
            let prefix: StaticString = "\"tenant\";r="
            return String(unsafeUninitializedCapacity: prefix.utf8CodeUnitCount + 2 * 20 + 3) { buffer in
                var used = buffer.initialize(fromContentsOf: UnsafeBufferPointer(start: prefix.utf8Start, count: prefix.utf8CodeUnitCount))
                used += JSONBytes.writeDecimal(UInt64(max(0, remaining)), to: UnsafeMutableRawBufferPointer(UnsafeMutableBufferPointer(rebasing: buffer[used...])))
                buffer[used] = UInt8(ascii: ";")
                buffer[used + 1] = UInt8(ascii: "t")
                buffer[used + 2] = UInt8(ascii: "=")
                used += 3
                return used + JSONBytes.writeDecimal(UInt64(max(0, resetSeconds)), to: UnsafeMutableRawBufferPointer(UnsafeMutableBufferPointer(rebasing: buffer[used...])))
            }
        }
    }

    private final class Bucket: Sendable {
        let limit: TenantRateLimit
        let interval: Duration
        let tolerance: Duration
        let policy: String
        /// The policy's `q`: `RateLimit`'s `r` never says more remains than the quota it is of.
        let quota: Int
        /// Theoretical arrival time: the allowance is full when this is ≤ now.
        let nextFree: Mutex<ContinuousClock.Instant>

        init(limit: TenantRateLimit, now: ContinuousClock.Instant) {
            self.limit = limit
            interval = .nanoseconds(limit.intervalNanoseconds)
            tolerance = interval * (limit.burst - 1)
            let (quota, window) = limit.policy
            policy = "\"tenant\";q=\(quota);w=\(window)"
            self.quota = quota
            nextFree = Mutex(now)
        }

        /// Whether a request at `now` is refused while the theoretical arrival time is `next`:
        /// the one rule `check(known:)` spends by and `refusal(known:)` looks by.
        @inline(__always)
        func refuses(next: ContinuousClock.Instant, now: ContinuousClock.Instant) -> Bool {
            max(next, now) - tolerance > now
        }
    }

    private let buckets: [String: Bucket]

    /// One full allowance per tenant as of `now`. A tenant not listed is refused by `check(_:)`
    /// and unknown to `check(known:)`.
    public init(tenants: [Tenant], now: ContinuousClock.Instant = .now) {
        var buckets: [String: Bucket] = [:]
        for tenant in tenants { buckets[tenant.id] = Bucket(limit: tenant.rateLimit, now: now) }
        self.buckets = buckets
    }

    /// Spends one request of `tenant`'s allowance if there is one.
    public func check(_ tenant: String, now: ContinuousClock.Instant = .now) -> Decision {
        check(known: tenant, now: now) ?? Decision(allowed: false, remaining: 0, resetSeconds: 1, retryAfter: .seconds(1))
    }

    /// The same, or nil when `tenant` has no limit here.
    public func check(known tenant: String, now: ContinuousClock.Instant = .now) -> Decision? {
        guard let bucket = buckets[tenant] else { return nil }
        let (allowed, next) = bucket.nextFree.withLock { next -> (Bool, ContinuousClock.Instant) in
            if bucket.refuses(next: next, now: now) { return (false, next) }
            next = max(next, now) + bucket.interval
            return (true, next)
        }
        return allowed ? Self.standing(bucket, next: next, now: now) : Self.refusal(bucket, next: next, now: now)
    }

    /// The refusal `check(known:)` would give `tenant` at `now`, spending nothing; nil when it
    /// would allow the request, or `tenant` has no limit here. A request that waits for
    /// `100 Continue` is refused with it before its body is sent, as it would be after.
    public func refusal(known tenant: String, now: ContinuousClock.Instant = .now) -> Decision? {
        guard let bucket = buckets[tenant] else { return nil }
        let next = bucket.nextFree.withLock { $0 }
        guard bucket.refuses(next: next, now: now) else { return nil }
        return Self.refusal(bucket, next: next, now: now)
    }

    /// The refusal of a request to `bucket` whose theoretical arrival time is `next`, at `now`.
    private static func refusal(_ bucket: Bucket, next: ContinuousClock.Instant, now: ContinuousClock.Instant) -> Decision {
        let wait = (next - bucket.tolerance) - now
        let retryAfter = wait > .zero ? wait : bucket.interval
        // A refusal's reset is the moment Retry-After names (RateLimit headers draft §5), the
        // seconds rounded up as that field's are: the next request allowed, not a full bucket.
        return Decision(allowed: false, remaining: 0, resetSeconds: retryAfter.secondsToWait,
                        retryAfter: retryAfter, policy: bucket.policy)
    }

    /// What `tenant`'s allowance stands at `now`, spending nothing: the `RateLimit` field of a
    /// response is of when it goes out, not of when its request came in (a slow upstream call
    /// would otherwise tell a client to wait for a reset already past). Nil for an unknown tenant.
    public func standing(known tenant: String, now: ContinuousClock.Instant = .now) -> Decision? {
        guard let bucket = buckets[tenant] else { return nil }
        return Self.standing(bucket, next: bucket.nextFree.withLock { $0 }, now: now)
    }

    /// The allowance of `bucket` whose theoretical arrival time is `next`, as of `now`.
    private static func standing(_ bucket: Bucket, next: ContinuousClock.Instant, now: ContinuousClock.Instant) -> Decision {
        let backlog = next > now ? next - now : .zero
        let used = Int((backlog / bucket.interval).rounded(.up))
        // Of the policy's quota: a burst that is not the quota (10/s with 15) would otherwise
        // report 14 remaining of a quota of 10.
        let remaining = min(bucket.quota, max(0, bucket.limit.burst - used))
        // `t` is the seconds until more quota is made available (draft -10 §4.1.2: for a token
        // bucket, the next unit, not a full bucket), rounded up; 0 when the bucket is full, or
        // holds the whole quota still (a burst above the quota: no more quota can come). The
        // same moment a refusal names below, so a 200 and a 429 of one instant agree.
        // The next unit is back within one interval: at a rate of 1/s or more, within the second.
        let reset: Int
        if used == 0 || remaining == bucket.quota {
            reset = 0
        } else if bucket.interval <= .seconds(1) {
            reset = 1
        } else {
            reset = Int(((backlog - bucket.interval * (used - 1)) / .seconds(1)).rounded(.up))
        }
        return Decision(allowed: true, remaining: remaining, resetSeconds: reset, retryAfter: nil, policy: bucket.policy)
    }
}
