import { createHash } from 'node:crypto';
import type { RecordedEvent } from '@app/event-store';
import { type BusinessPeriod, canonicalJson } from '@app/kernel';
import { BatchMapping, batchApplier, ProjectionContext, ProjectionDefinition, TableBuffer, TableSource, tableSpec, writeBatch } from '@app/projections';
import {
  checkPolicyWhatIf,
  foldPolicyVersions,
  PolicyFoldEvent,
  PolicyVersionRecord,
  PolicyVersions,
  PolicyWhatIf,
  policyVersionKey,
} from '@app/policies';
import { entitlementLines, EntitlementLine, RewardsEnvironment } from '../domain/entitlements';
import { FollowerCount, rewardsEnvironment, withFollowerCount } from '../domain/environment';
import { EndedPeriod, endedPeriodOf, PeriodEarnings, periodRanked, rankingLineKeyPrefix, rankingPrizeItemId, rankingPrizeLines } from '../domain/ranking-prizes';
import { businessDate, foldItem, ITEM_EVENT_TYPES, ItemEvent, ItemFacts, itemActivity, itemBusinessDates, itemIdOf } from '../domain/item-facts';

/**
 * The time zone business dates are taken in. A constant of the projection (changing it is a new version and a
 * rebuild), so the same log always gives the same dates; it is the default BUSINESS_TIME_ZONE of the scheduler.
 */
export const REWARDS_TIME_ZONE = 'Asia/Shanghai';

type PolicyRow = { policy_id: string; version: number; record: PolicyVersionRecord };
type UnitRow = { unit_id: string; unit_type: string; name: string };
type MemberRow = { member_id: string; name: string };
type ChannelRow = { channel_id: string; platform: string; owner_unit_id: string; name: string; followers: FollowerCount[] };
/** A business period that ended in REWARDS_TIME_ZONE (BusinessPeriodEnded): its prizes can be awarded. */
type PeriodRow = { period: string; period_key: string; from_date: string; to_date: string; event_id: string };
type ItemRow = { draft_id: string; unit_id: string; facts: ItemFacts; first_date: string | null; last_date: string | null; channel_ids: string[]; line_keys: string[]; activity_keys: string[]; lines_hash: string | null };
/** An item's activity as leaderboards count it (itemActivity), with its first author and unit. */
type ActivityRow = { draft_id: string; kind: string; seq: number; business_date: string; author_id: string | null; unit_id: string };
export type EntitlementRow = {
  draft_id: string;
  line_key: string;
  family: string;
  payee_kind: string;
  payee_id: string;
  unit_id: string;
  platform: string | null;
  business_date: string;
  points: number;
  amount_fen: number;
  reason: string;
  policy_id: string;
  policy_version: number;
  rule_id: string;
  parameters: unknown;
  event_ids: string[];
};

export const REWARD_TABLES = {
  policies: tableSpec<PolicyRow>({ name: 'reward_policy_versions', columns: { policy_id: 'text', version: 'int', record: 'jsonb' }, key: ['policy_id', 'version'] }),
  units: tableSpec<UnitRow>({ name: 'reward_units', columns: { unit_id: 'uuid', unit_type: 'text', name: 'text' }, key: ['unit_id'] }),
  members: tableSpec<MemberRow>({ name: 'reward_members', columns: { member_id: 'text', name: 'text' }, key: ['member_id'] }),
  channels: tableSpec<ChannelRow>({
    name: 'reward_channels',
    columns: { channel_id: 'text', platform: 'text', owner_unit_id: 'uuid', name: 'text', followers: 'jsonb' },
    key: ['channel_id'],
  }),
  periods: tableSpec<PeriodRow>({
    name: 'reward_periods',
    columns: { period: 'text', period_key: 'text', from_date: 'date', to_date: 'date', event_id: 'text' },
    key: ['period', 'period_key'],
  }),
  items: tableSpec<ItemRow>({
    name: 'reward_items',
    columns: { draft_id: 'uuid', unit_id: 'uuid', facts: 'jsonb', first_date: 'date', last_date: 'date', channel_ids: 'text[]', line_keys: 'text[]', activity_keys: 'text[]', lines_hash: 'text' },
    key: ['draft_id'],
  }),
  activity: tableSpec<ActivityRow>({
    name: 'reward_activity',
    columns: { draft_id: 'uuid', kind: 'text', seq: 'int', business_date: 'date', author_id: 'text', unit_id: 'uuid' },
    key: ['draft_id', 'kind', 'seq'],
  }),
  entitlements: tableSpec<EntitlementRow>({
    name: 'entitlements',
    columns: {
      draft_id: 'uuid',
      line_key: 'text',
      family: 'text',
      payee_kind: 'text',
      payee_id: 'text',
      unit_id: 'uuid',
      platform: 'text',
      business_date: 'date',
      points: 'int',
      amount_fen: 'bigint',
      reason: 'text',
      policy_id: 'text',
      policy_version: 'int',
      rule_id: 'text',
      parameters: 'jsonb',
      event_ids: 'text[]',
    },
    key: ['draft_id', 'line_key'],
  }),
};

