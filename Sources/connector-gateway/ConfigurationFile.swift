import Foundation

/// The configuration file's text, or why it cannot be had, in words an operator can act on.
enum ConfigurationFile {
    struct Unreadable: Error {
        let reason: String
    }

    static func read(_ path: String) -> Result<String, Unreadable> {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            return .failure(Unreadable(reason: "no such file"))
        }
        if isDirectory.boolValue { return .failure(Unreadable(reason: "it is a directory")) }
        guard let data = FileManager.default.contents(atPath: path) else {
            return .failure(Unreadable(reason: "permission denied or not a regular file"))
        }
        guard let text = String(data: data, encoding: .utf8) else {
            return .failure(Unreadable(reason: "it is not UTF-8 text"))
        }
        return .success(text)
    }
}
