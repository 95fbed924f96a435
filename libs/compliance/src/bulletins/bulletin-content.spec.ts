import type { UnitCompliance } from '../read/compliance-report';
import { buildBulletin, bulletinChecksum, periodName } from './bulletin-content';
import { bulletinHtml, bulletinTable, escapeHtml } from './bulletin-render';

/** A compliance row as the compliance report gives it (a stub: the bulletin only reads it). */
function row(unitId: string, unitName: string, extra: Partial<UnitCompliance> = {}): UnitCompliance {
  return {
    unitId,
    unitName,
    unitType: 'section',
    period: 'month',
    periodKey: '2026-02',
    startsAt: '2026-01-31T16:00:00.000Z',
    endsAt: '2026-02-28T16:00:00.000Z',
    status: 'final',
    finalAtPosition: '100',
    carriedIn: 0,
    submitted: 0,
    adopted: 0,
    adoptionRate: 0,
    quotas: [],
    shortfall: 0,
    consecutiveMissed: 0,
    escalation: null,
    timeliness: { items: 0, onTime: 0, late: 0, lateItems: [] },
    incidents: { steps: 0, onTime: 0, late: 0, concealed: 0, missed: 0, outcomes: [] },
    commissions: { commissioned: 0, answeredOnTime: 0, answeredLate: 0, missed: 0 },
    penalties: [],
    score: 100,
    scale: 100,
    grade: { key: 'excellent', name: '优秀' },
    policies: [],
    ...extra,
  };
}

const input = {
  institution: '峄城区委办公室',
  title: '信息工作通报',
  period: 'month' as const,
  key: '2026-02',
  from: '2026-02-01',
  to: '2026-02-28',
  policy: { policyId: 'district-office-scoring', policyVersion: 1, ruleId: 'monthly-bulletin' },
};

describe('bulletin content (通报, R4.36-R4.42)', () => {
  const compliance = [
    row('a', '宣传科', { submitted: 4, adopted: 1, adoptionRate: 0.25 }),
    row('b', '法制科', {
      shortfall: 1,
      consecutiveMissed: 2,
      status: 'provisional',
      escalation: { ruleId: 'missed-months-escalation', consecutive: 2, action: 'missing-report notice to the unit\'s principal leader (缺报通知单)' },
      incidents: { steps: 1, onTime: 0, late: 0, concealed: 1, missed: 0, outcomes: [{ incidentId: 'i1', title: '仓库火情', step: 'first_report', verdict: 'concealed', dueAt: '2026-02-10T02:00:00Z', filedAt: '2026-02-10T13:00:00Z', lateByMinutes: 660 }] },
      score: 72,
      grade: { key: 'fail', name: '不合格' },
    }),
    row('c', '办公室'),
  ];
  const points = [
    { id: 'a', name: '宣传科', points: 55, submitted: 4, adopted: 1, adoptionRate: 0.25 },
    { id: 'c', name: '办公室', points: 55, submitted: 0, adopted: 0, adoptionRate: null },
    { id: 'b', name: '法制科', points: 0, submitted: 0, adopted: 0, adoptionRate: null },
  ];
  const content = buildBulletin({ ...input, points, compliance });

  it('ranks units by points with shared ranks (1, 1, 3), ties by name', () => {
    expect(content.units.map((u) => [u.rank, u.unitName, u.points])).toEqual([
      [1, '办公室', 55],
      [1, '宣传科', 55],
      [3, '法制科', 0],
    ]);
    expect(content.totals).toEqual({ units: 3, points: 110, submitted: 4, adopted: 1, adoptionRate: 0.25 });
  });

  it('R4.37: names the shortfall with its escalation step, and the concealed report; provisional while a row is', () => {
    expect(content.shortfalls).toEqual([{ unitId: 'b', unitName: '法制科', shortfall: 1, consecutiveMissed: 2, escalation: 'missing-report notice to the unit\'s principal leader (缺报通知单)' }]);
    expect(content.lateReports).toEqual([expect.objectContaining({ unitName: '法制科', verdict: 'concealed', lateByMinutes: 660 })]);
    expect(content.units.find((u) => u.unitId === 'b')).toMatchObject({ concealedIncidentReports: 1, grade: '不合格', score: 72 });
    expect(content.status).toBe('provisional');
    expect(buildBulletin({ ...input, points, compliance: compliance.map((c) => ({ ...c, status: 'final' as const })) }).status).toBe('final');
  });

  it('without compliance rows it ranks the points alone and says so', () => {
    const alone = buildBulletin({ ...input, points, compliance: null });
    expect(alone).toMatchObject({ compliance: false, status: 'provisional', shortfalls: [], lateReports: [] });
    expect(alone.units[0]).toMatchObject({ shortfall: null, grade: null });
  });

  it('the checksum is of the canonical JSON: key order does not change it, a figure does', () => {
    expect(bulletinChecksum({ b: 1, a: 2 })).toBe(bulletinChecksum({ a: 2, b: 1 }));
    expect(bulletinChecksum(content)).toMatch(/^[0-9a-f]{64}$/);
    expect(bulletinChecksum({ ...content, totals: { ...content.totals, points: 111 } })).not.toBe(bulletinChecksum(content));
  });

  it('names periods in Chinese, escapes HTML, and tables the columns', () => {
    expect([periodName('month', '2026-02'), periodName('quarter', '2026-Q4'), periodName('semester', '2026-H1'), periodName('year', '2026')]).toEqual(['2026年2月', '2026年第四季度', '2026年上半年', '2026年']);
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    const html = bulletinHtml({ ...content, institution: '<b>区委</b>' }, { edition: null, issuedAt: null, checksum: 'abc' });
    expect(html).toContain('<h1>&lt;b&gt;区委&lt;/b&gt;2026年2月信息工作通报</h1>');
    expect(html).toContain('仓库火情');
    expect(bulletinTable(content, 'zh').columns.map((c) => c.zh).slice(0, 6)).toEqual(['名次', '单位', '积分', '报送', '采用', '采用率']);
  });
});
