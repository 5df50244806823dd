import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import test from 'ava';
import { execa } from 'execa';
import { currentProblems } from '../src/lab/converge.js';
import { bondMac } from '../src/lab/lag/ovs/index.js';
import { ReadinessError } from '../src/lab/readiness.js';
import { hostPart } from '../src/topology/addresses.js';
import { labFor, leftovers } from './helpers/labs.js';
import { root } from './helpers/reference.js';

const slow = (t: { timeout: (ms: number) => void }) => t.timeout(420_000);

test.serial('netns: maps-voice comes up converged with host processes, and down kills them all', async (t) => {
  slow(t);
  // FRR keeps /var/tmp/frr/<daemon>.<pid> until a clean exit: nothing of this lab may stay there.
  const crashLogs = async () => new Set(await readdir('/var/tmp/frr').catch(() => [] as string[]));
  const before = await crashLogs();
  const lab = await labFor(t, 'topologies/maps-voice.yaml', 'e2e-netns', 'netns');
  const during = [...(await crashLogs())].filter((f) => !before.has(f));
  t.true(during.length >= 36, `FRR made its folders (${during.length}), so their removal is measured`);
  t.deepEqual(await currentProblems(lab), []);
  // Each end of an interconnect reaches the other's bond port, never a member's own MAC (a member MAC
  // in the ARP cache made a LAG path drop the flows hashed onto the other member).
  for (const ic of lab.model.interconnects) {
    for (const [node, neighbour] of [
      [ic.peerRouter, ic.edgeAddress],
      [ic.edgeRouter, ic.peerAddress],
    ] as const) {
      const ip = hostPart(neighbour);
      const neigh = await lab.exec(node, ['ip', 'neigh', 'show', ip, 'dev', ic.lag.interface]);
      t.regex(neigh.stdout, new RegExp(`lladdr ${bondMac(ip)} `), `${node} resolves ${ip} to its bond port`);
    }
  }
  t.is(lab.runtime.kind, 'netns');
  await lab.down();
  t.deepEqual(await leftovers('e2e-netns'), []);
  t.deepEqual(
    during.filter((f) => existsSync(`/var/tmp/frr/${f}`)),
    [],
    'down removed every FRR crash-log folder of the lab',
  );
});

test.serial('two labs with different names run at the same time without collisions', async (t) => {
  slow(t);
  const [a, b] = await Promise.all([
    labFor(t, 'test/fixtures/labs/small.yaml', 'e2e-twin-a'),
    labFor(t, 'test/fixtures/labs/small.yaml', 'e2e-twin-b'),
  ]);
  t.deepEqual(await currentProblems(a), []);
  t.deepEqual(await currentProblems(b), []);
  await a.down();
  t.deepEqual(await leftovers('e2e-twin-a', { daemons: false }), []);
  t.deepEqual(await currentProblems(b), [], 'removing one lab leaves the other converged');
  await b.down();
  t.deepEqual(await leftovers('e2e-twin-b'), []);
});

test.serial(
  'a lab whose sessions cannot establish fails with a readiness report naming them, and leaves nothing',
  async (t) => {
    slow(t);
    const error = await t.throwsAsync(
      labFor(t, 'test/fixtures/labs/mismatched-asn.yaml', 'e2e-mismatch', 'docker', 40_000),
      { instanceOf: ReadinessError },
    );
    t.true(
      error.problems.some((p) => /^a-msee1: BGP a\/ic1 to 198\.51\.100\.1 is (Active|Connect|Idle|OpenSent)/.test(p)),
      error.message,
    );
    t.false(
      // Sessions are named a/ic2, its LAG a-ic2, its routers a-pe2 and a-msee2.
      error.problems.some((p) => /a[/-]ic2|^a-(pe2|msee2):/.test(p)),
      'the healthy interconnect is not blamed',
    );
    t.deepEqual(await leftovers('e2e-mismatch'), []);
  },
);

test.serial('Ctrl-C during peerlab up tears the lab down and exits 130', async (t) => {
  slow(t);
  const up = execa(`${root}/bin/peerlab.js`, ['up', 'test/fixtures/labs/small.yaml', '--name', 'e2e-interrupt'], {
    cwd: root,
    reject: false,
  });
  let made = false;
  for (let i = 0; i < 100 && !made; i++) {
    made = (await leftovers('e2e-interrupt')).some((l) => l.includes('docker'));
    if (!made) await sleep(200);
  }
  t.true(made, 'SIGINT came after the containers existed');
  up.kill('SIGINT');
  const result = await up;
  t.is(result.exitCode, 130, result.stderr);
  t.regex(result.stderr, /interrupted/);
  t.deepEqual(await leftovers('e2e-interrupt'), []);
});
