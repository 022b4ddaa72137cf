// Grafana's substitution of dashboard variables into Prometheus queries, for the tests that run dashboard
// queries outside Grafana (e2e-check.mjs, dashboard-query-tests.mjs).

// The Prometheus data source's escaping: prometheusRegularEscape for single-value variables,
// prometheusSpecialRegexEscape for each value of a multi-value one.
export const regularEscape = (v) => v.replace(/\\/g, '\\\\').replace(/'/g, "\\\\'");
export const regexEscape = (v) => v.replace(/\\/g, '\\\\\\\\').replace(/[$^*{}[\]'+?.()|]/g, '\\\\$&');

// The value of a variable as Grafana formats it: "All" (or several values) of a multi-value variable as a
// regex alternation, a single value as is.
export function formatValue(variable, values) {
  if (variable.multi || variable.includeAll) {
    const escaped = values.map(regexEscape);
    return escaped.length === 1 ? escaped[0] : `(${escaped.join('|')})`;
  }
  return regularEscape(values[0] ?? '');
}

// Replaces $name, ${name} and the interval variables in a query.
export function interpolate(text, values, rateInterval) {
  return text
    .replace(/\$__rate_interval\b/g, rateInterval)
    .replace(/\$__interval\b/g, rateInterval)
    .replace(/\$\{(\w+)\}|\$(\w+)/g, (whole, braced, plain) => {
      const name = braced ?? plain;
      return values.has(name) ? values.get(name) : whole;
    });
}

// Every query of a dashboard, keyed as in dashboards/may-be-empty.txt: UID "PANEL TITLE" REFID.
export function panelQueries(dashboard) {
  return dashboard.panels
    .flatMap((p) => [p, ...(p.panels ?? [])])
    .flatMap((panel) => (panel.targets ?? []).map((target) => ({ key: `${dashboard.uid} "${panel.title}" ${target.refId}`, target })));
}
