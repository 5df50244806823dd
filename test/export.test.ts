import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import test from 'ava';
import { parse } from 'yaml';
import { clabernetesTopology, containerlabExport, shellWord } from '../src/lab/export/containerlab.js';
import { loadTopology } from '../src/topology/load.js';
import { peerlab } from './helpers/fixtures.js';
import { root, sharedFile } from './helpers/reference.js';
import { tempDir } from './helpers/temp.js';

const schemaFile = sharedFile('reference/containerlab/clab.schema.json');

test("export containerlab: each reference and partner topology validates against containerlab's own schema", async (t) => {
  const schema = JSON.parse(await readFile(schemaFile, 'utf8')) as object;
  const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
  for (const file of [
    'topologies/maps-direct.yaml',
    'topologies/maps-voice.yaml',
    'topologies/maps-ers.yaml',
    'examples/partner-voice/topology.yaml',
  ]) {
    const model = await loadTopology(join(root, file));
    const files = containerlabExport(model);
    const clab = parse(files[0]!.text) as {
      name: string;
      topology: {
        nodes: Record<string, { labels: Record<string, string>; binds: string[]; cmd: string }>;
        links: { endpoints: string[] }[];
      };
    };
    t.true(validate(clab), `${file}: ${JSON.stringify(validate.errors?.slice(0, 3))}`);
    t.is(clab.name, model.name);
    t.deepEqual(Object.keys(clab.topology.nodes).sort(), model.nodes.map((n) => n.name).sort());
    t.is(clab.topology.links.length, model.links.length);
    for (const [name, node] of Object.entries(clab.topology.nodes)) {
      t.deepEqual([node.labels['peerlab.lab'], node.labels['peerlab.node']], [model.name, name]);
      const bound = node.binds[0]!.split(':')[0]!;
      t.truthy(
        files.find((f) => f.path === `${bound}/start.sh`),
        `${name} binds its start.sh`,
      );
    }
    // Every interface the links create is waited for by its node's start.sh, and every bond is made there.
    for (const link of model.links)
      for (const end of [link.a, link.b]) {
        const start = files.find((f) => f.path === `${end.node}/start.sh`)!.text;
        t.true(start.includes(`until ip link show ${end.interface} `), `${end.node} waits for ${end.interface}`);
      }
    for (const ic of model.interconnects) {
      const start = files.find((f) => f.path === `${ic.peerRouter}/start.sh`)!.text;
      const bond = start.indexOf(`ip link add ${ic.lag.interface} type bond mode 802.3ad`);
      t.true(
        bond > 0 && bond < start.search(/^(bird|.*\/usr\/lib\/frr\/)/m),
        `${ic.lag.interface} bonded before the daemons`,
      );
    }
    const k8s = parse(clabernetesTopology(model, files[0]!.text).text) as {
      kind: string;
      spec: { definition: { containerlab: string } };
    };
    t.is(k8s.kind, 'Topology');
    t.deepEqual(parse(k8s.spec.definition.containerlab), clab);
  }
});

test('start.sh quotes every word that the shell would read otherwise', (t) => {
  t.is(shellWord('ams-ic1'), 'ams-ic1');
  t.is(shellWord("it's; rm -rf /"), `'it'"'"'s; rm -rf /'`);
  t.is(shellWord('a b'), "'a b'");
});

test('peerlab export containerlab writes the files; a folder that is not empty is exit 2, nothing written', async (t) => {
  const dir = await tempDir(t, 'export');
  const ok = await peerlab('export', 'containerlab', 'topologies/maps-voice.yaml', '--out', join(dir, 'voice'));
  t.is(ok.exitCode, 0, ok.stderr);
  t.regex(ok.stdout, /wrote 27 files/);
  const again = await peerlab('export', 'containerlab', 'topologies/maps-voice.yaml', '--out', join(dir, 'voice'));
  t.is(again.exitCode, 2);
  t.regex(again.stderr, /is not empty; name a new folder/);
});
