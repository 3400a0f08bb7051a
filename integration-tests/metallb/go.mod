// MetalLB at the version the lab rehearses a switch from: its CRDs (config/crd/bases) are taken
// from this module at build time by crds.sh; nothing of MetalLB is kept in the repository.
module heraldlb.io/lab/metallb

go 1.26

require go.universe.tf/metallb v0.15.2
