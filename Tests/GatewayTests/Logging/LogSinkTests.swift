import Foundation
import Gateway
import Glibc
import Synchronization
import Testing

@Suite("Log sink")
struct LogSinkTests {
    /// A pipe (reader, writer) of one page when `onePage`, its write end non-blocking when asked.
    static func pipe(onePage: Bool = false, nonBlocking: Bool = false) throws -> (reader: Int32, writer: Int32) {
        var ends: [Int32] = [0, 0]
        try #require(Glibc.pipe(&ends) == 0)
        if onePage { _ = fcntl(ends[1], 1031, 4096) }  // F_SETPIPE_SZ (Linux), which Glibc does not export to Swift
        if nonBlocking { _ = fcntl(ends[1], F_SETFL, fcntl(ends[1], F_GETFL) | O_NONBLOCK) }
        return (ends[0], ends[1])
    }

    /// `count` numbered lines of some 50 bytes.
    static func lines(_ count: Int) -> [String] {
        (0..<count).map { "line \($0) " + String(repeating: "x", count: 40) }
    }

    @Test("given stdout made non-blocking by another process and a reader slower than the lines, then every line still arrives, whole and in order",
          .timeLimit(.minutes(3)))
    func nonBlockingOutput() async throws {
        // given: a pipe of one page whose write end is non-blocking, as a parent sharing it may set it
        let (reader, writer) = try Self.pipe(onePage: true, nonBlocking: true)
        let sink = LogSink(fd: writer)
        let lines = Self.lines(4_000)
        // when: far more than the pipe holds is logged before anyone reads
        for line in lines { sink.write(line) }
        let received = await Self.flushedAndRead(sink, writer: writer, reader: reader, patience: .seconds(120))  // however late a busy machine starts the reader
        // then
        let got = received.split(separator: "\n").map(String.init)
        #expect(got.count == lines.count)
        #expect(got.elementsEqual(lines), "the first line that differs: \(String(describing: zip(got, lines).first { $0 != $1 }))")
    }

    /// Reads `reader` on a thread of its own, started before `meanwhile` runs (which may block
    /// this thread: a task started instead could wait for a free thread of the pool), until it has
    /// `bytes` bytes or end of file.
    static func drain(_ reader: Int32, bytes: Int = .max, meanwhile: () -> Void = {}) async -> String {
        await withCheckedContinuation { continuation in
            Thread {
                var data: [UInt8] = []
                var chunk = [UInt8](repeating: 0, count: 4096)
                while data.count < bytes {
                    let n = chunk.withUnsafeMutableBytes { read(reader, $0.baseAddress, $0.count) }
                    if n <= 0 { break }
                    data += chunk[0..<n]
                }
                continuation.resume(returning: String(decoding: data, as: UTF8.self))
            }.start()
            meanwhile()
        }
    }

    /// Reads `reader` to its end while `sink` is flushed into `writer`, then closes both ends.
    static func flushedAndRead(_ sink: LogSink, writer: Int32, reader: Int32, patience: Duration) async -> String {
        let received = await drain(reader) {
            sink.flush(patience: patience)
            close(writer)
        }
        close(reader)
        return received
    }

    /// A sink on a blocking pipe nobody reads, given more lines than the pipe holds (its writer is
    /// then stuck in write()), and flushed with 200 ms of patience, which runs out.
    static func flushedWhileStuck() throws -> (reader: Int32, writer: Int32, lines: [String], sink: LogSink) {
        let (reader, writer) = try pipe()
        let sink = LogSink(fd: writer)
        let lines = Self.lines(4_000)
        for line in lines { sink.write(line) }
        sink.flush(patience: .milliseconds(200))
        return (reader, writer, lines, sink)
    }

    @Test("given a blocking output whose reader does not read, when flushed at shutdown, then flush gives up after its patience instead of waiting as long as the reader",
          .timeLimit(.minutes(1)))
    func flushGivesUpOnABlockingOutput() async throws {
        // when: the writer is stuck in write() on a full pipe, and the sink flushed
        let (reader, writer, lines, _) = try Self.flushedWhileStuck()
        // then: flush returned (the time limit is the assertion); reading lets the writer finish
        let received = await Self.drain(reader, bytes: lines.reduce(0) { $0 + $1.utf8.count + 1 })
        #expect(received.split(separator: "\n").count == lines.count)
        close(reader)
        close(writer)
    }

