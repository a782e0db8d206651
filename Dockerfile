# ConnectorGateway: the connector-gateway server in a small image.
#
#   docker build -t connector-gateway .
#   docker run --rm -p 8080:8080 -e GATEWAY_DEMO=1 connector-gateway   # demo mode (simulated marketplaces)
#   docker run -d --name connector-gateway -p 8080:8080 --init --stop-timeout 35 \
#     -v "$PWD/gateway.json":/etc/connector-gateway/config.json:ro \
#     -v connector-gateway-state:/var/lib/connector-gateway \
#     -e GATEWAY_CONFIG=/etc/connector-gateway/config.json \
#     -e GATEWAY_CURSOR_SECRET -e ACME_WB_TOKEN -e ACME_OZON_API_KEY \
#     connector-gateway                                           # a configuration file, secrets from the environment
# (--stop-timeout above drain_delay_ms + drain_timeout_ms + 6 s, or SIGKILL cuts the drain short; the
# volume keeps the Idempotency-Key journal; see README "Container").
#
# .ci/container-check.sh builds the binary with the same flags and runs it the way this image does.

# --- build: release, with the Swift standard library and Foundation linked into the binary ---
FROM swift:6.3-bookworm AS build
WORKDIR /src
# The package has no dependencies. Tests/ is not compiled here, but SwiftPM wants a folder for each
# test target: empty ones are made from the manifest instead of copying Tests/, so that editing a
# test does not invalidate the build below.
COPY Package.swift ./
RUN sed -n 's|.*\.testTarget(name: "\([A-Za-z0-9_]*\)".*|Tests/\1|p' Package.swift > /tmp/test-folders \
    && xargs mkdir -p < /tmp/test-folders \
    && rm /tmp/test-folders
COPY Release ./Release
COPY Sources ./Sources
# Public/ and openapi.yaml: the training run asks for them too.
COPY Public ./Public
COPY openapi.yaml ./
# Release/build.sh: --static-swift-stdlib, lld laying out the request path's functions side by
# side in the order of Release/hot-functions.order, and profile-guided: an instrumented build
# first, trained on the demo's requests over loopback (Release/pgo-train.sh, ~25 s).
RUN bash Release/build.sh --product connector-gateway \
    && install -D -m 0755 "$(bash Release/build.sh --show-bin-path)/connector-gateway" /out/connector-gateway \
    && strip /out/connector-gateway \
    && mkdir -p /out/share \
    && cp -R Public openapi.yaml /out/share/ \
    && chmod -R u=rwX,go=rX /out/share

# --- run: Debian slim with only what the static binary still loads ---
FROM debian:bookworm-slim
# libcurl4: FoundationNetworking's URLSession (calls to the marketplaces) is built on libcurl;
# ca-certificates: so that HTTPS to the marketplaces can be verified. Everything else the binary
# needs (glibc, libstdc++, libgcc_s, zlib) is already in the base image.
# The versions are not pinned (DL3008): bookworm's security updates replace them, and a pinned
# version disappears from the archive when that happens, which would break the build.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates libcurl4 \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 gateway \
    && useradd --system --uid 10001 --gid gateway --no-log-init --no-create-home \
        --home-dir /nonexistent --shell /usr/sbin/nologin gateway \
    && install -d -m 0700 -o 10001 -g 10001 /var/lib/connector-gateway

COPY --from=build /out/connector-gateway /usr/local/bin/connector-gateway
# Copied from the build stage, where their modes were made world-readable: a checkout made under a
# strict umask would otherwise leave them unreadable to the gateway's user.
COPY --from=build /out/share/ /usr/share/connector-gateway/

# HOST/PORT override "listen" in a configuration file; GATEWAY_CONFIG names one, e.g. a file
# mounted at /etc/connector-gateway/config.json. Unset, the gateway refuses to start (exit 2) unless
# GATEWAY_DEMO=1 asks for the demo on this 0.0.0.0.
ENV HOST=0.0.0.0 \
    PORT=8080 \
    GATEWAY_STATIC_ROOT=/usr/share/connector-gateway
WORKDIR /usr/share/connector-gateway
# Numeric, so that a runtime can check it is not root (Kubernetes runAsNonRoot).
USER 10001:10001
EXPOSE 8080
# SIGTERM drains: readiness fails, in-flight requests are answered, the process exits 0.
STOPSIGNAL SIGTERM
# No curl in the image: the binary asks its own /healthz (on PORT; HOST 0.0.0.0 means loopback).
# It does not see serve's flags: move the port with PORT, not `serve --port`.
# Docker reserves exit status 2 of a health check; healthcheck's 2 (an unusable address) is
# unhealthy here like any other failure.
HEALTHCHECK --interval=15s --timeout=5s --start-period=5s --retries=3 \
    CMD ["/bin/sh", "-c", "connector-gateway healthcheck || exit 1"]
ENTRYPOINT ["connector-gateway"]
CMD ["serve"]
