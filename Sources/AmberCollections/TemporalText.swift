/// Dates and timestamps held as text the way SQLite's date functions write them, in exactly the
/// form PostgreSQL prints them back under amber's canonical session (ISO `DateStyle`): only such
/// text crosses into a `date` or `timestamp` column, so a restore reads back what it wrote.
enum TemporalText {
    /// `YYYY-MM-DD`, a real day of the proleptic Gregorian calendar, year 0001 to 9999.
    static func isDate(_ bytes: some Collection<UInt8>) -> Bool {
        let b = Array(bytes)
        guard b.count == 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"),
              let year = number(b[0..<4]), let month = number(b[5..<7]), let day = number(b[8..<10]) else { return false }
        guard year >= 1, (1...12).contains(month), day >= 1 else { return false }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        return day <= days
    }

    /// `YYYY-MM-DD HH:MM:SS`, optionally `.` and 1 to 6 digits of which the last is not 0 (PostgreSQL
    /// prints no trailing zeros).
    static func isTimestamp(_ bytes: some Collection<UInt8>) -> Bool {
        let b = Array(bytes)
        guard b.count >= 19, isDate(b[0..<10]), b[10] == UInt8(ascii: " "), b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":"),
              let hour = number(b[11..<13]), let minute = number(b[14..<16]), let second = number(b[17..<19]),
              hour < 24, minute < 60, second < 60 else { return false }
        guard b.count > 19 else { return true }
        let fraction = b[20...]
        return b[19] == UInt8(ascii: ".") && (1...6).contains(fraction.count) && number(fraction) != nil
            && fraction.last != UInt8(ascii: "0")
    }

    /// The value of a run of ASCII digits, nil if any byte is not a digit.
    private static func number(_ digits: ArraySlice<UInt8>) -> Int? {
        var value = 0
        for digit in digits {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(digit) else { return nil }
            value = value * 10 + Int(digit - UInt8(ascii: "0"))
        }
        return digits.isEmpty ? nil : value
    }
}
