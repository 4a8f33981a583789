import AmberCore
import Foundation
@testable import AmberManifest
@testable import AmberRepository
import Testing

@Suite("Boundary rule: integer table, node size distribution")
struct BoundaryTests {
    /// The committed table is `floor(2³² · exp(−(i/16)⁴))` (checked here with libm, to within one
    /// unit; the rule itself never calls libm).
    @Test func survivalTableMatchesWeibull() {
        let table = BoundaryRule.survival
        #expect(table.count == 36 && table.last == 0)
        for (i, s) in table.enumerated() {
            let exact = min(4_294_967_295, (4_294_967_296 * exp(-pow(Double(i) / 16, 4))).rounded(.down))
            #expect(abs(Double(s) - exact) <= 1, "S[\(i)]")
        }
        #expect(zip(table, table.dropFirst()).allSatisfy { $0 > $1 }, "strictly decreasing")
    }

    /// Leaves and internal nodes stay between the minimum and the maximum, and centre near the target.
    @Test func nodeSizesWithinBounds() throws {
        let repository = makeRepository()
        let root = try build(repository, entries(makeEntries(100_000, seed: 9)))
        let nodes = try allNodes(repository, root)
        var sizesByLevel = [UInt8: [Int]]()
        var levels = [UInt8: [ManifestNode]]()
        for (node, bytes) in nodes {
            levels[node.level, default: []].append(node)
            sizesByLevel[node.level, default: []].append(bytes - ManifestNode.header(level: node.level, count: count(node)).count)
        }
        // The last node of a level may be short: it ends where the entries end.
        let leafSizes = Array(sizesByLevel[0, default: []].dropLast())
        let internalSizes = sizesByLevel.filter { $0.key > 0 }.flatMap { $0.value.dropLast() }
        #expect(leafSizes.count > 100 && internalSizes.count > 10)
        for (sizes, target, name) in [(leafSizes, ManifestFormat.leafTarget, "leaf"), (internalSizes, ManifestFormat.internalTarget, "internal")] {
            let body = sizes
            let minimum = target / 4, maximum = target * 35 / 16 + 300
            #expect(body.allSatisfy { $0 >= minimum && $0 <= maximum }, "\(name) sizes within [\(minimum), \(maximum)]")
            let mean = body.reduce(0, +) / max(1, body.count)
            #expect(mean > target * 7 / 10 && mean < target * 13 / 10, "\(name) mean \(mean) near \(target)")
        }
        // Internal nodes have at least two children, the root included.
        for (level, list) in levels where level > 0 {
            #expect(list.dropLast().allSatisfy { count($0) >= 2 })
        }
        #expect(count(nodes[0].node) >= 2)
        #expect(levels[root.level]?.count == 1)
    }

    /// Values do not move boundaries unless they change a node's size bucket: boundaries are a
    /// function of keys and sizes, so equal-size value edits keep every leaf boundary.
    @Test func equalSizeValueEditsKeepBoundaries() throws {
        let repository = makeRepository()
        var map = makeEntries(10_000, seed: 10)
        let before = try allNodes(repository, try build(repository, entries(map))).filter { $0.node.level == 0 }.map { lastKey($0.node) }
        for (k, v) in map { map[k] = v.map { $0 == UInt8(ascii: "a") ? UInt8(ascii: "b") : $0 } }
        let after = try allNodes(repository, try build(repository, entries(map))).filter { $0.node.level == 0 }.map { lastKey($0.node) }
        #expect(Set(before) == Set(after))
    }

    private func count(_ node: ManifestNode) -> Int {
        switch node.body {
        case .leaf(let e): e.count
        case .internal(let c): c.count
        }
    }

    private func lastKey(_ node: ManifestNode) -> [UInt8] {
        switch node.body {
        case .leaf(let e): e.last?.key ?? []
        case .internal(let c): c.last?.lastKey ?? []
        }
    }
}
