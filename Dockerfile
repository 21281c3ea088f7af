# Signal images: one target per service, each with only its own code and production dependencies.
#   docker build --target session   -t <registry>/sme-connect/signal-session:<version> .
#   docker build --target signaling -t <registry>/sme-connect/signal-signaling:<version> .
#   docker build --target ice       -t <registry>/sme-connect/signal-ice:<version> .
# Add --build-arg VERSION=<version> --build-arg REVISION=$(git rev-parse HEAD) --build-arg CREATED=<RFC 3339 date>
# for the OCI labels. scripts/check-prod-deps.sh runs the same installs and start-up without Docker.
#
# Sources are TypeScript run by Node 24's type stripping: there is no build step, the image
# holds the sources and the production dependencies only.
#
# Builds unchanged with the classic builder (`az acr build`, DOCKER_BUILDKIT=0) and with BuildKit
# (`docker build`, `docker buildx build`): no BuildKit-only syntax (no `# syntax=` frontend, no
# RUN --mount, no COPY --link/--chmod, no heredocs, no automatic TARGETARCH).
# tests/deploy/dockerfile.test.ts checks it.
#
# The base image is pinned by digest (node:24.18.0 on Debian bookworm, slim), so a rebuild of the
# same commit gets the same base. It supplies the operating system and npm for the build stages;
# the Node the images run is the release the tests run on (deploy/docker/node). To update the
# base, see docs/deploy.md, "Step 2: Images": read the new digest of the tag (`docker buildx imagetools
# inspect node:24-bookworm-slim` or `az acr import` + `az acr repository show`), replace it below,
# rebuild, run the tests.
ARG NODE_IMAGE=node:24-bookworm-slim@sha256:6f7b03f7c2c8e2e784dcf9295400527b9b1270fd37b7e9a7285cf83b6951452d

# --- Node: the official build of the release package.json's "node" devDependency gives the tests,
# from the npm registry against deploy/docker/node/package-lock.json's integrity; npm picks the
# package of the build machine's architecture (x64 or arm64). ---
FROM ${NODE_IMAGE} AS node
WORKDIR /node
COPY deploy/docker/node/package.json deploy/docker/node/package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund \
    && cp node_modules/node-linux-*/bin/node /node/node \
    && rm -rf node_modules && npm cache clean --force

# --- The manifests npm ci needs: every workspace's, or it refuses the lockfile (all-in-one's
# sources stay out: .dockerignore). First, so that source changes reuse the install layers. ---
FROM ${NODE_IMAGE} AS manifests
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
COPY libs/common/package.json libs/common/
COPY services/session/package.json services/session/
COPY services/signaling/package.json services/signaling/
COPY services/ice/package.json services/ice/
COPY services/all-in-one/package.json services/all-in-one/

# --- Production dependencies of one workspace (and libs/common, which it depends on). --omit=dev
# also leaves out the "node" devDependency. No install scripts: no production dependency needs
# one, and none gets to run code at build time. Source maps, type declarations and read-mes are
# never loaded at run time: they go (about half of node_modules). The npm cache is dropped in the
# same layer (a cache mount would need BuildKit). ---
FROM manifests AS deps-session
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund --workspace services/session \
    && find node_modules -type f \( -name '*.map' -o -name '*.d.ts' -o -name '*.d.mts' -o -name '*.d.cts' -o -name '*.md' \) -delete \
    && npm cache clean --force

FROM manifests AS deps-signaling
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund --workspace services/signaling \
    && find node_modules -type f \( -name '*.map' -o -name '*.d.ts' -o -name '*.d.mts' -o -name '*.d.cts' -o -name '*.md' \) -delete \
    && npm cache clean --force

FROM manifests AS deps-ice
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund --workspace services/ice \
    && find node_modules -type f \( -name '*.map' -o -name '*.d.ts' -o -name '*.d.mts' -o -name '*.d.cts' -o -name '*.md' \) -delete \
    && npm cache clean --force

# --- The operating system the services run on: the base image with the tests' Node, without what
# no service runs: npm, npx, corepack, yarn, Node's C headers, and the shells (the last command,
# as it runs in one; the pods' preStop uses Kubernetes' native sleep). ---
FROM ${NODE_IMAGE} AS base
COPY --from=node /node/node /usr/local/bin/node
RUN rm -rf /usr/local/lib/node_modules /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack \
       /usr/local/bin/yarn /usr/local/bin/yarnpkg /opt/yarn-* /usr/local/include/node \
    && rm -f /usr/bin/bash /usr/bin/rbash /usr/bin/dash /usr/bin/sh

# --- Runtime: the base's files as one layer (removed in a later layer, they would still be in the
# image), root-owned and read-only; the process runs as an unprivileged numeric user. ---
FROM scratch AS runtime
COPY --from=base / /
ARG VERSION=0.0.0-dev
ARG REVISION=unknown
ARG CREATED=unknown
LABEL org.opencontainers.image.vendor="SME Connect" \
      org.opencontainers.image.licenses="UNLICENSED" \
      org.opencontainers.image.description="Signal, the WebRTC signaling back end of SME Connect" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}"
# A scratch stage inherits no environment: the base image's PATH, set again.
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    NODE_ENV=production \
    PORT=8080
WORKDIR /app
COPY package.json ./
COPY libs ./libs
# UID/GID 1000 is the base image's "node" user; numeric so Kubernetes can verify runAsNonRoot.
USER 1000:1000
EXPOSE 8080
STOPSIGNAL SIGTERM
# The preload starts OpenTelemetry before the app's first import (a no-op unless OTEL_* asks for
# traces); the warning flag silences the type-stripping notice.
ENTRYPOINT ["node", "--disable-warning=ExperimentalWarning", "--import", "./libs/common/src/observability/tracing-preload.ts"]

FROM runtime AS session
COPY --from=deps-session /app/node_modules ./node_modules
COPY services/session ./services/session
LABEL org.opencontainers.image.title="signal-session"
CMD ["services/session/src/main.ts"]

FROM runtime AS signaling
COPY --from=deps-signaling /app/node_modules ./node_modules
COPY services/signaling ./services/signaling
LABEL org.opencontainers.image.title="signal-signaling"
# A burst of long-polls grows V8's young generation to its default ceiling (~134 MB committed)
# and keeps it; 16 MB semi-spaces (~34 MB) kept CPU per handshake level in the bench
# (docs/performance.md, "What limits it"). A NODE_OPTIONS set in the chart's env replaces this one.
ENV NODE_OPTIONS=--max-semi-space-size=16
CMD ["services/signaling/src/main.ts"]

FROM runtime AS ice
COPY --from=deps-ice /app/node_modules ./node_modules
COPY services/ice ./services/ice
LABEL org.opencontainers.image.title="signal-ice"
CMD ["services/ice/src/main.ts"]
