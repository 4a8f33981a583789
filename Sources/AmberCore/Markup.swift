/// Escaping text for HTML and XML.
public enum Markup {
    /// `text` with `&`, `<`, `>`, `"` and `'` escaped (`&#39;`, which XML accepts too): safe as
    /// element content and as a quoted attribute value.
    ///
    /// Scalar by scalar, not character by character: a `"` followed by a combining mark is one
    /// `Character` that no `case "\""` matches, and would leave an attribute unescaped.
    public static func escape(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out.append(contentsOf: "&amp;".unicodeScalars)
            case "<": out.append(contentsOf: "&lt;".unicodeScalars)
            case ">": out.append(contentsOf: "&gt;".unicodeScalars)
            case "\"": out.append(contentsOf: "&quot;".unicodeScalars)
            case "'": out.append(contentsOf: "&#39;".unicodeScalars)
            default: out.append(scalar)
            }
        }
        return String(out)
    }
}
