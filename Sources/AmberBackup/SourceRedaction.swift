/// Source strings as snapshots record them: a URI's password (`scheme://user:password@host/…`)
/// is removed, so `amber snapshots` never shows a credential.
public enum SourceRedaction {
    public static func redacted(_ source: String) -> String {
        guard let scheme = source.range(of: "://") else { return source }
        let rest = source[scheme.upperBound...]
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        guard let at = authority.lastIndex(of: "@") else { return source }
        let userinfo = authority[..<at]
        guard let colon = userinfo.firstIndex(of: ":") else { return source }
        return String(source[..<scheme.upperBound]) + userinfo[..<colon] + source[at...]
    }
}
