import Survival
import Tabular

// The analyses of `pof km|logrank|cuminc|cox` when the data are per-time aggregates (a database's GROUP BY
// result) instead of a CSV table: the same Result values, so the same text, JSON and CSV.

extension KaplanMeierAnalysis {
    /// The `pof km` result from per-time counts.
    ///
    /// ```swift
    /// let r = KaplanMeierAnalysis.run(aggregates: data, groupLevels: ["1", "2"], time: "time", event: "status",
    ///                                 group: "sex", report: report)
    /// ```
    ///
    /// - Parameters:
    ///   - aggregates: Counts per (group, time, status), complete rows only.
    ///   - groupLevels: Display value of each group index (with `group`).
    ///   - time: The time column's name, for the output.
    ///   - event: The event column's name, for the output.
    ///   - group: The group column's name, for the output; `nil` without one.
    ///   - at: Times at which to report the curve.
    ///   - confidenceType: Type of the pointwise limits (log, log-log, plain).
    ///   - confidenceLevel: Level of the limits (0.95).
    ///   - report: The rows excluded for missing values.
    /// - Returns: The same result as ``run(table:time:event:group:at:confidenceType:confidenceLevel:)`` on the rows.
    /// - Complexity: O(m log m) for m aggregate rows.
    public static func run(aggregates: SurvivalAggregates, groupLevels: [String], time: String, event: String,
                           group: String?, at: [Double] = [], confidenceType: KaplanMeier.ConfidenceType = .log,
                           confidenceLevel: Double = 0.95, report: MissingValueReport) -> Result {
        let fits: [(String, KaplanMeier)]
        if group != nil {
            fits = KaplanMeier.byGroup(aggregates: aggregates, confidenceType: confidenceType,
                                       confidenceLevel: confidenceLevel).map { (groupLevels[$0.group], $0.fit) }
        } else {
            fits = [("all", KaplanMeier(aggregates: aggregates, confidenceType: confidenceType,
                                        confidenceLevel: confidenceLevel))]
        }
        let strata = KaplanMeierAnalysis.strata(fits, at: at)
        let followUp = KaplanMeier.reverse(aggregates: aggregates).median.estimate ?? .nan
        return Result(time: time, event: event, groupColumn: group, confType: confidenceType.rawValue,
                      confLevel: confidenceLevel, strata: strata, medianFollowUp: followUp,
                      rowsUsed: report.includedRows, excludedRows: report.excludedRows, excluded: report.exclusions)
    }
}

extension LogRankAnalysis {
    /// The `pof logrank` result from counts per (stratum, group, time, status).
    ///
    /// - Parameters:
    ///   - aggregates: Complete rows only; `group` indices into `groupLevels`.
    ///   - groupLevels: Display value of each group index.
    ///   - time: The time column's name, for the output.
    ///   - event: The event column's name, for the output.
    ///   - group: The group column's name, for the output.
    ///   - strata: The strata column's name, for the output; `nil` without strata.
    ///   - rho: G-rho exponent.
    ///   - report: The rows excluded for missing values.
    /// - Throws: ``AnalysisError/invalidOption(_:)`` for a negative ρ.
    ///
    /// - Complexity: O(*r* + *t* · *g*) for *r* aggregate rows, *t* distinct times and *g* groups.
    public static func run(aggregates: SurvivalAggregates, groupLevels: [String], time: String, event: String,
                           group: String, strata: String?, rho: Double = 0,
                           report: MissingValueReport) throws -> Result {
        guard rho >= 0, rho.isFinite else { throw AnalysisError.invalidOption("--rho must be a number ≥ 0") }
        let test = LogRankTest(aggregates: aggregates, groupCount: groupLevels.count, rho: rho)
        return Result(time: time, event: event, groupColumn: group, strataColumn: strata, rho: rho,
                      chisq: test.test.statistic, df: test.test.degreesOfFreedom, p: test.test.pValue,
                      notPossible: test.notPossible?.description,
                      groups: groupLevels.indices.map {
                          Group(group: groupLevels[$0], n: test.count[$0], observed: test.observed[$0],
                                expected: test.expected[$0])
                      },
                      variance: test.variance.rows, rowsUsed: report.includedRows,
                      excludedRows: report.excludedRows, excluded: report.exclusions)
    }
}

