"""Instantiate a graph's nodes and links in Mininet, for bench:scale's comparison (Debian's mininet package).

    python3 scripts/mininet-graph.py graph.json   # {"nodes": [...], "links": [[a, b], ...]}

Hosts only (each a shell in its own network namespace, as Mininet makes them) joined by veth pairs: the
same node and link instantiation peerlab's netns runtime does before any daemon starts. Prints JSON.
"""
import json
import sys
import time

from mininet.log import setLogLevel
from mininet.net import Mininet

graph = json.load(open(sys.argv[1]))
setLogLevel('error')
started = time.monotonic()
net = Mininet(controller=None, build=False, autoSetMacs=False, autoStaticArp=False)
for node in graph['nodes']:
    net.addHost(node)
for a, b in graph['links']:
    net.addLink(a, b)
net.build()
built = time.monotonic()
net.stop()
stopped = time.monotonic()
print(json.dumps({'nodes': len(graph['nodes']), 'links': len(graph['links']), 'upS': built - started, 'downS': stopped - built}))
