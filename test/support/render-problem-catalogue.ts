/* Rewrites the problem catalogue table in docs/api.md from libs/kernel/src/problems.ts (npm run docs:problems). */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderProblemCatalogue } from '@app/kernel';

const file = join(__dirname, '..', '..', 'docs', 'api.md');
const doc = readFileSync(file, 'utf8');
const markers = /(<!-- problem-catalogue:start -->\n)[\s\S]*?(<!-- problem-catalogue:end -->)/;
if (!markers.test(doc)) throw new Error('docs/api.md has no <!-- problem-catalogue:start --> … <!-- problem-catalogue:end --> markers');
writeFileSync(file, doc.replace(markers, (_, start: string, end: string) => `${start}${renderProblemCatalogue()}\n${end}`));
