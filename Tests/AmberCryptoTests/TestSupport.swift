import AmberCore

/// Bytes from hexadecimal digits in a test vector; traps on a typo in the vector itself.
func hex(_ text: String) -> [UInt8] {
    guard let bytes = Hex.decode(text) else { fatalError("bad hex in test vector: \(text)") }
    return bytes
}

/// `count` copies of `byte`.
func repeated(_ byte: UInt8, _ count: Int) -> [UInt8] {
    [UInt8](repeating: byte, count: count)
}
