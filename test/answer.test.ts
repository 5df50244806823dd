import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { answerOf } from '../src/daemons/answer.js';
import { frrQuery } from '../src/daemons/frr/socket.js';

// A daemon's control socket: one that accepts and never answers is late (it runs, busy); one that is not
// there is no answer at all (a killed router). The timeline treats them differently.

test('a control socket that accepts and does not answer in time is late; one that is not there is no answer', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'peerlab-answer-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, 'bgpd.vty');
  // Reads what it is asked, answers nothing.
  const server = createServer((socket) => socket.resume());
  await new Promise<void>((resolve) => server.listen(path, resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  t.deepEqual(await answerOf(frrQuery(path, 'show bgp summary json')), { late: true });
  t.deepEqual(await answerOf(frrQuery(join(dir, 'gone.vty'), 'show bgp summary json')), {});
  t.deepEqual(await answerOf(Promise.resolve('{}')), { text: '{}' });
});
