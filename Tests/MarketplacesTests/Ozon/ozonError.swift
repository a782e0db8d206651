import Connectors

/// The error `body` throws, or nil when it succeeds.
func ozonError(_ body: () async throws(ConnectorError) -> Void) async -> ConnectorError? {
    do {
        try await body()
        return nil
    } catch {
        return error
    }
}
