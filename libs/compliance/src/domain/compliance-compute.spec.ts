import * as fs from 'node:fs';
import * as path from 'node:path';
import { compilePolicy, GradingRule, PolicyDocument } from '@app/policies';
import { ComplianceWorld, gradeOf, ItemFacts, periodBounds, previousPeriodKey, unitCompliance, UnitFacts } from './compliance-compute';

const TZ = 'Asia/Shanghai';
const document = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../../policies/unit-compliance-000W.json'), 'utf8')) as PolicyDocument;

function world(items: ItemFacts[], over: Partial<ComplianceWorld> = {}, doc: PolicyDocument = document): ComplianceWorld {
  const policy = compilePolicy(doc);
  return { timeZone: TZ, inForce: (unitType, date) => (policy.appliesTo(unitType, date) ? [policy] : []), items, commissions: [], incidents: [], periodsEndedAt: [], ...over };
}

let n = 0;
function item(unitId: string, submittedAt: string, extra: Partial<ItemFacts> = {}): ItemFacts {
  n += 1;
  return { draftId: `d${n}`, unitId, title: `item ${n}`, contentType: 'news', eventDate: submittedAt.slice(0, 10), commissionId: null, submittedAt, adoptions: [], publications: [], retracted: false, ...extra };
}

const section: UnitFacts = { unitId: 'u-section', name: '宣传科', unitType: 'section' };

