@testable import Connectors
import Foundation
import Testing

@Suite("Retry-After and X-Ratelimit-Retry")
struct RetryAfterTests {
    /// 1994-11-06 08:48:07 UTC: 90 s before the RFC 9110 example date.
    let now = Date(timeIntervalSince1970: 784_111_777 - 90)

    @Test("delta-seconds", arguments: [("120", 120_000), ("0", 0), (" 3 ", 3000), ("1.5", 1500), ("999999", 86_400_000)])
    func deltaSeconds(value: String, milliseconds: Int) {
        #expect(RetryAfter.parse(value, now: now) == .milliseconds(milliseconds))
    }

    @Test("given delta-seconds repeated on the way (a proxy's copy, joined), then the longest wait is kept; one unreadable member makes the whole unreadable",
          arguments: [("5, 5", 5000), ("2,7", 7000), (" 1 , 3 , 2 ", 3000)])
    func repeatedSeconds(value: String, milliseconds: Int) {
        #expect(RetryAfter.parse(value, now: now) == .milliseconds(milliseconds))
        let repeated = UpstreamResponse(status: 429, fields: value.split(separator: ",").map { ("X-Ratelimit-Retry", String($0)) }, body: [])
        #expect(RetryAfter.delay(in: repeated, now: now) == .milliseconds(milliseconds))
    }

    @Test("given HTTP-dates repeated on the way (joined, their own commas among the join's), alone or beside delta-seconds, then the longest wait is kept",
          arguments: [
              ("Sun, 06 Nov 1994 08:49:37 GMT, Sun, 06 Nov 1994 08:49:37 GMT", 90_000),
              ("Sun, 06 Nov 1994 08:48:37 GMT,Sun, 06 Nov 1994 08:49:37 GMT", 90_000),
              ("30, Sunday, 06-Nov-94 08:49:37 GMT", 90_000),
              ("Sun Nov  6 08:49:37 1994, 120", 120_000),
              ("Sun, 06 Nov 1994 08:49:37 GMT, soon", -1),
              ("Sun, 06 Nov 1994 08:49:37 GMT, Sun", -1),
          ])
    func repeatedDates(value: String, milliseconds: Int) {
        #expect(RetryAfter.parse(value, now: now) == (milliseconds < 0 ? nil : .milliseconds(milliseconds)))
        let fields = [("Retry-After", value)]
        let expected: Duration? = milliseconds < 0 ? nil : .milliseconds(milliseconds)
        #expect(RetryAfter.delay(in: UpstreamResponse(status: 503, fields: fields, body: []), now: now) == expected)
    }

    @Test("given a response's Date repeated on the way, then a date's wait is still measured from it")
    func repeatedResponseDate() {
        let answer = UpstreamResponse(status: 503, headers: ["Date": "Sun, 06 Nov 1994 08:49:07 GMT, Sun, 06 Nov 1994 08:49:07 GMT",
                                                             "Retry-After": "Sun, 06 Nov 1994 08:49:37 GMT"])
        #expect(RetryAfter.delay(in: answer, now: now.addingTimeInterval(100)) == .seconds(30))
    }

    @Test("HTTP-dates in all three forms RFC 9110 accepts", arguments: [
        "Sun, 06 Nov 1994 08:49:37 GMT",
        "Sunday, 06-Nov-94 08:49:37 GMT",
        "Sun Nov  6 08:49:37 1994",
        "sun, 06 nov 1994 08:49:37 gmt",
    ])
    func httpDates(value: String) {
        #expect(RetryAfter.parse(value, now: now) == .seconds(90))
    }

    @Test("a date in the past means no wait")
    func pastDate() {
        #expect(RetryAfter.parse("Sun, 06 Nov 1994 08:49:37 GMT", now: now + 3600) == .zero)
    }

    @Test("a two-digit year more than 50 years ahead is read as the past century, otherwise as this one")
    func twoDigitYears() {
        let now2026 = Date(timeIntervalSince1970: 1_778_746_897)  // 2026-05-14
        #expect(RetryAfter.parse("Friday, 01-Jan-99 00:00:00 GMT", now: now2026) == .zero, "1999, not 2099")
        let wait = RetryAfter.parse("Thursday, 01-Jan-32 00:00:00 GMT", now: now2026)
        #expect(wait.map { $0 > .seconds(86_000) } == true, "2032, not 1932 (waits are capped at a day)")
    }

    @Test("garbage gives no wait at all", arguments: [
        "", "soon", "5,", ",5", "5, soon", "-5", "+5", "1e3", "0x10", "1.", ".5", "nan", "inf",
        "Sun, 32 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 1994 24:00:00 GMT", "Sun, 06 Foo 1994 08:49:37 GMT",
        "Wed, 29 Feb 2023 08:49:37 GMT", "Sun, 06 Nov 1994 08:49:37 PST", "Sun, 06 Nov 94 08:49:37 GMT",
        "Sunday, 06-Nov-1994 08:49:37 GMT", "Sun Nov  6 08:49 1994", "Funday, 06-Nov-94 08:49:37 GMT",
    ])
    func garbage(value: String) {
        #expect(RetryAfter.parse(value, now: now) == nil)
    }

    @Test("X-Ratelimit-Retry wins over Retry-After; header names are case-insensitive")
    func precedence() {
        let both = UpstreamResponse(status: 429, headers: ["Retry-After": "30", "X-Ratelimit-Retry": "2"])
        #expect(RetryAfter.delay(in: both, now: now) == .seconds(2))
        let onlyRetryAfter = UpstreamResponse(status: 503, headers: ["RETRY-AFTER": "Sun, 06 Nov 1994 08:49:37 GMT"])
        #expect(RetryAfter.delay(in: onlyRetryAfter, now: now) == .seconds(90))
        let badWildberries = UpstreamResponse(status: 429, headers: ["x-ratelimit-retry": "later", "retry-after": "4"])
        #expect(RetryAfter.delay(in: badWildberries, now: now) == .seconds(4), "an unreadable X-Ratelimit-Retry falls back")
        #expect(RetryAfter.delay(in: UpstreamResponse(status: 429), now: now) == nil)
    }

    @Test("given a date and the response's own Date, then the wait is between the two, whatever this machine's clock says")
    func dateFromTheResponse() {
        let answer = UpstreamResponse(status: 503, headers: ["Date": "Sun, 06 Nov 1994 08:49:07 GMT", "Retry-After": "Sun, 06 Nov 1994 08:49:37 GMT"])
        // this machine's clock 40 s ahead of the marketplace's: the 30 s asked for are still 30 s
        #expect(RetryAfter.delay(in: answer, now: now.addingTimeInterval(100)) == .seconds(30))
    }
}
