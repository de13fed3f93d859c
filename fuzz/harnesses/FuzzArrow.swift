// libFuzzer harness: the Arrow IPC file reader over in-memory bytes (strict, skipping unreadable columns,
// and the metadata summary `inspect` prints), compressed bodies included.
import ArrowIPC

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzArrow(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    _ = try? ArrowFileReader.read(bytes: bytes)
    _ = try? ArrowFileReader.read(bytes: bytes, skippingUnreadable: true)
    _ = try? ArrowFileSummary(bytes: Array(bytes))
    return 0
}
