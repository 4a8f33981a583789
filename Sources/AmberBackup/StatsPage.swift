import AmberCore
import AmberRepository
import AmberSnapshot
import Foundation

/// `amber stats --html FILE`: one self-contained page (inline CSS and SVG, nothing fetched: its
/// Content-Security-Policy forbids it) with the repository's figures, a chart of its growth
/// (bytes each backup added, summed, beside what each snapshot restores), the size of the
/// largest collections over time, the forecast of the next months and a table of snapshots.
public struct StatsPage: Sendable {
    /// The snapshots shown, any order.
    public var records: [SnapshotRecord]
    /// `stats --mode restore-size` and `--mode raw-data` of the same snapshots.
    public var restore: RepositoryStatistics
    public var raw: RepositoryStatistics
    /// Repository bytes month by month (month 0 is now) per strategy, every snapshot kept (``StorageForecast/months(_:)``).
    public var forecast: [StorageForecast.Month]
    public var generated: Date

    public init(records: [SnapshotRecord], restore: RepositoryStatistics, raw: RepositoryStatistics,
                forecast: [StorageForecast.Month], generated: Date) {
        self.records = records.sorted { $0.snapshot.date < $1.snapshot.date }
        self.restore = restore
        self.raw = raw
        self.forecast = forecast
        self.generated = generated
    }

    /// The page of `records` in `repository` (whose index is loaded): both kinds of statistics
    /// and the forecast of the next twelve months from `now`.
    public init(repository: Repository, records: [SnapshotRecord], now: Date) throws {
        let restore = try RepositoryStatistics(repository, snapshots: records, mode: .restoreSize)
        let raw = try RepositoryStatistics(repository, snapshots: records, mode: .rawData)
        var months: [StorageForecast.Month] = []
        if !records.isEmpty {
            let forecast = try StorageForecast(repository: repository, records: records, all: try repository.readableSnapshots(),
                                               policy: nil, now: now, horizon: StorageForecast.date(12, monthsAfter: now))
            months = forecast.months(12)
        }
        self.init(records: records, restore: restore, raw: raw, forecast: months, generated: now)
    }

