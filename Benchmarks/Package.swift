// swift-tools-version:6.3
// Micro-benchmarks (ordo-one/benchmark). Run: cd Benchmarks && swift package benchmark
import PackageDescription

let package = Package(
    name: "AmberBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "Amber", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "AmberBenchmarks",
            dependencies: [
                .product(name: "AmberKit", package: "Amber"),
                .product(name: "AmberTesting", package: "Amber"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "AmberBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
    ])
