import Foundation

extension StorageForecast {
    /// One month of a forecast: its number (0 is ``now``), its date, the snapshots kept then, and
    /// each strategy's figures (traffic counted since the month before).
    public struct Month: Sendable {
        public let index: Int
        public let date: Date
        public let keptSnapshots: Int
        public let figures: [BackupStrategy: StrategyFigures]
    }

    /// The calendar months are counted in: Gregorian, UTC.
    public static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    /// `months` months after `date` (``calendar``).
    public static func date(_ months: Int, monthsAfter date: Date) -> Date {
        calendar.date(byAdding: .month, value: months, to: date) ?? date
    }

    /// Months 0 through `count`, what `amber forecast` and the stats page show.
    public func months(_ count: Int) -> [Month] {
        var months = [Month]()
        var previous = now
        for index in 0...max(0, count) {
            let date = Self.date(index, monthsAfter: now)
            months.append(Month(index: index, date: date, keptSnapshots: keptCount(at: date),
                                figures: figures(at: date, since: index == 0 ? date : previous)))
            previous = date
        }
        return months
    }
}
