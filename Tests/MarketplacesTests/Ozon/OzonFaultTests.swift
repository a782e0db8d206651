import Connectors
import Foundation
import MarketplaceSimulator
import Marketplaces
import Synchronization
import Testing

@Suite("Ozon connectors under upstream faults")
struct OzonFaultTests {
    static let list = "/v1/question/list"

    func listQuestions(_ bed: OzonTestbed) async throws(ConnectorError) -> ItemPage {
        try await bed.question.listItems(ListQuery(limit: 5), deadline: bed.deadline)
    }

    /// How many items a first page of questions holds (the call must succeed).
    func count(_ bed: OzonTestbed) async throws -> Int {
        try await listQuestions(bed).items.count
    }

    @Test("a 429 burst is waited out as retry-after says, then the read succeeds", .timeLimit(.minutes(1)))
    func rateLimitedThenSuccess() async throws {
        try await OzonTestbed.run { bed in
            bed.faults.inject(.rateLimited(retryAfter: 1), times: 2, pathPrefix: Self.list)
            let page = try await listQuestions(bed)
            #expect(page.items.count == 5)
            #expect(bed.log.all.map(\.status) == [429, 429, 200])
            // Each retry waited the announced second (on the test clock, not in real time). The
            // clock runs with real time between the answer and the wait, which a loaded machine
            // stretches: the bound only has to tell the announced waits from a backoff's few ms.
            #expect(bed.clock.slept.reduce(.zero, +) >= .milliseconds(400))
        }
    }

    @Test("still rate-limited after every attempt: upstreamRateLimited with the announced wait", .timeLimit(.minutes(1)))
    func rateLimitedForGood() async throws {
        try await OzonTestbed.run { bed in
            bed.faults.inject(.rateLimited(retryAfter: 2), times: 3, pathPrefix: Self.list)
            let error = await ozonError { () async throws(ConnectorError) in
                _ = try await listQuestions(bed)
            }
            if case .upstreamRateLimited(let retryAfter, let failure)? = error {
                #expect(retryAfter == .seconds(2))
                #expect(failure?.status == 429)
                #expect(failure?.message == "You have reached request rate limit per second")
            } else {
                Issue.record("succeeded through three 429s: \(String(describing: error))")
            }
            #expect(bed.log.count(path: Self.list) == 3)
        }
    }

    @Test("5xx on a read is retried, then upstreamError", .timeLimit(.minutes(1)))
    func serverError() async throws {
        try await OzonTestbed.run { bed in
            bed.faults.inject(.serverError(status: 500), times: 3, pathPrefix: Self.list)
            let error = await ozonError { () async throws(ConnectorError) in
                _ = try await listQuestions(bed)
            }
            if case .upstreamError(let failure)? = error {
                #expect(failure.status == 500)
                #expect(failure.message == "Internal error")
            } else {
                Issue.record("succeeded through three 500s: \(String(describing: error))")
            }
            #expect(bed.log.count(path: Self.list) == 3)
            bed.faults.inject(.serverError(status: 502), times: 1, pathPrefix: Self.list)
            let items = try await count(bed)
            #expect(items == 5)
            #expect(bed.log.count(path: Self.list) == 5)
        }
    }

    @Test("a method blocked (\"Circle is open\") is upstreamUnavailable at once, to be tried again in a minute, not retried into the block",
          .timeLimit(.minutes(1)))
    func maintenance() async throws {
        try await OzonTestbed.run { bed in
            bed.faults.inject(.maintenance, times: 3, pathPrefix: Self.list)
            let error = await ozonError { () async throws(ConnectorError) in
                _ = try await listQuestions(bed)
            }
            if case .upstreamUnavailable(let wait, let failure)? = error {
                #expect(failure?.message == "Circle is open")
                #expect(wait == .seconds(60))
            } else {
                Issue.record("succeeded through maintenance: \(String(describing: error))")
            }
            #expect(bed.log.count(path: Self.list) == 1)
        }
    }

