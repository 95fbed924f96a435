import * as fs from 'node:fs';
import * as path from 'node:path';
import { compilePolicy, GradingRule, PolicyDocument } from '@app/policies';
import { CommissionFacts, ComplianceWorld, gradeOf, IncidentFacts, indexFacts, ItemFacts, PeriodEnd, periodBounds, periodCompliance, previousPeriodKey, Recorded, unitCompliance, UnitFacts } from './compliance-compute';

const TZ = 'Asia/Shanghai';
const document = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../../policies/unit-compliance-000W.json'), 'utf8')) as PolicyDocument;

const incidentDocument = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../../policies/county-emergency-001I.json'), 'utf8')) as PolicyDocument;

interface Facts {
  items?: ItemFacts[];
  commissions?: CommissionFacts[];
  incidents?: IncidentFacts[];
  periodEnds?: PeriodEnd[];
}

/** The facts under policy documents (000-W by default), each in force where its scope says. */
function world(items: ItemFacts[], facts: Facts = {}, ...docs: PolicyDocument[]): ComplianceWorld {
  const policies = (docs.length > 0 ? docs : [document]).map(compilePolicy);
  return {
    timeZone: TZ,
    inForce: (unitType, date) => policies.filter((p) => p.appliesTo(unitType, date)),
    policyVersion: (id, version) => policies.find((p) => p.document.id === id && p.document.version === version),
    ...indexFacts({ items, commissions: facts.commissions ?? [], incidents: facts.incidents ?? [], periodEnds: facts.periodEnds ?? [] }),
  };
}

/** A fact at a log position, recorded at the instant it states unless told otherwise. */
let positions = 0;
const at = (instant: string, position = ++positions, recordedAt = instant): Recorded => ({ at: instant, recordedAt, position });

let n = 0;
function item(unitId: string, submittedAt: string, extra: Partial<ItemFacts> = {}): ItemFacts {
  n += 1;
  return { draftId: `d${n}`, unitId, title: `item ${n}`, contentType: 'news', eventDate: submittedAt.slice(0, 10), commissionId: null, submitted: at(submittedAt), adoptions: [], publications: [], retracted: null, position: positions, ...extra };
}

