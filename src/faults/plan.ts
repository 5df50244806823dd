import { InputError } from '../errors.js';
import type { NodeDirs } from '../daemons/types.js';
import type { LagDriver } from '../lab/lag/types.js';
import type { LabModel, Link } from '../topology/model.js';
import type { FaultKind, FaultPlan } from './kind.js';
import { faultKindOf, type FaultKindName } from './kinds/index.js';
import { egressDrop, ipAndArp } from './steps.js';
import { resolveTarget, type FaultTarget } from './targets.js';

export type { FaultPlan, FaultStep } from './kind.js';

/** A fault as a scenario step or `peerlab fault` names it: kind, target, and the kind's options as written. */
export interface FaultSpec {
  kind: FaultKindName;
  target: string;
  options: Record<string, unknown>;
}

/** The target a fault of `kind` is aimed at; an InputError when it names nothing or the wrong kind of thing. */
export function faultTarget(model: LabModel, kind: FaultKind, targetName: string): FaultTarget {
  const target = resolveTarget(model, targetName);
  if (!kind.targets.includes(target.kind)) {
    throw new InputError(
      `${kind.name} takes a ${kind.targets.join(' or ')} target (such as ${example(model, kind.targets[0]!)}), not the ${target.kind} "${targetName}"`,
    );
  }
  return target;
}

/**
 * Check a fault against the lab before anything runs: its kind exists, its target is one the kind takes,
 * its options are the kind's and in range. InputErrors name the option (`field`) where one is at fault.
 */
export function bindFault(model: LabModel, spec: { kind: string; target: string; options?: object }): FaultSpec {
  return bound(model, spec).spec;
}

/** The fault's kind, target and parsed options, and the spec as written (without undefined options). */
function bound(model: LabModel, written: { kind: string; target: string; options?: object }) {
  const kind = faultKindOf(written.kind);
  const target = faultTarget(model, kind, written.target);
  const options = { ...written.options } as Record<string, unknown>;
  const allowed = Object.keys(kind.options.shape);
  for (const key of Object.keys(options).filter((k) => options[k] === undefined)) delete options[key];
  const stray = Object.keys(options).find((k) => !allowed.includes(k));
  if (stray)
    throw new InputError(
      `${kind.name} takes ${allowed.length ? `the options ${allowed.join(', ')}` : 'no options'}, not "${stray}"`,
      undefined,
      stray,
    );
  const parsed = kind.options.safeParse(options);
  if (!parsed.success) {
    const [issue] = parsed.error.issues;
    const field = issue!.path.map(String).join('.');
    throw new InputError(`${kind.name}: ${issue!.message}`, undefined, field || undefined);
  }
  const spec: FaultSpec = { kind: kind.name as FaultKindName, target: written.target, options };
  return { kind, target, parsed: parsed.data, spec };
}

export interface PlanOptions {
  /** Short unique id; names the nftables table the fault adds. */
  id: string;
  dirs: (node: string) => NodeDirs;
  /** router-kill: how the node's LAGs are rebuilt when it comes back. */
  lag: LagDriver;
}

/** Bind a fault to its target and spell out what to run where, to apply it and to revert it. */
export function planFault(model: LabModel, spec: FaultSpec, lab: PlanOptions): FaultPlan {
  const { kind, target, parsed } = bound(model, spec);
  const steps = (kind.plan as FaultKind['plan'])(target as never, parsed, {
    model,
    table: `peerlab_${lab.id}`,
    dirs: lab.dirs,
    lag: lab.lag,
  });
  const needs = (kind.needs as FaultKind['needs'])?.(parsed) ?? [];
  return { id: lab.id, kind: kind.name, target: spec.target, steps, ...(needs.length ? { needs } : {}) };
}

/** The latency a fault adds to the packets it carries (a delay fault's), ms; 0 for the others. */
export function faultLatencyMs(spec: FaultSpec): number {
  const kind = faultKindOf(spec.kind);
  return kind.latencyMs?.(kind.options.parse(spec.options)) ?? 0;
}

/**
 * A blackhole on one plain link (both ends, IP and ARP), such as a host's access link: no routing
 * protocol watches it, so the outage the probe measures is exactly the one injected (the accuracy benchmark).
 */
export function planLinkBlackhole(link: Pick<Link, 'id' | 'a' | 'b'>, id: string): FaultPlan {
  return {
    id,
    kind: 'link-blackhole',
    target: link.id,
    steps: [link.a, link.b].map((end) => egressDrop(end.node, `peerlab_${id}`, [end.interface], ipAndArp)),
  };
}

function example(model: LabModel, kind: FaultTarget['kind']): string {
  const ic = model.interconnects[0]!;
  return { interconnect: ic.id, member: ic.lag.memberLinks[0]!, router: ic.peerRouter, metro: `metro:${ic.metro}` }[
    kind
  ];
}
