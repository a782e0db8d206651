import Connectors

extension ConnectorService {
    /// One connector as the registry routes show it: marketplace, channel, operations (in a fixed
    /// order), the reply text's bounds and whether a reply may replace an answer where it
    /// replies, and whether this tenant is configured.
    static func summary(_ factory: ConnectorRegistry.Factory, configured: Bool) -> JSONObjectWriter {
        var operations: [UInt8] = [UInt8(ascii: "[")]
        for operation in ConnectorOperation.allCases where factory.operations.contains(operation) {
            if operations.count > 1 { operations.append(UInt8(ascii: ",")) }
            JSONBytes.appendString(operation.rawValue, to: &operations)
        }
        operations.append(UInt8(ascii: "]"))
        var object = JSONObjectWriter()
        object.identifier("marketplace", factory.key.marketplace.rawValue)
        object.identifier("channel", factory.key.channel.rawValue)
        object.raw("operations", operations)
        if let bounds = factory.replyLength {
            var length = JSONObjectWriter()
            length.int("min", bounds.lowerBound)
            length.int("max", bounds.upperBound)
            object.raw("reply_length", length.finish())
            object.bool("reply_replaces", factory.replyReplaces)
        }
        object.bool("configured", configured)
        return object
    }
}
