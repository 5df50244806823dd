// Regenerates test/golden/: the rendered configs of every reference topology, reviewed as diffs.
import { rm } from 'node:fs/promises';
import { goldenDir, referenceTopologies } from '../test/helpers/reference.js';
import { writeRenderedLab } from '../src/render/write.js';
import { loadTopology } from '../src/topology/load.js';

for (const file of referenceTopologies) {
  const model = await loadTopology(file);
  await rm(goldenDir(model.name), { recursive: true, force: true });
  await writeRenderedLab(model, goldenDir(model.name));
}
