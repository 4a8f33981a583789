/// Escaping text for HTML and XML.
public enum Markup {
    /// `text` with `&`, `<`, `>`, `"` and `'` escaped (`&#39;`, which XML accepts too): safe as
    /// element content and as a quoted attribute value.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}
