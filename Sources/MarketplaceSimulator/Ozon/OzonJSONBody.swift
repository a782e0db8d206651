import Foundation

/// A request body as Ozon's gateway reads it: a JSON object whose fields are typed on access,
/// 64-bit integers accepted as numbers or as strings (protobuf JSON), wrong types refused with
/// 400 code 3.
struct OzonJSONBody {
    private let object: [String: Any]

    init(object: [String: Any]) {
        self.object = object
    }

    /// An empty body reads as `{}`; anything but a JSON object is a validation error.
    init(data: Data) throws(OzonFailure) {
        if data.isEmpty || data.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            object = [:]
            return
        }
        guard let parsed = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else {
            throw .invalid("unexpected token in JSON body")
        }
        guard let object = parsed as? [String: Any] else { throw .invalid("body must be a JSON object") }
        self.object = object
    }

    func has(_ key: String) -> Bool {
        guard let value = object[key] else { return false }
        return !(value is NSNull)
    }

    func string(_ key: String) throws(OzonFailure) -> String? {
        guard has(key) else { return nil }
        guard let value = object[key] as? String else { throw .invalid("field \(key) must be a string") }
        return value
    }

    func bool(_ key: String) throws(OzonFailure) -> Bool? {
        guard has(key) else { return nil }
        guard let number = object[key] as? NSNumber, Self.isBoolean(number) else {
            throw .invalid("field \(key) must be a boolean")
        }
        return number.boolValue
    }

    func int64(_ key: String) throws(OzonFailure) -> Int64? {
        guard has(key) else { return nil }
        guard let value = Self.int64(object[key]!) else { throw .invalid("field \(key) must be an integer") }
        return value
    }

    /// A uint64 sent as a JSON number or as a decimal string.
    func uint64(_ key: String) throws(OzonFailure) -> UInt64? {
        guard has(key) else { return nil }
        guard let value = Self.uint64(object[key]!) else { throw .invalid("field \(key) must be an unsigned integer") }
        return value
    }

    func object(_ key: String) throws(OzonFailure) -> OzonJSONBody? {
        guard has(key) else { return nil }
        guard let value = object[key] as? [String: Any] else { throw .invalid("field \(key) must be an object") }
        return OzonJSONBody(object: value)
    }

    func strings(_ key: String) throws(OzonFailure) -> [String]? {
        guard has(key) else { return nil }
        guard let array = object[key] as? [Any] else { throw .invalid("field \(key) must be an array") }
        var out: [String] = []
        for element in array {
            if let text = element as? String {
                out.append(text)
            } else if let number = Self.int64(element) {
                out.append(String(number))
            } else {
                throw .invalid("field \(key) must hold strings")
            }
        }
        return out
    }

    /// An enum value compared case-insensitively, upper-cased; nil when absent.
    func enumValue(_ key: String, allowed: Set<String>) throws(OzonFailure) -> String? {
        guard let raw = try string(key), !raw.isEmpty else { return nil }
        let value = raw.uppercased()
        guard allowed.contains(value) else { throw .invalid("invalid value \"\(raw)\" for field \(key)") }
        return value
    }

    private static func isBoolean(_ number: NSNumber) -> Bool {
        let type = String(cString: number.objCType)
        return type == "c" || type == "B"
    }

    private static func isInteger(_ number: NSNumber) -> Bool {
        let type = String(cString: number.objCType)
        return !isBoolean(number) && type != "d" && type != "f"
    }

    private static func int64(_ value: Any) -> Int64? {
        if let number = value as? NSNumber {
            return isInteger(number) ? number as? Int64 : nil
        }
        if let text = value as? String { return Int64(text) }
        return nil
    }

    private static func uint64(_ value: Any) -> UInt64? {
        if let number = value as? NSNumber {
            return isInteger(number) ? number as? UInt64 : nil
        }
        if let text = value as? String { return UInt64(text) }
        return nil
    }
}
