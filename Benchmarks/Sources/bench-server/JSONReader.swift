/// A strict RFC 8259 parser over bytes, for request bodies: it validates the whole document and
/// returns the members of a top-level object. Strings are unescaped (including surrogate
/// pairs); numbers are kept as their text. Nesting is bounded so hostile input cannot exhaust
/// the stack.
struct JSONReader {
    enum Value: Equatable {
        case null, bool(Bool), number(Substring), string(String), array([Value]), object([(String, Value)])

        static func == (a: Value, b: Value) -> Bool {
            switch (a, b) {
            case (.null, .null): true
            case (.bool(let x), .bool(let y)): x == y
            case (.number(let x), .number(let y)): x == y
            case (.string(let x), .string(let y)): x == y
            case (.array(let x), .array(let y)): x == y
            case (.object(let x), .object(let y)): x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
            default: false
            }
        }
    }

    struct SyntaxError: Error, Equatable {
        var offset: Int
    }

    private let bytes: ArraySlice<UInt8>
    private var i: Int
    private let maxDepth = 64

    init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        self.i = bytes.startIndex
    }

    /// Parses a complete document.
    static func parse(_ bytes: ArraySlice<UInt8>) throws(SyntaxError) -> Value {
        var reader = JSONReader(bytes)
        reader.skipWhitespace()
        let value = try reader.value(depth: 0)
        reader.skipWhitespace()
        guard reader.i == bytes.endIndex else { throw SyntaxError(offset: reader.i - bytes.startIndex) }
        return value
    }

    private mutating func value(depth: Int) throws(SyntaxError) -> Value {
        guard depth < maxDepth, i < bytes.endIndex else { throw error() }
        switch bytes[i] {
        case UInt8(ascii: "{"): return try object(depth: depth)
        case UInt8(ascii: "["): return try array(depth: depth)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        default: return try number()
        }
    }

    private mutating func object(depth: Int) throws(SyntaxError) -> Value {
        i += 1
        var members: [(String, Value)] = []
        skipWhitespace()
        if i < bytes.endIndex, bytes[i] == UInt8(ascii: "}") { i += 1; return .object(members) }
        while true {
            skipWhitespace()
            guard i < bytes.endIndex, bytes[i] == UInt8(ascii: "\"") else { throw error() }
            let key = try string()
            skipWhitespace()
            try expect(UInt8(ascii: ":"))
            skipWhitespace()
            members.append((key, try value(depth: depth + 1)))
            skipWhitespace()
            guard i < bytes.endIndex else { throw error() }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            try expect(UInt8(ascii: "}"))
            return .object(members)
        }
    }

    private mutating func array(depth: Int) throws(SyntaxError) -> Value {
        i += 1
        var elements: [Value] = []
        skipWhitespace()
        if i < bytes.endIndex, bytes[i] == UInt8(ascii: "]") { i += 1; return .array(elements) }
        while true {
            skipWhitespace()
            elements.append(try value(depth: depth + 1))
            skipWhitespace()
            guard i < bytes.endIndex else { throw error() }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            try expect(UInt8(ascii: "]"))
            return .array(elements)
        }
    }

    private mutating func string() throws(SyntaxError) -> String {
        i += 1
        let start = i
        // Fast path: no escapes.
        while i < bytes.endIndex, bytes[i] != UInt8(ascii: "\""), bytes[i] != UInt8(ascii: "\\"), bytes[i] >= 0x20 { i += 1 }
        guard i < bytes.endIndex else { throw error() }
        if bytes[i] == UInt8(ascii: "\"") {
            defer { i += 1 }
            guard let s = String(validating: bytes[start..<i], as: UTF8.self) else { throw error() }
            return s
        }
        var out = Array(bytes[start..<i])
        while i < bytes.endIndex {
            let c = bytes[i]
            if c == UInt8(ascii: "\"") {
                i += 1
                guard let s = String(validating: out, as: UTF8.self) else { throw error() }
                return s
            }
            guard c >= 0x20 else { throw error() }
            if c != UInt8(ascii: "\\") { out.append(c); i += 1; continue }
            i += 1
            guard i < bytes.endIndex else { throw error() }
            switch bytes[i] {
            case UInt8(ascii: "\""): out.append(0x22)
            case UInt8(ascii: "\\"): out.append(0x5C)
            case UInt8(ascii: "/"): out.append(0x2F)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4()
                if (0xD800..<0xDC00).contains(scalar) {
                    guard i + 2 < bytes.endIndex, bytes[i + 1] == UInt8(ascii: "\\"), bytes[i + 2] == UInt8(ascii: "u") else { throw error() }
                    i += 2
                    let low = try hex4()
                    guard (0xDC00..<0xE000).contains(low) else { throw error() }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                }
                guard let u = Unicode.Scalar(scalar) else { throw error() }
                out.append(contentsOf: String(Character(u)).utf8)
            default: throw error()
            }
            i += 1
        }
        throw error()
    }

    private mutating func hex4() throws(SyntaxError) -> UInt32 {
        var v: UInt32 = 0
        for _ in 0..<4 {
            i += 1
            guard i < bytes.endIndex else { throw error() }
            let c = bytes[i]
            switch c {
            case 48...57: v = v << 4 | UInt32(c - 48)
            case 65...70: v = v << 4 | UInt32(c - 55)
            case 97...102: v = v << 4 | UInt32(c - 87)
            default: throw error()
            }
        }
        return v
    }

    private mutating func number() throws(SyntaxError) -> Value {
        let start = i
        if i < bytes.endIndex, bytes[i] == UInt8(ascii: "-") { i += 1 }
        guard i < bytes.endIndex, isDigit(bytes[i]) else { throw error() }
        if bytes[i] == 48 { i += 1 } else { while i < bytes.endIndex, isDigit(bytes[i]) { i += 1 } }
        if i < bytes.endIndex, bytes[i] == UInt8(ascii: ".") {
            i += 1
            guard i < bytes.endIndex, isDigit(bytes[i]) else { throw error() }
            while i < bytes.endIndex, isDigit(bytes[i]) { i += 1 }
        }
        if i < bytes.endIndex, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            i += 1
            if i < bytes.endIndex, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
            guard i < bytes.endIndex, isDigit(bytes[i]) else { throw error() }
            while i < bytes.endIndex, isDigit(bytes[i]) { i += 1 }
        }
        return .number(Substring(decoding: bytes[start..<i], as: UTF8.self))
    }

    private func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }

    private mutating func literal(_ word: StaticString) throws(SyntaxError) {
        let n = word.utf8CodeUnitCount
        guard bytes.endIndex - i >= n else { throw error() }
        for k in 0..<n where bytes[i + k] != word.utf8Start[k] { throw error() }
        i += n
    }

    private mutating func expect(_ c: UInt8) throws(SyntaxError) {
        guard i < bytes.endIndex, bytes[i] == c else { throw error() }
        i += 1
    }

    private mutating func skipWhitespace() {
        while i < bytes.endIndex, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
    }

    private func error() -> SyntaxError { SyntaxError(offset: i - bytes.startIndex) }
}
