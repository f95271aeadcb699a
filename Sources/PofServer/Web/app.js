"use strict";
// The page is a thin client of the JSON API (/api/openapi.json); every number comes from the server.
const $ = (id) => document.getElementById(id);
let session = null;
let study = null;

async function api(method, path, body, type) {
  const opts = { method, headers: {} };
  if (body !== undefined) { opts.body = body; if (type) opts.headers["Content-Type"] = type; }
  let r;
  try { r = await fetch(path, opts); } catch (e) { return { ok: false, status: 0, data: { error: "the server does not answer; is pof serve still running?" } }; }
  const ct = r.headers.get("Content-Type") || "";
  const data = ct.includes("json") ? await r.json() : await r.text();
  return { ok: r.ok, status: r.status, data };
}

async function sessionPath() {
  if (!session) {
    const r = await api("POST", "/api/sessions");
    if (!r.ok) throw new Error(r.data.error || "could not start a session");
    session = r.data.id;
  }
  return "/api/sessions/" + session;
}

function status(text, bad) { const s = $("status"); s.textContent = text; s.className = bad ? "bad" : ""; }
function cell(tr, text, cls) { const td = document.createElement("td"); td.textContent = text == null ? "" : String(text); if (cls) td.className = cls; tr.appendChild(td); return td; }
function clear(el) { while (el.firstChild) el.removeChild(el.firstChild); }
function pct(x) { return x == null || Number.isNaN(x) ? "–" : (100 * x).toFixed(1) + "%"; }
function num(x, d) { return x == null || Number.isNaN(x) ? "–" : Number(x).toFixed(d === undefined ? 1 : d); }
function pValue(p) { if (p == null || Number.isNaN(p)) return "not possible"; if (p < 0.001) return "P < 0.001"; return "P = " + p.toFixed(3); }
function busy(on) { for (const b of document.querySelectorAll("button[type=submit], #use-demo")) b.disabled = on; }

function showTab(name) {
  for (const t of document.querySelectorAll(".tab")) t.classList.toggle("active", t.dataset.tab === name);
  for (const p of document.querySelectorAll(".panel")) p.hidden = p.id !== "panel-" + name;
}

function showIssues(outcome) {
  const box = $("issues-box"), body = $("issues").tBodies[0];
  clear(body);
  const all = (outcome.errors || []).concat(outcome.warnings || []);
  if (outcome.plan_error) all.unshift({ severity: "error", file: "plan.yaml", row: null, column: null, value: null, message: outcome.plan_error });
  for (const i of all) {
    const tr = document.createElement("tr"); tr.className = i.severity;
    cell(tr, i.severity); cell(tr, i.file); cell(tr, i.row, "num"); cell(tr, i.column); cell(tr, i.value); cell(tr, i.message);
    body.appendChild(tr);
  }
  $("issues-title").textContent = outcome.status === "invalid" ? "Problems in the files" : "Warnings";
  box.hidden = all.length === 0;
}

async function afterStudy(r) {
  busy(false);
  if (!r.ok && (!r.data || !r.data.status)) { status(r.data.error || "the study could not be run", true); return; }
  const o = r.data;
  showIssues(o);
  if (o.status !== "analysed") {
    $("report-box").hidden = true;
    $("tab-explorer").disabled = true; $("tab-risk").disabled = true;
    status((o.errors.length + (o.plan_error ? 1 : 0)) + " error(s) found: nothing was analysed. Fix the files and upload them again.", true);
    return;
  }
  study = o;
  const base = await sessionPath();
  status((o.synthetic ? "SYNTHETIC demo cohort: " : "") + o.patients + " patients analysed.");
  $("report-frame").src = base + "/report/report.html";
  $("open-report").href = base + "/report/report.html";
  $("download-zip").href = base + "/report.zip";
  $("report-box").hidden = false;
  $("tab-explorer").disabled = false; $("tab-risk").disabled = false;
  setupExplorer(o);
  setupRisk();
}

async function runUploaded(ev) {
  ev.preventDefault();
  busy(true); status("Uploading…");
  try {
    const base = await sessionPath();
    for (const input of document.querySelectorAll("input[type=file]")) {
      const f = input.files && input.files[0];
      if (!f) continue;
      const r = await api("PUT", base + "/files/" + input.dataset.kind, f, "application/octet-stream");
      if (!r.ok) { busy(false); status(f.name + ": " + (r.data.error || "upload failed"), true); return; }
    }
    status("Checking and analysing…");
    await afterStudy(await api("POST", base + "/study"));
  } catch (e) { busy(false); status(String(e.message || e), true); }
}

async function runDemo() {
  busy(true); status("Analysing the demo cohort…");
  try { await afterStudy(await api("POST", (await sessionPath()) + "/demo")); }
  catch (e) { busy(false); status(String(e.message || e), true); }
}

function option(sel, value, text) { const o = document.createElement("option"); o.value = value; o.textContent = text; sel.appendChild(o); }

