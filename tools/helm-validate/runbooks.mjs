// The anchors GitHub gives the headings of a Markdown document (lower case, punctuation dropped, spaces
// to dashes): what a runbook_url's #fragment must name.
export function runbookAnchors(markdown) {
  return new Set([...markdown.matchAll(/^#{1,6} (.+)$/gm)]
    .map((m) => m[1].trim().toLowerCase().replace(/[^\w\- ]/g, "").replace(/ /g, "-")));
}
