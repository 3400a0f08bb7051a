//go:build tools

// Package tools pins Helm's module, so that go.sum holds exactly what build.sh builds.
package tools

import _ "helm.sh/helm/v4/cmd/helm"
