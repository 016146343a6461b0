# Every target runs on the project's own Node 24 (the `node` devDependency), whatever the system Node is.
SHELL := /bin/bash
export PATH := $(CURDIR)/node_modules/.bin:$(PATH)
NODE := $(CURDIR)/node_modules/.bin/node
# `make flip/status` talk to the gateway here (dev/flags-cli.ts derives the same from PORT when run alone).
export GATEWAY_URL ?= http://127.0.0.1:$(or $(PORT),3001)

.PHONY: install build start start-legacy dev token migrate test test-faults typecheck flip unflip status rollback-all check-express-free bench ci

node_modules/.installed: package.json package-lock.json
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

## make dev — the whole stack in the foreground (embedded defaults when nothing is configured); Ctrl-C stops it
dev: install build
	$(NODE) dev/stack.ts

## make token [SUB=...] [PERMISSIONS=a,b] — a token the dev stack accepts
token: install
	@$(NODE) dev/token.ts

migrate: install
	$(NODE) src/db/migrate.ts

typecheck: install
	tsc --noEmit -p tsconfig.json

## make test — type-check, then every suite over real HTTP (the suite list: package.json scripts.test) (DATABASE_URL/REDIS_URL when set, else embedded PostgreSQL)
test: install typecheck
	npm test

test-faults: install
	npm run -s test:faults

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
bench: install build
	$(NODE) benchmarks/run.ts $(if $(QUICK),--quick,)

ci: test test-faults check-express-free
