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

// An engine whose containers' shims died (seen in a CI run, 2026-12-05): it answered a ping and a list of
// containers, and never answered an inspect; a lab waited on it with no end.
test('a Docker engine that stops answering is a clear error naming the request, not a wait with no end', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'peerlab-engine-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const socket = join(dir, 'docker.sock');
  let unanswered = 0;
  let dropped!: Promise<void>;
  const server = createServer((req, res) => {
    const json = (body: unknown) => (
      res.writeHead(200, { 'content-type': 'application/json' }),
      res.end(JSON.stringify(body))
    );
    if (req.url?.endsWith('/_ping')) return res.end('OK');
    if (req.url?.includes('/containers/json')) return json([{ Id: 'c1', Names: ['/peerlab-x.fra-pe1'], Labels: {} }]);
    unanswered++;
    dropped = new Promise((done) => res.on('close', done));
  });
  await new Promise<void>((done) => server.listen(socket, done));
  t.teardown(() => new Promise<void>((done) => (server.closeAllConnections(), server.close(() => done()))));
  const error = await t.throwsAsync(new DockerRuntime(socket, 300).netnsTarget('x', 'fra-pe1'));
  t.true(error instanceof EnvironmentError, String(error));
  t.regex(
    error!.message,
    /^the Docker engine on .*docker\.sock did not answer an inspect of fra-pe1's container in 0\.3 s: /,
  );
  t.is(unanswered, 1);
  await dropped; // the unanswered request is closed, not left open (else the test times out)
});
