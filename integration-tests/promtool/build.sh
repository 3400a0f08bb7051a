#!/usr/bin/env bash
# Builds promtool from the Prometheus module go.mod pins into
# ~/.cache/heraldlb/promtool/<version>/promtool and prints its path (see ../go-tool.sh). The
# alert-rule tests run it.
set -euo pipefail
cd "$(dirname "$0")"
exec ../go-tool.sh promtool github.com/prometheus/prometheus \
    github.com/prometheus/prometheus/cmd/promtool
