import Foundation
import MarketplaceSimulator
import Testing

@Suite("Simulator JSON")
struct SimulatorJSONTests {
    @Test("bodies parse back to what was written, with null for NSNull and nil, and sorted keys")
    func roundTrip() throws {
        let missing: String? = nil
        let present: Int? = 5
        let tree: [String: Any] = [
            "text": "Отзыв \"в кавычках\"\n\\ / \u{01}",
            "int": 42, "int64": Int64(3_000_000_000_118_032_000), "double": 4.5, "whole": 7.0,
            "yes": true, "no": false, "null": NSNull(), "missing": missing as Any, "present": present as Any,
            "array": [1, "two", ["three": 3]] as [Any],
        ]
        let bytes = SimulatorJSON.encode(tree)
        let text = String(decoding: bytes, as: UTF8.self)
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        #expect(parsed["text"] as? String == tree["text"] as? String)
        #expect(text.contains("\"int64\":3000000000118032000"))
        #expect(parsed["double"] as? Double == 4.5)
        #expect(text.contains("\"whole\":7"))
        #expect(text.contains("\"yes\":true") && text.contains("\"no\":false"))
        #expect(parsed["null"] is NSNull && parsed["missing"] is NSNull)
        #expect(text.contains("\"present\":5"))
        #expect(text.hasPrefix("{\"array\":[1,\"two\",{\"three\":3}],\"double\""))
    }
}
