import Connectors
import Hashing
import HTTP
import Server

/// The connector endpoints of DESIGN.md §4: registry listing and descriptors, items, reply,
/// mark read, updates. Turns validated requests into connector calls under a deadline and seals
/// cursors so clients can neither read nor forge them.
public struct ConnectorService: Sendable {
    /// Where connectors come from, built per tenant on first use.
    public let registry: ConnectorRegistry
    /// Seals the cursors handed to clients and opens the ones they send back.
    public let cursors: CursorCodec
    /// Outcomes of writes sent with an `Idempotency-Key`, replayed to repeats.
    public let idempotency: IdempotencyStore
    /// How long one gateway request may spend on upstream calls, retries included.
    public let upstreamDeadline: Duration

    /// The service over `registry`; cursors and idempotent outcomes are only valid within one
    /// `cursors` key and one `idempotency` store.
    public init(registry: ConnectorRegistry, cursors: CursorCodec, idempotency: IdempotencyStore,
                upstreamDeadline: Duration = .seconds(20)) {
        self.registry = registry
        self.cursors = cursors
        self.idempotency = idempotency
        self.upstreamDeadline = upstreamDeadline
    }

    /// Adds the connector routes (all tenant-only).
    public func register(into router: inout Router) {
        let service = self
        router.add(.get, "/connectors") { request, context in try service.listConnectors(request, context) }
        router.add(.get, "/connectors/{marketplace}/{channel}") { request, context in try service.describe(request, context) }
        router.add(.get, "/connectors/{marketplace}/{channel}/items") { request, context in
            try await service.listItems({ try RequestFields.query(of: request, postTakesFields: true) }, context)
        }
        router.add(.post, "/connectors/{marketplace}/{channel}/items") { request, context in
            try await service.listItems({ try RequestFields.json(of: request, emptyAllowed: true) }, context)
        }
        router.add(.get, "/connectors/{marketplace}/{channel}/items/{id}") { request, context in
            try await service.item(request, context)
        }
        router.add(.post, "/connectors/{marketplace}/{channel}/items/{id}/reply", writes: true) { request, context in
            try await service.reply(request, context)
        }
        router.add(.post, "/connectors/{marketplace}/{channel}/items/{id}/read", writes: true) { request, context in
            try await service.markRead(request, context)
        }
        router.add(.get, "/connectors/{marketplace}/{channel}/updates") { request, context in
            try await service.updates({ try RequestFields.query(of: request, postTakesFields: true) }, context)
        }
        router.add(.post, "/connectors/{marketplace}/{channel}/updates") { request, context in
            try await service.updates({ try RequestFields.json(of: request, emptyAllowed: true) }, context)
        }
    }

    // MARK: - Registry

    func listConnectors(_ request: HTTPRequest, _ context: GatewayContext) throws -> HTTPResponse {
        let tenant = try requireTenant(context)
        try Self.refuseParameters(request)
        try Self.checkIfMatch(context)
        var list: [UInt8] = [UInt8(ascii: "[")]
        for (index, factory) in registry.descriptors.enumerated() {
            if index > 0 { list.append(UInt8(ascii: ",")) }
            let summary = Self.summary(factory, configured: tenant.credentials[factory.key.marketplace] != nil)
            list.append(contentsOf: summary.finish())
        }
        list.append(UInt8(ascii: "]"))
        var body = JSONObjectWriter(capacity: list.count + 16)
        body.raw("connectors", list)
        return JSONResponse.make(bytes: body.finish())
    }

    func describe(_ request: HTTPRequest, _ context: GatewayContext) throws -> HTTPResponse {
        let tenant = try requireTenant(context)
        let key = try connectorKey(context)
        let factory = try registry.factory(for: key)
        try Self.refuseParameters(request)
        try Self.checkIfMatch(context)
        var upstreams: [UInt8] = [UInt8(ascii: "[")]
        let credentials = tenant.credentials[key.marketplace]
        for (index, health) in registry.upstreams(for: key, tenant: tenant.id, credentials: credentials).enumerated() {
            if index > 0 { upstreams.append(UInt8(ascii: ",")) }
            var budget = JSONObjectWriter()
            budget.int("available", health.budgetAvailable)
            budget.int("burst", health.budgetBurst)
            // Rounded up, so that a budget's interval is never shown shorter than it is.
            budget.int("interval_ms", health.budgetInterval.roundedUp(to: .milliseconds(1)))
            var upstream = JSONObjectWriter()
            upstream.string("host", health.host)
            upstream.identifier("circuit", health.circuit.rawValue)
            upstream.raw("rate_budget", budget.finish())
            upstreams.append(contentsOf: upstream.finish())
        }
        upstreams.append(UInt8(ascii: "]"))
        var body = Self.summary(factory, configured: credentials != nil)
        body.raw("upstreams", upstreams)
        return JSONResponse.make(bytes: body.finish())
    }

