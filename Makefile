# Every target runs on the project's own Node 24 (the `node` devDependency), whatever the system Node is.
SHELL := /bin/bash
export PATH := $(CURDIR)/node_modules/.bin:$(PATH)
NODE := $(CURDIR)/node_modules/.bin/node
GATEWAY_URL ?= http://127.0.0.1:$(or $(PORT),3001)

.PHONY: install dev web token migrate test test-faults test-browser typecheck flip unflip status rollback-all check-express-free bench ci

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

install: node_modules/.installed

## make web — build the web app (web/) into web/dist, which the gateway serves at /; rebuilt only when web/ changed
WEB_SOURCES := $(shell find web/src web/index.html web/vite.config.ts web/tsconfig.json -type f -not -name '*.test.ts' 2>/dev/null)
web/dist/index.html: node_modules/.installed $(WEB_SOURCES)
	npm run -s build:web

web: install web/dist/index.html

## make dev — the whole stack in the foreground (embedded defaults when nothing is configured), the web app
## built and served by the gateway, dev tools on (dev sign-in); Ctrl-C stops it
dev: install web
	DEV_TOOLS=$${DEV_TOOLS:-true} $(NODE) dev/stack.ts

## make token [SUB=...] [PERMISSIONS=a,b] — a token the dev stack accepts
token: install
	@$(NODE) dev/token.ts

migrate: install
	$(NODE) src/db/migrate.ts

typecheck: install
	tsc --noEmit -p tsconfig.json
	tsc --noEmit -p web/tsconfig.json

## make test — type-check, then every suite over real HTTP (DATABASE_URL/REDIS_URL when set, else embedded PostgreSQL)
test: install typecheck
	npm test

## make test-browser — the browser suites in real Chromium (/usr/bin/chromium via playwright-core); builds the web app first
test-browser: install web
	$(NODE) --test --test-force-exit --test-concurrency=1 --test-global-setup=test/support/global-setup.ts 'test/browser/*.test.ts'

test-faults: install
	$(NODE) --test --test-force-exit --test-concurrency=1 --test-global-setup=test/support/global-setup.ts 'test/faults/*.test.ts'

## make flip FEATURE=vehicles BACKEND=fastify — runtime override on the running stack (FEATURE=all for every feature)
flip: install
	@$(NODE) dev/flags-cli.ts set "$(FEATURE)" "$(BACKEND)"

## make unflip FEATURE=vehicles — drop the override, back to the env value
unflip: install
	@$(NODE) dev/flags-cli.ts clear "$(FEATURE)"

## make status — every feature's backend, its source and the latest changes
status: install
	@$(NODE) dev/flags-cli.ts status

## make rollback-all — everything back to express, now
rollback-all: install
	@$(NODE) dev/flags-cli.ts set all express

check-express-free: install
	bash scripts/check-express-free.sh

## make bench [QUICK=1] — benchmarks; writes STATUS.md and benchmarks/results/*.json
bench: install
	$(NODE) benchmarks/run.ts $(if $(QUICK),--quick,)

ci: test test-faults check-express-free
