// swift-tools-version: 6.1
import PackageDescription
import Foundation

let package = Package(
    name: "PatternsOfFailure",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "Survival", targets: ["Survival"]),
        .library(name: "Tabular", targets: ["Tabular"]),
        .library(name: "Oncology", targets: ["Oncology"]),
        .library(name: "Reporting", targets: ["Reporting"]),
        .library(name: "TableAnalysis", targets: ["TableAnalysis"]),
        .library(name: "PatternsOfFailure", targets: ["PatternsOfFailure"]),
        .library(name: "StudyReport", targets: ["StudyReport"]),
        .library(name: "SurvivalSQL", targets: ["SurvivalSQL"]),
        .executable(name: "pof", targets: ["pof"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.0"),
        // Property-based tests of the survival engine (test target only).
        .package(url: "https://github.com/x-sheep/swift-property-based", exact: "2.0.1"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        // Elementary functions (exp, log, pow, erfc, logGamma) on Double for the survival engine.
        .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1"),
    ],
    targets: [
        // Survival-statistics engine: arrays in, values out. No files, no patients.
        .target(name: "Survival", dependencies: [.product(name: "RealModule", package: "swift-numerics")]),
        // zlib (system library), for reading .csv.gz files. Debian/Ubuntu: zlib1g-dev.
        .systemLibrary(name: "TabularZlib", path: "Sources/CZlib", providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]),
        // glibc's mallopt, for the command line's allocator settings (Linux only).
        .systemLibrary(name: "CMalloc", path: "Sources/CMalloc"),
        // CSV reading, typed columns, missing values, categorical coding, model matrices; the one number
        // parser (DecimalNumber) and the one number formatter (NumberFormat).
        .target(name: "Tabular", dependencies: ["TabularZlib"]),
        // Clinical vocabulary and rules (mRECIST, CTCAE, Child-Pugh, ALBI, mUICC, BED/EQD2, BSA).
        .target(name: "Oncology", dependencies: ["Tabular"]),
        // Output primitives: JSON (non-finite → null), text tables, CSV, SVG figures (numbers through Tabular's NumberFormat).
        .target(name: "Reporting", dependencies: ["Tabular", .product(name: "ZIPFoundation", package: "ZIPFoundation")]),
        // Survival analyses of a CSV table's columns (km, logrank, cox), with their renderings.
        .target(name: "TableAnalysis", dependencies: ["Survival", "Tabular", "Reporting"]),
        // The study: cohort model, plan, validation, derivations, analyses, demo cohort and its generator.
        .target(
            name: "PatternsOfFailure",
            dependencies: ["Survival", "Tabular", "Oncology", .product(name: "Yams", package: "Yams")],
            resources: [.copy("DemoCohort")]
        ),
        // The study report: StudyResults rendered to HTML, Markdown, CSV tables, SVG figures and JSON.
        .target(name: "StudyReport", dependencies: ["PatternsOfFailure", "Tabular", "Reporting"]),
        // Survival analyses inside PostgreSQL (libpq loaded at run time: no C dependency at build time),
        // aggregate SQL for PostgreSQL and Spark.
        .target(name: "SurvivalSQL", dependencies: ["Survival", "Tabular", "TableAnalysis"]),
        .executableTarget(
            name: "pof",
            dependencies: [
                "Survival", "Tabular", "Oncology", "Reporting", "TableAnalysis", "PatternsOfFailure", "StudyReport",
                "SurvivalSQL", .target(name: "CMalloc", condition: .when(platforms: [.linux])),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Benchmark against R and lifelines (scripts/bench).
        .executableTarget(name: "pof-bench", dependencies: ["Survival"]),
        .testTarget(name: "SurvivalTests",
                    dependencies: ["Survival", .product(name: "PropertyBased", package: "swift-property-based")]),
        .testTarget(name: "TabularTests", dependencies: ["Tabular", "TabularZlib"]),
        .testTarget(name: "OncologyTests", dependencies: ["Oncology"]),
        .testTarget(name: "ReportingTests", dependencies: ["Reporting", "StudyReport", "PatternsOfFailure",
                                                   .product(name: "ZIPFoundation", package: "ZIPFoundation")], exclude: ["Snapshots"]),
        .testTarget(name: "TableAnalysisTests", dependencies: ["TableAnalysis", "Tabular", "Survival"]),
        .testTarget(name: "PatternsOfFailureTests", dependencies: ["PatternsOfFailure", "Oncology", "Survival"]),
        .testTarget(name: "PofTests", dependencies: ["pof"]),
        .testTarget(name: "SurvivalSQLTests", dependencies: ["SurvivalSQL", "Survival", "TableAnalysis", "Tabular"]),
    ]
)

// The local web application (`pof serve`): Hummingbird and SwiftNIO are heavy, so the server targets
// exist only when POF_SERVER=1 is set. `swift build`, `swift test` and `swift run pof demo` never compile
// them; `POF_SERVER=1 swift build --product pof-serve` and `POF_SERVER=1 swift test --filter PofServerTests` do.
if ProcessInfo.processInfo.environment["POF_SERVER"] == "1" {
    // Declared only here, so that the core build does not even resolve Hummingbird and SwiftNIO.
    package.dependencies.append(.package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"))
    package.products.append(.executable(name: "pof-serve", targets: ["pof-serve"]))
    package.targets += [
        // The server's routes, sessions, JSON API and page (library, so route tests can call it).
        .target(
            name: "PofServer",
            dependencies: [
                "Survival", "Tabular", "Oncology", "Reporting", "TableAnalysis", "PatternsOfFailure", "StudyReport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            // The page, script and style sheet, compiled into the binary (one copy; no file beside it, no CDN).
            resources: [.embedInCode("Web/index.html"), .embedInCode("Web/app.js"), .embedInCode("Web/app.css")]
        ),
        .executableTarget(name: "pof-serve", dependencies: ["PofServer"]),
        .testTarget(name: "PofServerTests", dependencies: [
            "PofServer", "PatternsOfFailure", "TableAnalysis", "pof", "pof-serve",
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "ZIPFoundation", package: "ZIPFoundation"),
        ]),
    ]
}

// Documentation (`swift package generate-documentation`): the Swift-DocC plugin is declared only when
// POF_DOCS=1 is set, so `swift build` and `swift test` neither resolve nor compile it.
//     POF_DOCS=1 swift package generate-documentation --target Survival
if ProcessInfo.processInfo.environment["POF_DOCS"] == "1" {
    package.dependencies.append(.package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"))
}
