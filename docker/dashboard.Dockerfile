# The dashboard service of docker-compose.yml, built from the repository root:
#   docker build -f docker/dashboard.Dockerfile -t pageview-dashboard .
# It runs the same TypeScript code as the embedded stack (through tsx), pointed at the compose
# services by environment variables (see docker-compose.yml).
FROM node:20.18.0-bookworm-slim

WORKDIR /app
ENV NODE_ENV=production

# Dependencies first, so code edits do not invalidate the npm layer.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# Application code (docker/dashboard.Dockerfile.dockerignore keeps node_modules, data and tests out).
COPY --chown=node:node . .

USER node
ENV BIND_HOST=0.0.0.0 \
    DASHBOARD_PORT=8501
EXPOSE 8501

# Entry point: the dashboard CLI (same as running it on the host).
ARG DASHBOARD_ENTRY=dashboard/cli.ts
ENV DASHBOARD_ENTRY=${DASHBOARD_ENTRY}
CMD ["sh", "-c", "exec node --import tsx \"$DASHBOARD_ENTRY\""]