function setupExplorer(o) {
  const ep = $("explorer-endpoint"), gr = $("explorer-grouping"), va = $("explorer-variable");
  clear(ep); clear(gr); clear(va);
  for (const e of o.endpoints) option(ep, e.name, e.label);
  for (const f of o.factors) option(gr, f.name, f.label);
  option(gr, "", "Another variable…");
  for (const v of o.variables) option(va, v, v);
  $("explorer-at").value = o.rate_times.join(", ");
  $("explorer-unit").textContent = o.time_unit || "months";
  toggleVariable();
  explore();
}

function toggleVariable() {
  const other = $("explorer-grouping").value === "";
  $("variable-box").hidden = !other; $("cut-box").hidden = !other;
}

function explorerQuery() {
  const q = new URLSearchParams();
  q.set("endpoint", $("explorer-endpoint").value);
  if ($("explorer-grouping").value) q.set("factor", $("explorer-grouping").value);
  else { q.set("variable", $("explorer-variable").value); if ($("explorer-cut").value.trim()) q.set("cut", $("explorer-cut").value.trim()); }
  if ($("explorer-at").value.trim()) q.set("at", $("explorer-at").value.trim());
  return q.toString();
}

async function explore(ev) {
  if (ev) ev.preventDefault();
  const base = await sessionPath(), q = explorerQuery();
  const r = await api("GET", base + "/explorer?" + q);
  $("explorer-csv").href = base + "/explorer.csv?" + q;
  if (!r.ok) { $("explorer-error").textContent = r.data.error || "not possible"; $("explorer-error").hidden = false; $("explorer-out").hidden = true; return; }
  $("explorer-error").hidden = true;
  const d = r.data, unit = d.time_unit;
  $("explorer-p").textContent = d.logrank ? pValue(d.logrank.p) : "one group only";
  $("explorer-test-note").textContent = d.logrank && d.logrank.not_possible ? "(" + d.logrank.not_possible + ")" : (d.logrank ? "χ² = " + num(d.logrank.chisq, 2) + ", df = " + d.logrank.df : "");
  $("explorer-svg").innerHTML = d.svg;
  const t = $("explorer-table"), head = t.tHead, body = t.tBodies[0];
  clear(head); clear(body);
  const times = d.km.strata.length ? d.km.strata[0].at.map((a) => a.time) : [];
  const hr = document.createElement("tr");
  for (const h of [d.grouping_label, "Patients", "Events", "Median (" + unit + ") (95% CI)"].concat(times.map((x) => "At " + x + " " + unit + " (95% CI)"))) { const th = document.createElement("th"); th.textContent = h; hr.appendChild(th); }
  head.appendChild(hr);
  for (const s of d.km.strata) {
    const tr = document.createElement("tr");
    cell(tr, s.group); cell(tr, s.n, "num"); cell(tr, s.events, "num");
    cell(tr, s.median == null ? "not reached" : num(s.median) + " (" + num(s.median_lower95) + "–" + (s.median_upper95 == null ? "NR" : num(s.median_upper95)) + ")", "num");
    for (const a of s.at) cell(tr, pct(a.surv) + " (" + pct(a.lower95) + "–" + pct(a.upper95) + ")", "num");
    body.appendChild(tr);
  }
  $("explorer-unknown").textContent = d.unknown_group > 0 ? d.unknown_group + " patient(s) with an unknown " + d.grouping_label + " are not in these curves." : "";
  const cb = $("cuminc-box");
  if (d.cuminc) {
    cb.hidden = false;
    const g = d.cuminc.gray.find((x) => x.cause === 1);
    $("cuminc-p").textContent = g ? pValue(g.p) : (d.cuminc.gray_not_possible || "not done");
    $("cuminc-svg").innerHTML = d.cuminc_svg || "";
    const ct = $("cuminc-table"); clear(ct.tHead); clear(ct.tBodies[0]);
    const h2 = document.createElement("tr");
    for (const h of [d.grouping_label, "Event", "Events"].concat(times.map((x) => "At " + x + " " + unit + " (95% CI)"))) { const th = document.createElement("th"); th.textContent = h; h2.appendChild(th); }
    ct.tHead.appendChild(h2);
    for (const c of d.cuminc.curves) {
      const tr = document.createElement("tr");
      cell(tr, c.group); cell(tr, c.cause === 1 ? "failure" : "competing (death)"); cell(tr, c.events, "num");
      for (const a of c.at) cell(tr, pct(a.estimate) + " (" + pct(a.lower95) + "–" + pct(a.upper95) + ")", "num");
      ct.tBodies[0].appendChild(tr);
    }
  } else cb.hidden = true;
  $("explorer-out").hidden = false;
}

