import Columnar
import Dispatch
import Foundation

/// A parsed cut or weight expression in ROOT's C++ style, e.g. `nJet >= 4 && MET_pt < 50` or
/// `genWeight * puWeight`. See docs/selection.md for the grammar, the functions and the jagged semantics.
///
/// Parsing checks syntax, function names and arities; `typeCheck` / evaluation check booleans vs numbers and
/// per-element vs per-event against the table's branches. Evaluation is vectorised: each node of the tree is
/// computed once over whole columns.
public struct CutExpression: Sendable, CustomStringConvertible {
    /// The expression text as given.
    public let source: String
    let root: ExpressionNode

    /// Parses `source`; throws `CutExpressionError` (kind `.syntax`, `.unknownFunction` or `.arity`).
    public init(parsing source: String) throws {
        var parser = try Parser(source)
        self.source = source
        self.root = try parser.parse()
    }

    init(source: String, root: ExpressionNode) {
        self.source = source
        self.root = root
    }

    public var description: String { source }

    /// The branch names the expression reads (only these need to be read from the file).
    public var freeVariables: Set<String> { root.freeVariables }

    /// The operands of the top-level `&&` chain as their own expressions (a parenthesised group is one term).
    public var conjunctionTerms: [CutExpression] {
        let scalars = Array(source.unicodeScalars)
        return root.conjunctionTerms.map { node in
            let text = String(String.UnicodeScalarView(scalars[node.range]))
            var shifted = node
            shifted.shift(by: -node.range.lowerBound)
            return CutExpression(source: text, root: shifted)
        }
    }

    /// Throws `.unknownBranch` (with the closest names) if a free variable is not among `available`.
    /// Use it before reading a file, with the tree's branch names.
    public func checkBranches(available: [String]) throws {
        let known = Set(available)
        let checker = TypeChecker(expression: source, branches: [:], branchNames: available)
        if let node = root.firstVariable(where: { !known.contains($0) }), case .variable(let name) = node.kind {
            throw checker.unknownBranch(name, at: node)
        }
    }

    /// The type of the whole expression given the kinds of the branches it reads.
    public func typeCheck(branches: [String: BranchKind]) throws -> ExpressionType {
        try TypeChecker(expression: source, branches: branches, branchNames: branches.keys.sorted()).check(root)
    }

    private func checker(for table: EventTable) -> TypeChecker {
        var kinds: [String: BranchKind] = [:]
        for name in freeVariables { if let c = table[name] { kinds[name] = BranchKind(c) } }
        return TypeChecker(expression: source, branches: kinds, branchNames: table.names)
    }

    /// Checks that this is a valid cut on `table`: one boolean per event.
    public func checkCut(on table: EventTable) throws {
        _ = try checker(for: table).checkTop(root, wantBoolean: true)
    }

    /// Checks that this is a valid weight on `table`: one number per event.
    public func checkWeight(on table: EventTable) throws {
        _ = try checker(for: table).checkTop(root, wantBoolean: false)
    }

    /// Events per chunk: every node is evaluated over whole arrays of this many events at a time, so that the
    /// temporaries stay in cache instead of allocating (and page-faulting) arrays as long as the table.
    public static let chunkSize = 1 << 16

    /// The events passing the cut. An event where the expression has no value (an index past the end of a
    /// list, anywhere in the expression outside `Alt$`) fails, as in TTree::Draw.
    public func evaluateMask(on table: EventTable) throws -> [Bool] {
        try checkCut(on: table)
        return try mapChunks(of: table) { chunk in
            var evaluator = Evaluator(expression: source, table: table, entries: chunk)
            return try Self.mask(of: root, evaluator: &evaluator, rows: chunk.count)
        }
    }

    /// One number per event (e.g. event weights); NaN where the expression has no value.
    public func evaluateNumbers(on table: EventTable) throws -> [Double] {
        try checkWeight(on: table)
        return try mapChunks(of: table) { chunk in
            var evaluator = Evaluator(expression: source, table: table, entries: chunk)
            let v = try evaluator.evaluate(root)
            let part = Kernels.doubles(v.payload, count: chunk.count)
            return v.valid.map { Kernels.zip(part, $0) { $1 ? $0 : .nan } } ?? part
        }
    }

