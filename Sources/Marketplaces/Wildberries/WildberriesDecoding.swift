import Connectors
import Foundation

/// Reading Wildberries success bodies: any failure to read one is the upstream's malformed
/// answer (`upstreamError`), never a crash and never a silent empty page.
enum WildberriesDecoding {
    static func decode<T: JSONReadable>(_ type: T.Type, from response: UpstreamResponse, operation: String) throws(ConnectorError) -> T {
        do {
            return try T(parsing: response.body)
        } catch {
            throw malformed(response, operation: operation)
        }
    }

    /// The body as a JSON value, for `raw`, read as `decode` reads it (a lone surrogate escape
    /// is U+FFFD): a page the decoder took is not refused for asking its raw objects too.
    static func json(_ response: UpstreamResponse, operation: String) throws(ConnectorError) -> JSONValue {
        do {
            return try JSONValue(parsing: response.body, replacingLoneSurrogates: true)
        } catch {
            throw malformed(response, operation: operation)
        }
    }

    static func malformed(_ response: UpstreamResponse, operation: String) -> ConnectorError {
        .upstreamError(UpstreamFailure(marketplace: .wildberries, status: response.status,
                                       message: "unreadable answer to \(operation): \(response.bodyText(limit: 120))"))
    }
}
