// Conventions of the alerting rules that promtool does not check: PascalCase names with the product prefix,
// a severity label, summary/description/runbook_url annotations, a runbook section behind every runbook_url,
// and promtool unit tests in which every alert both fires and stays quiet.
//
// Usage: node check-alerts.mjs --runbooks docs/runbooks.md RULES.yml -- TEST.yml...
import { readFileSync } from 'node:fs';
import YAML from 'yaml';

const args = process.argv.slice(2);
const runbooksPath = args[args.indexOf('--runbooks') + 1];
const separator = args.indexOf('--');
const ruleFiles = args.slice(args.indexOf('--runbooks') + 2, separator);
const testFiles = args.slice(separator + 1);

const SEVERITIES = ['critical', 'warning', 'info'];
// GitHub's anchor for a heading: lower case, spaces to dashes, punctuation dropped.
const anchors = new Set(
  [...readFileSync(runbooksPath, 'utf8').matchAll(/^#{1,6} (.+)$/gm)].map((m) =>
    m[1].trim().toLowerCase().replace(/[^\w\- ]/g, '').replace(/ /g, '-'),
  ),
);

const fires = new Set();
const quiet = new Set();
for (const file of testFiles) {
  for (const test of YAML.parse(readFileSync(file, 'utf8')).tests ?? []) {
    for (const t of test.alert_rule_test ?? []) {
      (t.exp_alerts?.length ? fires : quiet).add(t.alertname);
    }
  }
}

let failed = 0;
for (const file of ruleFiles) {
  const alerts = YAML.parse(readFileSync(file, 'utf8')).groups.flatMap((g) => g.rules).filter((r) => r.alert);
  for (const rule of alerts) {
    const problems = [];
    if (!/^LibvirtCapabilities[A-Z][A-Za-z0-9]*$/.test(rule.alert)) problems.push('name is not PascalCase with the LibvirtCapabilities prefix');
    if (!SEVERITIES.includes(rule.labels?.severity)) problems.push(`severity label must be one of ${SEVERITIES.join(', ')}`);
    for (const a of ['summary', 'description', 'runbook_url']) {
      if (!rule.annotations?.[a]) problems.push(`no ${a} annotation`);
    }
    const anchor = rule.annotations?.runbook_url?.match(/\/docs\/runbooks\.md#([\w-]+)$/)?.[1];
    if (!anchor) problems.push('runbook_url does not point to a docs/runbooks.md anchor');
    else if (!anchors.has(anchor)) problems.push(`${runbooksPath} has no section #${anchor}`);
    if (anchor && anchor !== rule.alert.toLowerCase()) problems.push(`runbook anchor #${anchor} is not the alert's own section`);
    if (!fires.has(rule.alert)) problems.push('no promtool test in which it fires');
    if (!quiet.has(rule.alert)) problems.push('no promtool test in which it stays quiet');
    if (problems.length === 0) {
      console.log(`ok - ${rule.alert}: labels, annotations, runbook and tests`);
    } else {
      failed++;
      console.log(`not ok - ${rule.alert}`);
      for (const p of problems) console.log(`  ${p}`);
    }
  }
}
process.exit(failed === 0 ? 0 : 1);
