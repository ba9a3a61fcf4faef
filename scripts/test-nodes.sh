#!/usr/bin/env bash
# Runs the tests and the demo under other Node.js majors (default: 22 and 24), with the
# node_modules installed for this checkout. Each Node comes from the npm registry as the
# node-<os>-<arch> package and is kept in a cache outside the repository.
#   bash scripts/test-nodes.sh [MAJOR ...]      e.g. bash scripts/test-nodes.sh 22
set -euo pipefail
cd "$(dirname "$0")/.."

majors=("$@")
[[ ${#majors[@]} -gt 0 ]] || majors=(22 24)
case "$(uname -m)" in
  x86_64) arch=x64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) echo "no Node.js package for $(uname -m)" >&2; exit 2 ;;
esac
os=$(uname -s | tr '[:upper:]' '[:lower:]')
cache="${XDG_CACHE_HOME:-$HOME/.cache}/joint-modeling-lab/nodes"
[[ -d node_modules ]] || npm ci --no-audit --no-fund

failed=()
for major in "${majors[@]}"; do
  [[ $major =~ ^[0-9]+$ ]] || { echo "not a Node.js major version: $major" >&2; exit 2; }
  dir="$cache/$major"
  bin="$dir/node_modules/node-$os-$arch/bin"
  if [[ ! -x $bin/node ]]; then
    echo "== fetching node-$os-$arch@$major"
    npm install --prefix "$dir" --no-save --no-package-lock --no-audit --no-fund "node-$os-$arch@$major" >/dev/null
  fi
  version=$(PATH="$bin:$PATH" node --version)
  echo "== node $version: tests"
  if PATH="$bin:$PATH" npm test; then tests=passed; else tests=failed; fi
  echo "== node $version: demo"
  if PATH="$bin:$PATH" npm run demo -- --json; then demo=passed; else demo=failed; fi
  echo "== node $version: tests $tests, demo $demo"
  [[ $tests == passed && $demo == passed ]] || failed+=("$version")
done

if [[ ${#failed[@]} -gt 0 ]]; then
  echo "failed on: ${failed[*]}" >&2
  exit 1
fi
echo "== all passed: ${majors[*]}"
