import { existsSync } from 'node:fs';
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'ava';
import { failures } from '../src/certify/matrix.js';
import type { CertRow, RunReport } from '../src/scenario/results.js';
import { peerlab } from './helpers/fixtures.js';
import { leftovers } from './helpers/labs.js';
import { root } from './helpers/reference.js';
import { tempDir } from './helpers/temp.js';
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

// `peerlab certify` as a partner runs it: their own configs, judged from what the AS8075 edge received.

async function certified(out: string): Promise<{ report: RunReport; rows: Map<string, CertRow> }> {
  const report = JSON.parse(await readFile(join(out, 'run.json'), 'utf8')) as RunReport;
  return { report, rows: new Map(report.certification!.rows.map((r) => [r.id, r])) };
}

const only =
  'fra/ic1 bfd-loss,fra/ic1 one-way-to-microsoft,fra/ic1 one-way-to-peer,fra/ic1 flap,fra-pe1,internet-fallback';
/** The failures test/guest.e2e.test.ts certifies on kernel bonds, with the same partner configs. */
const inTheGuest = ['carrier-loss', 'gray-blackhole', 'site-down'];

const evidence = (row: CertRow | undefined, source: string, status: string) =>
  (row?.evidence ?? []).filter((e) => e.startsWith(`${source}: ${status}: `)).join('\n');

