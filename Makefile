# Every target runs on the project's own Node 24 (the `node` devDependency), whatever the system Node is.
SHELL := /bin/bash
export PATH := $(CURDIR)/node_modules/.bin:$(PATH)
NODE := $(CURDIR)/node_modules/.bin/node
# `make flip/status` talk to the gateway here (dev/flags-cli.ts derives the same from PORT when run alone).
export GATEWAY_URL ?= http://127.0.0.1:$(or $(PORT),3001)

.PHONY: install build start start-legacy dev web console token migrate lint test test-faults test-browser test-progressive test-lb test-processes typecheck flip unflip status rollback-all canary rollback ramp ramp-pause ramp-resume ramp-abort chaos chaos-off shadow shadow-report shadow-reset test-shadow check-express-free bench ci

node_modules/.installed: package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

install: node_modules/.installed

## make build — the production build: JavaScript in dist/ (tsc -p tsconfig.build.json, migrations copied)
build: install
	npm run build

## make start / make start-legacy — run the built gateway / legacy app (no type stripping); build first
start: build
	npm start

start-legacy: build
	npm run start:legacy


## make web — build the web app (web/) into web/dist, which the gateway serves at /; rebuilt only when web/ changed
WEB_SOURCES := $(shell find web/src web/index.html web/vite.config.ts web/tsconfig.json -type f -not -name '*.test.ts' 2>/dev/null)
web/dist/index.html: node_modules/.installed $(WEB_SOURCES)
	npm run -s build:web

web: install web/dist/index.html

## make console — build the migration console to console/dist (served by the gateway at /admin/console)
CONSOLE_SOURCES := $(shell find console/src console/index.html console/vite.config.ts console/tsconfig.json -type f -not -name '*.test.ts' 2>/dev/null)
console/dist/index.html: node_modules/.installed $(CONSOLE_SOURCES)
	npm run -s build:console

console: install console/dist/index.html

## make dev — the whole stack in the foreground (embedded defaults when nothing is configured), the web app
## built and served by the gateway, the apps run from the production build (dist/), dev tools on (dev sign-in);
## Ctrl-C stops it
dev: install build web console
	APPS_FROM=build DEV_TOOLS=$${DEV_TOOLS:-true} $(NODE) dev/stack.ts

## make token [SUB=...] [PERMISSIONS=a,b] — a token the dev stack accepts
token: install
	@$(NODE) dev/token.ts

migrate: install
	$(NODE) src/db/migrate.ts

typecheck: install
	tsc --noEmit -p tsconfig.json
	tsc --noEmit -p web/tsconfig.json
	tsc --noEmit -p console/tsconfig.json

## make lint — Biome (biome.json: recommended rules, formatter off); any warning fails it
lint: install
	npm run -s lint

## make test — lint, type-check, then every suite (the list: package.json scripts.test), test files in parallel, each on its own database copy (DATABASE_URL/REDIS_URL when set, else embedded PostgreSQL)
test: install lint typecheck
	npm test

## make test-browser — the browser suites in real Chromium (/usr/bin/chromium via playwright-core); builds the web app first
test-browser: install web console
	npm run -s test:browser

test-faults: install
	npm run -s test:faults

## make test-lb — three gateways behind a real HAProxy (/usr/sbin/haproxy): rolling restart and SIGKILL under load
test-lb: install
	npm run -s test:lb

## make test-processes — every real-process suite in one run, two files at a time: faults, the dev supervisor,
## progressive delivery, shadow, HAProxy and the browsers (what CI runs after make test)
test-processes: install web console
	npm run -s test:processes

## make flip FEATURE=vehicles BACKEND=fastify — runtime override on the running stack (FEATURE=all for every feature)
flip: install
	@$(NODE) dev/flags-cli.ts set "$(FEATURE)" "$(BACKEND)"

## make unflip FEATURE=vehicles — drop the override, back to the env value
unflip: install
	@$(NODE) dev/flags-cli.ts clear "$(FEATURE)"

## make status — every feature's stage and percent, guard state, ramp, and the latest changes (with why)
status: install
	@$(NODE) dev/flags-cli.ts status

## make rollback-all — everything back to express, now
rollback-all: install
	@$(NODE) dev/flags-cli.ts set all express

## make canary FEATURE=vehicles PERCENT=25 — that percentage of users (sticky by user) on the native capsule
canary: install
	@$(NODE) dev/flags-cli.ts canary "$(FEATURE)" "$(PERCENT)"

## make rollback FEATURE=vehicles — that feature back to express now (stops its ramp)
rollback: install
	@$(NODE) dev/flags-cli.ts rollback "$(FEATURE)"

## make ramp FEATURE=vehicles [STEPS=5,25,50,100] [DWELL=60] [MIN_REQUESTS=200] — automatic, guarded ramp ending on fastify
ramp: install
	@$(NODE) dev/flags-cli.ts ramp "$(FEATURE)" "$(STEPS)" "$(DWELL)" "$(MIN_REQUESTS)"

ramp-pause ramp-resume ramp-abort: install
	@$(NODE) dev/flags-cli.ts ramp-action "$(FEATURE)" "$(subst ramp-,,$@)"

## make chaos FEATURE=vehicles ERRORS=30 LATENCY_MS=200 [MUTATE=nickname] — dev only: the native path of that feature fails/slows (MUTATE corrupts that field of its answers)
chaos: install
	@$(NODE) dev/flags-cli.ts chaos "$(FEATURE)" "$(ERRORS)" "$(LATENCY_MS)" "$(MUTATE)"

## make chaos-off [FEATURE=vehicles] — stop injecting faults (every feature by default)
chaos-off: install
	@$(NODE) dev/flags-cli.ts chaos-off "$(FEATURE)"

## make shadow FEATURE=vehicles [RATE=100] — Express answers every request; RATE % of GET/HEAD also run natively and are compared
shadow: install
	@$(NODE) dev/flags-cli.ts shadow "$(FEATURE)" "$(RATE)"

## make shadow-report [FEATURE=vehicles] — compared/matched/mismatched per route, differing fields, examples (all instances)
shadow-report: install
	@$(NODE) dev/flags-cli.ts shadow-report "$(FEATURE)"

## make shadow-reset [FEATURE=vehicles] — forget the shadow results (every feature by default)
shadow-reset: install
	@$(NODE) dev/flags-cli.ts shadow-reset "$(FEATURE)"

## make test-shadow — shadow traffic suites (real processes, needs REDIS_URL for the multi-instance report)
test-shadow: install
	npm run -s test:shadow

## make test-progressive — canary, guard, ramp and leader suites (real processes, needs REDIS_URL)
test-progressive: install
	npm run -s test:progressive

check-express-free: install
	bash scripts/check-express-free.sh

## make bench [QUICK=1] — benchmarks (the shadow stage's cost first, then every path, then the cross-checks with the servers at once); writes STATUS.md and benchmarks/results/*.json
bench: export APPS_FROM = build
bench: install build
	@if [ -n "$$DATABASE_URL" ]; then $(NODE) benchmarks/shadow-overhead.ts $(if $(QUICK),--quick,); else echo "[bench] shadow-stage cost skipped: it needs DATABASE_URL (a scratch database per run)"; fi
	$(NODE) benchmarks/run.ts $(if $(QUICK),--quick,)
	@# The cross-checks in STATUS.md (benchmarks/cross-checks.ts); full runs only.
	$(if $(QUICK),,$(NODE) benchmarks/cross-checks.ts && $(NODE) benchmarks/run.ts --report-only)

ci: test test-faults check-express-free
