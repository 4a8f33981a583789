import AmberBackup

extension Profile {
    /// The keys a profile mapping may hold.
    static let keys = ["repository", "password-command", "password-file", "password", "env", "env-commands", "sources",
                       "tags", "host", "retry-lock", "forget", "check", "sync", "hooks", "monitor"] + SourceEntry.directoryKeys

    /// Reads the profile `name` from its mapping.
    init(name: String, yaml: YAMLValue) throws(ProfileError) {
        let entries = try yaml.entries("profile \"\(name)\"", allowed: Self.keys)
        guard let repository = try entries.first(where: { $0.key == "repository" })?.value.string("repository"),
              !repository.isEmpty else {
            throw yaml.error("profile \"\(name)\" has no repository")
        }
        self.init(name: name, repository: repository)
        var directoryDefaults: [String] = []
        for (key, value) in entries {
            switch key {
            case "repository": break
            case "password-command": try setPassword(.command(try value.string(key)), at: value)
            case "password-file": try setPassword(.file(try value.string(key)), at: value)
            case "password": try setPassword(.literal(try value.string(key)), at: value)
            case "env": environment = try Self.environment(value, key)
            case "env-commands": environmentCommands = try Self.environment(value, key)
            case "sources": break
            case "tags": tags = try value.strings(key)
            case "host": host = try value.string(key)
            case "retry-lock": retryLock = try value.string(key)
            case "forget": forget = try Retention(yaml: value)
            case "check": check = try CheckPolicy(yaml: value)
            case "sync": sync = try value.items(key).map { item throws(ProfileError) in try SyncTarget(yaml: item) }
            case "hooks": hooks = try Hooks(yaml: value)
            case "monitor": monitor = try Monitor(yaml: value)
            default: directoryDefaults += try SourceEntry.directoryOption(key, value)
            }
        }
        guard let list = entries.first(where: { $0.key == "sources" })?.value else {
            throw yaml.error("profile \"\(name)\" has no sources")
        }
        sources = try list.items("sources").map { item throws(ProfileError) in
            try SourceEntry(yaml: item, directoryDefaults: directoryDefaults)
        }
        guard !sources.isEmpty else { throw list.error("profile \"\(name)\" has no sources") }
    }

    private mutating func setPassword(_ setting: PasswordSetting, at value: YAMLValue) throws(ProfileError) {
        guard password == nil else {
            throw value.error("give one of password-command, password-file and password")
        }
        password = setting
    }

    /// Variables the profile sets: names as the shell takes them, never the ones `run` sets itself.
    private static func environment(_ value: YAMLValue, _ key: String) throws(ProfileError) -> [String: String] {
        let map = try value.stringMap(key)
        for name in map.keys {
            guard let first = name.unicodeScalars.first, first == "_" || first.isASCIILetter,
                  name.unicodeScalars.allSatisfy({ $0 == "_" || $0.isASCIILetter || ("0"..."9").contains($0) }) else {
                throw value.error("\(key): \"\(name)\" is not a variable name")
            }
            if name == "AMBER_REPOSITORY" || name.hasPrefix("AMBER_PASSWORD") {
                throw value.error("\(key): set \(name) with the profile's repository or password-* keys")
            }
        }
        return map
    }
}

extension Unicode.Scalar {
    var isASCIILetter: Bool { ("a"..."z").contains(self) || ("A"..."Z").contains(self) }
}

extension SourceEntry {
    /// Options of directory sources, allowed on a source and, for all of them, on the profile.
    static let directoryKeys = ["exclude", "iexclude", "exclude-file", "iexclude-file", "exclude-caches", "exclude-if-present",
                                "exclude-larger-than", "one-file-system"]
    static let collectionKeys = ["collection", "id-field", "schemas", "tables"]

    /// A source: a location string, or a mapping with `path` (or `source`) and options. The
    /// profile's own directory options (`directoryDefaults`) come first on every source, so
    /// sources without options of their own share one snapshot (`amber backup` applies them to
    /// directories only).
    init(yaml: YAMLValue, directoryDefaults: [String]) throws(ProfileError) {
        if case .scalar = yaml.node {
            let location = try yaml.string("a source")
            self.init(location: location, options: directoryDefaults)
            return
        }
        let entries = try yaml.entries("a source", allowed: ["path", "source"] + Self.directoryKeys + Self.collectionKeys)
        let named = entries.filter { $0.key == "path" || $0.key == "source" }
        guard named.count == 1 else { throw yaml.error("a source needs one path (or source) key") }
        let location = try named[0].value.string(named[0].key)
        let kind = Location(location)
        var options = directoryDefaults
        for (key, value) in entries where key != "path" && key != "source" {
            if Self.directoryKeys.contains(key) {
                guard !kind.holdsCollections else { throw value.error("\(key) applies to directories, not to \(location)") }
                options += try Self.directoryOption(key, value)
            } else {
                options += try Self.collectionOption(key, value, kind: kind, location: location)
            }
        }
        self.init(location: location, options: options)
    }

