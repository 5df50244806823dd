import test from 'ava';
import { BfdGate } from '../src/lab/bfd-gate.js';
import type { Lab } from '../src/lab/lab.js';
import { loadTopology } from '../src/topology/load.js';

/**
 * The gate over a voice lab whose edges' BFD states follow `script` (one entry per tick; an Error is an
 * edge that cannot be read), on a clock that advances only when the gate sleeps.
 */
async function gateOver(script: (string | Error)[]) {
  const model = await loadTopology('topologies/maps-voice.yaml');
  const commands: string[] = [];
  let tick = 0;
  let now = 0;
  const driver = {
    pidFile: () => '/nonexistent/pid',
    readSessions: async () => {
      const state = script[Math.min(tick, script.length - 1)]!;
      if (state instanceof Error) throw state;
      return { bfd: model.sessions.flatMap((s) => [s.a, s.b].map((end) => ({ peer: end.address, state }))) };
    },
    gate: {
      release: (_dirs: unknown, asn: number, peer: string) => [['release', String(asn), peer]],
      hold: (_dirs: unknown, asn: number, peer: string) => [['hold', String(asn), peer]],
    },
  };
  const lab = {
    name: 'gate-test',
    model,
    daemon: () => driver,
    dirs: () => ({}),
    exec: async (node: string, argv: string[]) => (commands.push(`${node} ${argv.join(' ')}`), { stdout: '' }),
    runtime: { hostRoot: async () => '/fake/root' },
  } as unknown as Lab;
  let finished: () => void;
  const lastTick = new Promise<void>((resolve) => (finished = resolve));
  const clock = {
    now: () => now,
    sleep: async (ms: number) => {
      now += ms;
      if (++tick < script.length) return;
      // The script is over: the last state holds until the test stops the gate.
      finished();
      await new Promise((r) => setTimeout(r, 1));
    },
  };
  const gate = new BfdGate(lab, clock, 100);
  gate.start();
  await lastTick;
  await gate.stop();
  return { gate, commands, model };
}

test('the BFD gate releases a voice edge session when BFD comes up and holds it again when BFD goes down', async (t) => {
  const done = await gateOver(['down', 'down', 'up', 'up', 'down']);
  const { gate, commands } = done;
  t.true(gate.gated.length >= 2, 'every voice interconnect with BFD is gated');
  const events = gate.events.map((e) => `${e.atMs} ${e.node} ${e.event} ${e.bfd}`);
  for (const s of gate.gated) {
    t.true(events.includes(`200 ${s.node} released up`), `${s.node} released when BFD came up`);
    t.true(events.includes(`400 ${s.node} held down`), `${s.node} held when BFD went down`);
    t.true(commands.some((c) => c.startsWith(`${s.node} release`) && c.endsWith(s.address)));
    t.true(commands.some((c) => c.startsWith(`${s.node} hold`) && c.endsWith(s.address)));
  }
  t.is(gate.events.length, 2 * gate.gated.length, 'nothing done while BFD stays as it is');
});

test('a gate that cannot read an edge says so once per streak, never as a BFD state', async (t) => {
  const { gate } = await gateOver(['up', new Error('socket gone\nstack'), new Error('socket gone'), 'up']);
  const failed = gate.events.filter((e) => e.event === 'failed');
  t.is(failed.length, gate.gated.length, 'one failure per session for the whole streak');
  t.true(failed.every((e) => e.bfd === 'unknown' && e.error === 'socket gone' && e.atMs === 100));
  t.deepEqual(
    gate.events.filter((e) => e.event !== 'failed').map((e) => e.event),
    gate.gated.map(() => 'released'),
    'released once; recovering from the failure changes nothing',
  );
});
