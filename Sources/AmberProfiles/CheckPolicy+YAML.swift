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