const POLICY_TYPES = ['PolicyDrafted', 'PolicyValidated', 'PolicyPublished', 'PolicySuperseded'];
const TIME_TYPES = ['BusinessPeriodEnded'];
const ORG_TYPES = ['UnitRegistered', 'UnitRenamed', 'ChannelRegistered', 'FollowerCountRecorded', 'MemberRegistered', 'MemberDetailsUpdated'];
const ITEM_TYPES = new Set<string>(ITEM_EVENT_TYPES);

interface Tables {
  policies: TableBuffer<PolicyRow>;
  units: TableBuffer<UnitRow>;
  members: TableBuffer<MemberRow>;
  channels: TableBuffer<ChannelRow>;
  periods: TableBuffer<PeriodRow>;
  items: TableBuffer<ItemRow>;
  activity: TableBuffer<ActivityRow>;
  entitlements: TableBuffer<EntitlementRow>;
}

/** What a batch changed that re-evaluates items it did not touch: policy periods, follower counts. */
interface Batch {
  readonly t: Tables;
  readonly whatIf: PolicyWhatIf;
  versions?: PolicyVersions;
  readonly touched: Set<string>;
  readonly policyRanges: { from: string; to: string }[];
  readonly followerChanges: Map<string, string>;
  /** Business date ranges whose lines (or prize rules) the batch may have changed, and periods it saw end. */
  readonly changedDates: { from: string; to: string }[];
}

const FAR_FUTURE = '9999-12-31';

