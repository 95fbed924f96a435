import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * verify.sh (next to this file), put in every audit bundle: checks the bundle with bash, coreutils (sha256sum, cut,
 * grep, sed) and openssl (3.0 or later, for `pkeyutl -rawin` with Ed25519) only. docs/audit.md ("Verifying a bundle
 * offline") explains each step. Read from the source tree (found from wherever this file runs: ts source or dist).
 */
export function verifyScript(): string {
  let dir = __dirname;
  for (;;) {
    const candidate = path.join(dir, 'libs', 'audit', 'src', 'chain', 'verify.sh');
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(candidate)) return fs.readFileSync(candidate, 'utf8');
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('libs/audit/src/chain/verify.sh not found');
    dir = parent;
  }
}
