// Assertions of scripts/suites/60-prometheus-e2e.sh through the Prometheus HTTP API. Prints one
// "ok"/"not ok" line per assertion; exits 1 if any failed.
//
// Usage: node e2e-check.mjs --prometheus URL --expect FILE
//          [--may-be-empty FILE --oracle-safe-models FILE DASHBOARD.json...]
//   --expect: lines "DESCRIPTION | PROMQL": the query must return at least one series.
//   --oracle-safe-models: CPU model names usable on every host, from virsh (the independent oracle for
//     the safe-migration-set panel and the recording rule).
// With --expect alone (a later phase of the suite, e.g. after stopping a libvirtd), only the expectations
// are checked.
//
// Dashboard variables are resolved the way Grafana does (grafana-variables.mjs): label_values(SELECTOR,
// LABEL) through the label values API, "All" of a multi-value variable as the regex alternation of all
// values, escaped as the Prometheus data source escapes them; $__rate_interval is 1m.
import { readFileSync } from 'node:fs';
import { formatValue, interpolate, panelQueries } from './grafana-variables.mjs';

const args = process.argv.slice(2);
const option = (name, required = true) => {
  const i = args.indexOf(name);
  if (i < 0 || i + 1 >= args.length) {
    if (required) throw new Error(`missing ${name}`);
    return null;
  }
  return args.splice(i, 2)[1];
};
const prometheus = option('--prometheus');
const expectPath = option('--expect');
const mayBeEmptyPath = option('--may-be-empty', false);
const oraclePath = option('--oracle-safe-models', false);
const dashboards = args;
const full = dashboards.length > 0;
if (full && !(mayBeEmptyPath && oraclePath)) throw new Error('dashboards need --may-be-empty and --oracle-safe-models');
const RATE_INTERVAL = '1m'; // Grafana's $__rate_interval for scrapes 5 s apart and a short range

let passed = 0;
let failed = 0;
function report(ok, text, details = []) {
  if (ok) passed++;
  else failed++;
  console.log(`${ok ? 'ok' : 'not ok'} - ${text}`);
  for (const d of details) console.log(`    ${d}`);
}

async function api(path, params) {
  const url = `${prometheus}/api/v1/${path}?${new URLSearchParams(params)}`;
  const response = await fetch(url, { signal: AbortSignal.timeout(30_000) });
  const body = await response.json();
  if (body.status !== 'success') throw new Error(`${body.errorType}: ${body.error}`);
  return body.data;
}

const now = () => Date.now() / 1000;
async function run(expr, instant) {
  const end = now();
  const data = instant
    ? await api('query', { query: expr, time: end })
    : await api('query_range', { query: expr, start: end - 300, end, step: 15 });
  return data.result;
}

async function resolveVariables(dashboard, mayBeEmpty) {
  const values = new Map();
  for (const v of dashboard.templating.list) {
    if (v.type === 'datasource') continue;
    let options;
    if (v.type === 'custom') {
      options = v.query.split(',').map((s) => s.trim());
    } else {
      const query = typeof v.query === 'string' ? v.query : v.query.query;
      const [, selector, label] = query.match(/^label_values\((.*),\s*([a-zA-Z_]+)\)$/s);
      const expr = interpolate(selector, values, RATE_INTERVAL);
      const where = `${dashboard.uid} variable $${v.name}`;
      try {
        options = (await api(`label/${label}/values`, { 'match[]': expr, start: now() - 600, end: now() })).sort();
        const allowed = mayBeEmpty.has(`${dashboard.uid} "$${v.name}" variable`);
        report(options.length > 0 || allowed, `${where}: ${options.length} values (${expr})${options.length === 0 && allowed ? ', may be empty' : ''}`);
      } catch (e) {
        report(false, `${where}: ${expr}`, [e.message]);
        options = [];
      }
    }
    const single = options.includes(v.current?.value) ? [v.current.value] : options.slice(0, 1);
    values.set(v.name, formatValue(v, v.multi || v.includeAll ? options : single));
  }
  return values;
}

