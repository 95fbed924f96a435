/**
 * The full rebuild in a process of its own, as a deployment runs it: the projection runtime is the only thing in
 * the process, so its RSS is the runtime's and not what generating the history left in the bench's heap. The
 * bench forks this file (rebuildInProcess); it runs rebuildAll over the registered projections and sends the
 * result back over IPC. Node flags are those of `npm start` (--max-semi-space-size=64 --max-old-space-size=384:
 * docs/performance.md, RSS).
 */
import { fork } from 'node:child_process';
import { CONTEXT_PROJECTIONS } from '../apps/api/src/contexts';
import { rebuildAll, RebuildResult } from './rebuild';

type Message = { ok: true; result: RebuildResult & { profile?: object } } | { ok: false; error: string };

/** Forks this file and waits for its result. */
export function rebuildInProcess(url: string, options: { profile?: string }): Promise<RebuildResult & { profile?: object }> {
  return new Promise((resolve, reject) => {
    const child = fork(__filename, [url, options.profile ?? ''], {
      execArgv: ['--max-semi-space-size=64', '--max-old-space-size=384', '-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let settled = false;
    child.on('message', (message: Message) => {
      settled = true;
      if (message.ok) resolve(message.result);
      else reject(new Error(`rebuild process: ${message.error}`));
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (!settled) reject(new Error(`rebuild process exited with ${code} before answering`));
    });
  });
}

if (require.main === module) {
  const [url, profile] = process.argv.slice(2);
  rebuildAll(url!, CONTEXT_PROJECTIONS, { profile: profile || undefined })
    .then((result) => process.send!({ ok: true, result } satisfies Message, () => process.exit(0)))
    .catch((error: unknown) => process.send!({ ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies Message, () => process.exit(1)));
}
