import Glibc

extension Timestamp {
    /// The wall-clock time now, to the millisecond: what log lines, the idempotency journal's
    /// records and the look for a lost reply are dated by. A plain `clock_gettime`, no
    /// Foundation, for the log line every request writes.
    @inlinable
    public static func wallClock() -> Timestamp {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Timestamp(millisecondsSinceEpoch: Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec / 1_000_000))
    }
}
