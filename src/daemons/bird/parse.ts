import { normalizeBfd, type BfdState, type BgpPeerState, type PrefixLimit } from '../types.js';

/**
 * `birdc show protocols all`: one block per protocol, its header unindented
 * (`name BGP table state since info`), details indented below.
 */
export function parseBirdProtocols(text: string): BgpPeerState[] {
  return protocolBlocks(text).flatMap((block) => {
    const header = block[0]!.split(/\s+/);
    if (header[1] !== 'BGP') return [];
    const field = (name: string) =>
      block
        .find((l) => l.trimStart().startsWith(`${name}:`))
        ?.split(':')
        .slice(1)
        .join(':')
        .trim();
    const routes = field('Routes')?.match(/^(\d+) imported, (?:\d+ filtered, )?(\d+) exported/);
    const info = block[0]!.match(/Error: (.*)$/)?.[1]?.trim();
    return [
      {
        peer: field('Neighbor address') ?? header[0]!,
        state: field('BGP state') ?? 'Idle',
        received: routes ? Number(routes[1]) : 0,
        ...(routes ? { sent: Number(routes[2]) } : {}),
        ...(info ? { info } : {}),
      },
    ];
  });
}

/** The protocol block of `show protocols all` whose neighbor is `peer`. */
const blockOf = (text: string, peer: string) =>
  protocolBlocks(text).find((b) =>
    b.some((l) => new RegExp(`^\\s+Neighbor address:\\s+${peer.replace(/\./g, '\\.')}$`).test(l)),
  );

/** BIRD's words for the OPEN Message Error subcodes (RFC 4271 6.2, RFC 5492, RFC 9234), as its `Last error:` says them. */
const openErrors =
  /^(?:Received: )?(Invalid OPEN message|Unsupported version number|Bad peer AS|Bad BGP identifier|Unsupported optional parameter|Authentication failure|Unacceptable hold time|Required capability missing|No supported AFI\/SAFI|Role mismatch)\b/;

/** `show protocols all`: the session's last error, when it was an OPEN Message Error sent or received. */
export function parseBirdOpenError(text: string, peer: string): string | undefined {
  const last = blockOf(text, peer)
    ?.find((l) => /^\s+Last error:/.test(l))
    ?.replace(/^\s+Last error:\s*/, '')
    .trim();
  return last && openErrors.test(last) ? last : undefined;
}

/** The blocks of `show protocols all`: each protocol's header line and the indented lines under it. */
function protocolBlocks(text: string): string[][] {
  return text.split('\n').reduce<string[][]>((acc, line) => {
    if (/^\S+\s+\S+\s+\S+\s+\S+\s+\S+/.test(line) && !line.startsWith('Name ') && !line.startsWith('BIRD '))
      acc.push([line]);
    else acc.at(-1)?.push(line);
    return acc;
  }, []);
}

/** `birdc show bfd sessions`: the columns of its `address interface state since interval timeout` rows. */
export function birdBfdRows(text: string): string[][] {
  return text
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((cols) => cols.length >= 3 && /^\d+\.\d+\.\d+\.\d+$/.test(cols[0]!));
}

/** `show bfd sessions`: state, and while up the timeout BIRD negotiated (its detection time). */
export function parseBirdBfdSessions(text: string): BfdState[] {
  return birdBfdRows(text).map((cols) => {
    const state = normalizeBfd(cols[2]!);
    const timeout = cols.length >= 6 ? Math.round(Number(cols.at(-1)) * 1000) : NaN;
    return { peer: cols[0]!, state, ...(state === 'up' && timeout > 0 ? { detectMs: timeout } : {}) };
  });
}

const birdActions: Record<string, PrefixLimit['action']> = {
  disable: 'session-down',
  restart: 'restart',
  block: 'block',
  warn: 'warn',
};

/**
 * The limits of the BGP protocol whose neighbor is `peer`, from `birdc show protocols all`: `Receive limit:`
 * (routes as received) and `Import limit:` (routes the import filter accepted), each with its `Action:`.
 * Empty when none is set, undefined when no protocol has that neighbor.
 */
export function parseBirdPrefixLimits(text: string, peer: string): PrefixLimit[] | undefined {
  const block = blockOf(text, peer);
  if (!block) return undefined;
  return block.flatMap((line, i) => {
    const m = /^\s+(Receive|Import) limit:\s+(\d+)/.exec(line);
    if (!m) return [];
    const said = /^\s+Action:\s+(\S+)/.exec(block[i + 1] ?? '')?.[1] ?? 'disable';
    return [
      {
        limit: Number(m[2]),
        counts: m[1] === 'Receive' ? ('received' as const) : ('accepted' as const),
        action: birdActions[said] ?? 'session-down',
        said,
      },
    ];
  });
}
