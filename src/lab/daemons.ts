import type { LabNode } from '../topology/model.js';

/** Where a node's daemons keep their state, as seen from inside the node. */
export interface NodeDirs {
  /** Rendered configs (the node's host folder). */
  dir: string;
  /** Sockets, pid files, logs. */
  run: string;
  /** FRR pathspace when nodes share the host filesystem (netns runtime). */
  frrInstance?: string;
}

export const frrDaemons = ['zebra', 'bgpd', 'bfdd', 'staticd'] as const;

export function vtysh(dirs: NodeDirs): string[] {
  return ['vtysh', ...(dirs.frrInstance ? ['-N', dirs.frrInstance] : [])];
}

export function birdc(dirs: NodeDirs): string[] {
  return ['birdc', '-s', `${dirs.run}/bird.ctl`];
}

/** /run, not /var/run: the image's /var/run is an absolute symlink, which the host cannot follow into a container. */
export function frrRunDir(dirs: NodeDirs): string {
  return dirs.frrInstance ? `/run/frr/${dirs.frrInstance}` : '/run/frr';
}

/** Start zebra, bgpd, bfdd and staticd with an empty config; the rendered config is applied through vtysh. */
export function frrStartCommands(dirs: NodeDirs): string[][] {
  const run = frrRunDir(dirs);
  const instance = dirs.frrInstance ? ['-N', dirs.frrInstance] : [];
  return [
    ['mkdir', '-p', run],
    ['chown', 'frr:frr', run],
    ...frrDaemons.map((d) => [`/usr/lib/frr/${d}`, '-d', '-f', '/dev/null', '-A', '127.0.0.1', '-P', '0', ...instance]),
  ];
}

export function frrApplyCommand(dirs: NodeDirs): string[] {
  return [...vtysh(dirs), '-f', `${dirs.dir}/frr.conf`];
}

export function birdStartCommand(dirs: NodeDirs): string[] {
  return ['bird', '-c', `${dirs.dir}/bird.conf`, '-s', `${dirs.run}/bird.ctl`, '-P', `${dirs.run}/bird.pid`];
}

/** A host gets its address and a default route toward its core, nothing else. */
export function hostCommands(node: LabNode): string[][] {
  return node.routes.map((r) => ['ip', 'route', 'add', r.prefix === '0.0.0.0/0' ? 'default' : r.prefix, 'via', r.via]);
}
