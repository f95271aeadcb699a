extension StudyData {
    /// Groups the already-derived patients by a factor that is not in the plan, without deriving the
    /// cohort again: the level of each patient is the one ``StudyData/init(cohort:plan:)`` would give
    /// for a plan holding this factor.
    ///
    /// ```swift
    /// let age = FactorDefinition(name: "age_split", label: "Age", variable: "age", rule: .cutPoints([60]))
    /// let column = try data.grouping(by: age)      // level 0: < 60, level 1: ≥ 60, nil: unknown
    /// ```
    ///
    /// - Parameter factor: A factor with cut-points, groups or yes/no (not "all of", which names plan factors).
    /// - Returns: The factor resolved against this data's plan and each patient's level, in cohort order.
    /// - Throws: ``StudyPlan/PlanError`` when the variable is neither derived nor a patients.csv column with
    ///   any value, when the factor is "all of", or when a value cannot be read the way the factor needs
    ///   (naming file, row, column, value) — the same messages as building the data with that factor.
    /// - Complexity: O(patients).
    public func grouping(by factor: FactorDefinition) throws -> FactorColumn {
        if case .allOf = factor.rule {
            throw StudyPlan.PlanError(
                description: "factor \(factor.name): an \"all of\" factor can only be built from plan factors")
        }
        if !factor.variable.isEmpty, !StudyVariable.all.contains(factor.variable),
           !records.contains(where: { $0.patient.additional[factor.variable] != nil }) {
            throw StudyPlan.PlanError(description: """
                plan: factor \(factor.name): variable \"\(factor.variable)\" is neither a derived value \
                (\(StudyVariable.all.joined(separator: ", "))) nor a column of patients.csv with any value
                """)
        }
        let levels = try records.map { r -> Int? in
            guard let v = StudyVariable.value(factor.variable, patient: r.patient, plan: plan, response: r.response)
            else { return nil }
            return try factor.rule.level(of: v, factor: factor, source: r.patient.source)
        }
        return FactorColumn(factor: plan.resolve(factor), level: levels)
    }
}
