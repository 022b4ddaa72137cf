// promtool unit tests for dashboard queries: a spec names panel queries (UID "PANEL TITLE" REFID), the
// variable values Grafana would substitute, synthetic input series and the expected results. This script
// substitutes the variables into the dashboards' own expressions, writes a promtool test file and runs
// `promtool test rules` on it, so joins and the first-change handling of the drift panels are checked on
// data the real machine cannot produce (drift, divergent hosts).
//
// Usage: node dashboard-query-tests.mjs SPEC.yml DASHBOARD.json...
// SPEC: { variables: {name: [values]}, rate_interval, interval, input_series, tests: [{query, eval_time,
//         exp_samples}] } (input_series and exp_samples as in promtool).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { formatValue, interpolate, panelQueries } from './grafana-variables.mjs';

const [specPath, ...dashboardPaths] = process.argv.slice(2);
const spec = YAML.parse(readFileSync(specPath, 'utf8'));

const queries = new Map();
for (const path of dashboardPaths) {
  const dashboard = JSON.parse(readFileSync(path, 'utf8'));
  const values = new Map();
  for (const v of dashboard.templating.list) {
    if (spec.variables[v.name] !== undefined) values.set(v.name, formatValue(v, spec.variables[v.name]));
  }
  for (const { key, target } of panelQueries(dashboard)) {
    queries.set(key, interpolate(target.expr, values, spec.rate_interval));
  }
}

const promqlTests = spec.tests.map((t) => {
  const expr = queries.get(t.query);
  if (expr === undefined) throw new Error(`${specPath}: no dashboard query ${t.query}`);
  if (/\$\w/.test(expr)) throw new Error(`${specPath}: ${t.query}: a variable has no value in the spec: ${expr}`);
  return { expr, eval_time: t.eval_time, exp_samples: t.exp_samples };
});
const test = {
  rule_files: [],
  evaluation_interval: spec.interval,
  tests: [{ name: specPath, interval: spec.interval, input_series: spec.input_series, promql_expr_test: promqlTests }],
};

const dir = mkdtempSync(join(tmpdir(), 'dashboard-query-tests-'));
try {
  const file = join(dir, 'test.yml');
  writeFileSync(file, YAML.stringify(test));
  process.stdout.write(execFileSync('promtool', ['test', 'rules', file], { encoding: 'utf8' }));
} catch (e) {
  process.stdout.write(e.stdout ?? '');
  process.stderr.write(e.stderr ?? e.message);
  process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
