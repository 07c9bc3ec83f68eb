# Claimdesk: `make run` opens the app, `make test` runs every check. Both install what they need.

CARGO_FEATURES := --features claimdesk/custom-protocol
XVFB := xvfb-run -a -s "-screen 0 1280x800x24"

.PHONY: run test bench eval build ui deps-run deps-test lint rust-test ui-test e2e interop package package-test screenshot fuzz-long crash-long

run: deps-run build
	./target/debug/claimdesk

test: deps-test ui lint rust-test ui-test build interop e2e package-test
	@echo "make test: all checks passed"

# The reader figures are taken on the app as shipped: an optimised build, driven through WebDriver.
bench: deps-run deps-test ui
	cargo bench -p claimdesk-store --bench store
	cargo bench -p claimdesk-import --bench import
	cargo bench -p claimdesk-export --bench export
	cargo bench -p claimdesk-core --bench anchor
	cargo bench -p claimdesk-core --bench analysis
	cargo bench -p claimdesk-export --bench agreement
	cargo bench -p claimdesk-store --bench merge
	cargo bench -p claimdesk-store --bench suggest
	scripts/with-postgres.sh cargo bench -p claimdesk-team --bench sync
	scripts/with-postgres.sh cargo bench -p claimdesk-team --bench converge
	cargo build --release -p claimdesk -p claimdesk-cli $(CARGO_FEATURES)
	CLAIMDESK_BIN_DIR=$(CURDIR)/target/release $(XVFB) node tests/bench/reader.mjs
	CLAIMDESK_BIN_DIR=$(CURDIR)/target/release $(XVFB) node tests/bench/library.mjs
	CLAIMDESK_BIN_DIR=$(CURDIR)/target/release $(XVFB) node tests/bench/analysis.mjs

# How good the suggestions are: precision, recall and F1 on PolNeAR's train and dev splits.
eval:
	scripts/eval.sh

deps-run:
	@scripts/install-deps.sh run

deps-test:
	@scripts/install-deps.sh test

ui:
	cd ui && npm run build

build: ui
	cargo build -p claimdesk -p claimdesk-cli $(CARGO_FEATURES)

lint: ui
	cargo fmt --all --check
	cargo clippy --workspace --all-targets $(CARGO_FEATURES) -- -D warnings
	cd ui && npm run check

rust-test: ui
	cargo test --workspace --exclude claimdesk-team $(CARGO_FEATURES) -- --skip kills_at_random_moments
	scripts/team-test.sh
	cargo test -p claimdesk-store --test crash -- --nocapture kills_at_random_moments

ui-test:
	cd ui && npm test

# Every export format loaded by the libraries analysts use (pinned Python environment in target/).
interop: build
	scripts/interop.sh

e2e: build
	$(XVFB) node --test --test-concurrency=1 tests/e2e/
	# The team project in the app, against a throwaway PostgreSQL server.
	scripts/with-postgres.sh $(XVFB) node --test tests/e2e/team.test.mjs

# The .deb and .rpm to install Claimdesk from (optimised build), in target/package/release/bundle/.
package: deps-run ui
	cargo build --release -p claimdesk -p claimdesk-cli $(CARGO_FEATURES)
	packaging/bundle.sh release

# The debug build packed, installed (dpkg -i as root, else unpacked), smoke-tested and removed.
package-test: deps-test build
	tests/package/run.sh

# Regenerates the README screenshots (docs/screenshot.png, docs/statements.png, docs/analysis.png,
# docs/timeline.png) from the real app.
screenshot: deps-test build
	$(XVFB) node tests/e2e/screenshot.mjs docs/screenshot.png docs/statements.png docs/analysis.png docs/timeline.png

# Every importer fed 100,000 arbitrary and mutated inputs (the short run is part of `make test`).
fuzz-long:
	CLAIMDESK_FUZZ_CASES=100000 cargo test --release -p claimdesk-formats --test never_panic
	@echo "fuzz-long: 100,000 inputs for each of the 10 importers, none panicked"

# The crash test with 1,000 kills instead of the 100 in `make test`.
crash-long:
	CLAIMDESK_CRASH_KILLS=1000 cargo test -p claimdesk-store --test crash -- --nocapture kills_at_random_moments
