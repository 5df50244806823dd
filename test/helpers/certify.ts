import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExecutionContext } from 'ava';
import type { CertRow, RunReport } from '../../src/scenario/results.js';
import { peerlab } from './fixtures.js';
import { leftovers } from './labs.js';
import { tempDir } from './temp.js';

/** The certification report `peerlab certify --out DIR` wrote, with its rows by ID. */
export async function certified(out: string): Promise<{ report: RunReport; rows: Map<string, CertRow> }> {
  const report = JSON.parse(await readFile(join(out, 'run.json'), 'utf8')) as RunReport;
  return { report, rows: new Map(report.certification!.rows.map((r) => [r.id, r])) };
}

/** A row's evidence lines from one source (edge, static, router) with one status, joined. */
export const evidence = (row: CertRow | undefined, source: string, status: string) =>
  (row?.evidence ?? []).filter((e) => e.startsWith(`${source}: ${status}: `)).join('\n');

/**
 * `certify` of examples/partner-direct or partner-ers on Docker (FRR 10.3 and BIRD 3.1 partner routers in
 * Debian 13 images), with what both types must show: the partner's daemons and versions, R-BFD held at the
 * edge until BFD was up, R-MAX-PREFIX tolerating the edge's 400 prefixes, nothing left behind.
 */
export async function certifyExample(
  t: ExecutionContext,
  type: 'T-DIRECT' | 'T-ERS',
  scenarios: string[],
): Promise<{ exitCode: number | undefined; output: string; report: RunReport; rows: Map<string, CertRow> }> {
  const example = type === 'T-ERS' ? 'partner-ers' : 'partner-direct';
  const out = await tempDir(t, `certify-${example}`);
  const lab = `e2e-cert-${type === 'T-ERS' ? 'ers' : 'direct'}`;
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
  const output = `${run.stdout}\n${run.stderr}`;
  t.true([0, 3].includes(run.exitCode ?? -1), output);
  const { report, rows } = await certified(out);
  t.falsy(report.error, report.error);
  t.deepEqual(
    report.certification!.partnerFiles.map((f) => `${f.router} ${f.daemon} ${f.version}`).sort(),
    type === 'T-ERS' ? ['lon-pe1 bird 3.1', 'par-pe1 frr 10.3'] : ['chi-pe2 bird 3.1', 'sea-pe1 frr 10.3'],
  );
  t.regex(evidence(rows.get('R-BFD'), 'edge', 'pass'), /the edge held BGP until BFD was up/);
  t.regex(evidence(rows.get('R-MAX-PREFIX'), 'edge', 'pass'), /kept .* up with the edge announcing 400 prefixes/);
  t.deepEqual(await leftovers(lab), []);
  return { exitCode: run.exitCode, output, report, rows };
}
