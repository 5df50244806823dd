import { bfdDetectionMs } from '../daemons/intent.js';
import { InputError } from '../errors.js';
import type { Interconnect, LabModel } from '../topology/model.js';

/**
 * The failure matrix of a topology: every element (LAG member, interconnect, partner router, metro, all
 * of them) against every way it can fail, each row with the E-* it tests and the detection budget its
 * effective configuration gives (BFD as the edges negotiated it, LACP's fast timeout, the BGP hold time).
 */
export type ElementKind = 'member' | 'interconnect' | 'router' | 'metro' | 'all' | 'double';

export const failures = [
  'carrier-loss',
  'silent-blackhole',
  'gray-blackhole',
  'bfd-loss',
  'one-way-to-microsoft',
  'one-way-to-peer',
  'flap',
  'router-kill',
  'daemon-crash',
  'site-down',
  'internet-fallback',
  'member-and-twin-router',
  'metro-and-member',
] as const;
export type Failure = (typeof failures)[number];

export type Mechanism = 'carrier' | 'lacp' | 'bfd' | 'session-close' | 'hold-timer';

export interface Budget {
  /** What detects the failure in this configuration. */
  mechanism: Mechanism;
  /** The time the mechanism allows (ms); carrier is the lab's measured chain, 0 here. */
  detectMs: number;
  /** The longest loss any flow may see (ms): detection plus the withdrawal and reroute after it. */
  lossMs: number;
  /** Where the figures come from, as a person reads it. */
  why: string;
}

export interface MatrixRow {
  /** `element failure`, unique in the matrix. */
  id: string;
  element: string;
  elementKind: ElementKind;
  failure: Failure;
  covers: string;
  budget: Budget;
  /** The partner routers whose own config this row puts to the test. */
  partnerRouters: string[];
  /** Where detection shows: the edge routers that see it, and the kinds of timeline event that are it. */
  watch: Watch;
  /** Why the row runs at `--matrix full` only. */
  fullOnly?: string;
}

export interface Watch {
  nodes: string[];
  events: ('member' | 'bfd' | 'bgp')[];
}

export type MatrixLevel = 'default' | 'full';
/** What `certify --matrix` runs: a matrix level, or `reference`: the reference scenarios of the type, re-aimed (quick). */
export const certifyLevels = ['default', 'full', 'reference'] as const;
export type CertifyLevel = (typeof certifyLevels)[number];

/** BGP hold time of the lab's sessions (FRR's and BIRD's default: 180 s); no BFD leaves detection to it. */
const holdTimeMs = 180_000;
/** 802.1AX fast LACP: three missed LACPDUs a second apart. */
const lacpTimeoutMs = 3000;
/** After detection: withdrawal and reroute (the reference suite's 2 s for BFD's 900 ms). */
const rerouteMs = 1100;

/** BFD detection of an interconnect: as its edge negotiated it when known, else the topology's timers. */
type Detection = ReadonlyMap<string, number>;

function bfdBudget(ic: Interconnect, detection: Detection): Budget {
  if (!ic.bfd)
    return {
      mechanism: 'hold-timer',
      detectMs: holdTimeMs,
      lossMs: holdTimeMs + rerouteMs,
      why: `${ic.id} runs no BFD: the BGP hold time, 180 s`,
    };
  const negotiated = detection.get(ic.id);
  const ms = negotiated ?? bfdDetectionMs(ic.bfd);
  return {
    mechanism: 'bfd',
    detectMs: ms,
    lossMs: Math.max(2000, ms + rerouteMs),
    why: negotiated
      ? `BFD on ${ic.id} as its edge negotiated it: ${ms} ms`
      : `BFD on ${ic.id}: ${ic.bfd.intervalMs} ms x ${ic.bfd.multiplier} = ${ms} ms`,
  };
}

