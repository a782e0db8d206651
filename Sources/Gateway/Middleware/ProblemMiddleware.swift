import Connectors
import HTTP

/// Renders every error thrown further in as an RFC 9457 problem document; anything that is not
/// a `GatewayError` or `ConnectorError` becomes a bare 500, its description kept out of the
/// response.
public struct ProblemMiddleware: Middleware {
    /// Needs nothing: what it renders comes with the error and the context.
    public init() {}

    /// Part of the chain (see `Middleware`).
    public func handle(_ request: HTTPRequest, context: GatewayContext, next: GatewayHandler) async throws -> HTTPResponse {
        var problem: Problem
        do {
            return try await next(request, context)
        } catch let error as GatewayError {
            problem = Problem(error)
        } catch let error as ConnectorError {
            problem = Problem(error.redacting(context.tenant?.secrets ?? []))
        } catch let error as Problem {
            problem = error
        } catch {
            problem = .internalError
        }
        if let back = context.tenantAllowanceBackIn, let wait = problem.retryAfter, wait < back { problem.retryAfter = back }
        var response = problem.response(requestID: context.requestID, instance: Problem.instance(of: request))
        for (name, value) in context.responseHeaders { response.headers.add(name, value) }
        return response
    }
}
