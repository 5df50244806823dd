import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'ava';
import { failures } from '../src/certify/matrix.js';
import { certified, certifyExample, evidence } from './helpers/certify.js';
import { peerlab } from './helpers/fixtures.js';
import { leftovers } from './helpers/labs.js';
import { tempDir } from './helpers/temp.js';
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

// `peerlab certify` as a partner runs it: their own configs, judged from what the AS8075 edge received, and
// the failure matrix's rows judged by their timings (self-measured labs: scripts/test.sh runs this file
// alone on the CPU). The rows judged without scenarios are test/certify-rules.e2e.test.ts's.

const only =
  'fra/ic1 bfd-loss,fra/ic1 one-way-to-microsoft,fra/ic1 one-way-to-peer,fra/ic1 flap,fra-pe1,internet-fallback';
/** The failures test/guest.e2e.test.ts certifies on kernel bonds, with the same partner configs. */
const inTheGuest = ['carrier-loss', 'gray-blackhole', 'site-down'];

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
  "certify T-DIRECT: FRR 10.3 and BIRD 3.1 partner configs pass every row judged at the edge (docker), and a gray failure of the FRR 10.3 router's interconnect",
  async (t) => {
    t.timeout(600_000);
    // One matrix row: an nft fault in a Debian 13 container, whose nft (1.1) made tables the host's nft 1.0
    // crashes on reading; the fault runs the node's own nft.
    const { report, rows } = await certifyExample(t, 'T-DIRECT', ['--only', 'sea/ic1 gray-blackhole']);
    const [cell] = report.certification!.matrix!.cells;
    t.is(cell!.id, 'sea/ic1 gray-blackhole');
    t.not(cell!.verdict, 'fail', JSON.stringify(cell));
    if (cell!.verdict === 'pass') t.regex(cell!.detection?.event ?? '', /^sea-msee1 (bfd|bgp) /);
    t.regex(
      evidence(rows.get('R-COMMUNITY'), 'edge', 'pass'),
      /from chi-pe2 at chi-msee2 \(chi\/ic2\): accepted with 8075:8007/,
    );
  },
);
