import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Plain URLSession requests to a simulated Ozon host, as any HTTP client would send them.
struct OzonRawClient {
    struct Reply {
        var status: Int
        var headers: [String: String]
        var body: Data

        func header(_ name: String) -> String? {
            headers.first { $0.key.caseInsensitiveCompare(name) == .orderedSame }?.value
        }

        var json: [String: Any] {
            (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:]
        }

        var text: String { String(decoding: body, as: UTF8.self) }
    }

    let baseURL: URL
    var clientID: String?
    var apiKey: String?

    func post(_ path: String, _ body: String = "{}", method: String = "POST") async throws -> Reply {
        var request = URLRequest(url: baseURL.appendingPathComponent(path))
        request.httpMethod = method
        if let clientID { request.setValue(clientID, forHTTPHeaderField: "Client-Id") }
        if let apiKey { request.setValue(apiKey, forHTTPHeaderField: "Api-Key") }
        if method == "POST" {
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = Data(body.utf8)
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as! HTTPURLResponse
        var headers: [String: String] = [:]
        for (name, value) in http.allHeaderFields {
            if let name = name as? String, let value = value as? String { headers[name] = value }
        }
        return Reply(status: http.statusCode, headers: headers, body: data)
    }
}