    @Test("given a flush that gave up on a reader that does not read, when the shutdown's last line is flushed with a long patience, then it waits no more",
          .timeLimit(.minutes(1)))
    func secondFlushWaitsNoMore() async throws {
        let (reader, writer, lines, sink) = try Self.flushedWhileStuck()
        // when: the last line, flushed with a patience past the time limit (the limit is the assertion)
        sink.write("stopped")
        sink.flush(patience: .seconds(90))
        // then: it returned; reading lets the writer finish, the last line included
        let received = await Self.drain(reader, bytes: lines.reduce(0) { $0 + $1.utf8.count + 1 } + "stopped\n".utf8.count)
        #expect(received.split(separator: "\n").last == "stopped")
        close(reader)
        close(writer)
    }

    @Test("given more lines than the sink may hold while the output is stuck, then the lines lost are counted in a line of their own, and none is lost unsaid",
          .timeLimit(.minutes(1)))
    func droppedLinesAreSaid() async throws {
        // given: a one-page pipe nobody reads yet, and room for about twenty lines
        let (reader, writer) = try Self.pipe(onePage: true)
        let sink = LogSink(fd: writer, maxPending: 1_000)
        let observed = Atomic(0)
        sink.observeDrops { observed.add($0, ordering: .relaxed) }
        let lines = Self.lines(1_000)
        // when
        for line in lines { sink.write(line) }
        let received = await Self.flushedAndRead(sink, writer: writer, reader: reader, patience: .seconds(30))
        // then
        let got = received.split(separator: "\n").map(String.init)
        let markers = got.filter { $0.hasPrefix(#"{"time":""#) && $0.contains(#""event":"log_lines_dropped""#) }
        let written = got.filter { $0.hasPrefix("line ") }
        let dropped = markers.compactMap { $0.split(separator: ",").first { $0.hasPrefix(#""count":"#) }.flatMap { Int($0.dropFirst(8)) } }
        #expect(!markers.isEmpty)
        #expect(written.count + dropped.reduce(0, +) == lines.count, "\(written.count) written, \(dropped) dropped")
        #expect(observed.load(ordering: .relaxed) == dropped.reduce(0, +), "the observer is told of each line dropped")
        #expect(written == lines.filter { written.contains($0) }, "in order")
    }

    @Test("given an output whose reader is gone, when lines are logged, then each is counted as dropped", .timeLimit(.minutes(1)))
    func linesLostToAGoneReaderAreCounted() throws {
        // given: as in the gateway, a write to a pipe with no reader fails (EPIPE) rather than killing the process
        signal(SIGPIPE, SIG_IGN)
        let (reader, writer) = try Self.pipe()
        close(reader)
        defer { close(writer) }
        let sink = LogSink(fd: writer)
        let dropped = Atomic(0)
        sink.observeDrops { dropped.add($0, ordering: .relaxed) }
        // when
        for line in Self.lines(10) { sink.write(line) }
        sink.flush(patience: .seconds(30))
        // then
        #expect(dropped.load(ordering: .relaxed) == 10)
    }

    @Test("given a sink full while the output is stuck, then an event line (drain, stop) is kept, after the count of the lines dropped before it",
          .timeLimit(.minutes(1)))
    func eventLinesAreNeverDropped() async throws {
        // given: a one-page pipe nobody reads yet, already full, so the sink's writer is stuck in
        // write() with the first batch it takes; then lines until the sink, holding what it has
        // room for (about twenty lines), drops one. The sink is full then only once the writer has
        // taken its batch: more lines accepted than the sink holds tell that it has. (Writing a
        // fixed number of lines, a writer slow to start on a loaded machine took its batch only
        // after the last of them, and the events found the sink empty.)
        let (reader, writer) = try Self.pipe(onePage: true)
        let filler = [UInt8](repeating: UInt8(ascii: "-"), count: 4_095) + [UInt8(ascii: "\n")]
        try #require(filler.withUnsafeBytes { Glibc.write(writer, $0.baseAddress, $0.count) } == filler.count)
        let sink = LogSink(fd: writer, maxPending: 1_000)
        let drops = Atomic(0)
        sink.observeDrops { drops.add($0, ordering: .relaxed) }
        let lines = Self.lines(1_000)
        let room = 1_000 / (lines[0].utf8.count + 1)
        let deadline = ContinuousClock.now + .seconds(30)
        var written = 0
        while true {
            let before = drops.load(ordering: .relaxed)
            sink.write(lines[written % lines.count])
            written += 1
            let dropped = drops.load(ordering: .relaxed)
            guard dropped > before else { continue }
            if written - dropped > room { break }
            try #require(ContinuousClock.now < deadline, "the sink's writer never took a batch")
            try await Task.sleep(for: .milliseconds(1))
        }
        // when: events longer than the room a full sink has left (it holds 949 bytes or more)
        let padding = String(repeating: "x", count: 80)
        let drainLine = #"{"event":"drain","signal":15,"padding":""# + padding + #""}"#
        let stoppedLine = #"{"event":"stopped","padding":""# + padding + #""}"#
        sink.writeEvent(drainLine)
        sink.write("after the drain")
        sink.writeEvent(stoppedLine)
        let received = await Self.flushedAndRead(sink, writer: writer, reader: reader, patience: .seconds(30))
        // then: both events, in order, each after a count of what was lost before it
        let got = received.split(separator: "\n").map(String.init)
        let drain = try #require(got.firstIndex(of: drainLine))
        let stopped = try #require(got.firstIndex(of: stoppedLine))
        #expect(drain < stopped)
        #expect(got[drain - 1].contains(#""event":"log_lines_dropped""#))
        #expect(!got.contains("after the drain"))
        #expect(got[stopped - 1].contains(#""event":"log_lines_dropped""#) && got[stopped - 1].contains(#""count":1,"#))
    }

    @Test("given a non-blocking output nobody reads, when flushed at shutdown, then flush gives up after its patience instead of waiting forever",
          .timeLimit(.minutes(1)))
    func flushGivesUp() throws {
        let (reader, writer) = try Self.pipe(nonBlocking: true)
        defer { close(reader); close(writer) }
        let sink = LogSink(fd: writer)
        for line in Self.lines(4_000) { sink.write(line) }
        sink.flush(patience: .milliseconds(200))
        // then: flush returned (the time limit is the assertion), and what fit in the pipe was written
        var chunk = [UInt8](repeating: 0, count: 1024)
        _ = fcntl(reader, F_SETFL, fcntl(reader, F_GETFL) | O_NONBLOCK)
        #expect(chunk.withUnsafeMutableBytes { read(reader, $0.baseAddress, $0.count) } > 0)
    }

    @Test("given a flush that gave up part way through a line, when the next line is written, then it starts a line of its own, valid JSON",
          .timeLimit(.minutes(1)))
    func cutLineIsEnded() async throws {
        // given: a one-page non-blocking pipe nobody reads, and lines longer than it (a pipe
        // takes part of a write only past PIPE_BUF, 4 KiB), so the writer stops inside one when
        // the flush's patience runs out
        let (reader, writer) = try Self.pipe(onePage: true, nonBlocking: true)
        defer { close(reader); close(writer) }
        _ = fcntl(reader, F_SETFL, fcntl(reader, F_GETFL) | O_NONBLOCK)
        let sink = LogSink(fd: writer)
        for index in 0..<3 { sink.write(#"{"n":\#(index),"padding":"\#(String(repeating: "x", count: 6_000))"}"#) }
        sink.flush(patience: .milliseconds(100))
        func drain() -> [UInt8] {
            var received: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = chunk.withUnsafeMutableBytes { read(reader, $0.baseAddress, $0.count) }
                guard count > 0 else { return received }
                received += chunk[..<count]
            }
        }
        let first = drain()
        try #require(first.last != UInt8(ascii: "\n"), "the pipe took whole lines only: nothing was cut")
        // when: the shutdown's last line, the reader now reading
        sink.writeEvent(#"{"event":"stopped"}"#)
        sink.flush(patience: .seconds(5))
        // then: it is a line of its own
        let lines = String(decoding: first + drain(), as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.contains(#"{"event":"stopped"}"#), "\(lines.suffix(2))")
    }
}
