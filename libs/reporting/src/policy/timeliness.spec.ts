import type { PolicyDocument } from '@app/policies';
import { adapterOver, draftContent } from './policy.fixtures';

/** D16: a working-day deadline outside the calendar's years (2025-2026 by default) is recorded as provisional. */
const policy: PolicyDocument = {
  id: 'working-day-news',
  version: 1,
  title: 'news within 2 working days',
  rationale: 'timeliness spec',
  effectiveFrom: '2020-01-01',
  scope: { unitTypes: ['*'] },
  rules: {
    reviewChains: [
      {
        id: 'head',
        when: {},
        steps: [{ key: 'head', name: '负责人审核', role: 'unit_head', signature: 'signature' }],
        rules: { twoPersonCheck: false, authorMayNotReview: true, confidentialityBeforePublication: false, onReturn: 'restart' },
      },
    ],
    deadlines: [{ id: 'news-2-working-days', appliesTo: { contentTypes: ['*'] }, from: 'event', deadline: { unit: 'working_days', amount: 2 } }],
  },
};
const adapter = adapterOver(policy);
const submit = (eventDate: string, submittedAt: string) => adapter.evaluateSubmission(draftContent({ eventDate, destination: 'internal' }), { unitId: 'u', unitType: 'section', submittedAt });

describe('timeliness at submission', () => {
  it('inside the calendar\'s years: the deadline as before, not provisional, no warning', async () => {
    const rules = await submit('2026-03-06', '2026-03-09T02:00:00.000Z');
    expect(rules.timeliness).toMatchObject({ deadline: '2026-03-10T15:59:59.999Z', late: false, unit: 'working_days', provisional: null });
    expect(rules.check.warnings).toEqual([]);
  });

  it('a 2027 working-day deadline is recorded as provisional and shown as a warning on the draft', async () => {
    const rules = await submit('2027-02-05', '2027-02-08T02:00:00.000Z');
    expect(rules.timeliness).toMatchObject({ deadline: '2027-02-09T15:59:59.999Z', provisional: { years: [2027], reason: expect.stringContaining('covers 2025, 2026') } });
    expect(rules.check.warnings).toEqual([{ rule: 'deadline-provisional', message: expect.stringContaining('news-2-working-days is provisional') }]);
  });
});
