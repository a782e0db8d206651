import Connectors
import Foundation
import MarketplaceSimulator
import Marketplaces
import Testing

@Suite("Wildberries connectors under upstream faults")
struct WildberriesFaultTests {
    typealias Env = WildberriesTestEnvironment
    static let feedbacks = "/api/v1/feedbacks"

    private func list(_ env: Env) async throws -> ItemPage {
        try await env.review.listItems(ListQuery(status: .unanswered, limit: 5), deadline: Env.deadline)
    }

    @Test("a 429 burst is retried honouring X-Ratelimit-Retry, then reported with the upstream's words", .timeLimit(.minutes(1)))
    func rateLimited() async throws {
        try await Env.with { env in
            env.simulator.feedbacksFaults.inject(.rateLimited(retryAfter: 0), times: 2, pathPrefix: Self.feedbacks)
            _ = try await list(env)
            #expect(env.simulator.feedbacksLog.count(path: Self.feedbacks) == 3)

            env.simulator.feedbacksLog.reset()
            env.simulator.feedbacksFaults.inject(.rateLimited(retryAfter: 0), times: 3, pathPrefix: Self.feedbacks)
            await #expect {
                _ = try await list(env)
            } throws: { error in
                guard case ConnectorError.upstreamRateLimited(let retryAfter, let failure?) = error else { return false }
                return retryAfter == .zero && failure.status == 429 && failure.message.contains("too many requests")
                    && failure.requestID != nil
            }
            #expect(env.simulator.feedbacksLog.count(path: Self.feedbacks) == 3)
        }
    }

    @Test("5xx answers are retried, then upstreamError", .timeLimit(.minutes(1)))
    func serverError() async throws {
        try await Env.with { env in
            env.simulator.feedbacksFaults.inject(.serverError(status: 500), times: 3, pathPrefix: Self.feedbacks)
            await #expect {
                _ = try await list(env)
            } throws: { error in
                guard case ConnectorError.upstreamError(let failure) = error else { return false }
                return failure.status == 500 && failure.message.contains("Внутренняя ошибка")
            }
            #expect(env.simulator.feedbacksLog.count(path: Self.feedbacks) == 3)
        }
    }

    @Test("a reply is retried after a 429 but never after a 500", .timeLimit(.minutes(1)))
    func replyRetries() async throws {
        try await Env.with { env in
            let targets = env.simulator.feedbacks.feedbacks.filter { $0.answer == nil }.prefix(2).map(\.id)
            let answer = "/api/v1/feedbacks/answer"
            env.simulator.feedbacksFaults.inject(.rateLimited(retryAfter: 0), times: 1, pathPrefix: answer)
            _ = try await env.review.reply(to: targets[0], text: "Спасибо!", deadline: Env.deadline)
            #expect(env.simulator.feedbacksLog.count(path: answer) == 2)

            env.simulator.feedbacksLog.reset()
            env.simulator.feedbacksFaults.inject(.serverError(status: 500), times: 1, pathPrefix: answer)
            await #expect {
                _ = try await env.review.reply(to: targets[1], text: "Спасибо!", deadline: Env.deadline)
            } throws: { error in
                guard case ConnectorError.upstreamError(let failure) = error else { return false }
                return failure.status == 500
            }
            #expect(env.simulator.feedbacksLog.count(path: answer) == 1)
            #expect(env.simulator.feedbacks.feedback(id: targets[1])?.answer == nil)

            // The same holds for chat messages.
            let chat = try #require(env.simulator.chats.chats.first)
            _ = try await env.chat.listItems(ListQuery(limit: 10), deadline: Env.deadline)
            env.simulator.chatFaults.inject(.serverError(status: 500), times: 1, pathPrefix: "/api/v1/seller/message")
            await #expect(throws: ConnectorError.self) {
                _ = try await env.chat.reply(to: chat.chatID, text: "Здравствуйте!", deadline: Env.deadline)
            }
            #expect(env.simulator.chatLog.count(path: "/api/v1/seller/message") == 1)
        }
    }

    @Test("an answer slower than the attempt timeout is retried, then upstreamTimeout", .timeLimit(.minutes(1)))
    func latency() async throws {
        // The attempts are counted as the caller reports them, so each needs no time to reach the
        // simulator; each answer would come later than its attempt's end.
        let options = Env.connectorOptions { $0.attemptTimeout = .milliseconds(150) }
        try await Env.with(connector: options) { env in
            env.simulator.feedbacksFaults.inject(.latency(.milliseconds(400)), times: 3, pathPrefix: Self.feedbacks)
            let counter = UpstreamCallCounter()
            await UpstreamCallCounter.$current.withValue(counter) {
                await #expect {
                    _ = try await list(env)
                } throws: { error in
                    guard case ConnectorError.upstreamTimeout = error else { return false }
                    return true
                }
            }
            #expect(counter.reports.map(\.outcome) == [.timeout, .timeout, .timeout])
        }
    }

    // Each case starts with no pooled connection: libcurl silently resends a request once when a
    // *reused* keep-alive connection dies before answering, which would blur the count.
    @Test("a reset connection is retried for a read", .timeLimit(.minutes(1)))
    func connectionReset() async throws {
        try await Env.with { env in
            env.simulator.feedbacksFaults.inject(.connectionReset, times: 1, pathPrefix: Self.feedbacks)
            _ = try await list(env)
            #expect(env.simulator.feedbacksLog.all.map(\.status) == [nil, 200])
        }
    }

    @Test("three reset connections in a row are upstreamError", .timeLimit(.minutes(1)))
    func connectionResets() async throws {
        try await Env.with { env in
            env.simulator.feedbacksFaults.inject(.connectionReset, times: 3, pathPrefix: Self.feedbacks)
            await #expect {
                _ = try await list(env)
            } throws: { error in
                guard case ConnectorError.upstreamError(let failure) = error else { return false }
                return failure.status == nil
            }
            #expect(env.simulator.feedbacksLog.count(path: Self.feedbacks) == 3)
        }
    }

    @Test("a truncated or malformed 200 body is upstreamError, not an empty page", .timeLimit(.minutes(1)))
    func unreadableBodies() async throws {
        try await Env.with { env in
            for fault in [Fault.truncatedBody, .malformedBody] {
                env.simulator.feedbacksLog.reset()
                env.simulator.feedbacksFaults.inject(fault, times: 1, pathPrefix: Self.feedbacks)
                await #expect {
                    _ = try await list(env)
                } throws: { error in
                    guard case ConnectorError.upstreamError(let failure) = error else { return false }
                    return failure.status == 200 && failure.message.contains("unreadable")
                }
                #expect(env.simulator.feedbacksLog.count(path: Self.feedbacks) == 1)
            }
        }
    }

    @Test("given a reply answered 200 with Wildberries' maintenance envelope, then it is upstreamUnavailable and counts as no write, so its key is freed",
          .timeLimit(.minutes(1)))
    func replyRefusedByMaintenanceIn200() async throws {
        try await Env.with { env in
            let target = try #require(env.simulator.feedbacks.feedbacks.first { $0.answer == nil }?.id)
            env.simulator.feedbacksFaults.inject(.answer(status: 200, json: #"{"data":null,"error":true,"errorText":"Технический перерыв до 16:00","additionalErrors":null}"#),
                                                 times: 1, pathPrefix: "/api/v1/feedbacks/answer")
            let counter = UpstreamCallCounter()
            let review = env.review
            let error = await UpstreamCallCounter.$current.withValue(counter) {
                await #expect(throws: ConnectorError.self) { try await review.reply(to: target, text: "Спасибо!", deadline: Env.deadline) }
            }
            guard case .upstreamUnavailable? = error else { Issue.record("got \(String(describing: error))"); return }
            #expect(!counter.mayHaveChangedUpstream)
        }
    }

    @Test("a maintenance window is upstreamUnavailable on both hosts, with a wait, and not asked again within the request", .timeLimit(.minutes(1)))
    func maintenance() async throws {
        try await Env.with { env in
            env.simulator.feedbacksFaults.inject(.maintenance, times: 3, pathPrefix: Self.feedbacks)
            await #expect {
                _ = try await list(env)
            } throws: { error in
                guard case ConnectorError.upstreamUnavailable(let wait, let failure?) = error else { return false }
                return failure.status == 429 && failure.message.contains("Технический перерыв") && wait == .seconds(30)
            }
            #expect(env.simulator.feedbacksLog.count(path: Self.feedbacks) == 1, "a window of minutes is not over in a retry's few hundred milliseconds")

            env.simulator.chatFaults.inject(.maintenance, times: 3, pathPrefix: "/api/v1/seller")
            await #expect {
                _ = try await env.chat.listItems(ListQuery(limit: 5), deadline: Env.deadline)
            } throws: { error in
                guard case ConnectorError.upstreamUnavailable(_, let failure?) = error else { return false }
                return failure.status == 400 && failure.message.contains("временные ограничения")
            }
        }
    }

    @Test("a token Wildberries does not know is upstreamAuthFailed after one call", .timeLimit(.minutes(1)))
    func wrongToken() async throws {
        let stranger = WildberriesToken.make(sellerID: "00000000-0000-4000-8000-000000000000", categories: [.feedbacks, .chat])
        try await Env.with(token: stranger) { env in
            await #expect {
                _ = try await list(env)
            } throws: { error in
                guard case ConnectorError.upstreamAuthFailed(let failure) = error else { return false }
                return failure.status == 401 && !failure.message.contains(stranger)
            }
            #expect(env.simulator.feedbacksLog.total == 1)
            await #expect {
                _ = try await env.chat.updates(since: nil, limit: 5, deadline: Env.deadline)
            } throws: { error in
                guard case ConnectorError.upstreamAuthFailed = error else { return false }
                return true
            }
            #expect(env.simulator.chatLog.total == 1)
        }
    }
}
