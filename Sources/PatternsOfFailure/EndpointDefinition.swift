import Oncology

/// A time-to-event endpoint as the plan declares it: which events end follow-up as events, and what
/// death and failures of other types do.
///
/// ```yaml
/// - name: local_control
///   label: Local control
///   events: [infield]
///   death: censor            # censor | event
///   other_failures: ignore   # ignore | censor
/// ```
///
/// `events` lists failure types in the plan's `failure_types` vocabulary (the paper's: `infield`,
/// `intrahepatic-outfield`, `extrahepatic`; or `local`, `regional`, `distant`; or `in-field`, `marginal`,
/// `out-of-field`), `any_failure`, and/or
/// `death`. Overall survival is `events: [death]`; the paper's failure-specific PFS is one failure type
/// with death censored and other types ignored.
public struct EndpointDefinition: Sendable, Equatable, Codable {
    /// What happens at death for an endpoint whose events do not include death.
    public enum DeathHandling: String, Codable, Sendable, CaseIterable {
        /// Censored at death (the paper's failure-specific PFS); death is the competing event in the
        /// cumulative-incidence analysis.
        case censor
        /// Death counts as an event (classic progression-free survival).
        case event
    }

    /// What happens when a failure of a type not in `events` occurs first.
    public enum OtherFailureHandling: String, Codable, Sendable, CaseIterable {
        /// Follow-up continues until an event type occurs (the paper).
        case ignore
        /// Censored at the first failure of another type (first-failure analysis); it is a competing event
        /// in the cumulative-incidence analysis.
        case censor
    }

    /// Identifier used in the plan, file names and JSON (`os`, `pfs_infield`).
    public var name: String
    /// Label for tables and figures (`Overall survival`).
    public var label: String
    /// Failure types counted as events.
    public var failureTypes: [FailureSite]
    /// Whether a failure of any type is an event.
    public var anyFailure: Bool
    /// Whether death is an event.
    public var deathIsEvent: Bool
    /// What a failure of a type that is not an event does to follow-up.
    public var otherFailures: OtherFailureHandling

    /// An endpoint; see the properties for what each argument holds.
    ///
    /// - Complexity: O(1).
    public init(name: String, label: String, failureTypes: [FailureSite] = [], anyFailure: Bool = false,
                deathIsEvent: Bool, otherFailures: OtherFailureHandling = .ignore) {
        self.name = name; self.label = label; self.failureTypes = failureTypes; self.anyFailure = anyFailure
        self.deathIsEvent = deathIsEvent; self.otherFailures = otherFailures
    }

    /// Overall survival: death from any cause.
    public var isOverallSurvival: Bool { failureTypes.isEmpty && !anyFailure && deathIsEvent }
    /// Whether failures are among the events (a competing-risks view then applies when death is not an event).
    public var hasFailureEvents: Bool { anyFailure || !failureTypes.isEmpty }
    /// The single failure type of a failure-specific endpoint.
    public var singleFailureType: FailureSite? { !anyFailure && failureTypes.count == 1 ? failureTypes[0] : nil }

    /// Event names as written in the plan, failure types in the plan's vocabulary.
    func eventNames(_ vocabulary: FailureVocabulary = .paper) -> [String] {
        (anyFailure ? ["any_failure"] : []) + failureTypes.map(vocabulary.name) + (deathIsEvent ? ["death"] : [])
    }

    /// The observation of this endpoint for one patient.
    ///
    /// Event: the first failure of an event type (any type for `anyFailure`), or death when death is an
    /// event. When another failure type occurs first and `otherFailures` is `censor`, follow-up is censored
    /// at that date (cause `competing`). At death without an event, follow-up is censored (cause
    /// `competing`: death competes with the failure). Otherwise censored at last follow-up.
    ///
    /// - Complexity: O(*f*) in the patient's failure types (the history is already summarised).
    public func observation(for p: Patient, history h: FailureHistory, plan: StudyPlan) -> EndpointObservation {
        let origin = Derive.origin(p, plan: plan)
        let dead = p.vitalStatus == .dead
        let end = dead ? (p.deathDate ?? p.lastFollowUp) : p.lastFollowUp
        func obs(
            _ day: Day, _ status: EndpointObservation.Status, _ reason: EndpointObservation.Reason
        ) -> EndpointObservation {
            EndpointObservation(time: Derive.time(day - origin, plan: plan), status: status, reason: reason)
        }
        var eventDate: Day? = nil
        var eventSite: FailureSite? = nil
        if anyFailure {
            eventDate = h.firstDate
        } else {
            for s in failureTypes {
                if let d = h.firstDateBySite[s], eventDate.map({ d < $0 }) ?? true { eventDate = d; eventSite = s }
            }
        }
        if hasFailureEvents, otherFailures == .censor, let first = h.firstDate, first <= end,
           eventDate.map({ first < $0 }) ?? true {
            return obs(first, .competing, .otherFailure)
        }
        if let d = eventDate {
            return obs(d, .event, anyFailure ? .failure(nil) : .failure(eventSite))
        }
        if dead {
            if deathIsEvent { return obs(end, .event, .death) }
            return obs(end, .competing, .death)
        }
        return obs(end, .censored, p.vitalStatus == .unknown ? .lastFollowUpStatusUnknown : .lastFollowUp)
    }

