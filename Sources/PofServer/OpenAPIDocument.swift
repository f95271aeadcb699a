import PatternsOfFailure

/// The OpenAPI 3.1 description of the JSON API, served at `/api/openapi.json` (its `info.version` is
/// ``PatternsOfFailure/PofVersion/string``). A source line ending in `\#` continues on the next one without a
/// line break in the document.
enum OpenAPIDocument {
    static let json = #"""
{
  "openapi": "3.1.0",
  "info": {
    "title": "pof serve",
    "version": "\#(PofVersion.string)",
    "description": "The patterns-of-failure study on this machine: upload a cohort (or use the demo), \#
read the validation problems or the report, explore survival by any factor, and assess one patient. Every error is \#
JSON {\"error\": message}. State-changing requests (POST, PUT, DELETE) are refused when they come from another \#
origin. Uploads are limited in size (413)."
  },
  "servers": [{ "url": "/" }],
  "paths": {
    "/api/sessions": {
      "post": { "summary": "Start a session (its files live in a private temporary directory, \#
deleted when idle and on exit)",
        "responses": { "201": { "description": "The session", "content": { "application/json": { "schema": { "type": \#
"object", "properties": { "id": { "type": "string" } }, "required": ["id"] } } } } } }
    },
    "/api/sessions/{id}": {
      "delete": { "summary": "Delete a session and its files", "parameters": [{ "$ref": "#/components/parameters/id" }],
        "responses": { "204": { "description": "Deleted" } } }
    },
    "/api/sessions/{id}/files/{kind}": {
      "put": { "summary": "Upload one input file (the raw CSV or YAML bytes; .csv.gz accepted)",
        "parameters": [{ "$ref": "#/components/parameters/id" },
          { "name": "kind", "in": "path", "required": true, "schema": { "type": "string", "enum": ["patients", \#
"failures", "lesions", "labs", "toxicities", "plan"] } }],
        "requestBody": { "required": true, "content": { "application/octet-stream": { "schema": { "type": "string", \#
"format": "binary" } } } },
        "responses": { "200": { "description": "Files uploaded so far", "content": { "application/json": { "schema": \#
{ "type": "object", "properties": { "uploaded": { "type": "array", "items": { "type": "string" } } } } } } },
          "413": { "$ref": "#/components/responses/error" }, "404": { "$ref": "#/components/responses/error" } } }
    },
    "/api/sessions/{id}/demo": {
      "post": { "summary": "Analyse the synthetic demo cohort with the paper's plan", "parameters": [{ "$ref": \#
"#/components/parameters/id" }],
        "responses": { "200": { "$ref": "#/components/responses/outcome" } } }
    },
    "/api/sessions/{id}/study": {
      "post": { "summary": "Validate and analyse the uploaded files (as pof report); nothing is analysed while any \#
error remains",
        "parameters": [{ "$ref": "#/components/parameters/id" }],
        "responses": { "200": { "$ref": "#/components/responses/outcome" }, "422": { "$ref": \#
"#/components/responses/outcome" }, "400": { "$ref": "#/components/responses/error" } } }
    },
    "/api/sessions/{id}/report/{path}": {
      "get": { "summary": "One file of the written report (report.html, report.md, report.docx, tables/*.csv, \#
figures/*.svg, results.json, plan.yaml)",
        "parameters": [{ "$ref": "#/components/parameters/id" }, { "name": "path", "in": "path", "required": true, \#
"schema": { "type": "string" } }],
        "responses": { "200": { "description": "The file" }, "404": { "$ref": "#/components/responses/error" } } }
    },
    "/api/sessions/{id}/report.zip": {
      "get": { "summary": "Every output of the report as one zip archive", "parameters": [{ "$ref": \#
"#/components/parameters/id" }],
        "responses": { "200": { "description": "The archive", "content": { "application/zip": {} } } } }
    },
    "/api/sessions/{id}/explorer": {
      "get": { "summary": "Kaplan–Meier curves, log-rank test and (failure endpoints) cumulative incidence of one \#
endpoint by one grouping; the numbers are those of pof km / logrank / cuminc on the explorer table",
        "parameters": [{ "$ref": "#/components/parameters/id" }, { "$ref": "#/components/parameters/endpoint" }, \#
{ "$ref": "#/components/parameters/factor" },
          { "$ref": "#/components/parameters/variable" }, { "$ref": "#/components/parameters/cut" }, \#
{ "$ref": "#/components/parameters/at" }],
        "responses": { "200": { "description": "km (as pof km --format json), logrank (as pof logrank), \#
cuminc (as pof cuminc), svg, cuminc_svg, levels, unknown_group",
            "content": { "application/json": { "schema": { "type": "object", "required": ["endpoint", "grouping", \#
"levels", "km", "svg"],
              "properties": { "endpoint": { "type": "string" }, "endpoint_label": { "type": "string" }, \#
"grouping": { "type": "string" }, "grouping_label": { "type": "string" },
                "levels": { "type": "array", "items": { "type": "string" } }, "unknown_group": { "type": "integer" }, \#
"time_unit": { "type": "string" },
                "km": { "type": "object" }, "logrank": { "type": ["object", "null"] }, "cuminc": { "type": ["object", \#
"null"] },
                "svg": { "type": "string" }, "cuminc_svg": { "type": ["string", "null"] } } } } } },
          "400": { "$ref": "#/components/responses/error" } } }
    },
    "/api/sessions/{id}/explorer.csv": {
      "get": { "summary": "The explorer table (time, event, cause, group) the numbers come from",
        "parameters": [{ "$ref": "#/components/parameters/id" }, { "$ref": "#/components/parameters/endpoint" }, \#
{ "$ref": "#/components/parameters/factor" },
          { "$ref": "#/components/parameters/variable" }, { "$ref": "#/components/parameters/cut" }],
        "responses": { "200": { "description": "CSV", "content": { "text/csv": {} } } } }
    },
    "/api/sessions/{id}/profile": {
      "get": { "summary": "The risk calculator's form: the variables of the plan's models (each may be unknown)", \#
"parameters": [{ "$ref": "#/components/parameters/id" }],
        "responses": { "200": { "description": "fields [{name, label, kind: number|choice|yesno, choices, cohort_min, \#
cohort_max}], unit, times, synthetic", "content": { "application/json": {} } } } }
    },
    "/api/sessions/{id}/assess": {
      "post": { "summary": "Assess one patient as pof assess does: predictions with 95% CI, refusals, cautions, \#
findings, evidence",
        "parameters": [{ "$ref": "#/components/parameters/id" }],
        "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "object", \#
"required": ["values"],
          "properties": { "values": { "type": "object", "additionalProperties": { "type": "string" }, \#
"description": "variable → value; \"unknown\" when not known" } } } } } },
        "responses": { "200": { "description": "assessment (as pof assess --format json; its cautions apply to every \#
prediction), curves (the predicted curves of the models that predict, none for a refused endpoint) and figures (one \#
SVG per curve, with its 95% band)",
            "content": { "application/json": { "schema": { "type": "object", "required": ["assessment", "curves"], \#
"properties": {
              "assessment": { "type": "object" },
              "curves": { "type": "array", "items": { "$ref": "#/components/schemas/PredictedCurve" } },
              "figures": { "type": "array", "items": { "type": "string" } } } } } } },
          "422": { "$ref": "#/components/responses/error" } } }
    },
    "/api/openapi.json": { "get": { "summary": "This document", "responses": { "200": { "description": "OpenAPI 3.1" \#
} } } }
  },
  "components": {
    "parameters": {
      "id": { "name": "id", "in": "path", "required": true, "schema": { "type": "string" } },
      "endpoint": { "name": "endpoint", "in": "query", "required": true, "schema": { "type": "string" }, \#
"description": "An endpoint of the plan (os, ffs, …)" },
      "factor": { "name": "factor", "in": "query", "schema": { "type": "string" }, "description": "A factor of the \#
plan" },
      "variable": { "name": "variable", "in": "query", "schema": { "type": "string" }, "description": "Instead of \#
factor: any study variable or patients.csv column" },
      "cut": { "name": "cut", "in": "query", "schema": { "type": "string" }, "description": "Cut-points for a numeric \#
variable, comma-separated, increasing" },
      "at": { "name": "at", "in": "query", "schema": { "type": "string" }, "description": "Times for the rates, \#
comma-separated (default: the plan's)" }
    },
    "responses": {
      "error": { "description": "An error", "content": { "application/json": { "schema": { "$ref": \#
"#/components/schemas/Error" } } } },
      "outcome": { "description": "status analysed (endpoints, factors, variables, files) or invalid (errors and \#
warnings, each with file, row, column, value, message)",
        "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Outcome" } } } }
    },
    "schemas": {
      "Error": { "type": "object", "required": ["error"], "properties": { "error": { "type": "string" } } },
      "PredictedCurve": { "type": "object", "description": "Predicted probability of remaining free of the endpoint's \#
event (multivariable Cox model, R's survfit(coxph, newdata)): a step function, S(t) = survival[k] for time[k] ≤ t < \#
time[k+1]",
        "properties": { "endpoint": { "type": "string" }, "label": { "type": "string" },
          "time": { "type": "array", "items": { "type": "number" } }, "survival": { "type": "array", \#
"items": { "type": "number" } },
          "lower95": { "type": "array", "items": { "type": ["number", "null"] } }, "upper95": { "type": "array", \#
"items": { "type": ["number", "null"] } },
          "modelPatients": { "type": "integer" }, "modelEvents": { "type": "integer" } } },
      "Issue": { "type": "object", "properties": { "severity": { "type": "string", "enum": ["error", "warning"] }, \#
"file": { "type": "string" }, "row": { "type": "integer" },
        "column": { "type": ["string", "null"] }, "value": { "type": ["string", "null"] }, \#
"message": { "type": "string" } } },
      "Outcome": { "type": "object", "required": ["status"], "properties": {
        "status": { "type": "string", "enum": ["analysed", "invalid"] },
        "errors": { "type": "array", "items": { "$ref": "#/components/schemas/Issue" } },
        "warnings": { "type": "array", "items": { "$ref": "#/components/schemas/Issue" } },
        "plan_error": { "type": ["string", "null"] }, "synthetic": { "type": "boolean" }, \#
"patients": { "type": ["integer", "null"] },
        "endpoints": { "type": "array" }, "factors": { "type": "array" }, "variables": { "type": "array", \#
"items": { "type": "string" } },
        "time_unit": { "type": ["string", "null"] }, "rate_times": { "type": "array", "items": { "type": "number" } },
        "files": { "type": "array", "items": { "type": "string" } }, "study_warnings": { "type": "array", \#
"items": { "type": "string" } } } }
    }
  }
}
"""#
}
