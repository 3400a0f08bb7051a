#!/usr/bin/env bash
# Builds helm from the Helm module go.mod pins into ~/.cache/heraldlb/helm/<version>/helm and
# prints its path (see ../go-tool.sh). The chart tests run it. The version helm reports is set at
# link time, as Helm's own build does.
set -euo pipefail
cd "$(dirname "$0")"
exec ../go-tool.sh helm helm.sh/helm/v4 helm.sh/helm/v4/cmd/helm \
    '-X helm.sh/helm/v4/internal/version.version=$version'
