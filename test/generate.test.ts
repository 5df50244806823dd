import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'ava';
import { checkRequirements } from '../src/requirements/check.js';
import { SubnetPool } from '../src/topology/addresses.js';
import { syntheticTopology } from '../src/topology/generate.js';
import { loadTopology } from '../src/topology/load.js';
import { tempDir } from './helpers/temp.js';

test('synthetic topologies of 2 to 40 metros load, resolve and pass the static checks', async (t) => {
  const dir = await tempDir(t, 'synthetic');
  for (const [metros, type] of [
    [2, 'direct'],
    [5, 'voice'],
    [10, 'ers'],
    [20, 'direct'],
    [40, 'voice'],
  ] as const) {
    const file = join(dir, `s${metros}.yaml`);
    await writeFile(file, syntheticTopology({ metros, type }));
    const model = await loadTopology(file);
    t.is(model.interconnects.length, 2 * metros);
    t.is(model.nodes.filter((n) => n.role === 'peer-router').length, 2 * metros);
    t.is(
      new Set(model.nodes.map((n) => n.routerId).filter(Boolean)).size,
      model.nodes.filter((n) => n.routerId).length,
      'router IDs unique',
    );
    const addresses = model.nodes.flatMap((n) => n.interfaces.flatMap((i) => (i.address ? [i.address] : [])));
    t.is(new Set(addresses).size, addresses.length, `${metros} metros: addresses unique`);
    t.not(checkRequirements(model).status, 'fail', `${metros} metros`);
  }
});

test('an address pool continues in its overflow range, then names both when it runs out', (t) => {
  const pool = new SubnetPool('internal link', '192.0.2.0/30', 31, '198.19.248.0/31');
  t.deepEqual(
    [1, 2, 3].map(() => pool.take().address),
    ['192.0.2.0/31', '192.0.2.2/31', '198.19.248.0/31'],
  );
  t.throws(() => pool.take(), {
    message: /internal link range 192\.0\.2\.0\/30 and 198\.19\.248\.0\/31 is exhausted \(3 \/31s\)/,
  });
});
