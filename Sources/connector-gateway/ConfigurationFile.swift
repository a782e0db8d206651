import Gateway
import Glibc

/// The configuration file's text, or why it cannot be had, in words an operator can act on.
enum ConfigurationFile {
    struct Unreadable: Error {
        let reason: String
    }

    /// Which file the commands read: `--config`'s, else `GATEWAY_CONFIG`'s.
    enum Named {
        case file(String)
        /// Neither names one (serve runs the demo).
        case none
        /// `GATEWAY_CONFIG` is set but empty: an unset variable interpolated into it, a mistake
        /// rather than a wish for no file (serve would run the demo, on HOST, with a known key).
        case emptyVariable
    }

    static func named(_ options: CommandLineOptions, environment: [String: String]) -> Named {
        if let path = options.configPath { return .file(path) }
        switch environment["GATEWAY_CONFIG"] {
        case nil: return .none
        case ""?: return .emptyVariable
        case let path?: return .file(path)
        }
    }

    /// Whether `path` names a pipe or a character device rather than a file (`stat`, which does
    /// not open it: opening a FIFO waits for its writer).
    static func isPipe(_ path: String) -> Bool {
        var status = stat()
        guard stat(path, &status) == 0 else { return false }
        let kind = status.st_mode & S_IFMT
        return kind == S_IFIFO || kind == S_IFCHR
    }

    /// The most a configuration file may hold: a file larger than this is not one.
    static let maxBytes = 64 << 20

    /// The file's text. A pipe or a character device (`--config <(…)`, `/dev/stdin`, a secret
    /// manager's FIFO) is read to its end as a file is.
    static func read(_ path: String) -> Result<String, Unreadable> {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            return .failure(Unreadable(reason: code == ENOENT ? "no such file" : code == EACCES ? "permission denied"
                                       : String(cString: strerror(code))))
        }
        defer { close(fd) }
        var status = stat()
        guard fstat(fd, &status) == 0 else { return .failure(Unreadable(reason: String(cString: strerror(errno)))) }
        switch status.st_mode & S_IFMT {
        case S_IFDIR: return .failure(Unreadable(reason: "it is a directory"))
        case S_IFREG, S_IFIFO, S_IFCHR: break
        default: return .failure(Unreadable(reason: "not a regular file, a pipe or a character device"))
        }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n == 0 { break }
            if n < 0 {
                if errno == EINTR { continue }
                return .failure(Unreadable(reason: String(cString: strerror(errno))))
            }
            bytes.append(contentsOf: chunk[0..<n])
            guard bytes.count <= Self.maxBytes else { return .failure(Unreadable(reason: "larger than 64 MiB")) }
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            return .failure(Unreadable(reason: "it is not UTF-8 text"))
        }
        return .success(text)
    }

    /// The parsed configuration at `path`, or nil after saying on stderr why there is none.
    static func load(_ path: String, environment: [String: String]) -> GatewayConfiguration? {
        switch read(path) {
        case .success(let text):
            do {
                return try GatewayConfiguration.parse(text, environment: environment)
            } catch {
                Output.error("connector-gateway: invalid configuration \(path): \(error)")
                return nil
            }
        case .failure(let problem):
            Output.error("connector-gateway: cannot read the configuration file \(path): \(problem.reason)")
            return nil
        }
    }
}
