# Image for the worker and the api (the chart runs both from it with different commands).
# Build: docker build -t k8s-incident-flow:dev .
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx tsc -p tsconfig.build.json \
 && cp -r platforms/local/inbound/static dist/platforms/local/inbound/ \
 && node dist/worker/bundle.js \
 && npm prune --omit=dev

FROM node:24-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/config/example.yaml ./config/example.yaml
# Non-root, read-only root filesystem friendly: data goes to a mounted volume (dataDir).
USER 10001:10001
CMD ["node", "dist/worker/main.js", "--config", "/etc/k8s-incident-flow/config.yaml"]