/**
 * Loss toward the peer only: the peer's BFD times out, and the edge learns it from the peer's next packet
 * saying Down, sent at BFD's slow rate once the session is down (RFC 5880: at least 1 s apart).
 */
function farEndNotice(bfd: Budget): Budget {
  if (bfd.mechanism !== 'bfd') return bfd;
  const detectMs = bfd.detectMs + 1000;
  return {
    ...bfd,
    detectMs,
    lossMs: Math.max(2000, detectMs + rerouteMs),
    why: `${bfd.why} at the peer, then its Down state reaches the edge at BFD's slow rate (1 s)`,
  };
}

const carrier = (lossMs: number, why: string): Budget => ({ mechanism: 'carrier', detectMs: 0, lossMs, why });

/**
 * Single-hop BFD over a LAG rides one member. With BFD faster than LACP's timeout, a silent failure of that
 * member takes the session down before LACP drops the member; RFC 7130 micro-BFD (one session per member)
 * avoids it, and neither FRR nor BIRD, the lab's edge included, runs it: what Microsoft's edge does then,
 * this lab cannot show.
 */
const bfdRidesAMember = (ic: Interconnect, detection: Detection) =>
  ic.bfd && (detection.get(ic.id) ?? bfdDetectionMs(ic.bfd)) < lacpTimeoutMs
    ? `single-hop BFD over ${ic.id} rides one member and detects (${detection.get(ic.id) ?? bfdDetectionMs(ic.bfd)} ms) before LACP's 3 s timeout: a silent failure of that member drops the session in this lab, whose edge runs no RFC 7130 micro-BFD (nor does FRR or BIRD); what Microsoft's edge does, it cannot show, so the row judges LACP and the loss, not the session`
    : undefined;

function memberRows(ic: Interconnect, detection: Detection): Omit<MatrixRow, 'id' | 'partnerRouters'>[] {
  if (ic.lag.members < 2) return [];
  const silentFullOnly = bfdRidesAMember(ic, detection);
  const watch: Watch = { nodes: [ic.edgeRouter], events: ['member'] };
  return Array.from({ length: ic.lag.members }, (_, i) => `${ic.id}/m${i + 1}`).flatMap((element) => [
    {
      element,
      elementKind: 'member' as const,
      failure: 'carrier-loss' as const,
      covers: 'E-LAG-MEMBER',
      budget: carrier(1000, 'carrier on the member; LACP moves its flows to the others'),
      watch,
    },
    {
      element,
      elementKind: 'member' as const,
      failure: 'silent-blackhole' as const,
      covers: 'E-LAG-MEMBER',
      budget: {
        mechanism: 'lacp' as const,
        detectMs: lacpTimeoutMs,
        lossMs: lacpTimeoutMs + 1000,
        why: 'LACP fast rate: 3 LACPDUs missed, 1 s apart',
      },
      watch,
      ...(silentFullOnly ? { fullOnly: silentFullOnly } : {}),
    },
  ]);
}

function interconnectRows(ic: Interconnect, detection: Detection): Omit<MatrixRow, 'id' | 'partnerRouters'>[] {
  const bfd = bfdBudget(ic, detection);
  const row = (failure: Failure, covers: string, budget: Budget) => ({
    element: ic.id,
    elementKind: 'interconnect' as const,
    failure,
    covers,
    budget,
    watch: edgeWatch([ic], budget),
  });
  return [
    row('carrier-loss', 'E-ACTIVE-ACTIVE', carrier(Math.max(2000, bfd.lossMs), `carrier on every member of ${ic.id}`)),
    row('gray-blackhole', 'E-SILENT', bfd),
    row('bfd-loss', 'E-SILENT', bfd),
    row('one-way-to-microsoft', 'E-SILENT', bfd),
    row('one-way-to-peer', 'E-SILENT', farEndNotice(bfd)),
    row('flap', 'E-ACTIVE-ACTIVE', carrier(Math.max(2000, bfd.lossMs), `carrier, each time ${ic.id} goes down`)),
  ];
}

