import AmberKit
import ArgumentParser
import Foundation

/// `backup`'s options for what directory sources leave out and where the list of paths comes
/// from, named and read as restic's (`--exclude` … `--one-file-system`, `--files-from*`).
struct ExcludeOptions: ParsableArguments {
    @Option(name: [.short, .long], help: "Exclude paths matching this pattern (restic's syntax: globs, ** for any directories, a leading / anchors at the root, !PATTERN keeps what an earlier pattern excluded; repeatable).")
    var exclude: [String] = []

    @Option(name: .long, help: "As --exclude, ignoring the case of letters (repeatable).")
    var iexclude: [String] = []

    @Option(name: .customLong("exclude-file"), help: "Read exclude patterns from a file, one a line; # comments, $VAR expanded (repeatable).")
    var excludeFiles: [String] = []

    @Option(name: .customLong("iexclude-file"), help: "As --exclude-file, ignoring the case of letters (repeatable).")
    var iexcludeFiles: [String] = []

    @Flag(name: .customLong("exclude-caches"), help: "Exclude directories holding a CACHEDIR.TAG file with its signature.")
    var excludeCaches = false

    @Option(name: .customLong("exclude-if-present"), help: "Exclude a directory holding this file, optionally FILE:HEADER to require its first bytes (repeatable).")
    var excludeIfPresent: [String] = []

    @Option(name: .customLong("exclude-larger-than"), help: "Exclude files larger than SIZE (e.g. 500K, 10M, 2G: powers of 1024).")
    var excludeLargerThan: String?

    @Flag(name: [.customShort("x"), .customLong("one-file-system")], help: "Do not cross file systems: a mount point is stored as an empty directory.")
    var oneFileSystem = false

    @Option(name: .customLong("files-from"), help: "Also back up the paths listed in this file, one a line; # comments and blank lines skipped, globs expanded (repeatable).")
    var filesFrom: [String] = []

    @Option(name: .customLong("files-from-verbatim"), help: "As --files-from, every non-empty line a path as it is (repeatable).")
    var filesFromVerbatim: [String] = []

    @Option(name: .customLong("files-from-raw"), help: "As --files-from, the paths separated by NUL bytes (find -print0; repeatable).")
    var filesFromRaw: [String] = []

    /// The rules, with the exclude files read.
    func rules(environment: [String: String]) throws -> ExcludeRules {
        var rules = ExcludeRules()
        rules.patterns = try exclude.map { try ExcludePattern($0) } + iexclude.map { try ExcludePattern($0, caseInsensitive: true) }
        for file in excludeFiles { rules.patterns += try ExcludeRules.patterns(fromFile: file, caseInsensitive: false, environment: environment) }
        for file in iexcludeFiles { rules.patterns += try ExcludeRules.patterns(fromFile: file, caseInsensitive: true, environment: environment) }
        if excludeCaches { rules.tagFiles.append(ExcludeRules.cacheDirectoryTag) }
        rules.tagFiles += try excludeIfPresent.map { try ExcludeRules.TagFile(parsing: $0) }
        rules.largerThan = try excludeLargerThan.map { try ExcludeRules.size($0) }
        rules.oneFileSystem = oneFileSystem
        return rules
    }

    /// The paths the `--files-from*` files list, in order.
    func listedPaths() throws -> [String] {
        var paths = [String]()
        for file in filesFrom {
            for line in try lines(file, separator: "\n") {
                let path = line.trimmingCharacters(in: .whitespaces)
                guard !path.isEmpty, !path.hasPrefix("#") else { continue }
                paths += Self.expandingGlob(path)
            }
        }
        for file in filesFromVerbatim { paths += try lines(file, separator: "\n").filter { !$0.isEmpty } }
        for file in filesFromRaw { paths += try lines(file, separator: "\0").filter { !$0.isEmpty } }
        return paths
    }

    private func lines(_ file: String, separator: Character) throws -> [String] {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw FilesystemError(path: file, message: "cannot read the list of files")
        }
        return String(decoding: data, as: UTF8.self).split(separator: separator, omittingEmptySubsequences: false).map(String.init)
    }

    /// The paths a shell glob matches, sorted; the pattern itself when it matches nothing (so a
    /// missing path is reported as missing).
    private static func expandingGlob(_ pattern: String) -> [String] {
        var result = glob_t()
        defer { globfree(&result) }
        guard glob(pattern, 0, nil, &result) == 0 else { return [pattern] }
        return (0..<Int(result.gl_pathc)).compactMap { result.gl_pathv[$0].map { String(cString: $0) } }
    }
}
