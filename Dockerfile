# Multi-stage build: compile in the Rust image, run from a slim Debian with only the binary.
# No protoc is needed (protox compiles proto/ in build.rs).
FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --bin govreport

FROM debian:bookworm-slim
RUN useradd --system --uid 10001 --no-create-home govreport
COPY --from=build /src/target/release/govreport /usr/local/bin/govreport
USER govreport
# In a container the service always uses DATABASE_URL (set it, e.g. in docker-compose.yml).
# 0.0.0.0 is not loopback, so serve refuses to start without authentication: set
# GOVREPORT_AUTH_FILE (a mounted tokens file) or the GOVREPORT_JWT_* variables, or
# GOVREPORT_ALLOW_UNAUTHENTICATED=true behind a proxy that authenticates (README, Security).
# For TLS set GOVREPORT_TLS_CERT/_KEY, and GOVREPORT_HEALTHCHECK_ADDR=https://... with
# GOVREPORT_CLIENT_TLS_CA/_DOMAIN so the HEALTHCHECK below speaks it (README, TLS).
# Metrics are off; GOVREPORT_METRICS_LISTEN=0.0.0.0:9464 with GOVREPORT_ALLOW_PUBLIC_METRICS=true
# serves them (a non-loopback metrics address is refused without it; plaintext, unauthenticated:
# publish that port only to the scraper's network; README, Metrics).
ENV GOVREPORT_LISTEN=0.0.0.0:50051 \
    GOVREPORT_HEALTHCHECK_ADDR=http://127.0.0.1:50051
EXPOSE 50051
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=3 CMD ["govreport", "healthcheck"]
ENTRYPOINT ["govreport"]
CMD ["serve"]