function incident(reportedAt: string, extra: Partial<IncidentFacts> = {}): IncidentFacts {
  return { incidentId: 'i1', unitId: 'u-section', title: '火灾', occurredAt: '2026-11-03T01:00:00Z', discoveredAt: '2026-11-03T01:00:00Z', policy: null, reported: at(reportedAt), written: null, followUps: [], caseFiled: null, caseReported: null, finalReport: null, closed: null, elapsed: [], position: positions, ...extra };
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
    it('R4.22 research within 5 working days across National Day (10-01..10-07 holidays, Saturday 10-10 worked 调休): event Wed 09-30, due end of 10-13', () => {
      // 10-08, 10-09, 10-10 (adjusted working day), 10-12, 10-13: without the calendar it would have been due on 10-07
      expect(late('research', '2026-09-30', '2026-10-13T08:00:00Z')).toMatchObject({ late: 0 });
      expect(late('research', '2026-09-30', '2026-10-14T08:00:00Z')).toMatchObject({ late: 1 });
      expect(late('research', '2026-09-30', '2026-10-14T08:00:00Z').lateItems[0]).toMatchObject({ dueAt: '2026-10-13T15:59:59.999Z', lateByMinutes: 16 * 60 + 1 });
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
    const ended = (endedAt: string) => world([], { periodEnds: [{ endedAt, position: 10 }] });
    expect(unitCompliance(ended('2026-12-31T16:00:00.000Z'), section, 'month', '2026-11')).toMatchObject({ status: 'final', finalAtPosition: '10' });
    expect(unitCompliance(ended('2026-12-31T16:00:00.000Z'), section, 'semester', '2026-H2').status).toBe('final');
    expect(unitCompliance(ended('2026-10-31T16:00:00.000Z'), section, 'month', '2026-11')).toMatchObject({ status: 'provisional', finalAtPosition: null });
  });

  describe('a final period counts the facts recorded up to its BusinessPeriodEnded', () => {
    // 2 items submitted in November; the month ended at position 100; an adoption back-dated into November recorded at 101
    const items = () => [
      item('u-section', '2026-11-03T02:00:00Z', { submitted: at('2026-11-03T02:00:00Z', 10) }),
      item('u-section', '2026-11-04T02:00:00Z', { submitted: at('2026-11-04T02:00:00Z', 11), adoptions: [{ ...at('2026-11-20T02:00:00Z', 101, '2026-12-03T02:00:00Z'), levelKey: 'city' }] }),
    ];
    const november = { periodEnds: [{ endedAt: '2026-11-30T16:00:00.000Z', position: 100 }] };
    it('the late adoption counts in December, the month it was recorded in, as an adjustment; provisional, November counts it', () => {
      expect(unitCompliance(world(items(), november), section, 'month', '2026-11')).toMatchObject({ status: 'final', submitted: 2, adopted: 0, carriedIn: 0 });
      expect(unitCompliance(world(items(), november), section, 'month', '2026-12')).toMatchObject({ status: 'provisional', submitted: 0, adopted: 1, carriedIn: 1 });
      expect(unitCompliance(world(items()), section, 'month', '2026-11')).toMatchObject({ status: 'provisional', submitted: 2, adopted: 1, carriedIn: 0, adoptionRate: 0.5 });
      expect(unitCompliance(world(items()), section, 'month', '2026-12')).toMatchObject({ adopted: 0, carriedIn: 0 });
    });
    it('a retraction recorded after the end leaves a final month as it was', () => {
      const retracted = items().map((i) => ({ ...i, retracted: at('2026-12-02T02:00:00Z', 102) }));
      expect(unitCompliance(world(retracted, november), section, 'month', '2026-11').quotas[0]).toMatchObject({ delivered: 2, met: true });
      expect(unitCompliance(world(retracted), section, 'month', '2026-11').quotas[0]).toMatchObject({ delivered: 0, met: false });
    });
  });

  it('adopted counts the adoptions dated in the period; the rate is that of the items submitted in it, so at most 1', () => {
    const earlier = item('u-section', '2026-10-30T02:00:00Z', { adoptions: [{ ...at('2026-11-05T02:00:00Z'), levelKey: 'city' }] });
    const row = unitCompliance(world([earlier, item('u-section', '2026-11-04T02:00:00Z')]), section, 'month', '2026-11');
    expect(row).toMatchObject({ submitted: 1, adopted: 1, adoptionRate: 0 });
  });

  it('a unit registered after the period ended, or dissolved before it began, has no row for it', () => {
    const units = [
      { ...section, unitId: 'u-new', since: '2026-12-01' },
      { ...section, unitId: 'u-gone', until: '2026-10-31' },
      { ...section, unitId: 'u-on', since: '2026-11-30', until: '2026-11-01' },
    ];
    expect(periodCompliance(world([]), units, 'month', '2026-11').map((r) => r.unitId)).toEqual(['u-on']);
  });

  it('the band is that of the exact score: 89.996 shows as 90 but is not excellent', () => {
    const rule: GradingRule = { id: 'g', scale: 100, components: [{ key: 'quota', name: 'q', weight: 100 }], bands: [{ key: 'excellent', name: '优秀', min: 90, boundary: 'inclusive' }, { key: 'pass', name: '合格', min: 80, boundary: 'inclusive' }] };
    expect(gradeOf(rule, { quota: 89.996 }, 0)).toEqual({ score: 90, scale: 100, grade: { key: 'pass', name: '合格' } });
  });

  describe('incident verdicts decided under the incident rules in force (001-I: first report 20 min, late after 20 min, concealed after 2 h, written within 2 h)', () => {
    it('a late first report, and a written report missed once a time fact past its due is read; both in the month', () => {
      const late = incident('2026-11-03T01:40:00Z');
      const row = (inc: IncidentFacts, ...docs: PolicyDocument[]) => unitCompliance(world([], { incidents: [inc] }, document, ...docs), section, 'month', '2026-11');
      expect(row(late, incidentDocument).incidents).toMatchObject({ steps: 1, late: 1, missed: 0 });
      const elapsed = { ...late, elapsed: [at('2026-11-03T03:00:00Z')] };
      expect(row(elapsed, incidentDocument).incidents).toMatchObject({ steps: 2, late: 1, missed: 1, onTime: 0 });
      expect(row(elapsed, incidentDocument).incidents.outcomes.map((o) => [o.step, o.verdict, o.lateByMinutes])).toEqual([
        ['first_report', 'late', 20],
        ['written_report', 'missed', 0],
      ]);
      // without incident rules in force the incident is judged by nothing
      expect(row(elapsed).incidents.steps).toBe(0);
    });
    it('a what-if with late after 60 minutes decides the same report on time', () => {
      const lenient: PolicyDocument = { ...incidentDocument, rules: { ...incidentDocument.rules, incidentRules: { ...incidentDocument.rules.incidentRules!, lateAfter: { unit: 'minutes', amount: 60 } } } };
      const w = world([], { incidents: [incident('2026-11-03T01:40:00Z')] }, document, lenient);
      expect(unitCompliance(w, section, 'month', '2026-11').incidents).toMatchObject({ steps: 1, onTime: 1, late: 0 });
    });
    it('concealed after 2 hours; a written report filed late counts in the month it was filed', () => {
      const inc = incident('2026-11-30T15:30:00Z', { occurredAt: '2026-11-30T13:00:00Z', discoveredAt: '2026-11-30T13:00:00Z', written: at('2026-11-30T16:30:00Z') });
      const w = world([], { incidents: [inc] }, document, incidentDocument);
      expect(unitCompliance(w, section, 'month', '2026-11').incidents.outcomes.map((o) => o.verdict)).toEqual(['concealed']);
      expect(unitCompliance(w, section, 'month', '2026-12').incidents.outcomes.map((o) => [o.step, o.verdict, o.lateByMinutes])).toEqual([['written_report', 'late', 90]]);
    });
    it('the version the incident was reported under judges it when none with incident rules is in force for it', () => {
      const inc = incident('2026-11-03T01:40:00Z', { policy: { policyId: incidentDocument.id, policyVersion: incidentDocument.version } });
      const policies = [compilePolicy(document), compilePolicy({ ...incidentDocument, scope: { unitTypes: ['school'] } })];
      const w: ComplianceWorld = { ...world([], { incidents: [inc] }), inForce: (t, d) => policies.filter((p) => p.appliesTo(t, d)), policyVersion: (id, v) => policies.find((p) => p.document.id === id && p.document.version === v) };
      expect(unitCompliance(w, section, 'month', '2026-11').incidents).toMatchObject({ steps: 1, late: 1 });
    });
  });

  it('commissions: one whose deadline elapsed unanswered is missed in the month of its deadline', () => {
    const w = world([], { commissions: [{ commissionId: 'c1', unitIds: ['u-section'], deadline: '2026-11-20T10:00:00Z', issuedAt: 1, cancelled: null, elapsed: at('2026-11-20T10:00:00Z'), position: positions }] });
    expect(unitCompliance(w, section, 'month', '2026-11').commissions).toEqual({ commissioned: 1, answeredOnTime: 0, answeredLate: 0, missed: 1 });
    expect(unitCompliance(w, section, 'month', '2026-12').commissions.commissioned).toBe(0);
  });
});
