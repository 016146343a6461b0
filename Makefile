# Every target runs on the project's own Node 24 (the `node` devDependency), whatever the system Node is.
SHELL := /bin/bash
export PATH := $(CURDIR)/node_modules/.bin:$(PATH)
NODE := $(CURDIR)/node_modules/.bin/node
# `make flip/status` talk to the gateway here (dev/flags-cli.ts derives the same from PORT when run alone).
export GATEWAY_URL ?= http://127.0.0.1:$(or $(PORT),3001)

.PHONY: install build start start-legacy dev web console token migrate lint test test-faults test-browser test-progressive test-lb test-processes typecheck flip unflip status rollback-all canary rollback ramp ramp-pause ramp-resume ramp-abort chaos chaos-off shadow shadow-report shadow-reset test-shadow check-express-free bench ci openapi

node_modules/.installed: package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

install: node_modules/.installed

## make build — the production build: JavaScript in dist/ (tsc -p tsconfig.build.json, migrations copied);
## rebuilt only when a source it compiles changed (dist/.built is its stamp)
BUILD_SOURCES := $(shell find src flags fastify-features legacy-express benchmarks/floor -type f \( -name '*.ts' -o -name '*.sql' \) -not -name '*.test.ts' 2>/dev/null) tsconfig.json tsconfig.build.json
dist/.built: node_modules/.installed $(BUILD_SOURCES)
	npm run build

build: install dist/.built

# The configuration check the apps run at start, before anything is built: names every missing variable.
CONFIG_CHECK = $(NODE) --input-type=module -e "await import('./src/config/config.ts').then((m) => m.loadConfigOrExit())"

## make start / make start-legacy — run the built gateway / legacy app (no type stripping). Needs DATABASE_URL,
## AUTH_ISSUER, AUTH_AUDIENCE and AUTH_JWKS_URL (or AUTH_JWKS_FILE) — checked first, before any build; the
## rest has defaults (README, "Pointing at real services"). `make start` builds when a source changed;
## `make start-legacy` only when there is no build yet, so a second terminal never rebuilds dist/ under a
## running gateway (stop it and run `make build` to pick up changes).
start: install
	@$(CONFIG_CHECK)
	@$(MAKE) -s build
	npm start

start-legacy: install
	@$(CONFIG_CHECK)
	@if [ ! -f dist/.built ]; then $(MAKE) -s build; fi
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
## built and served by the gateway, the apps run from the sources and reloaded on edits (dev/reload.ts), dev
## tools on (dev sign-in), RATE_LIMIT_MAX=100000 unless set; Ctrl-C stops it. Builds nothing but the web app
## and the console, and only when their sources changed.
dev: install web console
	APPS_FROM=source DEV_TOOLS=$${DEV_TOOLS:-true} $(NODE) dev/stack.ts

## make token [SUB=...] [PERMISSIONS=a,b] — a token the dev stack accepts
token: install
	@$(NODE) dev/token.ts

migrate: install
	$(NODE) src/db/migrate.ts

## make openapi — regenerate docs/openapi.json from the routes' schemas (test/openapi.test.ts fails while it is stale)
openapi: install
	$(NODE) scripts/openapi.ts

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

## make flip FEATURE=vehicles BACKEND=fastify [OPS=reads|writes] [FORCE=1] — runtime override on the running stack (FEATURE=all for every feature; OPS: which requests, both by default)
flip: install
	@$(NODE) dev/flags-cli.ts set FEATURE="$(FEATURE)" BACKEND="$(BACKEND)" OPS="$(OPS)" FORCE="$(FORCE)"

## make unflip FEATURE=vehicles — drop the override, back to the env value
unflip: install
	@$(NODE) dev/flags-cli.ts clear FEATURE="$(FEATURE)"

## make status — each feature's reads and writes stage and percent, guard state per side (explained), ramp, and the latest changes (with why)
status: install
	@$(NODE) dev/flags-cli.ts status

## make rollback-all — everything back to express, now
rollback-all: install
	@$(NODE) dev/flags-cli.ts set FEATURE=all BACKEND=express

