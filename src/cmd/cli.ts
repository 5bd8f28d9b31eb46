/**
 * Process entry: runs `main`, then lets the process end. If some handle still keeps the
 * event loop alive after a clean shutdown, the process exits anyway shortly after (stdout is
 * flushed by then; an immediate process.exit could cut off piped output).
 */
import { main } from './main.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    setTimeout(() => process.exit(code), 2000).unref();
  },
  (err: unknown) => {
    console.error(err instanceof Error ? err.stack : String(err));
    process.exit(1);
  },
);
