import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, normalize, relative, resolve } from 'node:path';
import { daemonDriver } from '../daemons/registry.js';
import type { ConfigFacts, DaemonDriver } from '../daemons/types.js';
import { validateConfig } from '../daemons/validate.js';
import { InputError, type SourcePosition } from '../errors.js';
import { hostCodename } from '../util/host.js';
import { runCommand } from '../util/run.js';
import { addressAt, hostPart, parsePrefix } from './addresses.js';
import { routerContract, type RouterContract } from './contract.js';
import type { LabModel } from './model.js';
import type { Locate } from './resolve.js';
import type { TopologyFile } from './schema.js';

/** A partner config larger than this is not a router config. */
const maxConfigBytes = 4 * 1024 * 1024;

/**
 * Read every peer router's own config (`config:` in the topology, relative to the topology file),
 * have its daemon's parser accept it, and check it against the router's contract. The first mistake
 * is an InputError at the line of the partner's file, saying what the lab expected; nothing has
 * started yet. The configs are stored in the model: the lab runs them instead of rendered ones.
 */
export async function bindPartnerConfigs(model: LabModel, file: TopologyFile, locate: Locate): Promise<void> {
  for (const [name, router] of Object.entries(file.peer.routers)) {
    const node = model.nodes.find((n) => n.name === name)!;
    const rename = interfaceMap(node, router.interfaces ?? {}, ['peer', 'routers', name, 'interfaces'], locate);
    if (router.nftables)
      node.nftables = await bindRuleset(model, router.nftables, ['peer', 'routers', name, 'nftables'], locate, rename);
    if (router.tc)
      node.tc = bindTc(
        routerContract(model, node),
        router.tc.map((c) => rename(c)),
        ['peer', 'routers', name, 'tc'],
        locate,
      );
    if (!router.config) continue;
    const at = ['peer', 'routers', name, 'config'];
    const path = resolve(dirname(model.source), router.config);
    const shown = relative(process.cwd(), path) || path;
    const text = rename(await readConfig(path, shown, locate(at), at.join('.')));
    const driver = daemonDriver(node.daemon!);
    const includes = await readIncludes(driver, { text, dir: dirname(path), shown, rel: '.' }, rename);
    // The host's parser is the version's own only when the host runs that version's Debian suite; other
    // versions are parsed in their router image when the lab comes up, before any node is created.
    if (driver.versions[node.version ?? driver.defaultVersion]!.suite === hostCodename()) {
      const parsed = await validateConfig({
        node: name,
        daemon: driver.name,
        file: driver.configFile,
        text,
        includes: includes.map((f) => ({ path: f.path, text: f.text })),
      });
      if (!parsed.ok) throw parserRefused(driver.name, parsed, shown);
    }
    // The contract is read from the config as the daemon sees it, includes in place; lines map back to their files.
    const expanded = expand(driver, { text, shown, rel: '.' }, includes);
    checkContract(routerContract(model, node), driver.inspect(expanded.map((l) => l.text).join('\n')), (line) => ({
      file: expanded[line - 1]?.file ?? shown,
      line: expanded[line - 1]?.line ?? line,
      column: 1,
    }));
    node.config = {
      file: shown,
      text,
      ...(includes.length ? { includes: includes.map((f) => ({ path: f.path, text: f.text })) } : {}),
    };
  }
}

