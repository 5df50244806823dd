import test from 'ava';
import { kernelLag } from '../src/lab/lag/kernel/index.js';
import { nftLag } from '../src/lab/lag/nft/index.js';
import { ovsLag } from '../src/lab/lag/ovs/index.js';
import { hostWiringBatch, nodeWiringCommands, setupSteps } from '../src/lab/wire.js';
import { loadTopology } from '../src/topology/load.js';
import { root } from './helpers/reference.js';
import { join } from 'node:path';
import { bondsOf } from '../src/lab/lag/types.js';

test("a node's wiring runs as one `ip -batch` per run of ip commands, in order, other commands between", (t) => {
  const steps = setupSteps([
    ['ip', 'link', 'set', 'lo', 'up'],
    ['ip', 'addr', 'add', '192.0.2.1/31', 'dev', 'e-core'],
    ['ovs-vsctl', 'add-br', 'ic1'],
    ['ip', 'link', 'set', 'ic1', 'up'],
    ['ip', 'route', 'add', 'default', 'via', '192.0.2.0'],
  ]);
  t.deepEqual(steps, [
    { batch: 'link set lo up\naddr add 192.0.2.1/31 dev e-core\n', count: 2 },
    { argv: ['ovs-vsctl', 'add-br', 'ic1'] },
    { batch: 'link set ic1 up\nroute add default via 192.0.2.0\n', count: 2 },
  ]);
  t.deepEqual(setupSteps([['ip', 'link', 'set', 'lo', 'up']]), [{ argv: ['ip', 'link', 'set', 'lo', 'up'] }]);
  // A word that a batch line would split or read as a quote or comment runs on its own.
  t.deepEqual(setupSteps([['ip', 'link', 'set', 'x#y', 'up']]), [{ argv: ['ip', 'link', 'set', 'x#y', 'up'] }]);
});

test('a router of the voice topology is wired and bonded in a few processes instead of one per command', async (t) => {
  const model = await loadTopology(join(root, 'topologies/maps-voice.yaml'));
  const node = model.nodes.find((n) => n.role === 'peer-router')!;
  for (const lag of [kernelLag, nftLag, ovsLag]) {
    const commands = [...nodeWiringCommands(model, node.name), ...lag.setup(bondsOf(node.interfaces), '/run/x')];
    const steps = setupSteps(commands);
    t.is(
      steps.reduce((n, s) => n + ('count' in s ? s.count : 1), 0),
      commands.length,
      `${lag.kind}: every command runs`,
    );
    t.log(`${lag.kind}: ${commands.length} commands in ${steps.length} processes`);
    // OVS starts its two daemons, then one ovs-vsctl per bond: everything else batches.
    t.is(steps.filter((s) => 'argv' in s && s.argv[0] === 'ip').length, 0, `${lag.kind}: no ip command on its own`);
  }
});

test('the two ends of every link have interface indexes of their own, so the kernel reports carrier at once', async (t) => {
  const model = await loadTopology(join(root, 'topologies/maps-voice.yaml'));
  const targets = new Map(model.nodes.map((n) => [n.name, `ns-${n.name}`]));
  const indexes = hostWiringBatch(model, targets)
    .split('\n')
    .map((line) => [...line.matchAll(/ index (\d+) /g)].map((m) => Number(m[1])));
  t.is(indexes.length, model.links.length);
  for (const [a, b] of indexes) t.not(a, b);
  t.is(new Set(indexes.flat()).size, 2 * model.links.length);
});
