import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
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
  'a lab whose sessions cannot establish (a peer AS mismatch) fails as soon as the daemons refuse them, with a readiness report naming them and the OPEN error, and leaves nothing',
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
    // Not the 40 s timeout: both daemons said why (the edge sent Bad Peer AS, a-pe1 received it), so up stopped.
    t.true(error.refused, error.message);
    t.true(
      error.problems.every((p) => /, refused: .*Bad Peer AS$/i.test(p)),
      'each problem names the OPEN error its daemon gave',
    );
    t.false(
      // Sessions are named a/ic2, its LAG a-ic2, its routers a-pe2 and a-msee2.
      error.problems.some((p) => /a[/-]ic2|^a-(pe2|msee2):/.test(p)),
      'the healthy interconnect is not blamed',
    );
    t.deepEqual(await leftovers('e2e-mismatch'), []);
  },
);

for (const runtime of ['docker', 'netns'] as const)
  test.serial(`Ctrl-C during peerlab up tears the lab down and exits 130 (${runtime})`, async (t) => {
    slow(t);
    const name = `e2e-int-${runtime}`;
    const up = execa(
      `${root}/bin/peerlab.js`,
      ['up', 'test/fixtures/labs/small.yaml', '--name', name, '--runtime', runtime],
      { cwd: root, reject: false },
    );
    let made = false;
    for (let i = 0; i < 100 && !made; i++) {
      made = (await leftovers(name)).some((l) => l.includes(`${runtime} resources`));
      if (!made) await sleep(200);
    }
    t.true(made, 'SIGINT came after the nodes existed');
    up.kill('SIGINT');
    const result = await up;
    t.is(result.exitCode, 130, result.stderr);
    t.regex(result.stderr, /interrupted; the lab was torn down/);
    t.deepEqual(await leftovers(name), []);
  });

// As a terminal sends it: SIGINT to the whole process group, so the child running at that moment (ip -batch,
// nsenter, a daemon start) dies of it too. That child's death is the interruption, not a failed command.
for (const stage of ['wiring links', 'bonding LAGs', 'negotiating LACP', 'starting routing daemons', 'waiting for'])
  test.serial(`Ctrl-C to the process group while "${stage}" is an interruption: exit 130, nothing left`, async (t) => {
    slow(t);
    const name = `e2e-pg-${stage.split(' ')[0]}`;
    const up = execa(
      `${root}/bin/peerlab.js`,
      // maps-voice, as the report that found it: its wiring and bonding batches run long enough to be hit.
      ['up', 'topologies/maps-voice.yaml', '--name', name, '--runtime', 'netns'],
      { cwd: root, reject: false, detached: true },
    );
    let stderr = '';
    const reached = new Promise<void>((resolve) =>
      up.stderr!.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (stderr.includes(`] ${stage}`)) resolve();
      }),
    );
    await Promise.race([reached, up]);
    t.true(stderr.includes(`] ${stage}`), `up reached "${stage}": ${stderr}`);
    process.kill(-up.pid!, 'SIGINT');
    const result = await up;
    t.is(result.exitCode, 130, result.stderr);
    t.regex(result.stderr, /interrupted; the lab was torn down/);
    t.notRegex(result.stderr, /command failed/);
    t.deepEqual(await leftovers(name), []);
  });

test.serial('a SIGKILLed netns up is removed by down, FRR crash-log folders included', async (t) => {
  slow(t);
  const crashLogs = async () => new Set(await readdir('/var/tmp/frr').catch(() => [] as string[]));
  const before = await crashLogs();
  const name = 'e2e-killed-up';
  const up = execa(
    `${root}/bin/peerlab.js`,
    ['up', 'test/fixtures/labs/small.yaml', '--name', name, '--runtime', 'netns'],
    { cwd: root, reject: false },
  );
  // Killed once this lab's FRR daemons run (their pathspace names the lab): everything exists, nothing converged.
  const frrRunning = async () =>
    (await execa('pgrep', ['-f', '--', `-N peerlab_${name}_`], { reject: false })).exitCode === 0;
  let started = false;
  for (let i = 0; i < 300 && !started; i++) if (!(started = await frrRunning())) await sleep(100);
  t.true(started, "the lab's FRR daemons were running when up was killed");
  up.kill('SIGKILL');
  await up;
  t.not((await leftovers(name)).length, 0, 'the kill left the lab behind');
  const down = await execa(`${root}/bin/peerlab.js`, ['down', name], { cwd: root, reject: false });
  t.is(down.exitCode, 0, down.stderr);
  t.deepEqual(await leftovers(name), []);
  t.deepEqual(
    [...(await crashLogs())].filter((f) => !before.has(f)),
    [],
    'no /var/tmp/frr folder of its daemons',
  );
});

