import { Document, Scalar } from 'yaml';
import type { z } from 'zod';
import type { FaultKindName } from '../faults/kinds/index.js';
import type { scenarioSchema } from '../scenario/schema.js';

/**
 * A scenario file as data: what a scenario file says, typed by the loader's own schema, so a generated
 * scenario with a key, kind or value the loader would refuse does not compile.
 */
export type ScenarioFile = z.input<typeof scenarioSchema>;
export type StepFile = ScenarioFile['steps'][number];
export type ExpectationFile = ScenarioFile['expect'][number];

/** A fault step's fault, written as a scenario file writes it: "<kind> <target>". */
export function fault(kind: FaultKindName, target: string): string {
  return `${kind} ${target}`;
}

/**
 * The steps of an outage: converge, apply the faults (after `before`), hold under them for `hold`, take
 * the `during` mark, revert them all, wait until restored, and let traffic settle for `settle`.
 */
export function outage(
  faults: NonNullable<StepFile['fault']>[],
  { before = [], hold = '3s', settle = '3s' }: { before?: StepFile[]; hold?: string; settle?: string } = {},
): StepFile[] {
  return [
    { wait: 'converged' },
    ...before,
    ...faults.map((f) => ({ fault: f })),
    { hold },
    { mark: 'during' },
    { revert: 'all' },
    { wait: 'restored' },
    { hold: settle },
  ];
}

/** Loss-derived convergence per flow within `maxLoss` (RFC 7747), over the whole run. */
export function boundedLoss(maxLoss: string, id = 'bounded-loss'): ExpectationFile {
  return { id, loss: { 'max-loss': maxLoss } };
}

/**
 * E-RESTORE: converged again within 300 s of the revert (BIRD's longest default error wait), and no second
 * outage over 200 ms on the way back.
 */
export function restoredInTime(id = 'restored'): ExpectationFile {
  return { id, covers: ['E-RESTORE'], restore: { within: '300s', 'max-second-outage': '200ms' } };
}

/** E-LAG-MEMBER: while one member is out, the peer router's session stays up on the others and never drops. */
export function bundleRidesItOut(lag: { id: string; peerRouter: string; lag: { members: number } }): ExpectationFile[] {
  return [
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
  ];
}

/** E-INTERNET: every metro down at once, the traffic over the transit, back on the peering after, never re-advertised. */
export function internetFallbackBody(metros: string[]): { steps: StepFile[]; expect: ExpectationFile[] } {
  return {
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

/**
 * The file's text, laid out as the reference scenarios are: a comment first, the topology quoted, lists of
 * IDs and each expectation's body on one line (flow style), steps and expectations one item a line.
 */
export function scenarioText(comment: string, file: ScenarioFile): string {
  const doc = new Document();
  const flow = (value: unknown) => doc.createNode(value, { flow: true });
  const { topology, covers, probe, steps, expect, ...rest } = file;
  const quoted = new Scalar(topology);
  quoted.type = Scalar.QUOTE_DOUBLE;
  const contents = doc.createNode({
    ...rest,
    topology: quoted,
    covers: flow(covers),
    ...(probe ? { probe: flow(probe) } : {}),
    steps,
    expect: expect.map(({ id, covers, ...body }) => ({
      id,
      ...(covers ? { covers: flow(covers) } : {}),
      ...Object.fromEntries(
        Object.entries(body).flatMap(([kind, value]) => (value === undefined ? [] : [[kind, flow(value)]])),
      ),
    })),
  });
  contents.commentBefore = ` ${comment}`;
  doc.contents = contents;
  return doc.toString({ lineWidth: 0 });
}
