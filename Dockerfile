# Multi-stage build: a static binary in a distroless image, run as a non-root
# user, with the data folder on a volume.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/abilita . && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/abilita /abilita
COPY --from=build --chown=65532:65532 /out/data /data
ENV ABILITA_DATA=/data ABILITA_ADDR=:8080
VOLUME /data
EXPOSE 8080
USER nonroot:nonroot
ENTRYPOINT ["/abilita"]
CMD ["serve"]
