// swift-tools-version:5.10
import PackageDescription

/// ConservAttack: ROOT ntuples in, adversarial-but-validated perturbations out.
/// Dependencies only point down: C shims → ROOTCompression → ROOTIO; Columnar is the shared currency.
let package = Package(
    name: "ConservAttack",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "conservattack", targets: ["conservattack"]),
        .library(name: "ROOTIO", targets: ["ROOTIO"]),
        .library(name: "Columnar", targets: ["Columnar"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
    ],
    targets: [
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CDeflate", pkgConfig: "libdeflate", providers: [.apt(["libdeflate-dev"])]),
        .systemLibrary(name: "CLZMA", pkgConfig: "liblzma", providers: [.apt(["liblzma-dev"])]),
        .systemLibrary(name: "CLZ4", pkgConfig: "liblz4", providers: [.apt(["liblz4-dev"])]),
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "CXXHash", pkgConfig: "libxxhash", providers: [.apt(["libxxhash-dev"])]),

        .target(name: "ROOTCompression", dependencies: ["CZlib", "CDeflate", "CLZMA", "CLZ4", "CZstd", "CXXHash"]),
        .target(name: "Columnar"),
        .target(name: "ROOTIO", dependencies: ["ROOTCompression", "Columnar"]),
        .target(name: "ROOTWriter", dependencies: ["Columnar", "ROOTCompression"]),
        .target(name: "ArrowIPC", dependencies: ["Columnar", "CLZ4", "CZstd"]),
        .target(name: "Tables", dependencies: ["Columnar", "ROOTIO", "ROOTWriter", "ArrowIPC", "ROOTCompression"]),
        .target(name: "Selection", dependencies: ["Columnar"]),
        .target(name: "Model", dependencies: ["Columnar", .product(name: "SwiftProtobuf", package: "swift-protobuf")]),
        .target(name: "Statistics"),
        .target(name: "Attack", dependencies: ["Columnar", "Model", "Statistics"]),
        .target(name: "Validation", dependencies: ["Columnar", "Statistics"]),
        .target(name: "Mitigation", dependencies: ["Columnar", "Model", "Attack"]),
        .target(name: "Templates", dependencies: ["Validation", "ROOTWriter", "ROOTCompression"]),
        .target(name: "Report", dependencies: ["Validation", "Columnar", "Mitigation", "Templates"]),
        .executableTarget(name: "conservattack", dependencies: [
            "ROOTIO", "ROOTWriter", "ArrowIPC", "Tables", "Selection", "Model", "Attack", "Columnar", "Validation", "Report", "Mitigation",
            "Templates", "Statistics",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "TOMLKit", package: "TOMLKit"),
        ]),

        .executableTarget(name: "conservattack-bench", dependencies: ["ROOTIO", "ROOTCompression", "ROOTWriter", "Attack", "Model", "Columnar"]),

        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "ROOTCompressionTests", dependencies: ["ROOTCompression", "TestSupport"]),
        .testTarget(name: "ColumnarTests", dependencies: ["Columnar"]),
        .testTarget(name: "ROOTIOTests", dependencies: ["ROOTIO", "ROOTCompression", "Columnar", "TestSupport"]),
        .testTarget(name: "ROOTWriterTests", dependencies: ["ROOTWriter", "ROOTIO", "ROOTCompression", "Columnar", "TestSupport"]),
        .testTarget(name: "ArrowIPCTests", dependencies: ["ArrowIPC", "Columnar"]),
        .testTarget(name: "TablesTests", dependencies: ["Tables", "ROOTIO", "ROOTWriter", "ArrowIPC", "Columnar", "TestSupport"]),
        .testTarget(name: "SelectionTests", dependencies: ["Selection", "Columnar", "ROOTIO"]),
        .testTarget(name: "ModelTests", dependencies: ["Model", "Columnar", "TestSupport"]),
        .testTarget(name: "AttackTests", dependencies: ["Attack", "Model", "Columnar", "Statistics", "Validation"]),
        .testTarget(name: "ValidationTests", dependencies: ["Validation", "Columnar", "Statistics"]),
        .testTarget(name: "ReportTests", dependencies: ["Report", "Validation", "Columnar", "Templates"]),
        .testTarget(name: "TemplatesTests", dependencies: ["Templates", "ROOTWriter", "ROOTIO", "Validation"]),
        .testTarget(name: "MitigationTests", dependencies: ["Mitigation", "Attack", "Model", "Columnar", "Report"]),
        .testTarget(name: "CLITests", dependencies: ["TestSupport"]),
    ]
)
