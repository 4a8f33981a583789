/// Just enough SQL lexing to translate the simple definitions a schema holds between dialects:
/// words, double-quoted identifiers, single-quoted strings and single punctuation characters,
/// comments and whitespace skipped.
enum SQLToken: Hashable {
    /// A bare word (keyword, identifier or number) as written.
    case word(String)
    /// A quoted identifier (`"a""b"` → `a"b`; SQLite's `` `…` `` and `[…]` too).
    case quoted(String)
    /// A string literal, unescaped.
    case string(String)
    /// Any other character.
    case symbol(Character)

    /// Whether the token can be part of a type name after `::` (`character varying(3)`,
    /// `public.mood`, `"Mood"`, `integer[]`).
    var isInTypeName: Bool {
        switch self {
        case .word, .quoted: true
        case .symbol(let c): c == "." || c == "(" || c == ")" || c == ","
        case .string: false
        }
    }

    /// The tokens of `sql`, or `nil` if a quote is not closed.
    static func tokens(_ sql: String) -> [SQLToken]? {
        let chars = Array(sql)
        var tokens = [SQLToken]()
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c.isWhitespace { i += 1; continue }
            if c == "-", i + 1 < chars.count, chars[i + 1] == "-" {
                while i < chars.count, chars[i] != "\n" { i += 1 }
                continue
            }
            if c == "/", i + 1 < chars.count, chars[i + 1] == "*" {
                i += 2
                while i + 1 < chars.count, !(chars[i] == "*" && chars[i + 1] == "/") { i += 1 }
                i += 2
                continue
            }
            if c == "'" || c == "\"" || c == "`" || c == "[" {
                let close: Character = c == "[" ? "]" : c
                var text = ""
                i += 1
                var closed = false
                while i < chars.count {
                    if chars[i] == close {
                        if close != "]", i + 1 < chars.count, chars[i + 1] == close { text.append(close); i += 2; continue }
                        closed = true
                        i += 1
                        break
                    }
                    text.append(chars[i])
                    i += 1
                }
                guard closed else { return nil }
                tokens.append(c == "'" ? .string(text) : .quoted(text))
                continue
            }
            if c.isLetter || c.isNumber || c == "_" {
                var text = ""
                // Numbers keep their decimal point and exponent sign: 1.5, 2e+10.
                while i < chars.count, chars[i].isLetter || chars[i].isNumber || chars[i] == "_" || chars[i] == "$"
                        || (chars[i] == "." && text.first?.isNumber == true)
                        || ((chars[i] == "+" || chars[i] == "-") && text.first?.isNumber == true && (text.last == "e" || text.last == "E")) {
                    text.append(chars[i])
                    i += 1
                }
                tokens.append(.word(text))
                continue
            }
            tokens.append(.symbol(c))
            i += 1
        }
        return tokens
    }

    /// The words (uppercased) of `sql` outside strings, quoted identifiers and comments.
    static func keywords(_ sql: String) -> Set<String> {
        Set((tokens(sql) ?? []).compactMap { if case .word(let w) = $0 { w.uppercased() } else { nil } })
    }

    /// An identifier's name: a bare word (as PostgreSQL prints it, already folded) or a quoted one.
    var identifier: String? {
        switch self {
        case .word(let w) where w.first?.isNumber == false: w
        case .quoted(let q): q
        default: nil
        }
    }
}

/// Quoting for generated SQL (both dialects accept double-quoted identifiers and single-quoted
/// strings with doubled quotes).
enum CrossSQL {
    static func quote(_ name: String) -> String { "\"" + name.replacing("\"", with: "\"\"") + "\"" }
    static func literal(_ text: String) -> String { "'" + text.replacing("'", with: "''") + "'" }
    static func list(_ names: [String]) -> String { names.map(quote).joined(separator: ", ") }

    /// Whether `text` is a decimal number literal (`-12`, `1.5`, `.5`, `1e-3`), and whether it is an integer.
    static func number(_ text: String) -> (isNumber: Bool, isInteger: Bool) {
        var body = Substring(text)
        if body.first == "-" || body.first == "+" { body = body.dropFirst() }
        guard !body.isEmpty else { return (false, false) }
        if body.allSatisfy(\.isASCIIDigit) { return (true, Int64(text) != nil) }
        return (Double(text) != nil && body.allSatisfy { $0.isASCIIDigit || $0 == "." || $0 == "e" || $0 == "E" || $0 == "-" || $0 == "+" }, false)
    }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