    @Test("given one method blocked again and again (\"Circle is open\"), then the host's circuit stays closed and the other channels still call Ozon",
          .timeLimit(.minutes(1)))
    func blockedMethodLeavesTheCircuit() async throws {
        try await OzonTestbed.run(connectors: { $0.breakerThreshold = 3 }) { bed in
            // given: questions blocked for more calls than open the circuit
            bed.faults.inject(.maintenance, times: 6, pathPrefix: Self.list)
            for _ in 0..<6 {
                let error = await ozonError { () async throws(ConnectorError) in _ = try await listQuestions(bed) }
                guard case .upstreamUnavailable(_, let failure)? = error else {
                    Issue.record("not the block: \(String(describing: error))")
                    return
                }
                // each call reached Ozon and met the block itself, not an open circuit
                #expect(failure?.message == "Circle is open")
            }
            #expect(bed.log.count(path: Self.list) == 6)
            // when: reviews are listed
            let reviews = try await bed.review.listItems(ListQuery(limit: 5), deadline: bed.deadline)
            // then
            #expect(reviews.items.count == 5)
            #expect(bed.log.count(path: "/v2/review/list") >= 1)
        }
    }

    @Test("an answer slower than the attempt timeout is abandoned and the read retried", .timeLimit(.minutes(1)))
    func latency() async throws {
        // The attempts are counted as the caller reports them: a busy machine may make a retried
        // attempt time out too, so any number of timeouts may come before the one success.
        // An attempt's 3 s leaves a retry on loopback room on a loaded machine.
        try await OzonTestbed.run(connectors: { $0.attemptTimeout = .seconds(3) }) { bed in
            bed.faults.inject(.latency(.seconds(6)), times: 1, pathPrefix: Self.list)
            let counter = UpstreamCallCounter()
            let items = try await UpstreamCallCounter.$current.withValue(counter) { try await count(bed) }
            #expect(items == 5)
            let outcomes = counter.reports.map(\.outcome)
            #expect(outcomes.first == .timeout && outcomes.last == .success && outcomes.dropLast().allSatisfy { $0 == .timeout },
                    "\(outcomes)")
            #expect(bed.faults.pending == 0, "the abandoned attempt reached Ozon")
        }
    }

    @Test("a slow answer beyond every attempt is upstreamTimeout", .timeLimit(.minutes(1)))
    func timeout() async throws {
        // The attempts are counted as the caller reports them, so each needs no time to reach
        // Ozon; each answer would come later than its attempt's end.
        try await OzonTestbed.run(connectors: { $0.attemptTimeout = .milliseconds(150) }) { bed in
            bed.faults.inject(.latency(.milliseconds(400)), times: 3, pathPrefix: Self.list)
            let counter = UpstreamCallCounter()
            let error = await UpstreamCallCounter.$current.withValue(counter) {
                await ozonError { () async throws(ConnectorError) in
                    _ = try await listQuestions(bed)
                }
            }
            #expect(counter.reports.map(\.outcome) == [.timeout, .timeout, .timeout])
            if case .upstreamTimeout? = error {
            } else {
                Issue.record("succeeded through three slow answers: \(String(describing: error))")
            }
        }
    }

    @Test("a reset connection is retried for a read; reset every time is upstreamError", .timeLimit(.minutes(1)))
    func connectionReset() async throws {
        // URLSession on Linux does not report a reset of a reused keep-alive connection: that
        // attempt runs into its timeout instead, so keep the timeout short (but five seconds, so
        // that a busy machine does not make the retried attempt time out too).
        // Each part on a testbed of its own, so that no attempt reuses the other's connection.
        try await OzonTestbed.run(connectors: { $0.attemptTimeout = .seconds(5) }) { bed in
            bed.faults.inject(.connectionReset, times: 1, pathPrefix: Self.list)
            let items = try await count(bed)
            #expect(items == 5)
            #expect(bed.log.all.map(\.status) == [nil, 200])
        }
        try await OzonTestbed.run(connectors: { $0.attemptTimeout = .seconds(5) }) { bed in
            bed.faults.inject(.connectionReset, times: 3, pathPrefix: Self.list)
            let error = await ozonError { () async throws(ConnectorError) in
                _ = try await listQuestions(bed)
            }
            if case .upstreamError(let failure)? = error {
                #expect(failure.status == nil)
            } else {
                Issue.record("succeeded through three resets: \(String(describing: error))")
            }
            #expect(bed.log.all.map(\.status) == [nil, nil, nil])
        }
    }

    @Test("a truncated or malformed body is upstreamError and not retried", .timeLimit(.minutes(1)))
    func unreadableBodies() async throws {
        try await OzonTestbed.run { bed in
            for fault in [Fault.truncatedBody, .malformedBody] {
                bed.log.reset()
                bed.faults.inject(fault, times: 1, pathPrefix: Self.list)
                let error = await ozonError { () async throws(ConnectorError) in
                    _ = try await listQuestions(bed)
                }
                if case .upstreamError(let failure)? = error {
                    #expect(failure.status == 200)
                } else {
                    Issue.record("\(fault) was read as a page: \(String(describing: error))")
                }
                #expect(bed.log.count(path: Self.list) == 1)
            }
        }
    }

    @Test("a reply is retried after a 429 (not applied) but not after a 500 or a 503 (maybe applied)", .timeLimit(.minutes(1)),
          arguments: [500, 503])
    func replyRetries(status: Int) async throws {
        try await OzonTestbed.run { bed in
            let path = "/v1/chat/send/message"
            let chat = try #require(bed.host.chats().first)
            bed.faults.inject(.rateLimited(retryAfter: 1), times: 1, pathPrefix: path)
            _ = try await bed.chat.reply(to: chat.id, text: "Добрый день!", deadline: bed.deadline)
            #expect(bed.log.all.filter { $0.path == path }.map(\.status) == [429, 200])

            bed.log.reset()
            bed.faults.inject(.serverError(status: status), times: 1, pathPrefix: path)
            await #expect(throws: ConnectorError.self) {
                try await bed.chat.reply(to: chat.id, text: "Ещё раз", deadline: bed.deadline)
            }
            #expect(bed.log.all.filter { $0.path == path }.map(\.status) == [status])
            #expect(bed.host.chat(id: chat.id)?.messages.filter { $0.text == "Ещё раз" }.isEmpty == true)
        }
    }

    @Test("the rate budget sends a burst of 150 calls to Ozon one interval apart, and refuses at once a call whose slot lies past its deadline",
          .timeLimit(.minutes(1)))
    func rateBudget() async throws {
        // Given: a budget shaped like the production `RateLimit.ozon` (one call every 20 ms, no
        // burst), on a clock that stands still until the test moves it, and a simulator whose own
        // (real-time) limit is out of the way: what is checked is the schedule the budget keeps,
        // in the budget's time, whatever the machine's speed.
        let clock = SteppedClock()
        try await OzonTestbed.run(connectors: {
            $0.rateLimit = RateLimit(burst: 1, interval: .milliseconds(20))
            $0.retry = .none
            $0.clock = clock
        }) { bed in
            let connector = try bed.question
            let start = clock.now
            let deadline = start + .seconds(30)
            // When: 150 calls at once
            let calls = Task {
                await withTaskGroup(of: Bool.self) { group in
                    for _ in 0..<150 {
                        group.addTask { (try? await connector.listItems(ListQuery(limit: 1), deadline: deadline)) != nil }
                    }
                    return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
                }
            }
            // Then: one reaches Ozon now, seven (the tenant's other connections) wait for slots of
            // their own, 20 ms apart, and the other 142 wait for a connection (until a second
            // before their deadline) before they take a slot
            let queued = await Self.eventually { clock.waiting.count == 149 && bed.log.count(path: Self.list) == 1 }
            #expect(queued, "waiting \(clock.waiting.count), sent \(bed.log.count(path: Self.list))")
            let slotted: [ContinuousClock.Instant] = (1...7).map { start + .milliseconds(20 * $0) }
            #expect(clock.waiting.sorted() == slotted + Array(repeating: start + .seconds(29), count: 142))
            // and a call whose deadline comes before its turn (the slots of the 149 calls before
            // it, 3 s away) is refused at once, told how long it would have to wait, without
            // reaching Ozon
            let lateDone = Mutex(false)
            let late = Task {
                defer { lateDone.withLock { $0 = true } }
                return try await connector.listItems(ListQuery(limit: 1), deadline: start + .seconds(1))
            }
            #expect(await Self.eventually { lateDone.withLock { $0 } || clock.waiting.count > 149 })
            #expect(lateDone.withLock { $0 }, "a call past its deadline waits for a slot")
            late.cancel()
            switch await late.result {
            case .success: Issue.record("a call past the budget was let through")
            case .failure(let error):
                if case .upstreamRateLimited(let retryAfter, _)? = error as? ConnectorError {
                    // 3 s: the slots of the 149 before it; 20 ms less while the first call's
                    // connection passes to the next in line, which has yet to take its slot
                    let wait = retryAfter ?? .zero
                    #expect(wait >= .milliseconds(2980) && wait <= .seconds(3), "\(String(describing: retryAfter))")
                } else {
                    Issue.record("the late call ended with \(error), not a 429")
                }
            }
            #expect(bed.log.count(path: Self.list) == 1)
            // When: time passes slot by slot; then each slot lets exactly one more call reach Ozon
            var allSent = queued
            for slot in 1...149 where allSent {
                clock.advance(to: start + .milliseconds(20 * slot))
                allSent = await Self.eventually { bed.log.count(path: Self.list) == slot + 1 }
                #expect(allSent, "slot \(slot): \(bed.log.count(path: Self.list)) calls sent")
                // (the call after it in line takes its connection, and then a slot, meanwhile)
                #expect(await Self.eventually { clock.waiting.count == 149 - slot }, "slot \(slot): \(clock.waiting.count) waiting")
            }
            guard allSent else { return calls.cancel() }
            // and every call got its page, none meeting a 429
            clock.advance(to: start + .seconds(60))
            #expect(await calls.value == 150)
            #expect(bed.log.count(path: Self.list) == 150)
            #expect(bed.log.all.filter { $0.status == 429 }.isEmpty)
        }
    }

    /// Whether `condition` holds within 20 s (looked at every few milliseconds).
    private static func eventually(_ condition: () -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(2))
        }
        return condition()
    }

    @Test("repeated 5xx open the circuit: the next call fails fast without reaching Ozon, and it closes after the cool-down",
          .timeLimit(.minutes(1)))
    func circuitBreaker() async throws {
        try await OzonTestbed.run(connectors: {
            $0.breakerThreshold = 3
            // An hour: the test clock runs on real time too, and a busy machine must not let the
            // cool-down end before the fail-fast calls below are made.
            $0.breakerCoolDown = .seconds(3600)
            $0.retry = .none
        }) { bed in
            bed.faults.inject(.serverError(status: 500), times: 3, pathPrefix: Self.list)
            for _ in 0..<3 {
                await #expect(throws: ConnectorError.self) { try await listQuestions(bed) }
            }
            let before = bed.log.total
            let error = await ozonError { () async throws(ConnectorError) in
                _ = try await listQuestions(bed)
            }
            if case .upstreamUnavailable(let retryAfter, _)? = error {
                #expect(retryAfter != nil)
            } else {
                Issue.record("the open circuit let a call through: \(String(describing: error))")
            }
            // The chat and review connectors share the host's circuit.
            await #expect(throws: ConnectorError.self) {
                try await bed.chat.listItems(ListQuery(limit: 1), deadline: bed.deadline)
            }
            #expect(bed.log.total == before)
            // When the cool-down has passed, a probe goes through and closes the circuit
            bed.clock.advance(by: .seconds(3601))
            let probe = try await count(bed)
            #expect(probe == 5)
            let after = try await count(bed)
            #expect(after == 5)
            #expect(bed.log.total == before + 2)
        }
    }

    @Test("given one tenant's calls holding every connection of its pool on a slow upstream, when another tenant calls, then its call is not queued behind them",
          .timeLimit(.minutes(1)))
    func tenantsHaveOwnConnections() async throws {
        // The busy calls are held far longer than a busy machine could take to answer the quiet
        // one (ten minutes; the test cancels them).
        try await OzonTestbed.run(connectors: { $0.maxConnections = 2; $0.attemptTimeout = .seconds(600) }) { bed in
            // given
            bed.faults.inject(.latency(.seconds(600)), times: 2, pathPrefix: Self.list)
            let busy = try bed.connector(.question, tenant: "busy")
            let deadline = bed.clock.now + .seconds(600)
            let finished = Recorder()
            let held = (0..<2).map { _ in
                Task {
                    _ = try? await busy.listItems(ListQuery(limit: 5), deadline: deadline)
                    finished.note()
                }
            }
            while bed.faults.pending > 0 { try await Task.sleep(for: .milliseconds(5)) }
            // when
            let page = try await bed.connector(.question, tenant: "quiet").listItems(ListQuery(limit: 5), deadline: deadline)
            // then: answered while the busy tenant's calls still wait for theirs
            #expect(page.items.count == 5)
            #expect(finished.count == 0)
            held.forEach { $0.cancel() }
            for task in held { await task.value }
        }
    }

    @Test("given a reply Ozon acted on whose answer was lost (the connection reset), then the reply is looked for and reported sent, once, with Ozon's id and time, on every channel",
          .timeLimit(.minutes(1)))
    func lostAnswerLookedUp() async throws {
        try await OzonTestbed.run { bed in
            let text = "Спасибо, что написали!"
            // a review comment
            let review = try #require(bed.host.reviews().first)
            bed.faults.inject(.appliedThenReset, times: 1, pathPrefix: "/v1/review/comment/create")
            let comment = try await bed.review.reply(to: review.id, text: text, deadline: bed.deadline)
            let stored = try #require(bed.host.review(id: review.id)?.comments.filter { $0.text == text })
            #expect(stored.count == 1)
            #expect(comment.replyID == stored.first?.id)
            #expect(comment.createdAt != nil)
            // a question's answer
            let question = try #require(bed.host.questions().first { $0.answers.isEmpty })
            bed.faults.inject(.appliedThenReset, times: 1, pathPrefix: "/v1/question/answer/create")
            let answer = try await bed.question.reply(to: question.id, text: text, deadline: bed.deadline)
            let answers = try #require(bed.host.question(id: question.id)?.answers.filter { $0.text == text })
            #expect(answers.count == 1)
            #expect(answer.replyID == answers.first?.id)
            // a chat message
            let chat = try #require(bed.host.chats().first { $0.type == "BUYER_SELLER" })
            bed.faults.inject(.appliedThenReset, times: 1, pathPrefix: "/v1/chat/send/message")
            let message = try await bed.chat.reply(to: chat.id, text: text, deadline: bed.deadline)
            let messages = try #require(bed.host.chat(id: chat.id)?.messages.filter { $0.text == text })
            #expect(messages.count == 1)
            #expect(message.replyID == messages.first.map { String($0.id) })
            // each write went out once
            #expect(bed.log.all.filter { $0.path.hasSuffix("/create") || $0.path == "/v1/chat/send/message" }.count == 3)
        }
    }

    @Test("given a reply whose connection reset before Ozon acted on it, then the lookup finds nothing and the failure stands, saying it may have applied",
          .timeLimit(.minutes(1)))
    func lostRequestNotTakenForSent() async throws {
        try await OzonTestbed.run { bed in
            let review = try #require(bed.host.reviews().first)
            bed.faults.inject(.connectionReset, times: 1, pathPrefix: "/v1/review/comment/create")
            let error = await ozonError { () async throws(ConnectorError) in
                _ = try await bed.review.reply(to: review.id, text: "Спасибо!", deadline: bed.deadline)
            }
            guard case .upstreamError? = error else { Issue.record("got \(String(describing: error))"); return }
            #expect(bed.host.review(id: review.id)?.comments.contains { $0.text == "Спасибо!" } == false)
            #expect(bed.log.count(path: "/v1/review/comment/list") == 1, "looked for once")
            // nor is a chat's earlier message of the same words (a greeting sent a minute ago)
            let chat = try #require(bed.host.chats().first { $0.type == "BUYER_SELLER" })
            _ = try await bed.chat.reply(to: chat.id, text: "Здравствуйте!", deadline: bed.deadline)
            bed.faults.inject(.connectionReset, times: 1, pathPrefix: "/v1/chat/send/message")
            let again = await ozonError { () async throws(ConnectorError) in
                _ = try await bed.chat.reply(to: chat.id, text: "Здравствуйте!", deadline: bed.deadline)
            }
            guard case .upstreamError? = again else { Issue.record("the earlier greeting was taken for it: \(String(describing: again))"); return }
            #expect(bed.host.chat(id: chat.id)?.messages.filter { $0.text == "Здравствуйте!" }.count == 1)
            // nor a question's answer of the same words that moderation turned down (sent again)
            let question = try #require(bed.host.questions().first { $0.answers.isEmpty })
            _ = try await bed.question.reply(to: question.id, text: "Да, подойдёт.", deadline: bed.deadline)
            bed.host.moderateAnswers(ofQuestion: question.id, to: "MODERATION_FAILED", questionStatus: .viewed)
            bed.faults.inject(.connectionReset, times: 1, pathPrefix: "/v1/question/answer/create")
            let resent = await ozonError { () async throws(ConnectorError) in
                _ = try await bed.question.reply(to: question.id, text: "Да, подойдёт.", deadline: bed.deadline)
            }
            guard case .upstreamError? = resent else { Issue.record("the turned-down answer was taken for it: \(String(describing: resent))"); return }
        }
    }

    @Test("given a reply whose own failure opened the circuit, then its answer is still looked for, and found", .timeLimit(.minutes(1)))
    func lookupPastAnOpenCircuit() async throws {
        try await OzonTestbed.run(connectors: { $0.breakerThreshold = 1; $0.breakerCoolDown = .seconds(3600) }) { bed in
            let review = try #require(bed.host.reviews().first)
            bed.faults.inject(.appliedThenReset, times: 1, pathPrefix: "/v1/review/comment/create")
            let comment = try await bed.review.reply(to: review.id, text: "Спасибо за отзыв!", deadline: bed.deadline)
            #expect(comment.replyID == bed.host.review(id: review.id)?.comments.first { $0.text == "Спасибо за отзыв!" }?.id)
        }
    }

    @Test("given a look for a lost answer failing again and again, then its failures do not open the account's circuit", .timeLimit(.minutes(1)))
    func lookupFailuresNotCounted() async throws {
        try await OzonTestbed.run(connectors: { $0.breakerThreshold = 2; $0.breakerCoolDown = .seconds(3600) }) { bed in
            // given: the write's failure counts once; every look fails
            let review = try #require(bed.host.reviews().first)
            bed.faults.inject(.appliedThenReset, times: 1, pathPrefix: "/v1/review/comment/create")
            bed.faults.inject(.serverError(status: 500), times: 10, pathPrefix: "/v1/review/comment/list")
            await #expect(throws: ConnectorError.self) {
                try await bed.review.reply(to: review.id, text: "Спасибо!", deadline: bed.deadline)
            }
            #expect(bed.log.count(path: "/v1/review/comment/list") >= 1)
            // when / then: the account's next call goes out
            let before = bed.log.count(path: Self.list)
            _ = try await listQuestions(bed)
            #expect(bed.log.count(path: Self.list) == before + 1)
        }
    }

    @Test("given the chat unreadable just before a send whose answer is lost, then the message is looked for by its time, and found", .timeLimit(.minutes(1)))
    func chatLookupWithoutTheGlance() async throws {
        try await OzonTestbed.run { bed in
            let chat = try #require(bed.host.chats().first { $0.type == "BUYER_SELLER" })
            bed.faults.inject(.latency(.seconds(3)), times: 1, pathPrefix: "/v3/chat/history")
            bed.faults.inject(.appliedThenReset, times: 1, pathPrefix: "/v1/chat/send/message")
            let message = try await bed.chat.reply(to: chat.id, text: "Уже отправили!", deadline: bed.deadline)
            let stored = try #require(bed.host.chat(id: chat.id)?.messages.filter { $0.text == "Уже отправили!" })
            #expect(stored.count == 1)
            #expect(message.replyID == stored.first.map { String($0.id) })
        }
    }

    @Test("given history showing a message as markdown (punctuation escaped, a line per entry), when a send's answer is lost, then the message is found, not sent again",
          .timeLimit(.minutes(1)))
    func chatLookupThroughMarkdown() async throws {
        var options = OzonTestbed.simulatorOptions()
        options.chatHistoryAsMarkdown = true
        try await OzonTestbed.run(simulator: options) { bed in
            // given
            let chat = try #require(bed.host.chats().first { $0.type == "BUYER_SELLER" })
            let text = "Скидка *10%* на [кабель]_сегодня_\nЖдём   вас!"
            bed.faults.inject(.appliedThenReset, times: 1, pathPrefix: "/v1/chat/send/message")
            // when
            let message = try await bed.chat.reply(to: chat.id, text: text, deadline: bed.deadline)
            // then
            let stored = try #require(bed.host.chat(id: chat.id)?.messages.filter { $0.text == text })
            #expect(stored.count == 1)
            #expect(message.replyID == stored.first.map { String($0.id) })
            #expect(bed.log.count(path: "/v1/chat/send/message") == 1)
        }
    }

    @Test("given Ozon keeping a review comment and a question answer trimmed, line breaks rewritten, when a reply's answer is lost, then the reply is found, not sent again",
          .timeLimit(.minutes(1)))
    func lookupThroughATrimmedText() async throws {
        var options = OzonTestbed.simulatorOptions()
        options.repliesStoredTrimmed = true
        try await OzonTestbed.run(simulator: options) { bed in
            // given
            let text = "  Спасибо за отзыв!\r\nЖдём вас снова.\n"
            let review = try #require(bed.host.reviews().first)
            let question = try #require(bed.host.questions().first { $0.answers.isEmpty })
            bed.faults.inject(.appliedThenReset, times: 1, pathPrefix: "/v1/review/comment/create")
            bed.faults.inject(.appliedThenReset, times: 1, pathPrefix: "/v1/question/answer/create")
            // when
            let comment = try await bed.review.reply(to: review.id, text: text, deadline: bed.deadline)
            let answer = try await bed.question.reply(to: question.id, text: text, deadline: bed.deadline)
            // then
            let kept = "Спасибо за отзыв!\nЖдём вас снова."
            #expect(comment.replyID == bed.host.review(id: review.id)?.comments.first { $0.text == kept }?.id)
            #expect(answer.replyID == bed.host.question(id: question.id)?.answers.first { $0.text == kept }?.id)
            #expect(bed.log.count(path: "/v1/review/comment/create") == 1)
            #expect(bed.log.count(path: "/v1/question/answer/create") == 1)
        }
    }

    @Test("given one method blocked with a 429 (\"Circle is open\"), then the account's other methods are not paused", .timeLimit(.minutes(1)))
    func blockedMethodAs429() async throws {
        try await OzonTestbed.run { bed in
            bed.faults.inject(.answer(status: 429, json: #"{"code":14,"message":"Circle is open","details":[]}"#), times: 1, pathPrefix: Self.list)
            let error = await ozonError { () async throws(ConnectorError) in _ = try await listQuestions(bed) }
            guard case .upstreamUnavailable? = error else { Issue.record("got \(String(describing: error))"); return }
            _ = try await bed.review.listItems(ListQuery(limit: 5), deadline: bed.deadline)
            #expect(!bed.clock.slept.contains { $0 >= .milliseconds(500) }, "waited \(bed.clock.slept)")
        }
    }

    @Test("given Ozon answering a chat message 200 with a result other than success, then the reply is upstreamRejected and counts as no write, so its key is freed",
          .timeLimit(.minutes(1)))
    func chatMessageNotSent() async throws {
        try await OzonTestbed.run { bed in
            // given
            let chat = try #require(bed.host.chats().first)
            bed.faults.inject(.answer(status: 200, json: #"{"result":"blocked"}"#), times: 1, pathPrefix: "/v1/chat/send/message")
            let counter = UpstreamCallCounter()
            let connector = try bed.chat
            let deadline = bed.deadline
            // when
            let error = await UpstreamCallCounter.$current.withValue(counter) {
                await #expect(throws: ConnectorError.self) { try await connector.reply(to: chat.id, text: "Добрый день!", deadline: deadline) }
            }
            // then
            guard case .upstreamRejected(let failure)? = error else { Issue.record("got \(String(describing: error))"); return }
            #expect(failure.message.contains("blocked"))
            #expect(counter.reports.filter { $0.operation == "chat.send.message" }.count == 1)
            #expect(!counter.mayHaveChangedUpstream)
        }
    }

    @Test("cancelling the caller abandons the upstream call", .timeLimit(.minutes(1)))
    func cancellation() async throws {
        // The attempt ends only with the call's deadline (30 s), and the answer comes later still:
        // long enough that even a starved test thread cancels first.
        try await OzonTestbed.run(connectors: { $0.attemptTimeout = .seconds(60) }) { bed in
            bed.faults.inject(.latency(.seconds(50)), times: 1, pathPrefix: Self.list)
            let connector = try bed.question
            let deadline = bed.deadline
            let task = Task { try await connector.listItems(ListQuery(limit: 5), deadline: deadline) }
            while bed.faults.pending > 0 { try await Task.sleep(for: .milliseconds(5)) }
            task.cancel()
            switch await task.result {
            case .success: Issue.record("a cancelled call returned a page")
            case .failure(let error):
                guard case .upstreamTimeout(let failure)? = error as? ConnectorError else { throw error }
                #expect(failure?.message.contains("cancelled") == true)
            }
            // Nothing was retried.
            #expect(bed.faults.pending == 0 && bed.log.count(path: Self.list) <= 1)
        }
    }
}
