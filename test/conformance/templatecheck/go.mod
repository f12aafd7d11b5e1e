module github.com/cdk8s-istio/conformance/templatecheck

go 1.26
