// libFuzzer harness: the ROOT compression layer. The first 3 bytes choose the declared uncompressed
// size (capped at 4 MiB, as the reader's caller would after checking limits); the rest is the object.
import ROOTCompression

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDecompression(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 3 else { return 0 }
    let declared = (Int(data[0]) | Int(data[1]) << 8 | Int(data[2]) << 16) & ((1 << 22) - 1)
    let input = UnsafeRawBufferPointer(start: data + 3, count: size - 3)
    _ = try? ROOTDecompressor.blockHeaders(input)
    _ = try? ROOTDecompressor.validateFraming(input, uncompressedSize: declared)
    _ = try? ROOTDecompressor.decompress(input, uncompressedSize: declared)
    _ = try? ROOTDecompressor.decompress(input, uncompressedSize: declared, zlibDecoder: .zlib, verifyLZ4Checksum: false)
    _ = try? ROOTDecompressor.decompressIfNeeded(Array(input), uncompressedSize: declared)
    return 0
}
