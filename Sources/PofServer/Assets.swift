/// The page, script and style sheet of `pof serve`: the files in `Sources/PofServer/Web`, compiled into
/// the binary by SwiftPM (`.embedInCode` in Package.swift), so the server needs no file beside it, no CDN,
/// and works with the network unplugged.
///
/// ```swift
/// Assets.indexHTML.hasPrefix("<!doctype html>")   // true
/// ```
enum Assets {
    /// `Web/index.html`.
    static let indexHTML = String(decoding: PackageResources.index_html, as: UTF8.self)
    /// `Web/app.js`.
    static let appJS = String(decoding: PackageResources.app_js, as: UTF8.self)
    /// `Web/app.css`.
    static let appCSS = String(decoding: PackageResources.app_css, as: UTF8.self)
}
