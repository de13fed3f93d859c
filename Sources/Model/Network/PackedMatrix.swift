/// A K × N row-major Float matrix re-laid out as column panels of 16 (zero padded), so the
/// multiply kernel streams each panel contiguously: panel j holds B[p, 16j ..< 16j+16] for p in 0..<K.
struct PackedMatrix: Sendable, Equatable {
    static let panelWidth = 16
    let rows: Int      // K
    let columns: Int   // N
    let storage: [Float]

    var panelCount: Int { (columns + PackedMatrix.panelWidth - 1) / PackedMatrix.panelWidth }

    /// Packs `values` (rows × columns, row-major).
    init(rows: Int, columns: Int, values: [Float]) {
        precondition(values.count == rows * columns)
        self.rows = rows
        self.columns = columns
        let w = PackedMatrix.panelWidth
        let panels = (columns + w - 1) / w
        var s = [Float](repeating: 0, count: panels * rows * w)
        for j in 0..<panels {
            for p in 0..<rows {
                for l in 0..<w where j * w + l < columns {
                    s[(j * rows + p) * w + l] = values[p * columns + j * w + l]
                }
            }
        }
        self.storage = s
    }

    /// Packs the transpose of `values` (given as rows × columns): the result is columns × rows.
    init(transposeOf values: [Float], rows: Int, columns: Int) {
        var t = [Float](repeating: 0, count: values.count)
        for i in 0..<rows { for j in 0..<columns { t[j * rows + i] = values[i * columns + j] } }
        self.init(rows: columns, columns: rows, values: t)
    }
}

/// C (M × N) = A (M × K) · B (K × N, packed) [+ bias (N)], all row-major and contiguous.
/// Every row is computed with the same sequence of operations whatever M and the row grouping,
/// so results do not depend on how rows are split into blocks or threads.
enum PackedGemm {
    static func multiply(_ a: UnsafePointer<Float>, rows m: Int, by b: PackedMatrix,
                         bias: UnsafePointer<Float>?, into c: UnsafeMutablePointer<Float>) {
        let k = b.rows, n = b.columns
        b.storage.withUnsafeBufferPointer { bs in
            guard let base = bs.baseAddress else { return }
            for panel in 0..<b.panelCount {
                let bp = base + panel * k * PackedMatrix.panelWidth
                let col0 = panel * PackedMatrix.panelWidth
                let width = min(PackedMatrix.panelWidth, n - col0)
                var biasVector = SIMD16<Float>()
                if let bias { for l in 0..<width { biasVector[l] = bias[col0 + l] } }
                var r = 0
                while r + 4 <= m {
                    kernel4(a + r * k, k: k, bp, biasVector, c + r * n + col0, ldc: n, width: width)
                    r += 4
                }
                while r < m {
                    kernel1(a + r * k, k: k, bp, biasVector, c + r * n + col0, width: width)
                    r += 1
                }
            }
        }
    }

    @inline(__always)
    private static func load(_ p: UnsafePointer<Float>) -> SIMD16<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self)
    }

    @inline(__always)
    private static func store(_ v: SIMD16<Float>, _ c: UnsafeMutablePointer<Float>, width: Int) {
        if width == PackedMatrix.panelWidth {
            UnsafeMutableRawPointer(c).storeBytes(of: v, as: SIMD16<Float>.self)
        } else {
            for l in 0..<width { c[l] = v[l] }
        }
    }

    /// c += a·b. Built for a CPU with FMA (the Makefile passes -target-cpu haswell and CONSERVATTACK_FMA
    /// together, on AVX2 machines) it is one fused multiply-add; elsewhere a multiply and an add, since
    /// fma without the instruction becomes a library call per lane.
    @inline(__always)
    private static func fused(_ c: inout SIMD16<Float>, _ a: Float, _ b: SIMD16<Float>) {
        #if CONSERVATTACK_FMA
        c.addProduct(a, b)
        #else
        c += b * a
        #endif
    }

    @inline(__always)
    private static func kernel4(_ a: UnsafePointer<Float>, k: Int, _ bp: UnsafePointer<Float>,
                                _ bias: SIMD16<Float>, _ c: UnsafeMutablePointer<Float>, ldc: Int, width: Int) {
        var c0 = SIMD16<Float>(), c1 = SIMD16<Float>(), c2 = SIMD16<Float>(), c3 = SIMD16<Float>()
        let a1 = a + k, a2 = a1 + k, a3 = a2 + k
        for p in 0..<k {
            let bv = load(bp + p &* PackedMatrix.panelWidth)
            fused(&c0, a[p], bv)
            fused(&c1, a1[p], bv)
            fused(&c2, a2[p], bv)
            fused(&c3, a3[p], bv)
        }
        store(c0 + bias, c, width: width)
        store(c1 + bias, c + ldc, width: width)
        store(c2 + bias, c + 2 * ldc, width: width)
        store(c3 + bias, c + 3 * ldc, width: width)
    }

    @inline(__always)
    private static func kernel1(_ a: UnsafePointer<Float>, k: Int, _ bp: UnsafePointer<Float>,
                                _ bias: SIMD16<Float>, _ c: UnsafeMutablePointer<Float>, width: Int) {
        var c0 = SIMD16<Float>()
        for p in 0..<k { fused(&c0, a[p], load(bp + p &* PackedMatrix.panelWidth)) }
        store(c0 + bias, c, width: width)
    }
}