## make canary FEATURE=vehicles PERCENT=25 [OPS=reads|writes] [FORCE=1] — that percentage of users (sticky by user) on the native capsule; FORCE=1 leaves shadow past a failing gate (audited as forced)
canary: install
	@$(NODE) dev/flags-cli.ts canary FEATURE="$(FEATURE)" PERCENT="$(PERCENT)" OPS="$(OPS)" FORCE="$(FORCE)"

## make rollback FEATURE=vehicles [OPS=reads|writes] — that feature (or one side) back to express now (stops its ramp)
rollback: install
	@$(NODE) dev/flags-cli.ts rollback FEATURE="$(FEATURE)" OPS="$(OPS)"

## make ramp FEATURE=vehicles [STEPS=5,25,50,100] [DWELL=60] [MIN_REQUESTS=200] [OPS=reads|writes] — automatic, guarded ramp ending on fastify (a parameter it would not honour is refused, naming it)
ramp: install
	@$(NODE) dev/flags-cli.ts ramp FEATURE="$(FEATURE)" STEPS="$(STEPS)" DWELL="$(DWELL)" MIN_REQUESTS="$(MIN_REQUESTS)" OPS="$(OPS)"

ramp-pause ramp-resume ramp-abort: install
	@$(NODE) dev/flags-cli.ts ramp-action FEATURE="$(FEATURE)" ACTION="$(subst ramp-,,$@)"

## make chaos FEATURE=vehicles ERRORS=30 LATENCY_MS=200 [MUTATE=nickname] — dev only: the native path of that feature fails/slows (MUTATE corrupts that field of its answers)
chaos: install
	@$(NODE) dev/flags-cli.ts chaos FEATURE="$(FEATURE)" ERRORS="$(ERRORS)" LATENCY_MS="$(LATENCY_MS)" MUTATE="$(MUTATE)"

## make chaos-off [FEATURE=vehicles] — stop injecting faults (every feature by default)
chaos-off: install
	@$(NODE) dev/flags-cli.ts chaos-off FEATURE="$(FEATURE)"

## make shadow FEATURE=vehicles [RATE=100] — Express answers every request; RATE % of GET/HEAD also run natively and are compared
shadow: install
	@$(NODE) dev/flags-cli.ts shadow FEATURE="$(FEATURE)" RATE="$(RATE)"

## make shadow-report [FEATURE=vehicles] — compared/matched/mismatched per route, differing fields, examples (every instance's with REDIS_URL; without it, only the gateway that answers)
shadow-report: install
	@$(NODE) dev/flags-cli.ts shadow-report FEATURE="$(FEATURE)"

## make shadow-reset [FEATURE=vehicles] — forget the shadow results (every feature by default)
shadow-reset: install
	@$(NODE) dev/flags-cli.ts shadow-reset FEATURE="$(FEATURE)"

## make test-shadow — shadow traffic suites (real processes, needs REDIS_URL for the multi-instance report)
test-shadow: install
	npm run -s test:shadow

## make test-progressive — canary, guard, ramp and leader suites (real processes, needs REDIS_URL)
test-progressive: install
	npm run -s test:progressive

check-express-free: install
	bash scripts/check-express-free.sh

## make bench [QUICK=1] — benchmarks (the shadow stage's cost first, then every path, then the cross-checks with the servers at once); writes STATUS.md and benchmarks/results/*.json (not in git)
bench: export APPS_FROM = build
bench: install build
	@if [ -n "$$DATABASE_URL" ]; then $(NODE) benchmarks/shadow-overhead.ts $(if $(QUICK),--quick,); else echo "[bench] shadow-stage cost skipped: it needs DATABASE_URL (a scratch database per run)"; fi
	$(NODE) benchmarks/run.ts $(if $(QUICK),--quick,)
	@# The cross-checks in STATUS.md (benchmarks/cross-checks.ts); full runs only.
	$(if $(QUICK),,$(NODE) benchmarks/cross-checks.ts && $(NODE) benchmarks/run.ts --report-only)
	@echo "[bench] STATUS.md written; raw results in $(CURDIR)/benchmarks/results/ (ignored by git)"

ci: test test-faults check-express-free
