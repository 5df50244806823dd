import type { Interconnect, LabModel } from '../topology/model.js';
import { twinOf, type MatrixRow } from './matrix.js';
import {
  boundedLoss,
  fault,
  outage,
  restoredInTime,
  type ExpectationFile,
  type ScenarioFile,
  type StepFile,
} from './scenario-file.js';
import type { FaultKindName } from '../faults/kinds/index.js';

/** A matrix row's scenario before it is bound to its topology file: its name and its body. */
export type RowScenario = { name: string } & Omit<ScenarioFile, 'topology'>;

/** A row's scenario name: its id, in the characters a file name and a scenario name allow. */
export const rowScenarioName = (row: MatrixRow) =>
  `matrix-${row.id
    .replace(/^metro:/, '')
    .replace(/[^a-z0-9]+/gi, '-')
    .replace(/-+$/, '')
    .toLowerCase()}`;

/** The R-* a row's E-* puts to the test beside it. */
const alsoCovers: Record<string, string[]> = {
  'E-LAG-MEMBER': ['R-LACP'],
  'E-SILENT': ['R-BFD'],
  'E-GEO': ['R-GEO-REDUNDANCY'],
  'E-INTERNET': ['R-BACKUP-NONE-INTERNET'],
};

const ms = (n: number) => `${Math.round(n)}ms`;

/**
 * The scenario of one matrix row: the failure applied to its element, held for the detection budget and
 * the reroute after it, then reverted; judged on detection (by the mechanism the budget names, at the
 * edge), loss per flow against the budget, the traffic bypassing what failed, and the return.
 */
