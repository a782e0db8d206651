@testable import HTTP

/// Everything a `RequestHead` says, comparable.
struct HeadSnapshot: Equatable, CustomStringConvertible {
    let method: HTTPMethod
    let version: HTTPVersion
    let target: Range<Int>
    let fields: [FieldSpan]
    let length: Int
    let framing: BodyFraming
    let keepAlive: Bool
    let expectsContinue: Bool

    init(_ head: RequestHead) {
        method = head.method
        version = head.version
        target = head.target
        fields = head.fields
        length = head.length
        framing = head.framing
        keepAlive = head.keepAlive
        expectsContinue = head.expectsContinue
    }

    var description: String {
        "\(method) \(target) \(version) fields:\(fields.count) length:\(length) \(framing) keepAlive:\(keepAlive) continue:\(expectsContinue)"
    }
}
