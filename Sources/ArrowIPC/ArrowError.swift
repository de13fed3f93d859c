/// Errors raised while writing or reading Arrow IPC files. Every case says where: the file path or byte
/// offset, the column (field) name, or both.
public enum ArrowError: Error, Equatable, CustomStringConvertible {
    /// The file system refused an operation (open, write, rename, read).
    case io(path: String, operation: String, reason: String)
    /// Fewer bytes than a structure needs: `needed` bytes at `offset`, but the file/region ends at `available`.
    case truncated(what: String, offset: Int, needed: Int, available: Int)
    /// The "ARROW1" magic is missing at `offset`.
    case badMagic(offset: Int)
    /// A FlatBuffer (Schema, Message, Footer) is malformed: `what` names the object, `offset` is absolute in the file.
    case invalidMetadata(what: String, offset: Int, reason: String)
    /// A field of a type this reader cannot map onto a Column (strings, structs, half floats, nested lists, ...).
    case unsupportedType(field: String, type: String)
    /// A feature outside what we read: body compression, dictionaries, nulls, big-endian data, ...
    /// `field` is nil when the feature applies to the whole file or batch.
    case unsupportedFeature(field: String?, feature: String, offset: Int)
    /// The data of `field` in record batch `batch` is inconsistent (buffer too small, bad offsets, ...).
    case invalidData(field: String, batch: Int, offset: Int, reason: String)
    /// A column of the table cannot be written (invalid layout, shape, too large).
    case cannotWrite(column: String, reason: String)

    public var description: String {
        switch self {
        case let .io(path, op, reason):
            return "arrow: cannot \(op) '\(path)': \(reason)"
        case let .truncated(what, offset, needed, available):
            return "arrow: truncated \(what) at byte \(offset): needs \(needed) bytes, file/region ends at byte \(available)"
        case let .badMagic(offset):
            return "arrow: missing 'ARROW1' magic at byte \(offset) (not an Arrow IPC file / Feather v2 file?)"
        case let .invalidMetadata(what, offset, reason):
            return "arrow: invalid \(what) at byte \(offset): \(reason)"
        case let .unsupportedType(field, type):
            return "arrow: field '\(field)' has unsupported type \(type)"
        case let .unsupportedFeature(field, feature, offset):
            let f = field.map { "field '\($0)': " } ?? ""
            return "arrow: \(f)unsupported \(feature) (at byte \(offset))"
        case let .invalidData(field, batch, offset, reason):
            return "arrow: field '\(field)', record batch \(batch), byte \(offset): \(reason)"
        case let .cannotWrite(column, reason):
            return "arrow: cannot write column '\(column)': \(reason)"
        }
    }
}