function readMayBeEmpty() {
  const entries = new Set();
  for (const line of readFileSync(mayBeEmptyPath, 'utf8').split('\n')) {
    if (!line.trim() || line.startsWith('#')) continue;
    const m = line.match(/^(\S+) "([^"]+)" (\S+): .+$/);
    if (!m) throw new Error(`${mayBeEmptyPath}: cannot read "${line}"`);
    entries.add(`${m[1]} "${m[2]}" ${m[3]}`);
  }
  return entries;
}

async function checkDashboard(file, mayBeEmpty, used, queries) {
  const dashboard = JSON.parse(readFileSync(file, 'utf8'));
  const values = await resolveVariables(dashboard, mayBeEmpty);
  for (const { key, target } of panelQueries(dashboard)) {
    used.add(key);
    const expr = interpolate(target.expr, values, RATE_INTERVAL);
    queries.set(key, expr);
    try {
      const result = await run(expr, target.instant);
      const allowed = mayBeEmpty.has(key);
      const text = `${key}: ${result.length} series${result.length === 0 && allowed ? ' (parses; may be empty)' : ''}`;
      report(result.length > 0 || allowed, text, result.length > 0 || allowed ? [] : [`no data: ${expr.replace(/\s+/g, ' ')}`]);
    } catch (e) {
      report(false, `${key} does not evaluate`, [e.message, expr.replace(/\s+/g, ' ')]);
    }
  }
}

async function checkExpectations() {
  for (const line of readFileSync(expectPath, 'utf8').split('\n')) {
    if (!line.trim() || line.startsWith('#')) continue;
    const [description, expr] = line.split(' | ');
    try {
      const result = await run(expr, true);
      report(result.length > 0, `${description}`, result.length > 0 ? [] : [`no series: ${expr}`]);
    } catch (e) {
      report(false, description, [e.message]);
    }
  }
}

async function checkOracle(queries) {
  const oracle = readFileSync(oraclePath, 'utf8').split('\n').filter(Boolean).sort();
  const compare = async (what, expr) => {
    try {
      const got = [...new Set((await run(expr, true)).map((s) => s.metric.model))].sort();
      const missing = oracle.filter((m) => !got.includes(m));
      const extra = got.filter((m) => !oracle.includes(m));
      report(oracle.length > 0 && missing.length === 0 && extra.length === 0,
        `${what}: ${got.length} models, virsh says ${oracle.length}`,
        [...(missing.length ? [`missing: ${missing.join(' ')}`] : []), ...(extra.length ? [`not usable per virsh: ${extra.join(' ')}`] : [])]);
    } catch (e) {
      report(false, what, [e.message]);
    }
  };
  const panel = queries.get('libvirt-caps-cpu-models "Safe migration set: usable on every host" A');
  await compare('CPU models dashboard, safe migration set = models virsh reports usable', panel);
  // group "e2e": set by relabelling; the exporter's job: the fallback for targets without a group label.
  for (const group of ['e2e', 'libvirt-capabilities-exporter']) {
    await compare(`recording rule group:libvirt_domcaps_cpu_model_usable_on_all_hosts:count{group="${group}"} = models virsh reports usable`,
      `group:libvirt_domcaps_cpu_model_usable_on_all_hosts:count{group="${group}", arch="x86_64", virt_type="kvm"}`);
  }
}

async function checkRules() {
  const groups = (await api('rules', {})).groups;
  const rules = groups.flatMap((g) => g.rules);
  const bad = rules.filter((r) => r.health !== 'ok');
  report(rules.length > 0 && bad.length === 0, `${rules.length} rules in ${groups.length} groups evaluate without error`,
    bad.map((r) => `${r.name}: health ${r.health} ${r.lastError ?? ''}`));
}

if (full) {
  const mayBeEmpty = readMayBeEmpty();
  const used = new Set();
  const queries = new Map();
  for (const file of dashboards) await checkDashboard(file, mayBeEmpty, used, queries);
  for (const key of mayBeEmpty) {
    if (!key.endsWith(' variable') && !used.has(key)) report(false, `${mayBeEmptyPath}: ${key} is no dashboard query`);
  }
  await checkRules();
  await checkExpectations();
  await checkOracle(queries);
} else {
  await checkExpectations();
}
console.log(`e2e-check: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
