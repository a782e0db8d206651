extension Duration {
    /// Whole nanoseconds, saturating at zero and at 2^62 (~146 years); what the loop's timers
    /// take. The cap keeps `now + nanoseconds` within 64 bits, so a duration meant as "forever"
    /// (`.seconds(.max)`) is a deadline far off, not one wrapped into the past.
    var nanoseconds: UInt64 {
        let (seconds, attoseconds) = components
        guard seconds >= 0 else { return 0 }
        let cap: UInt64 = 1 << 62
        guard UInt64(seconds) < cap / 1_000_000_000 else { return cap }
        return min(cap, UInt64(seconds) * 1_000_000_000 + UInt64(max(0, attoseconds) / 1_000_000_000))
    }
}
