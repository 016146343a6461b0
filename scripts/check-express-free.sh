#!/usr/bin/env bash
# Proves Express can go: copies the tree without legacy-express/ and without the express dependency,
# type-checks it and runs the native test suites there, with every flag on fastify.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/express-free.XXXXXX")"
chmod o+x "$work" # the embedded PostgreSQL runs as its own OS user and must reach its data dir
trap 'rm -rf "$work"' EXIT

echo "[express-free] copying the tree without legacy-express/ to $work"
(cd "$root" && git ls-files -z --cached --others --exclude-standard | grep -zv '^legacy-express/' | xargs -0 cp --parents -t "$work")

cd "$work"
# Drop express and its typings/middleware from the manifest; what remains must install and work.
node -e '
  const fs = require("fs");
  const pkg = JSON.parse(fs.readFileSync("package.json", "utf8"));
  for (const dep of ["express", "cors", "@opentelemetry/instrumentation-express"]) delete pkg.dependencies[dep];
  for (const dep of ["@types/express", "@types/cors"]) delete pkg.devDependencies[dep];
  fs.writeFileSync("package.json", JSON.stringify(pkg, null, 2));
'
rm -f package-lock.json
npm install --no-audit --no-fund --prefer-offline >/dev/null
if [ -d node_modules/express ]; then echo "[express-free] express is still installed (pulled in by something else)"; exit 1; fi
if grep -rlE "(from|import\()\s*['\"]([^'\"]*/legacy-express/[^'\"]*|express|cors)['\"]" --include='*.ts' src flags fastify-features 2>/dev/null; then
  echo "[express-free] the files above still reference express or legacy-express"; exit 1
fi

echo "[express-free] type-checking without Express"
# Only the native suites run here (test/features, unit tests) and `make dev`'s end state (test/dev/reload.test.ts:
# the supervisor without legacy-express/); the rest of test/ plays legacy and gateways against each other and
# goes with Express.
find test -mindepth 1 -maxdepth 1 ! -name support ! -name features ! -name helper.ts ! -name dev ! -name faults -exec rm -rf {} +
find test/dev -mindepth 1 ! -name reload.test.ts -exec rm -rf {} +
find test/faults -mindepth 1 -maxdepth 1 ! -name support -exec rm -rf {} +
# The shadow stage compares native answers with Express's: its benchmark goes with Express too.
rm -f benchmarks/shadow-overhead.ts
npx tsc --noEmit -p tsconfig.json

echo "[express-free] running the native suites with every flag on fastify and no legacy process"
export VEHICLES_BACKEND=fastify FUEL_LOGS_BACKEND=fastify STATIONS_BACKEND=fastify MAINTENANCE_BACKEND=fastify
npm run -s test:express-free
echo "[express-free] make dev without legacy-express/: no legacy URL (unclaimed /api paths are the gateway's 404), reload on edits"
npm run -s test:node -- test/dev/reload.test.ts
echo "[express-free] OK: the API works without Express"
