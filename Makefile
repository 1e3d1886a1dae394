# One command each; the README says the same.
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X main.version=$(VERSION)

.PHONY: build run stop lint test unit bench snapshots clean

build: ## static binary in bin/
	CGO_ENABLED=0 go build -trimpath -ldflags '$(LDFLAGS)' -o bin/paperclip-mcp ./cmd/paperclip-mcp

run: ## the server on stdio, against PAPERCLIP_API_URL or a local real Paperclip (ARGS='--http 127.0.0.1:8080' for HTTP)
	@bash examples/run.sh $(ARGS)

stop: ## stop the local Paperclip that `make run` started (PAPERCLIP_PORT=... make stop for another port)
	@bash test/paperclip/down.sh

lint: ## gofmt, go vet, staticcheck
	@bash test/lint.sh

test: ## every test: unit, integration against a real Paperclip, real MCP clients
	@bash test/all.sh

unit: ## the hermetic tests only (no Paperclip, no Node)
	go test -race ./...

bench: ## start-up, memory and per-call overhead (needs a Paperclip: see README)
	@bash test/bench/run.sh

snapshots: ## rewrite tool snapshots and the README tool table after a reviewed change
	UPDATE_SNAPSHOTS=1 go test ./schemas -run TestToolSnapshots -count=1
	UPDATE_README=1 go test ./tools -run TestReadmeToolTable -count=1
	UPDATE_DEDICATED=1 go test ./tools -count=1

clean:
	rm -rf bin
