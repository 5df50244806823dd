import { z } from 'zod';
import { InputError } from '../../errors.js';
import type { FaultKind } from '../kind.js';
import { bfdOnlyLoss } from './bfd-only-loss.js';
import { daemonCrash } from './daemon-crash.js';
import { delay } from './delay.js';
import { lagDown } from './lag-down.js';
import { linkBlackhole } from './link-blackhole.js';
import { memberBlackhole } from './member-blackhole.js';
import { memberDown } from './member-down.js';
import { oneWayLoss } from './one-way-loss.js';
import { randomLoss } from './random-loss.js';
import { routerKill } from './router-kill.js';
import { siteDown } from './site-down.js';

/** Every fault kind, in the order help and docs list them. */
export const faultKindList = [
  memberDown,
  lagDown,
  memberBlackhole,
  linkBlackhole,
  bfdOnlyLoss,
  oneWayLoss,
  randomLoss,
  delay,
  daemonCrash,
  routerKill,
  siteDown,
] as const;

export type FaultKindName = (typeof faultKindList)[number]['name'];
export const faultKinds = faultKindList.map((k) => k.name) as FaultKindName[];

/** The kind named `name`; an InputError listing them when there is none. */
export function faultKindOf(name: string): FaultKind {
  const kind = faultKindList.find((k) => k.name === name) as FaultKind | undefined;
  if (!kind) throw new InputError(`unknown fault kind "${name}"; one of ${faultKinds.join(', ')}`);
  return kind;
}

/** One option any kind takes: its schema (as the first kind that declares it has it) and the kinds that take it. */
export interface FaultOptionInfo {
  key: string;
  schema: z.ZodType;
  description: string;
  kinds: string[];
}

/** Every kind's options, merged by key: what a scenario file's fault object and `peerlab fault`'s flags accept. */
export function faultOptions(): FaultOptionInfo[] {
  const byKey = new Map<string, FaultOptionInfo>();
  for (const kind of faultKindList as readonly FaultKind[])
    for (const [key, schema] of Object.entries(kind.options.shape)) {
      const known = byKey.get(key);
      if (known) known.kinds.push(kind.name);
      else
        byKey.set(key, {
          key,
          schema: schema as z.ZodType,
          description: (schema as z.ZodType).description ?? '',
          kinds: [kind.name],
        });
    }
  return [...byKey.values()];
}
