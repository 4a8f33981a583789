import AmberCore

extension Pack {
    /// Whether every byte of the pack `bytes` is authenticated by what `check --read-data`
    /// verifies anyway, so that comparing the pack's SHA-256 with its name would find nothing
    /// more (`docs/format.md` §16). Says nothing of whether those parts are intact: the caller
    /// verifies each of them.
    ///
    /// A pack is *covered* by `entries` (the blobs the index places in it) when they lie back to
    /// back from offset 0 to where the header begins (`size − 48 − headerLength`) and the
    /// trailer's reserved byte is zero. Then each blob's envelope is authenticated by its
    /// AES-GCM tag (the nonce is GCM's, the compression byte is inside the ciphertext), the
    /// header by its own, the trailer's salt, version and key generation through the header's
    /// key and AAD (another generation's data key gives another key), its
    /// `headerLength` by where the header must begin, its magic by the reader: a changed byte
    /// anywhere fails a check that runs regardless. A gap, an overlap, bytes the index does not
    /// describe (a blob whose first copy is in another pack) or a non-zero reserved byte leave the
    /// pack uncovered.
    public static func isCovered(_ bytes: [UInt8], by entries: [PackEntry]) -> Bool {
        guard bytes.count >= trailerCount else { return false }
        let trailer = bytes.count - trailerCount
        // The trailer as every reader parses it (magic, version, header length, generation), and
        // its reserved byte 39, which readers do not look at, zero.
        guard bytes[trailer + 39] == 0,
              let (_, headerLength, _) = try? parseTrailer(Array(bytes[trailer...]), what: "pack"),
              headerLength <= trailer else { return false }
        var end = 0
        for entry in entries.sorted(by: { $0.offset < $1.offset }) {
            guard Int(entry.offset) == end else { return false }
            end += Int(entry.length)
        }
        return end == trailer - headerLength
    }
}
