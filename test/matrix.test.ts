import test from 'ava';
import { failureMatrix, onlyRows, selectRows } from '../src/certify/matrix.js';
import { formatMatrixPlan } from '../src/report/matrix.js';
import { loadTopology } from '../src/topology/load.js';
import { tempDir } from './helpers/temp.js';

test('the failure matrix: every member, interconnect, partner router and metro against each way it fails, with budgets from the effective timers', async (t) => {
  const model = await loadTopology('examples/partner-voice/topology.yaml');
  const rows = failureMatrix(model);
  const ids = rows.map((r) => r.id);
  t.is(new Set(ids).size, ids.length, 'row ids are unique');
  for (const id of [
    'fra/ic1/m2 carrier-loss',
    'fra/ic1/m2 silent-blackhole',
    'fra/ic1 gray-blackhole',
    'fra/ic1 one-way-to-peer',
    'fra-pe1 router-kill',
    'fra-pe1 daemon-crash',
    'metro:fra site-down',
  ])
    t.true(ids.includes(id), id);
  const gray = rows.find((r) => r.id === 'fra/ic1 gray-blackhole')!;
  t.like(gray.budget, { mechanism: 'bfd', detectMs: 900, lossMs: 2000 });
  t.deepEqual(gray.partnerRouters, ['fra-pe1']);
  t.like(rows.find((r) => r.id === 'fra/ic1/m1 silent-blackhole')!.budget, { mechanism: 'lacp', detectMs: 3000 });

  // A partner's own timers, slower than the topology's, as the edge negotiated them: the budget follows.
  const slow = failureMatrix(model, new Map([['fra/ic1', 1500]])).find((r) => r.id === 'fra/ic1 gray-blackhole')!;
  t.like(slow.budget, { detectMs: 1500, lossMs: 2600 });
  t.regex(slow.budget.why, /as its edge negotiated it: 1500 ms/);

  // Default: what involves the partner's own routers (both have configs here), never a double failure.
  const picked = selectRows(rows, 'default');
  t.true(picked.every((r) => r.partnerRouters.length > 0 && r.elementKind !== 'double'));
  t.true(selectRows(rows, 'full').some((r) => r.elementKind === 'double'));
  t.regex(formatMatrixPlan(rows, picked, 'default'), /^failure matrix, level default: \d+ of \d+ rows/);
});

test('without partner configs the default level still runs one row of each failure; without BFD the hold time is the budget', async (t) => {
  const model = await loadTopology('topologies/maps-direct.yaml');
  const rows = failureMatrix(model);
  const picked = selectRows(rows, 'default');
  t.true(rows.every((r) => r.partnerRouters.length === 0));
  t.deepEqual(
    [...new Set(picked.map((r) => r.failure))].sort(),
    [...new Set(rows.filter((r) => r.elementKind !== 'double' && !r.fullOnly).map((r) => r.failure))].sort(),
  );
  // A silent member failure under single-hop BFD faster than LACP: at full only, and it says why.
  const silent = rows.find((r) => r.failure === 'silent-blackhole')!;
  t.regex(silent.fullOnly!, /rides one member .* before LACP's 3 s timeout/);
  t.false(picked.includes(silent));
  t.true(selectRows(rows, 'full').includes(silent));
  // There it is judged on what the lab can show: LACP taking the member out, and the loss; not the session.
  const { rowScenario } = await import('../src/certify/matrix-scenarios.js');
  t.deepEqual(
    rowScenario(model, silent).expect.map((e) => e.id),
    ['member-out', 'bundle-carries-on', 'bounded-loss', 'restored'],
  );
  t.is(picked.length, new Set(picked.map((r) => r.failure)).size, 'one row per failure');
  const noBfd = failureMatrix({
    ...model,
    interconnects: model.interconnects.map((i) => ({ ...i, bfd: null })),
  }).find((r) => r.failure === 'gray-blackhole')!;
  t.like(noBfd.budget, { mechanism: 'hold-timer', detectMs: 180_000 });
  t.regex(noBfd.fullOnly!, /hold time alone/);
});

test("every row of every reference topology's full matrix is a scenario the loader binds to the topology", async (t) => {
  const { rowScenario } = await import('../src/certify/matrix-scenarios.js');
  const { scenarioText } = await import('../src/certify/scenario-file.js');
  const { loadScenario } = await import('../src/scenario/load.js');
  const { writeFile } = await import('node:fs/promises');
  const { join, relative, resolve } = await import('node:path');
  const dir = await tempDir(t, 'matrix');
  for (const file of [
    'examples/partner-voice/topology.yaml',
    'topologies/maps-voice.yaml',
    'topologies/maps-direct.yaml',
    'topologies/maps-ers.yaml',
  ]) {
    const model = await loadTopology(file);
    const names = new Set<string>();
    for (const row of failureMatrix(model)) {
      const { name, ...body } = rowScenario(model, row);
      t.false(names.has(name), `${file}: ${name} once`);
      names.add(name);
      const path = join(dir, `${name}.yaml`);
      await writeFile(path, scenarioText(row.id, { topology: relative(dir, resolve(file)), ...body }));
      const loaded = await loadScenario(path);
      t.is(loaded.scenario.expect.length, body.expect.length, `${file}: ${row.id}`);
    }
  }
});

test('--only takes the rows an element (and what is under it), a failure or a row id names; an unknown name lists what there is', async (t) => {
  const rows = failureMatrix(await loadTopology('examples/partner-voice/topology.yaml'));
  const picked = selectRows(rows, 'default');
  const ids = (terms: string[]) => onlyRows(rows, picked, terms, 'default').map((r) => r.id);
  const fra = ids(['fra']);
  t.true(fra.includes('fra/ic1/m1 carrier-loss') && fra.includes('metro:fra site-down'), fra.join(', '));
  t.true(
    fra.every((id) => id.startsWith('fra/') || id === 'metro:fra site-down'),
    fra.join(', '),
  );
  t.deepEqual(ids(['fra/ic1 gray-blackhole', 'fra-pe1']), [
    'fra/ic1 gray-blackhole',
    'fra-pe1 router-kill',
    'fra-pe1 daemon-crash',
  ]);
  t.true(ids(['site-down']).every((id) => id.endsWith(' site-down')));
  const unknown = t.throws(() => ids(['fra/ic9']));
  t.regex(unknown.message, /no row of the matrix is "fra\/ic9" \(elements: .*fra\/ic1.*; failures: .*gray-blackhole/);
  // A row of the full level only, asked for at default: said, not silently empty.
  t.throws(() => ids(['fra/ic1/m1 silent-blackhole']), { message: /not at --matrix default \(1 at full\)/ });
});

test('with --only, the certification says which E-* rows were left out by the selection', async (t) => {
  const { matrixScenarios } = await import('../src/certify/matrix-run.js');
  const model = await loadTopology('examples/partner-voice/topology.yaml');
  const dir = await tempDir(t, 'matrix-only');
  const topology = 'examples/partner-voice/topology.yaml';
  const some = matrixScenarios(model, topology, dir, 'default', new Map(), ['fra/ic1 gray-blackhole']);
  t.deepEqual(
    some.rows.map((r) => r.row.id),
    ['fra/ic1 gray-blackhole'],
  );
  t.regex(some.skipped.find((s) => s.id === 'E-GEO')!.why, /not selected \(--only fra\/ic1 gray-blackhole\)/);
  t.falsy(some.skipped.find((s) => s.id === 'E-SILENT'));
});
