import test from 'ava';
import { NetnsRuntime } from '../src/runtime/netns.js';
import type { RouterEvidence } from '../src/requirements/router-evidence.js';
import { runSandbox } from '../src/sandbox/run.js';
import { loadTopology } from '../src/topology/load.js';
import { leftovers } from './helpers/labs.js';

// A partner router's own config in its own daemon (the host's FRR 8.4 and BIRD 2.0), a BIRD stub on every
// session of its contract: what the daemon did with the config, not what peerlab reads in the file.
const sandbox = async (file: string, router: string) => {
  const evidence = await runSandbox(await loadTopology(file), router, { runtime: new NetnsRuntime() });
  return evidence;
};

/** Sandbox labs still there, and anything a lab could leave (daemons, watchers) host-wide. */
const sandboxLeftovers = async () => [
  ...(await new NetnsRuntime().listLabs()).filter((l) => l.startsWith('sbx-')),
  ...(await leftovers('sbx-none')),
];

const edge = (e: RouterEvidence) => e.sessions.find((s) => s.kind === 'interconnect')!;

for (const [router, daemon] of [
  ['fra-pe1', 'frr'],
  ['ams-pe1', 'bird'],
] as const) {
  test.serial(
    `sandbox of ${router} (${daemon}): sessions up, BFD as the edge negotiated it, registered prefixes reach AS8075 tagged 8075:8007 and nothing else of the witnesses`,
    async (t) => {
      t.timeout(120_000);
      const e = await sandbox('examples/partner-voice/topology.yaml', router);
      t.log(
        `${router}: ${e.elapsedMs} ms; ${JSON.stringify(e.sessions.map(({ received, ...s }) => ({ ...s, received: received.length })))}`,
      );
      t.is(e.daemon, daemon);
      t.deepEqual(
        e.sessions.map((s) => s.state),
        e.sessions.map(() => 'Established'),
      );
      const toEdge = edge(e);
      t.like(toEdge.bfd, { state: 'up', intervalMs: 300, detectionMs: 900 });
      const registered = e.witnesses.filter((w) => w.kind === 'registered').map((w) => w.prefix);
      t.true(registered.length > 0);
      for (const prefix of registered) {
        const route = toEdge.received.find((r) => r.prefix === prefix);
        t.truthy(route, `${prefix} reached the edge`);
        t.true(route?.communities.includes('8075:8007'), `${prefix} tagged 8075:8007`);
        t.is(route?.asPath[0], 64500, `${prefix} sent from AS64500`);
      }
      const foreign = e.witnesses.filter((w) => !['registered', 'unregistered', 'more-specific'].includes(w.kind));
      t.deepEqual(
        toEdge.received.filter((r) => foreign.some((w) => w.prefix === r.prefix)).map((r) => r.prefix),
        [],
        "no customer's, private-path or default route leaks to AS8075",
      );
      t.deepEqual(await sandboxLeftovers(), []);
    },
  );
}

test.serial('sandbox of a router whose config runs no BFD: the edge has no BFD session with it', async (t) => {
  t.timeout(120_000);
  const e = await sandbox('examples/partner-voice/broken/topology-no-bfd.yaml', 'fra-pe1');
  const toEdge = edge(e);
  t.is(toEdge.state, 'Established');
  t.not(toEdge.bfd?.state, 'up', JSON.stringify(toEdge.bfd));
  t.deepEqual(await sandboxLeftovers(), []);
});
