import Foundation

/// Loads any supported model file, choosing the format by content (not by extension).
public enum ModelLoader {
    /// A JSON MLP (ours or the reference's neutral-mlp-v1) if the file starts with `{` after
    /// whitespace, else an ONNX protobuf.
    public static func load(path: String, onnxOptions: ONNXImporter.Options = .init()) throws -> FeedForwardNetwork {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw ModelError.unreadable(path: path, reason: error.localizedDescription)
        }
        return try load(data: data, origin: path, onnxOptions: onnxOptions)
    }

    /// As `load(path:)`, from bytes; `origin` names them in errors.
    public static func load(data: Data, origin: String = "<data>", onnxOptions: ONNXImporter.Options = .init()) throws -> FeedForwardNetwork {
        guard !data.isEmpty else { throw ModelError.unreadable(path: origin, reason: "empty file") }
        let firstNonSpace = data.first { ![0x20, 0x09, 0x0a, 0x0d, 0xef, 0xbb, 0xbf].contains($0) }
        if firstNonSpace == UInt8(ascii: "{") { return try NetworkJSON.decode(data) }
        do {
            return try ONNXImporter.load(data, options: onnxOptions)
        } catch ModelError.unreadable(_, let reason) {
            throw ModelError.unreadable(path: origin, reason: "neither a JSON model nor ONNX (\(reason))")
        }
    }

    /// Writes `network` in our JSON format (conservattack-mlp-v1).
    public static func save(_ network: FeedForwardNetwork, path: String) throws {
        do { try NetworkJSON.encode(network).write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
            throw ModelError.unreadable(path: path, reason: "cannot write: \(error.localizedDescription)")
        }
    }
}
