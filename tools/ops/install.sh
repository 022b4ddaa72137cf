# Sourced by scripts/suites/20-alerts-dashboards.sh and 60-prometheus-e2e.sh: installs, when missing,
# promtool and prometheus (Debian package prometheus), Node.js with npm, and the npm packages of tools/ops
# (package-lock.json, into tools/ops/node_modules). Idempotent; apt-get update only when a package is missing.
ops_tools_install() {
  local dir missing=()
  dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
  command -v promtool >/dev/null && command -v prometheus >/dev/null || missing+=(prometheus)
  command -v node >/dev/null || missing+=(nodejs)
  command -v npm >/dev/null || missing+=(npm)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "ops-tools: installing ${missing[*]}" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2 || return 1
  fi
  # npm ci again only when the lock file changed since the last install.
  if ! cmp -s "$dir/package-lock.json" "$dir/node_modules/.package-lock.copy" 2>/dev/null; then
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >&2) || return 1
    cp "$dir/package-lock.json" "$dir/node_modules/.package-lock.copy"
  fi
}
