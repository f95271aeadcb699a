import Foundation
import Survival
import Tabular

/// What was done to the input before a table command analysed it: the CDISC ADTTE mapping and endpoint
/// selection, and the landmark. Part of the JSON of `pof km`, `pof logrank` and `pof cox` (key `input`).
public struct InputPreparation: Codable, Sendable, Equatable {
    /// The ADTTE mapping, when `--adtte` was given.
    public var adtte: ADTTEMapping?
    /// The landmark, when `--landmark` was given.
    public var landmark: LandmarkSelection?

    /// A preparation with the given steps (none by default).
    ///
    /// - Complexity: O(1).
    public init(adtte: ADTTEMapping? = nil, landmark: LandmarkSelection? = nil) {
        self.adtte = adtte
        self.landmark = landmark
    }

    /// One sentence per step, for the text printouts and for stderr with CSV output.
    public var lines: [String] {
        var out: [String] = []
        if let a = adtte {
            var s = "ADTTE (\(a.format)\(a.dataset.map { " data set \($0)" } ?? "")): time \(a.time), "
                + "event when \(a.censor) = 0"
            if let p = a.paramcd {
                s += ", endpoint \(a.paramcdColumn) = \(p) (\(a.otherEndpointRows) rows of other endpoints left out)"
            }
            out.append(s + ".")
        }
        if let l = landmark {
            let t = Self.short(l.time)
            out.append("""
                Landmark at \(t): times are measured from \(t); \(l.excludedEvents + l.excludedCensored) rows ended \
                at or before it and are left out (\(l.excludedEvents) events, \(l.excludedCensored) censored).
                """)
        }
        return out
    }

    /// A landmark time as written in a note: the shortest decimal that reads back exactly.
    static func short(_ v: Double) -> String { NumberFormat.plain(v) }
}

/// How an ADTTE data set was read.
public struct ADTTEMapping: Codable, Sendable, Equatable {
    /// "csv", "xpt" (SAS transport v5) or "dataset-json".
    public var format: String
    /// The data set name inside an XPT or Dataset-JSON file.
    public var dataset: String?
    /// The analysis-value column used as time (AVAL).
    public var time: String
    /// The censoring column (CNSR: 0 = event, ≥ 1 = censored).
    public var censor: String
    /// The derived event column name (`CNSR=0`) as the analyses report it.
    public var event: String
    /// The endpoint column (PARAMCD).
    public var paramcdColumn: String
    /// The endpoint analysed, or nil when the file has no PARAMCD column.
    public var paramcd: String?
    /// Rows of other endpoints (or without PARAMCD) left out.
    public var otherEndpointRows: Int
    enum CodingKeys: String, CodingKey {
        case format, dataset, time, censor, event, paramcd
        case paramcdColumn = "paramcd_column", otherEndpointRows = "other_endpoint_rows"
    }
}

/// The landmark applied to a table.
public struct LandmarkSelection: Codable, Sendable, Equatable {
    /// The landmark time t₀ (in the unit of the time column, before the clock restarts).
    public var time: Double
    /// Rows kept (time > t₀ or time missing).
    public var rowsKept: Int
    /// Rows left out that ended with an event at or before t₀.
    public var excludedEvents: Int
    /// Rows left out that were censored at or before t₀.
    public var excludedCensored: Int
    enum CodingKeys: String, CodingKey {
        case time
        case rowsKept = "rows_kept", excludedEvents = "excluded_events", excludedCensored = "excluded_censored"
    }
}

/// A table ready for a table command, with the columns to use as time and event.
public struct PreparedTable: Sendable {
    /// The table the analysis reads. Rows left out are blank lines, so row numbers in messages are the
    /// source file's.
    public var table: CSVTable
    /// Time column.
    public var time: String
    /// Event column (1 = event).
    public var event: String
    /// What was done.
    public var preparation: InputPreparation
}

