import Connectors

/// Calls Ozon for several entries of a page at once, a few at a time: the per-entry reads a
/// list needs (a chat's history, a question's answers) would otherwise take one round trip
/// each, one after another, while the account's rate budget still paces them.
enum OzonFanOut {
    /// `body` for each of `inputs`, `width` at a time; the outcomes in the inputs' order. After
    /// a group with a failure `stopsAt` says ends the work, the later inputs are not called for
    /// (and have no outcome).
    static func map<Input: Sendable, Output: Sendable>(
        _ inputs: [Input], width: Int = 8, stopsAt: (ConnectorError) -> Bool = { _ in false },
        _ body: @escaping @Sendable (Input) async throws(ConnectorError) -> Output
    ) async -> [Result<Output, ConnectorError>] {
        var results: [Result<Output, ConnectorError>] = []
        results.reserveCapacity(inputs.count)
        var start = 0
        while start < inputs.count {
            let chunk = start..<min(inputs.count, start + width)
            let outcomes = await withTaskGroup(of: (Int, Result<Output, ConnectorError>).self) { group in
                for index in chunk {
                    let input = inputs[index]
                    group.addTask {
                        do throws(ConnectorError) {
                            return (index, .success(try await body(input)))
                        } catch {
                            return (index, .failure(error))
                        }
                    }
                }
                var collected: [(Int, Result<Output, ConnectorError>)] = []
                for await outcome in group { collected.append(outcome) }
                return collected.sorted { $0.0 < $1.0 }
            }
            results += outcomes.map(\.1)
            if outcomes.contains(where: { if case .failure(let error) = $0.1 { stopsAt(error) } else { false } }) { break }
            start = chunk.upperBound
        }
        return results
    }
}
