//
//  Comparisons.swift
//  Oncology
//
//  Threshold comparisons used by the rule families.
//
//  Clinical thresholds are written in decimal ("30% decrease", "3.0 x ULN"), but the
//  inputs and the products/ratios computed from them are binary doubles: 23.1 / 33.0 is
//  0.7 in decimal but 0.7000000000000001 in binary, and 1.2 * 1.5 is 1.7999999999999998.
//  So that a value lying exactly on a boundary in decimal arithmetic lands on the side the
//  rule text says, two numbers within a relative 1e-9 of each other are treated as equal.
//  No real measurement is that close to a boundary without being on it.
//

/// Relative tolerance under which two values compare equal at a rule boundary.
let boundaryRelativeTolerance = 1e-9

@inline(__always)
func nearlyEqual(_ a: Double, _ b: Double) -> Bool {
    if a == b { return true }
    let scale = max(abs(a), abs(b))
    return abs(a - b) <= boundaryRelativeTolerance * scale
}

/// a > b, outside the tolerance.
@inline(__always)
func definitelyGreater(_ a: Double, _ b: Double) -> Bool { a > b && !nearlyEqual(a, b) }

/// a >= b, where "equal" includes the tolerance.
@inline(__always)
func greaterOrNearlyEqual(_ a: Double, _ b: Double) -> Bool { a > b || nearlyEqual(a, b) }

/// a < b, outside the tolerance.
@inline(__always)
func definitelyLess(_ a: Double, _ b: Double) -> Bool { a < b && !nearlyEqual(a, b) }

/// a <= b, where "equal" includes the tolerance.
@inline(__always)
func lessOrNearlyEqual(_ a: Double, _ b: Double) -> Bool { a < b || nearlyEqual(a, b) }
