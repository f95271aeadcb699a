import Foundation

/// Every error the server answers with: an HTTP status and a message for the person at the browser.
/// Sent as JSON `{"error": message}` (plus `issues` for input that did not validate); never a stack trace.
///
/// ```swift
/// throw ServerError(.notFound, "no session 3f2a…; it may have expired after being idle")
/// ```
public struct ServerError: Error, CustomStringConvertible, Sendable {
    /// The HTTP status code.
    public var status: Int
    /// What went wrong and what to do.
    public var message: String

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - status: HTTP status (400 bad request, 404, 413, 422 unprocessable, …).
    ///   - message: The message shown to the user.
    ///
    /// - Complexity: O(1).
    public init(_ status: Int, _ message: String) { self.status = status; self.message = message }

    /// The message shown to the user.
    public var description: String { message }

    static let badRequest = 400, forbidden = 403, notFound = 404, tooLarge = 413, unprocessable = 422
}
