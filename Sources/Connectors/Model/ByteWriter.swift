/// A growable run of bytes written through a pointer: where responses and log lines are
/// composed byte by byte. An append to an `[UInt8]` costs ~60 instructions for one byte and ~90
/// for a run (uniqueness, capacity and generic-sequence checks, every time); here it is a
/// capacity check and a store or a copy. Non-copyable, so there is no copy-on-write to check
/// for, and its memory is freed when it goes.
public struct ByteWriter: ~Copyable {
    @usableFromInline var base: UnsafeMutableRawPointer
    @usableFromInline var capacity: Int
    @usableFromInline var used: Int

    /// The bytes written so far.
    public var count: Int { used }

    /// A writer with room for `capacity` bytes; with 0 it allocates nothing until written to
    /// (a placeholder to swap another writer out with costs no allocation).
    public init(capacity: Int = 256) {
        self.capacity = max(capacity, 0)
        base = self.capacity > 0 ? UnsafeMutableRawPointer.allocate(byteCount: self.capacity, alignment: 1) : Self.nothing
        used = 0
    }

    deinit {
        if capacity > 0 { base.deallocate() }
    }

    /// Where a writer that holds no memory points. `nonisolated(unsafe)`: the pointer itself is
    /// a constant, and the byte it points to is never read or written (a writer with capacity 0
    /// grows before it writes, and reads `count` bytes, 0) nor freed (`deinit` and `grow` free
    /// only a writer's own memory, capacity above 0), so threads share nothing mutable through it.
    nonisolated(unsafe) private static let nothing = UnsafeMutableRawPointer.allocate(byteCount: 1, alignment: 1)

    /// Appends one byte, growing the storage when full.
    @inlinable
    public mutating func append(_ byte: UInt8) {
        if used == capacity { grow(to: used + 1) }
        base.storeBytes(of: byte, toByteOffset: used, as: UInt8.self)
        used &+= 1
    }

    /// Copies `bytes` in; an empty buffer appends nothing.
    @inlinable
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        guard let source = bytes.baseAddress else { return }
        if capacity - used < bytes.count { grow(to: used + bytes.count) }
        (base + used).copyMemory(from: source, byteCount: bytes.count)
        used &+= bytes.count
    }

    /// Appends the UTF-8 of a literal, without making a String.
    @inlinable
    public mutating func append(_ text: StaticString) {
        append(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// Copies the array's bytes in.
    public mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { append($0) }
    }

    /// The UTF-8 of `text`, lent by a native string without a copy.
    public mutating func append(utf8Of text: String) {
        if text.utf8.withContiguousStorageIfAvailable({ append(UnsafeRawBufferPointer($0)) }) == nil {
            var text = text
            text.withUTF8 { append(UnsafeRawBufferPointer($0)) }
        }
    }

    /// Lets `body` write up to `maximum` bytes in place; it returns how many it wrote.
    @inlinable
    public mutating func write(upTo maximum: Int, _ body: (UnsafeMutableRawBufferPointer) -> Int) {
        if capacity - used < maximum { grow(to: used + maximum) }
        let written = body(UnsafeMutableRawBufferPointer(start: base + used, count: maximum))
        precondition(written >= 0 && written <= maximum, "ByteWriter.write wrote outside the room it asked for")
        used &+= written
    }

    /// The bytes written, as an array.
    public var bytes: [UInt8] {
        [UInt8](UnsafeRawBufferPointer(start: base, count: used))
    }

    /// Calls `body` with the bytes written.
    public func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(start: base, count: used))
    }

    /// Appends the bytes written to `array`.
    public func append(to array: inout [UInt8]) {
        array.append(contentsOf: UnsafeRawBufferPointer(start: base, count: used))
    }

    @usableFromInline
    mutating func grow(to needed: Int) {
        var newCapacity = max(capacity * 2, 64)
        while newCapacity < needed { newCapacity *= 2 }
        let grown = UnsafeMutableRawPointer.allocate(byteCount: newCapacity, alignment: 1)
        grown.copyMemory(from: base, byteCount: used)
        if capacity > 0 { base.deallocate() }
        base = grown
        capacity = newCapacity
    }
}
