import test from 'ava';
import { pcapWindow } from '../src/observe/pcap.js';
import { faultWindow, type ScenarioRecord } from '../src/scenario/record.js';

/** A pcap as tcpdump writes it on x86 (little-endian, microseconds), one 4-byte packet per timestamp. */
function pcap(timesMs: number[], magic = 0xa1b2c3d4): Buffer {
  const header = Buffer.alloc(24);
  header.writeUInt32LE(magic, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(512, 16);
  header.writeUInt32LE(113, 20);
  const nano = magic === 0xa1b23c4d;
  const records = timesMs.map((ms, i) => {
    const r = Buffer.alloc(20);
    r.writeUInt32LE(Math.floor(ms / 1000), 0);
    r.writeUInt32LE(Math.round((ms % 1000) * (nano ? 1_000_000 : 1000)), 4);
    r.writeUInt32LE(4, 8);
    r.writeUInt32LE(4, 12);
    r.writeUInt32LE(i, 16);
    return r;
  });
  return Buffer.concat([header, ...records]);
}

const packetIds = (file: Buffer) => {
  const ids = [];
  for (let at = 24; at < file.length; at += 20) ids.push(file.readUInt32LE(at + 16));
  return ids;
};

test('keeps the packets captured inside the window, with the file header', (t) => {
  const base = 1_780_000_000_000;
  const file = pcap([base, base + 2500.5, base + 4000, base + 9000, base + 12_000]);
  const { pcap: cut, kept, total } = pcapWindow(file, base + 2000, base + 9000);
  t.deepEqual(packetIds(cut), [1, 2, 3]);
  t.is(kept, 3);
  t.is(total, 5);
  t.deepEqual(cut.subarray(0, 24), file.subarray(0, 24));
});

test('reads nanosecond timestamps', (t) => {
  const base = 1_780_000_000_000;
  const file = pcap([base + 999.9, base + 1000.1], 0xa1b23c4d);
  t.deepEqual(packetIds(pcapWindow(file, base + 1000, base + 2000).pcap), [1]);
});

test('a record cut short by the stop is left out; a file that is not a pcap is returned as it is', (t) => {
  const base = 1_780_000_000_000;
  const file = pcap([base, base + 1]);
  const cut = pcapWindow(file.subarray(0, file.length - 3), base - 10, base + 10);
  t.deepEqual(packetIds(cut.pcap), [0]);
  const text = Buffer.from('not a capture at all, longer than a header');
  t.is(pcapWindow(text, 0, 1).pcap, text);
});

const record = (faults: { applyingAt: number; revertedAt?: number }[], restoredAt?: number) =>
  ({
    startedAt: 1000,
    stoppedAt: 60_000,
    faults: faults.map((f) => ({ name: 'f', kind: 'link-down', target: 'x', appliedAt: f.applyingAt + 5, ...f })),
    waits: restoredAt ? [{ until: 'restored', startedAt: 20_000, doneAt: restoredAt }] : [],
  }) as unknown as ScenarioRecord;

test('a capture keeps 3 s before the first fault to 5 s after the last was over and the lab restored', (t) => {
  t.deepEqual(faultWindow(record([{ applyingAt: 10_000, revertedAt: 20_000 }], 26_000)), {
    fromMs: 7000,
    toMs: 31_000,
  });
  // Three flaps: one window over all of them; a fault never reverted runs to the end of the run.
  t.deepEqual(faultWindow(record([{ applyingAt: 2000, revertedAt: 3000 }, { applyingAt: 4000 }])), {
    fromMs: 1000,
    toMs: 60_000,
  });
  t.is(faultWindow(record([])), undefined);
});
