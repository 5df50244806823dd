/**
 * Issue 21, item 5: the idioms of the partner corpus judged right on the other versions peerlab runs: FRR
 * 10.3, BIRD 2.17 and BIRD 3.1 (Debian 13 router images, each config in its own daemon's sandbox on the
 * docker runtime), beside FRR 8.4 and BIRD 2.0 on the host (partner-corpus.test.ts). Each case is the
 * corpus case as it is, with the router's `version:` set; its expected verdict is the same, written before
 * it ran. The cases are the ones whose verdict turns on how a daemon reads a config: BFD turned on by a
 * profile alone or off by `bfd off`, a profile's own timers, which prefix limit wins, a tag deleted after
 * it was set, a prefix-list that never matches, a missing route-map; BIRD constants, includes, receive
 * limits, templates, large communities.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { buildImage } from '../src/lab/image.js';
import { cases, judgeAll, mismatches, type Case } from './helpers/corpus.js';

const idioms: Record<string, { daemon: 'frr' | 'bird'; versions: string[] }> = {
  'frr-bfd-profile-only': { daemon: 'frr', versions: ['10.3'] },
  'frr-bfd-profile-100x5': { daemon: 'frr', versions: ['10.3'] },
  'frr-maxpfx-neighbor-override': { daemon: 'frr', versions: ['10.3'] },
  'frr-maxpfx-stray-300': { daemon: 'frr', versions: ['10.3'] },
  'frr-continue-comm-delete': { daemon: 'frr', versions: ['10.3'] },
  'frr-prefix-list-le25': { daemon: 'frr', versions: ['10.3'] },
  'frr-route-map-typo': { daemon: 'frr', versions: ['10.3'] },
  'bird-define-asn': { daemon: 'bird', versions: ['2.17', '3.1'] },
  'bird-define-community': { daemon: 'bird', versions: ['2.17', '3.1'] },
  'bird-include-filters': { daemon: 'bird', versions: ['2.17', '3.1'] },
  'bird-receive-limit': { daemon: 'bird', versions: ['2.17', '3.1'] },
  'bird-template-bfd-no-protocol': { daemon: 'bird', versions: ['2.17', '3.1'] },
  'bird-bfd-off-override': { daemon: 'bird', versions: ['2.17', '3.1'] },
  'bird-large-communities': { daemon: 'bird', versions: ['2.17', '3.1'] },
};

/** Each idiom case at each of its versions, copied with the router's `version:` set (made by the before hook). */
const variants = new Map<string, Case>();
let root: string | undefined;

test.after.always('the copies removed', async () => {
  if (root) await rm(root, { recursive: true, force: true });
});
const key = (c: Case, version: string) => `${c.name}@${version}`;

test.before(
  'the Debian 13 router image (and the Debian 12 one the stub runs), then every variant judged, three sandboxes at a time',
  async (t) => {
    t.timeout(1_500_000);
    for (const suite of ['bookworm', 'trixie'] as const) await buildImage({ suite });
    const dir = await mkdtemp(join(tmpdir(), 'peerlab-corpus-v-'));
    root = dir;
    for (const c of cases.filter((x) => idioms[x.name]))
      for (const version of idioms[c.name]!.versions) variants.set(key(c, version), await atVersion(dir, c, version));
    await judgeAll([...variants.values()], 3);
  },
);

/** The case copied into `root` with its router's `version:` set. */
async function atVersion(into: string, c: Case, version: string): Promise<Case> {
  const dir = join(into, key(c, version));
  await cp(c.dir, dir, { recursive: true });
  const topology = join(dir, 'topology.yaml');
  const text = await readFile(topology, 'utf8');
  const pattern = new RegExp(`^( {4}${c.router}: \\{ daemon: (?:frr|bird)),`, 'm');
  if (!pattern.test(text)) throw new Error(`${c.name}: no "${c.router}: { daemon: ..." line to set a version on`);
  await writeFile(topology, text.replace(pattern, `$1, version: "${version}",`));
  return { ...c, name: key(c, version), dir, topology };
}

for (const c of cases.filter((x) => idioms[x.name])) {
  for (const version of idioms[c.name]!.versions) {
    test.serial(`${c.name} on ${idioms[c.name]!.daemon} ${version}: ${c.expectLine}`, async (t) => {
      const found = await mismatches(variants.get(key(c, version))!);
      for (const line of found) t.log(line);
      t.deepEqual(found, []);
    });
  }
}
