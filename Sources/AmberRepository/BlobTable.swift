import AmberCore

/// The master index's map from blob id to location: an open-addressing hash table built for
/// hundreds of thousands of entries arriving at once when a command loads the index.
///
/// Entries live densely in insertion order (id, pack number, type, offset, lengths: 52 bytes);
/// the table proper is an array of 32-bit entry numbers with linear probing, at most half full.
/// Blob ids are HMAC or SHA-256 outputs, uniformly distributed, so the id's first word is the
/// hash; growing rehashes only the small slot array. Pack ids are stored once each and referred
/// to by number. Compared with `[BlobID: BlobLocation]` (Swift's seeded SipHash per probe and a
/// 116-byte element), loading an index of 350,000 blobs takes a fraction of the time.
struct BlobTable {
    /// One blob: its id and location, with the pack as a number into ``packIDs``.
    struct Entry {
        var id: BlobID
        var pack: UInt32
        var offset: UInt32
        var length: UInt32
        var rawLength: UInt32
        var type: BlobType
    }

    private(set) var entries = [Entry]()
    /// Entry number + 1 per slot; 0 is an empty slot. The count is a power of two.
    private var slots = [UInt32](repeating: 0, count: 16)
    private(set) var packIDs = [BlobID]()
    private var packNumbers = [BlobID: UInt32]()

    var count: Int { entries.count }

    /// Makes room for `additional` more blobs without growing in between.
    mutating func reserveCapacity(_ additional: Int) {
        entries.reserveCapacity(entries.count + additional)
        var capacity = slots.count
        while capacity < 2 * (entries.count + additional) { capacity *= 2 }
        if capacity > slots.count { rehash(capacity) }
    }

    /// The location of `id`, if present.
    func lookup(_ id: BlobID) -> BlobLocation? {
        guard let number = find(id).entry else { return nil }
        return location(entries[number])
    }

    func contains(_ id: BlobID) -> Bool { find(id).entry != nil }

    /// Adds `entry` (in `pack`) unless its id is present. Returns whether it was added.
    @discardableResult
    mutating func insert(_ entry: PackEntry, pack: BlobID) -> Bool {
        if 2 * (entries.count + 1) > slots.count { rehash(slots.count * 2) }
        let (slot, existing) = find(entry.id)
        guard existing == nil else { return false }
        let packNumber = packNumber(pack)
        entries.append(Entry(id: entry.id, pack: packNumber, offset: entry.offset, length: entry.length,
                             rawLength: entry.rawLength, type: entry.type))
        slots[slot] = UInt32(entries.count)
        return true
    }

    /// Every blob, as the dictionary callers iterate.
    var dictionary: [BlobID: BlobLocation] {
        var result = [BlobID: BlobLocation](minimumCapacity: entries.count)
        for e in entries { result[e.id] = location(e) }
        return result
    }

    /// An entry as the location callers see, its pack number resolved.
    private func location(_ e: Entry) -> BlobLocation {
        BlobLocation(pack: packIDs[Int(e.pack)],
                     entry: PackEntry(type: e.type, id: e.id, offset: e.offset, length: e.length, rawLength: e.rawLength))
    }

    private mutating func packNumber(_ pack: BlobID) -> UInt32 {
        if let number = packNumbers[pack] { return number }
        let number = UInt32(packIDs.count)
        packIDs.append(pack)
        packNumbers[pack] = number
        return number
    }

    /// The slot holding `id` (and its entry number), or the empty slot where it would go.
    private func find(_ id: BlobID) -> (slot: Int, entry: Int?) {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: id.leadingWord) & mask
        return slots.withUnsafeBufferPointer { slots in
            entries.withUnsafeBufferPointer { entries in
                while true {
                    let stored = slots[slot]
                    if stored == 0 { return (slot, nil) }
                    if entries[Int(stored) - 1].id == id { return (slot, Int(stored) - 1) }
                    slot = (slot + 1) & mask
                }
            }
        }
    }

    private mutating func rehash(_ capacity: Int) {
        var fresh = [UInt32](repeating: 0, count: capacity)
        let mask = capacity - 1
        entries.withUnsafeBufferPointer { entries in
            fresh.withUnsafeMutableBufferPointer { fresh in
                for (number, e) in entries.enumerated() {
                    var slot = Int(truncatingIfNeeded: e.id.leadingWord) & mask
                    while fresh[slot] != 0 { slot = (slot + 1) & mask }
                    fresh[slot] = UInt32(number + 1)
                }
            }
        }
        slots = fresh
    }
}
