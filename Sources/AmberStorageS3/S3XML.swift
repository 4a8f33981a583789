import AmberCore

/// Just enough XML for S3's answers: the text of simple elements (`<Key>…</Key>`), which in
/// S3's documents never nest inside an element of the same name, and the five predefined entities
/// plus numeric character references.
enum S3XML {
    /// The contents of every `<name>…</name>` in `text`, in document order, still escaped.
    static func elements(_ name: String, in text: Substring) -> [Substring] {
        let open = "<\(name)>", close = "</\(name)>"
        var found: [Substring] = []
        var rest = text
        while let start = rest.firstRange(of: open), let end = rest[start.upperBound...].firstRange(of: close) {
            found.append(rest[start.upperBound..<end.lowerBound])
            rest = rest[end.upperBound...]
        }
        return found
    }

    /// The unescaped text of the first `<name>…</name>` in `text`.
    static func value(_ name: String, in text: Substring) -> String? {
        elements(name, in: text).first.map(unescape)
    }

    /// The unescaped text of the first `<name>…</name>` in a response body.
    static func value(_ name: String, in body: [UInt8]) -> String? {
        value(name, in: Substring(String(decoding: body, as: UTF8.self)))
    }

    /// Replaces `&amp;`, `&lt;`, `&gt;`, `&quot;`, `&apos;`, `&#N;` and `&#xN;`; leaves anything else.
    static func unescape(_ text: Substring) -> String {
        guard text.contains("&") else { return String(text) }
        var out = ""
        var rest = text
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            guard let semicolon = rest[amp...].firstIndex(of: ";"),
                  let character = entity(rest[rest.index(after: amp)..<semicolon]) else {
                out.append("&")
                rest = rest[rest.index(after: amp)...]
                continue
            }
            out.append(character)
            rest = rest[rest.index(after: semicolon)...]
        }
        return out + rest
    }

    /// `text` escaped for element content we send (``Markup/escape(_:)``).
    static func escape(_ text: String) -> String { Markup.escape(text) }

    private static func entity(_ name: Substring) -> Character? {
        switch name {
        case "amp": return "&"
        case "lt": return "<"
        case "gt": return ">"
        case "quot": return "\""
        case "apos": return "'"
        default:
            guard name.hasPrefix("#") else { return nil }
            let digits = name.dropFirst()
            let number = digits.hasPrefix("x") ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits)
            return number.flatMap(Unicode.Scalar.init).map(Character.init)
        }
    }
}
