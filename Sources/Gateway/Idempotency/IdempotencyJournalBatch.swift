import Hashing

/// One write of the idempotency journal: the records queued together, framed as a unit (a
/// little-endian `UInt32` length, the first 8 bytes of the content's SHA-256, the content: the
/// records' frames, which the batch's check covers). The journal syncs each batch before it writes the next, so a crash can
/// leave only the last one broken, in whatever way a disk leaves an unsynced write: cut short,
/// zeros, some of its pages and not others. A broken batch with no whole batch after it is that
/// write, never acknowledged, and dropped; one with a whole batch after it is damage, and so is
/// one a rewrite wrote (before the header's sealed length): a rewrite is synced before it is
/// renamed into place, so no crash leaves it broken.
enum IdempotencyJournalBatch {
    /// Bytes of the content's SHA-256 a batch keeps as its check.
    static let checkLength = 8
    /// Bytes of a batch besides its content.
    static let overhead = 4 + checkLength
    /// The largest content read back: larger lengths are damage, not batches.
    static let maxContent = 1 << 30
    /// The smallest content a batch has: one record's frame.
    static let minContent = 4 + IdempotencyJournalRecord.minPayload

    /// The content a write puts in one batch at most: more records make several batches.
    static let batchContent = 16 << 20

    /// `content` (record frames, whole) as batches of about `batchContent` bytes each, cut
    /// between records, appended to `bytes`: a rewrite of millions of outcomes stays readable.
    static func frame(_ content: [UInt8], into bytes: inout [UInt8], batchContent: Int = batchContent) {
        var start = 0
        while start < content.count {
            // Whole records up to the batch size; one larger record goes alone.
            var end = start
            repeat {
                end += 4 + length(in: content, at: end)
            } while end < content.count && end - start < batchContent
            frameOne(content[start..<end], into: &bytes)
            start = end
        }
    }

    private static func frameOne(_ content: ArraySlice<UInt8>, into bytes: inout [UInt8]) {
        precondition(content.count <= maxContent, "an idempotency journal record of \(content.count) bytes")
        putLength(content.count, into: &bytes)
        bytes += SHA256.hash(content).prefix(checkLength)
        bytes += content
    }

    /// `length` as the little-endian `UInt32` that begins a batch or a record's frame.
    static func putLength(_ length: Int, into bytes: inout [UInt8]) {
        let length = UInt32(length)
        for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: length >> UInt32(shift))) }
    }

    /// The little-endian `UInt32` length at `offset` (4 bytes must be there).
    static func length<Bytes: RandomAccessCollection<UInt8>>(in bytes: Bytes, at offset: Bytes.Index) -> Int where Bytes.Index == Int {
        var length = 0
        for index in 0..<4 { length |= Int(bytes[offset + index]) << (8 * index) }
        return length
    }

    /// How a journal's bytes read: the records of its whole batches, and where that stopped.
    enum Scan: Equatable {
        /// Every byte is in a whole batch.
        case whole
        /// From this offset on nothing is a whole batch: the last write, broken by a crash.
        case torn(at: Int)
        /// The batch at this offset is broken and a whole batch follows it: damage.
        case damaged(at: Int)
    }

    /// The records of the batches in `bytes`, in order, and how the scan ended. The first
    /// `sealed` bytes were written by a rewrite: a broken batch there is damage.
    static func records(in bytes: [UInt8], sealed: Int = 0) -> (records: [IdempotencyJournalRecord], end: Scan) {
        var records: [IdempotencyJournalRecord] = []
        var offset = 0
        while offset < bytes.count {
            guard let (batch, end) = batch(in: bytes, at: offset) else {
                if offset < sealed { return (records, .damaged(at: offset)) }
                return (records, wholeBatch(in: bytes, after: offset) ? .damaged(at: offset) : .torn(at: offset))
            }
            records += batch
            offset = end
        }
        return (records, .whole)
    }

    /// The records of the whole batch at `offset` and where it ends; nil when none is there.
    private static func batch(in bytes: [UInt8], at offset: Int) -> ([IdempotencyJournalRecord], end: Int)? {
        guard bytes.count - offset >= overhead + minContent else { return nil }
        let length = length(in: bytes, at: offset)
        let contentStart = offset + overhead
        guard (minContent...maxContent).contains(length), bytes.count - contentStart >= length else { return nil }
        let content = bytes[contentStart..<contentStart + length]
        // Record frames that fill the content exactly, before its hash: a search for a whole
        // batch through damage meets a plausible length at almost every offset, and hashing
        // each (up to the rest of the file) would take quadratic time.
        guard framesFill(content),
              SHA256.hash(content).prefix(checkLength).elementsEqual(bytes[offset + 4..<contentStart]),
              let records = IdempotencyJournalRecord.records(in: content) else { return nil }
        return (records, contentStart + length)
    }

    /// Whether `content` is a chain of record frames of plausible lengths that ends exactly at
    /// its end: a hop per record, no byte read but their lengths.
    private static func framesFill(_ content: ArraySlice<UInt8>) -> Bool {
        var offset = content.startIndex
        while offset < content.endIndex {
            guard content.endIndex - offset >= 4 else { return false }
            let length = length(in: content, at: offset)
            guard (IdempotencyJournalRecord.minPayload...IdempotencyJournalRecord.maxPayload).contains(length),
                  content.endIndex - offset - 4 >= length else { return false }
            offset += 4 + length
        }
        return true
    }

    /// Whether a whole batch starts anywhere after `offset`. Zeros (a length too small) and
    /// lengths past the end are passed over without hashing, so a torn tail costs little to search.
    private static func wholeBatch(in bytes: [UInt8], after offset: Int) -> Bool {
        var start = offset + 1
        while start + overhead + minContent <= bytes.count {
            if batch(in: bytes, at: start) != nil { return true }
            start += 1
        }
        return false
    }
}