/** A partner's nftables ruleset, accepted by nft's own parser (`nft -c` in a throwaway network namespace). */
async function bindRuleset(
  model: LabModel,
  file: string,
  at: string[],
  locate: Locate,
  rename: (text: string) => string,
) {
  const path = resolve(dirname(model.source), file);
  const shown = relative(process.cwd(), path) || path;
  const text = rename(await readConfig(path, shown, locate(at), at.join('.')));
  const dir = await mkdtemp(join(tmpdir(), 'peerlab-nft-'));
  try {
    await writeFile(join(dir, 'ruleset.nft'), text);
    const checked = await runCommand(['unshare', '-n', 'nft', '-c', '-f', join(dir, 'ruleset.nft')], {
      allowFailure: true,
    });
    if (checked.exitCode !== 0) {
      const said = checked.stderr.split('\n').find((l) => l.includes('Error:')) ?? checked.stderr.split('\n')[0] ?? '';
      const where = said.match(/:(\d+):(\d+)(?:-\d+)?: /);
      throw new InputError(`nft refused it: ${said.replace(/^.*?Error: /, '')}`, {
        file: shown,
        line: where ? Number(where[1]) : 1,
        column: where ? Number(where[2]) : 1,
      });
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return { file: shown, text };
}

/**
 * The partner's interface names (theirs -> the lab's) as a rewrite of their files: each of their names,
 * as a whole word, becomes the lab's, so lines and columns stay where they were (the lab runs its own
 * names; errors point at the partner's file). Every lab name must be one of the router's interfaces.
 */
function interfaceMap(
  node: LabModel['nodes'][number],
  map: Record<string, string>,
  at: string[],
  locate: Locate,
): (text: string) => string {
  const names = node.interfaces.map((i) => i.name);
  const seen = new Map<string, string>();
  for (const [theirs, ours] of Object.entries(map)) {
    const fail = (message: string): never => {
      throw new InputError(message, locate([...at, theirs]), [...at, theirs].join('.'));
    };
    if (!names.includes(ours)) fail(`${node.name} has no interface ${ours}; its interfaces: ${names.join(', ')}`);
    if (seen.has(ours)) fail(`${ours} is already named ${seen.get(ours)}: one name per interface`);
    if (names.includes(theirs) && theirs !== ours)
      fail(
        `${theirs} is also the lab's name of another interface of ${node.name}: pick a name that is not one of ${names.join(', ')}`,
      );
    seen.set(ours, theirs);
  }
  const entries = Object.entries(map).filter(([theirs, ours]) => theirs !== ours);
  if (entries.length === 0) return (text) => text;
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(`(?<![\\w.-])(${entries.map(([t]) => escape(t)).join('|')})(?![\\w.-])`, 'g');
  const lookup = new Map(entries);
  return (text) => text.replace(pattern, (t) => lookup.get(t)!);
}

/** tc commands as argument lists; each must be a qdisc, class or filter command on an interface of the router. */
function bindTc(contract: RouterContract, commands: string[], at: string[], locate: Locate): string[][] {
  const names = contract.interfaces.map((i) => i.name);
  return commands.map((command, i) => {
    const argv = command.trim().split(/\s+/);
    const fail = (message: string): never => {
      throw new InputError(message, locate([...at, i]), [...at, i].join('.'));
    };
    if (!['qdisc', 'class', 'filter'].includes(argv[0]!))
      fail(`"${command}": a tc command here starts with qdisc, class or filter (the arguments after "tc")`);
    const dev = argv[argv.indexOf('dev') + 1];
    if (!argv.includes('dev') || !dev)
      fail(`"${command}": name the interface with "dev"; ${contract.router}'s interfaces: ${names.join(', ')}`);
    if (!names.includes(dev!))
      fail(`"${command}": ${contract.router} has no interface ${dev}; its interfaces: ${names.join(', ')}`);
    return argv;
  });
}

/** A parser's refusal as an InputError at the line it names in the partner's file. */
export function parserRefused(
  daemon: string,
  parsed: { output: string; at?: { line: number; column: number } },
  file: string,
): InputError {
  const said = parsed.output.split('\n').find((l) => l.trim()) ?? 'refused';
  return new InputError(`${daemon}'s parser refused it: ${said.trim()}`, {
    file,
    line: parsed.at?.line ?? 1,
    column: parsed.at?.column ?? 1,
  });
}

/** An included file as read: its path relative to the config's folder, its text, and how it is shown. */
interface Included {
  path: string;
  text: string;
  shown: string;
}

/** BIRD reads at most 8 levels of includes. */
const maxIncludeDepth = 8;

/**
 * The files a partner config includes, read from beside it (each include relative to the including file's
 * folder, as BIRD resolves it), recursively. The lab places them beside the config in the node, so they
 * must stay inside the config's folder and be named one by one.
 */
async function readIncludes(
  driver: DaemonDriver,
  from: { text: string; dir: string; shown: string; rel: string },
  rename: (text: string) => string,
  depth = 0,
): Promise<Included[]> {
  const out: Included[] = [];
  for (const inc of driver.includes?.(from.text) ?? []) {
    const where = { file: from.shown, line: inc.line, column: inc.column };
    const fail = (message: string): never => {
      throw new InputError(`include "${inc.path}": ${message}`, where);
    };
    if (isAbsolute(inc.path))
      fail(
        `an absolute path reads the node's own filesystem; write it relative to ${from.shown} and keep the file there`,
      );
    if (/[*?[]/.test(inc.path)) fail('peerlab does not expand wildcards in includes; include each file by name');
    const rel = normalize(join(from.rel, inc.path));
    if (rel.startsWith('..')) fail(`it leaves the folder of the config; keep included files beside it or below`);
    if (depth >= maxIncludeDepth) fail(`more than ${maxIncludeDepth} levels of includes`);
    const path = join(from.dir, inc.path);
    const shown = relative(process.cwd(), path) || path;
    const text = rename(await readConfig(path, shown, where, 'include'));
    out.push({ path: rel, text, shown });
    out.push(
      ...(await readIncludes(driver, { text, dir: dirname(path), shown, rel: dirname(rel) }, rename, depth + 1)),
    );
  }
  return out;
}

/** The lines of a config with its includes in place, each with the file and line it came from. */
function expand(
  driver: DaemonDriver,
  from: { text: string; shown: string; rel: string },
  includes: Included[],
): { text: string; file: string; line: number }[] {
  const at = new Map((driver.includes?.(from.text) ?? []).map((i) => [i.line, normalize(join(from.rel, i.path))]));
  return from.text.split('\n').flatMap((text, i) => {
    const inc = includes.find((f) => f.path === at.get(i + 1));
    return inc
      ? expand(driver, { text: inc.text, shown: inc.shown, rel: dirname(inc.path) }, includes)
      : [{ text, file: from.shown, line: i + 1 }];
  });
}

async function readConfig(
  path: string,
  shown: string,
  where: SourcePosition | undefined,
  field: string,
): Promise<string> {
  const info = await stat(path).catch((cause: NodeJS.ErrnoException) => {
    throw new InputError(`cannot read ${shown} (${cause.code ?? cause.message})`, where, field, { cause });
  });
  if (!info.isFile()) throw new InputError(`${shown} is not a regular file`, where, field);
  if (info.size > maxConfigBytes) throw new InputError(`${shown} is larger than ${maxConfigBytes} bytes`, where, field);
  return readFile(path, 'utf8');
}

/** The first way `facts` break the contract, as an InputError at the partner file's line (`at` maps a line to it). */
export function checkContract(c: RouterContract, facts: ConfigFacts, at: (line: number) => SourcePosition): void {
  const fail = (line: number, message: string): never => {
    throw new InputError(message, at(line));
  };
  const sessions = c.sessions.map((s) => `${s.neighbor} (${s.peer}, AS${s.remoteAsn})`).join(', ');
  for (const local of facts.localAs)
    if (local.asn !== c.asn)
      fail(local.line, `local AS ${local.asn}: the lab runs ${c.router} as AS${c.asn} (peer.asn, or its own asn)`);
  for (const n of facts.neighbors) {
    const session = c.sessions.find((s) => s.neighbor === n.address);
    if (!session) {
      const onLink = c.interfaces.some((i) => i.address && inSubnet(i.address, n.address));
      fail(
        n.line,
        `neighbor ${n.address} ${onLink ? 'is on a link of' : 'is on no link of'} ${c.router} but no session the lab runs; its sessions: ${sessions}`,
      );
    }
    const expected = session!.remoteAsn;
    const ok =
      n.remoteAs === 'unread' ||
      n.remoteAs === expected ||
      (n.remoteAs === 'internal' && expected === c.asn) ||
      (n.remoteAs === 'external' && expected !== c.asn);
    if (!ok)
      fail(
        n.line,
        `neighbor ${n.address} remote-as ${n.remoteAs}: ${session!.peer}${session!.interconnect ? ` (the AS8075 edge over ${session!.interconnect})` : ''} is AS${expected}`,
      );
  }
  const names = c.interfaces.map((i) => i.name);
  for (const i of facts.interfaces) {
    const want = c.interfaces.find((x) => x.name === i.name);
    if (!want) {
      if (i.address)
        fail(i.line, `interface ${i.name}: ${c.router} has no such interface; its interfaces: ${names.join(', ')}`);
      continue;
    }
    if (i.address && want.kind === 'member')
      fail(
        i.line,
        `interface ${i.name} is a member of LAG ${want.of}: the lab addresses the LAG (${c.interfaces.find((x) => x.name === want.of)?.address})`,
      );
    if (i.address && i.address !== want.address)
      fail(i.line, `interface ${i.name} address ${i.address}: the lab allocated ${want.address ?? 'no address'} to it`);
  }
  const unread = facts.unread.length
    ? ` (this check could not follow: ${facts.unread.map((u) => `line ${u.line} "${u.text}"`).join('; ')})`
    : '';
  for (const s of c.sessions)
    if (!facts.neighbors.some((n) => n.address === s.neighbor))
      fail(
        facts.localAs[0]?.line ?? 1,
        `no session to ${s.kind === 'interconnect' ? `the AS8075 edge ${s.peer} over ${s.interconnect}` : `the peer's core ${s.peer}`}: the lab expects neighbor ${s.neighbor} remote-as ${s.remoteAsn}${unread}`,
      );
}

/** Whether `address` is inside the subnet of the interface address `cidr` (and not the interface's own). */
function inSubnet(cidr: string, address: string): boolean {
  const net = parsePrefix(cidr);
  const start = parsePrefix(addressAt(net, 0n)).startAddress().bigInt();
  const size = 1n << BigInt(32 - net.subnetMask);
  const a = parsePrefix(`${address}/32`).startAddress().bigInt();
  return a >= start && a < start + size && address !== hostPart(cidr);
}
