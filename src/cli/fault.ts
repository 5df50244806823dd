import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { InputError, InterruptedError, LabError } from '../errors.js';
import { parse as parseScalar } from 'yaml';
import { faultKindList, faultKindOf, faultKinds, faultOptions } from '../faults/kinds/index.js';
import { openLab } from '../lab/open.js';
import { refuseStaleFaults, revertRecordedFaults } from '../lab/fault-records.js';
import { formatFaultRun } from '../report/fault.js';
import type { LabCalibration } from '../scenario/calibrate.js';
import { oneFaultScenario, type OneFaultOptions } from '../scenario/one-fault.js';
import type { LabModel } from '../topology/model.js';
import { labDir } from '../runtime/identity.js';
import { finishRun, newRunReport, runOnLab, settleRun } from '../scenario/suite.js';
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

interface FaultCliOptions {
  lab?: string;
  hold: string;
  before: string;
  after: string;
  rate?: string;
  flowsPerPair: string;
  flap?: string;
  period: string;
  json?: string;
  /** The fault kinds' own options (faults/kinds), by commander's camel-cased key. */
  [option: string]: string | undefined;
}

const camel = (key: string) => key.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** The kind's options from the flags given, each written as in a scenario file ("200ms", 40, to-peer). */
function kindOptions(o: FaultCliOptions): Record<string, unknown> {
  return Object.fromEntries(
    faultOptions().flatMap(({ key }) => {
      const value = o[camel(key)];
      return value === undefined ? [] : [[key, parseScalar(value) as unknown]];
    }),
  );
}

const kindsHelp = () =>
  `\nFault kinds, what each is aimed at, and what breaks:\n${faultKindList
    .map((k) => `  ${k.name.padEnd(17)} ${k.targets.join(' or ').padEnd(22)} ${k.summary}`)
    .join('\n')}\nOption values are written as in a scenario file: --delay 200ms, --percent 40.`;

/** The fault as a scenario; an option's mistake is named by its flag. */
function oneFault(model: LabModel, options: OneFaultOptions) {
  try {
    return oneFaultScenario(model, options);
  } catch (error) {
    if (error instanceof InputError && error.field && error.field in (options.fault.options ?? {}))
      throw new InputError(error.reason, undefined, `--${error.field}`, { cause: error });
    throw error;
  }
}

export function registerFault(program: Command): void {
  const command = program
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
    .option('--json <file>', 'also write the run as run.json (peerlab report renders it)');
  for (const option of faultOptions())
    command.option(`--${option.key} <value>`, `${option.kinds.join(', ')}: ${option.description}`);
  command.addHelpText('after', kindsHelp).action(async (kind: string, target: string, o: FaultCliOptions) => {
    faultKindOf(kind);
    const lab = await openLab(o.lab);
    await refuseStaleFaults(lab.name);
    const scenario = oneFault(lab.model, {
      fault: { kind, target, options: kindOptions(o) },
      holdMs: seconds('--hold', o.hold),
      beforeMs: seconds('--before', o.before),
      afterMs: seconds('--after', o.after),
      probe: {
        ...(o.rate ? { rate: count('--rate', o.rate) } : {}),
        perPair: count('--flows-per-pair', o.flowsPerPair),
      },
      ...(o.flap ? { flap: { count: count('--flap', o.flap), periodMs: seconds('--period', o.period) } } : {}),
    });
    const report = newRunReport(lab.runtime.kind, lab.lag.kind);
    report.labs.push({ topology: lab.model.source, name: lab.name, upMs: 0 });
    await using interrupt = onInterrupt(() => new InterruptedError('interrupted; the fault was reverted'));
    const recent = await recentCalibration(lab.name);
    try {
      await runOnLab(lab, [scenario], report, {
        signal: interrupt.signal,
        ...(recent ? { calibration: recent } : { onCalibrated: (measured) => keepCalibration(lab.name, measured) }),
      });
    } catch (error) {
      settleRun(report, error, interrupt.signal);
    }
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
