# Multi-stage build of the single `socdesk` binary with its web app.
FROM rust:1.95-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends nodejs npm && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
ENV SOCDESK_CACHE=/cache CARGO_TARGET_DIR=/cache/target
RUN scripts/build-web.sh && cargo build --release -p socdesk-api --bin socdesk \
    && mkdir -p /out && cp /cache/target/release/socdesk /out/ && cp -r frontend/dist /out/web

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home /var/lib/socdesk --create-home socdesk
COPY --from=build /out/socdesk /usr/local/bin/socdesk
COPY --from=build /out/web /usr/share/socdesk/web
USER socdesk
WORKDIR /var/lib/socdesk
ENV SOCDESK_WEB_DIR=/usr/share/socdesk/web SOCDESK_BIND=0.0.0.0:8080
EXPOSE 8080
# bash (not dash) speaks /dev/tcp; the slim image has no curl.
HEALTHCHECK --interval=5s --retries=20 CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /readyz HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
ENTRYPOINT ["/usr/local/bin/socdesk"]
CMD ["serve"]
