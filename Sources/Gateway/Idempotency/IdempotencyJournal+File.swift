import Glibc
import Hashing

/// The journal's file: what the path names, opening and locking it, reading it whole, writing
/// and syncing, and rewriting it by a rename; each a system call or two, off the loops.
extension IdempotencyJournal {
    /// The file a journal at `path` is: `path` itself, or the existing file it is a symbolic
    /// link to. Anything else there (a directory, a device, a pipe, a link to nothing) is refused:
    /// the journal is rewritten by renaming a new file over it, which would replace it.
    static func resolvedTarget(_ path: String) throws(IdempotencyJournalError) -> String {
        var link = stat()
        // Not there yet: created at `path`.
        guard lstat(path, &link) == 0 else { return path }
        var target = path
        if link.st_mode & S_IFMT == S_IFLNK {
            guard let real = realpath(path, nil) else {
                let code = errno
                guard code == ENOENT else { throw .system("cannot follow the symbolic link", path: path, code: code) }
                throw IdempotencyJournalError(path: path, problem: "it is a symbolic link to nothing; create the file it names (empty) or name that file",
                                              errorNumber: code)
            }
            target = String(cString: real)
            free(real)
        }
        var status = stat()
        guard stat(target, &status) == 0 else { throw .system("cannot tell what it is", path: path, code: errno) }
        guard status.st_mode & S_IFMT == S_IFREG else { throw notRegular(path) }
        return target
    }

    static func notRegular(_ path: String) -> IdempotencyJournalError {
        IdempotencyJournalError(path: path, problem: "it is not a regular file (a directory, a device or a pipe); name a file")
    }

    /// Why `open` would refuse `path`, checked without creating, locking or changing anything (a
    /// running gateway may hold it): a folder that is missing or not writable, a path that is not
    /// a regular file, a file not writable, one that is not a journal or is damaged. Nil when none
    /// of these holds.
    public static func problemOpening(_ path: String) -> String? {
        if let problem = problemWithPlace(path) { return problem }
        guard let target = try? resolvedTarget(path) else { return nil }
        var status = stat()
        guard stat(target, &status) == 0, status.st_size > 0 else { return nil }
        // Non-blocking: a pipe put there since the check above must not hang the check.
        let descriptor = Glibc.open(target, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else { return "cannot open it: \(String(cString: strerror(errno)))" }
        defer { Glibc.close(descriptor) }
        do {
            _ = try contents(try readAll(descriptor, path: path), path: path)
        } catch {
            return error.problem
        }
        return nil
    }

    /// What `problemOpening` finds wrong with where the journal is, its contents left unread: a
    /// folder missing, or one this user cannot write in and open (the journal is rewritten beside
    /// itself, and the folder is opened to sync the rename: a write-only folder would leave every
    /// rewrite undurable), a path that is not a regular file, a file not readable and writable.
    /// `serve` asks this before `open`, which reads the contents itself.
    public static func problemWithPlace(_ path: String) -> String? {
        let target: String
        do {
            target = try resolvedTarget(path)
        } catch {
            return error.problem
        }
        let folder = folder(of: target)
        var status = stat()
        guard stat(folder, &status) == 0, status.st_mode & S_IFMT == S_IFDIR else { return "its folder \(folder) does not exist" }
        guard access(folder, R_OK | W_OK | X_OK) == 0 else {
            return errno == EROFS ? "its folder \(folder) is on a read-only file system" : "its folder \(folder) is not readable and writable by this user"
        }
        guard stat(target, &status) == 0 else { return nil }
        guard access(target, R_OK | W_OK) == 0 else {
            return errno == EROFS ? "it is on a read-only file system" : "it is not readable and writable by this user"
        }
        return nil
    }

    /// The records in a journal file's `bytes` and, when its last write was left broken by a
    /// crash, the byte it starts at; throws for a file that is not a journal or is damaged.
    static func contents(_ bytes: [UInt8], path: String) throws(IdempotencyJournalError) -> (records: [IdempotencyJournalRecord], tornAt: Int?) {
        guard !bytes.isEmpty else { return ([], nil) }
        // An empty journal's first write (its start-up rewrite failed) carries its header; a crash
        // before it was synced leaves part of that header, or the zeros of blocks never written.
        // Either holds no record: the broken write is dropped, as a torn batch is.
        let firstHeader = header(sealing: headerLength)
        if (bytes.count < headerLength && firstHeader.starts(with: bytes)) || bytes.allSatisfy({ $0 == 0 }) {
            return ([], 0)
        }
        let moveAside = "; move the file aside to start without the outcomes it keeps (a retry of those replies would then write again)"
        let start: Int, sealed: Int
        if bytes.starts(with: legacyHeader) {
            (start, sealed) = (legacyHeader.count, legacyHeader.count)
        } else if bytes.starts(with: sealingMagic) {
            guard bytes.count >= headerLength,
                  SHA256.hash(bytes[..<16]).prefix(8).elementsEqual(bytes[16..<headerLength]) else {
                throw IdempotencyJournalError(path: path, problem: "its header is damaged" + moveAside)
            }
            let length = bytes[8..<16].reversed().reduce(0) { $0 << 8 | UInt64($1) }
            guard length >= UInt64(headerLength), length <= UInt64(bytes.count) else {
                throw IdempotencyJournalError(path: path, problem: "it is shorter than its last rewrite wrote it (\(length) bytes, \(bytes.count) left)"
                                                  + moveAside)
            }
            (start, sealed) = (headerLength, Int(length))
        } else {
            throw IdempotencyJournalError(path: path, problem: "is not an idempotency journal (its first bytes are not the journal's); name another file")
        }
        let scan = IdempotencyJournalBatch.records(in: Array(bytes[start...]), sealed: sealed - start)
        switch scan.end {
        case .whole:
            return (scan.records, nil)
        case .torn(let offset):
            return (scan.records, offset + start)
        case .damaged(let offset):
            let which = offset + start < sealed ? "written by its last rewrite" : "with whole ones after it"
            throw IdempotencyJournalError(path: path, problem: "the batch at byte \(offset + start) is damaged, \(which)" + moveAside)
        }
    }

    /// Keeps the journal open on `descriptor` as it is, cut back to `cutAt` (its broken last
    /// write) when given; returns its size.
    static func keptAsItIs(_ descriptor: Int32, cutAt: Int?, path: String) throws(IdempotencyJournalError) -> Int {
        if let cutAt {
            guard ftruncate(descriptor, off_t(cutAt)) == 0, fsync(descriptor) == 0 else {
                throw .system("cannot rewrite it, nor cut its broken last write off", path: path, code: errno)
            }
        }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw .system("cannot read its size", path: path, code: errno) }
        return Int(status.st_size)
    }

