import type { LagState } from '../types.js';

/** `ovs-appctl bond/show`: `---- port ----` blocks with `lacp_status:` and `member NAME: enabled|disabled`. */
export function parseOvsBondShow(text: string): LagState[] {
  return text
    .split(/^---- (\S+) ----$/m)
    .slice(1)
    .reduce<LagState[]>((lags, chunk, i, parts) => {
      if (i % 2 === 1) return lags;
      const body = parts[i + 1] ?? '';
      lags.push({
        name: chunk.replace(/-lag$/, ''),
        negotiated: /^lacp_status: negotiated$/m.test(body),
        members: [...body.matchAll(/^member (\S+): (enabled|disabled)$/gm)].map((m) => ({
          name: m[1]!,
          enabled: m[2] === 'enabled',
        })),
      });
      return lags;
    }, []);
}

/**
 * `ovs-appctl lacp/show`: per member, whether both ends are collecting and distributing. OVS may
 * enable a member in bond/show before its partner distributes on it; traffic hashed there is lost.
 */
export function parseOvsLacpShow(text: string): Map<string, boolean> {
  const members = new Map<string, boolean>();
  for (const block of text.split(/^member: /m).slice(1)) {
    const name = block.split(':')[0]!.trim();
    const state = (who: string) => block.match(new RegExp(`^\\s*${who} state:(.*)$`, 'm'))?.[1] ?? '';
    const distributing = (s: string) => /\bcollecting\b/.test(s) && /\bdistributing\b/.test(s);
    members.set(name, distributing(state('actor')) && distributing(state('partner')));
  }
  return members;
}

/** A bond/show member is enabled only if LACP also has both ends distributing on it. */
export function withLacp(lags: LagState[], lacp: Map<string, boolean>): LagState[] {
  return lags.map((l) => ({
    ...l,
    members: l.members.map((m) => ({ ...m, enabled: m.enabled && (lacp.get(m.name) ?? true) })),
  }));
}
