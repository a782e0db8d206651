import HTTP

/// RFC 9457 problem documents for the errors the server answers by itself, before any handler
/// runs: malformed requests, limits, timeouts, and a handler that threw.
public enum ProblemResponse {
    /// A problem+json response; `code` names the problem and its `type` is `/problems/<code>`.
    public static func make(status: HTTPStatus, code: String, detail: String) -> HTTPResponse {
        var body = "{\"type\":\"/problems/"
        body += code
        body += "\",\"title\":"
        appendJSONString(title(code: code, status: status), to: &body)
        body += ",\"status\":\(status.code),\"detail\":"
        appendJSONString(detail, to: &body)
        body += ",\"code\":\"" + code + "\"}"
        return HTTPResponse(status: status, headers: ["Content-Type": "application/problem+json"], body: Array(body.utf8))
    }

    /// The plain problem response for a refusal, without anything request-specific.
    public static func make(for refusal: ServerRefusal) -> HTTPResponse {
        make(status: refusal.status, code: refusal.code, detail: refusal.detail)
    }

    /// The title of `invalid_request`, whichever layer answers it.
    public static let invalidRequestTitle = "Invalid request"

    /// One title per problem type (RFC 9457 §3.1.3), the same whether the server refuses a request
    /// or an application answers the same code: the reason phrase, but for `invalid_request`,
    /// titled for what it is rather than "Bad Request".
    public static func title(code: String, status: HTTPStatus) -> String {
        code == "invalid_request" ? invalidRequestTitle : status.reasonPhrase
    }

    static func code(for status: HTTPStatus) -> String {
        switch status.code {
        case 400: "invalid_request"
        case 408: "request_timeout"
        case 413: "payload_too_large"
        case 414: "uri_too_long"
        case 417: "expectation_failed"
        case 431: "header_fields_too_large"
        case 501: "not_implemented"
        case 505: "http_version_not_supported"
        default: "internal_error"
        }
    }

    static func appendJSONString(_ string: String, to out: inout String) {
        out += "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}