/// Input steps shared by the table commands: reading CDISC ADTTE data (CSV, SAS transport v5 or
/// Dataset-JSON) and restricting to a landmark.
///
/// ```swift
/// var input = try AnalysisInput.adtte(path: "adtte.xpt", paramcd: "OS")
/// input = try AnalysisInput.landmark(input, at: 180)
/// let km = try KaplanMeierAnalysis.run(table: input.table, time: input.time, event: input.event, group: "TRT01P")
/// ```
///
/// Both steps write a derived table that the unchanged analyses read: the kept rows with their cells
/// (numbers written in shortest round-trip form, so they read back as the same doubles) and a blank
/// line for each row left out, which keeps every row number of the source.
public enum AnalysisInput {
    /// The whole of a data file's bytes (the ADTTE readers' input).
    ///
    /// - Throws: `TabularError.unreadableFile(file:reason:)` naming the file when it cannot be read.
    /// - Complexity: O(file size).
    static func fileBytes(_ url: URL) throws -> [UInt8] {
        do { return [UInt8](try Data(contentsOf: url)) } catch {
            throw TabularError.unreadableFile(file: url.lastPathComponent,
                                              reason: "cannot be read (\(error.localizedDescription))")
        }
    }

    /// The name of the derived event column of ADTTE input.
    public static let adtteEventColumn = "CNSR=0"

    /// Reads an ADTTE data set and maps it for survival analysis: `time` (AVAL) as time, event when `censor`
    /// (CNSR) is 0, and only the rows of one endpoint (`paramcd`).
    ///
    /// The format follows the file name: `.xpt` is SAS transport v5, `.json` / `.ndjson` Dataset-JSON,
    /// anything else CSV. Without `paramcd` the file must hold a single endpoint (or no PARAMCD column).
    ///
    /// - Parameters:
    ///   - path: The file.
    ///   - table: A CSV table already read (then `path` only names it).
    ///   - time: The analysis-value column (default AVAL).
    ///   - censor: The censoring column (default CNSR): 0 = event, a positive integer = censored.
    ///   - paramcdColumn: The endpoint column (default PARAMCD).
    ///   - paramcd: The endpoint to analyse.
    /// - Returns: The derived table with time `time` and event ``adtteEventColumn``.
    /// - Throws: `TabularError.unknownColumn(file:column:available:)` for a missing variable,
    ///   ``AnalysisError`` for a CNSR that is not a non-negative integer, an unknown endpoint or several
    ///   endpoints without `paramcd`; `TabularError` for an unreadable file.
    /// - Complexity: O(rows × columns).
    public static func adtte(path: String, table: CSVTable? = nil, time: String = "AVAL", censor: String = "CNSR",
                             paramcdColumn: String = "PARAMCD", paramcd: String? = nil) throws -> PreparedTable {
        let lower = path.lowercased()
        let source: TableSource
        var format = "csv", dataset: String? = nil
        if lower.hasSuffix(".xpt") {
            let xpt = try SASTransportFile(contentsOf: URL(fileURLWithPath: path))
            source = TableSource(xpt: xpt, name: URL(fileURLWithPath: path).lastPathComponent)
            format = "xpt"; dataset = xpt.datasetName
        } else if lower.hasSuffix(".json") || lower.hasSuffix(".ndjson") {
            let dj = try DatasetJSON(contentsOf: URL(fileURLWithPath: path))
            source = TableSource(datasetJSON: dj, name: URL(fileURLWithPath: path).lastPathComponent)
            format = "dataset-json"; dataset = dj.name
        } else {
            source = TableSource(csv: try table ?? CSVTable(contentsOf: URL(fileURLWithPath: path)))
        }
        for column in [time, censor] where !source.names.contains(column) {
            throw TabularError.unknownColumn(file: source.name, column: column, available: source.names)
        }
        if source.names.contains(adtteEventColumn) {
            throw AnalysisError.invalidOption("""
                \(source.name): a column is already named \(adtteEventColumn), the name of the derived event column
                """)
        }
        // the endpoint
        var keep = [Bool](repeating: true, count: source.rowCount)
        var chosen: String? = nil
        var other = 0
        if let p = source.names.firstIndex(of: paramcdColumn) {
            var codes: [String] = []
            for r in 0..<source.rowCount {
                let c = source.text(r, p).trimmingCharacters(in: CharacterSet(charactersIn: " \t"))
                if !c.isEmpty && c != "NA" && !codes.contains(c) { codes.append(c) }
            }
            if let paramcd {
                guard codes.contains(paramcd) else {
                    throw AnalysisError.invalidOption("""
                        --paramcd: \"\(paramcd)\" does not occur in \(paramcdColumn) of \(source.name) \
                        (endpoints: \(codes.joined(separator: ", ")))
                        """)
                }
                chosen = paramcd
            } else if codes.count > 1 {
                throw AnalysisError.invalidOption("""
                    \(source.name) holds \(codes.count) endpoints in \(paramcdColumn) \
                    (\(codes.joined(separator: ", "))); choose one with --paramcd
                    """)
            } else {
                chosen = codes.first
            }
            for r in 0..<source.rowCount {
                let c = source.text(r, p).trimmingCharacters(in: CharacterSet(charactersIn: " \t"))
                if c != chosen { keep[r] = false; other += 1 }
            }
        } else if let paramcd {
            throw AnalysisError.invalidOption("--paramcd \(paramcd): \(source.name) has no \(paramcdColumn) column")
        }
        // the event from CNSR
        let c = source.names.firstIndex(of: censor)!
        var eventCells = [String](repeating: "NA", count: source.rowCount)
        for r in 0..<source.rowCount where keep[r] {
            let cell = source.text(r, c)
            let trimmed = cell.trimmingCharacters(in: CharacterSet(charactersIn: " \t"))
            if trimmed.isEmpty || trimmed == "NA" { continue }
            guard let v = DecimalNumber.parse(trimmed), let code = DecimalNumber.exactInteger(v), code >= 0 else {
                throw AnalysisError.model("""
                    \(source.name), row \(source.rowNumber(r)), column \"\(censor)\": \(TabularError.quote(cell)) \
                    is not a censoring code (CNSR is 0 for an event, a positive integer for a censoring)
                    """)
            }
            eventCells[r] = code == 0 ? "1" : "0"
        }
        let table = try source.derived(keep: keep, replacing: [:], adding: (adtteEventColumn, eventCells))
        return PreparedTable(table: table, time: time, event: adtteEventColumn,
                             preparation: InputPreparation(adtte: ADTTEMapping(
                                format: format, dataset: dataset, time: time, censor: censor, event: adtteEventColumn,
                                paramcdColumn: paramcdColumn, paramcd: chosen, otherEndpointRows: other)))
    }