    // MARK: - Items

    /// `readFields` reads the query or the body once the connector is known to be there and
    /// configured: the GET and POST forms refuse the same request the same way (404, 403
    /// before 415 or 400), as the writes do.
    func listItems(_ readFields: () throws -> RequestFields, _ context: GatewayContext) async throws -> HTTPResponse {
        let (connector, key) = try connector(context, for: .listItems)
        let fields = try readFields()
        var errors = fields.errors(allowed: ["limit", "cursor", "status", "since", "include_raw"])
        let limit = fields.integer("limit", in: 1...100, errors: &errors) ?? 20
        let statusText = fields.string("status", errors: &errors)
        let status = Self.status(statusText, errors: &errors)
        let sinceText = fields.string("since", errors: &errors)
        let since = Self.timestamp(sinceText, field: "since", fromQuery: fields.fromQuery, errors: &errors)
        let includeRaw = fields.bool("include_raw", errors: &errors) ?? false
        var cursor = openCursor(fields.string("cursor", errors: &errors), key: key, context, errors: &errors)
        let filter = ListFilter(status: status ?? nil, since: since).continuing(
            &cursor, statusGiven: statusText != nil && status != nil, sinceGiven: sinceText != nil && since != nil, errors: &errors)
        try Self.check(errors)
        try Self.checkIfMatch(context)
        let query = ListQuery(status: filter.status, limit: limit, cursor: cursor, since: filter.since, includeRaw: includeRaw)
        let page = try await connector.listItems(query, deadline: deadline())
        var body = JSONObjectWriter(capacity: page.items.count * 400 + 128)
        var nextCursor = page.nextCursor
        body.items("items", (consume page).items)
        // Taken out, not copied: the cursor's state is then held once, and adding the filter
        // to it does not copy its fields first.
        var sealed: String?
        if var next = nextCursor.take() {
            next[ListFilter.cursorField] = filter.cursorValue
            sealed = try seal(next, key: key, context)
        }
        body.string("next_cursor", sealed)
        return JSONResponse.make(bytes: body.finish())
    }

    func item(_ request: HTTPRequest, _ context: GatewayContext) async throws -> HTTPResponse {
        let (connector, key) = try connector(context, for: .item)
        let fields = try RequestFields.query(of: request)
        var errors = fields.errors(allowed: ["include_raw"])
        let includeRaw = fields.bool("include_raw", errors: &errors) ?? false
        let id = itemID(context, errors: &errors)
        try Self.check(errors)
        try checkShape(of: id, key)
        try Self.checkIfMatch(context)
        let item = try await connector.item(id: id, includeRaw: includeRaw, deadline: deadline())
        return JSONResponse.make(bytes: item.json())
    }

