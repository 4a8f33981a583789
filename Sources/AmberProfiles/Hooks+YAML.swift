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
