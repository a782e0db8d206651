@testable import Connectors
import Testing

@Suite("JSON numbers read as integers")
struct JSONNumberTests {
    @Test("a number whose exact value is an integer is one, however it is written", arguments: [
        ("20", 20), ("-7", -7), ("20.0", 20), ("2e1", 20), ("2E+1", 20), ("2000e-2", 20), ("0.5e1", 5), ("-0.0", 0),
        ("0e99999999999999999999", 0), ("9223372036854775807", .max), ("-9223372036854775808", .min),
        ("-9.223372036854775808e18", .min),
        ("0." + String(repeating: "0", count: 20_000) + "1e20001", 1),
    ] as [(String, Int64)])
    func integers(text: String, value: Int64) {
        #expect(JSONNumber(uncheckedText: text).int64 == value)
    }

    @Test("a number that only rounds to an integer, or does not fit 64 bits, is not one", arguments: [
        "4.9999999999999999999", "100.00000000000000001", "0.5", "5e-1", "1e-10000", "9223372036854775808",
        "-9223372036854775809", "1e19", "1e400", "1e99999999999999999999",
        "2" + String(repeating: "0", count: 10_000) + "e-10001", "5" + String(repeating: "0", count: 10_001) + "e-10003",
    ])
    func notIntegers(text: String) {
        #expect(JSONNumber(uncheckedText: text).int64 == nil)
    }
}
