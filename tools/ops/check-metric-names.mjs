// Checks that every metric name used in Prometheus rules and Grafana dashboards is a documented family
// (docs/metrics.md), a planned one (alerts/planned-metrics.txt), a name the rules record, or a Prometheus
// built-in; and that every label matched in a selector of such a family is one of its labels or a target
// label Prometheus adds. Queries are parsed with Prometheus' own PromQL grammar (@prometheus-io/lezer-promql);
// a query that does not parse is an error.
//
// Usage: node check-metric-names.mjs --doc docs/metrics.md --planned alerts/planned-metrics.txt
//          --records alerts/x.rules.yml [FILE...]
// FILE: *.rules.yml or dashboard *.json, one "ok"/"not ok" line each; --records names the rules whose
// recorded names count as known. Without FILE, checks that no planned entry is documented already.
import { readFileSync } from 'node:fs';
import { parser } from '@prometheus-io/lezer-promql';
import YAML from 'yaml';

const args = process.argv.slice(2);
const option = (name) => {
  const i = args.indexOf(name);
  if (i < 0 || i + 1 >= args.length) throw new Error(`missing ${name}`);
  return args.splice(i, 2)[1];
};
const docPath = option('--doc');
const plannedPath = option('--planned');
const recordsPath = option('--records');
const files = args;

// Labels every series can carry once scraped: Prometheus' target labels, and the group target label that
// alerts/README.md asks relabelling to set.
const TARGET_LABELS = ['job', 'instance', 'group', '__name__'];
// Series Prometheus itself makes.
const BUILTINS = new Map([
  ['up', ['job', 'instance', 'group']],
  ['ALERTS', null],
]);

function documented() {
  const families = new Map();
  for (const [, name, type, labels] of readFileSync(docPath, 'utf8').matchAll(/^\| `([a-z_:]+)` \| (\w+) \| ([^|]*) \|/gm)) {
    const labelNames = [...labels.matchAll(/`([a-zA-Z_]+)`/g)].map((m) => m[1]);
    families.set(name, labelNames);
    if (type === 'histogram') {
      families.set(`${name}_sum`, labelNames);
      families.set(`${name}_count`, labelNames);
      families.set(`${name}_bucket`, [...labelNames, 'le']);
    }
  }
  return families;
}

function planned() {
  const entries = [];
  for (const line of readFileSync(plannedPath, 'utf8').split('\n')) {
    const m = line.match(/^([a-zA-Z_:][a-zA-Z0-9_:]*)\{([^}]*)\}\s*$/);
    if (m) entries.push({ name: m[1], labels: m[2].split(',').map((l) => l.trim()).filter(Boolean) });
    else if (line.trim() && !line.startsWith('#')) throw new Error(`${plannedPath}: cannot read "${line}"`);
  }
  return entries;
}

// Grafana's variables: ranges become durations, the rest only ever appear inside label matcher strings.
const forPromql = (expr) => expr.replace(/\$__(rate_interval|interval|range)\b/g, '5m');

function selectors(expr) {
  const text = forPromql(expr);
  const tree = parser.parse(text);
  const found = [];
  let error = null;
  tree.iterate({
    enter(node) {
      if (node.type.isError && !error) error = `does not parse near "${text.slice(Math.max(0, node.from - 20), node.to + 20)}"`;
      if (node.name !== 'VectorSelector') return;
      const selector = { name: null, labels: [] };
      const n = node.node;
      const identifier = n.getChild('Identifier');
      if (identifier) selector.name = text.slice(identifier.from, identifier.to);
      const matchers = n.getChild('LabelMatchers');
      for (const matcher of matchers ? matchers.getChildren('UnquotedLabelMatcher') : []) {
        const label = text.slice(matcher.getChild('LabelName').from, matcher.getChild('LabelName').to);
        if (label === '__name__' && !selector.name) {
          const value = matcher.getChild('StringLiteral');
          selector.name = JSON.parse(text.slice(value.from, value.to));
        } else {
          selector.labels.push(label);
        }
      }
      found.push(selector);
    },
  });
  return { found, error };
}

function queriesOf(file) {
  const text = readFileSync(file, 'utf8');
  if (file.endsWith('.json')) {
    const dashboard = JSON.parse(text);
    const queries = [];
    const panels = (dashboard.panels ?? []).flatMap((p) => [p, ...(p.panels ?? [])]);
    for (const panel of panels) {
      for (const target of panel.targets ?? []) queries.push({ where: `panel "${panel.title}" ${target.refId}`, expr: target.expr });
    }
    for (const v of dashboard.templating?.list ?? []) {
      const query = typeof v.query === 'string' ? v.query : v.query?.query;
      const m = v.type === 'query' && query?.match(/^label_values\((.*),\s*[a-zA-Z_]+\)$/s);
      if (v.type === 'query' && !m) throw new Error(`${file}: variable ${v.name}: expected label_values(SELECTOR, LABEL)`);
      if (m) queries.push({ where: `variable ${v.name}`, expr: m[1] });
    }
    return { queries, records: [] };
  }
  const rules = YAML.parse(text).groups.flatMap((g) => g.rules);
  return {
    queries: rules.map((r) => ({ where: r.record ?? r.alert, expr: r.expr })),
    records: rules.filter((r) => r.record).map((r) => r.record),
  };
}

const families = documented();
if (families.size < 10) throw new Error(`${docPath}: found only ${families.size} families in the reference table`);
const plannedEntries = planned();
for (const { name, labels } of plannedEntries) {
  families.set(name, [...(families.get(name) ?? []), ...labels]);
}
const parsed = files.map((file) => ({ file, ...queriesOf(file) }));
const recorded = new Set(queriesOf(recordsPath).records);

let failed = 0;
const used = new Map();
for (const { file, queries } of parsed) {
  const problems = [];
  let names = 0;
  for (const { where, expr } of queries) {
    const { found, error } = selectors(expr);
    if (error) problems.push(`${where}: ${error}`);
    for (const { name, labels } of found) {
      if (!name) {
        problems.push(`${where}: a selector without a metric name`);
        continue;
      }
      names++;
      used.set(name, [...(used.get(name) ?? []), ...labels]);
      if (recorded.has(name)) continue;
      const known = families.get(name) ?? BUILTINS.get(name);
      if (known === undefined) {
        problems.push(`${where}: ${name} is neither in ${docPath} nor in ${plannedPath}`);
        continue;
      }
      for (const label of labels) {
        if (known !== null && !known.includes(label) && !TARGET_LABELS.includes(label)) {
          problems.push(`${where}: ${name} has no label ${label}`);
        }
      }
    }
  }
  if (problems.length === 0 && names > 0) {
    console.log(`ok - ${file}: ${names} metric selectors, all documented, planned or recorded`);
  } else {
    failed++;
    console.log(`not ok - ${file}${names === 0 ? ': no metric selector found' : ''}`);
    for (const p of new Set(problems)) console.log(`  ${p}`);
  }
}

// A planned entry that docs/metrics.md now covers should leave the list.
const documentedNow = documented();
for (const { name, labels } of files.length === 0 ? plannedEntries : []) {
  const doc = documentedNow.get(name);
  const covered = doc !== undefined && labels.every((l) => doc.includes(l));
  if (covered) {
    failed++;
    console.log(`not ok - ${plannedPath}: ${name}{${labels.join(', ')}} is documented in ${docPath} now: remove it from the planned list`);
  }
}
if (files.length === 0 && failed === 0) console.log(`ok - ${plannedPath}: ${plannedEntries.length} planned entries, none documented yet`);
process.exit(failed === 0 ? 0 : 1);