/** Detection at the edges of `ics`: BFD going down where BFD detects, BGP leaving Established otherwise. */
const edgeWatch = (ics: Interconnect[], budget: Budget): Watch => ({
  nodes: [...new Set(ics.map((i) => i.edgeRouter))],
  events: budget.mechanism === 'bfd' ? ['bfd', 'bgp'] : ['bgp'],
});

/** The twin of an interconnect: another local one of its metro on another partner router. */
export const twinOf = (model: LabModel, ic: Interconnect) =>
  model.interconnects.find((i) => i.metro === ic.metro && i.id !== ic.id && i.peerRouter !== ic.peerRouter);

export function failureMatrix(model: LabModel, detection: Detection = new Map()): MatrixRow[] {
  const configured = new Set(model.nodes.filter((n) => n.role === 'peer-router' && n.config).map((n) => n.name));
  const mine = (...routers: string[]) => [...new Set(routers)].filter((r) => configured.has(r));
  const rows: Omit<MatrixRow, 'id'>[] = [];
  for (const ic of model.interconnects) {
    const partnerRouters = mine(ic.peerRouter);
    rows.push(
      ...[...memberRows(ic, detection), ...interconnectRows(ic, detection)].map((r) => ({ ...r, partnerRouters })),
    );
  }
  for (const router of [...new Set(model.interconnects.map((i) => i.peerRouter))]) {
    const ics = model.interconnects.filter((i) => i.peerRouter === router);
    const slowest = ics.map((i) => bfdBudget(i, detection)).sort((a, b) => b.lossMs - a.lossMs)[0]!;
    rows.push(
      {
        element: router,
        elementKind: 'router',
        failure: 'router-kill',
        covers: 'E-ROUTER',
        budget: slowest,
        partnerRouters: mine(router),
        watch: edgeWatch(ics, slowest),
      },
      {
        element: router,
        elementKind: 'router',
        failure: 'daemon-crash',
        covers: 'E-ROUTER',
        budget: {
          mechanism: 'session-close',
          detectMs: 0,
          lossMs: Math.max(2000, slowest.lossMs),
          why: "the routing daemon's sessions close with its process (BFD, in its own daemon, stays up)",
        },
        partnerRouters: mine(router),
        watch: { nodes: [...new Set(ics.map((i) => i.edgeRouter))], events: ['bgp'] },
      },
    );
  }
  const metros = [...new Set(model.interconnects.map((i) => i.metro))];
  if (metros.length >= 2)
    for (const metro of metros) {
      const ics = model.interconnects.filter((i) => i.metro === metro);
      rows.push({
        element: `metro:${metro}`,
        elementKind: 'metro',
        failure: 'site-down',
        covers: 'E-GEO',
        budget: carrier(
          Math.max(2000, ...ics.map((i) => bfdBudget(i, detection).lossMs)),
          `carrier on every interconnect of ${metro}`,
        ),
        partnerRouters: mine(...ics.map((i) => i.peerRouter)),
        watch: { nodes: [...new Set(ics.map((i) => i.edgeRouter))], events: ['bgp'] },
      });
    }
  if (model.transit)
    rows.push({
      element: 'all metros',
      elementKind: 'all',
      failure: 'internet-fallback',
      covers: 'E-INTERNET',
      budget: carrier(4000, 'carrier on every interconnect; the transit carries the traffic'),
      partnerRouters: mine(...model.interconnects.map((i) => i.peerRouter)),
      watch: { nodes: [...new Set(model.interconnects.map((i) => i.edgeRouter))], events: ['bgp'] },
    });
  rows.push(...doubles(model, detection, mine));
  return rows.map((r) => ({
    ...r,
    id: `${r.element} ${r.failure}`,
    ...(!r.fullOnly && r.budget.mechanism === 'hold-timer'
      ? { fullOnly: 'detected by the 180 s BGP hold time alone (no BFD)' }
      : {}),
  }));
}

