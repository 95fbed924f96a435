import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CommandRunner } from '@app/event-store';
import type { PolicyDocument } from '../domain/policy-document';
import { policyDecider, policyStream } from '../domain/policy.decider';

/** Which example policies the demo institution runs under (the others stay templates in policies/). */
export const DEMO_POLICY_FILES = [
  'law-enforcement-bureau-001C.json',
  'district-office-scoring-003A.json',
  'county-government-002B.json',
  'website-grading-000W.json',
  'city-police-new-media-rewards.json',
  // issue 11 item 4: quotas, deadlines, R4.37 escalation and the 100-point grading of unit compliance
  'unit-compliance-000W.json',
];

/**
 * Drafts and publishes policy documents (idempotent: fixed command ids per policy version). `alreadyPublished`
 * are the published versions of other policies the tie check compares with; the batch's own documents are added
 * to them as they are published.
 */
export async function publishPolicies(runner: CommandRunner, documents: readonly PolicyDocument[], actorId: string, now: Date, alreadyPublished: readonly PolicyDocument[] = []): Promise<void> {
  const at = now.toISOString();
  const published = [...alreadyPublished];
  for (const document of documents) {
    const ctx = (step: string) => ({ commandId: `seed-policy:${document.id}:v${document.version}:${step}`, actorId, correlationId: 'seed-policies' });
    await runner.run(policyStream(document.id), policyDecider, { type: 'DraftPolicy', document, actorId, now: at }, ctx('draft'));
    await runner.run(policyStream(document.id), policyDecider, { type: 'PublishPolicy', version: document.version, actorId, now: at, published }, ctx('publish'));
    published.push(document);
  }
}

export function readPolicyFiles(dir: string, files: readonly string[]): PolicyDocument[] {
  return files.map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as PolicyDocument);
}