extension CumulativeIncidenceAnalysis {
    /// The `pof cuminc` result from counts per (group, time, cause).
    ///
    /// - Parameters:
    ///   - aggregates: Complete rows only; `status` holds cause codes.
    ///   - groupLevels: Display value of each group index, or `nil` without a group column.
    ///   - group: The group column's name, for the output and messages; `nil` without one.
    ///   - event: The event column's name, for the output and messages.
    ///   - sourceName: How messages name the data.
    ///   - censorCode: The code of censored rows.
    ///   - at: Times for the estimates (default: each curve's event times).
    ///   - report: The rows excluded for missing values.
    ///
    /// - Complexity: O(*r* + *t* · *g* · *c*) for *r* aggregate rows, *t* distinct times, *g* groups and *c* causes.
    public static func run(aggregates: SurvivalAggregates, groupLevels: [String]?, group: String?, event: String,
                           sourceName: String, censorCode: Int = 0, at: [Double] = [],
                           report: MissingValueReport) throws -> Result {
        // the censoring code must occur, as in the file mode
        var warnings: [String] = []
        let codes = Set(aggregates.status)
        if !codes.contains(censorCode) {
            let list = codes.sorted().map(String.init).joined(separator: ", ")
            if codes.contains(0) {
                throw AnalysisError.invalidOption("""
                    \(sourceName), column \"\(event)\": the censoring code \(censorCode) does not occur \
                    (codes found: \(list)); rows coded 0 would be counted as failures of cause 0. \
                    Give the code of censored rows with --censor-code
                    """)
            }
            warnings.append("""
                no row has the censoring code \(censorCode) in column \"\(event)\" (codes found: \(list)): \
                every row is counted as a failure
                """)
        }
        let cif = CumulativeIncidence(aggregates: aggregates, censorCode: censorCode)
        var grayNotPossible: String? = nil
        if let groupLevels, group != nil {
            if groupLevels.count < 2 { grayNotPossible = TestNotPossible.fewerThanTwoGroups.description }
            else if cif.causes.isEmpty { grayNotPossible = "there are no failures (every row is censored)" }
        }
        let levels = groupLevels ?? ["all"]
        let curves = cif.curves.map { c -> CurveSummary in
            let events = aggregates.time.indices.filter {
                aggregates.status[$0] == c.cause && aggregates.group[$0] == c.group
            }.reduce(0) { $0 + aggregates.count[$1] }
            let times = at.isEmpty ? c.time : at
            return CurveSummary(group: levels[c.group], cause: c.cause, events: events,
                                at: c.estimates(at: times).map {
                                    Point(time: $0.time, estimate: $0.estimate, variance: $0.variance,
                                          lower95: $0.lower, upper95: $0.upper)
                                })
        }
        return Result(censorCode: censorCode, groupColumn: group, curves: curves,
                      gray: cif.tests.map {
                          GrayTest(cause: $0.cause, statistic: $0.test.statistic, df: $0.test.degreesOfFreedom,
                                   p: $0.test.pValue, notPossible: $0.notPossible?.description)
                      },
                      grayNotPossible: grayNotPossible, warnings: warnings,
                      rowsUsed: report.includedRows, excludedRows: report.excludedRows, excluded: report.exclusions)
    }
}

extension CoxAnalysis {
    /// The `pof cox` result of a model fitted from per-time sums (no concordance, residual-based tests or
    /// robust variance: those need the subject rows).
    ///
    /// - Parameters:
    ///   - model: The fit.
    ///   - termNames: One name per covariate column.
    ///   - strata: Stratification column name, for the output.
    ///   - report: The rows excluded for missing values.
    ///
    /// - Complexity: O(*p*²) for *p* terms (the fit is already done).
    public static func result(model: AggregateCoxModel, termNames: [String], strata: String?,
                              report: MissingValueReport) -> Result {
        let terms = CoxAnalysis.terms(names: termNames, coefficients: model.coefficients,
                                      standardErrors: model.standardErrors, robustStandardErrors: nil,
                                      hazardRatios: model.hazardRatios, interval: model.hazardRatioInterval(),
                                      z: model.zScores, p: model.pValues, status: model.termStatus)
        let noEvents = model.status.reason == .noEvents
        func test(_ t: ChiSquareTest) -> Test { CoxAnalysis.test(t, noEvents: noEvents) }
        let notes = CoxAnalysis.notes(termNames: termNames, aliased: model.aliased, events: model.events,
                                      noEvents: noEvents)
        var warnings = model.warnings + notes.warnings
        let aliased = notes.aliased, epv = notes.eventsPerVariable
        warnings.append("concordance not estimable from per-time sums (it compares subjects pairwise); shown as NA")
        return Result(n: model.observations, events: model.events, ties: model.ties.rawValue, strataColumn: strata,
                      robust: false, terms: terms, loglik: [model.logLikelihood.initial, model.logLikelihood.final],
                      tests: Tests(likelihoodRatio: test(model.tests.likelihoodRatio), wald: test(model.tests.wald),
                                   score: test(model.tests.score), robustScore: nil),
                      concordance: ConcordanceValue(estimate: .nan, se: .nan),
                      iterations: model.iterations, converged: model.converged, warnings: warnings,
                      aliased: aliased, eventsPerVariable: epv, zph: nil, rowsUsed: report.includedRows,
                      excludedRows: report.excludedRows, excluded: report.exclusions, status: model.status)
    }
}
