import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'ava';
import type { NodeAccess } from '../src/daemons/types.js';
import { expectedState } from '../src/lab/expected.js';
import { keptDown } from '../src/lab/kept-down.js';
import { Lab } from '../src/lab/lab.js';
import type { LagDriver } from '../src/lab/lag/types.js';
import { problemsOf } from '../src/lab/readiness.js';
import type { NodeSnapshot } from '../src/lab/snapshot.js';
import type { Runtime } from '../src/runtime/types.js';
import { loadTopology } from '../src/topology/load.js';
import { root } from './helpers/reference.js';

const sample = (name: string) => readFile(join(root, 'test', 'fixtures', 'observe', name), 'utf8');

/**
 * The no-BFD partner lab as certify runs it: fra-pe1's own config has no `neighbor MSFT bfd`, so BFD on
 * fra/ic1 never comes up and the edge's gate holds its BGP. The answers are what each FRR said there.
 */
async function noBfdLab(options: { gate?: boolean; partnerRunsBfd?: boolean } = {}) {
  const model = await loadTopology('examples/partner-voice/broken/topology-no-bfd.yaml');
  const lab = new Lab('t', model, {} as Runtime, {} as LagDriver, async () => {});
  const session = model.sessions.find((s) => s.interconnect === 'fra/ic1')!;
  const [edge, partner] = session.a.node === 'fra-msee1' ? [session.a, session.b] : [session.b, session.a];
  if (options.gate ?? true) lab.gate = { events: [], gated: [{ node: edge.node, address: partner.address }] };
  const answers: Record<string, string> = {
    [edge.node]: await sample('frr-neighbor-held-for-bfd.json'),
    [partner.node]: await partnerAnswer(edge.address, options.partnerRunsBfd ?? false),
  };
  const access = async (node: string): Promise<NodeAccess> => ({
    dirs: { dir: '/x', run: '/x/run' },
    exec: async (argv) => (argv.at(-1)?.startsWith('show bgp neighbors') ? answers[node] : undefined),
    procNet: async () => undefined,
  });
  // Everything as a converged lab has it but fra/ic1's BFD and BGP, at both ends.
  const expected = expectedState(model).filter((e) => e.node === edge.node || e.node === partner.node);
  const snapshots = new Map<string, NodeSnapshot>(
    expected.map((e) => [
      e.node,
      {
        node: e.node,
        lags: e.lags.map((l) => ({
          name: l.name,
          negotiated: true,
          members: l.members.map((name) => ({ name, enabled: true })),
        })),
        bfd: e.node === edge.node ? [{ peer: partner.address, state: 'down' }] : [],
        bgp: e.bgp.map((b) =>
          b.session === 'fra/ic1'
            ? { peer: b.peer, state: e.node === edge.node ? 'Idle' : 'Active', received: 0 }
            : { peer: b.peer, state: 'Established', received: b.received ?? 1 },
        ),
      } as NodeSnapshot,
    ]),
  );
  return { lab, access, problems: problemsOf(expected, snapshots), edge, partner };
}

/** fra-pe1's answer, and the same with the `peerBfdInfo` FRR shows for a neighbor configured with `bfd`. */
async function partnerAnswer(edge: string, runsBfd: boolean): Promise<string> {
  const answer = JSON.parse(await sample('frr-neighbor-no-bfd.json')) as Record<string, Record<string, unknown>>;
  if (runsBfd) answer[edge]!.peerBfdInfo = { type: 'single hop', detectMultiplier: 3, status: 'Down' };
  return JSON.stringify(answer);
}

test('a BFD session one end runs no BFD for, and the BGP session the edge holds for it, are kept down: no wait brings them up', async (t) => {
  const { lab, access, problems, partner } = await noBfdLab();
  t.is(problems.length, 4, problems.map((p) => p.text).join('\n'));
  const kept = await keptDown(lab, problems, access);
  t.truthy(kept, 'kept down');
  const why = `fra-pe1 runs no BFD with`;
  t.true(
    kept!.every((line) => line.includes(why)),
    kept!.join('\n'),
  );
  t.truthy(kept!.find((l) => /^fra-msee1: BFD fra\/ic1 .* is down, cannot come up: fra-pe1 runs no BFD with/.test(l)));
  t.truthy(
    kept!.find((l) => /^fra-msee1: BGP fra\/ic1 .* is Idle, held by the edge until BFD is up, and fra-pe1/.test(l)),
  );
  t.truthy(kept!.find((l) => l.startsWith(`fra-pe1: BGP fra/ic1`)));
  t.false(
    kept!.some((l) => l.includes(`${partner.address} (its`)),
    'names the neighbor fra-pe1 has without BFD',
  );
});

test('not kept down: a partner that runs BFD, a BGP session no gate holds, a daemon that does not answer, or any other problem', async (t) => {
  const bfd = await noBfdLab({ partnerRunsBfd: true });
  t.is(await keptDown(bfd.lab, bfd.problems, bfd.access), undefined, 'both ends run BFD: it may yet come up');
  const ungated = await noBfdLab({ gate: false });
  t.is(await keptDown(ungated.lab, ungated.problems, ungated.access), undefined, 'BGP not held by a gate may come up');
  const silent = await noBfdLab();
  const none = async (node: string): Promise<NodeAccess> => ({
    ...(await silent.access(node)),
    exec: async () => undefined,
  });
  t.is(await keptDown(silent.lab, silent.problems, none), undefined, 'no answer is no reason');
  const other = await noBfdLab();
  const more = [...other.problems, { text: 'fra-pe1: LAG fra-ic1 LACP not negotiated' }];
  t.is(await keptDown(other.lab, more, other.access), undefined, 'a LAG may yet negotiate');
});
