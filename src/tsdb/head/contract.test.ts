/** The storage seam's contract suite, run against the head on a temporary data directory. */
import { runAppendableQueryableContract } from '../../storage/contract.js';
import { Head } from './index.js';
import { removeDir, tempDir } from './test-support.js';

runAppendableQueryableContract('tsdb head', async () => {
  const dir = await tempDir();
  const head = await Head.open(dir, { walSync: 'write' });
  return {
    appender: () => head.appender(),
    querier: (mint, maxt) => head.querier(mint, maxt),
    close: async () => {
      await head.close();
      await removeDir(dir);
    },
  };
}, { ignoreCounterResetHints: true });
