package validation

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/cdk8s-istio/conformance/istio-1.30/internal/ours"
	"github.com/cdk8s-istio/conformance/istio-1.30/internal/upstream"
)

// TestEveryMeshAndInjectorConfigLoads reads every mesh config (`istio[-rev]` ConfigMaps) and injector
// (`istio-sidecar-injector[-rev]`) of every case of both releases the way istiod loads them
// (mesh.ApplyMeshConfig over the defaults, inject.UnmarshalConfig, inject.NewValuesConfig, template parsing).
func TestEveryMeshAndInjectorConfigLoads(t *testing.T) {
	for _, tag := range []string{upstream.Tag, "1.20.3"} {
		files, err := ours.Cases(tag)
		if err != nil {
			t.Fatal(err)
		}
		loaded := 0
		var failed []string
		for _, f := range files {
			objs, err := ours.Objects(f)
			if err != nil {
				t.Fatal(err)
			}
			meshes := map[string]string{}
			injectors := map[string]map[string]string{}
			for _, o := range objs {
				if o.GetKind() != "ConfigMap" {
					continue
				}
				data, _, _ := unstructured.NestedStringMap(o.Object, "data")
				switch {
				case o.GetName() == "istio" || strings.HasPrefix(o.GetName(), "istio-") && data["mesh"] != "":
					meshes[o.GetNamespace()+"/"+o.GetName()] = data["mesh"]
				case strings.HasPrefix(o.GetName(), "istio-sidecar-injector"):
					injectors[o.GetNamespace()+"/"+o.GetName()] = data
				}
			}
			for name, inj := range injectors {
				meshName := strings.Replace(name, "istio-sidecar-injector", "istio", 1)
				mesh, ok := meshes[meshName]
				if !ok {
					failed = append(failed, fmt.Sprintf("%s %s: no mesh config %s beside it", filepath.Base(f), name, meshName))
					continue
				}
				if _, err := upstream.ParseInjectionSettings(inj["config"], inj["values"], mesh); err != nil {
					failed = append(failed, fmt.Sprintf("%s %s: %v", filepath.Base(f), name, err))
					continue
				}
				loaded++
			}
		}
		fmt.Printf("conformance %s istiod loads: %d mesh configs and injectors from %d cases, failed %d\n", tag, loaded, len(files), len(failed))
		for _, msg := range failed {
			t.Errorf("%s: %s", tag, msg)
		}
		if loaded == 0 {
			t.Errorf("%s: no injector was loaded", tag)
		}
	}
}
