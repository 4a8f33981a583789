/// Just enough SQL lexing to find a clause at the top level of a statement: string literals,
/// quoted identifiers (`"…"`, `` `…` ``, `[…]`), comments and parentheses are skipped.
enum SQLText {
    /// The condition after a top-level `WHERE` (a partial index's), trimmed; `nil` if none.
    static func partialWhere(of sql: String) -> String? {
        let bytes = Array(sql.utf8)
        var i = 0
        var depth = 0
        var found: Int?
        func isWordByte(_ b: UInt8) -> Bool {
            b == UInt8(ascii: "_") || b >= 0x80 || (b >= 0x30 && b <= 0x39) || ((b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A)
        }
        func skip(to terminator: UInt8) {
            i += 1
            while i < bytes.count {
                if bytes[i] == terminator {
                    // A doubled quote is an escaped quote, not the end.
                    if terminator != UInt8(ascii: "]"), i + 1 < bytes.count, bytes[i + 1] == terminator { i += 2; continue }
                    break
                }
                i += 1
            }
            i += 1
        }
        while i < bytes.count {
            let b = bytes[i]
            switch b {
            case UInt8(ascii: "'"), UInt8(ascii: "\""), UInt8(ascii: "`"): skip(to: b)
            case UInt8(ascii: "["): skip(to: UInt8(ascii: "]"))
            case UInt8(ascii: "-") where i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "-"):
                while i < bytes.count && bytes[i] != 0x0A { i += 1 }
            case UInt8(ascii: "/") where i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "*"):
                i += 2
                while i + 1 < bytes.count && !(bytes[i] == UInt8(ascii: "*") && bytes[i + 1] == UInt8(ascii: "/")) { i += 1 }
                i += 2
            case UInt8(ascii: "("): depth += 1; i += 1
            case UInt8(ascii: ")"): depth -= 1; i += 1
            default:
                guard isWordByte(b) else { i += 1; continue }
                let start = i
                while i < bytes.count && isWordByte(bytes[i]) { i += 1 }
                if depth == 0, i - start == 5, String(decoding: bytes[start..<i], as: UTF8.self).uppercased() == "WHERE" {
                    found = i
                }
            }
        }
        guard let found, found <= bytes.count else { return nil }
        let condition = String(decoding: bytes[found...], as: UTF8.self).trimmingSQLSpace()
        return condition.isEmpty ? nil : condition
    }
}

extension String {
    /// Without leading and trailing whitespace and a trailing `;`.
    func trimmingSQLSpace() -> String {
        var scalars = Substring(self)
        let space: (Character) -> Bool = { $0.isWhitespace || $0 == ";" }
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, space(last) { scalars.removeLast() }
        return String(scalars)
    }
}
