import HTTP

/// One change to the idempotency store as the journal keeps it on disk: a key claimed, an
/// outcome stored, or a key freed. Each record stands on its own (a `completed` one carries its
/// fingerprint), so replaying a journal in order rebuilds the store without the records before.
///
/// On disk a record is framed as a little-endian `UInt32` payload length and the payload, inside
/// a batch (`IdempotencyJournalBatch`), whose check covers it.
struct IdempotencyJournalRecord: Sendable, Equatable {
    enum Kind: UInt8, Sendable {
        /// A request under the key started; `response` is what a repeat gets if the process ends
        /// before its outcome is stored.
        case began = 1
        /// The outcome to replay.
        case completed = 2
        /// The request failed without writing anything: the key is free again.
        case abandoned = 3
    }

    var kind: Kind
    var tenant: String
    var key: String
    /// The request's fingerprint (empty for `abandoned`).
    var fingerprint: [UInt8]
    /// Milliseconds since 1970 when the key was claimed or its outcome stored: lifetimes count
    /// from it across restarts.
    var time: Int64
    /// The outcome (`completed`), the answer if the process ends first (`began`); nil for `abandoned`.
    var response: HTTPResponse?

    static func == (a: Self, b: Self) -> Bool {
        a.kind == b.kind && a.tenant == b.tenant && a.key == b.key && a.fingerprint == b.fingerprint
            && a.time == b.time && a.response?.status == b.response?.status && a.response?.body == b.response?.body
            && fields(of: a.response) == fields(of: b.response)
    }

    private static func fields(of response: HTTPResponse?) -> [String]? {
        response?.headers.fields.map { "\($0.name): \($0.value)" }
    }

    /// Whether the record is a mark-read's success (204, the one answer a reply never gets): run
    /// again, it does no harm, so it makes room before any other outcome, after a restart as
    /// before it. The record does not say which request it answers; a mark-read's refusal is kept
    /// as a reply's would be.
    var isHarmlessOutcome: Bool { kind == .completed && response?.status.code == 204 }

    /// `records` (in the order they were written) with, for each tenant holding more than
    /// `capacity`, the oldest harmless outcomes left out first, then the oldest others, as the
    /// store makes room: in their order otherwise.
    static func kept(_ records: [Self], capacity: Int) -> [Self] {
        var excess: [String: Int] = [:]
        for record in records { excess[record.tenant, default: -capacity] += 1 }
        guard excess.values.contains(where: { $0 > 0 }) else { return records }
        var dropped = [Bool](repeating: false, count: records.count)
        for harmlessFirst in [true, false] {
            for (index, record) in records.enumerated() where !dropped[index] && (!harmlessFirst || record.isHarmlessOutcome) {
                guard let over = excess[record.tenant], over > 0 else { continue }
                dropped[index] = true
                excess[record.tenant] = over - 1
            }
        }
        return records.indices.filter { !dropped[$0] }.map { records[$0] }
    }

    /// The largest payload read back: larger lengths are damage, not records. The outcomes kept
    /// are the gateway's own answers to writes, a few KiB each.
    static let maxPayload = 64 << 20
    /// The smallest payload a record makes (kind, four empty or 8-byte fields, no response).
    static let minPayload = 1 + 8 + 8 + 8 + 8 + 1

    /// The record as one frame, appended to `bytes`.
    func frame(into bytes: inout [UInt8]) {
        var payload: [UInt8] = []
        payload.reserveCapacity(64 + tenant.utf8.count + key.utf8.count + (response?.body.count ?? 0))
        payload.append(kind.rawValue)
        Self.put(string: tenant, into: &payload)
        Self.put(string: key, into: &payload)
        Self.put(bytes: fingerprint, into: &payload)
        Self.put(UInt64(bitPattern: time), into: &payload)
        if let response {
            payload.append(1)
            Self.put(UInt64(response.status.code), into: &payload)
            let fields = response.headers.fields
            Self.put(UInt64(fields.count), into: &payload)
            for field in fields {
                Self.put(string: field.name, into: &payload)
                Self.put(string: field.value, into: &payload)
            }
            Self.put(bytes: response.body, into: &payload)
        } else {
            payload.append(0)
        }
        IdempotencyJournalBatch.putLength(payload.count, into: &bytes)
        bytes += payload
    }

