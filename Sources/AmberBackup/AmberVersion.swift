/// The version of Amber.
public enum AmberVersion {
    public static let string = "0.1.0"
}
