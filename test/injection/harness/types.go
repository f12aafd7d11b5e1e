package main

// Types shaped like the Kubernetes and Istio Go types istiod hands to a
// template: same Go field names (what templates see) and the same JSON names
// (what structToJSON prints). Only the fields a template may reasonably
// navigate are typed; the rest are carried as decoded JSON, so a template
// that walks into them behaves differently here than in istiod. Our templates
// only read the typed ones.

import (
	"encoding/json"
	"fmt"
	"strconv"
)

// TypeMeta mirrors metav1.TypeMeta.
type TypeMeta struct {
	Kind       string `json:"kind,omitempty"`
	APIVersion string `json:"apiVersion,omitempty"`
}

// NamespacedName mirrors types.NamespacedName (istiod's DeploymentMeta).
type NamespacedName struct {
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
}

// ObjectMeta mirrors the parts of metav1.ObjectMeta templates use.
type ObjectMeta struct {
	Name            string            `json:"name,omitempty"`
	GenerateName    string            `json:"generateName,omitempty"`
	Namespace       string            `json:"namespace,omitempty"`
	Labels          map[string]string `json:"labels,omitempty"`
	Annotations     map[string]string `json:"annotations,omitempty"`
	OwnerReferences []interface{}     `json:"ownerReferences,omitempty"`
}

// PodSpec mirrors corev1.PodSpec (typed where templates read).
type PodSpec struct {
	Volumes            []interface{} `json:"volumes,omitempty"`
	InitContainers     []Container   `json:"initContainers,omitempty"`
	Containers         []Container   `json:"containers"`
	RestartPolicy      string        `json:"restartPolicy,omitempty"`
	ServiceAccountName string        `json:"serviceAccountName,omitempty"`
	NodeName           string        `json:"nodeName,omitempty"`
	HostNetwork        bool          `json:"hostNetwork,omitempty"`
	SecurityContext    interface{}   `json:"securityContext,omitempty"`
	ImagePullSecrets   []interface{} `json:"imagePullSecrets,omitempty"`
}

// Container mirrors corev1.Container.
type Container struct {
	Name            string          `json:"name"`
	Image           string          `json:"image,omitempty"`
	Command         []string        `json:"command,omitempty"`
	Args            []string        `json:"args,omitempty"`
	WorkingDir      string          `json:"workingDir,omitempty"`
	Ports           []ContainerPort `json:"ports,omitempty"`
	Env             []interface{}   `json:"env,omitempty"`
	Resources       interface{}     `json:"resources,omitempty"`
	RestartPolicy   *string         `json:"restartPolicy,omitempty"`
	VolumeMounts    []interface{}   `json:"volumeMounts,omitempty"`
	LivenessProbe   interface{}     `json:"livenessProbe,omitempty"`
	ReadinessProbe  interface{}     `json:"readinessProbe,omitempty"`
	StartupProbe    interface{}     `json:"startupProbe,omitempty"`
	Lifecycle       interface{}     `json:"lifecycle,omitempty"`
	ImagePullPolicy string          `json:"imagePullPolicy,omitempty"`
	SecurityContext interface{}     `json:"securityContext,omitempty"`
}

// ContainerPort mirrors corev1.ContainerPort, field order included (it
// decides the key order structToJSON prints).
type ContainerPort struct {
	Name          string `json:"name,omitempty"`
	HostPort      int32  `json:"hostPort,omitempty"`
	ContainerPort int32  `json:"containerPort"`
	Protocol      string `json:"protocol,omitempty"`
	HostIP        string `json:"hostIP,omitempty"`
}

// BoolValue mirrors the protobuf wrapper (templates call .GetValue, which
// works on a nil pointer too).
type BoolValue struct{ Value bool }

func (b *BoolValue) GetValue() bool {
	if b == nil {
		return false
	}
	return b.Value
}

func (b *BoolValue) UnmarshalJSON(data []byte) error { return json.Unmarshal(data, &b.Value) }

// Int32Value mirrors the protobuf wrapper.
type Int32Value struct{ Value int32 }

func (i *Int32Value) GetValue() int32 {
	if i == nil {
		return 0
	}
	return i.Value
}

func (i *Int32Value) UnmarshalJSON(data []byte) error { return json.Unmarshal(data, &i.Value) }

// InterceptionMode mirrors ProxyConfig_InboundInterceptionMode: an enum whose
// String() is the mode name (what `annotation` prints for a default).
type InterceptionMode int32

