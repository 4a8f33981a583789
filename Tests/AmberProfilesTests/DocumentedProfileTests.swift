import Foundation
import Testing
@testable import AmberProfiles

/// The profiles the documentation shows are ones `amber run` accepts.
struct DocumentedProfileTests {
    /// The ```yaml blocks of a file of the repository.
    static func yamlBlocks(_ relativePath: String) throws -> [String] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent(relativePath), encoding: .utf8)
        return text.components(separatedBy: "```yaml\n").dropFirst().map { $0.components(separatedBy: "```")[0] }
    }

    @Test(arguments: ["docs/cli.md", "README.md"])
    func everyDocumentedProfileReadsAndPlans(file: String) throws {
        let blocks = try Self.yamlBlocks(file)
        #expect(!blocks.isEmpty)
        for block in blocks {
            let profiles = try ProfileFile(text: block, path: file).profiles
            for profile in profiles {
                let plan = try RunPlan(profile: profile, lastCheck: nil, hostName: "h")
                #expect(plan.steps.first?.kind == .backup)
                #expect(plan.steps.contains { $0.kind == .forget })
            }
        }
    }
}