export function rowScenario(model: LabModel, row: MatrixRow): RowScenario {
  const ic = (id: string) => model.interconnects.find((i) => i.id === id)!;
  const covers = [row.covers, ...(alsoCovers[row.covers] ?? []), 'E-RESTORE'];
  const hold = ms(Math.max(3000, row.budget.lossMs + 1000));
  const base = { name: rowScenarioName(row), covers };
  const bounded = boundedLoss(ms(row.budget.lossMs));
  const [element] = row.element.split(' + ');
  switch (row.failure) {
    case 'carrier-loss':
    case 'silent-blackhole': {
      if (row.elementKind === 'member') {
        const lag = ic(element!.split('/').slice(0, 2).join('/'));
        const within = row.failure === 'carrier-loss' ? 'carrier + 100ms' : 'lacp + 1s';
        return {
          ...base,
          steps: outage([fault(row.failure === 'carrier-loss' ? 'member-down' : 'member-blackhole', element!)], {
            hold,
            settle: '2s',
          }),
          expect: [
            { id: 'member-out', detect: { event: 'member-down', node: lag.edgeRouter, lag: lag.id, within } },
            {
              id: 'bundle-rides-it-out',
              state: {
                at: 'during',
                node: lag.peerRouter,
                session: lag.id,
                bgp: 'established',
                lag: lag.id,
                'members-active': lag.lag.members - 1,
              },
            },
            { id: 'no-session-drop', count: { event: 'bgp-drop', max: 0 } },
            bounded,
            restoredInTime(),
          ],
        };
      }
      const i = ic(element!);
      const down = interconnectDown(
        base,
        i,
        'lag-down',
        { within: 'carrier + 300ms', event: 'bgp-down' },
        hold,
        bounded,
      );
      if (!twinOf(model, i)) return down;
      // With a local twin: both carry before (R-ACTIVE-ACTIVE), and again once it is back.
      return {
        ...down,
        covers: [...down.covers, 'R-ACTIVE-ACTIVE'],
        probe: { 'flows-per-pair': 8 },
        steps: outage([fault('lag-down', i.id)], { before: [{ hold: '2s' }], hold }),
        expect: [
          { id: 'both-twins-carry', covers: ['R-ACTIVE-ACTIVE'], path: { phase: 'before', 'active-active': i.metro } },
          ...down.expect,
          { id: 'back-to-both', covers: ['E-RESTORE'], path: { phase: 'restored', 'active-active': i.metro } },
        ],
      };
    }
    case 'gray-blackhole':
      return interconnectDown(base, ic(element!), 'link-blackhole', bfdDetect(row), hold, bounded);
    case 'bfd-loss':
      return interconnectDown(base, ic(element!), 'bfd-only-loss', bfdDetect(row), hold, bounded);
    case 'one-way-to-microsoft':
    case 'one-way-to-peer': {
      const i = ic(element!);
      const direction = row.failure === 'one-way-to-microsoft' ? 'to-microsoft' : 'to-peer';
      // The schema's option keys are built from the registry, so its type does not name them (the loader checks).
      const spec = { kind: 'one-way-loss', target: i.id, direction } as unknown as NonNullable<StepFile['fault']>;
      return interconnectDown(base, i, spec, bfdDetect(row), hold, bounded);
    }
    case 'flap': {
      const i = ic(element!);
      return {
        ...base,
        steps: [
          { wait: 'converged' },
          { flap: fault('lag-down', i.id), count: 3, period: '4s', down: '1s' },
          { wait: 'restored' },
          { hold: '3s' },
        ],
        expect: [
          // At most one drop a flap; a session still coming back when the next flap starts has nothing to drop.
          { id: 'drop-per-flap', count: { event: 'bgp-drop', node: i.edgeRouter, min: 1, max: 3 } },
          { id: 'bounded-outages', loss: { 'max-outage': ms(row.budget.lossMs) } },
          restoredInTime(),
        ],
      };
    }
    case 'router-kill':
    case 'daemon-crash': {
      const ics = model.interconnects.filter((i) => i.peerRouter === element);
      return {
        ...base,
        steps: outage([fault(row.failure, element!)], { hold }),
        expect: [
          ...ics.map((i, n): ExpectationFile => ({
            id: `edge-sees-it${ics.length > 1 ? `-${n + 1}` : ''}`,
            state: { at: 'during', node: i.edgeRouter, session: i.id, bgp: 'down' },
          })),
          ...ics.map((i, n): ExpectationFile => ({
            id: `bypassed${ics.length > 1 ? `-${n + 1}` : ''}`,
            path: { at: 'during', 'not-via': i.id },
          })),
          bounded,
          restoredInTime(),
        ],
      };
    }
    case 'site-down': {
      const metro = element!.replace(/^metro:/, '');
      const other = model.interconnects.find((i) => i.metro !== metro)!.metro;
      return {
        ...base,
        steps: outage([fault('site-down', `metro:${metro}`)], { hold }),
        expect: [
          { id: 'other-metro-carries', path: { at: 'during', via: `metro:${other}`, 'not-via': `metro:${metro}` } },
          bounded,
          restoredInTime(),
        ],
      };
    }
    case 'internet-fallback': {
      const metros = [...new Set(model.interconnects.map((i) => i.metro))];
      return {
        ...base,
        covers: [...covers, 'R-NO-READVERTISE'],
        steps: outage(
          metros.map((m) => fault('site-down', `metro:${m}`)),
          { before: [{ mark: 'peering' }], hold: '4s' },
        ),
        expect: [
          { id: 'via-transit', path: { at: 'during', via: 'transit' } },
          { id: 'back-on-peering', covers: ['E-RESTORE'], path: { phase: 'restored', 'not-via': 'transit' } },
          restoredInTime(),
          { id: 'no-readvertise', covers: ['R-NO-READVERTISE'], readvertise: { at: 'peering' } },
        ],
      };
    }
    case 'member-and-twin-router': {
      const [member, router] = row.element.split(' + ') as [string, string];
      const lag = ic(member.split('/').slice(0, 2).join('/'));
      return {
        ...base,
        steps: outage([fault('member-down', member), fault('router-kill', router)], { hold }),
        expect: [{ id: 'bundle-carries', path: { at: 'during', via: lag.id } }, bounded, restoredInTime()],
      };
    }
    case 'metro-and-member': {
      const [metro, member] = row.element.split(' + ') as [string, string];
      const lag = ic(member.split('/').slice(0, 2).join('/'));
      return {
        ...base,
        steps: outage([fault('site-down', metro), fault('member-down', member)], { hold }),
        expect: [
          { id: 'other-metro-carries', path: { at: 'during', via: `metro:${lag.metro}`, 'not-via': metro } },
          bounded,
          restoredInTime(),
        ],
      };
    }
  }
}

/** BFD detection at the edge within the budget (the time the two ends negotiated). */
const bfdDetect = (row: MatrixRow) =>
  row.budget.mechanism === 'bfd'
    ? { event: 'bfd-down' as const, within: ms(row.budget.detectMs) }
    : { event: 'bgp-down' as const, within: ms(row.budget.detectMs) };

/** An interconnect taken out by `kind`: the edge detects it, the traffic bypasses it, and it comes back. */
function interconnectDown(
  base: { name: string; covers: string[] },
  i: Interconnect,
  kind: 'lag-down' | 'link-blackhole' | 'bfd-only-loss' | NonNullable<StepFile['fault']>,
  detect: { event: 'bgp-down' | 'bfd-down'; within: string },
  hold: string,
  bounded: ExpectationFile,
): RowScenario {
  return {
    ...base,
    steps: outage([typeof kind === 'string' ? fault(kind as FaultKindName, i.id) : kind], { hold }),
    expect: [
      { id: 'detected', detect: { ...detect, node: i.edgeRouter, session: i.id } },
      { id: 'session-down', state: { at: 'during', node: i.edgeRouter, session: i.id, bgp: 'down' } },
      { id: 'bypassed', path: { at: 'during', 'not-via': i.id } },
      bounded,
      restoredInTime(),
    ],
  };
}
