import * as fs from 'node:fs';
import * as path from 'node:path';
import type { PolicyDocument } from '../domain/policy-document';

/** The repository's policies/ folder (example policies shipped with the product). */
export function examplePoliciesDir(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'policies')) || !fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('policies/ folder not found');
    dir = parent;
  }
  return path.join(dir, 'policies');
}

export function loadExamplePolicy(file: string): PolicyDocument {
  return JSON.parse(fs.readFileSync(path.join(examplePoliciesDir(), file), 'utf8')) as PolicyDocument;
}
