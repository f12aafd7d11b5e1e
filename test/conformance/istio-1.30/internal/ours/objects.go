package ours

import (
	"bufio"
	"bytes"
	"io"
	"os"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/yaml"
)

// SplitDocuments splits a multi-document YAML text into its non-empty documents.
func SplitDocuments(b []byte) ([][]byte, error) {
	reader := yaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(b)))
	var out [][]byte
	for {
		raw, err := reader.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		if len(bytes.TrimSpace(raw)) > 0 {
			out = append(out, raw)
		}
	}
}

// Objects reads every object of a multi-document YAML file.
func Objects(path string) ([]*unstructured.Unstructured, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	docs, err := SplitDocuments(b)
	if err != nil {
		return nil, err
	}
	var out []*unstructured.Unstructured
	for _, raw := range docs {
		u := &unstructured.Unstructured{}
		if err := yaml.Unmarshal(raw, &u.Object); err != nil {
			return nil, err
		}
		if len(u.Object) > 0 {
			out = append(out, u)
		}
	}
	return out, nil
}

// CaseObjects reads the objects of one case (`default`, `revision-canary`, ...) of a release.
func CaseObjects(tag, name string) ([]*unstructured.Unstructured, error) {
	dir, err := ReleaseDir(tag)
	if err != nil {
		return nil, err
	}
	return Objects(dir + "/cases/" + name + ".yaml")
}
