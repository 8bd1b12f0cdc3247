# syntax=docker/dockerfile:1
# The chaostracing image: a static binary on distroless, running as a
# non-root user, with /work (the working directory) writable for the
# journal, the log and the trace file.
#
#   docker build --build-arg VERSION=$(git describe --tags --always) -t chaostracing .
#   docker run --rm -v "$PWD:/work" chaostracing run experiment.yaml
#
# The image has no shell, python3 or other programs: experiments run in it
# use http probes and actions (or a derived image that adds what their
# process and python activities call). See docs/scale.md.

FROM golang:1.26 AS build
ARG VERSION=devel
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ENV CGO_ENABLED=0
RUN go build -trimpath -buildvcs=false -ldflags="-s -w -X github.com/chaostracing/chaostracing/internal/cli.version=${VERSION}" -o /out/chaostracing ./cmd/chaostracing \
 && mkdir -p /out/work

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/chaostracing /usr/local/bin/chaostracing
COPY --from=build --chown=65532:65532 /out/work /work
WORKDIR /work
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/chaostracing"]
CMD ["--help"]
