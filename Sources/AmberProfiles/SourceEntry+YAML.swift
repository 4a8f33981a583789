import AmberBackup

extension SourceEntry {
    /// Options of directory sources, allowed on a source and, for all of them, on the profile.
    static let directoryKeys = ["exclude", "iexclude", "exclude-file", "iexclude-file", "exclude-caches", "exclude-if-present",
                                "exclude-larger-than", "one-file-system"]
    static let collectionKeys = ["collection", "id-field", "schemas", "tables", "jobs"]

    /// A source: a location string, or a mapping with `path` (or `source`) and options. The
    /// profile's own directory options (`directoryDefaults`) come first on every source, so
    /// sources without options of their own share one snapshot (`amber backup` applies them to
    /// directories only).
    init(yaml: YAMLValue, directoryDefaults: [String], paths: PathResolver) throws(ProfileError) {
        if case .scalar = yaml.node {
            self.init(location: paths.location(try yaml.string("a source")), options: directoryDefaults)
            return
        }
        let entries = try yaml.entries("a source", allowed: ["path", "source"] + Self.directoryKeys + Self.collectionKeys)
        let named = entries.filter { $0.key == "path" || $0.key == "source" }
        guard named.count == 1 else { throw yaml.error("a source needs one path (or source) key") }
        let location = paths.location(try named[0].value.string(named[0].key))
        let kind = Location(location)
        var options = directoryDefaults
        for (key, value) in entries where key != "path" && key != "source" {
            if Self.directoryKeys.contains(key) {
                guard !kind.holdsCollections else { throw value.error("\(key) applies to directories, not to \(location)") }
                options += try Self.directoryOption(key, value, paths: paths)
            } else {
                options += try Self.collectionOption(key, value, kind: kind, location: location)
            }
        }
        self.init(location: location, options: options)
    }

    /// A directory option as `amber backup` arguments.
    static func directoryOption(_ key: String, _ value: YAMLValue, paths: PathResolver) throws(ProfileError) -> [String] {
        switch key {
        case "exclude-caches", "one-file-system": return try value.bool(key) ? ["--\(key)"] : []
        case "exclude-larger-than":
            let size = try value.string(key)
            let digits = size.last.map { "KMGTkmgt".contains($0) } == true ? size.dropLast() : Substring(size)
            guard !digits.isEmpty, digits.allSatisfy(\.isNumber) else { throw value.error("exclude-larger-than must be a size such as 500K, 10M or 2G") }
            return ["--\(key)", size]
        case "exclude-file", "iexclude-file": return try value.strings(key).flatMap { ["--\(key)", paths.path($0)] }
        default: return try value.strings(key).flatMap { ["--\(key)", $0] }
        }
    }

    private static func collectionOption(_ key: String, _ value: YAMLValue, kind: Location, location: String) throws(ProfileError) -> [String] {
        switch (key, kind) {
        case ("collection", .ndjson), ("collection", .json), ("id-field", .ndjson), ("id-field", .json):
            return ["--\(key)", try value.string(key)]
        case ("schemas", .postgres): return try value.strings(key).flatMap { ["--schema", $0] }
        case ("tables", .postgres): return try value.strings(key).flatMap { ["--table", $0] }
        case ("jobs", .postgres):
            let jobs = try value.string(key)
            guard let count = Int(jobs), count >= 1 else { throw value.error("jobs must be a number of at least 1") }
            return ["--jobs", String(count)]
        default:
            throw value.error("\(key) does not apply to \(RunPlan.movingPassword(location).location)")
        }
    }
}
