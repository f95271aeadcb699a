// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "PatternsOfFailure",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "Survival", targets: ["Survival"]),
        .library(name: "Tabular", targets: ["Tabular"]),
        .library(name: "Oncology", targets: ["Oncology"]),
        .executable(name: "pof", targets: ["pof"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // Survival-statistics engine: arrays in, values out. No files, no patients.
        .target(name: "Survival"),
        // CSV reading, typed columns, missing values, categorical coding, model matrices.
        .target(name: "Tabular"),
        // Clinical vocabulary and rules (mRECIST, CTCAE, Child-Pugh, ALBI, mUICC, BED/EQD2, BSA).
        .target(name: "Oncology"),
        .executableTarget(
            name: "pof",
            dependencies: [
                "Survival", "Tabular", "Oncology",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "SurvivalTests", dependencies: ["Survival"]),
        .testTarget(name: "TabularTests", dependencies: ["Tabular"]),
        .testTarget(name: "OncologyTests", dependencies: ["Oncology"]),
        .testTarget(name: "PofTests", dependencies: ["pof"]),
    ]
)
