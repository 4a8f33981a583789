import Foundation
import Testing

/// `amber stats --html`: the page is rendered by a real browser (Debian's headless Chromium,
/// through chromium-driver and python3-selenium: scripts/render-page), which must lay out every
/// chart at its size with one point per snapshot (one per month for the forecast) and make no
/// request; the screenshot is kept in .build/test-artifacts.
@Suite struct StatsPageTests {
    let temp = TemporaryDirectory()
    var amber: AmberRunner { AmberRunner(repository: temp.sub("repo"), cacheDirectory: temp.sub("cache")) }
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func thePageRendersItsChartsInABrowser() throws {
        #expect(amber.run(["init"]).code == 0)
        let tree = temp.sub("tree"), documents = temp.sub("users.ndjson")
        try FileManager.default.createDirectory(atPath: tree, withIntermediateDirectories: true)
        for day in 0..<3 {
            writeFile(tree + "/notes-\(day).txt", textBytes(20_000 + day * 5_000, seed: UInt64(day)))
            let lines = (0..<(100 + day * 20)).map { "{\"_id\":\"u\($0)\",\"day\":\(day),\"name\":\"user \($0)\"}" }
            writeFile(documents, Array((lines.joined(separator: "\n") + "\n").utf8))
            let backup = amber.run(["backup", tree, "ndjson:" + documents])
            #expect(backup.code == 0, "\(backup.stderr)")
        }
        let page = temp.sub("stats <page>.html")
        let stats = amber.run(["stats", "--html", page])
        #expect(stats.code == 0 && stats.stdout.contains("wrote \(page)"), "\(stats.stderr)")
        let html = try String(contentsOfFile: page, encoding: .utf8)
        // Self-contained: nothing to fetch (the SVG namespace is a name, not a request).
        for reference in ["src=", "href=", "@import", "url(", "<script"] { #expect(!html.contains(reference), "\(reference)") }
        let raw = amber.run(["stats", "--mode", "raw-data", "--json"])
        let figures = try #require(try JSONSerialization.jsonObject(with: Data(raw.stdout.utf8)) as? [String: Any])
        #expect((figures["deduplication_ratio"] as? Double ?? 0) > 0 && (figures["compression_ratio"] as? Double ?? 0) > 1, "\(raw.stdout)")
        // Per snapshot: what its backup added, and its collections.
        let perSnapshot = try #require(figures["snapshots"] as? [[String: Any]])
        #expect(perSnapshot.count == 3 && perSnapshot.allSatisfy { ($0["added_bytes"] as? Int ?? 0) > 0 }, "\(raw.stdout)")
        #expect(perSnapshot.last.flatMap { ($0["collections"] as? [[String: Any]])?.first?["documents"] as? Int } == 140, "\(raw.stdout)")

        let artifacts = Self.root.appendingPathComponent(".build/test-artifacts").path
        try FileManager.default.createDirectory(atPath: artifacts, withIntermediateDirectories: true)
        let screenshot = artifacts + "/stats-page.png"
        let rendered = try runTool([Self.root.appendingPathComponent("scripts/render-page").path, page, "--screenshot", screenshot])
        let layout = try #require(try JSONSerialization.jsonObject(with: Data(rendered.utf8)) as? [String: Any])
        #expect(layout["title"] as? String == "Amber repository statistics")
        #expect((layout["requests"] as? [String])?.isEmpty == true, "\(rendered)")
        let charts = try #require(layout["charts"] as? [[String: Any]])
        #expect(charts.compactMap { $0["id"] as? String } == ["growth", "collections", "forecast"], "\(rendered)")
        for chart in charts {
            #expect((chart["width"] as? Double ?? 0) >= 600 && (chart["height"] as? Double ?? 0) >= 200, "\(chart)")
            let series = try #require(chart["series"] as? [[String: Any]])
            let expected = chart["id"] as? String == "forecast" ? 13 : 3
            #expect(!series.isEmpty && series.allSatisfy { $0["points"] as? Int == expected }, "\(chart)")
            #expect(series.allSatisfy { ($0["line_length"] as? Double ?? 0) > 100 }, "\(chart)")
        }
        let tables = try #require(layout["tables"] as? [[String: Any]])
        #expect(tables.first { $0["id"] as? String == "snapshots" }?["rows"] as? Int == 4, "\(rendered)")
        let png = try Data(contentsOf: URL(fileURLWithPath: screenshot))
        #expect(png.count > 10_000 && png.prefix(4) == Data([0x89, 0x50, 0x4E, 0x47]))
    }
}