    /// Keeps the rows still at risk after `landmark` (time > t₀; rows with a missing time or event are kept
    /// for the analysis to exclude and report) and measures their times from t₀.
    ///
    /// - Parameters:
    ///   - input: The table and its time and event columns.
    ///   - landmark: t₀, finite and ≥ 0.
    /// - Returns: The derived table; `preparation.landmark` counts the rows left out.
    /// - Throws: `TabularError` for a time that is not a number or an event that is not an indicator,
    ///   ``AnalysisError`` when no row is at risk after t₀.
    /// - Complexity: O(rows × columns).
    public static func landmark(_ input: PreparedTable, at landmark: Double) throws -> PreparedTable {
        guard landmark.isFinite, landmark >= 0 else {
            throw AnalysisError.invalidOption("--landmark must be a time ≥ 0")
        }
        let table = input.table
        let scan = try table.numbers(input.time)
        if let bad = scan.nonNumbers.first {
            throw TabularError.notANumber(file: table.sourceName, row: bad.rowNumber, line: bad.line,
                                          column: input.time, value: bad.value)
        }
        let events = try table.events(input.event)
        var keep = [Bool](repeating: true, count: table.rowCount)
        var shifted = [String?](repeating: nil, count: table.rowCount)
        var excludedEvents = 0, excludedCensored = 0
        for r in 0..<table.rowCount {
            let t = scan.values[r]
            if t.isNaN || events[r] < 0 { continue }   // missing: the analysis excludes and reports it
            if t > landmark {
                shifted[r] = "\(t - landmark)"
            } else {
                keep[r] = false
                if events[r] == 1 { excludedEvents += 1 } else { excludedCensored += 1 }
            }
        }
        let kept = keep.filter { $0 }.count
        guard kept > 0 else {
            throw AnalysisError.noRows(
                file: table.sourceName,
                reason: "no row is at risk after the landmark \(InputPreparation.short(landmark))")
        }
        let source = TableSource(csv: table)
        let column = source.names.firstIndex(of: input.time)!
        let derived = try source.derived(keep: keep, replacing: [column: shifted], adding: nil)
        var preparation = input.preparation
        preparation.landmark = LandmarkSelection(time: landmark, rowsKept: kept, excludedEvents: excludedEvents,
                                                 excludedCensored: excludedCensored)
        return PreparedTable(table: derived, time: input.time, event: input.event, preparation: preparation)
    }

