# Signal images: one target per service, all from the same production layers.
#   docker build --target session   -t <registry>/sme-connect/signal-session:<version> .
#   docker build --target signaling -t <registry>/sme-connect/signal-signaling:<version> .
#   docker build --target ice       -t <registry>/sme-connect/signal-ice:<version> .
# Add --build-arg VERSION=<version> --build-arg REVISION=$(git rev-parse HEAD) --build-arg CREATED=<RFC 3339 date>
# for the OCI labels. scripts/check-prod-deps.sh runs the same install and start-up without Docker.
#
# Sources are TypeScript run by Node 24's type stripping: there is no build step, the image
# holds the sources and the production dependencies only.
#
# Builds unchanged with the classic builder (`az acr build`, DOCKER_BUILDKIT=0) and with BuildKit
# (`docker build`, `docker buildx build`): no BuildKit-only syntax (no `# syntax=` frontend, no
# RUN --mount, no COPY --link/--chmod, no heredocs). tests/deploy/dockerfile.test.ts checks it.
#
# The base image is pinned by digest (node:24.18.0 on Debian bookworm, slim), so a rebuild of the
# same commit gets the same base. To update it, see docs/deploy.md, "2. Images": read the new
# digest of the tag (`docker buildx imagetools inspect node:24-bookworm-slim` or
# `az acr import` + `az acr repository show`), replace it below, rebuild, run the tests.
ARG NODE_IMAGE=node:24-bookworm-slim@sha256:6f7b03f7c2c8e2e784dcf9295400527b9b1270fd37b7e9a7285cf83b6951452d

# --- Production dependencies: manifests first, so source changes reuse this layer. ---
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
COPY libs/common/package.json libs/common/
COPY services/session/package.json services/session/
COPY services/signaling/package.json services/signaling/
COPY services/ice/package.json services/ice/
# Every workspace's manifest, or npm ci refuses the lockfile (all-in-one's sources stay out: .dockerignore).
COPY services/all-in-one/package.json services/all-in-one/
# --omit=dev also leaves out the "node" devDependency: the base image's Node 24 runs the services.
# No install scripts: no production dependency needs one, and none gets to run code at build time.
# The npm cache is dropped in the same layer (a cache mount would need BuildKit).
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
    && npm cache clean --force

# --- Runtime: root-owned, read-only files; the process runs as an unprivileged numeric user. ---
FROM ${NODE_IMAGE} AS runtime
ARG VERSION=0.0.0-dev
ARG REVISION=unknown
ARG CREATED=unknown
LABEL org.opencontainers.image.vendor="SME Connect" \
      org.opencontainers.image.licenses="UNLICENSED" \
      org.opencontainers.image.description="Signal, the WebRTC signaling back end of SME Connect" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}"
ENV NODE_ENV=production \
    PORT=8080
WORKDIR /app
COPY --from=deps /app ./
COPY libs ./libs
COPY services ./services
# UID/GID 1000 is the base image's "node" user; numeric so Kubernetes can verify runAsNonRoot.
USER 1000:1000
EXPOSE 8080
STOPSIGNAL SIGTERM
# The preload starts OpenTelemetry before the app's first import (a no-op unless OTEL_* asks for
# traces); the warning flag silences the type-stripping notice.
ENTRYPOINT ["node", "--disable-warning=ExperimentalWarning", "--import", "./libs/common/src/observability/tracing-preload.ts"]

FROM runtime AS session
LABEL org.opencontainers.image.title="signal-session"
CMD ["services/session/src/main.ts"]

FROM runtime AS signaling
LABEL org.opencontainers.image.title="signal-signaling"
CMD ["services/signaling/src/main.ts"]

FROM runtime AS ice
LABEL org.opencontainers.image.title="signal-ice"
CMD ["services/ice/src/main.ts"]