    func reply(_ request: HTTPRequest, _ context: GatewayContext) async throws -> HTTPResponse {
        let (connector, key) = try connector(context, for: .reply)
        let fields = try RequestFields.json(of: request, emptyAllowed: false)
        var errors: [FieldError] = []
        let id = itemID(context, errors: &errors)
        errors += fields.errors(allowed: ["text", "replace"])
        let text = fields.string("text", errors: &errors)
        let replace = fields.bool("replace", errors: &errors) ?? false
        switch fields["text"] {
        case nil, .null?: errors.append(FieldError("text", "is required"))
        default: break
        }
        // The marketplace's bounds are checked here too (the connector checks them again), so a
        // text too long is reported beside the request's other mistakes, in the same words on
        // every connector: Unicode scalars, as both marketplaces count.
        let factory = try? registry.factory(for: key)
        let bounds = factory?.replyLength
        if replace, factory?.replyReplaces != true {
            errors.append(FieldError("replace", "\(key.marketplace)/\(key.channel) replies never replace an answer: leave it out"))
        }
        if let text, ReplyText.isBlank(text) {
            errors.append(FieldError("text", "must not be blank"))
        } else if let text, text.unicodeScalars.contains(where: Self.isControl) {
            errors.append(FieldError("text", "must not contain control characters (other than tab, line feed and carriage return)"))
        } else if let text, let bounds, !bounds.contains(text.unicodeScalars.count) {
            errors.append(FieldError("text", "must be \(bounds.lowerBound) to \(bounds.upperBound) characters (Unicode scalars), got \(text.unicodeScalars.count)"))
        }
        Self.checkIdempotencyKey(request, errors: &errors)
        try Self.check(errors)
        try checkShape(of: id, key)
        try Self.checkIfMatch(context)
        let until = deadline()
        // A replacing reply is another request than one that is not, under the same key.
        var content = Array((text ?? "").utf8)
        if replace { content += [0] + Array("replace".utf8) }
        return try await idempotently(request, context, content: content) {
            let receipt = try await connector.reply(to: id, text: text ?? "", replacing: replace, deadline: until)
            var body = JSONObjectWriter()
            body.string("item_id", receipt.itemID)
            body.string("reply_id", receipt.replyID)
            body.string("created_at", receipt.createdAt?.rfc3339)
            return JSONResponse.make(bytes: body.finish())
        }
    }

    func markRead(_ request: HTTPRequest, _ context: GatewayContext) async throws -> HTTPResponse {
        let (connector, key) = try connector(context, for: .markRead)
        let fields = try RequestFields.json(of: request, emptyAllowed: true)
        var errors: [FieldError] = []
        let id = itemID(context, errors: &errors)
        errors += fields.errors(allowed: [])
        Self.checkIdempotencyKey(request, errors: &errors)
        try Self.check(errors)
        try checkShape(of: id, key)
        try Self.checkIfMatch(context)
        let until = deadline()
        return try await idempotently(request, context, content: [], harmlessTwice: true) {
            try await connector.markRead(id: id, deadline: until)
            return HTTPResponse(status: .noContent)
        }
    }

    /// `readFields` as for `listItems`.
    func updates(_ readFields: () throws -> RequestFields, _ context: GatewayContext) async throws -> HTTPResponse {
        let (connector, key) = try connector(context, for: .updates)
        let fields = try readFields()
        var errors = fields.errors(allowed: ["limit", "cursor"])
        let limit = fields.integer("limit", in: 1...100, errors: &errors) ?? 50
        let cursor = openCursor(fields.string("cursor", errors: &errors), key: key, context, errors: &errors)
        try Self.check(errors)
        try Self.checkIfMatch(context)
        let page = try await connector.updates(since: cursor, limit: limit, deadline: deadline())
        var body = JSONObjectWriter(capacity: page.items.count * 400 + 128)
        let (nextCursor, hasMore) = (page.nextCursor, page.hasMore)
        body.items("items", (consume page).items)
        body.string("next_cursor", try seal(nextCursor, key: key, context))
        body.bool("has_more", hasMore)
        return JSONResponse.make(bytes: body.finish())
    }

    // MARK: - Helpers

    /// `cursor` sealed for the tenant; when the sealed form is longer than a cursor may be (the
    /// marketplace's own list position is that long), the marketplace's failure instead: a
    /// cursor handed out that would not open again would leave the client stuck on this page,
    /// told its cursor is not one the server issued.
    private func seal(_ cursor: Cursor, key: ConnectorKey, _ context: GatewayContext) throws(ConnectorError) -> String {
        let sealed = cursors.seal(cursor, for: key, tenant: context.tenant?.id ?? "")
        guard sealed.utf8.count <= CursorCodec.maxLength else {
            throw .upstreamError(UpstreamFailure(
                marketplace: key.marketplace, status: 200,
                message: "the marketplace's list position is too long to carry in a cursor (\(sealed.utf8.count) characters sealed,"
                    + " at most \(CursorCodec.maxLength))"))
        }
        return sealed
    }

