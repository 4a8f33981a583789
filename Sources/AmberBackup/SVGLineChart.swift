import AmberCore
import Foundation

/// A line chart as inline SVG (no script, no font or image to fetch): one polyline per series
/// with a marker at each point, a y axis from zero with five labelled ticks, a few labelled x
/// ticks and a legend. What ``StatsPage`` draws; each series is a `<g class="series">` whose
/// `data-series` is its name and whose `<circle>`s are its points, so a test can count them.
public struct SVGLineChart: Sendable {
    /// One line.
    public struct Series: Sendable {
        public var name: String
        public var color: String
        public var points: [(x: Double, y: Double)]
        /// Drawn dashed (a forecast, not a measurement).
        public var dashed: Bool

        public init(name: String, color: String, points: [(x: Double, y: Double)], dashed: Bool = false) {
            self.name = name
            self.color = color
            self.points = points
            self.dashed = dashed
        }
    }

    public var id: String
    public var title: String
    public var series: [Series]
    public var xLabel: @Sendable (Double) -> String
    public var yLabel: @Sendable (Double) -> String
    public var width = 760.0
    public var height = 300.0
    private let margin = (left: 78.0, right: 48.0, top: 16.0, bottom: 52.0)

    public init(id: String, title: String, series: [Series], xLabel: @escaping @Sendable (Double) -> String,
                yLabel: @escaping @Sendable (Double) -> String) {
        self.id = id
        self.title = title
        self.series = series
        self.xLabel = xLabel
        self.yLabel = yLabel
    }

    /// The `<svg>` element.
    public func render() -> String {
        let all = series.flatMap(\.points)
        let xs = all.map(\.x), ys = all.map(\.y)
        let (minX, maxX) = (xs.min() ?? 0, xs.max() ?? 1)
        let maxY = max(ys.max() ?? 1, 1) * 1.05
        let plot = (width: width - margin.left - margin.right, height: height - margin.top - margin.bottom)
        let spanX = maxX > minX ? maxX - minX : 1
        func px(_ x: Double) -> Double { margin.left + (maxX > minX ? (x - minX) / spanX * plot.width : plot.width / 2) }
        func py(_ y: Double) -> Double { margin.top + plot.height - y / maxY * plot.height }
        var svg = "<svg id=\"\(Markup.escape(id))\" class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" "
            + "height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"\(Markup.escape(title))\">\n"
        svg += "<title>\(Markup.escape(title))</title>\n"
        let bottom = margin.top + plot.height
        svg += "<g class=\"axes\" stroke=\"#888\" fill=\"none\"><line x1=\"\(f(margin.left))\" y1=\"\(f(bottom))\" x2=\"\(f(margin.left + plot.width))\" y2=\"\(f(bottom))\"/>"
            + "<line x1=\"\(f(margin.left))\" y1=\"\(f(margin.top))\" x2=\"\(f(margin.left))\" y2=\"\(f(bottom))\"/></g>\n"
        svg += "<g class=\"ticks\" font-size=\"11\" fill=\"#444\">"
        for i in 0...4 {
            let y = maxY * Double(i) / 4
            svg += "<line x1=\"\(f(margin.left - 4))\" y1=\"\(f(py(y)))\" x2=\"\(f(margin.left + plot.width))\" y2=\"\(f(py(y)))\" stroke=\"#eee\"/>"
            svg += "<text x=\"\(f(margin.left - 8))\" y=\"\(f(py(y) + 4))\" text-anchor=\"end\">\(Markup.escape(yLabel(y)))</text>"
        }
        let ticks = maxX > minX ? 4 : 0
        for i in 0...ticks {
            let x = minX + spanX * Double(i) / Double(max(ticks, 1))
            svg += "<text x=\"\(f(px(x)))\" y=\"\(f(bottom + 16))\" text-anchor=\"middle\">\(Markup.escape(xLabel(x)))</text>"
        }
        svg += "</g>\n"
        for (index, line) in series.enumerated() {
            let points = line.points.map { "\(f(px($0.x))),\(f(py($0.y)))" }.joined(separator: " ")
            svg += "<g class=\"series\" data-series=\"\(Markup.escape(line.name))\" stroke=\"\(line.color)\" fill=\"\(line.color)\">"
            svg += "<polyline fill=\"none\" stroke-width=\"2\"\(line.dashed ? " stroke-dasharray=\"6 4\"" : "") points=\"\(points)\"/>"
            for point in line.points { svg += "<circle cx=\"\(f(px(point.x)))\" cy=\"\(f(py(point.y)))\" r=\"2.5\"/>" }
            // A legend row below the plot: four entries fit.
            let legendX = margin.left + Double(index % 4) * plot.width / 4
            let legendY = height - 18
            svg += "<rect x=\"\(f(legendX))\" y=\"\(f(legendY - 8))\" width=\"10\" height=\"10\"/>"
            svg += "<text x=\"\(f(legendX + 14))\" y=\"\(f(legendY + 1))\" font-size=\"11\" stroke=\"none\" fill=\"#222\">\(Markup.escape(line.name))</text></g>\n"
        }
        return svg + "</svg>"
    }

    private func f(_ value: Double) -> String { String(format: "%.1f", value) }
}
