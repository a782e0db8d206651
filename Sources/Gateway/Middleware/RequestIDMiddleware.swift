import Foundation
import Hashing
import HTTP
import Synchronization

/// Gives every request an id and echoes it in `X-Request-ID`: the client's own when it is sane
/// (1–128 characters of letters, digits and `-_.:`, in one field line), so a proxy's id runs
/// through the logs, otherwise a fresh one: two lines are the list `one, two`, which is no id.
/// An id that may carry a credential, which the log and the response must not repeat, gets a
/// fresh one too: one of 8 bytes or more found inside a field that carries credentials
/// (`Authorization`, `X-API-Key`, `Proxy-Authorization`, `Cookie`), one holding a run of 8 bytes
/// or more of such a field (a `Basic` scheme's decoded user and password too), both compared in
/// any letter case and without `-`, `_` and `.` (see `folded`). Lengths are counted as sent, so
/// `demo-key` as an id or a run counts 8 though it is compared as `demokey`; what is left of it
/// must be 4 bytes at least. (Shorter ids and runs, such as `42` or `Bearer`, are too common to
/// mean a key.) Those tell the sender nothing: the credential is its own.
///
/// An id that is a secret the gateway holds and the request does not send (a tenant's key, a
/// marketplace credential, the metrics token) is kept and echoed like any other: replaced, it
/// would tell whether a guess is one, on `/healthz` too, which no limit guards, and outside the
/// failed-key allowance. The log is not the client's to see, so it writes such an id `[redacted]`.
public struct RequestIDMiddleware: Middleware {
    private let generator = RequestIDGenerator()
    private let unloggedDigests: Set<[UInt8]>

    /// Ids come from a generator of its own, fresh per process. `unloggedDigests`: the SHA-256 of
    /// every secret the gateway holds, which an id is kept as but the log must not repeat.
    public init(unloggedDigests: Set<[UInt8]> = []) {
        self.unloggedDigests = unloggedDigests
    }

    /// Part of the chain (see `Middleware`).
    public func handle(_ request: HTTPRequest, context: GatewayContext, next: GatewayHandler) async throws -> HTTPResponse {
        if let offered = Self.offered(in: request, unloggedDigests: unloggedDigests) {
            context.requestID = offered.id
            context.requestIDUnlogged = !offered.logged
        } else {
            context.requestID = generator.next()
        }
        var response = try await next(request, context)
        response.headers.add("X-Request-ID", context.requestID)
        return response
    }

    /// The client's `X-Request-ID` when it may be used as the request's id (see the type). Linear
    /// in the fields' length: it runs before any key is checked, on the loop.
    static func offeredID(in request: HTTPRequest) -> String? {
        offered(in: request, unloggedDigests: [])?.id
    }

    /// `offeredID`, and whether the log may repeat it: not when it is one of `unloggedDigests`'
    /// secrets, whatever its length (a configured key may be short).
    static func offered(in request: HTTPRequest, unloggedDigests: Set<[UInt8]>) -> (id: String, logged: Bool)? {
        guard let offered = request.headers["X-Request-ID"], isSane(offered),
              request.headers.lineCount("X-Request-ID") == 1 else { return nil }
        let id = folded(offered.utf8)
        if offered.utf8.count >= 8, id.count >= RunFinder.minimumFolded {
            var finder = RunFinder(id: id)
            for field in Self.credentialFields where request.headers.contains(field) {
                for value in request.headers.values(field) {
                    let bytes = Array(value.utf8)
                    if Self.find(finder.id, in: folded(bytes)[...]) || finder.holdsRun(of: bytes) { return nil }
                    if field == "Authorization" || field == "Proxy-Authorization", let decoded = basicCredentials(value),
                       Self.find(finder.id, in: folded(decoded)[...]) || finder.holdsRun(of: decoded) {
                        return nil
                    }
                }
            }
        }
        guard !unloggedDigests.isEmpty else { return (offered, true) }
        return (offered, !unloggedDigests.contains(SHA256.hash(offered.utf8)))
    }

