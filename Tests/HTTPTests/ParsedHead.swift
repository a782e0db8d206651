@testable import HTTP

/// Reads a parsed head's parts as strings.
struct ParsedHead {
    let head: RequestHead
    let input: [UInt8]

    var target: String { String(decoding: input[head.target], as: UTF8.self) }

    var fields: [(name: String, value: String)] {
        head.fields.map {
            (String(decoding: input[Int($0.nameStart)..<Int($0.nameEnd)], as: UTF8.self),
             String(decoding: input[Int($0.valueStart)..<Int($0.valueEnd)], as: UTF8.self))
        }
    }

    func valueBytes(at index: Int) -> [UInt8] {
        let span = head.fields[index]
        return Array(input[Int(span.valueStart)..<Int(span.valueEnd)])
    }

    var request: HTTPRequest { HTTPRequest(head: head, storage: input, bodyRange: head.length..<input.count) }
}
