import AmberSnapshot

extension Retention {
    static let counts = ["keep-last", "keep-hourly", "keep-daily", "keep-weekly", "keep-monthly", "keep-yearly"]
    static let withins = ["keep-within", "keep-within-hourly", "keep-within-daily", "keep-within-weekly",
                          "keep-within-monthly", "keep-within-yearly"]

    /// `forget`'s mapping; every value is checked here, so a run never fails after its backup
    /// on a retention the file spelled wrong.
    init(yaml: YAMLValue) throws(ProfileError) {
        var options: [String] = []
        var prune = true
        for (key, value) in try yaml.entries("forget", allowed: Self.counts + Self.withins + ["keep-tag", "group-by", "prune"]) {
            switch key {
            case "prune": prune = try value.bool(key)
            case "keep-tag": options += try value.strings(key).flatMap { ["--keep-tag", $0] }
            case "group-by":
                let text = try value.string(key, allowsEmpty: true)
                guard text.split(separator: ",").allSatisfy({ ["host", "paths", "tags"].contains($0) }) else {
                    throw value.error("group-by takes host, paths and/or tags, separated by commas ('' for one group)")
                }
                options += ["--group-by", text]
            case _ where Self.counts.contains(key):
                let text = try value.string(key)
                guard text == "unlimited" || Int(text).map({ $0 >= 1 || $0 == -1 }) == true else {
                    throw value.error("\(key) must be a number of at least 1, or unlimited")
                }
                options += ["--\(key)", text]
            default:
                let text = try value.string(key)
                guard let duration = RetentionDuration(text), !duration.isZero else { throw value.error("\(key) must be a duration such as 1y2m3d4h") }
                options += ["--\(key)", text]
            }
        }
        guard options.contains(where: { $0.hasPrefix("--keep") }) else {
            throw yaml.error("forget keeps nothing: give at least one keep-* rule (or leave forget out)")
        }
        self.init(options: options, prune: prune)
    }
}
