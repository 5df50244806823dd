import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { InputError, InterruptedError, LabError } from '../errors.js';
import { faultKinds, type FaultKind } from '../faults/primitives.js';
import { openLab } from '../lab/open.js';
import { refuseStaleFaults, revertRecordedFaults } from '../lab/fault-records.js';
import { formatFaultRun } from '../report/fault.js';
import type { LabCalibration } from '../scenario/calibrate.js';
import { oneFaultScenario } from '../scenario/one-fault.js';
import { labDir } from '../runtime/identity.js';
import { finishRun, newRunReport, runOnLab, settleRun } from '../scenario/suite.js';
import { oneOf } from './options.js';
import { onInterrupt } from './signals.js';

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

const whole = (option: string, value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InputError(`${option} must be a whole number (got "${value}")`);
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
  percent?: string;
  delay?: string;
  jitter?: string;
  reorder?: string;
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
    .option('--rate <pps>', 'packets per second per flow (default 1000)')
    .option('--flows-per-pair <n>', 'flows per host pair and direction (different source ports)', '2')
    .option('--flap <n>', 'repeat the fault n times (flap)')
    .option('--period <seconds>', 'with --flap: from one failure to the next', '10')
    .option('--direction <dir>', 'one-way-loss, random-loss: to-microsoft | to-peer')
    .option('--scope <scope>', 'site-down: interconnects | routers')
    .option('--percent <n>', 'random-loss: the share of frames lost, 1-100 (default 10)')
    .option('--delay <ms>', 'delay: latency added at the egress, ms (default 50; needs netem)')
    .option('--jitter <ms>', 'delay: uniform variation around it, ms')
    .option('--reorder <n>', 'delay: share of frames (%) sent undelayed, so they overtake the others')
    .option('--json <file>', 'also write the run as run.json (peerlab report renders it)')
    .action(async (kind: string, target: string, o: FaultCliOptions) => {
      if (!faultKinds.includes(kind as FaultKind))
        throw new InputError(`unknown fault "${kind}"; faults: ${faultKinds.join(', ')}`);
      const direction = o.direction
        ? oneOf('--direction', o.direction, ['to-microsoft', 'to-peer'] as const)
        : undefined;
      const scope = o.scope ? oneOf('--scope', o.scope, ['interconnects', 'routers'] as const) : undefined;
      if (o.percent !== undefined && count('--percent', o.percent) > 100)
        throw new InputError(`--percent is a share of frames, 1-100 (got ${o.percent})`);
      const lab = await openLab(o.lab);
      await refuseStaleFaults(lab.name);
      const scenario = oneFaultScenario(lab.model, {
        kind: kind as FaultKind,
        target,
        holdMs: seconds('--hold', o.hold),
        beforeMs: seconds('--before', o.before),
        afterMs: seconds('--after', o.after),
        probe: {
          ...(o.rate ? { rate: count('--rate', o.rate) } : {}),
          perPair: count('--flows-per-pair', o.flowsPerPair),
        },
        ...(o.flap ? { flap: { count: count('--flap', o.flap), periodMs: seconds('--period', o.period) } } : {}),
        ...(direction ? { direction } : {}),
        ...(scope ? { scope } : {}),
        ...(o.percent !== undefined ? { percent: count('--percent', o.percent) } : {}),
        ...(o.delay !== undefined || o.jitter !== undefined || o.reorder !== undefined
          ? {
              delay: {
                ...(o.delay !== undefined ? { ms: whole('--delay', o.delay) } : {}),
                ...(o.jitter !== undefined ? { jitterMs: whole('--jitter', o.jitter) } : {}),
                ...(o.reorder !== undefined ? { reorderPercent: whole('--reorder', o.reorder) } : {}),
              },
            }
          : {}),
      });
      const report = newRunReport(lab.runtime.kind, lab.lag.kind);
      report.labs.push({ topology: lab.model.source, name: lab.name, upMs: 0 });
      await using interrupt = onInterrupt(() => new InterruptedError('interrupted; the fault was reverted'));
      const recent = await recentCalibration(lab.name);
      try {
        await runOnLab(lab, [scenario], report, {
          signal: interrupt.signal,
          ...(recent ? { calibration: recent } : {}),
        });
      } catch (error) {
        settleRun(report, error, interrupt.signal);
      }
      const measured = report.labs.find((l) => l.name === lab.name)?.calibration;
      if (measured && !recent) await keepCalibration(lab.name, measured);
      finishRun(report, 1);
      const attempt = report.scenarios[0]?.attempts[0];
      if (attempt) console.log(formatFaultRun(scenario.name, attempt));
      if (o.json) await writeFile(o.json, JSON.stringify(report, null, 2));
      if (report.interrupted) throw interrupt.signal.reason as Error;
      if (report.error) throw new LabError(report.error);
    });

  program
    .command('revert')
    .description('revert every fault still applied to a lab (left by a peerlab fault or run that was killed)')
    .argument('[name]', 'lab name (default: the only running lab)')
    .action(async (name: string | undefined) => {
      const lab = await openLab(name);
      const reverted = await revertRecordedFaults(lab);
      console.log(reverted.length ? `reverted ${reverted.join(', ')}` : `lab ${lab.name} has no fault applied`);
    });
}

/** How long a lab's self-measurement serves later `peerlab fault` runs on it (each run's baseline still checks it). */
const calibrationTtlMs = 10 * 60_000;
const calibrationFile = (lab: string) => join(labDir(lab), 'calibration.json');

/** The lab's self-measurement from an earlier `peerlab fault`, if it is recent; removed with the lab. */
async function recentCalibration(lab: string): Promise<LabCalibration | undefined> {
  const file = calibrationFile(lab);
  const info = await stat(file).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return undefined;
    throw e;
  });
  if (!info || Date.now() - info.mtimeMs > calibrationTtlMs) return undefined;
  return JSON.parse(await readFile(file, 'utf8')) as LabCalibration;
}

async function keepCalibration(lab: string, calibration: LabCalibration): Promise<void> {
  await mkdir(labDir(lab), { recursive: true });
  await writeFile(calibrationFile(lab), JSON.stringify(calibration));
}
