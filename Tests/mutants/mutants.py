"""Mutation check: each mutant below is a small, plausible bug in a rule a user relies on (a rate
limit's boundary, an idempotency fingerprint, a constant-time compare, a header a client reads).
For each, the source is changed, the tests are built and the whole suite is run; the suite must
fail (the mutant is "killed"). A mutant that survives names a rule no test holds.

    python3 Tests/mutants/mutants.py            # all of them, ~2 minutes each on 2 cores
    python3 Tests/mutants/mutants.py 3 7        # some, by number
    SCRATCH=.build-mutants python3 Tests/mutants/mutants.py

Not part of `.ci/run` (an incremental build and the whole suite per mutant: about three hours
for all of them). `Sources` must have no uncommitted change: each
file is put back with `git checkout` after its mutant, also when interrupted. A mutant whose text
is no longer in its file (stale) or that no longer builds fails the run as a survivor does:
update it with the code it was written against.

Equivalent mutants are not listed: `entry.expires > now || entry.response == nil` in
IdempotencyStore.begin loses nothing without its second half, as the eviction just before it
gives an entry still running a fresh lifetime (mutating that eviction is listed, and killed).
"""
import os
import re
import signal
import subprocess
import sys
import time

MUTANTS = [
    ("tenant rate limit refuses at the boundary", "Sources/Gateway/Tenants/TenantRateLimiter.swift",
     "max(next, now) - tolerance > now", "max(next, now) - tolerance >= now"),
    ("RateLimit's r not capped by the policy's quota", "Sources/Gateway/Tenants/TenantRateLimiter.swift",
     "let remaining = min(bucket.quota, max(0, bucket.limit.burst - used))", "let remaining = max(0, bucket.limit.burst - used)"),
    ("RateLimit's t says 0 while a unit is missing", "Sources/Gateway/Tenants/TenantRateLimiter.swift",
     "            reset = 1\n", "            reset = 0\n"),
    ("idempotency fingerprint ignored (no 422)", "Sources/Gateway/Idempotency/IdempotencyStore.swift",
     "guard entry.fingerprint == fingerprint else", "guard entry.fingerprint == fingerprint || true else"),
    ("a request still running loses its key at expiry", "Sources/Gateway/Idempotency/IdempotencyStore.swift",
     "                    if entry.response == nil {\n                        entry.expires = now + lifetime\n                        put(key, entry)\n"
     "                    } else {\n                        _ = remove(key)\n                    }",
     "                    _ = remove(key)"),
    ("constant-time compare skips the last byte", "Sources/Hashing/ConstantTimeEqual.swift",
     "for index in 0..<x.count { difference", "for index in 0..<max(0, x.count - 1) { difference"),
    ("circuit opens one failure late", "Sources/Connectors/Resilience/CircuitBreaker.swift",
     "if s.consecutiveFailures >= failureThreshold { s.openedUntil = now + coolDown }",
     "if s.consecutiveFailures > failureThreshold { s.openedUntil = now + coolDown }"),
    ("X-Ratelimit-Retry ignored", "Sources/Connectors/Resilience/RetryAfter.swift",
     "if let value = response.header(\"x-ratelimit-retry\"), let seconds = seconds(value) { return seconds }", ""),
    ("upstream Retry-After not capped at a day", "Sources/Connectors/Resilience/RetryAfter.swift",
     "Int64((min(value, 86_400) * 1000).rounded(.up))", "Int64((value * 1000).rounded(.up))"),
    ("a 4xx from the marketplace retried", "Sources/Connectors/Upstream/UpstreamCaller.swift",
     "breaker.record(.success, for: admission)\n            return .failure(error, retryAfter: nil, retryable: false)",
     "breaker.record(.success, for: admission)\n            return .failure(error, retryAfter: nil, retryable: true)"),
    ("Wildberries feedbacks burst 7, not 6", "Sources/Connectors/Resilience/RateLimit.swift",
     "RateLimit(burst: 6, interval: .nanoseconds(333_333_334))", "RateLimit(burst: 7, interval: .nanoseconds(333_333_334))"),
    ("reply length counted in bytes, not characters", "Sources/Gateway/Handlers/ConnectorService.swift",
     "!bounds.contains(text.unicodeScalars.count)", "!bounds.contains(text.utf8.count)"),
    ("list limit takes 101", "Sources/Gateway/Handlers/ConnectorService.swift",
     "let limit = fields.integer(\"limit\", in: 1...100, errors: &errors) ?? 20",
     "let limit = fields.integer(\"limit\", in: 1...101, errors: &errors) ?? 20"),
    ("a text/plain body accepted as JSON", "Sources/Gateway/Handlers/RequestFields.swift",
     "guard mediaType == \"application/json\" ||", "guard mediaType == \"application/json\" || mediaType == \"text/plain\" ||"),
    ("X-API-Key not read", "Sources/Gateway/Middleware/AuthenticationMiddleware.swift",
     "let apiKey = request.headers.values(\"X-API-Key\")", "let apiKey = request.headers.values(\"X-API-Key-Off\")"),
    ("an incoming X-Request-ID of 129 characters kept", "Sources/Gateway/Middleware/RequestIDMiddleware.swift",
     "guard (1...128).contains(bytes.count)", "guard (1...129).contains(bytes.count)"),
    ("X-Request-ID missing on problems", "Sources/Gateway/Middleware/RequestIDMiddleware.swift",
     "response.headers.add(\"X-Request-ID\", context.requestID)",
     "if response.status.code < 400 { response.headers.add(\"X-Request-ID\", context.requestID) }"),
    ("upstream_timeout said not retryable", "Sources/Gateway/Problems/Problem+ConnectorError.swift",
     "detail: failure?.message ?? \"The marketplace did not answer in time.\",\n                      retryable: true,",
     "detail: failure?.message ?? \"The marketplace did not answer in time.\",\n                      retryable: false,"),
    ("secrets redacted in their own letter case only", "Sources/Connectors/Model/ConnectorError+Redacting.swift",
     "(UInt8(ascii: \"A\")...UInt8(ascii: \"Z\")).contains(byte) ? byte | 0x20 : byte", "byte"),
    ("a cursor opens for another tenant", "Sources/Connectors/Cursor/CursorCodec.swift",
     "        hmac.update(tenant.utf8)\n", ""),
    ("an Ozon review is never answered", "Sources/Marketplaces/Ozon/OzonReviewConnector.swift",
     "status: review.status?.state == .processed ? .answered : .unanswered", "status: .unanswered"),
    ("differing Content-Lengths taken", "Sources/HTTP/HeadSemantics.swift",
     "if contentLength >= 0, contentLength != value { throw .conflictingContentLength }", "if contentLength >= 0, contentLength != value { }"),
    ("a silent connection's header timeout answers 408", "Sources/Server/Connection.swift",
     "if parser.hasNotBegunARequest, !pendingHoldsARequest {\n                close()", "if false {\n                close()"),
    ("a raw control character taken inside a JSON string", "Sources/Connectors/Model/JSONParser.swift",
     "            if byte < 0x20 { throw error(\"a control character must be escaped in a string\") }\n            high |= byte",
     "            high |= byte"),
    ("idempotency fingerprint ignores the item id", "Sources/Gateway/Handlers/ConnectorService.swift",
     "            fingerprint.update([0])\n            fingerprint.update(value.utf8)\n", "            fingerprint.update([0])\n"),
    ("an Idempotency-Key of 256 characters taken", "Sources/Gateway/Handlers/ConnectorService.swift",
     "guard (1...255).contains(key.count) else { return nil }", "guard (1...256).contains(key.count) else { return nil }"),
    ("X-Forwarded-For believed from any peer", "Sources/Gateway/Proxy/TrustedProxies.swift",
     "guard trusts(peer) else { return peer }", "guard trusts(peer) || true else { return peer }"),
    ("X-Forwarded-For's nearest hop taken though trusted", "Sources/Gateway/Proxy/TrustedProxies.swift",
     "                client = hop\n                guard trusts(hop) else { return hop }", "                return hop"),
    ("a CIDR range matches only its own address", "Sources/Gateway/Proxy/CIDR.swift",
     "let keep = min(8, max(0, length - index * 8))", "let keep = 8"),
    ("401 without WWW-Authenticate", "Sources/Gateway/Problems/Problem+GatewayError.swift",
     "headers: [(\"WWW-Authenticate\", \"Bearer realm=\\\"connector-gateway\\\"\")])", "headers: [])"),
    ("HEAD not answered by the GET route", "Sources/Gateway/Routing/Router.swift",
     "let wanted: HTTPMethod = method == .head ? .get : method", "let wanted: HTTPMethod = method"),
    ("Allow leaves out HEAD", "Sources/Gateway/Routing/Router.swift",
     "names.insert(\"HEAD\", at: headAfterGet ? get + 1 : names.endIndex)", "_ = get"),
    ("a chunk size past Int's range wraps", "Sources/HTTP/ChunkedBodyDecoder.swift",
     "if chunkSize > (Int.max >> 4) { throw .bodyTooLarge }", "if chunkSize < 0 { throw .bodyTooLarge }"),
    ("HTTP/1.1 without Host taken", "Sources/HTTP/RequestHeadParser.swift",
     "if version.isHTTP11OrLater, s.hostCount == 0 { throw .missingHost }", "if version.isHTTP11OrLater, s.hostCount < 0 { throw .missingHost }"),
    ("any metrics token taken", "Sources/Gateway/Handlers/HealthService.swift",
     "guard constantTimeEqual(SHA256.hash(token.utf8), expected) else {", "guard constantTimeEqual(SHA256.hash(token.utf8), expected) || true else {"),
    ("a Wildberries feedback's pros and cons dropped", "Sources/Marketplaces/Wildberries/WildberriesFeedback+Item.swift",
     "let body = [text, pros.isEmpty ? \"\" : Self.prosLabel + pros, cons.isEmpty ? \"\" : Self.consLabel + cons]", "let body = [text]"),
    ("a Wildberries answer turned down by moderation counts as answered", "Sources/Marketplaces/Wildberries/WildberriesAnswer.swift",
     "var wasRejected: Bool { state == \"rejected\" || state == \"rejectedAntispam\" }", "var wasRejected: Bool { state == \"rejected\" }"),
    ("Wildberries 402 (unpaid service) taken as bad credentials", "Sources/Marketplaces/Wildberries/WildberriesErrorClassifier.swift",
     "return .upstreamAuthFailed(failure.lackingEntitlement)", "return .upstreamAuthFailed(failure)"),
    ("Wildberries maintenance not answered 503", "Sources/Marketplaces/Wildberries/WildberriesErrorClassifier.swift",
     "        if body.isMaintenance {\n            return .upstreamUnavailable(retryAfter: RetryAfter.delay(in: response) ?? Self.maintenanceWait, failure)\n        }\n", ""),
    ("Ozon's missing subscription taken as bad credentials", "Sources/Marketplaces/Ozon/OzonErrorClassifier.swift",
     "case 403 where lower.contains(\"subscription\") || lower.contains(\"offer not signed\"):", "case 403 where false:"),
    ("Ozon's \"Circle is open\" block not answered 503", "Sources/Marketplaces/Ozon/OzonErrorClassifier.swift",
     "if Self.blocksMethod(lower) { return .upstreamUnavailable(retryAfter: retryAfter ?? Self.blockedMethodWait, failure) }", ""),
    ("Ozon's refusal of a write reported as a 502", "Sources/Marketplaces/Ozon/OzonErrorClassifier.swift",
     "return Self.isWrite(request) ? .upstreamRejected(failure) : .upstreamError(failure)", "return .upstreamError(failure)"),
    ("HTTP/1.1 keeps the connection despite Connection: close", "Sources/HTTP/RequestHeadParser.swift",
     "keepAlive: http11 ? !s.connectionClose : (s.connectionKeepAlive && !s.connectionClose),",
     "keepAlive: http11 ? true : (s.connectionKeepAlive && !s.connectionClose),"),
    ("HTTP/1.0 kept alive without asking", "Sources/HTTP/RequestHeadParser.swift",
     "keepAlive: http11 ? !s.connectionClose : (s.connectionKeepAlive && !s.connectionClose),",
     "keepAlive: http11 ? !s.connectionClose : !s.connectionClose,"),
    ("two Host fields taken", "Sources/HTTP/RequestHeadParser.swift",
     "if s.hostCount > 1 { throw .duplicateHost }", "if s.hostCount > 2 { throw .duplicateHost }"),
    ("Transfer-Encoding taken on HTTP/1.0", "Sources/HTTP/RequestHeadParser.swift",
     "if !version.isHTTP11OrLater { throw .transferEncodingInHTTP10 }", ""),
    ("CONNECT keeps the connection", "Sources/Server/Connection+Input.swift",
     "keepAlive = head.keepAlive && head.method != .connect", "keepAlive = head.keepAlive"),
    ("a response over the per-connection output limit does not hold back the next request", "Sources/Server/Connection+Input.swift",
     "(interest & CS_EPOLLOUT != 0 || output.count > loop.configuration.maxPendingOutput\n", "(interest & CS_EPOLLOUT != 0\n"),
    ("the drain's end drops requests still running instead of answering them", "Sources/Server/EventLoop+GracePeriod.swift",
     "            cutRunningRequests()\n            return", "            closeAll()\n            return"),
    ("a request cut short by the drain logged as 499", "Sources/Gateway/Middleware/AccessLogMiddleware.swift",
     "let cancelled = Task.isCancelled && !context.connection.isCutShortByDrain", "let cancelled = Task.isCancelled"),
    ("the gateway's own failure to open a connection charges the host's circuit", "Sources/Connectors/Upstream/UpstreamCaller.swift",
     "(.neutral, .upstreamError(failure(\"the gateway could not open a connection", "(.failure, .upstreamError(failure(\"the gateway could not open a connection"),
    ("a record appended while the journal closes is told it was written", "Sources/Gateway/Idempotency/IdempotencyJournal.swift",
     "guard !pending.closed else { return (Self.unwritten, false) }\n            pending.queued += 1\n",
     "pending.queued += 1\n            guard !pending.closed else { return (pending.queued, false) }\n"),
    ("a crash in an empty journal's first write stops the next start", "Sources/Gateway/Idempotency/IdempotencyJournal+File.swift",
     "|| bytes.allSatisfy({ $0 == 0 }) {", "&& false {"),
    ("a reply of Hangul fillers and direction marks alone is posted", "Sources/Connectors/Model/ReplyText.swift",
     "0x2060...0x206F, 0x3164,", "0x2060...0x206F,"),
    ("the metrics token sent as a request id is logged", "Sources/Gateway/GatewayContext.swift",
     "requestIDUnlogged ? AccessLogMiddleware.redacted : requestID", "requestID"),
    ("a claim the journal could not undo promises its key free", "Sources/Gateway/Handlers/ConnectorService.swift",
     "undone: !idempotency.journalBroken)", "undone: true)"),
    ("a Retry-After repeated as two dates read as no wait", "Sources/Connectors/Resilience/RetryAfter.swift",
     "        guard let members = members(of: value, now: now) else { return nil }\n        return members.map",
     "        guard let members = Optional<[Member]>.none else { return nil }\n        return members.map"),
    ("a cursor too long to open again handed out", "Sources/Gateway/Handlers/ConnectorService.swift",
     "guard sealed.utf8.count <= CursorCodec.maxLength else {", "guard sealed.utf8.count >= 0 else {"),
    ("an Ozon chat reply shown as markdown taken for lost (sent twice)", "Sources/Marketplaces/Ozon/OzonShownText.swift",
     "shown == sent || plain(shown, unescaping: markdown)", "shown == sent && plain(shown, unescaping: markdown)"),
    ("an Ozon 400 saying the named item is not found read as a disagreement", "Sources/Marketplaces/Ozon/OzonErrorClassifier.swift",
     "if body != nil, lower.contains(\"not found\")", "if body == nil, lower.contains(\"not found\")"),
    ("the demo's public key accepted in a configuration", "Sources/Gateway/Configuration/GatewayConfiguration.swift",
     "if text.lowercased() == Self.demoKeyDigest {", "if text == Self.demoKeyDigest + \"!\" {"),
    ("hash-key reads a line without end", "Sources/connector-gateway/HashKeyCommand.swift",
     "guard bytes.count < lineLimit else { return .tooLong }", "guard bytes.count < Int.max else { return .tooLong }"),
    ("a FIN ends no request", "Sources/Server/Connection.swift",
     "departureFrom = !finSeen && responder.halfCloseMeansDeparture(request) ?", "departureFrom = false ?"),
    ("a FIN sent with its request ends it", "Sources/Server/Connection.swift",
     "departureFrom = !finSeen && responder", "departureFrom = responder"),
    ("a FIN ends a request whose client pipelined more (read in)", "Sources/Server/Connection+Input.swift",
     "loop.now >= departureFrom && !pendingHoldsARequest && socket.holdsOnlyEmptyLinesBeforeEnd", "loop.now >= departureFrom && socket.holdsOnlyEmptyLinesBeforeEnd"),
    ("a FIN ends a request whose client pipelined more (in the socket)", "Sources/Server/Connection+Input.swift",
     "loop.now >= departureFrom && !pendingHoldsARequest && socket.holdsOnlyEmptyLinesBeforeEnd", "loop.now >= departureFrom && !pendingHoldsARequest"),
    ("a circuit refusing a retry loses its Retry-After", "Sources/Connectors/Upstream/UpstreamCaller.swift",
     "case (.upstreamError(let upstream), .upstreamUnavailable(let wait?, _)):\n            .upstreamUnavailable(retryAfter: wait, upstream)",
     "case (.upstreamError(let upstream), .upstreamUnavailable(let wait?, _)):\n            .upstreamError(upstream)"),
    ("a budget refusing a retry leaves a 429's shorter wait", "Sources/Connectors/Upstream/UpstreamCaller.swift",
     ".upstreamRateLimited(retryAfter: max(announced ?? .zero, wait), upstream)", ".upstreamRateLimited(retryAfter: announced, upstream)"),
    ("two Wildberries replies to one item write side by side", "Sources/Marketplaces/Wildberries/WildberriesSession.swift",
     "try await writeLocks.withLock(account + \"/\" + item, marketplace: .wildberries, until: deadline, clock: options.clock, body)",
     "try await body()"),
    ("a cancelled write waiter stays in line", "Sources/Connectors/Resilience/ItemWriteLocks.swift",
     "            return state.held[key]?.remove(at: index)\n", "            return nil\n"),
    ("a lost Wildberries chat message is not looked for", "Sources/Marketplaces/Wildberries/WildberriesChatConnector+SentMessage.swift",
     "event.chatID == chatID && event.sender == \"seller\" && event.addTimestamp >= from", "false"),
    ("a chat only in the stream is not read on for", "Sources/Marketplaces/Wildberries/WildberriesChatConnector.swift",
     "        if listed == nil, known() == nil { stoppedShort = try await catchUp(deadline: deadline) }\n", "\n"),
    ("a FIN cancels a reply", "Sources/Gateway/GatewayResponder.swift",
     "request.method != .post || !router.writes(.post, path: request.pathBytes)", "true"),
    ("a retry refused here hides the marketplace's failure", "Sources/Connectors/Upstream/UpstreamCaller.swift",
     "throw Self.refusedRetry(after: failure, refusal: refusal)", "throw refusal"),
    ("a slow probe presumed lost after one cool-down", "Sources/Connectors/Resilience/CircuitBreaker.swift",
     "lostAt: max(now + coolDown, deadline ?? now)", "lostAt: now + coolDown"),
    ("a call the circuit refuses after its budget wait keeps the slot", "Sources/Connectors/Upstream/UpstreamCaller.swift",
     "its probe went out, while this call waited for its slot.\n            if let waited { budget.giveBack(waited) }\n",
     "its probe went out, while this call waited for its slot.\n"),
    ("a rewrite keeps a claim whose write failed", "Sources/Gateway/Idempotency/IdempotencyStore.swift",
     "entry.response != nil || !journal.knownToHaveFailed(entry.journaled)", "entry.response != nil || entry.journaled >= 0"),
    ("an empty line before a reader's FIN keeps its handler running", "Sources/Server/Socket+Glibc.swift",
     "allSatisfy { $0 == UInt8(ascii: \"\\r\") || $0 == UInt8(ascii: \"\\n\") }", "isEmpty"),
    ("a departed reader's empty lines are left unread (its close resets)", "Sources/Server/Connection+Input.swift",
     "            _ = socket.read(into: loop.readBuffer)\n            close()\n            return\n", "            close()\n            return\n"),
    ("a reader's FIN behind bytes read in another wake-up goes unseen", "Sources/Server/Connection+Input.swift",
     "            watchOnlyForHangUp()\n            return\n", "            setReading(false)\n            return\n"),
    ("a reader's FIN right after its request is taken for its leaving", "Sources/Server/Connection.swift",
     "? loop.now &+ loop.halfCloseGrace : .max", "? loop.now : .max"),
    ("a slot given back before any 429 empties the budget", "Sources/Connectors/Resilience/RateBudget.swift",
     "state.pausedUntil.map { $0 + tolerance } ?? ends.before", "(state.pausedUntil ?? clock.now) + tolerance"),
    ("a lost chat reply is looked for past a second a page cut", "Sources/Marketplaces/Wildberries/WildberriesChatConnector+SentMessage.swift",
     "            if newest - 1 > next {", "            if false, newest - 1 > next {"),
    ("a lost chat reply is looked for by this machine's clock", "Sources/Marketplaces/Wildberries/WildberriesChatConnector+SentMessage.swift",
     "                if from - corrected > Self.confirmationWindow", "                if false, from - corrected > Self.confirmationWindow"),
    ("an id that is a configured secret is replaced (a guess is confirmed)", "Sources/Gateway/Middleware/RequestIDMiddleware.swift",
     "        return (offered, !unloggedDigests.contains(SHA256.hash(offered.utf8)))",
     "        return unloggedDigests.contains(SHA256.hash(offered.utf8)) ? nil : (offered, true)"),
    ("a pipelined head held back by the output keeps its deadline running", "Sources/Server/Connection+Output.swift",
     "if timerKind == .idle || timerKind == .header || timerKind == .body { loop.cancelTimer(self) }",
     "if timerKind == .idle { loop.cancelTimer(self) }"),
    ("the demo's known key served beyond loopback without GATEWAY_DEMO=1", "Sources/connector-gateway/DemoExposure.swift",
     "port: port), !address.isLoopback else { return nil }", "port: port), address.isLoopback else { return nil }"),
    ("a keyed write the drain cut before it went out kept as 'may have applied'", "Sources/Server/Client/EventLoop+Clients.swift",
     ".failure(call.resent ? HTTPClientError.cancelled : .shutDown)", ".failure(HTTPClientError.cancelled)"),
    ("an Ozon review comment kept trimmed taken for lost (sent twice)", "Sources/Marketplaces/Ozon/OzonReviewConnector.swift",
     "comment.text.map { OzonShownText.matches($0, sent: text, markdown: false) } == true",
     "comment.text.map { $0 == text } == true"),
    ("a chat list position Ozon refuses fails every later call", "Sources/Marketplaces/Ozon/OzonChatConnector+Updates.swift",
     "guard sweep.token != nil, pagesRead == 0,", "guard sweep.token != nil, pagesRead < 0,"),
    ("a reply's outcome dropped for room before a mark-read's", "Sources/Gateway/Idempotency/IdempotencyStore.swift",
     "if entry.response != nil, entry.harmlessTwice { harmlessOrder.append((key, sequence)) }",
     "if entry.response != nil, entry.harmlessTwice, key.isEmpty { harmlessOrder.append((key, sequence)) }"),
    ("a Wildberries reply overwrites another answer unasked", "Sources/Marketplaces/Wildberries/WildberriesAnswer.swift",
     "        guard !replacing else { return }\n        throw .upstreamRejected(", "        guard replacing else { return }\n        throw .upstreamRejected("),
    ("a base token's reply spends its slot on the read and is then refused as rate-limited", "Sources/Marketplaces/Wildberries/WildberriesSession.swift",
     "guard feedbacksLimit.burst < 2, options.clock.now", "guard feedbacksLimit.burst < 1, options.clock.now"),
    ("a handler's 1xx sent as the final answer", "Sources/Server/Connection.swift",
     "if response.status.code < 200 { response = responder.refusal(", "if response.status.code < 100 { response = responder.refusal("),
    ("a lost chat message's look-up takes the same words sent before", "Sources/Marketplaces/Wildberries/WildberriesChatConnector+SentMessage.swift",
     "== words && !earlier.contains(event)", "== words"),
    ("drain_delay_ms not waited: the listeners close at the signal", "Sources/Gateway/GatewayApplication.swift",
     "if delayed, configuration.drainDelay > .zero {", "if delayed, configuration.drainDelay < .zero {"),
    ("the review archive filtered by any answer, not the status shown", "Sources/Marketplaces/Wildberries/WildberriesRecordSource+List.swift",
     "state.scope.admits(answered: record.showsAnswer)", "state.scope.admits(answered: record.hasAnswer)"),
    ("one Ozon chat whose history is refused fails the whole list", "Sources/Marketplaces/Ozon/OzonChatConnector.swift",
     "case .upstreamError(let failure):\n            !(failure.status", "case .upstreamError(let failure):\n            true || !(failure.status"),
    ("an escaped quote in the configuration ends its string for ${VAR}", "Sources/Gateway/Configuration/EnvironmentExpansion.swift",
     "} else if inString, byte == UInt8(ascii: \"\\\\\") {", "} else if false {"),
    ("a restored mark-read's outcome kept over a reply's", "Sources/Gateway/Idempotency/IdempotencyJournalRecord.swift",
     "kind == .completed && response?.status.code == 204", "kind == .completed && response?.status.code == 200"),
    ("an Ozon chat sweep reads list pages until its deadline", "Sources/Marketplaces/Ozon/OzonChatConnector+Updates.swift",
     "(pagesRead > 0 && now >= halfway)", "(pagesRead > 0 && now > deadline)"),
    ("a US-ASCII body with bytes beyond ASCII read as UTF-8", "Sources/Gateway/Handlers/RequestFields.swift",
     "request.body.contains(where: { $0 >= 0x80 })", "request.body.contains(where: { $0 > 0xFF })"),
    ("a write cancelled while it waits for a connection taken for one that may have been sent", "Sources/Server/Client/ClientCall.swift",
     "let unsent = !resent && (connection == nil || connection?.state == .connecting)", "let unsent = !resent && connection?.state == .connecting"),
    ("pipelined requests read from the start of pending, not from its read index", "Sources/Server/Connection+Input.swift",
     "consume(UnsafeRawBufferPointer(rebasing: $0[start...]))", "consume(UnsafeRawBufferPointer(rebasing: $0[0...]))"),
    ("a rate slot kept spent when the request never reached the marketplace", "Sources/Connectors/Upstream/UpstreamCaller.swift",
     "if let waited { budget.giveBack(waited) }\n            default:", "if let waited { _ = waited }\n            default:"),
    ("a Wildberries chat the stream was not read up to is not found", "Sources/Marketplaces/Wildberries/WildberriesChatConnector.swift",
     "guard let conversation = known() else { throw stoppedShort ?? .itemNotFound(id: id) }",
     "guard let conversation = known() else { throw .itemNotFound(id: id) }"),
    ("a call ended before its URLSession task started taken for one that may have been sent", "Sources/Connectors/Upstream/UpstreamCall.swift",
     "state = .endedEarly(Self.unsent(result))", "state = .endedEarly(result)"),
    ("a Wildberries 2xx envelope with error: true taken for a write that may have applied", "Sources/Marketplaces/Wildberries/WildberriesErrorClassifier.swift",
     "return body.isMaintenance || (response.isSuccess && body.errorFlag)", "return body.isMaintenance"),
    ("a reply to a chat further on the stream than its reading reached is not found", "Sources/Marketplaces/Wildberries/WildberriesChatConnector.swift",
     "            if let stoppedShort { throw stoppedShort }\n", "\n"),
    ("a call ended while its URLSession task is made taken for one that may have been sent", "Sources/Connectors/Upstream/UpstreamCall.swift",
     "return (nil, continuation, timer, Self.unsent(result))", "return (nil, continuation, timer, result)"),
    ("an Ozon question's mark-read runs beside its reply", "Sources/Marketplaces/Ozon/OzonSession.swift",
     "try await writeLocks.withLock(clientID + \"/\" + item, marketplace: .ozon, until: deadline, body)", "try await body()"),
    ("an integer with a fraction read through a double", "Sources/Connectors/Model/JSONTape.swift",
     "guard let (negative, magnitude) = number.integerParts else { return nil }",
     "let double = number.double\n        guard double == double.rounded() else { return nil }\n        return T(exactly: double)\n        guard let (negative, magnitude) = number.integerParts else { return nil }"),
    ("no address refused while one is (the failed-auth fast path never armed)", "Sources/Gateway/Proxy/ClientRateLimiter.swift",
     "if until > refusedUntil.load(ordering: .relaxed) { refusedUntil.store(until, ordering: .releasing) }", "_ = until"),
    ("a tenant over its limit is sent 100 Continue and uploads its body for a 429", "Sources/Gateway/GatewayResponder.swift",
     "guard let refusal = tenantLimiter?.refusal(known: tenant.id) else { return nil }",
     "guard let refusal = tenantLimiter?.refusal(known: tenant.id), tenant.id.isEmpty else { return nil }"),
    ("asking for a tenant's refusal before the body spends its allowance", "Sources/Gateway/Tenants/TenantRateLimiter.swift",
     "        let next = bucket.nextFree.withLock { $0 }\n",
     "        let next = bucket.nextFree.withLock { next in next = max(next, now) + bucket.interval; return next - bucket.interval }\n"),
]


