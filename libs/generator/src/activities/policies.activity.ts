import * as path from 'node:path';
import { migrationsDir } from '@app/platform';
import { DEMO_POLICY_FILES, PolicyDocument, policyDecider, policyStream, readPolicyFiles } from '@app/policies';
import type { Activity, World } from '../world';

/** policies/ beside migrations/ at the repository root (as `npm run cli -- seed demo` finds it). */
const policiesDir = () => path.join(path.dirname(migrationsDir()), 'policies');

/**
 * Policy versions through their lifecycle: the demo institution's policies (policies/, as `seed demo` publishes
 * them) drafted, validated and published at the start; a second version of the law-enforcement policy (a
 * working-day deadline for experience and problem items, effective from the first of the next month) published
 * at 45% of the span, superseding the first; a retroactive second version of the scoring policy; and near the end
 * a third law-enforcement version drafted and validated but never published.
 */
export const policiesActivity: Activity = {
  name: 'policies',
  start(world) {
    const rng = world.rng('policies');
    const documents = readPolicyFiles(policiesDir(), DEMO_POLICY_FILES);
    world.at(world.time.nextOpen(world.start) + 2 * 3_600_000, () => {
      for (const doc of documents) publish(world, doc, rng.chance(0.5));
    });
    const span = world.end - world.start;
    world.at(world.time.afterWorkingDays(world.start + span * 0.45, 0, rng), () => {
      const v1 = latest(world, 'law-enforcement-bureau');
      const effectiveFrom = world.time.date(world.time.firstOfMonth(world.now, 1));
      publish(world, lawEnforcementV2(v1, effectiveFrom), true);
    });
    world.at(world.time.afterWorkingDays(world.start + span * 0.6, 0, rng), () => {
      const scoring = latest(world, 'district-office-scoring');
      // effective from the start of the year it is published in: a retroactive change
      const effectiveFrom = `${world.today().slice(0, 4)}-01-01`;
      publish(world, { ...scoring, version: scoring.version + 1, effectiveFrom, rationale: `${scoring.rationale} v${scoring.version + 1}: late reports cost 30 points.` }, false);
    });
    world.at(world.time.afterWorkingDays(world.start + span * 0.9, 0, rng), () => {
      const current = latest(world, 'law-enforcement-bureau');
      const draft: PolicyDocument = { ...current, version: current.version + 1, title: `${current.title}(征求意见稿)` };
      draftVersion(world, draft, true);
    });
  },
};

function latest(world: World, policyId: string): PolicyDocument {
  return world.policies.document(policyId, world.policies.latestVersion(policyId))!;
}

function draftVersion(world: World, document: PolicyDocument, validate: boolean): void {
  const admin = world.staff.administrator;
  world.run(policyStream(document.id), policyDecider, { type: 'DraftPolicy', document, actorId: admin, now: world.nowIso() }, admin);
  if (validate) world.run(policyStream(document.id), policyDecider, { type: 'ValidatePolicy', version: document.version, now: world.nowIso() }, admin);
}

function publish(world: World, document: PolicyDocument, validate: boolean): void {
  draftVersion(world, document, validate);
  const admin = world.staff.administrator;
  // the tie check compares with every published version the catalogue lists (the API passes the same list)
  const published = world.policies.publishedDocuments();
  world.run(policyStream(document.id), policyDecider, { type: 'PublishPolicy', version: document.version, actorId: admin, now: world.nowIso(), published }, admin);
}

function lawEnforcementV2(v1: PolicyDocument, effectiveFrom: string): PolicyDocument {
  const rules = v1.rules;
  return {
    ...v1,
    version: v1.version + 1,
    effectiveFrom,
    rationale: `${v1.rationale} v${v1.version + 1}: experience and problem items within 3 working days of the event.`,
    rules: {
      ...rules,
      deadlines: [
        ...(rules.deadlines ?? []),
        { id: 'experience-problem-within-3-working-days', appliesTo: { contentTypes: ['experience', 'problem'] }, from: 'event', deadline: { unit: 'working_days', amount: 3 } },
      ],
    },
  } as PolicyDocument;
}