function mapping(whatIf: PolicyWhatIf): BatchMapping<Batch> {
  return {
    tables(table: TableSource): Batch {
      return { t: tablesOf(table), whatIf, touched: new Set(), policyRanges: [], followerChanges: new Map(), changedDates: [] };
    },
    want(events, b) {
      // Policies, units and channels number in the tens to thousands: each batch holds them whole.
      b.t.policies.wantAll();
      b.t.units.wantAll();
      b.t.channels.wantAll();
      const drafts = events.filter((e) => ITEM_TYPES.has(e.type)).map((e) => ({ draft_id: itemIdOf(e as unknown as ItemEvent) }));
      if (drafts.length > 0) b.t.items.want(...drafts);
    },
    apply(event, b) {
      const e = event as RecordedEvent & { data: Record<string, unknown> };
      const d = e.data;
      if (ITEM_TYPES.has(e.type)) {
        const draftId = d.draftId as string;
        const row = b.t.items.get({ draft_id: draftId });
        const facts = foldItem(row?.facts, { type: e.type, data: d, eventId: e.metadata.eventId });
        if (!facts || facts === row?.facts) return;
        b.t.items.put({ draft_id: draftId, unit_id: facts.unitId, facts, first_date: row?.first_date ?? null, last_date: row?.last_date ?? null, channel_ids: facts.publications.map((p) => p.channelId), line_keys: row?.line_keys ?? [], activity_keys: row?.activity_keys ?? [], lines_hash: row?.lines_hash ?? null });
        b.touched.add(draftId);
        return;
      }
      switch (e.type) {
        case 'PolicyDrafted':
        case 'PolicyValidated':
        case 'PolicyPublished':
        case 'PolicySuperseded': {
          b.versions ??= new Map(b.t.policies.rows().map((r) => [policyVersionKey(r.policy_id, r.version), r.record]));
          const changed = foldPolicyVersions(b.versions, [{ type: e.type, data: d, recordedAt: e.metadata.recordedAt } as unknown as PolicyFoldEvent], b.whatIf);
          for (const key of changed) {
            const record = b.versions.get(key)!;
            b.t.policies.put({ policy_id: record.policyId, version: record.version, record });
            if (record.status !== 'draft' || e.type === 'PolicySuperseded') b.policyRanges.push({ from: record.document.effectiveFrom, to: record.document.effectiveTo ?? FAR_FUTURE });
          }
          return;
        }
        case 'BusinessPeriodEnded': {
          // Periods of another time zone are not this projection's business days (REWARDS_TIME_ZONE is a constant).
          const ended = endedPeriodOf(d as Parameters<typeof endedPeriodOf>[0], e.metadata.eventId, REWARDS_TIME_ZONE);
          if (!ended) return;
          b.t.periods.put({ period: ended.period, period_key: ended.key, from_date: ended.from, to_date: ended.to, event_id: ended.eventId });
          b.changedDates.push({ from: ended.from, to: ended.to });
          return;
        }
        case 'UnitRegistered':
          b.t.units.put({ unit_id: d.unitId as string, unit_type: d.unitType as string, name: d.name as string });
          return;
        case 'UnitRenamed':
          b.t.units.patch({ unit_id: d.unitId as string }, { name: d.name as string });
          return;
        case 'MemberRegistered':
        case 'MemberDetailsUpdated':
          b.t.members.put({ member_id: d.memberId as string, name: d.name as string });
          return;
        case 'ChannelRegistered':
          b.t.channels.put({ channel_id: d.channelId as string, platform: d.platform as string, owner_unit_id: d.ownerUnitId as string, name: d.name as string, followers: [] });
          return;
        case 'FollowerCountRecorded': {
          const channel = b.t.channels.get({ channel_id: d.channelId as string });
          if (!channel) return;
          const asOf = new Date(d.asOf as string).toISOString();
          b.t.channels.put({ ...channel, followers: withFollowerCount(channel.followers, asOf, d.count as number) });
          const earliest = b.followerChanges.get(channel.channel_id);
          if (!earliest || asOf < earliest) b.followerChanges.set(channel.channel_id, asOf);
          return;
        }
        default:
          return;
      }
    },
    finish: {
      // The items the batch touched, under the policies and organisation as the batch left them. The items it did
      // not touch but whose lines it changes are re-evaluated after it, page by page (reevaluateReached).
      want() {},
      apply(_events, b) {
        const env = environment(b.t);
        for (const row of b.t.items.rows()) {
          if (b.touched.has(row.draft_id)) reevaluateRow(row, env, b);
        }
        // a policy version can change a period's prize rules without changing any line
        b.changedDates.push(...b.policyRanges);
      },
    },
  };
}

function tablesOf(table: TableSource): Tables {
  return {
    policies: table(REWARD_TABLES.policies),
    units: table(REWARD_TABLES.units),
    members: table(REWARD_TABLES.members),
    channels: table(REWARD_TABLES.channels),
    periods: table(REWARD_TABLES.periods),
    items: table(REWARD_TABLES.items),
    activity: table(REWARD_TABLES.activity),
    entitlements: table(REWARD_TABLES.entitlements),
  };
}

/**
 * Re-evaluates one item. When its lines changed, they were dated within its old business dates and are now within
 * its new ones: both ranges may change a period's prizes.
 */
function reevaluateRow(row: ItemRow, env: RewardsEnvironment, b: Pick<Batch, 'changedDates' | 't'>): void {
  const after = reevaluate(row, env, b.t);
  if (after.lines_hash === row.lines_hash) return;
  if (row.first_date && row.last_date) b.changedDates.push({ from: row.first_date, to: row.last_date });
  if (after.first_date && after.last_date) b.changedDates.push({ from: after.first_date, to: after.last_date });
}

/**
 * Items re-evaluated per page when a batch reaches items it did not touch: memory stays bounded by the page. An
 * object so a spec can make pages of one item and cross their boundaries (the result never depends on it).
 */
export const REEVALUATION = { page: 2_000 };

/**
 * The items a batch did not touch but whose lines it changes, after its rows are written and in its transaction:
 * a policy version published, superseded (or treated as published) reaches the items with a business date in its
 * period; a follower count the items published on that channel since its date. Their ids are read first (ids
 * only), then each page of REEVALUATION.page items is loaded with the policies, units and channels, re-evaluated
 * and written: a retroactive version over a whole year of a large history never holds that year in memory.
 */
