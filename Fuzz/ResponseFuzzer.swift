// libFuzzer target for the HTTP/1.x response head parser (ResponseHeadParser), which frames the
// answers of plain-http upstreams. Compiled as one module with Sources/HTTP/*.swift by
// Fuzz/fuzz.sh (target `response`).
//
// Input layout: byte 0 is a control byte, the rest is what the upstream sent.
//   bits 0-1  the request method: GET, HEAD, CONNECT, POST
//   bits 2-7  the head limit: 64 + 16 × value bytes (so headTooLarge is reachable)
//
// Invariants (any violation is a fatalError, which libFuzzer reports as a crash):
//   - every prefix of the input gives "need more" while it is shorter than the head, and the
//     whole input's answer (head or error) once it contains the head: bytes arriving in pieces
//     never change where a head ends or what it says;
//   - a head's length is within the input and the limit; its status is 100-999; a body read to
//     the close never leaves the connection reusable; a HEAD request's answer has no body;
//     field names are lower-case tokens and values carry no surrounding white space.

#if canImport(Glibc)
import Glibc
#endif

private let methods = ["GET", "HEAD", "CONNECT", "POST"]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let control = data[0]
    let method = methods[Int(control & 3)]
    let parser = ResponseHeadParser(maxHeadLength: 64 + 16 * Int(control >> 2))
    let input = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))

    let whole = outcome(parser, input, method)
    if case .head(let text, let length) = whole {
        check(length <= input.count && length <= parser.maxHeadLength, "head length \(length) out of bounds")
        _ = text
    }
    let end: Int? = {
        if case .head(_, let length) = whole { return length }
        return nil
    }()
    let cuts: [Int] = input.count <= 400 ? Array(0...input.count)
        : Array(0..<200) + stride(from: 200, through: input.count, by: max(1, input.count / 100)).map { $0 } + [input.count]
    for cut in cuts {
        let part = outcome(parser, Array(input[0..<cut]), method)
        switch whole {
        case .head(_, let length):
            if cut < length {
                check(part == .needMore, "prefix \(cut) of a \(length)-byte head gave \(part)")
            } else {
                check(part == whole, "prefix \(cut) gave \(part), the whole input \(whole)")
            }
        case .needMore:
            check(part == .needMore || part == .failed("\(ResponseParseError.headTooLarge)"), "prefix \(cut) gave \(part) where the whole needs more")
        case .failed:
            check(part == .needMore || part == whole || part == .failed("\(ResponseParseError.headTooLarge)"),
                  "prefix \(cut) gave \(part), the whole input \(whole)")
        }
    }
    _ = end
    return 0
}

private enum Outcome: Equatable, CustomStringConvertible {
    case head(String, Int)
    case needMore
    case failed(String)

    var description: String {
        switch self {
        case .head(let text, let length): "head(\(length)): \(text)"
        case .needMore: "need more"
        case .failed(let error): "error \(error)"
        }
    }
}

private func outcome(_ parser: ResponseHeadParser, _ bytes: [UInt8], _ method: String) -> Outcome {
    let result = bytes.withUnsafeBytes { raw in
        Result { () throws(ResponseParseError) in try parser.parse(raw, requestMethod: method) }
    }
    switch result {
    case .failure(let error):
        return .failed("\(error)")
    case .success(nil):
        return .needMore
    case .success(let (head, length)?):
        check((100...999).contains(head.status), "status \(head.status)")
        if head.framing == .untilClose { check(!head.keepAlive, "a body read to the close left the connection reusable") }
        if method == "HEAD" { check(head.framing == .none, "HEAD answered with a body: \(head.framing)") }
        for (name, value) in head.fields {
            check(!name.isEmpty && name.utf8.allSatisfy { ASCII.classes[Int($0)] & ASCII.token != 0 && !($0 >= 65 && $0 <= 90) },
                  "field name \(name)")
            check(value.first != " " && value.first != "\t" && value.last != " " && value.last != "\t", "value \(value) not trimmed")
        }
        let fields = head.fields.map { "\($0.name)=\($0.value)" }.joined(separator: "|")
        return .head("\(head.version) \(head.status) \(head.framing) keepAlive=\(head.keepAlive) \(fields)", length)
    }
}

private func check(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError("response fuzz invariant: \(message())") }
}
