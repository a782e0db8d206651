// libFuzzer target for the JSON reader (JSONParser into a JSONTape, and the JSONValue built from
// it) that reads request bodies, the configuration and every upstream answer. Compiled as one module with the reader's files
// from Sources/Connectors/Model by `Fuzz/fuzz.sh <seconds> json`, so internal symbols are visible.
//
// Input: the bytes of a would-be JSON text. Invariants, each a fatalError when broken:
//   - parsing never crashes, reads out of bounds (ASan) or recurses past the depth limit;
//   - an accepted text is valid UTF-8 (after an optional byte order mark);
//   - every number kept is a valid literal with a finite value;
//   - an accepted value written back canonically parses to an equal value, and writing that
//     again gives the same bytes (so `raw` passes through unchanged);
//   - a rejected text's error offset lies within the input;
//   - the tape that upstream answers are decoded from is well formed: each entry holds what the
//     value built from it holds, each container ends where its last member does, and in each
//     object the keys not marked shadowed are unique and are the value's keys (a key given twice
//     keeps its last value);
//   - `parseNamingRepeatedKey` reads the same value and names a key exactly when the tape marked
//     one shadowed; the canonical output never has one.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    let value: JSONValue
    let tape = input.withUnsafeBytes { raw in Result { () throws(JSONSyntaxError) in try JSONTape(parsing: raw) } }
    do {
        value = try JSONValue(parsing: input)
    } catch {
        if error.offset < 0 || error.offset > size { fatalError("error offset \(error.offset) outside \(size) bytes") }
        guard case .failure(let tapeError) = tape, tapeError == error else { fatalError("the tape and the value disagree on \(error)") }
        return 0
    }
    switch tape {
    case .failure(let error): fatalError("the tape rejected what the value accepted: \(error)")
    case .success(let tape):
        input.withUnsafeBytes { _ in checkTape(tape, 0, value) }
    }
    var body = input[...]
    if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
    if String(validating: body, as: UTF8.self) == nil { fatalError("accepted a text that is not UTF-8") }
    checkNumbers(value)
    var first: [UInt8] = []
    write(value, to: &first)
    let reparsed: JSONValue
    do {
        reparsed = try JSONValue(parsing: first)
    } catch {
        fatalError("own output rejected: \(error): \(String(decoding: first, as: UTF8.self))")
    }
    if reparsed != value { fatalError("round trip changed the value") }
    guard let named = try? JSONValue.parseNamingRepeatedKey(input) else { fatalError("parseNamingRepeatedKey rejected an accepted text") }
    if named.value != value { fatalError("parseNamingRepeatedKey read another value") }
    if case .success(let tape) = tape {
        let marked = input.withUnsafeBytes { _ in tape.entries.contains { $0.flags & JSONTape.shadowed != 0 } }
        if marked != (named.repeatedKey != nil) { fatalError("a repeated key named: \(named.repeatedKey ?? "none"), marked: \(marked)") }
    }
    if (try? JSONValue.parseNamingRepeatedKey(first))?.repeatedKey != nil { fatalError("the canonical output repeats a key") }
    var second: [UInt8] = []
    write(reparsed, to: &second)
    if first != second { fatalError("writing is not stable") }
    return 0
}

/// The tape's entry at `index` (and its subtree) says what `value` says.
private func checkTape(_ tape: JSONTape, _ index: Int, _ value: JSONValue) {
    let entry = tape.entries[index]
    switch (entry.kind, value) {
    case (.null, .null), (.true, .bool(true)), (.false, .bool(false)):
        break
    case (.number, .number(let number)):
        if tape.number(at: index) != number { fatalError("tape number \(tape.number(at: index)) != \(number)") }
    case (.string, .string(let text)):
        var copy = text
        if tape.string(at: index) != text || !tape.string(at: index, equals: &copy) { fatalError("tape string differs") }
    case (.array, .array(let elements)):
        if Int(entry.length) != elements.count { fatalError("tape array length") }
        var child = index + 1
        for element in elements {
            checkTape(tape, child, element)
            child = Int(tape.entries[child].next)
        }
        if child != Int(entry.next) { fatalError("tape array end") }
    case (.object, .object(let members)):
        var live: Set<String> = []
        var key = index + 1
        for _ in 0..<entry.length {
            let name = tape.string(at: key)
            guard let member = members[name] else { fatalError("tape key \(name) not in the value") }
            if tape.entries[key].flags & JSONTape.shadowed == 0 {
                if !live.insert(name).inserted { fatalError("key \(name) live twice") }
                checkTape(tape, key + 1, member)
            }
            key = Int(tape.entries[key + 1].next)
        }
        if key != Int(entry.next) || live.count != members.count { fatalError("tape object members") }
    default:
        fatalError("tape kind \(entry.kind) for \(value)")
    }
    if tape.value(at: index) != value { fatalError("tape value differs") }
}

private func checkNumbers(_ value: JSONValue) {
    switch value {
    case .number(let number):
        guard JSONNumber(text: number.text) == number, number.double.isFinite else {
            fatalError("bad number \(number.text)")
        }
    case .array(let elements):
        elements.forEach(checkNumbers)
    case .object(let members):
        members.values.forEach(checkNumbers)
    default:
        break
    }
}

/// Canonical JSON: members sorted by key, strings with the minimal escapes.
private func write(_ value: JSONValue, to out: inout [UInt8]) {
    switch value {
    case .null: out += Array("null".utf8)
    case .bool(let flag): out += Array((flag ? "true" : "false").utf8)
    case .number(let number): out += Array(number.text.utf8)
    case .string(let text): writeString(text, to: &out)
    case .array(let elements):
        out.append(UInt8(ascii: "["))
        for (index, element) in elements.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            write(element, to: &out)
        }
        out.append(UInt8(ascii: "]"))
    case .object(let members):
        out.append(UInt8(ascii: "{"))
        for (index, key) in members.keys.sorted().enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            writeString(key, to: &out)
            out.append(UInt8(ascii: ":"))
            write(members[key]!, to: &out)
        }
        out.append(UInt8(ascii: "}"))
    }
}

private func writeString(_ text: String, to out: inout [UInt8]) {
    let hex = Array("0123456789abcdef".utf8)
    out.append(UInt8(ascii: "\""))
    for byte in text.utf8 {
        switch byte {
        case UInt8(ascii: "\""): out += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
        case UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
        case 0..<0x20: out += Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
        default: out.append(byte)
        }
    }
    out.append(UInt8(ascii: "\""))
}