    /// The page.
    public func render() -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
        <title>Amber repository statistics</title>
        <style>
        body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #222; max-width: 980px; }
        table { border-collapse: collapse; margin: 8px 0 24px; }
        th, td { padding: 3px 10px; border-bottom: 1px solid #ddd; text-align: right; }
        th:first-child, td:first-child { text-align: left; }
        .chart { display: block; margin: 8px 0 24px; background: #fff; }
        </style>
        </head>
        <body>
        <h1>Repository statistics</h1>
        <p>\(records.count) snapshots, generated \(Markup.escape(RFC3339.format(generated))).</p>
        \(summaryTable())
        <h2>Growth</h2>
        \(growthChart().render())
        <h2>Collections</h2>
        \(collectionsSection())
        <h2>Forecast</h2>
        <p>Repository size for the next \(max(0, forecast.count - 1)) months if every snapshot is kept and backups go on at the pace measured (<code>amber forecast</code> for other policies).</p>
        \(forecastChart().render())
        <h2>Snapshots</h2>
        \(snapshotTable())
        </body>
        </html>

        """
    }

    // MARK: Parts

    private func summaryTable() -> String {
        var rows = [("Snapshots", "\(records.count)"), ("Restore size (all snapshots)", ByteCount.text(restore.totalSize)),
                    ("Documents and files (all snapshots)", "\(restore.totalFileCount ?? 0)"),
                    ("Stored (blobs reached, compressed and encrypted)", ByteCount.text(raw.totalSize))]
        if let plain = raw.totalUncompressedSize {
            rows.append(("Unique data before compression", ByteCount.text(plain)))
            if plain > 0 { rows.append(("Deduplication ratio", String(format: "%.2fx", Double(restore.totalSize) / Double(plain)))) }
        }
        if let ratio = raw.compressionRatio { rows.append(("Compression ratio", String(format: "%.2fx", ratio))) }
        return "<table id=\"summary\">" + rows.map { "<tr><th>\(Markup.escape($0.0))</th><td>\(Markup.escape($0.1))</td></tr>" }.joined() + "</table>"
    }

    private func growthChart() -> SVGLineChart {
        var total = 0.0
        let added = records.map { record -> (x: Double, y: Double) in
            total += Double(record.snapshot.stats.addedBytes)
            return (record.snapshot.date.timeIntervalSince1970, total)
        }
        let restored = records.map { (x: $0.snapshot.date.timeIntervalSince1970, y: Double($0.snapshot.stats.bytes)) }
        return SVGLineChart(id: "growth", title: "Bytes added by the backups, summed, and the size of each snapshot",
                            series: [.init(name: "stored (added, summed)", color: "#1f6feb", points: added),
                                     .init(name: "snapshot size", color: "#a0a0a0", points: restored)],
                            xLabel: day, yLabel: { ByteCount.text(UInt64(max(0, $0))) })
    }

    /// The four largest collections' sizes over time, and a table of every collection's first and last size.
    private func collectionsSection() -> String {
        var history: [String: [(date: Date, documents: UInt64, bytes: UInt64)]] = [:]
        for record in records {
            for collection in record.snapshot.collections ?? [] {
                history[collection.name, default: []].append((record.snapshot.date, collection.documents, collection.bytes))
            }
        }
        guard !history.isEmpty else { return "<p id=\"collections\">No collections in these snapshots.</p>" }
        let largest = history.sorted { ($0.value.last?.bytes ?? 0) > ($1.value.last?.bytes ?? 0) }
        let colors = ["#1f6feb", "#d9480f", "#2b8a3e", "#862e9c"]
        let series = largest.prefix(4).enumerated().map { index, entry in
            SVGLineChart.Series(name: entry.key, color: colors[index], points: entry.value.map { ($0.date.timeIntervalSince1970, Double($0.bytes)) })
        }
        let chart = SVGLineChart(id: "collections", title: "Size of the largest collections over time", series: series,
                                 xLabel: day, yLabel: { ByteCount.text(UInt64(max(0, $0))) })
        var table = "<table id=\"collection-table\"><tr><th>Collection</th><th>Documents (first)</th><th>Documents (last)</th>"
            + "<th>Change</th><th>Bytes (first)</th><th>Bytes (last)</th></tr>"
        for (name, points) in history.sorted(by: { $0.key < $1.key }) {
            guard let first = points.first, let last = points.last else { continue }
            let change = Int64(bitPattern: last.documents &- first.documents)
            table += "<tr><td>\(Markup.escape(name))</td><td>\(first.documents)</td><td>\(last.documents)</td>"
                + "<td>\(change >= 0 ? "+" : "")\(change)</td><td>\(ByteCount.text(first.bytes))</td><td>\(ByteCount.text(last.bytes))</td></tr>"
        }
        return chart.render() + "\n" + table + "</table>"
    }

    private func forecastChart() -> SVGLineChart {
        let names: [BackupStrategy: (String, String)] = [.amber: ("Amber, as configured", "#1f6feb"),
                                                         .fullEveryTime: ("a full dump every time", "#d9480f"),
                                                         .weeklyFullDailyIncremental: ("weekly full + increments", "#2b8a3e")]
        let series = BackupStrategy.allCases.compactMap { strategy -> SVGLineChart.Series? in
            guard let (name, color) = names[strategy] else { return nil }
            let points = forecast.compactMap { row in row.figures[strategy].map { (row.date.timeIntervalSince1970, $0.repositoryBytes) } }
            return points.isEmpty ? nil : SVGLineChart.Series(name: name, color: color, points: points, dashed: strategy != .amber)
        }
        return SVGLineChart(id: "forecast", title: "Forecast repository size, month by month", series: series,
                            xLabel: { String(RFC3339.format(Date(timeIntervalSince1970: $0)).prefix(7)) }, yLabel: { ByteCount.text(UInt64(max(0, $0))) })
    }

    private func snapshotTable() -> String {
        var table = "<table id=\"snapshots\"><tr><th>Time</th><th>ID</th><th>Host</th><th>Sources</th><th>Size</th><th>Added</th></tr>"
        for record in records.reversed() {
            let snapshot = record.snapshot
            table += "<tr><td>\(Markup.escape(snapshot.time.prefix(19).replacingOccurrences(of: "T", with: " ")))</td>"
                + "<td>\(record.id.shortHex)</td><td>\(Markup.escape(snapshot.host))</td>"
                + "<td>\(Markup.escape(snapshot.sources.joined(separator: " ")))</td>"
                + "<td>\(ByteCount.text(snapshot.stats.bytes))</td><td>\(ByteCount.text(snapshot.stats.addedBytes))</td></tr>"
        }
        return table + "</table>"
    }

    // MARK: Formatting

    /// Labels of times (seconds since 1970): `2026-12-07`; `12-07 04:58` when the snapshots
    /// span less than three days; `04:58:12` when less than two hours.
    private var day: @Sendable (Double) -> String {
        let dates = records.map(\.snapshot.date)
        let span = (dates.max() ?? .distantPast).timeIntervalSince(dates.min() ?? .distantPast)
        return { seconds in
            let text = RFC3339.format(Date(timeIntervalSince1970: seconds))
            if span < 2 * 3_600 { return String(text.dropFirst(11).prefix(8)) }
            return span < 3 * 86_400 ? String(text.dropFirst(5).prefix(11)).replacingOccurrences(of: "T", with: " ") : String(text.prefix(10))
        }
    }
}
