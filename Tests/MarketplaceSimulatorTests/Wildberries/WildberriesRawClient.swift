import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Plain HTTP calls to a simulated host, as any client would make them.
struct WildberriesRawClient {
    struct Answer {
        var status: Int
        var headers: [String: String]
        var body: Data

        func header(_ name: String) -> String? { headers[name.lowercased()] }

        var json: [String: Any] {
            (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:]
        }
    }

    let base: URL

    func send(_ method: String, _ pathAndQuery: String, authorization: String? = WildberriesTestTokens.demo,
              headers: [String: String] = [:], body: Data? = nil) async throws -> Answer {
        var request = URLRequest(url: URL(string: base.absoluteString + pathAndQuery)!)
        request.httpMethod = method
        request.timeoutInterval = 10
        if let authorization { request.setValue(authorization, forHTTPHeaderField: "Authorization") }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        request.httpBody = body
        return try await withCheckedThrowingContinuation { continuation in
            URLSession.shared.dataTask(with: request) { data, response, error in
                if let error { return continuation.resume(throwing: error) }
                let http = response as! HTTPURLResponse
                var fields: [String: String] = [:]
                for (name, value) in http.allHeaderFields {
                    if let name = name as? String, let value = value as? String { fields[name.lowercased()] = value }
                }
                continuation.resume(returning: Answer(status: http.statusCode, headers: fields, body: data ?? Data()))
            }.resume()
        }
    }

    func json(_ method: String, _ path: String, _ object: [String: Any], authorization: String? = WildberriesTestTokens.demo) async throws -> Answer {
        try await send(method, path, authorization: authorization, headers: ["Content-Type": "application/json"],
                       body: try JSONSerialization.data(withJSONObject: object))
    }
}
