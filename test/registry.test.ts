import test from 'ava';
import { daemonDrivers, daemonNames } from '../src/daemons/registry.js';
import { imageRecipe } from '../src/lab/image.js';
import { lagDriverChoices, lagDrivers, selectLagDriver } from '../src/lab/lag/registry.js';
import { topologyJsonSchema } from '../src/topology/json-schema.js';
import { peerlab } from './helpers/fixtures.js';

test('the daemon registry is what topologies may name and what the router image installs', (t) => {
  t.deepEqual(daemonNames, ['frr', 'bird']);
  const schema = topologyJsonSchema();
  const enums = [...schema.matchAll(/"enum": \[\s*([^\]]*)\]/g)].map((m) => m[1]!.replace(/\s/g, ''));
  t.true(enums.includes(daemonNames.map((d) => `"${d}"`).join(',')), 'the daemon choices of the topology schema');
  for (const driver of [...Object.values(daemonDrivers), ...lagDrivers])
    for (const p of driver.packages) t.true(imageRecipe.packages.includes(p), `${p} is in the router image`);
});

test('the LAG driver registry drives auto and the CLI choices', async (t) => {
  t.deepEqual(lagDriverChoices, ['auto', 'kernel', 'nft', 'ovs']);
  const up = await peerlab('up', '--help');
  t.regex(up.stdout, /--lag-driver <driver>\s+auto \| kernel \| nft \| ovs/);
  const noBonding = async () => ({ stdout: '', stderr: 'modprobe: FATAL', exitCode: 1 });
  // The nft driver's own probe (its ruleset in a throwaway namespace) succeeds; nothing else does.
  const nftOnly = async (argv: readonly string[]) =>
    argv[0] === 'unshare' ? { stdout: '', stderr: '', exitCode: 0 } : noBonding();
  // auto takes the first driver this host can run; asking for one it cannot is an environment error.
  const bonding = (await lagDrivers[0].available(noBonding)).ok;
  t.is((await selectLagDriver('auto', nftOnly)).kind, bonding ? 'kernel' : 'nft');
  t.is((await selectLagDriver('auto', noBonding)).kind, bonding ? 'kernel' : 'ovs');
  if (!bonding)
    await t.throwsAsync(selectLagDriver('kernel', noBonding), {
      message: /no bonding driver.*--lag-driver auto or nft or ovs/,
    });
  await t.throwsAsync(selectLagDriver('nft', noBonding), {
    message: /cannot load the LAG ruleset.*--lag-driver auto or kernel or ovs/,
  });
  await t.throwsAsync(selectLagDriver('team', noBonding), {
    message: /unknown LAG driver "team"; one of auto, kernel, nft, ovs/,
  });
});
