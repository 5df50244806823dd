/**
 * The partner corpus (test/fixtures/partner-corpus/<case>/): each case's topology heads with the verdict a
 * network engineer expects (`# expect: ...`); `mismatches` judges a case as `peerlab check` does and says
 * where the two disagree. Shared by the corpus test (the host's FRR and BIRD) and its versions e2e test.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../src/errors.js';
import { checkRequirements } from '../../src/requirements/check.js';
import { sandboxRouters } from '../../src/sandbox/for-check.js';
import { loadTopology } from '../../src/topology/load.js';

export const corpus = 'test/fixtures/partner-corpus';

type Status = 'pass' | 'warn' | 'fail' | 'n/a';

/** What a header promises: the exit code, a rule's verdict for the partner's router, BFD's multiplier. */
type Expectation =
  | { kind: 'exit'; code: number }
  | { kind: 'verdict'; rule: string; status: Status }
  | { kind: 'multiplier'; rule: string; value: number };

export interface Case {
  name: string;
  /** The case's folder (its topology, configs and includes). */
  dir: string;
  topology: string;
  /** The partner's router (the one with `config:`) and its interconnect. */
  router: string;
  interconnect: string;
  expectLine: string;
  expect: Expectation[];
}

function parseExpect(name: string, line: string): Expectation[] {
  return line.split(', ').map((item) => {
    let m = /^exit (\d+)$/.exec(item);
    if (m) return { kind: 'exit', code: Number(m[1]) };
    m = /^(R-[A-Z0-9-]+) (pass|warn|fail|n\/a)$/.exec(item);
    if (m) return { kind: 'verdict', rule: m[1]!, status: m[2] as Status };
    m = /^(R-BFD) multiplier (\d+)$/.exec(item);
    if (m) return { kind: 'multiplier', rule: m[1]!, value: Number(m[2]) };
    throw new Error(`${name}: cannot read "${item}" in its # expect: line`);
  });
}

export const cases: Case[] = readdirSync(corpus, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort()
  .map((name) => {
    const topology = join(corpus, name, 'topology.yaml');
    const text = readFileSync(topology, 'utf8');
    const expectLine = /^# expect: (.+)$/m.exec(text)?.[1];
    if (!expectLine) throw new Error(`${topology} has no "# expect:" line`);
    const router = /^ {4}([a-z0-9-]+): \{[^}]*\bconfig: /m.exec(text)?.[1];
    if (!router) throw new Error(`${topology} has no router with its own config`);
    const interconnect = new RegExp(`^ {6}(ic\\d+): \\{ peer-router: ${router},`, 'm').exec(text)?.[1];
    const metro = router.split('-')[0]!;
    return {
      name,
      dir: join(corpus, name),
      topology,
      router,
      interconnect: `${metro}/${interconnect}`,
      expectLine,
      expect: parseExpect(name, expectLine),
    };
  });

interface Outcome {
  /** 0 no rule fails, 1 a rule fails, 2 refused as bad input (what `peerlab check` exits with). */
  exit: number;
  refusal?: string;
  report?: ReturnType<typeof checkRequirements>;
}

/**
 * How a case is judged: as `peerlab check` does (the partner's config run by its own daemon in a sandbox,
 * where this host can), or by reading the file alone (`check --no-sandbox`, the baseline above).
 */
export type Mode = 'check' | 'file';

/** Each case is loaded and checked once per mode; its test and the tally share the result. */
const outcomes = new Map<string, Promise<Outcome>>();
export function judge(c: Case, mode: Mode = 'check'): Promise<Outcome> {
  let o = outcomes.get(`${mode} ${c.name}`);
  if (!o) {
    o = (async (): Promise<Outcome> => {
      try {
        const model = await loadTopology(c.topology);
        const evidence = mode === 'check' ? (await sandboxRouters(model)).evidence : new Map();
        const report = checkRequirements(model, evidence);
        return { exit: report.status === 'fail' ? 1 : 0, report };
      } catch (error) {
        if (error instanceof InputError) return { exit: 2, refusal: error.message };
        throw error;
      }
    })();
    outcomes.set(`${mode} ${c.name}`, o);
  }
  return o;
}

const rank: Record<Status, number> = { pass: 0, 'n/a': 1, warn: 2, fail: 3 };

/** A rule's evidence lines about the partner's router: naming it, its interconnect or its config file. */
function partnerLines(c: Case, evidence: string[]): string[] {
  return evidence.filter((l) => l.includes(c.router) || l.includes(c.interconnect) || l.includes(c.dir));
}

/**
 * The verdict `check` gives the partner's router for a rule: the worst status of the lines about it (an
 * "n/a: decided in the lab" line is no pass), or the row's status when no line names the router.
 */
function verdict(c: Case, outcome: Outcome, rule: string): { status: Status | 'absent'; lines: string[] } {
  const rows = outcome.report!.results.filter((r) => r.rule === rule);
  if (rows.length === 0) return { status: 'absent', lines: [] };
  const evidence = rows.flatMap((r) => r.evidence);
  const lines = partnerLines(c, evidence);
  if (lines.length === 0) {
    const worst = rows.map((r) => r.status as Status).reduce((a, b) => (rank[b] > rank[a] ? b : a));
    return { status: worst, lines: evidence };
  }
  const statuses = lines.map((l) => /^(pass|warn|fail|n\/a):/.exec(l)?.[1] as Status | undefined);
  const worst = statuses.reduce<Status>((a, b) => (b && rank[b] > rank[a] ? b : a), 'pass');
  return { status: worst, lines };
}

/** Where `check` and the engineer disagree, one line each; empty when the case is judged right. */
export async function mismatches(c: Case, mode: Mode = 'check'): Promise<string[]> {
  const outcome = await judge(c, mode);
  const out: string[] = [];
  const exit = c.expect.find((e) => e.kind === 'exit');
  // A verdict on a rule presumes the config was accepted: a refusal is wrong unless exit 2 is expected.
  const expectedExit = exit?.code;
  if (outcome.exit === 2 && expectedExit !== 2) {
    return [`refused (exit 2): ${outcome.refusal}`];
  }
  if (expectedExit !== undefined && outcome.exit !== expectedExit) {
    const failing = outcome.report?.results.filter((r) => r.status === 'fail').map((r) => r.rule) ?? [];
    out.push(`exit ${outcome.exit}, expected ${expectedExit}${failing.length ? ` (fails ${failing.join(', ')})` : ''}`);
  }
  if (!outcome.report) return out;
  for (const e of c.expect) {
    if (e.kind === 'verdict') {
      const v = verdict(c, outcome, e.rule);
      if (v.status !== e.status) out.push(`${e.rule} ${v.status}, expected ${e.status}: ${v.lines.join(' | ')}`);
    } else if (e.kind === 'multiplier') {
      const v = verdict(c, outcome, e.rule);
      if (!v.lines.some((l) => new RegExp(`x ${e.value}\\b`).test(l))) {
        out.push(`${e.rule} does not report multiplier ${e.value}: ${v.lines.join(' | ')}`);
      }
    }
  }
  return out;
}

/**
 * Judge every case, `concurrency` at a time (each sandbox is a small lab of its own, as `check` runs a
 * topology's routers side by side); the tests then read the results.
 */
export async function judgeAll(all: Case[], concurrency: number): Promise<void> {
  const queue = [...all];
  const worker = async () => {
    for (let c = queue.shift(); c; c = queue.shift()) await judge(c).catch(() => undefined);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}
