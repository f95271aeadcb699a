import Oncology

/// The endpoints stage: a cohort turned, once, into plain typed data per endpoint and per factor, ready
/// for the statistics. Built by ``StudyData/init(cohort:plan:)``; every analysis reads it.
///
/// ```swift
/// let data = try StudyData(cohort: cohort, plan: plan)
/// let os = data.endpoint("os")!          // time, status per patient
/// let afp = data.factor("afp")!          // level per patient (nil = unknown)
/// ```
public struct StudyData: Sendable {
    /// Per-patient derived clinical values (no statistics).
    public struct PatientRecord: Sendable {
        /// The patient as read.
        public var patient: Patient
        /// The patient's failures summarised against the plan's origin and landmark.
        public var history: FailureHistory
        /// Modified UICC stage (recorded T, or derived from the tumour findings); `nil` when it cannot be derived.
        public var stage: MUICCStage?
        /// Child-Pugh class (recorded, or computed from the five components); `nil` when neither is possible.
        public var childPugh: ChildPughClass?
        /// Worst CTCAE grade per term within the grading window.
        public var toxicity: [String: Int]
        /// Response at the plan's response time (recorded, or computed from lesions).
        public var response: ResponseCategory?
        /// Best overall response over the follow-up scans (mRECIST/RECIST sequence rules); the 3-month
        /// ``response`` when there are no lesion measurements; `nil` when neither is known.
        public var bestResponse: ResponseCategory?
    }

    /// One endpoint's observations, in cohort order.
    public struct EndpointColumn: Sendable {
        /// The endpoint.
        public var definition: EndpointDefinition
        /// One observation per patient, in cohort order.
        public var observations: [EndpointObservation]
        /// Time per patient, in the plan's time unit, in cohort order.
        public var time: [Double] { observations.map(\.time) }
        /// Whether each patient had the endpoint's event, in cohort order.
        public var event: [Bool] { observations.map(\.event) }
        /// 1 event, 2 competing event, 0 censored.
        public var cause: [Int] { observations.map(\.cause) }
    }

    /// One factor's level per patient (`nil`: unknown), in cohort order.
    public struct FactorColumn: Sendable {
        /// The factor, resolved against the plan.
        public var factor: ResolvedFactor
        /// Level index per patient (into `factor.levels`); `nil` when unknown.
        public var level: [Int?]
        /// Patients with a known level.
        public var known: [Int] { level.indices.filter { level[$0] != nil } }
    }

    /// The plan the data were derived under.
    public var plan: StudyPlan
    /// One record per patient, in cohort order.
    public var records: [PatientRecord]
    /// One column per plan endpoint, in plan order.
    public var endpoints: [EndpointColumn]
    /// One column per plan factor, in plan order.
    public var factors: [FactorColumn]
    /// Patients whose recorded response differs from the one computed from lesions.
    public var responseDisagreements: [String]
    /// Lab values that could not be graded.
    public var toxicityProblems: [String]
    /// Toxicity records and lab values dated outside the grading window (not graded; counted). Lab values
    /// before RT start are baselines, not counted here.
    public var toxicityOutsideWindow: Int

    /// The endpoint named `name` (``EndpointDefinition/name``); `nil` when the plan has none.
    ///
    /// - Complexity: O(number of endpoints).
    public func endpoint(_ name: String) -> EndpointColumn? { endpoints.first { $0.definition.name == name } }
    /// The factor named `name` (``FactorDefinition/name``); `nil` when the plan has none.
    ///
    /// - Complexity: O(number of factors).
    public func factor(_ name: String) -> FactorColumn? { factors.first { $0.factor.name == name } }

