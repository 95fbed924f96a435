import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import * as ts from 'typescript';

const ROOT = join(__dirname, '..', '..');

/**
 * The worker's code transpiled once (TypeScript's transpileModule, no type check) into node_modules/.cache, so
 * each of the many restarts of the killed process is a plain `node` start instead of a ts-node compile of the
 * whole app (seconds each on a loaded machine). Returns the arguments that start the worker.
 */
export function compileWorker(): string[] {
  const out = join(ROOT, 'node_modules', '.cache', 'baosong-fault-worker');
  const config = ts.readConfigFile(join(ROOT, 'tsconfig.json'), (p) => readFileSync(p, 'utf8')).config as { compilerOptions: { paths: Record<string, string[]> } };
  const { options } = ts.convertCompilerOptionsFromJson({ ...config.compilerOptions, incremental: false, sourceMap: false, inlineSourceMap: true }, ROOT);
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        walk(path);
        continue;
      }
      const target = join(out, relative(ROOT, path));
      mkdirSync(dirname(target), { recursive: true });
      if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) {
        if (/\.(spec|int-spec|e2e-spec)\.ts$/.test(entry.name)) continue;
        const js = ts.transpileModule(readFileSync(path, 'utf8'), { compilerOptions: options, fileName: path });
        writeFileSync(target.replace(/\.ts$/, '.js'), js.outputText);
      } else if (entry.name.endsWith('.js') || entry.name.endsWith('.json')) {
        copyFileSync(path, target);
      }
    }
  };
  for (const dir of ['libs', 'apps', join('test', 'faults'), join('test', 'support'), 'policies']) walk(join(ROOT, dir));
  copyFileSync(join(ROOT, 'package.json'), join(out, 'package.json'));
  const register = join(out, 'register-paths.js');
  writeFileSync(register, `require('tsconfig-paths').register({ baseUrl: ${JSON.stringify(out)}, paths: ${JSON.stringify(config.compilerOptions.paths)} });\n`);
  return ['-r', register, join(out, 'test', 'faults', 'projection-worker.js')];
}
