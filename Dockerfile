# syntax=docker/dockerfile:1.7
# One Dockerfile, one target per image:
#   docker build --target scheduler      -t ensemble/scheduler .
#   docker build --target load-collector -t ensemble/load-collector .
#   docker build --target gateway-api    -t ensemble/gateway-api .
#   docker build --target provisioner    -t ensemble/provisioner .
#   docker build --target web            -t ensemble/web .
#   docker build --target bbb-sim        -t ensemble/bbb-sim .       (demo profile `sim`)
#   docker build --target jitsi-sim      -t ensemble/jitsi-sim .     (demo profile `sim`)
# cli/ (the operator CLI) is built with the rest but gets no image: it runs where the operator is.
# No secret is baked in: every setting comes from the environment at run time.

ARG NODE_IMAGE=node:20.19-bookworm-slim
ARG NGINX_IMAGE=nginxinc/nginx-unprivileged:1.27-alpine

# --- every package.json of the workspace, alone, so `npm ci` is cached until a manifest changes
FROM ${NODE_IMAGE} AS manifests
WORKDIR /src
COPY . .
RUN mkdir /out && cp package.json package-lock.json /out/ \
 && find libs services tools cli web bench e2e -maxdepth 2 -name package.json -exec cp --parents {} /out/ \;

# --- all dependencies (dev included) to build
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY --from=manifests /out/ ./
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund

FROM deps AS build
COPY . .
# Every workspace package with swc, and the web app with Vite into web/dist.
RUN node scripts/build.mjs && test -f web/dist/index.html

# --- production dependencies only
FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
COPY --from=manifests /out/ ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --no-audit --no-fund

# --- common runtime: tini as PID 1 (signals, zombies), non-root user, prod deps, the shared lib
FROM ${NODE_IMAGE} AS runtime
RUN apt-get update && apt-get install -y --no-install-recommends tini ca-certificates \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    METRICS_HOST=0.0.0.0 \
    GATEWAY_HOST=0.0.0.0
WORKDIR /app
COPY --from=prod-deps --chown=root:root /app/ ./
COPY --from=build /app/libs/contracts/dist/ libs/contracts/dist/
COPY --from=build /app/libs/shared/dist/ libs/shared/dist/
USER node
ENTRYPOINT ["/usr/bin/tini", "--"]

FROM runtime AS scheduler
COPY --from=build /app/services/scheduler/dist/ services/scheduler/dist/
ENV METRICS_PORT=9101
EXPOSE 9101
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+process.env.METRICS_PORT+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "services/scheduler/dist/main.js"]

FROM runtime AS load-collector
COPY --from=build /app/services/load-collector/dist/ services/load-collector/dist/
ENV METRICS_PORT=9102
EXPOSE 9102
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+process.env.METRICS_PORT+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "services/load-collector/dist/main.js"]

FROM runtime AS gateway-api
COPY --from=build /app/services/gateway-api/dist/ services/gateway-api/dist/
COPY --from=build /app/web/dist/ web/dist/
ENV GATEWAY_PORT=8080 \
    WEB_DIR=/app/web/dist
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+process.env.GATEWAY_PORT+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "services/gateway-api/dist/main.js"]

# Terraform from HashiCorp's release, checked against its published SHA-256 sums.
FROM ${NODE_IMAGE} AS terraform
ARG TERRAFORM_VERSION=1.9.8
ARG TARGETARCH=amd64
RUN apt-get update && apt-get install -y --no-install-recommends curl ca-certificates unzip \
 && cd /tmp \
 && curl -fsSLO "https://releases.hashicorp.com/terraform/${TERRAFORM_VERSION}/terraform_${TERRAFORM_VERSION}_linux_${TARGETARCH}.zip" \
 && curl -fsSLO "https://releases.hashicorp.com/terraform/${TERRAFORM_VERSION}/terraform_${TERRAFORM_VERSION}_SHA256SUMS" \
 && grep "linux_${TARGETARCH}.zip" "terraform_${TERRAFORM_VERSION}_SHA256SUMS" | sha256sum -c - \
 && unzip "terraform_${TERRAFORM_VERSION}_linux_${TARGETARCH}.zip" -d /usr/local/bin

FROM runtime AS provisioner
COPY --from=terraform /usr/local/bin/terraform /usr/local/bin/terraform
# Terraform's working directory and the Prometheus targets: volumes in compose, owned by node.
USER root
RUN mkdir -p /var/lib/ensemble/terraform /var/lib/ensemble/prometheus-targets \
 && chown -R node:node /var/lib/ensemble
USER node
COPY --from=build /app/services/provisioner/dist/ services/provisioner/dist/
ENV METRICS_PORT=9103
EXPOSE 9103
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+process.env.METRICS_PORT+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "services/provisioner/dist/main.js"]

# Demo only (compose profile `sim`): simulated BBB nodes and the script that registers them.
FROM runtime AS bbb-sim
COPY --from=build /app/libs/testing/dist/ libs/testing/dist/
COPY --from=build /app/tools/bbb-sim/dist/ tools/bbb-sim/dist/
COPY deploy/sim/ deploy/sim/
# The nodes file goes to /sim (a volume in compose, owned by node).
USER root
RUN mkdir /sim && chown node:node /sim
USER node
CMD ["node", "tools/bbb-sim/dist/main.js", "--nodes", "4", "--base-port", "7001", "--control-port", "7000", "--out", "/sim/nodes.json", "--keep"]

FROM runtime AS jitsi-sim
COPY --from=build /app/libs/testing/dist/ libs/testing/dist/
COPY --from=build /app/tools/jitsi-sim/dist/ tools/jitsi-sim/dist/
USER root
RUN mkdir /sim && chown node:node /sim
USER node
CMD ["node", "tools/jitsi-sim/dist/main.js", "--nodes", "3", "--control-port", "7100", "--out", "/sim/jitsi-nodes.json", "--keep"]

# --- the web app behind NGINX (unprivileged image: runs as uid 101, listens on 8080/8443)
FROM ${NGINX_IMAGE} AS web
COPY --from=build /app/web/dist/ /usr/share/nginx/html/
COPY deploy/nginx/templates/ensemble.conf.template /etc/nginx/templates/default.conf.template
ENV NGINX_HTTP_PORT=8080 \
    NGINX_HTTPS_PORT=8443 \
    NGINX_SERVER_NAME=_ \
    NGINX_TENANT_DOMAIN=tenants.invalid \
    WEB_ROOT=/usr/share/nginx/html \
    GATEWAY_UPSTREAM=gateway-api:8080 \
    TLS_CERT_FILE=/etc/ensemble/tls/fullchain.pem \
    TLS_KEY_FILE=/etc/ensemble/tls/privkey.pem
EXPOSE 8080 8443
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/nginx-health"]
