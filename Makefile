.PHONY: run test build

# Serve on the embedded defaults: data in ./data, mail as .eml files.
run:
	go run . serve

# The whole suite, browser tests included (installs Chromium when missing).
test:
	./scripts/test

# A static binary.
build:
	CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o abilita .
