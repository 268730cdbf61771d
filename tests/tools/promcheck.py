#!/usr/bin/python3
# promcheck.py: read Prometheus text exposition on stdin, parse it with the
# reference parser (Debian's python3-prometheus-client), and print one
# "sample value" line per sample; exit 1 if it does not parse, or a metric
# name lacks the sockaccel_ prefix, or a family has no TYPE, or some families
# have HELP and others not (the static build leaves every HELP line out, which
# the text format allows; the default build writes one for every family).
import sys
from prometheus_client.parser import text_string_to_metric_families

text = sys.stdin.read()
try:
    families = list(text_string_to_metric_families(text))
except Exception as e:  # the parser raises ValueError and others
    print(f"promcheck: does not parse: {e!r}", file=sys.stderr)
    sys.exit(1)
bad = 0
helps = sum(1 for f in families if f.documentation)
if 0 < helps < len(families):
    print(f"promcheck: HELP on {helps} of {len(families)} families", file=sys.stderr)
    bad = 1
for f in families:
    if not f.name.startswith("sockaccel_"):
        print(f"promcheck: {f.name}: no sockaccel_ prefix", file=sys.stderr)
        bad = 1
    if f.type == "unknown":
        print(f"promcheck: {f.name}: no TYPE", file=sys.stderr)
        bad = 1
    for s in f.samples:
        labels = ",".join(f'{k}="{v}"' for k, v in sorted(s.labels.items()))
        print(f"{s.name}{{{labels}}} {int(s.value)}" if labels else f"{s.name} {int(s.value)}")
if not families:
    print("promcheck: no metric at all", file=sys.stderr)
    bad = 1
sys.exit(bad)