async function setupRisk() {
  const r = await api("GET", (await sessionPath()) + "/profile");
  const box = $("risk-fields"); clear(box);
  $("risk-result").hidden = true; $("risk-error").hidden = true;
  if (!r.ok) { box.textContent = r.data.error || "no form"; return; }
  for (const f of r.data.fields) {
    const div = document.createElement("div"); div.className = "field";
    const lab = document.createElement("label"); lab.htmlFor = "risk-" + f.name; lab.textContent = f.label;
    const unk = document.createElement("span"); unk.className = "unknown";
    const cb = document.createElement("input"); cb.type = "checkbox"; cb.id = "risk-unknown-" + f.name;
    const ul = document.createElement("label"); ul.htmlFor = cb.id; ul.textContent = "not known";
    unk.appendChild(cb); unk.appendChild(ul);
    let input;
    if (f.kind === "number") {
      input = document.createElement("input"); input.inputMode = "decimal";
      if (f.cohort_min != null) input.placeholder = "cohort " + f.cohort_min + "–" + f.cohort_max;
    } else {
      input = document.createElement("select"); option(input, "", "choose…");
      for (const c of f.choices) option(input, c, c);
    }
    input.id = "risk-" + f.name; input.dataset.name = f.name;
    cb.addEventListener("change", () => { input.disabled = cb.checked; });
    const row = document.createElement("div"); row.className = "field-row";
    row.appendChild(input); row.appendChild(unk);
    div.appendChild(lab); div.appendChild(row);
    if (f.kind === "choice" && f.choices.length === 0) {
      // No patient of the cohort has a value: the models can only take it as not known.
      cb.checked = true; input.disabled = true;
      const note = document.createElement("p"); note.className = "hint"; note.textContent = "No patient of this cohort has a value.";
      div.appendChild(note);
    }
    box.appendChild(div);
  }
}

function listInto(el, items) { clear(el); for (const x of items) { const li = document.createElement("li"); li.textContent = x; el.appendChild(li); } }

async function assess(ev) {
  ev.preventDefault();
  const values = {};
  for (const input of $("risk-fields").querySelectorAll("[data-name]")) {
    const name = input.dataset.name;
    if ($("risk-unknown-" + name).checked) values[name] = "unknown";
    else if (input.value.trim() !== "") values[name] = input.value.trim();
  }
  const r = await api("POST", (await sessionPath()) + "/assess", JSON.stringify({ values }), "application/json");
  if (!r.ok) { $("risk-error").textContent = r.data.error || "not possible"; $("risk-error").hidden = false; $("risk-result").hidden = true; return; }
  $("risk-error").hidden = true;
  const a = r.data.assessment;
  listInto($("risk-cautions"), a.cautions);
  // One row per endpoint, one column per time of the plan.
  const t = $("risk-table"), body = t.tBodies[0]; clear(t.tHead); clear(body);
  const times = [...new Set(a.predictions.map((p) => p.time))].sort((x, y) => x - y);
  const hr = document.createElement("tr");
  for (const h of ["Endpoint"].concat(times.map((x) => "At " + x + " " + a.unit + " (95% CI)"), ["Model"])) { const th = document.createElement("th"); th.textContent = h; hr.appendChild(th); }
  t.tHead.appendChild(hr);
  const endpoints = [...new Set(a.predictions.map((p) => p.endpoint))];
  for (const e of endpoints) {
    const ps = a.predictions.filter((p) => p.endpoint === e), tr = document.createElement("tr");
    cell(tr, ps[0].label);
    for (const x of times) { const p = ps.find((q) => q.time === x); cell(tr, p ? pct(p.probability) + " (" + pct(p.lower95) + "–" + pct(p.upper95) + ")" : "", "num"); }
    cell(tr, ps[0].modelPatients + " patients, " + ps[0].modelEvents + " events");
    body.appendChild(tr);
  }
  t.hidden = a.predictions.length === 0;
  $("risk-curves-title").hidden = a.predictions.length === 0;
  listInto($("risk-refusals"), a.refusals.map((x) => "No prediction for " + x.label + ": " + x.reason));
  const figs = $("risk-svg"); clear(figs);
  for (const svg of r.data.figures || []) { const d = document.createElement("div"); d.className = "figure"; d.innerHTML = svg; figs.appendChild(d); }
  listInto($("risk-findings"), a.findings);
  listInto($("risk-paper"), a.paperSuggestions || []);
  $("risk-paper-box").hidden = !(a.paperSuggestions && a.paperSuggestions.length);
  $("risk-evidence").textContent = a.evidence;
  $("risk-result").hidden = false;
}

document.addEventListener("DOMContentLoaded", () => {
  for (const t of document.querySelectorAll(".tab")) t.addEventListener("click", () => { if (!t.disabled) showTab(t.dataset.tab); });
  $("upload-form").addEventListener("submit", runUploaded);
  $("use-demo").addEventListener("click", runDemo);
  $("explorer-form").addEventListener("submit", explore);
  $("explorer-grouping").addEventListener("change", () => { toggleVariable(); if ($("explorer-grouping").value) explore(); });
  $("explorer-endpoint").addEventListener("change", () => explore());
  $("risk-form").addEventListener("submit", assess);
  window.addEventListener("pagehide", () => { if (session) navigator.sendBeacon && fetch("/api/sessions/" + session, { method: "DELETE", keepalive: true }); });
});