describe('compliance per unit and period (issue 11 item 4)', () => {
  it('periods in the business time zone: 2026-11 starts at 2026-10-31T16:00Z; the half year ends with its second quarter', () => {
    expect(periodBounds('month', '2026-11', TZ)).toMatchObject({ startsAt: '2026-10-31T16:00:00.000Z', endsAt: '2026-11-30T16:00:00.000Z', from: '2026-11-01', to: '2026-11-30' });
    expect(periodBounds('semester', '2026-H2', TZ).endsAt).toBe(periodBounds('quarter', '2026-Q4', TZ).endsAt);
    expect(previousPeriodKey('month', '2026-01')).toBe('2025-12');
    expect(previousPeriodKey('quarter', '2026-Q1')).toBe('2025-Q4');
  });

  describe('R4.09 / R4.37: a section needs 2 a month; 1 month missed -> named, 2 -> principal leader, 3 -> targeted help', () => {
    // August met (2 items), September, October and November missed (1 item each), December met again
    const items = [
      item('u-section', '2026-08-10T02:00:00Z'),
      item('u-section', '2026-08-11T02:00:00Z'),
      item('u-section', '2026-09-10T02:00:00Z'),
      item('u-section', '2026-10-12T02:00:00Z'),
      item('u-section', '2026-11-10T02:00:00Z'),
      item('u-section', '2026-12-01T02:00:00Z'),
      item('u-section', '2026-12-02T02:00:00Z'),
    ];
    it.each([
      ['2026-08', 0, null],
      ['2026-09', 1, 'named in the notice (点名通报)'],
      ['2026-10', 2, 'missing-report notice to the principal leader (缺报通知单)'],
      ['2026-11', 3, 'targeted help and supervision (重点帮促)'],
      ['2026-12', 0, null],
    ])('%s: %i consecutive missed, escalation %s', (key, consecutive, action) => {
      const row = unitCompliance(world(items), section, 'month', key);
      expect(row.consecutiveMissed).toBe(consecutive);
      expect(row.escalation?.action ?? null).toBe(action);
      const monthly = row.quotas.find((q) => q.quotaId === 'monthly-2-section')!;
      expect(monthly.met).toBe(consecutive === 0);
      expect(row.shortfall).toBe(consecutive === 0 ? 0 : 1);
    });
    it('a missed month costs 2 points per missing item', () => {
      const row = unitCompliance(world(items), section, 'month', '2026-11');
      expect(row.penalties.filter((p) => p.ruleId === 'missing-item-2-points-monthly-2-section').map((p) => p.points)).toEqual([-2]);
    });
  });

  describe('R4.43: 90 and above excellent, 80 and above pass (boundary as declared)', () => {
    const rule = (boundary: 'inclusive' | 'exclusive'): GradingRule => ({
      id: 'g',
      scale: 100,
      components: [{ key: 'quota', name: 'q', weight: 100 }],
      bands: [
        { key: 'excellent', name: '优秀', min: 90, boundary },
        { key: 'pass', name: '合格', min: 80, boundary },
        { key: 'fail', name: '不合格', min: 0, boundary: 'inclusive' },
      ],
    });
    it.each([
      ['inclusive', 90, 'excellent'],
      ['inclusive', 80, 'pass'],
      ['inclusive', 79.99, 'fail'],
      ['exclusive', 90, 'pass'],
      ['exclusive', 80, 'fail'],
      ['exclusive', 90.01, 'excellent'],
    ] as const)('%s: %d -> %s', (boundary, score, band) => {
      expect(gradeOf(rule(boundary), { quota: score }, 0)).toMatchObject({ score, grade: { key: band } });
    });
    it('penalties add their points and the score is clamped to [0, scale]', () => {
      expect(gradeOf(rule('inclusive'), { quota: 91 }, -2).grade?.key).toBe('pass');
      expect(gradeOf(rule('inclusive'), { quota: 10 }, -50).score).toBe(0);
      expect(gradeOf(rule('inclusive'), { quota: 100 }, 5).score).toBe(100);
    });
  });

  describe('timeliness recomputed from eventDate and submittedAt with the policy calendar', () => {
    const late = (contentType: string, eventDate: string, submittedAt: string) =>
      unitCompliance(world([item('u-section', submittedAt, { contentType, eventDate })]), section, 'month', submittedAt.slice(0, 7)).timeliness;
    it('R4.20 news within 2 days: event 11-02, submitted 11-04 on time, 11-05 late', () => {
      expect(late('news', '2026-11-02', '2026-11-04T08:00:00Z')).toMatchObject({ items: 1, onTime: 1, late: 0 });
      expect(late('news', '2026-11-02', '2026-11-05T08:00:00Z')).toMatchObject({ items: 1, onTime: 0, late: 1 });
    });
    it('R4.21 leader visits within 1 day: event 11-02, submitted 11-03 on time, 11-04 late', () => {
      expect(late('leader-visit', '2026-11-02', '2026-11-03T08:00:00Z')).toMatchObject({ late: 0 });
      expect(late('leader-visit', '2026-11-02', '2026-11-04T08:00:00Z').lateItems[0]).toMatchObject({ ruleId: 'r4-21-leader-visit-within-1-day' });
    });
    it('R4.22 research within 5 working days across National Day (10-01..10-08 holidays, weekends): event Wed 09-30, due end of 10-14', () => {
      // 09-30, 10-09, 10-12, 10-13, 10-14: without the holidays it would have been due on 10-06
      expect(late('research', '2026-09-30', '2026-10-14T08:00:00Z')).toMatchObject({ late: 0 });
      expect(late('research', '2026-09-30', '2026-10-15T08:00:00Z')).toMatchObject({ late: 1 });
      expect(late('research', '2026-09-30', '2026-10-15T08:00:00Z').lateItems[0]).toMatchObject({ dueAt: '2026-10-14T15:59:59.999Z', lateByMinutes: 16 * 60 + 1 });
    });
    it('a late item costs 1 point (per_late_report)', () => {
      const row = unitCompliance(world([item('u-section', '2026-11-05T08:00:00Z', { eventDate: '2026-11-02' })]), section, 'month', '2026-11');
      expect(row.penalties.find((p) => p.ruleId === 'late-report-1-point')?.points).toBe(-1);
    });
  });

  it('exclusive quota boundary: "more than 2" is not met by 2, met by 3', () => {
    const exclusive: PolicyDocument = {
      ...document,
      rules: { ...document.rules, quotas: [{ id: 'more-than-2', unitTypes: ['section'], period: 'month', minimum: 2, counts: { outcome: 'submitted' }, boundary: 'exclusive' }], penalties: [] },
    };
    const two = [item('u-section', '2026-11-03T02:00:00Z'), item('u-section', '2026-11-04T02:00:00Z')];
    expect(unitCompliance(world(two, {}, exclusive), section, 'month', '2026-11').quotas[0]).toMatchObject({ required: 3, delivered: 2, met: false, shortfall: 1 });
    expect(unitCompliance(world([...two, item('u-section', '2026-11-05T02:00:00Z')], {}, exclusive), section, 'month', '2026-11').quotas[0]).toMatchObject({ delivered: 3, met: true, shortfall: 0 });
  });

  it('provisional until a BusinessPeriodEnded at or after the period end; a quarter fact ends its months', () => {
    const w = world([]);
    expect(unitCompliance(w, section, 'month', '2026-11').status).toBe('provisional');
    expect(unitCompliance({ ...w, periodsEndedAt: ['2026-12-31T16:00:00.000Z'] }, section, 'month', '2026-11').status).toBe('final');
    expect(unitCompliance({ ...w, periodsEndedAt: ['2026-12-31T16:00:00.000Z'] }, section, 'semester', '2026-H2').status).toBe('final');
    expect(unitCompliance({ ...w, periodsEndedAt: ['2026-10-31T16:00:00.000Z'] }, section, 'month', '2026-11').status).toBe('provisional');
  });

  it('incidents: a late first report and a missed written report count in the month of occurrence', () => {
    const w = world([], {
      incidents: [
        {
          incidentId: 'i1',
          unitId: 'u-section',
          title: '火灾',
          occurredAt: '2026-11-03T01:00:00Z',
          steps: [
            { step: 'first_report', deadlineId: null, dueAt: '2026-11-03T01:20:00Z', filedAt: '2026-11-03T02:00:00Z', verdict: 'late', lateByMinutes: 40, elapsed: false },
            { step: 'written_report', deadlineId: 'd', dueAt: '2026-11-03T03:00:00Z', filedAt: null, verdict: null, lateByMinutes: 0, elapsed: true },
          ],
        },
      ],
      commissions: [{ commissionId: 'c1', unitIds: ['u-section'], deadline: '2026-11-20T10:00:00Z', cancelled: false, elapsed: true }],
    });
    const row = unitCompliance(w, section, 'month', '2026-11');
    expect(row.incidents).toMatchObject({ steps: 2, late: 1, missed: 1, onTime: 0 });
    expect(row.commissions).toEqual({ commissioned: 1, answeredOnTime: 0, answeredLate: 0, missed: 1 });
    expect(unitCompliance(w, section, 'month', '2026-12').incidents.steps).toBe(0);
  });
});
