# Cradle - see README.md. The two commands that matter: `make run` and `make test`.
SHELL := /bin/bash
export PATH := $(PATH):/usr/local/go/bin
GO ?= go
BIN := bin/cradle
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run build test bench fuzz crash-test screenshots demo package windows-smoke deps sogo-start sogo-stop clean

## run: install missing build dependencies, build, and start Cradle
run: build
	./$(BIN) run

## build: build bin/cradle and its windows, bin/cradle-ui (Fyne, cgo)
build:
	scripts/deps.sh build
	$(GO) build -o $(BIN) .
	CGO_ENABLED=1 $(GO) build -o bin/cradle-ui ./app/ui/cmd/cradle-ui

## test: install what the tests need, start SOGo, run every check and test, stop SOGo
test:
	scripts/test.sh

## bench: run the benchmarks and print one table (figure, value, target, comparison)
bench:
	scripts/bench.sh

## crash-test: SIGKILL the daemon 100 times against SOGo while both sides change; prints kills=N lost=0 duplicated=0
crash-test:
	scripts/crash-test.sh

## screenshots: every window under Xvfb, against a demo daemon, into docs/screenshots
screenshots:
	scripts/deps.sh test
	scripts/screenshots.sh

## demo: start SOGo with sample data, add an account for it and run Cradle
demo:
	scripts/demo.sh

## package: release tar.xz, .deb and the Windows zip (cross-built with mingw-w64) in dist/
VERSION ?= 0.1.0
package:
	scripts/deps.sh package
	$(GO) build -trimpath -ldflags='-s -w -X github.com/cradle-sync/cradle/app/cli.Version=$(VERSION)' -o $(BIN) .
	CGO_ENABLED=1 $(GO) build -trimpath -ldflags='-s -w' -o bin/cradle-ui ./app/ui/cmd/cradle-ui
	packaging/build.sh $(BIN) $(VERSION) dist
	packaging/windows.sh $(VERSION) dist

## windows-smoke: start the Windows build under Wine (after make package)
windows-smoke:
	scripts/deps.sh windows
	packaging/wine-smoke.sh dist/cradle-$(VERSION)-windows-amd64.zip

## fuzz: run every fuzz target for longer (FUZZTIME, default 2m each)
fuzz:
	scripts/fuzz.sh $${FUZZTIME:-2m}

## sogo-start / sogo-stop: the project's ActiveSync test peer on 127.0.0.1:20000
sogo-start:
	$(SUDO) scripts/sogo/start.sh
sogo-stop:
	$(SUDO) scripts/sogo/stop.sh

clean:
	rm -rf bin
