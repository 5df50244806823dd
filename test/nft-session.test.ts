import { PassThrough } from 'node:stream';
import test from 'ava';
import { CommandError } from '../src/errors.js';
import { NftSession } from '../src/faults/nft-session.js';

/** An nft stand-in: answers each `list table` line with the listing, and `bad` lines with an error first. */
function fakeNft({ answers = Infinity } = {}) {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const lines: string[] = [];
  let exit!: () => void;
  const exited = new Promise<void>((r) => (exit = r));
  stdin.setEncoding('utf8');
  let buffer = '';
  stdin.on('data', (chunk: string) => {
    buffer += chunk;
    for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
      const line = buffer.slice(0, i);
      buffer = buffer.slice(i + 1);
      lines.push(line);
      if (line.startsWith('list') && answers-- <= 0) continue;
      if (line.startsWith('bad')) stdout.write(`Error: syntax error, unexpected junk\n${line}\n^^^\n`);
      const table = line.match(/^list table netdev (\S+)$/)?.[1];
      // Split the answer across writes, as a pipe may.
      if (table) {
        stdout.write(`table netdev ${table} `);
        stdout.write('{\n}\n');
      }
    }
  });
  stdin.on('finish', exit);
  return { start: () => ({ stdin, stdout, exited }), lines };
}

test('an nft session acknowledges each script by listing its own table, and reports nft errors with the script', async (t) => {
  const nft = fakeNft();
  const session = await NftSession.open(['--net=/run/netns/x'], 'peerlab_ack_t', { start: nft.start });
  await session.apply('add element netdev peerlab_f1 down { "a" }');
  const error = await t.throwsAsync(session.apply('bad script'), { instanceOf: CommandError });
  t.regex(error.message, /nft bad script[\s\S]*syntax error/);
  await session.apply('delete element netdev peerlab_f1 down { "a" }');
  await session.close();
  t.deepEqual(nft.lines, [
    'add table netdev peerlab_ack_t',
    'list table netdev peerlab_ack_t',
    'add element netdev peerlab_f1 down { "a" }',
    'list table netdev peerlab_ack_t',
    'bad script',
    'list table netdev peerlab_ack_t',
    'delete element netdev peerlab_f1 down { "a" }',
    'list table netdev peerlab_ack_t',
    'delete table netdev peerlab_ack_t',
  ]);
});

test('an nft session that gets no answer fails with a timeout and refuses later scripts', async (t) => {
  const nft = fakeNft({ answers: 1 });
  const session = await NftSession.open(['--net=/run/netns/x'], 'peerlab_ack_t', { start: nft.start, timeoutMs: 50 });
  await t.throwsAsync(session.apply('add element netdev peerlab_f1 down { "a" }'), {
    message: /no answer within 50 ms/,
  });
  await t.throwsAsync(session.apply('delete element netdev peerlab_f1 down { "a" }'), {
    message: /an earlier script got no answer/,
  });
  await session.close();
});
