import Foundation

/// Serialises the `[String: Any]` trees the simulators build, keys sorted so bodies are
/// deterministic. Foundation's `JSONSerialization` on Linux costs milliseconds per page (and
/// more with sorted keys, which compare through `NSLocale`); simulators stand in for upstreams
/// in benchmarks, so they must not be the slow side.
public enum SimulatorJSON {
    /// `value` as compact JSON: strings, booleans, integers, doubles, `NSNumber`, `[String: Any]`
    /// (keys sorted), `[Any]`, optionals; `NSNull`, nil and anything else are written as `null`.
    public static func encode(_ value: Any) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(1024)
        write(value, to: &out)
        return out
    }

    private static func write(_ value: Any, to out: inout [UInt8]) {
        // Exact dynamic types first: a boxed NSNumber would otherwise cast to Bool or Int alike.
        let type = type(of: value)
        if type == String.self { writeString(value as! String, to: &out); return }
        if type == Bool.self { out.append(contentsOf: (value as! Bool) ? Array("true".utf8) : Array("false".utf8)); return }
        if type == Int.self { out.append(contentsOf: String(value as! Int).utf8); return }
        if type == Int64.self { out.append(contentsOf: String(value as! Int64).utf8); return }
        if type == UInt64.self { out.append(contentsOf: String(value as! UInt64).utf8); return }
        if type == Int32.self { out.append(contentsOf: String(value as! Int32).utf8); return }
        if type == Double.self { writeDouble(value as! Double, to: &out); return }
        switch value {
        case let string as String:
            writeString(string, to: &out)
        case let dictionary as [String: Any]:
            out.append(UInt8(ascii: "{"))
            var first = true
            for key in dictionary.keys.sorted() {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                writeString(key, to: &out)
                out.append(UInt8(ascii: ":"))
                write(dictionary[key]!, to: &out)
            }
            out.append(UInt8(ascii: "}"))
        case let array as [Any]:
            out.append(UInt8(ascii: "["))
            for (index, element) in array.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                write(element, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case let number as NSNumber:
            writeDouble(number.doubleValue, to: &out)
        case is NSNull:
            out.append(contentsOf: "null".utf8)
        default:
            // An Optional stored as Any: its value, or null.
            let mirror = Mirror(reflecting: value)
            if mirror.displayStyle == .optional, let wrapped = mirror.children.first?.value {
                write(wrapped, to: &out)
                return
            }
            // NSNull and anything without a JSON form.
            out.append(contentsOf: "null".utf8)
        }
    }

    private static func writeDouble(_ value: Double, to out: inout [UInt8]) {
        guard value.isFinite else {
            out.append(contentsOf: "null".utf8)
            return
        }
        if value == value.rounded(), abs(value) < 1e15 {
            out.append(contentsOf: String(Int64(value)).utf8)
        } else {
            out.append(contentsOf: String(value).utf8)
        }
    }

    private static func writeString(_ string: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x0A: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                        hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
