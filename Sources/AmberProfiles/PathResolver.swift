import AmberBackup

/// How a profile file's paths are read: `~/…` is the home directory, and a relative path is
/// relative to the profile file's own directory (as resticprofile reads them), never to
/// wherever a timer happens to start `amber run`.
struct PathResolver: Sendable {
    /// The profile file's directory, absolute.
    let base: String
    let home: String

    /// A file or directory path.
    func path(_ text: String) -> String {
        if text == "~" { return home }
        if text.hasPrefix("~/") { return home + text.dropFirst() }
        if text.hasPrefix("/") { return text }
        return base + "/" + text
    }

    /// A location as `amber backup` or `-r` takes it: the path of a directory, `ndjson:`, `json:`
    /// or `sqlite:` source, or of a local repository; URIs and `s3:` as they are.
    func location(_ text: String) -> String {
        switch Location(text) {
        case let .path(file): return path(file)
        case let .ndjson(file): return "ndjson:" + path(file)
        case let .json(file): return "json:" + path(file)
        case let .sqlite(file): return "sqlite:" + path(file)
        case .postgres, .s3: return text
        }
    }
}
