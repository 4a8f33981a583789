import AmberSnapshot

extension CheckPolicy {
    init(yaml: YAMLValue) throws(ProfileError) {
        self.init()
        for (key, value) in try yaml.entries("check", allowed: ["read-data-subset", "read-data", "every"]) {
            switch key {
            case "read-data-subset":
                let text = try value.string(key)
                guard ReadDataSelection(subset: text) != nil else { throw value.error("read-data-subset must be N/T (1 ≤ N ≤ T) or P% (0 < P ≤ 100)") }
                readDataSubset = text
            case "read-data": readData = try value.bool(key)
            default:
                guard let seconds = Durations.seconds(try value.string(key), units: "smhdw") else {
                    throw value.error("every must be a duration such as 12h, 7d or 2w")
                }
                every = seconds
            }
        }
        if readData, readDataSubset != nil { throw yaml.error("give read-data or read-data-subset, not both") }
    }
}

/// Durations as a profile writes them for `check.every` and `retry-lock`: numbers each followed
/// by a unit, `1d12h` (forget's `keep-within` durations are ``RetentionDuration``s).
enum Durations {
    static let unitSeconds: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604_800]

    /// The seconds of `text` when each of its units is one of `units`; nil when it is not a
    /// duration, or a zero one.
    static func seconds(_ text: String, units: String) -> Double? {
        var total = 0.0, number = ""
        for c in text {
            if c.isNumber || c == "." {
                number.append(c)
            } else if units.contains(c), let unit = unitSeconds[c], let value = Double(number) {
                total += value * unit
                number = ""
            } else {
                return nil
            }
        }
        return number.isEmpty && total > 0 ? total : nil
    }
}