async function reevaluateReached(ctx: Pick<ProjectionContext, 'client' | 't'>, b: Batch): Promise<void> {
  if (b.policyRanges.length === 0 && b.followerChanges.size === 0) return;
  const channels = [...b.followerChanges.keys()];
  const ids = await ctx.client.query<{ draft_id: string }>(
    `SELECT draft_id FROM ${ctx.t('reward_items')} x
      WHERE (EXISTS (SELECT 1 FROM unnest($1::date[], $2::date[]) AS r(f, t) WHERE x.last_date >= r.f AND x.first_date <= r.t)
         OR EXISTS (SELECT 1 FROM unnest($3::text[], $4::date[]) AS c(id, since) WHERE c.id = ANY(x.channel_ids) AND x.last_date >= c.since))
        AND NOT (draft_id = ANY($5::uuid[]))
      ORDER BY draft_id`,
    [
      b.policyRanges.map((r) => r.from),
      b.policyRanges.map((r) => r.to),
      channels,
      channels.map((c) => businessDate(b.followerChanges.get(c)!, REWARDS_TIME_ZONE)),
      [...b.touched],
    ],
  );
  for (let i = 0; i < ids.rows.length; i += REEVALUATION.page) {
    const page = ids.rows.slice(i, i + REEVALUATION.page);
    await writeBatch(ctx, async (writer) => {
      const t = tablesOf((spec) => writer.table(spec));
      t.policies.wantAll();
      t.units.wantAll();
      t.channels.wantAll();
      t.items.want(...page.map((r) => ({ draft_id: r.draft_id })));
      await writer.load();
      const env = environment(t);
      const pageBatch = { t, changedDates: b.changedDates };
      for (const row of t.items.rows()) reevaluateRow(row, env, pageBatch);
    });
  }
}

/** The policies, units and channels of the batch as evaluation sees them. */
function environment(t: Tables): RewardsEnvironment {
  return rewardsEnvironment({
    timeZone: REWARDS_TIME_ZONE,
    policies: t.policies.rows().map((r) => r.record),
    unitTypes: new Map(t.units.rows().map((u) => [u.unit_id, u.unit_type])),
    channels: new Map(t.channels.rows().map((c) => [c.channel_id, { ownerUnitId: c.owner_unit_id, followers: c.followers }])),
  });
}

/**
 * Recomputes an item's lines and its activity (what leaderboards count) and keeps their keys, a hash of both and
 * the item's dates on the item. Its rows in entitlements and reward_activity are replaced only when the hash
 * changed: most events of an item (an observation below the next tier, an edit) leave them as they were, and
 * rewriting them was a fifth of a rebuild's statement time.
 */
function reevaluate(row: ItemRow, env: RewardsEnvironment, t: Tables): ItemRow {
  const lines = entitlementLines(row.facts, env);
  const activity = itemActivity(row.facts, REWARDS_TIME_ZONE);
  // canonical: a policy's parameters come with the key order of the event or of jsonb, and the hash is a row
  const hash = createHash('sha1').update(canonicalJson({ lines, activity })).digest('base64');
  const keys = lines.map((l) => l.key);
  const activityKeys = activity.map((a) => `${a.kind}:${a.seq}`);
  if (hash !== row.lines_hash) {
    for (const old of row.line_keys) if (!keys.includes(old)) t.entitlements.delete({ draft_id: row.draft_id, line_key: old });
    for (const line of lines) t.entitlements.put(toRow(row.draft_id, line));
    for (const old of row.activity_keys) {
      if (activityKeys.includes(old)) continue;
      const [kind, seq] = old.split(':') as [string, string];
      t.activity.delete({ draft_id: row.draft_id, kind, seq: Number(seq) });
    }
    const author = row.facts.authors[0] ?? null;
    for (const a of activity) t.activity.put({ draft_id: row.draft_id, kind: a.kind, seq: a.seq, business_date: a.businessDate, author_id: author, unit_id: row.facts.unitId });
  }
  const dates = itemBusinessDates(row.facts, REWARDS_TIME_ZONE);
  const first = dates[0] ?? null;
  const last = dates[dates.length - 1] ?? null;
  // an item a policy or follower change reached without changing it is not written again
  if (hash === row.lines_hash && first === row.first_date && last === row.last_date) return row;
  return t.items.put({ ...row, first_date: first, last_date: last, line_keys: keys, activity_keys: activityKeys, lines_hash: hash });
}

