import { existsSync } from 'node:fs';
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'ava';
import { certified, certifyExample, evidence } from './helpers/certify.js';
import { peerlab } from './helpers/fixtures.js';
import { leftovers } from './helpers/labs.js';
import { root } from './helpers/reference.js';
import { tempDir } from './helpers/temp.js';

// `peerlab certify` of the R-* rows alone (--no-scenarios), and input it refuses: every verdict here comes
// from what the edge received and the partner routers run, none from a timing, so two certifies run at
// once where a test has two; the failure matrix's rows are test/certify.e2e.test.ts's.

test.serial(
  "certify of corpus cases: BFD on by a profile alone passes at the edge, the file reading's miss a discrepancy; a tag the prefix-list never matches fails there",
  async (t) => {
    t.timeout(600_000);
    const run = async (name: string) => {
      // One lab per case, both at once: named by the case's last word (only, le25).
      const lab = `e2e-corpus-${name.slice(-4)}`;
      const out = await tempDir(t, `certify-${name}`);
      const result = await peerlab(
        'certify',
        `test/fixtures/partner-corpus/${name}/topology.yaml`,
        '--runtime',
        'netns',
        '--no-scenarios',
        '--name',
        lab,
        '--out',
        out,
      );
      return { lab, exitCode: result.exitCode, stderr: result.stderr, rows: (await certified(out)).rows };
    };
    // Two labs at once: their rules are read from the edge's state, not timed.
    const [profile, le25] = await Promise.all([run('frr-bfd-profile-only'), run('frr-prefix-list-le25')]);
    // After both: what is left is looked for host-wide (daemons, crash logs), not per lab.
    for (const { lab } of [profile, le25]) t.deepEqual(await leftovers(lab), [], lab);
    t.is(profile.exitCode, 0, profile.stderr);
    const bfd = profile.rows.get('R-BFD')!;
    t.is(bfd.status, 'pass');
    t.regex(
      evidence(bfd, 'edge', 'pass'),
      /fra\/ic1: BFD up, BGP Established at fra-msee1; 900 ms detection at the edge/,
    );
    t.regex(
      (bfd.discrepancies ?? []).join('\n'),
      /^static reading says fail: .*fra-pe1's own config .*configures no BFD.*; the lab showed it pass$/m,
    );
    t.is(le25.exitCode, 1, le25.stderr);
    t.is(le25.rows.get('R-COMMUNITY')?.status, 'fail');
    t.regex(
      evidence(le25.rows.get('R-COMMUNITY'), 'edge', 'fail'),
      /203\.0\.113\.\d+\/26 from fra-pe1 .*without 8075:8007/,
    );
  },
);