    private func deadline() -> ContinuousClock.Instant { .now + upstreamDeadline }

    private func requireTenant(_ context: GatewayContext) throws(GatewayError) -> Tenant {
        guard let tenant = context.tenant else { throw .unauthorized(detail: "An API key is required.") }
        return tenant
    }

    private func connectorKey(_ context: GatewayContext) throws -> ConnectorKey {
        guard let marketplace = context.parameters["marketplace"], let channel = context.parameters["channel"] else {
            throw GatewayError.notFound(path: "")
        }
        return ConnectorKey(Marketplace(rawValue: marketplace), Channel(rawValue: channel))
    }

    /// The tenant's connector for the path's key, for `operation`: one the connector lacks is
    /// `operation_not_supported` whether or not the tenant has credentials for it.
    private func connector(_ context: GatewayContext, for operation: ConnectorOperation) throws -> (any ChannelConnector, ConnectorKey) {
        let tenant = try requireTenant(context)
        let key = try connectorKey(context)
        let connector = try registry.connector(for: key, tenant: tenant.id, credentials: tenant.credentials[key.marketplace],
                                               operation: operation)
        return (connector, key)
    }

    /// The cursor, or nil with its error added to `errors`, so it is reported beside the others.
    private func openCursor(_ sealed: String?, key: ConnectorKey, _ context: GatewayContext, errors: inout [FieldError]) -> Cursor? {
        guard let sealed, !sealed.isEmpty else { return nil }
        do {
            return try cursors.open(sealed, for: key, tenant: context.tenant?.id ?? "")
        } catch {
            // Worded as the other fields' messages, which the detail puts after the field's name.
            errors.append(FieldError("cursor", "is not one this server issued for this connector and tenant"))
            return nil
        }
    }

