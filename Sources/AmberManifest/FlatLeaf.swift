import AmberCore

/// A columnar leaf's entries (`manifest-format.md` §N.7) decoded into one buffer: each entry's
/// key, then its row (none for a tombstone), one after the other, and where each ends. Made for
/// readers of every entry of a packed tree (a restore, a backup comparing with its parent):
/// they borrow each key and row from it (``TreeCursor/nextLent(_:)``) instead of receiving two
/// arrays an entry, which cost more to make and free than to decode.
struct FlatLeaf: Sendable {
    /// An entry's place in ``bytes``: its key is `keyStart..<keyEnd`, its row
    /// `keyEnd..<valueEnd`; `valueEnd` is -1 for a tombstone.
    struct Span: Sendable {
        var keyStart: Int32
        var keyEnd: Int32
        var valueEnd: Int32
    }

    private(set) var bytes: [UInt8] = []
    private(set) var spans: [Span] = []

    var count: Int { spans.count }

    init(capacity: Int) {
        spans.reserveCapacity(capacity)
    }

    mutating func append(key: [UInt8], row: [UInt8]?) {
        let keyStart = Int32(bytes.count)
        bytes.append(contentsOf: key)
        let keyEnd = Int32(bytes.count)
        if let row { bytes.append(contentsOf: row) }
        spans.append(Span(keyStart: keyStart, keyEnd: keyEnd, valueEnd: row == nil ? -1 : Int32(bytes.count)))
    }

    /// Entry `i` as the arrays a ``ManifestEntry`` holds.
    func entry(_ i: Int) -> ManifestEntry {
        let span = spans[i]
        let key = Array(bytes[Int(span.keyStart)..<Int(span.keyEnd)])
        guard span.valueEnd >= 0 else { return ManifestEntry(key: key, value: .tombstone) }
        return ManifestEntry(key: key, value: .inline(Array(bytes[Int(span.keyEnd)..<Int(span.valueEnd)])))
    }

    /// Calls `body` with entry `i`'s key and row (nil for a tombstone), lent for the call.
    func withEntry<R>(_ i: Int, _ body: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>?) throws(ManifestError) -> R) throws(ManifestError) -> R {
        let span = spans[i]
        return try bytes.withUnsafeBufferPointer { all throws(ManifestError) in
            let key = UnsafeBufferPointer(rebasing: all[Int(span.keyStart)..<Int(span.keyEnd)])
            let row = span.valueEnd < 0 ? nil : UnsafeBufferPointer(rebasing: all[Int(span.keyEnd)..<Int(span.valueEnd)])
            return try body(key, row)
        }
    }

    /// The order of entry `i`'s key and `other` (``Swift/Array/compareBytes(_:)``).
    func compareKey(_ i: Int, with other: [UInt8]) -> Int {
        let span = spans[i]
        return bytes.withUnsafeBufferPointer { all in
            other.withUnsafeBufferPointer { UnsafeBufferPointer(rebasing: all[Int(span.keyStart)..<Int(span.keyEnd)]).compareBytes($0) }
        }
    }

    /// Whether entry `i` is a tombstone.
    func isTombstone(_ i: Int) -> Bool { spans[i].valueEnd < 0 }
}
