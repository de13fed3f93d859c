// libFuzzer harness: parse the input as a cut expression, type-check it and evaluate it (as a cut
// and as a weight) on a small table with flat, boolean, jagged and fixed-shape columns.
import Columnar
import Selection

private let table: EventTable = {
    do {
        return try EventTable(rowCount: 3, columns: [
            ("nJet", Column(.int32([2, 0, 1]))),
            ("MET_pt", Column(.float32([10, 0, 35]))),
            ("HLT", Column(.bool([true, false, true]))),
            ("run", Column(.uint64([1, 2, 18_446_744_073_709_551_615]))),
            ("Jet_pt", Column(jagged: .float32([50, 40, 20]), offsets: [0, 2, 2, 3])),
            ("Jet_id", Column(jagged: .bool([true, false, true]), offsets: [0, 2, 2, 3])),
            ("Muon_pt", Column(jagged: .float64([30, 12]), offsets: [0, 0, 2, 2])),
            ("p3", Column(.float32([1, 2, 3, 4, 5, 6]), layout: .fixed(shape: [2]))),
        ])
    } catch { preconditionFailure("fuzz table: \(error)") }
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCutExpression(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let source = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let e = try? CutExpression(parsing: source) else { return 0 }
    _ = e.freeVariables
    _ = e.conjunctionTerms
    if let mask = try? e.evaluateMask(on: table), mask.count != 3 { preconditionFailure("mask length \(mask.count)") }
    if let w = try? e.evaluateNumbers(on: table), w.count != 3 { preconditionFailure("weight length \(w.count)") }
    return 0
}