    /// Runs a write under the request's `Idempotency-Key`, if it has one. The request's
    /// fingerprint is its method, route with decoded parameters, and `content`: what the body means once validated (the
    /// reply's text; nothing for mark read), so the same request written another way (spacing,
    /// an empty body or `{}`) is the same request, not a 422.
    ///
    /// Under a key the write runs in a task of its own, which a client going away (its
    /// connection reset, so the request's task is cancelled) does not cancel: the outcome kept
    /// for the retry is the marketplace's, not a cancellation of ours passed off as one. Nor
    /// does the end of a drain's grace period: the gateway's own upstream client ends its calls
    /// then (the outcome is the cancelled call's, kept, and answered to a client still waiting);
    /// a URLSession call (`https`) runs to its deadline, its outcome lost with the process, as
    /// any in-flight request's is.
    /// `harmlessTwice` (a mark-read): run again after a restart cut it short, rather than
    /// answered with the unknown outcome, which is for writes that must not be repeated.
    private func idempotently(_ request: HTTPRequest, _ context: GatewayContext, content: [UInt8], harmlessTwice: Bool = false,
                              _ operation: @escaping @Sendable () async throws -> HTTPResponse) async throws -> HTTPResponse {
        guard let key = try Self.idempotencyKey(of: request) else {
            do {
                return try await operation()
            } catch let error as ConnectorError where context.upstreamCounter.mayHaveChangedUpstream {
                // Without a key, sending it again could write twice.
                throw Self.mayHaveApplied(error, secrets: try requireTenant(context).secrets,
                                          advice: "look at the item before sending it again, or send writes with an"
                                              + " Idempotency-Key, under which a retry replays this outcome.")
            }
        }
        let tenant = try requireTenant(context)
        var fingerprint = SHA256()
        fingerprint.update(request.method.rawValue.utf8)
        fingerprint.update([0])
        // The route and its decoded parameters: `items/a%62c` is `items/abc`.
        fingerprint.update(context.route?.description.utf8 ?? request.path.utf8)
        for (_, value) in context.parameters.values {
            fingerprint.update([0])
            fingerprint.update(value.utf8)
        }
        fingerprint.update([0])
        fingerprint.update(content)
        let instance = Problem.instance(of: request.path)
        // The stored answers name this request; on disk (the journal) an id that is a secret the
        // gateway holds is not repeated, as the log does not repeat it.
        let storedID = context.requestIDUnlogged ? AccessLogMiddleware.redacted : context.requestID
        switch try idempotency.begin(tenant: tenant.id, key: key, fingerprint: fingerprint.finalize(),
                                     fallback: IdempotencyStore.unknownOutcome.response(requestID: storedID, instance: instance),
                                     freedIfCutShort: harmlessTwice) {
        case .replay(var response):
            // An outcome is replayed only once it is on disk, as it was answered the first time:
            // a restart must not change the answer a key gets.
            try? await idempotency.persisted(tenant: tenant.id, key: key)
            context.metrics?.recordIdempotentReplay()
            response.headers.add("Idempotent-Replayed", "true")
            return response
        case .proceed:
            do {
                // Nothing goes upstream before the claim is on disk: a restart must not forget it.
                try await idempotency.persisted(tenant: tenant.id, key: key)
            } catch {
                idempotency.abandon(tenant: tenant.id, key: key)
                throw Self.notRecorded(error, undone: !idempotency.journalBroken)
            }
            do {
                let response = try await Task(executorPreference: LoopExecutor.current) { try await operation() }.value
                idempotency.complete(tenant: tenant.id, key: key, response: response)
                // Answered only once the outcome is on disk. Should that write fail (the journal
                // logs it), the claim on disk still keeps a retry from writing again.
                try? await idempotency.persisted(tenant: tenant.id, key: key)
                return response
            } catch let error as ConnectorError where context.upstreamCounter.mayHaveChangedUpstream {
                // A write went out and may have been applied before the request failed (no answer
                // in time, a broken connection, a 5xx, or a later call's failure): the outcome is
                // kept, so a retry under this key replays it rather than writing twice. A failure
                // before any write, or of writes the marketplace refused, frees the key below.
                // Sending it again under this key only replays this answer.
                let problem = Self.mayHaveApplied(error, secrets: tenant.secrets,
                                                  advice: "under this Idempotency-Key the outcome stays as it is."
                                                      + " Look at the item, and send again with a new key if the reply is not there.")
                idempotency.complete(tenant: tenant.id, key: key,
                                     response: problem.response(requestID: storedID, instance: instance))
                try? await idempotency.persisted(tenant: tenant.id, key: key)
                throw problem
            } catch {
                idempotency.abandon(tenant: tenant.id, key: key)
                // Answered once the key is free on disk too, so that a retry after a restart does
                // not meet the claim's "not recorded" (should that write fail, it would: nothing
                // is sent twice either way).
                await idempotency.persistedAll()
                throw error
            }
        }
    }

    /// The problem for a keyed write whose claim the journal could not record: nothing was sent,
    /// and the key is free again. When the journal could not cut the failed write back off
    /// (`undone` false), the claim may be read back after a restart with its release never
    /// written, and the key then answers that its outcome is unknown: the caller is told to use
    /// a new one rather than promised a key that a restart takes back.
    static func notRecorded(_ error: IdempotencyJournalError, undone: Bool = true) -> Problem {
        let detail = undone
            ? "The gateway could not record the Idempotency-Key on disk, so nothing was sent to the marketplace;"
                + " the key is free, and the request can be sent again."
            : "The gateway could not record the Idempotency-Key on disk, so nothing was sent to the marketplace."
                + " Nor could it undo the failed write, so keyed writes fail until the gateway is restarted, and after that"
                + " this key may answer that its outcome is unknown: send the request again under a new Idempotency-Key."
        return Problem(status: 500, code: "internal_error", title: Problem.internalError.title, detail: detail, retryable: true)
    }

    /// The problem for a write that failed after it went out, so the marketplace may have applied
    /// it: not retryable as it is (sent again it could write twice), with no wait to announce,
    /// and `advice` on what to do instead.
    private static func mayHaveApplied(_ error: ConnectorError, secrets: [String], advice: String) -> Problem {
        var problem = Problem(error.redacting(secrets))
        if problem.status == 429 || problem.status == 503 {
            // Both say "not done, later" (RFC 9110 §15.6.4, RFC 6585 §4), and a client or proxy
            // that sends again on them would write twice: the row of a marketplace failure.
            (problem.status, problem.code, problem.title) = (502, "upstream_error", Problem.upstreamErrorTitle)
        }
        if !problem.detail.hasSuffix(".") { problem.detail += "." }
        problem.detail += " The marketplace may have applied it: " + advice
        problem.retryable = false
        problem.retryAfter = nil
        return problem
    }

