import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'ava';
import { execa } from 'execa';
import { json, section } from './helpers/guest.js';
import { root } from './helpers/reference.js';
import { tempDir } from './helpers/temp.js';

// Containers on kernel bonds, in the QEMU guest (this host's kernel has no bonding): a Docker engine runs
// there (test/guest/docker.sh) with the host's router image (`docker save`). The small lab
// (test/fixtures/labs/guest.yaml) runs on `peerlab up --runtime docker --lag-driver kernel`; a small voice
// lab (test/fixtures/labs/small.yaml) is exported with `peerlab export containerlab`, its containers
// deployed the way containerlab deploys them and bonded by their own start.sh, and `peerlab run --attach`
// judges it.
// Opt-in (PEERLAB_GUEST_DOCKER=1): 7 min 35 s on a 2-core machine (2026-12-04), which CI's 30-minute budget
// does not hold beside test/guest.e2e.test.ts.
const guestDocker = process.env.PEERLAB_GUEST_DOCKER === '1' ? test : test.skip;

interface Event {
  node: string;
  kind: string;
  from?: string;
  to: string;
}
interface RunJson {
  scenarios: {
    verdict: string;
    attempts: { results: { id: string; verdict: string; measured: string }[]; events: Event[] }[];
  }[];
}

const bonded = (text: string) =>
  /Bonding Mode: IEEE 802\.3ad Dynamic link aggregation/.test(text) &&
  (text.match(/^Slave Interface: /gm) ?? []).length === 2 &&
  /Number of ports: 2/.test(text);

guestDocker(
  'Docker in the guest: --runtime docker --lag-driver kernel loses a LAG on carrier; containerlab-exported nodes make 802.3ad bonds and peerlab run --attach judges E-LAG-MEMBER there, no FAIL',
  async (t) => {
    t.timeout(1_800_000);
    const out = await tempDir(t, 'guest-docker');
    const tag = (await execa(join(root, 'bin/peerlab.js'), ['image', 'tag'], { cwd: root })).stdout.trim();
    await execa('docker', ['save', tag, '-o', join(out, 'router.tar')]);
    const started = performance.now();
    const guest = await execa(
      'bash',
      [join(root, 'scripts/guest.sh'), '--mem', '6G', '--share', out, '--', 'bash', 'test/guest/docker.sh', out],
      // SIGTERM on timeout: guest.sh stops qemu with it.
      { cwd: root, reject: false, stdin: 'ignore', all: true, timeout: 1_500_000 },
    );
    const text = (guest.all ?? '').replace(/\r/g, '');
    t.log(`guest run ${((performance.now() - started) / 1000).toFixed(0)} s, exit ${guest.exitCode}`);
    t.is(guest.exitCode, 0, text.slice(-3000));
    t.regex(section(text, 'load'), /load-exit=0/);

    // --runtime docker: the kernel's bond in a container, lost whole under probe traffic, then down.
    t.regex(section(text, 'docker-up'), /up-exit=0/, section(text, 'docker-up').slice(-2000));
    t.true(bonded(section(text, 'docker-bonding')), section(text, 'docker-bonding'));
    const lagDown = section(text, 'docker-lag-down');
    t.regex(lagDown, /lag-exit=0/);
    const fault = json(lagDown) as RunJson;
    const events = fault.scenarios[0]!.attempts[0]!.events;
    t.truthy(
      events.find((e) => e.node === 'ams-msee1' && e.kind === 'bgp' && e.from === 'Established'),
      "the LAG going down dropped the edge's session",
    );
    t.regex(section(text, 'docker-down'), /down-exit=0\n0\s*$/, 'down removed every container');

    // containerlab's way: the exported start.sh made the bonds; run --attach judged the scenario.
    t.regex(section(text, 'clab-deploy'), /deploy-exit=0 lab=small/);
    const attach = section(text, 'clab-attach');
    t.regex(attach, /attach-exit=[03]\b/, attach.slice(-3000));
    t.true(bonded(attach), 'the exported start.sh made an 802.3ad bond of both members');
    const run = JSON.parse(await readFile(join(out, 'attach/run.json'), 'utf8')) as RunJson;
    const results = run.scenarios[0]!.attempts.at(-1)!.results;
    for (const r of results) t.log(`attach ${r.id}: ${r.verdict}, ${r.measured}`);
    t.deepEqual(
      results.filter((r) => r.verdict === 'fail').map((r) => r.id),
      [],
      'no expectation fails',
    );
    // What the bond does, not how fast: the guest's emulated CPU may leave the timings unmeasurable.
    for (const id of ['bundle-rides-it-out', 'no-session-drop'])
      t.is(results.find((r) => r.id === id)?.verdict, 'pass', id);
    t.regex(section(text, 'clab-destroy'), /destroy-exit=0\n0\s*$/, 'no container left');
  },
);
