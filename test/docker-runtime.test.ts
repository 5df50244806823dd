import { createServer } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { EnvironmentError } from '../src/errors.js';
import { DockerRuntime } from '../src/runtime/docker.js';
import { loadTopology } from '../src/topology/load.js';

// An engine that answers and refuses, as dockerd in a guest without the tun module did (HTTP 500 on create).
test("the engine's refusal to create a node's container is the host's limit, named with the engine's words, not an internal error", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'peerlab-engine-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const socket = join(dir, 'docker.sock');
  const server = createServer((req, res) => {
    res.writeHead(req.url?.includes('/containers/create') ? 500 : 404, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        message:
          'error gathering device information while adding custom device "/dev/net/tun": no such file or directory',
      }),
    );
  });
  await new Promise<void>((done) => server.listen(socket, done));
  t.teardown(() => new Promise<void>((done) => server.close(() => done())));
  const model = await loadTopology('topologies/maps-voice.yaml');
  const error = await t.throwsAsync(
    new DockerRuntime(socket).createNode('x', model.nodes[0]!, dir, 'peerlab-router:test'),
  );
  t.true(error instanceof EnvironmentError, String(error));
  t.regex(
    error!.message,
    new RegExp(
      `^the Docker engine refused ${model.nodes[0]!.name}'s container \\(HTTP 500\\): .*"/dev/net/tun".*: load the tun module \\(modprobe tun\\)$`,
    ),
  );
});