def main():
    root = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
    scratch = os.environ.get("SCRATCH", ".build")
    if subprocess.run(["git", "diff", "--quiet", "--", "Sources"], cwd=root).returncode != 0:
        sys.exit("mutants: Sources has uncommitted changes; commit or stash them first")
    chosen = [int(argument) for argument in sys.argv[1:]] or range(len(MUTANTS))
    survivors = 0
    for number in chosen:
        name, path, original, mutated = MUTANTS[number]
        full = os.path.join(root, path)
        text = open(full).read()
        if text.count(original) != 1:
            print(f"{number:2} {name}: stale ({path} holds its text {text.count(original)} times, not once)", flush=True)
            survivors += 1
            continue
        started = time.time()
        try:
            open(full, "w").write(text.replace(original, mutated))
            build = subprocess.run(["swift", "build", "--scratch-path", scratch, "--build-tests"], cwd=root,
                                   capture_output=True, text=True)
            if build.returncode != 0:
                verdict = "does not build: " + (re.findall(r"error: .*", build.stdout + build.stderr) or ["?"])[0][:100]
                survivors += 1
            else:
                # A mutant may make a test wait for a deadline it no longer meets: 4 minutes is
                # three times the suite's own time. The suite runs in a session of its own, so
                # that what it started goes with it; the test process, which SwiftPM starts in a
                # group of its own, is ended by name.
                test = subprocess.Popen(["swift", "test", "--scratch-path", scratch, "--skip-build"], cwd=root,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                        start_new_session=True)
                try:
                    stdout, _ = test.communicate(timeout=240)
                    timed_out = False
                except subprocess.TimeoutExpired:
                    os.killpg(test.pid, signal.SIGKILL)
                    subprocess.run(["pkill", "-KILL", "-f", re.escape(scratch.rstrip("/")) + "/.*PackageTests\\.xctest"])
                    stdout, _ = test.communicate()
                    timed_out = True
                failed = sorted(set(test_name for test_name in re.findall(r'✘ Test "?([^"(\n]{1,80})', stdout)
                                    if not test_name.startswith("run with")))
                if test.returncode == 0:
                    verdict = "SURVIVED"
                    survivors += 1
                elif timed_out and not failed:
                    verdict = "killed (the suite hung past 240 s)"
                else:
                    verdict = f"killed ({len(failed)} tests failed" + (f", e.g. \"{failed[0]}\")" if failed else ")")
        finally:
            subprocess.run(["git", "checkout", "--", path], cwd=root)
        print(f"{number:2} {name}: {verdict} [{time.time() - started:.0f} s]", flush=True)
    sys.exit(1 if survivors else 0)


if __name__ == "__main__":
    main()
