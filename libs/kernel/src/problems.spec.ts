import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { PROBLEM_CATALOGUE, isProblemCode, problemStatuses, renderProblemCatalogue } from './problems';

/**
 * The catalogue is complete: every problem code the source can raise is in it with the status it answers, and
 * docs/api.md shows it. To add a code: add it to PROBLEM_CATALOGUE (libs/kernel/src/problems.ts), then run
 * `npm run docs:problems`.
 */
const ROOT = join(__dirname, '..', '..', '..');
const KIND_STATUS: Record<string, number> = { validation: 400, unauthenticated: 401, forbidden: 403, not_found: 404, conflict: 409, stale: 412, too_large: 413, rule_violation: 422 };

/**
 * Codes built at run time cannot be checked: each one is listed here with every code it can produce (which the
 * catalogue must hold). Drop an entry once its code is a literal.
 */
const DYNAMIC_CODES: Record<string, string[]> = {};

/**
 * Codes passed through a variable (`new InvalidState(refusal.code, …)`): each such call is listed here, by file and
 * argument, with every code the variable can hold; each of them must be written as a literal in that file (the
 * table the variable reads) and is checked against the catalogue with the constructor's status. A variable named
 * `….rule` carries a violation's rule id, which the `rule: '…'` scan already finds.
 */
const INDIRECT_CODES: Record<string, string[]> = {
  'libs/reporting/src/domain/draft.decider.ts InvalidState(refusal.code': ['draft-not-editable', 'draft-not-in-review', 'draft-not-referred', 'draft-not-signed-off'],
  'libs/reporting/src/domain/draft.decider.ts RuleViolation(code': ['confidentiality-blocks-adoption', 'confidentiality-blocks-excellent-rating', 'confidentiality-blocks-instruction'],
};

/** Rule ids that only ever label a warning recorded on a draft (DraftSubmitted.check.warnings), never a refusal. */
const WARNING_RULES = ['deadline-provisional'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'testing' || entry.name === 'node_modules' ? [] : sourceFiles(path);
    return /\.ts$/.test(entry.name) && !/\.(spec|int-spec|e2e-spec)\.ts$/.test(entry.name) && !/\.fixtures\.ts$/.test(entry.name) ? [path] : [];
  });
}

interface Use {
  code: string;
  status: number;
  at: string;
}

