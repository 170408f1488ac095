// Builds k8s.io/kubernetes/cmd/kube-apiserver for the tests (scripts/setup-kube.sh). `go install`
// refuses k8s.io/kubernetes because its go.mod replaces the k8s.io/* staging modules with local
// directories; setup-kube.sh copies this file to its cache and appends a replace block pointing
// each of those modules at its published v0.<minor>.<patch> release instead.
module k8s-incident-flow/kube-build/apiserver

go 1.24.0

require k8s.io/kubernetes v1.34.4
