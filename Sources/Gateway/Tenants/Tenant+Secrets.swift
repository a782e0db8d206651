import Connectors

extension Tenant {
    /// Every credential value of the tenant, to be kept out of what the marketplaces say back
    /// (`ConnectorError.redacting`) before it reaches a problem document, with the forms a
    /// marketplace may quote it in: percent-encoded (as RFC 3986 does, and with every byte but
    /// letters and digits as `%XX`; redaction ignores case), and, for a token in dotted parts (a
    /// JWT: header, claims, signature), each long part alone (the signature is the secret part).
    /// A token written `Bearer <token>` (as a Wildberries token may be) counts without its
    /// scheme too, as a marketplace quotes the token alone; a key with dashes, without them too.
    var secrets: [String] {
        var secrets: [String] = []
        for value in credentialValues {
            secrets.append(value)
            for keeping in ["", "-._~"] {
                let encoded = Self.percentEncoding(value, keeping: keeping)
                if !secrets.contains(encoded) { secrets.append(encoded) }
            }
            // A key written with dashes (Ozon's is a UUID) may be quoted without them.
            let undashed = value.filter { $0 != "-" }
            if undashed.count != value.count, undashed.count >= Self.shortestSecretPart { secrets.append(undashed) }
            let parts = value.split(separator: ".")
            if parts.count > 1 {
                secrets += parts.filter { $0.count >= Self.shortestSecretPart }.map(String.init)
            }
        }
        return secrets
    }

    /// Each credential value as configured, and a token written `Bearer <token>` alone too: what
    /// a client holding one might send in its place (as a method, as a request id).
    var credentialValues: [String] {
        credentials.values.flatMap { credentials in
            let written = credentials.fieldNames.compactMap { credentials[$0] }
            return written + written.compactMap(Self.withoutScheme)
        }
    }

    /// The token of a value written `Bearer <token>` (the scheme in any case, spaces after it).
    private static func withoutScheme(_ value: String) -> String? {
        guard value.count > 7, value.prefix(7).lowercased() == "bearer " else { return nil }
        let token = value.dropFirst(7).drop { $0 == " " }
        return token.isEmpty ? nil : String(token)
    }

    /// Parts shorter than this are not taken out alone (a JWT's header is about 20 characters).
    static let shortestSecretPart = 16

    /// `value` with every byte but letters, digits and those in `kept` written `%XX`.
    private static func percentEncoding(_ value: String, keeping kept: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"):
                out.append(byte)
            case _ where kept.utf8.contains(byte):
                out.append(byte)
            default:
                out += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 15)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
