# One image for both apps, the migrations (init containers) and the dev-key job; the command picks the process.
# Base image pinned by version (both stages); bump it deliberately.
# Multi-stage: the build stage compiles the TypeScript to JavaScript (dist/, `npm run build`); the runtime
# stage has only production dependencies and dist/, so no process type-strips its sources at start-up.
FROM node:24.11.1-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src src
COPY flags flags
COPY fastify-features fastify-features
COPY legacy-express legacy-express
COPY benchmarks/floor benchmarks/floor
RUN npm run build
# The web app and the migration console: static bundles the gateway serves (/ and /admin/console).
COPY web web
COPY console console
RUN npm run build:web && npm run build:console

FROM node:24.11.1-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist dist
COPY --from=build /app/web/dist web/dist
COPY --from=build /app/console/dist console/dist
# The gateway's Node options (its one NODE_OPTIONS line, read by the CMD below and by `npm start`).
COPY deploy/gateway.env deploy/gateway.env
# dev/ holds the dev-keys job's script (run with type stripping: a one-shot tool, not a server).
COPY dev dev
# .data/dev-keys is where the dev-keys job writes the development JWKS (a named volume in compose).
RUN mkdir -p .data/dev-keys && chown -R node:node .data

USER node
EXPOSE 3001 3002
# The gateway (docker compose and Kubernetes run this CMD); the legacy app is `node dist/legacy-express/server.js`,
# migrations `node dist/src/db/migrate.js`.
CMD ["node", "--env-file=deploy/gateway.env", "dist/src/server.js"]