    /// `bytes` as the id and the credential fields are compared: ASCII letters in lower case, and
    /// `-`, `_` and `.` left out, so that the key in another letter case or with its separators
    /// changed or dropped (`TENANT-KEY-…`, `tenant_key_…`, `tenantkey…`) is still found.
    static func folded(_ bytes: some Sequence<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.underestimatedCount)
        fold(bytes, into: &out)
        return out
    }

    /// Appends `bytes` folded (see `folded`) to `out`.
    static func fold(_ bytes: some Sequence<UInt8>, into out: inout [UInt8]) {
        for byte in bytes where byte != UInt8(ascii: "-") && byte != UInt8(ascii: "_") && byte != UInt8(ascii: ".") {
            out.append((UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte | 0x20 : byte)
        }
    }

    /// Finds runs of a field inside an id: runs of 8 to 128 id characters as sent (`:` ends a run
    /// too, as it parts a Basic scheme's user from its password), each looked for folded, when
    /// 4 bytes or more are left of it. The first few runs are searched for directly; past them (a
    /// long cookie, a field made to be costly) each run's first 4 folded bytes are looked up among
    /// the id's 4-byte windows first, so the whole stays linear in the fields.
    /// Runs that keep starting like part of the id (`aaaaaaaab` against an id of `a`s, made so
    /// that every one is searched for) are not searched for past `maxSearches`: the id is then
    /// taken as holding one, and replaced, which costs the client nothing it should rely on.
    struct RunFinder {
        let id: [UInt8]
        private var windows: Set<UInt32>?
        private var searched = 0
        private var fullSearches = 0
        private var run: [UInt8] = []

        static let maxSearches = 64
        /// The fewest bytes an id, or a run, folded, is looked for with.
        static let minimumFolded = 4

        init(id: [UInt8]) {
            self.id = id
        }

        mutating func holdsRun(of value: [UInt8]) -> Bool {
            var start = 0
            while start < value.count {
                guard RequestIDMiddleware.isIDByte(value[start]), value[start] != UInt8(ascii: ":") else {
                    start += 1
                    continue
                }
                var end = start
                while end < value.count, RequestIDMiddleware.isIDByte(value[end]), value[end] != UInt8(ascii: ":") { end += 1 }
                if end - start >= 8 {
                    run.removeAll(keepingCapacity: true)
                    RequestIDMiddleware.fold(value[start..<end], into: &run)
                    if run.count >= Self.minimumFolded, run.count <= id.count, holds(run[...]) { return true }
                }
                start = end
            }
            return false
        }

        private mutating func holds(_ run: ArraySlice<UInt8>) -> Bool {
            searched += 1
            if searched > 16 {
                if windows == nil {
                    var all = Set<UInt32>(minimumCapacity: id.count)
                    for start in 0...(id.count - Self.minimumFolded) { all.insert(Self.word(id[start..<(start + Self.minimumFolded)])) }
                    windows = all
                }
                guard windows!.contains(Self.word(run.prefix(Self.minimumFolded))) else { return false }
            }
            fullSearches += 1
            if fullSearches > Self.maxSearches { return true }
            return RequestIDMiddleware.find(run, in: id[...])
        }

        private static func word(_ bytes: ArraySlice<UInt8>) -> UInt32 {
            bytes.reduce(0) { $0 << 8 | UInt32($1) }
        }
    }

    /// Whether `haystack` holds `needle` (Knuth–Morris–Pratt): linear in both, as these searches
    /// run on whatever a client sends, before any key is checked.
    static func find(_ needle: some Collection<UInt8>, in haystack: ArraySlice<UInt8>) -> Bool {
        let needle = Array(needle)
        guard !needle.isEmpty else { return true }
        guard needle.count <= haystack.count else { return false }
        // fallback[i]: the length of the longest proper prefix of needle[0...i] that is also its suffix.
        var fallback = [Int](repeating: 0, count: needle.count)
        var matched = 0
        for index in 1..<needle.count {
            while matched > 0, needle[index] != needle[matched] { matched = fallback[matched - 1] }
            if needle[index] == needle[matched] { matched += 1 }
            fallback[index] = matched
        }
        matched = 0
        for byte in haystack {
            while matched > 0, byte != needle[matched] { matched = fallback[matched - 1] }
            if byte == needle[matched] { matched += 1 }
            if matched == needle.count { return true }
        }
        return false
    }

    /// A `Basic` scheme's decoded `user:password` when `value` is one (the scheme first, its
    /// token of at most 2 KB after it; keys are at most 512 bytes); nil otherwise.
    static func basicCredentials(_ value: String) -> [UInt8]? {
        let trimmed = value.drop { $0 == " " || $0 == "\t" }
        guard trimmed.utf8.count > 6, trimmed.prefix(6).lowercased() == "basic " else { return nil }
        let token = trimmed.dropFirst(6).drop { $0 == " " || $0 == "\t" }.prefix { $0 != " " && $0 != "\t" && $0 != "," }
        guard token.utf8.count <= 2048, let decoded = Data(base64Encoded: String(token)) else { return nil }
        return Array(decoded)
    }

    static let credentialFields = ["Authorization", "X-API-Key", "Proxy-Authorization", "Cookie"]

    static func isSane(_ id: String) -> Bool {
        let bytes = id.utf8
        guard (1...128).contains(bytes.count) else { return false }
        return bytes.allSatisfy(isIDByte)
    }

    static func isIDByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"),
             UInt8(ascii: "."), UInt8(ascii: ":"):
            true
        default:
            false
        }
    }
}
