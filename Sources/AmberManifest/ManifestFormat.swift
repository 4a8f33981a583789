import AmberChunking

/// The constants of manifest format version 1 (`docs/manifest-format.md`). Changing any of them
/// changes node boundaries or encodings, hence every node id: a new format version.
public enum ManifestFormat {
    /// The first byte of every manifest node: `'M'`. A directory tree blob starts with its version
    /// byte 1, so the two kinds of tree blob never share a first byte.
    public static let magic: UInt8 = 0x4D
    /// The node format version.
    public static let version: UInt8 = 1
    /// The version byte of a columnar leaf (§N.7): a run leaf of database rows stored column by
    /// column. Only runs use it; every canonical tree's node is version 1.
    public static let columnarVersion: UInt8 = 2
    /// The version byte of a document-column leaf (§N.9, ``DocumentColumns``): a packed leaf of
    /// JSON documents split into templates and value columns.
    public static let documentColumnsVersion: UInt8 = 3
    /// The zstd level of document-column leaves. Split into columns, the NDJSON benchmark's
    /// documents take less at level 2 (about 207 MB/s) than one after another at level 6 (78 MB/s):
    /// `Benchmarks/collections`, §N.9.
    public static let documentColumnsLevel: Int32 = 2
    /// The most a reader builds while decoding one columnar leaf (``ExpansionBudget``): its
    /// streams can expand without bound (a constant column costs no input), and nodes are
    /// untrusted. A run leaf of 256 KiB of rows builds a few MiB; a writer keeps version 1 for a
    /// leaf that would not read back within it.
    public static let columnarExpansionLimit = 64 << 20

    /// The longest key accepted, in bytes.
    public static let maximumKeyLength = 65_535
    /// The highest level a node may have (a tree of 1 + this many levels is astronomically large).
    public static let maximumLevel: UInt8 = 63

    /// Values of at most this many bytes are stored inside their leaf; longer ones are chunked into
    /// data blobs. Typical documents (hundreds of bytes to a few KiB) stay inline, so small
    /// documents never become index entries of their own, and an edit rewrites one leaf rather
    /// than a chunk and a leaf. A longer value exceeds a maximum-size leaf (35/16 of the leaf
    /// target, 3,360 bytes) by itself, so sharing a leaf gains nothing, while out of line its
    /// 64 KiB chunks deduplicate across edits of a large document.
    public static let inlineLimit = 4096

    /// The leaf-level boundary scale `L` in bytes (the Weibull scale: most leaves end near it).
    /// Chosen by measurement (`docs/manifest-format.md` §Choosing the sizes): with 1.5 KiB leaves a
    /// 0.1% change stores 0.84% of the full backup's bytes; 2 KiB leaves 0.99%, 4 KiB leaves 1.6%.
    public static let leafTarget = 1536
    /// The internal-level boundary scale `L` in bytes (about nine children of ~57 bytes).
    public static let internalTarget = 512

    /// The leaf and internal boundary scales of *packed* trees (§Packed trees): the bases and
    /// runs that hold a collection's entries. A packed tree is read whole or along one path and
    /// is never compared subtree by subtree with the canonical tree, so its leaves are large:
    /// their entries compress together (zstd on 256 KiB of rows rather than 1.5 KiB, or the
    /// columns of as many rows, §N.7) and make few blobs and index entries. With columnar
    /// leaves, 256 KiB stores about 7 % less than 64 KiB on pgbench's changed rows.
    public static let packedLeafTarget = 256 << 10
    public static let packedInternalTarget = 8 << 10

    /// The zstd level of packed-tree nodes: level 9 makes pgbench's changed rows about 15 %
    /// smaller than the default 3 while still compressing some 40 MB/s (`zstd -b` on 64 KiB
    /// blocks of them). Readers do not depend on it: every zstd frame decodes the same way.
    public static let packedCompressionLevel: Int32 = 9

    /// The zstd level of packed leaves that are not columnar (JSON documents, rows that do not
    /// fit the columnar form): on 256 KiB blocks of the NDJSON benchmark's documents
    /// (`zstd -b1 -e9 -B262144`), level 6 is 2.3 % larger than level 9 at twice its speed
    /// (78 against 41 MB/s), which was a third of a first NDJSON backup's CPU; level 3 would be
    /// 16 % larger.
    public static let packedDocumentLevel: Int32 = 6

    /// FastCDC sizes for chunked values: 16 KiB / 64 KiB / 256 KiB, normalization 2, with the
    /// repository's secret gear table. Smaller than file chunks, so an edit inside a large
    /// document stores about 64 KiB again rather than a megabyte.
    public static let valueChunking = ChunkerParameters(minimum: 16 << 10, normal: 64 << 10, maximum: 256 << 10,
                                                         normalization: 2)

    /// The HKDF-SHA256 info deriving the split key from the master secret.
    public static let splitKeyInfo = "amber v1 manifest split"
}