/** Every place the source raises a problem code: error constructors, DomainError subclasses, rule ids of violations. */
export function problemCodesInSource(files: readonly string[]): { uses: Use[]; dynamic: { code: string; at: string }[]; unlisted: string[] } {
  const uses: Use[] = [];
  const dynamic: { code: string; at: string }[] = [];
  const unlisted: string[] = [];
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const at = (index: number) => `${relative(ROOT, file)}:${text.slice(0, index).split('\n').length}`;
    for (const m of text.matchAll(/new (RuleViolation|InvalidState)\(\s*(['"`])((?:(?!\2).)*)\2/g)) {
      const status = m[1] === 'RuleViolation' ? 422 : 409;
      if (m[2] === '`' && m[3]!.includes('${')) dynamic.push({ code: m[3]!, at: at(m.index!) });
      else uses.push({ code: m[3]!, status, at: at(m.index!) });
    }
    for (const m of text.matchAll(/(?:super|new DomainError)\(\s*'([a-z_]+)',\s*(['"`])((?:(?!\2).)*)\2/g)) {
      if (KIND_STATUS[m[1]!] === undefined) continue;
      if (m[2] === '`' && m[3]!.includes('${')) dynamic.push({ code: m[3]!, at: at(m.index!) });
      else uses.push({ code: m[3]!, status: KIND_STATUS[m[1]!]!, at: at(m.index!) });
    }
    for (const m of text.matchAll(/new (RuleViolation|InvalidState)\(\s*([A-Za-z_$][\w$.]*)\s*,/g)) {
      if (m[2]!.endsWith('.rule')) continue;
      const key = `${relative(ROOT, file)} ${m[1]}(${m[2]}`;
      const codes = INDIRECT_CODES[key];
      if (!codes) {
        unlisted.push(`${key} at ${at(m.index!)}: list the codes it can hold in INDIRECT_CODES`);
        continue;
      }
      for (const code of codes) {
        if (!text.includes(`'${code}'`)) unlisted.push(`${code} is not written in ${relative(ROOT, file)}`);
        uses.push({ code, status: m[1] === 'RuleViolation' ? 422 : 409, at: at(m.index!) });
      }
    }
    // rule ids of violations the deciders raise as RuleViolation (submission checks, outcomes at a level)
    for (const m of text.matchAll(/\brule:\s*'([a-z][a-z0-9-]*)'/g)) if (!WARNING_RULES.includes(m[1]!)) uses.push({ code: m[1]!, status: 422, at: at(m.index!) });
  }
  return { uses, dynamic, unlisted };
}

describe('the problem catalogue', () => {
  const { uses, dynamic, unlisted } = problemCodesInSource([...sourceFiles(join(ROOT, 'libs')), ...sourceFiles(join(ROOT, 'apps'))]);

  it('finds the codes the source raises (the scanner works)', () => {
    expect(uses.length).toBeGreaterThan(60);
    expect(uses).toContainEqual(expect.objectContaining({ code: 'unit-move-cycle', status: 422 }));
    expect(uses).toContainEqual(expect.objectContaining({ code: 'wrong-expected-revision', status: 409 }));
    expect(uses).toContainEqual(expect.objectContaining({ code: 'validation-failed', status: 400 }));
    expect(uses).toContainEqual(expect.objectContaining({ code: 'excellent-requires-adoption', status: 422 }));
  });

  it('holds every code raised in libs/ and apps/, with the status it answers', () => {
    const missing = uses.filter((u) => !isProblemCode(u.code)).map((u) => `${u.code} (${u.status}) at ${u.at}`);
    const wrongStatus = uses
      .filter((u) => isProblemCode(u.code) && !problemStatuses(u.code).includes(u.status as never))
      .map((u) => `${u.code} answers ${u.status} at ${u.at}, the catalogue says ${problemStatuses(u.code as never).join(', ')}`);
    expect([...missing, ...wrongStatus]).toEqual([]);
  });

  it('knows every code passed through a variable (INDIRECT_CODES)', () => {
    expect(unlisted).toEqual([]);
    expect(uses).toContainEqual(expect.objectContaining({ code: 'draft-not-editable', status: 409 }));
    expect(uses).toContainEqual(expect.objectContaining({ code: 'confidentiality-blocks-adoption', status: 422 }));
  });

  it('holds every code a run-time-built code can produce, and no such code is unlisted', () => {
    expect(dynamic.filter((d) => !DYNAMIC_CODES[d.code]).map((d) => `${d.code} at ${d.at}: make it a literal code`)).toEqual([]);
    for (const d of dynamic) expect(DYNAMIC_CODES[d.code]!.filter((code) => !isProblemCode(code))).toEqual([]);
  });

  it('names the problem types the HTTP layer and the request pipeline answer', () => {
    for (const code of ['http-400', 'http-404', 'unauthenticated', 'forbidden', 'not-found', 'stale-revision', 'payload-too-large', 'http-415', 'idempotency-key-reused', 'http-428', 'internal']) {
      expect(isProblemCode(code)).toBe(true);
    }
    expect(problemStatuses('idempotency-key-reused')).toEqual([422]);
    expect(problemStatuses('payload-too-large')).toEqual([413]);
  });

  it('says for every code what it means and what the client does', () => {
    for (const [code, entry] of Object.entries(PROBLEM_CATALOGUE)) {
      expect({ code, meaning: entry.meaning.length > 10, action: entry.action.length > 5 }).toEqual({ code, meaning: true, action: true });
    }
  });

  it('is the table docs/api.md shows (npm run docs:problems rewrites it)', () => {
    const doc = readFileSync(join(ROOT, 'docs', 'api.md'), 'utf8');
    const table = /<!-- problem-catalogue:start -->\n([\s\S]*?)\n<!-- problem-catalogue:end -->/.exec(doc)?.[1];
    expect(table).toBe(renderProblemCatalogue());
  });
});
