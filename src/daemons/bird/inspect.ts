import type { ConfigFacts } from '../types.js';

/** `include "file";` lines (BIRD reads each where it stands, relative to the including file's folder). */
export function birdIncludes(text: string): { path: string; line: number; column: number }[] {
  return text.split('\n').flatMap((raw, i) => {
    const m = /^(\s*include\s+")([^"]+)"\s*;/.exec(raw);
    return m ? [{ path: m[2]!, line: i + 1, column: m[1]!.length + 1 }] : [];
  });
}

interface Block {
  kind: 'protocol' | 'template';
  name?: string;
  from?: string;
  line: number;
  localAs?: number;
  neighbor?: { address: string; remoteAs?: ConfigFacts['neighbors'][number]['remoteAs']; line: number };
}

/**
 * The BGP facts of a bird.conf: each `protocol bgp` with its `local as` and `neighbor ... as`, templates
 * followed (`from`). Lines are 1-based. A value this reading cannot resolve (a constant) is listed unread.
 */
export function inspectBird(text: string): ConfigFacts {
  const facts: ConfigFacts = { localAs: [], neighbors: [], interfaces: [], unread: [] };
  const blocks: Block[] = [];
  let current: Block | undefined;
  let depth = 0;
  const lines = text.replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' ')).split('\n');
  lines.forEach((raw, i) => {
    const line = i + 1;
    const code = raw.replace(/#.*$/, '');
    let m: RegExpMatchArray | null;
    if (
      depth === 0 &&
      (m = code.match(/^\s*(protocol|template)\s+bgp(?:\s+([A-Za-z_][\w]*))?(?:\s+from\s+([A-Za-z_][\w]*))?\s*\{/))
    ) {
      current = { kind: m[1] as Block['kind'], line, ...(m[2] ? { name: m[2] } : {}), ...(m[3] ? { from: m[3] } : {}) };
      blocks.push(current);
    }
    if (current && depth >= 1) {
      if ((m = code.match(/\blocal(?:\s+\S+)?\s+as\s+(\S+?)\s*;/))) {
        if (/^\d+$/.test(m[1]!)) current.localAs = Number(m[1]);
        else facts.unread.push({ line, text: code.trim() });
      }
      if (
        (m = code.match(
          /\bneighbor\s+(\d+\.\d+\.\d+\.\d+)(?:\s+port\s+\d+)?(?:\s+as\s+(\S+?)|\s+(internal|external))?\s*;/,
        ))
      ) {
        const as = m[2] ?? m[3];
        // A constant (`define msft_as = 8075;`): BIRD resolves it, this reading does not; the daemon's session says.
        const read = as === undefined || /^(\d+|internal|external)$/.test(as);
        current.neighbor = {
          address: m[1]!,
          line,
          ...(as === undefined
            ? {}
            : { remoteAs: !read ? 'unread' : /^\d+$/.test(as) ? Number(as) : (as as 'internal' | 'external') }),
        };
        if (!read) facts.unread.push({ line, text: code.trim() });
      }
    }
    depth += (code.match(/\{/g) ?? []).length - (code.match(/\}/g) ?? []).length;
    if (depth === 0) current = undefined;
  });
  const templates = new Map(blocks.filter((b) => b.kind === 'template' && b.name).map((b) => [b.name!, b]));
  const inherited = <K extends 'localAs' | 'neighbor'>(b: Block, key: K, seen = new Set<Block>()): Block[K] => {
    if (b[key] !== undefined || !b.from || seen.has(b)) return b[key];
    const parent = templates.get(b.from);
    return parent ? inherited(parent, key, seen.add(b)) : undefined;
  };
  for (const b of blocks.filter((x) => x.kind === 'protocol')) {
    const localAs = inherited(b, 'localAs');
    if (localAs !== undefined) facts.localAs.push({ asn: localAs, line: b.line });
    const neighbor = inherited(b, 'neighbor');
    if (!neighbor)
      facts.unread.push({
        line: b.line,
        text: `protocol bgp${b.name ? ` ${b.name}` : ''} without a neighbor this reading can see`,
      });
    else
      facts.neighbors.push({
        address: neighbor.address,
        remoteAs: neighbor.remoteAs ?? 'external',
        line: neighbor.line,
        ...(localAs !== undefined ? { localAs } : {}),
      });
  }
  return facts;
}