test.serial(
  "certify: the partner-voice configs pass every R-* and E-* row, judged at the edge, and every cell of the failure matrix's rows the guest does not run",
  async (t) => {
    t.timeout(1_500_000);
    const out = await tempDir(t, 'certify-green');
    const started = performance.now();
    const run = await peerlab(
      'certify',
      'examples/partner-voice/topology.yaml',
      '--runtime',
      'netns',
      '--name',
      'e2e-cert',
      // Every failure kind the guest does not run on kernel bonds (test/guest.e2e.test.ts: a member's and an
      // interconnect's carrier loss, a gray failure, a site), on the interconnect and the router with the
      // partner's own config: 7 of the 23 default rows (the matrix's selection is unit-tested; this is what
      // a lab does with each kind).
      '--only',
      only,
      '--out',
      out,
    );
    t.log(`certify wall time ${((performance.now() - started) / 1000).toFixed(1)} s`);
    // A correct design never FAILs; a row the lab could not measure on this host is inconclusive (exit 3), with why.
    t.true([0, 3].includes(run.exitCode ?? -1), `${run.stdout}\n${run.stderr}`);
    const { report, rows } = await certified(out);
    t.is(report.verdict, run.exitCode === 0 ? 'pass' : 'inconclusive');
    t.deepEqual(
      [...rows.values()].filter((r) => r.status === 'fail').map((r) => r.id),
      [],
    );
    for (const r of [...rows.values()].filter((x) => x.status === 'inconclusive')) {
      t.log(`${r.id} inconclusive: ${r.evidence.filter((e) => /inconclusive/.test(e)).join(' | ')}`);
      t.regex(r.evidence.join('\n'), /inconclusive: .+/, `${r.id} says why it is inconclusive`);
    }
    const [lab] = report.labs;
    t.true((lab?.calibration?.steps.length ?? 0) > 0, 'the lab measured its own headroom before the scenarios');
    for (const id of ['E-ACTIVE-ACTIVE', 'E-SILENT', 'E-ROUTER', 'E-INTERNET', 'E-RESTORE'])
      t.true(['pass', 'inconclusive', 'warn'].includes(rows.get(id)?.status ?? 'missing'), `${id} was run and judged`);
    // The guest's rows: left out here, and the report says so rather than passing them.
    for (const id of ['E-LAG-MEMBER', 'E-GEO'])
      t.regex(rows.get(id)?.evidence.join('\n') ?? '', /not selected \(--only/, id);
    t.regex(
      evidence(rows.get('R-COMMUNITY'), 'edge', 'pass'),
      /203\.0\.113\.64\/26 from fra-pe1 at fra-msee1 \(fra\/ic1\): accepted with 8075:8007/,
    );
    t.regex(
      evidence(rows.get('R-BFD'), 'edge', 'pass'),
      /ams\/ic1: BFD up, BGP Established at ams-msee1; 900 ms detection at the edge as negotiated \(ams-pe1's multiplier x 3\); the edge held BGP until BFD was up/,
    );
    t.regex(
      evidence(rows.get('R-MAX-PREFIX'), 'edge', 'pass'),
      /fra-pe1 kept fra\/ic1 up with the edge announcing 322 prefixes/,
    );
    t.regex(evidence(rows.get('R-NO-READVERTISE'), 'scenario', 'pass'), /none through AS8075/);
    t.regex(
      evidence(rows.get('R-NO-STATEFUL-FW'), 'router', 'pass'),
      /fra-pe1: 1 nftables rules, none with connection tracking/,
    );
    for (const file of ['report.md', 'report.html', 'junit.xml'])
      t.regex(await readFile(join(out, file), 'utf8'), /R-ACTIVE-ACTIVE/, `${file} has the certification rows`);

    // The failure matrix (default level, fra's rows): every failure of the partner router with its own config.
    const matrix = report.certification!.matrix!;
    t.is(matrix.level, `default, only ${only}`);
    t.deepEqual(
      [...new Set([...matrix.cells.map((c) => c.failure), ...inTheGuest])].sort(),
      failures.filter((f) => !['silent-blackhole', 'member-and-twin-router', 'metro-and-member'].includes(f)).sort(),
      "with the guest's rows, one row of each failure of the default level (silent member failures and double failures are at full only)",
    );
    for (const c of matrix.cells) {
      t.not(c.verdict, 'fail', `${c.id}: ${JSON.stringify(c)}`);
      if (c.verdict === 'pass') t.truthy(c.detection, `${c.id}: the edge saw it`);
    }
    t.log(
      matrix.cells
        .map(
          (c) =>
            `${c.id}: ${c.verdict}, ${c.detection?.atMs ?? '-'} ms / ${c.budget.detectMs}, loss ${c.lossMs} / ${c.budget.lossMs}`,
        )
        .join('\n'),
    );
    t.regex(
      await readFile(join(out, 'report.md'), 'utf8'),
      new RegExp(`^## Failure matrix \\(default, only ${only}\\): 7 failures`, 'm'),
    );
    t.regex(await readFile(join(out, 'junit.xml'), 'utf8'), /<testsuite name="failure-matrix" tests="\d+"/);
    t.regex(rows.get('R-UTILIZATION')!.evidence.join('\n'), /^scenario: (pass|warn): after /m);
    // Each failure's control plane, as Wireshark opens it: pcap files with packets in them.
    const pcaps = matrix.cells.flatMap((c) => c.captures ?? []);
    t.true(pcaps.length >= matrix.cells.length, `${pcaps.length} captures`);
    const first = await readFile(join(out, pcaps[0]!.file));
    t.is(first.readUInt32LE(0), 0xa1b2c3d4, 'a pcap file (libpcap magic)');
    t.true(first.length > 24 + 16, 'with at least one packet');
    // A window around the fault, not the whole run: BGP keepalives and LACP before the fault are left out.
    const counts = pcaps.map((p) => p.packets ?? { kept: 0, captured: 0 });
    const listing = pcaps.map((p, i) => `${p.file}: ${counts[i]!.kept}/${counts[i]!.captured}`).join(', ');
    t.true(
      counts.every((c) => c.kept > 0 && c.kept <= c.captured),
      listing,
    );
    t.true(sum(counts.map((c) => c.kept)) < sum(counts.map((c) => c.captured)), listing);
    t.deepEqual(await leftovers('e2e-cert'), []);
  },
);

test.serial(
  "certify of corpus cases: BFD on by a profile alone passes at the edge, the file reading's miss a discrepancy; a tag the prefix-list never matches fails there",
  async (t) => {
    t.timeout(600_000);
    const run = async (name: string) => {
      const out = await tempDir(t, `certify-${name}`);
      const result = await peerlab(
        'certify',
        `test/fixtures/partner-corpus/${name}/topology.yaml`,
        '--runtime',
        'netns',
        '--no-scenarios',
        '--name',
        'e2e-cert-corpus',
        '--out',
        out,
      );
      t.deepEqual(await leftovers('e2e-cert-corpus'), []);
      return { exitCode: result.exitCode, stderr: result.stderr, rows: (await certified(out)).rows };
    };
    const profile = await run('frr-bfd-profile-only');
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
    const le25 = await run('frr-prefix-list-le25');
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
    const run = await peerlab(
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

    const nobfd = await tempDir(t, 'certify-nobfd');
    const held = await peerlab(
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
    t.is(held.exitCode, 1, held.stderr);
    const bfd = (await certified(nobfd)).rows;
    t.is(bfd.get('R-BFD')?.status, 'fail');
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

for (const [example, type] of [
  ['partner-direct', 'T-DIRECT'],
  ['partner-ers', 'T-ERS'],
] as const)
  test.serial(
    `certify ${type}: FRR 10.3 and BIRD 3.1 partner configs pass every row judged at the edge (docker)${type === 'T-DIRECT' ? ", and a gray failure of the FRR 10.3 router's interconnect" : ''}`,
    async (t) => {
      t.timeout(600_000);
      const out = await tempDir(t, `certify-${example}`);
      const lab = `e2e-cert-${type === 'T-ERS' ? 'ers' : 'direct'}`;
      // One matrix row on T-DIRECT: an nft fault in a Debian 13 container, whose nft (1.1) made tables the
      // host's nft 1.0 crashes on reading; the fault runs the node's own nft.
      const scenarios = type === 'T-DIRECT' ? ['--only', 'sea/ic1 gray-blackhole'] : ['--no-scenarios'];
      const run = await peerlab(
        'certify',
        `examples/${example}/topology.yaml`,
        '--runtime',
        'docker',
        ...scenarios,
        '--name',
        lab,
        '--out',
        out,
      );
      t.true([0, 3].includes(run.exitCode ?? -1), `${run.stdout}\n${run.stderr}`);
      const { report, rows } = await certified(out);
      t.falsy(report.error, report.error);
      if (type === 'T-DIRECT') {
        const [cell] = report.certification!.matrix!.cells;
        t.is(cell!.id, 'sea/ic1 gray-blackhole');
        t.not(cell!.verdict, 'fail', JSON.stringify(cell));
        if (cell!.verdict === 'pass') t.regex(cell!.detection?.event ?? '', /^sea-msee1 (bfd|bgp) /);
      } else t.is(run.exitCode, 0, run.stdout);
      t.deepEqual(
        report.certification!.partnerFiles.map((f) => `${f.router} ${f.daemon} ${f.version}`).sort(),
        type === 'T-ERS' ? ['lon-pe1 bird 3.1', 'par-pe1 frr 10.3'] : ['chi-pe2 bird 3.1', 'sea-pe1 frr 10.3'],
      );
      t.regex(evidence(rows.get('R-BFD'), 'edge', 'pass'), /the edge held BGP until BFD was up/);
      t.regex(evidence(rows.get('R-MAX-PREFIX'), 'edge', 'pass'), /kept .* up with the edge announcing 400 prefixes/);
      if (type === 'T-ERS')
        t.regex(
          evidence(rows.get('R-ORIGIN-ASN-REGISTERED'), 'edge', 'pass'),
          /203\.0\.113\.0\/25 from lon-pe1 at lon-msee1 \(lon\/ic1\): origin AS64503 \(registered\), path \[64502 64503\]/,
        );
      else
        t.regex(
          evidence(rows.get('R-COMMUNITY'), 'edge', 'pass'),
          /from chi-pe2 at chi-msee2 \(chi\/ic2\): accepted with 8075:8007/,
        );
      t.deepEqual(await leftovers(lab), []);
    },
  );
