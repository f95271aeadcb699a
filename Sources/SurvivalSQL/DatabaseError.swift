/// What can go wrong between `pof` and a database, or in an aggregate result.
public enum DatabaseError: Error, CustomStringConvertible, Equatable {
    /// libpq could not be loaded (with how to install it).
    case clientLibrary(String)
    /// The URL carried a password.
    case passwordInURL
    /// The server could not be reached or refused the connection.
    case connection(String)
    /// The server asked for a password that was not supplied or was wrong.
    case authentication(String)
    /// The server rejected a statement: its SQLSTATE and message.
    case query(sqlState: String, message: String)
    /// A result lacks a column or has an unexpected shape (an aggregates file from another query).
    case resultShape(String)
    /// A value that cannot be analysed (e.g. an event column holding 2), with where it is.
    case data(String)
    /// An option that needs subject-level rows.
    case unsupported(String)

    /// The error in words: the client library's problem, the connection, or PostgreSQL's SQLSTATE and message.
    public var description: String {
        switch self {
        case .clientLibrary(let s): return s
        case .passwordInURL:
            return "the database URL contains a password; remove it and give the password in PGPASSWORD or ~/.pgpass"
        case .connection(let s): return "cannot connect to \(s)"
        case .authentication(let s): return "authentication failed: \(s)"
        case let .query(state, message):
            let hint: String
            switch state {
            case "42703": hint = " (a column named in the options is not in the table or query)"
            case "42P01": hint = " (no such table; check --table or the schema)"
            case "42883":
                hint = " (a column has the wrong type for this analysis: times, events, weights and covariates"
                    + " must be numeric)"
            case "57014": hint = " (the statement was cancelled: a statement_timeout was reached)"
            case "22P02": hint = " (a value could not be converted: check the column types)"
            default: hint = ""
            }
            return "database: \(message)\(hint)" + (state.isEmpty ? "" : " [SQLSTATE \(state)]")
        case .resultShape(let s): return s
        case .data(let s): return s
        case .unsupported(let s): return s
        }
    }
}
