import Foundation

/// A CONSORT-style flow diagram as SVG: a column of steps, each with an optional box to its right for
/// what left the flow there (exclusions, with reasons), then one box per branch (e.g. per endpoint
/// analysed) joined to the last step.
///
/// Text is wrapped to the boxes; the drawing is laid out for a printed width (``FigureSize``) at
/// 7 pt or more. Output is deterministic.
///
/// ```swift
/// let flow = FlowDiagram(title: "Patient flow",
///                        steps: [.init(.init("Patients read", ["n = 138"]), excluded: .init("Excluded", ["none"])),
///                                .init(.init("Included", ["n = 138"]))],
///                        branches: [.init("Overall survival", ["n = 138, 115 deaths"])])
/// let svg = flow.svg()
/// ```
public struct FlowDiagram: Sendable {
    /// A box: a bold title and lines of text under it (each wrapped to the box).
    public struct Box: Sendable, Equatable {
        /// Bold first line(s).
        public var title: String
        /// Lines under the title.
        public var lines: [String]

        /// Creates a box.
        ///
        /// ```swift
        /// FlowDiagram.Box("Excluded", ["Factor not recorded: 3"])
        /// ```
        ///
        /// - Parameters:
        ///   - title: Bold title.
        ///   - lines: Lines under it.
        ///
        /// - Complexity: O(1).
        public init(_ title: String, _ lines: [String] = []) {
            self.title = title
            self.lines = lines
        }
    }

    /// One step of the main column and what left the flow there.
    public struct Step: Sendable, Equatable {
        /// The main-column box.
        public var box: Box
        /// The box to its right (exclusions), or nil.
        public var excluded: Box?

        /// Creates a step.
        ///
        /// - Parameters:
        ///   - box: The main-column box.
        ///   - excluded: The exclusion box to its right, or nil.
        ///
        /// - Complexity: O(1).
        public init(_ box: Box, excluded: Box? = nil) {
            self.box = box
            self.excluded = excluded
        }
    }

    /// Title (for the SVG's accessible title).
    public var title: String
    /// Main-column steps, top to bottom.
    public var steps: [Step]
    /// Boxes joined to the last step, left to right (wrapped into rows of at most four).
    public var branches: [Box]
    /// Printed size.
    public var size: FigureSize

    /// Creates a flow diagram.
    ///
    /// - Parameters:
    ///   - title: Accessible title.
    ///   - steps: Main-column steps.
    ///   - branches: Boxes under the last step.
    ///   - size: Printed width (double column by default).
    ///
    /// - Complexity: O(number of steps and branches).
    public init(title: String, steps: [Step], branches: [Box] = [], size: FigureSize = .doubleColumn) {
        self.title = title
        self.steps = steps
        self.branches = branches
        self.size = size
    }

    static let font = SVG.smallestFont + 0.5
    static let titleFont = SVG.smallestFont + 0.5
    static let lineHeight = SVG.smallestFont * 1.3
    static let padding = 7.0

    /// The wrapped lines of a box at `width`: (text, bold) pairs.
    static func layout(_ box: Box, width: Double) -> [(String, Bool)] {
        let inner = width - 2 * padding
        return SVG.wrap(box.title, width: inner, size: titleFont * 1.06).map { ($0, true) }
            + box.lines.flatMap { SVG.wrap($0, width: inner, size: font).map { ($0, false) } }
    }

    static func height(_ lines: [(String, Bool)]) -> Double { Double(lines.count) * lineHeight + 2 * padding - 2 }

    static func draw(_ lines: [(String, Bool)], x: Double, y: Double, width: Double, height: Double) -> String {
        var s = SVG.rect(x: x, y: y, width: width, height: height, fill: "#ffffff",
                         extra: [("stroke", "#222222"), ("stroke-width", "1")]) + "\n"
        for (i, (text, bold)) in lines.enumerated() {
            s +=
                SVG.text(
                    text, x: x + padding, y: y + padding + Double(i) * lineHeight + font * 0.95,
                    size: bold ? titleFont : font,
                    weight: bold ? "bold" : nil) + "\n"
        }
        return s
    }

