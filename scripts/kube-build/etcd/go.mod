// Builds etcd (go.etcd.io/etcd/server/v3) for the tests (scripts/setup-kube.sh). A module of its
// own: kube-apiserver needs etcd's v3.6 client, the server here is v3.5 (Debian's 3.4 stalls watches).
module k8s-incident-flow/kube-build/etcd

go 1.26.0

require go.etcd.io/etcd/server/v3 v3.5.36
