#!/usr/bin/env python3
"""What SCALE-Sim v2's own loader makes of every topology file it ships.

Run against a SCALE-Sim v2 checkout (its scalesim/topology_utils.py is imported, nothing of ours):
    python3 tools/scalesim_parse.py SCALE_SIM_CHECKOUT > validation/scalesim-v2/expected-parse.json
For each file under topologies/ (the form told by the header, as `sim run --topology` tells it), loaded and its output
sizes computed as a run does first: the layers as SCALE-Sim's topo_arrays hold them (name, IFMAP height and width, filter height and width, channels, filters, stride
height and width), or the exception it fails with. workloads' ScaleSimTopologyTest reads our parse of the same files
against this.
"""
import json
import os
import sys

root = sys.argv[1]
sys.path.insert(0, os.path.join(root, 'scalesim'))
from topology_utils import topologies  # noqa: E402

out = {}
base = os.path.join(root, 'topologies')
for d, _, files in sorted(os.walk(base)):
    for f in sorted(files):
        if not f.endswith('.csv'):
            continue
        path = os.path.join(d, f)
        rel = os.path.relpath(path, base)
        with open(path) as fh:
            header = fh.readline()
        gemm = [h.strip() for h in header.split(',')][1:4] == ['M', 'N', 'K']
        t = topologies()
        try:
            t.load_arrays(topofile=path, mnk_inputs=gemm)
            t.topo_calc_hyperparams()  # what a run computes first: output sizes from all eight numbers of a layer
            out[rel] = {'form': 'gemm' if gemm else 'conv',
                        'layers': [[e[0]] + [int(x) for x in e[1:9]] for e in t.topo_arrays]}
        except Exception as ex:  # what SCALE-Sim fails with, recorded
            out[rel] = {'form': 'gemm' if gemm else 'conv', 'error': type(ex).__name__ + ': ' + str(ex)}
# one file per line: the fixture stays readable in a diff
items = sorted(out.items())
print('{')
for i, (k, v) in enumerate(items):
    print(json.dumps(k) + ': ' + json.dumps(v) + (',' if i < len(items) - 1 else ''))
print('}')
