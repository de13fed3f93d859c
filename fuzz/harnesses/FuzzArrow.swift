// libFuzzer harness: the Arrow IPC file reader over in-memory bytes.
import ArrowIPC

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzArrow(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    _ = try? ArrowFileReader.read(bytes: UnsafeRawBufferPointer(start: data, count: size))
    return 0
}
