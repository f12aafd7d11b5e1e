package ours

import (
	"bufio"
	"bytes"
	"io"
	"os"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/yaml"
)

// Objects reads every object of a multi-document YAML file.
func Objects(path string) ([]*unstructured.Unstructured, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	reader := yaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(b)))
	var out []*unstructured.Unstructured
	for {
		raw, err := reader.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		u := &unstructured.Unstructured{}
		if err := yaml.Unmarshal(raw, &u.Object); err != nil {
			return nil, err
		}
		if len(u.Object) > 0 {
			out = append(out, u)
		}
	}
}

// CaseObjects reads the objects of one case (`default`, `revision-canary`, ...) of a release.
func CaseObjects(tag, name string) ([]*unstructured.Unstructured, error) {
	dir, err := ReleaseDir(tag)
	if err != nil {
		return nil, err
	}
	return Objects(dir + "/cases/" + name + ".yaml")
}
