package istiod

import "testing"

// TestIstiodComponentsMultiCluster starts istiod's components from the first cluster of our two-network fleet case
// (`fleet-cluster1`: CLUSTER_ID cluster1, mesh ID mesh1, network network1, the east-west gateway in istio-system), so
// the registry, the networks manager and the injector run with the multi-cluster settings of that cluster's
// Deployment and ConfigMaps, under the same identity and RBAC. The gateway and `refused` sub-tests are the default
// case's.
func TestIstiodComponentsMultiCluster(t *testing.T) {
	runComponents(t, "TestIstiodComponentsMultiCluster", "fleet-cluster1", false)
}
