import Connectors

extension Tenant {
    /// Every credential value of the tenant, to be kept out of what the marketplaces say back
    /// (`ConnectorError.redacting`) before it reaches a problem document, with the forms a
    /// marketplace may quote it in: percent-encoded (every byte but letters and digits as `%XX`;
    /// redaction ignores case), and, for a token in dotted parts (a JWT: header, claims,
    /// signature), each long part alone (the signature is the secret part).
    var secrets: [String] {
        var secrets: [String] = []
        for credentials in credentials.values {
            for value in credentials.fieldNames.compactMap({ credentials[$0] }) {
                secrets.append(value)
                let encoded = Self.percentEncodingAll(value)
                if encoded != value { secrets.append(encoded) }
                let parts = value.split(separator: ".")
                if parts.count > 1 {
                    secrets += parts.filter { $0.count >= Self.shortestSecretPart }.map(String.init)
                }
            }
        }
        return secrets
    }

    /// Parts shorter than this are not taken out alone (a JWT's header is about 20 characters).
    static let shortestSecretPart = 16

    private static func percentEncodingAll(_ value: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"):
                out.append(byte)
            default:
                out += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 15)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
