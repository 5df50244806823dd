import { InputError } from '../errors.js';
import type { Interconnect, LabModel } from '../topology/model.js';

/** What a fault is aimed at, bound to the model. */
export type FaultTarget =
  | { kind: 'interconnect'; name: string; interconnect: Interconnect }
  | { kind: 'member'; name: string; interconnect: Interconnect; member: number }
  | { kind: 'router'; name: string; node: string }
  | { kind: 'metro'; name: string; metro: string; interconnects: Interconnect[] };

/** Every name a fault can address in this lab, in the forms the topology gives them. */
export function validTargets(model: LabModel): string[] {
  return [
    ...model.interconnects.flatMap((ic) => [ic.id, ...ic.lag.memberLinks]),
    ...model.nodes.filter((n) => n.role !== 'host').map((n) => n.name),
    ...[...new Set(model.interconnects.map((ic) => ic.metro))].map((m) => `metro:${m}`),
  ];
}

/** `ams/ic1` (interconnect), `ams/ic1/m2` (LAG member), `ams-pe1` (router), `metro:ams` (site). */
export function resolveTarget(model: LabModel, name: string): FaultTarget {
  const ic = model.interconnects.find((i) => i.id === name);
  if (ic) return { kind: 'interconnect', name, interconnect: ic };
  const member = model.interconnects.find((i) => i.lag.memberLinks.includes(name));
  if (member) return { kind: 'member', name, interconnect: member, member: member.lag.memberLinks.indexOf(name) + 1 };
  const node = model.nodes.find((n) => n.name === name && n.role !== 'host');
  if (node) return { kind: 'router', name, node: node.name };
  const metro = name.startsWith('metro:') ? name.slice('metro:'.length) : undefined;
  const site = model.interconnects.filter((i) => i.metro === metro);
  if (site.length) return { kind: 'metro', name, metro: metro!, interconnects: site };
  throw new InputError(`unknown fault target "${name}"; valid targets: ${validTargets(model).join(', ')}`);
}
