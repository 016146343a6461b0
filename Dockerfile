# One image for both apps, the migration job and the dev-key job; the command picks the process.
# Node 24 strips TypeScript types itself, so the .ts sources run as they are: no build step, and no
# devDependency (typescript, the `node` binary package, embedded-postgres, s3rver) is needed at run time.
FROM node:24-slim

WORKDIR /app
ENV NODE_ENV=production

COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

COPY . .
# .data/dev-keys is where the dev-keys job writes the development JWKS (a named volume in compose).
RUN mkdir -p .data/dev-keys && chown -R node:node .data

USER node
EXPOSE 3001 3002
CMD ["node", "src/server.ts"]
