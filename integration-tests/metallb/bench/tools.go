//go:build tools

// Package tools pins MetalLB's module, so that go.sum holds exactly what ../build.sh builds.
package tools

import (
	_ "go.universe.tf/metallb/controller"
	_ "go.universe.tf/metallb/speaker"
)
