import { readdir, rmdir } from 'node:fs/promises';
import test from 'ava';
import { when } from '../src/util/fs-errors.js';

test('an expected filesystem condition gives the fallback; any other error passes on', async (t) => {
  t.deepEqual(await readdir('/nonexistent/peerlab').catch(when(['ENOENT'], [] as string[])), []);
  await t.throwsAsync(readdir('/etc/hostname').catch(when(['ENOENT'], [] as string[])), { code: 'ENOTDIR' });
  await t.throwsAsync(rmdir('/etc').catch(when(['ENOENT'], undefined)), { code: 'ENOTEMPTY' });
  await t.throwsAsync(Promise.reject(new Error('not a filesystem error')).catch(when(['ENOENT'], 1)), {
    message: 'not a filesystem error',
  });
});
