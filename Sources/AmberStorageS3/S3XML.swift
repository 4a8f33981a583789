import AmberCore

/// Just enough XML for S3's answers: the text of simple elements (`<Key>…</Key>`), which in
/// S3's documents never nest inside an element of the same name, and the five predefined entities
/// plus numeric character references.
enum S3XML {
    /// The contents of every `<name>…</name>` in `text`, in document order, still escaped.
    /// Markup is matched scalar by scalar, not by `Character`: a tag followed by a combining
    /// mark is still a tag (as an XML parser reads it).
    static func elements(_ name: String, in text: Substring) -> [Substring] {
        let open = Array("<\(name)>".unicodeScalars), close = Array("</\(name)>".unicodeScalars)
        var found: [Substring] = []
        var rest = text.unicodeScalars[...]
        while let start = rest.firstRange(of: open), let end = rest[start.upperBound...].firstRange(of: close) {
            found.append(Substring(rest[start.upperBound..<end.lowerBound]))
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

    /// The most scalars between `&` and `;` that ``unescape(_:)`` reads as a reference (the
    /// longest it knows, `#x10FFFF`, has 8, leading zeros aside): looking further for the `;` of
    /// each `&` made a body of many `&` and no `;` take quadratic time.
    static let longestReference = 32

    /// Replaces `&amp;`, `&lt;`, `&gt;`, `&quot;`, `&apos;`, `&#N;` and `&#xN;` (at most
    /// ``longestReference`` scalars between `&` and `;`); leaves anything else. Scalar by scalar,
    /// as ``elements(_:in:)``: `&` or `;` followed by a combining mark still counts.
    static func unescape(_ text: Substring) -> String {
        guard text.unicodeScalars.contains("&") else { return String(text) }
        var out = String.UnicodeScalarView()
        var rest = text.unicodeScalars[...]
        while let amp = rest.firstIndex(of: "&") {
            out.append(contentsOf: rest[..<amp])
            let afterAmp = rest.index(after: amp)
            guard let semicolon = rest[afterAmp...].prefix(longestReference + 1).firstIndex(of: ";"),
                  let scalar = entity(String(String.UnicodeScalarView(rest[afterAmp..<semicolon]))) else {
                out.append("&")
                rest = rest[afterAmp...]
                continue
            }
            out.append(scalar)
            rest = rest[rest.index(after: semicolon)...]
        }
        out.append(contentsOf: rest)
        return String(out)
    }

    /// `text` escaped for element content we send (``Markup/escape(_:)``).
    static func escape(_ text: String) -> String { Markup.escape(text) }

    private static func entity(_ name: String) -> Unicode.Scalar? {
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
            return number.flatMap(Unicode.Scalar.init)
        }
    }
}
