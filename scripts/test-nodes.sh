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
# Every argument is checked before any run: a typo must not cost a full test run first.
for major in "${majors[@]}"; do
  [[ $major =~ ^[0-9]+$ ]] || { echo "not a Node.js major version: $major" >&2; exit 2; }
done
[[ -d node_modules ]] || npm ci --no-audit --no-fund

failed=()
for major in "${majors[@]}"; do
  dir="$cache/$major"
  bin="$dir/node_modules/node-$os-$arch/bin"
  if [[ ! -x $bin/node ]]; then
    echo "== fetching node-$os-$arch@$major"
    npm install --prefix "$dir" --no-save --no-package-lock --no-audit --no-fund "node-$os-$arch@$major" >/dev/null
  fi
  version=$("$bin/node" --version)
  ok=true
  echo "== node $version: tests"
  PATH="$bin:$PATH" npm test || ok=false
  echo "== node $version: demo"
  PATH="$bin:$PATH" npm run demo -- --json || ok=false
  echo "== node $version: $([[ $ok == true ]] && echo passed || echo failed)"
  [[ $ok == true ]] || failed+=("$version")
done

if [[ ${#failed[@]} -gt 0 ]]; then
  echo "failed on: ${failed[*]}" >&2
  exit 1
fi
echo "== all passed: ${majors[*]}"
