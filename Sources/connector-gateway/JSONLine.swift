import Connectors
import Foundation
import Gateway

/// One JSON object per line on stdout, for the few events the executable itself reports (start,
/// drain, stop), each with its `time` as the access log writes it. Request lines come from the
/// gateway's access log.
enum JSONLine {
    static func write(_ fields: [String: Any]) {
        Output.line(text(fields))
    }

    /// The same line through the gateway's log (`LogSink.writeEvent`), once it serves: it never
    /// blocks on a stdout nobody reads, and shares stdout with the access log without splicing.
    static func write(_ fields: [String: Any], to log: LogSink) {
        log.writeEvent(text(fields))
    }

    static func text(_ fields: [String: Any]) -> String {
        var fields = fields
        fields["time"] = Timestamp.wallClock().rfc3339
        let data = (try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
