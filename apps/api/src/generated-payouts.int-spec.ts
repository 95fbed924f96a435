import { EventStore, PostgresEventStore, RecordedEvent } from '@app/event-store';
import { generateHistory, GenerationSummary } from '@app/generator';
import { fold } from '@app/kernel';
import { ProjectionRuntime, quoteIdent, ReadModels, waitForProjections } from '@app/projections';
import { buildStatement, PAYOUTS_STREAM, PayoutEvent, payoutsDecider, rewardsProjection, statementChecksum } from '@app/rewards';
import { createTestDatabase, TestDatabase } from '@test/support';
import { PayoutsService } from '../../../libs/rewards/src/payouts/payouts.service';

/**
 * The generator's finance closes payout periods with statements it computes in memory (EntitlementsModel). They
 * must be what POST /v1/payouts/periods/:id/close records at the same point of the log: for every generated close,
 * a rewards build as of the position before it, read by the route's own PayoutsService.currentLines, gives the
 * same statement (lines, adjustments, totals, checksum), and the close names that position. The history has the
 * scheduler's BusinessPeriodEnded, so the statements hold the ranking prizes of the ended months as the build
 * awards them.
 */
describe('the generated payout closes', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  let runtime: ProjectionRuntime;
  let summary: GenerationSummary;
  let payouts: RecordedEvent[];

  beforeAll(async () => {
    db = await createTestDatabase();
    store = new PostgresEventStore(db.pool, { pollIntervalMs: 50 });
    summary = await generateHistory({ size: 'small', seed: 'generated-payouts', plan: { targetEvents: 8_000 }, store });
    runtime = new ProjectionRuntime(db.pool, store, [rewardsProjection], { leaseIntervalMs: 100 });
    await runtime.start();
    await waitForProjections(db.pool, store, runtime, 300_000);
    payouts = await store.readStream(PAYOUTS_STREAM);
  }, 600_000);

  afterAll(async () => {
    await runtime?.stop();
    await store?.close();
    await db?.drop();
  });

  it('are in the history: a period a month, closed in order, with payouts', () => {
    expect(summary.refused).toEqual([]);
    const types = payouts.map((e) => e.type);
    expect(types.filter((t) => t === 'PayoutPeriodOpened')).toHaveLength(6);
    expect(types.filter((t) => t === 'PayoutPeriodClosed')).toHaveLength(5);
    expect(types.filter((t) => t === 'PayoutRecorded').length).toBeGreaterThan(5);
  });

  it('record the statement the close route computes from a rewards build as of their position', async () => {
    const closes = payouts.map((e, i) => [e, i] as const).filter(([e]) => e.type === 'PayoutPeriodClosed');
    let adjustments = 0;
    let prizes = 0;
    for (const [close, index] of closes) {
      const before = close.position - 1n;
      const recorded = close.data as { periodId: string; position: string; statement: ReturnType<typeof buildStatement> };
      const state = fold(payoutsDecider, payouts.slice(0, index) as unknown as PayoutEvent[]);
      const period = state.periods.find((p) => p.periodId === recorded.periodId)!;

      const build = await runtime.startShadowBuild('rewards', { targetPosition: before, purpose: `as of the close of ${recorded.periodId}` });
      for (;;) {
        const r = (await db.pool.query<{ reached_target_at: Date | null; stopped_at: Date | null; last_error: string | null }>(`SELECT reached_target_at, stopped_at, last_error FROM projection_builds WHERE build_id = $1`, [build.build_id])).rows[0]!;
        if (r.stopped_at) throw new Error(r.last_error ?? 'build stopped');
        if (r.reached_target_at) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const asOf = { headPosition: async () => before } as unknown as EventStore;
      const shadow = { scope: async () => ({ t: (table: string) => `${quoteIdent(build.schema_name)}.${quoteIdent(table)}` }) } as unknown as ReadModels;
      const { lines } = await new PayoutsService(asOf, db.pool, shadow).currentLines(state, period.to);
      await runtime.dropBuild(build.build_id);

      expect(recorded.position).toBe(before.toString());
      expect(recorded.statement.totals.lines).toBeGreaterThan(0);
      expect(recorded.statement).toEqual(buildStatement(state, period, lines));
      // the checksum checks on the statement as the store gives it back
      expect(statementChecksum(recorded.statement)).toBe(recorded.statement.checksum);
      adjustments += recorded.statement.totals.adjustments;
      prizes += recorded.statement.payees.flatMap((p) => p.lines).filter((l) => l.lineKey.startsWith(`ranking:month:${recorded.periodId}:`)).length;
    }
    expect(closes).toHaveLength(5);
    // late facts after a close (adoptions, observations within the window, a retroactive version) adjust a later one
    expect(adjustments).toBeGreaterThan(0);
    // each closed month's unit WeChat ranking (the generated history's rewards policy) pays its month's first units
    expect(prizes).toBeGreaterThanOrEqual(closes.length * 3);
  }, 600_000);
});
