import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import test from 'ava';
import type { Lab } from '../src/lab/lab.js';
import { peerlab } from './helpers/fixtures.js';
import { labFor, leftovers } from './helpers/labs.js';
import { root } from './helpers/reference.js';
import { tempDir } from './helpers/temp.js';

// The partner's own configs (examples/partner-voice: hand-written FRR on fra-pe1, BIRD on ams-pe1) run in
// a real lab next to rendered ones, and the Microsoft edge sees what they announce.
const name = 'e2e-partner';

/** The paths an FRR edge router has for a prefix: AS path, communities, and the neighbor it came from. */
async function edgePaths(lab: Lab, edge: string, prefix: string) {
  const vtysh = ['vtysh', ...(lab.dirs(edge).pathspace ? ['-N', lab.dirs(edge).pathspace!] : [])];
  const out = await lab.exec(edge, [...vtysh, '-c', `show bgp ipv4 unicast ${prefix} json`]);
  const paths =
    (
      JSON.parse(out.stdout) as {
        paths?: { aspath: { string: string }; community?: { string: string }; peer: { peerId: string } }[];
      }
    ).paths ?? [];
  return paths.map((p) => ({ path: p.aspath.string, communities: p.community?.string ?? '', from: p.peer.peerId }));
}

/**
 * The edge's paths for `prefix` from the partner router at `from`. A lab with partner configs counts as
 * converged when sessions are up and hosts reach (the lab cannot predict what a partner sends): one twin's
 * routes may still be on the way, so wait up to 30 s for them to arrive.
 */
async function edgePathsFrom(lab: Lab, edge: string, prefix: string, from: string) {
  const deadline = performance.now() + 30_000;
  for (;;) {
    const paths = (await edgePaths(lab, edge, prefix)).filter((p) => p.from === from);
    if (paths.length || performance.now() > deadline) return paths;
    await sleep(1000);
  }
}

test.serial('partner configs run in the lab; the edge receives their prefixes with 8075:8007', async (t) => {
  t.timeout(400_000);
  const started = performance.now();
  const lab = await labFor(t, 'examples/partner-voice/topology.yaml', name, 'netns', 240_000);
  t.log(`converged in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const fra = lab.dirs('fra-pe1');
  const running = await lab.exec('fra-pe1', ['vtysh', '-N', fra.pathspace!, '-c', 'show running-config']);
  t.regex(running.stdout, /route-map MSFT-OUT permit 10/, "fra-pe1 runs the partner's route-maps");
  const ruleset = await lab.exec('fra-pe1', ['nft', 'list', 'table', 'inet', 'contoso_edge']);
  t.regex(
    ruleset.stdout,
    /iifname "fra-ic1" ip saddr @bogons counter packets \d+ bytes \d+ drop/,
    "and the partner's ACL",
  );
  for (const [edge, from] of [
    ['fra-msee1', '198.51.100.5'],
    ['ams-msee1', '198.51.100.1'],
  ] as const)
    for (const prefix of ['203.0.113.0/26', '203.0.113.64/26']) {
      t.deepEqual(
        await edgePathsFrom(lab, edge, prefix, from),
        [{ path: '64500', communities: '8075:8007', from }],
        `${edge} got ${prefix} from its partner router, tagged`,
      );
    }
  await lab.down();
  t.deepEqual(await leftovers(name), []);
});

test.serial(
  "the partner's versions: FRR 10.3, BIRD 2.17 and BIRD 3.1 routers (Debian 13 images) beside FRR 8.4 edges",
  async (t) => {
    t.timeout(600_000);
    const lab = await labFor(t, 'examples/partner-voice/topology-current.yaml', `${name}-v`, 'docker', 240_000);
    const version = await lab.exec('fra-pe1', ['vtysh', '-c', 'show version']);
    t.regex(version.stdout, /^FRRouting 10\.3 /);
    const bird = await lab.exec('ams-pe1', ['birdc', '-s', `${lab.dirs('ams-pe1').run}/bird.ctl`, 'show status']);
    t.regex(bird.stdout, /^BIRD 2\.17\./);
    const bird3 = ['/opt/bird3/usr/sbin/birdc', '-s', `${lab.dirs('ams-pe2').run}/bird.ctl`, 'show status'];
    t.regex(
      (await lab.exec('ams-pe2', bird3)).stdout,
      /^BIRD 3\.1\./,
      'BIRD 3.1 unpacked beside BIRD 2.17 in the trixie image',
    );
    t.regex((await lab.exec('fra-msee1', ['vtysh', '-c', 'show version'])).stdout, /^FRRouting 8\.4/);
    for (const [edge, from] of [
      ['fra-msee1', '198.51.100.5'],
      ['ams-msee1', '198.51.100.1'],
      ['ams-msee2', '198.51.100.3'],
    ] as const)
      t.deepEqual(await edgePathsFrom(lab, edge, '203.0.113.64/26', from), [
        { path: '64500', communities: '8075:8007', from },
      ]);
    await lab.down();
    t.deepEqual(await leftovers(`${name}-v`), []);
  },
);

test.serial(
  "a config FRR 10.3's own parser refuses: exit 2 at its line, parsed in the 10.3 image, nothing created",
  async (t) => {
    const dir = await tempDir(t, 'partner-v');
    await cp(join(root, 'examples', 'partner-voice'), dir, { recursive: true });
    const conf = join(dir, 'configs', 'fra-pe1.conf');
    await writeFile(
      conf,
      (await readFile(conf, 'utf8')).replace(' bgp log-neighbor-changes', ' bgp log-neighbour-changes'),
    );
    const up = await peerlab('up', join(dir, 'topology-current.yaml'), '--name', 'e2e-partner-refused');
    t.is(up.exitCode, 2, up.stderr);
    t.regex(up.stderr, /fra-pe1\.conf:\d+:1: frr's parser refused it: line \d+: % Unknown command/);
    t.deepEqual(await leftovers('e2e-partner-refused'), []);
  },
);
