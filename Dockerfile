# cwrecon for pipelines: build in the Rust image, run from a small Debian image as a non-root user.
#   docker build -t cwrecon . && docker run --rm -e CW_SITE -e CW_COMPANY_ID -e CW_PUBLIC_KEY \
#     -e CW_PRIVATE_KEY -e CW_CLIENT_ID -v "$PWD/config:/work/config:ro" cwrecon plan config
# TLS roots are compiled in (rustls with webpki roots), so the runtime image needs no CA bundle.
FROM rust:1.95-slim AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin cwrecon

FROM debian:bookworm-slim
RUN useradd --system --uid 10001 --create-home --home-dir /work cwrecon
COPY --from=build /src/target/release/cwrecon /usr/local/bin/cwrecon
USER 10001
WORKDIR /work
ENTRYPOINT ["cwrecon"]
