import Connectors
import Foundation

/// One JSON object per line on stdout, for the few events the executable itself reports (start,
/// drain, stop), each with its `time` as the access log writes it. Request lines come from the
/// gateway's access log.
enum JSONLine {
    static func write(_ fields: [String: Any]) {
        var fields = fields
        fields["time"] = Timestamp.wallClock().rfc3339
        let data = (try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        Output.line(String(decoding: data, as: UTF8.self))
    }
}
