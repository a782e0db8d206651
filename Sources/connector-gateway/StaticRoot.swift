import Foundation

/// Where the files the gateway serves live (`Public/` — the console, the problem pages — and
/// `openapi.yaml`). Given (`--static-root`, `GATEWAY_STATIC_ROOT`), it is used as it is; otherwise
/// the first of the working directory, the binary's directory and the three above it (a SwiftPM
/// build sits two or three levels under the checkout), and `/usr/share/connector-gateway` (the image's) that
/// holds both. Not found, the gateway still runs, and says at start-up that those paths will be 404.
struct StaticRoot {
    let directory: URL
    /// Whether `Public/` and `openapi.yaml` are there.
    let isComplete: Bool

    static let installed = "/usr/share/connector-gateway"

    static func locate(given: String?, workingDirectory: String = FileManager.default.currentDirectoryPath) -> StaticRoot {
        if let given {
            let directory = URL(fileURLWithPath: given)
            return StaticRoot(directory: directory, isComplete: holdsFiles(directory))
        }
        var candidates = [URL(fileURLWithPath: workingDirectory)]
        if let executable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            var directory = URL(fileURLWithPath: executable).deletingLastPathComponent()
            for _ in 0..<4 {
                candidates.append(directory)
                directory.deleteLastPathComponent()
            }
        }
        candidates.append(URL(fileURLWithPath: installed))
        let found = candidates.first(where: holdsFiles)
        return StaticRoot(directory: found ?? candidates[0], isComplete: found != nil)
    }

    /// The root `serve` and `check-config` use: `--static-root`, else `GATEWAY_STATIC_ROOT` when
    /// set and not empty, else the search above.
    static func locate(_ options: CommandLineOptions, environment: [String: String]) -> StaticRoot {
        locate(given: options.staticRoot ?? environment["GATEWAY_STATIC_ROOT"].flatMap { $0.isEmpty ? nil : $0 })
    }

    /// The start-up warning for a root without the files; nil when they are there.
    var warning: String? {
        guard !isComplete else { return nil }
        return "No Public/ and openapi.yaml under \(directory.path): /openapi.yaml, the problem pages "
            + "(every problem's type) and the console will be 404. Set GATEWAY_STATIC_ROOT (or --static-root) to the directory holding them."
    }

    static func holdsFiles(_ directory: URL) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: directory.appendingPathComponent("Public").path, isDirectory: &isDirectory)
            && isDirectory.boolValue
            && FileManager.default.fileExists(atPath: directory.appendingPathComponent("openapi.yaml").path)
    }
}