    static func arrow(x1: Double, y1: Double, x2: Double, y2: Double) -> String {
        // A line ending in a small filled head pointing from (x1, y1) to (x2, y2).
        let dx = x2 - x1, dy = y2 - y1, length = max(1e-9, (dx * dx + dy * dy).squareRoot())
        let ux = dx / length, uy = dy / length, h = 6.0, w = 3.5
        let bx = x2 - ux * h, by = y2 - uy * h
        let head = """
            \(SVG.num(x2)),\(SVG.num(y2)) \(SVG.num(bx - uy * w)),\(SVG.num(by + ux * w)) \
            \(SVG.num(bx + uy * w)),\(SVG.num(by - ux * w))
            """
        return SVG.line(x1: x1, y1: y1, x2: bx, y2: by, width: 1) + "\n"
            + SVG.element("polygon", [("points", head), ("fill", "#222222")]) + "\n"
    }

    /// The diagram as a standalone SVG document.
    ///
    /// - Returns: SVG text.
    /// - Complexity: O(characters of text).
    public func svg() -> String {
        let w = size.units, margin = 14.0, gap = 16.0
        let mainX = margin + 18, mainW = (w - 2 * margin) * 0.46
        let sideX = mainX + mainW + 34, sideW = w - margin - sideX
        var body = ""
        var y = margin
        for (i, step) in steps.enumerated() {
            let main = Self.layout(step.box, width: mainW)
            let side = step.excluded.map { Self.layout($0, width: sideW) }
            let hMain = Self.height(main), hSide = side.map(Self.height) ?? 0
            let rowH = max(hMain, hSide)
            body += Self.draw(main, x: mainX, y: y, width: mainW, height: rowH)
            if let side {
                body += Self.draw(side, x: sideX, y: y, width: sideW, height: rowH)
                body += Self.arrow(x1: mainX + mainW, y1: y + rowH / 2, x2: sideX, y2: y + rowH / 2)
            }
            y += rowH
            if i + 1 < steps.count {
                body += Self.arrow(x1: mainX + mainW / 2, y1: y, x2: mainX + mainW / 2, y2: y + gap * 1.5)
                y += gap * 1.5
            }
        }
        if !branches.isEmpty {
            let rows = (branches.count + 3) / 4
            let perRow = (branches.count + rows - 1) / rows
            let bw = (w - 2 * margin - 18 - Double(perRow - 1) * gap) / Double(perRow)
            let trunkX = mainX + mainW / 2
            let lastBottom = y
            var rowTop = y + 2.5 * gap
            var previousBus = lastBottom
            for r in 0..<rows {
                let items = Array(branches[(r * perRow)..<min(branches.count, (r + 1) * perRow)])
                let laid = items.map { Self.layout($0, width: bw) }
                let h = laid.map(Self.height).max() ?? 0
                let busY = rowTop - gap
                let centres = items.indices.map { mainX + Double($0) * (bw + gap) + bw / 2 }
                if r == 0 {
                    body += SVG.line(x1: trunkX, y1: lastBottom, x2: trunkX, y2: busY, width: 1) + "\n"
                } else {
                    // Later rows hang from a line down the left margin.
                    body += SVG.line(x1: margin, y1: previousBus, x2: margin, y2: busY, width: 1) + "\n"
                }
                let left = rows > 1 ? margin : min(centres.first ?? trunkX, trunkX)
                let right = max(centres.last ?? trunkX, r == 0 ? trunkX : margin)
                body += SVG.line(x1: left, y1: busY, x2: right, y2: busY, width: 1) + "\n"
                for (k, lines) in laid.enumerated() {
                    body += Self.arrow(x1: centres[k], y1: busY, x2: centres[k], y2: rowTop)
                    body += Self.draw(lines, x: mainX + Double(k) * (bw + gap), y: rowTop, width: bw, height: h)
                }
                previousBus = busY
                rowTop += h + 2 * gap
            }
            y = rowTop - 2 * gap
        }
        let height = (y + margin).rounded()
        let id = SVG.identifier("flow", key: title + steps.map(\.box.title).joined())
        let description = (steps.flatMap { [$0.box] + ($0.excluded.map { [$0] } ?? []) } + branches)
            .map { ([$0.title] + $0.lines).joined(separator: "; ") }.joined(separator: ". ")
        return SVG.open(id: id, width: w, height: height, title: title, description: description, size: size)
            + body + "</svg>\n"
    }
}
