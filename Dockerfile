# Container image of libvirt-capabilities-exporter: the Native AOT binary on a minimal Debian with libvirt0.
# The base images are build arguments: the defaults are the public images (docker/podman build), and
# scripts/image.sh builds this same file on local base images made from Debian packages (used by CI).
# See docs/container.md.
ARG SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0
ARG RUNTIME_IMAGE=debian:bookworm-slim

FROM ${SDK_IMAGE} AS build
# Native AOT compiles with clang and links zlib; skipped when the base image has them already.
RUN if ! command -v clang >/dev/null || [ ! -e /usr/include/zlib.h ]; then \
      apt-get update \
      && apt-get install -y --no-install-recommends clang zlib1g-dev \
      && rm -rf /var/lib/apt/lists/*; \
    fi
WORKDIR /src
COPY . .
# The one way to make the shipped binary, the same script CI and the docs use. NuGet packages stay in a
# build cache between builds (BuildKit, podman and buildah keep it).
RUN --mount=type=cache,target=/root/.nuget/packages bash scripts/publish.sh /out

FROM ${RUNTIME_IMAGE}
ARG RUNTIME_IMAGE
# VERSION is the release (Directory.Build.props, the Helm chart's appVersion and its default image tag);
# SOURCE the repository (ghcr.io links an image to it by this label; the chart's image.repository is
# ghcr.io/<owner>/<name> of it). scripts/suites/30-helm.sh checks that they agree.
ARG VERSION=0.1.0
ARG SOURCE=https://github.com/libvirt-capabilities-exporter/libvirt-capabilities-exporter
ARG REVISION=unknown
ARG CREATED=unknown
LABEL org.opencontainers.image.title="libvirt-capabilities-exporter" \
      org.opencontainers.image.description="Prometheus exporter of libvirt host and domain capabilities, with capability drift" \
      org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.url="${SOURCE}" \
      org.opencontainers.image.documentation="${SOURCE}/blob/main/docs/container.md" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.base.name="${RUNTIME_IMAGE}"
# Run-time needs only libvirt.so.0 (loaded by the exporter) and CA certificates (qemu+tls, OTLP).
# The user is 65532 ("nonroot", as in distroless); it owns the default state directory.
RUN if ! dpkg -s libvirt0 ca-certificates >/dev/null 2>&1; then \
      apt-get update \
      && apt-get install -y --no-install-recommends libvirt0 ca-certificates \
      && rm -rf /var/lib/apt/lists/*; \
    fi \
    && groupadd --gid 65532 nonroot \
    && useradd --uid 65532 --gid 65532 --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin nonroot \
    && install -d -o 65532 -g 65532 -m 0750 /var/lib/libvirt-capabilities-exporter /var/lib/libvirt-capabilities-exporter/state
# appsettings.json (log levels) is read from beside the binary.
COPY --from=build /out/libvirt-capabilities-exporter /out/appsettings.json /opt/libvirt-capabilities-exporter/
USER 65532:65532
EXPOSE 9866
# The image has no HTTP client: bash (part of every Debian base) speaks just enough HTTP/1.0 over its
# /dev/tcp to read the status line of /healthz. It assumes the default plain-HTTP port 9866; with another
# port or TLS, override it (docker run --health-cmd, or --no-healthcheck). Kubernetes ignores HEALTHCHECK
# and uses its own probes on /healthz and /readyz.
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/9866 && printf 'GET /healthz HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && read -r version status rest <&3 && [ \"$status\" = 200 ]"]
ENTRYPOINT ["/opt/libvirt-capabilities-exporter/libvirt-capabilities-exporter"]
