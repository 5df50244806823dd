import { birdBfdRows } from '../daemons/bird/parse.js';
import type { EvidenceRoute, SessionEvidence } from '../requirements/router-evidence.js';

type ReceivedRoute = EvidenceRoute;

/**
 * `birdc show route table T protocol P all` (BIRD 2): a route's first line starts with its prefix at the
 * margin; its attributes follow, indented, as `BGP.<name>: value`.
 */
export function parseBirdRoutes(text: string): ReceivedRoute[] {
  const routes: ReceivedRoute[] = [];
  for (const line of text.split('\n')) {
    const head = /^(\d+\.\d+\.\d+\.\d+\/\d+)\s/.exec(line);
    if (head) {
      routes.push({ prefix: head[1]!, asPath: [], communities: [], largeCommunities: [] });
      continue;
    }
    const route = routes.at(-1);
    const attr = /^\s+BGP\.(\w+):\s*(.*)$/.exec(line);
    if (!route || !attr) continue;
    const [, name, value] = attr as unknown as [string, string, string];
    if (name === 'as_path') route.asPath = value.split(/\s+/).filter(Boolean).map(Number);
    else if (name === 'community')
      route.communities = [...value.matchAll(/\((\d+),\s*(\d+)\)/g)].map((m) => `${m[1]}:${m[2]}`);
    else if (name === 'large_community')
      route.largeCommunities = [...value.matchAll(/\((\d+),\s*(\d+),\s*(\d+)\)/g)].map(
        (m) => `${m[1]}:${m[2]}:${m[3]}`,
      );
    else if (name === 'med') route.med = Number(value);
  }
  return routes;
}

/** One BFD session as the stub sees it, by the router's address. */
export type StubBfd = NonNullable<SessionEvidence['bfd']> & { peer: string };

/** `birdc show bfd sessions` with its timers: the last two columns, in seconds. */
export function parseBirdBfdTimers(text: string): StubBfd[] {
  return birdBfdRows(text)
    .filter((cols) => cols.length >= 5)
    .map((cols) => ({
      peer: cols[0]!,
      state: cols[2]!.toLowerCase(),
      intervalMs: Math.round(Number(cols.at(-2)) * 1000),
      detectionMs: Math.round(Number(cols.at(-1)) * 1000),
    }));
}
