@testable import HTTP
import Testing

@Suite("HTTPDate")
struct HTTPDateTests {
    @Test(arguments: [
        (0, "Thu, 01 Jan 1970 00:00:00 GMT"),
        (59, "Thu, 01 Jan 1970 00:00:59 GMT"),
        (86_399, "Thu, 01 Jan 1970 23:59:59 GMT"),
        (86_400, "Fri, 02 Jan 1970 00:00:00 GMT"),
        (784_111_777, "Sun, 06 Nov 1994 08:49:37 GMT"),
        (951_782_400, "Tue, 29 Feb 2000 00:00:00 GMT"),
        (1_709_164_800, "Thu, 29 Feb 2024 00:00:00 GMT"),
        (1_709_251_199, "Thu, 29 Feb 2024 23:59:59 GMT"),
        (1_709_251_200, "Fri, 01 Mar 2024 00:00:00 GMT"),
        (2_147_483_647, "Tue, 19 Jan 2038 03:14:07 GMT"),
        (2_147_483_648, "Tue, 19 Jan 2038 03:14:08 GMT"),
        (4_107_585_600, "Mon, 01 Mar 2100 12:00:00 GMT"),
        (253_402_300_799, "Fri, 31 Dec 9999 23:59:59 GMT"),
        (-1, "Wed, 31 Dec 1969 23:59:59 GMT"),
        (-86_401, "Tue, 30 Dec 1969 23:59:59 GMT"),
        (-432_000, "Sat, 27 Dec 1969 00:00:00 GMT"),
        (-518_400, "Fri, 26 Dec 1969 00:00:00 GMT"),
    ])
    func knownInstants(seconds: Int, expected: String) {
        // when
        let date = HTTPDate.imfFixdate(secondsSinceEpoch: seconds)
        // then
        #expect(String(decoding: date, as: UTF8.self) == expected)
        #expect(date.count == 29)
    }

    @Test func everyDayOfAYearIsWellFormed() {
        // a leap year, one step per day plus an odd offset: always 29 bytes, weekdays cycle
        let weekdays = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        let start = 1_704_067_200 // Mon, 01 Jan 2024 00:00:00 GMT
        var days = 0
        for day in 0..<366 {
            let text = String(decoding: HTTPDate.imfFixdate(secondsSinceEpoch: start + day * 86_400 + 3_661), as: UTF8.self)
            #expect(text.utf8.count == 29)
            #expect(text.hasPrefix(weekdays[day % 7] + ", "), "\(text)")
            #expect(text.hasSuffix(" 2024 01:01:01 GMT"), "\(text)")
            days += 1
        }
        #expect(days == 366)
        #expect(String(decoding: HTTPDate.imfFixdate(secondsSinceEpoch: start + 366 * 86_400), as: UTF8.self) == "Wed, 01 Jan 2025 00:00:00 GMT")
    }

    @Test(arguments: [
        (0, 1970, 1, 1), (59, 1970, 3, 1), (10_956, 1999, 12, 31), (10_957, 2000, 1, 1),
        (19_782, 2024, 2, 29), (-1, 1969, 12, 31), (-719_468, 0, 3, 1),
    ])
    func civilDates(days: Int, year: Int, month: Int, day: Int) {
        let date = HTTPDate.civil(fromDays: days)
        #expect(date.year == year)
        #expect(date.month == month)
        #expect(date.day == day)
        #expect(HTTPDate.days(year: year, month: month, day: day) == days)
    }
}
