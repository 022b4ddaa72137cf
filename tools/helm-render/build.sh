#!/usr/bin/env bash
# Builds helm-render offline from Debian's packaged Go sources (/usr/share/gocode/src): vendor/ is made of
# symlinks into that tree, so no module is ever downloaded (GOPROXY=off). Needs golang-go,
# golang-github-masterminds-sprig-dev and golang-k8s-sigs-yaml-dev. Prints the binary's path.
# `build.sh test` runs the renderer's own tests instead.
set -euo pipefail
cd "$(dirname "$0")"
src=/usr/share/gocode/src
rm -rf vendor
mkdir -p vendor
# module path (as imported) = Debian source folder; sprig and semver live at their /v3 module paths.
modules=(
  "github.com/Masterminds/sprig/v3=github.com/Masterminds/sprig"
  "github.com/Masterminds/semver/v3=github.com/Masterminds/semver"
  "github.com/Masterminds/goutils=github.com/Masterminds/goutils"
  "github.com/google/uuid=github.com/google/uuid"
  "github.com/huandu/xstrings=github.com/huandu/xstrings"
  "github.com/imdario/mergo=github.com/imdario/mergo"
  "github.com/mitchellh/copystructure=github.com/mitchellh/copystructure"
  "github.com/mitchellh/reflectwalk=github.com/mitchellh/reflectwalk"
  "github.com/shopspring/decimal=github.com/shopspring/decimal"
  "github.com/spf13/cast=github.com/spf13/cast"
  "golang.org/x/crypto=golang.org/x/crypto"
  "gopkg.in/yaml.v2=gopkg.in/yaml.v2"
  "sigs.k8s.io/yaml=sigs.k8s.io/yaml"
)
for m in "${modules[@]}"; do
  mod=${m%%=*} dir=$src/${m#*=}
  [ -d "$dir" ] || { echo "build.sh: $dir is missing (install the Debian package that ships $mod)" >&2; exit 1; }
  mkdir -p "vendor/$(dirname "$mod")"
  ln -s "$dir" "vendor/$mod"
done
# Only the modules go.mod requires need to be listed; the others resolve inside vendor/.
cat > vendor/modules.txt <<'TXT'
# github.com/Masterminds/sprig/v3 v3.2.3
## explicit
github.com/Masterminds/sprig/v3
# sigs.k8s.io/yaml v1.3.0
## explicit
sigs.k8s.io/yaml
TXT
export GOFLAGS=-mod=vendor GOPROXY=off GOTOOLCHAIN=local GOCACHE="${GOCACHE:-/tmp/helm-render-gocache}"
if [ "${1:-}" = test ]; then
  exec go test -count=1 .
fi
go build -trimpath -o helm-render .
echo "$PWD/helm-render"
