import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { InputError, InterruptedError } from '../errors.js';
import { runExperiment } from '../faults/experiment.js';
import { formatExperiment } from '../faults/format.js';
import { faultKinds, type FaultKind } from '../faults/primitives.js';
import { openLab } from '../lab/open.js';

const seconds = (option: string, value: string) => {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InputError(`${option} must be a number of seconds (got "${value}")`);
  return n * 1000;
};
const count = (option: string, value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InputError(`${option} must be a whole number above 0 (got "${value}")`);
  return n;
};

interface FaultCliOptions {
  lab?: string;
  hold: string;
  before: string;
  after: string;
  rate?: string;
  flowsPerPair: string;
  flap?: string;
  period: string;
  direction?: string;
  scope?: string;
  json?: string;
}

export function registerFault(program: Command): void {
  program
    .command('fault')
    .description(
      'inject a fault on a running lab under probe traffic; print loss, outages and the BFD/BGP/LACP timeline',
    )
    .argument('<kind>', faultKinds.join(' | '))
    .argument('<target>', 'ams/ic1 (interconnect), ams/ic1/m2 (LAG member), ams-pe1 (router), metro:ams (site)')
    .option('--lab <name>', 'lab name (default: the only running lab)')
    .option('--hold <seconds>', 'how long the fault stays applied', '5')
    .option('--before <seconds>', 'probe traffic before the fault', '2')
    .option('--after <seconds>', 'probe traffic after the revert', '3')
    .option('--rate <pps>', 'packets per second per flow (default 1000; 500 on Open vSwitch LAGs)')
    .option('--flows-per-pair <n>', 'flows per host pair and direction (different source ports)', '2')
    .option('--flap <n>', 'repeat the fault n times (flap)')
    .option('--period <seconds>', 'with --flap: from one failure to the next', '10')
    .option('--direction <dir>', 'one-way-loss: to-microsoft | to-peer')
    .option('--scope <scope>', 'site-down: interconnects | routers')
    .option('--json <file>', 'also write the experiment as JSON')
    .action(async (kind: string, target: string, o: FaultCliOptions) => {
      if (!faultKinds.includes(kind as FaultKind))
        throw new InputError(`unknown fault "${kind}"; faults: ${faultKinds.join(', ')}`);
      if (o.direction && !['to-microsoft', 'to-peer'].includes(o.direction))
        throw new InputError(`--direction must be to-microsoft or to-peer (got "${o.direction}")`);
      if (o.scope && !['interconnects', 'routers'].includes(o.scope))
        throw new InputError(`--scope must be interconnects or routers (got "${o.scope}")`);
      const lab = await openLab(o.lab);
      const abort = new AbortController();
      const onSignal = () => abort.abort(new InterruptedError('interrupted; the fault was reverted'));
      process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
      try {
        const x = await runExperiment(lab, {
          kind: kind as FaultKind,
          target,
          holdMs: seconds('--hold', o.hold),
          beforeMs: seconds('--before', o.before),
          afterMs: seconds('--after', o.after),
          flows: {
            ...(o.rate ? { rate: count('--rate', o.rate) } : {}),
            perPair: count('--flows-per-pair', o.flowsPerPair),
          },
          ...(o.flap ? { flap: { count: count('--flap', o.flap), periodMs: seconds('--period', o.period) } } : {}),
          ...(o.direction ? { direction: o.direction as 'to-microsoft' | 'to-peer' } : {}),
          ...(o.scope ? { scope: o.scope as 'interconnects' | 'routers' } : {}),
          signal: abort.signal,
        });
        console.log(formatExperiment(x));
        if (o.json) await writeFile(o.json, JSON.stringify(x, null, 2));
      } finally {
        process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
      }
    });
}
