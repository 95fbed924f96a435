import { createHash } from 'node:crypto';
import type { DraftContent } from '@app/reporting';
import { TOPICS } from '../names';
import type { Rng } from '../random';

const CONTENT_TYPE_WEIGHTS: Readonly<Record<string, number>> = { general: 35, dynamic: 25, 'leader-visit': 12, experience: 15, problem: 8 };
const PLATFORMS = ['wechat', 'weibo', 'website', 'douyin'];
const HEDGES = ['可能', '听说', '差不多'];

/** How many days after the event a reporter usually writes it up (0-2; experience and problem items take longer). */
function eventLag(rng: Rng, contentType: string): number {
  if (contentType === 'experience' || contentType === 'problem') return rng.int(0, 6);
  return rng.weighted([
    [0, 55],
    [1, 30],
    [2, 10],
    [3, 5],
  ]);
}

/**
 * A 信息稿件 as a reporter writes it: a content type the policy in force knows, a title and body from the unit's
 * work (now and then with a hedging word or a figure without its unit, which the policy's quality rules warn
 * about), the event date, importance, destination, target platforms and, for leader visits, the evidence field.
 */
export function draftContent(rng: Rng, opts: { unitName: string; authors: string[]; contentTypes: readonly string[]; today: (daysBack: number) => string }): DraftContent {
  const known = opts.contentTypes.filter((t) => CONTENT_TYPE_WEIGHTS[t] !== undefined);
  const contentType = known.length > 0 ? rng.weighted(known.map((t) => [t, CONTENT_TYPE_WEIGHTS[t]!] as const)) : rng.pick(opts.contentTypes);
  const destination = rng.chance(0.6) ? 'external' : 'internal';
  const topic = rng.pick(TOPICS);
  const sentences: string[] = [`近日,${opts.unitName}${topic}。`];
  const n = rng.int(2, 8);
  for (let i = 0; i < n; i++) {
    const figure = rng.chance(0.1) ? `${rng.int(2, 300)}` : `${rng.int(2, 300)}${rng.pick(['人次', '起', '处', '名', '场', '万元'])}`;
    const hedge = rng.chance(0.03) ? rng.pick(HEDGES) : '';
    sentences.push(`此次行动${hedge}共出动警力${figure},${rng.pick(['排查隐患', '化解纠纷', '走访群众', '发放宣传资料', '查处违法行为'])}${rng.int(3, 120)}${rng.pick(['处', '起', '份', '人'])}。`);
  }
  sentences.push(rng.pick(['下一步,将持续巩固工作成效。', '群众反响良好。', '相关工作正在深入推进中。']));
  const daysBack = eventLag(rng, contentType);
  const attachments = rng.chance(0.2)
    ? [{ name: '现场照片.jpg', mediaType: 'image/jpeg', size: rng.int(80_000, 4_000_000), sha256: createHash('sha256').update(`${topic}${rng.next()}`).digest('hex') }].map((a) => ({ ...a, storageKey: a.sha256 }))
    : [];
  const source = rng.chance(0.05) ? 'repost' : 'original';
  return {
    title: `${opts.unitName}${topic}`,
    body: sentences.join(''),
    contentType,
    source,
    originalOutlet: source === 'repost' ? rng.pick(['人民公安报', '法治日报', '省公安厅官网']) : null,
    firstRelease: rng.chance(0.1) ? 'published_elsewhere' : 'exclusive',
    targetPlatforms: destination === 'external' ? rng.sample(PLATFORMS, rng.int(1, 2)) : [],
    authors: opts.authors,
    recommenderId: null,
    eventDate: rng.chance(0.92) ? opts.today(daysBack) : null,
    importance: rng.chance(0.2) ? 'important' : 'general',
    destination,
    longForm: rng.chance(0.05),
    attachments,
    formFields: contentType === 'leader-visit' && rng.chance(0.85) ? { evidence: `现场照片${rng.int(2, 9)}张、会议纪要` } : {},
  };
}

/** A revision after 退回修改: the body gains the missing facts. */
export function revised(rng: Rng, content: DraftContent): DraftContent {
  return { ...content, body: `${content.body}(补充:${rng.pick(['已核实具体数据。', '已补充现场情况。', '已删除不确切表述。'])})`, formFields: content.contentType === 'leader-visit' ? { evidence: '现场照片4张' } : content.formFields };
}