/** Selected double failures: a member down while the twin's router dies; a metro down while the other loses a member. */
function doubles(model: LabModel, detection: Detection, mine: (...r: string[]) => string[]): Omit<MatrixRow, 'id'>[] {
  const rows: Omit<MatrixRow, 'id'>[] = [];
  const ic = model.interconnects.find((i) => i.lag.members >= 2 && twinOf(model, i));
  if (ic) {
    const twin = twinOf(model, ic)!;
    rows.push({
      element: `${ic.id}/m1 + ${twin.peerRouter}`,
      elementKind: 'double',
      failure: 'member-and-twin-router',
      covers: 'E-ROUTER',
      budget: bfdBudget(twin, detection),
      partnerRouters: mine(ic.peerRouter, twin.peerRouter),
      watch: edgeWatch([twin], bfdBudget(twin, detection)),
    });
  }
  const metros = [...new Set(model.interconnects.map((i) => i.metro))];
  const other = model.interconnects.find((i) => i.metro !== metros[0] && i.lag.members >= 2);
  if (metros.length >= 2 && other)
    rows.push({
      element: `metro:${metros[0]} + ${other.id}/m1`,
      elementKind: 'double',
      failure: 'metro-and-member',
      covers: 'E-GEO',
      budget: carrier(2000, `carrier on every interconnect of ${metros[0]}, and on one member of ${other.id}`),
      partnerRouters: mine(
        ...model.interconnects.filter((i) => i.metro === metros[0]).map((i) => i.peerRouter),
        other.peerRouter,
      ),
      watch: {
        nodes: [...new Set(model.interconnects.filter((i) => i.metro === metros[0]).map((i) => i.edgeRouter))],
        events: ['bgp'],
      },
    });
  return rows;
}

/**
 * The rows a level runs. `default`: every single failure that involves a partner router with its own
 * config, and at least one row of each failure elsewhere, but for rows that say why they run at `full`
 * only; `full`: every row, double failures included.
 */
export function selectRows(rows: MatrixRow[], level: MatrixLevel): MatrixRow[] {
  if (level === 'full') return rows;
  const single = rows.filter((r) => r.elementKind !== 'double' && !r.fullOnly);
  const picked = single.filter((r) => r.partnerRouters.length > 0);
  for (const failure of failures) {
    if (picked.some((r) => r.failure === failure)) continue;
    const first = single.find((r) => r.failure === failure);
    if (first) picked.push(first);
  }
  return single.filter((r) => picked.includes(r));
}

/**
 * The rows `--only` names, among a level's: each term is an element (a metro, interconnect, member or
 * router; an element names the ones under it too: `fra` takes `metro:fra` and `fra/ic1/m1`), a failure, or a row's
 * id (`fra/ic1 gray-blackhole`). A term no row of the matrix answers to is an input error that lists them.
 */
export function onlyRows(all: MatrixRow[], picked: MatrixRow[], terms: string[], level: MatrixLevel): MatrixRow[] {
  const matches = (row: MatrixRow, term: string) =>
    term === row.id ||
    term === row.failure ||
    row.element.split(' + ').some((e) => e === term || e === `metro:${term}` || e.startsWith(`${term}/`));
  for (const term of terms) {
    if (all.some((r) => matches(r, term))) continue;
    const elements = [...new Set(all.flatMap((r) => r.element.split(' + ')))];
    throw new InputError(
      `--only: no row of the matrix is "${term}" (elements: ${elements.join(', ')}; failures: ${failures.join(', ')}; or a row "element failure")`,
    );
  }
  const chosen = picked.filter((r) => terms.some((t) => matches(r, t)));
  if (!chosen.length)
    throw new InputError(
      `--only ${terms.join(',')}: its rows are not at --matrix ${level} (${all.filter((r) => terms.some((t) => matches(r, t))).length} at full)`,
    );
  return chosen;
}
