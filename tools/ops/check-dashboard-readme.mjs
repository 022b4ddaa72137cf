// Every dashboard has its section in dashboards/README.md (a "## ..." heading naming its uid), and every
// panel of it is described there as a "**Panel title**" item; rows are layout, not panels.
//
// Usage: node check-dashboard-readme.mjs README.md DASHBOARD.json...   One "ok"/"not ok" line per dashboard.
import { readFileSync } from 'node:fs';

const [readmePath, ...files] = process.argv.slice(2);
const readme = readFileSync(readmePath, 'utf8');
const sections = readme.split(/^(?=## )/m);

let failed = 0;
for (const file of files) {
  const dashboard = JSON.parse(readFileSync(file, 'utf8'));
  const section = sections.find((s) => s.split('\n')[0].includes(`\`${dashboard.uid}\``));
  const panels = [];
  const walk = (list) => list?.forEach((p) => (p.type === 'row' ? walk(p.panels) : panels.push(p)));
  walk(dashboard.panels);
  const missing = section ? panels.filter((p) => !section.includes(`**${p.title}**`)).map((p) => p.title) : [];
  if (section && panels.length && missing.length === 0) {
    console.log(`ok - ${file}: its ${panels.length} panels are described in ${readmePath}`);
  } else {
    failed++;
    console.log(`not ok - ${file}: ${section ? `not described in ${readmePath}: ${missing.join(', ')}` : `no section naming uid ${dashboard.uid}`}`);
  }
}
process.exit(failed === 0 ? 0 : 1);
