import { readdir } from 'node:fs/promises';
import test from 'ava';
import { NetnsRuntime } from '../src/runtime/netns.js';
import { agentMarker, labDir, resourceName } from '../src/runtime/identity.js';
import { probePort, type FlowPlan } from '../src/probe/flows.js';
import { analyzeCapture, startProbe } from '../src/probe/probe.js';
import { runCommand } from '../src/util/run.js';
import { leftovers } from './helpers/labs.js';

const lab = 'probe-baseline';
const ns = (node: string) => resourceName(lab, node);

/** Two namespaces joined by one veth: nothing between the agents but the kernel. */
async function twoHosts() {
  await runCommand(['ip', 'netns', 'add', ns('a')]);
  await runCommand(['ip', 'netns', 'add', ns('b')]);
  await runCommand([
    'ip',
    'link',
    'add',
    'plbase-a',
    'netns',
    ns('a'),
    'type',
    'veth',
    'peer',
    'plbase-b',
    'netns',
    ns('b'),
  ]);
  for (const [node, address] of [
    ['a', '198.19.255.0/31'],
    ['b', '198.19.255.1/31'],
  ] as const) {
    await runCommand(['ip', '-n', ns(node), 'addr', 'add', address, 'dev', `plbase-${node}`]);
    await runCommand(['ip', '-n', ns(node), 'link', 'set', `plbase-${node}`, 'up']);
  }
}

test.serial(
  'baseline: the probe carries its flows both ways with no loss of its own, at 10,000 packets/s per flow where the host can and never under 1,000',
  async (t) => {
    t.timeout(180_000);
    const runtime = new NetnsRuntime();
    t.teardown(() => runtime.removeLab(lab));
    await twoHosts();
    const flow = (id: number, from: 'a' | 'b', srcPort: number, rate: number): FlowPlan => ({
      id,
      from,
      to: from === 'a' ? 'b' : 'a',
      srcAddr: from === 'a' ? '198.19.255.0' : '198.19.255.1',
      srcPort,
      dstAddr: from === 'a' ? '198.19.255.1' : '198.19.255.0',
      dstPort: probePort,
      rate,
    });
    const hosts = { name: lab, dir: labDir(lab), netnsPath: async (node: string) => `/run/netns/${ns(node)}` };
    // How fast a busy host lets the agents run is the host's figure, not the probe's: from 10,000 pps per
    // flow down, the first rate it carries without loss is logged, and must reach the scenarios' default.
    let carried: number | undefined;
    for (const rate of [10_000, 5_000, 2_500, 1_000]) {
      const flows = [1, 2, 3, 4].map((i) => flow(i, i <= 2 ? 'a' : 'b', 40000 + i, rate));
      const probe = await startProbe(hosts, flows);
      await new Promise((r) => setTimeout(r, 5000));
      const stats = analyzeCapture(await probe.stop());
      t.is(stats.length, flows.length, 'every flow was captured');
      for (const s of stats) {
        t.log(
          `${rate} pps: flow ${s.flow} ${s.plan.from}->${s.plan.to}: sent ${s.sent} (${(s.sent / 5) | 0} pps), lost ${s.lost}, ` +
            `one-way p50/p99 ${s.latency[0]!.oneWayMs?.p50.toFixed(3)}/${s.latency[0]!.oneWayMs?.p99.toFixed(3)} ms, ` +
            `rtt p50 ${s.latency[0]!.rttMs?.p50.toFixed(3)} ms`,
        );
        t.is(s.duplicated, 0);
        t.truthy(s.latency[0]!.rttMs, 'echo replies measured round trips');
      }
      if (stats.every((s) => s.lost === 0 && s.sent >= rate * 5 * 0.96)) {
        carried = rate;
        break;
      }
    }
    t.log(`the probe carried ${carried ?? 'less than 1,000'} pps per flow, 4 flows, with nothing lost`);
    t.truthy(carried, 'the probe keeps up, loss-free, with 1,000 pps per flow at least');
    // Before the namespaces go (removing them kills what runs inside): the probe itself stopped its agents
    // and removed its capture folder. `--` ends pgrep's options (the marker starts with dashes); exit 1 is
    // "nothing matched", 2 would be an error.
    const agents = await runCommand(['pgrep', '-f', '--', `${agentMarker(lab)}$`], { allowFailure: true });
    t.is(agents.exitCode, 1, `no probe agent outlives its probe: ${agents.stdout}${agents.stderr}`);
    t.deepEqual(await readdir(labDir(lab)), [], 'the probe removed its capture folder');
    await runtime.removeLab(lab);
    await runCommand(['rm', '-rf', labDir(lab)]);
    t.deepEqual(await leftovers(lab), []);
  },
);
