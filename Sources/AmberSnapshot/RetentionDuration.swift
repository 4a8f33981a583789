import Foundation

/// A calendar duration for `--keep-within*`, written like restic's: `1y2m3d4h`
/// (years, months, days, hours; any subset, in any order).
///
/// Going back by a duration follows Go's `Time.AddDate(-y, -m, -d).Add(-h hours)`, as restic
/// does: the calendar fields are subtracted and then normalised, so one month before 31 March is
/// "31 February", which is 3 March (2 March in a leap year).
public struct RetentionDuration: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// Calendar years (`y`).
    public var years: Int
    /// Calendar months (`m`).
    public var months: Int
    /// Calendar days (`d`).
    public var days: Int
    /// Hours (`h`), subtracted after the calendar fields.
    public var hours: Int

    public init(years: Int = 0, months: Int = 0, days: Int = 0, hours: Int = 0) {
        self.years = years
        self.months = months
        self.days = days
        self.hours = hours
    }

    /// Parses `1y2m3d4h`. A unit given twice keeps the last value, as in restic. Returns nil for
    /// text that is not a duration (a number without a unit, an unknown unit, a negative number).
    public init?(_ text: String) {
        var result = RetentionDuration()
        var chars = Substring(text.trimmingCharacters(in: .whitespaces))
        guard !chars.isEmpty else { return nil }
        while !chars.isEmpty {
            let digits = chars.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty, let value = Int(digits) else { return nil }
            chars = chars.dropFirst(digits.count)
            guard let unit = chars.first else { return nil }
            switch unit {
            case "y": result.years = value
            case "m": result.months = value
            case "d": result.days = value
            case "h": result.hours = value
            default: return nil
            }
            chars = chars.dropFirst()
        }
        self = result
    }

    /// True when every field is zero: such a duration is "not set".
    public var isZero: Bool { years == 0 && months == 0 && days == 0 && hours == 0 }

    /// `1y2m3d4h`, leaving out zero fields (restic's spelling, used in keep reasons).
    public var description: String {
        var text = ""
        if years != 0 { text += "\(years)y" }
        if months != 0 { text += "\(months)m" }
        if days != 0 { text += "\(days)d" }
        if hours != 0 { text += "\(hours)h" }
        return text
    }

    /// The instant this duration before `time`, with the calendar arithmetic done in `time`'s
    /// own UTC offset.
    func before(_ time: SnapshotInstant) -> SnapshotInstant {
        let local = time.seconds + Int64(time.offset)
        let day = Int64(floorDivide(local, 86_400))
        let secondOfDay = local - day * 86_400
        let (y, m, d) = CivilDate.fromDays(day)
        // Normalise the month first, then let the day overflow into neighbouring months (Go's Date).
        let monthIndex = (m - 1) - months
        let year = y - years + Int(floorDivide(Int64(monthIndex), 12))
        let month = Int(floorModulo(Int64(monthIndex), 12)) + 1
        let days = CivilDate.toDays(year: year, month: month, day: 1) + Int64(d - 1 - self.days)
        let shifted = days * 86_400 + secondOfDay - Int64(time.offset) - Int64(hours) * 3600
        return SnapshotInstant(seconds: shifted, nanoseconds: time.nanoseconds, offset: time.offset)
    }
}

func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
    let q = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
}

func floorModulo(_ a: Int64, _ b: Int64) -> Int64 { a - floorDivide(a, b) * b }

/// Proleptic Gregorian calendar arithmetic on day numbers (days since 1970-01-01).
enum CivilDate {
    /// Day number of a date; `day` may run past the month's end (it is counted on).
    static func toDays(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = floorDivide(y, 400)
        let yearOfEra = y - era * 400
        let m = Int64(month)
        let dayOfYear = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The date of a day number.
    static func fromDays(_ days: Int64) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = floorDivide(z, 146_097)
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (Int(year), Int(month), Int(day))
    }

    /// Day of the week, 0 = Monday … 6 = Sunday.
    static func weekday(_ days: Int64) -> Int { Int(floorModulo(days + 3, 7)) }

    /// The ISO 8601 week-numbering year and week of a day.
    static func isoWeek(_ days: Int64) -> (year: Int, week: Int) {
        // The week belongs to the year of its Thursday.
        let thursday = days - Int64(weekday(days)) + 3
        let year = fromDays(thursday).year
        let firstDay = toDays(year: year, month: 1, day: 1)
        return (year, Int((thursday - firstDay) / 7) + 1)
    }
}
