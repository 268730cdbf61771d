#!/bin/bash
# The Kubernetes manifests (deploy/kubernetes/*.yaml) against the API schema
# and against what the README promises of them (tests/deploy/validate.js,
# run by Debian's nodejs with the npm packages make put in build/npm).
TOP=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$TOP/build}
if [ ! -d "$BUILD/npm/node_modules/kubernetes-models" ]; then
	echo "Bail out! $BUILD/npm/node_modules is not installed (run make test-build)"
	exit 1
fi
cd "$TOP" && NODE_PATH=$BUILD/npm/node_modules exec node tests/deploy/validate.js deploy/kubernetes/*.yaml
