//go:build tools

// Package tools pins promtool's module, so that go.sum holds exactly what build.sh builds.
package tools

import _ "github.com/prometheus/prometheus/cmd/promtool"