test.serial(
  'a fault SIGKILLed during its hold shows in status, blocks new faults, and peerlab revert undoes it',
  async (t) => {
    slow(t);
    const name = 'e2e-stale-fault';
    const cli = (...args: string[]) => execa(`${root}/bin/peerlab.js`, args, { cwd: root, reject: false });
    const up = await cli('up', 'test/fixtures/labs/small.yaml', '--name', name, '--runtime', 'netns');
    t.is(up.exitCode, 0, up.stderr);
    try {
      const fault = cli('fault', 'link-blackhole', 'a/ic1', '--lab', name, '--before', '1', '--hold', '60');
      const record = `/run/peerlab/${name}/faults`;
      // The lab's self-test records (and reverts) a fault of its own first: wait for this one's record.
      const applied = async () =>
        existsSync(record) &&
        (await Promise.all((await readdir(record)).map((f) => readFile(join(record, f), 'utf8').catch(() => '')))).some(
          (text) => text.includes('link-blackhole'),
        );
      for (let i = 0; i < 600 && !(await applied()); i++) await sleep(100);
      await sleep(3000); // in the hold: the blackhole is on, BFD has dropped the sessions
      fault.kill('SIGKILL');
      await fault;
      // Kept as soon as it was made: the next fault reuses it instead of measuring the lab again.
      t.true(existsSync(`/run/peerlab/${name}/calibration.json`), "the killed fault's self-test is kept");
      const status = await cli('status', name);
      t.is(status.exitCode, 1);
      t.regex(
        status.stdout,
        /faults still applied \(peerlab revert e2e-stale-fault undoes them\):\n {2}link-blackhole a\/ic1, applied .* \(no longer running\)/,
      );
      const blocked = await cli('fault', 'member-down', 'a/ic2/m1', '--lab', name);
      t.is(blocked.exitCode, 2);
      t.regex(blocked.stderr, /still has a fault applied \(link-blackhole a\/ic1.*run peerlab revert e2e-stale-fault/);
      const revert = await cli('revert', name);
      t.is(revert.exitCode, 0, revert.stderr);
      t.regex(revert.stdout, /reverted link-blackhole a\/ic1/);
      let converged = false;
      for (let i = 0; i < 60 && !converged; i++) {
        converged = (await cli('status', name)).exitCode === 0;
        if (!converged) await sleep(1000);
      }
      t.true(converged, 'the lab converged again after the revert');
      // The daemons' own CLIs as a user types them reach the node's daemon (a netns node's socket is its own).
      const birdc = await cli('exec', 'a-pe1', '--lab', name, '--', 'birdc', 'show', 'protocols');
      t.is(birdc.exitCode, 0, birdc.stderr);
      t.regex(birdc.stdout, /bgp_a_ic1 +BGP .* Established/);
      const vtysh = await cli('exec', 'a-pe2', '--lab', name, '--', 'vtysh', '-c', 'show bgp summary');
      t.is(vtysh.exitCode, 0, vtysh.stderr);
      t.regex(vtysh.stdout, /Total number of neighbors/);
      // A crashed BGP daemon leaves its router's kernel, bonds and counters in place: the timeline reads them
      // still (through the namespace's holder process), where it used to show the LAG and routes "absent".
      const crash = await cli('fault', 'daemon-crash', 'a-pe1', '--lab', name, '--before', '1', '--hold', '3');
      t.is(crash.exitCode, 0, crash.stderr);
      t.regex(crash.stdout, /a-pe1 +bgp +\S+ +Established -> absent/);
      t.notRegex(crash.stdout, /a-pe1 +(lacp|member|fib) .*-> absent/);
    } finally {
      await cli('down', name);
    }
    t.deepEqual(await leftovers(name), []);
  },
);