/**
 * Ranking prizes (docs/rewards.md "Ranking prizes"), after the batch's rows are written, in its transaction: every
 * ended period whose dates the batch's changes reach gets its prize lines replaced by those its current standings
 * give (rankingPrizeLines). Three statements at most, whatever the number of periods: the ended periods reached,
 * the money of their lines per (unit, payee, platform), then one delete and one insert of prize lines.
 */
async function awardRankingPrizes(ctx: Pick<ProjectionContext, 'client' | 't'>, b: Batch): Promise<void> {
  if (b.changedDates.length === 0) return;
  const periods = (
    await ctx.client.query<PeriodRow>(
      `SELECT period, period_key, to_char(from_date, 'YYYY-MM-DD') AS from_date, to_char(to_date, 'YYYY-MM-DD') AS to_date, event_id FROM ${ctx.t('reward_periods')} p
        WHERE EXISTS (SELECT 1 FROM unnest($1::date[], $2::date[]) AS r(f, t) WHERE p.to_date >= r.f AND p.from_date <= r.t)
        ORDER BY period, period_key`,
      [b.changedDates.map((r) => r.from), b.changedDates.map((r) => r.to)],
    )
  ).rows.map((r): EndedPeriod => ({ period: r.period as BusinessPeriod, key: r.period_key, from: r.from_date, to: r.to_date, eventId: r.event_id }));
  if (periods.length === 0) return;
  const env = environment(b.t);
  const unitTypes = [...new Set(b.t.units.rows().map((u) => u.unit_type))];
  // only periods that some policy in force on their last day ranks need their lines read
  const ranked = periods.filter((p) => periodRanked(p, unitTypes, env));
  const earnings = new Map<number, PeriodEarnings[]>();
  if (ranked.length > 0) {
    const rows = await ctx.client.query<{ i: number; unit_id: string; payee_kind: 'member' | 'unit'; payee_id: string; platform: string | null; amount_fen: string; event_ids: string[] }>(
      `SELECT p.i, e.unit_id, e.payee_kind, e.payee_id, e.platform, sum(e.amount_fen)::text AS amount_fen,
              (SELECT array_agg(DISTINCT id ORDER BY id) FROM ${ctx.t('entitlements')} x, unnest(x.event_ids) id
                WHERE x.business_date BETWEEN p.f AND p.t AND x.family <> 'ranking' AND x.unit_id = e.unit_id AND x.payee_kind = e.payee_kind
                  AND x.payee_id = e.payee_id AND x.platform IS NOT DISTINCT FROM e.platform) AS event_ids
         FROM unnest($1::int[], $2::date[], $3::date[]) AS p(i, f, t)
         JOIN ${ctx.t('entitlements')} e ON e.business_date BETWEEN p.f AND p.t AND e.family <> 'ranking'
        GROUP BY p.i, p.f, p.t, e.unit_id, e.payee_kind, e.payee_id, e.platform`,
      [ranked.map((_, i) => i), ranked.map((p) => p.from), ranked.map((p) => p.to)],
    );
    for (const r of rows.rows) {
      const list = earnings.get(r.i) ?? [];
      list.push({ unitId: r.unit_id, payee: { kind: r.payee_kind, id: r.payee_id }, platform: r.platform, amountFen: Number(r.amount_fen), eventIds: r.event_ids ?? [] });
      earnings.set(r.i, list);
    }
  }
  const prizes = ranked.flatMap((p, i) => rankingPrizeLines(p, earnings.get(i) ?? [], env).map((l) => toRow(rankingPrizeItemId(l.policyId, l.ruleId, p), l)));
  await ctx.client.query(`DELETE FROM ${ctx.t('entitlements')} WHERE family = 'ranking' AND business_date = ANY($1::date[]) AND line_key LIKE ANY($2::text[])`, [
    [...new Set(periods.map((p) => p.to))],
    periods.map((p) => `${rankingLineKeyPrefix(p)}%`),
  ]);
  if (prizes.length === 0) return;
  await ctx.client.query(`INSERT INTO ${ctx.t('entitlements')} SELECT * FROM json_populate_recordset(NULL::${ctx.t('entitlements')}, $1::json)`, [JSON.stringify(prizes)]);
}

