extension SyncTarget {
    /// A location, or a mapping with `to` and `delete`/`verify`.
    init(yaml: YAMLValue, paths: PathResolver) throws(ProfileError) {
        if case .scalar = yaml.node {
            self.init(location: paths.location(try yaml.string("a sync location")))
            return
        }
        var location: String?, delete = false, verify = false
        for (key, value) in try yaml.entries("a sync location", allowed: ["to", "delete", "verify"]) {
            switch key {
            case "to": location = paths.location(try value.string(key))
            case "delete": delete = try value.bool(key)
            default: verify = try value.bool(key)
            }
        }
        guard let location else { throw yaml.error("a sync location needs a to key") }
        self.init(location: location, delete: delete, verify: verify)
    }
}
