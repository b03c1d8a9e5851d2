# syntax=docker/dockerfile:1
# hearingbot: one static binary on distroless. Build with
#   docker build --build-arg VERSION=v1.2.3 -t ghcr.io/example/hearingbot:v1.2.3 .

# The newest Go 1.26 patch: govulncheck reports standard-library issues that
# later 1.26 patches fix (see SECURITY.md). Raise it with each patch release.
FROM --platform=$BUILDPLATFORM golang:1.26.8 AS build
WORKDIR /src
# Modules first, so this layer is reused until go.mod or go.sum change.
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
ARG TARGETOS TARGETARCH
RUN --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH \
    go build -trimpath -buildvcs=false -ldflags "-s -w -X main.version=${VERSION}" \
    -o /out/hearingbot ./cmd/hearingbot

# CA certificates, no shell; content and time zones are in the binary.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/hearingbot /hearingbot
USER 65532:65532
# HEARINGBOT_ADDR's default: /slack/events in HTTP mode, /healthz, and /readyz and /metrics unless
# HEARINGBOT_METRICS_ADDR (the manifests' :9090) serves those apart.
EXPOSE 3000 9090
HEALTHCHECK --interval=30s --timeout=3s --start-period=15s --retries=3 \
    CMD ["/hearingbot", "healthcheck"]
ENTRYPOINT ["/hearingbot"]
CMD ["serve"]
