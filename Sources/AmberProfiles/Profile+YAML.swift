extension Profile {
    /// The keys a profile mapping may hold.
    static let keys = ["repository", "password-command", "password-file", "password", "env", "env-commands", "sources",
                       "tags", "host", "retry-lock", "forget", "check", "sync", "hooks", "monitor"] + SourceEntry.directoryKeys

    /// Reads the profile `name` from its mapping; `paths` reads its paths.
    init(name: String, yaml: YAMLValue, paths: PathResolver) throws(ProfileError) {
        let entries = try yaml.entries("profile \"\(name)\"", allowed: Self.keys)
        guard let repository = try entries.first(where: { $0.key == "repository" })?.value.string("repository") else {
            throw yaml.error("profile \"\(name)\" has no repository")
        }
        self.init(name: name, repository: paths.location(repository))
        var directoryDefaults: [String] = []
        for (key, value) in entries {
            switch key {
            case "repository", "sources": break
            case "password-command": try setPassword(.command(try value.string(key)), at: value)
            case "password-file": try setPassword(.file(paths.path(try value.string(key))), at: value)
            case "password": try setPassword(.literal(try value.string(key)), at: value)
            case "env": environment = try Self.environment(value, key)
            case "env-commands": environmentCommands = try Self.environment(value, key)
            case "tags": tags = try value.strings(key)
            case "host": host = try value.string(key)
            case "retry-lock":
                let text = try value.string(key)
                guard Durations.seconds(text, units: "smh") != nil else { throw value.error("retry-lock must be a duration such as 30s, 5m or 1h") }
                retryLock = text
            case "forget": forget = try Retention(yaml: value)
            case "check": check = try CheckPolicy(yaml: value)
            case "sync": sync = try value.items(key).map { item throws(ProfileError) in try SyncTarget(yaml: item, paths: paths) }
            case "hooks": hooks = try Hooks(yaml: value)
            case "monitor": monitor = try Monitor(yaml: value)
            default: directoryDefaults += try SourceEntry.directoryOption(key, value, paths: paths)
            }
        }
        guard let list = entries.first(where: { $0.key == "sources" })?.value else {
            throw yaml.error("profile \"\(name)\" has no sources")
        }
        sources = try list.items("sources").map { item throws(ProfileError) in
            try SourceEntry(yaml: item, directoryDefaults: directoryDefaults, paths: paths)
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
