import { normalizeBfd, type BfdState, type BgpPeerState } from '../types.js';

/**
 * `birdc show protocols all`: one block per protocol, its header unindented
 * (`name BGP table state since info`), details indented below.
 */
export function parseBirdProtocols(text: string): BgpPeerState[] {
  const blocks = text.split('\n').reduce<string[][]>((acc, line) => {
    if (/^\S+\s+\S+\s+\S+\s+\S+\s+\S+/.test(line) && !line.startsWith('Name ') && !line.startsWith('BIRD '))
      acc.push([line]);
    else acc.at(-1)?.push(line);
    return acc;
  }, []);
  return blocks.flatMap((block) => {
    const header = block[0]!.split(/\s+/);
    if (header[1] !== 'BGP') return [];
    const field = (name: string) =>
      block
        .find((l) => l.trimStart().startsWith(`${name}:`))
        ?.split(':')
        .slice(1)
        .join(':')
        .trim();
    const routes = field('Routes')?.match(/^(\d+) imported/);
    const info = block[0]!.match(/Error: (.*)$/)?.[1]?.trim();
    return [
      {
        peer: field('Neighbor address') ?? header[0]!,
        state: field('BGP state') ?? 'Idle',
        received: routes ? Number(routes[1]) : 0,
        ...(info ? { info } : {}),
      },
    ];
  });
}

/** `birdc show bfd sessions`: the columns of its `address interface state since interval timeout` rows. */
export function birdBfdRows(text: string): string[][] {
  return text
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((cols) => cols.length >= 3 && /^\d+\.\d+\.\d+\.\d+$/.test(cols[0]!));
}

export function parseBirdBfdSessions(text: string): BfdState[] {
  return birdBfdRows(text).map((cols) => ({ peer: cols[0]!, state: normalizeBfd(cols[2]!) }));
}