    /// The records framed in `content` (a batch's, whose check passed), in order; nil when a
    /// frame does not parse or the frames do not fill it exactly.
    static func records(in content: ArraySlice<UInt8>) -> [IdempotencyJournalRecord]? {
        var records: [IdempotencyJournalRecord] = []
        var offset = content.startIndex
        while offset < content.endIndex {
            guard content.endIndex - offset >= 4 else { return nil }
            let length = IdempotencyJournalBatch.length(in: content, at: offset)
            guard (minPayload...maxPayload).contains(length) else { return nil }
            let payloadStart = offset + 4, payloadEnd = payloadStart + length
            guard content.endIndex >= payloadEnd, let record = parse(content[payloadStart..<payloadEnd]) else { return nil }
            records.append(record)
            offset = payloadEnd
        }
        return records
    }

    private static func parse(_ payload: ArraySlice<UInt8>) -> IdempotencyJournalRecord? {
        var reader = Reader(bytes: payload)
        guard let kindByte = reader.byte(), let kind = Kind(rawValue: kindByte),
              let tenant = reader.string(), let key = reader.string(), let fingerprint = reader.bytes(),
              let time = reader.integer(), let hasResponse = reader.byte() else { return nil }
        var response: HTTPResponse?
        if hasResponse == 1 {
            guard let status = reader.integer(), status <= 999, let count = reader.integer(),
                  count <= 100_000 else { return nil }
            var headers = HTTPHeaders()
            for _ in 0..<count {
                guard let name = reader.string(), let value = reader.string() else { return nil }
                headers.add(name, value)
            }
            guard let body = reader.bytes() else { return nil }
            response = HTTPResponse(status: HTTPStatus(Int(status)), headers: headers, body: body)
        } else if hasResponse != 0 {
            return nil
        }
        guard reader.isAtEnd else { return nil }
        return IdempotencyJournalRecord(kind: kind, tenant: tenant, key: key, fingerprint: fingerprint,
                                        time: Int64(bitPattern: UInt64(time)), response: response)
    }

    private static func put(_ value: UInt64, into bytes: inout [UInt8]) {
        for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }

    private static func put(bytes value: [UInt8], into bytes: inout [UInt8]) {
        put(UInt64(value.count), into: &bytes)
        bytes += value
    }

    private static func put(string value: String, into bytes: inout [UInt8]) {
        put(UInt64(value.utf8.count), into: &bytes)
        bytes += value.utf8
    }

    /// Reads a payload's fields front to back; nil once anything is short or out of range.
    private struct Reader {
        var rest: ArraySlice<UInt8>

        init(bytes: ArraySlice<UInt8>) { rest = bytes }

        var isAtEnd: Bool { rest.isEmpty }

        mutating func byte() -> UInt8? { rest.popFirst() }

        mutating func integer() -> UInt64? {
            guard rest.count >= 8 else { return nil }
            var value: UInt64 = 0
            for (index, byte) in rest.prefix(8).enumerated() { value |= UInt64(byte) << UInt64(8 * index) }
            rest = rest.dropFirst(8)
            return value
        }

        mutating func bytes() -> [UInt8]? {
            guard let count = integer(), count <= UInt64(rest.count) else { return nil }
            defer { rest = rest.dropFirst(Int(count)) }
            return Array(rest.prefix(Int(count)))
        }

        mutating func string() -> String? {
            guard let raw = bytes() else { return nil }
            return String(validating: raw, as: UTF8.self)
        }
    }
}
