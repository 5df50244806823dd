import type { Interconnect, LabModel } from '../topology/model.js';
import { twinOf, type Failure, type MatrixRow } from './matrix.js';
import {
  boundedLoss,
  bundleRidesItOut,
  fault,
  internetFallbackBody,
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

/** What every builder starts from: the row, its interconnects by id, the scenario's name and covers, its hold and loss bound. */
interface Ctx {
  model: LabModel;
  row: MatrixRow;
  ic(id: string): Interconnect;
  /** The element's first part (`ams/ic1/m2`, `ams/ic1`, `fra-pe1`, `metro:ams`). */
  element: string;
  base: { name: string; covers: string[] };
  hold: string;
  bounded: ExpectationFile;
}

/** The LAG a member (`metro/name/mN`) belongs to. */
const lagOf = (c: Ctx, member: string) => c.ic(member.split('/').slice(0, 2).join('/'));

/**
 * The scenario of one matrix row: the failure applied to its element, held for the detection budget and
 * the reroute after it, then reverted; judged on detection (by the mechanism the budget names, at the
 * edge), loss per flow against the budget, the traffic bypassing what failed, and the return.
 */
export function rowScenario(model: LabModel, row: MatrixRow): RowScenario {
  const c: Ctx = {
    model,
    row,
    ic: (id) => model.interconnects.find((i) => i.id === id)!,
    element: row.element.split(' + ')[0]!,
    base: { name: rowScenarioName(row), covers: [row.covers, ...(alsoCovers[row.covers] ?? []), 'E-RESTORE'] },
    hold: ms(Math.max(3000, row.budget.lossMs + 1000)),
    bounded: boundedLoss(ms(row.budget.lossMs)),
  };
  const byKind = row.elementKind === 'member' ? memberBuilders : builders;
  return byKind[row.failure]!(c);
}

/**
 * A member lost (carrier, or silently): the bundle rides it out, the session stays up. A silent failure the
 * lab's own edge cannot ride out (`fullOnly`: single-hop BFD on that member) is judged on what the lab can
 * show, LACP taking the member out and the loss, not on the session.
 */
function memberOut(c: Ctx): RowScenario {
  const lag = lagOf(c, c.element);
  const carrier = c.row.failure === 'carrier-loss';
  if (!carrier && c.row.fullOnly)
    return {
      ...c.base,
      steps: outage([fault('member-blackhole', c.element)], { hold: c.hold, settle: '2s' }),
      expect: [
        { id: 'member-out', detect: { event: 'member-down', node: lag.edgeRouter, lag: lag.id, within: 'lacp + 1s' } },
        {
          id: 'bundle-carries-on',
          state: { at: 'during', node: lag.peerRouter, lag: lag.id, 'members-active': lag.lag.members - 1 },
        },
        c.bounded,
        restoredInTime(),
      ],
    };
  return {
    ...c.base,
    steps: outage([fault(carrier ? 'member-down' : 'member-blackhole', c.element)], { hold: c.hold, settle: '2s' }),
    expect: [
      {
        id: 'member-out',
        detect: {
          event: 'member-down',
          node: lag.edgeRouter,
          lag: lag.id,
          within: carrier ? 'carrier + 100ms' : 'lacp + 1s',
        },
      },
      ...bundleRidesItOut(lag),
      c.bounded,
      restoredInTime(),
    ],
  };
}

/** A LAG's carrier lost; with a local twin, both carry before (R-ACTIVE-ACTIVE) and again once it is back. */
function lagDown(c: Ctx): RowScenario {
  const i = c.ic(c.element);
  const down = interconnectDown(c, 'lag-down', { within: 'carrier + 300ms', event: 'bgp-down' });
  if (!twinOf(c.model, i)) return down;
  return {
    ...down,
    covers: [...down.covers, 'R-ACTIVE-ACTIVE'],
    probe: { 'flows-per-pair': 8 },
    steps: outage([fault('lag-down', i.id)], { before: [{ hold: '2s' }], hold: c.hold }),
    expect: [
      { id: 'both-twins-carry', covers: ['R-ACTIVE-ACTIVE'], path: { phase: 'before', 'active-active': i.metro } },
      ...down.expect,
      { id: 'back-to-both', covers: ['E-RESTORE'], path: { phase: 'restored', 'active-active': i.metro } },
    ],
  };
}

function oneWay(c: Ctx): RowScenario {
  const direction = c.row.failure === 'one-way-to-microsoft' ? 'to-microsoft' : 'to-peer';
  // The schema's option keys are built from the registry, so its type does not name them (the loader checks).
  const spec = { kind: 'one-way-loss', target: c.element, direction } as unknown as NonNullable<StepFile['fault']>;
  return interconnectDown(c, spec, bfdDetect(c.row));
}

function flap(c: Ctx): RowScenario {
  const i = c.ic(c.element);
  return {
    ...c.base,
    steps: [
      { wait: 'converged' },
      { flap: fault('lag-down', i.id), count: 3, period: '4s', down: '1s' },
      { wait: 'restored' },
      { hold: '3s' },
    ],
    expect: [
      // At most one drop a flap; a session still coming back when the next flap starts has nothing to drop.
      { id: 'drop-per-flap', count: { event: 'bgp-drop', node: i.edgeRouter, min: 1, max: 3 } },
      { id: 'bounded-outages', loss: { 'max-outage': ms(c.row.budget.lossMs) } },
      restoredInTime(),
    ],
  };
}

/** A partner router killed, or its routing daemon crashed: every edge it faces sees it, the traffic bypasses it. */
function routerDown(c: Ctx): RowScenario {
  const ics = c.model.interconnects.filter((i) => i.peerRouter === c.element);
  const n = (k: number) => (ics.length > 1 ? `-${k + 1}` : '');
  return {
    ...c.base,
    steps: outage([fault(c.row.failure as 'router-kill' | 'daemon-crash', c.element)], { hold: c.hold }),
    expect: [
      ...ics.map((i, k): ExpectationFile => ({
        id: `edge-sees-it${n(k)}`,
        state: { at: 'during', node: i.edgeRouter, session: i.id, bgp: 'down' },
      })),
      ...ics.map((i, k): ExpectationFile => ({ id: `bypassed${n(k)}`, path: { at: 'during', 'not-via': i.id } })),
      c.bounded,
      restoredInTime(),
    ],
  };
}

function siteDown(c: Ctx): RowScenario {
  const metro = c.element.replace(/^metro:/, '');
  const other = c.model.interconnects.find((i) => i.metro !== metro)!.metro;
  return {
    ...c.base,
    steps: outage([fault('site-down', `metro:${metro}`)], { hold: c.hold }),
    expect: [
      { id: 'other-metro-carries', path: { at: 'during', via: `metro:${other}`, 'not-via': `metro:${metro}` } },
      c.bounded,
      restoredInTime(),
    ],
  };
}

function internetFallback(c: Ctx): RowScenario {
  const metros = [...new Set(c.model.interconnects.map((i) => i.metro))];
  return { ...c.base, covers: [...c.base.covers, 'R-NO-READVERTISE'], ...internetFallbackBody(metros) };
}

function memberAndTwinRouter(c: Ctx): RowScenario {
  const [member, router] = c.row.element.split(' + ') as [string, string];
  return {
    ...c.base,
    steps: outage([fault('member-down', member), fault('router-kill', router)], { hold: c.hold }),
    expect: [{ id: 'bundle-carries', path: { at: 'during', via: lagOf(c, member).id } }, c.bounded, restoredInTime()],
  };
}

function metroAndMember(c: Ctx): RowScenario {
  const [metro, member] = c.row.element.split(' + ') as [string, string];
  return {
    ...c.base,
    steps: outage([fault('site-down', metro), fault('member-down', member)], { hold: c.hold }),
    expect: [
      {
        id: 'other-metro-carries',
        path: { at: 'during', via: `metro:${lagOf(c, member).metro}`, 'not-via': metro },
      },
      c.bounded,
      restoredInTime(),
    ],
  };
}

/** Each failure of a member; every other element's failures below. */
const memberBuilders: Partial<Record<Failure, (c: Ctx) => RowScenario>> = {
  'carrier-loss': memberOut,
  'silent-blackhole': memberOut,
};

const builders: Record<Failure, (c: Ctx) => RowScenario> = {
  'carrier-loss': lagDown,
  'silent-blackhole': memberOut,
  'gray-blackhole': (c) => interconnectDown(c, 'link-blackhole', bfdDetect(c.row)),
  'bfd-loss': (c) => interconnectDown(c, 'bfd-only-loss', bfdDetect(c.row)),
  'one-way-to-microsoft': oneWay,
  'one-way-to-peer': oneWay,
  flap,
  'router-kill': routerDown,
  'daemon-crash': routerDown,
  'site-down': siteDown,
  'internet-fallback': internetFallback,
  'member-and-twin-router': memberAndTwinRouter,
  'metro-and-member': metroAndMember,
};

/**
 * BFD detection at the edge within the budget (the time the two ends negotiated): the edge's BFD session
 * down, or its BGP session ended first by the partner's own BFD (a Cease from a router that detected it
 * sooner), whichever the edge shows first; without BFD, the session's fall.
 */
const bfdDetect = (row: MatrixRow) =>
  row.budget.mechanism === 'bfd'
    ? { event: 'session-down' as const, within: ms(row.budget.detectMs) }
    : { event: 'bgp-down' as const, within: ms(row.budget.detectMs) };

/** An interconnect taken out by `kind`: the edge detects it, the traffic bypasses it, and it comes back. */
function interconnectDown(
  c: Ctx,
  kind: 'lag-down' | 'link-blackhole' | 'bfd-only-loss' | NonNullable<StepFile['fault']>,
  detect: { event: 'bgp-down' | 'session-down'; within: string },
): RowScenario {
  const i = c.ic(c.element);
  return {
    ...c.base,
    steps: outage([typeof kind === 'string' ? fault(kind as FaultKindName, i.id) : kind], { hold: c.hold }),
    expect: [
      { id: 'detected', detect: { ...detect, node: i.edgeRouter, session: i.id } },
      { id: 'session-down', state: { at: 'during', node: i.edgeRouter, session: i.id, bgp: 'down' } },
      { id: 'bypassed', path: { at: 'during', 'not-via': i.id } },
      c.bounded,
      restoredInTime(),
    ],
  };
}