function toRow(draftId: string, l: EntitlementLine): EntitlementRow {
  return {
    draft_id: draftId,
    line_key: l.key,
    family: l.family,
    payee_kind: l.payee.kind,
    payee_id: l.payee.id,
    unit_id: l.unitId,
    platform: l.platform,
    business_date: l.businessDate,
    points: l.points,
    amount_fen: l.amountFen,
    reason: l.reason,
    policy_id: l.policyId,
    policy_version: l.policyVersion,
    rule_id: l.ruleId,
    parameters: l.parameters,
    event_ids: [...l.eventIds],
  };
}

/**
 * Entitlements (issue 10, docs/rewards.md): every line an item earns under the policies in force, folded from the
 * log alone. The projection folds what evaluation needs into its own tables (policy versions through the same
 * foldPolicyVersions as the policies projection, with the `policies` what-if parameter; units, channels with their
 * follower counts, members' names; each item's facts), and after each batch re-evaluates the items it touched
 * and those a policy or follower change reaches. An item's lines are a pure function of its facts and those
 * tables, so a live build equals a rebuild and a shadow build with a what-if differs exactly where the policy does.
 * It folds BusinessPeriodEnded too: the ranking prizes of an ended period are lines of a synthetic item, replaced
 * whenever a batch reaches the period's dates (awardRankingPrizes).
 */
export const rewardsProjection: ProjectionDefinition = {
  name: 'rewards',
  version: 2,
  tables: Object.values(REWARD_TABLES).map((s) => s.name),
  eventTypes: [...ITEM_EVENT_TYPES, ...POLICY_TYPES, ...ORG_TYPES, ...TIME_TYPES],
  parameters: { policies: checkPolicyWhatIf },
  async setup(client, t) {
    await client.query(`
      CREATE TABLE ${t('reward_policy_versions')} (policy_id text NOT NULL, version int NOT NULL, record jsonb NOT NULL, PRIMARY KEY (policy_id, version));
      CREATE TABLE ${t('reward_units')} (unit_id uuid PRIMARY KEY, unit_type text NOT NULL, name text NOT NULL);
      CREATE TABLE ${t('reward_members')} (member_id text PRIMARY KEY, name text NOT NULL);
      CREATE TABLE ${t('reward_channels')} (channel_id text PRIMARY KEY, platform text NOT NULL, owner_unit_id uuid NOT NULL, name text NOT NULL, followers jsonb NOT NULL);
      CREATE TABLE ${t('reward_periods')} (
        period text NOT NULL, period_key text NOT NULL, from_date date NOT NULL, to_date date NOT NULL, event_id text NOT NULL,
        PRIMARY KEY (period, period_key));
      CREATE TABLE ${t('reward_items')} (
        draft_id uuid PRIMARY KEY, unit_id uuid NOT NULL, facts jsonb NOT NULL, first_date date, last_date date,
        channel_ids text[] NOT NULL, line_keys text[] NOT NULL, activity_keys text[] NOT NULL, lines_hash text);
      CREATE TABLE ${t('reward_activity')} (
        draft_id uuid NOT NULL, kind text NOT NULL, seq int NOT NULL, business_date date NOT NULL, author_id text, unit_id uuid NOT NULL,
        PRIMARY KEY (draft_id, kind, seq));
      CREATE INDEX ON ${t('reward_activity')} (business_date);
      CREATE INDEX ON ${t('reward_items')} (last_date);
      CREATE TABLE ${t('entitlements')} (
        draft_id uuid NOT NULL, line_key text NOT NULL, family text NOT NULL, payee_kind text NOT NULL, payee_id text NOT NULL,
        unit_id uuid NOT NULL, platform text, business_date date NOT NULL, points int NOT NULL, amount_fen bigint NOT NULL, reason text NOT NULL,
        policy_id text NOT NULL, policy_version int NOT NULL, rule_id text NOT NULL, parameters jsonb, event_ids text[] NOT NULL,
        PRIMARY KEY (draft_id, line_key));
      CREATE INDEX ON ${t('entitlements')} (business_date);
      CREATE INDEX ON ${t('entitlements')} (payee_id, business_date);
      CREATE INDEX ON ${t('entitlements')} (unit_id, business_date);
    `);
  },
  async applyBatch(events, ctx) {
    const m = mapping((ctx.parameters.policies ?? {}) as PolicyWhatIf);
    let batch: Batch | undefined;
    await batchApplier<Batch>({ ...m, tables: (table) => (batch = m.tables(table)) })(events, ctx);
    if (batch) {
      await reevaluateReached(ctx, batch);
      await awardRankingPrizes(ctx, batch);
    }
  },
};