    /// A directory option as `amber backup` arguments.
    static func directoryOption(_ key: String, _ value: YAMLValue) throws(ProfileError) -> [String] {
        switch key {
        case "exclude-caches", "one-file-system": return try value.bool(key) ? ["--\(key)"] : []
        case "exclude-larger-than": return ["--\(key)", try value.string(key)]
        default: return try value.strings(key).flatMap { ["--\(key)", $0] }
        }
    }

    private static func collectionOption(_ key: String, _ value: YAMLValue, kind: Location, location: String) throws(ProfileError) -> [String] {
        switch (key, kind) {
        case ("collection", .ndjson), ("collection", .json), ("id-field", .ndjson), ("id-field", .json):
            return ["--\(key)", try value.string(key)]
        case ("schemas", .postgres): return try value.strings(key).flatMap { ["--schema", $0] }
        case ("tables", .postgres): return try value.strings(key).flatMap { ["--table", $0] }
        default:
            throw value.error("\(key) does not apply to \(SourceRedaction.redacted(location))")
        }
    }
}

extension Retention {
    static let counts = ["keep-last", "keep-hourly", "keep-daily", "keep-weekly", "keep-monthly", "keep-yearly"]
    static let withins = ["keep-within", "keep-within-hourly", "keep-within-daily", "keep-within-weekly",
                          "keep-within-monthly", "keep-within-yearly"]

    init(yaml: YAMLValue) throws(ProfileError) {
        var options: [String] = []
        var prune = true
        for (key, value) in try yaml.entries("forget", allowed: Self.counts + Self.withins + ["keep-tag", "group-by", "prune"]) {
            switch key {
            case "prune": prune = try value.bool(key)
            case "keep-tag": options += try value.strings(key).flatMap { ["--keep-tag", $0] }
            case "group-by": options += ["--group-by", try value.string(key)]
            default:
                let text = try value.string(key)
                let valid = Self.counts.contains(key) ? (text == "unlimited" || Int(text).map { $0 >= -1 } == true)
                    : !text.isEmpty && text.allSatisfy { $0.isNumber || "ymdh".contains($0) } && text.last?.isNumber == false
                guard valid else {
                    throw value.error(Self.counts.contains(key) ? "\(key) must be a number or unlimited" : "\(key) must be a duration such as 1y2m3d4h")
                }
                options += ["--\(key)", text]
            }
        }
        guard options.contains(where: { $0.hasPrefix("--keep") }) else {
            throw yaml.error("forget keeps nothing: give at least one keep-* rule (or leave forget out)")
        }
        self.init(options: options, prune: prune)
    }
}

extension CheckPolicy {
    init(yaml: YAMLValue) throws(ProfileError) {
        self.init()
        for (key, value) in try yaml.entries("check", allowed: ["read-data-subset", "read-data", "every"]) {
            switch key {
            case "read-data-subset": readDataSubset = try value.string(key)
            case "read-data": readData = try value.bool(key)
            default:
                guard let seconds = Self.seconds(try value.string(key)) else {
                    throw value.error("every must be a duration such as 12h, 7d or 2w")
                }
                every = seconds
            }
        }
        if readData, readDataSubset != nil { throw yaml.error("give read-data or read-data-subset, not both") }
    }

    /// Seconds of `90m`, `12h`, `7d`, `2w`, `1d12h` (s, m, h, d, w).
    static func seconds(_ text: String) -> Double? {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604_800]
        var total = 0.0, number = ""
        for c in text {
            if c.isNumber || c == "." {
                number.append(c)
            } else if let unit = units[c], let value = Double(number) {
                total += value * unit
                number = ""
            } else {
                return nil
            }
        }
        return number.isEmpty && total > 0 ? total : nil
    }
}

extension SyncTarget {
    /// A location, or a mapping with `to` and `delete`/`verify`.
    init(yaml: YAMLValue) throws(ProfileError) {
        if case .scalar = yaml.node {
            self.init(location: try yaml.string("a sync location"))
            return
        }
        var location: String?, delete = false, verify = false
        for (key, value) in try yaml.entries("a sync location", allowed: ["to", "delete", "verify"]) {
            switch key {
            case "to": location = try value.string(key)
            case "delete": delete = try value.bool(key)
            default: verify = try value.bool(key)
            }
        }
        guard let location else { throw yaml.error("a sync location needs a to key") }
        self.init(location: location, delete: delete, verify: verify)
    }
}

extension Hooks {
    init(yaml: YAMLValue) throws(ProfileError) {
        self.init()
        for (key, value) in try yaml.entries("hooks", allowed: ["before", "after", "on-failure"]) {
            switch key {
            case "before": before = try value.strings(key)
            case "after": after = try value.strings(key)
            default: onFailure = try value.strings(key)
            }
        }
    }
}

extension Monitor {
    init(yaml: YAMLValue) throws(ProfileError) {
        self.init()
        for (key, value) in try yaml.entries("monitor", allowed: ["url", "command", "ping-start"]) {
            switch key {
            case "url":
                let text = try value.string(key)
                guard text.hasPrefix("https://") || text.hasPrefix("http://") else { throw value.error("url must start with https:// or http://") }
                url = text
            case "command": command = try value.string(key)
            default: pingsStart = try value.bool(key)
            }
        }
        if url == nil, command == nil { throw yaml.error("monitor needs a url or a command") }
    }
}
