import Connectors

extension ConnectorService {
    /// The path's item id; "" with its error added to `errors`, so it is reported beside the
    /// request's other mistakes.
    func itemID(_ context: GatewayContext, errors: inout [FieldError]) -> String {
        guard let id = context.parameters["id"], id.utf8.count <= 256 else {
            errors.append(FieldError("id", "must be 1 to 256 bytes"))
            return ""
        }
        return id
    }

    /// 404 for an id of a form no item of the connector has (`ItemIDShape`), as the connector
    /// would say: decided before the preconditions, which only a request the gateway would carry
    /// out is held to.
    func checkShape(of id: String, _ key: ConnectorKey) throws(ConnectorError) {
        try (try? registry.factory(for: key))?.itemIDShape?.check(id)
    }

    /// 412 for an `If-Match` of tags, once the request is known to be one the gateway would carry
    /// out (the resource exists, the request is valid): otherwise its answer would not have been a
    /// success, and preconditions are then ignored (RFC 9110 §13.2.1).
    static func checkIfMatch(_ context: GatewayContext) throws(GatewayError) {
        if context.ifMatchNamesOnlyTags { throw .preconditionFailed(resourceHasTags: false) }
    }
}