    /// C0 and C1 controls and DEL, which no marketplace shows and a buyer would see as garbage or
    /// nothing; tab, line feed and carriage return are text.
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0D: false
        case 0x00...0x1F, 0x7F...0x9F: true
        default: false
        }
    }

    /// The key: a structured-field string (RFC 8941 §3.3.3: `"…"`, printable ASCII, `\"` and
    /// `\\` escaped), as the IETF draft specifies, or a bare token of visible ASCII without `"`
    /// and `;`; 1 to 255 characters either way, and any parameters after it ignored, so that
    /// `"abc";p=1` and `abc;p=1` are the same key. Nil when it is neither.
    static func idempotencyKey(_ value: String) -> String? {
        let text = Array(value.trimmingOWS().utf8)
        var key: [UInt8] = []
        if text.first == UInt8(ascii: "\"") {
            var index = 1
            var closed = false
            while index < text.count {
                let byte = text[index]
                index += 1
                if byte == UInt8(ascii: "\"") {
                    closed = true
                    break
                }
                if byte == UInt8(ascii: "\\") {
                    guard index < text.count, text[index] == UInt8(ascii: "\"") || text[index] == UInt8(ascii: "\\") else { return nil }
                    key.append(text[index])
                    index += 1
                    continue
                }
                guard byte >= 0x20, byte < 0x7F else { return nil }
                key.append(byte)
            }
            // Parameters may follow an item; the key is the string alone.
            guard closed, isParameters(text[index...]) else { return nil }
        } else {
            // Not `,`: two fields a proxy joined into one (`k1,k2`) are two keys, not a new one.
            let end = text.firstIndex(of: UInt8(ascii: ";")) ?? text.endIndex
            guard text[..<end].allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: ",") }),
                  isParameters(text[end...]) else { return nil }
            key = Array(text[..<end])
        }
        guard (1...255).contains(key.count) else { return nil }
        return String(decoding: key, as: UTF8.self)
    }

    /// Structured-field parameters (RFC 8941 §3.1.2), read for their shape only:
    /// `*( ";" *SP key [ "=" value ] )`, a key as the RFC spells it, a value a quoted string or a
    /// run of visible ASCII without `;` or `,`. Anything else after the key's string (a list, a
    /// stray `;`) makes the field malformed.
    private static func isParameters(_ bytes: ArraySlice<UInt8>) -> Bool {
        var index = bytes.startIndex
        func isKeyStart(_ byte: UInt8) -> Bool { (0x61...0x7A).contains(byte) || byte == UInt8(ascii: "*") }
        func isKeyByte(_ byte: UInt8) -> Bool {
            isKeyStart(byte) || (0x30...0x39).contains(byte) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
                || byte == UInt8(ascii: ".")
        }
        while index < bytes.endIndex {
            guard bytes[index] == UInt8(ascii: ";") else { return false }
            index += 1
            while index < bytes.endIndex, bytes[index] == UInt8(ascii: " ") { index += 1 }
            guard index < bytes.endIndex, isKeyStart(bytes[index]) else { return false }
            while index < bytes.endIndex, isKeyByte(bytes[index]) { index += 1 }
            guard index < bytes.endIndex, bytes[index] == UInt8(ascii: "=") else { continue }
            index += 1
            guard index < bytes.endIndex else { return false }
            if bytes[index] == UInt8(ascii: "\"") {
                index += 1
                while index < bytes.endIndex, bytes[index] != UInt8(ascii: "\"") {
                    guard bytes[index] >= 0x20, bytes[index] < 0x7F else { return false }
                    index += bytes[index] == UInt8(ascii: "\\") ? 2 : 1
                }
                guard index < bytes.endIndex else { return false }
                index += 1
            } else {
                let start = index
                while index < bytes.endIndex, bytes[index] > 0x20, bytes[index] < 0x7F,
                      bytes[index] != UInt8(ascii: ";"), bytes[index] != UInt8(ascii: ",") { index += 1 }
                guard index > start else { return false }
            }
        }
        return true
    }

    /// The request's `Idempotency-Key`, nil when it sends none; one malformed (or two of them) is
    /// `invalid_request`.
    private static func idempotencyKey(of request: HTTPRequest) throws(GatewayError) -> String? {
        let values = request.headers.values("Idempotency-Key")
        guard !values.isEmpty else { return nil }
        guard values.count == 1, let key = idempotencyKey(values[0]) else {
            throw .invalidRequest(detail: "Idempotency-Key must be one string of 1 to 255 visible characters.",
                                  errors: [malformedKey])
        }
        return key
    }

    private static let malformedKey = FieldError("Idempotency-Key", "is malformed")

    /// A malformed `Idempotency-Key`, reported beside the body's mistakes rather than after they
    /// are fixed.
    private static func checkIdempotencyKey(_ request: HTTPRequest, errors: inout [FieldError]) {
        do { _ = try idempotencyKey(of: request) } catch { errors.append(malformedKey) }
    }

    private static func check(_ errors: [FieldError]) throws(GatewayError) {
        let errors = FieldError.onePerField(errors)
        guard errors.isEmpty else {
            // The detail names the first few; `errors` has the rest (up to `Problem.maxErrors`).
            let named = errors.prefix(5).map { $0.field.isEmpty ? "a field with an empty name \($0.message)" : "\($0.field) \($0.message)" }.joined(separator: "; ")
            throw .invalidRequest(detail: errors.count > 5 ? named + "; and \(errors.count - 5) more." : named, errors: errors)
        }
    }

    /// The registry's routes take no parameters, in the query or in a body (as the lists' GETs
    /// refuse a body): one given is a mistake to report, not to ignore.
    private static func refuseParameters(_ request: HTTPRequest) throws(GatewayError) {
        guard !(request.queryBytes ?? []).isEmpty || !request.body.isEmpty else { return }
        try check(try RequestFields.query(of: request).errors(allowed: []))
    }

    /// nil: not given; .some(nil): all.
    private static func status(_ text: String?, errors: inout [FieldError]) -> Item.Status?? {
        switch text {
        case nil, "all": return .some(nil)
        case "unanswered": return .some(.unanswered)
        case "answered": return .some(.answered)
        default:
            errors.append(FieldError("status", "must be unanswered, answered or all"))
            return nil
        }
    }

    /// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z: what an RFC 3339 date-time can name in UTC.
    static let timestampRange: ClosedRange<Int64> = -62_135_596_800_000...253_402_300_799_999

    /// `T` between date and time and an offset of `Z` or `±hh:mm`, as RFC 3339 §5.6 writes them:
    /// `FlexibleDate` also reads the forms upstreams send (a space, `+0300`), which a client's
    /// input, documented as RFC 3339, does not get.
    private static func hasRFC3339Shape(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20, bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: "t") else { return false }
        if let last = bytes.last, last == UInt8(ascii: "Z") || last == UInt8(ascii: "z") { return true }
        let sign = bytes[bytes.count - 6]
        return (sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-")) && bytes[bytes.count - 3] == UInt8(ascii: ":")
    }

    private static func timestamp(_ text: String?, field: String, fromQuery: Bool, errors: inout [FieldError]) -> Timestamp? {
        guard let text else { return nil }
        // Only RFC 3339 is documented for clients; numbers are refused to avoid unit confusion.
        // Taken to the millisecond, as item times are (the marketplaces' finer digits are cut):
        // an item at or after the instant is never left out, though one earlier within its
        // millisecond may come in.
        guard Self.hasRFC3339Shape(text), let timestamp = FlexibleDate.parse(text) else {
            // A space where an offset's + belongs is what form decoding makes of an unescaped +.
            let hint = fromQuery && text.contains(" ") ? " (a + in a query string must be sent as %2B)" : ""
            errors.append(FieldError(field, "must be an RFC 3339 date-time, e.g. 2026-05-14T08:21:37Z\(hint)"))
            return nil
        }
        // An offset can carry a date at a year's edge past it: the marketplace could not read it.
        guard timestampRange.contains(timestamp.millisecondsSinceEpoch) else {
            errors.append(FieldError(field, "must fall between years 0001 and 9999 in UTC"))
            return nil
        }
        return timestamp
    }
}
