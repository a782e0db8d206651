@testable import Connectors
import Foundation
import Testing

@Suite("Reading upstream answers")
struct UpstreamResponseTests {
    func response(_ body: String, contentType: String? = nil, status: Int = 400) -> UpstreamResponse {
        UpstreamResponse(status: status, headers: contentType.map { ["Content-Type": $0] } ?? [:], body: Data(body.utf8))
    }

    @Test("header names are case-insensitive and repeated fields are joined")
    func headers() {
        var response = UpstreamResponse(status: 200, headers: ["X-Ratelimit-Remaining": "5", "x-ratelimit-remaining": "4"])
        #expect(["5, 4", "4, 5"].contains(response.header("X-RATELIMIT-REMAINING") ?? ""))
        response = UpstreamResponse(status: 200, fields: response.fields + [("Retry-After", "3")], body: response.body)
        #expect(response.header("retry-after") == "3", "even a name stored later in mixed case is found")
    }

    @Test("body text folds white space and control characters, drops a BOM, and is cut to the limit")
    func bodyText() {
        #expect(response("\u{FEFF}  proxy:\r\n\tinvalid\u{0}  token \n").bodyText() == "proxy: invalid token")
        #expect(response(String(repeating: "я", count: 500)).bodyText(limit: 10) == String(repeating: "я", count: 10))
        #expect(response("ab   cd").bodyText(limit: 3) == "ab", "no dangling space at the cut")
        #expect(response("").bodyText() == "")
        let invalid = UpstreamResponse(status: 500, body: Data([0x6F, 0x6B, 0xFF, 0xFE, 0x21]))
        #expect(invalid.bodyText() == "ok\u{FFFD}\u{FFFD}!")
    }

    @Test("body text honours a declared Windows-1251 charset")
    func cp1251() {
        let body = Data([0xCE, 0xF8, 0xE8, 0xE1, 0xEA, 0xE0])  // "Ошибка"
        let response = UpstreamResponse(status: 500, headers: ["Content-Type": "text/plain; charset=\"windows-1251\""], body: body)
        #expect(response.bodyText() == "Ошибка")
    }

    @Test("JSON is read whatever the media type says, and only JSON is")
    func json() {
        #expect(response(#"{"a":1}"#, contentType: "text/plain").json() == .object(["a": .number(1)]))
        #expect(response("\u{FEFF} [true]").json() == .array([.bool(true)]))
        #expect(response("404 page not found", contentType: "text/plain").json() == nil)
        #expect(response(#"{"a":"#, contentType: "application/json").json() == nil)
        #expect(response("", contentType: "application/json").json() == nil)
        #expect(response("{}", contentType: "application/problem+json; charset=utf-8").isJSON)
        #expect(!response("{}", contentType: "text/html").isJSON)
    }

    @Test("the error message is found in every documented error shape", arguments: [
        (#"{"data":null,"error":true,"errorText":"Плохой формат isAnswered","additionalErrors":null,"requestId":"r1"}"#,
         "Плохой формат isAnswered"),
        (#"{"title":"unauthorized","detail":"token problem; token is malformed","status":401,"requestId":"r2"}"#,
         "token problem; token is malformed"),
        (#"{"title":"path not found","status":404}"#, "path not found"),
        (#"{"code":8,"message":"You have reached request rate limit per second","details":[]}"#,
         "You have reached request rate limit per second"),
        (#"{"errors":["(api-new) too many requests"]}"#, "(api-new) too many requests"),
        (#"{"code":429,"message":""}"#, "HTTP 400"),
        ("proxy: invalid token", "proxy: invalid token"),
        ("<html><body>\n<h1>502 Bad Gateway</h1>\n</body></html>", "<html><body> <h1>502 Bad Gateway</h1> </body></html>"),
        ("", "HTTP 400"),
    ])
    func errorMessages(body: String, expected: String) {
        #expect(response(body).errorMessage() == expected)
    }

    @Test("the upstream's request id is read from the body or the header")
    func requestID() {
        #expect(response(#"{"errorText":"x","requestId":"5c1f0a9e"}"#).requestID == "5c1f0a9e")
        #expect(UpstreamResponse(status: 500, headers: ["X-Request-Id": "abc"]).requestID == "abc")
        #expect(response("plain").requestID == nil)
    }
}