test.serial(
  'certify: each broken variant fails its rule from the edge evidence (and statically where visible)',
  async (t) => {
    t.timeout(600_000);
    const out = await tempDir(t, 'certify-broken');
    const nobfd = await tempDir(t, 'certify-nobfd');
    // Both labs at once: the no-BFD one never converges (the edge holds its BGP), and says so once fra-pe1's
    // daemon shows its neighbor without BFD; what either shows is read from the edge's and the routers'
    // state, never timed.
    const edge = peerlab(
      'certify',
      'examples/partner-voice/broken/topology-edge.yaml',
      '--runtime',
      'netns',
      '--no-scenarios',
      // fra-pe2's connection tracking drops the replies of a ping that left by fra-pe1 (the ECMP hash
      // decides, per run): the lab may not converge then, and every rule is still judged.
      '--converge-timeout',
      '60',
      '--name',
      'e2e-cert-broken',
      '--out',
      out,
    );
    const noBfd = peerlab(
      'certify',
      'examples/partner-voice/broken/topology-no-bfd.yaml',
      '--runtime',
      'netns',
      '--no-scenarios',
      '--converge-timeout',
      '40',
      '--name',
      'e2e-cert-nobfd',
      '--out',
      nobfd,
    );
    const [run, held] = await Promise.all([edge, noBfd]);
    t.is(run.exitCode, 1, run.stderr);
    const { rows } = await certified(out);
    const fails = (id: string, source: string, pattern: RegExp) => {
      t.is(rows.get(id)?.status, 'fail', id);
      t.regex(evidence(rows.get(id), source, 'fail'), pattern, `${id} from the ${source}`);
    };
    fails('R-COMMUNITY', 'edge', /203\.0\.113\.64\/26 from fra-pe1 .*received without 8075:8007/);
    fails(
      'R-NO-PRIVATE-ASN-IN-PATH',
      'edge',
      /203\.0\.113\.0\/26 from ams-pe1 .*private AS65010 in the path \[64500 65010\]/,
    );
    fails(
      'R-ASPATH-SMALL-PREFIX',
      'edge',
      /203\.0\.113\.128\/25 from ams-pe1 .*4 ASNs in the path \[64500 64500 64500 64500\]/,
    );
    fails('R-MAX-PREFIX', 'edge', /fra-pe1 tore fra\/ic1 down when the edge announced 322 prefixes/);
    fails('R-MAX-PREFIX', 'static', /fra-pe1: limit 300 at .*fra-pe1-edge\.conf:\d+/);
    fails('R-ACTIVE-ACTIVE', 'edge', /metro fra, 203\.0\.113\.0\/26: MED differs.*fra\/ic1: MED 50/);
    fails('R-NO-RATE-LIMIT', 'router', /ams-pe2 runs a policer or shaper on ams-ic2: qdisc tbf/);
    fails('R-NO-RATE-LIMIT', 'static', /ams-pe2 runs tc qdisc add dev ams-ic2 root tbf/);
    fails('R-NO-STATEFUL-FW', 'router', /fra-pe2 tracks connections: "ct state/);
    fails('R-NO-STATEFUL-FW', 'static', /fra-pe2: connection tracking at .*fra-pe2-conntrack\.nft:\d+/);
    t.deepEqual(await leftovers('e2e-cert-broken'), []);

    t.is(held.exitCode, 1, held.stderr);
    const { report: nobfdReport, rows: bfd } = await certified(nobfd);
    // It stops waiting once fra-pe1's own daemon shows its neighbor without BFD: no wait brings fra/ic1 up.
    t.regex(
      nobfdReport.certification?.notConverged ?? '',
      /cannot converge: [\s\S]*fra-msee1: BFD fra\/ic1 to \S+ is down, cannot come up: fra-pe1 runs no BFD with/,
    );
    t.is(bfd.get('R-BFD')?.status, 'fail');
    t.is(bfd.get('R-BFD')?.discrepancies, undefined, 'the static reading agrees with the edge on each interconnect');
    t.regex(
      evidence(bfd.get('R-BFD'), 'edge', 'fail'),
      /fra\/ic1: BFD down, .*the edge held BGP all along: BFD from fra-pe1 never came up, so no routes were exchanged/,
    );
    t.regex(evidence(bfd.get('R-BFD'), 'static', 'fail'), /fra-pe1's own config .*configures no BFD/);
    // The limit is judged on the sessions that were up, even though the lab did not converge.
    t.regex(evidence(bfd.get('R-MAX-PREFIX'), 'edge', 'n/a'), /fra-pe1's session fra\/ic1 was not established/);
    t.regex(evidence(bfd.get('R-MAX-PREFIX'), 'edge', 'pass'), /fra-pe2 kept fra\/ic2 up with the edge announcing 400/);
    t.deepEqual(await leftovers('e2e-cert-nobfd'), []);
  },
);

test.serial(
  'certify: a partner config that breaks the contract is refused at its line before anything starts',
  async (t) => {
    const dir = await tempDir(t, 'certify-contract');
    await cp(join(root, 'examples/partner-voice'), dir, { recursive: true });
    const conf = join(dir, 'configs', 'fra-pe1.conf');
    await writeFile(
      conf,
      (await readFile(conf, 'utf8')).replace('neighbor MSFT remote-as 8075', 'neighbor MSFT remote-as 8076'),
    );
    const run = await peerlab(
      'certify',
      join(dir, 'topology.yaml'),
      '--runtime',
      'netns',
      '--name',
      'e2e-cert-refused',
      '--out',
      join(dir, 'out'),
    );
    t.is(run.exitCode, 2, run.stderr);
    t.regex(run.stderr, /fra-pe1\.conf:\d+:\d+: .*remote-as 8076.*AS8075/);
    t.false(existsSync(join(dir, 'out')), 'no report folder for a refused input');
    t.deepEqual(await leftovers('e2e-cert-refused'), []);
  },
);

test.serial(
  'certify T-ERS: FRR 10.3 and BIRD 3.1 partner configs pass every row judged at the edge (docker)',
  async (t) => {
    t.timeout(600_000);
    const { exitCode, output, rows } = await certifyExample(t, 'T-ERS', ['--no-scenarios']);
    t.is(exitCode, 0, output);
    t.regex(
      evidence(rows.get('R-ORIGIN-ASN-REGISTERED'), 'edge', 'pass'),
      /203\.0\.113\.0\/25 from lon-pe1 at lon-msee1 \(lon\/ic1\): origin AS64503 \(registered\), path \[64502 64503\]/,
    );
  },
);