    /// Derives everything the analyses need.
    ///
    /// - Throws: ``StudyPlan/PlanError`` when a factor's variable is neither a derived value nor a column of
    ///   patients.csv, or a value cannot be read the way the factor needs (naming file, row, column, value).
    /// - Complexity: O(patients × (endpoints + factors) + records).
    public init(cohort: Cohort, plan: StudyPlan) throws {
        self.plan = plan
        let failuresByPatient = Dictionary(grouping: plan.classifiedFailures(cohort.failures), by: \.patientID)
        let labsByPatient = Self.positions(cohort.labs) { $0.patientID }   // positions, not copies: labs are many
        let toxByPatient = Dictionary(grouping: cohort.toxicities, by: \.patientID)
        let lesionsByPatient = Dictionary(grouping: cohort.lesions, by: \.patientID)
        let criteria = ResponseCriteria(rawValue: plan.responseCriteria) ?? .mRECIST
        // Each patient's record depends only on that patient's rows: chunks of patients are derived on all
        // cores and joined in cohort order (the same records and messages, in the same order, as one pass).
        struct Part {
            var records: [PatientRecord] = []
            var problems: [String] = [], disagreements: [String] = []
            var outside = 0
        }
        let parts = parallelChunks(cohort.patients.count) { range -> Part in
            var part = Part()
            part.records.reserveCapacity(range.count)
            for i in range {
                let p = cohort.patients[i]
                let origin = Derive.origin(p, plan: plan)
                let h = FailureHistory(
                    failures: failuresByPatient[p.id] ?? [], origin: origin, landmarkDays: plan.landmarkDays)
                let labs = labsByPatient[p.id].map { $0.map { cohort.labs[$0] } } ?? []
                let tox = ToxicityGrading.worstGrades(
                    patient: p, labs: labs, recorded: toxByPatient[p.id] ?? [], plan: plan)
                part.problems += tox.problems
                part.outside += tox.outsideWindow
                var response = p.response3Months
                var best: ResponseCategory? = nil
                if let lesions = lesionsByPatient[p.id], !lesions.isEmpty {
                    let seq = ResponseDerivation.responses(lesions: lesions, rtStart: p.rtStart, criteria: criteria)
                    let target = origin + Int((plan.responseMonths * StudyPlan.TimeUnit.months.days).rounded())
                    let window = plan.responseWindowMonths * StudyPlan.TimeUnit.months.days
                    let atLandmark = seq.filter { abs(Double($0.date - target)) <= window }
                        .min { abs($0.date - target) < abs($1.date - target) }?.response
                    if let computed = atLandmark {
                        if let recorded = p.response3Months, recorded != computed {
                            part.disagreements.append(
                                "\(p.id): recorded \(recorded.rawValue), from lesions \(computed.rawValue)")
                        }
                        response = computed
                    }
                    if !seq.isEmpty { best = ResponseAssessment.bestOverallResponse(seq.map(\.response)) }
                }
                part.records.append(PatientRecord(patient: p, history: h, stage: Derive.stage(p),
                                                  childPugh: Derive.childPugh(p), toxicity: tox.grades,
                                                  response: response, bestResponse: best ?? response))
            }
            return part
        }
        records = parts.flatMap(\.records)
        let problems = parts.flatMap(\.problems), disagreements = parts.flatMap(\.disagreements)
        let outside = parts.reduce(0) { $0 + $1.outside }
        toxicityProblems = problems
        toxicityOutsideWindow = outside
        responseDisagreements = disagreements
        let recs = records
        endpoints = parallelMap(plan.endpoints.count) { k in
            let e = plan.endpoints[k]
            return EndpointColumn(
                definition: e,
                observations: recs.map { e.observation(for: $0.patient, history: $0.history, plan: plan) })
        }
        // Variables must exist: derived, or a column present for at least one patient.
        let columns = Set(cohort.patients.flatMap { $0.additional.keys })
        for f in plan.factors
        where !f.variable.isEmpty && !StudyVariable.all.contains(f.variable) && !columns.contains(f.variable) {
            throw StudyPlan.PlanError(description: """
                plan: factor \(f.name): variable \"\(f.variable)\" is neither a derived value \
                (\(StudyVariable.all.joined(separator: ", "))) nor a column of patients.csv with any value
                """)
        }
        var built: [String: FactorColumn] = [:]
        var ordered: [FactorColumn] = []
        // Each factor on its own thread; the first error in plan order is the one thrown, as in one pass.
        let direct = plan.factors.filter { !$0.isAllOf }
        let levelsOf = parallelMap(direct.count) { k in
            Result { () throws -> [Int?] in
                let f = direct[k]
                return try recs.map { r -> Int? in
                    guard let v = StudyVariable.value(f.variable, patient: r.patient, plan: plan, response: r.response)
                    else { return nil }
                    return try f.rule.level(of: v, factor: f, source: r.patient.source)
                }
            }
        }
        for (f, levels) in zip(direct, levelsOf) {
            built[f.name] = FactorColumn(factor: plan.resolve(f), level: try levels.get())
        }
        for f in plan.factors {
            if case .allOf(let names) = f.rule {
                let parts = names.map { built[$0]! }
                let levels = recs.indices.map { i -> Int? in
                    // Unknown when any component is unknown (the paper counts only patients with both markers).
                    let l = parts.map { $0.level[i] }
                    if l.contains(where: { $0 == nil }) { return nil }
                    return l.allSatisfy { $0 == 1 } ? 1 : 0
                }
                built[f.name] = FactorColumn(factor: plan.resolve(f), level: levels)
            }
            ordered.append(built[f.name]!)
        }
        factors = ordered
    }
}

extension StudyData {
    /// The positions of each patient's records in `records`, in order, by patient id (records of one patient
    /// usually follow one another, so the id is looked up once per run of rows).
    ///
    /// - Complexity: O(records) expected time.
    static func positions<T>(_ records: [T], _ id: (T) -> String) -> [String: [Int]] {
        var byID: [String: [Int]] = [:]
        var run: [Int] = []
        var current: String? = nil
        for i in records.indices {
            let key = id(records[i])
            if key != current {
                if let current { byID[current, default: []].append(contentsOf: run) }
                run.removeAll(keepingCapacity: true)
                current = key
            }
            run.append(i)
        }
        if let current { byID[current, default: []].append(contentsOf: run) }
        return byID
    }

    /// The derived data as a table, one row per patient: for each endpoint its time (plan units), status
    /// (1 event, 0 censored) and cause (1 event, 2 competing event, 0 censored); for each factor its level
    /// index (0 = first level; empty when not known). Written to `data/derived.csv` with every report, so
    /// that any number can be recomputed elsewhere (R, Stata) from exactly what `pof` analysed.
    ///
    /// - Returns: Header and rows of text; numbers at full precision.
    /// - Complexity: O(patients × (endpoints + factors)).
    public func derivedTable() -> (header: [String], rows: [[String]]) {
        (derivedHeader, derivedRows(records.indices))
    }

    /// The header of ``derivedTable()``.
    package var derivedHeader: [String] {
        var header = ["id"]
        for e in endpoints {
            header += ["\(e.definition.name)_time", "\(e.definition.name)_status", "\(e.definition.name)_cause"]
        }
        return header + factors.map(\.factor.name)
    }

    /// Rows `range` of ``derivedTable()`` (a large cohort's table is written a block of rows at a time).
    package func derivedRows(_ range: Range<Int>) -> [[String]] {
        range.map { i -> [String] in
            var row = [records[i].patient.id]
            for e in endpoints {
                let o = e.observations[i]
                row += ["\(o.time)", o.event ? "1" : "0", "\(o.cause)"]
            }
            row += factors.map { f in f.level[i].map(String.init) ?? "" }
            return row
        }
    }
}
