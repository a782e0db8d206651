@testable import Server
import Testing

@Suite("Durations as the loop's timers take them")
struct DurationNanosecondsTests {
    @Test("given ordinary, negative and huge durations, then whole nanoseconds, 0 below zero, and 2^62 at most rather than a wrapped value",
          arguments: [(Duration.seconds(1), UInt64(1_000_000_000)), (.nanoseconds(1_500), 1_500), (.milliseconds(-5), 0),
                      (.seconds(Int64.max), 1 << 62), (.seconds(4_611_686_018), 1 << 62), (.seconds(4_611_686_017), 4_611_686_017_000_000_000)])
    func nanoseconds(duration: Duration, expected: UInt64) {
        #expect(duration.nanoseconds == expected)
    }

    @Test("given a grace period meant as forever, when added to the clock, then the deadline is far ahead, not in the past")
    func foreverIsAhead() {
        let now = MonotonicClock.now()
        #expect(now &+ Duration.seconds(Int64.max).nanoseconds > now)
    }
}
