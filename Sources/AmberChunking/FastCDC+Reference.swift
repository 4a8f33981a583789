extension FastCDC {
    /// The one-byte-per-step loop: the definition that ``cutPoint(in:)`` must match exactly.
    ///
    /// Kept simple rather than fast; tests compare the two on megabytes of random data.
    func referenceCutPoint(in buffer: UnsafeRawBufferPointer) -> Int {
        if buffer.count <= minimumSize { return buffer.count }
        let end = min(buffer.count, maximumSize)
        var hash: UInt64 = 0
        for i in minimumSize..<end {
            hash = (hash &<< 1) &+ tables[Int(buffer[i])]
            let mask = i < normalSize ? strictMask : looseMask
            if hash & mask == 0 { return i + 1 }
        }
        return end
    }

    /// Splits a whole byte array with the one-byte reference loop.
    func referenceChunkLengths(of bytes: [UInt8]) -> [Int] {
        lengths(of: bytes, using: referenceCutPoint(in:))
    }
}
