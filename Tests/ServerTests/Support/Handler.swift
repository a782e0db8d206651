import HTTP
import Server

typealias Handler = @Sendable (HTTPRequest, RequestContext) async throws -> HTTPResponse
