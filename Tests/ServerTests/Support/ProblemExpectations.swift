import Testing

// MARK: - Expectations shared by the suites

/// An RFC 9457 problem response the server generated: status, media type, `"status":<code>`,
/// a `type` under `/problems/`, a well-formed Date and (by default) `Connection: close`.
func expectProblem(_ response: TestResponse, status: Int, closes: Bool = true,
                   sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(response.status == status, "\(response.statusLine)", sourceLocation: sourceLocation)
    #expect(response[header: "Content-Type"] == "application/problem+json", sourceLocation: sourceLocation)
    #expect(response.text.contains("\"status\":\(status)"), "\(response.text)", sourceLocation: sourceLocation)
    #expect(problemType(response.text)?.hasPrefix("/problems/") == true, "\(response.text)", sourceLocation: sourceLocation)
    #expect(isIMFFixdate(response[header: "Date"]), sourceLocation: sourceLocation)
    if closes {
        #expect(response[header: "Connection"]?.lowercased() == "close", sourceLocation: sourceLocation)
    } else {
        #expect(response[header: "Connection"] == nil, sourceLocation: sourceLocation)
    }
}

/// The `type` member of a problem document (a flat JSON object), if any.
func problemType(_ json: String) -> String? {
    guard let range = json.firstRange(of: "\"type\":\"") else { return nil }
    let rest = json[range.upperBound...]
    guard let end = rest.firstIndex(of: "\"") else { return nil }
    return String(rest[..<end])
}

/// True for an IMF-fixdate such as `Sun, 06 Nov 1994 08:49:37 GMT` (RFC 9110 §5.6.7).
func isIMFFixdate(_ value: String?) -> Bool {
    guard let value else { return false }
    let pattern = #/(Mon|Tue|Wed|Thu|Fri|Sat|Sun), [0-3][0-9] (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [0-9]{4} [0-2][0-9]:[0-5][0-9]:[0-6][0-9] GMT/#
    return value.wholeMatch(of: pattern) != nil
}