var interceptionModes = []string{"REDIRECT", "TPROXY", "NONE"}

func (m InterceptionMode) String() string {
	if int(m) >= 0 && int(m) < len(interceptionModes) {
		return interceptionModes[m]
	}
	return strconv.Itoa(int(m))
}

func (m *InterceptionMode) UnmarshalJSON(data []byte) error {
	var s string
	if err := json.Unmarshal(data, &s); err == nil {
		for i, name := range interceptionModes {
			if name == s {
				*m = InterceptionMode(i)
				return nil
			}
		}
		return fmt.Errorf("unknown interceptionMode %q", s)
	}
	var n int32
	if err := json.Unmarshal(data, &n); err != nil {
		return err
	}
	*m = InterceptionMode(n)
	return nil
}

// ProxyImage mirrors networking.v1beta1.ProxyImage.
type ProxyImage struct {
	ImageType string `json:"imageType,omitempty"`
}

// ProxyConfig mirrors the meshconfig.ProxyConfig fields templates use. raw
// keeps the JSON it was decoded from, which protoToJSON prints.
type ProxyConfig struct {
	ConfigPath                      string            `json:"configPath"`
	BinaryPath                      string            `json:"binaryPath"`
	ServiceCluster                  string            `json:"serviceCluster"`
	DiscoveryAddress                string            `json:"discoveryAddress"`
	ProxyAdminPort                  int32             `json:"proxyAdminPort"`
	StatusPort                      int32             `json:"statusPort"`
	Concurrency                     *Int32Value       `json:"concurrency"`
	InterceptionMode                InterceptionMode  `json:"interceptionMode"`
	ProxyMetadata                   map[string]string `json:"proxyMetadata"`
	HoldApplicationUntilProxyStarts *BoolValue        `json:"holdApplicationUntilProxyStarts"`
	MeshId                          string            `json:"meshId"`
	Image                           *ProxyImage       `json:"image"`
	Tracing                         interface{}       `json:"tracing"`

	raw map[string]interface{}
}

// ExtensionProvider mirrors MeshConfig_ExtensionProvider by name; the provider
// body stays decoded JSON.
type ExtensionProvider struct {
	Name string `json:"name"`

	raw map[string]interface{}
}

// MeshConfig mirrors the meshconfig.MeshConfig fields templates use.
type MeshConfig struct {
	TrustDomain           string               `json:"trustDomain"`
	TrustDomainAliases    []string             `json:"trustDomainAliases"`
	RootNamespace         string               `json:"rootNamespace"`
	EnablePrometheusMerge *BoolValue           `json:"enablePrometheusMerge"`
	DefaultConfig         *ProxyConfig         `json:"defaultConfig"`
	ExtensionProviders    []*ExtensionProvider `json:"extensionProviders"`
	InboundTrafficPolicy  interface{}          `json:"inboundTrafficPolicy"`
	OutboundTrafficPolicy interface{}          `json:"outboundTrafficPolicy"`
	DefaultProviders      interface{}          `json:"defaultProviders"`
}

func decodeProxyConfig(data json.RawMessage) (*ProxyConfig, error) {
	pc := &ProxyConfig{raw: map[string]interface{}{}}
	if len(data) == 0 || string(data) == "null" {
		return pc, nil
	}
	if err := json.Unmarshal(data, pc); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(data, &pc.raw); err != nil {
		return nil, err
	}
	return pc, nil
}

func decodeMeshConfig(data json.RawMessage) (*MeshConfig, error) {
	mc := &MeshConfig{}
	if len(data) == 0 || string(data) == "null" {
		return mc, nil
	}
	if err := json.Unmarshal(data, mc); err != nil {
		return nil, err
	}
	var raw struct {
		DefaultConfig      json.RawMessage          `json:"defaultConfig"`
		ExtensionProviders []map[string]interface{} `json:"extensionProviders"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, err
	}
	if len(raw.DefaultConfig) > 0 {
		pc, err := decodeProxyConfig(raw.DefaultConfig)
		if err != nil {
			return nil, err
		}
		mc.DefaultConfig = pc
	}
	for i, p := range raw.ExtensionProviders {
		if i < len(mc.ExtensionProviders) && mc.ExtensionProviders[i] != nil {
			mc.ExtensionProviders[i].raw = p
		}
	}
	return mc, nil
}
