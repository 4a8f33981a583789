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
