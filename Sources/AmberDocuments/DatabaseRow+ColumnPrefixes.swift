extension DatabaseRow {
    /// What every encoded row with these column names begins its columns with (`format.md`
    /// §12.3): the column count, then per column its name's length and bytes, worked out once
    /// and kept in one buffer. A reader checks a row's names against it, a writer copies it.
    public struct ColumnPrefixes: Sendable {
        /// `count varint`, then `nameLength varint ‖ name` per column.
        public let bytes: [UInt8]
        /// Where each column's prefix ends in ``bytes`` (the first begins after the count).
        public let ends: [Int]
        /// The length of the count varint at the start of ``bytes``.
        public let countLength: Int

        public init(names: [[UInt8]]) {
            var bytes = [UInt8]()
            LEB128.append(UInt64(names.count), to: &bytes)
            countLength = bytes.count
            var ends = [Int]()
            for name in names {
                LEB128.append(UInt64(name.count), to: &bytes)
                bytes.append(contentsOf: name)
                ends.append(bytes.count)
            }
            self.bytes = bytes
            self.ends = ends
        }

        /// Where column `i`'s prefix begins in ``bytes``.
        @inline(__always)
        public func start(of i: Int) -> Int { i == 0 ? countLength : ends[i - 1] }
    }
}
