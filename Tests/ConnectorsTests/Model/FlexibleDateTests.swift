@testable import Connectors
import Testing

@Suite("Upstream dates")
struct FlexibleDateTests {
    @Test("RFC 3339 in every form the upstreams send", arguments: [
        ("2026-05-14T08:21:37Z", Int64(1_778_746_897_000)),
        ("2026-05-14T08:21:37.5Z", 1_778_746_897_500),
        ("2026-05-14T08:21:37.05603Z", 1_778_746_897_056),
        ("2022-02-01T11:18:08.769513469Z", 1_643_714_288_769),
        ("2026-05-14T08:21:37.1234567890123Z", 1_778_746_897_123),  // RFC 3339 bounds no fraction
        ("2024-09-26T10:20:48+03:00", 1_727_335_248_000),
        ("2024-09-26T10:20:48-0130", 1_727_351_448_000),
        ("2024-10-10T07:23:55.970Z", 1_728_545_035_970),
        ("2024-10-10 07:23:55z", 1_728_545_035_000),
        ("2024-10-10t07:23:55.970z", 1_728_545_035_970),
        ("2024-10-10T07:23:60Z", 1_728_545_039_000),
        ("2024-09-26T10:20:48+0300", 1_727_335_248_000),
        ("1778746897", 1_778_746_897_000),
        ("1778747477090", 1_778_747_477_090),
    ])
    func parses(text: String, expected: Int64) {
        #expect(FlexibleDate.parse(text) == Timestamp(millisecondsSinceEpoch: expected))
    }

    @Test("given numbers no date can be (from Int64.min to Int64.max, infinite, 1e300), then they are no date rather than a crash where they are written",
          arguments: ["-9223372036854775808", "9223372036854775807", "-9223372036854775000", "253402300800000", "-62167219200001"])
    func outlandishNumbers(text: String) {
        #expect(FlexibleDate.parse(text) == nil)
        #expect(FlexibleDate.unix(Int64(text)!) == nil)
    }

    @Test("given numbers with a fraction or beyond 64 bits, then the fraction is dropped and the rest is no date")
    func floatingNumbers() {
        #expect(FlexibleDate.unix(1_778_746_897.9) == Timestamp(millisecondsSinceEpoch: 1_778_746_897_000))
        #expect(FlexibleDate.unix(1e300) == nil)
        #expect(FlexibleDate.unix(-Double.infinity) == nil)
        #expect(FlexibleDate.unix(Double.nan) == nil)
        // the ends of the range still are dates, and are written
        #expect(FlexibleDate.unix(Int64(253_402_300_799_999))?.rfc3339 == "9999-12-31T23:59:59.999Z")
        #expect(FlexibleDate.unix(Int64(-62_167_219_200_000))?.rfc3339 == "0000-01-01T00:00:00.000Z")
    }

    @Test("the last day of each month is a date, leap days only in leap years", arguments: [
        ("2024-02-29T00:00:00Z", 1_709_164_800_000), ("2000-02-29T00:00:00Z", 951_782_400_000), ("2026-04-30T00:00:00Z", 1_777_507_200_000),
        ("2026-12-31T23:59:59.999Z", 1_798_761_599_999),
    ])
    func lastDays(text: String, expected: Int64) {
        #expect(FlexibleDate.parse(text) == Timestamp(millisecondsSinceEpoch: expected))
    }

    @Test("malformed or empty dates give nil", arguments: [
        "", "2026-05-14", "2026-13-01T00:00:00Z", "2026-05-14T08:21:37", "2026-05-14T08:21:37.Z",
        "2026-05-14T25:00:00Z", "yesterday", "2026-05-14T08:21:37Zjunk",
        "2026-05-14T08:61:37.000Z", "2026-05-1xT08:21:37.000Z", "2026-00-14T08:21:37Z", "2026-05-32T08:21:37Z",
        "2026-05-14T08:21:37,000Z", "2026-05-14T08:21:61Z", "+026-05-14T08:21:37.000Z",
        "2026-11-31T00:00:00Z", "2026-02-29T00:00:00Z", "2026-02-30T10:00:00+03:00", "1900-02-29T00:00:00.000Z",
        // in range as written, out of RFC 3339's years (0000-9999 UTC) once the offset is applied
        "0000-01-01T00:00:00+00:01", "9999-12-31T23:59:59-00:01",
    ])
    func refuses(text: String) {
        #expect(FlexibleDate.parse(text) == nil)
    }

    @Test("timestamps render as RFC 3339 UTC with milliseconds and parse back")
    func rendering() {
        let t = Timestamp(millisecondsSinceEpoch: 1_643_714_288_769)
        #expect(t.rfc3339 == "2022-02-01T11:18:08.769Z")
        #expect(FlexibleDate.parse(t.rfc3339) == t)
        #expect(Timestamp(millisecondsSinceEpoch: -1).rfc3339 == "1969-12-31T23:59:59.999Z")
        #expect(Timestamp(secondsSinceEpoch: 951_782_400).rfc3339 == "2000-02-29T00:00:00.000Z")
        #expect(Timestamp(secondsSinceEpoch: 253_402_300_800).rfc3339 == "10000-01-01T00:00:00.000Z")
        #expect(Timestamp(millisecondsSinceEpoch: -62_135_596_800_000).rfc3339 == "0001-01-01T00:00:00.000Z")
        var appended = ByteWriter()
        appended.append("x")
        t.appendRFC3339(to: &appended)
        #expect(String(decoding: appended.bytes, as: UTF8.self) == "x2022-02-01T11:18:08.769Z")
    }
}
