#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// What a directory backup leaves out, as restic's `backup` options say it (`--exclude`,
/// `--iexclude`, `--exclude-file`, `--iexclude-file`, `--exclude-caches`,
/// `--exclude-if-present`, `--exclude-larger-than`, `--one-file-system`). Applied while
/// walking: an excluded directory is not entered. The paths named on the command line are
/// always backed up.
public struct ExcludeRules: Sendable {
    /// A file whose presence in a directory excludes the directory, and the bytes it must start
    /// with, if any.
    public struct TagFile: Sendable, Hashable {
        public var name: String
        public var header: [UInt8]?

        public init(name: String, header: [UInt8]? = nil) {
            self.name = name
            self.header = header
        }

        /// `NAME` or `NAME:HEADER`, as `--exclude-if-present` takes it.
        public init(parsing text: String) throws(FilesystemError) {
            let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = parts.first, !name.isEmpty, !name.contains("/") else {
                throw FilesystemError(path: text, message: "--exclude-if-present takes a file name, optionally :HEADER")
            }
            self.init(name: String(name), header: parts.count > 1 ? Array(parts[1].utf8) : nil)
        }
    }

    /// `CACHEDIR.TAG` with its signature (https://bford.info/cachedir/): `--exclude-caches`.
    public static let cacheDirectoryTag = TagFile(name: "CACHEDIR.TAG", header: Array("Signature: 8a477f597d28d172789f06886806bc55".utf8))

    public var patterns: [ExcludePattern] = []
    public var tagFiles: [TagFile] = []
    /// Files larger than this many bytes are left out.
    public var largerThan: UInt64?
    /// Stay on the file system of each path named on the command line: a directory on another
    /// one (a mount point) is stored empty, and nothing below it.
    public var oneFileSystem = false

    public init(patterns: [ExcludePattern] = [], tagFiles: [TagFile] = [], largerThan: UInt64? = nil, oneFileSystem: Bool = false) {
        self.patterns = patterns
        self.tagFiles = tagFiles
        self.largerThan = largerThan
        self.oneFileSystem = oneFileSystem
    }

    /// Whether nothing is excluded.
    public var isEmpty: Bool { patterns.isEmpty && tagFiles.isEmpty && largerThan == nil && !oneFileSystem }

    /// Whether a path the walk found is left out, by a pattern or its size. `components` is its
    /// absolute path without the root.
    ///
    /// Patterns apply in order, the last that matches deciding: a negated one (`!…`) cancels the
    /// exclusion of what it matches. As in restic (and gitignore), a directory once excluded is
    /// not entered, so nothing inside it can be kept again. Case-sensitive and case-insensitive
    /// patterns (`--exclude`, `--iexclude`) are two lists, as restic keeps them: either may exclude.
    func excludes(_ path: PathBytes, components: [String], status: FileStatus) -> Bool {
        if excludedByPatterns(components, caseInsensitive: false) || excludedByPatterns(components, caseInsensitive: true) { return true }
        if let largerThan, status.kind == .file, status.size > largerThan { return true }
        return false
    }

    /// Whether the last pattern of one list (by case) that matches `components` excludes it.
    func excludedByPatterns(_ components: [String], caseInsensitive: Bool) -> Bool {
        var excluded = false
        for pattern in patterns where pattern.caseInsensitive == caseInsensitive && pattern.matches(components) {
            excluded = !pattern.negated
        }
        return excluded
    }

    /// The names of the tag files `directory` holds, or nil when it holds none. A directory that
    /// holds one keeps only them: the rest of its content is left out (restic's
    /// `--exclude-caches` and `--exclude-if-present`: the directory and its tag stay, so a
    /// restore shows what was there).
    func tagsHeld(in directory: PathBytes) -> [[UInt8]]? {
        let held = tagFiles.filter { Self.holds(directory, $0) }.map { Array($0.name.utf8) }
        return held.isEmpty ? nil : Array(Set(held)).sorted { $0.lexicographicallyPrecedes($1) }
    }

    /// Whether `directory` holds `tag` (starting with its header, if it has one).
    private static func holds(_ directory: PathBytes, _ tag: TagFile) -> Bool {
        let file = directory.appending(Array(tag.name.utf8))
        let fd = file.withCString { open($0, O_RDONLY | O_NOFOLLOW | O_CLOEXEC) }
        guard fd >= 0 else { return false }
        defer { close(fd) }
        guard let header = tag.header, !header.isEmpty else { return true }
        var bytes = [UInt8](repeating: 0, count: header.count)
        let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress, header.count) }
        return n == header.count && bytes == header
    }

    // MARK: Reading options

    /// `1024`, `10K`, `5M`, `2G`, `1T` (powers of 1024, as restic reads them; a `B` or `iB` after
    /// the letter is allowed).
    public static func size(_ text: String) throws(FilesystemError) -> UInt64 {
        var digits = text.uppercased()
        for suffix in ["IB", "B"] where digits.hasSuffix(suffix) && digits.count > suffix.count {
            digits.removeLast(suffix.count)
        }
        let units: [Character: UInt64] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40]
        var factor: UInt64 = 1
        if let last = digits.last, let unit = units[last] {
            factor = unit
            digits.removeLast()
        }
        guard let value = UInt64(digits), case (let product, false) = value.multipliedReportingOverflow(by: factor) else {
            throw FilesystemError(path: text, message: "not a size (use e.g. 500K, 10M, 2G)")
        }
        return product
    }

    /// The patterns of an exclude file: one a line, blank lines and lines starting with `#`
    /// ignored, spaces around a pattern removed, and `$NAME` or `${NAME}` replaced by the
    /// environment variable (as restic does for these files).
    public static func patterns(fromFile path: String, caseInsensitive: Bool,
                                environment: [String: String]) throws(FilesystemError) -> [ExcludePattern] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FilesystemError(path: path, message: "cannot read the exclude file")
        }
        var patterns = [ExcludePattern]()
        for (number, raw) in String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !line.isEmpty, !line.hasPrefix("#") else { continue }
            do {
                patterns.append(try ExcludePattern(expand(line, environment), caseInsensitive: caseInsensitive))
            } catch {
                throw FilesystemError(path: "\(path):\(number + 1)", message: error.message)
            }
        }
        return patterns
    }

    /// `text` with `$NAME` and `${NAME}` replaced by their values (empty when unset).
    static func expand(_ text: String, _ environment: [String: String]) -> String {
        var out = "", chars = Array(text)[...]
        while let c = chars.popFirst() {
            guard c == "$", let next = chars.first else { out.append(c); continue }
            var name = ""
            if next == "{", let close = chars.firstIndex(of: "}") {
                name = String(chars[chars.index(after: chars.startIndex)..<close])
                chars = chars[chars.index(after: close)...]
            } else {
                while let n = chars.first, n.isLetter || n.isNumber || n == "_" { name.append(n); chars = chars.dropFirst() }
                if name.isEmpty { out.append(c); continue }
            }
            out += environment[name] ?? ""
        }
        return out
    }
}