    /// The masks of each top-level `&&` term, in order (errors point into the full expression).
    /// Their AND equals `evaluateMask(on:)`.
    func termMasks(on table: EventTable) throws -> [(text: String, mask: [Bool])] {
        try checkCut(on: table)
        let scalars = Array(source.unicodeScalars)
        let terms = root.conjunctionTerms
        var masks = [[Bool]](repeating: [], count: terms.count)
        try forEachChunk(of: table) { chunk in
            var evaluator = Evaluator(expression: source, table: table, entries: chunk)
            for (k, node) in terms.enumerated() {
                masks[k].append(contentsOf: try Self.mask(of: node, evaluator: &evaluator, rows: chunk.count))
            }
        }
        return zip(terms, masks).map { (String(String.UnicodeScalarView(scalars[$0.range])), $1) }
    }

    private static func mask(of node: ExpressionNode, evaluator: inout Evaluator, rows: Int) throws -> [Bool] {
        let v = try evaluator.evaluate(node)
        var mask = Kernels.bools(v.payload, count: rows)
        if let valid = v.valid { mask = Kernels.zip(mask, valid) { $0 && $1 } }
        return mask
    }

    /// `body` of every chunk (as `forEachChunk` cuts them), joined in entry order. Chunks are independent,
    /// so they are evaluated on all cores (in any order; the first failing chunk's error is thrown).
    private func mapChunks<T>(of table: EventTable, _ body: (Range<Int>) throws -> [T]) throws -> [T] {
        var chunks: [Range<Int>] = []
        try forEachChunk(of: table) { chunks.append($0) }
        var parts = [Result<[T], Error>?](repeating: nil, count: chunks.count)
        let workers = min(ProcessInfo.processInfo.activeProcessorCount, chunks.count)
        if workers <= 1 {
            for (k, c) in chunks.enumerated() { parts[k] = Result { try body(c) } }
        } else {
            parts.withUnsafeMutableBufferPointer { out in
                let slots = out
                withoutActuallyEscaping(body) { body in
                    DispatchQueue.concurrentPerform(iterations: chunks.count) { k in slots[k] = Result { try body(chunks[k]) } }
                }
            }
        }
        var joined: [T] = []; joined.reserveCapacity(table.rowCount)
        for part in parts { joined.append(contentsOf: try part!.get()) }
        return joined
    }

    /// Validates the branches read, then calls `body` with consecutive entry ranges of at most `chunkSize`.
    private func forEachChunk(of table: EventTable, _ body: (Range<Int>) throws -> Void) throws {
        for name in freeVariables.sorted() {
            guard let c = table[name] else { continue }
            do { try c.validate(name: name) } catch {
                let node = root.firstVariable { $0 == name }
                throw CutExpressionError(kind: .data, message: "branch '\(name)' is inconsistent: \(error)",
                                         expression: source, range: node?.range ?? 0..<0)
            }
        }
        var start = 0
        repeat {
            let end = min(table.rowCount, start + Self.chunkSize)
            try body(start..<end)
            start = end
        } while start < table.rowCount
    }
}

extension ExpressionNode {
    /// Moves every range by `delta` (used when a subexpression becomes its own expression).
    mutating func shift(by delta: Int) {
        range = (range.lowerBound + delta)..<(range.upperBound + delta)
        switch kind {
        case .number, .boolean, .variable: break
        case .unary(let op, var a): a.shift(by: delta); kind = .unary(op, a)
        case .binary(let op, var a, var b): a.shift(by: delta); b.shift(by: delta); kind = .binary(op, a, b)
        case .index(var a, var b): a.shift(by: delta); b.shift(by: delta); kind = .index(a, b)
        case .ternary(var a, var b, var c):
            a.shift(by: delta); b.shift(by: delta); c.shift(by: delta); kind = .ternary(a, b, c)
        case .call(let f, var args):
            for i in args.indices { args[i].shift(by: delta) }
            kind = .call(f, args)
        }
    }
}