    /// Opens `path` (creating it) and takes its lock. A gateway that rewrites the journal renames
    /// a new file over it, so a lock taken on a file just renamed away is let go and taken again
    /// on the one now at `path`.
    static func openLocked(_ target: String, path: String) throws(IdempotencyJournalError) -> Int32 {
        for _ in 0..<8 {
            let descriptor = Glibc.open(target, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
            guard descriptor >= 0 else { throw .system("cannot open it", path: path, code: errno) }
            guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
                let code = errno
                Glibc.close(descriptor)
                if code == EWOULDBLOCK {
                    throw IdempotencyJournalError(path: path, problem: "another process (another gateway?) has it open; give each gateway a journal of its own",
                                                  errorNumber: code)
                }
                throw .system("cannot lock it", path: path, code: code)
            }
            var opened = stat(), named = stat()
            if fstat(descriptor, &opened) == 0, stat(target, &named) == 0, opened.st_dev == named.st_dev, opened.st_ino == named.st_ino {
                guard opened.st_mode & S_IFMT == S_IFREG else {
                    Glibc.close(descriptor)
                    throw notRegular(path)
                }
                return descriptor
            }
            Glibc.close(descriptor)
        }
        throw IdempotencyJournalError(path: path, problem: "it keeps being replaced while it is opened (another gateway rewriting it?); give each gateway a journal of its own")
    }

    static func readAll(_ descriptor: Int32, path: String) throws(IdempotencyJournalError) -> [UInt8] {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw .system("cannot read its size", path: path, code: errno) }
        var bytes = [UInt8](repeating: 0, count: Int(status.st_size))
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress! + offset, $0.count - offset, off_t(offset)) }
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { throw .system("cannot read it", path: path, code: errno) }
            if count == 0 { break }
            offset += count
        }
        return Array(bytes.prefix(offset))
    }

    static func writeAll(_ bytes: [UInt8], to descriptor: Int32, at start: Int, path: String) -> IdempotencyJournalError? {
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeBytes { pwrite(descriptor, $0.baseAddress! + offset, $0.count - offset, off_t(start + offset)) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return .system("cannot write it", path: path, code: count < 0 ? errno : EIO) }
            offset += count
        }
        return nil
    }

    /// Writes `records` behind the header to `<target>.tmp`, syncs and locks it, renames it over
    /// `target` and syncs the folder; returns the new file, open and locked. The old file (locked
    /// by this process) stays as it was until the rename, so a failure leaves it whole. `path`
    /// (the configured one) names the journal in errors.
    static func rewrite(_ records: [IdempotencyJournalRecord], path: String, target: String,
                        log: LogSink?) throws(IdempotencyJournalError) -> (descriptor: Int32, size: Int) {
        var content: [UInt8] = []
        for record in records { record.frame(into: &content) }
        var batches: [UInt8] = []
        IdempotencyJournalBatch.frame(content, into: &batches)
        let bytes = header(sealing: headerLength + batches.count) + batches
        let temporary = target + ".tmp"
        // A new file of this process's, 0600: whatever a crash (or anyone) left under that name,
        // a symbolic link above all, is taken away first, never opened and written through.
        if unlink(temporary) != 0, errno != ENOENT {
            throw .system("cannot remove an earlier \(temporary) to rewrite it", path: path, code: errno)
        }
        let descriptor = Glibc.open(temporary, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw .system("cannot create \(temporary) to rewrite it", path: path, code: errno) }
        var keep = false
        defer {
            if !keep {
                Glibc.close(descriptor)
                unlink(temporary)
            }
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else { throw .system("cannot lock \(temporary)", path: path, code: errno) }
        if let error = writeAll(bytes, to: descriptor, at: 0, path: path) { throw error }
        guard fsync(descriptor) == 0 else { throw .system("cannot sync \(temporary)", path: path, code: errno) }
        guard rename(temporary, target) == 0 else { throw .system("cannot rename \(temporary) over it", path: path, code: errno) }
        keep = true
        if !syncFolder(of: target) {
            // The rename may not survive a power loss: the old file would come back, without
            // what is appended to the new one. Said, as nothing better can be done about it.
            report("idempotency_journal_folder_not_synced", .system("cannot sync its folder after a rewrite", path: path, code: errno),
                   to: log, level: .warn)
        }
        return (descriptor, bytes.count)
    }

    /// Makes a rename in the journal's folder durable; false (errno set) when it could not.
    static func syncFolder(of path: String) -> Bool {
        let descriptor = Glibc.open(folder(of: path), O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { Glibc.close(descriptor) }
        return fsync(descriptor) == 0
    }

    /// The folder `path` is in: what comes before its last `/`, else the working directory.
    static func folder(of path: String) -> String {
        path.lastIndex(of: "/").map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
    }
}