    /// A CSV file as it is, for the commands' common path.
    ///
    /// - Complexity: O(1).
    public static func csv(_ table: CSVTable, time: String, event: String) -> PreparedTable {
        PreparedTable(table: table, time: time, event: event, preparation: InputPreparation())
    }
}

/// Rows of cells from a CSV table, a transport file or a Dataset-JSON file, and the derived CSV table.
struct TableSource {
    var name: String
    var names: [String]
    var rowCount: Int
    /// The text of a cell ("NA" for missing).
    var text: (Int, Int) -> String
    /// The spreadsheet row number of a row (header = 1).
    var rowNumber: (Int) -> Int

    init(csv table: CSVTable) {
        name = table.sourceName
        names = table.columnNames
        rowCount = table.rowCount
        text = { table.cell(row: $0, column: $1) }
        rowNumber = { table.rowNumber(ofRow: $0) }
    }

    init(xpt: SASTransportFile, name: String) {
        self.name = name
        names = xpt.variables.map(\.name)
        rowCount = xpt.rowCount
        let columns = xpt.columns
        text = { r, c in
            switch columns[c] {
            case .numbers(let v): return v[r].map { "\($0)" } ?? "NA"
            case .strings(let v): return v[r] ?? "NA"
            }
        }
        rowNumber = { $0 + 2 }
    }

    init(datasetJSON: DatasetJSON, name: String) {
        self.name = name
        names = datasetJSON.columns.map(\.name)
        rowCount = datasetJSON.rows.count
        let rows = datasetJSON.rows
        text = { r, c in rows[r][c] ?? "NA" }
        rowNumber = { $0 + 2 }
    }

    /// The CSV table of the kept rows (a blank line for each other row, so row numbers stay), with some
    /// columns' cells replaced and optionally one column added.
    func derived(keep: [Bool], replacing: [Int: [String?]], adding: (String, [String])?) throws -> CSVTable {
        var out: [UInt8] = []
        func field(_ s: String) {
            if s.isEmpty { return }
            if s.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) {
                out.append(0x22)
                for b in s.utf8 { if b == 0x22 { out.append(0x22) }; out.append(b) }
                out.append(0x22)
            } else {
                out.append(contentsOf: s.utf8)
            }
        }
        let header = names + (adding.map { [$0.0] } ?? [])
        for (k, h) in header.enumerated() { if k > 0 { out.append(0x2C) }; field(h) }
        out.append(0x0A)
        var record = 1
        for r in 0..<rowCount {
            let number = rowNumber(r)
            while record < number - 1 { out.append(0x0A); record += 1 }
            record = number
            guard keep[r] else { out.append(0x0A); continue }
            for c in 0..<names.count {
                if c > 0 { out.append(0x2C) }
                if let replaced = replacing[c] { field(replaced[r] ?? "NA") } else { field(text(r, c)) }
            }
            if let adding { out.append(0x2C); field(adding.1[r]) }
            out.append(0x0A)
        }
        return try CSVTable(bytes: out, sourceName: name)
    }
}