    /// The paper's five endpoints: OS and PFS for each failure type and for any failure.
    ///
    /// With another `FailureVocabulary` the same five endpoints are named in it (`pfs_local`, "PFS, local
    /// failure", …).
    ///
    /// ```swift
    /// EndpointDefinition.paper(death: .censor, otherFailures: .ignore).map(\.name)
    /// // ["os", "pfs_infield", "pfs_intrahepatic_outfield", "pfs_extrahepatic", "pfs_any"]
    /// ```
    /// - Parameters:
    ///   - death: What death does to the failure endpoints.
    ///   - otherFailures: What a failure of another type does.
    ///   - vocabulary: The failure-type names (default the paper's).
    /// - Returns: OS, one PFS per failure type, PFS for any failure.
    ///
    /// - Complexity: O(number of failure types).
    public static func paper(death: DeathHandling, otherFailures: OtherFailureHandling,
                             vocabulary: FailureVocabulary = .paper) -> [EndpointDefinition] {
        let d = death == .event
        return [.init(name: "os", label: "Overall survival", deathIsEvent: true)]
            + FailureSite.allCases.map { s in
                .init(name: vocabulary.endpointName(s), label: "PFS, \(vocabulary.name(s)) failure", failureTypes: [s],
                      deathIsEvent: d, otherFailures: otherFailures)
            }
            + [
                .init(
                    name: "pfs_any", label: "PFS, any failure", anyFailure: true, deathIsEvent: d,
                    otherFailures: otherFailures)
            ]
    }
}

/// A patient's time and status for one endpoint, with what ended follow-up (typed).
public struct EndpointObservation: Sendable, Equatable, Codable {
    /// Status at `time`.
    public enum Status: String, Sendable, Equatable, Codable {
        /// The endpoint's event.
        case event
        /// Censored, with no competing event (alive at last follow-up, or status unknown).
        case censored
        /// Censored for the survival estimate because a competing event occurred (death before the failure,
        /// or another failure type first when the plan censors at it).
        case competing
    }

    /// What ended follow-up.
    public enum Reason: Sendable, Equatable, Codable, Hashable {
        /// A failure of an event type (its type; `nil` for "any failure").
        case failure(FailureSite?)
        /// Death (an event, or a competing event that censors a failure endpoint).
        case death
        /// A failure of another type first, when the plan censors at it.
        case otherFailure
        /// Last follow-up, alive.
        case lastFollowUp
        /// Last follow-up with vital status unknown.
        case lastFollowUpStatusUnknown

        /// "infield failure", "death", "last follow-up".
        public var label: String { label(.paper) }

        /// The label with failure types named in a vocabulary: "local failure".
        ///
        /// - Parameter vocabulary: The plan's failure-type names.
        /// - Returns: What ended follow-up, in words.
        ///
        /// - Complexity: O(1).
        public func label(_ vocabulary: FailureVocabulary) -> String {
            switch self {
            case .failure(let s): return s.map { "\(vocabulary.name($0)) failure" } ?? "failure"
            case .death: return "death"
            case .otherFailure: return "another failure type first"
            case .lastFollowUp: return "last follow-up, alive"
            case .lastFollowUpStatusUnknown: return "last follow-up, vital status unknown"
            }
        }
    }

    /// Time from the plan's origin to the end of follow-up, in the plan's time unit (months by default).
    public var time: Double
    /// Event, censored, or censored by a competing event.
    public var status: Status
    /// What ended follow-up.
    public var reason: Reason

    /// Whether this is the endpoint's event (Kaplan–Meier and Cox status).
    public var event: Bool { status == .event }
    /// Cause code for competing-risks analysis: 1 event, 2 competing, 0 censored.
    public var cause: Int { status == .event ? 1 : status == .competing ? 2 : 0 }
}
